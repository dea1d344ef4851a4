"""Playground figures as ``matplotlib.figure.Figure`` objects (no pyplot), in an lrviz style.

- :func:`trajectories_figure`: (a) the surface's contours (log-spaced levels) with one path
  per (optimizer, schedule), the start, the minima, diverged runs marked x where they
  left; (b) loss minus the minimum against step, log y.
- :func:`grid_figure`: a panel per optimizer: final loss against peak lr (log x, log y),
  document 3's grid search, with the lr regions shaded (see :func:`regions`).
- :func:`effective_lr_figure`: (a) the paths as in :func:`trajectories_figure`; (b) each run's
  step size per coordinate (Adagrad's lr / sqrt(G_t + eps), document 5) against step, log-log.
- :func:`lr_loss_figure`: (a) each run's lr against step; (b) its loss minus the minimum (log y):
  for schedules that watch the run's loss (ReduceLROnPlateau with ``metrics: loss``).
- :func:`flow_figure`: document 1 eq. (7): (a) GD beside the gradient flow and the modified
  flow on the quadratic; (b) GD's largest distance from each flow against eta (log-log):
  slope 1 for the plain flow, 2 for the modified one.

Each curve keeps one colour and one dash pattern (grayscale-safe), as in lrviz.draw.mpl.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..draw import style
from ..draw.mpl import DASHES, grid_shape, legend_shape, wrapped
from . import flow

GOOD_FRACTION = 0.01  # a grid run is good when its final loss is below 1% of the start's
REGION_COLORS = {"too small": "#56B4E9", "good": "#009E73", "too large": "#D55E00"}


def regions(lrs: Sequence[float], final: np.ndarray, start_loss: float, diverged: np.ndarray) -> list[str]:
    """Classify each grid lr: ``good`` when the run ends below GOOD_FRACTION of the start loss;
    ``too small`` below the smallest good lr, ``too large`` above the largest (diverged runs
    included). With no good lr, the split is at the best final loss among runs that did not diverge
    (every lr too large when all diverged)."""
    final = np.asarray(final, dtype=float)
    ok = ~np.asarray(diverged) & np.isfinite(final)
    good = ok & (final <= GOOD_FRACTION * start_loss)
    n = len(lrs)
    if good.any():
        low, high = int(np.argmax(good)), int(n - 1 - np.argmax(good[::-1]))
        return ["too small" if i < low else "too large" if i > high else "good" for i in range(n)]
    if not ok.any():
        return ["too large"] * n
    best = int(np.nanargmin(np.where(ok, final, np.inf)))
    return ["too small" if i <= best else "too large" for i in range(n)]


def _size(spec, extra_height: float = 0.0, ratio: float = 0.5) -> tuple[float, float]:
    if isinstance(spec.size, tuple):
        return spec.size
    if isinstance(spec.size, str):
        width = style.SIZES[spec.size][0]
    else:
        width = float(style.params(spec.style)["figure.figsize"][0])
    return width, round(width * ratio + extra_height, 2)


MAX_PATHS = 4  # more runs than this get a small map each
NARROW = 5.0  # inches: a figure narrower than this (a paper column) puts two panels one above the other


def running_geometric_mean(values: np.ndarray, window: int) -> np.ndarray:
    """exp of the trailing mean of log(values) over ``window`` steps (fewer at the start); NaN stays NaN
    where the window holds one."""
    logs = np.log(values)
    sums = np.concatenate([[0.0], np.cumsum(logs)])
    n = np.arange(1, len(values) + 1)
    lo = np.maximum(0, n - window)
    return np.exp((sums[n] - sums[lo]) / (n - lo))


def _title(fig, spec, title: str) -> None:
    """The figure's title, wrapped at word breaks to its width; none in the paper style (a paper captions its
    figures: the title goes to the file's metadata only, as :mod:`lrviz.draw.mpl` does)."""
    if spec.style == "paper":
        return
    chars = max(20, int(fig.get_figwidth() * 72 / (0.6 * _rc("figure.titlesize"))))
    fig.suptitle(wrapped(title, chars))


def _rc(key: str) -> float:
    import matplotlib
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=matplotlib.rcParams.get(key, key)).get_size_in_points()


def _legend_columns(labels: Sequence[str], width: float) -> int:
    """As many columns as fit ``width`` inches, the labels measured in the legend's font."""
    return legend_shape(list(labels), width)[1] if labels else 1


