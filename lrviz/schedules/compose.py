"""Composition: warmup in front of a schedule, a sequence of phases, a product,
a clamp, and periodic repetition.

Children arrive as :class:`~lrviz.schedules._base.Schedule` objects or as pending
specs that the parent builds with the span it gives them (see each factory).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import ParameterError
from ._base import Mark, Schedule, realize
from ..kinds import Phase, Spec, Steps
from . import _anneal, _checks as check, _engine as engine

WARMUP_SHAPES = ("linear", "cosine", "exponential")


def _shifted(marks: Sequence[Mark], offset: int, limit: int | None = None) -> list[Mark]:
    return [m._replace(step=m.step + offset) for m in marks if limit is None or m.step + offset <= limit]


def warmup(
    *,
    lr: float = 0.1,
    total_steps: Steps = 1000,
    warmup_steps: Steps | None = None,
    start_lr: float = 0.0,
    shape: str = "linear",
    schedule: Spec = None,
) -> Schedule:
    """Warmup in front of any schedule: the lr ramps up from start_lr, then the schedule runs.

    W = warmup_steps (default 10% of total_steps), target = inner(0):
    lr(t) = start_lr + (target - start_lr) * g(t / W)   for t < W
    lr(t) = inner(t - W)                                 for t >= W
    g: linear p; cosine (1 - cos(pi p)) / 2; exponential (start_lr * (target/start_lr)**p,
    needs start_lr > 0).

    The inner schedule (default: constant lr) runs after the warmup and is
    built over the remaining total_steps - W steps, so the whole curve ends at
    total_steps: warmup is included in total_steps, as in HuggingFace.
    """
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    lr = check.non_negative("lr", lr)
    warmup_steps = max(1, total_steps // 10) if warmup_steps is None else check.steps("warmup_steps", warmup_steps)
    if warmup_steps >= total_steps:
        raise ParameterError("warmup_steps", f"warmup of {warmup_steps} steps leaves nothing of total_steps={total_steps}")
    start_lr = check.non_negative("start_lr", start_lr)
    shape = _anneal.shape("shape", shape, WARMUP_SHAPES)
    if shape == "exponential" and start_lr <= 0:
        raise ParameterError("start_lr", "an exponential warmup needs start_lr > 0")
    if schedule is None:
        from .decay import constant

        inner = constant(lr=lr, total_steps=total_steps - warmup_steps)
    else:
        inner = realize(schedule, total_steps=total_steps - warmup_steps, lr=lr)
    target = float(inner.lr_at(np.zeros(1, dtype=np.int64))[0])
    W = warmup_steps

    def ramp(span: engine.Span, out: np.ndarray) -> None:
        out[...] = _anneal.anneal(shape, start_lr, target, span.t / max(W, 1))

    # the ramp on [0, W), the inner schedule on [W, inf) at its local step t - W
    kernel = engine.pieces([0, W], [ramp, inner.kernel]) if W > 0 else inner.kernel

    momentum = None
    if inner.has_momentum:
        momentum = lambda t: inner.momentum_at(np.maximum(t - W, 0))  # noqa: E731
    marks = check.marks((W, "end of warmup")) + tuple(_shifted(inner.marks, W))
    params = dict(lr=lr, total_steps=total_steps, warmup_steps=W, start_lr=start_lr, shape=shape, schedule=inner)
    breaks = None if inner.breaks is None else (W, W + 1) + tuple(b + W for b in inner.breaks)
    return Schedule(kernel=kernel, name="warmup", params=params, momentum_fn=momentum, marks=marks, periodic=inner.periodic,
                    breaks=breaks)


def sequence(*, lr: float = 0.1, total_steps: Steps = 1000, phases: list[Phase] | None = None) -> Schedule:
    """Phases one after another, each seeing its own local step (like optax's join_schedules).

    With phase k starting at B_k:  lr(t) = phase_k(t - B_k)  for B_k <= t < B_(k+1).

    Each phase is {steps, name, params}; it is built over its own steps, and
    the last one may leave steps out to take the rest of total_steps.
    Default: 10% linear warmup from 0, then cosine.
    """
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    lr = check.non_negative("lr", lr)
    if phases is None:
        from .cosine import cosine
        from .decay import linear

        head = max(1, total_steps // 10)
        phases = [(head, linear(lr=0.0, min_lr=lr, total_steps=head)), (None, cosine(lr=lr, total_steps=total_steps - head))]
    if not isinstance(phases, (list, tuple)) or not phases:
        raise ParameterError("phases", "needs at least one phase")
    starts: list[int] = []
    children: list[Schedule] = []
    begin = 0
    for i, phase in enumerate(phases):
        duration, child = phase
        last = i == len(phases) - 1
        if duration is None:
            if not last:
                raise ParameterError(f"phases[{i}].steps", "only the last phase may leave out its steps")
            duration = total_steps - begin
            if duration < 1:
                raise ParameterError(f"phases[{i}].steps", f"nothing of total_steps={total_steps} is left for the last phase")
        duration = check.steps(f"phases[{i}].steps", duration, minimum=1)
        children.append(realize(child, total_steps=duration, lr=lr))
        starts.append(begin)
        begin += duration
    bounds = np.asarray(starts[1:], dtype=np.int64)

    def piecewise(t: np.ndarray, momentum: bool) -> np.ndarray:  # the momentum
        which = np.searchsorted(bounds, t, side="right")
        out = np.empty(t.shape) if not momentum else np.full(t.shape, np.nan)
        for k, (start, child) in enumerate(zip(starts, children)):  # a loop over phases, not steps
            inside = which == k
            if not inside.any():
                continue
            if momentum:
                values = child.momentum_at(t[inside] - start)
                if values is not None:
                    out[inside] = values
            else:
                out[inside] = child.lr_at(t[inside] - start)
        return out

    has_momentum = any(c.has_momentum for c in children)
    marks: list[tuple[int, str]] = []
    for start, child in zip(starts, children):
        if start:
            marks.append((start, f"{child.name} starts"))
        marks.extend(_shifted(child.marks, start))
    params = dict(lr=lr, total_steps=total_steps, phases=[(s, c) for s, c in zip(starts, children)])
    return Schedule(
        kernel=engine.pieces(starts, [c.kernel for c in children]),
        name="sequence",
        params=params,
        momentum_fn=(lambda t: piecewise(t, True)) if has_momentum else None,
        marks=tuple(marks),
        periodic=children[-1].periodic,
    )


def multiply(*, lr: float = 0.1, total_steps: Steps = 1000, schedules: list[Spec] | None = None) -> Schedule:
    """The product of schedules (like torch's ChainedScheduler of multiplicative schedulers).

    lr(t) = s_1(t) * s_2(t) * ... * s_n(t)

    The first schedule carries the lr; the others are factors and default to
    lr = 1. All span total_steps. Momentum, if any, comes from the first
    schedule that cycles it. Default: cosine times a sine wave between 0.5 and 1.
    """
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    lr = check.non_negative("lr", lr)
    if schedules is None:
        from .cosine import cosine
        from .cyclic import cyclic

        schedules = [cosine(lr=lr, total_steps=total_steps),
                     cyclic(lr=1.0, min_lr=0.5, total_steps=total_steps, mode="sine", cycle_momentum=False)]
    if not schedules:
        raise ParameterError("schedules", "needs at least one schedule")
    children = [realize(child, total_steps=total_steps, lr=lr if i == 0 else 1.0) for i, child in enumerate(schedules)]

    kernels = [c.kernel for c in children]

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        kernels[0](span, out)
        if len(kernels) > 1:
            factor = np.empty(span.size)  # one block-sized buffer for the factors
            for k in kernels[1:]:
                k(span, factor)
                out *= factor

    source = next((c for c in children if c.has_momentum), None)
    marks = tuple(sorted({m for c in children for m in c.marks}))
    return Schedule(
        kernel=kernel,
        name="multiply",
        params=dict(lr=lr, total_steps=total_steps, schedules=children),
        momentum_fn=source.momentum_at if source else None,
        marks=marks,
        periodic=any(c.periodic for c in children),
    )


def clamp(
    *, lr: float = 0.1, total_steps: Steps = 1000, schedule: Spec = None, min_lr: float | None = None, max_lr: float | None = None
) -> Schedule:
    """Clamp a schedule between min_lr and max_lr (either may be left out).

    lr(t) = min(max(inner(t), min_lr), max_lr)

    Default: a cosine clamped at min_lr = lr / 10.
    """
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    lr = check.non_negative("lr", lr)
    if schedule is None:
        from .cosine import cosine

        schedule = cosine(lr=lr, total_steps=total_steps)
        if min_lr is None and max_lr is None:
            min_lr = lr / 10.0
    lo = None if min_lr is None else check.non_negative("min_lr", min_lr)
    hi = None if max_lr is None else check.non_negative("max_lr", max_lr)
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError("min_lr", f"min_lr={lo:g} is above max_lr={hi:g}")
    inner = realize(schedule, total_steps=total_steps, lr=lr)

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        inner.kernel(span, out)
        if lo is not None:
            np.maximum(out, lo, out=out)
        if hi is not None:
            np.minimum(out, hi, out=out)

    params = dict(lr=lr, total_steps=total_steps, schedule=inner, min_lr=lo, max_lr=hi)
    return Schedule(kernel=kernel, name="clamp", params=params, momentum_fn=inner.momentum_at if inner.has_momentum else None,
                    marks=inner.marks, periodic=inner.periodic, breaks=inner.breaks)  # clipping keeps monotony


def periodic(*, lr: float = 0.1, total_steps: Steps = 1000, period: Steps | None = None, schedule: Spec = None) -> Schedule:
    """Repeat a schedule every period steps (default: a quarter of total_steps).

    lr(t) = inner(t mod period), the inner schedule built over one period
    (default: cosine).
    """
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    lr = check.non_negative("lr", lr)
    period = max(1, total_steps // 4) if period is None else check.steps("period", period, minimum=1)
    if schedule is None:
        from .cosine import cosine

        inner = cosine(lr=lr, total_steps=period)
    else:
        inner = realize(schedule, total_steps=period, lr=lr)

    def kernel(span: engine.Span, out: np.ndarray) -> None:
        first, last = span.lo // period, span.hi // period
        if span.run and last - first <= engine.RUN_PIECES:  # a run: one slice per repeat, in local time
            at = 0
            for k in range(first, last + 1):
                end = span.size if k == last else (k + 1) * period - span.lo
                inner.kernel(span.window(at, end).shifted(k * period), out[at:end])
                at = end
        else:
            inner.kernel(engine.span_of(span.t % period), out)

    momentum = (lambda t: inner.momentum_at(t % period)) if inner.has_momentum else None  # noqa: E731
    repeats = check.marks(*((k * period, "repeat", "restart") for k in range(1, 101)), limit=total_steps)
    params = dict(lr=lr, total_steps=total_steps, period=period, schedule=inner)
    return Schedule(kernel=kernel, name="periodic", params=params, momentum_fn=momentum, marks=repeats, periodic=True)
