"""The evaluation engine: steps validated once, evaluated block by block into one output, in place.

``evaluate(kernel, steps)`` converts ``steps`` to int64 once, allocates the
float64 output once, and walks it in blocks of :data:`BLOCK` steps (256 KiB of
float64, so a block's temporaries stay in cache). For every block it finds the
:class:`Span` (least and greatest step, and whether the block is a run
``lo, lo + 1, ..., hi`` of ``np.arange``), refuses a negative step, calls the
schedule's kernel ``kernel(span, out)``, which writes the block's lrs into
``out`` (a view of the output) in place, and, when asked, checks that they are
finite while they are still in cache (a kernel marked ``finite``, a constant or a
finite level table, skips that).

Kernels decide their guards from the span's range, not from extra passes: a
clamp ``min(t, T)`` is only taken when ``hi > T``, an overflow guard only when
the exponent's range leaves float range, and a piecewise-constant schedule on a
run fills slices of its level table (:func:`levels`). Composition
(:func:`pieces`) hands each child only the steps of its own span, shifted to
its local time, as slices of the same block.

A schedule written as a plain function ``f(t) -> lr`` runs through
:func:`from_function`: the same blocks, ``out[:] = f(t)``.

A call of at least :data:`PARALLEL_MIN` steps hands runs of whole blocks to
:data:`THREADS` threads (numpy releases the GIL in its loops). The blocks are
the same as in one thread, so the values are bit for bit the same, and so is
the error: the one the first failing block in array order raises. A kernel
that keeps state from one block to the next (a replay) sets ``serial``.
"""

from __future__ import annotations

import math
import os
import threading
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import NonFiniteLr, StepError

BLOCK = 1 << 15  # steps per block: 256 KiB of float64
RUN_PIECES = 64  # a run crossing more boundaries than this is indexed instead of sliced
LOG_MAX = 709.0  # exp(x) is finite for x <= 709.78 ...
LOG_MIN = -708.0  # ... and normal for x >= -708.39

PARALLEL_MIN = 1 << 20  # steps from which a call is shared out between threads
CHUNK_BLOCKS = 16  # blocks per task handed to a thread (512k steps)


def _threads() -> int:
    """Threads for one long call: ``LRVIZ_THREADS`` if set (1 turns threading off), else the CPUs this
    process may use, at most 4 (the kernels are bound by memory beyond that)."""
    given = os.environ.get("LRVIZ_THREADS", "").strip()
    if given.isdigit() and int(given) >= 1:
        return int(given)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, 4))


THREADS = _threads()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_inside = threading.local()  # set in a worker: a call made from a kernel runs in that thread

Kernel = Callable[["Span", np.ndarray], None]


class Span:
    """The steps of one block: ``t`` (int64, 1-d), least ``lo``, greatest ``hi``, ``size``, and ``run``,
    True when ``t`` is exactly ``lo, lo + 1, ..., hi``.

    ``shifted(d)`` is the same block in a child's local time ``t - d``; its ``t``
    is only computed when a kernel reads it (a level table on a run never does).
    """

    __slots__ = ("_base", "_shift", "_t", "lo", "hi", "run", "size")

    def __init__(self, t: np.ndarray, lo: int, hi: int, run: bool, shift: int = 0):
        self._base, self._shift = t, shift
        self._t = t if shift == 0 else None
        self.lo, self.hi, self.run, self.size = lo, hi, run, t.size

    @property
    def t(self) -> np.ndarray:
        if self._t is None:
            self._t = self._base - self._shift
        return self._t

    def shifted(self, d: int) -> "Span":
        """The steps ``t - d``."""
        if d == 0:
            return self
        return Span(self._base, self.lo - d, self.hi - d, self.run, self._shift + d)

    def window(self, a: int, b: int) -> "Span":
        """Positions ``a:b`` of a run (a run again)."""
        return Span(self._base[a:b], self.lo + a, self.lo + b - 1, True, self._shift)


def span_of(t: np.ndarray) -> Span:
    """The :class:`Span` of a non-empty 1-d int64 block: one comparison pass for a run, min and max otherwise."""
    first, last = int(t[0]), int(t[-1])
    if last - first == t.size - 1 and (t.size < 3 or bool(np.all(t[1:] > t[:-1]))):
        return Span(t, first, last, True)  # strictly increasing over size - 1: exactly first..last
    return Span(t, int(t.min()), int(t.max()), False)


