"""Curves -> a matplotlib figure -> PNG, SVG or PDF.

The only module that imports matplotlib, and only when a command draws. It
builds figures with ``matplotlib.figure.Figure`` (no pyplot, no global state)
and takes evaluated curves, never configs or schedules.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .decimate import m4
from .curves import Curve
from .files import atomic_write
from .spec import PlotSpec

FORMATS = ("png", "svg", "pdf")
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))


def _x_values(steps: np.ndarray, plot: PlotSpec, total_steps: int, steps_per_epoch: int | None) -> tuple[np.ndarray, str]:
    if plot.x == "epochs" and steps_per_epoch:
        return steps / steps_per_epoch, "epoch"
    if plot.x == "fraction":
        return steps / max(total_steps, 1), "fraction of training"
    return steps, "step"


def figure(
    curves: Sequence[Curve],
    plot: PlotSpec,
    *,
    title: str | None = None,
    total_steps: int,
    steps_per_epoch: int | None = None,
):
    """Draw the curves as an overlay (plus a momentum panel when asked) and return the Figure."""
    from matplotlib.figure import Figure

    show_momentum = plot.momentum == "on" or (plot.momentum == "auto" and any(c.momentum is not None for c in curves))
    fig = Figure(figsize=plot.size, dpi=plot.dpi, layout="constrained")
    if show_momentum:
        ax, ax_m = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1.3))
    else:
        ax, ax_m = fig.subplots(1, 1), None
    columns = int(plot.size[0] * plot.dpi)
    for i, curve in enumerate(curves):
        x, xlabel = _x_values(curve.steps, plot, total_steps, steps_per_epoch)
        style = dict(color=PALETTE[i % len(PALETTE)], linestyle=DASHES[(i // len(PALETTE) + i) % len(DASHES)], linewidth=1.6)
        xs, ys = m4(x, curve.lr, columns)
        ax.plot(xs, ys, label=curve.label, **style)
        if ax_m is not None and curve.momentum is not None:
            xm, ym = m4(x, curve.momentum, columns)
            ax_m.plot(xm, ym, label=curve.label, **style)
    ax.set_ylabel("learning rate")
    if plot.logy:
        ax.set_yscale("log")
    else:
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4), useMathText=True)
        ax.set_ylim(bottom=min(0.0, min(float(np.nanmin(c.lr)) for c in curves)))
    ax.grid(True, alpha=0.3)
    ax.set_xlim(x[0], x[-1])
    ax.legend(loc="best", frameon=False, fontsize="small")
    if title:
        ax.set_title(title)
    bottom = ax
    if ax_m is not None:
        ax_m.set_ylabel("momentum")
        ax_m.grid(True, alpha=0.3)
        bottom = ax_m
    bottom.set_xlabel(xlabel)
    return fig


def save(fig, path: str, fmt: str, *, title: str | None = None, source: str | None = None) -> None:
    """Write ``fig`` to ``path`` atomically; the same figure always gives the same bytes."""
    import matplotlib

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

    def write(fh) -> None:
        with matplotlib.rc_context({"svg.hashsalt": "lrviz", "pdf.compression": 6}):
            fig.savefig(fh, format=fmt, metadata=metadata)

    atomic_write(path, write)
