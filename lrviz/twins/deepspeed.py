"""Twins of DeepSpeed's own schedulers (``deepspeed/runtime/lr_schedules.py``): ``deepspeed.*``.

DeepSpeed's engine builds the scheduler from the config's ``scheduler`` block
and calls ``scheduler.step()`` once per optimizer update (at the gradient
accumulation boundary, after ``optimizer.step()``). The constructor, with
``last_batch_iteration = -1``, writes ``f(-1)`` into the param groups; step
``i`` writes ``f(i)``. So update ``t`` (0-based) trains at ``f(t - 1)``:

    lr(t) = f(t - 1),    f(-1) = the value the constructor writes

Read in DeepSpeed 0.19.8 (the init write exists since 0.15.3, PR #6597; the
WarmupCosineLR end clamp since 0.19.3, PR #8142). Parameters are DeepSpeed's
own names and defaults; ``lr`` is the optimizer's lr (``optimizer.params.lr``),
which WarmupLR uses when ``warmup_max_lr`` is None and WarmupCosineLR scales.
The float operations are DeepSpeed's, in its order.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..schedules._base import Schedule
from ..schedules import _checks as check
from ..schedules import _engine as engine

from ..kinds import Steps

WARMUP_TYPES = ("log", "linear")


def _warmup_num_steps(value: object) -> int:
    """DeepSpeed >= 0.19.6 refuses a non-int or non-positive count, then uses max(2, n)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ParameterError("warmup_num_steps", f"warmup_num_steps must be a positive integer, got {value!r}")
    return max(2, value)


def _warmup_type(value: object) -> str:
    """DeepSpeed warns on an unknown type and falls back to log; lrviz refuses it instead of guessing."""
    return check.choice("warmup_type", value, WARMUP_TYPES)


def _gamma(i: np.ndarray, Wn: int, warmup_type: str) -> np.ndarray:
    """The warmup fraction at iteration ``i >= 0`` (i < Wn): log ``ln(i+1)/ln(Wn)`` or linear ``i/Wn``."""
    if warmup_type == "log":
        return (1.0 / math.log(Wn)) * np.log(i + 1.0)
    return i / Wn


def WarmupLR(*, lr: float = 0.1, total_steps: Steps = 1000, warmup_min_lr: float = 0.0,
             warmup_max_lr: float | None = None, warmup_num_steps: int = 1000, warmup_type: str = "log") -> Schedule:
    """DeepSpeed ``WarmupLR``: warm up from warmup_min_lr to warmup_max_lr, then hold.

    Wn = max(2, warmup_num_steps); i = t - 1 (the one-step lag of the engine)
    gamma(i) = ln(i + 1) / ln(Wn)   (log, the default)   or   i / Wn   (linear),   for i < Wn; 1 after
    lr(t) = warmup_min_lr                                         for t = 0
    lr(t) = warmup_min_lr + (warmup_max_lr - warmup_min_lr) * gamma(t - 1)   for t >= 1

    Updates 0 and 1 both run at warmup_min_lr; the peak is reached at update
    Wn (log) or Wn + 1 (linear). warmup_max_lr None means the optimizer's lr.
    """
    lr = check.non_negative("lr", lr)
    check.steps("total_steps", total_steps, minimum=1)
    lo = check.non_negative("warmup_min_lr", warmup_min_lr)
    hi = lr if warmup_max_lr is None else check.non_negative("warmup_max_lr", warmup_max_lr)
    Wn = _warmup_num_steps(warmup_num_steps)
    kind = _warmup_type(warmup_type)
    delta = hi - lo

    def f(t: np.ndarray) -> np.ndarray:
        i = t - 1
        g = np.ones(t.shape)
        early = (i >= 0) & (i < Wn)
        g[early] = _gamma(i[early].astype(np.float64), Wn, kind)
        out = lo + delta * g
        out[i < 0] = lo
        return out

    params = dict(lr=lr, warmup_min_lr=lo, warmup_max_lr=hi, warmup_num_steps=warmup_num_steps, warmup_type=kind)
    return Schedule(f, name="deepspeed.WarmupLR", params=params, marks=check.marks((Wn + 1, "end of warmup")),
                    breaks=(1, Wn + 1))


