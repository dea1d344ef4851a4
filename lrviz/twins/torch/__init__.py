"""Twins of PyTorch 2.13's learning-rate schedulers (``torch.optim.lr_scheduler`` and ``swa_utils.SWALR``).

The value at step ``t`` is ``scheduler.get_last_lr()[0]`` after ``t`` calls of
``scheduler.step()`` (the constructor's own initial step included in ``t = 0``),
for one param group whose lr is ``lr``.

How the twins reproduce torch exactly
-------------------------------------
torch's schedulers are a small state machine around ``group["lr"]``. Every
``step()`` of one scheduler is one *map* of the current lr:

* multiply (the "chainable" StepLR, MultiStepLR, ConstantLR, LinearLR,
  ExponentialLR, PolynomialLR, MultiplicativeLR: ``lr * factor``),
* set (LambdaLR, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts and the
  closed forms SequentialLR uses at its milestones: ``lr = value``),
* CosineAnnealingLR's ``r * (lr - eta_min) + eta_min`` and its additive step
  ``lr + (base - eta_min) * (1 - cos(pi / T_max)) / 2``,
* SWALR's ``swa_lr * a + (lr - a' * swa_lr) / (1 - a') * (1 - a)``.

A twin models the construction of its scheduler(s) step by step (once, with
scalars: which scheduler sets ``initial_lr``, what SequentialLR resets and
undoes, ...), then computes the maps of any range of steps vectorized and
applies them in torch's order with torch's float operations: runs of
multiplications with ``np.multiply.accumulate`` (the same left-to-right
products as torch's repeated ``lr * factor``), the other maps element by
element across all runs at once. So the values are torch's to the last bit
wherever numpy's ``cos``/``**`` round like Python's ``math`` (``cos`` does
here; ``**`` may differ by one ulp). The exceptions, also in each docstring:

* a run of more than 512 affine steps in a row (CosineAnnealingLR with
  ``eta_min != 0`` and ``T_max > 256``; SWALR with ``anneal_epochs > 512``)
  is solved without torch's per-step rounding of ``- eta_min``/``+ eta_min``:
  ``lr - eta_min`` is multiplied by each ratio (CosineAnnealingLR alone:
  about 1e-13 relative at T_max = 3000, 4e-11 at 30000, where torch itself
  drifts from its closed form by 2e-12 and 1e-10), or by a prefix scan of
  the affine maps (SWALR: ~1e-14; a ChainedScheduler mixing such a cosine
  with other factors: ~1e-11);
* beyond 2**21 steps, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
  PolynomialLR and SWALR switch to their closed forms (about 1e-12 relative;
  torch's chainable values drift from them by as much).

Steps are evaluated in blocks of 32768 with the state (lr, momentum) kept at
each block end, so any step can be asked for; MultiplicativeLR, SequentialLR
and ChainedScheduler have no closed form, so the first value asked for at step
``t`` costs ``O(t)`` work (a few million steps per second), cached after, and
they stop at step 2**28 (a StepError beyond).

lrviz draws only a finite lr >= 0 and a momentum in [0, 1]: parameters torch
accepts but that make the lr negative (eta_min, gamma, swa_lr, ... below 0)
are ParameterErrors, and a value that still comes out negative or not finite
(a user lr_lambda below 0, gamma ** t overflowing) is a StepError at its step.
One quirk is kept as torch gives it: OneCycleLR's linear extrapolation at
t = total_steps, which is below 0.
Where torch raises while stepping, the twin raises
:class:`~lrviz.errors.StepError` from that step on, with torch's exception
and message; where it raises while constructing, a ParameterError.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable

import numpy as np

from ...errors import ParameterError, StepError
from ...expr import compile_expr
from ...schedules._base import Schedule, realize
from ...schedules import _checks as check
from ..plateau import torch_plateau

from ...kinds import Steps, Spec, Expr, Metrics

# ---------------------------------------------------------------------------------------------
# Maps and the exact solver
# ---------------------------------------------------------------------------------------------

_MUL, _SET, _COS, _ADD, _SWA = 0, 1, 2, 3, 4
WAVE_MAX = 512  # longest affine run solved element by element (bit for bit); see _solve for longer ones
BLOCK = 1 << 15  # steps per evaluation block
EXACT_LIMIT = 1 << 21  # single-scheduler twins use their closed forms beyond this many steps
SEQUENTIAL_LIMIT = 1 << 28  # last step evaluated where there is no closed form (about a minute of work)
OVERFLOW = "(34, 'Numerical result out of range')"


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
    with np.errstate(all="ignore"):
        zero = (kind == _COS) & (p == 0.0)  # 0 * (lr - eta_min) + eta_min == eta_min
        kind[zero], p[zero] = _SET, q[zero]
        swa_done = (kind == _SWA) & (r == 1.0)  # SWALR past its anneal: swa * a + swa * (1 - a)
        p[swa_done] = p[swa_done] * q[swa_done] + p[swa_done] * (1 - q[swa_done])
        kind[swa_done] = _SET
        swa_end = (kind == _SWA) & (q == 1.0)  # alpha = 1: swa * 1 + (finite) * 0
        p[swa_end] = p[swa_end] * q[swa_end]
        kind[swa_end] = _SET
        kind[(kind == _COS) & (q == 0.0)] = _MUL  # r * (lr - 0.0) + 0.0 == r * lr, bit for bit
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


# ---------------------------------------------------------------------------------------------
# The engine: blocks of steps, state kept at block ends
# ---------------------------------------------------------------------------------------------


class _Block:
    """The maps of a range of steps: ``slots`` maps per step, flattened in order."""

    __slots__ = ("kind", "p", "q", "r", "mom", "slots", "error")

    def __init__(self, kind, p, q, r, mom, slots, error):
        self.kind, self.p, self.q, self.r, self.mom, self.slots, self.error = kind, p, q, r, mom, slots, error


class _Engine:
    """Values of a recurrence of maps at any steps, exact, evaluated block by block.

    ``maps(lo, hi)`` gives the :class:`_Block` of steps ``lo .. hi-1`` (>= 1);
    ``x0``/``m0`` are the lr and momentum after construction (step 0).
    ``hold_from``: from that step on the value no longer changes (it is
    computed once). ``far``: a closed form used at steps >= ``far_from``.
    """

    def __init__(self, maps: Callable[[int, int], _Block], x0: float, m0: float | None, *,
                 momentum: bool, hold_from: int | None = None,
                 far: tuple[int, Callable[[np.ndarray], np.ndarray]] | None = None,
                 error: tuple[int, str] | None = None, name: str = "this scheduler", shortcut: bool = False):
        self._maps = maps
        self._name = name
        self._shortcut = shortcut  # no step can raise: a block may start from the last "set" map before it
        self._momentum = momentum
        self._ckpt: list[tuple[float, float]] = [(float(x0), np.nan if m0 is None else float(m0))]
        self._error = error  # (first step where torch raises, message)
        self._cache: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        self._lock = threading.Lock()
        self._hold = hold_from
        self._far = far

    def _compute(self, b: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Steps ``b*BLOCK+1 .. (b+1)*BLOCK`` from checkpoint ``b`` (called under the lock)."""
        if b in self._cache:
            return self._cache[b]
        lo = b * BLOCK + 1
        block = self._maps(lo, lo + BLOCK)
        x0, m0 = self._ckpt[b]
        x = _solve(block.kind, block.p, block.q, block.r, x0)
        s = block.slots
        lr = x[s - 1::s]
        mom = None
        if self._momentum:
            raw = block.mom
            idx = np.where(np.isnan(raw), -1, np.arange(raw.size))
            np.maximum.accumulate(idx, out=idx)
            filled = np.where(idx >= 0, raw[np.maximum(idx, 0)], m0)
            mom = filled[s - 1::s]
        if block.error is not None and (self._error is None or block.error[0] < self._error[0]):
            self._error = block.error
        if len(self._ckpt) == b + 1:
            self._ckpt.append((float(lr[-1]), float(mom[-1]) if mom is not None else np.nan))
        if len(self._cache) > 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[b] = (lr, mom)
        return lr, mom

    def _from_last_set(self, b: int) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Block ``b`` solved from the last map before it that sets the lr (no need of the steps before).

        Exact, since such a map forgets the lr it receives; only where no step
        can raise (an error would have stopped torch before). None if there is
        no such map between the last checkpoint and the block.
        """
        lo = b * BLOCK + 1
        frontier = (len(self._ckpt) - 1) * BLOCK + 1  # first step without a checkpoint before it
        for window in (BLOCK, 8 * BLOCK, 64 * BLOCK):  # look back one block, then 8, then 64
            first = max(frontier, lo - window)
            if first >= lo - BLOCK // 4:
                return None  # the checkpoint is near: stepping from it costs as much
            block = self._maps(first, lo + BLOCK)
            kind, p = _normalize(block.kind, block.p, block.q, block.r)
            s = block.slots
            before = (lo - first) * s  # flattened index of block b's first map
            sets = np.flatnonzero(kind[:before] == _SET)
            mom = None
            if self._momentum:
                written = np.flatnonzero(~np.isnan(block.mom[:before]))
                if not written.size:
                    sets = sets[:0]
            if sets.size:
                # solve from the set map to the end of its block, then block by block as _compute does
                # (so the values are those stepping from the start gives, bit for bit, in every path of _solve)
                i = int(sets[-1])
                q, r = block.q, block.r
                per_block = BLOCK * s
                end = (i // per_block + 1) * per_block
                x = _solve(kind[i:end], p[i:end], q[i:end], r[i:end], np.nan, normalized=True)
                last = float(x[-1])
                while end < before:  # one turn per block between the set map and block b
                    x = _solve(kind[end:end + per_block], p[end:end + per_block], q[end:end + per_block],
                               r[end:end + per_block], last, normalized=True)
                    last = float(x[-1])
                    end += per_block
                x = _solve(kind[before:], p[before:], q[before:], r[before:], last, normalized=True)
                lr = x[s - 1::s]
                if self._momentum:
                    raw = block.mom[before:].copy()
                    raw_prev = float(block.mom[int(written[-1])])
                    idx = np.where(np.isnan(raw), -1, np.arange(raw.size))
                    np.maximum.accumulate(idx, out=idx)
                    mom = np.where(idx >= 0, raw[np.maximum(idx, 0)], raw_prev)[s - 1::s]
                return lr, mom
            if first == frontier:
                return None
        return None

    def _block_values(self, b: int) -> tuple[np.ndarray, np.ndarray | None]:
        with self._lock:
            if b in self._cache:
                return self._cache[b]
            if self._shortcut and len(self._ckpt) <= b:
                found = self._from_last_set(b)
                if found is not None:
                    if len(self._cache) > 8:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[b] = found
                    return found
            while len(self._ckpt) <= b:
                k = len(self._ckpt) - 1
                if self._error is not None and self._error[0] <= k * BLOCK:
                    break
                self._compute(k)
            if len(self._ckpt) <= b:
                return np.full(BLOCK, np.nan), np.full(BLOCK, np.nan)
            return self._compute(b)

    def values(self, t: np.ndarray, momentum: bool = False) -> np.ndarray:
        out = np.empty(t.shape)
        t_eval = t
        if self._hold is not None:
            t_eval = np.minimum(t, self._hold)
        far_mask = None
        if self._far is not None:
            far_mask = t_eval >= self._far[0]
        zero = t_eval == 0
        ck = self._ckpt[0]
        out[zero] = ck[1] if momentum else ck[0]
        todo = ~zero if far_mask is None else (~zero & ~far_mask)
        if todo.any():
            tt = t_eval[todo]
            if int(tt.max()) > SEQUENTIAL_LIMIT:
                raise StepError(f"{self._name} has no closed form: the lr at step {int(tt.max())} needs every step "
                                f"before it, and lrviz evaluates it up to step 2**28 = {SEQUENTIAL_LIMIT:,}")
            blocks = (tt - 1) // BLOCK
            order = np.argsort(blocks, kind="stable")
            ordered = blocks[order]
            cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
            res = np.empty(tt.shape)
            for a, b in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [ordered.size]))):  # one turn per block
                sel = order[a:b]
                block = int(ordered[a])
                lr, mom = self._block_values(block)
                src = mom if momentum else lr
                res[sel] = src[(tt[sel] - 1) - block * BLOCK]
            out[todo] = res
        self._raise_if_error(t)
        if far_mask is not None and far_mask.any():
            with np.errstate(all="ignore"):
                out[far_mask] = self._far[1](t_eval[far_mask])
        return out

    def _raise_if_error(self, t: np.ndarray) -> None:
        if self._error is None or not t.size:
            return
        step, message = self._error
        if int(t.max()) >= step:
            raise StepError(message)


# ---------------------------------------------------------------------------------------------
# Models of torch's schedulers: construction (scalar) and maps (vectorized)
# ---------------------------------------------------------------------------------------------


class _Leaf:
    """One torch scheduler acting on ``group`` (a dict: lr, initial_lr, momentum, ...)."""

    name = ""
    writes_momentum = False
    slots = 1

    def __init__(self) -> None:
        self.base = 0.0  # base_lrs[0], captured at construction
        self.k = 0  # last_epoch
        self.j = 0  # _step_count - 1
        self.id = -1

    # -- construction (scalars) ------------------------------------------------------------
    def pre_init(self, g: dict) -> None:
        """What the constructor does to the group before ``LRScheduler.__init__``."""

    def construct(self, g: dict, where: str) -> None:
        self.pre_init(g)
        g.setdefault("initial_lr", g["lr"])
        self.base = g["initial_lr"]
        self.k = -1
        self.initial_step(g, where)
        self.post_init(g)

    def post_init(self, g: dict) -> None:
        """What the constructor does after ``LRScheduler.__init__`` (CyclicLR replaces base_lrs)."""

    def initial_step(self, g: dict, where: str) -> None:
        self.k += 1
        self.j = 0
        with np.errstate(all="ignore"):
            _apply_scalar(self.initial_maps(g), g, where)

    def step_once(self, g: dict, where: str) -> None:
        self.k += 1
        self.j += 1
        with np.errstate(all="ignore"):
            _apply_scalar(self.step_maps(np.array([self.k]), np.array([self.j]), g), g, where)

    def restart(self, g: dict, where: str) -> None:
        self.k = 0
        with np.errstate(all="ignore"):
            _apply_scalar(self.restart_maps(np.array([self.j]), g), g, where)

    # -- as a node of a tree of schedulers ----------------------------------------------------
    def leaves(self) -> list[_Leaf]:
        return [self]

    def can_error(self) -> bool:
        """Whether torch may raise at some step (then every step before must be looked at)."""
        return False

    def undo(self) -> None:  # SequentialLR.recursive_undo
        self.k -= 1

    def program(self, c: np.ndarray):
        """Slots of ``step()`` calls number ``c`` (1 = the first call after construction), and errors."""
        return [(np.full(c.shape, self.id), self.k + c, self.j + c, np.zeros(c.shape, bool))], []

    # -- maps (vectorized) -----------------------------------------------------------------
    def step_maps(self, k: np.ndarray, j: np.ndarray, g: dict) -> _Maps:
        """``step()`` (not in the initial mode) with ``last_epoch`` becoming ``k``."""
        raise NotImplementedError

    def initial_maps(self, g: dict) -> _Maps:
        """The constructor's ``_initial_step()`` (``last_epoch`` becomes 0)."""
        return self.step_maps(np.array([0]), np.array([0]), g)

    def restart_maps(self, j: np.ndarray, g: dict) -> _Maps:
        """``_update_lr(0)`` (SequentialLR at a milestone): the closed form at 0 where torch has one."""
        return self.step_maps(np.zeros(j.shape, dtype=np.int64), j, g)


