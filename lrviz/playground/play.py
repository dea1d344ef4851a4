"""Spec -> runs -> figure -> file: the one path behind ``lrviz playground`` and the gallery.

Each optimizer gets a base lr (its own ``params.lr``, else the spec's ``lr``, else the
surface's suggested lr for it, else its documented default); every schedule is built
with that lr and ``total_steps = steps`` and evaluated once on steps 0..steps-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import registry
from ..curves import labels as schedule_labels
from ..files import folder_of
from ..errors import ConfigError, Issue, ParameterErrors
from . import feedback
from . import optimizers as optimizer_table
from . import surfaces as surface_table
from .optimizers import Optimizer
from .run import Result, effective_lrs, grid_lrs, lr_curve, run_lanes
from .spec import Playground
from .surfaces import Surface



@dataclass(frozen=True)
class Lane:
    """One optimizer as it runs: its label, update rule and base lr."""

    label: str
    optimizer: Optimizer
    lr: float


@dataclass(frozen=True)
class Prepared:
    surface: Surface
    lanes: tuple[Lane, ...]
    schedule_labels: tuple[str, ...]
    curves: np.ndarray  # (k, n_schedules, steps): the lr of each update, per lane and schedule
    start: tuple[float, float]


def _fail(spec: Playground, path: str, message: str) -> ConfigError:
    return ConfigError([Issue(spec.source, None, None, path, message)])


def prepare(spec: Playground) -> Prepared:
    """Build the surface, optimizers and schedule curves of ``spec`` (already validated)."""
    from .config import over_memory

    if (too_big := over_memory(spec)) is not None:  # for API callers: a config's or option's is refused by finish
        raise _fail(spec, "", too_big)
    try:
        surface = surface_table.make(spec.surface.name, **spec.surface.params)
    except Exception as err:  # validated by config.finish; here for API callers
        raise _fail(spec, spec.surface.path, str(err)) from None
    hints = surface_table.LR_HINTS.get(spec.surface.name, {})
    lanes = []
    for o in spec.optimizers:
        try:
            opt = optimizer_table.make(o.name, **o.params)
        except Exception as err:
            raise _fail(spec, o.path, str(err)) from None
        base = o.params.get("lr")
        base = float(opt["lr"]) if base is not None else spec.lr if spec.lr is not None else hints.get(o.name, opt["lr"])
        lanes.append((o, opt, base))
    labels = _optimizer_labels([(o, base) for o, _, base in lanes])
    curves = np.empty((len(lanes), len(spec.schedules), spec.steps))
    start = spec.start if spec.start is not None else surface.start
    for i, (_, opt, base) in enumerate(lanes):
        context = registry.Context(spec.steps, base, spec.steps_per_epoch, folder=folder_of(spec.source))
        for j, sched in enumerate(spec.schedules):

            watches = feedback.watches_loss(sched.params)
            per = feedback.updates_per_call(sched.name, spec.steps_per_epoch) if watches else 1

            def build(metrics=None, sched=sched, context=context, per=per):
                params = sched.params if metrics is None else feedback.with_metrics(sched.params, metrics)
                counting = "epoch_constant" if per > 1 else "cumulative"
                try:
                    return lr_curve(registry.build_at(sched.name, params, context, sched.path, counting), spec.steps)
                except ParameterErrors as errs:
                    raise errs.to_config_error(spec.source) from None

            if watches:  # the schedule watches this run's own loss
                def run(curve, opt=opt):
                    return run_lanes(surface, [opt], curve[None, :], start, spec.steps, record=False).loss[:, 0]

                start_loss = float(surface.value(np.asarray(start, dtype=float)))
                curve = feedback.closed_loop(build, run, spec.steps, start_loss, per)
            else:
                curve = build()
            if not np.all(np.isfinite(curve)):
                raise _fail(spec, sched.path or sched.name, "the lr is not finite at some step")
            curves[i, j] = curve
    return Prepared(surface, tuple(Lane(label, opt, base) for label, (_, opt, base) in zip(labels, lanes)),
                    tuple(schedule_labels(list(spec.schedules))), curves, start)


def _optimizer_labels(entries) -> list[str]:
    """The given label, else ``name, lr 0.01`` plus the parameters set other than lr."""
    out = []
    for spec, base in entries:
        if spec.label:
            out.append(spec.label)
            continue
        extra = ", ".join(f"{k} {v:g}" if isinstance(v, (int, float)) else f"{k} {v}"
                          for k, v in spec.params.items() if k != "lr")
        out.append(f"{spec.name}, lr {base:g}" + (f", {extra}" if extra else ""))
    return out


def trajectories(prepared: Prepared) -> Result:
    """Every (optimizer, schedule) run from the start: batch (k, n_schedules)."""
    steps = prepared.curves.shape[2]
    tables = np.moveaxis(prepared.curves, 2, 1)  # (k, steps, n_schedules)
    return run_lanes(prepared.surface, [lane.optimizer for lane in prepared.lanes], tables, prepared.start, steps)


def grid(prepared: Prepared, lrs: Sequence[float], *, record: bool = False) -> Result:
    """The lr grid of every (optimizer, schedule): batch (k, n_schedules, n_lrs); each curve scaled so
    its peak is the grid lr. One batched computation: one loop over the steps for all runs."""
    k, n, steps = prepared.curves.shape
    tables = np.empty((k, steps, n, len(lrs)))
    for i in range(k):
        for j in range(n):
            tables[i, :, j] = grid_lrs(prepared.curves[i, j], lrs)
    return run_lanes(prepared.surface, [lane.optimizer for lane in prepared.lanes], tables, prepared.start, steps,
                     record=record)


def figure(spec: Playground):
    """Run ``spec`` and draw its view; return the matplotlib Figure."""
    from . import figures

    if spec.view == "flow":
        surface = surface_table.make(spec.surface.name, **spec.surface.params)
        eta = spec.lr if spec.lr is not None else 0.5 / float(surface.hessian.max())
        start = spec.start if spec.start is not None else surface.start
        return figures.flow_figure(surface, start, eta, spec.steps, spec=spec)
    prepared = prepare(spec)
    if spec.view == "grid":
        lrs = spec.lr_grid.values()
        result = grid(prepared, lrs)
        return figures.grid_figure(prepared, result, lrs, spec=spec)
    result = trajectories(prepared)
    if spec.view == "lr_loss":
        return figures.lr_loss_figure(prepared, result, spec=spec)
    if spec.view == "effective_lr":
        return figures.effective_lr_figure(prepared, result, effective(prepared, result), spec=spec)
    return figures.trajectories_figure(prepared, result, spec=spec)


def effective(prepared: Prepared, result: Result) -> list[np.ndarray]:
    """The step size per coordinate of every (optimizer, schedule) run of :func:`trajectories`, in the
    order of its batch (k * n arrays of (steps, 2)); see :func:`lrviz.playground.run.effective_lrs`."""
    out = []
    for i, lane in enumerate(prepared.lanes):
        for j in range(len(prepared.schedule_labels)):
            eff = effective_lrs(prepared.surface, lane.optimizer, prepared.curves[i, j], result.path[:, i, j],
                                int(result.diverged_at[i, j]))
            if eff is None:
                raise ConfigError([Issue("<api>", None, None, "playground.view",
                                         f"view: effective_lr needs optimizers with a step size per coordinate; "
                                         f"{lane.optimizer.name} has none")])
            out.append(eff)
    return out


def draw(spec: Playground, outputs: Sequence[str]) -> None:
    """Check every output path first, then run once and write the figure to each of them."""
    from ..draw import mpl
    from ..output import FIGURE_FORMATS, check_output
    from ..spec import PlotSpec

    from ..errors import ConfigError, Issue
    from ..limits import figure_problem

    formats = [check_output(path, FIGURE_FORMATS) for path in outputs]
    plot = PlotSpec(style=spec.style, dpi=spec.dpi, size=spec.size)
    dpi = mpl.png_dpi(plot)
    if problem := figure_problem(*mpl.base_size(plot), dpi, png="png" in formats):
        raise ConfigError([Issue(spec.source, None, None, "plot.size", problem)])
    fig = figure(spec)
    for path, fmt in zip(outputs, formats):
        mpl.save(fig, path, fmt, title=spec.title, source=spec.source, dpi=dpi)
