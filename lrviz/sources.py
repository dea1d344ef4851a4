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
"""

from __future__ import annotations

import os
import re

from .errors import ConfigError, Issue, UsageError
from .spec import Config

LRVIZ = "lrviz"
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.M)


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

    path = os.fspath(path)
    if format is not None and format != LRVIZ and format not in FORMATS:
        from .errors import did_you_mean

        raise UsageError(f"--format: unknown config format {format!r}{did_you_mean(format, formats())}; "
                         f"one of {', '.join(formats())}")
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
