"""Why a logged lr curve left the plan: fit the transformations that the common schedule bugs make.

Each model predicts the logged lr ``y`` at logged step ``t`` from the plan
``p`` (``p'`` is the plan rebuilt for another total, :attr:`Plan.rebuild`):

=====================  ======================================  ==========================================
model                  prediction                              the bug it names
=====================  ======================================  ==========================================
shift by d             ``p(t - d)`` from a step on             d = -1 / +1: an off-by-one in when the lr is
                                                               logged; d = warmup length from step W:
                                                               warmup counted twice; d > 0 from a later
                                                               step: the run fell behind (skipped steps)
slower by k            ``p(t // k)``                           stepped once per epoch instead of per batch
                                                               (k = steps_per_epoch), once per k updates
faster by k            ``p(k t + j)``, j in 0..k-1             stepped per micro-batch (k = grad accum),
                                                               per process (k = world size), per batch
                                                               where the plan ticks per epoch
total N'               ``p'(t)`` with N' total steps           gradient accumulation (N' = G N) or world
                                                               size (N' = W N) forgotten in the total,
                                                               epochs taken for steps (N' = N / S)
                                                               (:mod:`.run_rebuilt`)
restart at s           ``p(t)`` before s, ``p'(t)`` from s      a resume that rebuilt the schedule for N'
                                                               (:mod:`.run_rebuilt`)
lagging                ``p(t - d(t))``, d(t) growing           skipped scheduler steps (fp16 overflow
                       from 0 by jumps, d <= MAX_LAG            skips them in HF, DeepSpeed, fairseq)
never stepped          ``p(0)``                                the scheduler was never stepped
=====================  ======================================  ==========================================

Honesty rules. A model is fitted from a few diverging points (its parameter
is found by inverting the plan there: the shifts ``d`` or factors ``k`` for
which ``p`` at the transformed step equals the logged value, intersected
over up to five points; N' by scanning a geometric grid and bisecting on the
first diverging point), and it is named only when its prediction matches
*every* logged point within the same tolerance as the direct comparison;
points before the change must match the plan itself. It needs at least
``MIN_EVIDENCE`` diverging points. When several models fit (sparse logs can
make ``p(t // k)`` and ``p'`` with ``N' = k N`` agree), the one matching a
hint the caller gave (steps per epoch, gradient accumulation, world size,
warmup) is preferred, then the simpler; the others are returned as
alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .run_plan import Plan

MIN_EVIDENCE = 3
MAX_GRID = 4_000_000  # steps of the plan evaluated for the inversion
MAX_CANDIDATES = 64
MAX_FACTOR = 10_000  # largest k tried for a compressed run
MAX_STRETCH = 1_000_000  # largest k tried for a stretched run (steps per epoch)
MAX_LAG = 512  # most scheduler steps a run may have skipped, for the lagging model
MAX_LAG_WORK = 20_000_000  # points x lags evaluated at most


@dataclass(frozen=True)
class Hints:
    """Numbers of the run the caller knows; a fitted factor equal to one of them is named after it."""

    steps_per_epoch: int | None = None
    grad_accum: int | None = None
    world_size: int | None = None
    warmup_steps: int | None = None


@dataclass(frozen=True)
class Cause:
    """A transformation of the plan that matches the whole log.

    ``kind``: ``logging_offset``, ``warmup_twice``, ``behind``, ``ahead``, ``shift``, ``per_epoch``,
    ``slower``, ``faster``, ``total``, ``resume``, ``lagging``, ``never_stepped``. ``text`` names the likely
    bug with its numbers. ``covered`` logged points were checked, all within tolerance.
    """

    kind: str
    text: str
    covered: int
    factor: float | None = None  # k, or N'/N for a new total
    shift: int | None = None  # d
    step: int | None = None  # where the change starts (the earliest step it can start at)
    step_range: tuple[int, int] | None = None  # (first, last) steps it may start at, sparse logs
    new_total: int | None = None  # N'
    hint: str | None = None  # the hint the factor equals: steps_per_epoch, grad_accum, world_size, warmup_steps
    priority: int = 9


@dataclass
class _Fit:
    t: np.ndarray
    y: np.ndarray
    rtol: np.ndarray | float
    atol: float

    def close(self, pred: np.ndarray, y: np.ndarray | None = None, rtol=None) -> np.ndarray:
        y = self.y if y is None else y
        rtol = self.rtol if rtol is None else rtol
        with np.errstate(invalid="ignore"):
            return np.abs(y - pred) <= rtol * np.maximum(np.abs(pred), np.abs(y)) + self.atol


def _hint_name(k: int, hints: Hints, *names: str) -> str | None:
    for name in names:
        if getattr(hints, name) == k:
            return name
    return None


def _start(ok_model: np.ndarray, i0: int) -> int:
    """Smallest j <= i0 with ok_model[j:i0] all true: the earliest logged point the change may start at."""
    j = i0
    while j > 0 and ok_model[j - 1]:
        j -= 1
    return j


def _range_text(t: np.ndarray, j: int) -> tuple[int, tuple[int, int], str]:
    last = int(t[j])
    first = int(t[j - 1]) + 1 if j > 0 else 0
    where = f"step {last:,}" if first == last else f"a step in {first:,}..{last:,}"
    return last, (first, last), where


def find(plan: Plan, fit: _Fit, ok: np.ndarray, hints: Hints) -> list[Cause]:
    """Every model that matches the whole log, best first (empty when none does or evidence is thin)."""
    bad = np.flatnonzero(~ok)
    if bad.size < MIN_EVIDENCE:
        return []
    t, y = fit.t, fit.y
    i0 = int(bad[0])
    probes = np.unique(bad[np.linspace(0, bad.size - 1, min(5, bad.size)).round().astype(int)])
    length = int(min(max(plan.total_steps, int(t.max()) + 1) + 1, MAX_GRID))
    grid = plan.at(np.arange(length, dtype=np.int64))
    rt = fit.rtol if np.isscalar(fit.rtol) else float(np.max(fit.rtol))
    matches = [fit.close(grid, np.full(length, y[i]), rt) for i in probes]
    causes: list[Cause] = []
    causes += _never_stepped(plan, fit)
    causes += _shifts(plan, fit, probes, matches, length, i0, hints)
    causes += _slower(plan, fit, probes, matches, length, hints)
    causes += _faster(plan, fit, probes, matches, length, hints)
    from .run_rebuilt import rebuilt  # it builds on Cause, Hints and _Fit from here

    causes += rebuilt(plan, fit, i0, hints)
    if not any(c.kind in ("behind", "logging_offset", "warmup_twice", "shift") for c in causes):
        causes += _lagging(plan, fit, i0)
    causes.sort(key=lambda c: (c.priority, abs(c.shift or 0), c.factor or 0))
    return causes


def _never_stepped(plan: Plan, fit: _Fit) -> list[Cause]:
    pred = np.full(fit.t.shape, plan.at(np.array([0]))[0])
    if np.all(fit.close(pred)):
        return [Cause("never_stepped", f"the scheduler was never stepped: every logged lr is the plan's lr at step 0 "
                      f"({pred[0]:.4g})", covered=int(fit.t.size), priority=3)]
    return []


def _shifts(plan: Plan, fit: _Fit, probes, matches, length: int, i0: int, hints: Hints) -> list[Cause]:
    t = fit.t
    # s = t_i - d must lie on the grid [0, length) for every probe
    lo, hi = int(t[probes].max()) - length + 1, int(t[probes].min())
    if lo > hi:
        return []
    d_all = np.arange(lo, hi + 1, dtype=np.int64)
    valid = np.ones(d_all.shape, dtype=bool)
    for i, match in zip(probes, matches):
        s = t[i] - d_all
        inside = (s >= 0) & (s < length)
        v = np.zeros(d_all.shape, dtype=bool)
        v[inside] = match[s[inside]]
        valid &= v
    valid &= d_all != 0
    candidates = d_all[valid]
    candidates = candidates[np.argsort(np.abs(candidates), kind="stable")][:MAX_CANDIDATES]
    warmup = hints.warmup_steps or plan.warmup_steps
    out = []
    for d in candidates:
        d = int(d)
        shifted = plan.at(np.maximum(t - d, 0))
        shifted[t - d < 0] = np.nan
        ok_model = fit.close(shifted)
        if not np.all(ok_model[i0:]):
            continue
        j = _start(ok_model, i0)
        step, span, where = _range_text(t, j)
        starts_at_begin = j == 0 or span[0] <= max(d, 0) <= span[1] or span[0] <= max(d, 0) + 1 <= span[1]
        n = int(t.size)
        if abs(d) == 1 and starts_at_begin:
            what = ("the log carries at each step the lr of the next update, lr(t+1) (an off-by-one in when the lr "
                    "is logged: transformers <= 4.50 and DeepSpeed log after the scheduler step)") if d == -1 else \
                   "the log carries at each step the lr of the previous update, lr(t-1) (an off-by-one in when the lr is logged)"
            out.append(Cause("logging_offset", what, covered=n, shift=d, step=0, priority=0))
        elif d > 0 and warmup and d == warmup and span[0] <= d <= span[1] + (1 if j == i0 else 0):
            hinted = "warmup_steps" if hints.warmup_steps == d else None
            out.append(Cause("warmup_twice", f"warmup counted twice: from step {d:,} the run follows the plan again "
                             f"from its start, {d:,} steps late (a warmup of {d:,} steps added to a schedule that "
                             "already warms up)", covered=n, shift=d, step=d, hint=hinted, priority=1 if hinted else 2))
        elif starts_at_begin:
            late = f"{d:,} steps behind" if d > 0 else f"{-d:,} steps ahead of"
            out.append(Cause("shift", f"the run follows the plan shifted in time: {late} the plan from the start",
                             covered=n, shift=d, step=0, priority=6))
        elif d > 0:
            out.append(Cause("behind", f"the run fell {d:,} steps behind the plan at {where} and stayed behind "
                             "(scheduler steps skipped, e.g. fp16 overflow, or a scheduler not stepped for a while)",
                             covered=n, shift=d, step=step, step_range=span, priority=6))
        else:
            out.append(Cause("ahead", f"the run jumped {-d:,} steps ahead of the plan at {where}",
                             covered=n, shift=d, step=step, step_range=span, priority=6))
        if len(out) >= 3:
            break
    return out


def _slower(plan: Plan, fit: _Fit, probes, matches, length: int, hints: Hints) -> list[Cause]:
    t = fit.t
    top = min(int(t.max()), MAX_STRETCH)
    if top < 2:
        return []
    ks = np.arange(2, top + 1, dtype=np.int64)
    valid = np.ones(ks.shape, dtype=bool)
    for i, match in zip(probes, matches):
        s = t[i] // ks
        valid &= (s < length) & match[np.minimum(s, length - 1)]
    fitting = [int(k) for k in ks[valid][:MAX_CANDIDATES] if np.all(fit.close(plan.at(t // int(k))))]
    if not fitting:
        return []
    named = [k for k in fitting if _hint_name(k, hints, "steps_per_epoch", "grad_accum", "world_size")]
    k = named[0] if named else fitting[0]
    name = _hint_name(k, hints, "steps_per_epoch", "grad_accum", "world_size")
    n = int(t.size)
    also = "" if len(fitting) == 1 else (f" (k = {fitting[0]:,}..{fitting[-1]:,} fit too: the log is too sparse to "
                                          "tell them apart)")
    if name == "steps_per_epoch":
        return [Cause("per_epoch", f"stepped once per epoch instead of once per batch (steps_per_epoch = {k:,}): "
                      f"the lr at step t is the plan's at t // {k:,}{also}", covered=n, factor=k, hint=name, priority=1)]
    why = {"grad_accum": f" (gradient_accumulation_steps = {k})", "world_size": f" (world size = {k})"}.get(name, "")
    guess = "" if name else "; stepped once per epoch, with that many steps per epoch?"
    return [Cause("slower", f"the scheduler ticks once every {k:,} updates{why}: the run's lr at step t is the "
                  f"plan's at t // {k:,}, time stretched {k:,}x{guess}{also}", covered=n, factor=k, hint=name,
                  priority=1 if name else 4)]


def _faster(plan: Plan, fit: _Fit, probes, matches, length: int, hints: Hints) -> list[Cause]:
    """``p(k t + j)`` for k = 2..MAX_FACTOR (and k t within 64 x the plan); the probes are checked for every
    k at once, off the grid (k t runs past the plan's end when the run is compressed)."""
    t, y = fit.t, fit.y
    tp, yp = t[probes], y[probes]
    # a run ticking its scheduler k times per update reaches k t: beyond 64 x the plan's length nothing is plausible
    kmax = int(min(MAX_FACTOR, 64 * plan.total_steps // max(int(tp.max()), 1)))
    if kmax < 2:
        return []
    ks = np.arange(2, kmax + 1, dtype=np.int64)
    trials = [(k, j) for k in range(2, min(kmax, 8) + 1) for j in range(k)]
    for j_of in (lambda k: k - 1, lambda k: 0 * k):
        js = j_of(ks)
        pred = plan.at((ks[:, None] * tp[None, :] + js[:, None]).ravel()).reshape(ks.size, tp.size)
        good = np.all(fit.close(pred, np.broadcast_to(yp, pred.shape)), axis=1)
        trials += [(int(k), int(j)) for k, j in zip(ks[good], js[good]) if k > 8]
    out = []
    for k, j in trials:
        if len(out) >= 2:
            break
        if any(c.factor == k for c in out):
            continue
        if not np.all(fit.close(plan.at(k * t + j))):
            continue
        name = _hint_name(k, hints, "grad_accum", "world_size", "steps_per_epoch")
        text = {
            "grad_accum": f"the scheduler is stepped once per micro-batch, {k} times per update "
                          f"(gradient_accumulation_steps = {k}): the lr at step t is the plan's at {k}t + {j}",
            "world_size": f"the scheduler is stepped {k} times per update, once per process (world size = {k}; "
                          f"e.g. accelerate's scheduler wrapper without split_batches): the lr at step t is the "
                          f"plan's at {k}t + {j}",
            "steps_per_epoch": f"stepped once per batch where the plan ticks once per epoch (steps_per_epoch = {k:,}): "
                               f"the lr at step t is the plan's at {k:,}t + {j}",
        }.get(name, f"the scheduler ticks {k:,} times per update: the lr at step t is the plan's at {k:,}t + {j}, "
                    f"time compressed {k:,}x (stepped per micro-batch or per process?)")
        out.append(Cause("faster", text, covered=int(t.size), factor=k, shift=j, hint=name, priority=1 if name else 4))
    return out


def _lagging(plan: Plan, fit: _Fit, i0: int) -> list[Cause]:
    """``p(t - d(t))`` with ``d`` non-decreasing from 0: the smallest lag consistent with each point, taken
    greedily from the first diverging point on (a smaller lag leaves every later choice open). It is named
    only when the lag grows in two jumps or more (one jump is the 'behind' shift), at no more than 5% of the
    points (skips are rare events; a lag growing everywhere is a longer total, which ranks first)."""
    t, y = fit.t, fit.y
    dmax = int(min(max(plan.total_steps // 20, 8), MAX_LAG))
    points = np.arange(i0, t.size)
    if points.size == 0 or points.size * (dmax + 1) > MAX_LAG_WORK:
        return []
    lags = np.zeros(t.size, dtype=np.int64)
    D = np.arange(dmax + 1, dtype=np.int64)
    prev = 0
    for chunk in np.array_split(points, max(1, points.size * (dmax + 1) // 2_000_000)):
        steps = t[chunk][:, None] - D[None, :]
        pred = plan.at(np.maximum(steps, 0).ravel()).reshape(steps.shape)
        pred[steps < 0] = np.nan
        good = fit.close(pred, np.broadcast_to(y[chunk][:, None], pred.shape))
        for row, i in zip(good, chunk):
            options = np.flatnonzero(row[prev:])
            if options.size == 0:
                return []
            prev += int(options[0])
            lags[i] = prev
    jumps = np.flatnonzero(np.diff(lags[i0 - 1 if i0 else 0:]) > 0) if prev else np.array([])
    if prev == 0 or jumps.size < 2 or jumps.size > 0.05 * points.size:
        return []
    first = int(t[i0])
    return [Cause("lagging", f"the run's schedule fell behind the plan step by step: {prev:,} scheduler step(s) "
                  f"missing by the last logged point, in {jumps.size} jumps, the first by step {first:,} (skipped "
                  "scheduler steps: fp16 overflow skips them in HF, DeepSpeed and fairseq)", covered=int(t.size),
                  shift=prev, step=first, priority=8)]


Finder = Callable[[Plan, _Fit, np.ndarray, Hints], list[Cause]]