def _apply_scalar(maps: _Maps, g: dict, where: str) -> None:
    if maps.err is not None and maps.err[0]:
        raise ParameterError(where, f"torch raises while constructing the scheduler: {maps.msg(0)}")
    with np.errstate(all="ignore"):
        g["lr"] = float(_apply(maps.kind[:1], maps.p[:1], maps.q[:1], maps.r[:1], np.array([g["lr"]]))[0])
    if maps.mom is not None and not np.isnan(maps.mom[0]):
        g["momentum"] = float(maps.mom[0])


def _errors(mask: np.ndarray, messages: Callable[[int], str]) -> tuple[np.ndarray | None, Callable | None]:
    return (mask, messages) if mask.any() else (None, None)


class _LambdaLeaf(_Leaf):
    name = "LambdaLR"

    def __init__(self, lr_lambda):
        super().__init__()
        self.fn = lr_lambda

    def step_maps(self, k, j, g):
        return _set(self.base * self.fn(k))


class _MultiplicativeLeaf(_Leaf):
    name = "MultiplicativeLR"

    def __init__(self, lr_lambda):
        super().__init__()
        self.fn = lr_lambda

    def step_maps(self, k, j, g):
        return _mul(self.fn(k))

    def initial_maps(self, g):
        return _mul(1.0)


class _StepLeaf(_Leaf):
    name = "StepLR"

    def __init__(self, step_size: int, gamma: float):
        super().__init__()
        self.step_size, self.gamma = step_size, gamma

    def step_maps(self, k, j, g):
        return _mul(np.where((k == 0) | (k % self.step_size != 0), 1.0, self.gamma))

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * self.gamma ** 0))


def _float_pow(base: float, k: int) -> float:
    """``base ** k`` as Python computes it, inf where Python (and so torch, at that milestone) raises OverflowError;
    the lr is then not finite from that step on, reported as such when evaluated."""
    try:
        return base ** k
    except OverflowError:
        return math.inf


class _MultiStepLeaf(_Leaf):
    name = "MultiStepLR"

    def __init__(self, milestones: list[int], gamma: float):
        super().__init__()
        counts = Counter(milestones)
        self.keys = np.array(sorted(counts), dtype=np.int64)
        self.factors = np.array([_float_pow(gamma, counts[m]) for m in sorted(counts)], dtype=np.float64)
        self.gamma = gamma
        self.at_zero = bisect_right(sorted(milestones), 0)

    def step_maps(self, k, j, g):
        if not self.keys.size:
            return _mul(np.ones(k.shape))
        i = np.minimum(np.searchsorted(self.keys, k), self.keys.size - 1)
        return _mul(np.where(self.keys[i] == k, self.factors[i], 1.0))

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * _float_pow(self.gamma, self.at_zero)))


class _ConstantLeaf(_Leaf):
    name = "ConstantLR"

    def can_error(self):
        return self.factor == 0

    def __init__(self, factor: float, total_iters: int):
        super().__init__()
        self.factor, self.total_iters = factor, total_iters

    def step_maps(self, k, j, g):
        f = self.factor
        back = 1.0 / f if f != 0 else np.nan
        a = np.where(k == 0, f, np.where(k != self.total_iters, 1.0, back))
        err = (k == self.total_iters) & (k != 0) if f == 0 else np.zeros(k.shape, bool)
        m = _mul(a)
        m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: float division by zero")
        return m

    def restart_maps(self, j, g):
        f = self.factor
        return _set(np.full(j.shape, self.base * (f + (0 >= self.total_iters) * (1 - f))))


class _LinearLeaf(_Leaf):
    name = "LinearLR"

    def can_error(self):
        return self.total_iters == 0

    def __init__(self, start_factor: float, end_factor: float, total_iters: int):
        super().__init__()
        self.s, self.e, self.total_iters = start_factor, end_factor, total_iters

    def step_maps(self, k, j, g):
        s, e, n = self.s, self.e, self.total_iters
        with np.errstate(all="ignore"):
            ramp = 1.0 + (e - s) / (n * s + (k - 1) * (e - s))
        return _mul(np.where(k == 0, s, np.where(k > n, 1.0, ramp)))

    def restart_maps(self, j, g):
        if self.total_iters == 0:
            m = _set(np.full(j.shape, np.nan))
            m.err, m.msg = np.ones(j.shape, bool), (lambda i: "ZeroDivisionError: division by zero")
            return m
        s, e = self.s, self.e
        return _set(np.full(j.shape, self.base * (s + (e - s) * min(self.total_iters, 0) / self.total_iters)))


