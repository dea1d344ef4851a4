"""The ``lrviz`` command: thin typer commands over the library.

Errors from the library (:class:`LrvizError`) become one line per problem on
stderr and exit code 1; usage errors exit 2. ``LRVIZ_DEBUG=1`` shows tracebacks.
matplotlib is imported only by commands that draw.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import ConfigError, Issue, LrvizError

app = typer.Typer(
    name="lrviz",
    help="Plot and compare learning-rate schedules before you train.\n\n"
    "Example: lrviz compare step cosine onecycle --steps 1000 -o lr.png",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

OutOption = typer.Option(None, "--output", "-o", help="Output file; the extension picks the format (.png, .svg, .pdf).")
LayoutOption = typer.Option(None, "--layout", help="overlay (one axes), grid (a panel per schedule), stack (lr above "
                            "momentum); default: stack when a schedule cycles momentum, else overlay.")
StyleOption = typer.Option(None, "--style", help="default (screen), paper (3.5 in column, serif), dark.")
LogyOption = typer.Option(None, "--logy/--no-logy", help="Logarithmic lr axis.")
XOption = typer.Option(None, "--x", help="x axis unit: steps, epochs (needs steps_per_epoch) or fraction.")
DpiOption = typer.Option(None, "--dpi", help="Resolution of PNG output, dots per inch (default: the style's).")
SizeOption = typer.Option(None, "--size", help="Figure size in inches W,H (e.g. 8,4.5), or column (3.5 in wide), "
                          "page (7 in), screen.")
AnnotateOption = typer.Option(None, "--annotate/--no-annotate", help="Mark phase boundaries, peak and final lr "
                              "(on by default).")
ForceOption = typer.Option(False, "--force", help="Allow more than 1,000,000,000 steps.")
TermOption = typer.Option(False, "--term", help="Preview in the terminal (braille dots) instead of writing a file.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lrviz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Plot and compare learning-rate schedules before you train."""


def _plot_spec(base, **options):
    """Apply command-line plot options over a config's ``plot:`` section (usage error on a bad one)."""
    from .errors import ParameterError
    from .plotting import with_options

    try:
        return with_options(base, **options)
    except ParameterError as err:
        _usage(f"--{err.param}: {err.message}")


def _usage(message: str) -> None:
    typer.echo(f"lrviz: {message}", err=True)
    raise typer.Exit(2)


def _draw(config, out: str | None, term: bool, with_stats: bool = False) -> None:
    """Write the figure to ``out``, or print a terminal preview; with the stats table under it."""
    from . import plotting

    if term and out:
        _usage("--term previews in the terminal and writes no file; drop --output")
    table = _stats_table(config) if with_stats else None
    if term:
        typer.echo(plotting.preview(config, **_terminal()))
        if table:
            typer.echo(table)
        return
    plotting.figure(config, output=out, table=table)
    typer.echo(f"wrote {out}")


def _stats_table(config) -> str:
    from .stats import table

    return table(_stats_rows(config))


def _terminal() -> dict:
    """Size, colour and characters for a terminal preview of this terminal."""
    import shutil

    size = shutil.get_terminal_size((100, 30))
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "\u28ff".encode(encoding)
        charset = "braille"
    except (UnicodeEncodeError, LookupError):
        charset = "ascii"
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return dict(width=max(40, min(size.columns, 160)), height=max(8, min(size.lines - 10, 20)), color=color,
                charset=charset)


@app.command()
def plot(
    config: Path = typer.Argument(..., help="YAML config naming the schedules (see configs/)."),
    output: Optional[str] = OutOption,
    layout: Optional[str] = LayoutOption,
    style: Optional[str] = StyleOption,
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
    annotate: Optional[bool] = AnnotateOption,
    term: bool = TermOption,
    force: bool = ForceOption,
) -> None:
    """Draw the schedules of a YAML config into a PNG, SVG or PDF.

    Options given here override the config's plot: section.

    Examples:

      lrviz plot configs/warmup_cosine.yaml -o warmup.pdf --style paper

      lrviz plot configs/seed004_tf_decays.yaml --layout grid --logy

      lrviz plot configs/onecycle.yaml --term
    """
    from dataclasses import replace

    from .config import load

    cfg = load(str(config), force=force)
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, layout=layout, style=style, logy=logy, x=x, dpi=dpi, size=size,
                                       annotate=annotate))
    if x == "epochs" and not cfg.steps_per_epoch:
        _usage(f"--x: epochs need steps_per_epoch, which {config} does not set")
    out = output
    if not out and not term:
        out = f"{config.stem}.png"
        if cfg.output:
            out = cfg.output if os.path.isabs(cfg.output) else str(config.parent / cfg.output)
    _draw(cfg, out, term)