def as_index(steps: Any) -> np.ndarray:
    """``steps`` as an int64 array (0-d for a scalar), every value a whole number; the sign is checked per block."""
    t = np.asarray(steps)
    kind = t.dtype.kind
    if kind == "i" or kind == "u":
        return t if t.dtype == np.int64 else t.astype(np.int64)
    if kind == "f":
        if t.size and not (np.all(np.isfinite(t)) and np.all(t == np.floor(t))):
            raise StepError("steps must be whole numbers")
        if t.size and t.min() < 0:
            raise StepError(f"steps must be >= 0; got {t.min():g}")
        return t.astype(np.int64)
    if kind == "b":
        raise StepError("steps must be integers, not booleans")
    raise StepError(f"steps must be integers; got an array of {t.dtype}")


def evaluate(kernel: Kernel, steps: Any, *, finite: bool = False, blockwise: bool = True) -> np.ndarray:
    """The kernel's values at ``steps`` (float64, the shape of ``steps``; np.float64 for a scalar).

    With ``finite``, raises :class:`NonFiniteLr` naming the smallest step whose
    value is inf or NaN (checked block by block: ``max`` and ``min`` propagate
    NaN and show inf). ``blockwise=False`` hands the kernel every step at once
    (for a schedule whose work depends on the largest step asked for).
    """
    t = as_index(steps)
    flat = t.reshape(-1)
    n = flat.size
    out = np.empty(n)
    finite = finite and not getattr(kernel, "finite", False)  # a constant or a finite level table needs no check
    if not blockwise:
        bad = _blocks(kernel, flat, out, 0, n, max(n, 1), finite)
    else:
        bad = _shared(lambda a, b: _blocks(kernel, flat, out, a, b, BLOCK, finite), n, kernel)
    if bad:
        where = np.concatenate([a + np.flatnonzero(~np.isfinite(out[a:b])) for a, b in bad])
        first = where[np.argmin(flat[where])]
        raise NonFiniteLr(int(flat[first]), float(out[first]))
    if t.ndim == 0:
        return np.float64(out[0])
    return out.reshape(t.shape)


def _blocks(kernel: Kernel, flat: np.ndarray, out: np.ndarray, start: int, stop: int, size: int,
            finite: bool) -> list[tuple[int, int]]:
    """Fill ``out[start:stop]`` block by block; the ``(a, b)`` of every block with an inf or NaN (with ``finite``)."""
    bad = []
    for a in range(start, stop, size):
        b = min(a + size, stop)
        span = span_of(flat[a:b])
        if span.lo < 0:
            raise StepError(f"steps must be >= 0; got {int(flat.min())}")
        ob = out[a:b]
        kernel(span, ob)
        if finite and not (math.isfinite(ob.max()) and math.isfinite(ob.min())):
            bad.append((a, b))
    return bad


def first(kernel: Kernel, n: int, *, finite: bool = False) -> np.ndarray:
    """The kernel's values at steps 0..n-1, the steps made block by block (no array of n steps):
    the output is the only full-size array."""
    out = np.empty(n)
    finite = finite and not getattr(kernel, "finite", False)

    def fill(start: int, stop: int) -> list[tuple[int, int]]:
        bad = []
        for a in range(start, stop, BLOCK):
            b = min(a + BLOCK, stop)
            ob = out[a:b]
            kernel(Span(np.arange(a, b, dtype=np.int64), a, b - 1, True), ob)
            if finite and not (math.isfinite(ob.max()) and math.isfinite(ob.min())):
                bad.append((a, b))
        return bad

    bad = _shared(fill, n, kernel)
    if bad:
        a, b = bad[0]
        i = a + int(np.argmax(~np.isfinite(out[a:b])))
        raise NonFiniteLr(i, float(out[i]))
    return out


def _shared(fill: Callable[[int, int], list], n: int, kernel: Kernel) -> list:
    """``fill(0, n)``, or, for a long call, ``fill`` on runs of :data:`CHUNK_BLOCKS` whole blocks spread
    over the threads; the lists they return joined in order, and the first run's error (in array order)
    raised, as one thread would have met it first."""
    if n < PARALLEL_MIN or THREADS < 2 or getattr(kernel, "serial", False) or getattr(_inside, "busy", False):
        return fill(0, n)
    step = BLOCK * CHUNK_BLOCKS
    runs = [(a, min(a + step, n)) for a in range(0, n, step)]
    errors = np.geterr()  # numpy's error state is per thread: the workers take the caller's

    def task(run: tuple[int, int]):
        _inside.busy = True
        try:
            with np.errstate(**errors):
                return fill(*run), None
        except Exception as error:  # noqa: BLE001 - handed back to the caller, in array order
            return None, error
        finally:
            _inside.busy = False

    results = list(_executor().map(task, runs))
    joined: list = []
    for found, error in results:
        if error is not None:
            raise error
        joined.extend(found)
    return joined


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="lrviz-eval")
        return _pool


