"""Cyclical learning rates and the one-cycle policy,
both with the momentum curve that moves opposite to the lr.
"""

from __future__ import annotations

import numpy as np

from ._base import Schedule
from ..kinds import Steps
from . import _anneal, _checks as check, _engine as engine

CYCLIC_MODES = ("triangular", "triangular2", "exp_range", "sine")
ANNEALS = ("cosine", "linear")  # "cos" is accepted for cosine, as torch's anneal_strategy spells it


def cyclic(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    min_lr: float | None = None,
    step_size_up: Steps | None = None,
    step_size_down: Steps | None = None,
    mode: str = "triangular",
    gamma: float = 0.999,
    cycle_momentum: bool = True,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
) -> Schedule:
    """Cyclical learning rate between min_lr and lr (Smith 2017).

    C = up + down, pos = t mod C, cycle = floor(t / C) + 1
    s = pos / up            while pos <= up   (rising)
    s = (C - pos) / down    afterwards        (falling)
    lr(t) = min_lr + (lr - min_lr) * shape(s) * scale
    momentum(t) = max_momentum - (max_momentum - base_momentum) * shape(s) * scale

    mode: triangular (shape(s) = s, scale 1), triangular2 (scale halves every
    cycle, 1 / 2**(cycle-1)), exp_range (scale = gamma**t), sine (shape(s) =
    (1 - cos(pi s)) / 2, a smooth wave, scale 1). min_lr defaults to lr / 10,
    step_size_up to a tenth of total_steps (five cycles), step_size_down to
    step_size_up. The cycles repeat forever.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    min_lr = lr / 10.0 if min_lr is None else check.non_negative("min_lr", min_lr)
    up = max(1, total_steps // 10) if step_size_up is None else check.steps("step_size_up", step_size_up, minimum=1)
    down = up if step_size_down is None else check.steps("step_size_down", step_size_down, minimum=1)
    mode = check.choice("mode", mode, CYCLIC_MODES)
    gamma = check.between("gamma", gamma, 0.0, 1.0, open_lo=True)
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    base_momentum = check.between("base_momentum", base_momentum, 0.0, 1.0)
    max_momentum = check.between("max_momentum", max_momentum, 0.0, 1.0)
    period = up + down

    def height(t: np.ndarray) -> np.ndarray:
        """shape(s) * scale in [0, 1]: 0 at min_lr, 1 at the top of the cycle."""
        pos = t % period
        s = np.where(pos <= up, pos / up, (period - pos) / down)
        if mode == "sine":
            s = (1.0 - np.cos(np.pi * s)) / 2.0
        elif mode == "triangular2":
            s = np.ldexp(s, -(t // period))  # s / 2**(cycle - 1), no overflow far out
        elif mode == "exp_range":
            s *= gamma ** t.astype(np.float64)
        return s

    def f(t: np.ndarray) -> np.ndarray:
        out = height(t)
        out *= lr - min_lr
        out += min_lr
        return out

    def momentum(t: np.ndarray) -> np.ndarray:
        out = height(t)
        out *= base_momentum - max_momentum
        out += max_momentum
        return out

    tops = check.marks(*((k * period + up, "peak") for k in range(100)), limit=total_steps)
    params = dict(
        lr=lr,
        total_steps=total_steps,
        min_lr=min_lr,
        step_size_up=up,
        step_size_down=down,
        mode=mode,
        gamma=gamma,
        cycle_momentum=cycle_momentum,
        base_momentum=base_momentum,
        max_momentum=max_momentum,
    )
    return Schedule(
        f, name="cyclic", params=params, momentum_fn=momentum if cycle_momentum else None, marks=tops, periodic=True
    )


def onecycle(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    pct_start: float = 0.3,
    anneal: str = "cosine",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
    cycle_momentum: bool = True,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
) -> Schedule:
    """The one-cycle policy (Smith & Topin 2018), lr being the peak.

    initial = lr / div_factor,  final = initial / final_div_factor,
    P = round(pct_start * T) (the peak step), T = total_steps.
    Two phases:   initial -> lr over [0, P],  lr -> final over [P, T].
    Three phases: initial -> lr over [0, P],  lr -> initial over [P, 2P],
                  initial -> final over [2P, T].
    On each phase [s, e] from a to b: lr(t) = anneal(a, b, (t - s) / (e - s)), where
    anneal(start, end, p) moves by p, the fraction of the phase:
    cosine ("cos"): end + (start - end) * (1 + cos(pi p)) / 2;  linear: start + (end - start) * p.
    Momentum runs the other way: max -> base while the lr rises, base -> max
    while it falls (held at max in the third phase). After T: final.

    torch's OneCycleLR puts the peak one step earlier (pct_start * T - 1) and
    ends at T - 1; see torch.OneCycleLR for the exact twin.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=2)
    pct_start = check.between("pct_start", pct_start, 0.0, 1.0, open_lo=True, open_hi=True)
    anneal = _anneal.shape("anneal", anneal, ANNEALS)
    div_factor = check.positive("div_factor", div_factor)
    final_div_factor = check.positive("final_div_factor", final_div_factor)
    three_phase = check.flag("three_phase", three_phase)
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    base_momentum = check.between("base_momentum", base_momentum, 0.0, 1.0)
    max_momentum = check.between("max_momentum", max_momentum, 0.0, 1.0)
    peak = int(round(pct_start * total_steps))
    if peak < 1 or peak >= total_steps:
        raise check.ParameterError("pct_start", f"puts the peak at step {peak}, outside 1..{total_steps - 1}")
    if three_phase and 2 * peak >= total_steps:
        raise check.ParameterError("pct_start", f"three_phase needs pct_start < 0.5 so that a third phase exists; got {pct_start:g}")
    initial = lr / div_factor
    final = initial / final_div_factor
    if three_phase:
        knots = [(0, peak, initial, lr, max_momentum, base_momentum),
                 (peak, 2 * peak, lr, initial, base_momentum, max_momentum),
                 (2 * peak, total_steps, initial, final, max_momentum, max_momentum)]
    else:
        knots = [(0, peak, initial, lr, max_momentum, base_momentum),
                 (peak, total_steps, lr, final, base_momentum, max_momentum)]

    def piecewise(t: np.ndarray, lr_curve: bool) -> np.ndarray:
        out = np.full(t.shape, final if lr_curve else max_momentum)
        for begin, end, lr0, lr1, m0, m1 in knots:  # a loop over 2-3 phases, not over steps
            inside = (t >= begin) & (t <= end) if begin == 0 else (t > begin) & (t <= end)
            p = (t[inside] - begin) / (end - begin)
            out[inside] = _anneal.anneal(anneal, lr0, lr1, p) if lr_curve else _anneal.anneal(anneal, m0, m1, p)
        return out

    def phase(begin: int, end: int, lr0: float, lr1: float) -> engine.Kernel:
        def kernel(span: engine.Span, out: np.ndarray) -> None:  # at the global step
            out[...] = _anneal.anneal(anneal, lr0, lr1, (span.t - begin) / (end - begin))

        return kernel

    # phase 1 on [0, P] (its end included), every later phase on (begin, end], final after T
    starts = [0] + [begin + 1 for begin, *_ in knots[1:]] + [total_steps + 1]
    kernels = [phase(b, e, lr0, lr1) for b, e, lr0, lr1, *_ in knots] + [engine.constant(final)]
    kernel = engine.pieces(starts, kernels, local=[False] * len(kernels))
    marks = check.marks((peak, "peak"), (2 * peak, "end of phase 2") if three_phase else (0, ""), limit=total_steps - 1)
    params = dict(
        lr=lr,
        total_steps=total_steps,
        pct_start=pct_start,
        anneal=anneal,
        div_factor=div_factor,
        final_div_factor=final_div_factor,
        three_phase=three_phase,
        cycle_momentum=cycle_momentum,
        base_momentum=base_momentum,
        max_momentum=max_momentum,
    )
    return Schedule(
        kernel=kernel,
        name="onecycle",
        params=params,
        momentum_fn=(lambda t: piecewise(t, False)) if cycle_momentum else None,
        marks=marks,
        breaks=tuple(b + d for b, *_ in knots[1:] for d in (0, 1)) + (total_steps, total_steps + 1),
    )
