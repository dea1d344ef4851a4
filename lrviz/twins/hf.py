"""Twins of HuggingFace transformers' schedulers: ``hf.<SchedulerType value>``.

Every HF schedule is a ``torch.optim.lr_scheduler.LambdaLR`` multiplier, so the
lr used for update ``t + 1`` is ``lr * lambda(t)``, ``lr`` being the
optimizer's lr (the Trainer calls ``optimizer.step()`` then
``lr_scheduler.step()``; ``get_last_lr()`` after ``t`` steps is ``lr *
lambda(t)``). The lambdas below are those of ``transformers/optimization.py``
(read in transformers 5.23.0), with the same float64 operations in the same
order: the values agree bit for bit, except ``pct_remaining ** power`` in
``hf.polynomial`` where numpy's ``power`` may differ from C's ``pow`` by one
unit in the last place. For steps beyond 2**53 Python's exact integer
arithmetic and numpy's float64 may round differently.

Parameters are HF's own (``num_warmup_steps``, ``num_training_steps``,
``num_cycles``, ...) with HF's defaults. Where HF requires a value without a
default, the twin takes one from ``total_steps`` (said in each docstring):
``num_training_steps`` defaults to ``total_steps``; ``num_warmup_steps`` to 0,
what ``TrainingArguments(warmup_steps=0)`` gives, except for the three
schedules whose name promises a warmup (``constant_with_warmup``,
``cosine_warmup_with_min_lr``, ``warmup_stable_decay``), where it is
``total_steps // 10``. The warmup may be given as the Trainer takes it: 4.x's
``warmup_ratio``, 5.x's ratio ``num_warmup_steps=0.03`` or ``"3%"``, each
rounded up as the Trainer rounds it (see :func:`_warmup`). ``reduce_lr_on_plateau`` (a torch ReduceLROnPlateau)
is registered elsewhere, and ``greedy`` (GreedyLR) in :mod:`lrviz.twins.greedy`.

Where HF raises while computing a step (a ZeroDivisionError, a math domain
error, an OverflowError), the twin raises :class:`~lrviz.errors.StepError`
naming the exception and HF's message when evaluated at that step; HF's
parameter ValueErrors are :class:`~lrviz.errors.ParameterError` with HF's
message. Not reproduced, because lrviz draws only finite lr >= 0: parameters
HF accepts although they give a negative lr (``lr_end``, ``min_lr_ratio``,
``warmup_lr_rate`` below 0) are ParameterErrors, and an lr that overflows
float64 (parameters near 1e308; HF's floats give inf or nan there) is a
StepError at that step.

About 640 lines, a quarter of them docstrings: one library, in bands of
helpers and one factory per ``SchedulerType``.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..errors import ParameterError
from ..schedules._base import Schedule
from ..schedules import _engine as engine
from ..schedules import _checks as check
from . import _checks as rules
from ._checked import checked, refuse

from ..kinds import Steps, WarmupCount
from ..units import Ratio, is_number, warmup_count

WSD_TYPES = ("linear", "cosine", "1-sqrt")
_I64_MAX = int(np.iinfo(np.int64).max)


# ---------------------------------------------------------------- helpers


def _raise(name: str, t: np.ndarray, bad: np.ndarray, error: str, message: str) -> None:
    """Raise StepError at the first step of ``t`` where ``bad`` holds (HF raises there)."""
    refuse(t, bad, lambda step: f"{name}: HF raises {error} at step {step}: {message}", smallest=False)


def _finite(name: str, f: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """``f`` with float warnings silenced and a StepError where the lr is not finite.

    Only parameters near the float64 limits overflow (an lr of 1e308 times a
    factor above 1, a huge negative power); HF's Python floats give inf there.
    """
    return checked(f, lambda t, out: ~np.isfinite(out),
                   lambda step, value: f"{name}: the lr at step {step} is {value!r}, not a finite float64",
                   within=(-math.inf, math.inf))


def _warmup(num_warmup_steps: object, warmup_ratio: object, T: int, default: int = 0) -> int:
    """The warmup length W as the Trainer computes it from its arguments (``TrainingArguments.get_warmup_steps``).

    num_warmup_steps >= 1 is a step count (a float is truncated, as 5.x's
    ``int(warmup_steps)``); a ratio r (a number below 1, as 5.x takes
    ``warmup_steps``, or ``"3%"``) gives W = ceil(T * r) in float64, so 3% of
    1234 steps is 38 (37.02 rounded up). ``warmup_ratio`` is 4.x's spelling of
    the ratio, in [0, 1]; as in 4.x, a num_warmup_steps > 0 wins over it. T is
    the number of training steps (num_training_steps, else total_steps).
    Neither given: ``default``.
    """
    ratio = None
    if warmup_ratio is not None:
        ratio = check.number("warmup_ratio", warmup_ratio)
        if not 0 <= ratio <= 1:
            raise ParameterError("warmup_ratio", f"warmup_ratio must lie in range [0,1] (HF's TrainingArguments "
                                                 f"refuses it); got {warmup_ratio!r}")
    value = num_warmup_steps
    if value is not None and not isinstance(value, Ratio) and is_number(value):
        value = warmup_count(value)
    if isinstance(value, Ratio):
        return math.ceil(T * float(value))
    if value is None or (value == 0 and ratio is not None):
        return default if ratio is None else math.ceil(T * ratio)
    return check.steps("num_warmup_steps", value)


def _cycles(value: object) -> float:
    """num_cycles: a finite number whose ``math.pi * num_cycles * 2.0`` stays finite."""
    value = check.number("num_cycles", value)
    if not math.isfinite(math.pi * value * 2.0):
        raise ParameterError("num_cycles", f"too large: pi * num_cycles * 2 overflows float64; got {value:g}")
    return value


def _split(t: np.ndarray, W: int, warm: Callable[[np.ndarray], np.ndarray],
           rest: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``warm(t)`` where ``t < W``, ``rest(t)`` elsewhere (each sees only its own steps)."""
    if W <= 0 or (t.size and t.min() >= W):
        return rest(t)
    if t.max() < W:
        return warm(t)
    early = t < W
    out = np.empty(t.shape, dtype=np.float64)
    out[early] = warm(t[early])
    late = ~early
    if late.any():
        out[late] = rest(t[late])
    return out


