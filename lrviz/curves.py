"""Config -> curves: build every schedule and evaluate it on steps 0..total_steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import registry
from .schedule_type import Schedule
from .spec import Config, ScheduleSpec


@dataclass(frozen=True)
class Curve:
    """One evaluated schedule, ready to draw or export."""

    label: str
    steps: np.ndarray  # int64, 0..total_steps
    lr: np.ndarray  # float64
    momentum: np.ndarray | None
    marks: tuple[tuple[int, str], ...]
    schedule: Schedule


def build(config: Config) -> list[tuple[ScheduleSpec, Schedule]]:
    """Build the schedules of ``config`` (errors carry each one's key path)."""
    context = registry.Context(config.total_steps, config.lr, config.steps_per_epoch)
    out = []
    for spec in config.schedules:
        try:
            out.append((spec, registry.build_at(spec.name, spec.params, context, spec.path, spec.counting)))
        except registry.ParameterErrors as errs:
            from .errors import ConfigError, Issue

            raise ConfigError([Issue(config.source, None, None, e.param, e.message) for e in errs.errors]) from None
    return out


def labels(specs: list[ScheduleSpec]) -> list[str]:
    """Labels for the legend: the given label, else the name, with parameters added when names repeat."""
    names = [s.name for s in specs]
    out = []
    for spec in specs:
        if spec.label:
            out.append(spec.label)
        elif names.count(spec.name) > 1 and spec.params:
            shown = ", ".join(f"{k}={_short(v)}" for k, v in spec.params.items() if not isinstance(v, (dict, list)))
            out.append(f"{spec.name} ({shown})" if shown else spec.name)
        else:
            out.append(spec.name)
    return out


def _short(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def evaluate(config: Config) -> list[Curve]:
    """Evaluate every schedule of ``config`` on steps 0, 1, ..., total_steps."""
    built = build(config)
    steps = np.arange(config.total_steps + 1, dtype=np.int64)
    curves = []
    for (spec, schedule), label in zip(built, labels([s for s, _ in built])):
        curves.append(Curve(label, steps, schedule(steps), schedule.momentum(steps), schedule.marks, schedule))
    return curves
