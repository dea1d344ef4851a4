"""torch's CPU random generator (MT19937) and its ``randn``/``rand`` draws, in numpy, vectorized over seeds.

timm's noisy schedulers seed a fresh ``torch.Generator`` with ``noise_seed + t``
and draw one number (see :mod:`lrviz.twins.timm` for the method and its
precision); :func:`torch_noise` gives timm's noise for many seeds at once.
"""

from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------------------
# torch's CPU generator (MT19937) in numpy, vectorized over seeds
# ---------------------------------------------------------------------------

_U32 = np.uint64(0xFFFFFFFF)
_UPPER = np.uint64(0x80000000)
_LOWER = np.uint64(0x7FFFFFFF)
_MATRIX_A = np.uint64(0x9908B0DF)
_INIT_MULT = np.uint64(1812433253)
_LOW53 = np.uint64((1 << 53) - 1)
_LOW24 = np.uint64((1 << 24) - 1)
_CHUNK = 4096


def _mt_init(seeds: np.ndarray, rows: int) -> np.ndarray:
    """The first ``rows`` words of the MT19937 state after ``init_genrand(seed)``, one column per seed."""
    state = np.empty((rows, seeds.size), dtype=np.uint64)
    state[0] = seeds & _U32
    tmp = np.empty(seeds.size, dtype=np.uint64)
    thirty = np.uint64(30)
    for j in range(1, rows):
        prev = state[j - 1]
        np.right_shift(prev, thirty, out=tmp)
        tmp ^= prev
        tmp *= _INIT_MULT  # wraps mod 2**64; only the low 32 bits are kept
        tmp += np.uint64(j)
        np.bitwise_and(tmp, _U32, out=state[j])
    return state


def _mt_mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    y = (a & _UPPER) | (b & _LOWER)
    out = y >> np.uint64(1)
    out ^= (y & np.uint64(1)) * _MATRIX_A
    return out


def _mt_twist(mt: np.ndarray) -> None:
    """Regenerate all 624 words in place (the reference loop, in four dependency-free blocks)."""
    mt[0:227] = mt[397:624] ^ _mt_mix(mt[0:227], mt[1:228])
    mt[227:454] = mt[0:227] ^ _mt_mix(mt[227:454], mt[228:455])
    mt[454:623] = mt[227:396] ^ _mt_mix(mt[454:623], mt[455:624])
    mt[623] = mt[396] ^ _mt_mix(mt[623:624], mt[0:1])[0]


def _mt_temper(y: np.ndarray) -> np.ndarray:
    y = y ^ (y >> np.uint64(11))
    y ^= (y << np.uint64(7)) & np.uint64(0x9D2C5680)
    y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
    y ^= y >> np.uint64(18)
    return y & _U32


def _mt_first_outputs(seeds: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` (<= 227) outputs of fresh generators: only the state words they need."""
    init = _mt_init(seeds, 397 + count)
    words = init[397:397 + count] ^ _mt_mix(init[0:count], init[1:count + 1])
    return _mt_temper(words)


def _normals(outputs: np.ndarray) -> np.ndarray:
    """torch's ``randn(1)`` draws, in order, from consecutive outputs (4 per pair), as float32 values in float64."""
    quads = outputs[: outputs.shape[0] // 4 * 4].reshape(-1, 4, outputs.shape[1])
    r1 = (quads[:, 0] << np.uint64(32)) | quads[:, 1]
    r2 = (quads[:, 2] << np.uint64(32)) | quads[:, 3]
    u1 = (r1 & _LOW53).astype(np.float64) * 2.0 ** -53
    u2 = (r2 & _LOW53).astype(np.float64) * 2.0 ** -53
    radius = np.sqrt(-2.0 * np.log1p(-u2))
    theta = 2.0 * math.pi * u1
    out = np.empty((2 * quads.shape[0], outputs.shape[1]), dtype=np.float64)
    out[0::2] = (radius * np.cos(theta)).astype(np.float32)  # r cos(theta) first,
    out[1::2] = (radius * np.sin(theta)).astype(np.float32)  # then the cached r sin(theta)
    return out


def _accept(draws: np.ndarray, noise_pct: float, noise_std: float) -> tuple[np.ndarray, np.ndarray]:
    """First draw (along axis 0) with ``|n * std| < pct``: (found, value)."""
    scaled = draws * noise_std
    ok = np.abs(scaled) < noise_pct
    first = np.argmax(ok, axis=0)
    found = ok[first, np.arange(ok.shape[1])]
    return found, scaled[first, np.arange(ok.shape[1])]


def torch_noise(seeds: np.ndarray, noise_type: str, noise_pct: float, noise_std: float) -> np.ndarray:
    """timm's ``_calculate_noise`` for each generator seed (already reduced to its low 32 bits)."""
    seeds = np.asarray(seeds, dtype=np.uint64)
    out = np.empty(seeds.size, dtype=np.float64)
    for lo in range(0, seeds.size, _CHUNK):
        chunk = seeds[lo:lo + _CHUNK]
        if noise_type != "normal":
            u = (_mt_first_outputs(chunk, 1)[0] & _LOW24).astype(np.float64) * 2.0 ** -24
            out[lo:lo + chunk.size] = 2 * (u - 0.5) * noise_pct
            continue
        # most seeds accept one of their first four draws (two Box-Muller pairs, 8 outputs)
        found, value = _accept(_normals(_mt_first_outputs(chunk, 8)), noise_pct, noise_std)
        result = np.where(found, value, 0.0)
        pending = np.flatnonzero(~found)
        if pending.size:
            mt = _mt_init(chunk[pending], 624)
            first_block = True
            while pending.size:
                _mt_twist(mt)
                draws = _normals(_mt_temper(mt))
                if first_block:
                    draws = draws[4:]  # already rejected above
                    first_block = False
                found, value = _accept(draws, noise_pct, noise_std)
                result[pending[found]] = value[found]
                pending, mt = pending[~found], mt[:, ~found]
        out[lo:lo + chunk.size] = result
    return out