def _linear_warmup(W: int) -> Callable[[np.ndarray], np.ndarray]:
    """HF's ``float(current_step) / float(max(1, num_warmup_steps))``."""
    d = float(max(1, W))
    return lambda t: t / d


def _progress(t: np.ndarray, W: int, T: int) -> np.ndarray:
    """``float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))``."""
    out = np.subtract(t, W, dtype=np.float64)  # exact: steps are below 2**53
    out /= float(max(1, T - W))
    return out


def _cosine(progress: np.ndarray, num_cycles: float) -> np.ndarray:
    """``0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))``, same order of operations."""
    out = np.multiply(progress, math.pi * float(num_cycles) * 2.0, out=progress)
    np.cos(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _warmup_marks(W: int, T: int | None = None) -> tuple[tuple[int, str], ...]:
    pairs: list[tuple[int, str]] = [(W, "end of warmup")]
    if T is not None and T != W:
        pairs.append((T, "num_training_steps"))
    return check.marks(*pairs)


# ---------------------------------------------------------------- constant


def constant(*, lr: float = 0.1, total_steps: Steps = 1000) -> Schedule:
    """HF ``constant`` (get_constant_schedule): the optimizer's lr, unchanged.

    lr(t) = lr * 1
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)

    def f(t: np.ndarray) -> np.ndarray:
        return np.full(t.shape, lr * 1)

    return Schedule(_finite("hf.constant", f), kernel=engine.constant(lr * 1) if math.isfinite(lr * 1) else None,
                    name="hf.constant",
                    params=dict(lr=lr, total_steps=total_steps), breaks=())


def constant_with_warmup(*, lr: float = 0.1, total_steps: Steps = 1000,
                         num_warmup_steps: WarmupCount | None = None,
                         warmup_ratio: float | None = None) -> Schedule:
    """HF ``constant_with_warmup`` (get_constant_schedule_with_warmup).

    lr(t) = lr * t / max(1, W)    for t < W       (0 at t = 0)
    lr(t) = lr                    for t >= W

    W = num_warmup_steps, required by HF; here it defaults to total_steps // 10.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, total_steps, total_steps // 10)
    d = float(max(1.0, W))

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, lambda s: s / d, lambda s: np.full(s.shape, 1.0))
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W)
    return Schedule(_finite("hf.constant_with_warmup", f), name="hf.constant_with_warmup",
                    params=params, marks=_warmup_marks(W), breaks=())


