"""Twins of Keras 3's learning-rate schedules (``keras.*``), and the float32 kernels
that the twins of TF1's legacy decay functions (:mod:`lrviz.twins.tf`) share.

Keras and TensorFlow compute a schedule in the dtype of the initial learning
rate, float32 by default (the twins always pass a float: a Python int as
``initial_learning_rate`` would make Keras compute in int32). The twins do the
same arithmetic in float32, in the library's order of operations, and return
float64; subnormal results are flushed to 0 as XLA and TF do on CPU.
Transcendental functions (``cos``, ``log``, ``pow``, ``exp``) are evaluated in
float64 and rounded to float32, i.e. correctly rounded (a power of a constant
base as exp(y ln base), :func:`lrviz.twins._xla32.pow_const`), where a backend's own
float32 kernels may be an ulp or two off: values agree with Keras on the JAX
backend to a relative 1e-6, and exactly for piecewise values and
``ReduceLROnPlateau``. ``CosineDecayRestarts`` with ``t_mul != 1`` agrees to
2e-6 of the peak (absolute, not relative: near the end of a cycle the lr is
close to 0): XLA's float32 ``pow`` (glibc's ``powf`` on Linux) is not correctly
rounded, and one ulp of ``t_mul ** i`` (about 1e-4 at i = 56) moves the
cycle fraction. Measured over 100,000 steps with D0=10, t_mul=1.1: at most
1.94e-6 of the peak compiled (97.5% of the steps bit-identical; every step
past 1e-6 is in cycle 56, where XLA rounds 1.1**56 the other way) and 1.6e-6
eager (tests/golden/twins_two.json).

**Eager versus compiled.** Where the value is floored or compared (staircase
exponents, the cycle index of ``CosineDecayRestarts``, the cycle multiple of
``PolynomialDecay``) one rounding decides the step, and Keras itself gives two
different answers:

* ``jit_compile=True`` (default of the ``keras.*`` twins): the schedule as it
  runs inside a compiled training step, which is what ``model.fit`` does on
  the JAX backend (and on TensorFlow with XLA). XLA rewrites a division by a
  constant ``x / c`` into ``x * (1/c)`` with ``1/c`` rounded to float32, and
  contracts ``a*b + c`` into one fused multiply-add. So, for example,
  ``ExponentialDecay(decay_steps=41, staircase=True)`` first decays at step 42,
  not 41, and ``PolynomialDecay(decay_steps=7, cycle=True)`` restarts at step 21
  instead of ending that cycle at ``end_learning_rate``.
* ``jit_compile=False``: the schedule called eagerly (``schedule(step)`` on
  any backend, the torch backend's default training loop): true IEEE division,
  no fused multiply-add.

The ``tf.*`` twins (:mod:`lrviz.twins.tf`) always use eager arithmetic: TF1
graphs run op by op unless XLA auto-clustering is switched on. (Under
``tf.function(jit_compile=True)`` TF's own graph compiles differently from
Keras 3's: ``polynomial_decay(3e-4, t, 18, 1.4e-4, power=2.003)`` is NaN at
t = 18 only, with TensorFlow 2.21; no twin reproduces that mode.)

Step convention: the value at step ``t`` is ``schedule(t)``, the learning rate
Keras uses for the update made when ``optimizer.iterations == t`` (TF1: when
``global_step == t``). ``keras.ReduceLROnPlateau`` is a callback, not a
schedule: its step is an epoch (one metric value), see its docstring.

About 800 lines, a quarter of them docstrings: the seven ``keras.*``
factories and the kernels and factory bodies that ``tf.*`` builds on; they
stay here because they are Keras's classes, which TF1 calls.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..errors import ParameterError, UndrawableValue
from ..schedules._base import Schedule
from ..schedules import _checks as check
from ..schedules import _engine as engine
from . import _checks as rules, _xla32 as xla

from ..kinds import Steps, Metrics

_F32 = np.float32
_F64 = np.float64
_ONE = _F32(1.0)
_HALF = _F32(0.5)
_PI = _F32(math.pi)
_MAX_MARKS = 100


# --------------------------------------------------------------------------
# float32 arithmetic as Keras/XLA does it
# --------------------------------------------------------------------------


_Arith = xla.Arith  # float32 eager or compiled (jit_compile): lrviz.twins._xla32.Arith


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(x, _F64)).astype(_F32)


def _steps32(t: np.ndarray) -> np.ndarray:
    """``ops.cast(step, float32)``: exact below 2**24, rounded to nearest above."""
    return t.astype(_F32)


def _out(x: np.ndarray) -> np.ndarray:
    """A twin's float32 values, subnormals flushed (in place): :func:`_twin` writes them into the block as float64."""
    return xla.flush_in_place(np.asarray(x, _F32))


def _twin(lr_fn: Callable[[np.ndarray], np.ndarray], **options) -> Schedule:
    """The Schedule of a twin's function of the steps: each block's values written straight into the output
    (a float32 result is widened as it is stored, with no float64 copy of it)."""
    def kernel(span: engine.Span, out: np.ndarray) -> None:
        out[...] = lr_fn(span.t)

    return Schedule(kernel=kernel, **options)