def _names_config(names, steps, lr, steps_per_epoch, assignments, title=None, force=False):
    """Build a Config from schedule names and --set NAME.PARAM=VALUE options."""
    from .config import parse_value
    from .limits import over_limit
    from .registry import lookup
    from .spec import Config, ScheduleSpec

    if steps < 1:
        _usage(f"--steps: must be >= 1; got {steps}")
    if not force and (refusal := over_limit(steps)):
        _usage(f"--steps: {refusal}")
    if not (lr >= 0 and lr != float("inf")):
        _usage(f"--lr: must be a finite number >= 0; got {lr:g}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        _usage(f"--steps-per-epoch: must be >= 1; got {steps_per_epoch}")
    params: dict[str, dict] = {}
    for name in names:
        canonical, _ = lookup(name)
        params.setdefault(name, {})
    for item in assignments or []:
        key, sep, raw = item.partition("=")
        target, dot, param = key.rpartition(".")  # names may hold dots (hf.linear), parameters do not
        if not sep or not dot or not param:
            _usage(f"--set {item}: expected NAME.PARAM=VALUE, e.g. --set cosine.min_lr=1e-4")
        if target not in params:
            _usage(f"--set {item}: {target!r} is not one of the schedules compared ({', '.join(names)})")
        params[target][param] = parse_value(raw)
    specs = tuple(ScheduleSpec(name, params[name], path=name) for name in names)
    return Config(schedules=specs, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch, title=title, source="lrviz")


@contextmanager
def _options_named(names):
    """Report a parameter problem of a named schedule as the --set option that gave it."""
    try:
        yield
    except ConfigError as err:
        issues = []
        for issue in err.issues:
            path = issue.path
            for name in names:
                if path.startswith(f"{name}.params."):
                    path = "--set " + name + "." + path[len(name) + len(".params."):]
                    break
            issues.append(Issue("lrviz", None, None, path, issue.message))
        raise ConfigError(issues) from None


@app.command()
def compare(
    names: List[str] = typer.Argument(..., help="Schedule names (see 'lrviz list')."),
    steps: int = typer.Option(1000, "--steps", help="total_steps shared by all schedules."),
    lr: float = typer.Option(0.1, "--lr", help="Peak/base lr shared by all schedules."),
    steps_per_epoch: Optional[int] = typer.Option(None, "--steps-per-epoch", help="Steps per epoch, for '5ep' durations and --x epochs."),
    assignments: Optional[List[str]] = typer.Option(None, "--set", help="NAME.PARAM=VALUE, repeatable."),
    title: Optional[str] = typer.Option(None, "--title", help="Figure title."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Output file (default lr.png); the extension "
                                         "picks the format (.png, .svg, .pdf)."),
    layout: Optional[str] = LayoutOption,
    style: Optional[str] = StyleOption,
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
    annotate: Optional[bool] = AnnotateOption,
    term: bool = TermOption,
    force: bool = ForceOption,
    show_stats: bool = typer.Option(False, "--stats", help="Add the stats table (peak, final, mean, area, steps "
                                    "above half the peak) under the plot."),
) -> None:
    """Compare schedules by name on shared defaults, without a config.

    Examples:

      lrviz compare step cosine onecycle --steps 1000 -o lr.svg

      lrviz compare cosine wsd --set cosine.min_lr=1e-4 --layout grid --style paper -o lr.pdf

      lrviz compare cosine_restarts --steps 100000 --term
    """
    from dataclasses import replace

    cfg = _names_config(names, steps, lr, steps_per_epoch, assignments, title, force)
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, layout=layout, style=style, logy=logy, x=x, dpi=dpi, size=size,
                                       annotate=annotate))
    if cfg.plot.x == "epochs" and not steps_per_epoch:
        _usage("--x: epochs need --steps-per-epoch")
    with _options_named(names):
        _draw(cfg, output or (None if term else "lr.png"), term, with_stats=show_stats)


