"""Twins of optax's schedules (optax 0.2.8, jax 0.10.2): ``optax.<name>``.

An optax schedule is a pure function ``schedule(count)`` of the optimizer's
int32 step counter; update ``t + 1`` uses ``schedule(t)``. These twins give
that value in jax's default configuration (``jax_enable_x64`` off), so the
arithmetic is float32, done here with numpy in the same order as optax:

- Python-float parameters enter as weak-typed float32 (``float32(init_value)``);
  arithmetic between Python numbers (``init_value - end_value``, ``end_value /
  peak_value``, ``peak_value / div_factor``) happens in float64 first, as in
  optax, and is rounded once when it meets an array.
- ``cos`` and ``pow`` are evaluated in float64 and rounded to float32 (see
  the agreement below); a power of a constant base as exp(y ln base)
  (:func:`lrviz.twins._xla32.pow_const`).
- XLA on CPU flushes float32 subnormals to zero; so do the twins.
- Where optax returns a parameter unchanged (``constant_schedule``, a
  ``transition_steps <= 0`` or ``decay_rate == 0`` that turns a schedule into
  a constant), the value is that Python float, exactly. ``join_schedules``
  (and everything built on it) passes it through ``jnp.where``, which rounds
  it to float32.
- The optimizer's int32 step counter saturates at 2**31 - 1
  (``numerics.safe_increment``), so steps past that see ``schedule(2**31 - 1)``.

**Two evaluation modes** (``jit``, a twin parameter, not an optax one; the
same idea as the Keras twins' ``jit_compile``):

- ``jit: true`` (the default): the schedule as a training step runs it, the
  optimizer's scalar int32 ``count`` inside ``jax.jit`` (``optax.sgd(lr=schedule)``
  under a jitted update). XLA rewrites a division by a constant into a product
  with its float32 reciprocal, folds constant products (``pi * c / D`` is
  ``c * float32(pi * float32(1/D))``, a linear interpolation's slope is one
  constant) and fuses ``a*b + c`` into one multiply-add (one rounding); a
  Python-float constant comes out as float32. ``1 - c/T`` is then
  ``fma(-c, float32(1/T), 1)``, a hair below 0 at ``c = T`` whenever
  ``T * float32(1/T) > 1`` (18, 37, 60, 1000, ...): ``polynomial_schedule`` with a
  non-integer power gives NaN from ``transition_begin + transition_steps`` on,
  and a linear decay to 0 a lr a hair below 0 there (-4.7e-9 for the defaults
  at step 1000). The twins give those values (NaN included; ``lrviz check``
  names the cause and a fix, :mod:`lrviz.twins.failures`).
- ``jit: false``: the eager call ``schedule(jnp.int32(t))`` (op by op, also
  ``jax.vmap`` outside jit): true division, two roundings per multiply-add,
  Python floats returned as they are.

Agreement (tests/golden/optax.json, recorded per step in both modes, and
random draws against optax 0.2.8; :data:`AGREEMENT`): bit for bit in both
modes wherever no transcendental is involved; where ``cos`` or ``pow`` are,
XLA's own float32 routines (eager jax ops run through XLA too) differ from the
correctly rounded ones by an ulp for about one argument in a hundred, which the
twins do not reproduce: at most 1.7e-7 of the peak (measured), more relative
to a value near a floor (up to 6.5e-6 relative near the end of an sgdr cycle).

One module of about 1,090 lines, a third of them docstrings: one library,
its basic schedules (O1-O7), those built on them (O8-O13) and
``reduce_on_plateau`` (O15); float32 arithmetic is in :mod:`lrviz.twins._xla32`
and the parameter rules in :mod:`lrviz.twins._checks`.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import ParameterError
from ..params import as_number
from ..schedules._base import Schedule, realize
from ..schedules import _engine as engine
from ..schedules import _checks as check
from . import _checks as rules, _xla32 as xla
from ._checks import INT32_MAX
from ..units import to_steps

from ..kinds import Steps, Spec, Metrics

F32 = np.float32
PI32 = np.float32(np.pi)

Kernel = engine.Kernel  # kernel(span, out): the values at the span's steps written into out (float64 holding
#                         float32 values, or a Python float's own value); a kernel of float32 values is marked float32


EXACT_F32 = 1 << 24  # integers up to 2**24 are exact in float32; a count beyond it rounds when cast


def _f32(kernel: Kernel) -> Kernel:
    kernel.float32 = True
    return kernel


def _const(value: float, ar: xla.Arith) -> Kernel:
    """A schedule that returns a Python float: float64, exactly, when called; compiled, jit's float32 output.
    (Marked ``constant``: the engine fills the value, and join_schedules rounds it to float32.)"""
    value = float(F32(value)) if ar.jit else float(value)
    k = engine.constant(value)
    k.constant = value
    k.float32 = ar.jit
    return k


def _counts(t: np.ndarray, shift: int, top: int | None, lo: int, hi: int, out: np.ndarray) -> np.ndarray:
    """out = float32(clip(t - shift, 0, top)) as float64, the clip taken only where the block reaches past
    0 or ``top``, the rounding to float32 only where a count passes 2**24 (``lo``/``hi``: the block's least and
    greatest step)."""
    if shift:
        np.subtract(t, shift, out=out)
    else:
        np.copyto(out, t, casting="unsafe")
    if lo - shift < 0 or (top is not None and hi - shift > top):
        np.clip(out, 0, top, out=out)
    if min(hi - shift, top if top is not None else hi) > EXACT_F32:
        out[...] = out.astype(F32)
    return out


def _polynomial(init: float, end: float, power: float | None, steps: int, begin: int, ar: xla.Arith) -> Kernel:
    """optax.polynomial_schedule; ``power=None`` is linear_schedule's Python int 1 (x ** 1 == x).

    Eager: frac = 1 - c / T, lr = (I - E) * frac ** power + E, each op rounded.
    Compiled: frac = fma(-c, float32(1/T), 1), lr = fma(frac ** power, I - E, E).
    A power of 1.0 is the same as none: x ** 1.0 is x, and frac is never subnormal.
    """
    if steps <= 0:
        return _const(init, ar)
    begin = max(begin, 0)
    span32, end32, steps32 = F32(init - end), F32(end), F32(steps)
    recip = float(F32(1.0) / steps32)
    power = None if power is None or power == 1.0 else float(F32(power))

    def k(span: engine.Span, out: np.ndarray) -> None:
        c = _counts(span.t, begin, steps, span.lo, span.hi, out)
        tmp = np.empty(out.shape, F32)
        if ar.jit:  # fma(-c, 1/T, 1): the product is exact in float64, the sum rounded once to float32
            c *= -recip
            c += 1.0
            xla.to_f32(c, tmp)
        else:
            xla.to_f32(c, tmp)
            tmp /= steps32
            np.subtract(F32(1.0), tmp, out=tmp)
        if power is not None:
            xla.pow_in_place(tmp, power, out)
        ar.fma_in_place(tmp, span32, end32, out)
        out[...] = xla.flush_in_place(tmp)

    return _f32(k)


def _exponential(init: float, steps: int, rate: float, begin: int, staircase: bool, end: float | None,
                 ar: xla.Arith) -> Kernel:
    """optax.exponential_decay (compiled: (t - B) / T is (t - B) * float32(1/T))."""
    if steps <= 0 or rate == 0:
        return _const(init, ar)
    begin = max(begin, 0)
    init32, steps32, rate64 = F32(init), F32(steps), float(F32(rate))
    recip32 = F32(1.0) / steps32
    clip = None if end is None else (np.maximum if rate < 1.0 else np.minimum)

    def k(span: engine.Span, out: np.ndarray) -> None:
        tmp = np.empty(out.shape, F32)
        if span.hi <= begin:  # d <= 0 everywhere: I
            tmp.fill(init32)
        else:
            np.subtract(span.t, begin, out=out)
            xla.to_f32(out, tmp)  # d as float32
            if ar.jit:
                tmp *= recip32
            else:
                tmp /= steps32
            if staircase:
                np.floor(tmp, out=tmp)
            out[...] = tmp
            if 0.0 < rate64 != 1.0:  # r ** p as exp(p ln r), as lrviz.twins._xla32.pow_const
                out *= math.log(rate64)
                np.exp(out, out=out)
            else:
                np.power(rate64, out, out=out)
            xla.flush_in_place(xla.to_f32(out, tmp))
            tmp *= init32
            xla.flush_in_place(tmp)
            if span.lo <= begin:  # where d <= 0: I
                if span.run:
                    tmp[:begin - span.lo + 1] = init32
                else:
                    tmp[span.t <= begin] = init32
        if clip is not None:
            clip(tmp, F32(end), out=tmp)
        out[...] = tmp

    return _f32(k)


def _cosine(init: float, decay_steps: int, alpha: float, exponent: float, ar: xla.Arith) -> Kernel:
    """optax.cosine_decay_schedule (decay_steps > 0).

    Eager: x = (pi * c) / D; compiled: x = c * float32(pi * float32(1/D)) (the constants fold) and
    the last multiply-add (1 - alpha) * decay ** exponent + alpha is fused. An exponent of 1 is
    skipped: x ** 1 is x, and the decay 0.5 * (1 + cos) is never subnormal.
    """
    init32, steps32, keep32, alpha32, exponent64 = F32(init), F32(float(decay_steps)), F32(1 - alpha), F32(alpha), float(F32(exponent))
    scale32 = F32(PI32 * (F32(1.0) / steps32))

    def k(span: engine.Span, out: np.ndarray) -> None:
        tmp = np.empty(out.shape, F32)
        np.copyto(tmp, span.t, casting="unsafe")
        if span.hi > decay_steps:
            np.minimum(tmp, steps32, out=tmp)
        if ar.jit:
            tmp *= scale32
        else:
            tmp *= PI32
            tmp /= steps32
        out[...] = tmp
        np.cos(out, out=out)
        xla.to_f32(out, tmp)
        tmp += F32(1.0)
        tmp *= F32(0.5)
        if exponent64 != 1.0:
            xla.pow_in_place(tmp, exponent64, out)
        ar.fma_in_place(tmp, keep32, alpha32, out)
        tmp *= init32
        out[...] = xla.flush_in_place(tmp)

    return _f32(k)


def _interpolate(kind: str, init: float, boundaries_and_scales: Mapping[int, float] | None, ar: xla.Arith) -> Kernel:
    """optax.piecewise_interpolate_schedule (boundaries >= 0, scales >= 0): one piece per interval, on its
    local step u = t - b_i, and the last knot from the last boundary on.

    Compiled: p = u * float32(1/size_i); the linear form is fma(u, float32((v_(i+1) - v_i) *
    float32(1/size_i)), v_i) (XLA folds the two constants) and the cosine form
    fma((v_i - v_(i+1)) / 2, cos(p * pi) + 1, v_(i+1)).
    """
    items = sorted(boundaries_and_scales.items()) if boundaries_and_scales else []
    bounds = [0] + [b for b, _ in items]
    values = [F32(init)]
    for _, scale in items:  # jnp.cumprod: a sequential float32 product
        values.append(F32(values[-1] * F32(scale)))
    last = float(xla.flush(np.asarray(values[-1:], F32))[0])
    if not items:  # no boundaries: float32(init_value) at every step (flushed, as XLA would)
        return _const(last, xla.Arith(True))
    pieces = [_segment(kind, values[j], values[j + 1], max(bounds[j + 1] - bounds[j], 1), ar) for j in range(len(items))]
    return _f32(engine.pieces(bounds, [*pieces, engine.constant(last)]))


def _segment(kind: str, start: F32, stop: F32, size: int, ar: xla.Arith) -> Kernel:
    """One interval of the interpolation, from ``start`` at u = 0 towards ``stop`` at u = size."""
    size32 = F32(size)
    recip32 = F32(1.0) / size32
    slope = float(F32(stop - start) * recip32)  # linear, compiled: one folded constant
    half = F32((start - stop) / F32(2.0))

    def k(span: engine.Span, out: np.ndarray) -> None:
        u = _counts(span.t, 0, None, span.lo, span.hi, out)
        tmp = np.empty(out.shape, F32)
        if kind == "linear" and ar.jit:
            u *= slope
            u += float(start)
            xla.to_f32(u, tmp)
        else:
            xla.to_f32(u, tmp)
            if ar.jit:
                tmp *= recip32
            else:
                tmp /= size32
            if kind == "linear":
                tmp *= F32(stop - start)
                tmp += start
            else:
                tmp *= PI32
                out[...] = tmp
                np.cos(out, out=out)
                xla.to_f32(out, tmp)
                tmp += F32(1.0)
                ar.fma_in_place(tmp, half, stop, out)
        out[...] = xla.flush_in_place(tmp)

    return k


def _rounded(kernel: Kernel) -> Kernel:
    """The kernel's values rounded to float32, as jnp.where rounds a Python float (a no-op for float32 values)."""
    if getattr(kernel, "float32", False):
        return kernel
    value = getattr(kernel, "constant", None)
    if value is not None:
        return _const(value, xla.Arith(True))

    def k(span: engine.Span, out: np.ndarray) -> None:
        kernel(span, out)
        with np.errstate(over="ignore"):  # past float32's range: inf, as jnp.where gives
            out[...] = out.astype(F32)

    return _f32(k)


