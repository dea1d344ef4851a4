"""Twin of the Ultralytics YOLO trainer's lr (``ultralytics/engine/trainer.py``, read in 8.4.190): ``ultralytics.yolo``.

The trainer wraps its optimizer in a ``LambdaLR`` stepped at the start of
every epoch (after ``scheduler.last_epoch = start_epoch - 1``), so epoch
``e`` runs at ``lr0 * lf(e)``:

    lf(e) = max(1 - e / epochs, 0) * (1 - lrf) + lrf                       (linear, cos_lr false)
    lf(e) = max((1 - cos(e * pi / epochs)) / 2, 0) * (lrf - 1) + 1         (cos_lr: one_cycle(1, lrf, epochs))

and, for the first ``nw`` batches, overrides every param group per batch
(``ni = i + nb * epoch``, ``ni <= nw``) with ``np.interp(ni, [0, nw],
[start, lr0 * lf(epoch)])``, where start is ``warmup_bias_lr`` for the bias
group (pg2) and 0 for the weights (pg0, pg1):

    nw = round(min(warmup_epochs, max(epochs - 1, 0)) * nb)   (0 when warmup_epochs <= 0)
    lr(t) = interp(t, [0, nw], [start, lr0 lf(t // nb)])   for t <= nw;   lr0 lf(t // nb) after

One step ``t`` of this curve is one *batch* (``nb`` per epoch); the optimizer
steps every ``accumulate`` batches at the lr set for that batch.
Ultralytics 8.2.0 used ``nw = max(round(warmup_epochs * nb), 100)``; not reproduced.
"""

from __future__ import annotations

import math

import numpy as np

from ..schedules._base import Schedule
from ..schedules import _checks as check
from ..schedules import _engine as engine

from ..kinds import Steps

GROUPS = ("weights", "bias")


def _factor(epochs: int, lrf: float, cos_lr: bool, x: int) -> float:
    """lf(x) with Python's own floats, in the trainer's order of operations."""
    if cos_lr:
        return max((1 - math.cos(x * math.pi / epochs)) / 2, 0) * (lrf - 1) + 1
    return max(1 - x / epochs, 0) * (1.0 - lrf) + lrf


def yolo(*, lr: float = 0.01, total_steps: Steps = 1000, lrf: float = 0.01, cos_lr: bool = False, epochs: int | None = None,
         warmup_epochs: float = 3.0, warmup_bias_lr: float = 0.1, nb: int | None = None, group: str = "weights") -> Schedule:
    """Ultralytics YOLO: a per-epoch LambdaLR (linear or cosine to lr0 * lrf) with a per-batch linear warmup.

    lr(t) = np.interp(t, [0, nw], [start, lr * lf(t // nb)])   for t <= nw
    lr(t) = lr * lf(t // nb)                                   otherwise
    start = warmup_bias_lr for group 'bias', 0 for 'weights'; lr is lr0; nb batches per epoch
    (default total_steps // epochs), epochs default 100 (the trainer's).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    E = 100 if epochs is None else check.steps("epochs", epochs, minimum=1)
    nb = max(1, total_steps // E) if nb is None else check.steps("nb", nb, minimum=1)
    lrf = check.non_negative("lrf", lrf)
    cos = check.flag("cos_lr", cos_lr)
    we = check.number("warmup_epochs", warmup_epochs)
    bias = check.non_negative("warmup_bias_lr", warmup_bias_lr)
    group = check.choice("group", group, GROUPS)
    w = min(we, max(E - 1, 0))
    nw = round(w * nb) if w > 0 else 0
    start = bias if group == "bias" else 0.0
    def f(t: np.ndarray) -> np.ndarray:
        epoch = t // nb
        epochs, where = np.unique(epoch, return_inverse=True)
        targets = np.asarray([lr * _factor(E, lrf, cos, int(e)) for e in epochs])  # x['initial_lr'] * self.lf(epoch)
        out = targets[where.reshape(t.shape)].astype(np.float64)
        if nw:
            warm = t <= nw
            for i, e in enumerate(epochs):
                sel = warm & (epoch == e)
                if sel.any():
                    out[sel] = np.interp(t[sel], [0, nw], [start, float(targets[i])])
        return out

    params = dict(lr=lr, lrf=lrf, cos_lr=cos, epochs=E, warmup_epochs=we, warmup_bias_lr=bias, nb=nb, group=group)
    marks = check.marks((nw, "end of warmup"), (E * nb, "epochs"))
    # past the warmup the lr is lr * lf(epoch), constant over each epoch of nb steps: one call per epoch of a block
    stairs = engine.held(f, size=nb)
    kernel = stairs if not nw else engine.pieces([0, nw + 1], [engine.from_function(f), stairs], local=[False, False])
    return Schedule(f, kernel=kernel, name="ultralytics.yolo", params=params, marks=marks, breaks=None)


TWINS = {
    "ultralytics.yolo": (yolo, "Ultralytics YOLO: per-epoch linear/cosine lambda to lr0*lrf with per-batch warmup (bias from warmup_bias_lr)"),
}
