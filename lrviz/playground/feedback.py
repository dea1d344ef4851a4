"""Schedules that watch the run's own loss: ``metrics: loss`` on a metric-driven schedule.

A schedule with a ``metrics`` parameter (``torch.ReduceLROnPlateau``, ``hf.reduce_lr_on_plateau``,
``keras.ReduceLROnPlateau``, timm's and optax's plateau schedulers, ``hf.greedy``) is given a metric
series when it is built. In the playground ``metrics: loss`` means the run's own loss, as a training
loop calls ``scheduler.step(loss)`` after each update: call k (k = 0, 1, ...) sees f after update
k + 1, and lr(t), the lr of update t + 1, depends only on the losses after updates 1..t.

With ``steps_per_epoch`` S, a twin stepped once per epoch (torch's, HF's and Keras's plateau
schedules) is called once per epoch instead, with the mean loss over that epoch's updates (call e
sees the mean of f after updates eS + 1 .. (e + 1)S), and holds its lr through the next epoch, as
lrviz draws it under ``counting: epoch_constant``.

The loop is closed by iterating: build the schedule on the losses of the previous pass, run
again, until the lr curve no longer changes. Because lr(t) depends only on earlier losses, a pass
whose curve is right on steps 0..s-1 gives losses right after updates 1..s, so the next curve is
right on 0..s: the iteration ends, at the latest, after ``steps + 1`` passes, and in practice after
about one pass per reduction. The result is exactly the curve of the closed loop.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

LOSS = "loss"


def watches_loss(params: dict) -> bool:
    """Whether a schedule's parameters say ``metrics: loss``."""
    return isinstance(params.get("metrics"), str) and params["metrics"] == LOSS


def with_metrics(params: dict, metrics) -> dict:
    """The parameters with ``metrics`` replaced by a series (a list of floats)."""
    return {**params, "metrics": [float(m) for m in metrics]}


def calls(loss: np.ndarray, per: int = 1) -> list[float]:
    """The metric of each ``step()`` call from a run's losses (steps + 1,): f after each update, or with
    ``per`` > 1 the mean over each whole group of ``per`` updates (a last partial group is not called)."""
    after = np.asarray(loss[1:], dtype=float)
    if per == 1:
        return list(after)
    whole = len(after) // per
    return list(after[: whole * per].reshape(whole, per).mean(axis=1))


def closed_loop(build: Callable[[list[float]], np.ndarray], run: Callable[[np.ndarray], np.ndarray],
                steps: int, start_loss: float, per: int = 1) -> np.ndarray:
    """The lr curve (steps,) of a schedule fed the losses of its own run.

    ``build(metrics)``: the lr curve over steps 0..steps-1 for a metric series of ``steps`` values;
    ``run(curve)``: the losses (steps + 1,) of the run with that curve (row 0 the start); ``per``: the
    updates between two calls (see :func:`calls`). The first
    pass watches a loss that never moves from ``start_loss``. A diverged run's losses are NaN, which
    a plateau rule treats as never better.
    """
    curve = build([float(start_loss)] * max(steps // per, 1))
    for _ in range(steps + 1):
        loss = run(curve)
        following = build(calls(loss, per) or [float(start_loss)])
        if np.array_equal(following, curve):
            return curve
        curve = following
    return curve  # pragma: no cover - the argument above bounds the passes


def updates_per_call(name: str, steps_per_epoch: int | None) -> int:
    """How many updates lie between two calls of a schedule watching the loss: ``steps_per_epoch`` for a
    twin stepped once per epoch (``per_epoch_metrics`` in the registry), else 1."""
    from .. import registry

    try:
        _, entry = registry.lookup(name)
    except Exception:
        return 1
    return int(steps_per_epoch) if steps_per_epoch and entry.per_epoch_metrics else 1