def on_steps(kernel: Kernel, t: np.ndarray) -> np.ndarray:
    """The kernel on already validated int64 steps (composition, scans): blocks, no checks."""
    flat = t.reshape(-1)
    out = np.empty(flat.size)
    for a in range(0, flat.size, BLOCK):
        kernel(span_of(flat[a:a + BLOCK]), out[a:a + BLOCK])
    return out.reshape(t.shape)


def from_function(fn: Callable[[np.ndarray], np.ndarray]) -> Kernel:
    """A kernel from a plain function ``f(t) -> lr`` of the block's steps (``fn.finite``: it never gives
    inf or NaN, so the finite check is skipped)."""

    def kernel(span: Span, out: np.ndarray) -> None:
        out[...] = fn(span.t)

    kernel.finite = getattr(fn, "finite", False)  # a function that refuses inf and NaN itself
    return kernel


def on_block(kernel: Kernel, span: Span) -> np.ndarray:
    """A child kernel's values on a span, in a new block-sized array."""
    out = np.empty(span.size)
    kernel(span, out)
    return out


# ---------------------------------------------------------------------------------------------
# Kernels of the formulas: each writes out = f(t) for one block, in place
# ---------------------------------------------------------------------------------------------


def clipped(span: Span, top: int) -> np.ndarray:
    """``min(t, top)``, computed only when the block reaches past ``top``."""
    return span.t if span.hi <= top else np.minimum(span.t, top)


def constant(value: float) -> Kernel:
    """lr(t) = value."""

    def kernel(span: Span, out: np.ndarray) -> None:
        out.fill(value)

    kernel.finite = math.isfinite(value)
    return kernel


def levels(bounds: Sequence[int], values: np.ndarray) -> Kernel:
    """A level table: lr(t) = values[k] for bounds[k-1] <= t < bounds[k] (values[0] before bounds[0]).

    ``len(values) == len(bounds) + 1``. A run crossing few bounds is filled
    slice by slice (no per-step work beyond the store); other blocks index the
    table once with ``searchsorted``.
    """
    bounds = [int(b) for b in bounds]
    table = np.asarray(values, dtype=np.float64)
    edges = np.asarray(bounds, dtype=np.int64)
    if len(table) != len(bounds) + 1:
        raise ValueError("a level table needs one more value than bounds")

    def kernel(span: Span, out: np.ndarray) -> None:
        i, j = bisect_right(bounds, span.lo), bisect_right(bounds, span.hi)
        if i == j:
            out.fill(table[i])
        elif span.run and j - i <= RUN_PIECES:
            at = 0
            for k in range(i, j):  # a loop over the bounds inside this block, not over steps
                end = bounds[k] - span.lo
                out[at:end] = table[k]
                at = end
            out[at:] = table[j]
        else:
            table.take(np.searchsorted(edges, span.t, side="right"), out=out)

    kernel.finite = bool(np.all(np.isfinite(table)))
    return kernel


def table(values: np.ndarray) -> Kernel:
    """A replayed series: lr(t) = values[min(t, len(values) - 1)] (the last value held after it).

    A run is copied slice by slice (and filled past the end); other blocks index
    the series once, indices clipped to its last entry.
    """
    values = np.asarray(values, dtype=np.float64)
    last = values.size - 1
    if last < 0:
        raise ValueError("a series needs at least one value")

    def kernel(span: Span, out: np.ndarray) -> None:
        if not span.run:
            values.take(span.t, out=out, mode="clip")  # steps are >= 0: only the top is clipped
        elif span.lo > last:
            out.fill(values[last])
        else:
            n = min(span.hi, last) - span.lo + 1
            out[:n] = values[span.lo:span.lo + n]
            if n < span.size:
                out[n:] = values[last]

    kernel.finite = bool(np.all(np.isfinite(values)))
    return kernel


def stairs(top: int, size: int, level: Callable[[np.ndarray], np.ndarray], fallback: Kernel) -> Kernel:
    """lr(t) = level(floor(min(t, top) / size)): a level table over k = 0..top // size when it is short
    (at most 2**16 levels), else ``fallback``."""
    count = top // size
    if count >= 1 << 16:
        return fallback
    table = level(np.arange(count + 1, dtype=np.float64))
    return levels([k * size for k in range(1, count + 1)], table)


