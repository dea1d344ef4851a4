"""Numeric helpers shared by the schedule factories."""

from __future__ import annotations

import math

import numpy as np


def scaled_power(scale: float, base: float, exponent: np.ndarray) -> np.ndarray:
    """``scale * base ** exponent`` (scale >= 0, base >= 0), true wherever it is in float range.

    ``base ** exponent`` alone may overflow (or underflow) when the product does
    not: then the product is taken through logarithms, exp(ln scale + exponent ln base).
    Whether that can happen is decided once from the exponent's range
    (ln(base) * exponent inside [-744, 709]: no power is lost), not by passes
    over the powers. A zero scale gives 0, not the NaN of ``0 * inf``.
    """
    if scale == 0.0:
        return np.zeros(exponent.shape)
    with np.errstate(over="ignore", under="ignore"):
        power = np.power(base, exponent)
        if base == 0.0 or not exponent.size:
            return scale * power
        c = math.log(base)
        ends = (c * float(exponent.min()), c * float(exponent.max()))
        power *= scale
        if max(ends) <= 709.0 and min(ends) >= -744.0:
            return power
        raw = np.power(base, exponent)
        lost = np.isinf(raw) | (raw == 0.0)
        power[lost] = np.exp(math.log(scale) + exponent[lost] * c)
    return power