def _local(kernel: Kernel, start: int) -> Kernel:
    """``kernel(t - start)``."""
    return lambda span, out: kernel(span.shifted(start), out)


def _join(children: list[Kernel], boundaries: list[int]) -> Kernel:
    """optax.join_schedules: ``out = where(step < b_k, out, s_k(step - b_k))`` for each pair, in order, so
    step t belongs to the last pair with b_k <= t (boundaries need not increase)."""
    pairs = list(zip(boundaries, children[1:]))  # zip: extra schedules or boundaries are ignored
    if not pairs:
        return children[0]
    starts = [0] + [b for b, _ in pairs]
    kernels = [children[0]] + [c for _, c in pairs]
    edges, owners = [], []
    for edge in sorted(set(starts)):  # who owns [edge, next edge): the last pair that has started
        owner = max(j for j, s in enumerate(starts) if s <= edge)
        if not owners or owners[-1] != owner:
            edges.append(edge)
            owners.append(owner)
    pieces = [_local(_rounded(kernels[j]), starts[j]) for j in owners]
    return _f32(engine.pieces(edges, pieces, local=[False] * len(pieces)))


def _warmup_cosine(init: float, peak: float, warmup: int, decay: int, end: float, exponent: float, where: str,
                   ar: xla.Arith) -> Kernel:
    if decay - warmup <= 0:
        raise ParameterError(where, f"must exceed warmup_steps ({warmup}); optax's cosine part needs decay_steps - "
                                    f"warmup_steps > 0 (ValueError); got {decay}")
    alpha = 0.0 if peak == 0.0 else end / peak
    return _join([_polynomial(init, peak, None, warmup, 0, ar), _cosine(peak, decay - warmup, alpha, exponent, ar)],
                 [warmup])


