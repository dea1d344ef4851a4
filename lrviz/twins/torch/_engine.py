"""torch twins: the block engine (steps evaluated in blocks, state kept at block ends, cached),
the maps of a tree of schedulers block by block, and the exact products of the chainable factors.

Single-scheduler twins switch to their closed forms beyond :data:`EXACT_LIMIT` steps;
twins without one stop at :data:`SEQUENTIAL_LIMIT`.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Callable

import numpy as np

from ...errors import StepError
from ._maps import _MUL, _SET, _normalize, _solve
from ._models import _Leaf, _MultiplicativeLeaf

BLOCK = 1 << 15  # steps per evaluation block
EXACT_LIMIT = 1 << 21  # single-scheduler twins use their closed forms beyond this many steps
SEQUENTIAL_LIMIT = 1 << 28  # last step evaluated where there is no closed form (about a minute of work)


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
        run = _run_of(t)
        if run is not None:
            return self._run_values(*run, momentum)
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

    def _run_values(self, lo: int, hi: int, momentum: bool) -> np.ndarray:
        """:meth:`values` of the steps ``lo, lo + 1, ..., hi``: each block's values copied to their slice
        of the output, the closed form on the slice beyond ``far`` (no sorting, masks or gathers)."""
        out = np.empty(hi - lo + 1)
        top = hi if self._hold is None else min(hi, self._hold)
        if top < hi:  # held from self._hold on: the value there, once
            out[max(top, lo - 1) + 1 - lo:] = self.values(np.array([self._hold]), momentum)[0]
            if lo > top:
                return out
        far0 = self._far[0] if self._far is not None else top + 1
        if lo == 0:
            ck = self._ckpt[0]
            out[0] = ck[1] if momentum else ck[0]
        a, b = max(lo, 1), min(top, far0 - 1)  # the steps the blocks give
        if a <= b:
            if b > SEQUENTIAL_LIMIT:
                raise StepError(f"{self._name} has no closed form: the lr at step {b} needs every step "
                                f"before it, and lrviz evaluates it up to step 2**28 = {SEQUENTIAL_LIMIT:,}")
            for block in range((a - 1) // BLOCK, (b - 1) // BLOCK + 1):
                first, last = max(a, block * BLOCK + 1), min(b, (block + 1) * BLOCK)
                lr, mom = self._block_values(block)
                src = mom if momentum else lr
                out[first - lo:last - lo + 1] = src[first - 1 - block * BLOCK:last - block * BLOCK]
        self._raise_if_error(np.array([hi]))
        start = max(lo, far0)
        if start <= top:
            with np.errstate(all="ignore"):
                out[start - lo:top - lo + 1] = self._far[1](np.arange(start, top + 1, dtype=np.int64))
        return out

    def _raise_if_error(self, t: np.ndarray) -> None:
        if self._error is None or not t.size:
            return
        step, message = self._error
        if int(t.max()) >= step:
            raise StepError(message)


def _run_of(t: np.ndarray) -> tuple[int, int] | None:
    """(lo, hi) when ``t`` is the int64 steps lo, lo + 1, ..., hi (1-d, at least 64 of them), else None."""
    if t.ndim != 1 or t.size < 64 or t.dtype.kind not in "iu":
        return None
    lo, hi = int(t[0]), int(t[-1])
    if lo < 0 or hi - lo != t.size - 1 or not bool(np.all(t[1:] > t[:-1])):
        return None
    return lo, hi



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
        owner = int(lid[0]) if n else -1
        if n and bool(np.all(lid == owner)) and not rs.any():  # one scheduler steps in every row: no masks
            if owner < 0:
                continue
            with np.errstate(all="ignore"):
                maps = leaves[owner].step_maps(k, j, g)
            kind[:, col], p[:, col], q[:, col], r[:, col] = maps.kind, maps.p, maps.q, maps.r
            if mom is not None and maps.mom is not None:
                mom[:, col] = maps.mom
            if maps.err is not None:
                i = int(np.flatnonzero(maps.err)[0])
                if first is None or c[i] < first[0]:
                    first = (int(c[i]), maps.msg(i))
            continue
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


def _engine_for(root, lr: float, *, where: str = "schedulers", **options) -> _Engine:
    """The engine of the scheduler tree ``root`` on an optimizer whose lr is ``lr`` (options: those of _Engine)."""
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
    table); beyond, ``x0 * g ** k`` as ``x0 * exp(k ln g)`` (the sequential product
    there is itself k roundings away from it).
    """

    def __init__(self, x0: float, gamma: float):
        self.x0, self.gamma = x0, gamma
        self.table = np.array([x0])
        self.lock = threading.Lock()

    def __call__(self, k: np.ndarray) -> np.ndarray:
        if not k.size:
            return np.empty(k.shape)
        lo, hi = int(k.min()), int(k.max())
        if lo >= EXACT_LIMIT:  # every k far: no table, no mask
            return self._far(k)
        need = min(hi, EXACT_LIMIT - 1)
        with self.lock:
            if self.table.size <= need:
                size = min(EXACT_LIMIT, max(need + 1, 2 * self.table.size, 1024))
                seq = np.full(size, self.gamma)
                seq[0] = self.x0
                with np.errstate(all="ignore"):
                    self.table = np.multiply.accumulate(seq)
            table = self.table
        if hi < EXACT_LIMIT:
            return table.take(k)
        out = np.empty(k.shape)
        near = k < EXACT_LIMIT
        out[near] = table[k[near]]
        out[~near] = self._far(k[~near])
        return out

    def _far(self, k: np.ndarray) -> np.ndarray:
        x = k.astype(np.float64)
        with np.errstate(all="ignore"):
            if self.gamma > 0:
                x *= math.log(self.gamma)
                np.exp(x, out=x)
            else:
                np.power(self.gamma, x, out=x)
            x *= self.x0
        return x