def _refuse_nan(out: np.ndarray, t: np.ndarray, why: str) -> np.ndarray:
    """Raise UndrawableValue (a StepError) at the first step where the library's value is NaN, saying why:
    Keras gives the value, lrviz will not draw it, ``lrviz check`` reports it with its cause."""
    if out.size and not np.isnan(out.min()):  # min propagates NaN: one reduction, no mask
        return out
    bad = np.isnan(out)
    if bad.any():
        step = int(t[bad].min())
        raise UndrawableValue(f"{why} (first at step {step:,})", step, math.nan)
    return out


def _initial(name: str, value: float | None, lr: float) -> float:
    """``initial_learning_rate`` / ``learning_rate``: None means ``lr``.

    A Python int ``initial_learning_rate`` is refused, not reproduced: Keras 3
    computes the whole schedule in its dtype, int32 (decay_rate 0.9 casts to 0,
    so ExponentialDecay(1, 10, 0.9) is 0.0 from t = 1; every Keras schedule
    differs from its float curve), a curve nobody means; lrviz's registry
    already passes a number as a float. (TF1's ``learning_rate`` is not checked
    against the library here, so it is left as it was.)
    """
    if name == "initial_learning_rate" and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        raise ParameterError(name, f"a Python int ({value}) makes Keras compute the schedule in int32 (e.g. "
                                   f"ExponentialDecay(1, 10, 0.9) is 0.0 from step 1); write {float(value)!r}")
    return rules.lr_or(name, value, rules.lr(lr))  # lr is checked even where the initial value is given


def _decay_steps(name: str, value: int | None, default: int) -> int:
    # Keras raises ValueError for decay_steps <= 0 (TF1 divides by zero and gives inf/NaN).
    return rules.steps_or(name, value, max(1, default), minimum=1)


def _stair_marks(decay_steps: int, total_steps: int) -> tuple[tuple[int, str], ...]:
    return check.marks(*((k * decay_steps, "stair", "drop") for k in range(1, _MAX_MARKS + 1)), limit=total_steps)


# --------------------------------------------------------------------------
# shared curves (a Keras class and its TF1 function compute the same thing)
# --------------------------------------------------------------------------


def _exponential_curve(lr0: float, decay_steps: int, rate: np.float32, staircase: bool, ar: _Arith):
    lr32, ds = _F32(lr0), _F32(decay_steps)

    def f(t: np.ndarray) -> np.ndarray:
        p = ar.div_const(_steps32(t), ds)
        if staircase:
            p = np.floor(p)
        return _out(lr32 * xla.pow_const(rate, p))

    return f


def _inverse_time_curve(lr0: float, decay_steps: int, rate: float, staircase: bool, ar: _Arith):
    lr32, ds, r32 = _F32(lr0), _F32(decay_steps), _F32(rate)

    def f(t: np.ndarray) -> np.ndarray:
        p = ar.div_const(_steps32(t), ds)
        if staircase:
            np.floor(p, out=p)
        if ar.jit:  # fma(r, p, 1): exact product in float64, one rounding
            d = p.astype(_F64)
            d *= float(r32)
            d += 1.0
            denom = d.astype(_F32)
        else:
            p *= r32
            p += _ONE
            denom = p
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.divide(lr32, denom, out=denom))

    return f


def _polynomial_curve(lr0: float, decay_steps: int, end: float, power: float, cycle: bool, ar: _Arith, name: str):
    lr32, end32, p32, ds = _F32(lr0), _F32(end), _F32(power), _F32(decay_steps)
    span = lr32 - end32

    def f(t: np.ndarray) -> np.ndarray:
        gs = _steps32(t)
        if cycle:
            # the first multiple of decay_steps that is >= t (1 at t = 0)
            multiplier = np.where(gs == 0, _ONE, np.ceil(ar.div_const(gs, ds)))
            with np.errstate(divide="ignore", invalid="ignore"):
                remaining = _ONE - gs / (ds * multiplier)
        else:
            remaining = ar.fma(-np.minimum(gs, ds), _ONE / ds, _ONE) if ar.jit else _ONE - np.minimum(gs, ds) / ds
        shaped = remaining if p32 == _ONE else xla.pow(remaining, p32)  # x ** 1 is x (and never subnormal here)
        return _refuse_nan(_out(ar.fma(span, shaped, end32)), t, f"{name}: {_POLY_NAN}")

    return f


_POLY_NAN = ("Keras gives NaN here: compiled by XLA, 1 - t/decay_steps at t >= decay_steps is the fused "
             "1 - t*float32(1/decay_steps), a little below 0, and a negative number to a fractional power "
             "is NaN (jit_compile: false gives the eager values)")


def _cosine_part(ar: _Arith, step: np.ndarray, ds: np.float32, from_lr: np.float32, alpha: float) -> np.ndarray:
    """Keras ``CosineDecay._decay_function``: ``from_lr * ((1-alpha) * (1 + cos(pi*step/D))/2 + alpha)``."""
    cosine = _HALF * (_ONE + xla.cos(_PI * ar.div_const(step, ds)))
    # (1 - alpha) is a Python float here: computed in float64, then rounded to float32
    decayed = ar.fma(_F32(1.0 - alpha), cosine, _F32(alpha))
    return from_lr * decayed


def _cosine_curve(lr0: float, decay_steps: int, alpha: float, ar: _Arith):
    lr32, ds = _F32(lr0), _F32(decay_steps)

    def f(t: np.ndarray) -> np.ndarray:
        return _out(_cosine_part(ar, np.minimum(_steps32(t), ds), ds, lr32, alpha))

    return f


