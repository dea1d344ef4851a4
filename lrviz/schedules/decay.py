"""Classic decays: constant, step, multistep, piecewise, exponential,
natural exponential, inverse time, polynomial and linear.

Every factory takes keyword arguments only, validates them, and returns a
:class:`~lrviz.schedules._base.Schedule`. ``t`` is the integer step, ``T`` is
``total_steps``. Defaults are chosen so that ``lr`` and ``total_steps`` alone
give a sensible curve.
"""

from __future__ import annotations

import math

import numpy as np

from ._base import Schedule
from ..kinds import Steps
from . import _checks as check, _engine as engine
from ._numeric import scaled_power


def constant(*, lr: float = 0.1, total_steps: Steps = 1000) -> Schedule:
    """Constant learning rate.

    lr(t) = lr
    """
    lr = check.non_negative("lr", lr)
    check.steps("total_steps", total_steps, minimum=1)

    return Schedule(kernel=engine.constant(lr), name="constant", params=dict(lr=lr, total_steps=total_steps), breaks=())


def step(*, lr: float = 0.1, total_steps: Steps = 1000, step_size: Steps | None = None, gamma: float = 0.1) -> Schedule:
    """Step decay: multiply by gamma every step_size steps.

    lr(t) = lr * gamma ** floor(min(t, T) / step_size)

    step_size defaults to a third of total_steps; the value holds after T.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    step_size = max(1, total_steps // 3) if step_size is None else check.steps("step_size", step_size, minimum=1)
    gamma = check.non_negative("gamma", gamma)

    def f(t: np.ndarray) -> np.ndarray:
        return scaled_power(lr, gamma, (np.minimum(t, total_steps) // step_size).astype(np.float64))

    # a table of the levels lr * gamma**k, k = 0..T // step_size, indexed once
    kernel = engine.stairs(total_steps, step_size, lambda k: scaled_power(lr, gamma, k), engine.from_function(f))
    drops = check.marks(*((k * step_size, f"x{gamma:g}", "drop") for k in range(1, min(total_steps // step_size, 100) + 1)))
    return Schedule(f, kernel=kernel, name="step", params=dict(lr=lr, total_steps=total_steps, step_size=step_size, gamma=gamma), marks=drops,
                    breaks=())


def multistep(
    *, lr: float = 0.1, total_steps: Steps = 1000, milestones: list[Steps] | None = None, gamma: float = 0.1
) -> Schedule:
    """Multi-step decay: multiply by gamma at each milestone.

    lr(t) = lr * gamma ** #{m in milestones : m <= t}

    milestones default to 30%, 60% and 80% of total_steps, the proportions of the
    classic MultiStepLR(milestones=[60, 120, 160]) over 200 epochs; gamma defaults
    to torch's 0.1 (the 0.2 of that recipe is set in configs/classic_decays.yaml).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    if milestones is None:
        milestones = sorted({max(1, round(total_steps * p)) for p in (0.3, 0.6, 0.8)})
    milestones = check.step_list("milestones", milestones)
    gamma = check.non_negative("gamma", gamma)
    levels = scaled_power(lr, gamma, np.arange(len(milestones) + 1, dtype=np.float64))

    return Schedule(
        kernel=engine.levels(milestones, levels),
        name="multistep",
        params=dict(lr=lr, total_steps=total_steps, milestones=milestones, gamma=gamma),
        marks=check.marks(*((m, f"x{gamma:g}", "drop") for m in milestones)),
        breaks=(),
    )


