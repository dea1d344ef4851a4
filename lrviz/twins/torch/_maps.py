"""torch twins: the maps of the lr one ``step()`` applies, and the exact solver that applies them in torch's order.

A map is one of multiply, set, CosineAnnealingLR's ``r * (lr - eta_min) + eta_min``,
its additive step, and SWALR's update (see the package docstring for the method
and its precision: bit for bit except affine runs longer than :data:`WAVE_MAX`).
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Maps and the exact solver
# ---------------------------------------------------------------------------------------------

_MUL, _SET, _COS, _ADD, _SWA = 0, 1, 2, 3, 4
WAVE_MAX = 512  # longest affine run solved element by element (bit for bit); see _solve for longer ones


class _Maps:
    """Maps of the lr for a vector of steps: ``kind`` and up to three parameters each.

    ``mom`` holds the momentum written (NaN: none); ``err`` marks steps where
    torch raises, ``msg(i)`` gives the message for the i-th of them.
    """

    __slots__ = ("kind", "p", "q", "r", "mom", "err", "msg")

    def __init__(self, kind, p, q=None, r=None, mom=None, err=None, msg=None):
        n = np.shape(p)[0] if np.ndim(p) else 1
        self.kind = np.broadcast_to(np.asarray(kind, dtype=np.int8), (n,))
        self.p = np.broadcast_to(np.asarray(p, dtype=np.float64), (n,))
        self.q = np.broadcast_to(np.asarray(0.0 if q is None else q, dtype=np.float64), (n,))
        self.r = np.broadcast_to(np.asarray(0.0 if r is None else r, dtype=np.float64), (n,))
        self.mom = None if mom is None else np.broadcast_to(np.asarray(mom, dtype=np.float64), (n,))
        self.err = err if err is None or err.any() else None
        self.msg = msg


def _mul(a) -> _Maps:
    return _Maps(_MUL, a)


def _set(v) -> _Maps:
    return _Maps(_SET, v)


def _apply(kind: np.ndarray, p: np.ndarray, q: np.ndarray, r: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One map per element, with torch's operations in torch's order."""
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        for k in np.unique(kind):
            m = kind == k
            xs, ps = x[m], p[m]
            if k == _MUL:
                out[m] = xs * ps
            elif k == _SET:
                out[m] = ps
            elif k == _COS:  # r * (lr - eta_min) + eta_min
                out[m] = ps * (xs - q[m]) + q[m]
            elif k == _ADD:
                out[m] = xs + ps
            else:  # SWALR: swa * alpha + (lr - prev_alpha * swa) / (1 - prev_alpha) * (1 - alpha)
                qs, rs = q[m], r[m]
                out[m] = ps * qs + (xs - rs * ps) / (1 - rs) * (1 - qs)
    return out