def _schedule(kernel: Kernel, name: str, params: dict, marks=(), breaks=None) -> Schedule:
    """The Schedule of an optax kernel: int32 steps (optax's count saturates; the clamp is taken only
    for a block that reaches past it), the value stored as float64."""
    if getattr(kernel, "constant", None) is not None:
        block = kernel
    else:
        def block(span: engine.Span, out: np.ndarray) -> None:
            if span.hi > INT32_MAX:
                span = engine.span_of(np.minimum(span.t, INT32_MAX))
            kernel(span, out)

        block.float32 = getattr(kernel, "float32", False)
    return Schedule(kernel=block, name=name, params=params, marks=tuple(marks)[:100], breaks=breaks)


# --------------------------------------------------------------------------------------------------
# parameter checks


def _scales(name: str, boundaries_and_scales: Any) -> dict[int, float] | None:
    if boundaries_and_scales is None:
        return None
    if not isinstance(boundaries_and_scales, Mapping):
        raise ParameterError(name, f"expected a mapping of step -> scale; got {boundaries_and_scales!r}")
    out: dict[int, float] = {}
    for key, scale in boundaries_and_scales.items():
        step = rules.int32_steps(f"{name}[{key}]", key, 0)
        if step in out:
            raise ParameterError(f"{name}[{key}]", f"step {step} is given twice")
        scale = check.number(f"{name}[{key}]", scale)
        if scale < 0:
            raise ParameterError(f"{name}[{key}]", f"optax expects non-negative scale factors (ValueError); got {scale:g}")
        out[step] = scale
    return out


def _shift(breaks: tuple[int, ...] | None, offset: int) -> tuple[int, ...] | None:
    return None if breaks is None else tuple(b + offset for b in breaks)


# --------------------------------------------------------------------------------------------------
# O1-O7: the basic schedules


def constant_schedule(*, lr: float = 0.1, total_steps: Steps = 1000, value: float | None = None, jit: bool = True) -> Schedule:
    """optax.constant_schedule(value): the same value at every step.

    lr(t) = value        (default: lr)

    optax returns the Python float itself (not a float32), so the value is exact.
    """
    total_steps = rules.total(total_steps)
    value = rules.lr_or("value", value, lr)
    params = dict(lr=lr, total_steps=total_steps, value=value, jit=check.flag("jit", jit))
    return _schedule(_const(value, xla.Arith(params["jit"])), "optax.constant_schedule", params, breaks=())


def polynomial_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float | None = None,
    end_value: float = 0.0,
    power: float = 1.0,
    transition_steps: Steps | None = None,
    transition_begin: Steps = 0,
    jit: bool = True,
) -> Schedule:
    """optax.polynomial_schedule: polynomial from init_value to end_value, held at both ends.

    c = clip(t - B, 0, T)
    lr(t) = (I - E) * (1 - c/T) ** power + E
    I = init_value (default lr), E = end_value, B = transition_begin, T =
    transition_steps (default total_steps). end_value and power are required
    by optax; here they default to 0 and 1.

    Quirks: transition_steps = 0 gives the constant init_value (a Python float,
    exact, eagerly; float32 under jit); optax would reset a negative
    transition_begin to 0. Float32: (I - E) is computed in float64 and rounded
    once. Under jax.jit (jit: true, the default) 1 - c/T is fma(-c,
    float32(1/T), 1), a hair below 0 at c = T when T * float32(1/T) > 1 (T = 18,
    37, 60, 1000; not 16, 25, 100): with a non-integer power optax then gives
    NaN from B + T on, and so does the twin (I=3e-4, E=1.4e-4, power=2.003,
    T=18, B=29: NaN from step 47; sgd trained under jit has NaN parameters
    after 50 steps); an integer power or a T that ends exactly avoid it, and
    jit: false gives the eager value E.
    """
    total_steps = rules.total(total_steps)
    init_value = rules.lr_or("init_value", init_value, lr)
    end_value = check.non_negative("end_value", end_value)
    power = check.non_negative("power", power)
    transition_steps = rules.int32_steps("transition_steps", transition_steps, total_steps)
    transition_begin = rules.int32_steps("transition_begin", transition_begin, 0)
    jit = check.flag("jit", jit)
    kernel = _polynomial(init_value, end_value, power, transition_steps, transition_begin, xla.Arith(jit))
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, end_value=end_value, power=power,
                  transition_steps=transition_steps, transition_begin=transition_begin, jit=jit)
    marks = check.marks((transition_begin, "transition begins"), (transition_begin + transition_steps, "end of transition"))
    return _schedule(kernel, "optax.polynomial_schedule", params, marks if transition_steps > 0 else (), breaks=())


def linear_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float | None = None,
    end_value: float = 0.0,
    transition_steps: Steps | None = None,
    transition_begin: Steps = 0,
    jit: bool = True,
) -> Schedule:
    """optax.linear_schedule: linear from init_value to end_value, held at both ends.

    c = clip(t - B, 0, T)
    lr(t) = (I - E) * (1 - c/T) + E
    I = init_value (default lr), E = end_value (required by optax; default 0),
    B = transition_begin, T = transition_steps (default total_steps).

    It is polynomial_schedule with the Python int power 1 (x ** 1 is x exactly).
    Quirk: transition_steps = 0 gives the constant init_value (exact Python float).
    """
    total_steps = rules.total(total_steps)
    init_value = rules.lr_or("init_value", init_value, lr)
    end_value = check.non_negative("end_value", end_value)
    transition_steps = rules.int32_steps("transition_steps", transition_steps, total_steps)
    transition_begin = rules.int32_steps("transition_begin", transition_begin, 0)
    jit = check.flag("jit", jit)
    kernel = _polynomial(init_value, end_value, None, transition_steps, transition_begin, xla.Arith(jit))
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, end_value=end_value,
                  transition_steps=transition_steps, transition_begin=transition_begin, jit=jit)
    marks = check.marks((transition_begin, "transition begins"), (transition_begin + transition_steps, "end of transition"))
    return _schedule(kernel, "optax.linear_schedule", params, marks if transition_steps > 0 else (), breaks=())


def piecewise_constant_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float | None = None,
    boundaries_and_scales: dict[Steps, float] | None = None,
    jit: bool = True,
) -> Schedule:
    """optax.piecewise_constant_schedule: init_value times every scale whose boundary is reached.

    lr(t) = I * prod(s_b for b <= t)        (the switch happens at t = b)

    The scales are cumulative factors ({300: 0.5, 600: 0.2} gives I/10 from
    t = 600 on). I = init_value (default lr). With boundaries_and_scales None
    (optax's default) or empty, optax returns the Python float init_value
    itself (exact); otherwise the product is float32, taken in boundary order.
    Negative scales raise (ValueError in optax).
    """
    total_steps = rules.total(total_steps)
    init_value = rules.lr_or("init_value", init_value, lr)
    table = _scales("boundaries_and_scales", boundaries_and_scales)
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, boundaries_and_scales=table,
                  jit=check.flag("jit", jit))
    if not table:
        return _schedule(_const(init_value, xla.Arith(params["jit"])), "optax.piecewise_constant_schedule", params, breaks=())
    items = sorted(table.items())

    def level(t: np.ndarray) -> np.ndarray:
        v = np.full(t.shape, F32(init_value))
        with np.errstate(all="ignore"):
            for threshold, scale in items:  # a loop over boundaries, as optax's own
                indicator = (t < threshold).astype(F32)  # max(0, sign(threshold - count))
                v = v * indicator + (F32(1.0) - indicator) * F32(scale) * v
        return xla.flush(v)

    marks = check.marks(*((b, f"x{s:g}", "drop") for b, s in items))
    kernel = _f32(engine.held(level, bounds=[b for b, _ in items]))  # constant between boundaries: one call per level
    return _schedule(kernel, "optax.piecewise_constant_schedule", params, marks,
                     breaks=tuple(b + d for b, _ in items for d in (0, 1)))


