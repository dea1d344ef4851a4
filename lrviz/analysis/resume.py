"""What a resumed run follows: the original curve up to a step, then the schedule rebuilt for a new length.

A run planned for ``T`` steps stops at step ``S`` and resumes with a new
total ``N`` (more epochs, say). The scheduler of the resumed run is built
again from the same config with ``total_steps = N`` and continues at step
``S``, so the lr it uses is::

    resumed(t) = original_T(t)   for t < S
               = rebuilt_N(t)    for t >= S

and the lr jumps at ``S`` from ``original_T(S)`` (what the first run would
have used next) to ``rebuilt_N(S)``. Durations left to their default or
written as a percentage follow ``N``; durations written as step counts do
not, as in the user's own code. With ``N = T`` the two curves agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..curves import build, check_finite, evaluate_schedule
from ..errors import ParameterError
from ..schedules._base import Schedule
from ..spec import Config, Curve


@dataclass(frozen=True)
class Jump:
    label: str
    step: int
    before: float  # the original run's lr at the step
    after: float  # the resumed run's lr at the step

    def text(self) -> str:
        if self.before == self.after:
            return f"{self.label}: at step {self.step:,} the resumed run continues at lr {self.after:.4g}, no jump"
        change = f" ({100 * (self.after - self.before) / self.before:+.0f}%)" if self.before else ""
        return (f"{self.label}: at step {self.step:,} the lr jumps from {self.before:.4g} (original run) "
                f"to {self.after:.4g} (resumed){change}")


def resumed(original: Schedule, rebuilt: Schedule, at: int) -> Schedule:
    """The schedule a run follows when it switches from ``original`` to ``rebuilt`` at step ``at``."""

    def pick(first, second):
        def f(t: np.ndarray) -> np.ndarray:
            out = np.empty(t.shape, dtype=np.float64)
            early = t < at
            if early.any():
                out[early] = first(t[early])
            if (~early).any():
                out[~early] = second(t[~early])
            return out
        return f

    momentum = None
    if original.has_momentum and rebuilt.has_momentum:
        momentum = pick(original.momentum_at, rebuilt.momentum_at)
    breaks = None
    if original.breaks is not None and rebuilt.breaks is not None:
        breaks = tuple(b for b in original.breaks if b < at) + (at,) + tuple(b for b in rebuilt.breaks if b > at)
    marks = tuple(m for m in original.marks if m[0] < at) + ((at, "resumed"),) + tuple(m for m in rebuilt.marks if m[0] > at)
    return Schedule(pick(original.lr_at, rebuilt.lr_at), name=f"{rebuilt.name} (resumed)", params=rebuilt.params,
                    momentum_fn=momentum, marks=marks, periodic=rebuilt.periodic, breaks=breaks)


def resume(config: Config, at: int, total: int | None = None, *, columns: int | None = None
           ) -> tuple[list[Curve], list[Jump], int]:
    """Curves (original and resumed, for each schedule), the jumps at ``at``, and the x extent."""
    T = config.total_steps
    N = T if total is None else total
    if not 1 <= at < N:
        raise ParameterError("at", f"must be between 1 and the new total - 1 ({N - 1:,}); got {at:,}")
    if at > T:
        raise ParameterError("at", f"must be at most the original total_steps ({T:,}); got {at:,}")
    originals = build(config)
    rebuilts = build(replace(config, total_steps=N))
    curves, jumps = [], []
    for (spec, first), (_, second) in zip(originals, rebuilts):
        name = spec.label or spec.name
        resumed_schedule = resumed(first, second, at)
        original_curve = evaluate_schedule(first, T, label=f"{name}, {T:,} steps", columns=columns)
        resumed_curve = evaluate_schedule(resumed_schedule, N, label=f"{name}, resumed at {at:,} for {N:,} steps",
                                          columns=columns)
        for curve in (original_curve, resumed_curve):
            check_finite(curve, config.source, spec.path or spec.name)
        k = len(jumps)  # one colour per schedule: the original solid, the resumed run dashed
        curves += [replace(original_curve, look=(k, 0)), replace(resumed_curve, look=(k, 1))]
        with np.errstate(all="ignore"):
            before = float(first.lr_at(np.array([at], dtype=np.int64))[0])
            after = float(second.lr_at(np.array([at], dtype=np.int64))[0])
        jumps.append(Jump(name, at, before, after))
    return curves, jumps, max(T, N)
