"""Counter-based Gaussian noise: a pure function of (seed, step).

``normal(seed, t)`` gives the same value for the same (seed, t) whatever other
steps are evaluated alongside it, so a noisy schedule stays a pure function of
the step (vectorized evaluation equals a scalar loop).

Steps come in pairs (2p, 2p + 1). Pair p is hashed once with SplitMix64, from the seed's
own hash k = SplitMix64(seed), and the 64 bits split into two uniforms:

    h = SplitMix64(k + p)
    u1 = ((h >> 32) + 1) / 2**32   in (0, 1],      u2 = (h & (2**32 - 1)) / 2**32   in [0, 1)
    r = sqrt(-2 ln u1),  theta = 2 pi u2
    z(2p) = r cos(theta),  z(2p + 1) = r sin(theta)

which is the Box-Muller transform: both are standard normal and independent (32 bits of u1
reach 6.6 standard deviations; a draw beyond that has odds below 1e-10). theta, its cosine and
its sine are float32 (numpy's vectorized float32 sin and cos cost a twentieth of float64's on
angles up to 2 pi): a draw is within 4e-6 of the float64 transform, noise for a plot, not for
statistics. :func:`normal_run` computes a run of consecutive steps one pair at a time (half
the work per step); :func:`normal` takes any steps and gives the same values.
"""

from __future__ import annotations

import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_LOG_2_32 = 32 * math.log(2.0)
_THETA = np.float32(2 * math.pi / 2 ** 32)


def _splitmix64(x: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """In place: z = x + golden; z = (z ^ z >> 30) * M1; z = (z ^ z >> 27) * M2; z ^ z >> 31 (``tmp``: scratch)."""
    x += _GOLDEN
    np.right_shift(x, _S30, out=tmp)
    x ^= tmp
    x *= _M1
    np.right_shift(x, _S27, out=tmp)
    x ^= tmp
    x *= _M2
    np.right_shift(x, _S31, out=tmp)
    x ^= tmp
    return x


def _seed_key(seed: int) -> np.uint64:
    with np.errstate(over="ignore"):
        one = np.full(1, seed, dtype=np.uint64)
        return _splitmix64(one, np.empty_like(one))[0]


def _pairs(seed: int, p: np.ndarray) -> np.ndarray:
    """The draws of pairs ``p`` (uint64, consumed) as an (m, 2) array: z(2p), z(2p + 1) per row."""
    tmp = np.empty_like(p)
    with np.errstate(over="ignore"):
        p += _seed_key(seed)
        _splitmix64(p, tmp)
    np.right_shift(p, _S32, out=tmp)
    r = tmp.astype(np.float64)
    r += 1.0
    np.log(r, out=r)  # ln u1 = ln((h >> 32) + 1) - 32 ln 2
    r -= _LOG_2_32
    r *= -2.0
    np.maximum(r, 0.0, out=r)  # u1 = 1: ln 2**32 and 32 ln 2 may differ in the last bit
    np.sqrt(r, out=r)
    p &= _LOW32
    theta = np.multiply(p, _THETA, dtype=np.float32)
    both = np.empty((p.size, 2), dtype=np.float64)
    np.multiply(r, np.cos(theta), out=both[:, 0])
    np.multiply(r, np.sin(theta), out=both[:, 1])
    return both


def normal(seed: int, t: np.ndarray) -> np.ndarray:
    """Standard normal draws, one per step in ``t`` (whole numbers >= 0), determined by (seed, t).

    Consecutive steps (a run ``lo, lo + 1, ...``) are told by one comparison pass and go to :func:`normal_run`."""
    steps = np.asarray(t).astype(np.uint64).ravel()
    n = steps.size
    if n > 2 and int(steps[-1]) - int(steps[0]) == n - 1 and bool(np.all(steps[1:] > steps[:-1])):
        return normal_run(seed, int(steps[0]), n).reshape(np.shape(t))
    odd = steps & np.uint64(1)
    both = _pairs(seed, steps >> np.uint64(1))
    odd += np.arange(0, 2 * steps.size, 2, dtype=np.uint64)  # the row's own entry of the flat (m, 2) array
    return both.ravel().take(odd.view(np.int64)).reshape(np.shape(t))


def normal_run(seed: int, lo: int, n: int) -> np.ndarray:
    """``normal(seed, [lo, lo + 1, ..., lo + n - 1])``, computed a pair of steps at a time."""
    first, last = lo >> 1, (lo + n - 1) >> 1
    both = _pairs(seed, np.arange(first, last + 1, dtype=np.uint64)).ravel()
    start = lo & 1
    return both[start:start + n]
