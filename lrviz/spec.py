"""Plain data describing what to draw: the parsed form of a config or command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

X_UNITS = ("steps", "epochs", "fraction")
MOMENTUM_CHOICES = ("auto", "on", "off")


@dataclass(frozen=True)
class ScheduleSpec:
    """One curve: a registered name, its raw parameters and a label."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    counting: str = "cumulative"
    path: str = ""  # where it was written, e.g. "schedules[2]" (for error messages)


@dataclass(frozen=True)
class PlotSpec:
    """How to draw the curves."""

    logy: bool = False
    x: str = "steps"  # steps | epochs | fraction
    momentum: str = "auto"  # auto (when a curve has one) | on | off
    size: tuple[float, float] = (8.0, 4.5)  # inches
    dpi: int = 150


@dataclass(frozen=True)
class Config:
    """A whole comparison: shared defaults, the curves, plot options, output."""

    schedules: tuple[ScheduleSpec, ...]
    total_steps: int = 1000
    lr: float = 0.1
    steps_per_epoch: int | None = None
    counting: str = "cumulative"
    title: str | None = None
    plot: PlotSpec = PlotSpec()
    output: str | None = None
    source: str = "<api>"  # the file it came from
