"""Twins of timm's schedulers (``timm.scheduler``): ``timm.cosine``, ``timm.tanh``,
``timm.step``, ``timm.multistep``, ``timm.poly`` and ``timm.plateau`` (``timm.wsd`` and
``timm.rsqrt``, timm's WSDLRScheduler, are in :mod:`lrviz.twins.timm_wsd`).

Checked against timm 1.0.31 on torch 2.13.0 (``tests/golden/make_timm.py``).

Step convention. timm is told the step explicitly: ``scheduler.step(t)`` (with
``t_in_epochs=True``, once per epoch) or ``scheduler.step_update(t)`` (with
``t_in_epochs=False``, once per update). Which of the two the training loop
drives is the caller's choice and does not change the curve: the twin's step
``t`` is timm's ``t``, and the value at ``t`` is the lr that call sets. (Right
after construction, before any call, timm has set the noise-free
``warmup_lr_init``, or the base lr when there is no warmup; that equals the
twin's ``t = 0`` except for tanh, whose formula starts at 0.99999917 * lr, and
when noise applies at ``t = 0``; timm.multistep's ``t = 0`` is that construction
lr, as step(0) would already decay a milestone at 0 or 1.) timm's own ``train.py`` calls ``step(epoch + 1)``
at the end of each epoch, so epoch ``e`` trains with the value at ``t = e``.

Per epoch, as timm users write it: ``t_in_epochs: true`` (timm's own default)
with the config's ``steps_per_epoch`` (or ``updates_per_epoch``, the name
``create_scheduler_v2`` gives it) draws the run per update as train.py steps
it: t_initial, warmup_t, decay_t count epochs, update ``u`` trains at the value
of epoch ``u // updates_per_epoch``, and epoch 0 at the construction lr
(``warmup_lr_init``, or lr). Without it, ``t`` is timm's ``t`` itself.

Noise. timm seeds a fresh ``torch.Generator`` with ``noise_seed + t`` and draws
``torch.randn(1)`` (redrawn until ``|n * noise_std| < noise_pct``) or
``torch.rand(1)``; the lr becomes ``lr + lr * noise``. The twin reproduces
torch's CPU generator in numpy: MT19937 seeded with the low 32 bits of the seed,
``random64() = (out1 << 32) | out2``, doubles from the low 53 bits, Box-Muller
``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1``, first ``r cos theta`` then the
cached ``r sin theta``, each rounded to float32; ``rand`` = low 24 bits of one
output / 2**24. Exact, except that numpy's log1p/cos/sin may differ from the C
library's by one ulp of a double, which changes the float32 result only when
that ulp straddles a float32 rounding boundary (about 1e-9 per draw; none seen
in the fixtures).

Precision. The twins repeat timm's float operations in the same order, so
most values are bit-identical; the cycle index, where timm's ``floor(log(...))``
decides a restart, is recomputed with Python's own ``math.log`` wherever numpy's
log could round differently (so the float-log misses are reproduced exactly).
numpy's ``tanh`` and ``pow`` may differ from the C library's by an ulp: relative
1e-14 at most for the usual parameters, and about 1e-15 * lr absolute where
``1 - tanh(x)`` cancels (tanh with a large ``ub``).

About 670 lines: one library; torch's generator, which the noise needs, is
:mod:`lrviz.twins._torch_rng`. ``cosine_lr``, ``tanh_lr`` and ``poly_lr``
repeat timm's 17-parameter signature (the registry reads a twin's parameters
from its signature) and share their body, ``_cyclic``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..errors import ParameterError, StepError
from ..schedules._base import Schedule
from ..schedules import _checks as check
from ..schedules import _engine as engine
from . import _checks as rules
from ._checked import refuse
from ._torch_rng import _U32, torch_noise

from ..kinds import Duration, Steps, Metrics

_MAX_TABLE = 4096  # distinct exponents / cycles computed with Python's own pow
_MAX_MARKS = 100
_MAX_BREAK_CYCLES = 1000


# ---------------------------------------------------------------------------
# shared pieces of timm's Scheduler
# ---------------------------------------------------------------------------


def _metric_values(metrics: list) -> list[float]:
    """The metrics as floats; NaN and inf are kept (timm passes them on to torch, where NaN never improves)."""
    from ..params import metrics as metric_series

    return metric_series("metrics", list(metrics))


def _noise_range(value: Any) -> list[int | float] | int | float | None:
    """timm's ``noise_range_t``: a bare ``n`` (or ``[n]``) for t >= n, ``[lo, hi]`` for lo <= t < hi.

    The bounds may be fractional, as ``create_scheduler_v2`` makes them
    (``noise=[0.07, 0.9]`` over 100 epochs gives ``[7.000000000000001, 90.0]``):
    timm compares the integer t with them, so noise starts at epoch 8 there.
    ``[n]`` is create_scheduler_v2's one-element spelling, which it unwraps to n
    (timm's Scheduler given ``[n]`` itself would raise IndexError at the first step).
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if len(value) not in (1, 2):
            raise ParameterError("noise_range_t", f"expected n, [start] or [start, end] (noise for start <= t < end); "
                                                  f"got {value!r}")
        return [rules.duration(f"noise_range_t[{i}]", v) for i, v in enumerate(value)]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError("noise_range_t", f"expected n, [start] or [start, end] (noise for start <= t < end); "
                                              f"got {value!r}")
    return rules.duration("noise_range_t", value)


class _Noise:
    """The noise rule of timm's Scheduler base, checked once at build time."""

    def __init__(self, noise_range_t: Any, noise_type: str, noise_pct: Any, noise_std: Any, noise_seed: Any):
        self.range = _noise_range(noise_range_t)
        self.type = check.choice("noise_type", noise_type, ("normal", "uniform"))
        self.pct = check.number("noise_pct", noise_pct)
        self.std = check.number("noise_std", noise_std)
        if isinstance(noise_seed, bool) or not isinstance(noise_seed, (int, np.integer)):
            raise ParameterError("noise_seed", f"expected a whole number; got {noise_seed!r}")
        self.seed = int(noise_seed)
        if self.range is not None and not 0 <= self.pct < 1:
            raise ParameterError("noise_pct", "must be in [0, 1): timm sets lr + lr * noise with |noise| < noise_pct "
                                 "(normal: redrawn until so; uniform: 2 * (U - 0.5) * noise_pct), so 1 or more can "
                                 f"take the lr to 0 or below; got {self.pct:g}")
        if self.range is not None and self.type == "normal":
            if self.pct <= 0:
                raise ParameterError("noise_pct", f"must be > 0: timm redraws until |noise| < noise_pct and would never stop; "
                                     f"got {self.pct:g}")
            if self.std != 0 and self.pct / abs(self.std) < 1e-4:
                raise ParameterError("noise_pct", "noise_pct / |noise_std| below 1e-4 makes timm redraw about "
                                     f"{0.8 * abs(self.std) / self.pct:.0e} times per step; refused")

    @property
    def active(self) -> bool:
        return self.range is not None

    def mask(self, t: np.ndarray) -> np.ndarray:
        if self.range is None:
            return np.zeros(t.shape, dtype=bool)
        if not isinstance(self.range, list):
            return t >= self.range
        if len(self.range) == 1:
            return t >= self.range[0]
        return (t >= self.range[0]) & (t < self.range[1])

    def draw(self, t: np.ndarray) -> np.ndarray:
        """The noise timm draws at each step of ``t`` (all assumed inside the range)."""
        if t.size == 0:
            return np.zeros(0)
        hi, lo = self.seed + int(t.max()), self.seed + int(t.min())
        if hi >= 2**64 or lo < -(2**63):
            bad = int(t.max()) if hi >= 2**64 else int(t.min())
            raise StepError(f"timm seeds torch.Generator with noise_seed + t = {self.seed + bad} at step {bad}: "
                            "Overflow when unpacking long long")
        unique, inverse = np.unique(t, return_inverse=True)
        seeds = (unique.astype(np.uint64) + np.uint64(self.seed % 2**64)) & _U32  # mt19937 keeps the low 32 bits
        return torch_noise(seeds, self.type, self.pct, self.std)[inverse].reshape(t.shape)

    def apply(self, t: np.ndarray, lr: np.ndarray) -> np.ndarray:
        """``lr + lr * noise`` where the noise applies (timm's order of operations)."""
        if self.range is None:
            return lr
        where = np.flatnonzero(self.mask(t))
        if where.size:
            noise = self.draw(t[where])
            lr[where] = lr[where] + lr[where] * noise
        return lr

    def params(self) -> dict[str, Any]:
        return dict(noise_range_t=self.range, noise_pct=self.pct, noise_std=self.std, noise_seed=self.seed)


def _py_pow(base: float, exponents: np.ndarray) -> np.ndarray:
    """``base ** e`` for whole exponents as Python computes it (C pow), one call per distinct exponent.

    Falls back to numpy's pow (which may differ by an ulp) beyond _MAX_TABLE distinct exponents.
    An overflow (Python's OverflowError) gives inf, reported by the caller.
    """
    if exponents.dtype.kind in "iu" and exponents.size and int(exponents.max()) - int(exponents.min()) < _MAX_TABLE:
        # a short range of whole exponents: a table over it, no sort
        low = int(exponents.min())
        unique = np.arange(low, int(exponents.max()) + 1, dtype=exponents.dtype)
        inverse = exponents - low
    else:
        unique, inverse = np.unique(exponents, return_inverse=True)
    if unique.size > _MAX_TABLE:
        with np.errstate(over="ignore"):
            return np.power(base, exponents.astype(np.float64))
    table = np.empty(unique.size)
    for k, e in enumerate(unique.tolist()):
        try:
            table[k] = base ** e
        except OverflowError:
            table[k] = math.inf
        except ZeroDivisionError:
            table[k] = math.nan
    return table[inverse].reshape(exponents.shape)


def _in_place(kind: str, t_curr: np.ndarray, t_i: float, lr_min: float, lr_max: float, power: float) -> np.ndarray:
    """The cosine or poly value of one cycle (numbers t_i and lr_max), in t_curr's own buffer, in timm's order:
    cosine lr_min + 0.5 * (lr_max - lr_min) * (1 + cos(pi * t_curr / t_i)),
    poly   lr_min + (lr_max - lr_min) * (1 - t_curr / t_i) ** power."""
    x = t_curr
    if kind == "cosine":
        x *= math.pi
        x /= t_i
        np.cos(x, out=x)
        x += 1
        x *= 0.5 * (lr_max - lr_min)
    else:
        x /= t_i
        np.subtract(1, x, out=x)
        if power == 0.5:
            np.sqrt(x, out=x)
        elif power != 1:
            np.power(x, power, out=x)
        x *= lr_max - lr_min
    x += lr_min
    return x


def _first_bad(t: np.ndarray, bad: np.ndarray, reason: str) -> None:
    refuse(t, bad, lambda step: f"timm fails at step {step}: {reason}")


def _warmup(lr: float, warmup_t: int, warmup_lr_init: float, target: float) -> Callable[[np.ndarray], np.ndarray]:
    step = (target - warmup_lr_init) / warmup_t if warmup_t else 1.0

    def f(t: np.ndarray) -> np.ndarray:
        return warmup_lr_init + t.astype(np.float64) * step

    return f


def _base_checks(lr: Any, total_steps: Any, warmup_t: Any, warmup_lr_init: Any) -> tuple[float, int, int, float]:
    # timm accepts any warmup_lr_init (only tanh asserts >= 0)
    return (rules.lr(lr), rules.total(total_steps), check.steps("warmup_t", warmup_t),
            rules.not_negative("warmup_lr_init", warmup_lr_init, "a negative value starts the warmup at a negative lr"))


# ---------------------------------------------------------------------------
# cycle bookkeeping shared by cosine, tanh and poly
# ---------------------------------------------------------------------------


def _cycle_index(t: np.ndarray, t_initial: int, cycle_mul: float) -> np.ndarray:
    """timm's ``floor(log(1 - t/T0*(1 - m), m))`` with its float misses; t are already shifted."""
    with np.errstate(over="ignore"):
        arg = 1.0 - t.astype(np.float64) / t_initial * (1.0 - cycle_mul)
    _first_bad(t, arg <= 0, f"math domain error (the cycle index takes log(1 - t/t_initial*(1 - cycle_mul)) "
               f"with cycle_mul={cycle_mul:g}, defined only for t < t_initial/(1 - cycle_mul))")
    with np.errstate(over="ignore"):
        q = np.log(arg) / math.log(cycle_mul)
    _first_bad(t, ~np.isfinite(q), "OverflowError: cannot convert float infinity to integer (the cycle index)")
    index = np.floor(q)
    # numpy's log may differ from the C library's by an ulp: redo with Python's math.log
    # wherever that could move the floor (only at or next to cycle boundaries)
    near = np.flatnonzero(np.abs(q - np.rint(q)) <= 1e-9 * np.maximum(1.0, np.abs(q)))
    if near.size:
        values, inverse = np.unique(arg[near], return_inverse=True)
        exact = np.array([math.floor(math.log(v, cycle_mul)) for v in values.tolist()], dtype=np.float64)
        index[near] = exact[inverse]
    return index.astype(np.int64)


def _cycles(t: np.ndarray, t_initial: int, cycle_mul: float, cycle_decay: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(i, t_i, t_curr, gamma = cycle_decay**i) as timm computes them."""
    if cycle_mul == 1:
        index = t // t_initial
        t_curr = (t - t_initial * index).astype(np.float64)
        t_i = np.full(t.shape, float(t_initial))
    else:
        index = _cycle_index(t, t_initial, cycle_mul)
        powers = _py_pow(cycle_mul, index)
        with np.errstate(over="ignore", invalid="ignore"):  # Python's float * and / give inf here without raising
            t_i = powers * t_initial
            t_curr = t - (1 - powers) / (1 - cycle_mul) * t_initial
    return index, t_i, t_curr, _py_pow(cycle_decay, index)


def _cycle_starts(t_initial: int, cycle_mul: float, cycles: int) -> list[float]:
    """Start of cycles 0..cycles (exact arithmetic, not timm's float log), stopping early when they converge."""
    starts, start, length = [0.0], 0.0, float(t_initial)
    for _ in range(cycles):
        start += length
        length *= cycle_mul
        if not math.isfinite(start) or (cycle_mul < 1 and length < 1e-9):
            break
        starts.append(start)
    return starts


def _cyclic_marks_breaks(warmup_t: int, warmup_prefix: bool, t_initial: int, cycle_mul: float, cycle_limit: int,
                         total_steps: int, noisy: bool) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...] | None]:
    shift = warmup_t if warmup_prefix else 0
    cycles = max(0, min(cycle_limit, 10**6))
    starts = _cycle_starts(t_initial, cycle_mul, min(cycles, _MAX_BREAK_CYCLES + 1))
    pairs: list[tuple[Any, str]] = [(warmup_t, "end of warmup")] if warmup_t else []
    for k, s in enumerate(starts[1:], 1):
        label = "lr_min" if k == cycles else "restart"
        pairs.append((math.ceil(s) + shift, label, "phase" if k == cycles else "restart"))
    marks = check.marks(*pairs, limit=total_steps)[:_MAX_MARKS]
    if noisy or cycles > _MAX_BREAK_CYCLES or (cycle_mul < 1 and len(starts) <= cycles):
        return marks, None
    breaks = {warmup_t, warmup_t + 1}
    for s in starts[1:]:
        # a float-log miss gives lr_min one step late: allow a new piece on both sides of the boundary
        breaks.update({math.floor(s) + shift, math.ceil(s) + shift, math.ceil(s) + shift + 1})
    return marks, tuple(sorted(b for b in breaks if 0 < b < 2**62))


def _cyclic(kind: str, *, lr: float, total_steps: int, t_initial: int | None, lr_min: float, cycle_mul: float,
            cycle_decay: float, cycle_limit: int, warmup_t: int, warmup_lr_init: float, warmup_prefix: bool,
            noise: _Noise, k_decay: float = 1.0, power: float = 0.5, lb: float = -7.0, ub: float = 3.0
            ) -> tuple[Callable[[np.ndarray], np.ndarray], dict[str, Any], tuple, tuple | None]:
    t_initial = total_steps if t_initial is None else check.steps("t_initial", t_initial, minimum=1)
    lr_min = check.non_negative("lr_min", lr_min)
    cycle_mul = check.positive("cycle_mul", cycle_mul)
    cycle_decay = check.number("cycle_decay", cycle_decay)
    if isinstance(cycle_limit, bool) or not isinstance(cycle_limit, (int, np.integer)):
        raise ParameterError("cycle_limit", f"expected a whole number; got {cycle_limit!r}")
    cycle_limit = int(cycle_limit)
    warmup_prefix = check.flag("warmup_prefix", warmup_prefix)
    k_decay = check.number("k_decay", k_decay)
    power = check.number("power", power)

    def one_cycle(t: np.ndarray):
        """(i, t_i, t_curr, gamma) as scalars but t_curr, when every step of ``t`` is in one cycle of a
        constant length (cycle_mul = 1): the same floats as :func:`_cycles` gives per step; else None."""
        if cycle_mul != 1 or not t.size:
            return None
        i = int(t.min()) // t_initial
        if int(t.max()) // t_initial != i:
            return None
        t_curr = (t - t_initial * i).astype(np.float64)
        return i, float(t_initial), t_curr, float(_py_pow(cycle_decay, np.asarray([i], dtype=np.int64))[0])

    def core(t: np.ndarray) -> np.ndarray:
        """timm's ``_get_lr`` past warmup, on the (already shifted) step."""
        single = one_cycle(t)
        if single is not None:  # one cycle: its index, length and decay are numbers, not arrays
            index, t_i, t_curr, gamma = single
            if kind != "tanh" and math.isinf(gamma):
                _first_bad(t, np.ones(t.shape, dtype=bool), "OverflowError: (34, 'Numerical result out of range') "
                                                            "(cycle_decay ** i)")
            if not index < cycle_limit:
                return np.full(t.shape, lr_min)
            everywhere, lr_max = True, lr * gamma
        else:
            index, t_i, t_curr, gamma = _cycles(t, t_initial, cycle_mul, cycle_decay)
            if kind != "tanh":  # cosine and poly compute cycle_decay ** i before testing cycle_limit
                _first_bad(t, np.isinf(gamma), "OverflowError: (34, 'Numerical result out of range') (cycle_decay ** i)")
            active = index < cycle_limit
            out = np.full(t.shape, lr_min)
            if not active.any():
                return out
            everywhere = bool(active.all())  # then no step needs to be picked out (the same values)
            if everywhere:
                lr_max = lr * gamma
            else:
                t_i, t_curr, lr_max = t_i[active], t_curr[active], lr * gamma[active]
        with np.errstate(all="ignore"):
            if single is not None and k_decay == 1 and kind != "tanh":
                vals = _in_place(kind, t_curr, t_i, lr_min, lr_max, power)
            elif kind == "tanh":
                tr = t_curr / t_i
                vals = lr_min + 0.5 * (lr_max - lr_min) * (1 - np.tanh(lb * (1.0 - tr) + ub * tr))
            else:
                if k_decay < 0:
                    _first_bad(t if everywhere else t[active], t_curr == 0, "0.0 cannot be raised to a negative power (k_decay < 0 at a cycle start)")
                ratio = t_curr / t_i if k_decay == 1 else np.power(t_curr, k_decay) / np.power(t_i, k_decay)
                if kind == "cosine":
                    angle = math.pi * t_curr / t_i if k_decay == 1 else math.pi * np.power(t_curr, k_decay) / np.power(t_i, k_decay)
                    vals = lr_min + 0.5 * (lr_max - lr_min) * (1 + np.cos(angle))
                else:
                    base = 1 - ratio
                    if power == 0.5:
                        scaled = np.sqrt(base)
                    elif power == 1:
                        scaled = base
                    else:
                        scaled = np.power(base, power)
                    vals = lr_min + (lr_max - lr_min) * scaled
        if not (vals.size and math.isfinite(vals.min()) and math.isfinite(vals.max())):  # NaN propagates to both
            _first_bad(t if everywhere else t[active], ~np.isfinite(vals),
                       "Python raises (OverflowError, ZeroDivisionError) or gives a complex lr here")
        if everywhere:
            return vals
        out[active] = vals
        return out

    target = lr
    if warmup_t and kind == "tanh" and not warmup_prefix:
        try:
            target = float(core(np.asarray([warmup_t], dtype=np.int64))[0])
        except StepError as err:
            raise ParameterError("warmup_t", f"timm fails when it is built: {err}") from None
    ramp = _warmup(lr, warmup_t, warmup_lr_init, target)
    shift = warmup_t if warmup_prefix else 0

    def f(t: np.ndarray) -> np.ndarray:
        if not warmup_t or (t.size and int(t.min()) >= warmup_t):  # past the warmup: no step to pick out
            return noise.apply(t, np.asarray(core(t - shift if shift else t), dtype=np.float64))
        out = np.empty(t.shape, dtype=np.float64)
        warm = t < warmup_t
        if warm.any():
            out[warm] = ramp(t[warm])
        rest = ~warm
        if rest.any():
            out[rest] = core(t[rest] - shift)
        return noise.apply(t, out)

    params = dict(lr=lr, total_steps=total_steps, t_initial=t_initial, lr_min=lr_min, cycle_mul=cycle_mul,
                  cycle_decay=cycle_decay, cycle_limit=cycle_limit, warmup_t=warmup_t, warmup_lr_init=warmup_lr_init,
                  warmup_prefix=warmup_prefix)
    marks, breaks = _cyclic_marks_breaks(warmup_t, warmup_prefix, t_initial, cycle_mul, cycle_limit, total_steps, noise.active)
    return f, params, marks, breaks


# ---------------------------------------------------------------------------
# factories
# ---------------------------------------------------------------------------


def cosine_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    t_initial: Steps | None = None,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    noise_range_t: Duration | list[Duration] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
) -> Schedule:
    """timm CosineLRScheduler (cosine with restarts, warmup, k-decay, noise).

    Warmup (t < warmup_t): warmup_lr_init + t * (lr - warmup_lr_init) / warmup_t.
    Then t' = t - warmup_t if warmup_prefix else t, and with T0 = t_initial
    (default total_steps), m = cycle_mul:
      m == 1: i = t' // T0, t_i = T0, t_cur = t' - i*T0
      m != 1: i = floor(log(1 - t'/T0*(1 - m), m)), t_i = m**i * T0,
              t_cur = t' - (1 - m**i)/(1 - m) * T0
    If i < cycle_limit:
      lr(t) = lr_min + 0.5 * (lr*cycle_decay**i - lr_min) * (1 + cos(pi * t_cur**k / t_i**k))
    else lr_min (k = k_decay). Noise, if noise_range_t is set: lr + lr*n at t in
    [start, end) (or t >= start for [start]), n ~ N(0,1)*noise_std redrawn until
    |n| < noise_pct, torch generator seeded noise_seed + t.

    Quirks kept: cycle_limit=1 (default) gives lr_min for every t >= t_initial;
    a non-prefix warmup heads for lr but the cosine clock started at 0, so the
    lr drops at t = warmup_t; the float log misses some restarts (t_initial=1,
    cycle_mul=10, t=111 gives lr_min, not lr); cycle_mul < 1 raises a math domain
    error for t' >= T0/(1 - m); k_decay < 0 raises at cycle starts.
    """
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    f, params, marks, breaks = _cyclic("cosine", lr=lr, total_steps=total_steps, t_initial=t_initial, lr_min=lr_min,
                                       cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit,
                                       warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
                                       noise=noise, k_decay=k_decay)
    params.update(noise.params(), k_decay=float(k_decay))
    return Schedule(f, name="timm.cosine", params=params, marks=marks, breaks=breaks)


