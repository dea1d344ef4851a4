"""The causes that need the plan rebuilt for another total N': a wrong total from the start, or a resume.

Prediction ``p'(t)`` (the plan built for N' steps), from the first diverging
point on; the points before it must match the plan itself, and the earliest
point from which ``p'`` matches tells the two apart: from the first logged
point, the total was wrong from the start (gradient accumulation or world size
forgotten: N' = G N or W N; epochs taken for steps: N' = N / S); from later, a
resume rebuilt the schedule there.

N' is found on the first diverging point: ``p'(t0) - y0`` over a geometric
grid of 240 totals from ``t0 / 8`` to ``64 N``, each sign change bisected to
whole steps, plus the multiples and fractions of N by the hinted factors and
2, 3, 4, 8; each candidate is then checked on every logged point.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import LrvizError
from .run_causes import Cause, Hints, _Fit, _range_text, _start
from .run_plan import LrFn, Plan, evaluate


def rebuilt(plan: Plan, fit: _Fit, i0: int, hints: Hints) -> list[Cause]:
    if plan.rebuild is None:
        return []
    t, y = fit.t, fit.y
    N = plan.total_steps
    cache: dict[int, LrFn | None] = {}

    def built(n: int) -> LrFn | None:
        if n not in cache:
            try:
                cache[n] = plan.rebuild(n)  # type: ignore[misc]
            except LrvizError:  # a total the schedule refuses (shorter than its warmup, ...)
                cache[n] = None
        return cache[n]

    def at(n: int, steps: np.ndarray) -> np.ndarray:
        fn = built(n)
        return np.full(steps.shape, np.nan) if fn is None else evaluate(fn, steps)

    tp, yp = t[i0:i0 + 1], y[i0]
    candidates: set[int] = set()
    for k in {hints.grad_accum, hints.world_size, hints.steps_per_epoch, 2, 3, 4, 8} - {None}:
        candidates |= {N * int(k), max(N // int(k), 1), -(-N // int(k))}
    lo, hi = max(int(t[i0]) // 8, 2), 64 * N
    grid = np.unique(np.geomspace(lo, hi, 240).round().astype(np.int64))
    diff = np.array([at(int(n), tp)[0] - yp for n in grid])
    for a in range(len(grid) - 1):
        da, db = diff[a], diff[a + 1]
        if not (np.isfinite(da) and np.isfinite(db)):
            continue
        if da == 0:
            candidates.add(int(grid[a]))
        if da * db < 0:
            x0, x1 = int(grid[a]), int(grid[a + 1])
            while x1 - x0 > 1:
                mid = (x0 + x1) // 2
                dm = at(mid, tp)[0] - yp
                if not np.isfinite(dm):
                    break
                x0, x1 = (mid, x1) if dm * da > 0 else (x0, mid)
            candidates |= {x0 - 1, x0, x1, x1 + 1}
    base = plan.at(t)
    out = []
    for n in sorted(c for c in candidates if c >= 1 and c != N):
        rebuilt = at(n, t)
        ok_new = fit.close(rebuilt)
        if not np.all(ok_new[i0:]):
            continue
        j = _start(ok_new, i0)
        if j > 0 and not np.all(fit.close(base[:j], y[:j])):
            continue
        out.append(_name_total(n, N, t, j, hints))
    # keep one fit per kind, the best named; say when other totals fit as well
    out.sort(key=lambda c: (c.priority, not _round(c.new_total or 0, N), abs((c.new_total or 0) - N)))
    seen, kept = set(), []
    for c in out:
        if c.kind not in seen:
            others = sorted(o.new_total for o in out if o.kind == c.kind and o.new_total != c.new_total)
            if others:
                lo, hi = min(others[0], c.new_total), max(others[-1], c.new_total)
                c = replace(c, text=f"{c.text} (totals from {lo:,} to {hi:,} fit too: the log cannot tell them apart)")
            kept.append(c)
            seen.add(c.kind)
    return kept


def _round(n: int, N: int) -> bool:
    """Whether ``n`` is a whole multiple of ``N`` or ``N`` divided by a whole number (floor or ceil)."""
    if n >= N:
        return n % N == 0
    k = round(N / n)
    return k >= 2 and n in (N // k, -(-N // k))


def _name_total(n: int, N: int, t: np.ndarray, j: int, hints: Hints) -> Cause:
    covered = int(t.size)
    ratio = n / N
    if j > 0:
        step, span, where = _range_text(t, j)
        return Cause("resume", f"a resume at {where} rebuilt the schedule for a new total of {n:,} steps "
                     f"(the plan's is {N:,}): the log follows the plan up to there and the {n:,}-step schedule after",
                     covered=covered, factor=ratio, step=step, step_range=span, new_total=n, priority=5)
    for name, k in (("grad_accum", hints.grad_accum), ("world_size", hints.world_size),
                    ("steps_per_epoch", hints.steps_per_epoch)):
        if not k or k < 2:
            continue
        if n == N * k:
            text = {"grad_accum": f"gradient accumulation forgotten in the total: the schedule was built for {n:,} steps, "
                                  f"{k} x the {N:,} updates (gradient_accumulation_steps = {k}: micro-batches counted "
                                  "as updates)",
                    "world_size": f"the world size was ignored in the total: the schedule was built for {n:,} steps, "
                                  f"{k} x the {N:,} updates (world size = {k}: every process counted the whole dataset)",
                    "steps_per_epoch": f"the total was multiplied by the steps per epoch once too often: built for "
                                       f"{n:,} = {k:,} x {N:,} steps"}[name]
            return Cause("total", text, covered=covered, factor=float(k), new_total=n, hint=name, priority=1)
        if n in (N // k, -(-N // k)):
            text = {"steps_per_epoch": f"epochs taken for steps: the schedule was built for {n:,} steps, the plan's "
                                       f"{N:,} / {k:,} (steps_per_epoch = {k:,}): the total was given in epochs",
                    "grad_accum": f"the total was divided by the gradient accumulation twice: built for {n:,} = "
                                  f"{N:,} / {k} steps",
                    "world_size": f"the total was divided by the world size twice: built for {n:,} = {N:,} / {k} steps"
                    }[name]
            return Cause("total", text, covered=covered, factor=1 / k, new_total=n, hint=name, priority=1)
    whole = round(ratio) if ratio >= 1 else round(1 / ratio)
    if ratio >= 1 and abs(n - whole * N) <= 1 and whole >= 2:
        text = (f"the schedule was built for {n:,} total steps, {whole} x the plan's {N:,}: a factor forgotten in the "
                "total (gradient accumulation or world size?)")
        return Cause("total", text, covered=covered, factor=float(whole), new_total=n, priority=4)
    if ratio < 1 and whole >= 2 and n in (N // whole, -(-N // whole)):
        text = (f"the schedule was built for {n:,} total steps, the plan's {N:,} / {whole}: epochs taken for steps "
                f"({whole} steps per epoch?) or a factor divided twice")
        return Cause("total", text, covered=covered, factor=1 / whole, new_total=n, priority=4)
    return Cause("total", f"the schedule was built for {n:,} total steps instead of the plan's {N:,} ({ratio:.3g} x)",
                 covered=covered, factor=ratio, new_total=n, priority=7)