class _ExponentialLeaf(_Leaf):
    name = "ExponentialLR"

    def __init__(self, gamma: float):
        super().__init__()
        self.gamma = gamma

    def step_maps(self, k, j, g):
        return _mul(np.full(k.shape, self.gamma))

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * self.gamma ** 0))


class _CosineLeaf(_Leaf):
    name = "CosineAnnealingLR"

    def __init__(self, T_max: int, eta_min: float):
        super().__init__()
        self.T, self.eta = T_max, eta_min

    def step_maps(self, k, j, g):
        T, eta, base = self.T, self.eta, self.base
        kf = k.astype(np.float64)
        with np.errstate(all="ignore"):
            ratio = (1 + np.cos(math.pi * kf / T)) / (1 + np.cos(math.pi * (kf - 1) / T))
        kind = np.full(k.shape, _COS, dtype=np.int8)
        p, q = ratio, np.full(k.shape, eta)
        add = (k - 1 - T) % (2 * T) == 0
        kind[add] = _ADD
        p = np.where(add, (base - eta) * (1 - math.cos(math.pi / T)) / 2, p)
        resume = (j == 0) & (k > 0)  # torch's branch for a scheduler resumed at last_epoch > 0
        if resume.any():
            kind[resume] = _SET
            p = np.where(resume, eta + (base - eta) * (1 + np.cos(kf * math.pi / T)) / 2, p)
        return _Maps(kind, p, q)

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        eta = self.eta
        return _set(np.full(j.shape, eta + (self.base - eta) * (1 + math.cos(math.pi * 0 / self.T)) / 2))


