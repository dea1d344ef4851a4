"""A parameter sweep: one schedule, one curve per value (or per combination of values).

``sweep("cosine", [("min_lr", [0, 1e-4, 1e-3])])`` gives a config of three
cosine curves labelled ``min_lr=0``, ``min_lr=0.0001``, ``min_lr=0.001``;
several varied parameters give their Cartesian product, the first varying
slowest. Drawing and export then go through the usual path.
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

from ..errors import ParameterError, did_you_mean
from ..params import signature
from ..registry import lookup
from ..spec import Config, ScheduleSpec

MAX_CURVES = 64  # more curves than this cannot be told apart in one figure


def label(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_text(v)}" for k, v in values.items())


def _text(value: Any) -> str:
    """A value as the user wrote it: ``0.001``, ``1e-4``, ``{100: 1, 1000: 1e-4}``, ``[300, 600]``."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict) and "name" in value:
        return str(value["name"])
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def sweep(name: str, varied: Sequence[tuple[str, Sequence[Any]]], *, fixed: dict[str, Any] | None = None,
          total_steps: int = 1000, lr: float = 0.1, steps_per_epoch: int | None = None,
          title: str | None = None) -> Config:
    """A config of ``name`` over every combination of the varied values (``fixed`` applies to all)."""
    canonical, entry = lookup(name)
    known = signature(entry.factory)
    fixed = dict(fixed or {})
    if not varied:
        raise ParameterError("vary", "give at least one parameter to vary, e.g. --vary min_lr=0,1e-4,1e-3")
    for param, values in varied:
        if param not in known:
            raise ParameterError(f"vary {param}", f"not a parameter of {canonical}{did_you_mean(param, known)}; "
                                 f"'lrviz show {canonical}' lists them")
        if not values:
            raise ParameterError(f"vary {param}", "give at least one value")
        if param in fixed:
            raise ParameterError(f"vary {param}", "is both varied and set; drop one")
    names = [p for p, _ in varied]
    if len(set(names)) != len(names):
        raise ParameterError("vary", "a parameter is varied twice; give all its values in one --vary")
    count = 1
    for _, values in varied:
        count *= len(values)
    if count > MAX_CURVES:
        raise ParameterError("vary", f"{count} combinations is more than {MAX_CURVES} curves; vary fewer values")
    specs = []
    for combo in itertools.product(*(values for _, values in varied)):
        chosen = dict(zip(names, combo))
        origins = {**{p: f"--set {p}" for p in fixed}, **{p: f"--vary {p}={_text(v)}" for p, v in chosen.items()}}
        specs.append(ScheduleSpec(name, {**fixed, **chosen}, label=label(chosen), path=label(chosen), origins=origins))
    title = title or f"{canonical}: " + ", ".join(names)
    return Config(schedules=tuple(specs), total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch,
                  title=title, source="lrviz sweep")