@app.command("list")
def list_() -> None:
    """List every schedule name with a one-line summary.

    Example: lrviz list
    """
    from .registry import TABLE

    width = max(len(n) for n in TABLE)
    for name in sorted(TABLE):
        typer.echo(f"{name:<{width}}  {TABLE[name].summary}")


@app.command()
def show(name: str = typer.Argument(..., help="A schedule name from 'lrviz list'.")) -> None:
    """Show a schedule's formula, parameters with defaults and units, and its framework twins.

    Example: lrviz show cosine
    """
    from .describe import describe

    typer.echo(describe(name))


@app.command()
def export(
    sources: List[str] = typer.Argument(..., help="A YAML config, or schedule names."),
    output: str = typer.Option(..., "--output", "-o", help="values.csv or values.json"),
    steps: int = typer.Option(1000, "--steps", help="total_steps when exporting names."),
    lr: float = typer.Option(0.1, "--lr", help="lr when exporting names."),
    steps_per_epoch: Optional[int] = typer.Option(None, "--steps-per-epoch", help="Steps per epoch when exporting names."),
    assignments: Optional[List[str]] = typer.Option(None, "--set", help="NAME.PARAM=VALUE, repeatable."),
    force: bool = ForceOption,
) -> None:
    """Write the lr of every step as CSV or JSON: a step column plus one column per curve.

    Example: lrviz export configs/warmup_cosine.yaml -o values.csv
    """
    from . import export as exporter
    from .curves import evaluate
    from .files import check_output

    fmt = check_output(output, exporter.FORMATS)
    cfg = _source_config(sources, steps, lr, steps_per_epoch, assignments, force)
    with _options_named(sources):
        curves = evaluate(cfg)
    exporter.write(curves, output, fmt)
    typer.echo(f"wrote {output}")


def _source_config(sources, steps, lr, steps_per_epoch, assignments, force=False):
    """A config from one YAML path, or from schedule names with the shared defaults and --set values."""
    from .config import load

    first = sources[0]
    if len(sources) > 1 and any(s.endswith((".yaml", ".yml")) for s in sources):
        _usage("give one config at a time, or schedule names (a config and names cannot be mixed)")
    if len(sources) == 1 and (first.endswith((".yaml", ".yml")) or os.path.isfile(first)):
        if assignments:
            _usage("--set applies to schedule names; edit the config to change its parameters")
        return load(first, force=force)
    return _names_config(sources, steps, lr, steps_per_epoch, assignments, force=force)


SourcesArgument = typer.Argument(..., help="A YAML config, or schedule names (see 'lrviz list').")
StepsOption = typer.Option(1000, "--steps", help="total_steps, when schedules are given by name.")
LrOption = typer.Option(0.1, "--lr", help="Peak/base lr, when schedules are given by name.")
SpeOption = typer.Option(None, "--steps-per-epoch", help="Steps per epoch (for '5ep' durations and unit checks).")
SetOption = typer.Option(None, "--set", help="NAME.PARAM=VALUE for a schedule given by name, repeatable.")


def _evaluated_profiles(cfg, names=()):
    """(label, schedule, profile) for every schedule of a config."""
    from .curves import build, labels
    from .scan import profile

    with _options_named(names):
        built = build(cfg)
    return [(label, schedule, profile(schedule, cfg.total_steps))
            for label, (_, schedule) in zip(labels([spec for spec, _ in built]), built)]