def _legend(fig, handles, labels) -> None:
    cols = _legend_columns(labels, fig.get_figwidth())
    fig.legend(handles, labels, loc="outside lower center", ncols=cols)


def _legend_height(labels: Sequence[str], width: float) -> float:
    rows = math.ceil(len(labels) / _legend_columns(labels, width))
    return rows * 1.45 * _rc("legend.fontsize") / 72


def _contour(ax, surface, window, *, levels: int = 14) -> None:
    """Log-spaced contour levels of f - min over the window, lightly filled."""
    from matplotlib.colors import LogNorm

    x0, x1, y0, y1 = window
    xs, ys = np.linspace(x0, x1, 241), np.linspace(y0, y1, 241)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        f = surface.value(grid) - surface.min_value
    top = float(np.nanpercentile(f, 98))
    floor = max(float(np.nanmin(f[f > 0])) if np.any(f > 0) else top * 1e-6, top * 1e-5)
    marks = np.geomspace(floor, top, levels)
    shown = np.clip(f, floor, None)
    ax.contourf(xs, ys, shown, levels=marks, norm=LogNorm(floor, top), cmap="Greys_r", alpha=0.22, extend="both")
    ax.contour(xs, ys, shown, levels=marks, colors=[_text_color()], alpha=0.35, linewidths=0.6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)


def _text_color():
    import matplotlib

    return matplotlib.rcParams["axes.labelcolor"]


def _mark_points(ax, surface, start, small: bool = False) -> list:
    handles = []
    scale = 0.6 if small else 1.0
    (h,) = ax.plot([start[0]], [start[1]], linestyle="none", marker="o", markersize=7 * scale, markerfacecolor="none",
                   markeredgecolor=_text_color(), markeredgewidth=1.4 * scale, zorder=6)
    handles.append((h, "start"))
    xs = [m[0] for m in surface.minima]
    ys = [m[1] for m in surface.minima]
    (h,) = ax.plot(xs, ys, linestyle="none", marker="*", markersize=11 * scale, color=_text_color(), zorder=6)
    handles.append((h, "minimum" if len(xs) == 1 else "minima"))
    if surface.local_minima:
        xs = [m[0] for m in surface.local_minima]
        ys = [m[1] for m in surface.local_minima]
        (h,) = ax.plot(xs, ys, linestyle="none", marker="*", markersize=11 * scale, markerfacecolor="none",
                       markeredgecolor=_text_color(), markeredgewidth=1.0, zorder=6)
        handles[-1] = (handles[-1][0], "global minimum" if len(surface.minima) == 1 else "global minima")
        handles.append((h, "local minimum" if len(xs) == 1 else "local minima"))
    return handles


def _window(spec, surface, paths: np.ndarray, alive: np.ndarray) -> tuple[float, float, float, float]:
    """The config's window, else the surface's widened (up to 3x) to hold every path that did not diverge."""
    if spec.window is not None:
        return spec.window
    x0, x1, y0, y1 = surface.window
    kept = paths[:, alive] if alive.any() else paths[:1, :0]
    if kept.size:
        w, h = x1 - x0, y1 - y0
        lo, hi = np.nanmin(kept, axis=(0, 1)), np.nanmax(kept, axis=(0, 1))
        pad = 0.05
        x0 = max(min(x0, lo[0] - pad * w), x0 - w)
        x1 = min(max(x1, hi[0] + pad * w), x1 + w)
        y0 = max(min(y0, lo[1] - pad * h), y0 - h)
        y1 = min(max(y1, hi[1] + pad * h), y1 + h)
    return (float(x0), float(x1), float(y0), float(y1))


def _run_style(colors, i: int, j: int, k: int, n: int) -> dict:
    """Colour by optimizer (by schedule when there is one optimizer); dashes by schedule when there are
    several, else by optimizer."""
    c = i if k > 1 else j
    d = j if n > 1 else i
    return dict(color=colors[c % len(colors)], linestyle=DASHES[d % len(DASHES)])


def _run_labels(prepared, diverged_at: np.ndarray) -> list[str]:
    """The legend label of each (optimizer, schedule) run, optimizer-major: the optimizer's label, the
    schedule's when there is one optimizer, both otherwise; with the step it diverged at, if it did."""
    k, n = len(prepared.lanes), len(prepared.schedule_labels)
    labels = []
    for i, lane in enumerate(prepared.lanes):
        for j, sched in enumerate(prepared.schedule_labels):
            label = lane.label if n == 1 else sched if k == 1 else f"{lane.label} · {sched}"
            if diverged_at[i * n + j] >= 0:
                label += f" (diverged at step {diverged_at[i * n + j]})"
            labels.append(label)
    return labels


