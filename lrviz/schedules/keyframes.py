"""Keyframes: the learning-rate decay factor given as a dict {t1: r1, t2: r2, ...}.

The factor r is piecewise linear through the keyframes, starting from 1
(or from 0 with warmup), holding its last value or repeating periodically.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ._base import Schedule
from ..kinds import Steps
from . import _checks as check

_MAX_MARKS = 100


def _frames(keyframes: object) -> tuple[list[int], list[float]]:
    """Validated keyframe steps (sorted, strictly increasing, >= 1) and their factors (>= 0)."""
    if not isinstance(keyframes, dict):
        raise ParameterError("keyframes", f"expected a mapping of step -> factor; got {keyframes!r}")
    if not keyframes:
        raise ParameterError("keyframes", "must not be empty")
    pairs = []
    for key, value in keyframes.items():
        step = check.steps(f"keyframes[{key}]", key, minimum=1)
        pairs.append((step, check.non_negative(f"keyframes[{key}]", value)))
    pairs.sort(key=lambda pair: pair[0])
    for (before, _), (after, _) in zip(pairs, pairs[1:]):
        if after == before:
            raise ParameterError(f"keyframes[{after}]", f"step {after} is given twice")
    return [s for s, _ in pairs], [r for _, r in pairs]


def keyframes(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    keyframes: dict[Steps, float] | None = None,
    warmup: bool | None = None,
    periodic: bool | None = None,
) -> Schedule:
    """The decay factor {t1: r1, ...} as keyframes: lr(t) = lr * r_t, r piecewise linear through them.

    keyframes {t1: r1, t2: r2, ..., tn: rn} (steps >= 1, factors >= 0) give
    the points (0, r0), (t1, r1), ..., (tn, rn), with r0 = 0 under warmup and
    r0 = 1 otherwise; r holds rn after tn unless periodic. The four dict strategies
    of "A study of learning-rate strategies in deep learning" (Zhu Meng, 2025),
    its formulas 8 to 11:

    (8)  {t1: r_min}:
         r_t = 1 + (r_min - 1) / t1 * t                         for 0 < t <= t1
         r_t = r_min                                            for t > t1
    (9)  {t1: 1, t2: r_min}, warmup:
         r_t = t / t1                                           for 0 < t <= t1
         r_t = 1 + (r_min - 1) / (t2 - t1) * (t - t1)           for t1 < t <= t2
         r_t = r_min                                            for t > t2
    (10) {t1: r_min, t2: r_min, t3: 1}, periodic, u = t mod t3:
         r_t = 1 + (r_min - 1) / t1 * u                         for 0 < u <= t1
         r_t = r_min                                            for t1 < u <= t2
         r_t = r_min + (1 - r_min) / (t3 - t2) * (u - t2)       for t2 < u < t3
    (11) {t1: 1, t2: r_min, t3: r_min, t4: 1}, warmup and periodic,
         t^ = (t - t1) mod (t4 - t1):
         r_t = t / t1                                           for 0 < t <= t1
         r_t = 1 + (r_min - 1) / (t2 - t1) * t^                 for t > t1, t^ <= t2 - t1
         r_t = r_min                                            for t > t1, t2 - t1 < t^ <= t3 - t1
         r_t = r_min + (1 - r_min) / (t4 - t3) * (t^ - (t3 - t1))   for t > t1, t3 - t1 < t^ < t4 - t1

    At t = 0, and where the local time of a period is 0, r is the start value
    of the segment (r0, or r1 for a repeat after warmup).

    Without warmup, the whole curve repeats with period tn over t mod tn;
    with warmup, the part after t1 repeats with period tn - t1.

    When None, warmup and periodic are inferred as the four strategies write them:
    warmup when there are at least 2 keyframes and r1 = 1; periodic when the
    keyframes after the warmup (all of them without warmup) are at least 2 and
    the last factor is 1. keyframes default to {total_steps: 0.1}, case (8).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    if keyframes is None:
        keyframes = {total_steps: 0.1}
    steps, factors = _frames(keyframes)
    if warmup is None:
        warmup = len(steps) >= 2 and factors[0] == 1.0
    warmup = check.flag("warmup", warmup)
    body = factors[1:] if warmup else factors
    if periodic is None:
        periodic = len(body) >= 2 and body[-1] == 1.0
    periodic = check.flag("periodic", periodic)
    if periodic and warmup and len(steps) < 2:
        raise ParameterError("periodic", "a periodic schedule with warmup needs a keyframe after the warmup one")

    xp = np.asarray([0, *steps], dtype=np.float64)
    fp = lr * np.asarray([0.0 if warmup else 1.0, *factors], dtype=np.float64)  # lr folded into the factors
    start = steps[0] if (periodic and warmup) else 0  # where the repeating part begins
    period = steps[-1] - start

    def f(t: np.ndarray) -> np.ndarray:
        if periodic:
            local = np.where(t > start, (t - start) % period + start, t)
        else:
            local = t
        return np.interp(local, xp, fp)

    marks = [(s, f"x{r:g}", "drop") for s, r in zip(steps, factors)]
    if periodic:
        repeats = [(s, label, "restart" if s == steps[-1] else kind) for s, label, kind in marks if s > start]
        k = 1
        while len(marks) < _MAX_MARKS and start + k * period <= total_steps:
            marks += [(s + k * period, label, kind) for s, label, kind in repeats]
            k += 1
    marks = check.marks(*marks[:_MAX_MARKS], limit=total_steps)
    params = dict(lr=lr, total_steps=total_steps, keyframes=dict(zip(steps, factors)), warmup=warmup, periodic=periodic)
    return Schedule(f, name="keyframes", params=params, marks=marks, periodic=periodic)
