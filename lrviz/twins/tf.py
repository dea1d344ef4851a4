"""Twins of TF1's legacy decay functions (``tf.*``, ``tf.compat.v1.train.*``).

TF1 builds these functions on the TF-Keras schedule classes, so the twins build
on the float32 kernels of :mod:`lrviz.twins.keras` (arithmetic, precision and
step convention as described there: the value at step ``t`` is the learning
rate used when ``global_step == t``). The ``tf.*`` twins always use eager
arithmetic: TF1 graphs run op by op unless XLA auto-clustering is switched on.

Where a TF1 function is its Keras class with ``learning_rate`` for
``initial_learning_rate`` (exponential, inverse time and polynomial decay,
cosine restarts), both twins share one factory body in :mod:`lrviz.twins.keras`
(checks, curve, params and marks); each keeps its own signature, which the
registry reads. The others check or compute something of their own.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..schedules._base import Schedule
from ..schedules import _checks as check
from ..schedules._noise import normal
from . import _checks as rules, _xla32 as xla
from ._checked import refuse
from .keras import (_EAGER, _F32, _F64, _HALF, _ONE, _PI, _cosine_curve, _decay_steps, _exponential_curve, _exponential_twin,
                    _initial, _inverse_time_twin, _lookup_curve, _out, _twin, _piecewise_marks, _piecewise_values, _polynomial_twin,
                    _restarts_twin, _sorted, _stair_marks, _steps32)

from ..kinds import Steps

# --------------------------------------------------------------------------
# tf.* (TF1 tf.compat.v1.train.*)
# --------------------------------------------------------------------------

def tf_exponential_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    decay_rate: float = 0.1,
    staircase: bool = False,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False)``.

    p = global_step / decay_steps   (floor(p) under staircase)
    lr(t) = learning_rate * decay_rate ** p

    The same computation as keras.ExponentialDecay (TF1 builds the TF-Keras
    class), in float32, evaluated op by op. learning_rate defaults to lr;
    decay_steps (required) to total_steps // 2, decay_rate (required) to 0.1.
    TF does not check decay_steps > 0 (it divides by zero); the twin refuses it.
    """
    return _exponential_twin("tf.exponential_decay", "learning_rate", lr=lr, total_steps=total_steps, lr0=learning_rate,
                             decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase)


def tf_piecewise_constant(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    boundaries: list[Steps] | None = None,
    values: list[float] | None = None,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.piecewise_constant(x, boundaries, values)``.

    lr(t) = values[0]   for t <= boundaries[0]
            values[i]   for boundaries[i-1] < t <= boundaries[i]
            values[-1]  for t > boundaries[-1]

    Quirk: the switch comes at boundary + 1, as in Keras. TF picks the value
    with tf.case(exclusive=True): with boundaries that are not increasing,
    a step where two intervals overlap raises InvalidArgumentError (the twin
    raises StepError there; Keras 3 adds the values instead). Without
    boundaries and values: lr, lr/10, lr/100 over thirds of total_steps.
    """
    total_steps = rules.total(total_steps)
    lr = rules.lr(lr)
    boundaries, values = _piecewise_values(boundaries, values, lr, total_steps)
    params = dict(lr=lr, total_steps=total_steps, boundaries=boundaries, values=values)
    if _sorted(boundaries):
        return Schedule(kernel=_lookup_curve(boundaries, values), name="tf.piecewise_constant", params=params,
                        marks=_piecewise_marks(boundaries), breaks=tuple(b + 1 for b in boundaries))
    bounds = list(boundaries)
    levels = np.asarray(values, dtype=_F32).astype(_F64)

    def f(t: np.ndarray) -> np.ndarray:
        conditions = [t <= bounds[0], t > bounds[-1]]
        conditions += [(t > low) & (t <= high) for low, high in zip(bounds[:-1], bounds[1:])]
        picks = [0, len(levels) - 1] + list(range(1, len(levels) - 1))
        hits = np.zeros(t.shape, dtype=np.int64)
        out = np.full(t.shape, levels[0])  # tf.case's default (some condition always holds)
        for condition, pick in zip(conditions, picks):  # a loop over boundaries
            hits += condition
            out[condition] = levels[pick]
        refuse(t, hits > 1, lambda step: f"tf.piecewise_constant: at step {step} more than one condition is true "
                                         "(boundaries not increasing): tf.case(exclusive=True) raises InvalidArgumentError")
        return out

    return _twin(f, name="tf.piecewise_constant", params=params, marks=_piecewise_marks(boundaries))


def tf_polynomial_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=1e-4, power=1.0, cycle=False)``.

    without cycle:  t' = min(t, D), D' = D
    with cycle:     t' = t, D' = D * ceil(t / D)  (D' = D at t = 0)
    lr(t) = (learning_rate - end_learning_rate) * (1 - t'/D') ** power + end_learning_rate

    The same computation as keras.PolynomialDecay (eager, float32): each
    cycle restarts from a lower peak and never returns to learning_rate.
    learning_rate defaults to lr, decay_steps (required) to total_steps.
    """
    return _polynomial_twin("tf.polynomial_decay", "learning_rate", lr=lr, total_steps=total_steps, lr0=learning_rate,
                            decay_steps=decay_steps, end_learning_rate=end_learning_rate, power=power, cycle=cycle)


def tf_natural_exp_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    decay_rate: float = 0.5,
    staircase: bool = False,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False)``.

    lr(t) = learning_rate * exp(-decay_rate) ** (t / decay_steps)   (floor under staircase)

    TF computes it as ExponentialDecay with the float32 rate exp(-decay_rate),
    so the result is exp(-decay_rate * t / decay_steps) up to float32
    rounding. learning_rate defaults to lr; decay_steps (required) to
    total_steps // 10 and decay_rate (required) to 0.5 (lr * e**-5 at total_steps).
    """
    lr0 = _initial("learning_rate", learning_rate, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps // 10)
    decay_rate = check.number("decay_rate", decay_rate)
    staircase = check.flag("staircase", staircase)
    rate = np.exp(_F64(-_F32(decay_rate))).astype(_F32)
    f = _exponential_curve(lr0, decay_steps, rate, staircase, _EAGER)
    params = dict(lr=lr, total_steps=total_steps, learning_rate=lr0, decay_steps=decay_steps,
                  decay_rate=decay_rate, staircase=staircase)
    marks = _stair_marks(decay_steps, total_steps) if staircase else ()
    return _twin(f, name="tf.natural_exp_decay", params=params, marks=marks, breaks=())


def tf_inverse_time_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    decay_rate: float = 1.0,
    staircase: bool = False,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False)``.

    p = t / decay_steps   (floor(p) under staircase)
    lr(t) = learning_rate / (1 + decay_rate * p)

    The same computation as keras.InverseTimeDecay (eager, float32).
    learning_rate defaults to lr; decay_steps (required) to total_steps // 10,
    decay_rate (required) to 1.0.
    """
    return _inverse_time_twin("tf.inverse_time_decay", "learning_rate", lr=lr, total_steps=total_steps, lr0=learning_rate,
                              decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase)