def held(fn: Callable[[np.ndarray], np.ndarray], *, size: int | None = None,
         bounds: Sequence[int] | None = None) -> Kernel:
    """A kernel for a function constant on stairs: on every [k size, (k+1) size), or between
    consecutive ``bounds`` (sorted; before the first and from the last on too).

    On a run crossing few stairs, ``fn`` is called once, at the first step of each
    stair inside the block, and the values are filled slice by slice: the values are
    ``fn``'s own (a twin keeps its arithmetic and its refusals; a refusal names the
    first step of the stair, the smallest one). Any other block calls ``fn`` on its steps.
    """
    edges = None if bounds is None else sorted({int(b) for b in bounds})

    def starts(lo: int, hi: int) -> list[int]:
        if size is not None:
            return [lo, *range((lo // size + 1) * size, hi + 1, size)]
        return [lo, *edges[bisect_right(edges, lo):bisect_right(edges, hi)]]

    def kernel(span: Span, out: np.ndarray) -> None:
        if span.run and (size is None or span.hi // size - span.lo // size <= RUN_PIECES) \
                and (edges is None or bisect_right(edges, span.hi) - bisect_right(edges, span.lo) <= RUN_PIECES):
            firsts = starts(span.lo, span.hi)
            values = fn(np.asarray(firsts, dtype=np.int64))
            ends = [s - span.lo for s in firsts[1:]] + [span.size]
            at = 0
            for v, end in zip(values.tolist(), ends):  # a loop over the stairs inside this block
                out[at:end] = v
                at = end
        else:
            out[...] = fn(span.t)

    kernel.finite = getattr(fn, "finite", False)
    return kernel


def scaled_exp(scale: float, rate: float, x: np.ndarray, lo: float, hi: float, out: np.ndarray) -> np.ndarray:
    """out = scale * exp(rate * x) (scale >= 0), x in [lo, hi], true wherever it is in float range.

    The guard is decided from the range of the exponent, not by extra passes:
    when rate * x may leave [-708, 709] while the product may not, the whole
    block is taken as exp(rate * x + ln scale) instead. exp(0) = 1 exactly, so
    scale comes back exactly at x = 0.
    """
    if scale == 0.0:
        out.fill(0.0)
        return out
    ends = (rate * lo, rate * hi)
    np.multiply(x, rate, out=out)
    if max(ends) <= LOG_MAX and (min(ends) >= LOG_MIN or scale <= 1.0):
        np.exp(out, out=out)
        out *= scale
    else:
        out += math.log(scale)
        np.exp(out, out=out)
    return out


def ramp(start: float, end: float, steps: int) -> Kernel:
    """lr(t) = start + t * (end - start) / steps, a linear warmup."""
    rate = (end - start) / steps

    def kernel(span: Span, out: np.ndarray) -> None:
        np.multiply(span.t, rate, out=out)
        out += start

    return kernel


def pieces(starts: Sequence[int], kernels: Sequence[Kernel], *, local: Sequence[bool] | None = None) -> Kernel:
    """Piece k on starts[k] <= t < starts[k+1] (starts[0] = 0): out = kernels[k](t - starts[k]).

    ``local[k] = False`` hands piece k the global step t instead. Each piece
    only ever sees its own steps: a block inside one piece goes to it whole, a
    run crossing bounds is cut into slices, any other block is split by mask.
    """
    keep = [k for k in range(len(starts)) if k == len(starts) - 1 or starts[k] < starts[k + 1]]  # drop empty pieces
    shifts = [int(starts[k]) if (local is None or local[k]) else 0 for k in keep]
    kernels = [kernels[k] for k in keep]
    starts = [int(starts[k]) for k in keep]
    edges = np.asarray(starts[1:], dtype=np.int64)

    def kernel(span: Span, out: np.ndarray) -> None:
        i, j = bisect_right(starts, span.lo) - 1, bisect_right(starts, span.hi) - 1
        if i == j:
            kernels[i](span.shifted(shifts[i]), out)
        elif span.run:
            at = 0
            for k in range(i, j + 1):  # a loop over the pieces inside this block
                end = span.size if k == j else starts[k + 1] - span.lo
                kernels[k](span.window(at, end).shifted(shifts[k]), out[at:end])
                at = end
        else:
            which = np.searchsorted(edges, span.t, side="right")
            for k in range(i, j + 1):
                mask = which == k
                if mask.any():
                    sub = span_of(span.t[mask] - shifts[k])
                    out[mask] = on_block(kernels[k], sub)

    kernel.finite = all(getattr(k, "finite", False) for k in kernels)
    return kernel