def _restarts_index(ar: _Arith, t: np.ndarray, d0: np.float32, t_mul: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Keras's ``compute_step``: the cycle index and the fraction done of that cycle, in float32.

    Eager, op by op: f = t / D0, i = floor(log(1 - f (1 - t_mul)) / log(t_mul)),
    f_c = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i. Compiled, as XLA's
    algebraic simplifier rewrites it (checked op by op against jax 0.10 on
    CPU): f = t * q with q = float32(1/D0); constants in a product fold,
    so 1 - f (1 - t_mul) is fma(-t, float32(q (1 - t_mul)), 1); a division by a
    constant is a product with its reciprocal; f - m is fma(t, q, -m); and a
    division by a power becomes a product with the negated power,
    f_c = (...) * t_mul**(-i).
    """
    if t_mul == _ONE:
        fraction = ar.div_const(_steps32(t), d0)
        index = np.floor(fraction)
        return index, fraction - index
    shrink = _ONE - t_mul  # constant-folded in float32
    log_t_mul = _log(t_mul)
    steps = _steps32(t)
    if ar.jit:
        q = _ONE / d0
        arg = ar.fma(-steps, q * shrink, _ONE)
        ratio = _log(arg) * (_ONE / log_t_mul)
    else:
        fraction = ar.div_const(steps, d0)
        arg = ar.fma(-fraction, shrink, _ONE)  # two roundings eagerly
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = _log(arg) / log_t_mul
    index = np.floor(ratio)  # the float log: a restart can come one step late
    grown = xla.pow_const(t_mul, index)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ar.jit:
            rest = ar.fma(steps, q, -((_ONE - grown) * (_ONE / shrink)))
            return index, rest * xla.pow_const(t_mul, -index)
        done = ar.div_const(_ONE - grown, shrink)  # sum of the lengths of the cycles before
        return index, (fraction - done) / grown


def _restarts_curve(lr0: float, first_decay_steps: int, t_mul: float, m_mul: float, alpha: float, ar: _Arith,
                    name: str):
    lr32, d0, tm, mm, a32 = _F32(lr0), _F32(first_decay_steps), _F32(t_mul), _F32(m_mul), _F32(alpha)

    def f(t: np.ndarray) -> np.ndarray:
        index, fraction = _restarts_index(ar, t, d0, tm)
        with np.errstate(invalid="ignore", over="ignore"):
            cosine = (_HALF * xla.pow_const(mm, index)) * (_ONE + xla.cos(_PI * fraction))
            decayed = ar.fma(_ONE - a32, cosine, a32)  # alpha is a float32 tensor here
            return _refuse_nan(_out(lr32 * decayed), t, f"{name}: {_RESTARTS_NAN}")

    return f


_RESTARTS_NAN = ("Keras and TF give NaN here: with t_mul < 1 the cycles add up to first_decay_steps / (1 - t_mul) "
                 "steps, and past them the cycle index is the log of a number <= 0")


def _restart_marks(first_decay_steps: int, t_mul: float, total_steps: int) -> tuple[tuple[int, str], ...]:
    """Nominal restart steps (exact arithmetic) up to total_steps."""
    out, start, length = [], 0.0, float(first_decay_steps)
    while len(out) < _MAX_MARKS and length > 0:
        start += length
        if start > total_steps or not math.isfinite(start):
            break
        out.append((int(math.ceil(start - 1e-9)), "restart", "restart"))
        length *= t_mul
        if length < 1e-9:
            break
    return check.marks(*out, limit=total_steps)


def _piecewise_values(boundaries: list[int] | None, values: list[float] | None, lr: float, total_steps: int):
    if boundaries is None and values is None:
        boundaries = sorted({max(1, round(total_steps / 3)), max(2, round(2 * total_steps / 3))})
        values = [lr * 10.0**-i for i in range(len(boundaries) + 1)]
    elif boundaries is None or values is None:
        missing = "boundaries" if boundaries is None else "values"
        raise ParameterError(missing, "give both boundaries and values, or neither")
    if not isinstance(boundaries, (list, tuple)):
        raise ParameterError("boundaries", f"expected a list of steps; got {boundaries!r}")
    if not boundaries:
        raise ParameterError("boundaries", "needs at least one boundary (Keras indexes boundaries[0])")
    boundaries = [check.steps(f"boundaries[{i}]", b) for i, b in enumerate(boundaries)]
    values = check.number_list("values", values)
    if len(values) != len(boundaries) + 1:
        raise ParameterError("values", f"needs one more entry than boundaries ({len(boundaries) + 1}); got {len(values)}")
    for i, v in enumerate(values):
        if v < 0:
            raise ParameterError(f"values[{i}]", f"must be >= 0; got {v:g}")
    return boundaries, values


def _piecewise_marks(boundaries: list[int]) -> tuple[tuple[int, str], ...]:
    return check.marks(*((b + 1, "switch", "drop") for b in sorted(set(boundaries))[:_MAX_MARKS]))


def _sorted(boundaries: list[int]) -> bool:
    return all(a <= b for a, b in zip(boundaries, boundaries[1:]))


def _lookup_curve(boundaries: list[int], values: list[float]) -> engine.Kernel:
    """values[i] for boundaries[i-1] < t <= boundaries[i]: the switch comes at b + 1 (a level table, see
    :func:`lrviz.schedules._engine.levels`, whose bound k is boundaries[k] + 1)."""
    levels = np.asarray(values, dtype=_F32).astype(_F64)
    return engine.levels([b + 1 for b in boundaries], levels)


# --------------------------------------------------------------------------
# shared factory bodies: a Keras class's checks, curve, params and marks, which its TF1
# function repeats under its own parameter name for the initial lr; jit_compile=None
# is TF1 (eager arithmetic, no jit_compile parameter)
# --------------------------------------------------------------------------

_EAGER = _Arith(False)


def _arith_and_params(params: dict, jit_compile: Any) -> _Arith:
    if jit_compile is None:
        return _EAGER
    params["jit_compile"] = jit_compile = check.flag("jit_compile", jit_compile)
    return _Arith(jit_compile)


def _exponential_twin(name: str, lr0_name: str, *, lr: Any, total_steps: Any, lr0: Any, decay_steps: Any,
                      decay_rate: Any, staircase: Any, jit_compile: Any = None) -> Schedule:
    lr0 = _initial(lr0_name, lr0, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps // 2)
    decay_rate = check.non_negative("decay_rate", decay_rate)  # a negative rate gives NaN in Keras
    staircase = check.flag("staircase", staircase)
    params = {"lr": lr, "total_steps": total_steps, lr0_name: lr0, "decay_steps": decay_steps, "decay_rate": decay_rate,
              "staircase": staircase}
    f = _exponential_curve(lr0, decay_steps, _F32(decay_rate), staircase, _arith_and_params(params, jit_compile))
    marks = _stair_marks(decay_steps, total_steps) if staircase else ()
    return _twin(f, name=name, params=params, marks=marks, breaks=())


def _inverse_time_twin(name: str, lr0_name: str, *, lr: Any, total_steps: Any, lr0: Any, decay_steps: Any,
                       decay_rate: Any, staircase: Any, jit_compile: Any = None) -> Schedule:
    lr0 = _initial(lr0_name, lr0, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps // 10)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    staircase = check.flag("staircase", staircase)
    params = {"lr": lr, "total_steps": total_steps, lr0_name: lr0, "decay_steps": decay_steps, "decay_rate": decay_rate,
              "staircase": staircase}
    f = _inverse_time_curve(lr0, decay_steps, decay_rate, staircase, _arith_and_params(params, jit_compile))
    marks = _stair_marks(decay_steps, total_steps) if staircase else ()
    return _twin(f, name=name, params=params, marks=marks, breaks=())


def _polynomial_twin(name: str, lr0_name: str, *, lr: Any, total_steps: Any, lr0: Any, decay_steps: Any,
                     end_learning_rate: Any, power: Any, cycle: Any, jit_compile: Any = None) -> Schedule:
    lr0 = _initial(lr0_name, lr0, lr)
    total_steps = rules.total(total_steps)
    decay_steps = _decay_steps("decay_steps", decay_steps, total_steps)
    end = check.non_negative("end_learning_rate", end_learning_rate)
    power = check.non_negative("power", power)  # a negative power gives inf at the end in Keras
    cycle = check.flag("cycle", cycle)
    params = {"lr": lr, "total_steps": total_steps, lr0_name: lr0, "decay_steps": decay_steps, "end_learning_rate": end,
              "power": power, "cycle": cycle}
    f = _polynomial_curve(lr0, decay_steps, end, power, cycle, _arith_and_params(params, jit_compile), name)
    if cycle:
        marks = check.marks(*((k * decay_steps + 1, "restart", "restart") for k in range(1, _MAX_MARKS + 1)), limit=total_steps)
        return _twin(f, name=name, params=params, marks=marks, periodic=True)
    return _twin(f, name=name, params=params,
                    marks=check.marks((decay_steps, "end of decay"), limit=total_steps), breaks=())


def _restarts_twin(name: str, lr0_name: str, *, lr: Any, total_steps: Any, lr0: Any, first_decay_steps: Any, t_mul: Any,
                   m_mul: Any, alpha: Any, jit_compile: Any = None) -> Schedule:
    lr0 = _initial(lr0_name, lr0, lr)
    total_steps = rules.total(total_steps)
    first_decay_steps = _decay_steps("first_decay_steps", first_decay_steps, total_steps // 7)
    t_mul = check.positive("t_mul", t_mul)  # log(t_mul): 0 or less gives NaN
    m_mul = check.non_negative("m_mul", m_mul)
    alpha = check.between("alpha", alpha, 0.0, 1.0)  # above 1 the cosine term turns the lr negative
    params = {"lr": lr, "total_steps": total_steps, lr0_name: lr0, "first_decay_steps": first_decay_steps,
              "t_mul": t_mul, "m_mul": m_mul, "alpha": alpha}
    f = _restarts_curve(lr0, first_decay_steps, t_mul, m_mul, alpha, _arith_and_params(params, jit_compile), name)
    return _twin(f, name=name, params=params, marks=_restart_marks(first_decay_steps, t_mul, total_steps), periodic=True)


# --------------------------------------------------------------------------
# keras.*
# --------------------------------------------------------------------------


def exponential_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    initial_learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    decay_rate: float = 0.1,
    staircase: bool = False,
    jit_compile: bool = True,
) -> Schedule:
    """Keras ``ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)``.

    p = t / decay_steps   (floor(p) under staircase)
    lr(t) = initial_learning_rate * decay_rate ** p

    No clamp: it keeps decaying past decay_steps. Computed in float32.
    initial_learning_rate defaults to lr; decay_steps (required by Keras) to
    total_steps // 2 and decay_rate (required) to 0.1, so lr falls a
    hundredfold over total_steps.

    Quirk (compiled, jit_compile=True, as in model.fit on JAX): t / decay_steps
    is t * float32(1/decay_steps), which at some multiples of decay_steps
    falls just short of the integer, so a staircase step comes one step
    late (decay_steps=41: at t=42, not 41).
    """
    return _exponential_twin("keras.ExponentialDecay", "initial_learning_rate", lr=lr, total_steps=total_steps,
                             lr0=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase,
                             jit_compile=jit_compile)


def piecewise_constant_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    boundaries: list[Steps] | None = None,
    values: list[float] | None = None,
) -> Schedule:
    """Keras ``PiecewiseConstantDecay(boundaries, values)``: absolute values.

    lr(t) = values[0]   for t <= boundaries[0]
            values[i]   for boundaries[i-1] < t <= boundaries[i]
            values[-1]  for t > boundaries[-1]

    Quirk: the boundary step itself still has the old value; the switch
    comes at boundary + 1 (one step later than Paddle, optax and lrviz's
    piecewise). Keras sums one masked term per interval, so boundaries that
    are not increasing add up the values of the intervals that overlap at a
    step (boundaries [6, 3]: values[0] + values[-1] on steps 4..6); the twin
    reproduces that. Values are float32.
    Without boundaries and values: lr, lr/10, lr/100 over thirds of
    total_steps.
    """
    total_steps = rules.total(total_steps)
    lr = rules.lr(lr)
    boundaries, values = _piecewise_values(boundaries, values, lr, total_steps)
    params = dict(lr=lr, total_steps=total_steps, boundaries=boundaries, values=values)
    if _sorted(boundaries):
        return Schedule(kernel=_lookup_curve(boundaries, values), name="keras.PiecewiseConstantDecay", params=params,
                        marks=_piecewise_marks(boundaries), breaks=tuple(b + 1 for b in boundaries))
    bounds = list(boundaries)
    levels = [_F32(v) for v in values]

    def f(t: np.ndarray) -> np.ndarray:
        out = np.zeros(t.shape, dtype=_F32)
        out += (t <= bounds[0]).astype(_F32) * levels[0]
        out += (t > bounds[-1]).astype(_F32) * levels[-1]
        for low, high, level in zip(bounds[:-1], bounds[1:], levels[1:-1]):  # a loop over boundaries
            out += ((t > low) & (t <= high)).astype(_F32) * level
        return _out(out)

    return _twin(f, name="keras.PiecewiseConstantDecay", params=params, marks=_piecewise_marks(boundaries))


def polynomial_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    initial_learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    jit_compile: bool = True,
) -> Schedule:
    """Keras ``PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=1e-4, power=1.0, cycle=False)``.

    without cycle:  t' = min(t, D), D' = D
    with cycle:     t' = t, D' = D * ceil(t / D)  (D' = D at t = 0)
    lr(t) = (initial_learning_rate - end_learning_rate) * (1 - t'/D') ** power + end_learning_rate

    Quirks: with cycle, each cycle restarts from a lower peak, about
    end + (initial - end) / (k+1)**power, never from initial_learning_rate
    again, and the value at t = kD is end_learning_rate. Compiled
    (jit_compile=True, model.fit on JAX), t / D is t * float32(1/D), which at
    some t = kD lands just above k: the next cycle then starts one step
    early (D=7: t=21 gives the peak of cycle 4 instead of end_learning_rate).
    Without cycle, compiled, 1 - t/D at t >= D is 1 - t*float32(1/D) fused,
    a little below 0 for many D: the end value is a little below
    end_learning_rate with power 1 (defaults: 9.9995e-05, not 1e-4), and
    NaN with a fractional power (D=10, power 0.5: NaN from t=10 on; the twin
    raises StepError there). So with end_learning_rate=0 the compiled lr
    ends a little below 0, and the twin gives that negative value as Keras
    does (checked with Keras 3.15.1 on JAX: D=72, initial 0.1, under jax.jit:
    -7.4506e-10 from t=72 on; eager: 0.0). Float32.
    initial_learning_rate defaults to lr, decay_steps (required) to total_steps.
    """
    return _polynomial_twin("keras.PolynomialDecay", "initial_learning_rate", lr=lr, total_steps=total_steps,
                            lr0=initial_learning_rate, decay_steps=decay_steps, end_learning_rate=end_learning_rate,
                            power=power, cycle=cycle, jit_compile=jit_compile)


def inverse_time_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    initial_learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    decay_rate: float = 1.0,
    staircase: bool = False,
    jit_compile: bool = True,
) -> Schedule:
    """Keras ``InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)``.

    p = t / decay_steps   (floor(p) under staircase)
    lr(t) = initial_learning_rate / (1 + decay_rate * p)

    No clamp. Computed in float32. Compiled (jit_compile=True), t / decay_steps
    is t * float32(1/decay_steps), so a staircase step can come one step
    late (decay_steps=41: at t=42).
    initial_learning_rate defaults to lr; decay_steps (required) to
    total_steps // 10 and decay_rate (required) to 1.0 (lr / 11 at total_steps).
    """
    return _inverse_time_twin("keras.InverseTimeDecay", "initial_learning_rate", lr=lr, total_steps=total_steps,
                              lr0=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase,
                              jit_compile=jit_compile)


def cosine_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    initial_learning_rate: float | None = None,
    decay_steps: Steps | None = None,
    alpha: float = 0.0,
    warmup_target: float | None = None,
    warmup_steps: Steps = 0,
    jit_compile: bool = True,
) -> Schedule:
    """Keras ``CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)``.

    without warmup_target:
      t' = min(t, D)
      lr(t) = initial_learning_rate * ((1 - alpha) * (1 + cos(pi t'/D)) / 2 + alpha)
    with warmup_target P and warmup_steps W:
      t' = min(t, W + D)
      t' < W:  lr(t) = initial_learning_rate + (P - initial_learning_rate) * t'/W
      else:    lr(t) = P * ((1 - alpha) * (1 + cos(pi (t'-W)/D)) / 2 + alpha)

    Quirks: warmup_steps is silently ignored when warmup_target is None;
    decay_steps excludes the warmup; the floor is alpha * P, not alpha *
    initial_learning_rate. Clamped after the decay. Computed in float32.
    initial_learning_rate defaults to lr; decay_steps (required) to
    total_steps - warmup_steps when warmup_target is given, else total_steps.
    """
    lr0 = _initial("initial_learning_rate", initial_learning_rate, lr)
    total_steps = rules.total(total_steps)
    warmup_steps = check.steps("warmup_steps", warmup_steps)
    if warmup_target is not None:
        warmup_target = check.non_negative("warmup_target", warmup_target)
    default_d = total_steps - warmup_steps if warmup_target is not None else total_steps
    decay_steps = _decay_steps("decay_steps", decay_steps, default_d)
    alpha = check.non_negative("alpha", alpha)
    jit_compile = check.flag("jit_compile", jit_compile)
    ar = _Arith(jit_compile)
    params = dict(lr=lr, total_steps=total_steps, initial_learning_rate=lr0, decay_steps=decay_steps, alpha=alpha,
                  warmup_target=warmup_target, warmup_steps=warmup_steps, jit_compile=jit_compile)
    if warmup_target is None:
        return _twin(_cosine_curve(lr0, decay_steps, alpha, ar), name="keras.CosineDecay", params=params,
                        marks=check.marks((decay_steps, "end of decay"), limit=total_steps), breaks=())
    lr32, ds, target, w32 = _F32(lr0), _F32(decay_steps), _F32(warmup_target), _F32(warmup_steps)
    horizon = ds + w32
    delta = target - lr32

    def f(t: np.ndarray) -> np.ndarray:
        step = np.minimum(_steps32(t), horizon)
        if step.size and step.max() < w32:  # a block inside one branch: no masks
            return _out(ar.fma(delta, ar.div_const(step, w32), lr32))
        if step.size and step.min() >= w32:
            return _out(_cosine_part(ar, step - w32, ds, target, alpha))
        warm = step < w32
        out = np.empty(step.shape, dtype=_F32)
        if warm.any():  # lax.cond: the branches are separate computations
            out[warm] = ar.fma(delta, ar.div_const(step[warm], w32), lr32)
        if not warm.all():
            rest = ~warm
            out[rest] = _cosine_part(ar, step[rest] - w32, ds, target, alpha)
        return _out(out)

    marks = check.marks((warmup_steps, "end of warmup"), (warmup_steps + decay_steps, "end of decay"), limit=total_steps)
    return _twin(f, name="keras.CosineDecay", params=params, marks=marks, breaks=(warmup_steps,))


def cosine_decay_restarts(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    initial_learning_rate: float | None = None,
    first_decay_steps: Steps | None = None,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    jit_compile: bool = True,
) -> Schedule:
    """Keras ``CosineDecayRestarts(initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)`` (SGDR).

    f = t / D0
    t_mul == 1: i = floor(f), f_c = f - i
    otherwise:  i = floor(log(1 - f (1 - t_mul)) / log(t_mul))
                f_c = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
    lr(t) = initial_learning_rate * ((1 - alpha) * m_mul**i * (1 + cos(pi f_c)) / 2 + alpha)

    Quirks: the default t_mul is 2.0 (torch: 1); alpha is not scaled by
    m_mul**i; the cycle index is a float32 log ratio, which at some
    restarts lands just below the integer: that restart comes one step late
    and the step shows alpha * initial_learning_rate. Compiled
    (jit_compile=True, as in model.fit on JAX), D0=1 and t_mul=10 miss at
    t = 1, 11, 1111 (not 111), which eager evaluation does not; both miss
    with the default t_mul=2 at t = 8191 D0, and with D0=10, t_mul=1.1 at
    t = 21; compiled, D0=10 and t_mul=1.3 restart on time at t = 23 (XLA
    folds t / D0 * (1 - t_mul) into one constant product, which the twin
    repeats; checked against jax 0.10). The log here is correctly rounded,
    XLA's may be an ulp off: at a restart that can still move a miss. With
    t_mul < 1 the cycles add up to D0 / (1 - t_mul) steps and Keras gives
    NaN past them: the twin raises StepError there. Float32.

    initial_learning_rate defaults to lr; first_decay_steps (required) to
    total_steps // 7, so that the default cycles of D0, 2 D0 and 4 D0 fill
    total_steps.
    """
    return _restarts_twin("keras.CosineDecayRestarts", "initial_learning_rate", lr=lr, total_steps=total_steps,
                          lr0=initial_learning_rate, first_decay_steps=first_decay_steps, t_mul=t_mul, m_mul=m_mul,
                          alpha=alpha, jit_compile=jit_compile)


_JIT_NOTE = """
    jit_compile (not a Keras parameter): true (the default) gives the
    schedule as XLA compiles it inside a training step (model.fit on JAX, or
    on TensorFlow with XLA): x / constant becomes x * float32(1/constant) and
    a*b + c one fused multiply-add. false gives it evaluated eagerly
    (schedule(step) called directly, the torch backend). The two differ by
    an ulp, and at the quirk steps above by a whole step.
    """

for _factory in (exponential_decay, polynomial_decay, inverse_time_decay, cosine_decay, cosine_decay_restarts):
    _factory.__doc__ = _factory.__doc__.rstrip() + "\n" + _JIT_NOTE


# Keras infers the direction of a metric that is not a loss from the compiled
# metric's ``_direction``; these are the names Keras gives its built-in metrics.
_METRICS_UP = frozenset(
    "accuracy acc binary_accuracy categorical_accuracy sparse_categorical_accuracy top_k_categorical_accuracy "
    "sparse_top_k_categorical_accuracy auc precision recall f1_score fbeta_score r2_score cosine_similarity "
    "iou mean_iou one_hot_iou one_hot_mean_iou binary_iou pearson_correlation concordance_correlation "
    "precision_at_recall recall_at_precision sensitivity_at_specificity specificity_at_sensitivity".split()
)
_METRICS_DOWN = frozenset(
    "mean_squared_error mean_absolute_error mean_absolute_percentage_error mean_squared_logarithmic_error "
    "root_mean_squared_error mse mae mape msle logcosh log_cosh binary_crossentropy categorical_crossentropy "
    "sparse_categorical_crossentropy hinge squared_hinge categorical_hinge kl_divergence kld poisson".split()
)


def _plateau_mode(monitor: str, mode: str) -> str:
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    if name == "loss" or name in _METRICS_DOWN:
        return "min"
    if name in _METRICS_UP:
        return "max"
    raise ParameterError(
        "mode", f"Keras cannot tell whether {monitor!r} should be minimized or maximized in mode 'auto' "
                "(it raises ValueError); give mode: min or mode: max")


def reduce_lr_on_plateau(
    *,
    lr: float = 0.1,
    metrics: Metrics | None = None,
    monitor: str = "val_loss",
    factor: float = 0.1,
    patience: int = 10,
    mode: str = "auto",
    min_delta: float = 1e-4,
    cooldown: int = 0,
    min_lr: float = 0.0,
) -> Schedule:
    """Keras callback ``ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, mode="auto", min_delta=1e-4, cooldown=0, min_lr=0.0)``.

    lr(e) = max(lr * factor^r(e), min_lr) in float32, r(e) the reductions after metrics[0 .. e-1].

    One step of this twin is one epoch: lr(e) is the optimizer's learning
    rate during epoch e, after on_epoch_end has seen metrics[0 .. e-1] (one
    value per epoch, the value of `monitor` at the end of that epoch). lr(0)
    is lr; past the last metric the lr holds. To draw it against updates,
    use `counting: epoch_constant` with steps_per_epoch.

    At each epoch end, with the metric value m:
      in cooldown: cooldown counter - 1, wait = 0
      improved (min: m + |min_delta| < best, max: m - |min_delta| > best; the
      first value always improves): best = m, wait = 0
      otherwise, when not in cooldown: wait + 1, and when wait >= patience:
        if lr > float32(min_lr): lr = max(lr * factor, min_lr), cooldown
        counter = cooldown, wait = 0

    Quirks: min_delta is absolute, not relative (torch: relative
    threshold 1e-4); it reduces on the patience-th bad epoch (torch: the
    (patience+1)-th); the comparison is made in float32 (the backend's
    ops.less), and the lr is stored in a float32 variable, so each
    reduction is rounded to float32. mode 'auto' means min for a loss
    (monitor 'loss' or 'val_loss', or a loss-like metric name) and max
    for accuracy-like metrics; Keras raises for a name it cannot place, and
    so does the twin. Without metrics the lr stays constant (Keras warns
    that the monitored metric is missing and does nothing).
    """
    lr = rules.lr(lr)
    if not isinstance(monitor, str) or not monitor:
        raise ParameterError("monitor", f"expected a metric name; got {monitor!r}")
    factor = check.number("factor", factor)
    if factor >= 1.0:
        raise ParameterError("factor", f"ReduceLROnPlateau does not support a factor >= 1.0; got {factor:g}")
    patience = check.steps("patience", patience)
    cooldown = check.steps("cooldown", cooldown)
    mode = check.choice("mode", mode, ("auto", "min", "max"))
    min_delta = check.number("min_delta", min_delta)
    min_lr = check.non_negative("min_lr", min_lr)
    series = [] if metrics is None else [float(m) for m in metrics]
    direction = _plateau_mode(monitor, mode) if series else ("min" if mode == "auto" else mode)
    delta = -abs(min_delta) if direction == "min" else abs(min_delta)
    floor32 = float(_F32(min_lr))

    lrs = [_F32(lr)]
    drops: list[tuple[int, str]] = []
    best: float | None = None
    wait = cooldown_left = 0
    for epoch, current in enumerate(series):  # sequential by nature: once, at build time
        if cooldown_left > 0:
            cooldown_left -= 1
            wait = 0
        candidate, reference = _F32(current - delta), (None if best is None else _F32(best))
        with np.errstate(invalid="ignore"):
            improved = reference is None or bool(candidate < reference if direction == "min" else candidate > reference)
        if improved:
            best, wait = current, 0
        elif cooldown_left <= 0:
            wait += 1
            if wait >= patience:
                old = float(lrs[-1])
                if old > floor32:
                    lrs_new = _F32(max(old * factor, min_lr))
                    cooldown_left, wait = cooldown, 0
                    lrs.append(lrs_new)
                    if len(drops) < _MAX_MARKS:
                        drops.append((epoch + 1, f"x{factor:g}", "drop"))
                    continue
        lrs.append(lrs[-1])
    table = np.asarray(lrs, dtype=_F32).astype(_F64)
    last = len(table) - 1

    def f(t: np.ndarray) -> np.ndarray:
        return table[np.minimum(t, last)]

    params = dict(lr=lr, metrics=series if metrics is not None else None, monitor=monitor, factor=factor,
                  patience=patience, mode=mode, min_delta=min_delta, cooldown=cooldown, min_lr=min_lr)
    return Schedule(f, kernel=engine.table(table), name="keras.ReduceLROnPlateau", params=params,
                    marks=check.marks(*drops), breaks=())


MODE = ("jit_compile (a twin parameter, not Keras'): true, the default, gives the values compiled by XLA, as model.fit "
        "on JAX runs the schedule (a division by a constant is a product with the rounded reciprocal, multiply-adds "
        "are fused); false gives the eager call schedule(step)")
"""The evaluation modes, as ``lrviz show`` states them for the keras twins that take jit_compile."""

_ULP = ("Keras 3.15.1 on JAX, compiled (jit_compile: true) and eager: XLA's float32 {fns} can be an ulp or two off the "
        "correctly rounded value the twin computes; measured at most 1.3e-7 of the peak on tests/golden/keras.json "
        "(both modes, incl. runs of 1e5-1e6 steps) and 1.12e-7 in 30 random draws per mode "
        "(tests/golden/scan_float32.py){extra}. NaN where Keras gives NaN, at the same steps, in every draw")
AGREEMENT = {
    "keras.ExponentialDecay": _ULP.format(fns="pow", extra=""),
    "keras.InverseTimeDecay": ("Keras 3.15.1 on JAX, compiled and eager: measured at most 7.5e-8 of the peak on "
                               "tests/golden/keras.json (XLA's float32 division by a tensor) and within 5e-7 of it "
                               "in the random draws of the live tests"),
    "keras.PolynomialDecay": _ULP.format(fns="pow", extra=""),
    "keras.CosineDecay": _ULP.format(fns="cos", extra=""),
    "keras.CosineDecayRestarts": _ULP.format(fns="cos, log and pow", extra=(
        "; with t_mul != 1 one ulp of t_mul ** i moves the cycle fraction: 1.94e-6 of the peak over 100,000 steps "
        "(D0=10, t_mul=1.1, tests/golden/twins_two.json)")),
    "keras.PiecewiseConstantDecay": "bit for bit with Keras 3.15.1 (values are selected, not computed)",
    "keras.ReduceLROnPlateau": "bit for bit with Keras 3.15.1 (float32 comparisons)",
}
"""What ``lrviz show`` says of each twin's agreement with Keras."""


TWINS: dict[str, tuple[Callable, str]] = {
    "keras.ExponentialDecay": (exponential_decay, "Keras: lr * decay_rate^(t/decay_steps), float32, optional staircase"),
    "keras.PiecewiseConstantDecay": (piecewise_constant_decay, "Keras: absolute values, switching one step after each boundary"),
    "keras.PolynomialDecay": (polynomial_decay, "Keras: polynomial decay to end_learning_rate; cycle restarts from lower peaks"),
    "keras.InverseTimeDecay": (inverse_time_decay, "Keras: lr / (1 + decay_rate * t/decay_steps), optional staircase"),
    "keras.CosineDecay": (cosine_decay, "Keras: cosine decay to alpha*lr, optional linear warmup to warmup_target"),
    "keras.CosineDecayRestarts": (cosine_decay_restarts, "Keras SGDR: cosine restarts (t_mul, m_mul), float-log restart misses"),
    "keras.ReduceLROnPlateau": (reduce_lr_on_plateau, "Keras callback: cut lr by factor when a metric stalls (one step = one epoch)"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "keras.PolynomialDecay": {"floor": "end_learning_rate"},
    "keras.CosineDecay": {"warmup": "warmup_steps"},
    "keras.ReduceLROnPlateau": {"per_epoch_metrics": True, "bounds": ("min_lr",)},
}
