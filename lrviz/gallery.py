"""The gallery: every config of a folder drawn as PNG and SVG, with an index.

``gallery/README.md`` has one section per figure: its title, the image, the
config's caption (what it shows and where it comes from) and the command that
redraws it. Figures are deterministic, so regenerating the gallery is a
visual regression test: any change to a figure shows in review.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .config import load
from .output import atomic_write
from .draw import figure

FORMATS = ("png", "svg")  # of output.FIGURE_FORMATS, the ones a gallery page shows


@dataclass(frozen=True)
class Figure:
    name: str  # the config's file stem
    config_path: str
    title: str
    caption: str
    command: str = "plot"  # the lrviz command that draws it: plot, or playground for a playground: config


def configs_in(folder: str) -> list[str]:
    """The YAML configs of ``folder``, sorted by name."""
    if not os.path.isdir(folder):
        from .errors import OutputError

        raise OutputError(f"{folder}: not a folder of configs")
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))


def build(configs: str, out: str, *, echo=lambda line: None, published_as: str | None = None) -> list[Figure]:
    """Draw every config of ``configs`` into ``out`` (PNG and SVG) and write ``out/README.md``.

    Every config is loaded first, so a broken one stops the run before any file changes.
    The index's commands name ``published_as`` (default ``out``) as the gallery folder.
    """
    from .errors import OutputError

    if not os.path.isdir(out):
        raise OutputError(f"{out}: folder does not exist")
    from .playground import config as playground_config

    loaded = [(path, playground_config.load(path), "playground") if playground_config.is_playground(path)
              else (path, load(path), "plot") for path in configs_in(configs)]
    figures = []
    for path, config, command in loaded:
        name = os.path.splitext(os.path.basename(path))[0]
        targets = [os.path.join(out, f"{name}.{fmt}") for fmt in FORMATS]
        if command == "playground":
            from .playground.play import draw

            draw(config, targets)  # one run, written in every format
        for target in targets:
            if command == "plot":
                figure(config, output=target)
            echo(f"wrote {target}")
        figures.append(Figure(name, path, config.title or name, config.caption or "", command))
    index = os.path.join(out, "README.md")
    text = index_text(figures, configs, published_as or out)
    atomic_write(index, lambda fh: fh.write(text), binary=False)
    echo(f"wrote {index}")
    return figures


def index_text(figures: list[Figure], configs: str, out: str) -> str:
    """The gallery's README: a section per figure with its image, caption and command."""
    lines = [
        "# Gallery",
        "",
        "Every figure here is drawn by lrviz from a config in `configs/`. Regenerate them all with",
        "",
        "```bash",
        f"lrviz gallery --configs {_posix(configs)} --out {_posix(out)}",
        "```",
        "",
        "The test suite regenerates the gallery and checks that every file is byte-identical,",
        "so a change that alters a figure shows up in review.",
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
        lines += ["```bash", f"lrviz {f.command} {_posix(f.config_path)} -o {_posix(os.path.join(out, f.name))}.png",
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