def tf_cosine_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    alpha: float = 0.0,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0)``.

    t' = min(t, D)
    lr(t) = learning_rate * ((1 - alpha) * (1 + cos(pi t'/D)) / 2 + alpha)

    keras.CosineDecay without warmup (eager, float32); clamped at
    alpha * learning_rate after D. learning_rate defaults to lr,
    decay_steps (required) to total_steps.
    """
    lr0 = _initial("learning_rate", learning_rate, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps)
    alpha = check.non_negative("alpha", alpha)
    params = dict(lr=lr, total_steps=total_steps, learning_rate=lr0, decay_steps=decay_steps, alpha=alpha)
    return _twin(_cosine_curve(lr0, decay_steps, alpha, _EAGER), name="tf.cosine_decay", params=params,
                    marks=check.marks((decay_steps, "end of decay"), limit=total_steps), breaks=())


def tf_cosine_decay_restarts(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    first_decay_steps: Steps | None = None,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)``.

    f = t / D0
    t_mul == 1: i = floor(f), f_c = f - i
    otherwise:  i = floor(log(1 - f (1 - t_mul)) / log(t_mul))
                f_c = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
    lr(t) = learning_rate * ((1 - alpha) * m_mul**i * (1 + cos(pi f_c)) / 2 + alpha)

    keras.CosineDecayRestarts evaluated op by op (float32, true division):
    the float32 log makes some restarts one step late (first_decay_steps=1,
    t_mul=1.1: step 4). The log here is correctly rounded; TF's own float32
    log can miss a different restart where it is off by an ulp.
    learning_rate defaults to lr, first_decay_steps (required) to total_steps // 7.
    """
    return _restarts_twin("tf.cosine_decay_restarts", "learning_rate", lr=lr, total_steps=total_steps, lr0=learning_rate,
                          first_decay_steps=first_decay_steps, t_mul=t_mul, m_mul=m_mul, alpha=alpha)


def _linear_cosine_parts(t: np.ndarray, ds: np.float32, periods: np.float32):
    """(t', linear, cosine) of TF's LinearCosineDecay, in float32."""
    step = np.minimum(_steps32(t), ds)
    linear = (ds - step) / ds
    fraction = (_F32(2.0) * periods) * (step / ds)
    cosine = _HALF * (_ONE + xla.cos(_PI * fraction))
    return step, linear, cosine


def tf_linear_cosine_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001)``.

    t' = min(t, D)
    linear = (D - t') / D
    cosine = (1 + cos(2 pi num_periods t'/D)) / 2
    lr(t) = learning_rate * ((alpha + linear) * cosine + beta)

    It starts above learning_rate (at learning_rate * (1 + alpha + beta)) and
    ends at learning_rate * beta; alpha is added to the linear term (not a
    floor as in cosine_decay). Float32. learning_rate defaults to lr,
    decay_steps (required) to total_steps.
    """
    lr0 = _initial("learning_rate", learning_rate, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps)
    num_periods = check.non_negative("num_periods", num_periods)
    alpha = check.non_negative("alpha", alpha)
    beta = check.non_negative("beta", beta)
    lr32, ds, periods, a32, b32 = _F32(lr0), _F32(decay_steps), _F32(num_periods), _F32(alpha), _F32(beta)

    def f(t: np.ndarray) -> np.ndarray:
        _, linear, cosine = _linear_cosine_parts(t, ds, periods)
        return _out(lr32 * ((a32 + linear) * cosine + b32))

    params = dict(lr=lr, total_steps=total_steps, learning_rate=lr0, decay_steps=decay_steps,
                  num_periods=num_periods, alpha=alpha, beta=beta)
    return _twin(f, name="tf.linear_cosine_decay", params=params,
                    marks=check.marks((decay_steps, "end of decay"), limit=total_steps),
                    breaks=() if num_periods <= 0.5 else None)


def tf_noisy_linear_cosine_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    initial_variance: float = 1.0,
    variance_decay: float = 0.55,
    num_periods: float = 0.5,
    alpha: float = 0.0,
    beta: float = 0.001,
    seed: int = 0,
) -> Schedule:
    """TF1 ``tf.compat.v1.train.noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0, variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001)``.

    t' = min(t, D)
    linear = (D - t') / D + eps_t,   eps_t ~ N(0, initial_variance / (1 + t')**variance_decay)
    cosine = (1 + cos(2 pi num_periods t'/D)) / 2
    lr(t) = learning_rate * ((alpha + linear) * cosine + beta)

    TF draws eps_t with its unseeded random_normal, anew at every evaluation,
    so no two TF runs agree: the twin matches TF's distribution, not its
    draws. Its eps_t = sigma_t * z, with z a standard normal that is a pure
    function of (seed, t) (lrviz's counter-based noise), independent across
    steps, also past D where sigma stays at its value at D. As in TF, nothing
    clips the result: an early draw can make the lr negative. With
    initial_variance=0 it equals tf.linear_cosine_decay. Float32.
    learning_rate defaults to lr, decay_steps (required) to total_steps.
    """
    lr0 = _initial("learning_rate", learning_rate, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps)
    initial_variance = check.non_negative("initial_variance", initial_variance)
    variance_decay = check.number("variance_decay", variance_decay)
    num_periods = check.non_negative("num_periods", num_periods)
    alpha = check.non_negative("alpha", alpha)
    beta = check.non_negative("beta", beta)
    seed = check.seed("seed", seed)
    lr32, ds, periods, a32, b32 = _F32(lr0), _F32(decay_steps), _F32(num_periods), _F32(alpha), _F32(beta)
    var32, vdecay = _F32(initial_variance), _F32(variance_decay)

    def f(t: np.ndarray) -> np.ndarray:
        step, linear, cosine = _linear_cosine_parts(t, ds, periods)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            sigma = np.sqrt((var32 / xla.pow(_ONE + step, vdecay)).astype(_F64)).astype(_F32)
            noisy = linear + normal(seed, t).astype(_F32) * sigma
            return _out(lr32 * ((a32 + noisy) * cosine + b32))

    params = dict(lr=lr, total_steps=total_steps, learning_rate=lr0, decay_steps=decay_steps,
                  initial_variance=initial_variance, variance_decay=variance_decay, num_periods=num_periods,
                  alpha=alpha, beta=beta, seed=seed)
    return _twin(f, name="tf.noisy_linear_cosine_decay", params=params,
                    marks=check.marks((decay_steps, "end of decay"), limit=total_steps))


TWINS: dict[str, tuple[Callable, str]] = {
    "tf.exponential_decay": (tf_exponential_decay, "TF1: lr * decay_rate^(t/decay_steps), optional staircase"),
    "tf.piecewise_constant": (tf_piecewise_constant, "TF1: absolute values, switching one step after each boundary"),
    "tf.polynomial_decay": (tf_polynomial_decay, "TF1: polynomial decay to end_learning_rate, optional cycle"),
    "tf.natural_exp_decay": (tf_natural_exp_decay, "TF1: lr * exp(-decay_rate * t/decay_steps), optional staircase"),
    "tf.inverse_time_decay": (tf_inverse_time_decay, "TF1: lr / (1 + decay_rate * t/decay_steps), optional staircase"),
    "tf.cosine_decay": (tf_cosine_decay, "TF1: cosine decay to alpha*lr, then flat"),
    "tf.cosine_decay_restarts": (tf_cosine_decay_restarts, "TF1 SGDR: cosine restarts (t_mul, m_mul)"),
    "tf.linear_cosine_decay": (tf_linear_cosine_decay, "TF1: (alpha + linear) * cosine + beta"),
    "tf.noisy_linear_cosine_decay": (tf_noisy_linear_cosine_decay, "TF1: linear cosine with Gaussian noise (seeded here)"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "tf.polynomial_decay": {"floor": "end_learning_rate"},
}
