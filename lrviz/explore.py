"""An interactive explorer: a slider per numeric parameter, a reset button, the curve and its stats live.

:class:`Explorer` builds everything on a matplotlib Figure it is given, so it
runs headless (tests drive the sliders in code) as well as in a window
(``lrviz explore NAME`` opens one through pyplot).

Slider ranges: durations (``Steps``) from 0 to ``total_steps`` in whole
steps; other integers from 0 to ``max(10, 4 v)``; a float ``v`` in (0, 1)
from 0 to 1, a float ``v >= 1`` from 0 to ``4 v``, other floats from 0 to 1;
a parameter that names an lr (``lr``, ``min_lr``, ``end_value``, ...) from 0
to twice the larger of its value and the run's lr. Values the schedule
refuses (a warmup past the end, say) show the error above the plot and keep
the last good curve.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .curves import evaluate_schedule
from .errors import LrvizError
from .params import signature
from .registry import Context, build_at, lookup
from .scan import profile

NUMERIC_KINDS = ("float", "int", "Steps")
MAX_SLIDERS = 14
COLUMNS = 1600  # points kept across the window (M4)


def slider_params(name: str, built_params: dict[str, Any]) -> list[tuple[str, str, float]]:
    """``(param, kind, value)`` of every numeric parameter worth a slider, in signature order."""
    _, entry = lookup(name)
    out = []
    for pname, param in signature(entry.factory).items():
        value = built_params.get(pname)
        if param.kind not in NUMERIC_KINDS or pname == "total_steps" or "seed" in pname:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            continue
        out.append((pname, param.kind, float(value)))
    return out[:MAX_SLIDERS]


def slider_range(pname: str, kind: str, value: float, total_steps: int, lr: float) -> tuple[float, float, float | None]:
    """``(low, high, step)`` of the slider for a parameter (see the module docstring)."""
    if kind == "Steps":
        return 0.0, float(max(total_steps, value)), 1.0
    if kind == "int":
        return 0.0, float(max(10.0, 4 * value)), 1.0
    lr_like = ("lr" in pname or "learning_rate" in pname or "value" in pname or pname == "eta_min") \
        and not any(word in pname.replace("learning_rate", "") for word in ("ratio", "rate", "factor", "pct"))
    if lr_like and value >= 0 and max(value, lr) > 0:
        return 0.0, 2 * max(value, lr), None
    if value < 0:
        return 4 * value, 0.0, None
    if 0 < value < 1:
        return 0.0, 1.0, None
    if value >= 1:
        return 0.0, 4 * value, None
    return 0.0, 1.0, None


class Explorer:
    """Sliders for the numeric parameters of ``name``, drawn into ``fig``."""

    def __init__(self, fig, name: str, *, total_steps: int = 1000, lr: float = 0.1, steps_per_epoch: int | None = None,
                 params: dict[str, Any] | None = None):
        from matplotlib.widgets import Button, Slider

        self.fig = fig
        self.name = name
        self.total_steps = total_steps
        self.context = Context(total_steps, lr, steps_per_epoch)
        self.fixed = dict(params or {})
        schedule = build_at(name, self.fixed, self.context)  # a bad start is an error, as in 'compare'
        self.initial = {p: v for p, _, v in slider_params(name, schedule.params)}
        self.kinds = {p: k for p, k, _ in slider_params(name, schedule.params)}
        n = len(self.initial)
        height = 0.045
        top = 0.1 + n * height
        self.ax = fig.add_axes((0.1, top + 0.1, 0.78 if schedule.has_momentum else 0.85, 0.82 - top))
        self.ax.set_xlabel("step")
        self.ax.set_ylabel("learning rate")
        self.ax.set_xlim(0, total_steps)
        self.line, = self.ax.plot([], [], drawstyle="steps-post", label="lr")
        self.momentum_line = None
        if schedule.has_momentum:  # one-cycle and cyclic schedules: momentum on a right-hand axis
            self.ax_m = self.ax.twinx()
            self.ax_m.set_ylabel("momentum", color="0.45")
            self.momentum_line, = self.ax_m.plot([], [], drawstyle="steps-post", color="0.45", linestyle="--")
        self.status = self.ax.set_title("", fontsize="small", loc="left")
        self.sliders: dict[str, Slider] = {}
        for i, (pname, value) in enumerate(self.initial.items()):
            low, high, step = slider_range(pname, self.kinds[pname], value, total_steps, lr)
            box = fig.add_axes((0.3, top - (i + 1) * height, 0.5, height * 0.6))
            slider = Slider(box, pname, low, high, valinit=value, valstep=step)
            slider.on_changed(lambda _value: self.update())
            self.sliders[pname] = slider
        self.reset_button = Button(fig.add_axes((0.84, 0.02, 0.12, 0.05)), "reset")
        self.reset_button.on_clicked(lambda _event: self.reset())
        self.error: str | None = None
        self.stats = None
        self.update()

    def values(self) -> dict[str, Any]:
        """The parameters the sliders give now (whole numbers for durations and ints)."""
        out = {}
        for pname, slider in self.sliders.items():
            value = slider.val
            out[pname] = int(round(value)) if self.kinds[pname] in ("int", "Steps") else float(value)
        return out

    def schedule(self):
        return build_at(self.name, {**self.fixed, **self.values()}, self.context)

    def update(self) -> None:
        """Rebuild the schedule from the sliders and redraw the curve and its stats."""
        try:
            schedule = self.schedule()
            curve = evaluate_schedule(schedule, self.total_steps, columns=COLUMNS)
            stats = profile(schedule, self.total_steps)
            if stats.first_non_finite or stats.raised:
                raise LrvizError(f"the lr is not finite from step {stats.first_non_finite[0]:,}"
                                 if stats.first_non_finite else stats.raised[1])
        except LrvizError as err:
            self.error = str(err).splitlines()[0]
            self.status.set_text(self.error)
            self.status.set_color("#c0392b")
            self.fig.canvas.draw_idle()
            return
        self.error = None
        self.stats = stats
        self.line.set_data(curve.steps, curve.lr)
        if self.momentum_line is not None and curve.momentum is not None:
            self.momentum_line.set_data(curve.steps, curve.momentum)
            finite = curve.momentum[np.isfinite(curve.momentum)]
            if len(finite):
                low, high = float(finite.min()), float(finite.max())
                pad = 0.05 * (high - low) or 0.05
                self.ax_m.set_ylim(low - pad, high + pad)
        top = stats.peak if np.isfinite(stats.peak) and stats.peak > 0 else 1.0
        self.ax.set_ylim(min(0.0, stats.low), top * 1.05)
        self.status.set_text(f"peak {stats.peak:.4g} at {stats.peak_step:,}   final {stats.final:.4g}   "
                             f"mean {stats.mean:.4g}   area {stats.area:.4g}")
        self.status.set_color("black")
        self.fig.canvas.draw_idle()

    def reset(self) -> None:
        """Every slider back to its starting value (one redraw)."""
        for pname, slider in self.sliders.items():
            slider.eventson = False
            slider.set_val(self.initial[pname])
            slider.eventson = True
        self.update()


NON_INTERACTIVE = ("agg", "pdf", "ps", "svg", "cairo", "template", "pgf")


def open_window(name: str, **options: Any) -> None:
    """Open the explorer in a window (pyplot); refuse clearly when there is no display."""
    import os

    import matplotlib

    backend = os.environ.get("LRVIZ_MPLBACKEND")  # the user's MPLBACKEND, set aside by the CLI (lrviz.cli.main)
    if backend:
        try:
            matplotlib.use(backend)
        except (ValueError, ImportError) as err:
            raise LrvizError(f"MPLBACKEND={backend}: not a matplotlib backend that can open a window here ({err})"
                             .splitlines()[0]) from None
    if os.name == "posix" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
            and matplotlib.get_backend().lower() not in ("macosx",):
        raise LrvizError("explore needs a window and no display was found (DISPLAY is not set); "
                         "use 'lrviz sweep' or 'lrviz compare --term' instead")
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() in NON_INTERACTIVE:
        raise LrvizError(f"explore needs an interactive matplotlib backend; the backend is {matplotlib.get_backend()}")
    fig = plt.figure(figsize=(9, 7))
    fig.canvas.manager.set_window_title(f"lrviz explore {name}")
    explorer = Explorer(fig, name, **options)
    fig._lrviz_explorer = explorer  # keep the widgets alive while the window is open
    plt.show()