# ---------------------------------------------------------------- linear


def linear(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
           num_training_steps: Steps | None = None) -> Schedule:
    """HF ``linear`` (get_linear_schedule_with_warmup), the Trainer's default.

    lr(t) = lr * t / max(1, W)                          for t < W
    lr(t) = lr * max(0, (T - t) / max(1, T - W))        for t >= W

    Reaches 0 at t = T and stays 0 (clamped). W = num_warmup_steps (default 0,
    the Trainer's warmup_steps=0), T = num_training_steps (default total_steps).
    With T < W the lr drops from the warmup to 0 at t = W.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T)
    d = float(max(1, T - W))

    def rest(t: np.ndarray) -> np.ndarray:
        out = np.subtract(T, t, dtype=np.float64)  # exact: steps are below 2**53
        out /= d
        if t.size and t.max() > T:  # max(0, .) bites only past T
            np.maximum(out, 0.0, out=out)
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, _linear_warmup(W), rest)
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T)
    return Schedule(_finite("hf.linear", f), name="hf.linear",
                    params=params, marks=_warmup_marks(W, T), breaks=(W, W + 1, T, T + 1))


# ---------------------------------------------------------------- cosine family


def cosine(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
           num_training_steps: Steps | None = None, num_cycles: float = 0.5) -> Schedule:
    """HF ``cosine`` (get_cosine_schedule_with_warmup).

    lr(t) = lr * t / max(1, W)                                   for t < W
    p = (t - W) / max(1, T - W)
    lr(t) = lr * max(0, 0.5 * (1 + cos(pi * num_cycles * 2 * p)))  for t >= W

    Not clamped: past T = num_training_steps the cosine goes on, so with the
    default num_cycles = 0.5 the lr is 0 at T and climbs back to lr at 2T - W
    (periodic). num_cycles = 1 returns to lr at T. W defaults to 0, T to
    total_steps. (In transformers the function runs the min_lr lambda with
    min_lr_rate = 0, which gives the same numbers.)
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T)
    num_cycles = _cycles(num_cycles)
    return _cosine_min_lr("hf.cosine", lr, total_steps, W, T, num_cycles, 0.0,
                          dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T,
                               num_cycles=num_cycles))


def _min_lr_rate(lr: float, min_lr: object, min_lr_rate: object) -> float:
    """HF's choice between min_lr (divided by the optimizer's lr) and min_lr_rate."""
    if min_lr is not None and min_lr_rate is not None:
        raise ParameterError("min_lr", "Only one of min_lr or min_lr_rate should be set")
    if min_lr is not None:
        min_lr = check.number("min_lr", min_lr)
        if lr == 0:
            raise ParameterError("min_lr", "HF divides min_lr by the optimizer's lr, which is 0 (float division by zero)")
        rate = min_lr / lr
        if not math.isfinite(rate):
            raise ParameterError("min_lr", f"min_lr / lr overflows float64 ({min_lr:g} / {lr:g})")
        return rate
    if min_lr_rate is None:
        return 0.1
    return check.number("min_lr_rate", min_lr_rate)