def exponential_decay(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float | None = None,
    transition_steps: Steps | None = None,
    decay_rate: float = 0.1,
    transition_begin: Steps = 0,
    staircase: bool = False,
    end_value: float | None = None,
    jit: bool = True,
) -> Schedule:
    """optax.exponential_decay: init_value * decay_rate ** ((t - B) / T), with an optional bound.

    d = t - B
    lr(t) = I                             if d <= 0
    lr(t) = I * r ** (d / T)              otherwise (floor(d / T) under staircase)
    then  max(lr, end_value) if r < 1, min(lr, end_value) if r >= 1
    I = init_value (default lr), T = transition_steps (default total_steps),
    r = decay_rate (required by optax; default 0.1), B = transition_begin.

    Quirks: transition_steps = 0 or decay_rate = 0 give the constant init_value
    (exact Python float; optax only logs it); end_value is a floor when r < 1
    and a cap when r >= 1; optax would reset a negative transition_begin to 0.
    Float32: d / T is a float32 division (at counts past 2**24 the count itself
    rounds), and r ** p underflows to 0 below float32's normal range (XLA
    flushes subnormals). A negative decay_rate (NaN or alternating signs in
    optax) is refused.
    """
    total_steps = rules.total(total_steps)
    init_value = rules.lr_or("init_value", init_value, lr)
    transition_steps = rules.int32_steps("transition_steps", transition_steps, total_steps)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    transition_begin = rules.int32_steps("transition_begin", transition_begin, 0)
    staircase = check.flag("staircase", staircase)
    end_value = None if end_value is None else check.non_negative("end_value", end_value)
    jit = check.flag("jit", jit)
    kernel = _exponential(init_value, transition_steps, decay_rate, transition_begin, staircase, end_value,
                          xla.Arith(jit))
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, transition_steps=transition_steps,
                  decay_rate=decay_rate, transition_begin=transition_begin, staircase=staircase, end_value=end_value,
                  jit=jit)
    marks: tuple = ()
    if transition_steps > 0 and decay_rate != 0:
        marks = check.marks((transition_begin, "decay begins"))
        if staircase:
            marks += check.marks(*((transition_begin + k * transition_steps, "stair", "drop") for k in range(1, 101)),
                                 limit=total_steps)
    return _schedule(kernel, "optax.exponential_decay", params, marks, breaks=())


def cosine_decay_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float | None = None,
    decay_steps: Steps | None = None,
    alpha: float = 0.0,
    exponent: float = 1.0,
    jit: bool = True,
) -> Schedule:
    """optax.cosine_decay_schedule: cosine from init_value down to alpha * init_value, then flat.

    c = min(t, D)
    lr(t) = I * ((1 - alpha) * (0.5 * (1 + cos(pi * c / D))) ** exponent + alpha)
    I = init_value (default lr), D = decay_steps (default total_steps).

    alpha is a fraction of init_value, not an absolute floor. decay_steps must
    be > 0 (ValueError in optax). Float32: pi * c / D rounds, so the end value
    is I * alpha to within a float32 ulp.
    """
    total_steps = rules.total(total_steps)
    init_value = rules.lr_or("init_value", init_value, lr)
    decay_steps = rules.int32_steps("decay_steps", decay_steps, total_steps, minimum=1)
    alpha = check.number("alpha", alpha)
    if alpha < 0:  # optax does not check it
        raise ParameterError("alpha", f"must be >= 0: the lr ends at init_value * alpha (optax's minimum multiplier), "
                             f"below 0 for a negative alpha; got {alpha:g}")
    exponent = check.non_negative("exponent", exponent)
    jit = check.flag("jit", jit)
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, decay_steps=decay_steps, alpha=alpha,
                  exponent=exponent, jit=jit)
    return _schedule(_cosine(init_value, decay_steps, alpha, exponent, xla.Arith(jit)), "optax.cosine_decay_schedule",
                     params,
                     check.marks((decay_steps, "end of decay")), breaks=())


INTERPOLATE_TYPES = ("linear", "cosine")


def piecewise_interpolate_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    interpolate_type: str = "linear",
    init_value: float | None = None,
    boundaries_and_scales: dict[Steps, float] | None = None,
    jit: bool = True,
) -> Schedule:
    """optax.piecewise_interpolate_schedule: linear or cosine interpolation between cumulative knots.

    knots b = [0, b_1, b_2, ...] (sorted), v = cumprod([I, s_1, s_2, ...])
    for b_i <= t < b_(i+1):  p = (t - b_i) / max(b_(i+1) - b_i, 1)
        linear: lr(t) = v_i + (v_(i+1) - v_i) * p
        cosine: lr(t) = v_(i+1) + (v_i - v_(i+1)) / 2 * (1 + cos(pi * p))
    for t >= b_last: lr(t) = v_last
    I = init_value (default lr); interpolate_type is required by optax (default
    here: linear).

    The scales multiply (the knots are cumulative), and the value moves toward
    the next knot over the whole interval, reaching it at the boundary. With
    no boundaries the value is float32(init_value). Negative scales raise.
    """
    total_steps = rules.total(total_steps)
    interpolate_type = check.choice("interpolate_type", interpolate_type, INTERPOLATE_TYPES)
    init_value = rules.lr_or("init_value", init_value, lr)
    table = _scales("boundaries_and_scales", boundaries_and_scales)
    jit = check.flag("jit", jit)
    params = dict(lr=lr, total_steps=total_steps, interpolate_type=interpolate_type, init_value=init_value,
                  boundaries_and_scales=table, jit=jit)
    bounds = sorted(table or {})
    return _schedule(_interpolate(interpolate_type, init_value, table, xla.Arith(jit)), "optax.piecewise_interpolate_schedule", params,
                     check.marks(*((b, "knot") for b in bounds)), breaks=tuple(b + d for b in bounds for d in (0, 1)))


# --------------------------------------------------------------------------------------------------
# O8-O13: schedules built from the basic ones


def _onecycle_common(total_steps: Any, transition_steps: Any, peak_value: Any, lr: float, pct_start: Any,
                     div_factor: Any, final_div_factor: Any) -> tuple[int, int, float, float, float, float]:
    total_steps = rules.total(total_steps)
    transition_steps = rules.int32_steps("transition_steps", transition_steps, total_steps, minimum=1)
    peak_value = rules.lr_or("peak_value", peak_value, lr)
    pct_start = _fraction("pct_start", pct_start)
    div_factor = check.positive("div_factor", div_factor)
    final_div_factor = check.positive("final_div_factor", final_div_factor)
    if not div_factor * final_div_factor > 0 or not math.isfinite(1.0 / (div_factor * final_div_factor)):
        raise ParameterError("final_div_factor", f"div_factor * final_div_factor = {div_factor * final_div_factor:g} "
                             "leaves float range (the final lr is peak_value / their product); use larger factors")
    return total_steps, transition_steps, peak_value, pct_start, div_factor, final_div_factor