def tanh_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    t_initial: Steps | None = None,
    lb: float = -7.0,
    ub: float = 3.0,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    noise_range_t: Duration | list[Duration] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
) -> Schedule:
    """timm TanhLRScheduler (tanh decay with restarts, warmup, noise).

    Cycles (i, t_i, t_cur) as in timm.cosine; with tr = t_cur / t_i, while i < cycle_limit:
      lr(t) = lr_min + 0.5 * (lr*cycle_decay**i - lr_min) * (1 - tanh(lb*(1 - tr) + ub*tr))
    and lr_min afterwards. t_initial defaults to total_steps.

    Quirks kept: it starts at 0.99999917*lr (not lr) and ends a cycle at
    0.0024726 of the span above lr_min, then drops to lr_min at t = t_initial
    (cycle_limit=1); a non-prefix warmup heads for the tanh value at warmup_t,
    so it is continuous (unlike cosine). timm asserts lb < ub,
    cycle_limit >= 0 and warmup_lr_init >= 0.
    """
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    lb, ub = check.number("lb", lb), check.number("ub", ub)
    if not lb < ub:
        raise ParameterError("ub", f"must be > lb (timm asserts lb < ub); got lb={lb:g}, ub={ub:g}")
    warmup_lr_init = check.non_negative("warmup_lr_init", warmup_lr_init)
    if not isinstance(cycle_limit, bool) and isinstance(cycle_limit, (int, np.integer)) and cycle_limit < 0:
        raise ParameterError("cycle_limit", f"must be >= 0 (timm asserts it); got {cycle_limit}")
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    f, params, marks, breaks = _cyclic("tanh", lr=lr, total_steps=total_steps, t_initial=t_initial, lr_min=lr_min,
                                       cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit,
                                       warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
                                       noise=noise, lb=lb, ub=ub)
    params.update(lb=lb, ub=ub, **noise.params())
    return Schedule(f, name="timm.tanh", params=params, marks=marks, breaks=breaks)


