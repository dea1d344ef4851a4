"""Cosine family: cosine annealing, SGDR warm restarts, linear cosine and
noisy linear cosine.
"""

from __future__ import annotations

import math

import numpy as np

from ._base import Schedule
from ..kinds import Steps
from . import _checks as check, _engine as engine
from ._noise import normal, normal_run
from ._numeric import scaled_power

_MAX_MARKED_CYCLES = 100  # restart marks kept for plots


def cosine(*, lr: float = 0.1, total_steps: Steps = 1000, min_lr: float = 0.0, decay_steps: Steps | None = None) -> Schedule:
    """Cosine annealing from lr to min_lr over decay_steps (default total_steps), then flat.

    t' = min(t, D)
    lr(t) = min_lr + (lr - min_lr) * (1 + cos(pi * t' / D)) / 2

    Unlike torch's CosineAnnealingLR it does not rise again after D.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    min_lr = check.non_negative("min_lr", min_lr)
    decay_steps = total_steps if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    half_span = (lr - min_lr) / 2.0

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        np.divide(engine.clipped(span, decay_steps), decay_steps, out=out)  # exactly 1 at t = D: cos gives -1
        out *= np.pi
        np.cos(out, out=out)
        out += 1.0
        out *= half_span
        out += min_lr

    kernel.finite = True  # between min_lr and lr
    params = dict(lr=lr, total_steps=total_steps, min_lr=min_lr, decay_steps=decay_steps)
    return Schedule(kernel=kernel, name="cosine", params=params, marks=check.marks((decay_steps, "end of decay"), limit=total_steps - 1),
                    breaks=())


def cycle_starts(first_period: int, period_mult: float, last_step: int) -> np.ndarray:
    """Start steps of the first SGDR cycles up to ``last_step`` (at most 101 of them).

    B_0 = 0, B_(i+1) = B_i + first_period * mult**i, accumulated exactly
    (whole numbers when first_period and mult are whole).
    """
    starts = [0.0]
    length = float(first_period)
    while starts[-1] <= last_step and len(starts) <= _MAX_MARKED_CYCLES:
        starts.append(starts[-1] + length)
        length *= period_mult
    return np.asarray(starts, dtype=np.float64)


def cycle_index(t: np.ndarray, first_period: int, period_mult: float) -> tuple[np.ndarray, np.ndarray]:
    """Cycle index i and its start B_i for every step, for period_mult > 1.

    B_i = first_period * (m**i - 1) / (m - 1). The logarithm gives a first
    guess of i, which is then corrected against B_i and B_(i+1) so a float
    rounding never misses a restart (timm's and Keras' float-log misses).
    """
    m = period_mult

    def start(i: np.ndarray) -> np.ndarray:
        return first_period * (m ** i - 1.0) / (m - 1.0)

    i = np.floor(np.log1p(t * ((m - 1.0) / first_period)) / np.log(m))
    i -= start(i) > t
    i += start(i + 1.0) <= t
    return i, start(i)


def cosine_restarts(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    first_period: Steps | None = None,
    period_mult: float = 1.0,
    peak_decay: float = 1.0,
    min_lr: float = 0.0,
) -> Schedule:
    """Cosine annealing with warm restarts, SGDR (Loshchilov & Hutter 2017).

    Cycle i starts at B_i = first_period * (1 + m + ... + m**(i-1)) and lasts
    T_i = first_period * m**i steps (m = period_mult). With t_cur = t - B_i:

    lr(t) = min_lr + (lr * peak_decay**i - min_lr) * (1 + cos(pi * t_cur / T_i)) / 2

    first_period defaults to a quarter of total_steps. The schedule restarts
    forever; at whole steps min_lr is approached but not reached inside a cycle.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    first_period = max(1, total_steps // 4) if first_period is None else check.steps("first_period", first_period, minimum=1)
    period_mult = check.number("period_mult", period_mult)
    if period_mult < 1:
        raise check.ParameterError("period_mult", f"must be >= 1 (cycles would shrink to nothing); got {period_mult:g}")
    if period_mult > 1e6:
        raise check.ParameterError("period_mult", f"must be <= 1e6 (the second cycle alone would outlast any run); got {period_mult:g}")
    peak_decay = check.non_negative("peak_decay", peak_decay)
    min_lr = check.non_negative("min_lr", min_lr)

    def f(t: np.ndarray) -> np.ndarray:
        if period_mult == 1.0:
            index = t // first_period
            t_cur = (t - index * first_period).astype(np.float64)
            length = float(first_period)
        else:
            index, begin = cycle_index(t, first_period, period_mult)
            t_cur = t - begin
            length = first_period * period_mult ** index.astype(np.float64)
        peak = scaled_power(lr, peak_decay, index.astype(np.float64)) if peak_decay != 1.0 else lr
        out = np.pi * t_cur / length
        np.cos(out, out=out)
        out += 1.0
        out *= (peak - min_lr) / 2.0
        out += min_lr
        return out

    starts = cycle_starts(first_period, period_mult, total_steps)
    # a cycle starting at a fractional step restarts at the next whole step
    restarts = check.marks(*((math.ceil(s), "restart", "restart") for s in starts[1:101]), limit=total_steps)
    params = dict(
        lr=lr, total_steps=total_steps, first_period=first_period, period_mult=period_mult, peak_decay=peak_decay, min_lr=min_lr
    )
    return Schedule(f, name="cosine_restarts", params=params, marks=restarts, periodic=True)


def _linear_cosine_parts(span: engine.Span, decay_steps: int, num_periods: float,
                         wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """t' = min(t, D) (int64), linear = (D - t') / D (a new block) and wave = (1 + cos(2 pi num_periods t' / D)) / 2
    (into ``wave``)."""
    clipped = engine.clipped(span, decay_steps)
    linear = np.subtract(decay_steps, clipped, dtype=np.float64)
    linear /= decay_steps
    np.divide(clipped, decay_steps, out=wave)  # in [0, 1]: the product below never exceeds num_periods (no overflow)
    wave *= num_periods
    if num_periods * min(span.hi, decay_steps) / decay_steps >= 1.0:  # decided from the range: below 1, mod is x
        np.mod(wave, 1.0, out=wave)  # whole periods dropped (exactly), so 2 pi * wave stays finite
    wave *= 2.0 * np.pi
    np.cos(wave, out=wave)
    wave += 1.0
    wave *= 0.5
    return clipped, linear


def linear_cosine(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_steps: Steps | None = None,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
) -> Schedule:
    """Linear cosine decay (TF's linear_cosine_decay).

    t' = min(t, D)
    linear = (D - t') / D
    cosine = (1 + cos(2 pi * num_periods * t' / D)) / 2
    lr(t) = lr * ((alpha + linear) * cosine + beta)

    It starts at lr * (1 + alpha + beta), slightly above lr, and ends at lr * beta.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    decay_steps = total_steps if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    num_periods = check.non_negative("num_periods", num_periods)
    alpha = check.non_negative("alpha", alpha)
    beta = check.non_negative("beta", beta)

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        _, linear = _linear_cosine_parts(span, decay_steps, num_periods, out)
        linear += alpha
        out *= linear
        out += beta
        out *= lr

    params = dict(lr=lr, total_steps=total_steps, decay_steps=decay_steps, num_periods=num_periods, alpha=alpha, beta=beta)
    return Schedule(kernel=kernel, name="linear_cosine", params=params, marks=check.marks((decay_steps, "end of decay"), limit=total_steps - 1))


def noisy_linear_cosine(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_steps: Steps | None = None,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    initial_variance: float = 1.0,
    variance_decay: float = 0.55,
    seed: int = 0,
) -> Schedule:
    """Noisy linear cosine decay (TF's noisy_linear_cosine_decay).

    As linear_cosine, with the linear term perturbed by Gaussian noise:
    linear' = linear + eps_t',  eps_t' ~ N(0, initial_variance / (1 + t')**variance_decay)
    lr(t) = max(0, lr * ((alpha + linear') * cosine + beta))

    The noise is a pure function of (seed, t): the same seed gives the same
    curve (TF draws unseeded noise, so no two TF runs agree). Unlike TF, the
    value is clipped at 0: a large early variance never gives a negative lr.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    decay_steps = total_steps if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    num_periods = check.non_negative("num_periods", num_periods)
    alpha = check.non_negative("alpha", alpha)
    beta = check.non_negative("beta", beta)
    initial_variance = check.non_negative("initial_variance", initial_variance)
    variance_decay = check.non_negative("variance_decay", variance_decay)
    seed = check.seed("seed", seed)

    def noise(span: engine.Span, clipped: np.ndarray) -> np.ndarray:
        """normal(seed, t') of the block: a pair of steps at a time over a run below D."""
        if span.run and span.hi <= decay_steps:
            return normal_run(seed, span.lo, span.size)
        return normal(seed, clipped)

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        clipped, linear = _linear_cosine_parts(span, decay_steps, num_periods, out)
        std = np.log1p(clipped, dtype=np.float64)  # sqrt(initial_variance / (1 + t')**variance_decay)
        std *= -0.5 * variance_decay  # = sqrt(initial_variance) * exp(-variance_decay / 2 * ln(1 + t')), in place
        np.exp(std, out=std)
        std *= math.sqrt(initial_variance)
        std *= noise(span, clipped)  # holds its last value after D
        linear += std
        linear += alpha
        out *= linear
        out += beta
        out *= lr
        np.maximum(out, 0.0, out=out)

    params = dict(
        lr=lr,
        total_steps=total_steps,
        decay_steps=decay_steps,
        num_periods=num_periods,
        alpha=alpha,
        beta=beta,
        initial_variance=initial_variance,
        variance_decay=variance_decay,
        seed=seed,
    )
    return Schedule(kernel=kernel, name="noisy_linear_cosine", params=params, marks=check.marks((decay_steps, "end of decay"), limit=total_steps - 1))