def _fraction(name: str, value: Any) -> float:
    """pct_start / pct_final: optax documents each as the percentage of the cycle (of transition_steps) and
    takes int(pct * transition_steps) as a knot without checking it. Above 1 the knot lies past the end and
    optax still gives a finite, positive curve, so the twin accepts it; a negative knot, or one past 2**53
    steps (where int() of the float is no longer exact), is refused."""
    from ..units import MAX_DURATION

    value = check.number(name, value)
    if value < 0.0:
        raise ParameterError(name, f"must be >= 0: optax places a knot at int({name} * transition_steps); got {value:g}")
    if value > MAX_DURATION:
        raise ParameterError(name, f"is too large: the knot int({name} * transition_steps) must be at most 2**53 "
                             f"steps; got {value:g}")
    return value


def _knot(name: str, pct: float, T: int) -> None:
    from ..units import MAX_DURATION

    if pct * T > MAX_DURATION:
        raise ParameterError(name, f"is too large: the knot int({name} * transition_steps) = {pct * T:.3g} steps is "
                             "past 2**53")


def linear_onecycle_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    transition_steps: Steps | None = None,
    peak_value: float | None = None,
    pct_start: float = 0.3,
    pct_final: float = 0.85,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    jit: bool = True,
) -> Schedule:
    """optax.linear_onecycle_schedule: three linear phases through four knots, then flat.

    knots (0, P/d), (int(pct_start*T), P), (int(pct_final*T), P/d), (T, P/(d*fd))
    lr(t) = linear interpolation between the knots; P/(d*fd) from t = T on.
    P = peak_value (default lr), T = transition_steps (default total_steps),
    d = div_factor, fd = final_div_factor.

    It is piecewise_interpolate_schedule('linear', P/d, {int(pct_start*T): d,
    int(pct_final*T): 1/d, T: 1/fd}). Quirks: the peak is at int(pct_start*T)
    (torch's OneCycleLR peaks one step earlier); the scales are dict entries, so
    knots that land on the same step overwrite each other (the later entry
    wins). pct_start and pct_final may pass 1: the knot then lies past T and
    optax interpolates towards it, which the twin reproduces (optax checks
    neither; lrviz refuses only a negative pct or a knot past 2**53 steps).
    """
    total_steps, T, peak, pct_start, div, fdiv = _onecycle_common(
        total_steps, transition_steps, peak_value, lr, pct_start, div_factor, final_div_factor)
    pct_final = _fraction("pct_final", pct_final)
    _knot("pct_final", pct_final, T)
    _knot("pct_start", pct_start, T)
    table = {int(pct_start * T): div, int(pct_final * T): 1.0 / div, T: 1.0 / fdiv}
    params = dict(lr=lr, total_steps=total_steps, transition_steps=T, peak_value=peak, pct_start=pct_start,
                  pct_final=pct_final, div_factor=div, final_div_factor=fdiv, jit=check.flag("jit", jit))
    bounds = sorted(table)
    return _schedule(_interpolate("linear", peak / div, table, xla.Arith(jit)), "optax.linear_onecycle_schedule", params,
                     check.marks(*((b, "knot") for b in bounds)), breaks=tuple(b + d for b in bounds for d in (0, 1)))


def cosine_onecycle_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    transition_steps: Steps | None = None,
    peak_value: float | None = None,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    jit: bool = True,
) -> Schedule:
    """optax.cosine_onecycle_schedule: cosine up to peak_value, cosine down, then flat.

    knots (0, P/d), (int(pct_start*T), P), (T, P/(d*fd))
    lr(t) = cosine interpolation between the knots; P/(d*fd) from t = T on.
    P = peak_value (default lr), T = transition_steps (default total_steps).

    It is piecewise_interpolate_schedule('cosine', P/d, {int(pct_start*T): d,
    T: 1/(d*fd)}). Quirks: the peak is at int(pct_start*T) and the end at T,
    one step later than torch's OneCycleLR; pct_start = 1 puts the peak knot
    on T, where it is overwritten by the end knot; pct_start > 1 puts it past
    T, as in optax (lrviz refuses only a negative pct or a knot past 2**53).
    """
    total_steps, T, peak, pct_start, div, fdiv = _onecycle_common(
        total_steps, transition_steps, peak_value, lr, pct_start, div_factor, final_div_factor)
    _knot("pct_start", pct_start, T)
    table = {int(pct_start * T): div, int(T): 1.0 / (div * fdiv)}
    params = dict(lr=lr, total_steps=total_steps, transition_steps=T, peak_value=peak, pct_start=pct_start,
                  div_factor=div, final_div_factor=fdiv, jit=check.flag("jit", jit))
    bounds = sorted(table)
    return _schedule(_interpolate("cosine", peak / div, table, xla.Arith(jit)), "optax.cosine_onecycle_schedule", params,
                     check.marks(*((b, "knot") for b in bounds)), breaks=tuple(b + d for b in bounds for d in (0, 1)))


def warmup_constant_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float = 0.0,
    peak_value: float | None = None,
    warmup_steps: Steps | None = None,
    jit: bool = True,
) -> Schedule:
    """optax.warmup_constant_schedule: linear warmup from init_value to peak_value, then constant.

    lr(t) = I + (P - I) * min(t, W) / W      (computed as (I - P) * (1 - min(t, W)/W) + P)
    I = init_value (default 0: a warmup from zero, which optax requires you to give),
    P = peak_value (default lr), W = warmup_steps (default 10% of total_steps).

    It is linear_schedule(I, P, W). Quirk: warmup_steps = 0 gives the constant
    init_value, not peak_value (optax's non-positive transition_steps rule).
    """
    total_steps = rules.total(total_steps)
    init_value = check.non_negative("init_value", init_value)
    peak_value = rules.lr_or("peak_value", peak_value, lr)
    warmup_steps = rules.int32_steps("warmup_steps", warmup_steps, total_steps // 10)
    jit = check.flag("jit", jit)
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, peak_value=peak_value, warmup_steps=warmup_steps,
                  jit=jit)
    return _schedule(_polynomial(init_value, peak_value, None, warmup_steps, 0, xla.Arith(jit)),
                     "optax.warmup_constant_schedule", params,
                     check.marks((warmup_steps, "end of warmup")) if warmup_steps > 0 else (), breaks=())


def warmup_cosine_decay_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float = 0.0,
    peak_value: float | None = None,
    warmup_steps: Steps | None = None,
    decay_steps: Steps | None = None,
    end_value: float = 0.0,
    exponent: float = 1.0,
    jit: bool = True,
) -> Schedule:
    """optax.warmup_cosine_decay_schedule: linear warmup, then cosine decay to end_value.

    t < W:   lr(t) = I + (P - I) * t / W
    t >= W:  c = min(t - W, D - W)
             lr(t) = P * ((1 - a) * (0.5 * (1 + cos(pi * c / (D - W)))) ** exponent + a),  a = E / P
    I = init_value (default 0: a warmup from zero, which optax requires you to give),
    P = peak_value (default lr), W = warmup_steps (default 10% of total_steps),
    D = decay_steps (default total_steps), E = end_value.

    It is join_schedules([linear_schedule(I, P, W), cosine_decay_schedule(P,
    D - W, E/P, exponent)], [W]). Quirks: decay_steps INCLUDES the warmup and
    must exceed warmup_steps (ValueError in optax); end_value is absolute
    (alpha = E/P, and 0 when P = 0); the value ends at E (to a float32 ulp) and
    stays there.
    """
    total_steps = rules.total(total_steps)
    init_value = check.non_negative("init_value", init_value)
    peak_value = rules.lr_or("peak_value", peak_value, lr)
    warmup_steps = rules.int32_steps("warmup_steps", warmup_steps, total_steps // 10)
    decay_steps = rules.int32_steps("decay_steps", decay_steps, total_steps)
    end_value = check.non_negative("end_value", end_value)
    exponent = check.non_negative("exponent", exponent)
    jit = check.flag("jit", jit)
    kernel = _warmup_cosine(init_value, peak_value, warmup_steps, decay_steps, end_value, exponent, "decay_steps",
                            xla.Arith(jit))
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, peak_value=peak_value, warmup_steps=warmup_steps,
                  decay_steps=decay_steps, end_value=end_value, exponent=exponent, jit=jit)
    marks = check.marks((warmup_steps, "end of warmup"), (decay_steps, "end of decay"))
    return _schedule(kernel, "optax.warmup_cosine_decay_schedule", params, marks, breaks=(warmup_steps, warmup_steps + 1))


