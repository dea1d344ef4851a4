"""Plain data describing what to draw: the parsed form of a config or command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

X_UNITS = ("steps", "epochs", "fraction")
LAYOUTS = ("auto", "overlay", "grid", "stack")


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
    """How to draw the curves.

    ``layout``: ``overlay`` (every lr curve on one axes), ``grid`` (one panel
    per curve, shared axes), ``stack`` (lr above momentum, shared x) or
    ``auto`` (stack when a curve cycles momentum, else overlay). ``size``
    and ``dpi`` default to the style's; a named size fixes the width only.
    """

    layout: str = "auto"
    style: str = "default"  # default | paper | dark (lrviz/styles/*.mplstyle)
    logy: bool = False
    x: str = "steps"  # steps | epochs | fraction
    size: tuple[float, float] | str | None = None  # (W, H) inches, exact; or column | page | screen
    dpi: int | None = None  # PNG resolution
    annotate: bool = True  # phase boundaries, peak and final lr


@dataclass(frozen=True)
class Config:
    """A whole comparison: shared defaults, the curves, plot options, output."""

    schedules: tuple[ScheduleSpec, ...]
    total_steps: int = 1000
    lr: float = 0.1
    steps_per_epoch: int | None = None
    counting: str = "cumulative"
    title: str | None = None
    caption: str | None = None  # one sentence: what the figure shows and where it comes from
    plot: PlotSpec = PlotSpec()
    output: str | None = None
    source: str = "<api>"  # the file it came from
