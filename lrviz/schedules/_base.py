"""The :class:`Schedule` type: a pure, vectorized function of the integer step.

A schedule maps steps ``t = 0, 1, 2, ...`` to the learning rate used by update
``t + 1``. It is callable on an integer array (or a scalar) and returns float64
of the same shape. It keeps no state: calling it twice gives the same numbers.
"""

from __future__ import annotations

from typing import NamedTuple, Any, Callable, Mapping, Protocol

import numpy as np

from ..errors import NonFiniteLr, StepError

Curve = Callable[[np.ndarray], np.ndarray]


def as_steps(steps: Any) -> np.ndarray:
    """Convert ``steps`` to a non-negative int64 array (a 0-d array for a scalar)."""
    t = np.asarray(steps)
    kind = t.dtype.kind
    if kind == "i" or kind == "u":
        if t.dtype != np.int64:
            t = t.astype(np.int64)
        if t.size and t.min() < 0:
            raise StepError(f"steps must be >= 0; got {int(t.min())}")
        return t
    if kind == "f":
        if t.size and not (np.all(np.isfinite(t)) and np.all(t == np.floor(t))):
            raise StepError("steps must be whole numbers")
        if t.size and t.min() < 0:
            raise StepError(f"steps must be >= 0; got {t.min():g}")
        return t.astype(np.int64)
    if kind == "b":
        raise StepError("steps must be integers, not booleans")
    raise StepError(f"steps must be integers; got an array of {t.dtype}")


MARK_KINDS = ("phase", "drop", "restart")
"""``phase``: a boundary where the pieces are meant to meet (end of warmup, end of decay);
``drop``: a designed discontinuity (a step decay, a staircase, a switch of values);
``restart``: the lr goes back up by design (warm restarts, cycles, repeats)."""


class Mark(NamedTuple):
    """A step where a schedule changes phase, what to call it, and which kind of change it is."""

    step: int
    label: str
    kind: str = "phase"


class Schedule:
    """A learning-rate schedule.

    Parameters
    ----------
    lr_fn:
        ``f(t) -> lr`` on a non-negative int64 array ``t``; must return float64
        of the same shape and may assume ``t`` is already validated.
    name:
        the registered name it was built from (``"cosine"``, ...).
    params:
        the parameters it was built with, after defaults were applied.
    momentum_fn:
        optional ``f(t) -> momentum`` for schedules that cycle momentum.
    marks:
        :class:`Mark` ``(step, label, kind)`` triples where a phase changes
        (end of warmup, a milestone, a restart); used by plot annotations and
        by ``lrviz check``, which reads the kind, never the label.
    periodic:
        True when the schedule repeats forever instead of holding its final
        value past the end.
    breaks:
        steps where a new monotone piece may begin: between two breaks the lr
        (and the momentum) only rises or only falls, so the extremes of any
        span of steps inside a piece are at its ends. ``()`` means monotone
        throughout; ``None`` (the default) means unknown. Extra breaks are
        always safe. Lets a figure of a billion steps evaluate only the ends
        of each pixel column (see :mod:`lrviz.decimate`).
    """

    __slots__ = ("_lr", "_momentum", "name", "params", "marks", "periodic", "breaks")

    def __init__(
        self,
        lr_fn: Curve,
        *,
        name: str,
        params: Mapping[str, Any] | None = None,
        momentum_fn: Curve | None = None,
        marks: tuple[Mark, ...] = (),
        periodic: bool = False,
        breaks: tuple[int, ...] | None = None,
    ):
        self._lr = lr_fn
        self._momentum = momentum_fn
        self.name = name
        self.params = dict(params or {})
        self.marks = tuple(m if isinstance(m, Mark) else Mark(*m) for m in marks)
        self.periodic = periodic
        self.breaks = None if breaks is None else tuple(sorted({int(b) for b in breaks if b > 0}))

    def __call__(self, steps: Any) -> np.ndarray:
        """Learning rate at ``steps`` (int array or scalar), as float64.

        Raises :class:`~lrviz.errors.NonFiniteLr` (naming the smallest such step)
        when the lr at any of them is inf or NaN; never a numpy RuntimeWarning.
        """
        t = as_steps(steps)
        out = self.unchecked(t)
        bad = ~np.isfinite(out)
        if bad.any():
            where = np.flatnonzero(bad.ravel())
            first = where[np.argmin(t.ravel()[where])]
            raise NonFiniteLr(int(t.ravel()[first]), float(np.ravel(out)[first]))
        return out

    def unchecked(self, steps: Any) -> np.ndarray:
        """Learning rate at ``steps`` like ``schedule(steps)``, but an inf or NaN lr is returned as it is
        (drawing and export report it with the config's key path and the exact first step)."""
        with np.errstate(all="ignore"):
            return _apply(self._lr, steps)

    def momentum(self, steps: Any) -> np.ndarray | None:
        """Momentum (or Adam beta1) at ``steps``, or None if it is not cycled (NaN where a phase does not cycle it)."""
        if self._momentum is None:
            return None
        with np.errstate(all="ignore"):
            return _apply(self._momentum, steps)

    @property
    def has_momentum(self) -> bool:
        return self._momentum is not None

    def lr_at(self, t: np.ndarray) -> np.ndarray:
        """Evaluate on an already validated int64 array (used by composition)."""
        return self._lr(t)

    def momentum_at(self, t: np.ndarray) -> np.ndarray | None:
        return None if self._momentum is None else self._momentum(t)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if not isinstance(v, Schedule))
        return f"Schedule({self.name}: {args})"

    def _repr_png_(self) -> bytes:
        """A 4 x 2.5 in PNG of the curve over its total_steps, for Jupyter (see :mod:`lrviz.notebook`)."""
        from ..notebook import png

        return png(self)

    def _repr_svg_(self) -> str:
        """The same figure as SVG, for Jupyter."""
        from ..notebook import svg

        return svg(self)


def _apply(fn: Curve, steps: Any) -> np.ndarray:
    """Run ``fn`` on validated steps; curves always see arrays of ndim >= 1."""
    t = as_steps(steps)
    if t.ndim == 0:
        return np.float64(fn(t.reshape(1))[0])
    out = fn(t)
    if out.dtype != np.float64:
        out = out.astype(np.float64)
    return out


class Pending(Protocol):
    """A schedule not built yet, waiting for the context its parent gives it.

    Composition (warmup, sequence, ...) decides how many steps a child spans
    and what its default lr is; the registry hands it children in this form.
    """

    def build(self, *, total_steps: int | None = None, lr: float | None = None) -> Schedule: ...


def realize(child: "Schedule | Pending", *, total_steps: int | None = None, lr: float | None = None) -> Schedule:
    """Return ``child`` built with the given defaults (a Schedule is returned as is)."""
    if isinstance(child, Schedule):
        return child
    if not hasattr(child, "build"):
        from .errors import ParameterError

        raise ParameterError("schedule", f"expected a schedule ({{name, params}} or a Schedule); got {child!r}")
    return child.build(total_steps=total_steps, lr=lr)
