"""Twin of Megatron-LM's ``OptimizerParamScheduler`` (``megatron/core/optimizer_param_scheduler.py``,
read in megatron-core 0.16.1): ``megatron.OptimizerParamScheduler``.

Megatron counts the schedule in consumed *samples*: the constructor calls
``step(0)`` and every successful iteration ``step(increment)`` with
``increment`` = the global batch size, so iteration ``t`` trains at
``f(n)``, ``n = t * increment``. With ``Wm`` = lr_warmup_steps, ``D`` =
lr_decay_steps (samples; ``--lr-warmup-fraction`` makes ``Wm`` a float
fraction of ``D``):

    f(n) = init_lr + (max_lr - init_lr) * n / Wm        if Wm > 0 and n <= Wm   (the peak at n = Wm)
    f(n) = max_lr                                       constant, after the warmup (min_lr unused)
    f(n) = min_lr                                       if n > D
    f(n) = max(min_lr, max_lr * max(Wm, 1) ** 0.5 / max(n, 1) ** 0.5)      inverse-square-root
    f(n) = min_lr + c * (max_lr - min_lr),  r = (n - Wm) / (D - Wm):
           linear c = 1 - r;  cosine c = 0.5 * (cos(pi r) + 1)
           WSD: c = 1 while n <= D - wsd; then with s = (n - (D - wsd)) / wsd:
                linear 1 - s, cosine 0.5 (cos(pi s) + 1), exponential 2 * 0.5 ** s - 1, minus_sqrt 1 - sqrt(s)

``lr`` is ``max_lr`` (``--lr``). Megatron's asserts are ParameterErrors here.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..schedules._base import Schedule
from ..schedules import _checks as check

from ..kinds import Steps

STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")
WSD_STYLES = ("exponential", "linear", "cosine", "minus_sqrt")


def OptimizerParamScheduler(*, lr: float = 0.1, total_steps: Steps = 1000, init_lr: float = 0.0, min_lr: float = 0.0,
                            lr_warmup_steps: float = 0, lr_decay_steps: int | None = None,
                            lr_decay_style: str = "linear", wsd_decay_steps: int | None = None,
                            lr_wsd_decay_style: str = "exponential", increment: int = 1) -> Schedule:
    """Megatron-LM's lr at iteration t: f(t * increment) with the rules above (samples, or iterations when increment is 1).

    lr(t) = f(t * increment); D = lr_decay_steps defaults to total_steps * increment.
    """
    max_lr = check.number("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    inc = check.steps("increment", increment, minimum=1)
    init = check.number("init_lr", init_lr)
    lo = check.number("min_lr", min_lr)
    Wm = check.number("lr_warmup_steps", lr_warmup_steps)
    D = total_steps * inc if lr_decay_steps is None else check.steps("lr_decay_steps", lr_decay_steps)
    style = check.choice("lr_decay_style", lr_decay_style, STYLES)
    wsd_style = check.choice("lr_wsd_decay_style", lr_wsd_decay_style, WSD_STYLES)
    if lo < 0:
        raise ParameterError("min_lr", "Megatron asserts min_lr >= 0.0")
    if max_lr < lo:
        raise ParameterError("lr", f"Megatron asserts max_lr >= min_lr; got {max_lr:g} < {lo:g}")
    if init < 0:
        raise ParameterError("init_lr", f"must be >= 0 (a negative warmup start gives a negative lr); got {init:g}")
    if init > max_lr:
        raise ParameterError("init_lr", f"Megatron asserts init_lr <= max_lr; got {init:g} > {max_lr:g}")
    if D <= 0:
        raise ParameterError("lr_decay_steps", "Megatron asserts lr_decay_steps > 0")
    if not Wm < D:
        raise ParameterError("lr_warmup_steps", f"Megatron asserts lr_warmup_steps < lr_decay_steps; got {Wm:g} >= {D}")
    wsd = None
    if style == "WSD":
        if wsd_decay_steps is None:
            raise ParameterError("wsd_decay_steps", "the WSD style needs wsd_decay_steps (--lr-wsd-decay-iters)")
        wsd = check.steps("wsd_decay_steps", wsd_decay_steps, minimum=1)
    delta = max_lr - lo

    def warm(n: np.ndarray) -> np.ndarray:
        """init + (max_lr - init) * n / Wm, in place."""
        n *= max_lr - init
        n /= float(Wm)
        n += init
        return n

    def decay(x: np.ndarray) -> np.ndarray:
        """The lr at Wm < n <= D, computed in x's own buffer."""
        if style == "constant":
            x.fill(max_lr)
            return x
        if style == "inverse-square-root":
            np.maximum(x, 1, out=x)
            np.sqrt(x, out=x)  # Megatron's ** 0.5 (C pow): the same as sqrt on 3e7 values tried, and 20x cheaper
            np.divide(max_lr * max(Wm, 1) ** 0.5, x, out=x)
            return np.maximum(lo, x, out=x)
        if style == "WSD":
            start = D - wsd
            c = np.ones(x.shape)
            decaying = x > start
            s = (x[decaying] - start) / float(wsd)
            c[decaying] = {"linear": lambda: 1.0 - s, "cosine": lambda: 0.5 * (np.cos(math.pi * s) + 1.0),
                           "exponential": lambda: (2.0 * np.power(0.5, s)) - 1.0,
                           "minus_sqrt": lambda: 1.0 - np.sqrt(s)}[wsd_style]()
        else:
            c = x  # r = (n - Wm) / (D - Wm)
            c -= Wm
            c /= float(D - Wm)
            if style == "linear":
                np.subtract(1.0, c, out=c)
            else:  # cosine
                c *= math.pi
                np.cos(c, out=c)
                c += 1.0
                c *= 0.5
        c *= delta
        c += lo
        return c

    def f(t: np.ndarray) -> np.ndarray:
        n = t.astype(np.float64)
        n *= inc  # consumed samples, exact below 2**53
        if not n.size:
            return n
        first, last = float(t.min()) * inc, float(t.max()) * inc  # n is increasing in t: its least and greatest
        if Wm > 0 and last <= Wm:
            return warm(n)
        if (Wm <= 0 or first > Wm) and (style == "constant" or last <= D):
            return decay(n)
        out = np.empty(t.shape)
        warmed = (n <= Wm) if Wm > 0 else np.zeros(t.shape, dtype=bool)
        out[warmed] = warm(n[warmed])
        rest = ~warmed
        late = rest & (n > D) if style != "constant" else np.zeros(t.shape, dtype=bool)
        out[late] = lo
        mid = rest & ~late
        out[mid] = decay(n[mid])
        return out

    W_it, D_it = Wm / inc, D / inc
    params = dict(lr=max_lr, init_lr=init, min_lr=lo, lr_warmup_steps=Wm, lr_decay_steps=D, lr_decay_style=style,
                  wsd_decay_steps=wsd, lr_wsd_decay_style=wsd_style, increment=inc)
    marks = check.marks((math.floor(W_it), "end of warmup"), (math.floor(D_it), "lr_decay_steps"))
    return Schedule(f, name="megatron.OptimizerParamScheduler", params=params, marks=marks, breaks=None)


TWINS = {
    "megatron.OptimizerParamScheduler": (OptimizerParamScheduler, "Megatron-LM: warmup then linear/cosine/ISR/WSD decay in consumed samples"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {"megatron.OptimizerParamScheduler": {"floor": "min_lr", "warmup": "lr_warmup_steps"}}
