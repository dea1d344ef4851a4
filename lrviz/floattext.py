"""float64 and int64 arrays -> the exact text of Python's ``repr`` / ``str``, vectorized.

``repr(x)`` of a float is the shortest decimal that reads back as ``x`` (the
nearest such when several have as few digits), written positionally when its
decimal exponent ``E`` is in ``-4 <= E < 16`` (``0.0001``, ``100.0``) and as
``d.ddde-05`` otherwise. Export writes millions of them, and CSV and JSON
must keep those exact bytes, so this module finds the same digits with numpy:

- ``E`` from ``log10``, corrected; then the scaled
  value ``S = x * 10**(16-E)`` is computed as a double-double (Dekker's exact
  product of ``x`` and the double-double ``10**(16-E)``: about 104 bits), and
  ``n = round(S)``, the nearest 17-digit decimal;
- the decimals that read back as ``x`` are those inside x's rounding interval,
  ``(S - (x - prev(x)) / 2 * 10**j, S + (next(x) - x) / 2 * 10**j)`` for
  ``j = 16 - E``, at most 22 units of the 17th digit wide; the shortest is the
  one with the most trailing zeros: such an interval holds at most one
  multiple of 100 (and so of any higher power of ten); without one, the
  nearest multiple of 10 inside it; else the 17 digits of ``round(S)``.

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
    # x's rounding interval, in units of the 17th digit, around n: (low, high), at most 22 wide
    low = d - (x - np.nextafter(x, 0.0)) / 2 * scale
    high = d + (np.nextafter(x, np.inf) - x) / 2 * scale
    tol = _TOL * (high - low)
    bad = ~((low < 0) & (0 < high)) | (np.abs(np.abs(d) - 0.5) <= _TOL)  # 17 digits always read back

    def inside(c):
        return (low < c) & (c < high)

    # every candidate below lies on a multiple of 10: undecided when either end of the interval is that near one
    r100 = (n % 100).astype(np.float64)
    r10 = r100 % 10.0
    for end in (low, high):
        bad |= np.abs((end + r10 + 5.0) % 10.0 - 5.0) <= tol
    # 100 or more: an interval narrower than 100 holds at most one multiple of 100 (so of any 10**t, t >= 2),
    # the one nearest to S
    at100 = 100.0 * np.rint((r100 + d) / 100.0) - r100  # offsets from n
    in100 = inside(at100)
    # else the nearest multiple of 10 inside: the nearest to S, or past a power of two the next on the wide side
    at10 = 10.0 * np.rint((r10 + d) / 10.0) - r10
    in10 = inside(at10)
    other = at10 + np.where(at10 < d, 10.0, -10.0)
    in_other = inside(other) & ~in10
    bad |= ~in100 & in10 & (np.abs(np.abs(at10 - d) - 5.0) <= _TOL)  # two equally near: let repr decide
    offset = np.where(in100, at100, np.where(in10, at10, np.where(in_other, other, 0.0)))
    m = np.where(bad, 1, n + offset.astype(np.int64))
    k = e - 16  # value = m * 10**k
    zeros = np.flatnonzero(m % 10 == 0)
    while len(zeros):  # strip trailing zeros (m is 10**17 when it rounded up past a power of ten)
        m[zeros] //= 10
        k[zeros] += 1
        zeros = zeros[m[zeros] % 10 == 0]
    count = _count_digits(m)
    return m, count, k + count - 1, ~bad


def _count_digits(n: np.ndarray) -> np.ndarray:
    """Decimal digits of non-negative ``n`` (1 for 0)."""
    return np.searchsorted(_POW10[1:], n, side="right") + 1


_QUADS = np.frombuffer("".join(f"{i:04d}" for i in range(10000)).encode(), dtype=np.uint32)


def _digits(n: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative ``n < 10**24``, right-aligned in ``width`` columns (zeros in front).

    Four at a time from a table of the 10,000 quadruples: ``n`` is cut into blocks of 8 digits, by one
    int64 division and then in float64 (exact below 2**53: ``floor(b / 10**k)`` of an integer ``b`` is never
    within rounding of the next integer), so no slow int64 division runs per digit."""
    quads = (width + 3) // 4
    out = np.empty((len(n), 4 * quads), dtype=np.uint8)
    view = out.view(np.uint32)
    if width <= 8:
        rest = n.astype(np.float64)  # below 10**8: exact
    else:  # one int64 division; what is left of n is below 2**53, exact in float64
        top = n // 100_000_000
        rest = top.astype(np.float64)
        block = (n - top * 100_000_000).astype(np.float64)
    col = quads - 1
    while col >= 0:
        if width <= 8 or col < quads - 1:
            top = np.floor(rest / 100_000_000.0)
            block, rest = rest - 100_000_000.0 * top, top
        high = np.floor(block / 10_000.0)
        view[:, col] = _QUADS[(block - 10_000.0 * high).astype(np.intp)]
        if col >= 1:
            view[:, col - 1] = _QUADS[high.astype(np.intp)]
        col -= 2
    return out[:, 4 * quads - width:]


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
    count = _count_digits(values)
    width = int(count.max()) if len(values) else 1  # as wide as the longest: fewer divisions than 20 digits
    return [(_digits(values, width), count.astype(np.int8), True)]


