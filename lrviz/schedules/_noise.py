"""Counter-based Gaussian noise: a pure function of (seed, step).

``normal(seed, t)`` gives the same value for the same (seed, t) whatever other
steps are evaluated alongside it, so a noisy schedule stays a pure function of
the step (vectorized evaluation equals a scalar loop). It hashes the pair with
SplitMix64 into two uniforms and applies the Box-Muller transform.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / float(1 << 53)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _uniform(bits: np.ndarray) -> np.ndarray:
    """Map 64 random bits to a float in (0, 1]."""
    return ((bits >> np.uint64(11)).astype(np.float64) + 1.0) * _TO_UNIT


def normal(seed: int, t: np.ndarray) -> np.ndarray:
    """Standard normal draws, one per step in ``t``, determined by (seed, t)."""
    with np.errstate(over="ignore"):
        key = _splitmix64(np.full(1, seed, dtype=np.uint64))[0]
        base = _splitmix64(t.astype(np.uint64) * np.uint64(2) + key)
        u1 = _uniform(_splitmix64(base))
        u2 = _uniform(_splitmix64(base ^ _M1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
