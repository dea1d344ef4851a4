"""M4 decimation: reduce a long curve to what the pixels can show.

Split the steps into equal blocks of ``b`` consecutive steps, at least one
block per pixel column, and keep in every block the first, minimum, maximum
and last point (in step order). A line drawn through the kept points covers
the same pixels as a line through every point, so a staircase, a restart or
noise stays exactly visible at any step count, and the drawing costs
``O(columns)`` whatever the number of steps.

:func:`reduce_curves` evaluates schedules block-aligned chunk by chunk
(``CHUNK`` steps at a time, on two threads: numpy releases the GIL), so
memory stays flat at 100M steps and the chunks stay in the CPU cache.

When a schedule says where its monotone pieces begin (``Schedule.breaks``),
no chunk is needed: inside a block that lies within one piece the first and
last values are the minimum and maximum, so evaluating the ends of every
block plus both sides of every break gives the same extremes from about
``2 * columns`` evaluations, whatever the number of steps.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, Sequence

import numpy as np

CHUNK = 1 << 16  # steps per evaluation chunk: fits in L2, so ufunc chains run from cache
THREADS = min(2, os.cpu_count() or 1)

Fn = Callable[[np.ndarray], np.ndarray]


def block_length(n: int, columns: int) -> int:
    """Steps per block so that ``n`` steps make at most ``columns`` blocks."""
    return max(1, -(-n // max(columns, 1)))


def m4_indices(y: np.ndarray, block: int) -> np.ndarray:
    """Sorted indices of the first, min, max and last point of every ``block`` of ``y``.

    NaN values are not a minimum or maximum; a block that holds NaN also keeps
    its first NaN, so the drawn line breaks there as the full line would.
    """
    n = len(y)
    if block <= 4:
        return np.arange(n, dtype=np.int64)
    parts = []
    full = n // block
    if full:
        parts.append(_block_extremes(y[: full * block].reshape(full, block), 0))
    if n > full * block:
        parts.append(_block_extremes(y[full * block:].reshape(1, -1), full * block))
    idx = np.concatenate([p.ravel() for p in parts])
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    return idx[keep]


def _block_extremes(blocks: np.ndarray, offset: int) -> np.ndarray:
    """(k, 4 or 5) sorted indices per row: first, argmin, argmax, last (and the first NaN)."""
    k, b = blocks.shape
    base = offset + np.arange(k, dtype=np.int64)[:, None] * b
    nan = np.isnan(blocks)
    if nan.any():
        low = np.where(nan, np.inf, blocks).argmin(axis=1)
        high = np.where(nan, -np.inf, blocks).argmax(axis=1)
        cols = [np.zeros(k, np.int64), low, high, np.full(k, b - 1), nan.argmax(axis=1)]
    else:
        cols = [np.zeros(k, np.int64), blocks.argmin(axis=1), blocks.argmax(axis=1), np.full(k, b - 1)]
    idx = base + np.stack(cols, axis=1)
    idx.sort(axis=1)
    return idx


def m4(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """The M4 subset of the points (x, y) for ``columns`` pixel columns (x evenly spaced)."""
    if columns < 1 or len(y) <= 4 * columns:
        return x, y
    keep = m4_indices(y, block_length(len(y), columns))
    return x[keep], y[keep]


def monotone_points(n: int, block: int, breaks: Sequence[int]) -> np.ndarray:
    """Steps that hold every block's extremes when the curve is monotone between ``breaks``:
    the first and last step of each block and the steps on both sides of each break."""
    starts = np.arange(0, n, block, dtype=np.int64)
    inside = np.asarray([b for b in breaks if 0 < b < n], dtype=np.int64)
    return np.unique(np.concatenate([starts, np.minimum(starts + block, n) - 1, inside - 1, inside]))


def reduce_curves(
    functions: Sequence[Optional[Fn]], n: int, columns: int, *, breaks: Sequence[int] | None = None,
    chunk: int = CHUNK, threads: int = THREADS,
) -> tuple[np.ndarray, list[Optional[np.ndarray]]]:
    """Evaluate ``functions`` on steps ``0..n-1`` and keep the M4 points of each.

    All functions share one set of kept steps (the union of their M4 points),
    so an lr curve and its momentum curve stay aligned. ``None`` entries give
    ``None`` back. With ``breaks`` (every function monotone between them),
    only :func:`monotone_points` are evaluated. Returns ``(steps, values)``;
    with ``n <= 4 * columns`` every step is kept.
    """
    live = [f for f in functions if f is not None]
    if n <= 4 * columns:
        steps = np.arange(n, dtype=np.int64)
        values = iter([f(steps) for f in live])
        return steps, [None if f is None else next(values) for f in functions]
    block = block_length(n, columns)
    if breaks is not None and len(breaks) <= columns:
        steps = monotone_points(n, block, breaks)
        values = iter([np.asarray(f(steps), dtype=np.float64) for f in live])
        return steps, [None if f is None else next(values) for f in functions]
    span = max(block, (chunk // block) * block)

    def one_chunk(start: int):
        t = np.arange(start, min(start + span, n), dtype=np.int64)
        ys = [np.asarray(f(t), dtype=np.float64) for f in live]
        keep = m4_indices(ys[0], block)
        for y in ys[1:]:
            keep = np.union1d(keep, m4_indices(y, block))
        return t[keep], [y[keep] for y in ys]

    starts = range(0, n, span)
    if threads > 1 and len(starts) > 2:
        with ThreadPoolExecutor(threads) as pool:
            pieces = list(pool.map(one_chunk, starts))
    else:
        pieces = [one_chunk(s) for s in starts]
    steps = np.concatenate([p[0] for p in pieces])
    columns_out = iter([np.concatenate([p[1][i] for p in pieces]) for i in range(len(live))])
    return steps, [None if f is None else next(columns_out) for f in functions]
