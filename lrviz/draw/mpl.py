"""Curves -> a matplotlib figure -> PNG, SVG or PDF.

The only module that draws. It builds figures with ``matplotlib.figure.Figure``
(no pyplot, no global state), inside the chosen style's context, and takes
evaluated curves, never configs or schedules.

Layouts: ``overlay`` (one axes), ``grid`` (a panel per curve, shared axes,
lettered (a), (b), ...), ``stack`` (lr above one panel per other hyperparameter
the curves carry: momentum or Adam's beta1, beta2, weight decay, AdamW's
effective decay lr x wd, batch size; then, with ``plot.difference``, each curve
minus the first; shared x). Each value is
drawn as holding for its whole step (``steps-post``), as the training loop
uses it: a run of T updates draws lr(0..T-1), the last one held to x = T. Each curve keeps one colour and one dash pattern in every panel, so curves stay apart
in grayscale. Annotations: phase boundaries as faint vertical lines, the
peak (filled dot) and final lr (open dot) with their values in the legend.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Callable, Sequence

import numpy as np

from . import annotate, axes, fonts, style
from ..output import atomic_write
from ..text import glue_math
from ..spec import SERIES, Curve, PlotSpec

DASHES = ("-", (0, (5, 2)), (0, (5, 1.5, 1, 1.5)), (0, (1.2, 1.2)), (0, (8, 2, 1, 2, 1, 2)),
          (0, (3, 1, 1, 1, 1, 1)), (0, (10, 3)), (0, (2, 3)))


def annotated(plot: PlotSpec) -> bool:
    """Whether to annotate: as asked, else on except in the paper style (a paper's caption says it)."""
    return plot.annotate if plot.annotate is not None else plot.style != "paper"


def layout_of(plot: PlotSpec, curves: Sequence[Curve]) -> str:
    """The layout to draw: ``auto`` is ``stack`` when a curve cycles momentum or carries another
    hyperparameter (weight decay, batch size, ...), else ``overlay``."""
    if plot.layout != "auto":
        return plot.layout
    return "stack" if panels_of(curves) else "overlay"


def panels_of(curves: Sequence[Curve]) -> list[str]:
    """The panels under the lr in a stack, top to bottom: ``momentum`` when a curve cycles it, then each
    key of :data:`lrviz.spec.SERIES` some curve carries. Only series that exist get a panel."""
    panels = ["momentum"] if any(c.momentum is not None for c in curves) else []
    panels += [key for key in SERIES if any(s.key == key for c in curves for s in c.series)]
    return panels + (["difference"] if any(s.key == "difference" for c in curves for s in c.series) else [])


def panel_label(key: str, curves: Sequence[Curve], exponent: int = 0, math: bool = False) -> str:
    r"""The y label of a stacked panel, with its unit (and the power of ten factored out of its ticks).
    ``math``: with the usual symbol (momentum $\mu_t$, weight decay $\lambda_t$, $\eta_t \lambda_t$, $B_t$)."""
    if key == "difference":
        first = curves[0].label.split("(")[0].strip() if curves else ""
        text = wrapped(("$\\Delta\\eta_t$ from " if math else "lr − ") + first, 18)
    elif key == "momentum":
        names = {c.momentum_name for c in curves if c.momentum is not None}
        text = {frozenset({"beta1"}): r"Adam $\beta_1$",
                frozenset({"momentum"}): r"momentum $\mu_t$" if math else "momentum"}.get(
            frozenset(names), r"momentum, $\beta_1$")
    elif math:
        text = {"beta2": r"Adam $\beta_2$", "weight_decay": "weight\ndecay $\\lambda_t$",
                "effective_decay": r"$\eta_t \lambda_t$" "\nper step", "batch_size": "batch size\n$B_t$"}[key]
    else:
        text = {"beta2": r"Adam $\beta_2$", "weight_decay": "weight\ndecay",
                "effective_decay": "lr × wd\nper step", "batch_size": "batch size\n(samples)"}[key]
    if not exponent:
        return text
    return text + ("\n" if "\n" in text else " ") + rf"($\times 10^{{{exponent}}}$)"  # short lines fit small panels


PAPER_INSIDE = 3  # paper style: a legend of up to this many entries goes inside the lr axes
SUBTITLE_SIZE = "x-small"  # parameters and values under a panel's heading
MIN_PANEL_WIDTH = 1.6  # inches: narrower panels cannot hold their ticks and titles


def grid_shape(n: int, width: float = 8.0) -> tuple[int, int]:
    """(rows, columns) of small multiples: one row up to 3 panels, then 2, 3 or 4 columns,
    fewer when the figure is too narrow for them (a 3.5 in column holds 2)."""
    cols = n if n <= 3 else 2 if n == 4 else 3 if n <= 9 else 4
    cols = max(1, min(cols, int(width // MIN_PANEL_WIDTH)))
    return math.ceil(n / cols), cols


def base_size(plot: PlotSpec) -> tuple[float, float]:
    """(width, height) in inches before layout adjustments: a named size, else the style's figsize."""
    if isinstance(plot.size, str):
        return style.SIZES[plot.size]
    if plot.size:
        return plot.size
    width, height = style.params(plot.style)["figure.figsize"]
    return float(width), float(height)


def figure_size(plot: PlotSpec, layout: str, n: int, legend_rows: int = 0, title_lines: float = 1,
                titled: bool = False, panels: int = 1) -> tuple[float, float]:
    """The size in inches: exactly W,H when given, else the named or style size made taller for
    grids, stacks (by 35% of the base height per panel under the lr) and legends.

    The base height is for the axes and a legend of up to two rows; each further
    legend row adds its line height, so many curves do not squash the plot. A grid
    row is a panel of golden-ish aspect plus its title lines and tick labels.
    """
    if isinstance(plot.size, tuple):
        return plot.size
    width, height = base_size(plot)
    if layout == "grid":
        rows, cols = grid_shape(n, width)
        row = (width / cols) * 0.55 + (title_lines * 1.3 * _rc("axes.titlesize") + 2.2 * _rc("xtick.labelsize")) / 72
        frame = (2.4 * _rc("axes.labelsize") + (2.0 * _rc("figure.titlesize") if titled else 0.0)) / 72
        return width, round(rows * row + frame, 2)
    height += max(0, legend_rows - 2) * 1.4 * _rc("legend.fontsize") / 72
    if layout == "stack":
        height += 0.35 * base_size(plot)[1] * max(1, panels)
    return width, round(height, 2)


def png_dpi(plot: PlotSpec) -> int:
    return plot.dpi or int(float(style.params(plot.style)["savefig.dpi"]))


def pixel_columns(plot: PlotSpec) -> int:
    """How many points across a figure can show: twice its PNG width in pixels (M4 stays exact)."""
    return 2 * math.ceil(base_size(plot)[0] * png_dpi(plot))


def figure(
    curves: Sequence[Curve],
    plot: PlotSpec,
    *,
    title: str | None = None,
    total_steps: int,
    steps_per_epoch: int | None = None,
    table: str | None = None,
    overlay: Callable | None = None,
    per_step=None,
):
    """Draw the curves in the plot's layout and style; return the matplotlib Figure.

    ``table`` (plain text, e.g. statistics) is set in monospace under everything else.
    ``overlay(ax, to_x)`` draws more on the lr axes (a run's logged points) and returns
    its artists for the legend; ``to_x`` maps steps to the x unit. Not for a grid.
    Characters the style's font lacks are drawn in an installed font that has them (:mod:`lrviz.draw.fonts`)."""
    layout = layout_of(plot, curves)
    if plot.style == "paper":
        title = None  # a paper captions its figures: the title goes to the file's metadata only
    with style.context(plot.style):
        found = fonts.plan([title, table, *(c.label for c in curves), *(c.details for c in curves)])
        fonts.note(found)
        with matplotlib_rc(found.rc()), fonts.quiet_missing_glyphs():
            root = _build(curves, plot, layout, title, total_steps, steps_per_epoch, table, overlay, per_step)
    root._lrviz_style = plot.style  # save() applies the same style to the savefig.* settings
    root._lrviz_fonts = found  # ... and the same fallback fonts
    return root


def matplotlib_rc(changes: dict):
    import matplotlib

    return matplotlib.rc_context(changes)


def _build(curves, plot: PlotSpec, layout: str, title, total_steps: int, steps_per_epoch, table, overlay, per_step):
    """The figure of :func:`figure`, built inside its style."""
    from matplotlib.figure import Figure

    painter = _Painter(curves, plot, total_steps, steps_per_epoch, per_step)
    width = base_size(plot)[0]
    rows = 0 if layout == "grid" else painter.legend_shape(width)[0]
    titles = painter.panel_titles(width) if layout == "grid" else []
    lines = max((_lines(h) * _rc("axes.titlesize") + _lines(n) * 1.1 * _rc(SUBTITLE_SIZE) for h, n in titles),
                default=_rc("axes.titlesize")) / _rc("axes.titlesize")
    under = panels_of(curves) if layout == "stack" else []
    size = figure_size(plot, layout, len(curves), rows, lines, titled=bool(title), panels=len(under))
    band = _table_height(table) if table else 0.0
    fig = root = Figure(figsize=(size[0], size[1] + band), layout="constrained")
    if table:  # the plot above, the table in a band of its own below
        fig, below = root.subfigures(2, 1, height_ratios=(size[1], band))
        below.text(0.5, 0.5, table, ha="center", va="center", family="monospace", fontsize=_table_size(table, size[0]))
    if layout == "grid":
        painter.grid(fig, title, titles)
    else:
        if under:
            ax, *below = fig.subplots(1 + len(under), 1, sharex=True, height_ratios=(3,) + (1.4,) * len(under))
        else:
            ax, below = fig.subplots(1, 1), []
        painter.lr_axes(ax, range(len(curves)), title=title)
        painter.lr_scale(ax, curves)
        if overlay is not None:
            painter.extra = [a for a in overlay(ax, painter.x) if not a.get_label().startswith("_")]
        for key, ax_p in zip(under, below):
            painter.panel_axes(ax_p, key)
        painter.x_axis(below[-1] if below else ax)
        painter.legend(fig, ax)
    return root


def draw_into(ax, curves: Sequence[Curve], plot: PlotSpec, *, total_steps: int, steps_per_epoch: int | None = None,
              title: str | None = None, per_step=None) -> None:
    """Draw an lr overlay into an existing axes (for notebooks); the legend goes inside it."""
    painter = _Painter(curves, plot, total_steps, steps_per_epoch, per_step)
    painter.lr_axes(ax, range(len(curves)), title=title)
    painter.lr_scale(ax, curves)
    painter.x_axis(ax)
    handles, labels = painter.legend_entries()
    ax.legend(handles, labels, loc="best", fontsize="small", frameon=False)


HUGE_LR, TINY_LR = 1e300, 1e-290  # beyond these matplotlib's transforms overflow (a 5% margin over 1.7e308 is inf)


def lr_scale_exponent(curves: Sequence[Curve]) -> int:
    """0, or the power of ten e that brings an lr axis beyond what matplotlib can transform back to about 1:
    a largest finite |lr| over :data:`HUGE_LR` or under :data:`TINY_LR` (but not 0) is drawn as
    lr / 10**e with the axis labelled ×10^e, e = floor(log10(largest))."""
    tops = [float(np.max(np.abs(c.lr[np.isfinite(c.lr)]))) for c in curves if np.isfinite(c.lr).any()]
    return scale_exponent(max(tops, default=0.0))


def scale_exponent(top: float) -> int:
    """floor(log10(top)) for a largest |value| beyond :data:`HUGE_LR` or under :data:`TINY_LR` (not 0), else 0."""
    if top > HUGE_LR or 0 < top < TINY_LR:
        return math.floor(math.log10(top))
    return 0


def scaled(values, exponent: int):
    """``values / 10**exponent``, in two factors so that 10**-exponent itself need not be a float (e = -323)."""
    if not exponent:
        return values
    half = -exponent // 2
    return values * 10.0 ** half * 10.0 ** (-exponent - half)


class _Painter:
    """Draws curves into axes with consistent colours, dashes, ticks and annotations."""

    def __init__(self, curves: Sequence[Curve], plot: PlotSpec, total_steps: int, steps_per_epoch: int | None,
                 per_step=None):
        self.curves = list(curves)
        self.plot = plot
        self.total_steps = total_steps
        self.steps_per_epoch = steps_per_epoch
        self.per_step = per_step  # tokens / samples per update, for x in tokens or samples
        self.colors = style.colors(plot.style)
        self.lines: list = []
        self.extra: list = []  # artists an overlay added to the lr axes, for the legend
        self.paper = plot.style == "paper"
        self.annotated = annotated(plot)
        self.exponent = lr_scale_exponent(self.curves)
        self.fine = {i for i, c in enumerate(self.curves)
                     if fine_staircase(c.steps, c.lr, total_steps, base_size(plot)[0] * png_dpi(plot))}
        self.bands = coincident(self.curves)

    def _look(self, i: int) -> tuple:
        """(colour, dash) of curve ``i``: its ``look`` pair when it has one, else by position."""
        n = len(self.colors)
        look = self.curves[i].look if i < len(self.curves) else None
        if look is not None:
            return self.colors[look[0] % n], DASHES[look[1] % len(DASHES)]
        return self.colors[i % n], DASHES[(i + i // n) % len(DASHES)]

    def style_of(self, i: int) -> dict:
        color, dash = self._look(i)
        if i in self.fine:  # dashes broken at every stair look jagged: colour and width tell it apart
            solid_before = any(j in self.fine or self._look(j)[1] == "-" for j in range(i))
            return dict(color=color, linestyle="-", **({"linewidth": _rc("lines.linewidth") * 0.6}
                                                      if solid_before else {}))
        return dict(color=color, linestyle=dash)

    def x(self, steps):
        return axes.x_values(steps, self.plot.x, self.total_steps, self.steps_per_epoch, self.per_step)

    def held(self, steps, values):
        """``(steps, values)`` with the last update's value held to the end of the run (x = total_steps)."""
        from . import held

        return held(steps, values, self.total_steps)

    def held_x(self, steps, values):
        steps, values = self.held(steps, values)
        return self.x(steps), values

    def lr_axes(self, ax, which, *, title=None, alone: bool = False, context: bool = False) -> None:
        """Draw the lr curves ``which`` into ``ax``, with their annotations and the lr axis. ``alone``: a grid
        panel's one curve, drawn solid (its title names it); ``context``: over the other curves in pale grey."""
        if context:
            for j, other in enumerate(self.curves):
                if j not in which:
                    ax.plot(*self.held_x(other.steps, scaled(other.lr, self.exponent)),
                            color=_rc_color("axes.labelcolor"), alpha=0.18,
                            linewidth=0.8, drawstyle="steps-post", zorder=1)
        for i in which:
            curve = self.curves[i]
            steps, lr = self.held(curve.steps, curve.lr)
            look = dict(self.style_of(i), linestyle="-") if alone else self.style_of(i)
            if i in self.bands and len(which) > 1:  # a later curve has the same values: a band it is drawn on
                look.update(linestyle="-", linewidth=3.4 * _rc("lines.linewidth"), alpha=0.35, solid_capstyle="butt")
            (line,) = ax.plot(self.x(steps), scaled(lr, self.exponent), **look, drawstyle="steps-post", zorder=2,
                              gid=f"lr-{i}")
            if len(self.lines) < len(self.curves):
                self.lines.append(line)
            if self.annotated:
                self.boundaries(ax, curve, i)
                self.extremes(ax, curve, i)
        ax.set_xlim(float(self.x(0)), float(self.x(self.total_steps)))
        if title:
            ax.set_title(title)

    def boundaries(self, ax, curve: Curve, i: int) -> None:
        color = self.style_of(i)["color"]
        for step, _ in annotate.boundaries(curve.marks, self.total_steps):
            ax.axvline(float(self.x(step)), color=color, alpha=0.35, linewidth=0.8, linestyle=(0, (2, 2)), zorder=1)

    def extremes(self, ax, curve: Curve, i: int) -> None:
        color = self.style_of(i)["color"]
        face = ax.get_facecolor()
        for point, filled in ((annotate.peak(curve.steps, curve.lr), True), (annotate.final(curve.steps, curve.lr), False)):
            if point is None or (self.plot.logy and point.lr <= 0):
                continue
            ax.plot([float(self.x(point.step))], [scaled(point.lr, self.exponent)], marker="o", markersize=4.5, color=color,
                    markerfacecolor=color if filled else face, markeredgewidth=1.1, clip_on=False, zorder=3,
                    linestyle="none")

    def values(self, curve: Curve) -> str:
        """``peak 0.1 at 1k, final 1e-4`` for the legend."""
        top, last = annotate.peak(curve.steps, curve.lr), annotate.final(curve.steps, curve.lr)
        parts = []
        if top is not None:
            parts.append(f"peak {annotate.fmt_lr(top.lr)} at {self.x_text(top.step)}")
        if last is not None:
            parts.append(f"final {annotate.fmt_lr(last.lr)}")
        return ", ".join(parts)

    def x_text(self, step: int) -> str:
        if self.plot.x in ("steps", "tokens", "samples"):
            return axes.fmt_step(float(self.x(step)))
        return f"{float(self.x(step)):.3g}" + (" ep" if self.plot.x == "epochs" else "")

    def lr_scale(self, ax, curves: Sequence[Curve]) -> None:

        ax.set_ylabel(axes.lr_label(0, math=self.paper))
        if self.plot.logy:
            ax.set_yscale("log")
            return
        values = np.concatenate([c.lr[np.isfinite(c.lr)] for c in curves] or [np.zeros(1)])
        low = min(0.0, float(values.min())) if len(values) else 0.0
        top = float(values.max()) if len(values) else 1.0
        if self.exponent:  # drawn in units of 10**exponent already (see lr_scale_exponent)
            low, top = scaled(low, self.exponent), scaled(top, self.exponent)
            ax.set_ylim(low, top * 1.05 if top > 0 else 1.0)
            ax.set_ylabel(axes.lr_label(self.exponent, math=self.paper))
            return
        ax.set_ylim(low, top * 1.05 if top > 0 else 1.0)
        exponent = axes.lr_exponent(top)
        if exponent:
            ax.yaxis.set_major_formatter(scaled_ticks(exponent))
            ax.set_ylabel(axes.lr_label(exponent, math=self.paper))

    def x_axis(self, ax) -> None:
        from matplotlib.ticker import FuncFormatter

        ax.set_xlabel(axes.x_label(self.plot.x, self.steps_per_epoch, self.per_step, math=self.paper))
        if self.plot.x in ("tokens", "samples") or self.plot.x == "steps" and self.total_steps >= 10_000:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: axes.fmt_step(v)))

    def panel_axes(self, ax, key: str) -> None:
        """A stacked panel under the lr: the momentum (beta1) or one other hyperparameter of each curve that
        has it, in the curve's colour and dash. Weight decay, effective decay and batch size start at 0."""

        drawn = []
        for i, curve in enumerate(self.curves):
            if key == "momentum":
                steps, values = (curve.steps, curve.momentum) if curve.momentum is not None else (None, None)
            else:
                found = [s for s in curve.series if s.key == key]
                steps, values = (found[0].steps, found[0].values) if found else (None, None)
            if values is not None:
                drawn.append((i, curve, steps, np.asarray(values, dtype=np.float64)))
        finite = [v[np.isfinite(v)] for _, _, _, v in drawn]
        tops = [float(f.max()) for f in finite if len(f)]
        shift = scale_exponent(max((float(np.abs(f).max()) for f in finite if len(f)), default=0.0))
        for i, curve, steps, values in drawn:  # in units of 10**shift beyond what matplotlib can transform
            ax.plot(*self.held_x(steps, scaled(values, shift)), **self.style_of(i), drawstyle="steps-post", zorder=2)
            if self.annotated:
                self.boundaries(ax, curve, i)
        exponent = shift
        if key == "difference":
            ax.axhline(0.0, color=_rc_color("axes.edgecolor"), linewidth=0.5, alpha=0.5, zorder=1)
            spread = [float(np.nanmax(np.abs(s.values))) for c in self.curves for s in c.series
                      if s.key == key and np.isfinite(s.values).any()]
            top = scaled(max(spread, default=0.0), shift)
            ax.set_ylim(-top * 1.1 if top > 0 else -1.0, top * 1.1 if top > 0 else 1.0)
            if not shift:
                exponent = axes.lr_exponent(top)
                if exponent:
                    ax.yaxis.set_major_formatter(scaled_ticks(exponent))
        elif key in ("weight_decay", "effective_decay", "batch_size"):
            top = scaled(max(tops, default=0.0), shift)
            ax.set_ylim(0.0, top * 1.08 if top > 0 else 1.0)
            if not shift:
                exponent = axes.lr_exponent(top)
                if exponent:
                    ax.yaxis.set_major_formatter(scaled_ticks(exponent))
        ax.set_ylabel(panel_label(key, self.curves, exponent, math=self.paper))
        ax.set_xlim(float(self.x(0)), float(self.x(self.total_steps)))

    def legend_entries(self) -> tuple[list, list[str]]:
        labels = []
        for curve in self.curves:
            text = curve.label
            if self.paper and curve.details and f"({curve.details})" in text:  # a label lrviz made: symbols
                text = text.replace(f"({curve.details})", f"({axes.math_details(curve.details)})")
            if self.annotated and (values := self.values(curve)):
                text = f"{text} — {values}"
            labels.append(text)
        return self.lines + self.extra, labels + [a.get_label() for a in self.extra]

    def needs_legend(self) -> bool:
        """A legend unless it would name one curve and say nothing else (the title or caption names it):
        one with annotations keeps its peak and final values, and a run's logged points keep theirs."""
        return len(self.curves) > 1 or bool(self.extra) or self.annotated

    def legend_shape(self, width: float) -> tuple[int, int]:
        """(rows, columns) of the legend below a figure ``width`` inches wide; (0, 0) when it goes inside
        the axes (paper style, see :meth:`paper_inside`). Paper rows count wrapped lines."""
        labels = self.legend_entries()[1]
        if self.paper:
            if self.paper_inside(width):
                return 0, 0
            return legend_shape(self.paper_labels(width), width)
        labels = self.screen_labels(width)
        chars_per_line = width * 72 / (0.6 * _rc("legend.fontsize"))
        longest = max(len(line) for t in labels for line in t.splitlines() or [""])
        cols = max(1, min(len(labels), int(chars_per_line // (longest + 6))))
        lines = max(t.count("\n") + 1 for t in labels)
        return math.ceil(len(labels) / cols) * lines, cols

    def screen_labels(self, width: float) -> list[str]:
        """The legend's labels, each wrapped at word breaks to the figure's width (a twin with many parameters
        set gives a label longer than the page)."""
        chars = max(24, int(width * 72 / (0.62 * _rc("legend.fontsize"))) - 10)
        return [wrapped(t, chars) for t in self.legend_entries()[1]]

    def paper_labels(self, width: float) -> list[str]:
        """The paper legend's labels, wrapped: to a third of the width inside the axes, else to the page."""
        labels = self.legend_entries()[1]
        share = 3 if self.paper_inside(width) else 1.3
        chars = max(16, int(width * 72 / (0.56 * _rc("legend.fontsize")) / share))
        return [wrapped(t, chars) for t in labels]

    def paper_inside(self, width: float) -> bool:
        """Whether the paper legend goes inside the axes: up to :data:`PAPER_INSIDE` entries of at most
        two lines each at a third of the width (annotated labels are longer: they go below)."""
        labels = self.legend_entries()[1]
        chars = max(16, int(width * 72 / (0.56 * _rc("legend.fontsize")) / 3))
        return len(labels) <= PAPER_INSIDE and all(len(t) <= 2 * chars for t in labels)

    def legend(self, fig, ax) -> None:
        """Below the axes, outside them, so it never hides a curve. In the paper style, up to
        :data:`PAPER_INSIDE` short entries go inside the lr axes where they hide least (``loc="best"``),
        frameless, each label wrapped to about a third of the width; more or longer ones go below, frameless,
        wrapped to the page."""
        handles, labels = self.legend_entries()
        if not self.needs_legend():
            return
        width = fig.figure.get_figwidth()
        if self.paper:
            labels = self.paper_labels(width)
            if self.paper_inside(width):
                ax.legend(handles, labels, loc="best", frameon=False, handlelength=2.2, borderaxespad=0.3)
                return
            cols = legend_shape(labels, width)[1]
            fig.legend(handles, labels, loc="outside lower center", ncols=cols, frameon=False)
            return
        fig.legend(handles, self.screen_labels(width), loc="outside lower center", ncols=self.legend_shape(width)[1])

    def panel_titles(self, width: float) -> list[tuple[str, str]]:
        """Per panel: the heading "(a) label", and below it in smaller type the parameters set and
        the peak/final values, each wrapped to the panel width."""
        cols = grid_shape(len(self.curves), width)[1]
        import matplotlib

        em = 0.62 if matplotlib.rcParams["font.family"] == ["serif"] else 0.56  # mean character width (DejaVu)
        room = width / cols * 72 / em  # characters of 1 pt across a panel

        def wrap(text: str, points: float) -> str:
            return wrapped(text, max(12, int(room / points) - 2))

        titles = []
        for i, curve in enumerate(self.curves):
            head = f"({chr(ord('a') + i)}) {curve.label}" if i < 26 else curve.label
            notes = []
            if curve.details and curve.details not in curve.label and (self.annotated or not self.paper):
                notes.append(curve.details)
            if self.annotated and (values := self.values(curve)):
                notes.append(values)
            titles.append((wrap(head, _rc("axes.titlesize")),
                           "\n".join(wrap(note, _rc(SUBTITLE_SIZE)) for note in notes)))
        return titles

    def grid(self, fig, title: str | None, titles: list[tuple[str, str]]) -> None:
        rows, cols = grid_shape(len(self.curves), fig.figure.get_figwidth())
        panels = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        flat = list(panels.flat)
        for i, ax in enumerate(flat[: len(self.curves)]):
            self.lr_axes(ax, [i], alone=True, context=self.plot.context)
            head, notes = titles[i]
            lines = notes.count("\n") + 1 if notes else 0
            ax.set_title(head, loc="left", pad=5 + lines * 1.35 * _rc(SUBTITLE_SIZE))  # clear of the notes
            if notes:
                ax.annotate(notes, (0, 1), xycoords="axes fraction", xytext=(0, 3), textcoords="offset points",
                            va="bottom", ha="left", fontsize=_rc(SUBTITLE_SIZE), color=_rc_color("axes.labelcolor"),
                            alpha=0.85, linespacing=1.1)
            ax.set_ylabel("")
        for ax in flat[len(self.curves):]:
            ax.remove()
        for i, ax in enumerate(flat[: len(self.curves)]):
            if i + cols >= len(self.curves):  # no panel underneath: this one shows the x ticks
                ax.xaxis.set_tick_params(labelbottom=True)
        first = flat[0]
        self.lr_scale(first, self.curves)  # the axes are shared: one scale for every panel
        self.x_axis(first)
        size = _rc("axes.labelsize")
        fig.supylabel(first.get_ylabel(), fontsize=size)
        fig.supxlabel(first.get_xlabel(), fontsize=size)
        for ax in flat[: len(self.curves)]:
            ax.set_ylabel("")
            ax.set_xlabel("")
        if title:
            fig.suptitle(title)


_OPERATOR = re.compile(r" (?=[=*/^+×·≤≥<>−-] )|(?<= [=*/^+×·≤≥<>−-]) ")
_GROUP = re.compile(r"\([^()]{1,32}\)|\[[^\[\]]{1,32}\]|\{[^{}]{1,32}\}")


def wrapped(text: str, chars: int) -> str:
    """``text`` wrapped at word breaks to lines of about ``chars`` characters, never inside a formula: the
    spaces around an operator (``lr * gamma ^ k``) and inside a short bracketed group (``(x, y)``, ``[1, 2]``, ``{100: 1}``) do not
    break, unless the formula is longer than a line. Existing line breaks are kept; a word longer than a
    line stays whole."""
    keep = "\u00a0"  # no-break space: textwrap does not break there, and it draws as a space

    def groups(line: str) -> str:
        return _GROUP.sub(lambda m: m.group(0).replace(" ", keep), line)

    def glue(line: str) -> str:
        line = glue_math(line, keep)  # mathtext ($...$) never breaks: a break inside it draws it as raw text
        # whole formulas if they fit a line, else their bracketed groups, else words: never off the page
        for glued in (groups(_OPERATOR.sub(keep, line)), groups(line)):
            if all(len(word) <= chars for word in glued.split(" ")):
                return glued
        return line

    lines = []
    for line in text.split("\n"):
        lines += textwrap.wrap(glue(line), chars, break_on_hyphens=False, break_long_words=False) or [""]
    return "\n".join(lines).replace(keep, " ") or text


def legend_shape(labels: list[str], width: float) -> tuple[int, int]:
    """Columns as many as fit ``width`` inches when every column is as wide as the widest label
    (measured in the legend's font) with its handle and spacing; rows in text lines."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    size = _rc("legend.fontsize")
    font = FontProperties(size=size)
    widest = max(TextToPath().get_text_width_height_descent(line, font, ismath=False)[0]
                 for t in labels for line in t.splitlines() or [""])
    rc = matplotlib.rcParams
    column = widest + (rc["legend.handlelength"] + rc["legend.handletextpad"] + rc["legend.columnspacing"]) * size
    cols = max(1, min(len(labels), int((0.94 * width * 72) // column)))
    lines = max(t.count("\n") + 1 for t in labels)
    return math.ceil(len(labels) / cols) * lines, cols



def scaled_ticks(exponent: int):
    """A tick formatter showing v / 10**exponent (the power of ten is in the axis label), with a true minus
    sign as matplotlib's own ticks have."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v / 10.0 ** exponent:.6g}".replace("-", "\u2212"))


def fine_staircase(steps: np.ndarray, lr: np.ndarray, total_steps: int, pixels: float) -> bool:
    """Whether a curve is a staircase whose typical stair is 2.5-16 pixels wide on a figure ``pixels`` wide
    (an lr stepped per epoch over a hundred epochs): a dash pattern breaks on every riser there and looks
    jagged, so it is drawn solid. Per-step curves (stairs under a pixel) and wide steps keep their dashes."""
    lr = np.asarray(lr)
    if len(lr) < 8 or total_steps <= 0:
        return False
    changes = np.asarray(steps)[1:][np.diff(lr) != 0]
    if len(changes) < 8:
        return False
    stair = float(np.median(np.diff(changes))) * 0.85 * pixels / total_steps
    return 2.5 <= stair <= 16.0


def coincident(curves: Sequence[Curve]) -> set[int]:
    """The curves that a later curve coincides with everywhere (same steps, values equal to 1e-9 of the peak):
    each is drawn as a wide pale band under the later one, so both stay visible."""
    out = set()
    for i, a in enumerate(curves):
        scale = float(np.nanmax(np.abs(a.lr))) if len(a.lr) and np.isfinite(a.lr).any() else 0.0
        for b in curves[i + 1:]:
            if (len(a.steps) == len(b.steps) and np.array_equal(a.steps, b.steps)
                    and np.allclose(a.lr, b.lr, rtol=0, atol=1e-9 * scale, equal_nan=True)):
                out.add(i)
                break
    return out


def _table_size(text: str, width: float) -> float:
    """The table's font size: the legend's, smaller when its widest line would not fit ``width`` inches
    (the line measured in the monospace font it is set in)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    size = _rc("legend.fontsize")
    widest = max(text.splitlines(), key=len, default="")
    per_point, _, _ = TextToPath().get_text_width_height_descent(widest, FontProperties(family="monospace", size=1),
                                                                  ismath=False)
    # at 100 dpi (a Figure's, the coarsest lrviz renders at) each glyph's advance may round up by a pixel
    chars = max(len(widest), 1)
    per_char = max(per_point, 1e-9) / chars  # points of advance per point of size
    fits = (0.95 * width * 100 / chars - 1.0) * 72 / (100 * per_char)
    return max(4.0, min(size, fits))


def _table_height(text: str) -> float:
    """Inches a monospace table of ``text`` needs, with half a line of margin above and below."""
    return (len(text.splitlines()) + 1.0) * 1.25 * _rc("legend.fontsize") / 72


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def _rc_color(key: str):
    import matplotlib

    return matplotlib.rcParams[key]


def _rc(key: str) -> float:
    """A font size rcParam in points (named sizes such as 'small' resolved); or a size name itself."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=matplotlib.rcParams.get(key, key)).get_size_in_points()


def save(fig, path: str, fmt: str, *, title: str | None = None, source: str | None = None, dpi: int | None = None) -> None:
    """Write ``fig`` to ``path`` atomically; the same figure always gives the same bytes.

    ``dpi`` (PNG resolution) defaults to the style's. Dates are left out of
    the metadata and SVG ids are salted with a constant,
    so a figure can be kept in git and regenerated without a diff.
    """
    import matplotlib

    from ..text import printable

    title, source = (printable(text) if text else text for text in (title, source))  # a file name may not be UTF-8
    metadata: dict[str, str | None] = {"Title": title or "lrviz"}
    if fmt == "png":
        metadata["Software"] = "lrviz"
        if source:
            metadata["Source"] = source
    elif fmt == "pdf":
        metadata.update({"Creator": "lrviz", "Producer": "lrviz", "CreationDate": None, "ModDate": None})
        if source:
            metadata["Subject"] = source
    elif fmt == "svg":
        metadata.update({"Date": None, "Creator": "lrviz"})
        if source:
            metadata["Source"] = source

    found = getattr(fig, "_lrviz_fonts", None) or fonts.Plan()
    if fmt == "png":  # the exact size, now that panels and legend have made the figure taller: before rendering
        from ..errors import ParameterError
        from ..limits import figure_problem

        width, height = (float(v) for v in fig.get_size_inches())
        if problem := figure_problem(width, height, dpi or int(float(fig.get_dpi())), png=True):
            raise ParameterError("--dpi", f"{problem} (the figure grew to hold its panels and legend); lower --dpi "
                                          "or plot.dpi")

    def write(fh) -> None:
        with style.context(getattr(fig, "_lrviz_style", "default")):
            with matplotlib.rc_context({"svg.hashsalt": "lrviz", "pdf.compression": 6, **found.rc()}), \
                    fonts.quiet_missing_glyphs():
                fig.savefig(fh, format=fmt, metadata=metadata, dpi=dpi)

    atomic_write(path, write)
