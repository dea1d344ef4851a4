"""Commands that draw: plot, compare, sweep, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import ParameterError, UsageError
from . import _show
from ._options import (STEPS_HELP, ConfigFacts, FigureOptions, Force, Name, Output, Set, SetOwn, Stats, StepsPerEpoch,
                       StepsText, Title, parse_steps, parse_title,
                       apply_sets, check_run, complete_configs, complete_names, config_options, config_with_sets, figure_options, figure_target,
                       log_options, names_config, parse_assignments)
from ._runlog import LogOptions

ConfigPath = Annotated[str, typer.Argument(metavar="CONFIG", autocompletion=lambda incomplete: complete_configs(incomplete), help="A config: lrviz's YAML, your trainer's own file "
                                           "(HF TrainingArguments, DeepSpeed, timm args.yaml, MMEngine .py, ...), a "
                                           "shipped example by name (see 'lrviz list --examples'), or - for stdin.")]


@figure_options
@config_options()
@log_options
def plot(config: ConfigPath, output: Output = None, steps: Annotated[Optional[StepsText], typer.Option(
             "--steps", metavar="N", parser=parse_steps,
             help="total_steps, over the config's: 1000, 20k, 1.5M, 300ep, 2B tok (in the config's units).")] = None,
         assignments: Set = None, title: Title = None, show_stats: Stats = False, force: Force = False, *,
         figure: FigureOptions, facts: ConfigFacts, run: LogOptions) -> None:
    """Draw the schedules of a config into a PNG, SVG or PDF: an lrviz config, or your trainer's own file.

    Options given here override the config's plot: section. A trainer's file
    (HF TrainingArguments, DeepSpeed, timm, MMEngine, Ultralytics, LightningCLI,
    Megatron, NeMo, fairseq, torchtune, axolotl) is drawn as that trainer runs
    it; what it cannot say comes from --dataset-size, --world-size or
    --steps-per-epoch. --log RUN draws the lr the run logged over the plan.
    A playground config is drawn as 'lrviz playground' draws it.

    The figure goes to -o FILE (missing folders are made), else to the config's
    output: or CONFIG.png in the current folder; -o - writes it to stdout
    (--format png, svg or pdf). --set LABEL.PARAM=VALUE changes a schedule of
    the config, named by its label or name.

    Examples:

      lrviz plot configs/warmup_cosine.yaml -o warmup.pdf --style paper

      lrviz plot configs/tf_decay_functions.yaml --layout grid --logy

      lrviz plot configs/trainers/hf_training_args.json --dataset-size 52000 --world-size 8

      lrviz plot configs/onecycle.yaml --term

      lrviz plot warmup_cosine --steps 20000 --set "warmup + cosine.warmup_steps=500" --stats

      lrviz plot - -o - --format svg < cfg.yaml > lr.svg
    """
    from dataclasses import replace

    from ..sources import STDIN, is_playground

    with_log = run.given()
    stem = "stdin" if config == STDIN else Path(config).stem
    facts, fmt = figure_target(facts, output)
    if is_playground(config):
        return _plot_playground(config, output, fmt, stem, figure=figure, facts=facts, with_log=with_log,
                                given=dict(steps=steps, assignments=assignments, title=title, show_stats=show_stats))
    cfg = config_with_sets(facts.load(config, force=force), assignments, steps=steps, force=force)
    if title is not None:
        cfg = replace(cfg, title=title)
    out = _show.destination(output, figure.term, cfg.output or f"{stem}.png", fmt=fmt)
    cfg = figure.apply(cfg, epochs_need=f"steps_per_epoch, which {config} does not set", output=out)
    overlay = None
    if with_log:
        if out is None:
            raise UsageError("--log draws the logged points into a figure file; drop --term")
        verdict, overlay = run.overlay(cfg, facts.world_size)
        for line in verdict.lines():
            typer.echo(line, err=_show.to_stdout(out))
    _show.draw(cfg, out, overlay=overlay, with_stats=show_stats)


def _plot_playground(config: str, output, fmt, stem: str, *, figure: FigureOptions, facts: ConfigFacts,
                     with_log: bool, given: dict) -> None:
    """``lrviz plot`` of a playground config: its figure as ``lrviz playground CONFIG`` draws it (only --style,
    -o and --format carry over; the other options say so)."""
    from ..playground import config as playground_config
    from ..playground.cli import playground
    from ..sources import STDIN

    unused = [f"--{k.replace('_', '-').replace('assignments', 'set').replace('show-stats', 'stats')}"
              for k, v in given.items() if v not in (None, False, [])]
    unused += [f"--{f}" for f in ("layout", "logy", "x", "dpi", "size", "annotate", "difference", "context") if getattr(figure, f) is not None]
    unused += ["--log"] * with_log + ["--term"] * figure.term
    unused += [o for o, v in (("--steps-per-epoch", facts.steps_per_epoch), ("--dataset-size", facts.dataset_size),
                              ("--world-size", facts.world_size), ("--format", facts.config_format)) if v is not None]
    if unused:
        raise UsageError(f"{unused[0]}: {config} is a playground config; see 'lrviz playground --help' for its options")
    if config == STDIN:
        raise UsageError("-: a playground config is read from a file; save it and give its path")
    from ..sources import resolve

    path = resolve(config)
    spec = playground_config.load(path)
    out = _show.destination(output, False, spec.output or f"{stem}.png", fmt=fmt)
    if _show.to_stdout(out):
        raise UsageError("-o -: a playground figure is written to a file; give -o FILE")
    playground(Path(path), surface=None, optimizer=None, schedule=None, steps=None, lr=None, start=None, lr_grid=None,
               flow=False, seed=None, output=out, style=figure.style)


@figure_options
@config_options()
def compare(
    names: Annotated[Optional[List[str]], typer.Argument(help="Schedule names (see 'lrviz list').",
                                                         autocompletion=complete_names)] = None,
    configs: Annotated[Optional[List[str]], typer.Option("--config", metavar="FILE", help="A config to compare too (lrviz's, or "
                                                         "a trainer's own file), each over its own length; "
                                                         "repeatable.")] = None,
    steps: Annotated[StepsText, typer.Option("--steps", parser=parse_steps, metavar="N",
                                             help=f"total_steps shared by all schedules: {STEPS_HELP}.")] = 1000,
    lr: Annotated[float, typer.Option("--lr", help="Peak/base lr shared by all schedules.")] = 0.1,
    assignments: Set = None,
    title: Title = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Output file (default lr.png); "
                                                  "the extension picks the format (.png, .svg, .pdf); - for stdout.")] = None,
    force: Force = False,
    show_stats: Stats = False,
    *,
    figure: FigureOptions,
    facts: ConfigFacts,
) -> None:
    """Compare schedules by name on shared defaults, and the schedules of configs with --config.

    Names share --steps and --lr; a config given with --config (an lrviz config
    or a trainer's own file, read with --format, --dataset-size, --world-size)
    keeps its own length and lr.

    Examples:

      lrviz compare step cosine onecycle --steps 1000 -o lr.svg

      lrviz compare cosine wsd --set cosine.min_lr=1e-4 --layout grid --style paper -o lr.pdf

      lrviz compare cosine --steps 1500 --lr 2e-4 --config configs/trainers/hf_training_args.json

      lrviz compare cosine_restarts --steps 100000 --term
    """
    from dataclasses import replace

    facts, fmt = figure_target(facts, output)
    out = _show.destination(output, figure.term, "lr.png", fmt=fmt)
    if not names and not configs:
        raise UsageError("give schedule names, or --config FILE (or both)")
    from dataclasses import replace as with_

    loaded = [with_(facts, steps_per_epoch=None).load(path, force=force) for path in configs or []]
    if names and not figure.term:
        from ..limits import panels_problem

        if problem := panels_problem(len(names)):
            raise UsageError(f"schedule names: {problem}")
    if names:
        loaded.insert(0, names_config(names, steps, lr, facts.steps_per_epoch, assignments, title, force,
                                      facts.tokens_per_step))
    elif facts.steps_per_epoch is not None:
        raise UsageError("--steps-per-epoch: applies to schedules given by name; a config sets its own")
    if len(loaded) == 1:
        _show.draw(figure.apply(replace(loaded[0], title=title or loaded[0].title), output=out), out,
                   with_stats=show_stats)
        return
    spe = next((c.steps_per_epoch for c in loaded if c.steps_per_epoch), None)
    frame = figure.apply(replace(loaded[0], title=title, steps_per_epoch=spe, source="lrviz compare"), output=out)
    _show.draw_many(loaded, frame, out, with_stats=show_stats)


@figure_options
def sweep(
    name: Name,
    vary: Annotated[List[str], typer.Option("--vary", metavar="PARAM=V1,V2,...", help="PARAM=V1,V2,... (repeatable: every combination is "
                                            "drawn).")],
    assignments: SetOwn = None,
    steps: Annotated[StepsText, typer.Option("--steps", parser=parse_steps, metavar="N",
                                             help=f"total_steps of every curve: {STEPS_HELP}.")] = 1000,
    lr: Annotated[float, typer.Option("--lr", help="Peak/base lr of every curve.")] = 0.1,
    steps_per_epoch: StepsPerEpoch = None,
    title: Annotated[Optional[str], typer.Option("--title", parser=parse_title, metavar="TEXT",
                                                 help="Figure title (default: the name and what varies).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Output file (default "
                                                  "sweep.png); .png, .svg or .pdf; - for stdout (PNG).")] = None,
    show_stats: Annotated[bool, typer.Option("--stats", help="Add the stats table under the plot.")] = False,
    force: Force = False,
    *,
    figure: FigureOptions,
) -> None:
    """Draw a family of curves of one schedule, one per value of the varied parameters.

    Values are written as in YAML (1e-4, 500, 10%, 5ep, true, [30, 60]); use
    ';' between values that hold commas themselves.

    Examples:

      lrviz sweep cosine --vary min_lr=0,1e-4,1e-3 -o cosine_min_lr.png

      lrviz sweep step --vary gamma=0.1,0.5 --vary step_size=200,400 --layout grid

      lrviz sweep multistep --vary "milestones=[300, 600];[500, 800]" --term
    """
    from ..config import parse_value
    from ..analysis.sweep import sweep as make_sweep

    steps = check_run(steps, lr, steps_per_epoch, force)
    varied = []
    for _, _, param, text in parse_assignments(vary, "--vary", example="min_lr=0,1e-4", shape="PARAM=V1,V2,..."):
        parts = text.split(";") if ";" in text else text.split(",")
        varied.append((param, [parse_value(v.strip(), f"--vary {param}") for v in parts]))
    from ..spec import ScheduleSpec

    fixed = apply_sets([ScheduleSpec(name)], assignments)[0].params
    try:
        cfg = make_sweep(name, varied, fixed=fixed, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch,
                         title=title)
    except ParameterError as err:
        raise UsageError(f"--{err.param}: {err.message}") from None
    out = _show.destination(output, figure.term, "sweep.png")
    _show.draw(figure.apply(cfg, output=out), out, with_stats=show_stats)


@figure_options
@config_options()
def resume(
    config: Annotated[Path, typer.Argument(help="The config of the original run (lrviz's, or your trainer's own).")],
    at: Annotated[int, typer.Option("--at", help="The step where the run stops and resumes.")],
    total: Annotated[Optional[int], typer.Option("--total", help="total_steps of the resumed run (default: "
                                                 "unchanged).")] = None,
    output: Output = None,
    force: Force = False,
    *,
    figure: FigureOptions,
    facts: ConfigFacts,
) -> None:
    """Draw the curve a resumed run follows beside the original one, and the jump where they part.

    The resumed run rebuilds each schedule with total_steps = --total and
    continues at --at, as a training script restarted with more epochs does.
    Durations left to their default or written as a percentage follow the new
    total; step counts written in the config do not.

    Examples:

      lrviz resume configs/warmup_cosine.yaml --at 6000 --total 15000 -o resumed.png

      lrviz resume configs/onecycle.yaml --at 400 --total 2000 --term
    """
    from dataclasses import replace

    from .. import draw as plotting
    from ..draw import mpl
    from ..analysis.resume import resume as resumed_curves
    from ..limits import over_limit
    from ..output import FIGURE_FORMATS, check_output

    facts, stdout_fmt = figure_target(facts, output)
    cfg = facts.load(str(config), force=force)
    if total is not None and (total < 1 or (not force and over_limit(total))):
        raise UsageError(f"--total: {over_limit(total) if total >= 1 else f'must be >= 1; got {total}'}")
    out = _show.destination(output, figure.term, f"{config.stem}_resumed.png", fmt=stdout_fmt)
    cfg = figure.apply(cfg, epochs_need=f"steps_per_epoch, which {config} does not set", output=out)
    fmt = check_output(out, FIGURE_FORMATS) if out else None
    columns = 2 * _show.terminal()["width"] if out is None else mpl.pixel_columns(cfg.plot)
    try:
        curves, jumps, extent = resumed_curves(cfg, at, total, columns=columns)
    except ParameterError as err:
        raise UsageError(f"--{err.param}: {err.message}") from None
    title = cfg.title or config.stem
    cfg = replace(cfg, title=f"{title}: resumed at step {at:,}" + (f" for {total:,} steps" if total else ""))
    if out is None:
        typer.echo(plotting.preview_curves(curves, cfg, total_steps=extent, **_show.terminal()))
    else:
        plotting.draw(curves, cfg, output=out, fmt=fmt, total_steps=extent)
    for jump in jumps:
        typer.echo(jump.text(), err=_show.to_stdout(out))
    if out:
        _show.wrote(out)


COMMANDS = (plot, compare, sweep, resume)
