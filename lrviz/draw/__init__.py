"""Config (or schedules) -> curves -> figure, file or terminal preview.

The one path shared by the CLI commands and :func:`lrviz.plot`. Curves are
evaluated for display: in chunks, keeping only the M4 points the figure's
pixel columns can show, so a 100M-step curve draws about as fast as a 10k one.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Sequence

from ..errors import ConfigError, Issue, ParameterError
from ..spec import LAYOUTS, X_UNITS, Config, PlotSpec
from .style import STYLES


def with_options(plot: PlotSpec, **options: Any) -> PlotSpec:
    """``plot`` with the given options (None = keep) checked and applied; errors name the option."""
    from ..config import parse_dpi, parse_size
    from ..errors import did_you_mean
    from ..params import as_bool

    changes: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        choices = {"layout": LAYOUTS, "style": STYLES, "x": X_UNITS}.get(key)
        if choices is not None:
            if value not in choices:
                raise ParameterError(key, f"must be one of {', '.join(choices)}; got {value!r}{did_you_mean(str(value), choices)}")
            changes[key] = value
        elif key == "size":
            changes[key] = parse_size(key, value)
        elif key == "dpi":
            changes[key] = parse_dpi(key, value)
        elif key in ("logy", "annotate", "difference", "context"):
            changes[key] = as_bool(key, value)
        else:
            raise ParameterError(key, f"unknown plot option{did_you_mean(key, PlotSpec.__dataclass_fields__)}")
    plot = replace(plot, **changes)
    if plot.difference and plot.layout in ("grid", "overlay"):
        raise ParameterError("difference" if "difference" in changes else "layout",
                             f"the difference panel goes under the lr: it needs layout stack or auto; got {plot.layout}")
    return plot


def check_epochs(config: Config) -> None:
    if config.plot.x == "epochs" and not config.steps_per_epoch:
        raise ConfigError([Issue(config.source, None, None, "plot.x", "x in epochs needs steps_per_epoch")])
    if config.plot.x in ("tokens", "samples") and not getattr(config.per_step, config.plot.x, None):
        raise ConfigError([Issue(config.source, None, None, "plot.x",
                                 f"x in {config.plot.x} needs {config.plot.x}_per_step (or batch_size"
                                 f"{', seq_len' if config.plot.x == 'tokens' else ''} in the config)")])


def check_texts(config: Config) -> None:
    """Refuse, before anything is drawn, a title or label that cannot be drawn (see :mod:`lrviz.text`; a caption
    is not drawn, and was checked as text when the config was read):
    one issue per text, at its place in the config, or named as the option that gave it (``--title``)."""
    from ..config import position_in
    from ..text import Typed, problem

    texts = [("title", config.title, config.title.option if isinstance(config.title, Typed) else None)]
    texts += [(f"{spec.path or spec.name}.label", spec.label, None) for spec in config.schedules]
    issues = []
    for path, text, origin in texts:
        if text is not None and (found := problem(text)):
            line, col = (None, None) if origin else position_in(config.positions, path)
            issues.append(Issue("lrviz" if origin else config.source, line, col, path, found, origin=origin))
    if issues:
        raise ConfigError(issues)


def check_figure(config: Config, curves: int, fmt: str | None = "png") -> None:
    """Refuse, before anything is drawn, a figure too small or too large to draw (:mod:`lrviz.limits`):
    the size (exact W,H, or the named or style width at the style's height) at the PNG dpi, and the number of
    curves; at ``plot.size`` (or ``plot.dpi``) of the config. The CLI checks typed --size and --dpi itself."""
    from ..config import position_in
    from ..limits import figure_problem, panels_problem
    from . import mpl

    width, height = mpl.base_size(config.plot)
    problem, path = figure_problem(width, height, mpl.png_dpi(config.plot), fmt == "png"), "plot.size"
    if problem and "plot.size" not in config.positions and "plot.dpi" in config.positions:
        path = "plot.dpi"
    if problem is None and (problem := panels_problem(curves)):
        path = "schedules"
    if problem:
        line, col = position_in(config.positions, path) if path in config.positions else (None, None)
        raise ConfigError([Issue(config.source, line, col, path, problem)])


def check_logy(curves: Sequence, config: Config) -> None:
    """A log lr axis needs an lr above 0 somewhere: refuse (at ``plot.logy`` of the config, else as ``--logy``)
    curves that are 0 everywhere, rather than draw an empty axis with matplotlib's warning."""
    import numpy as np

    if not config.plot.logy or not curves:
        return
    if any(np.any(np.isfinite(c.lr) & (np.asarray(c.lr) > 0)) for c in curves):
        return
    message = "no lr above 0 to draw on a log axis (every curve is 0 everywhere); draw it without a log axis"
    if "plot.logy" in config.positions:
        from ..config import position_in

        line, col = position_in(config.positions, "plot.logy")
        raise ConfigError([Issue(config.source, line, col, "plot.logy", message)])
    from ..errors import UsageError

    raise UsageError(f"--logy: {message}")


def display_curves(config: Config, columns: int, schedules: Sequence | None = None):
    """The curves of ``config`` (or of ``schedules``) reduced to ``columns`` pixel columns."""
    from ..curves import evaluate, evaluate_schedule, with_difference

    check_epochs(config)
    if schedules is None:
        curves = evaluate(config, columns=columns, with_details=True)
    else:
        curves = [evaluate_schedule(s, config.total_steps, columns=columns) for s in schedules]
    if config.plot.difference:
        curves = with_difference(curves, config.total_steps, columns)
    return curves


def figure(config: Config, *, output: str | None = None, schedules: Sequence | None = None, ax=None,
           table: str | None = None, overlay=None):
    """Draw ``config`` into a new Figure (or into ``ax``); also write ``output`` when given, atomically.

    ``table`` is text set in monospace under the plot (``compare --stats``); ``overlay(ax, to_x)``
    draws more on the lr axes (``plot --log``: the run's logged points), see :func:`lrviz.draw.mpl.figure`."""
    from . import mpl

    fmt = _checked(output)
    check_texts(config)
    check_figure(config, len(schedules) if schedules is not None else len(config.schedules), fmt or "png")
    curves = display_curves(config, mpl.pixel_columns(config.plot), schedules)
    return draw(curves, config, output=output, fmt=fmt, ax=ax, table=table, overlay=overlay)


def _checked(output: str | None) -> str | None:
    """The format of ``output``, checked before any work so that a bad path fails fast."""
    if not output:
        return None
    from ..output import FIGURE_FORMATS, check_output

    return check_output(output, FIGURE_FORMATS)


def draw(curves: Sequence, config: Config, *, output: str | None = None, fmt: str | None = None, ax=None,
         total_steps: int | None = None, table: str | None = None, overlay=None):
    """Draw already evaluated curves with ``config``'s plot options, title and x extent."""
    from . import mpl

    if output and fmt is None:
        fmt = _checked(output)
    check_texts(config)
    check_figure(config, len(curves), fmt or "png")
    check_logy(curves, config)
    where = dict(title=config.title, total_steps=total_steps or config.total_steps,
                 steps_per_epoch=config.steps_per_epoch, per_step=config.per_step)
    if ax is not None:
        mpl.draw_into(ax, curves, config.plot, **where)
        fig = ax.figure
    else:
        fig = mpl.figure(curves, config.plot, table=table, overlay=overlay, **where)
    if output:
        mpl.save(fig, output, fmt, title=config.title, source=config.source, dpi=mpl.png_dpi(config.plot))
    return fig


def preview(config: Config, *, width: int, height: int, color: bool, charset: str = "braille") -> str:
    """A terminal preview of ``config`` in braille dots (no matplotlib), M4-reduced to the dot columns."""
    return preview_curves(display_curves(config, 2 * width), config, width=width, height=height, color=color,
                          charset=charset)


def held(steps, values, total_steps: int):
    """``(steps, values)`` with the last update's value held to the end of the run (step total_steps):
    a run of T updates uses lr(0..T-1), each for its whole step."""
    import numpy as np

    steps, values = np.asarray(steps), np.asarray(values)
    if len(steps) and steps[-1] == total_steps - 1:
        return np.append(steps, total_steps), np.append(values, values[-1])
    return steps, values


def preview_curves(curves: Sequence, config: Config, *, width: int, height: int, color: bool,
                   charset: str = "braille", total_steps: int | None = None) -> str:
    from .axes import x_label, x_values
    from .terminal import preview as draw_dots

    check_logy(curves, config)
    total = total_steps or config.total_steps
    series = [(c.label, x_values(steps, config.plot.x, total, config.steps_per_epoch, config.per_step), lr)
              for c in curves for steps, lr in [held(c.steps, c.lr, total)]]
    return draw_dots(series, width=width, height=height, logy=config.plot.logy, color=color, charset=charset,
                     xlabel=x_label(config.plot.x, config.steps_per_epoch, config.per_step), title=config.title)


def plot(source: Any, *more: Any, ax=None, output: str | None = None, total_steps: int | None = None,
         lr: float | None = None, steps_per_epoch: int | None = None, title: str | None = None, **options: Any):
    """See :func:`lrviz.plot`."""
    from ..schedules._base import Schedule
    from ..spec import ScheduleSpec

    items = list(source) if isinstance(source, (list, tuple)) else [source]
    items += list(more)
    schedules = None
    if len(items) == 1 and isinstance(items[0], Config):
        config = items[0]
    elif len(items) == 1 and isinstance(items[0], (str, os.PathLike)) and (
        str(items[0]).endswith((".yaml", ".yml")) or os.path.isfile(items[0])
    ):
        from ..sources import load

        config = load(os.fspath(items[0]))
    elif items and all(isinstance(item, Schedule) for item in items):
        schedules = items
        if total_steps is None:
            spans = [s.params.get("total_steps") for s in items if isinstance(s.params.get("total_steps"), int)]
            if not spans:
                raise ParameterError("total_steps", "give total_steps: the schedules do not say how long to draw")
            total_steps = max(spans)
        config = Config(schedules=(), total_steps=total_steps, steps_per_epoch=steps_per_epoch, source="lrviz.plot")
    elif items and all(isinstance(item, str) for item in items):
        config = Config(schedules=tuple(ScheduleSpec(name, path=name) for name in items),
                        total_steps=1000 if total_steps is None else total_steps, lr=0.1 if lr is None else lr,
                        steps_per_epoch=steps_per_epoch, source="lrviz.plot")
    else:
        kinds = ", ".join(sorted({type(item).__name__ for item in items})) or "nothing"
        raise ParameterError("source", f"expected a config path, a Config, schedule names or Schedules; got {kinds}")
    if total_steps is not None and total_steps < 1:
        raise ParameterError("total_steps", f"must be >= 1; got {total_steps}")
    if schedules is None:  # a config's own values give way to the ones passed here
        given = dict(total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch)
        config = replace(config, **{k: v for k, v in given.items() if v is not None})
    config = replace(config, plot=with_options(config.plot, **options), title=title or config.title)
    if ax is not None and config.plot.layout not in ("auto", "overlay"):
        raise ParameterError("layout", f"with ax= only the overlay layout can be drawn; got {config.plot.layout!r}")
    return figure(config, output=output, schedules=schedules, ax=ax)
