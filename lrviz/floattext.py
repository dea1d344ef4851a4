"""float64 and int64 arrays -> the exact text of Python's ``repr`` / ``str``, vectorized.

``repr(x)`` of a float is the shortest decimal that reads back as ``x`` (the
nearest such when several have as few digits), written positionally when its
decimal exponent ``E`` is in ``-4 <= E < 16`` (``0.0001``, ``100.0``) and as
``d.ddde-05`` otherwise. Export writes millions of them, and CSV and JSON
must keep those exact bytes, so this module finds the same digits with numpy:

- ``E`` from ``log10``, corrected; then for ``p`` significant digits the scaled
  value ``S = x * 10**(p-1-E)`` is computed as a double-double (Dekker's exact
  product of ``x`` and the double-double ``10**(p-1-E)``: about 104 bits), and
  ``n = round(S)``;
- ``n * 10**(E-p+1)`` reads back as ``x`` iff it lies inside x's rounding
  interval: ``S - n < (x - prev(x)) / 2 * 10**(p-1-E)`` below ``x``, and
  ``n - S < (next(x) - x) / 2 * 10**(p-1-E)`` above it;
- reading back is monotone in ``p`` (a grid of ``p`` digits holds every
  coarser one), so a search over ``p = 1..17`` finds the shortest (16 and 15
  are tried first, as most values of a decaying curve need 16 or 17 digits,
  then the rest is halved).

A value is handed to Python's own ``repr`` whenever the double-double cannot
decide for sure (a comparison within 1e-9 of its boundary, ``S`` within 1e-9
of a half, two candidates equally near), and so are 0, NaN, inf and values
outside ``[1e-280, 1e280]``: the text is always exactly ``repr``'s.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

WIDTH = 24  # the longest repr of a float64: "-1.2345678901234567e-308"
_LOW, _HIGH = 1e-280, 1e280  # the range the double-double products handle without overflow
_OFFSET = 400  # index of 10**0 in the power table
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter
_TOL = 1e-9


@lru_cache(maxsize=1)
def _powers() -> tuple[np.ndarray, np.ndarray]:
    """``10**j`` for ``j = -400..400`` as double-doubles (hi, lo): hi correctly rounded, lo the rest."""
    hi = np.zeros(2 * _OFFSET + 1)
    lo = np.zeros(2 * _OFFSET + 1)
    for j in range(-_OFFSET, _OFFSET + 1):
        exact = Fraction(10) ** j
        h = float(exact) if -330 < j < 309 else 0.0
        hi[j + _OFFSET] = h
        lo[j + _OFFSET] = float(exact - Fraction(h)) if h else 0.0
    return hi, lo


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLIT * a
    high = c - (c - a)
    return high, a - high


def _scaled(x: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x * 10**j`` as (n, d, scale): the nearest integer ``n`` (int64), ``d = S - n`` and ``10**j`` (float)."""
    hi_table, lo_table = _powers()
    h, low = hi_table[j + _OFFSET], lo_table[j + _OFFSET]
    p = x * h
    xh, xl = _split(x)
    hh, hl = _split(h)
    err = ((xh * hh - p) + xh * hl + xl * hh) + xl * hl  # x * h == p + err exactly
    rest = err + x * low
    base = np.rint(p)
    n = base.astype(np.int64)
    d = (p - base) + rest
    step = np.rint(d)  # p is exact to its spacing (16 at 1e17): move n by what the rest adds
    n += step.astype(np.int64)
    d = d - step
    return n, d, h


