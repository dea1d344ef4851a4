"""The reduce-on-plateau core shared by the twins of torch's ``ReduceLROnPlateau``,
HuggingFace's ``reduce_lr_on_plateau`` and timm's ``PlateauLRScheduler`` (which wraps torch's).

:func:`torch_plateau` replays torch 2.13's ``ReduceLROnPlateau.step(metrics)``
over a metric series, once, when a schedule is built (the one place where a
Python loop over steps is inherent: each decision depends on the previous
ones); the schedule then only looks values up.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..errors import ParameterError
from ..schedules import _checks as check


def torch_plateau(
    lr: float,
    metrics: Sequence[float],
    *,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> np.ndarray:
    """The lr of torch's ``ReduceLROnPlateau`` after 0, 1, ..., ``len(metrics)`` calls of ``step(metrics[k])``.

    Returns a float64 array of length ``len(metrics) + 1``: entry 0 is ``lr``
    (the optimizer's lr, untouched at construction), entry ``k`` the lr after
    the ``k``-th call. Same rules, in the same order, with the same Python float
    arithmetic as torch 2.13 (one param group, scalar ``min_lr``)::

        better(a)  min/rel: a < best * (1 - threshold)    min/abs: a < best - threshold
                   max/rel: a > best * (threshold + 1)    max/abs: a > best + threshold
        best starts at +inf (min) or -inf (max); a better value sets best and bad = 0, else bad += 1
        in cooldown (counter > 0): counter -= 1 and bad = 0   (best is still updated)
        bad > patience:  new = max(lr * factor, min_lr); the lr becomes new only if lr - new > eps;
                         then counter = cooldown and bad = 0

    So the first reduction comes on the (patience+1)-th consecutive step
    without improvement, a reduction that would move the lr by eps or less is
    skipped (so the lr stalls near eps / (1 - factor) with min_lr = 0), and the
    lr never rises. NaN metrics are never better (comparisons with NaN are false).

    Raises :class:`~lrviz.errors.ParameterError` where torch raises
    ``ValueError``: ``factor >= 1`` ("Factor should be < 1.0."), an unknown
    ``mode`` or ``threshold_mode``; and, since lrviz draws only lr >= 0, for
    ``lr < 0`` or ``min_lr < 0`` (which torch accepts).
    """
    lr = check.non_negative("lr", lr)
    factor = check.number("factor", factor)
    if factor >= 1.0:
        raise ParameterError("factor", "Factor should be < 1.0.")
    if mode not in ("min", "max"):
        raise ParameterError("mode", f"mode {mode} is unknown! (min or max)")
    if threshold_mode not in ("rel", "abs"):
        raise ParameterError("threshold_mode", f"threshold mode {threshold_mode} is unknown! (rel or abs)")
    threshold = check.number("threshold", threshold)
    patience = _count("patience", patience)
    cooldown = _count("cooldown", cooldown)
    min_lr = check.number("min_lr", min_lr)
    if min_lr < 0:
        raise ParameterError("min_lr", f"must be >= 0 (with a negative factor torch would go below 0); got {min_lr:g}")
    eps = check.number("eps", eps)
    values = [float(m) for m in metrics]

    if mode == "min" and threshold_mode == "rel":
        rel = 1.0 - threshold

        def better(a: float, best: float) -> bool:
            return a < best * rel
    elif mode == "min":
        def better(a: float, best: float) -> bool:
            return a < best - threshold
    elif threshold_mode == "rel":
        rel = threshold + 1.0

        def better(a: float, best: float) -> bool:
            return a > best * rel
    else:
        def better(a: float, best: float) -> bool:
            return a > best + threshold

    out = np.empty(len(values) + 1)
    out[0] = lr
    best = math.inf if mode == "min" else -math.inf
    bad = 0
    counter = 0
    for k, current in enumerate(values, 1):  # inherently sequential; runs once at build time
        if better(current, best):
            best = current
            bad = 0
        else:
            bad += 1
        if counter > 0:
            counter -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            counter = cooldown
            bad = 0
        out[k] = lr
    return out


def _count(name: str, value: object) -> int:
    """A whole number (torch compares it with counters; negative values are allowed as in torch)."""
    number = check.number(name, value)
    if number != math.floor(number):
        raise ParameterError(name, f"expected a whole number; got {number:g}")
    return int(number)
