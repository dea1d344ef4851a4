"""Twin of fairseq's ``inverse_sqrt`` (``fairseq/optim/lr_scheduler/inverse_square_root_schedule.py``,
facebookresearch/fairseq @ 3d262bb2): ``fairseq.inverse_sqrt``.

fairseq calls ``step_update(num_updates)`` at the start of training (0) and
after every successful update, so update ``t`` (0-based) trains at:

    warmup_init_lr = 0 if warmup_updates > 0 else lr        (when given as -1, the default)
    lr_step = (lr - warmup_init_lr) / warmup_updates
    lr(t) = warmup_init_lr + t * lr_step                     for t < warmup_updates
    lr(t) = lr * warmup_updates ** 0.5 * t ** -0.5           after

(``decay_factor = lr * warmup_updates ** 0.5`` first, as fairseq computes it).
fairseq divides by ``warmup_updates``, so 0 is refused, as is a list of
several lrs (fairseq: "Cannot use a fixed learning rate schedule with inverse_sqrt").
"""

from __future__ import annotations


import numpy as np

from ..errors import ParameterError
from ..schedules._base import Schedule
from ..schedules import _checks as check

from ..kinds import Steps


def inverse_sqrt(*, lr: float = 0.1, total_steps: Steps = 1000, warmup_updates: int = 4000,
                 warmup_init_lr: float = -1) -> Schedule:
    """fairseq inverse_sqrt: linear warmup from warmup_init_lr, then lr * sqrt(warmup_updates / t).

    lr(t) = warmup_init_lr + t * (lr - warmup_init_lr) / W   for t < W;   (lr * W ** 0.5) * t ** -0.5 after
    """
    end = check.non_negative("lr", lr)
    check.steps("total_steps", total_steps, minimum=1)
    W = check.steps("warmup_updates", warmup_updates)
    init = check.number("warmup_init_lr", warmup_init_lr)
    if init < 0:
        init = 0 if W > 0 else end
    if W == 0:
        raise ParameterError("warmup_updates", "fairseq's inverse_sqrt divides by warmup_updates: it must be > 0")
    step = (end - init) / W
    decay = end * W ** 0.5

    def f(t: np.ndarray) -> np.ndarray:
        out = np.empty(t.shape)
        warm = t < W
        out[warm] = init + t[warm] * step
        late = ~warm
        out[late] = decay * np.power(t[late].astype(np.float64), -0.5)
        return out

    params = dict(lr=end, warmup_updates=W, warmup_init_lr=init)
    return Schedule(f, name="fairseq.inverse_sqrt", params=params, marks=check.marks((W, "end of warmup")),
                    breaks=(W,))


TWINS = {"fairseq.inverse_sqrt": (inverse_sqrt, "fairseq inverse_sqrt: linear warmup from warmup_init_lr, then lr*sqrt(W/t)")}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {"fairseq.inverse_sqrt": {"warmup": "warmup_updates"}}