def poly_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    t_initial: Steps | None = None,
    power: float = 0.5,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    noise_range_t: Duration | list[Duration] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
) -> Schedule:
    """timm PolyLRScheduler (polynomial decay with restarts, warmup, k-decay, noise).

    Cycles (i, t_i, t_cur) and warmup as in timm.cosine; while i < cycle_limit:
      lr(t) = lr_min + (lr*cycle_decay**i - lr_min) * (1 - t_cur**k / t_i**k) ** power
    and lr_min afterwards (k = k_decay). t_initial defaults to total_steps.

    Quirks kept: the default power is 0.5 (a square root), not 1; the
    non-prefix warmup jumps at warmup_t as in cosine; cycle_limit=1 gives lr_min
    from t_initial on; the float-log cycle index misses some restarts.
    """
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    f, params, marks, breaks = _cyclic("poly", lr=lr, total_steps=total_steps, t_initial=t_initial, lr_min=lr_min,
                                       cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit,
                                       warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
                                       noise=noise, k_decay=k_decay, power=power)
    params.update(power=float(power), **noise.params(), k_decay=float(k_decay))
    return Schedule(f, name="timm.poly", params=params, marks=marks, breaks=breaks)


def step_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_t: Steps | None = None,
    decay_rate: float = 1.0,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    noise_range_t: Duration | list[Duration] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
) -> Schedule:
    """timm StepLRScheduler (step decay, warmup, noise).

    Warmup (t < warmup_t): warmup_lr_init + t * (lr - warmup_lr_init) / warmup_t.
    Then t' = t - warmup_t if warmup_prefix else t:
      lr(t) = lr * decay_rate ** (t' // decay_t)
    decay_t (required by timm) defaults to total_steps // 3 here.

    Quirk kept: timm's default decay_rate=1.0 means no decay at all; give
    decay_rate (e.g. 0.1) to see steps. warmup_prefix defaults to True here.
    timm also accepts a fractional decay_t; the twin takes whole steps.
    """
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    decay_t = max(1, total_steps // 3) if decay_t is None else check.steps("decay_t", decay_t, minimum=1)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    warmup_prefix = check.flag("warmup_prefix", warmup_prefix)
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    ramp = _warmup(lr, warmup_t, warmup_lr_init, lr)
    shift = warmup_t if warmup_prefix else 0

    def f(t: np.ndarray) -> np.ndarray:
        out = np.empty(t.shape, dtype=np.float64)
        warm = t < warmup_t
        if warm.any():
            out[warm] = ramp(t[warm])
        rest = ~warm
        if rest.any():
            out[rest] = lr * _py_pow(decay_rate, (t[rest] - shift) // decay_t)
            _first_bad(t[rest], ~np.isfinite(out[rest]), "OverflowError: decay_rate ** (t // decay_t) is out of range")
        return noise.apply(t, out)

    drops = [(warmup_t, "end of warmup")] if warmup_t else []
    if decay_rate != 1:
        first = max(0, warmup_t - shift) // decay_t + 1
        drops += [(k * decay_t + shift, f"x{decay_rate:g}", "drop") for k in range(first, first + _MAX_MARKS)
                  if k * decay_t + shift <= total_steps]
    params = dict(lr=lr, total_steps=total_steps, decay_t=decay_t, decay_rate=decay_rate, warmup_t=warmup_t,
                  warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix, **noise.params())
    return Schedule(f, name="timm.step", params=params, marks=check.marks(*drops, limit=total_steps)[:_MAX_MARKS],
                    breaks=None if noise.active else ((warmup_t,) if warmup_t else ()))


def multistep_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    decay_t: list[Steps] | None = None,
    decay_rate: float = 1.0,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    noise_range_t: Duration | list[Duration] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
) -> Schedule:
    """timm MultiStepLRScheduler (multi-step decay, warmup, noise).

    Warmup as in timm.step; then t' = t - warmup_t if warmup_prefix else t:
      lr(t) = lr * decay_rate ** bisect_right(decay_t, t' + 1)
    decay_t (required by timm) defaults to [total_steps // 3, 2 * total_steps // 3].

    Quirks kept: it decays one step early, at t' = m - 1 for each milestone m
    (timm keeps the +1 on purpose); repeated milestones compound; the default
    decay_rate=1.0 means no decay. decay_t must be in increasing order (timm
    assumes it sorted).

    t = 0 is the lr timm sets at construction (lr, or warmup_lr_init with a
    warmup; no noise): train.py trains epoch 0 with it and first calls
    step(1), so a milestone at 0 or 1 only decays from t = 1 (step(0) would
    give lr * decay_rate ** k at once).
    """
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    if decay_t is None:
        decay_t = [max(1, total_steps // 3), max(1, 2 * total_steps // 3)]
    decay_t = check.step_list("decay_t", decay_t, strictly_increasing=False, allow_empty=True)
    decay_rate = check.non_negative("decay_rate", decay_rate)
    warmup_prefix = check.flag("warmup_prefix", warmup_prefix)
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    ramp = _warmup(lr, warmup_t, warmup_lr_init, lr)
    shift = warmup_t if warmup_prefix else 0
    bounds = np.asarray(decay_t, dtype=np.int64)
    levels = lr * _py_pow(decay_rate, np.arange(len(decay_t) + 1))

    def f(t: np.ndarray) -> np.ndarray:
        out = np.empty(t.shape, dtype=np.float64)
        warm = t < warmup_t
        if warm.any():
            out[warm] = ramp(t[warm])
        rest = ~warm
        if rest.any():
            out[rest] = levels[np.searchsorted(bounds, t[rest] - shift + 1, side="right")]
            _first_bad(t[rest], ~np.isfinite(out[rest]), "OverflowError: decay_rate ** k is out of range")
        out = noise.apply(t, out)
        out[t == 0] = start  # the construction lr, never step(0): see the docstring
        return out

    start = warmup_lr_init if warmup_t else lr
    pairs = [(warmup_t, "end of warmup")] if warmup_t else []
    # without warmup a milestone at 0 or 1 drops at t = 1 (t = 0 is the construction lr)
    pairs += [(max(m - 1 + shift, 1 if not warmup_t else 0), f"x{decay_rate:g}", "drop") for m in decay_t
              if decay_rate != 1 and (m - 1 + shift >= warmup_t or not warmup_t)]
    params = dict(lr=lr, total_steps=total_steps, decay_t=decay_t, decay_rate=decay_rate, warmup_t=warmup_t,
                  warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix, **noise.params())
    return Schedule(f, name="timm.multistep", params=params, marks=check.marks(*pairs, limit=total_steps)[:_MAX_MARKS],
                    breaks=None if noise.active else ((warmup_t,) if warmup_t else ()))


_PLATEAU_NAMES = {"factor": "decay_rate", "patience": "patience_t", "cooldown": "cooldown_t", "min_lr": "lr_min"}


def plateau_lr(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    metrics: Metrics | None = None,
    decay_rate: float = 0.1,
    patience_t: int = 10,
    threshold: float = 1e-4,
    cooldown_t: int = 0,
    warmup_t: Steps = 0,
    warmup_lr_init: float = 0.0,
    lr_min: float = 0.0,
    mode: str = "max",
    noise_range_t: Duration | list[Duration] | None = None,
    noise_type: str = "normal",
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
) -> Schedule:
    """timm PlateauLRScheduler: torch's ReduceLROnPlateau plus warmup and noise.

    lr(t) = warmup_lr_init + t * (lr - warmup_lr_init) / warmup_t   for t < warmup_t
    lr(t) = max(lr * decay_rate^r(t), lr_min) (+ noise)              after, r(t) the reductions so far

    metrics[k] is the metric measured at the end of epoch k, which timm's
    train.py passes as step(k + 1, metrics[k]); so the value at t is:
      t = 0:               the lr at construction: warmup_lr_init if warmup_t > 0, else lr
      1 <= t <= warmup_t:  warmup_lr_init + t * (lr - warmup_lr_init) / warmup_t  (metrics ignored)
      t > warmup_t:        torch ReduceLROnPlateau(mode, factor=decay_rate, patience=patience_t,
                           threshold (rel), cooldown=cooldown_t, min_lr=lr_min) stepped with
                           metrics[warmup_t], ..., metrics[t-1], from the lr reached at warmup_t
    Past the metrics the lr holds (step(t) without a metric). Noise (t > warmup_t
    only) multiplies a copy, lr + lr*n, and the clean lr is restored before the
    next metric step; noise_type "uniform" draws n = 2*(U - 0.5)*noise_pct.

    Quirks kept: the default mode is "max" (timm tracks accuracy); the
    reduction comes on the (patience_t+1)-th epoch without improvement; the
    metrics of warmup epochs never reach the plateau logic. (timm's own
    step(0) would set warmup_lr_init even without warmup; train.py never
    calls it.) timm 1.0.31 marks this scheduler deprecated.
    """
    from .plateau import torch_plateau

    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    decay_rate = check.number("decay_rate", decay_rate)
    if decay_rate >= 1:
        raise ParameterError("decay_rate", "Factor should be < 1.0. (torch's ReduceLROnPlateau)")
    mode = check.choice("mode", mode, ("min", "max"))
    values = [] if metrics is None else _metric_values(metrics) if isinstance(metrics, (list, tuple)) else None
    if values is None:
        raise ParameterError("metrics", f"expected a list of numbers; got {metrics!r}")
    noise = _Noise(noise_range_t, noise_type, noise_pct, noise_std, noise_seed)
    ramp = _warmup(lr, warmup_t, warmup_lr_init, lr)
    start = float(ramp(np.asarray([warmup_t]))[0]) if warmup_t else lr
    try:
        reduced = torch_plateau(start, values[warmup_t:], mode=mode, factor=decay_rate, patience=patience_t,
                                threshold=threshold, threshold_mode="rel", cooldown=cooldown_t, min_lr=lr_min)
    except ParameterError as err:
        raise ParameterError(_PLATEAU_NAMES.get(err.param, err.param), err.message) from None
    table = np.concatenate([ramp(np.arange(warmup_t)), reduced]) if warmup_t else reduced
    last = table.size - 1

    def f(t: np.ndarray) -> np.ndarray:
        out = table[np.minimum(t, last)]  # a copy
        if noise.active:
            after = t > warmup_t
            out[after] = noise.apply(t[after], out[after])
        return out

    pairs: list[tuple[int, str]] = [(warmup_t, "end of warmup")] if warmup_t else []
    drops = np.flatnonzero(np.diff(table) < 0) + 1
    pairs += [(int(d), "reduce", "drop") for d in drops[:_MAX_MARKS] if d > warmup_t]
    params = dict(lr=lr, total_steps=total_steps, metrics=values, decay_rate=decay_rate, patience_t=patience_t,
                  threshold=threshold, cooldown_t=cooldown_t, warmup_t=warmup_t, warmup_lr_init=warmup_lr_init,
                  lr_min=lr_min, mode=mode, noise_type=noise.type, **noise.params())
    return Schedule(f, kernel=None if noise.active else engine.table(table), name="timm.plateau", params=params,
                    marks=check.marks(*pairs)[:_MAX_MARKS],
                    breaks=None if noise.active else tuple(b for b in (warmup_t, warmup_t + 1) if b > 0))


TWINS: dict[str, tuple[Callable, str]] = {
    "timm.cosine": (cosine_lr, "timm CosineLRScheduler: cosine with cycles, k-decay, warmup, seeded noise"),
    "timm.tanh": (tanh_lr, "timm TanhLRScheduler: tanh decay with cycles, warmup, seeded noise"),
    "timm.step": (step_lr, "timm StepLRScheduler: lr * decay_rate^(t // decay_t) (default rate 1: no decay)"),
    "timm.multistep": (multistep_lr, "timm MultiStepLRScheduler: decays one step before each milestone"),
    "timm.poly": (poly_lr, "timm PolyLRScheduler: polynomial decay (power 0.5) with cycles, k-decay, warmup"),
    "timm.plateau": (plateau_lr, "timm PlateauLRScheduler: torch ReduceLROnPlateau on a metric series, warmup, noise"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "timm.cosine": {"floor": "lr_min", "warmup": "warmup_t", "per_epoch": True},
    "timm.tanh": {"floor": "lr_min", "warmup": "warmup_t", "per_epoch": True},
    "timm.step": {"warmup": "warmup_t", "per_epoch": True},
    "timm.multistep": {"warmup": "warmup_t", "per_epoch": True},
    "timm.poly": {"floor": "lr_min", "warmup": "warmup_t", "per_epoch": True},
    "timm.plateau": {"per_epoch_metrics": True, "warmup": "warmup_t", "bounds": ("lr_min",)},
}