def WarmupDecayLR(*, lr: float = 0.1, total_steps: Steps = 1000, total_num_steps: int | None = None,
                  warmup_min_lr: float = 0.0, warmup_max_lr: float = 0.001, warmup_num_steps: int = 1000,
                  warmup_type: str = "log") -> Schedule:
    """DeepSpeed ``WarmupDecayLR``: WarmupLR's warmup, then linear decay to 0 at total_num_steps.

    Wn = max(2, warmup_num_steps), T = total_num_steps (required by DeepSpeed; default total_steps), i = t - 1
    lr(t) = warmup_min_lr                                                     for t = 0
    lr(t) = warmup_min_lr + (warmup_max_lr - warmup_min_lr) * gamma(i)        for i < Wn (gamma as WarmupLR)
    lr(t) = warmup_min_lr + (warmup_max_lr - warmup_min_lr) * max(0, (T - i) / max(1, T - Wn))   for i >= Wn

    The lr reaches warmup_min_lr at update T + 1. warmup_max_lr defaults to
    0.001 here (DeepSpeed's default for this class), not to the optimizer's lr.
    """
    check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    T = total_steps if total_num_steps is None else check.steps("total_num_steps", total_num_steps)
    lo = check.non_negative("warmup_min_lr", warmup_min_lr)
    hi = check.non_negative("warmup_max_lr", warmup_max_lr)
    Wn = _warmup_num_steps(warmup_num_steps)
    kind = _warmup_type(warmup_type)
    delta = hi - lo
    d = float(max(1.0, T - Wn))

    def f(t: np.ndarray) -> np.ndarray:
        i = t - 1
        g = np.empty(t.shape)
        early = i < Wn
        warm = early & (i >= 0)
        g[warm] = _gamma(i[warm].astype(np.float64), Wn, kind)
        late = ~early
        g[late] = np.maximum(0.0, (T - i[late]).astype(np.float64) / d)
        out = lo + delta * g
        out[i < 0] = lo
        return out

    params = dict(lr=lr, total_num_steps=T, warmup_min_lr=lo, warmup_max_lr=hi, warmup_num_steps=warmup_num_steps,
                  warmup_type=kind)
    return Schedule(f, name="deepspeed.WarmupDecayLR", params=params,
                    marks=check.marks((Wn + 1, "end of warmup"), (T + 1, "total_num_steps")),
                    breaks=(1, Wn + 1, T + 1))