def shortest(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For positive finite ``x`` in range: (digits n without trailing zeros, their count, exponent E of the
    first digit, handled) such that ``repr(x)`` has the digits of ``n`` and exponent ``E``; where ``handled``
    is False the caller must use ``repr``."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        e = np.floor(np.log10(x)).astype(np.int64)
    n, d, scale = _scaled(x, 16 - e)
    off = (n >= 10 ** 17).astype(np.int64) - (n < 10 ** 16)  # log10 was one off, near a power of ten
    if off.any():
        fix = np.flatnonzero(off)
        e[fix] += off[fix]
        n[fix], d[fix], scale[fix] = _scaled(x[fix], 16 - e[fix])
    # x's rounding interval, in units of the 17th digit, around n: (d - below, d + above)
    low = d - (x - np.nextafter(x, 0.0)) / 2 * scale
    high = d + (np.nextafter(x, np.inf) - x) / 2 * scale
    bad = ~((low < 0) & (0 < high)) | (np.abs(np.abs(d) - 0.5) <= _TOL)  # 17 digits always read back

    def near(c):
        return (np.abs(c - low) <= _TOL * (high - low)) | (np.abs(c - high) <= _TOL * (high - low))

    def candidates(t):
        """Offsets from n of the multiples of 10**t just below (or at) and just above n, and which fit."""
        r = n % _POW10[t]
        c0, c1 = -r.astype(np.float64), (_POW10[t] - r).astype(np.float64)
        return c0, c1, (low < c0) & (c0 < high), (low < c1) & (c1 < high), near(c0) | near(c1)

    lo = np.zeros(len(x), dtype=np.int64)  # 10**lo fits: n itself
    hi = np.full(len(x), 16, dtype=np.int64)
    while True:
        open_ = lo < hi
        if not open_.any():
            break
        mid = np.where(open_, (lo + hi + 1) // 2, lo)
        _, _, fit0, fit1, unsure = candidates(mid)
        fits = fit0 | fit1
        bad |= unsure & open_
        lo = np.where(open_ & fits, mid, lo)
        hi = np.where(open_ & ~fits, mid - 1, hi)
    c0, c1, fit0, fit1, unsure = candidates(lo)
    both = fit0 & fit1
    pick1 = fit1 & (~fit0 | (np.abs(c1 - d) < np.abs(c0 - d)))
    bad |= unsure | (both & (np.abs(np.abs(c1 - d) - np.abs(c0 - d)) <= _TOL))
    m = n + np.where(pick1, c1, c0).astype(np.int64)
    k = e - 16  # value = m * 10**k
    m = np.where(bad, 1, m)
    while True:  # strip trailing zeros (m is 10**17 when it rounded up past a power of ten)
        zero = (m % 10 == 0) & (m > 0)
        if not zero.any():
            break
        m = np.where(zero, m // 10, m)
        k = k + zero
    count = _count_digits(m)
    return m, count, k + count - 1, ~bad


def _count_digits(n: np.ndarray) -> np.ndarray:
    count = np.ones(len(n), dtype=np.int64)
    limit = 10
    for _ in range(18):
        count += n >= limit
        limit *= 10
    return count


_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint16)


def _digits(n: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative ``n < 10**18``, right-aligned in ``width`` columns (zeros in front).

    Two at a time from a table of the 100 pairs, in float64: ``n`` is split once into halves below
    ``10**9``, where ``floor(v / 100**i)`` is exact (the quotient is never within its rounding error
    of the next integer), so no slow int64 division runs per digit."""
    pairs = (width + 1) // 2
    out = np.empty((len(n), 2 * pairs), dtype=np.uint8)
    view = out.view(np.uint16)
    top = n // 10 ** 9
    halves = [(n - top * 10 ** 9).astype(np.float64), top.astype(np.float64)]  # 9 digits, then the rest
    col = pairs - 1
    for half, size in zip(halves, (9, 9)):
        prev = half
        taken = 0
        while taken + 2 <= size and col >= 0:
            q = np.floor(prev / 100.0)
            view[:, col] = _PAIRS[(prev - 100.0 * q).astype(np.intp)]
            prev, taken, col = q, taken + 2, col - 1
        if col < 0:
            break
        if taken < size:  # the ninth digit of the low half pairs with the first of the high half
            high = halves[1]
            q = np.floor(high / 10.0)
            view[:, col] = _PAIRS[((high - 10.0 * q) * 10.0 + prev).astype(np.intp)]
            col -= 1
            halves[1] = q
            break
    prev = halves[1]
    while col >= 0:
        q = np.floor(prev / 100.0)
        view[:, col] = _PAIRS[(prev - 100.0 * q).astype(np.intp)]
        prev, col = q, col - 1
    return out[:, 2 * pairs - width:]


def repr_layout(digits: str, e: int) -> str:
    """How ``repr`` lays out a float with these significant ``digits``, the first at exponent ``e``
    (CPython's ``float_repr_style = 'short'``: positional for ``-4 <= e < 16``). The fast path below
    builds the same bytes as pieces; the tests hold the two to each other and to ``repr``."""
    if -4 <= e < 16:
        if e >= 0:
            whole = digits[:e + 1].ljust(e + 1, "0")
            return f"{whole}.{digits[e + 1:] or '0'}"
        return "0." + "0" * (-e - 1) + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"


CHUNK = 1 << 16
_POW10 = 10 ** np.arange(18, dtype=np.int64)
_COLS = np.arange(WIDTH)[None, :]


def ints(values: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """``str`` of non-negative int64 ``values`` as one piece for :func:`join`."""
    values = np.asarray(values, dtype=np.int64)
    return [(_digits(values, 20), _count_digits(values), True)]


def floats(values: np.ndarray, *, non_finite: bytes | None = None) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """``repr`` of float64 ``values`` as pieces for :func:`join`: sign, ``0.000`` prefix, the digits with
    their point, ``e+``/``e-`` and the exponent's digits (each of length 0 where a row has no such part).

    NaN and inf come out as ``repr`` writes them, or as ``non_finite`` when given (JSON's ``null``)."""
    values = np.asarray(values, dtype=np.float64)
    m = len(values)
    sign = np.full((m, 1), ord("-"), dtype=np.uint8)
    prefix = np.broadcast_to(np.frombuffer(b"0.000", dtype=np.uint8), (m, 5))
    body = np.zeros((m, WIDTH), dtype=np.uint8)
    marker = np.zeros((m, 2), dtype=np.uint8)
    marker[:, 0] = ord("e")
    exponent = np.zeros((m, 3), dtype=np.uint8)
    lengths = [np.zeros(m, dtype=np.int64) for _ in range(5)]
    for start in range(0, m, CHUNK):
        stop = min(start + CHUNK, m)
        _floats_into(values[start:stop], body[start:stop], marker[start:stop], exponent[start:stop],
                     [length[start:stop] for length in lengths], non_finite)
    return [(sign, lengths[0], False), (prefix, lengths[1], False), (body, lengths[2], False),
            (marker, lengths[3], False), (exponent, lengths[4], True)]


def _floats_into(values, body, marker, exponent, lengths, non_finite: bytes | None) -> None:
    sign_len, prefix_len, body_len, marker_len, exp_len = lengths
    mag = np.abs(values)
    with np.errstate(invalid="ignore"):
        fast = (mag >= _LOW) & (mag <= _HIGH)  # False for 0, NaN, inf
    idx = np.flatnonzero(fast)
    slow = np.flatnonzero(~fast)
    if len(idx):
        n, count, e, handled = shortest(mag[idx])
        if len(idx) == len(values) and handled.all():
            good = slice(None)  # the usual chunk: every value on the fast path, no gathers
        else:
            good = idx[handled]
            n, count, e = n[handled], count[handled], e[handled]
        positional = (e >= -4) & (e < 16)
        small = positional & (e < 0)
        sci = ~positional
        digits = _digits(n * _POW10[17 - count], 17)  # the significant digits, left-aligned, zeros after
        padded = np.zeros((len(n), WIDTH), dtype=np.uint8)
        padded[:, :17] = digits
        padded[:, 17:] = ord("0")
        shifted = np.empty_like(padded)
        shifted[:, 1:] = padded[:, :-1]
        dot = np.where(small, WIDTH, np.where(sci, 1, e + 1))  # the point goes before column `dot`
        dot = np.where(sci & (count == 1), WIDTH, dot)
        out = np.where(_COLS < dot[:, None], padded, shifted)
        out[_COLS == dot[:, None]] = ord(".")
        body[good] = out
        sign_len[good] = values[good] < 0
        prefix_len[good] = np.where(small, 1 - e, 0)
        body_len[good] = np.where(small, count, np.where(sci, count + (count > 1), np.maximum(count, e + 2) + 1))
        marker[good, 1] = np.where(e < 0, ord("-"), ord("+"))
        marker_len[good] = np.where(sci, 2, 0)
        exponent[good] = _digits(np.abs(e), 3)
        exp_len[good] = np.where(sci, np.where(np.abs(e) >= 100, 3, 2), 0)
        slow = np.concatenate([slow, idx[~handled]]).astype(np.int64)
    for i in slow.tolist():
        value = float(values[i])
        s = non_finite if non_finite is not None and not np.isfinite(value) else repr(value).encode("ascii")
        body[i, :len(s)] = np.frombuffer(s, dtype=np.uint8)
        body_len[i] = len(s)


Piece = tuple  # (uint8 matrix, length of each row, right-aligned?)


def join(fields: list[list[Piece]], sep: bytes, end: bytes) -> bytes:
    """Rows of text: each row's fields joined by ``sep``, each row ended by ``end``.

    A field is a list of pieces (matrix, lengths, right_aligned): a piece's text in a row is the first
    (or, right-aligned, the last) ``length`` bytes of that row of the matrix."""
    parts, masks = [], []
    rows = len(fields[0][0][1])
    for i, field in enumerate(fields):
        for text, length, right in field:
            parts.append(text)
            cols = np.arange(text.shape[1])[None, :]
            masks.append(cols >= text.shape[1] - length[:, None] if right else cols < length[:, None])
        tail = end if i == len(fields) - 1 else sep
        if tail:
            parts.append(np.broadcast_to(np.frombuffer(tail, dtype=np.uint8), (rows, len(tail))))
            masks.append(np.ones((rows, len(tail)), dtype=bool))
    matrix = np.concatenate(parts, axis=1)
    mask = np.concatenate(masks, axis=1)
    return matrix[mask].tobytes()
