"""How a training loop steps a scheduler: ``stepped``, the adapter from a scheduler's ticks to updates.

A trainer that steps its scheduler once per epoch (timm's ``train.py`` with
``sched_on_updates: false``, Lightning's ``interval: epoch``, MMEngine's
``by_epoch=True``, Ultralytics) trains every update of epoch ``e`` at the
scheduler's value for tick ``e``; before the first step, at the value its
constructor wrote (timm writes ``warmup_lr`` or the base lr, not the formula
at 0: they differ for tanh and under noise).

    lr(t) = first_lr                    for t < every, when first_lr is given
    lr(t) = schedule(t // every)        otherwise

``every`` is the number of updates per tick (the updates per epoch; 1 for a
per-update scheduler, where ``first_lr`` is then the lr of update 0 alone).
The inner schedule is built over ``ceil(total_steps / every)`` ticks.
"""

from __future__ import annotations


import numpy as np

from ..schedules._base import Schedule, realize
from ..schedules import _checks as check
from ..schedules import _engine as engine

from ..kinds import Steps, Spec


def stepped(*, lr: float = 0.1, total_steps: Steps = 1000, schedule: Spec = None, every: int = 1,
            first_lr: float | None = None) -> Schedule:
    """A schedule stepped once every ``every`` updates (once per epoch), optionally starting at ``first_lr``.

    lr(t) = first_lr if t < every (and first_lr is set), else schedule(t // every)
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    every = check.steps("every", every, minimum=1)
    first = None if first_lr is None else check.non_negative("first_lr", first_lr)
    ticks = max(1, -(-total_steps // every))
    if schedule is None:
        from ..schedules import decay

        inner = decay.constant(lr=lr, total_steps=ticks)
    else:
        inner = realize(schedule, total_steps=ticks, lr=lr)

    def f(t: np.ndarray) -> np.ndarray:
        out = inner.lr_at(t // every)
        if first is not None:
            out = np.where(t < every, first, out)
        return out

    if every > 1:
        kernel = engine.held(f, size=every)  # constant on each tick: one value per tick of a block
    elif first is None:
        kernel = inner.kernel  # stepped every update: the schedule itself
    else:
        kernel = engine.pieces([0, 1], [engine.constant(first), inner.kernel], local=[False, False])

    mom = inner.momentum_at if inner.has_momentum else None
    marks = tuple(m._replace(step=m.step * every) for m in inner.marks)
    breaks = None if inner.breaks is None else tuple(b * every for b in inner.breaks) + (every,)
    params = dict(lr=lr, total_steps=total_steps, every=every, first_lr=first, schedule=inner.name)
    return Schedule(f, kernel=kernel, name="stepped", params=params, momentum_fn=(lambda t: mom(t // every)) if mom else None,
                    marks=marks, periodic=inner.periodic, breaks=breaks)


TWINS = {
    "stepped": (stepped, "a scheduler stepped once every N updates (per epoch) by a training loop, from its first lr"),
}
