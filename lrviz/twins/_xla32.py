"""float32 arithmetic as XLA and TF compute it on CPU, for the Keras, TF1 and optax twins.

- :func:`flush`: subnormal float32 results become 0, as XLA and TF do on CPU
  (flush-to-zero).
- :func:`cos` and :func:`pow` are evaluated in float64 and rounded once to
  float32, i.e. correctly rounded; the backends' own float32 kernels may be an
  ulp or two off, which each twin module's precision statement accounts for.
  :func:`pow_const` (a constant base) takes exp(y ln base) in float64: the
  correctly rounded value but where the power lies within ~2**-50 of a
  float32 rounding midpoint (none found in 5 x 10**7 arguments).
- :class:`Arith`: the two evaluation modes of a float32 schedule. Compiled
  (``jit``), XLA's algebraic simplifier turns a division by a constant ``x / c``
  into ``x * float32(1/c)`` and LLVM contracts ``a*b + c`` into one fused
  multiply-add (one rounding); eager, op by op, each operation rounds on its own.
  Keras' ``jit_compile`` and optax's ``jit`` pick one (checked op by op against
  jax 0.10 on CPU).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

F32 = np.float32
F64 = np.float64
TINY = np.finfo(F32).tiny  # the smallest normal float32


def flush(x: np.ndarray) -> np.ndarray:
    """``x`` with subnormal float32 values replaced by 0 (``x`` is left as it is: a new array, or ``x``
    itself when it holds no subnormal, decided by its least and greatest value without a mask pass).

    Arrays of another dtype are returned unchanged: optax passes Python-float
    constants through as float64, and XLA does not flush those.
    """
    if x.dtype != F32:
        return x
    if x.size:
        low = x.min()
        if low >= TINY or x.max() <= -TINY:  # one sign, no value below the smallest normal (NaN fails both)
            return x
    return np.where(np.abs(x) < TINY, F32(0.0), x)


def cos(x: np.ndarray) -> np.ndarray:
    """``cos`` of a float32 array, correctly rounded to float32."""
    return np.cos(x.astype(F64)).astype(F32)


def pow_const(base: Any, y: Any) -> np.ndarray:
    """``base ** y`` for a constant ``base``, rounded to float32, then flushed: for 0 < base != 1,
    exp(y ln base) in float64 (np.power's general loop is 4x slower); :func:`pow` otherwise.

    The float64 value is within (1 + |y ln base|) * 2**-53 relative of the exact power, so the
    rounding to float32 can differ from the correctly rounded value only where the power lies that
    close to a float32 rounding midpoint: none in 5 x 10**7 arguments tried (five bases, 10**7
    float32 exponents each).
    """
    b = float(base)
    if not b > 0.0 or b == 1.0:
        return pow(base, y)
    with np.errstate(all="ignore"):
        x = np.multiply(y, math.log(b), dtype=F64)
        np.exp(x, out=x)
        return flush(x.astype(F32))


def pow(x: Any, y: Any) -> np.ndarray:
    """``x ** y`` correctly rounded to float32, then flushed (an overflow gives inf, an invalid power NaN)."""
    with np.errstate(all="ignore"):
        return flush(np.power(np.asarray(x, F64), np.asarray(y, F64)).astype(F32))


class Arith:
    """Float32 operations of a schedule evaluated eagerly (``jit=False``) or compiled by XLA (``jit=True``)."""

    __slots__ = ("jit",)

    def __init__(self, jit: bool):
        self.jit = bool(jit)

    def div_const(self, a: Any, c: Any) -> np.ndarray:
        """``a / c`` for a constant ``c``: compiled, the product with the float32 reciprocal ``float32(1/c)``."""
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            if self.jit:
                return a * (F32(1.0) / c)
            return a / c

    def fma(self, a: Any, b: Any, c: Any) -> np.ndarray:
        """``a*b + c``: one rounding when compiled (fused multiply-add), two otherwise.

        The fused form is exact in float64 for float32 inputs (a 48-bit product plus
        an addend), rounded once to float32, except where the exact sum needs more
        than 53 bits; the double rounding that can then occur is rarer than one in 2**29.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            if self.jit:
                return (np.asarray(a, F64) * np.asarray(b, F64) + np.asarray(c, F64)).astype(F32)
            return a * b + c

    def fma_in_place(self, x: np.ndarray, b: Any, c: Any, wide: np.ndarray) -> np.ndarray:
        """``x = x*b + c`` for a float32 array ``x`` and constants ``b``, ``c``, in place: compiled, one
        rounding (the exact product and sum in ``wide``, a float64 scratch of x's shape); eager, two."""
        if self.jit:
            wide[...] = x
            wide *= float(b)
            wide += float(c)
            return to_f32(wide, x)
        x *= F32(b)
        x += F32(c)
        return x


# In place, block by block (the optax twins' kernels): a float64 block that holds float32 values.


def to_f32(x: np.ndarray, into: np.ndarray) -> np.ndarray:
    """``into[...] = float32(x)``: the values of ``x`` rounded to float32 (an overflow gives inf)."""
    np.copyto(into, x, casting="unsafe")
    return into


def pow_in_place(x: np.ndarray, y: float, wide: np.ndarray) -> np.ndarray:
    """``x = x ** y`` for a float32 array ``x``, as :func:`pow` (float64, rounded once, flushed), in place;
    ``wide`` is a float64 scratch of x's shape."""
    wide[...] = x
    with np.errstate(all="ignore"):
        np.power(wide, y, out=wide)
    return flush_in_place(to_f32(wide, x))


def flush_in_place(x: np.ndarray) -> np.ndarray:
    """:func:`flush` in place, for a float32 array or a float64 one holding float32 values: a
    subnormal float32 value becomes 0 (decided by the least and greatest value; a mask pass only
    when they straddle the smallest normal)."""
    if x.size:
        low = x.min()
        if low >= TINY or x.max() <= -TINY:
            return x
    x[np.abs(x) < TINY] = 0.0
    return x