def piecewise(
    *, lr: float = 0.1, total_steps: Steps = 1000, boundaries: list[Steps] | None = None, values: list[float] | None = None
) -> Schedule:
    """Piecewise constant: absolute values between boundaries.

    lr(t) = values[i]  for boundaries[i-1] <= t < boundaries[i]
    (values[0] before the first boundary, values[-1] from the last one on).

    The switch happens at t = boundary. Without boundaries and values: lr,
    lr/10 and lr/100 over thirds of training. When values are given, lr is not used.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    if boundaries is None and values is None:
        boundaries = sorted({max(1, round(total_steps / 3)), max(2, round(2 * total_steps / 3))})
        values = [lr * 10.0**-i for i in range(len(boundaries) + 1)]
    elif boundaries is None or values is None:
        missing = "boundaries" if boundaries is None else "values"
        raise check.ParameterError(missing, "give both boundaries and values, or neither")
    boundaries = check.step_list("boundaries", boundaries)
    values = check.number_list("values", values)
    if len(values) != len(boundaries) + 1:
        raise check.ParameterError(
            "values", f"needs one more entry than boundaries ({len(boundaries) + 1}); got {len(values)}"
        )
    for i, v in enumerate(values):
        if v < 0:
            raise check.ParameterError(f"values[{i}]", f"must be >= 0; got {v:g}")
    return Schedule(
        kernel=engine.levels(boundaries, np.asarray(values, dtype=np.float64)),
        name="piecewise",
        params=dict(lr=values[0], total_steps=total_steps, boundaries=boundaries, values=values),
        marks=check.marks(*((b, "switch", "drop") for b in boundaries)),
        breaks=tuple(b + d for b in boundaries for d in (0, 1)),
    )


def _stairs(decay_steps: int, total_steps: int) -> tuple:
    """The drops of a staircase decay (at most 100 marked)."""
    return check.marks(*((k * decay_steps, "stair", "drop") for k in range(1, 101)), limit=total_steps)


def _decay_kernel(total_steps: int, decay_steps: int, staircase: bool, level, smooth=None) -> engine.Kernel:
    """The kernel of ``lr(t) = level(x)``, x = min(t, T) / decay_steps (floored under staircase).

    ``level`` turns an array of x into the lrs in place. Under staircase it fills
    a level table of x = 0..T // decay_steps, indexed once; smooth, it runs on
    each block's x, unless a whole kernel ``smooth`` is given.
    """

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        np.divide(engine.clipped(span, total_steps), decay_steps, out=out)
        level(out)

    def floored(t: np.ndarray) -> np.ndarray:
        return level((np.minimum(t, total_steps) // decay_steps).astype(np.float64))

    if staircase:
        return engine.stairs(total_steps, decay_steps, level, engine.from_function(floored))
    return smooth or kernel


def exponential(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_rate: float = 0.1,
    decay_steps: Steps | None = None,
    staircase: bool = False,
) -> Schedule:
    """Exponential decay, smooth or staircase.

    lr(t) = lr * decay_rate ** (t' / decay_steps),  t' = min(t, T)
    with floor(t' / decay_steps) under staircase; the value holds after T.

    decay_steps defaults to half of total_steps, so by default the lr falls
    tenfold every half of training (to lr/100 at the end).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    decay_rate = check.positive("decay_rate", decay_rate)
    decay_steps = max(1, total_steps // 2) if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    staircase = check.flag("staircase", staircase)
    rate = math.log(decay_rate) / decay_steps

    def smooth(span: engine.Span, out: np.ndarray) -> None:  # lr * exp(t' * ln(decay_rate) / decay_steps)
        t = engine.clipped(span, total_steps)
        engine.scaled_exp(lr, rate, t, span.lo, min(span.hi, total_steps), out)

    kernel = _decay_kernel(total_steps, decay_steps, staircase, lambda k: scaled_power(lr, decay_rate, k), smooth)
    marks = _stairs(decay_steps, total_steps) if staircase else ()
    params = dict(lr=lr, total_steps=total_steps, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase)
    return Schedule(kernel=kernel, name="exponential", params=params, marks=marks, breaks=())


def natural_exp(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_rate: float = 0.5,
    decay_steps: Steps | None = None,
    staircase: bool = False,
) -> Schedule:
    """Natural exponential decay (base e), smooth or staircase.

    lr(t) = lr * exp(-decay_rate * t' / decay_steps),  t' = min(t, T)
    with floor(t' / decay_steps) under staircase; the value holds after T.

    decay_steps defaults to a tenth of total_steps (lr * e**-5 at the end).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    decay_steps = max(1, total_steps // 10) if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    staircase = check.flag("staircase", staircase)

    def level(out: np.ndarray) -> np.ndarray:  # out holds x: lr * exp(-decay_rate * x), in place
        out *= -decay_rate
        np.exp(out, out=out)
        out *= lr
        return out

    kernel = _decay_kernel(total_steps, decay_steps, staircase, level)
    marks = _stairs(decay_steps, total_steps) if staircase else ()
    params = dict(lr=lr, total_steps=total_steps, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase)
    return Schedule(kernel=kernel, name="natural_exp", params=params, marks=marks, breaks=())


def inverse_time(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_rate: float = 1.0,
    decay_steps: Steps | None = None,
    staircase: bool = False,
) -> Schedule:
    """Inverse time decay, smooth or staircase.

    lr(t) = lr / (1 + decay_rate * t' / decay_steps),  t' = min(t, T)
    with floor(t' / decay_steps) under staircase; the value holds after T.

    decay_steps defaults to a tenth of total_steps (lr / 11 at the end).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    decay_steps = max(1, total_steps // 10) if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    staircase = check.flag("staircase", staircase)

    def level(out: np.ndarray) -> np.ndarray:  # out holds x: lr / (1 + decay_rate * x), in place
        out *= decay_rate
        out += 1.0
        np.divide(lr, out, out=out)
        return out

    kernel = _decay_kernel(total_steps, decay_steps, staircase, level)
    marks = _stairs(decay_steps, total_steps) if staircase else ()
    params = dict(lr=lr, total_steps=total_steps, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase)
    return Schedule(kernel=kernel, name="inverse_time", params=params, marks=marks, breaks=())


def polynomial(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    min_lr: float = 0.0,
    power: float = 1.0,
    decay_steps: Steps | None = None,
    cycle: bool = False,
) -> Schedule:
    """Polynomial decay to min_lr.

    Without cycle:  t' = min(t, D)
                    lr(t) = (lr - min_lr) * (1 - t'/D) ** power + min_lr
    With cycle:     D' = D * ceil(t / D)  (D' = D at t = 0)
                    lr(t) = (lr - min_lr) * (1 - t/D') ** power + min_lr

    D is decay_steps (default total_steps). With cycle, the lr rises again at
    every multiple of D, each time to a lower peak.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    min_lr = check.non_negative("min_lr", min_lr)
    power = check.positive("power", power)
    decay_steps = total_steps if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    cycle = check.flag("cycle", cycle)
    span_lr = lr - min_lr

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        if cycle:
            t = span.t
            horizon = np.maximum(-(-t // decay_steps), 1).astype(np.float64)
            horizon *= decay_steps
            np.divide(t, horizon, out=out)
        else:
            np.divide(engine.clipped(span, decay_steps), decay_steps, out=out)
        np.subtract(1.0, out, out=out)
        if power != 1.0:
            np.power(out, power, out=out)
        out *= span_lr
        out += min_lr

    kernel.finite = True  # (lr - min_lr) * [0, 1] ** power + min_lr
    marks = (
        check.marks(*((k * decay_steps, "restart", "restart") for k in range(1, 101)), limit=total_steps)
        if cycle
        else check.marks((decay_steps, "end of decay"), limit=total_steps - 1)
    )
    params = dict(lr=lr, total_steps=total_steps, min_lr=min_lr, power=power, decay_steps=decay_steps, cycle=cycle)
    return Schedule(kernel=kernel, name="polynomial", params=params, marks=marks, periodic=cycle, breaks=None if cycle else ())


def linear(*, lr: float = 0.1, total_steps: Steps = 1000, min_lr: float = 0.0, decay_steps: Steps | None = None) -> Schedule:
    """Linear decay from lr to min_lr over decay_steps (default total_steps), then flat.

    p = min(t, D) / D
    lr(t) = (1 - p) * lr + p * min_lr      (exactly lr at t = 0 and min_lr from t = D on)

    Computed as lr + t * (min_lr - lr) / D before D, and min_lr from D on.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    min_lr = check.non_negative("min_lr", min_lr)
    decay_steps = total_steps if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)

    slope = (min_lr - lr) / decay_steps

    def falling(span: engine.Span, out: np.ndarray) -> None:  # lr + t * (min_lr - lr) / D on [0, D): lr at t = 0
        np.multiply(span.t, slope, out=out)
        out += lr

    falling.finite = True  # between lr and min_lr, both finite: no block needs the finite check
    kernel = engine.pieces([0, decay_steps], [falling, engine.constant(min_lr)])  # exactly min_lr from D on
    params = dict(lr=lr, total_steps=total_steps, min_lr=min_lr, decay_steps=decay_steps)
    return Schedule(kernel=kernel, name="linear", params=params, marks=check.marks((decay_steps, "end of decay"), limit=total_steps - 1),
                    breaks=())