class _CyclicLeaf(_Leaf):
    name = "CyclicLR"

    def can_error(self):
        return self.custom is None and (self.mode == "triangular2" or (self.mode == "exp_range" and self.gamma > 1))

    def __init__(self, base_lr, max_lr, step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode,
                 cycle_momentum, base_momentum, max_momentum):
        super().__init__()
        self.base_lr, self.max_lr = base_lr, max_lr
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total = up + down
        self.ratio = up / self.total
        self.mode, self.gamma = mode, gamma
        self.custom = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.writes_momentum = cycle_momentum
        self.base_m, self.max_m = base_momentum, max_momentum

    def pre_init(self, g):
        g["lr"] = self.base_lr
        if self.writes_momentum:
            g["momentum"] = self.max_m
            g["max_momentum"] = self.max_m
            g["base_momentum"] = self.base_m

    def post_init(self, g):
        self.base = self.base_lr  # self.base_lrs = base_lrs, after LRScheduler.__init__ stepped once

    def _scale(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """scale_fn(x) and where Python's float power overflows (torch raises OverflowError)."""
        with np.errstate(all="ignore"):
            if self.custom is not None:
                return self.custom(x), np.zeros(x.shape, bool)
            if self.mode == "triangular":
                return np.ones(x.shape), np.zeros(x.shape, bool)
            if self.mode == "triangular2":
                power = np.power(2.0, (x - 1).astype(np.float64))
                return 1 / power, np.isinf(power)
            power = np.power(self.gamma, x.astype(np.float64))
            return power, np.isinf(power) & np.isfinite(self.gamma)

    def step_maps(self, k, j, g):
        kf = k.astype(np.float64)
        with np.errstate(all="ignore"):
            cycle = np.floor(1 + kf / self.total)
            x = 1.0 + kf / self.total - cycle
            sf = np.where(x <= self.ratio, x / self.ratio, (x - 1) / (self.ratio - 1))
            scale, over = self._scale(cycle.astype(np.int64) if self.scale_mode == "cycle" else k)
            lr = self.base + (self.max_lr - self.base) * sf * scale
            mom = self.max_m - (self.max_m - self.base_m) * sf * scale if self.writes_momentum else None
        m = _Maps(_SET, lr, mom=mom)
        m.err, m.msg = _errors(over, lambda i: f"OverflowError: {OVERFLOW}")
        return m


def _cawr_cycles(k: np.ndarray, T_0: int, T_mult: int) -> tuple[np.ndarray, np.ndarray]:
    """T_cur and T_i after ``k`` calls of step(): integer arithmetic, as torch's step() counts."""
    if T_mult == 1:
        return k % T_0, np.full(k.shape, T_0, dtype=np.int64)
    starts, lengths = [0], [T_0]
    top = int(k.max()) if k.size else 0
    while starts[-1] + lengths[-1] <= top:  # one turn per restart cycle (geometric: few)
        starts.append(starts[-1] + lengths[-1])
        lengths.append(min(lengths[-1] * T_mult, 2**62))  # a cycle longer than any step asked for never ends
    starts_a = np.array(starts, dtype=np.int64)
    n = np.searchsorted(starts_a, k, side="right") - 1
    return k - starts_a[n], np.array(lengths, dtype=np.int64)[n]


class _CAWRLeaf(_Leaf):
    name = "CosineAnnealingWarmRestarts"

    def __init__(self, T_0: int, T_mult: int, eta_min: float):
        super().__init__()
        self.T_0, self.T_mult, self.eta = T_0, T_mult, eta_min

    def step_maps(self, k, j, g):
        t_cur, t_i = _cawr_cycles(np.maximum(k, 0), self.T_0, self.T_mult)
        eta = self.eta
        return _set(eta + (self.base - eta) * (1 + np.cos(math.pi * t_cur.astype(np.float64) / t_i)) / 2)


class _OneCycleLeaf(_Leaf):
    name = "OneCycleLR"

    def can_error(self):
        return True

    def __init__(self, max_lr, total_steps, pct_start, anneal_strategy, cycle_momentum, base_momentum,
                 max_momentum, div_factor, final_div_factor, three_phase):
        super().__init__()
        self.max_lr, self.T = max_lr, total_steps
        self.cos = anneal_strategy == "cos"
        self.writes_momentum = cycle_momentum
        self.base_m, self.max_m = base_momentum, max_momentum
        self.div, self.final_div = div_factor, final_div_factor
        if three_phase:
            self.phases = [(float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                           (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self.phases = [(float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]

    def pre_init(self, g):
        for name, value in (("div_factor", self.div), ("final_div_factor", self.final_div)):
            if value == 0:
                raise ParameterError(name, "torch raises while constructing the scheduler: "
                                           "ZeroDivisionError: float division by zero")
        g["initial_lr"] = self.max_lr / self.div
        g["max_lr"] = self.max_lr
        g["min_lr"] = g["initial_lr"] / self.final_div
        if self.writes_momentum:
            g["momentum"] = self.max_m
            g["max_momentum"] = self.max_m
            g["base_momentum"] = self.base_m

    def _anneal(self, start, end, pct):
        if self.cos:
            return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def step_maps(self, k, j, g):
        kf = k.astype(np.float64)
        lr = np.full(k.shape, np.nan)
        mom = np.full(k.shape, np.nan) if self.writes_momentum else None
        zero_div = np.zeros(k.shape, bool)
        left = np.ones(k.shape, bool)
        start = 0.0
        for i, (end, lo, hi, mlo, mhi) in enumerate(self.phases):  # a loop over the (2 or 3) phases
            here = left & ((kf <= end) | (i == len(self.phases) - 1))
            if here.any():
                if end - start == 0:
                    zero_div |= here
                else:
                    pct = (kf[here] - start) / (end - start)
                    lr[here] = self._anneal(g[lo], g[hi], pct)
                    if mom is not None:
                        mom[here] = self._anneal(g[mlo], g[mhi], pct)
            left &= ~here
            start = end
        over = k > self.T
        T = self.T
        m = _Maps(_SET, lr, mom=mom)
        bad = over | zero_div
        m.err, m.msg = _errors(bad, lambda i: (f"ValueError: Tried to step {int(k[i])} times. The specified number of "
                                               f"total steps is {T}") if over[i] else "ZeroDivisionError: float division by zero")
        return m


class _PolynomialLeaf(_Leaf):
    name = "PolynomialLR"

    def can_error(self):
        return self.n == 0 or self.power < 0

    def __init__(self, total_iters: int, power: float):
        super().__init__()
        self.n, self.power = total_iters, power

    def step_maps(self, k, j, g):
        n, p = self.n, self.power
        kf = k.astype(np.float64)
        if n == 0:
            err = k <= 0
            m = _mul(np.where(err, np.nan, 1.0))
            m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: division by zero")
            return m
        with np.errstate(all="ignore"):
            ratio = (1.0 - kf / n) / (1.0 - (kf - 1) / n)
            factor = np.power(ratio, p)
        live = k <= n
        err = live & (ratio == 0) & (p < 0)
        m = _mul(np.where(live, factor, 1.0))
        m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: 0.0 cannot be raised to a negative power")
        return m

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        if self.n == 0:
            m = _set(np.full(j.shape, np.nan))
            m.err, m.msg = np.ones(j.shape, bool), (lambda i: "ZeroDivisionError: division by zero")
            return m
        return _set(np.full(j.shape, self.base * (1.0 - min(self.n, 0) / self.n) ** self.power))


class _SWALeaf(_Leaf):
    name = "SWALR"

    def __init__(self, swa_lr: float, anneal_epochs: int, anneal_strategy: str):
        super().__init__()
        self.swa, self.A, self.cos = swa_lr, anneal_epochs, anneal_strategy == "cos"

    def pre_init(self, g):
        g["swa_lr"] = self.swa

    def _alpha(self, t: np.ndarray) -> np.ndarray:
        return (1 - np.cos(math.pi * t)) / 2 if self.cos else t

    def step_maps(self, k, j, g):
        step = j if self.A > 0 else np.maximum(1, j)
        span = max(1, self.A)
        stepf = step.astype(np.float64)
        prev = self._alpha(np.clip((stepf - 1) / span, 0, 1))
        alpha = self._alpha(np.clip(stepf / span, 0, 1))
        return _Maps(_SWA, np.full(k.shape, g["swa_lr"]), alpha, prev)



class _Chained:
    """torch ``ChainedScheduler``: every ``step()`` steps each scheduler in order."""

    name = "ChainedScheduler"

    def __init__(self, children: list):
        self.children = children
        self.slots = sum(c.slots for c in children)

    def leaves(self) -> list[_Leaf]:
        return [leaf for c in self.children for leaf in c.leaves()]

    def can_error(self) -> bool:
        return any(c.can_error() for c in self.children)

    def construct(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.construct(g, f"{where}[{i}]")

    def undo(self) -> None:
        for child in self.children:
            child.undo()

    def step_once(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.step_once(g, f"{where}[{i}]")

    initial_step = step_once  # LRScheduler._initial_step() is one step()

    def restart(self, g: dict, where: str) -> None:
        raise ParameterError(where, _not_restartable(self, 0))

    def program(self, c: np.ndarray):
        slots, errors = [], []
        for child in self.children:
            s, e = child.program(c)
            slots += s
            errors += e
        return slots, errors


class _Sequential:
    """torch ``SequentialLR``: one scheduler per phase; later ones restart at their milestone."""

    name = "SequentialLR"

    def __init__(self, children: list, milestones: list[int]):
        self.children, self.ms = children, milestones
        self.slots = max(c.slots for c in children)
        self.s = 0  # last_epoch

    def leaves(self) -> list[_Leaf]:
        return [leaf for c in self.children for leaf in c.leaves()]

    def can_error(self) -> bool:  # a scheduler tree after the first phase cannot be restarted
        return any(c.can_error() or (p > 0 and not isinstance(c, _Leaf)) for p, c in enumerate(self.children))

    def construct(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.construct(g, f"{where}[{i}]")
        self.s = 0
        g["lr"] = g["initial_lr"]
        self.undo()
        idx = bisect_right(self.ms, 0)
        self.children[idx].initial_step(g, f"{where}[{idx}]")

    def undo(self) -> None:  # recursive_undo: the leaves' last_epoch, not a nested SequentialLR's own
        for child in self.children:
            child.undo()

    def step_once(self, g: dict, where: str) -> None:
        self.s += 1
        idx = bisect_right(self.ms, self.s)
        if idx > 0 and self.ms[idx - 1] == self.s:
            self.children[idx].restart(g, f"{where}[{idx}]")
        else:
            self.children[idx].step_once(g, f"{where}[{idx}]")

    initial_step = step_once

    def restart(self, g: dict, where: str) -> None:
        raise ParameterError(where, _not_restartable(self, 0))

    def program(self, c: np.ndarray):
        n = c.size
        s = self.s + c
        ms = np.asarray(self.ms, dtype=np.int64)
        idx = np.searchsorted(ms, s, side="right")
        slots = [(np.full(n, -1), np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, bool))
                 for _ in range(self.slots)]
        errors = []
        for p, child in enumerate(self.children):  # a loop over phases
            rows = np.flatnonzero(idx == p)
            if not rows.size:
                continue
            if p == 0 or self.ms[p - 1] <= self.s:  # running since construction: plain step() calls
                sub, sub_errors = child.program(c[rows])
                for (lid, k, j, rs), (LID, K, J, RS) in zip(sub, slots):
                    LID[rows], K[rows], J[rows], RS[rows] = lid, k, j, rs
                for mask, message in sub_errors:
                    full = np.zeros(n, bool)
                    full[rows] = mask
                    errors.append((full, message))
            elif isinstance(child, _Leaf):  # _update_lr(0) at the milestone, then step()
                k = s[rows] - self.ms[p - 1]
                LID, K, J, RS = slots[0]
                LID[rows], K[rows], J[rows], RS[rows] = child.id, k, child.j + k, k == 0
            else:
                full = np.zeros(n, bool)
                full[rows] = True
                errors.append((full, _not_restartable(child, self.ms[p - 1])))
        return slots, errors


def _not_restartable(node, milestone: int) -> str:
    return (f"NotImplementedError: SequentialLR restarts its scheduler at milestone {milestone} with _update_lr(0), "
            f"which calls get_lr(); a {node.name} has none")


def _block_maps(root, leaves: list[_Leaf], g: dict, momentum: bool, lo: int, hi: int) -> _Block:
    """The maps of ``step()`` calls ``lo .. hi-1`` of the root, slot by slot."""
    c = np.arange(lo, hi, dtype=np.int64)
    slots, errors = root.program(c)
    n, width = c.size, len(slots)
    kind = np.full((n, width), _MUL, dtype=np.int8)
    p = np.ones((n, width))
    q = np.zeros((n, width))
    r = np.zeros((n, width))
    mom = np.full((n, width), np.nan) if momentum else None
    first: tuple[int, str] | None = None
    for col, (lid, k, j, rs) in enumerate(slots):
        for leaf in leaves:  # a loop over schedulers
            mine = lid == leaf.id
            if not mine.any():
                continue
            for restart in (False, True):
                rows = np.flatnonzero(mine & (rs if restart else ~rs))
                if not rows.size:
                    continue
                with np.errstate(all="ignore"):
                    maps = leaf.restart_maps(j[rows], g) if restart else leaf.step_maps(k[rows], j[rows], g)
                kind[rows, col], p[rows, col], q[rows, col], r[rows, col] = maps.kind, maps.p, maps.q, maps.r
                if mom is not None and maps.mom is not None:
                    mom[rows, col] = maps.mom
                if maps.err is not None:
                    i = int(np.flatnonzero(maps.err)[0])
                    if first is None or c[rows[i]] < first[0]:
                        first = (int(c[rows[i]]), maps.msg(i))
    for mask, message in errors:
        i = int(np.flatnonzero(mask)[0])
        if first is None or c[i] < first[0]:
            first = (int(c[i]), message)
    return _Block(kind.ravel(), p.ravel(), q.ravel(), r.ravel(), None if mom is None else mom.ravel(), width, first)


def _simulate(root, lr: float, where: str = "schedulers") -> tuple[dict, list[_Leaf], bool]:
    """Construct the scheduler tree on a fresh param group; returns the group, the leaves, momentum?"""
    leaves = root.leaves()
    for i, leaf in enumerate(leaves):
        leaf.id = i
    g: dict[str, Any] = {"lr": lr}
    root.construct(g, where)
    return g, leaves, any(leaf.writes_momentum for leaf in leaves)


def _engine(root, lr: float, *, where: str = "schedulers", **options) -> _Engine:
    g, leaves, momentum = _simulate(root, lr, where)
    if len(leaves) == 1 and isinstance(root, _MultiplicativeLeaf):  # multiplications only: skip the slots
        def maps(lo: int, hi: int) -> _Block:
            k = np.arange(lo, hi, dtype=np.int64) + root.k
            with np.errstate(all="ignore"):
                p = np.array(root.fn(k), dtype=np.float64)
            return _Block(np.zeros(k.size, np.int8), p, np.zeros(k.size), np.zeros(k.size), None, 1, None)
    else:
        def maps(lo: int, hi: int) -> _Block:
            return _block_maps(root, leaves, g, momentum, lo, hi)
    return _Engine(maps, g["lr"], g.get("momentum") if momentum else None, momentum=momentum,
                   shortcut=not root.can_error() and options.get("error") is None, **options)


class _Products:
    """``x0 * g * g * ... * g`` (k factors, multiplied left to right as torch does), for any k.

    Exact up to :data:`EXACT_LIMIT` factors (a cached ``np.multiply.accumulate``
    table); beyond, ``x0 * g ** k``.
    """

    def __init__(self, x0: float, gamma: float):
        self.x0, self.gamma = x0, gamma
        self.table = np.array([x0])
        self.lock = threading.Lock()

    def __call__(self, k: np.ndarray) -> np.ndarray:
        top = int(k.max()) if k.size else 0
        near = k < EXACT_LIMIT
        need = min(top, EXACT_LIMIT - 1)
        with self.lock:
            if self.table.size <= need:
                size = min(EXACT_LIMIT, max(need + 1, 2 * self.table.size, 1024))
                seq = np.full(size, self.gamma)
                seq[0] = self.x0
                with np.errstate(all="ignore"):
                    self.table = np.multiply.accumulate(seq)
            table = self.table
        out = np.empty(k.shape)
        out[near] = table[k[near]]
        if not near.all():
            with np.errstate(all="ignore"):
                out[~near] = self.x0 * np.power(self.gamma, k[~near].astype(np.float64))
        return out


# ---------------------------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------------------------


DEFAULT_METRICS_MAX = 100_000  # length cap of the default metric series
MAX_STEP = 2**53  # step counts above this are not exact in float64 (torch's arithmetic mixes them with floats)


def _lr(value: Any) -> float:
    return check.non_negative("lr", value)


def _steps(name: str, value: Any, minimum: int = 0) -> int:
    """A whole number of steps, at least ``minimum`` and at most 2**53."""
    value = check.steps(name, value, minimum=minimum)
    if value > MAX_STEP:
        raise ParameterError(name, f"must be <= 2**53; got {value}")
    return value


def _not_negative(name: str, value: Any, why: str) -> float:
    """A parameter torch accepts below 0 but that then gives a negative lr, which lrviz refuses."""
    value = check.number(name, value)
    if value < 0:
        raise ParameterError(name, f"must be >= 0 ({why}); got {value:g}")
    return value


def _momentum(name: str, value: Any) -> float:
    return check.between(name, value, 0.0, 1.0)


def _expr(name: str, value: Any):
    """An ``Expr`` parameter: compiled by the registry, or a default given as text."""
    if callable(value):
        return value
    return compile_expr(value, name)


def _choice(name: str, value: Any, choices: tuple[str, ...], message: str) -> str:
    if value not in choices:
        from ...errors import did_you_mean

        raise ParameterError(name, f"{message}; got {value!r}{did_you_mean(str(value), choices)}")
    return value


def _int(name: str, value: Any, *, minimum: int | None = None, message: str | None = None) -> int:
    number = check.number(name, value)
    if number != math.floor(number):
        raise ParameterError(name, message or f"expected a whole number; got {number:g}")
    number = int(number)
    if minimum is not None and number < minimum:
        raise ParameterError(name, message or f"must be >= {minimum}; got {number}")
    if number > MAX_STEP:
        raise ParameterError(name, f"must be <= 2**53; got {number}")
    return number


def _children(name: str, raw: list, lr: float, spans: list[int]) -> list[Schedule]:
    """Build the nested torch twins (each in its own span of steps) sharing the optimizer's lr."""
    if not isinstance(raw, (list, tuple)):
        raise ParameterError(name, f"expected a list of torch.* schedulers; got {raw!r}")
    out = []
    for i, (child, span) in enumerate(zip(raw, spans)):
        built = realize(child, total_steps=max(1, span), lr=lr)
        if not built.name.startswith("torch."):
            raise ParameterError(f"{name}[{i}]", f"expected a torch.* scheduler (they share one optimizer); got {built.name}")
        if built.name == "torch.ReduceLROnPlateau":
            raise ParameterError(f"{name}[{i}]", "torch does not support `ReduceLROnPlateau` scheduler here as it requires "
                                                 "additional kwargs to be specified when calling `step`")
        child_lr = built.params.get("lr")
        if child_lr is not None and child_lr != lr:
            raise ParameterError(f"{name}[{i}].lr", f"the schedulers share one optimizer, whose lr is {lr:g}; "
                                                    f"got lr={child_lr:g} (set lr on the outer scheduler)")
        out.append(built)
    return out


def _node(schedule: Schedule):
    """A fresh model of the torch scheduler a twin stands for (from its name and resolved params)."""
    p = schedule.params
    name = schedule.name
    if name == "torch.SequentialLR":
        return _Sequential([_node(c) for c in p["schedulers"]], list(p["milestones"]))
    if name == "torch.ChainedScheduler":
        return _Chained([_node(c) for c in p["schedulers"]])
    build = _LEAVES.get(name)
    if build is None:
        raise ParameterError("schedulers", f"{name} is not a torch scheduler twin")
    return build(p)


_LEAVES: dict[str, Callable[[dict], _Leaf]] = {
    "torch.LambdaLR": lambda p: _LambdaLeaf(p["lr_lambda"]),
    "torch.MultiplicativeLR": lambda p: _MultiplicativeLeaf(p["lr_lambda"]),
    "torch.StepLR": lambda p: _StepLeaf(p["step_size"], p["gamma"]),
    "torch.MultiStepLR": lambda p: _MultiStepLeaf(p["milestones"], p["gamma"]),
    "torch.ConstantLR": lambda p: _ConstantLeaf(p["factor"], p["total_iters"]),
    "torch.LinearLR": lambda p: _LinearLeaf(p["start_factor"], p["end_factor"], p["total_iters"]),
    "torch.ExponentialLR": lambda p: _ExponentialLeaf(p["gamma"]),
    "torch.CosineAnnealingLR": lambda p: _CosineLeaf(p["T_max"], p["eta_min"]),
    "torch.CyclicLR": lambda p: _CyclicLeaf(p["base_lr"], p["max_lr"], p["step_size_up"], p["step_size_down"], p["mode"],
                                            p["gamma"], p["scale_fn"], p["scale_mode"], p["cycle_momentum"],
                                            p["base_momentum"], p["max_momentum"]),
    "torch.CosineAnnealingWarmRestarts": lambda p: _CAWRLeaf(p["T_0"], p["T_mult"], p["eta_min"]),
    "torch.OneCycleLR": lambda p: _OneCycleLeaf(p["max_lr"], p["total_steps"], p["pct_start"], p["anneal_strategy"],
                                                p["cycle_momentum"], p["base_momentum"], p["max_momentum"],
                                                p["div_factor"], p["final_div_factor"], p["three_phase"]),
    "torch.PolynomialLR": lambda p: _PolynomialLeaf(p["total_iters"], p["power"]),
    "torch.SWALR": lambda p: _SWALeaf(p["swa_lr"], p["anneal_epochs"], p["anneal_strategy"]),
}


# ---------------------------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------------------------


def _schedule(lr_fn: Callable[[np.ndarray], np.ndarray], name: str, params: dict,
              momentum_fn: Callable[[np.ndarray], np.ndarray] | None = None,
              allow: Callable[[np.ndarray], np.ndarray] | None = None, **options) -> Schedule:
    """A Schedule whose values are checked: lrviz draws only finite lr >= 0 and momentum in [0, 1].

    Where torch's value is not (a user lr_lambda below 0, gamma ** t overflowing,
    ...), the twin raises a StepError at that step. ``allow(t)`` marks steps
    where a negative value is torch's documented quirk and is returned as is.
    """
    def checked(fn, what: str, lo: float, hi: float):
        def g(t: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                out = fn(t)
            bad = ~(np.isfinite(out) & (out >= lo) & (out <= hi))
            if bad.any() and allow is not None:
                bad &= ~(allow(t) & np.isfinite(out))
            if bad.any():
                i = int(np.argmax(bad))
                raise StepError(f"{name}: the {what} at step {int(t[i])} is {float(out[i])!r}; lrviz draws only "
                                + ("a finite lr >= 0" if what == "lr" else "a momentum in [0, 1]"))
            return out

        return g

    return Schedule(checked(lr_fn, "lr", 0.0, np.inf), name=name, params=params,
                    momentum_fn=None if momentum_fn is None else checked(momentum_fn, "momentum", 0.0, 1.0), **options)


def _from_engine(engine: _Engine, name: str, params: dict, **options) -> Schedule:
    engine._name = name
    momentum = (lambda t: engine.values(t, momentum=True)) if engine._momentum else None
    return _schedule(lambda t: engine.values(t), name, params, momentum, **options)


def _direct(leaf: _Leaf, g: dict, t: np.ndarray, momentum: bool = False) -> np.ndarray:
    """An absolute scheduler (its maps all set the lr): the value at ``t`` straight from its formula."""
    with np.errstate(all="ignore"):
        maps = leaf.step_maps(t, t, g)
    if maps.err is not None:
        bad = np.flatnonzero(maps.err)
        raise StepError(maps.msg(int(bad[np.argmin(t[bad])])))
    return np.array(maps.mom if momentum else maps.p, dtype=np.float64)


def _absolute(leaf: _Leaf, lr: float, name: str, params: dict, where: str, **options) -> Schedule:
    g, _, momentum = _simulate(leaf, lr, where)
    mom = (lambda t: _direct(leaf, g, t, True)) if momentum else None
    return _schedule(lambda t: _direct(leaf, g, t), name, params, mom, **options)


def lambda_lr(*, lr: float = 0.1, lr_lambda: Expr = "1") -> Schedule:
    """torch LambdaLR: the optimizer's lr times a function of the step.

    lr(t) = lr * lr_lambda(t)

    lr_lambda is an expression in t (torch passes last_epoch, the number of
    step() calls), e.g. '0.95 ** t' or 'min(1, (t + 1) / 100)'. It is evaluated
    with numpy, so '**', 'exp' and 'log' may differ from Python's by one ulp.
    """
    lr = _lr(lr)
    fn = _expr("lr_lambda", lr_lambda)
    return _absolute(_LambdaLeaf(fn), lr, "torch.LambdaLR", dict(lr=lr, lr_lambda=fn), "lr_lambda")


def multiplicative_lr(*, lr: float = 0.1, lr_lambda: Expr = "0.95") -> Schedule:
    """torch MultiplicativeLR: each step multiplies the current lr by a function of the step.

    lr(0) = lr;  lr(t) = lr(t-1) * lr_lambda(t)  for t >= 1  (lr_lambda(0) is never used)

    The products are taken one step after the other, as torch does (exact);
    there is no closed form, so the first value asked for at step t costs O(t).
    Inside a SequentialLR a MultiplicativeLR started at a milestone continues
    from the current lr, times lr_lambda(0) (torch has no closed form to restart it).
    """
    lr = _lr(lr)
    fn = _expr("lr_lambda", lr_lambda)
    engine = _engine(_MultiplicativeLeaf(fn), lr, where="lr_lambda")
    return _from_engine(engine, "torch.MultiplicativeLR", dict(lr=lr, lr_lambda=fn))


def step_lr(*, lr: float = 0.1, total_steps: Steps = 1000, step_size: Steps | None = None, gamma: float = 0.1) -> Schedule:
    """torch StepLR: multiply by gamma every step_size steps, forever.

    lr(t) = lr * gamma * gamma * ... (floor(t / step_size) factors, multiplied one by one as torch does)

    step_size (required by torch) defaults to total_steps // 3. There is no clamp.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    step_size = max(1, total_steps // 3) if step_size is None else _steps("step_size", step_size, minimum=1)
    gamma = _not_negative("gamma", gamma, "torch would alternate the sign of the lr")
    products = _Products(lr, gamma)
    marks = check.marks(*((k * step_size, f"x{gamma:g}", "drop") for k in range(1, min(total_steps // step_size, 100) + 1)))
    return _schedule(lambda t: products(t // step_size), "torch.StepLR",
                     dict(lr=lr, total_steps=total_steps, step_size=step_size, gamma=gamma), marks=marks, breaks=())


def multi_step_lr(*, lr: float = 0.1, total_steps: Steps = 1000, milestones: list[Steps] | None = None,
                  gamma: float = 0.1) -> Schedule:
    """torch MultiStepLR: multiply by gamma at each milestone.

    lr(t) = lr * gamma ** #{m in milestones : m <= t}   (applied milestone by milestone)

    Milestones are a multiset in any order, as in torch: a duplicate multiplies
    by gamma ** count at once (so [3, 3] gives gamma**2 at t=3), and a milestone
    0 applies at construction. Default (required by torch): a third and two
    thirds of total_steps.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    if milestones is None:
        milestones = sorted({max(1, total_steps // 3), max(1, 2 * total_steps // 3)})
    if not isinstance(milestones, (list, tuple)):
        raise ParameterError("milestones", f"expected a list of steps; got {milestones!r}")
    milestones = [_steps(f"milestones[{i}]", m) for i, m in enumerate(milestones)]
    gamma = _not_negative("gamma", gamma, "torch would alternate the sign of the lr")
    counts = Counter(milestones)
    keys = np.array(sorted(counts), dtype=np.int64)
    levels = [lr]
    for m in sorted(counts):  # a loop over milestones: lr * gamma ** count, one milestone after the other
        levels.append(levels[-1] * _float_pow(gamma, counts[m]))
    table = np.array(levels)
    marks = check.marks(*((m, f"x{gamma:g}" if counts[m] == 1 else f"x{gamma:g}^{counts[m]}", "drop") for m in sorted(counts)))
    return _schedule(lambda t: table[np.searchsorted(keys, t, side="right")], "torch.MultiStepLR",
                     dict(lr=lr, total_steps=total_steps, milestones=milestones, gamma=gamma), marks=marks, breaks=())


def constant_lr(*, lr: float = 0.1, factor: float = 1.0 / 3, total_iters: Steps = 5) -> Schedule:
    """torch ConstantLR: lr * factor for the first total_iters steps, then lr.

    lr(t) = lr * factor              for t < total_iters
          = (lr * factor) * (1 / factor)   for t >= total_iters (the chainable form; equal to lr up to an ulp)

    Quirks: with total_iters = 0 the lr stays at lr * factor forever (step 0
    multiplies by factor, and no later step equals total_iters); factor = 0 is
    accepted, and torch raises ZeroDivisionError at t = total_iters.
    """
    lr = _lr(lr)
    factor = check.number("factor", factor)
    if factor > 1.0 or factor < 0:
        raise ParameterError("factor", f"Constant multiplicative factor expected to be between 0 and 1; got {factor:g}")
    total_iters = _steps("total_iters", total_iters)
    low = lr * factor
    full = low * (1.0 / factor) if factor != 0 else np.nan

    def f(t: np.ndarray) -> np.ndarray:
        if total_iters == 0:
            return np.full(t.shape, low)
        if factor == 0 and t.size and int(t.max()) >= total_iters:
            raise StepError("ZeroDivisionError: float division by zero")
        return np.where(t < total_iters, low, full)

    return _schedule(f, "torch.ConstantLR", dict(lr=lr, factor=factor, total_iters=total_iters),
                     marks=check.marks((total_iters, "full lr")), breaks=())


def linear_lr(*, lr: float = 0.1, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: Steps = 5) -> Schedule:
    """torch LinearLR: the lr times a factor going linearly from start_factor to end_factor.

    lr(t) = lr * (start + (end - start) * min(t, total_iters) / total_iters)

    computed as torch's chainable form does: lr * start at t = 0, then
    lr(t) = lr(t-1) * (1 + (end - start) / (total_iters * start + (t - 1) * (end - start)))
    for 1 <= t <= total_iters (products one after the other, exact), then constant.
    torch requires 0 < start_factor <= 1 and 0 <= end_factor <= 1.
    total_iters = 0 keeps lr * start_factor forever.
    """
    lr = _lr(lr)
    start_factor = check.number("start_factor", start_factor)
    if start_factor > 1.0 or start_factor <= 0:
        raise ParameterError("start_factor", "Starting multiplicative factor expected to be greater than 0 and less or "
                                             f"equal to 1; got {start_factor:g}")
    end_factor = check.number("end_factor", end_factor)
    if end_factor > 1.0 or end_factor < 0:
        raise ParameterError("end_factor", f"Ending multiplicative factor expected to be between 0 and 1; got {end_factor:g}")
    total_iters = _steps("total_iters", total_iters)
    def closed(t: np.ndarray) -> np.ndarray:
        return lr * (start_factor + (end_factor - start_factor) * np.minimum(t, total_iters) / total_iters)

    engine = _engine(_LinearLeaf(start_factor, end_factor, total_iters), lr, hold_from=total_iters,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.LinearLR",
                        dict(lr=lr, start_factor=start_factor, end_factor=end_factor, total_iters=total_iters),
                        marks=check.marks((total_iters, "end of ramp")), breaks=())


def exponential_lr(*, lr: float = 0.1, total_steps: Steps = 1000, gamma: float | None = None) -> Schedule:
    """torch ExponentialLR: multiply by gamma at every step.

    lr(t) = lr * gamma * gamma * ... (t factors, multiplied one by one as torch does)

    gamma (required by torch) defaults to 0.01 ** (1 / total_steps): a
    hundredfold decay over total_steps. Beyond 2**21 steps: lr * gamma ** t.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    gamma = 0.01 ** (1 / total_steps) if gamma is None else _not_negative("gamma", gamma,
                                                                          "torch would alternate the sign of the lr")
    products = _Products(lr, gamma)
    return _schedule(products, "torch.ExponentialLR", dict(lr=lr, total_steps=total_steps, gamma=gamma), breaks=())


def cosine_annealing_lr(*, lr: float = 0.1, total_steps: Steps = 1000, T_max: Steps | None = None,
                        eta_min: float = 0.0) -> Schedule:
    """torch CosineAnnealingLR, as step() computes it: periodic, it rises again after T_max.

    lr(t) ~ eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2   (period 2 * T_max, no clamp)

    torch's step() uses the chainable (recursive) form, reproduced operation by
    operation: lr(t) = r(t) * (lr(t-1) - eta_min) + eta_min with
    r(t) = (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) / T_max)), and, just
    after each minimum (t = T_max + 1, 3 T_max + 1, ...), the additive step
    lr(t-1) + (lr - eta_min) * (1 - cos(pi / T_max)) / 2. It reaches eta_min at
    T_max, 3 T_max, ... and lr again at 2 T_max, 4 T_max, ... T_max defaults to
    total_steps. Bit for bit with eta_min = 0 or T_max <= 256; otherwise
    lr - eta_min is multiplied by each ratio without torch's per-step rounding
    of -eta_min/+eta_min (1e-13 relative at T_max = 3000). Beyond 2**21 steps
    the closed form above is used (torch drifts from it by ~1e-12).
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    T_max = total_steps if T_max is None else _steps("T_max", T_max, minimum=1)
    eta_min = _not_negative("eta_min", eta_min, "torch would go below 0")

    def closed(t: np.ndarray) -> np.ndarray:
        return eta_min + (lr - eta_min) * (1 + np.cos(math.pi * t.astype(np.float64) / T_max)) / 2

    engine = _engine(_CosineLeaf(T_max, eta_min), lr, far=(EXACT_LIMIT, closed))
    marks = check.marks((T_max, "eta_min"), (2 * T_max, "lr again", "restart"))
    return _from_engine(engine, "torch.CosineAnnealingLR", dict(lr=lr, total_steps=total_steps, T_max=T_max, eta_min=eta_min),
                        marks=marks, periodic=True)


def polynomial_lr(*, lr: float = 0.1, total_iters: Steps = 5, power: float = 1.0) -> Schedule:
    """torch PolynomialLR: polynomial decay to 0 (always 0: there is no end lr).

    lr(t) = lr * (1 - min(t, total_iters) / total_iters) ** power

    computed as torch's chainable form: lr(t) = lr(t-1) * ((1 - t/T) / (1 - (t-1)/T)) ** power
    for 1 <= t <= T (exact products), then constant. total_iters = 0 keeps lr.
    A negative power makes torch raise at t = total_iters (0.0 to a negative power).
    """
    lr = _lr(lr)
    total_iters = _steps("total_iters", total_iters)
    power = check.number("power", power)
    error = (total_iters, "ZeroDivisionError: 0.0 cannot be raised to a negative power") if power < 0 and total_iters else None
    def closed(t: np.ndarray) -> np.ndarray:
        return lr * (1.0 - np.minimum(t, total_iters) / total_iters) ** power

    engine = _engine(_PolynomialLeaf(total_iters, power), lr, hold_from=total_iters, error=error,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.PolynomialLR", dict(lr=lr, total_iters=total_iters, power=power),
                        marks=check.marks((total_iters, "0")), breaks=())


def swalr(*, lr: float = 0.1, swa_lr: float | None = None, anneal_epochs: Steps = 10, anneal_strategy: str = "cos") -> Schedule:
    """torch.optim.swa_utils.SWALR: anneal from the optimizer's lr to swa_lr, then hold swa_lr.

    lr(t) = swa_lr * a(t) + lr * (1 - a(t)),  a(t) = anneal(min(1, t / anneal_epochs))
    with anneal(x) = (1 - cos(pi x)) / 2 ('cos') or x ('linear').

    Computed as torch does, from the previous lr: lr(t) = swa_lr * a(t) +
    (lr(t-1) - a(t-1) * swa_lr) / (1 - a(t-1)) * (1 - a(t)) (bit for bit up to
    anneal_epochs = 512, a prefix scan beyond: ~1e-14 relative). With
    anneal_epochs = 0 the lr is swa_lr from t = 0. swa_lr (required by torch)
    defaults to lr / 10. Inside a SequentialLR, SWALR started at a milestone
    keeps the current lr there and anneals from it (torch counts its steps with
    _step_count, which the restart does not touch).
    """
    lr = _lr(lr)
    swa_lr = lr / 10 if swa_lr is None else _not_negative("swa_lr", swa_lr, "torch would anneal to a negative lr")
    anneal_strategy = _choice("anneal_strategy", anneal_strategy, ("cos", "linear"),
                              "anneal_strategy must be one of 'cos' or 'linear'")
    anneal_epochs = _int("anneal_epochs", anneal_epochs, minimum=0,
                         message=f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
    def closed(t: np.ndarray) -> np.ndarray:
        x = np.clip(t / max(1, anneal_epochs), 0, 1)
        alpha = (1 - np.cos(math.pi * x)) / 2 if anneal_strategy == "cos" else x
        return swa_lr * alpha + lr * (1 - alpha)

    engine = _engine(_SWALeaf(swa_lr, anneal_epochs, anneal_strategy), lr, hold_from=anneal_epochs + 1,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.SWALR",
                        dict(lr=lr, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=anneal_strategy),
                        marks=check.marks((anneal_epochs, "swa_lr")), breaks=())


def cyclic_lr(*, lr: float = 0.1, base_lr: float | None = None, max_lr: float | None = None, step_size_up: Steps = 2000,
              step_size_down: Steps | None = None, mode: str = "triangular", gamma: float = 1.0,
              scale_fn: Expr | None = None, scale_mode: str = "cycle", cycle_momentum: bool = True,
              base_momentum: float = 0.8, max_momentum: float = 0.9) -> Schedule:
    """torch CyclicLR: triangular cycles between base_lr and max_lr, with the inverse momentum cycle.

    cycle = floor(1 + t / (up + down)),  x = 1 + t / (up + down) - cycle
    s = x / r if x <= r else (x - 1) / (r - 1),  r = up / (up + down)
    lr(t) = base_lr + (max_lr - base_lr) * s * scale,  momentum(t) = max_m - (max_m - base_m) * s * scale
    scale: 'triangular' 1, 'triangular2' 1 / 2 ** (cycle - 1), 'exp_range' gamma ** t
    (t the total step count, not the step within the cycle).

    scale_fn: an expression in t replacing mode, evaluated at cycle
    (scale_mode 'cycle') or at the step count ('iterations'), as torch's custom
    scale_fn. The optimizer's lr is replaced by base_lr at construction.
    base_lr and max_lr (required by torch) default to lr / 10 and lr.
    step_size_up keeps torch's default of 2000 steps. Quirk reproduced: torch
    raises OverflowError once 2 ** (cycle - 1) (triangular2) or gamma ** t
    (exp_range) overflows a float.
    """
    lr = _lr(lr)
    max_lr = lr if max_lr is None else _not_negative("max_lr", max_lr, "a negative lr")
    base_lr = lr / 10 if base_lr is None else _not_negative("base_lr", base_lr, "a negative lr")
    step_size_up = _steps("step_size_up", step_size_up, minimum=1)
    if step_size_down is not None:
        step_size_down = _steps("step_size_down", step_size_down)
    if scale_fn is None:
        mode = _choice("mode", mode, ("triangular", "triangular2", "exp_range"), "mode is invalid and scale_fn is None")
    else:
        scale_fn = _expr("scale_fn", scale_fn)
    scale_mode = _choice("scale_mode", scale_mode, ("cycle", "iterations"), "scale_mode must be 'cycle' or 'iterations'")
    gamma = _not_negative("gamma", gamma, "exp_range would alternate the sign of the cycle")
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    base_momentum = _momentum("base_momentum", base_momentum)
    max_momentum = _momentum("max_momentum", max_momentum)
    params = dict(lr=lr, base_lr=base_lr, max_lr=max_lr, step_size_up=step_size_up, step_size_down=step_size_down,
                  mode=mode, gamma=gamma, scale_fn=scale_fn, scale_mode=scale_mode, cycle_momentum=cycle_momentum,
                  base_momentum=base_momentum, max_momentum=max_momentum)
    leaf = _LEAVES["torch.CyclicLR"](params)
    size = step_size_up + (step_size_up if step_size_down is None else step_size_down)
    marks = check.marks(*((step_size_up + c * size, "max_lr") for c in range(100)), limit=100 * size)
    return _absolute(leaf, lr, "torch.CyclicLR", params, "step_size_up", marks=marks[:20], periodic=True)


def cosine_annealing_warm_restarts(*, lr: float = 0.1, total_steps: Steps = 1000, T_0: Steps | None = None,
                                   T_mult: int = 1, eta_min: float = 0.0) -> Schedule:
    """torch CosineAnnealingWarmRestarts (SGDR): cosine cycles of T_0, T_0 * T_mult, ... steps.

    lr(t) = eta_min + (lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    T_i = T_0 * T_mult ** i is the length of the current cycle and T_cur the
    steps since its start. step() counts T_cur with integers, so there is no
    float-log boundary error (that quirk is only in torch's step(epoch) path,
    not reproduced here); eta_min is never reached exactly. T_0 (required by
    torch) defaults to total_steps // 4.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    if T_0 is None:
        T_0 = max(1, total_steps // 4)
    T_0 = _int("T_0", T_0, minimum=1, message=f"Expected positive integer T_0, but got {T_0}")
    T_mult = _int("T_mult", T_mult, minimum=1, message=f"Expected integer T_mult >= 1, but got {T_mult}")
    eta_min = _not_negative("eta_min", eta_min, "torch would go below 0")
    params = dict(lr=lr, total_steps=total_steps, T_0=T_0, T_mult=T_mult, eta_min=eta_min)
    restarts, start, length = [], T_0, T_0 * T_mult
    while start <= total_steps and len(restarts) < 100:  # a loop over restarts
        restarts.append((start, "restart", "restart"))
        start, length = start + length, length * T_mult
    return _absolute(_LEAVES["torch.CosineAnnealingWarmRestarts"](params), lr, "torch.CosineAnnealingWarmRestarts", params,
                     "T_0", marks=check.marks(*restarts), periodic=True)


def one_cycle_lr(*, lr: float = 0.1, max_lr: float | None = None, total_steps: Steps = 1000, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85, max_momentum: float = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False) -> Schedule:
    """torch OneCycleLR: warm up to max_lr, anneal to max_lr / (div_factor * final_div_factor); momentum the other way.

    With T = total_steps, e1 = pct_start * T - 1 (a float) and e2 = T - 1:
    lr(t) = anneal(max_lr / div_factor, max_lr, t / e1)          for t <= e1
          = anneal(max_lr, min_lr, (t - e1) / (e2 - e1))         after
    anneal = cos: b + (a - b) / 2 * (1 + cos(pi p)); linear: a + (b - a) p.
    three_phase: up to e1, back down to max_lr / div_factor at 2 pct_start T - 2,
    then to min_lr at T - 1 (momentum held at max_momentum in phase 3).
    momentum: max_momentum -> base_momentum -> max_momentum on the same phases.

    Quirks reproduced: the peak is at pct_start * T - 1 and the minimum at
    T - 1; t = T is still accepted and extrapolates the last phase (cos
    rebounds, linear goes below zero); from t = T + 1 torch raises "Tried to
    step T+1 times. The specified number of total steps is T". max_lr
    defaults to lr (the optimizer's lr is overwritten, with initial_lr, by
    max_lr / div_factor). With epochs and steps_per_epoch both given, T =
    epochs * steps_per_epoch (torch prefers total_steps when given; here
    total_steps always has a value, the config's).
    """
    lr = _lr(lr)
    max_lr = lr if max_lr is None else _not_negative("max_lr", max_lr, "a negative lr")
    if epochs is not None or steps_per_epoch is not None:
        if epochs is None or steps_per_epoch is None:
            raise ParameterError("epochs", "give both epochs and steps_per_epoch, or neither (then total_steps is used)")
        epochs = _int("epochs", epochs, minimum=1, message=f"Expected positive integer epochs, but got {epochs}")
        steps_per_epoch = _int("steps_per_epoch", steps_per_epoch, minimum=1,
                               message=f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
        total = epochs * steps_per_epoch
    else:
        total = _int("total_steps", total_steps, minimum=1, message=f"Expected positive integer total_steps, but got {total_steps}")
    pct_start = check.number("pct_start", pct_start)
    if pct_start < 0 or pct_start > 1:
        raise ParameterError("pct_start", f"Expected float between 0 and 1 pct_start, but got {pct_start}")
    anneal_strategy = _choice("anneal_strategy", anneal_strategy, ("cos", "linear"),
                              "anneal_strategy must be one of 'cos' or 'linear'")
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    three_phase = check.flag("three_phase", three_phase)
    params = dict(lr=lr, max_lr=max_lr, total_steps=total, epochs=epochs, steps_per_epoch=steps_per_epoch,
                  pct_start=pct_start, anneal_strategy=anneal_strategy, cycle_momentum=cycle_momentum,
                  base_momentum=_momentum("base_momentum", base_momentum),
                  max_momentum=_momentum("max_momentum", max_momentum),
                  div_factor=_not_negative("div_factor", div_factor, "a negative initial lr"),
                  final_div_factor=_not_negative("final_div_factor", final_div_factor, "a negative final lr"),
                  three_phase=three_phase)
    leaf = _LEAVES["torch.OneCycleLR"](params)
    ends = [end for end, *_ in leaf.phases]
    breaks = {total - 1, total}
    for end in ends[:-1]:
        breaks.update((math.floor(end), math.floor(end) + 1))
    peak = math.floor(ends[0]) if ends[0] >= 0 else 0
    marks = check.marks((peak, "max_lr"), (total - 1, "min_lr"), (total, "last step accepted", "drop"))
    return _absolute(leaf, lr, "torch.OneCycleLR", params, "pct_start", marks=marks,
                     breaks=tuple(b for b in sorted(breaks) if b > 0), allow=lambda t: t == total)


def sequential_lr(*, lr: float = 0.1, total_steps: Steps = 1000, schedulers: list[Spec] | None = None,
                  milestones: list[Steps] | None = None) -> Schedule:
    """torch SequentialLR: scheduler k runs from milestone k-1, restarted there by torch's rules.

    lr(t) = schedulers[k](t - m_(k-1))   for m_(k-1) <= t < m_k   (m_(-1) = 0), restarted as below.

    Reproduced from torch 2.13's code, quirks included:
    - construction resets the lr to initial_lr, undoes every scheduler's initial
      step and redoes it only for the first one (schedulers[bisect_right(milestones, 0)]);
    - at milestone m_k the next scheduler is restarted with _update_lr(0): its
      closed form at 0 (the base lr times its factor at 0) where torch has one
      (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
      CosineAnnealingLR), else get_lr() at 0: MultiplicativeLR continues from the
      current lr times lr_lambda(0), SWALR keeps the current lr and anneals from it;
      get_last_lr() at the milestone is that restarted value, so the lr jumps
      there if the previous scheduler had not finished;
    - scheduler k then sees its own step t - m_(k-1);
    - OneCycleLR and CyclicLR write the optimizer's initial_lr / lr when built,
      which changes the base of the schedulers built after them, and the lr
      every phase restarts from (e.g. after a OneCycleLR every reset starts at max_lr / div_factor);
    - a SequentialLR or ChainedScheduler placed after the first phase cannot be
      restarted: torch raises NotImplementedError at its milestone (StepError here).
    Schedulers are built in list order on one optimizer (lr = this lr); each
    gets its phase's length as total_steps for its defaults. Milestones must be
    in increasing order (torch does not check, and misbehaves otherwise).
    Default: LinearLR from 0.1 over the first 10% of total_steps, then
    CosineAnnealingLR over the rest; milestones default to equal phases.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    if schedulers is None:
        warm = max(1, total_steps // 10)
        schedulers = [linear_lr(lr=lr, start_factor=0.1, total_iters=warm),
                      cosine_annealing_lr(lr=lr, total_steps=max(1, total_steps - warm))]
        if milestones is None:
            milestones = [warm]
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ParameterError("schedulers", "SequentialLR expects at least one scheduler, but got no scheduler.")
    n = len(schedulers)
    if milestones is None:
        milestones = [max(1, round(i * total_steps / n)) for i in range(1, n)]
    if not isinstance(milestones, (list, tuple)):
        raise ParameterError("milestones", f"expected a list of steps; got {milestones!r}")
    if len(milestones) != n - 1:
        raise ParameterError("milestones", "Sequential Schedulers expects number of schedulers provided to be one more "
                                           f"than the number of milestone points, but got number of schedulers {n} and "
                                           f"the number of milestones to be equal to {len(milestones)}")
    milestones = check.step_list("milestones", list(milestones), strictly_increasing=False, allow_empty=True)
    milestones = [_steps(f"milestones[{i}]", m) for i, m in enumerate(milestones)]
    bounds = [0, *milestones, max(total_steps, milestones[-1] + 1 if milestones else total_steps)]
    spans = [bounds[i + 1] - bounds[i] for i in range(n)]
    children = _children("schedulers", schedulers, lr, spans)
    params = dict(lr=lr, total_steps=total_steps, schedulers=children, milestones=milestones)
    engine = _engine(_node(Schedule(lambda t: t, name="torch.SequentialLR", params=params)), lr)
    marks = check.marks(*((m, f"{children[i + 1].name} starts") for i, m in enumerate(milestones)))
    return _from_engine(engine, "torch.SequentialLR", params, marks=marks, periodic=children[-1].periodic)


def chained_scheduler(*, lr: float = 0.1, total_steps: Steps = 1000, schedulers: list[Spec] | None = None) -> Schedule:
    """torch ChainedScheduler: every step() steps each scheduler in turn, on the same lr.

    lr(t) = lr * prod_k factor_k(t) for chainable schedulers; an absolute one overwrites the product so far.

    Chainable schedulers multiply the current lr, so the result is the product
    of their factors (LinearLR x CosineAnnealingLR = product of the closed
    forms); the absolute ones (LambdaLR, CyclicLR, OneCycleLR,
    CosineAnnealingWarmRestarts) overwrite it, so what comes before them in
    the list is lost and order matters. Reproduced step by step in torch's
    order (construction included: each scheduler's initial step acts on the lr
    the previous ones left), bit for bit except where a CosineAnnealingLR with
    eta_min != 0 and T_max > 256 meets other factors (~1e-11 relative).
    Momentum, if cycled, is the last one written.
    All schedulers span total_steps for their defaults. Default: LinearLR from
    0.1 over 10% of total_steps, chained with CosineAnnealingLR over total_steps.
    """
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    if schedulers is None:
        schedulers = [linear_lr(lr=lr, start_factor=0.1, total_iters=max(1, total_steps // 10)),
                      cosine_annealing_lr(lr=lr, total_steps=total_steps)]
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ParameterError("schedulers", "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
    children = _children("schedulers", schedulers, lr, [total_steps] * len(schedulers))
    params = dict(lr=lr, total_steps=total_steps, schedulers=children)
    engine = _engine(_node(Schedule(lambda t: t, name="torch.ChainedScheduler", params=params)), lr)
    marks = tuple(sorted({m for c in children for m in c.marks}))[:100]
    return _from_engine(engine, "torch.ChainedScheduler", params, marks=marks, periodic=any(c.periodic for c in children))


def _plateau(name: str, lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr,
             eps) -> Schedule:
    lr = _lr(lr)
    total_steps = _steps("total_steps", total_steps, minimum=1)
    if metrics is None:
        size = min(total_steps, DEFAULT_METRICS_MAX)
        metrics = [0.99 ** min(k, size // 2) for k in range(size)]
    elif not isinstance(metrics, (list, tuple)) or not metrics:
        raise ParameterError("metrics", "expected a non-empty list of numbers (one per step() call)")
    table = torch_plateau(lr, metrics, mode=mode, factor=factor, patience=patience, threshold=threshold,
                          threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)
    last = table.size - 1
    drops = np.flatnonzero(table[1:] != table[:-1]) + 1
    marks = check.marks(*((int(d), f"x{factor:g}", "drop") for d in drops[:5]))
    params = dict(lr=lr, total_steps=total_steps, metrics=list(metrics), mode=mode, factor=float(factor),
                  patience=patience, threshold=float(threshold), threshold_mode=threshold_mode, cooldown=cooldown,
                  min_lr=float(min_lr), eps=float(eps))
    return _schedule(lambda t: table[np.minimum(t, last)], name, params, marks=marks,
                     breaks=() if eps >= 0 else None)  # with eps >= 0 the lr never rises


def reduce_lr_on_plateau(*, lr: float = 0.1, total_steps: Steps = 1000, metrics: Metrics | None = None, mode: str = "min",
                         factor: float = 0.1, patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                         cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8) -> Schedule:
    """torch ReduceLROnPlateau: reduce the lr by factor after patience steps without improvement.

    lr(t) = the lr after t calls of step(metrics[k]), k = 0 .. t-1; past the
    series the last value holds. Improvement: mode 'min' with threshold_mode
    'rel' means metric < best * (1 - threshold) (best starts at inf); 'abs':
    metric < best - threshold ('max' mirrors). On the (patience+1)-th step in a
    row without improvement: lr = max(lr * factor, min_lr), skipped if that
    changes it by eps or less; then cooldown steps during which bad steps are
    not counted (best is still updated). metrics: one value per step() call (a
    list or a CSV file). Default metrics: a synthetic loss, 0.99 ** min(k, N // 2)
    for k < N = min(total_steps, 100000): it improves by 1% per step for half
    the run and then stops improving, so the lr falls by factor every
    patience + 1 steps until eps stops it.
    """
    return _plateau("torch.ReduceLROnPlateau", lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode,
                    cooldown, min_lr, eps)


def hf_reduce_lr_on_plateau(*, lr: float = 0.1, total_steps: Steps = 1000, metrics: Metrics | None = None,
                            mode: str = "min", factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                            threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0,
                            eps: float = 1e-8) -> Schedule:
    """HuggingFace get_reduce_on_plateau_schedule: torch's ReduceLROnPlateau, kwargs passed through.

    lr(t) = max(lr * factor^r(t), min_lr), r(t) the reductions triggered by metrics[0 .. t-1].

    Same values as torch.ReduceLROnPlateau (see it for the rule and the
    default metrics); the Trainer calls step(metric) once per evaluation.
    """
    return _plateau("hf.reduce_lr_on_plateau", lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode,
                    cooldown, min_lr, eps)


TWINS: dict[str, tuple[Callable, str]] = {
    "torch.LambdaLR": (lambda_lr, "torch LambdaLR: lr * lr_lambda(t)"),
    "torch.MultiplicativeLR": (multiplicative_lr, "torch MultiplicativeLR: lr(t) = lr(t-1) * lr_lambda(t)"),
    "torch.StepLR": (step_lr, "torch StepLR: multiply by gamma every step_size steps"),
    "torch.MultiStepLR": (multi_step_lr, "torch MultiStepLR: multiply by gamma at each milestone (duplicates compound)"),
    "torch.ConstantLR": (constant_lr, "torch ConstantLR: lr * factor for total_iters steps, then lr"),
    "torch.LinearLR": (linear_lr, "torch LinearLR: lr times a factor ramping from start_factor to end_factor"),
    "torch.ExponentialLR": (exponential_lr, "torch ExponentialLR: multiply by gamma every step"),
    "torch.SequentialLR": (sequential_lr, "torch SequentialLR: schedulers one after another, with torch's restarts"),
    "torch.CosineAnnealingLR": (cosine_annealing_lr, "torch CosineAnnealingLR (chainable): cosine that rises again after T_max"),
    "torch.ChainedScheduler": (chained_scheduler, "torch ChainedScheduler: every scheduler steps the same lr in turn"),
    "torch.ReduceLROnPlateau": (reduce_lr_on_plateau, "torch ReduceLROnPlateau on a metric series"),
    "torch.CyclicLR": (cyclic_lr, "torch CyclicLR: triangular cycles between base_lr and max_lr, with momentum"),
    "torch.CosineAnnealingWarmRestarts": (cosine_annealing_warm_restarts, "torch CosineAnnealingWarmRestarts (SGDR)"),
    "torch.OneCycleLR": (one_cycle_lr, "torch OneCycleLR with its momentum curve (raises past total_steps)"),
    "torch.PolynomialLR": (polynomial_lr, "torch PolynomialLR: polynomial decay to 0 over total_iters"),
    "torch.SWALR": (swalr, "torch SWALR: anneal from lr to swa_lr, then hold"),
    "hf.reduce_lr_on_plateau": (hf_reduce_lr_on_plateau, "HuggingFace reduce_lr_on_plateau: torch ReduceLROnPlateau"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "torch.CosineAnnealingLR": {"floor": "eta_min"},
    "torch.CosineAnnealingWarmRestarts": {"floor": "eta_min"},
    "torch.ReduceLROnPlateau": {"bounds": ("min_lr",)},
    "hf.reduce_lr_on_plateau": {"bounds": ("min_lr",)},
}