def _cosine_min_lr(name: str, lr: float, total_steps: int, W: int, T: int, num_cycles: float, rate: float,
                   params: dict) -> Schedule:
    def rest(t: np.ndarray) -> np.ndarray:
        out = _cosine(_progress(t, W, T), num_cycles)
        if rate != 0.0:
            out *= 1 - rate
            out += rate
        if rate < 0.0:  # 0.5 * (1 + cos) >= 0, so c * (1 - r) + r >= 0 for any r >= 0: max(0, .) only bites below
            np.maximum(out, 0.0, out=out)
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, _linear_warmup(W), rest)
        out *= lr
        return out

    return Schedule(_finite(name, f), name=name, params=params, marks=_warmup_marks(W, T), periodic=True)


def cosine_with_min_lr(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
                       num_training_steps: Steps | None = None, num_cycles: float = 0.5,
                       min_lr: float | None = None, min_lr_rate: float | None = None) -> Schedule:
    """HF ``cosine_with_min_lr`` (get_cosine_with_min_lr_schedule_with_warmup).

    lr(t) = lr * t / max(1, W)                              for t < W
    p = (t - W) / max(1, T - W),  c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))
    lr(t) = lr * max(0, c * (1 - r) + r)                    for t >= W

    r = min_lr_rate, or min_lr / lr. HF requires exactly one of the two; here,
    when neither is given, min_lr_rate = 0.1 (both given: a ParameterError,
    as HF's ValueError). Not clamped past T: like hf.cosine it rises again
    (periodic). W defaults to 0, T to total_steps.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T)
    num_cycles = _cycles(num_cycles)
    rate = _min_lr_rate(lr, min_lr, min_lr_rate)
    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T, num_cycles=num_cycles,
                  min_lr=None if min_lr is None else float(min_lr), min_lr_rate=rate)
    return _cosine_min_lr("hf.cosine_with_min_lr", lr, total_steps, W, T, num_cycles, rate, params)


def cosine_warmup_with_min_lr(*, lr: float = 0.1, total_steps: Steps = 1000,
                              num_warmup_steps: WarmupCount | None = None, warmup_ratio: float | None = None, num_training_steps: Steps | None = None,
                              num_cycles: float = 0.5, min_lr: float | None = None,
                              min_lr_rate: float | None = None, warmup_lr_rate: float | None = None) -> Schedule:
    """HF ``cosine_warmup_with_min_lr`` (get_cosine_with_min_lr_schedule_with_warmup_lr_rate).

    A variant one step ahead of hf.cosine_with_min_lr:
    lr(t) = lr * (t + 1) / max(1, W)                          for t < W, warmup_lr_rate None
    lr(t) = lr * (w + (1 - w) * t / max(1, W - 1))            for t < W, w = warmup_lr_rate
    p = (t - W + 1) / max(1, T - W),  c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))
    lr(t) = lr * max(0, c * (1 - r) + r)                      for t >= W

    The peak lr is reached at t = W - 1 and the floor r * lr at t = T - 1;
    not clamped afterwards (periodic). r = min_lr_rate or min_lr / lr (HF
    requires one; default here min_lr_rate = 0.1). warmup_lr_rate < 0 (a
    negative lr, which HF allows) is refused. W defaults to total_steps // 10,
    T to total_steps.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T, total_steps // 10)
    num_cycles = _cycles(num_cycles)
    rate = _min_lr_rate(lr, min_lr, min_lr_rate)
    w = None if warmup_lr_rate is None else rules.not_negative("warmup_lr_rate", warmup_lr_rate,
                                                               "HF would start on a negative lr")
    Wf, Tf = float(W), float(T)
    c = math.pi * num_cycles * 2.0

    def warm(t: np.ndarray) -> np.ndarray:
        tf = t.astype(np.float64)
        if w is None:
            tf += 1.0
            tf /= max(1.0, Wf)
            return tf
        tf *= 1.0 - w
        tf /= max(1, Wf - 1)
        tf += w
        return tf

    def rest(t: np.ndarray) -> np.ndarray:
        out = t.astype(np.float64)
        out -= Wf
        out += 1.0
        out /= max(1.0, Tf - Wf)
        out *= c
        np.cos(out, out=out)
        out += 1.0
        out *= 0.5
        out *= 1 - rate
        out += rate
        np.maximum(out, 0.0, out=out)
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, warm, rest)
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T, num_cycles=num_cycles,
                  min_lr=None if min_lr is None else float(min_lr), min_lr_rate=rate, warmup_lr_rate=w)
    marks = check.marks((W - 1, "peak"), (T - 1, "floor", "drop")) if T - 1 != W - 1 else check.marks((W - 1, "peak"))
    return Schedule(_finite("hf.cosine_warmup_with_min_lr", f), name="hf.cosine_warmup_with_min_lr",
                    params=params, marks=marks, periodic=True)


