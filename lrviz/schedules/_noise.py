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


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _splitmix64(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """z = x + golden; z = (z ^ z >> 30) * M1; z = (z ^ z >> 27) * M2; z ^ z >> 31 (in place, one temporary)."""
    z = np.add(x, _GOLDEN, out=out)
    tmp = np.right_shift(z, _S30)
    z ^= tmp
    z *= _M1
    np.right_shift(z, _S27, out=tmp)
    z ^= tmp
    z *= _M2
    np.right_shift(z, _S31, out=tmp)
    z ^= tmp
    return z


def _uniform(bits: np.ndarray) -> np.ndarray:
    """Map 64 random bits to a float in (0, 1]."""
    return ((bits >> np.uint64(11)).astype(np.float64) + 1.0) * _TO_UNIT


def normal(seed: int, t: np.ndarray) -> np.ndarray:
    """Standard normal draws, one per step in ``t``, determined by (seed, t)."""
    with np.errstate(over="ignore"):
        key = _splitmix64(np.full(1, seed, dtype=np.uint64))[0]
        base = t.astype(np.uint64)
        base *= np.uint64(2)
        base += key
        _splitmix64(base, out=base)
        other = base ^ _M1
        u1 = _uniform(_splitmix64(base, out=base))
        u2 = _uniform(_splitmix64(other, out=other))
    np.log(u1, out=u1)
    u1 *= -2.0
    np.sqrt(u1, out=u1)
    u2 *= 2.0 * np.pi
    np.cos(u2, out=u2)
    u1 *= u2
    return u1