def _normalize(kind: np.ndarray, p: np.ndarray, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Copies of ``kind`` and ``p`` where maps that forget the incoming lr are "set" maps (they start runs)."""
    kind = np.array(kind, dtype=np.int8)
    p = np.array(p, dtype=np.float64)
    high = int(kind.max()) if kind.size else 0
    if high <= _SET:  # multiplications and sets only: nothing to rewrite
        return kind, p
    with np.errstate(all="ignore"):
        cos = kind == _COS
        zero = cos & (p == 0.0)  # 0 * (lr - eta_min) + eta_min == eta_min
        kind[zero], p[zero] = _SET, q[zero]
        if high >= _SWA:
            swa_done = (kind == _SWA) & (r == 1.0)  # SWALR past its anneal: swa * a + swa * (1 - a)
            p[swa_done] = p[swa_done] * q[swa_done] + p[swa_done] * (1 - q[swa_done])
            kind[swa_done] = _SET
            swa_end = (kind == _SWA) & (q == 1.0)  # alpha = 1: swa * 1 + (finite) * 0
            p[swa_end] = p[swa_end] * q[swa_end]
            kind[swa_end] = _SET
        kind[cos & ~zero & (q == 0.0)] = _MUL  # r * (lr - 0.0) + 0.0 == r * lr, bit for bit
    return kind, p


def _solve(kind: np.ndarray, p: np.ndarray, q: np.ndarray, r: np.ndarray, x0: float,
           normalized: bool = False) -> np.ndarray:
    """Apply the maps in order starting from ``x0``; return the lr after each map.

    The maps split into runs, each starting at a map that sets the lr. In a
    run, the part up to its last affine map (the *head*) is applied element by
    element, all runs advancing together; the rest multiplies only, a
    row-wise ``np.multiply.accumulate``. Both are torch's operations in
    torch's order. A head longer than :data:`WAVE_MAX` is the exception: if it
    ends in cosine maps ``r * (lr - eta) + eta`` with one eta (maybe with
    factors of 1 between them), those are multiplied out around eta
    (``lr - eta`` is multiplied by each r) after an exact short head;
    otherwise the whole head is solved by a prefix scan. These two are not
    bit for bit: torch's own rounding of ``- eta`` / ``+ eta`` at each step
    is not reproduced (relative error ~1e-12 per 3000 steps).
    """
    n = kind.size
    if n == 0:
        return np.empty(0)
    if not normalized:
        kind, p = _normalize(kind, p, q, r)
    if not kind.any():  # multiplications only (_MUL == 0): one accumulate
        with np.errstate(all="ignore"):
            return np.multiply.accumulate(np.concatenate(([x0], p)))[1:]
    xp = np.empty(n + 1)  # xp[i + 1] is the lr after map i; xp[0] = x0
    xp[0] = x0
    is_set = kind == _SET
    xp[1:][is_set] = p[is_set]
    seg = np.cumsum(is_set)
    start = np.concatenate(([-1], np.flatnonzero(is_set))).astype(np.int64)
    end = np.append(start[1:], n)
    affine = np.flatnonzero((kind == _COS) | (kind == _ADD) | (kind == _SWA))
    last_aff = np.full(start.size, -1, dtype=np.int64)
    if affine.size:
        np.maximum.at(last_aff, seg[affine], affine)
    head = np.where(last_aff >= 0, last_aff - start, 0)

    later = []  # long heads: (run, first position of its cosine part or None for a full scan)
    for s in np.flatnonzero(head > WAVE_MAX):  # rare: one turn per very long affine run
        lo, hi = start[s] + 1, last_aff[s] + 1
        eta = q[hi - 1]
        if kind[hi - 1] == _COS:
            ks, ps, qs = kind[lo:hi], p[lo:hi], q[lo:hi]
            breaks = np.flatnonzero(~(((ks == _COS) & (qs == eta)) | ((ks == _MUL) & (ps == 1.0))))
            cut = lo + (int(breaks[-1]) + 1 if breaks.size else 0)
            if cut - start[s] - 1 <= WAVE_MAX:
                head[s] = cut - start[s] - 1
                later.append((s, cut))
                continue
        head[s] = 0
        later.append((s, None))

    # heads: element by element, every run advancing one step per turn (a wavefront)
    alive = np.flatnonzero(head > 0)
    if alive.size:
        lengths = head[alive]
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        pos = np.repeat(start[alive], lengths) + 1 + offsets
        order = np.argsort(offsets, kind="stable")
        pos = pos[order]
        bounds = np.concatenate(([0], np.cumsum(np.bincount(offsets)))).tolist()
        hk, hp, hq, hr = kind[pos], p[pos], q[pos], r[pos]
        starts = np.asarray(bounds[:-1])
        uniform = (np.minimum.reduceat(hk, starts) == np.maximum.reduceat(hk, starts)).tolist()
        first_kind = hk[starts].tolist()
        with np.errstate(all="ignore"):
            for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):  # one turn per offset in the longest head
                at = pos[a:b]
                k = first_kind[i] if uniform[i] else -1
                if k == _COS:
                    xp[at + 1] = hp[a:b] * (xp[at] - hq[a:b]) + hq[a:b]
                elif k >= 0:
                    xp[at + 1] = _apply_one(k, hp[a:b], hq[a:b], hr[a:b], xp[at])
                else:
                    xp[at + 1] = _apply(hk[a:b], hp[a:b], hq[a:b], hr[a:b], xp[at])

    for s, cut in later:
        lo, hi = start[s] + 1, last_aff[s] + 1
        if cut is None:
            xp[lo + 1:hi + 1] = _affine_scan(kind[lo:hi], p[lo:hi], q[lo:hi], r[lo:hi], xp[lo])
        else:  # cosine maps around one eta: multiply lr - eta by each r, add eta back
            eta = q[hi - 1]
            ratios = np.where(kind[cut:hi] == _COS, p[cut:hi], 1.0)
            with np.errstate(all="ignore"):
                xp[cut + 1:hi + 1] = (xp[cut] - eta) * np.multiply.accumulate(ratios) + eta

    # multiplicative tails: row-wise accumulate, rows grouped by length class
    tail_begin = np.maximum(start, last_aff) + 1
    length = end - tail_begin
    rows = np.flatnonzero(length > 0)
    if rows.size:
        first = tail_begin[rows]
        seed = xp[first]
        width = np.ceil(np.log2(length[rows] + 1.0)).astype(np.int64)
        for w in np.unique(width):  # one turn per power of two of run lengths
            sel = width == w
            cols = 1 << int(w)
            lens = length[rows][sel]
            grid = np.ones((int(sel.sum()), cols))
            grid[:, 0] = seed[sel]
            offsets = np.arange(cols - 1)
            valid = offsets[None, :] < lens[:, None]
            where = (first[sel][:, None] + offsets[None, :])[valid]
            body = grid[:, 1:]
            body[valid] = p[where]
            with np.errstate(all="ignore"):
                np.multiply.accumulate(grid, axis=1, out=grid)
            xp[where + 1] = grid[:, 1:][valid]
    return xp[1:]


def _apply_one(k: int, p: np.ndarray, q: np.ndarray, r: np.ndarray, x: np.ndarray) -> np.ndarray:
    """:func:`_apply` when every map is of kind ``k`` (call under ``np.errstate(all="ignore")``)."""
    if k == _MUL:
        return x * p
    if k == _SET:
        return p.copy()
    if k == _COS:
        return p * (x - q) + q
    if k == _ADD:
        return x + p
    return p * q + (x - r * p) / (1 - r) * (1 - q)


def _affine_scan(kind, p, q, r, v: float) -> np.ndarray:
    """Compose affine maps x -> a*x + b by a prefix scan (for very long affine runs)."""
    with np.errstate(all="ignore"):
        a = np.where(kind == _ADD, 1.0, p)
        b = np.zeros(kind.size)
        cos = kind == _COS
        b[cos] = q[cos] - p[cos] * q[cos]
        add = kind == _ADD
        b[add] = p[add]
        swa = kind == _SWA
        if swa.any():
            qs, rs, ps = q[swa], r[swa], p[swa]
            a[swa] = (1 - qs) / (1 - rs)
            b[swa] = ps * qs - rs * ps * (1 - qs) / (1 - rs)
        setm = kind == _SET
        a[setm], b[setm] = 0.0, p[setm]
        d = 1
        while d < a.size:
            b[d:] = a[d:] * b[:-d] + b[d:]
            a[d:] = a[d:] * a[:-d]
            d *= 2
        return a * v + b