def trajectories_figure(prepared, result, *, spec):
    """(a) contour + a path per (optimizer, schedule); (b) loss - min against step (log y)."""
    from matplotlib.figure import Figure
    from matplotlib.transforms import blended_transform_factory

    surface = prepared.surface
    k, n = len(prepared.lanes), len(prepared.schedule_labels)
    paths = result.path.reshape(result.path.shape[0], k * n, 2)
    loss = result.loss.reshape(result.loss.shape[0], k * n) - surface.min_value
    diverged_at = result.diverged_at.reshape(k * n)
    steps = result.loss.shape[0] - 1
    with style.context(spec.style):
        colors = style.colors(spec.style)
        labels = _run_labels(prepared, diverged_at)
        styles = [_run_style(colors, i, j, k, n) for i in range(k) for j in range(n)]
        width = _size(spec)[0]
        narrow = width < NARROW
        runs = k * n
        multiples = runs > MAX_PATHS  # one small map per run: many paths on one map hide each other
        ratio = (1.3 if multiples else 1.1) if narrow else (0.62 if multiples else 0.47)
        fig = Figure(figsize=_size(spec, _legend_height(labels + ["start", "minimum"], width) + 0.45, ratio=ratio),
                     layout="constrained")
        window = _window(spec, surface, paths, diverged_at < 0)
        if multiples:
            maps_fig, loss_fig = fig.subfigures(2, 1, height_ratios=(1.35, 1)) if narrow else fig.subfigures(
                1, 2, width_ratios=(1.3, 1))
            rows, cols = grid_shape(runs, (width if narrow else width * 0.56) * 1.25)
            maps = list(maps_fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).flat)
            for extra in maps[runs:]:
                extra.remove()
            ax_loss = loss_fig.subplots(1, 1)
            maps_fig.suptitle(f"(a) paths on {surface.name}", x=0.02, ha="left", fontsize=_rc("axes.titlesize"))
            panels = [(maps[r], [r]) for r in range(runs)]
        else:
            aspect = min(max((window[1] - window[0]) / (window[3] - window[2]), 0.55), 1.6)
            ax, ax_loss = fig.subplots(2, 1) if narrow else fig.subplots(1, 2, width_ratios=(aspect, 1.15))
            panels = [(ax, list(range(runs)))]
        lines, marks = [], []
        for ax, which in panels:
            _contour(ax, surface, window, levels=14 if not multiples else 8)
            for r in which:
                path = paths[:, r]
                (line,) = ax.plot(path[:, 0], path[:, 1], linewidth=1.3 if not multiples else 1.0, zorder=3,
                                  **styles[r], gid=f"path-{r}")
                lines.append(line)
                end = path[-1]
                if diverged_at[r] >= 0:
                    ax.plot([end[0]], [end[1]], marker="x", markersize=8, markeredgewidth=2, color=styles[r]["color"],
                            zorder=5, linestyle="none", clip_on=True)
                else:
                    ax.plot([end[0]], [end[1]], marker="o", markersize=4, color=styles[r]["color"], zorder=5,
                            linestyle="none")
            marks = _mark_points(ax, surface, prepared.start, small=multiples)
            if multiples:
                ax.set_title(labels[which[0]].split(",")[0], loc="left", fontsize=_rc("legend.fontsize"), pad=2)
                ax.set_xlabel("")
                ax.set_ylabel("")
                ax.tick_params(labelsize=_rc("legend.fontsize") * 0.85)
            else:
                ax.set_title(f"(a) paths on {surface.name}", loc="left")
        start_loss = float(surface.value(np.asarray(prepared.start, dtype=float)) - surface.min_value)
        with np.errstate(all="ignore"):
            shown = np.where(loss > 0, loss, np.nan)
        finite = shown[np.isfinite(shown)]
        floor = max(float(finite.min()) if finite.size else 1e-12, max(start_loss, 1e-300) * 1e-16) / 2
        top = max(float(finite.max()) if finite.size else 1.0, start_loss) * 3
        top = min(top, max(start_loss, 1e-12) * 1e4)  # a diverging run leaves through the top, at its x
        x = np.arange(steps + 1)
        window_mean = max(1, steps // 40) if surface.noise else 1
        for r in range(k * n):
            values = np.clip(shown[:, r], floor, None)
            if window_mean > 1:  # noisy gradients: the raw loss faint, its running geometric mean on top
                ax_loss.plot(x, values, linewidth=0.5, alpha=0.25, color=styles[r]["color"], zorder=1)
                values = running_geometric_mean(values, window_mean)
            ax_loss.plot(x, values, linewidth=1.3 if steps <= 1000 else 0.9, **styles[r], zorder=2)
        on_top = blended_transform_factory(ax_loss.transData, ax_loss.transAxes)
        for r in range(k * n):
            if diverged_at[r] >= 0:
                ax_loss.plot([diverged_at[r]], [1.0], transform=on_top, marker="x", markersize=8, markeredgewidth=2,
                             color=styles[r]["color"], clip_on=False, zorder=5, linestyle="none")
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(floor, top)
        ax_loss.set_xlim(0, steps)
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss − minimum")
        ax_loss.set_title("(b) loss against step" + (f": {prepared.lanes[0].label}" if k == 1 and n > 1 else ""),
                          loc="left")
        if window_mean > 1:
            ax_loss.set_ylabel(f"loss − minimum\n(mean of {window_mean} steps; faint: each)")
        _legend(fig, lines + [h for h, _ in marks], labels + [t for _, t in marks])
        _title(fig, spec, spec.title or f"{surface.label}, {steps:,} steps")
    fig._lrviz_style = spec.style
    return fig


def effective_lr_figure(prepared, result, effective, *, spec):
    """(a) contour + a path per run; (b) the step size per coordinate of each run against step (log-log):
    ``effective`` (k * n, steps, 2), x solid and y dashed in the run's colour."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    surface = prepared.surface
    k, n = len(prepared.lanes), len(prepared.schedule_labels)
    paths = result.path.reshape(result.path.shape[0], k * n, 2)
    diverged_at = result.diverged_at.reshape(k * n)
    steps = result.path.shape[0] - 1
    with style.context(spec.style):
        colors = style.colors(spec.style)
        labels = _run_labels(prepared, diverged_at)
        runs = [dict(color=colors[c % len(colors)]) for c in range(k * n)]
        text = _text_color()
        coords = [Line2D([], [], color=text, linestyle="-", linewidth=1.3),
                  Line2D([], [], color=text, linestyle=DASHES[1], linewidth=1.3)]
        coord_labels = ["x coordinate", "y coordinate"]
        width = _size(spec)[0]
        every = labels + coord_labels + ["start", "minimum"]
        narrow = width < NARROW
        fig = Figure(figsize=_size(spec, _legend_height(every, width) + 0.45, ratio=1.1 if narrow else 0.47),
                     layout="constrained")
        window = _window(spec, surface, paths, diverged_at < 0)
        aspect = min(max((window[1] - window[0]) / (window[3] - window[2]), 0.55), 1.6)
        ax, ax_eff = fig.subplots(2, 1) if narrow else fig.subplots(1, 2, width_ratios=(aspect, 1.15))
        _contour(ax, surface, window)
        lines = []
        for r in range(k * n):
            (line,) = ax.plot(paths[:, r, 0], paths[:, r, 1], linewidth=1.1, zorder=3, **runs[r])
            lines.append(line)
            ax.plot([paths[-1, r, 0]], [paths[-1, r, 1]], marker="o", markersize=4, linestyle="none", zorder=5,
                    **runs[r])
        marks = _mark_points(ax, surface, prepared.start)
        ax.set_title(f"(a) paths on {surface.name}", loc="left")
        t = np.arange(1, steps + 1)
        for r in range(k * n):
            for axis, dash in ((0, "-"), (1, DASHES[1])):
                ax_eff.plot(t, effective[r][:, axis], linestyle=dash, linewidth=1.3, **runs[r])
        ax_eff.set_xscale("log")
        ax_eff.set_yscale("log")
        ax_eff.set_xlim(1, steps)
        ax_eff.set_xlabel("update")
        ax_eff.set_ylabel("step size")
        ax_eff.set_title("(b) step size per coordinate", loc="left")
        _legend(fig, lines + coords + [h for h, _ in marks], labels + coord_labels + [t for _, t in marks])
        _title(fig, spec, spec.title or f"Effective learning rates on {surface.label}, {steps:,} steps")
    fig._lrviz_style = spec.style
    return fig


def lr_loss_figure(prepared, result, *, spec):
    """(a) the lr each run used against step; (b) loss − min against step (log y); shared x."""
    from matplotlib.figure import Figure

    surface = prepared.surface
    k, n = len(prepared.lanes), len(prepared.schedule_labels)
    loss = result.loss.reshape(result.loss.shape[0], k * n) - surface.min_value
    diverged_at = result.diverged_at.reshape(k * n)
    curves = prepared.curves.reshape(k * n, -1)
    steps = result.loss.shape[0] - 1
    with style.context(spec.style):
        colors = style.colors(spec.style)
        labels = _run_labels(prepared, diverged_at)
        styles = [_run_style(colors, i, j, k, n) for i in range(k) for j in range(n)]
        width = _size(spec)[0]
        narrow = width < NARROW
        fig = Figure(figsize=_size(spec, _legend_height(labels, width) + 0.45, ratio=1.1 if narrow else 0.47),
                     layout="constrained")
        ax_lr, ax_loss = fig.subplots(2, 1, sharex=True) if narrow else fig.subplots(1, 2, sharex=True)
        x = np.arange(steps + 1)
        lines = []
        for r in range(k * n):
            held = np.append(curves[r], curves[r][-1])  # each lr holds for its whole update, to x = steps
            (line,) = ax_lr.plot(x, held, drawstyle="steps-post", linewidth=1.3, **styles[r])
            lines.append(line)
        ax_lr.set_yscale("log")
        ax_lr.set_xlim(0, steps)
        ax_lr.set_xlabel("step")
        ax_lr.set_ylabel("learning rate")
        ax_lr.set_title("(a) learning rate", loc="left")
        per = spec.steps_per_epoch or 1
        whole = steps // per
        for r in range(k * n):
            if per > 1 and whole:  # what a per-epoch schedule watches: the mean over each epoch's updates
                means = loss[1: whole * per + 1, r].reshape(whole, per).mean(axis=1)
                edges = np.arange(whole + 1) * per
                ax_loss.plot(edges, np.append(means, means[-1]), drawstyle="steps-post", linewidth=1.3, **styles[r])
            else:
                with np.errstate(all="ignore"):
                    shown = np.where(loss[:, r] > 0, loss[:, r], np.nan)
                ax_loss.plot(x, shown, linewidth=1.0 if steps > 1000 else 1.3, **styles[r])
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("step")
        if per > 1 and whole:
            ax_loss.set_ylabel(f"mean loss − minimum\nover each epoch ({per} updates)")
            ax_loss.set_title("(b) loss, epoch means", loc="left")
        else:
            ax_loss.set_ylabel("loss − minimum")
            ax_loss.set_title("(b) loss against step", loc="left")
        _legend(fig, lines, labels)
        _title(fig, spec, spec.title or f"lr and loss on {surface.label}, {steps:,} steps")
    fig._lrviz_style = spec.style
    return fig


def grid_figure(prepared, result, lrs: Sequence[float], *, spec):
    """A panel per optimizer: final loss - min against peak lr, regions shaded (first schedule)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    surface = prepared.surface
    k, n = len(prepared.lanes), len(prepared.schedule_labels)
    lrs = np.asarray(lrs, dtype=float)
    final = result.final_loss - surface.min_value  # (k, n, m)
    diverged = result.diverged_at >= 0
    start_loss = float(surface.value(np.asarray(prepared.start, dtype=float)) - surface.min_value)
    with style.context(spec.style):
        colors = style.colors(spec.style)
        width = _size(spec)[0]
        rows, cols = grid_shape(k, width)
        legend_labels = (["start loss", "diverged"] + list(REGION_COLORS)
                         + (list(prepared.schedule_labels) if n > 1 else []))
        panel = width / cols * 0.62 + 0.45
        in_cell = rows * cols > k  # the legend goes into the grid's first empty cell
        height = rows * panel + 0.9 + (0.0 if in_cell else _legend_height(legend_labels, width))
        fig = Figure(figsize=spec.size if isinstance(spec.size, tuple) else (width, round(height, 2)),
                     layout="constrained")
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        flat = list(axes.flat)
        with np.errstate(all="ignore"):
            positive = final[(~diverged) & (final > 0)]
        floor = max(float(positive.min()) if positive.size else start_loss * 1e-6, start_loss * 1e-16) / 3
        top = max(float(positive.max()) if positive.size else start_loss, start_loss) * 5
        edges = np.sqrt(lrs[1:] * lrs[:-1])
        left = lrs[0] ** 2 / edges[0] if len(edges) else lrs[0] / 2
        right = lrs[-1] ** 2 / edges[-1] if len(edges) else lrs[-1] * 2
        bounds = np.concatenate([[left], edges, [right]])
        handles = {}
        for i, ax in enumerate(flat[:k]):
            kinds = regions(lrs, final[i, 0], start_loss, diverged[i, 0])
            for a, b, kind in _spans(bounds, kinds):
                handles[kind] = ax.axvspan(a, b, color=REGION_COLORS[kind], alpha=0.13, linewidth=0, zorder=0)
            line = ax.axhline(start_loss, color=_text_color(), alpha=0.5, linewidth=0.9, linestyle=(0, (4, 2)), zorder=1)
            handles["start loss"] = line
            on_top = blended_transform_factory(ax.transData, ax.transAxes)
            for j in range(n):
                # one schedule: the panel's title names the optimizer, so its curve is in the text colour,
                # which stays clear on every shaded band
                st = _run_style(colors, i, j, k, n) if n > 1 else dict(color=_text_color(), linestyle="-")
                values = np.where(diverged[i, j] | ~(final[i, j] > 0), np.nan, final[i, j])
                values = np.clip(values, floor, None)
                (curve,) = ax.plot(lrs, values, marker="o", markersize=3, linewidth=1.3, zorder=3, **st)
                if n > 1:
                    handles[prepared.schedule_labels[j]] = curve
                gone = lrs[diverged[i, j]]
                if gone.size:
                    ax.plot(gone, np.full_like(gone, 0.94), transform=on_top, linestyle="none", marker="x",
                            markersize=5, markeredgewidth=1.5, color=st["color"], zorder=4)  # inside the top edge
                    handles["diverged"] = Line2D([], [], linestyle="none", marker="x", markersize=5,
                                                 markeredgewidth=1.5, color=_text_color())
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"({chr(ord('a') + i)}) {prepared.lanes[i].optimizer.name}", loc="left")
        spare = flat[k] if len(flat) > k else None  # the first empty cell of the grid holds the legend
        for ax in flat[k + 1:]:
            ax.remove()
        if spare is not None:
            spare.set_axis_off()
        for i, ax in enumerate(flat[:k]):
            if i + cols >= k:
                ax.xaxis.set_tick_params(labelbottom=True)
        flat[0].set_xlim(bounds[0], bounds[-1])
        flat[0].set_ylim(floor, top)
        for i, ax in enumerate(flat[:k]):
            if i + cols >= k:
                ax.set_xlabel("peak learning rate")
        fig.supylabel(f"final loss − minimum after {result.loss.shape[0] - 1:,} steps", fontsize=_rc("axes.labelsize"))
        names = {"too small": "lr too small", "good": f"good: final loss < {GOOD_FRACTION:.0%} of start",
                 "too large": "lr too large"}
        order = [key for key in legend_labels if key in handles]
        legend_handles = [handles[key] if key in handles else Patch() for key in order]
        if spare is not None:
            spare.legend(legend_handles, [names.get(key, key) for key in order], loc="center", frameon=False,
                         fontsize=_rc("legend.fontsize") * 0.9)
        else:
            _legend(fig, legend_handles, [names.get(key, key) for key in order])
        sched = prepared.schedule_labels[0] if n == 1 else f"{n} schedules (regions: {prepared.schedule_labels[0]})"
        _title(fig, spec, spec.title or f"lr grid on {surface.label}: {len(lrs)} lrs, {sched}")
    fig._lrviz_style = spec.style
    return fig


