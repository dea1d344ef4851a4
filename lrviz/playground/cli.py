"""The ``lrviz playground`` command. numpy and matplotlib are imported only when it runs."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..errors import UsageError

HELP = (
    "Run optimizers on a 2-D loss surface, each with an lrviz schedule as its learning rate.\n\n"
    "Three views from the command line. trajectories (default): the surface's contours with one path per (optimizer, schedule), "
    "and loss against step. --lr-grid LOW:HIGH:N: a grid search over the lr, final loss against lr for each "
    "optimizer, with the too-small / good / too-large regions shaded; the grid value is the schedule's PEAK lr "
    "(its curve is scaled by grid_lr / peak). --flow: on the quadratic, gradient descent beside "
    "the gradient flow of L and the modified flow of L + (η/4)|∇L|², the implicit gradient penalty (step from --lr). "
    "A config's view: effective_lr draws each run's step size per coordinate (Adagrad's lr/sqrt(G+eps)), "
    "view: lr_loss its lr beside its loss (for a schedule given metrics: loss, which watches the run's own loss).\n\n"
    "Options override the config. Without a config: rosenbrock; sgd, momentum, adam; a constant schedule; "
    "500 steps. Each optimizer's lr: --lr, else its params.lr in the config, else the config's lr, else the lr "
    "suggested for it on the surface.\n\n"
    "Surfaces: quadratic, noisy_quadratic, rosenbrock, beale, himmelblau, double_well.\n\n"
    "Optimizers: sgd, sgd_l2, sgdw, momentum, nag, adagrad, adadelta, rmsprop, adam, adamw, adam_l2.\n\n"
    "Examples:\n\n"
    "  lrviz playground\n\n"
    "  lrviz playground --surface beale --optimizer adam --optimizer rmsprop --schedule constant --schedule cosine\n\n"
    "  lrviz playground --optimizer sgd --optimizer adam --lr-grid 1e-4:1:20 --steps 2000 -o grid.png\n\n"
    "  lrviz playground --flow --lr 0.1 -o flow.svg\n\n"
    "  lrviz playground configs/playground_rosenbrock.yaml -o rosenbrock.pdf --style paper\n"
)


def playground(
    config: Optional[Path] = typer.Argument(None, help="A playground YAML config (see configs/playground_*.yaml)."),
    surface: Optional[str] = typer.Option(None, "--surface", help="quadratic, noisy_quadratic, rosenbrock, beale, "
                                          "himmelblau."),
    optimizer: Optional[List[str]] = typer.Option(None, "--optimizer", help="An optimizer name; repeatable."),
    schedule: Optional[List[str]] = typer.Option(None, "--schedule", help="A schedule name (see 'lrviz list'); "
                                                 "repeatable. Built with each optimizer's lr and total_steps = --steps."),
    steps: Optional[int] = typer.Option(None, "--steps", help="Number of updates (default 500)."),
    lr: Optional[float] = typer.Option(None, "--lr", help="Base lr of every optimizer (overrides the config's); "
                                       "with --flow, the step η of gradient descent."),
    start: Optional[str] = typer.Option(None, "--start", help="Start point X,Y (default: the surface's)."),
    lr_grid: Optional[str] = typer.Option(None, "--lr-grid", help="LOW:HIGH:N: N peak lrs log-spaced from LOW to "
                                          "HIGH; draws final loss against lr."),
    flow: bool = typer.Option(False, "--flow", help="On the quadratic: gradient descent beside the gradient "
                              "flow and the modified flow (implicit gradient penalty)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed of the gradient noise (quadratic surfaces)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Output file (default playground.png, or the "
                                         "config's output or name); .png, .svg or .pdf."),
    style: Optional[str] = typer.Option(None, "--style", help="default (screen), paper (3.5 in column, serif), dark."),
) -> None:
    import os
    from dataclasses import replace

    from ..errors import did_you_mean
    from ..output import check_output
    from ..draw.style import STYLES
    from . import config as cfg
    from ..output import FIGURE_FORMATS
    from .play import draw
    from .spec import OptimizerSpec, Playground, SurfaceSpec

    out = output
    if out is None:
        out = "playground.png"
        if config is not None:
            out = f"{config.stem}.png"
    if flow and lr_grid:
        raise UsageError("--flow and --lr-grid draw different figures; give one of them")
    if style is not None and style not in STYLES:
        raise UsageError(f"--style: must be one of {', '.join(STYLES)}; got {style!r}{did_you_mean(style, STYLES)}")
    spec = cfg.load(str(config)) if config is not None else Playground(source="lrviz")
    if config is not None and output is None and spec.output:
        out = spec.output if os.path.isabs(spec.output) else str(config.parent / spec.output)
    check_output(out, FIGURE_FORMATS)  # a bad path fails before any work
    sink = cfg.Sink()

    def value(path, convert, raw):
        from ..errors import ParameterError

        try:
            return convert(path, raw)
        except ParameterError as err:
            sink.issue(path, err.message)
            return None

    changes: dict = {}
    if surface is not None:
        params = spec.surface.params if surface == spec.surface.name else {}
        changes["surface"] = SurfaceSpec(surface, dict(params), "--surface")
    if seed is not None:
        from .surfaces import SURFACES

        base = changes.get("surface", spec.surface)
        if base.name in SURFACES and "seed" not in SURFACES[base.name][1]:
            raise UsageError(f"--seed: surface {base.name} has no gradient noise to seed (quadratic and noisy_quadratic do)")
        changes["surface"] = SurfaceSpec(base.name, {**base.params, "seed": seed}, base.path,
                                         {**base.origins, "seed": "--seed"})
    if optimizer:
        changes["optimizers"] = tuple(OptimizerSpec(name, path="--optimizer") for name in optimizer)
    if schedule:
        from ..errors import UnknownName
        from ..registry import lookup
        from ..spec import ScheduleSpec

        for name in schedule:
            try:
                lookup(name)
            except UnknownName as err:
                raise UsageError(f"--schedule: {err}")
        changes["schedules"] = tuple(ScheduleSpec(name, path=name) for name in schedule)
    if steps is not None:
        changes["steps"] = value("--steps", cfg.step_count, steps)
    if lr is not None:
        changes["lr"] = value("--lr", cfg.playground_lr, lr)
        optimizers = changes.get("optimizers", spec.optimizers)
        changes["optimizers"] = tuple(replace(o, params={k: v for k, v in o.params.items() if k != "lr"})
                                      for o in optimizers)
    if start is not None:
        changes["start"] = value("--start", cfg.point, start)
    if lr_grid is not None:
        changes["lr_grid"] = value("--lr-grid", cfg.lr_grid, lr_grid)
        changes["view"] = "grid"
    if flow:
        changes.update(view="flow", lr_grid=None)
        if surface is None and config is None:  # eq. (7) is drawn on the quadratic
            changes["surface"] = SurfaceSpec("quadratic", path="--surface")
    if style is not None:
        changes["style"] = style
    if sink.issues:
        raise UsageError(str(sink.issues[0]).removeprefix("lrviz: "))
    if changes:
        spec = replace(spec, **changes)
        spec = cfg.finish(spec, sink, view_given=True)
        if sink.issues:
            issue = sink.issues[0]
            given = {"lr": lr, "playground.lr_grid": lr_grid}
            where = f"--{issue.path.split('.')[-1].replace('_', '-')}" if given.get(issue.path) is not None else issue.path
            raise UsageError(f"{where}: {issue.message}" if where else issue.message)
    draw(spec, [out])
    typer.echo(f"wrote {out}")


playground.__doc__ = HELP


def register(app: typer.Typer, reported=lambda command: command) -> None:
    """Add the ``playground`` command to the lrviz app (``reported`` wraps it with the app's error reporting)."""
    app.command("playground", help=HELP)(reported(playground))
