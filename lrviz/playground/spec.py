"""Plain data describing a playground run: the parsed form of a config or command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..spec import ScheduleSpec

VIEWS = ("trajectories", "grid", "flow", "effective_lr", "lr_loss")
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_STEPS = 500
MAX_STEPS = 100_000  # paths of every run are kept in memory


@dataclass(frozen=True)
class SurfaceSpec:
    name: str = DEFAULT_SURFACE
    params: dict[str, Any] = field(default_factory=dict)
    path: str = "playground.surface"  # where it was written (for error messages)


@dataclass(frozen=True)
class OptimizerSpec:
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    path: str = ""


@dataclass(frozen=True)
class LrGrid:
    """``count`` learning rates spaced evenly in log between ``low`` and ``high`` (both included)."""

    low: float
    high: float
    count: int

    def values(self):
        import numpy as np

        return np.geomspace(self.low, self.high, self.count)


@dataclass(frozen=True)
class Playground:
    """What ``lrviz playground`` runs and draws.

    ``lr``: base lr of every optimizer (an optimizer's own ``params.lr`` wins; without
    either, the surface's suggested lr for it, else the optimizer's default). Each
    schedule is built with that lr and ``total_steps = steps``. ``view``: trajectories
    (contour + loss), grid (final loss against lr), flow (document 1 eq. (7)), effective_lr (contour +
    each run's step size per coordinate, e.g. Adagrad's lr / sqrt(G_t + eps)), lr_loss (each run's lr and
    loss against step: for schedules that watch the loss, ``metrics: loss``, see :mod:`.feedback`).
    """

    surface: SurfaceSpec = SurfaceSpec()
    optimizers: tuple[OptimizerSpec, ...] = tuple(OptimizerSpec(n, path=n) for n in DEFAULT_OPTIMIZERS)
    schedules: tuple[ScheduleSpec, ...] = (ScheduleSpec("constant", path="constant"),)
    steps: int = DEFAULT_STEPS
    lr: float | None = None
    start: tuple[float, float] | None = None
    lr_grid: LrGrid | None = None
    view: str = "trajectories"
    window: tuple[float, float, float, float] | None = None  # xmin, xmax, ymin, ymax
    steps_per_epoch: int | None = None
    title: str | None = None
    caption: str | None = None
    output: str | None = None
    style: str = "default"
    size: tuple[float, float] | str | None = None
    dpi: int | None = None
    source: str = "<api>"
