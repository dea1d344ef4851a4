"""The file a user points lrviz at -> a :class:`~lrviz.spec.Config`: an lrviz config, or a trainer's own.

An lrviz config is YAML with a top-level ``schedules`` (or ``playground``) key;
its other keys are checked by :mod:`lrviz.config`. Any other file goes to :mod:`lrviz.trainers`,
which tells the trainer format from the content (HF TrainingArguments, DeepSpeed,
timm, MMEngine, Ultralytics, LightningCLI, Megatron, NeMo, fairseq, torchtune,
axolotl) and reads it the way that trainer turns it into a per-step lr.
``format`` overrides the guess: ``"lrviz"`` or a trainer format name.

What a trainer's file cannot say (the dataset size, the number of processes)
comes from ``dataset_size``, ``world_size`` and ``steps_per_epoch``; an lrviz
config says all it means, so those are refused for it.

Where a word on the command line points (:func:`resolve`): ``-`` is stdin (read
once, kept for the run); a file that exists is that file (``NAME`` may leave out
its ``.yaml``, ``.json``, ...); otherwise a shipped
example config by name (``warmup_cosine``, ``warmup_cosine.yaml`` or
``trainers/hf_training_args.json``), so a local file of that name always wins.
The examples are the top-level ``configs/`` folder, installed as ``lrviz/examples``
(see pyproject.toml) and found with :mod:`importlib.resources`; in a source
checkout (an editable install) the folder itself.
"""

from __future__ import annotations

import os
import re

from .errors import ConfigError, Issue, UsageError
from .spec import Config

LRVIZ = "lrviz"
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.M)
STDIN = "-"
STDIN_NAME = "<stdin>"
EXAMPLE_SUFFIXES = (".yaml", ".yml", ".json", ".py", ".sh")
_stdin_text: dict[int, str] = {}  # id(sys.stdin) -> its text, once read (a new stdin, as in tests, is read anew)


def examples_folder():
    """The folder of the shipped example configs (a :class:`pathlib.Path`), or None when lrviz has none."""
    from importlib.resources import files
    from pathlib import Path

    installed = files("lrviz") / "examples"
    if installed.is_dir():
        return Path(str(installed))
    checkout = Path(__file__).resolve().parent.parent / "configs"  # a source checkout or an editable install
    return checkout if checkout.is_dir() else None


def examples() -> dict[str, str]:
    """Shipped example name -> its path: ``warmup_cosine`` for ``configs/warmup_cosine.yaml``,
    ``trainers/hf_training_args`` for the trainers' examples. Sorted by name; ``_base_`` files are left out."""
    folder = examples_folder()
    if folder is None:
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and path.suffix in EXAMPLE_SUFFIXES and not any(p.startswith(("_", ".")) for p in rel.parts):
            if rel.name == "gallery.yaml":  # the gallery's index of trainer files, not a config
                continue
            found[rel.with_suffix("").as_posix()] = str(path)
    return found


def example(word: str) -> str | None:
    """The path of the shipped example ``word`` names (with or without its extension), or None."""
    found = examples()
    name = word.replace(os.sep, "/")
    if name in found:
        return found[name]
    stem, ext = os.path.splitext(name)
    if ext in EXAMPLE_SUFFIXES and stem in found and found[stem].endswith(ext):
        return found[stem]
    return None


def local(word: str) -> str | None:
    """The local file ``word`` names: itself, or, written without an extension, ``word.yaml`` (.yml, .json, ...)."""
    if os.path.exists(word):
        return word
    if not os.path.splitext(word)[1]:
        for suffix in EXAMPLE_SUFFIXES:
            if os.path.isfile(word + suffix):
                return word + suffix
    return None


def resolve(word: str) -> str:
    """The file ``word`` means: stdin (``-``), a local file (:func:`local`), else a shipped example; else
    ``word`` itself (whose reading then reports "no such file")."""
    word = os.fspath(word)
    if word == STDIN:
        return word
    return local(word) or example(word) or word


def read_stdin() -> str:
    """stdin as text, read once (a config is small: over :data:`lrviz.config.MAX_BYTES` is refused)."""
    import sys

    from .config import MAX_BYTES

    key = id(sys.stdin)
    if key not in _stdin_text:
        if sys.stdin is None or (callable(getattr(sys.stdin, "isatty", None)) and sys.stdin.isatty()):
            raise UsageError("-: reads the config from stdin, which is a terminal; pipe one in "
                             "(lrviz plot - < cfg.yaml)")
        text = sys.stdin.read(MAX_BYTES + 1)
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if len(text) > MAX_BYTES:
            raise ConfigError([Issue(STDIN_NAME, None, None, "", f"configs over {MAX_BYTES} bytes are refused")])
        _stdin_text.clear()
        _stdin_text[key] = text
    return _stdin_text[key]


