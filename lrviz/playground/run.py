"""Run optimizers on a surface: every run of a batch in one numpy computation per step.

A *lane* is one optimizer with its own lr table; all lanes share one gradient
evaluation per step (the points of every lane are stacked), so a whole lr grid of
several optimizers is one loop over the steps, not one loop per run.

Update t (t = 1..steps) uses lr(t - 1), the schedule's value at step t - 1
(lrviz's convention: lr(t) is the rate used by update t + 1).

A run that leaves the radius :data:`RADIUS` or stops being finite is *diverged*:
it is frozen at its last good point from then on, its loss is NaN, and
``diverged_at`` records the update that took it out (-1 for runs that never did).
numpy's overflow and invalid-value warnings are silenced inside the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .optimizers import Optimizer
from .surfaces import Surface

RADIUS = 1e6  # |x| or |y| beyond this is divergence


@dataclass(frozen=True)
class Result:
    """Paths and losses of a batch of runs.

    ``path``: (steps + 1, *batch, 2) points, row 0 the start (None when not recorded);
    ``loss``: (steps + 1, *batch), NaN after divergence; ``final``: the last point (*batch, 2);
    ``diverged_at``: (*batch,) update that diverged, -1 if none.
    """

    path: np.ndarray | None
    loss: np.ndarray
    final: np.ndarray
    diverged_at: np.ndarray

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def final_loss(self) -> np.ndarray:
        return self.loss[-1]


def lr_curve(schedule, steps: int) -> np.ndarray:
    """The lr of updates 1..steps: a Schedule evaluated on steps 0..steps-1, or an array as given."""
    if callable(schedule):
        with np.errstate(all="ignore"):
            curve = np.asarray(schedule(np.arange(steps, dtype=np.int64)), dtype=float)
    else:
        curve = np.asarray(schedule, dtype=float)
    if curve.shape != (steps,):
        raise ValueError(f"an lr curve of {steps} steps is needed; got shape {curve.shape}")
    return curve


def grid_lrs(curve: np.ndarray, lrs: Sequence[float]) -> np.ndarray:
    """The lr table (steps, n) of a grid: the curve scaled so its peak is each grid lr."""
    peak = float(np.max(curve)) if len(curve) else 0.0
    lrs = np.asarray(lrs, dtype=float)
    if peak <= 0:
        return np.zeros((len(curve), len(lrs)))
    return curve[:, None] * (lrs / peak)[None, :]


def simulate(surface: Surface, optimizer: Optimizer, schedule, steps: int, start, lrs: Sequence[float] | None = None,
             *, record: bool = True) -> Result:
    """Run one optimizer from ``start`` (shape (2,) or (..., 2) for several starts).

    ``schedule``: a Schedule or an lr array over steps 0..steps-1. With ``lrs``, one run
    per grid value, the curve scaled so its peak equals that value; the batch is then
    (len(lrs), *start.shape[:-1]).
    """
    start = np.asarray(start, dtype=float)
    curve = lr_curve(schedule, steps)
    if lrs is None:
        table = np.broadcast_to(curve.reshape((steps,) + (1,) * (start.ndim - 1)), (steps,) + start.shape[:-1])
    else:
        grid = grid_lrs(curve, lrs)
        table = np.broadcast_to(grid.reshape(grid.shape + (1,) * (start.ndim - 1)),
                                (steps, len(lrs)) + start.shape[:-1])
        start = np.broadcast_to(start, (len(lrs),) + start.shape)
    out = run_lanes(surface, [optimizer], table[None], start, steps, record=record)
    return Result(None if out.path is None else out.path[:, 0], out.loss[:, 0], out.final[0], out.diverged_at[0])


def run_lanes(surface: Surface, optimizers: Sequence[Optimizer], tables: np.ndarray, start, steps: int,
              *, record: bool = True) -> Result:
    """Run k optimizers at once; ``tables`` (k, steps, *batch) holds the lr of every update of every run.

    Returns a Result whose batch is (k, *batch); ``start`` broadcasts to (*batch, 2).
    """
    tables = np.asarray(tables, dtype=float)
    k, batch = len(optimizers), tables.shape[2:]
    if tables.shape[:2] != (k, steps):
        raise ValueError(f"lr tables of shape ({k}, {steps}, ...) needed; got {tables.shape}")
    p = np.array(np.broadcast_to(np.asarray(start, dtype=float), (k,) + batch + (2,)))
    noise = surface.noise_table(steps)
    path = np.empty((steps + 1,) + p.shape) if record else None
    loss = np.empty((steps + 1,) + p.shape[:-1])
    alive = np.ones(p.shape[:-1], dtype=bool)
    diverged_at = np.full(p.shape[:-1], -1, dtype=np.int64)
    probes = np.empty_like(p)
    moved = np.empty_like(p)
    with np.errstate(all="ignore"):
        states = [opt.init(p[i]) for i, opt in enumerate(optimizers)]
        bad = ~(np.isfinite(p).all(-1) & (np.abs(p) <= RADIUS).all(-1))
        diverged_at[bad], alive[bad] = 0, False
        loss[0] = np.where(alive, surface.value(p), np.nan)
        if record:
            path[0] = p
        for t in range(steps):
            for i, opt in enumerate(optimizers):
                probes[i] = opt.probe(p[i], states[i])
            g = surface.gradient(probes)
            if noise is not None:
                g = g + noise[t]
            for i, opt in enumerate(optimizers):
                moved[i] = opt.update(p[i], g[i], tables[i, t][..., None], t + 1, states[i])
            ok = np.isfinite(moved).all(-1) & (np.abs(moved) <= RADIUS).all(-1)
            newly = alive & ~ok
            if newly.any():
                diverged_at[newly] = t + 1
                alive &= ~newly
            if alive.all():
                p, moved = moved, p
            else:  # frozen runs keep their last good point
                p = np.where(alive[..., None], moved, p)
            loss[t + 1] = np.where(alive, surface.value(p), np.nan)
            if record:
                path[t + 1] = p
    return Result(path, loss, p.copy(), diverged_at)



def effective_lrs(surface: Surface, optimizer: Optimizer, curve: np.ndarray, path: np.ndarray,
                  diverged_at: int = -1) -> np.ndarray | None:
    """The step size per coordinate of each update along a recorded ``path`` (steps + 1, 2) of one run:
    (steps, 2), row t-1 :meth:`Optimizer.effective_lr` after update t (Adagrad: lr(t-1) / sqrt(G_t + eps)).

    The run is replayed from its path: update t takes its gradient at ``probe(path[t-1])`` (plus the
    surface's noise of step t-1), as :func:`run_lanes` did, so the state is the run's own. Rows from
    the update that diverged on (``diverged_at``, see :class:`Result`) are NaN. None when the optimizer
    has no such step size.
    """
    path = np.asarray(path, dtype=float)
    steps = path.shape[0] - 1
    curve = np.asarray(curve, dtype=float)
    noise = surface.noise_table(steps)
    last = steps if diverged_at < 0 else max(int(diverged_at) - 1, 0)
    out = np.full((steps, 2), np.nan)
    with np.errstate(all="ignore"):
        state = optimizer.init(path[0])
        for t in range(last):
            g = surface.gradient(optimizer.probe(path[t], state))
            if noise is not None:
                g = g + noise[t]
            optimizer.update(path[t], g, curve[t:t + 1], t + 1, state)
            eff = optimizer.effective_lr(curve[t:t + 1], t + 1, state)
            if eff is None:
                return None
            out[t] = eff
    if last == 0 and optimizer.effective_lr(curve[:1], 1, optimizer.init(path[0])) is None:
        return None
    return out
