"""The :class:`Schedule` type: a pure, vectorized function of the integer step.

A schedule maps steps ``t = 0, 1, 2, ...`` to the learning rate used by update
``t + 1``. It is callable on an integer array (or a scalar) and returns float64
of the same shape. It keeps no state: calling it twice gives the same numbers.
"""

from __future__ import annotations

from typing import NamedTuple, Any, Callable, Mapping, Protocol

import numpy as np

from ..errors import StepError
from . import _engine

Curve = Callable[[np.ndarray], np.ndarray]


def as_steps(steps: Any) -> np.ndarray:
    """Convert ``steps`` to a non-negative int64 array (a 0-d array for a scalar).

    (Schedules do not call it: the engine converts once and checks the sign block by block.)
    """
    t = _engine.as_index(steps)
    if t.size and t.min() < 0:
        raise StepError(f"steps must be >= 0; got {int(t.min())}")
    return t


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
    kernel:
        the same formula as an in-place block kernel ``kernel(span, out)``
        (see :mod:`lrviz.schedules._engine`); give either or both. A schedule
        given only ``lr_fn`` runs it block by block.
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
    blockwise:
        False when the work of one call depends on the largest step asked for
        (a replay up to it): the engine then hands every step over at once.
    """

    __slots__ = ("_lr", "_kernel", "_momentum", "_momentum_kernel", "name", "params", "marks", "periodic", "breaks",
                 "blockwise")

    def __init__(
        self,
        lr_fn: Curve | None = None,
        *,
        kernel: "_engine.Kernel | None" = None,
        name: str,
        params: Mapping[str, Any] | None = None,
        momentum_fn: Curve | None = None,
        marks: tuple[Mark, ...] = (),
        periodic: bool = False,
        breaks: tuple[int, ...] | None = None,
        blockwise: bool = True,
    ):
        if kernel is None:
            kernel = _engine.from_function(lr_fn)
        elif lr_fn is None:
            lr_fn = lambda t: _engine.on_steps(kernel, t)  # noqa: E731
        self._lr = lr_fn
        self._kernel = kernel
        self._momentum = momentum_fn
        self._momentum_kernel = None if momentum_fn is None else _engine.from_function(momentum_fn)
        self.blockwise = blockwise
        self.name = name
        self.params = dict(params or {})
        self.marks = tuple(m if isinstance(m, Mark) else Mark(*m) for m in marks)
        self.periodic = periodic
        self.breaks = None if breaks is None else tuple(sorted({int(b) for b in breaks if b > 0}))

    def __call__(self, steps: Any) -> np.ndarray:
        """Learning rate at ``steps`` (int array or scalar), as float64.

        Raises :class:`~lrviz.errors.NonFiniteLr` (naming the smallest such step)
        when the lr at any of them is inf or NaN; never a numpy RuntimeWarning.
        Steps are validated once and evaluated in blocks (see :mod:`._engine`).
        """
        with np.errstate(all="ignore"):
            return _engine.evaluate(self._kernel, steps, finite=True, blockwise=self.blockwise)

    def first(self, n: int, *, check: bool = True) -> np.ndarray:
        """lr(0..n-1), the lrs of a run of ``n`` updates, like ``schedule(np.arange(n))`` without the
        array of steps: the steps are made block by block, so the output is the only full-size array.
        ``check=False`` returns an inf or NaN lr as it is."""
        n = int(n)
        if n < 0:
            raise StepError(f"the number of steps must be >= 0; got {n}")
        with np.errstate(all="ignore"):
            if not self.blockwise:
                return _engine.evaluate(self._kernel, np.arange(n, dtype=np.int64), finite=check, blockwise=False)
            return _engine.first(self._kernel, n, finite=check)

    def unchecked(self, steps: Any) -> np.ndarray:
        """Learning rate at ``steps`` like ``schedule(steps)``, but an inf or NaN lr is returned as it is
        (drawing and export report it with the config's key path and the exact first step)."""
        with np.errstate(all="ignore"):
            return _engine.evaluate(self._kernel, steps, blockwise=self.blockwise)

    def momentum(self, steps: Any) -> np.ndarray | None:
        """Momentum (or Adam beta1) at ``steps``, or None if it is not cycled (NaN where a phase does not cycle it)."""
        if self._momentum is None:
            return None
        with np.errstate(all="ignore"):
            return _engine.evaluate(self._momentum_kernel, steps, blockwise=self.blockwise)

    @property
    def has_momentum(self) -> bool:
        return self._momentum is not None

    def lr_at(self, t: np.ndarray) -> np.ndarray:
        """Evaluate on an already validated int64 array (used by composition and scans)."""
        return self._lr(t)

    @property
    def kernel(self) -> "_engine.Kernel":
        """The in-place block kernel ``kernel(span, out)`` (see :mod:`._engine`); composition calls its children's."""
        return self._kernel

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