@app.command()
def stats(
    sources: List[str] = SourcesArgument,
    steps: int = StepsOption,
    lr: float = LrOption,
    steps_per_epoch: Optional[int] = SpeOption,
    assignments: Optional[List[str]] = SetOption,
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    force: bool = ForceOption,
) -> None:
    """Peak, final and mean lr, the area (sum of lr over the run) and the steps above half the peak.

    The area compares schedules at equal budget: two schedules with the same
    area move the weights of plain SGD about as far.

    Examples:

      lrviz stats configs/warmup_cosine.yaml

      lrviz stats step cosine onecycle --steps 10000 --format csv
    """
    from .stats import as_csv, as_json, table

    if fmt not in ("table", "csv", "json"):
        _usage(f"--format: must be one of table, csv, json; got {fmt!r}")
    cfg = _source_config(sources, steps, lr, steps_per_epoch, assignments, force)
    rows = _stats_rows(cfg, sources)
    typer.echo({"table": table, "csv": as_csv, "json": as_json}[fmt](rows).rstrip("\n"))


def _stats_rows(cfg, names=()):
    """Stats of every schedule; a curve that is not finite, or a twin that raises, is refused with its step."""
    from .stats import Stats

    rows = []
    for label, _, found in _evaluated_profiles(cfg, names):
        if found.first_non_finite:
            step, value = found.first_non_finite
            raise ConfigError([Issue(cfg.source, None, None, label, f"the lr is {value} from step {step:,}; "
                                     "its parameters take it out of floating-point range")])
        if found.raised:
            raise LrvizError(f"{label}: {found.raised[1]} (at step {found.raised[0]:,})")
        rows.append(Stats.of(label, found))
    return rows


@app.command()
def check(
    sources: List[str] = SourcesArgument,
    steps: int = StepsOption,
    lr: float = LrOption,
    steps_per_epoch: Optional[int] = SpeOption,
    assignments: Optional[List[str]] = SetOption,
    force: bool = ForceOption,
) -> None:
    """Diagnose schedules before training: one line per finding, with the step and a hint.

    Errors (exit 1): a negative or non-finite lr, a framework twin stepped past
    the point where its library raises, warmup as long as training. Warnings:
    no annealing, a min lr never reached, a jump where phases meet, too many
    restarts, durations that look like epochs given as steps. Notes: known
    quirks of the framework twins in use. Exit 0 when there are no errors.

    Examples:

      lrviz check configs/warmup_cosine.yaml

      lrviz check torch.OneCycleLR --steps 1200 --set torch.OneCycleLR.total_steps=1000

      lrviz check step --steps 100000 --steps-per-epoch 1000 --set step.step_size=30
    """
    from collections import Counter

    from .diagnose import diagnose, summary

    cfg = _source_config(sources, steps, lr, steps_per_epoch, assignments, force)
    counts: Counter = Counter()
    profiles = _evaluated_profiles(cfg, sources)
    for label, schedule, found in profiles:
        for finding in diagnose(schedule, cfg.total_steps, steps_per_epoch=cfg.steps_per_epoch, scanned=found):
            counts[finding.level] += 1
            typer.echo(f"{label}: {finding.text()}")
    typer.echo(summary(counts, len(profiles)))
    if counts["error"]:
        raise typer.Exit(1)


