"""Plain data: what to draw (the parsed form of a config or command line) and the curves evaluated from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .errors import Issue, ParameterError
    from .schedules._base import Schedule
    from .units import PerStep

X_UNITS = ("steps", "epochs", "fraction", "tokens", "samples")
LAYOUTS = ("auto", "overlay", "grid", "stack")
SERIES = ("beta2", "weight_decay", "effective_decay", "batch_size")  # a curve's other hyperparameters, in panel order
ADAM_LIKE = ("adam", "adamw")  # optimizers whose momentum is beta1 (torch's OneCycleLR / CyclicLR cycle betas[0])


@dataclass(frozen=True)
class ScheduleSpec:
    """One curve: a registered name, its raw parameters and a label."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    counting: str = "cumulative"
    path: str = ""  # where it was written, e.g. "schedules[2]" (for error messages)
    origins: dict[str, str] = field(default_factory=dict)  # parameter -> the option that gave it ("--set cosine.min_lr")
    optimizer: str | None = None  # sgd | adam | adamw: names the momentum beta1, gives AdamW's effective decay
    hyper: dict[str, Any] = field(default_factory=dict)  # raw weight_decay / batch_size / beta2 (see lrviz.hyper)

    def issue(self, source: str, err: "ParameterError") -> "Issue":
        """The Issue of a parameter problem of this curve, shown as the option that gave the value if one did."""
        from .errors import Issue

        prefix = f"{self.path}.params." if self.path else "params."
        rest = err.param[len(prefix):] if err.param.startswith(prefix) else ""
        top = rest.split(".")[0].split("[")[0]
        origin = self.origins.get(top) if top else None
        if origin and rest != top:
            origin = f"{origin}: {rest}"
        return Issue("lrviz" if origin else source, None, None, err.param, err.message, origin=origin)  # the command line


@dataclass(frozen=True)
class PlotSpec:
    """How to draw the curves.

    ``layout``: ``overlay`` (every lr curve on one axes), ``grid`` (one panel
    per curve, shared axes), ``stack`` (lr above a panel for each other
    hyperparameter a curve carries: momentum or beta1, beta2, weight decay,
    AdamW's effective decay, batch size; shared x) or ``auto`` (stack when a
    curve carries one, else overlay). ``size``
    and ``dpi`` default to the style's; a named size fixes the width only.
    ``difference``: a panel under the lr with each curve minus the first one,
    lr_i(t) - lr_1(t), so that a difference of one step or 1e-3 of the peak can
    be seen (the layout becomes a stack; not with ``grid`` or ``overlay``).
    ``context``: in a grid, every panel also shows the other curves in pale grey.
    """

    layout: str = "auto"
    style: str = "default"  # default | paper | dark (lrviz/draw/styles/*.mplstyle)
    logy: bool = False
    x: str = "steps"  # steps | epochs | fraction | tokens | samples
    size: tuple[float, float] | str | None = None  # (W, H) inches, exact; or column | page | screen
    dpi: int | None = None  # PNG resolution
    annotate: bool | None = None  # phase boundaries, peak and final lr; None: the style's (off for paper)
    difference: bool = False  # a panel of lr_i - lr_1 under the lr
    context: bool = False  # grid: the other curves in pale grey behind each panel's own


@dataclass(frozen=True)
class Config:
    """A whole comparison: shared defaults, the curves, plot options, output."""

    schedules: tuple[ScheduleSpec, ...]
    total_steps: int = 1000
    lr: float = 0.1
    steps_per_epoch: int | None = None
    per_step: PerStep | None = None  # tokens / samples one update consumes ('2B tok' durations, x in tokens)
    counting: str = "cumulative"
    title: str | None = None
    caption: str | None = None  # one sentence: what the figure shows and where it comes from
    plot: PlotSpec = PlotSpec()
    output: str | None = None
    source: str = "<api>"  # the file it came from
    positions: dict = field(default_factory=dict, compare=False, repr=False)  # key path -> (line, col) in source

    def _repr_png_(self) -> bytes:
        """A 4 x 2.5 in PNG of every curve, for Jupyter (see :mod:`lrviz.notebook`)."""
        from .notebook import png

        return png(self)

    def _repr_svg_(self) -> str:
        """The same figure as SVG, for Jupyter."""
        from .notebook import svg

        return svg(self)


@dataclass(frozen=True)
class Series:
    """Another hyperparameter of a curve on the lr's timeline: ``key`` is ``weight_decay``,
    ``effective_decay``, ``batch_size`` or ``beta2`` (see :mod:`lrviz.hyper`); ``values`` at ``steps``."""

    key: str
    steps: np.ndarray  # int64, increasing (every step, or the kept subset for display)
    values: np.ndarray


@dataclass(frozen=True)
class Curve:
    """One evaluated schedule, ready to draw or export.

    ``steps`` is 0..total_steps - 1 (update t + 1 uses lr(t)), or the kept subset of it when the curve was
    decimated for display; ``lr`` and ``momentum`` are the values at ``steps``.
    """

    label: str
    steps: np.ndarray  # int64, increasing
    lr: np.ndarray  # float64
    momentum: np.ndarray | None
    marks: tuple  # Mark triples (step, label, kind)
    schedule: Schedule
    details: str = ""  # key parameters, e.g. "min_lr=0.0001, decay_steps=800"
    look: tuple[int, int] | None = None  # (colour, dash) indices, for curves drawn in related pairs
    series: tuple[Series, ...] = ()  # weight decay, AdamW's effective decay, batch size, beta2 (stacked panels)
    optimizer: str | None = None  # with adam or adamw the momentum is Adam's beta1

    @property
    def momentum_name(self) -> str:
        """``beta1`` when the optimizer is Adam-like, else ``momentum``."""
        return "beta1" if self.optimizer in ADAM_LIKE else "momentum"
