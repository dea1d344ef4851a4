"""Trainers' own config files -> :class:`lrviz.spec.Config`: the per-step lr that trainer will use.

Each format is a module with ``NAME``, ``TITLE``, ``SYNTAX`` (the file syntaxes
it reads: ``json``, ``yaml``, ``python``), ``sniff(data) -> (strength, reason)
| None`` and ``read(doc, options) -> Config``. :func:`detect` names the format
a file looks like and why; :func:`read_trainer_config` reads it.

    >>> config = read_trainer_config("training_args.json", dataset_size=10_000)
    >>> lrviz.curves.evaluate(config)
"""

from __future__ import annotations

import os
from types import ModuleType

from ..config import read_text
from ..errors import ConfigError, Issue, did_you_mean
from ..spec import Config
from . import _doc, axolotl, deepspeed, fairseq, hf, lightning, megatron, mmengine, nemo, timm, torchtune, ultralytics
from ._doc import Document, Options

#: format name -> reader module, in the order they are tried
FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (hf, deepspeed, timm, mmengine, ultralytics, lightning, megatron, nemo, fairseq, torchtune, axolotl)}


class FormatError(ConfigError):
    """A file whose trainer format cannot be told (unknown or ambiguous)."""


def _syntax(path: str, text: str) -> str:
    if path.endswith(".py"):
        return "python"
    if path.endswith((".sh", ".bash")) or text.startswith("#!"):
        return "shell"
    return "json" if _doc.looks_like_json(text) else "yaml"


def _load(path: str, text: str, syntax: str) -> Document:
    if syntax == "python":
        from . import _pyconfig

        return _pyconfig.load(path, text)
    if syntax == "shell":
        from . import _shell

        return _shell.load(path, text)
    return _doc.load_mapping(text, path, comments=True)


def _refuse(path: str, message: str) -> FormatError:
    return FormatError([Issue(path, None, None, "", message)])


def detect(path: str, text: str | None = None) -> tuple[str, str]:
    """``(format, reason)`` for the file at ``path``: the format it looks like and why.

    Raises :class:`FormatError` in one line when no format claims it, or when
    two claim it equally (naming both and why; ``--format`` decides).
    """
    path = os.fspath(path)
    text = read_text(path) if text is None else text
    syntax = _syntax(path, text)
    doc = _load(path, text, syntax)
    name, reason, _ = _claim(doc, syntax, path)
    return name, reason


def _claim(doc: Document, syntax: str, path: str) -> tuple[str, str, Document]:
    claims = []
    for name, module in FORMATS.items():
        if syntax not in module.SYNTAX:
            continue
        found = module.sniff(doc.data)
        if found:
            claims.append((found[0], name, found[1]))
    if not claims:
        return_syntax = {"python": "a Python file", "json": "a JSON file", "yaml": "a YAML file",
                         "shell": "a shell script"}[syntax]
        raise _refuse(path, f"{return_syntax} of no trainer format lrviz knows ({', '.join(FORMATS)}): "
                            "none of their keys is there; pass --format NAME if it is one")
    claims.sort(key=lambda c: -c[0])
    if len(claims) > 1 and claims[1][0] * 2 > claims[0][0]:
        (_, a, why_a), (_, b, why_b) = claims[:2]
        raise _refuse(path, f"ambiguous: looks like {a} ({why_a}) and like {b} ({why_b}); pass --format {a} or --format {b}")
    strength, name, reason = claims[0]
    return name, f"{FORMATS[name].TITLE}: {reason}", doc


def read_trainer_config(path: str, *, format: str | None = None, steps_per_epoch: int | None = None,
                        dataset_size: int | None = None, world_size: int | None = None) -> Config:
    """The Config of a trainer's own file: the curve that trainer will follow, step by step.

    ``format`` overrides detection (a name of :data:`FORMATS`). What the file
    cannot say comes from ``steps_per_epoch`` (optimizer steps, or the
    trainer's iterations, per epoch), ``dataset_size`` and ``world_size``
    (data-parallel processes), or is asked for in one located line.
    """
    path = os.fspath(path)
    for option, value in (("--steps-per-epoch", steps_per_epoch), ("--dataset-size", dataset_size),
                          ("--world-size", world_size)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ConfigError([Issue("<cli>", None, None, option, f"must be a whole number >= 1; got {value!r}")])
    text = read_text(path)
    syntax = _syntax(path, text)
    if format is not None:
        if format not in FORMATS:
            raise ConfigError([Issue("<cli>", None, None, "--format",
                                     f"unknown trainer format {format!r}{did_you_mean(format, FORMATS)}; "
                                     f"one of {', '.join(FORMATS)}")])
        module = FORMATS[format]
        if syntax not in module.SYNTAX:
            syntax = module.SYNTAX[0]
        doc = _load(path, text, syntax)
    else:
        doc = _load(path, text, syntax)
        name, _, doc = _claim(doc, syntax, path)
        module = FORMATS[name]
    if not isinstance(doc.data, dict):
        raise _refuse(path, f"{module.TITLE} files are a mapping of keys at the top level")
    return module.read(doc, Options(steps_per_epoch, dataset_size, world_size))


def formats() -> list[tuple[str, str]]:
    """``(name, title)`` of every format, for ``--format`` help."""
    return [(name, module.TITLE) for name, module in FORMATS.items()]