def warmup_exponential_decay_schedule(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    init_value: float = 0.0,
    peak_value: float | None = None,
    warmup_steps: Steps | None = None,
    transition_steps: Steps | None = None,
    decay_rate: float = 0.1,
    transition_begin: Steps = 0,
    staircase: bool = False,
    end_value: float | None = None,
    jit: bool = True,
) -> Schedule:
    """optax.warmup_exponential_decay_schedule: linear warmup, then exponential_decay from peak_value.

    t < W:   lr(t) = I + (P - I) * t / W
    t >= W:  lr(t) = exponential_decay(P, T, r, B, staircase, end_value)(t - W)
    I = init_value (default 0), P = peak_value (default lr), W = warmup_steps
    (default 10% of total_steps), T = transition_steps (default total_steps - W,
    so that lr reaches P * r at total_steps), r = decay_rate (default 0.1).

    It is join_schedules([linear_schedule(I, P, W), exponential_decay(...)], [W]):
    the decay sees t - W, and B counts from the end of the warmup. Quirks as
    exponential_decay's (T = 0 or r = 0 hold P, rounded to float32 by the join).
    """
    total_steps = rules.total(total_steps)
    init_value = check.non_negative("init_value", init_value)
    peak_value = rules.lr_or("peak_value", peak_value, lr)
    warmup_steps = rules.int32_steps("warmup_steps", warmup_steps, total_steps // 10)
    transition_steps = rules.int32_steps("transition_steps", transition_steps, max(1, total_steps - warmup_steps))
    decay_rate = check.non_negative("decay_rate", decay_rate)
    transition_begin = rules.int32_steps("transition_begin", transition_begin, 0)
    staircase = check.flag("staircase", staircase)
    end_value = None if end_value is None else check.non_negative("end_value", end_value)
    jit = check.flag("jit", jit)
    ar = xla.Arith(jit)
    kernel = _join([_polynomial(init_value, peak_value, None, warmup_steps, 0, ar),
                    _exponential(peak_value, transition_steps, decay_rate, transition_begin, staircase, end_value, ar)],
                   [warmup_steps])
    params = dict(lr=lr, total_steps=total_steps, init_value=init_value, peak_value=peak_value, warmup_steps=warmup_steps,
                  transition_steps=transition_steps, decay_rate=decay_rate, transition_begin=transition_begin,
                  staircase=staircase, end_value=end_value, jit=jit)
    marks = check.marks((warmup_steps, "end of warmup"), (warmup_steps + transition_begin, "decay begins"))
    return _schedule(kernel, "optax.warmup_exponential_decay_schedule", params, marks,
                     breaks=(warmup_steps, warmup_steps + 1))


SGDR_KEYS = ("init_value", "peak_value", "warmup_steps", "decay_steps", "end_value", "exponent")


def sgdr_schedule(*, lr: float = 0.1, total_steps: Steps = 1000, cosine_kwargs: list[dict] | None = None,
                  jit: bool = True) -> Schedule:
    """optax.sgdr_schedule: warm restarts, one warmup_cosine_decay_schedule per dict, joined end to end.

    cycle k spans decay_steps_k steps and starts at S_k = decay_steps_0 + ... + decay_steps_(k-1):
    lr(t) = warmup_cosine_decay_schedule(**cosine_kwargs[k])(t - S_k)   for S_k <= t < S_(k+1)
    After the last cycle its end_value holds.

    Each dict takes init_value, peak_value, warmup_steps, decay_steps, end_value,
    exponent (see optax.warmup_cosine_decay_schedule); here init_value and
    peak_value default to lr, warmup_steps to 0, decay_steps to total_steps
    divided by the number of cycles, end_value to 0 and exponent to 1 (optax
    requires the first four). Default cosine_kwargs: three cycles filling
    total_steps, warming up from 0 over a tenth of each, with peaks lr, lr/2, lr/4.

    Quirks: every cycle restarts from its own init_value (0 gives a restart to
    0, not to the peak); decay_steps includes the cycle's warmup and must
    exceed it.
    """
    total_steps = rules.total(total_steps)
    lr = rules.lr(lr)
    if cosine_kwargs is None:
        n = min(3, total_steps)
        sizes = [total_steps // n] * (n - 1) + [total_steps - (n - 1) * (total_steps // n)]
        cosine_kwargs = [dict(init_value=0.0, peak_value=lr * 0.5**k, warmup_steps=size // 10, decay_steps=size)
                         for k, size in enumerate(sizes)]
    if not isinstance(cosine_kwargs, (list, tuple)) or not cosine_kwargs:
        raise ParameterError("cosine_kwargs", f"expected a non-empty list of mappings; got {cosine_kwargs!r}")
    cycles: list[dict[str, Any]] = []
    for i, raw in enumerate(cosine_kwargs):
        where = f"cosine_kwargs[{i}]"
        if not isinstance(raw, Mapping):
            raise ParameterError(where, f"expected a mapping of warmup_cosine_decay_schedule arguments; got {raw!r}")
        for key in raw:
            if key not in SGDR_KEYS:
                from ..errors import did_you_mean

                raise ParameterError(f"{where}.{key}", f"unknown argument of warmup_cosine_decay_schedule"
                                                       f"{did_you_mean(str(key), SGDR_KEYS)}")
        cycle: dict[str, Any] = {}
        for key, default in (("init_value", lr), ("peak_value", lr), ("end_value", 0.0), ("exponent", 1.0)):
            value = raw.get(key, default)
            cycle[key] = check.non_negative(f"{where}.{key}", as_number(f"{where}.{key}", value))
        for key, default in (("warmup_steps", 0), ("decay_steps", max(1, total_steps // len(cosine_kwargs)))):
            value = raw.get(key, default)
            steps = to_steps(value, param=f"{where}.{key}", total_steps=total_steps)
            cycle[key] = rules.int32_steps(f"{where}.{key}", steps, default)
        cycles.append(cycle)
    jit = check.flag("jit", jit)
    kernels = [_warmup_cosine(c["init_value"], c["peak_value"], c["warmup_steps"], c["decay_steps"], c["end_value"],
                              c["exponent"], f"cosine_kwargs[{i}].decay_steps", xla.Arith(jit))
               for i, c in enumerate(cycles)]
    starts = list(np.cumsum([0] + [c["decay_steps"] for c in cycles])[:-1].tolist())
    if starts[-1] > INT32_MAX:
        raise ParameterError("cosine_kwargs", f"the cycles must start within optax's int32 step counter; got {starts[-1]}")
    kernel = _join(kernels, starts[1:])
    marks = []
    breaks: list[int] = []
    for s, c in zip(starts, cycles):
        marks += [(s, "restart", "restart")] if s else []
        marks += [(s + c["warmup_steps"], "end of warmup")] if c["warmup_steps"] else []
        breaks += [s, s + 1, s + c["warmup_steps"], s + c["warmup_steps"] + 1]
    params = dict(lr=lr, total_steps=total_steps, cosine_kwargs=cycles, jit=jit)
    return _schedule(kernel, "optax.sgdr_schedule", params, check.marks(*marks), breaks=tuple(breaks))


def join_schedules(
    *, lr: float = 0.1, total_steps: Steps = 1000, schedules: list[Spec] | None = None,
    boundaries: list[Steps] | None = None,
) -> Schedule:
    """optax.join_schedules: schedule k from boundary k on, each on its own local step.

    out = s_0(t); then for each (b_k, s_k) in zip(boundaries, schedules[1:]):
        out = s_k(t - b_k) where t >= b_k
    so with increasing boundaries lr(t) = s_k(t - b_k) for b_k <= t < b_(k+1).

    schedules are nested specs, meant to be optax.* twins (any lrviz schedule is
    accepted; its values are rounded to float32 as jnp.where rounds them).
    Child k is built over its own span (b_(k+1) - b_k, the last one up to
    total_steps) with lr as its default value. Default: optax.linear_schedule
    from 0 to lr over 10% of total_steps, then optax.cosine_decay_schedule;
    boundaries default to equal parts of total_steps.

    Quirks: the pairs come from zip(), so extra schedules or extra boundaries
    are silently ignored; boundaries need not increase (a later pair wins);
    with one boundary or more every value passes through jnp.where, which
    rounds Python floats (constant_schedule) to float32.
    """
    total_steps = rules.total(total_steps)
    lr = rules.lr(lr)
    if schedules is None:
        head = total_steps // 10
        schedules = [linear_schedule(lr=lr, total_steps=max(1, head), init_value=0.0, end_value=lr, transition_steps=head),
                     cosine_decay_schedule(lr=lr, total_steps=max(1, total_steps - head))]
        if boundaries is None:
            boundaries = [head]
    if not isinstance(schedules, (list, tuple)) or not schedules:
        raise ParameterError("schedules", "needs at least one schedule")
    if boundaries is None:
        n = len(schedules)
        boundaries = [k * total_steps // n for k in range(1, n)]
    if not isinstance(boundaries, (list, tuple)):
        raise ParameterError("boundaries", f"expected a list of steps; got {boundaries!r}")
    boundaries = [rules.int32_steps(f"boundaries[{i}]", b, 0) for i, b in enumerate(boundaries)]
    used = min(len(boundaries), len(schedules) - 1)
    starts = [0] + boundaries[:used]
    children: list[Schedule] = []
    for k, child in enumerate(schedules):
        if k <= used:
            end = starts[k + 1] if k < used else total_steps
            span = end - starts[k] if end - starts[k] >= 1 else max(1, total_steps - starts[k])
        else:
            span = total_steps
        children.append(realize(child, total_steps=span, lr=lr))
    kernels: list[Kernel] = [c.kernel for c in children]
    kernel = _join(kernels, boundaries)
    marks: list[tuple[int, str]] = []
    breaks: list[int] | None = []
    for start, child in zip(starts, children[: used + 1]):
        if start:
            marks.append((start, f"{child.name} starts"))
        marks.extend(m._replace(step=start + m.step) for m in child.marks)
        shifted = _shift(child.breaks, start)
        if shifted is None or breaks is None:
            breaks = None
        else:
            breaks += [start, start + 1, *shifted]
    params = dict(lr=lr, total_steps=total_steps, schedules=children, boundaries=boundaries)
    return _schedule(kernel, "optax.join_schedules", params, check.marks(*marks),
                     breaks=None if breaks is None else tuple(breaks))


# --------------------------------------------------------------------------------------------------
# O15: reduce_on_plateau


def _int32(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        value = check.number(name, value)
        if value != math.floor(value):
            raise ParameterError(name, f"expected a whole number; got {value:g}")
    value = int(value)
    if not -(2**31) <= value <= INT32_MAX:
        raise ParameterError(name, f"must fit an int32; got {value}")
    return value


def reduce_on_plateau(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    metrics: Metrics | None = None,
    factor: float = 0.1,
    patience: int = 10,
    rtol: float = 1e-4,
    atol: float = 0.0,
    cooldown: int = 0,
    accumulation_size: int = 1,
    min_scale: float = 0.0,
) -> Schedule:
    """optax.contrib.reduce_on_plateau: lr times the scale it keeps, reduced when the metric stalls.

    optax returns a SCALE that multiplies the updates; the twin's value is
    lr(t) = lr * scale(t), where scale(t) is the scale after update_fn has seen
    metrics[0..t] (the value passed with update t + 1). Per metric value v:
        count += 1; avg = (count_before * avg + v) / count         (float32)
        when count == accumulation_size (then count = 0, avg = 0):
            improved = avg < (1 - rtol) * best - atol;  if improved: best = avg
            plateau = 0 if improved else plateau + 1
            in cooldown (cooldown_count > 0): plateau = 0, cooldown_count -= 1
            otherwise: if plateau == patience: scale *= factor, plateau = 0,
                       cooldown_count = cooldown (else cooldown_count = 0);
                       scale = max(scale, min_scale)
    best starts at +inf, scale at 1. After the last metric the scale holds.
    Without metrics: a demo metric for steps 0..min(total_steps, 100000) (the
    cap keeps a billion-step build instant; the scale holds after it) that
    improves by 1% a step except for three stalls of patience (times
    accumulation_size) steps at 25%, 50% and 75% of that span, so the default
    curve shows one reduction per stall.

    Quirks: the reduction comes on the patience-th non-improving value
    (torch's ReduceLROnPlateau waits for one more); patience = 0 reduces on
    every IMPROVING value instead and never again on a plateau; best keeps
    improving during cooldown; rtol = 1 makes (1 - rtol) * inf a NaN, so
    nothing ever improves; accumulation_size <= 0 never updates (scale 1);
    min_scale > the scale RAISES the scale at the first update outside
    cooldown; a NaN metric never improves. factor must be in (0, 1), rtol in
    [0, 1], atol >= 0 and not both tolerances 0 (ValueError in optax).
    """
    total_steps = rules.total(total_steps)
    lr = rules.lr(lr)
    factor = check.between("factor", factor, 0.0, 1.0, open_lo=True, open_hi=True)
    rtol = check.between("rtol", rtol, 0.0, 1.0)
    atol = check.non_negative("atol", atol)
    if rtol == 0.0 and atol == 0.0:
        raise ParameterError("atol", "at least one of rtol or atol must be positive (ValueError in optax)")
    patience = _int32("patience", patience)
    cooldown = _int32("cooldown", cooldown)
    accumulation_size = _int32("accumulation_size", accumulation_size)
    min_scale = check.number("min_scale", min_scale)
    if metrics is None:
        values = _demo_metric(min(total_steps, DEMO_METRIC_MAX), patience, accumulation_size)
    else:
        if not isinstance(metrics, (list, tuple)):
            raise ParameterError("metrics", f"expected a list of numbers; got {metrics!r}")
        values = []
        for i, v in enumerate(metrics):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise ParameterError(f"metrics[{i}]", f"expected a number; got {v!r}")
            values.append(float(v))
    scales = _plateau_scales(values, factor, patience, rtol, atol, cooldown, accumulation_size, min_scale)
    table = lr * scales.astype(np.float64) if len(scales) else np.asarray([lr])
    last = len(table) - 1

    def f(t: np.ndarray) -> np.ndarray:
        return table[np.minimum(t, last)]

    changes = np.flatnonzero(scales[1:] != scales[:-1]) + 1
    marks = check.marks(*((int(s), f"x{float(scales[s]) / float(scales[s - 1]):.3g}", "drop") for s in changes[:100]))
    monotone = len(scales) < 2 or bool(np.all(np.diff(scales) <= 0))
    params = dict(lr=lr, total_steps=total_steps, metrics=None if metrics is None else values, factor=factor,
                  patience=patience, rtol=rtol, atol=atol, cooldown=cooldown, accumulation_size=accumulation_size,
                  min_scale=min_scale)
    return Schedule(f, kernel=engine.table(table), name="optax.contrib.reduce_on_plateau", params=params, marks=marks[:100],
                    breaks=() if monotone else None)


DEMO_METRIC_MAX = 100_000  # length cap of the default metric series (as torch's twins)


def _demo_metric(total_steps: int, patience: int, accumulation_size: int) -> list[float]:
    """The default metric: 1% better every step, except three stalls (at 25%, 50%, 75% of total_steps)."""
    stall = max(patience, 1) * max(accumulation_size, 1)
    t = np.arange(total_steps + 1)
    stalled = np.zeros(total_steps + 1, dtype=bool)
    for q in (1, 2, 3):
        start = q * total_steps // 4
        stalled[start:start + stall] = True
    progress = np.cumsum(~stalled) - (~stalled)[0]
    return (0.99 ** progress.astype(np.float64)).tolist() if len(t) else []


def _plateau_scales(values: list[float], factor: float, patience: int, rtol: float, atol: float, cooldown: int,
                    accumulation_size: int, min_scale: float) -> np.ndarray:
    """The float32 scale after each metric value, as optax's update_fn computes it (a loop over metrics)."""
    out = np.empty(len(values), dtype=F32)
    keep, atol32, factor32, floor32 = F32(1 - rtol), F32(atol), F32(factor), F32(min_scale)
    scale, best, avg = F32(1.0), F32(np.inf), F32(0.0)
    plateau = cooling = count = 0
    with np.errstate(all="ignore"):
        for i, v in enumerate(values):
            new_count = min(count + 1, INT32_MAX)
            avg = F32(F32(F32(count) * avg + F32(v)) / F32(new_count))
            count = new_count
            if count == accumulation_size:
                improved = bool(avg < F32(F32(keep * best) - atol32))
                if improved:
                    best = avg
                current = 0 if improved else min(plateau + 1, INT32_MAX)
                if cooling > 0:
                    plateau, cooling = 0, cooling - 1
                else:
                    hit = current == patience
                    plateau = 0 if hit else current
                    scale = max(F32(scale * factor32) if hit else scale, floor32)
                    cooling = cooldown if hit else 0
                count, avg = 0, F32(0.0)
            out[i] = scale
    return out


TWINS: dict[str, tuple[Callable, str]] = {
    "optax.constant_schedule": (constant_schedule, "optax: the same value at every step"),
    "optax.polynomial_schedule": (polynomial_schedule, "optax: polynomial from init_value to end_value, held at both ends"),
    "optax.linear_schedule": (linear_schedule, "optax: linear from init_value to end_value, held at both ends"),
    "optax.piecewise_constant_schedule": (piecewise_constant_schedule,
                                          "optax: init_value times cumulative scales at boundaries"),
    "optax.exponential_decay": (exponential_decay, "optax: init_value * decay_rate^((t-B)/T), staircase, end_value bound"),
    "optax.cosine_decay_schedule": (cosine_decay_schedule, "optax: cosine to alpha*init_value, then flat"),
    "optax.piecewise_interpolate_schedule": (piecewise_interpolate_schedule,
                                             "optax: linear/cosine interpolation between cumulative knots"),
    "optax.linear_onecycle_schedule": (linear_onecycle_schedule, "optax: three-phase linear one-cycle"),
    "optax.cosine_onecycle_schedule": (cosine_onecycle_schedule, "optax: cosine one-cycle (peak at int(pct_start*T))"),
    "optax.warmup_constant_schedule": (warmup_constant_schedule, "optax: linear warmup, then constant"),
    "optax.warmup_cosine_decay_schedule": (warmup_cosine_decay_schedule,
                                           "optax: linear warmup, then cosine to end_value (decay_steps includes warmup)"),
    "optax.warmup_exponential_decay_schedule": (warmup_exponential_decay_schedule,
                                                "optax: linear warmup, then exponential decay"),
    "optax.sgdr_schedule": (sgdr_schedule, "optax: warm restarts, one warmup-cosine cycle per dict"),
    "optax.join_schedules": (join_schedules, "optax: schedules one after another, each on its local step"),
    "optax.contrib.reduce_on_plateau": (reduce_on_plateau, "optax: lr times a scale reduced when the metric stalls"),
}

MODE = ("jit (a twin parameter, not optax's): true, the default, gives the values as a training step runs the "
        "schedule, per step inside jax.jit with a scalar int32 count (XLA: a division by a constant is a product with "
        "the rounded reciprocal, multiply-adds are fused, Python-float constants come out as float32); false gives the "
        "eager call schedule(t) (also jax.vmap outside jit)")
"""The evaluation modes, as ``lrviz show`` states them for every optax twin."""

_EXACT = ("bit for bit with optax 0.2.8 in both modes (jit: true, per step under jax.jit; jit: false, eager) on "
          "every recorded step (tests/golden/optax.json) and in 210 random draws per mode")
_ULP = ("bit for bit with optax 0.2.8 at 99% of the recorded steps in both modes; elsewhere XLA's own float32 "
        "{fns} can be an ulp off the correctly rounded value the twin computes: measured at most 1.7e-7 of the peak "
        "(largest: 1.64e-7, eager cosine_decay; 1.28e-7 under jit) over tests/golden/optax.json (incl. runs of "
        "1e5-1e6 steps) and 210 random draws per mode (61,000 steps); the fixtures allow 4e-7 of the peak. NaN "
        "where optax gives NaN, at the same steps, in every draw")
AGREEMENT = {
    "optax.constant_schedule": _EXACT,
    "optax.linear_schedule": _EXACT,
    "optax.piecewise_constant_schedule": _EXACT,
    "optax.linear_onecycle_schedule": _EXACT,
    "optax.warmup_constant_schedule": _EXACT,
    "optax.join_schedules": "as its children (bit for bit where they are)",
    "optax.contrib.reduce_on_plateau": "bit for bit with optax 0.2.8 (one jitted update per metric)",
    "optax.polynomial_schedule": _ULP.format(fns="pow (a non-integer or odd power)"),
    "optax.exponential_decay": _ULP.format(fns="pow"),
    "optax.cosine_decay_schedule": _ULP.format(fns="cos and pow"),
    "optax.piecewise_interpolate_schedule": _ULP.format(fns="cos (the cosine type; the linear type is exact)"),
    "optax.cosine_onecycle_schedule": _ULP.format(fns="cos"),
    "optax.warmup_cosine_decay_schedule": _ULP.format(fns="cos and pow"),
    "optax.warmup_exponential_decay_schedule": _ULP.format(fns="pow"),
    "optax.sgdr_schedule": _ULP.format(fns="cos and pow"),
}
"""What :func:`lrviz.analysis.describe.describe` (``lrviz show``) says of each twin's agreement with optax."""

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "optax.polynomial_schedule": {"floor": "end_value"},
    "optax.linear_schedule": {"floor": "end_value"},
    "optax.exponential_decay": {"floor": "end_value"},
    "optax.warmup_constant_schedule": {"warmup": "warmup_steps"},
    "optax.warmup_cosine_decay_schedule": {"floor": "end_value", "warmup": "warmup_steps"},
    "optax.warmup_exponential_decay_schedule": {"floor": "end_value", "warmup": "warmup_steps"},
}
