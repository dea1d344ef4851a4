"""Numeric helpers shared by the schedule factories."""

from __future__ import annotations

import math

import numpy as np


def scaled_power(scale: float, base: float, exponent: np.ndarray) -> np.ndarray:
    """``scale * base ** exponent`` (scale >= 0, base >= 0), true wherever it is in float range.

    ``base ** exponent`` alone may overflow (or underflow) when the product does
    not: then the product is taken through logarithms. A zero scale gives 0, not
    the NaN of ``0 * inf``.
    """
    if scale == 0.0:
        return np.zeros(exponent.shape)
    with np.errstate(over="ignore", under="ignore"):
        power = np.power(base, exponent)
        out = scale * power
        lost = np.isinf(power) | ((power == 0.0) & (base > 0.0))
        if lost.any():
            out[lost] = np.exp(math.log(scale) + exponent[lost] * math.log(base))
    return out