@app.command()
def sweep(
    name: str = typer.Argument(..., help="A schedule name (see 'lrviz list')."),
    vary: List[str] = typer.Option(..., "--vary", help="PARAM=V1,V2,... (repeatable: every combination is drawn)."),
    assignments: Optional[List[str]] = typer.Option(None, "--set", help="PARAM=VALUE fixed for every curve, repeatable."),
    steps: int = typer.Option(1000, "--steps", help="total_steps of every curve."),
    lr: float = typer.Option(0.1, "--lr", help="Peak/base lr of every curve."),
    steps_per_epoch: Optional[int] = SpeOption,
    title: Optional[str] = typer.Option(None, "--title", help="Figure title (default: the name and what varies)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Output file (default sweep.png); .png, .svg "
                                         "or .pdf."),
    show_stats: bool = typer.Option(False, "--stats", help="Add the stats table under the plot."),
    layout: Optional[str] = LayoutOption,
    style: Optional[str] = StyleOption,
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
    annotate: Optional[bool] = AnnotateOption,
    term: bool = TermOption,
    force: bool = ForceOption,
) -> None:
    """Draw a family of curves of one schedule, one per value of the varied parameters.

    Values are written as in YAML (1e-4, 500, 10%, 5ep, true, [30, 60]); use
    ';' between values that hold commas themselves.

    Examples:

      lrviz sweep cosine --vary min_lr=0,1e-4,1e-3 -o cosine_min_lr.png

      lrviz sweep step --vary gamma=0.1,0.5 --vary step_size=200,400 --layout grid

      lrviz sweep multistep --vary "milestones=[300, 600];[500, 800]" --term
    """
    from dataclasses import replace

    from .config import parse_value
    from .sweep import sweep as make_sweep

    _check_run(steps, lr, steps_per_epoch, force)
    varied = []
    for item in vary:
        param, sep, raw = item.partition("=")
        if not sep or not param or not raw:
            _usage(f"--vary {item}: expected PARAM=V1,V2,..., e.g. --vary min_lr=0,1e-4")
        parts = raw.split(";") if ";" in raw else raw.split(",")
        varied.append((param.strip(), [parse_value(v.strip()) for v in parts]))
    fixed = {}
    for item in assignments or []:
        param, sep, raw = item.partition("=")
        if not sep or not param:
            _usage(f"--set {item}: expected PARAM=VALUE, e.g. --set decay_steps=800")
        fixed[param.strip()] = parse_value(raw)
    from .errors import ParameterError

    try:
        cfg = make_sweep(name, varied, fixed=fixed, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch,
                         title=title)
    except ParameterError as err:
        _usage(f"--{err.param}: {err.message}")
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, layout=layout, style=style, logy=logy, x=x, dpi=dpi, size=size,
                                       annotate=annotate))
    if cfg.plot.x == "epochs" and not steps_per_epoch:
        _usage("--x: epochs need --steps-per-epoch")
    with _options_swept([p for p, _ in varied]):
        _draw(cfg, output or (None if term else "sweep.png"), term, with_stats=show_stats)


@contextmanager
def _options_swept(varied):
    """Report a parameter problem of a swept curve as the --vary (or --set) option that gave it."""
    try:
        yield
    except ConfigError as err:
        issues = []
        for issue in err.issues:
            label, sep, param = issue.path.partition(".params.")
            if sep:
                name = param.split(".")[0]
                value = dict(part.split("=", 1) for part in label.split(", ") if "=" in part).get(name)
                where = f"--vary {name}={value}" if name in varied and value is not None else f"--set {param}"
                issues.append(Issue("lrviz", None, None, where, issue.message))
            else:
                issues.append(issue)
        raise ConfigError(issues) from None


def _check_run(steps, lr, steps_per_epoch, force) -> None:
    from .limits import over_limit

    if steps < 1:
        _usage(f"--steps: must be >= 1; got {steps}")
    if not force and (refusal := over_limit(steps)):
        _usage(f"--steps: {refusal}")
    if not (lr >= 0 and lr != float("inf")):
        _usage(f"--lr: must be a finite number >= 0; got {lr:g}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        _usage(f"--steps-per-epoch: must be >= 1; got {steps_per_epoch}")


@app.command()
def resume(
    config: Path = typer.Argument(..., help="YAML config of the original run."),
    at: int = typer.Option(..., "--at", help="The step where the run stops and resumes."),
    total: Optional[int] = typer.Option(None, "--total", help="total_steps of the resumed run (default: unchanged)."),
    output: Optional[str] = OutOption,
    layout: Optional[str] = LayoutOption,
    style: Optional[str] = StyleOption,
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
    annotate: Optional[bool] = AnnotateOption,
    term: bool = TermOption,
    force: bool = ForceOption,
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

    from . import plotting, render
    from .config import load
    from .errors import ParameterError
    from .limits import over_limit
    from .resume import resume as resumed_curves

    cfg = load(str(config), force=force)
    if total is not None and (total < 1 or (not force and over_limit(total))):
        _usage(f"--total: {over_limit(total) if total >= 1 else f'must be >= 1; got {total}'}")
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, layout=layout, style=style, logy=logy, x=x, dpi=dpi, size=size,
                                       annotate=annotate))
    out = output or (None if term else f"{config.stem}_resumed.png")
    if term and output:
        _usage("--term previews in the terminal and writes no file; drop --output")
    fmt = None
    if out:
        from .files import check_output

        fmt = check_output(out, render.FORMATS)
    columns = 2 * _terminal()["width"] if term else render.pixel_columns(cfg.plot)
    try:
        curves, jumps, extent = resumed_curves(cfg, at, total, columns=columns)
    except ParameterError as err:
        _usage(f"--{err.param}: {err.message}")
    title = cfg.title or config.stem
    cfg = replace(cfg, title=f"{title}: resumed at step {at:,}" + (f" for {total:,} steps" if total else ""))
    if term:
        typer.echo(plotting.preview_curves(curves, cfg, total_steps=extent, **_terminal()))
    else:
        plotting.draw(curves, cfg, output=out, fmt=fmt, total_steps=extent)
    for jump in jumps:
        typer.echo(jump.text())
    if out:
        typer.echo(f"wrote {out}")