def cosine_with_restarts(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
                         num_training_steps: Steps | None = None, num_cycles: float = 1) -> Schedule:
    """HF ``cosine_with_restarts`` (get_cosine_with_hard_restarts_schedule_with_warmup).

    lr(t) = lr * t / max(1, W)                                       for t < W
    p = (t - W) / max(1, T - W)
    lr(t) = lr * max(0, 0.5 * (1 + cos(pi * ((num_cycles * p) mod 1))))  for t >= W, p < 1
    lr(t) = 0                                                        for p >= 1

    num_cycles equal cosine-to-zero cycles inside [W, T), each restarting at
    the full lr, then clamped to 0 from T on. num_cycles (an int in HF,
    default 1) may be fractional; mod is Python's (the sign of the divisor).
    W defaults to 0, T to total_steps.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T)
    num_cycles = _cycles(num_cycles)

    def rest(t: np.ndarray) -> np.ndarray:
        p = _progress(t, W, T)
        out = float(num_cycles) * p
        np.remainder(out, 1.0, out=out)
        out *= math.pi
        np.cos(out, out=out)
        out += 1.0
        out *= 0.5
        np.maximum(out, 0.0, out=out)
        out[p >= 1.0] = 0.0
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, _linear_warmup(W), rest)
        out *= lr
        return out

    restarts: list[tuple[int, str]] = []
    if num_cycles == int(num_cycles) and 1 < num_cycles <= 100 and T > W:
        span = T - W
        restarts = [(W + -(-k * span // int(num_cycles)), "restart", "restart") for k in range(1, int(num_cycles))]
    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T, num_cycles=num_cycles)
    return Schedule(_finite("hf.cosine_with_restarts", f), name="hf.cosine_with_restarts",
                    params=params,
                    marks=_warmup_marks(W, T) + check.marks(*restarts))


# ---------------------------------------------------------------- polynomial


def polynomial(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
               num_training_steps: Steps | None = None, lr_end: float = 1e-7, power: float = 1.0) -> Schedule:
    """HF ``polynomial`` (get_polynomial_decay_schedule_with_warmup).

    lr(t) = lr * t / max(1, W)                                        for t < W
    lr(t) = lr * (((lr - lr_end) * (1 - (t - W) / (T - W))**power + lr_end) / lr)   for W <= t <= T
    lr(t) = lr * (lr_end / lr)                                        for t > T

    Decays from lr to lr_end and holds it (clamped). HF requires lr > lr_end
    (its ValueError is a ParameterError here) and divides by the optimizer's
    lr, so the value is lr * (x / lr), not exactly x. Raises where HF does:
    T == W divides by zero at t = W; a negative power raises 0.0 ** power at
    t = T, or overflows just before it. lr_end < 0 (a negative lr, which HF
    allows) is refused. W defaults to 0, T to total_steps. Agrees with HF to
    1 ulp (numpy's power against C's pow).
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T)
    lr_end = check.number("lr_end", lr_end)
    power = check.number("power", power)
    if not (lr > lr_end):
        raise ParameterError("lr_end", f"lr_end ({lr_end}) must be smaller than initial lr ({lr})")
    lr_end = rules.not_negative("lr_end", lr_end, "HF would end on a negative lr")
    lr_range = lr - lr_end
    decay_steps = T - W
    name = "hf.polynomial"

    def rest(t: np.ndarray) -> np.ndarray:
        whole = not t.size or t.max() <= T  # no step past T: no mask
        out = np.empty(t.shape, dtype=np.float64)
        after = None if whole else t > T
        mid = None if whole else ~after
        tm = t if whole else t[mid]
        if tm.size:
            if decay_steps == 0:
                _raise(name, tm, np.ones(tm.shape, dtype=bool), "ZeroDivisionError", "division by zero")
            pct = np.subtract(tm, W, dtype=np.float64)
            pct /= float(decay_steps)
            np.subtract(1, pct, out=pct)
            if power < 0:
                _raise(name, tm, pct == 0.0, "ZeroDivisionError", "0.0 cannot be raised to a negative power")
            if power != 1.0:  # x ** 1.0 is x
                with np.errstate(over="ignore"):
                    np.power(pct, power, out=pct)
            if power < 0:
                _raise(name, tm, np.isinf(pct), "OverflowError", "(34, 'Numerical result out of range')")
            pct *= lr_range
            pct += lr_end
            pct /= lr
            if whole:
                return pct
            out[mid] = pct
        if after is not None and after.any():
            out[after] = lr_end / lr
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, _linear_warmup(W), rest)
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_training_steps=T, lr_end=lr_end,
                  power=power)
    return Schedule(_finite(name, f), name=name, params=params, marks=_warmup_marks(W, T), breaks=(W, W + 1, T, T + 1))