def WarmupCosineLR(*, lr: float = 0.1, total_steps: Steps = 1000, total_num_steps: int | None = None,
                   warmup_min_ratio: float = 0.0, warmup_num_steps: int = 1000, cos_min_ratio: float = 0.0001,
                   warmup_type: str = "log") -> Schedule:
    """DeepSpeed ``WarmupCosineLR``: a ratio of the optimizer's lr, warmup then cosine to cos_min_ratio.

    Wn = max(2, warmup_num_steps), T = total_num_steps (required; default total_steps), i = t - 1
    r = 0                                                             for t = 0 (update 0 runs at lr 0)
    r = warmup_min_ratio + (1 - warmup_min_ratio) * gamma(i)          for i < Wn (gamma as WarmupLR)
    p = min(1, (i - Wn + 1) / max(1, T - Wn))
    r = max(0, cos_min_ratio + (1 - cos_min_ratio) * (1 + cos(pi p)) / 2)   for i >= Wn
    lr(t) = lr * r

    Clamped at p = 1 (DeepSpeed >= 0.19.3; older versions let the cosine rise
    again past T). With a linear warmup the peak lr is never hit exactly.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    T = total_steps if total_num_steps is None else check.steps("total_num_steps", total_num_steps)
    wmin = check.number("warmup_min_ratio", warmup_min_ratio)
    cmin = check.number("cos_min_ratio", cos_min_ratio)
    Wn = _warmup_num_steps(warmup_num_steps)
    kind = _warmup_type(warmup_type)
    if wmin < 0 or cmin < 0:
        raise ParameterError("warmup_min_ratio" if wmin < 0 else "cos_min_ratio", "must be >= 0 (a negative ratio gives a negative lr)")
    real_total = max(1, T - Wn)

    def f(t: np.ndarray) -> np.ndarray:
        i = t - 1
        r = np.zeros(t.shape)
        warm = (i >= 0) & (i < Wn)
        r[warm] = wmin + _gamma(i[warm].astype(np.float64), Wn, kind) * (1.0 - wmin)
        late = i >= Wn
        p = np.minimum(1.0, (i[late] - Wn + 1) / real_total)
        ratio = (1 + np.cos(math.pi * p)) / 2
        r[late] = np.maximum(0.0, cmin + (1.0 - cmin) * ratio)
        return lr * r

    params = dict(lr=lr, total_num_steps=T, warmup_min_ratio=wmin, warmup_num_steps=warmup_num_steps,
                  cos_min_ratio=cmin, warmup_type=kind)
    return Schedule(f, name="deepspeed.WarmupCosineLR", params=params,
                    marks=check.marks((Wn + 1, "end of warmup"), (T, "total_num_steps")), breaks=(1, Wn + 1, T))


def OneCycle(*, lr: float = 0.1, total_steps: Steps = 1000, cycle_min_lr: float | None = None,
             cycle_max_lr: float | None = None, decay_lr_rate: float = 0.0, cycle_first_step_size: int = 2000,
             cycle_second_step_size: int | None = None, cycle_first_stair_count: int = 0,
             cycle_second_stair_count: int | None = None, decay_step_size: int = 0, cycle_momentum: bool = True,
             cycle_min_mom: float = 0.8, cycle_max_mom: float = 0.9, decay_mom_rate: float = 0.0) -> Schedule:
    """DeepSpeed ``OneCycle``: one triangular cycle between cycle_min_lr and cycle_max_lr, then decay.

    S = first + second step sizes (floats), rho = first / S; update t uses b = t (no lag: the formula uses i + 1)
    cycle = floor(1 + b / S), x = 1 + b / S - cycle
    scale = x / rho if x <= rho else (x - 1) / (rho - 1)    (stairs: floor(pos * count) / count, pos from b mod S)
    lr(t) = cycle_min_lr + (cycle_max_lr - cycle_min_lr) * scale          for t - 1 < S
    lr(t) = cycle_min_lr / (1 + decay_lr_rate * (t - S) / decay_step_size)  after (cycle_min_lr when either is 0)
    momentum (beta1) = cycle_max_mom - (cycle_max_mom - cycle_min_mom) * scale; cycle_min_mom at t = 0;
    after the cycle cycle_max_mom * (1 + decay_mom_rate * (t - S) / decay_step_size). DeepSpeed writes
    betas = (momentum, 0.99), overwriting beta2, and disables the momentum cycle for optimizers without betas.

    cycle_min_lr and cycle_max_lr are required by DeepSpeed; here they default
    to lr / 10 and lr.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    hi = lr if cycle_max_lr is None else check.non_negative("cycle_max_lr", cycle_max_lr)
    lo = lr / 10 if cycle_min_lr is None else check.non_negative("cycle_min_lr", cycle_min_lr)
    first = float(check.positive("cycle_first_step_size", cycle_first_step_size))
    second = first if cycle_second_step_size is None else float(check.positive("cycle_second_step_size", cycle_second_step_size))
    S = first + second
    rho = first / S
    c1 = check.steps("cycle_first_stair_count", cycle_first_stair_count)
    c2 = c1 if cycle_second_stair_count is None else check.steps("cycle_second_stair_count", cycle_second_stair_count)
    rate = check.non_negative("decay_lr_rate", decay_lr_rate)
    dss = check.non_negative("decay_step_size", decay_step_size)
    skip_decay = math.isclose(dss, 0) or math.isclose(rate, 0)
    skip_mom_decay = math.isclose(dss, 0) or math.isclose(check.number("decay_mom_rate", decay_mom_rate), 0)
    mlo = check.between("cycle_min_mom", cycle_min_mom, 0.0, 1.0)
    mhi = check.between("cycle_max_mom", cycle_max_mom, 0.0, 1.0)
    mom_rate = check.non_negative("decay_mom_rate", decay_mom_rate)
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    if cycle_momentum and not skip_mom_decay and mhi * (1 + mom_rate * ((total_steps - S) / dss)) > 1:
        raise ParameterError("decay_mom_rate", "the momentum (Adam's beta1) would pass 1 within total_steps: "
                                               "DeepSpeed writes it as it is, and no optimizer trains with it")

    def scale(b: np.ndarray) -> np.ndarray:
        b = b.astype(np.float64)
        cycle = np.floor(1 + b / S)
        x = 1.0 + b / S - cycle
        up = x <= rho
        out = np.where(up, x / rho, (x - 1) / (rho - 1))
        count = np.where(up, c1, c2)
        stairs = count > 0
        if stairs.any():
            ci = np.mod(b, S)
            pos = np.where(ci <= first, ci * count / first, (S - ci) * count / second)
            out = np.where(stairs, np.floor(pos) / np.where(stairs, count, 1), out)
        return out

    def f(t: np.ndarray) -> np.ndarray:
        in_cycle = (t - 1) < S
        out = np.empty(t.shape)
        out[in_cycle] = lo + (hi - lo) * scale(t[in_cycle])
        after = ~in_cycle
        if skip_decay:
            out[after] = lo
        else:
            out[after] = lo / (1 + rate * ((t[after] - S) / dss))
        return out

    def momentum(t: np.ndarray) -> np.ndarray:
        in_cycle = (t - 1) < S
        out = np.empty(t.shape)
        out[in_cycle] = mhi - (mhi - mlo) * scale(t[in_cycle])
        after = ~in_cycle
        out[after] = mhi if skip_mom_decay else mhi * (1 + mom_rate * ((t[after] - S) / dss))
        out[t == 0] = mlo
        return out

    params = dict(lr=lr, cycle_min_lr=lo, cycle_max_lr=hi, decay_lr_rate=rate, cycle_first_step_size=first,
                  cycle_second_step_size=second, decay_step_size=dss, cycle_momentum=cycle_momentum)
    return Schedule(f, name="deepspeed.OneCycle", params=params, momentum_fn=momentum if cycle_momentum else None,
                    marks=check.marks((first, "peak"), (S, "end of cycle")),
                    breaks=None if (c1 or c2) else (1, int(first), int(first) + 1, int(S) + 1, int(S) + 2))


