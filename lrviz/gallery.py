"""The gallery: every config of a folder drawn as PNG and SVG, with an index.

``gallery/README.md`` lists the documents that captions cite ("From document N, ...",
see :mod:`lrviz.documents`), then has one section per figure: its title, the image,
the config's caption (what it shows and where it comes from) and the command that
redraws it. Figures are deterministic, so regenerating the gallery is a
visual regression test: any change to a figure shows in review.

Trainers' own files are drawn too, from ``<configs>/trainers/gallery.yaml``: a
list of ``{file, caption}`` with the facts a file cannot say itself
(``dataset_size``, ``world_size``, ``steps_per_epoch``); their figures are named
``trainer_<stem>``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from .config import load
from .output import atomic_write
from .draw import figure

FORMATS = ("png", "svg")  # of output.FIGURE_FORMATS, the ones a gallery page shows


TRAINER_INDEX = os.path.join("trainers", "gallery.yaml")
FACTS = ("dataset_size", "world_size", "steps_per_epoch")


@dataclass(frozen=True)
class Figure:
    name: str  # the config's file stem
    config_path: str
    title: str
    caption: str
    command: str = "plot"  # the lrviz command that draws it: plot, or playground for a playground: config
    options: str = ""  # what else the command line says: --dataset-size N, ...


def trainer_files(configs: str) -> list[tuple[str, dict, str]]:
    """(path, facts, caption) of every trainer file listed in ``<configs>/trainers/gallery.yaml``."""
    from .config import parse, read_text
    from .errors import ConfigError

    index = os.path.join(configs, TRAINER_INDEX)
    if not os.path.isfile(index):
        return []
    data, doc = parse(read_text(index), index)
    if not isinstance(data, list):
        doc.issue("", "expected a list of {file, caption, dataset_size, world_size, steps_per_epoch}")
    out = []
    for i, entry in enumerate(data if isinstance(data, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            doc.issue(f"[{i}]", "expected a mapping with a file")
            continue
        unknown = set(entry) - {"file", "caption", *FACTS}
        if unknown:
            doc.issue(f"[{i}].{sorted(unknown)[0]}", "unknown key")
        facts = {k: entry[k] for k in FACTS if k in entry}
        out.append((os.path.join(os.path.dirname(index), entry["file"]), facts, str(entry.get("caption", ""))))
    if doc.issues:
        raise ConfigError(doc.issues)
    return out


def configs_in(folder: str) -> list[str]:
    """The YAML configs of ``folder``, sorted by name."""
    if not os.path.isdir(folder):
        from .errors import OutputError

        raise OutputError(f"{folder}: not a folder of configs")
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))


def build(configs: str, out: str, *, echo=lambda line: None, published_as: str | None = None) -> list[Figure]:
    """Draw every config of ``configs`` into ``out`` (PNG and SVG) and write ``out/README.md``.

    Every config is loaded first, so a broken one stops the run before any file changes; every figure is then
    drawn into a hidden folder in ``out`` and moved in only when all of them were drawn (a figure that cannot
    be drawn, a bad title say, leaves ``out`` as it was).
    The index's commands name ``published_as`` (default ``out``) as the gallery folder.
    """
    from .errors import OutputError

    if not os.path.isdir(out):
        raise OutputError(f"{out}: is a file, not a folder; --out names the gallery's folder" if os.path.lexists(out)
                          else f"{out}: folder does not exist")
    from .playground import config as playground_config

    from dataclasses import replace

    from .sources import load as load_any

    def stem(path: str) -> str:
        return os.path.splitext(os.path.basename(path))[0]

    loaded = [(stem(path), path, playground_config.load(path), "playground", "") if playground_config.is_playground(path)
              else (stem(path), path, load(path), "plot", "") for path in configs_in(configs)]
    for path, facts, caption in trainer_files(configs):
        config = load_any(path, **facts)
        notes = f" {config.caption}" if config.caption else ""  # what the reader found: rounding, scaling, stepping
        options = "".join(f" --{k.replace('_', '-')} {v}" for k, v in facts.items())
        loaded.append((f"trainer_{stem(path)}", path, replace(config, caption=caption + notes), "plot", options))
    figures = []
    stage = tempfile.mkdtemp(prefix=".lrviz-gallery.", dir=out)  # every file is drawn here first: all or nothing
    try:
        drawn: list[str] = []
        for name, path, config, command, options in loaded:
            files = [f"{name}.{fmt}" for fmt in FORMATS]
            staged = [os.path.join(stage, f) for f in files]
            if command == "playground":
                from .playground.play import draw

                draw(config, staged)  # one run, written in every format
            else:
                for target in staged:
                    figure(config, output=target)
            drawn += files
            figures.append(Figure(name, path, config.title or name, config.caption or "", command, options))
        text = index_text(figures, configs, published_as or out)
        atomic_write(os.path.join(stage, "README.md"), lambda fh: fh.write(text), binary=False)
        for file in drawn + ["README.md"]:  # nothing failed: move them in, each replaced atomically
            os.replace(os.path.join(stage, file), os.path.join(out, file))
            echo(f"wrote {os.path.join(out, file)}")
    except OSError as err:
        raise OutputError(f"{out}: cannot write the gallery: {err.strerror}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return figures


def index_text(figures: list[Figure], configs: str, out: str) -> str:
    """The gallery's README: the documents captions cite, then a section per figure with its image,
    caption and command."""
    from .documents import listing

    lines = [
        "# Gallery",
        "",
        "Every figure here is drawn by lrviz from a config in `configs/`, or from a trainer's own file in",
        "`configs/trainers/` (listed in its `gallery.yaml`). Regenerate them all with",
        "",
        "```bash",
        f"lrviz gallery --configs {_posix(configs)} --out {_posix(out)}",
        "```",
        "",
        "The test suite regenerates the gallery and checks that every file is byte-identical,",
        "so a change that alters a figure shows up in review.",
        "",
        "Captions cite the five short Chinese notes on learning rates that lrviz was built from as",
        "\"document N\" (titles in English, then as written):",
        "",
        *listing(),
        "",
    ]
    lines += [f"- [{f.title}](#{_anchor(f.name)})" for f in figures]
    for f in figures:
        lines += [
            "",
            f'<a id="{_anchor(f.name)}"></a>',
            f"## {f.title}",
            "",
            f"![{f.title}]({f.name}.png)",
            "",
        ]
        if f.caption:
            lines += [f.caption.strip(), ""]
        lines += ["```bash", f"lrviz {f.command} {_posix(f.config_path)}{f.options} -o {_posix(os.path.join(out, f.name))}.png",
                  "```"]
    lines += ["", "---", "", drawn_with()]
    return "\n".join(lines) + "\n"


def drawn_with() -> str:
    """The versions the files depend on: the same ones give the same bytes."""
    import matplotlib

    from . import __version__

    return f"Drawn by lrviz {__version__} with matplotlib {matplotlib.__version__}."


def _anchor(name: str) -> str:
    return name.replace("_", "-").lower()


def _posix(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")