# ---------------------------------------------------------------- inverse sqrt


def inverse_sqrt(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount = 0, warmup_ratio: float | None = None,
                 timescale: int | None = None) -> Schedule:
    """HF ``inverse_sqrt`` (get_inverse_sqrt_schedule).

    lr(t) = lr * t / max(1, W)                                    for t < W
    lr(t) = lr / sqrt((t + timescale - W) / timescale)           for t >= W

    timescale defaults to W, or 10000 when W = 0 (HF's default), so with the
    defaults (W = 0) the decay over 1000 steps is gentle. Equal to lr at t = W,
    then decays as 1/sqrt(t); with timescale = W it is lr * sqrt(W / t). It
    never ends (num_training_steps is not used). timescale = 0 or negative is
    accepted as HF does, which raises where it divides by zero or takes the
    square root of a negative number; the twin raises a StepError there.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, total_steps)
    if timescale is None:
        timescale = W or 10_000
    elif isinstance(timescale, bool) or not check.number("timescale", timescale).is_integer():
        raise ParameterError("timescale", f"expected a whole number; got {timescale!r}")
    timescale = int(timescale)
    if abs(timescale) > 2**53:
        raise ParameterError("timescale", f"must be at most 2**53 in size; got {timescale}")
    shift = timescale - W
    name = "hf.inverse_sqrt"

    def rest(t: np.ndarray) -> np.ndarray:
        if timescale == 0:
            _raise(name, t, np.ones(t.shape, dtype=bool), "ZeroDivisionError", "division by zero")
        if shift > 0 and t.size and int(t.max()) > _I64_MAX - shift:
            out = t.astype(np.float64) + float(shift)  # t + shift would overflow int64
        else:
            out = (t + shift).astype(np.float64)
        out /= float(timescale)
        if timescale < 0:
            bad = out <= 0
            if bad.any():  # the first such step decides which error HF raises
                first = int(np.argmax(bad))
                negative = out[first] < 0
                _raise(name, t[first:first + 1], bad[first:first + 1], "ValueError" if negative else "ZeroDivisionError",
                       "math domain error" if negative else "float division by zero")
        np.sqrt(out, out=out)
        np.divide(1.0, out, out=out)
        return out

    def f(t: np.ndarray) -> np.ndarray:
        out = _split(t, W, _linear_warmup(W), rest)
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, timescale=timescale)
    return Schedule(_finite(name, f), name=name, params=params, marks=_warmup_marks(W),
                    breaks=(W, W + 1) if timescale > 0 else None)


# ---------------------------------------------------------------- warmup-stable-decay


def warmup_stable_decay(*, lr: float = 0.1, total_steps: Steps = 1000, num_warmup_steps: WarmupCount | None = None, warmup_ratio: float | None = None,
                        num_decay_steps: Steps | None = None, num_training_steps: Steps | None = None,
                        num_stable_steps: Steps | None = None, warmup_type: str = "linear",
                        decay_type: str = "cosine", min_lr_ratio: float = 0, num_cycles: float = 0.5) -> Schedule:
    """HF ``warmup_stable_decay`` (get_wsd_schedule).

    m = min_lr_ratio; S = num_stable_steps, or T - W - D when it is not given
    warmup  t < W:            p = t / max(1, W),  f = p | (1 - cos(pi p)) / 2 | 1 - sqrt(1 - p)
                              lr(t) = lr * max(0, f * (1 - m) + m)      (starts at m * lr, not 0)
    stable  t < W + S:        lr(t) = lr
    decay   t < W + S + D:    p = (t - W - S) / max(1, D),
                              f = 1 - p | 0.5 * (1 + cos(pi * num_cycles * 2 * p)) | 1 - sqrt(p)
                              lr(t) = lr * max(0, f * (1 - m) + m)
    after:                    lr(t) = lr * m   (reached only at W + S + D)

    f is chosen by warmup_type / decay_type: linear | cosine | 1-sqrt. HF
    requires num_warmup_steps and num_decay_steps: here W defaults to
    total_steps // 10 and D to total_steps // 10; T = num_training_steps
    defaults to total_steps. A given num_stable_steps wins over T (HF warns).
    If W + D > T, S is negative and the decay starts part-way at t = W.
    min_lr_ratio < 0 (a negative lr after the decay, which HF allows) is refused.
    """
    lr = rules.lr(lr)
    total_steps = rules.total(total_steps)
    T = rules.steps_or("num_training_steps", num_training_steps, total_steps)
    W = _warmup(num_warmup_steps, warmup_ratio, T, total_steps // 10)
    D = rules.steps_or("num_decay_steps", num_decay_steps, total_steps // 10)
    for what, value in (("warmup", warmup_type), ("decay", decay_type)):
        rules.choice(f"{what}_type", value, WSD_TYPES,  # HF's message, then lrviz's list of choices
                     f"Unknown {what} type: {value}, expected 'linear', 'cosine' or '1-sqrt'; must be one of {', '.join(WSD_TYPES)}")
    m = rules.not_negative("min_lr_ratio", min_lr_ratio, "HF would hold a negative lr after the decay")
    num_cycles = _cycles(num_cycles)
    S = T - W - D if num_stable_steps is None else check.steps("num_stable_steps", num_stable_steps)
    stable_end, decay_end = W + S, W + S + D

    def mapped(f: np.ndarray) -> np.ndarray:
        f *= 1.0 - m
        f += m
        np.maximum(f, 0.0, out=f)
        return f

    def warm(t: np.ndarray) -> np.ndarray:
        p = t / float(max(1, W))
        if warmup_type == "cosine":
            p *= math.pi
            np.cos(p, out=p)
            np.subtract(1.0, p, out=p)
            p *= 0.5
        elif warmup_type == "1-sqrt":
            np.subtract(1.0, p, out=p)
            np.sqrt(p, out=p)
            np.subtract(1.0, p, out=p)
        return mapped(p)

    def decay(t: np.ndarray) -> np.ndarray:
        p = (t - W - S).astype(np.float64) / float(max(1, D))
        if decay_type == "linear":
            np.subtract(1.0, p, out=p)
        elif decay_type == "cosine":
            p = _cosine(p, num_cycles)
        else:
            np.sqrt(p, out=p)
            np.subtract(1.0, p, out=p)
        return mapped(p)

    def f(t: np.ndarray) -> np.ndarray:
        out = np.full(t.shape, 1.0)
        early = t < W
        if early.any():
            out[early] = warm(t[early])
        in_decay = ~early & (t >= stable_end) & (t < decay_end)
        if in_decay.any():
            out[in_decay] = decay(t[in_decay])
        out[t >= max(decay_end, W)] = m
        out *= lr
        return out

    params = dict(lr=lr, total_steps=total_steps, num_warmup_steps=W, num_decay_steps=D, num_training_steps=T,
                  num_stable_steps=S, warmup_type=warmup_type, decay_type=decay_type, min_lr_ratio=m,
                  num_cycles=num_cycles)
    marks = check.marks((W, "end of warmup"), (stable_end, "start of decay"), (decay_end, "end of decay"))
    monotone = decay_type != "cosine" or abs(num_cycles) <= 0.5
    breaks = (W, W + 1, stable_end, stable_end + 1, decay_end, decay_end + 1) if monotone else None
    return Schedule(_finite("hf.warmup_stable_decay", f), name="hf.warmup_stable_decay",
                    params=params, marks=marks, breaks=breaks)


TWINS: dict[str, tuple[Callable, str]] = {
    "hf.constant": (constant, "HF constant: the optimizer's lr"),
    "hf.constant_with_warmup": (constant_with_warmup, "HF constant_with_warmup: linear warmup from 0, then constant"),
    "hf.linear": (linear, "HF linear: linear warmup from 0, linear decay to 0 at num_training_steps"),
    "hf.cosine": (cosine, "HF cosine: linear warmup, cosine decay (unclamped, rises again past the end)"),
    "hf.cosine_with_restarts": (cosine_with_restarts, "HF cosine_with_restarts: num_cycles hard restarts, then 0"),
    "hf.polynomial": (polynomial, "HF polynomial: linear warmup, polynomial decay to lr_end"),
    "hf.inverse_sqrt": (inverse_sqrt, "HF inverse_sqrt: linear warmup, then 1/sqrt with a timescale"),
    "hf.cosine_with_min_lr": (cosine_with_min_lr, "HF cosine_with_min_lr: cosine to a floor (unclamped)"),
    "hf.cosine_warmup_with_min_lr": (cosine_warmup_with_min_lr,
                                     "HF cosine_warmup_with_min_lr: one step ahead, warmup from 1/W or warmup_lr_rate"),
    "hf.warmup_stable_decay": (warmup_stable_decay, "HF warmup_stable_decay: warmup, stable, decay to min_lr_ratio"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "hf.constant_with_warmup": {"warmup": "num_warmup_steps"},
    "hf.linear": {"warmup": "num_warmup_steps"},
    "hf.cosine": {"warmup": "num_warmup_steps"},
    "hf.cosine_with_restarts": {"warmup": "num_warmup_steps"},
    "hf.polynomial": {"floor": "lr_end", "warmup": "num_warmup_steps"},
    "hf.inverse_sqrt": {"warmup": "num_warmup_steps"},
    "hf.cosine_with_min_lr": {"floor": "min_lr", "warmup": "num_warmup_steps"},
    "hf.cosine_warmup_with_min_lr": {"floor": "min_lr", "warmup": "num_warmup_steps"},
    "hf.warmup_stable_decay": {"warmup": "num_warmup_steps"},
}