def LRRangeTest(*, lr: float = 0.1, total_steps: Steps = 1000, lr_range_test_min_lr: float = 1e-3,
                lr_range_test_step_size: int = 2000, lr_range_test_step_rate: float = 1.0,
                lr_range_test_staircase: bool = False) -> Schedule:
    """DeepSpeed ``LRRangeTest``: the lr grows linearly (or in stairs) from lr_range_test_min_lr.

    lr(t) = lr_range_test_min_lr * (1 + step_rate * t / step_size)            (continuous)
    lr(t) = lr_range_test_min_lr * (1 + step_rate * floor(t / step_size))     (staircase)

    The constructor writes the min lr, so update 0 runs at it; the optimizer's lr is not used.
    """
    check.non_negative("lr", lr)
    check.steps("total_steps", total_steps, minimum=1)
    lo = check.non_negative("lr_range_test_min_lr", lr_range_test_min_lr)
    size = check.positive("lr_range_test_step_size", lr_range_test_step_size)
    rate = check.non_negative("lr_range_test_step_rate", lr_range_test_step_rate)  # a negative rate drives the lr below 0
    stairs = check.flag("lr_range_test_staircase", lr_range_test_staircase)

    def kernel(span: engine.Span, out: np.ndarray) -> None:  # in the block, in DeepSpeed's order
        np.copyto(out, span.t, casting="unsafe")
        out /= size
        if stairs:
            np.floor(out, out=out)
        out *= rate
        out += 1
        out *= lo

    params = dict(lr_range_test_min_lr=lo, lr_range_test_step_size=size, lr_range_test_step_rate=rate,
                  lr_range_test_staircase=stairs)
    return Schedule(kernel=kernel, name="deepspeed.LRRangeTest", params=params, breaks=() if rate >= 0 else ())


TWINS = {
    "deepspeed.WarmupLR": (WarmupLR, "DeepSpeed WarmupLR: log (default) or linear warmup, then hold; one-update lag"),
    "deepspeed.WarmupDecayLR": (WarmupDecayLR, "DeepSpeed WarmupDecayLR: WarmupLR's warmup, then linear decay to total_num_steps"),
    "deepspeed.WarmupCosineLR": (WarmupCosineLR, "DeepSpeed WarmupCosineLR: ratio of the optimizer lr, warmup then clamped cosine"),
    "deepspeed.OneCycle": (OneCycle, "DeepSpeed OneCycle: one lr cycle (momentum inverse), then 1/(1+rate*t) decay"),
    "deepspeed.LRRangeTest": (LRRangeTest, "DeepSpeed LRRangeTest: linear or staircase lr growth for a range test"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "deepspeed.WarmupLR": {"warmup": "warmup_num_steps"},
    "deepspeed.WarmupDecayLR": {"warmup": "warmup_num_steps"},
    "deepspeed.WarmupCosineLR": {"warmup": "warmup_num_steps"},
}