def _spans(bounds: np.ndarray, kinds: list[str]):
    """(from, to, kind) of each run of equal kinds."""
    out = []
    start = 0
    for i in range(1, len(kinds) + 1):
        if i == len(kinds) or kinds[i] != kinds[start]:
            out.append((bounds[start], bounds[i], kinds[start]))
            start = i
    return out


def flow_figure(surface, start, eta: float, steps: int, *, spec):
    """Document 1 eq. (7) on the quadratic: GD, the gradient flow and the modified flow."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    start = np.asarray(start, dtype=float)
    horizon = steps * eta
    with style.context(spec.style):
        colors = style.colors(spec.style)
        labels = [f"gradient descent, η = {eta:g} ({steps} steps)", "gradient flow dθ/dt = −∇L",
                  "modified flow dθ/dt = −∇(L + η/4 |∇L|²)", "start", "minimum"]
        width = _size(spec)[0]
        narrow = width < NARROW  # a column: the panels one above the other
        fig = Figure(figsize=_size(spec, _legend_height(labels, width) + 0.45, ratio=1.25 if narrow else 0.47),
                     layout="constrained")
        ax, ax_dev = fig.subplots(2, 1) if narrow else fig.subplots(1, 2, width_ratios=(1, 1.15))
        gd = flow.gd_path(surface, start, eta, steps)
        dense = np.linspace(0.0, horizon, 400)
        plain = flow.quadratic_flow(surface, start, dense)
        modified = flow.quadratic_flow(surface, start, dense, eta)
        everything = np.concatenate([gd, plain, modified])
        x0, x1, y0, y1 = spec.window or _fit_window(np.concatenate([everything, [start], surface.minima]))
        _contour(ax, surface, (x0, x1, y0, y1))
        ax.set_aspect("equal", adjustable="box")  # a 2-D flow: one unit is as long on x as on y
        every = max(1, steps // 60)  # at most about 60 dots
        (h_gd,) = ax.plot(gd[:, 0], gd[:, 1], color=colors[0], linewidth=0.9, marker="o", markersize=3.2, zorder=4,
                          markevery=every)
        (h_plain,) = ax.plot(plain[:, 0], plain[:, 1], color=colors[1], linewidth=1.6, zorder=3)
        (h_mod,) = ax.plot(modified[:, 0], modified[:, 1], color=colors[2], linewidth=1.6, linestyle=DASHES[1], zorder=3)
        marks = _mark_points(ax, surface, start)
        ax.set_title(f"(a) paths on {surface.name}", loc="left")

        etas = eta * 2.0 ** -np.arange(5)
        far_plain, far_mod = [], []
        for e in etas:
            n = max(1, int(round(horizon / e)))
            d_plain, d_mod, _ = flow.deviations(surface, start, e, n)
            far_plain.append(d_plain.max())
            far_mod.append(d_mod.max())
        slope_plain = np.polyfit(np.log(etas), np.log(far_plain), 1)[0]
        slope_mod = np.polyfit(np.log(etas), np.log(far_mod), 1)[0]
        ax_dev.plot(etas, far_plain, color=colors[1], marker="o", markersize=4, linewidth=1.6)
        ax_dev.plot(etas, far_mod, color=colors[2], marker="s", markersize=4, linewidth=1.6, linestyle=DASHES[1])
        ax_dev.set_xscale("log")
        ax_dev.set_yscale("log")
        ax_dev.set_xticks(etas, [f"{e:.3g}" if k % 2 == 0 else "" for k, e in enumerate(etas)])  # every other: they fit
        ax_dev.xaxis.set_minor_locator(NullLocator())
        ax_dev.set_xlabel("learning rate η")
        ax_dev.set_ylabel(f"max distance of GD\nfrom the flow, t ≤ {horizon:g}")
        for values, slope, color in ((far_plain, slope_plain, colors[1]), (far_mod, slope_mod, colors[2])):
            ax_dev.annotate(f"slope {slope:.2f}", (etas[2], values[2]), xytext=(6, -10 if color == colors[1] else 8),
                            textcoords="offset points", color=color, fontsize=_rc("legend.fontsize"),
                            ha="left", va="top" if color == colors[1] else "bottom")
        ax_dev.set_title("(b) distance at t = kη", loc="left")
        _legend(fig, [h_gd, h_plain, h_mod] + [h for h, _ in marks], labels[:3] + [t for _, t in marks])
        _title(fig, spec, spec.title or "Gradient descent follows the modified flow, not the gradient flow")
    fig._lrviz_style = spec.style
    return fig


def _fit_window(points: np.ndarray) -> tuple[float, float, float, float]:
    """A window holding ``points`` with a margin, at least a tenth as tall as wide (and vice versa)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = max(hi[0] - lo[0], hi[1] - lo[1], 1e-9)
    w, h = max(hi[0] - lo[0], 0.1 * span), max(hi[1] - lo[1], 0.1 * span)
    cx, cy = (hi[0] + lo[0]) / 2, (hi[1] + lo[1]) / 2
    return (float(cx - 0.58 * w), float(cx + 0.58 * w), float(cy - 0.58 * h), float(cy + 0.58 * h))