def floats(values: np.ndarray, *, non_finite: bytes | None = None) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """``repr`` of float64 ``values`` as pieces for :func:`join`: the sign, the digits with their point (and
    the ``0.000`` before them below 1), ``e+``/``e-`` and the exponent's digits (each of length 0 where a row
    has no such part).

    NaN and inf come out as ``repr`` writes them, or as ``non_finite`` when given (JSON's ``null``)."""
    values = np.asarray(values, dtype=np.float64)
    m = len(values)
    sign = np.full((m, 1), ord("-"), dtype=np.uint8)
    body = np.zeros((m, WIDTH), dtype=np.uint8)
    marker = np.zeros((m, 2), dtype=np.uint8)
    marker[:, 0] = ord("e")
    exponent = np.zeros((m, 3), dtype=np.uint8)
    lengths = [np.zeros(m, dtype=np.int8) for _ in range(4)]  # small: the masks of join compare bytes
    for start in range(0, m, CHUNK):
        stop = min(start + CHUNK, m)
        _floats_into(values[start:stop], body[start:stop], marker[start:stop], exponent[start:stop],
                     [length[start:stop] for length in lengths], non_finite)
    return [(sign, lengths[0], False), (body, lengths[1], False), (marker, lengths[2], False),
            (exponent, lengths[3], True)]


def _floats_into(values, body, marker, exponent, lengths, non_finite: bytes | None) -> None:
    sign_len, body_len, marker_len, exp_len = lengths
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
        dot = np.where(small, WIDTH, np.where(sci, 1, e + 1))  # the point goes before column `dot`
        dot = np.where(sci & (count == 1), WIDTH, dot)
        lead = np.where(small, 1 - e, 0)  # "0." and the zeros before the first digit: 2 to 5 bytes
        key = np.minimum(dot, 17) * 8 + lead
        keys = np.flatnonzero(np.bincount(key, minlength=18 * 8))
        for both in keys.tolist():  # a chunk of a smooth curve has one or two layouts
            place, ahead = divmod(both, 8)
            sel = slice(None) if len(keys) == 1 else np.flatnonzero(key == both)
            rows = good if isinstance(good, slice) and isinstance(sel, slice) else np.arange(len(values))[good][sel]
            if ahead:
                body[rows, :ahead] = np.frombuffer(b"0.000"[:ahead], dtype=np.uint8)
                body[rows, ahead:ahead + 17] = digits[sel]
            elif place >= 17:
                body[rows, :17] = digits[sel]
            else:
                body[rows, :place] = digits[sel, :place]
                body[rows, place] = ord(".")
                body[rows, place + 1:18] = digits[sel, place:]
        sign_len[good] = values[good] < 0
        body_len[good] = np.where(small, lead + count, np.where(sci, count + (count > 1), np.maximum(count, e + 2) + 1))
        marker[good, 1] = np.where(e < 0, ord("-"), ord("+"))
        marker_len[good] = np.where(sci, 2, 0)
        if sci.any():
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
            width = int(length.max()) if len(length) else 0
            if not width:
                continue  # no row has this piece (a sign, an exponent)
            text = text[:, text.shape[1] - width:] if right else text[:, :width]
            parts.append(text)
            cols = np.arange(width, dtype=length.dtype)[None, :]
            masks.append(cols >= width - length[:, None] if right else cols < length[:, None])
        tail = end if i == len(fields) - 1 else sep
        if tail:
            parts.append(np.broadcast_to(np.frombuffer(tail, dtype=np.uint8), (rows, len(tail))))
            masks.append(np.ones((rows, len(tail)), dtype=bool))
    matrix = np.concatenate(parts, axis=1)
    mask = np.concatenate(masks, axis=1)
    return matrix[mask].tobytes()
