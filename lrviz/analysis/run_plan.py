"""The plan a run is checked against: a per-step lr function over t = 0..N-1, and how to rebuild it for another total.

A :class:`Plan` comes from an lrviz config (:func:`from_config`), a registered
name or twin with its parameters (:func:`from_name`), a :class:`Schedule`
(:func:`from_schedule`) or an array of lrs (:func:`from_array`).

``rebuild(n)`` is the plan built again for ``n`` total steps: what a run's
scheduler follows when its total was computed differently (gradient
accumulation or world size forgotten, epochs taken for steps) or when a
resumed run rebuilt it. From a config, the config with ``total_steps = n``:
durations left to their default or written as a percentage follow ``n``,
durations written as step counts do not (as in the user's code, and as
:mod:`lrviz.resume`). From a name, ``total_steps = n``, and any parameter named
like a total (``num_training_steps``, ``T_max``, ``decay_steps``,
``total_iters``, ``max_steps``) that was equal to the old total follows too.
An array cannot be rebuilt: causes that need it are not looked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from ..errors import LrvizError, ParameterError

LrFn = Callable[[np.ndarray], np.ndarray]
TOTAL_NAMES = ("num_training_steps", "T_max", "decay_steps", "total_iters", "max_steps", "total_steps")


@dataclass(frozen=True)
class Plan:
    """What the run was meant to use: ``lr(t)`` for int64 ``t``, over ``total_steps`` updates."""

    lr: LrFn
    total_steps: int
    label: str
    rebuild: Callable[[int], LrFn] | None = None
    warmup_steps: int | None = None

    def at(self, t: np.ndarray) -> np.ndarray:
        """``lr`` at ``t``, NaN where the plan refuses a step (a twin past the point its library raises)."""
        return evaluate(self.lr, t)


def evaluate(fn: LrFn, t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.int64)
    try:
        with np.errstate(all="ignore"):
            out = np.asarray(fn(t), dtype=np.float64)
        return np.where(np.isfinite(out), out, np.nan)
    except LrvizError:
        pass
    out = np.full(t.shape, np.nan)
    for i, step in enumerate(t.ravel()):
        try:
            with np.errstate(all="ignore"):
                out.flat[i] = float(np.asarray(fn(np.array([step], dtype=np.int64)))[0])
        except LrvizError:
            continue
    return np.where(np.isfinite(out), out, np.nan)


def _lr_of(schedule: Any) -> LrFn:
    return schedule.unchecked if hasattr(schedule, "unchecked") else schedule


def _warmup_of(schedule: Any) -> int | None:
    """The warmup length, from the parameter the registry names as the schedule's warmup."""
    from ..registry import role
    from ..schedules._base import Schedule

    if not isinstance(schedule, Schedule):
        return None
    _, value = role(schedule, "warmup")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0:
        return int(value)
    return None


def from_schedule(schedule: Any, total_steps: int, *, label: str | None = None,
                  rebuild: Callable[[int], Any] | None = None) -> Plan:
    """A plan from a :class:`~lrviz.Schedule` (or any ``f(int64 array) -> lr``) of ``total_steps`` updates."""
    if total_steps < 1:
        raise ParameterError("total_steps", f"must be >= 1; got {total_steps}")
    again = None if rebuild is None else (lambda n: _lr_of(rebuild(n)))
    return Plan(lr=_lr_of(schedule), total_steps=int(total_steps), label=label or getattr(schedule, "name", "plan"),
                rebuild=again, warmup_steps=_warmup_of(schedule))


def from_name(name: str, *, total_steps: int, steps_per_epoch: int | None = None, **params: Any) -> Plan:
    """A plan from a registered name or twin: ``from_name("hf.cosine", lr=5e-2, num_warmup_steps=5, total_steps=40)``."""
    import lrviz

    schedule = lrviz.schedule(name, steps_per_epoch=steps_per_epoch, total_steps=total_steps, **params)

    def rebuild(n: int):
        moved = {k: (n if k in TOTAL_NAMES and v == total_steps else v) for k, v in params.items()}
        return lrviz.schedule(name, steps_per_epoch=steps_per_epoch, **{**moved, "total_steps": n})

    return from_schedule(schedule, total_steps, label=name, rebuild=rebuild)


def from_config(config: Any, *, label: str | None = None) -> Plan:
    """A plan from an lrviz config (a path or a :class:`~lrviz.spec.Config`): its one curve, or the one labelled ``label``."""
    from ..sources import load
    from ..curves import build, labels

    if isinstance(config, str):
        config = load(config)
    built = build(config)
    names = labels([spec for spec, _ in built])
    if label is None and len(built) > 1:
        raise ParameterError("plan", f"{config.source} has {len(built)} curves ({', '.join(names)}); "
                             "name the one the run used")
    index = 0
    if label is not None:
        if label not in names:
            from ..errors import did_you_mean

            raise ParameterError("plan", f"{config.source} has no curve {label!r}{did_you_mean(label, names)}; "
                                 f"its curves are: {', '.join(names)}")
        index = names.index(label)

    def rebuild(n: int):
        return build(replace(config, total_steps=n))[index][1]

    return from_schedule(built[index][1], config.total_steps, label=names[index], rebuild=rebuild)


def plans_from_config(config: Any) -> list[Plan]:
    """One plan per curve of a config (a path or a Config), in order, labelled as in its legend."""
    from ..sources import load
    from ..curves import build, labels

    if isinstance(config, str):
        config = load(config)
    names = labels([spec for spec, _ in build(config)])
    return [from_config(config, label=name) for name in names]


def from_array(lrs: Any, *, label: str = "plan") -> Plan:
    """A plan given as its lr at t = 0..N-1 (held at its last value past N-1); it cannot be rebuilt."""
    values = np.asarray(lrs, dtype=np.float64).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ParameterError("plan", "expected a non-empty array of finite lrs")

    def lr(t: np.ndarray) -> np.ndarray:
        return values[np.minimum(np.asarray(t, dtype=np.int64), values.size - 1)]

    return Plan(lr=lr, total_steps=int(values.size), label=label)
