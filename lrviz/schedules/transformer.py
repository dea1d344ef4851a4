"""Transformer-era schedules: Noam, inverse square root, warmup-stable-decay,
fairseq's tri-stage and timm's tanh (reference sections 13 and 14).

Every factory takes keyword arguments only, validates them, and returns a
:class:`~lrviz.schedules._base.Schedule`. ``t`` is the integer step, ``T`` is
``total_steps``. A duration left as None is a share of ``T``, rounded down
(``T * percent // 100``), so ``lr`` and ``total_steps`` alone give a sensible
curve. Past ``T`` every schedule here holds its value at ``T``.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ._base import Schedule
from ..kinds import Steps
from . import _anneal, _checks as check, _engine as engine

WSD_SHAPES = ("linear", "cosine", "1-sqrt")


def _share(total_steps: int, percent: int, minimum: int = 0) -> int:
    """``percent`` % of total_steps, rounded down with integer arithmetic, at least ``minimum``."""
    return max(minimum, total_steps * percent // 100)


def _ramp(t: np.ndarray, steps: int, start: float, end: float) -> np.ndarray:
    """Linear warmup ``start + t * (end - start) / steps`` as float64."""
    out = t.astype(np.float64)
    out *= (end - start) / steps
    out += start
    return out


def noam(
    *, lr: float = 0.1, total_steps: Steps = 1000, warmup_steps: Steps | None = None, d_model: int | None = None
) -> Schedule:
    """Noam schedule (Vaswani et al. 2017, section 5.3): linear warmup, then 1/sqrt(step).

    Steps are counted from 1, as in the paper: with s = t + 1 (t = 0 is step 1),
        lr(t) = peak * min(s / W, sqrt(W / s))
    peak = lr                               when d_model is None,
    peak = lr * d_model**-0.5 * W**-0.5     otherwise; this is the paper's
           lr * d_model**-0.5 * min(s**-0.5, s * W**-1.5), lr acting as the
           Annotated Transformer's ``factor`` (1.0 there).

    The peak is reached at t = W - 1 (s = W). W defaults to 10% of
    total_steps (at least 1). Past total_steps the value holds lr(total_steps).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    W = _share(total_steps, 10, 1) if warmup_steps is None else check.steps("warmup_steps", warmup_steps, minimum=1)
    d_model = None if d_model is None else check.whole("d_model", d_model, minimum=1)
    peak = lr if d_model is None else lr * d_model**-0.5 * W**-0.5

    def kernel(span: engine.Span, s: np.ndarray) -> None:
        np.add(engine.clipped(span, total_steps), 1.0, out=s)
        rise = s / W  # a block-sized temporary
        np.divide(W, s, out=s)
        np.sqrt(s, out=s)
        np.minimum(rise, s, out=s)
        s *= peak

    kernel.finite = True  # peak * min(s / W, sqrt(W / s)) <= peak, s >= 1

    params = dict(lr=lr, total_steps=total_steps, warmup_steps=W, d_model=d_model)
    return Schedule(kernel=kernel, name="noam", params=params, marks=check.marks((W - 1, "peak"), limit=total_steps),
                    breaks=(W - 1, W, W + 1))