@app.command()
def explore(
    name: str = typer.Argument(..., help="A schedule name (see 'lrviz list')."),
    steps: int = typer.Option(1000, "--steps", help="total_steps of the run."),
    lr: float = typer.Option(0.1, "--lr", help="Peak/base lr."),
    steps_per_epoch: Optional[int] = SpeOption,
    assignments: Optional[List[str]] = typer.Option(None, "--set", help="PARAM=VALUE to start from, repeatable."),
) -> None:
    """Open a window with a slider per numeric parameter; the curve and its stats follow live.

    A reset button puts every slider back; peak, final, mean and area are shown
    above the plot. Needs a display (on a server, use sweep or compare --term).

    Examples:

      lrviz explore cosine

      lrviz explore onecycle --steps 5000 --set pct_start=0.25
    """
    from .config import parse_value
    from .explore import open_window

    _check_run(steps, lr, steps_per_epoch, False)
    params = {}
    for item in assignments or []:
        param, sep, raw = item.partition("=")
        if not sep or not param:
            _usage(f"--set {item}: expected PARAM=VALUE, e.g. --set min_lr=1e-4")
        params[param.strip()] = parse_value(raw)
    open_window(name, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch, params=params)


from .playground.cli import register as _register_playground  # noqa: E402
_register_playground(app)


def _terminated(signum, frame) -> None:
    """SIGTERM unwinds like Ctrl-C, so a file being written is cleaned up, never left half-done."""
    raise SystemExit(128 + signum)


@app.command()
def gallery(
    configs: str = typer.Option("configs", "--configs", help="Folder of YAML configs to draw."),
    out: str = typer.Option("gallery", "--out", help="Folder to write PNG, SVG and README.md into."),
) -> None:
    """Draw every config of a folder as PNG and SVG, and write an index (README.md) beside them.

    Example: lrviz gallery --configs configs --out gallery
    """
    from .gallery import build

    figures = build(configs, out, echo=typer.echo)
    typer.echo(f"{len(figures)} figures")


def main() -> None:
    """Entry point: run the app, turning lrviz errors into one line each and exit code 1."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = app(standalone_mode=False, prog_name="lrviz")
        if isinstance(code, int) and code:  # click returns, not raises, typer.Exit codes here
            sys.exit(code)
    except LrvizError as err:
        if os.environ.get("LRVIZ_DEBUG") == "1":
            raise
        for line in str(err).splitlines() or [type(err).__name__]:
            typer.echo(f"lrviz: {line}" if not isinstance(err, ConfigError) else line, err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if not (callable(show) and isinstance(code, int)):  # typer bundles its own click: duck-type it
            raise
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" or context is None or not hasattr(exc, "format_message"):
            show()  # the help text, for a bare 'lrviz' or 'lrviz CMD'
        else:
            where = context.command_path.replace("python -m ", "")
            typer.echo(f"lrviz: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(code)
