"""Twin of HuggingFace's ``GreedyLR`` (transformers 5.x, ``SchedulerType.GREEDY``, ``lr_scheduler_type: greedy``).

GreedyLR is a plateau scheduler that also raises the lr: after more than
``patience`` consecutive improving metric values it divides the lr by
``factor`` (up to ``max_lr``), after more than ``patience`` consecutive
non-improving ones it multiplies it by ``factor`` (down to ``min_lr``), and
after ``reset_start`` reductions with the lr at ``min_lr`` it resets to the
initial lr. The Trainer calls ``step(metric)`` once per evaluation, as for
``reduce_lr_on_plateau``; so one step of the twin is one metric value.
:func:`greedy_replay` replays ``GreedyLR.step`` over the series once, when the
schedule is built (each decision depends on the previous ones), with the same
Python float arithmetic in the same order; the schedule then looks values up.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ParameterError
from ..kinds import Metrics, Steps, TypedNumber
from ..schedules._base import Schedule
from ..schedules import _engine as engine
from ..schedules import _checks as check
from . import _checks as rules

DEFAULT_METRICS_MAX = 100_000


def greedy_replay(lr: float, metrics: Sequence[float], *, mode: str = "min", factor: float = 0.95,
                  patience: Any = 10, threshold: float = 1e-6, threshold_mode: str = "abs", cooldown: Any = 0,
                  warmup: Any = 0, min_lr: float = 1e-3, max_lr: float = 1.0, eps: float = 1e-8,
                  smooth: bool = False, window_size: int = 50, reset_start: Any = 500) -> np.ndarray:
    """The lr of GreedyLR after 0, 1, ..., len(metrics) calls of ``step(metrics[k])`` (one param group).

    Entry 0 is ``lr`` (GreedyLR leaves the optimizer's lr at construction). Per call, with m the
    metric (its running mean over the last window_size values when smooth):
      in cooldown or warmup (counter > 0): counter - 1, bad = good = 0
      otherwise: better(m) -> best = m, bad = 0, good + 1;  else bad + 1, good = 0
        good > patience: new = min(lr / factor, max_lr), taken if new - lr > eps; warmup counter = warmup;
                         good = 0; the reset countdown starts again
        bad > patience:  new = max(lr * factor, min_lr), taken if lr - new > eps; cooldown counter = cooldown;
                         bad = 0; if the lr is then <= min_lr the reset countdown falls by 1, and at 0 the lr,
                         best, counters and smoothing window reset
    better: min/abs m < best - threshold, min/rel m < best * (1 - threshold), max mirrored; best starts at +-inf.
    """
    current_lr, init = float(lr), float(lr)
    best = float("inf") if mode == "min" else float("-inf")
    bad = good = 0
    cooldown_counter = warmup_counter = 0
    countdown = reset_start
    window: list[float] = []
    total = 0.0
    out = np.empty(len(metrics) + 1)
    out[0] = current_lr

    def better(a: float, b: float) -> bool:
        if mode == "min":
            return a < b * (1.0 - threshold) if threshold_mode == "rel" else a < b - threshold
        return a > b * (1.0 + threshold) if threshold_mode == "rel" else a > b + threshold

    for k, value in enumerate(metrics, 1):  # sequential by nature: once, at build time
        current = float(value)
        if smooth:
            window.append(current)
            total += current
            if len(window) > window_size:
                total -= window.pop(0)
            current = total / len(window)
        if cooldown_counter > 0:
            cooldown_counter -= 1
            bad = good = 0
        elif warmup_counter > 0:
            warmup_counter -= 1
            bad = good = 0
        else:
            if better(current, best):
                best, bad = current, 0
                good += 1
            else:
                bad += 1
                good = 0
            if good > patience:
                new = min(current_lr / factor, max_lr)
                if new - current_lr > eps:
                    current_lr = new
                countdown = reset_start
                warmup_counter, good = warmup, 0
            elif bad > patience:
                new = max(current_lr * factor, min_lr)
                if current_lr - new > eps:
                    current_lr = new
                if not current_lr > min_lr:
                    countdown -= 1
                    if countdown <= 0:
                        current_lr = init
                        best = float("inf") if mode == "min" else float("-inf")
                        bad = good = cooldown_counter = warmup_counter = 0
                        countdown = reset_start
                        window, total = [], 0.0
                cooldown_counter, bad = cooldown, 0
        out[k] = current_lr
    return out


def _count(name: str, value: Any) -> Any:
    """A count as HF keeps it: a number, compared and decremented as given (2.5 waits three steps)."""
    check.number(name, value)
    return value


def greedy(*, lr: float = 0.1, total_steps: Steps = 1000, metrics: Metrics | None = None, mode: str = "min",
           factor: float = 0.95, patience: TypedNumber = 10, threshold: float = 1e-6, threshold_mode: str = "abs",
           cooldown: TypedNumber = 0, warmup: TypedNumber = 0, min_lr: float = 1e-3, max_lr: float = 1.0,
           eps: float = 1e-8, smooth: bool = False, window_size: int = 50, reset_start: TypedNumber = 500) -> Schedule:
    """HuggingFace GreedyLR (``lr_scheduler_type: greedy``): lr up on steady improvement, down on a plateau.

    lr(t) = the lr after metrics[0 .. t-1]: divided by factor (<= max_lr) after patience+1 improving
    values in a row, multiplied by factor (>= min_lr) after patience+1 values without improvement.

    One step is one ``step(metric)`` call (the Trainer: one per evaluation); use
    counting: epoch_constant to draw one metric per epoch against updates. See
    :func:`greedy_replay` for the rule. Quirks kept: the default threshold is
    absolute (1e-6), min_lr defaults to 1e-3 (not 0), max_lr to 1.0, an lr above
    max_lr never rises (and is not clipped); after reset_start reductions at
    min_lr the scheduler starts over from the initial lr; ``warmup`` is a wait
    after each increase (not a warmup of the lr). patience, cooldown, warmup and
    reset_start are compared and counted down as given (HF does not check them).
    Without metrics the default series of torch.ReduceLROnPlateau's twin is
    used: 1% better per step for half the run, then flat.

    Raises where HF raises: factor >= 1 ("Factor should be < 1.0."), an unknown
    mode or threshold_mode; and, since lrviz draws only lr >= 0, factor <= 0
    (HF would divide by 0 or flip the sign) and min_lr < 0.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    factor = check.number("factor", factor)
    if factor >= 1.0:
        raise ParameterError("factor", "Factor should be < 1.0.")
    if factor <= 0:
        raise ParameterError("factor", f"must be > 0 (GreedyLR divides by it on an increase); got {factor:g}")
    mode = check.choice("mode", mode, ("min", "max"))
    threshold_mode = check.choice("threshold_mode", threshold_mode, ("rel", "abs"))
    min_lr = check.non_negative("min_lr", min_lr)
    max_lr = check.non_negative("max_lr", max_lr)
    window_size = check.steps("window_size", window_size, minimum=1)
    smooth = check.flag("smooth", smooth)
    counts = {name: _count(name, value) for name, value in
              (("patience", patience), ("cooldown", cooldown), ("warmup", warmup), ("reset_start", reset_start))}
    if metrics is None:
        size = min(total_steps, DEFAULT_METRICS_MAX)
        metrics = [0.99 ** min(k, size // 2) for k in range(size)]
    elif not isinstance(metrics, (list, tuple)) or not metrics:
        raise ParameterError("metrics", "expected a non-empty list of numbers (one per step() call)")
    table = greedy_replay(lr, metrics, mode=mode, factor=factor, threshold=check.number("threshold", threshold),
                          threshold_mode=threshold_mode, min_lr=min_lr, max_lr=max_lr, eps=check.number("eps", eps),
                          smooth=smooth, window_size=window_size, **counts)
    last = table.size - 1
    changes = np.flatnonzero(table[1:] != table[:-1]) + 1
    marks = check.marks(*((int(c), *(("up", "restart") if table[c] > table[c - 1] else ("down", "drop"))) for c in changes[:20]))
    params = dict(lr=lr, total_steps=total_steps, metrics=list(metrics), mode=mode, factor=factor,
                  threshold=float(threshold), threshold_mode=threshold_mode, min_lr=min_lr, max_lr=max_lr,
                  eps=float(eps), smooth=smooth, window_size=window_size, **counts)
    return Schedule(lambda t: table[np.minimum(t, last)], kernel=engine.table(table), name="hf.greedy", params=params,
                    marks=marks, breaks=None)


TWINS: dict[str, tuple[Callable, str]] = {
    "hf.greedy": (greedy, "HuggingFace GreedyLR: lr up on steady improvement, down on a plateau (metric series)"),
}

ROLES = {
    "hf.greedy": {"per_epoch_metrics": True, "bounds": ("min_lr",)},
}