def is_playground(path: str) -> bool:
    """Whether the config at ``path`` (``-``: stdin) is a playground config: a top-level ``playground:`` key."""
    from . import config as lrviz_config

    path = resolve(path)
    if path != STDIN and not path.endswith((".yaml", ".yml")):
        return False
    try:
        text = read_stdin() if path == STDIN else lrviz_config.read_text(path)
    except ConfigError:
        return False
    return "playground" in set(_TOP_KEY.findall(text))


def is_lrviz_config(path: str, text: str) -> bool:
    """Whether ``text`` (the file at ``path``) is an lrviz config: YAML with a top-level ``schedules`` or
    ``playground`` key (no trainer's config has one), or YAML with no top-level key at all (empty, a list,
    a scalar), which the lrviz config reader reports with its line."""
    if not path.endswith((".yaml", ".yml")):
        return False
    keys = set(_TOP_KEY.findall(text))
    return not keys or bool(keys & {"schedules", "playground"})


def formats() -> list[str]:
    """Every value ``format`` takes: lrviz, then the trainer formats."""
    from .trainers import FORMATS

    return [LRVIZ, *FORMATS]


def load(path: str, *, format: str | None = None, force: bool = False, steps_per_epoch: int | None = None,
         dataset_size: int | None = None, world_size: int | None = None) -> Config:
    """The Config of the file at ``path``, read as lrviz config or as the trainer's file it is."""
    from . import config as lrviz_config
    from .trainers import FORMATS, read_trainer_config

    path = resolve(path)
    if format is not None and format != LRVIZ and format not in FORMATS:
        from .errors import did_you_mean

        raise UsageError(f"--format: unknown config format {format!r}{did_you_mean(format, formats())}; "
                         f"one of {', '.join(formats())}")
    if path == STDIN:
        return _load_stdin(format=format, force=force, steps_per_epoch=steps_per_epoch, dataset_size=dataset_size,
                           world_size=world_size)
    text = lrviz_config.read_text(path)
    if format == LRVIZ or (format is None and is_lrviz_config(path, text)):
        given = [name for name, value in (("--dataset-size", dataset_size), ("--world-size", world_size),
                                          ("--steps-per-epoch", steps_per_epoch)) if value is not None]
        if given:
            raise UsageError(f"{given[0]}: applies to a trainer's config; {path} is an lrviz config, "
                             "which sets total_steps and steps_per_epoch itself")
        return lrviz_config.from_text(text, path, force=force)
    from .trainers import FormatError

    try:
        config = read_trainer_config(path, format=format, steps_per_epoch=steps_per_epoch, dataset_size=dataset_size,
                                     world_size=world_size)
    except FormatError as err:
        if not path.endswith((".yaml", ".yml")) or len(err.issues) != 1:
            raise
        issue = err.issues[0]
        raise FormatError([Issue(issue.source, issue.line, issue.col, issue.path,
                                 f"{issue.message}; nor is it an lrviz config (it has no top-level schedules: key)")]) from None
    if not force:
        from .limits import over_limit

        if refusal := over_limit(config.total_steps):
            raise ConfigError([Issue(path, None, None, "", refusal)])
    return config


def _load_stdin(*, format: str | None, **facts) -> Config:
    """The Config of stdin: an lrviz config read as it is, a trainer's file through a temporary copy
    (trainer readers take paths), its problems named ``<stdin>``."""
    import tempfile
    from dataclasses import replace

    from .trainers import _doc

    text = read_stdin()
    json_like = _doc.looks_like_json(text)  # lrviz configs are YAML; JSON is a trainer's (HF, DeepSpeed)
    if format == LRVIZ or (format is None and not json_like and is_lrviz_config(".yaml", text)):
        return load_text(text, STDIN_NAME, format=LRVIZ, **facts)

    suffix = ".json" if json_like else ".sh" if text.startswith("#!") else ".yaml"
    with tempfile.TemporaryDirectory(prefix="lrviz-stdin-") as folder:
        copy = os.path.join(folder, "stdin" + suffix)
        with open(copy, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            config = load(copy, format=format, **facts)
        except ConfigError as err:
            err.issues = [replace(i, source=STDIN_NAME) if i.source == copy else i for i in err.issues]
            err.args = ("\n".join(str(i) for i in err.issues),)
            raise
    return replace(config, source=STDIN_NAME)


def load_text(text: str, source: str, *, format: str | None = LRVIZ, force: bool = False, **facts) -> Config:
    """An lrviz config from its text (stdin): the facts of a trainer's file are refused, as for a file."""
    from . import config as lrviz_config

    given = [name.replace("_", "-") for name, value in facts.items() if value is not None]
    if given:
        raise UsageError(f"--{given[0]}: applies to a trainer's config; {source} is an lrviz config, "
                         "which sets total_steps and steps_per_epoch itself")
    return lrviz_config.from_text(text, source, force=force)
