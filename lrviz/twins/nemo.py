"""Twins of NeMo's warmup/anneal schedulers (``nemo/core/optim/lr_scheduler.py``, read in nemo_toolkit 3.0.0):
``nemo.CosineAnnealing``, ``nemo.WarmupAnnealing``, ``nemo.InverseSquareRootAnnealing``, ``nemo.WarmupPolicy``.

They are torch ``_LRScheduler`` s that NeMo returns with ``interval: 'step'``,
so update ``t`` trains at ``f(t)`` (``last_epoch = t``). With ``W`` the
warmup steps, ``M`` = max_steps, ``C`` the constant steps and base = lr:

    NeMo warmup (W > 0, t <= W):   base * (t + 1) / (W + 1)      (update 0 is not 0; the peak at t = W)
    after max_steps (t > M):       min_lr
    CosineAnnealing, C = 0:        (base - min_lr) * 0.5 * (1 + cos(pi * (t - W) / (M - W))) + min_lr
    CosineAnnealing, C > 0:        Megatron's shape instead: base * t / W in the warmup, then
                                   min_lr + 0.5 * (cos(pi * (t - W) / D) + 1) * (base - min_lr), D = M - (C + W),
                                   and min_lr for the last C steps
    WarmupAnnealing:               min_lr + (1 - (t - W) / (M - W)) * (base - min_lr)
    InverseSquareRootAnnealing:    base / ((t + 1) / (W + 1)) ** 0.5
    WarmupPolicy:                  base

NeMo's asserts and ValueErrors are ParameterErrors here.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..errors import ParameterError
from ..schedules._base import Schedule
from ..schedules import _engine as engine
from ..schedules import _checks as check

from ..kinds import Steps


def _common(lr, total_steps, max_steps, warmup_steps, min_lr) -> tuple[float, int, int, float]:
    base = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    M = total_steps if max_steps is None else check.steps("max_steps", max_steps)
    W = check.steps("warmup_steps", warmup_steps)
    lo = check.non_negative("min_lr", min_lr)
    return base, M, W, lo


def _policy(name: str, base: float, M: int, W: int, lo: float, rest: Callable[[np.ndarray], np.ndarray],
            warm: Callable[[np.ndarray], np.ndarray] | None = None, *, constant: bool = False) -> engine.Kernel:
    """The block kernel of a NeMo policy: ``warm`` (default NeMo's base (t + 1) / (W + 1)) for t <= W when W > 0,
    ``rest`` up to max_steps, min_lr after (the warmup wins over max_steps when W >= M). Each piece sees the
    global step; ``constant``: ``rest`` is the constant base."""
    if warm is None:
        def warm(t: np.ndarray) -> np.ndarray:
            return base * ((t + 1) / (W + 1))
    middle = engine.constant(base) if constant else engine.from_function(rest)
    after_warmup = W + 1 if W > 0 else 0
    return engine.pieces([0, after_warmup, max(M + 1, after_warmup)],
                         [engine.from_function(warm), middle, engine.constant(lo)], local=[False, False, False])


def CosineAnnealing(*, lr: float = 0.1, total_steps: Steps = 1000, max_steps: int | None = None, warmup_steps: int = 0,
                    constant_steps: int = 0, min_lr: float = 0.0) -> Schedule:
    """NeMo CosineAnnealing (two warmup conventions, see the module docstring).

    lr(t) = base (t + 1) / (W + 1) for t <= W, then the cosine to min_lr at max_steps   (constant_steps = 0)
    """
    base, M, W, lo = _common(lr, total_steps, max_steps, warmup_steps, min_lr)
    C = check.steps("constant_steps", constant_steps)
    if base < lo:
        raise ParameterError("min_lr", "NeMo: received an initial learning rate that was lower than the minimum learning rate")
    D = M - (C + W)
    if C == 0:
        def rest(t: np.ndarray) -> np.ndarray:
            mult = 0.5 * (1 + np.cos(math.pi * (t - W) / (M - W)))
            return (base - lo) * mult + lo
        f = _policy("CosineAnnealing", base, M, W, lo, rest)
    else:
        if not base > lo:
            raise ParameterError("min_lr", "NeMo asserts max_lr > min_lr with constant_steps")
        if D <= 0:
            raise ParameterError("constant_steps", f"warmup + constant steps leave no decay before max_steps ({M})")

        def megatron(t: np.ndarray) -> np.ndarray:
            out = np.empty(t.shape)
            w = (t <= W) if W > 0 else np.zeros(t.shape, dtype=bool)
            out[w] = base * t[w].astype(np.float64) / float(W)
            after = ~w & (t > W + D)
            out[after] = lo
            mid = ~w & ~after
            ratio = (t[mid] - W).astype(np.float64) / float(D)
            out[mid] = lo + 0.5 * (np.cos(math.pi * ratio) + 1.0) * (base - lo)
            return out

        f = _policy("CosineAnnealing", base, M, W, lo, megatron, megatron)
    params = dict(lr=base, max_steps=M, warmup_steps=W, constant_steps=C, min_lr=lo)
    return Schedule(kernel=f, name="nemo.CosineAnnealing", params=params,
                    marks=check.marks((W, "end of warmup"), (M, "max_steps")), breaks=(W + 1, W + D + 1, M + 1))


def WarmupAnnealing(*, lr: float = 0.1, total_steps: Steps = 1000, max_steps: int | None = None, warmup_steps: int = 0,
                    min_lr: float = 0.0) -> Schedule:
    """NeMo WarmupAnnealing: NeMo's warmup, then linear to min_lr at max_steps.

    lr(t) = min_lr + (1 - (t - W) / (M - W)) * (base - min_lr)    for W < t <= M
    """
    base, M, W, lo = _common(lr, total_steps, max_steps, warmup_steps, min_lr)

    def rest(t: np.ndarray) -> np.ndarray:
        mult = (t - W) / (M - W)
        return lo + (1 - mult) * (base - lo)

    params = dict(lr=base, max_steps=M, warmup_steps=W, min_lr=lo)
    return Schedule(kernel=_policy("WarmupAnnealing", base, M, W, lo, rest), name="nemo.WarmupAnnealing", params=params,
                    marks=check.marks((W, "end of warmup"), (M, "max_steps")), breaks=(W + 1, M + 1))


def InverseSquareRootAnnealing(*, lr: float = 0.1, total_steps: Steps = 1000, max_steps: int | None = None,
                               warmup_steps: int = 0, min_lr: float = 0.0) -> Schedule:
    """NeMo InverseSquareRootAnnealing: NeMo's warmup, then base / sqrt((t + 1) / (W + 1)); min_lr after max_steps.

    lr(t) = base / ((t + 1) / (W + 1)) ** 0.5
    """
    base, M, W, lo = _common(lr, total_steps, max_steps, warmup_steps, min_lr)

    def rest(t: np.ndarray) -> np.ndarray:
        x = np.add(t, 1, dtype=np.float64)  # exact below 2**53
        x /= W + 1
        np.sqrt(x, out=x)  # NeMo's ** 0.5 is C pow(x, 0.5): the same as sqrt on 3e7 values tried, and 20x dearer
        return np.divide(base, x, out=x)

    params = dict(lr=base, max_steps=M, warmup_steps=W, min_lr=lo)
    return Schedule(kernel=_policy("InverseSquareRootAnnealing", base, M, W, lo, rest), name="nemo.InverseSquareRootAnnealing",
                    params=params, marks=check.marks((W, "end of warmup"), (M, "max_steps")), breaks=(W + 1, M + 1))


def WarmupPolicy(*, lr: float = 0.1, total_steps: Steps = 1000, max_steps: int | None = None, warmup_steps: int = 0,
                 min_lr: float = 0.0) -> Schedule:
    """NeMo WarmupPolicy: NeMo's warmup, then the base lr; min_lr after max_steps.

    lr(t) = base    for W < t <= M
    """
    base, M, W, lo = _common(lr, total_steps, max_steps, warmup_steps, min_lr)
    params = dict(lr=base, max_steps=M, warmup_steps=W, min_lr=lo)
    return Schedule(kernel=_policy("WarmupPolicy", base, M, W, lo, None, constant=True), name="nemo.WarmupPolicy",
                    params=params, marks=check.marks((W, "end of warmup"), (M, "max_steps")), breaks=(W + 1, M + 1))


TWINS = {
    "nemo.CosineAnnealing": (CosineAnnealing, "NeMo CosineAnnealing: (t+1)/(W+1) warmup then cosine (Megatron's shape with constant_steps)"),
    "nemo.WarmupAnnealing": (WarmupAnnealing, "NeMo WarmupAnnealing: (t+1)/(W+1) warmup then linear to min_lr"),
    "nemo.InverseSquareRootAnnealing": (InverseSquareRootAnnealing, "NeMo InverseSquareRootAnnealing: warmup then base/sqrt((t+1)/(W+1))"),
    "nemo.WarmupPolicy": (WarmupPolicy, "NeMo WarmupPolicy: (t+1)/(W+1) warmup then constant"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "nemo.CosineAnnealing": {"floor": "min_lr", "warmup": "warmup_steps"},
    "nemo.WarmupAnnealing": {"floor": "min_lr", "warmup": "warmup_steps"},
    "nemo.InverseSquareRootAnnealing": {"bounds": ("min_lr",), "warmup": "warmup_steps"},
    "nemo.WarmupPolicy": {"bounds": ("min_lr",), "warmup": "warmup_steps"},
}