def inverse_sqrt(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    warmup_steps: Steps | None = None,
    start_lr: float = 0.0,
    timescale: Steps | None = None,
) -> Schedule:
    """Linear warmup, then inverse square root decay (fairseq inverse_sqrt, HF get_inverse_sqrt_schedule).

    lr(t) = start_lr + t * (lr - start_lr) / W          for t < W
    lr(t) = lr / sqrt((t - W + tau) / tau)            for t >= W
    tau = timescale, default max(W, 1). With tau = W this is fairseq's
    lr * sqrt(W / t); it is the shape of HF's get_inverse_sqrt_schedule (whose
    default timescale is 10000 when W = 0). W defaults to 10% of total_steps
    and may be 0 (no warmup). Past total_steps the value holds lr(total_steps).
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    W = _share(total_steps, 10) if warmup_steps is None else check.steps("warmup_steps", warmup_steps)
    start_lr = check.non_negative("start_lr", start_lr)
    tau = max(W, 1) if timescale is None else check.steps("timescale", timescale, minimum=1)

    def f(t: np.ndarray) -> np.ndarray:
        tc = np.minimum(t, total_steps)
        out = np.maximum(tc - W, 0).astype(np.float64)
        out += tau
        out /= tau
        np.sqrt(out, out=out)
        np.divide(lr, out, out=out)
        if W > 0:
            early = tc < W
            out[early] = _ramp(tc[early], W, start_lr, lr)
        return out

    params = dict(lr=lr, total_steps=total_steps, warmup_steps=W, start_lr=start_lr, timescale=tau)
    return Schedule(f, name="inverse_sqrt", params=params, marks=check.marks((W, "end of warmup"), limit=total_steps),
                    breaks=(W - 1, W, W + 1))


def wsd(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    warmup_steps: Steps | None = None,
    decay_steps: Steps | None = None,
    min_lr: float = 0.0,
    decay_shape: str = "linear",
    start_lr: float = 0.0,
) -> Schedule:
    """Warmup-stable-decay (MiniCPM; HF get_wsd_schedule's shapes).

    lr(t) = start_lr + t * (lr - start_lr) / W              for t < W
    lr(t) = lr                                            for W <= t < T - D
    lr(t) = min_lr + (lr - min_lr) * g(p),  p = (t - (T - D)) / D   for T - D <= t <= T
    g: linear 1 - p; cosine (1 + cos(pi p)) / 2; 1-sqrt 1 - sqrt(p).

    The decay ends at T = total_steps, where lr is exactly min_lr, held after.
    W defaults to 5% and D to 20% of total_steps (D at least 1); W + D must
    not exceed total_steps. D = 0 drops to min_lr at T.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    W = _share(total_steps, 5) if warmup_steps is None else check.steps("warmup_steps", warmup_steps)
    D = _share(total_steps, 20, 1) if decay_steps is None else check.steps("decay_steps", decay_steps)
    min_lr = check.non_negative("min_lr", min_lr)
    decay_shape = _anneal.shape("decay_shape", decay_shape, WSD_SHAPES)
    start_lr = check.non_negative("start_lr", start_lr)
    if W + D > total_steps:
        raise ParameterError(
            "decay_steps", f"warmup_steps + decay_steps = {W} + {D} = {W + D} exceeds total_steps = {total_steps}"
        )
    decay_start = total_steps - D

    def decay(span: engine.Span, out: np.ndarray) -> None:  # at the local step t - (T - D)
        out[...] = _anneal.anneal(decay_shape, lr, min_lr, engine.clipped(span, D) / D)

    # warmup on [0, W), lr on [W, T - D), the decay from T - D on (min_lr from T when D = 0)
    kernel = engine.pieces([0, W, decay_start], [engine.ramp(start_lr, lr, max(W, 1)), engine.constant(lr),
                                                 decay if D > 0 else engine.constant(min_lr)])

    params = dict(
        lr=lr, total_steps=total_steps, warmup_steps=W, decay_steps=D, min_lr=min_lr, decay_shape=decay_shape, start_lr=start_lr
    )
    marks = check.marks((W, "end of warmup"), (decay_start, "start of decay"), limit=total_steps)
    return Schedule(kernel=kernel, name="wsd", params=params, marks=marks, breaks=(W, W + 1, decay_start, decay_start + 1))


def tri_stage(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    warmup_steps: Steps | None = None,
    hold_steps: Steps | None = None,
    decay_steps: Steps | None = None,
    init_scale: float = 0.01,
    final_scale: float = 0.01,
) -> Schedule:
    """fairseq tri_stage: linear warmup, hold, exponential decay, then flat.

    init = init_scale * lr, final = final_scale * lr
    lr(t) = init + t * (lr - init) / W                                for t < W
    lr(t) = lr                                                        for W <= t < W + H
    lr(t) = lr * exp(-ln(1 / final_scale) * (t - W - H) / D)         for W + H <= t <= W + H + D
    lr(t) = final                                                     for t > W + H + D
    (at t = W + H + D the exponential is final up to rounding; final is returned exactly)

    W, H and D default to 10%, 40% and 50% of total_steps (D at least 1),
    truncated as fairseq's phase_ratio does. Both scales are in (0, 1];
    W + H + D must not exceed total_steps.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    W = _share(total_steps, 10) if warmup_steps is None else check.steps("warmup_steps", warmup_steps)
    H = _share(total_steps, 40) if hold_steps is None else check.steps("hold_steps", hold_steps)
    D = _share(total_steps, 50, 1) if decay_steps is None else check.steps("decay_steps", decay_steps, minimum=1)
    init_scale = check.between("init_scale", init_scale, 0.0, 1.0, open_lo=True)
    final_scale = check.between("final_scale", final_scale, 0.0, 1.0, open_lo=True)
    if W + H + D > total_steps:
        raise ParameterError(
            "decay_steps",
            f"warmup_steps + hold_steps + decay_steps = {W} + {H} + {D} = {W + H + D} exceeds total_steps = {total_steps}",
        )
    init, final = init_scale * lr, final_scale * lr
    rate = -math.log(1.0 / final_scale) / D
    decay_start, decay_end = W + H, W + H + D

    def decay(span: engine.Span, out: np.ndarray) -> None:  # lr * exp(rate * (t - W - H)), at the local step
        np.multiply(span.t, rate, out=out)
        np.exp(out, out=out)
        out *= lr

    # warmup, hold, decay, then exactly final_scale * lr from the end of the decay on
    kernel = engine.pieces([0, W, decay_start, decay_end],
                           [engine.ramp(init, lr, max(W, 1)), engine.constant(lr), decay, engine.constant(final)])

    params = dict(
        lr=lr, total_steps=total_steps, warmup_steps=W, hold_steps=H, decay_steps=D,
        init_scale=init_scale, final_scale=final_scale,
    )
    marks = check.marks((W, "hold"), (decay_start, "decay"), (decay_end, "end of decay"), limit=total_steps - 1)
    return Schedule(kernel=kernel, name="tri_stage", params=params, marks=marks,
                    breaks=(W, W + 1, decay_start, decay_start + 1, decay_end, decay_end + 1))


def tanh(*, lr: float = 0.1, total_steps: Steps = 1000, min_lr: float = 0.0, lb: float = -7.0, ub: float = 3.0) -> Schedule:
    """Tanh decay, one cycle of timm's TanhLRScheduler.

    tr = min(t, T) / T
    lr(t) = min_lr + 0.5 * (lr - min_lr) * (1 - tanh(lb * (1 - tr) + ub * tr))

    It starts just below lr ((1 - tanh(lb)) / 2 = 0.99999917 for lb = -7) and
    ends just above min_lr (0.0024726 of the span for ub = 3). lrviz holds
    that value for t >= T; timm instead drops to lr_min at t = T (end of its
    single cycle). Requires lb < ub.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    min_lr = check.non_negative("min_lr", min_lr)
    lb = check.number("lb", lb)
    ub = check.number("ub", ub)
    if not lb < ub:
        raise ParameterError("ub", f"must be > lb; got lb={lb:g}, ub={ub:g}")
    half_span = 0.5 * (lr - min_lr)

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        tr = np.divide(engine.clipped(span, total_steps), total_steps)  # a block-sized temporary
        np.subtract(1.0, tr, out=out)
        out *= lb
        tr *= ub
        out += tr
        np.tanh(out, out=out)
        np.subtract(1.0, out, out=out)
        out *= half_span
        out += min_lr

    kernel.finite = True  # between min_lr and lr
    return Schedule(kernel=kernel, name="tanh", params=dict(lr=lr, total_steps=total_steps, min_lr=min_lr, lb=lb, ub=ub), breaks=())
