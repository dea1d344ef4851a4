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

OutOption = typer.Option(None, "--output", "-o", help="Output file; the extension picks the format.")
LogyOption = typer.Option(None, "--logy/--no-logy", help="Logarithmic lr axis.")
XOption = typer.Option(None, "--x", help="x axis unit: steps, epochs (needs steps_per_epoch) or fraction.")
MomentumOption = typer.Option(None, "--momentum", help="Momentum panel: auto (when a curve cycles it), on or off.")
DpiOption = typer.Option(None, "--dpi", help="Resolution of PNG output, dots per inch.")
SizeOption = typer.Option(None, "--size", help="Figure size in inches, W,H (e.g. 8,4.5).")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lrviz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Plot and compare learning-rate schedules before you train."""


def _plot_spec(base, logy, x, momentum, dpi, size):
    """Apply command-line plot options over a config's ``plot:`` section."""
    from dataclasses import replace

    from .config import parse_dpi, parse_size
    from .errors import ParameterError
    from .spec import MOMENTUM_CHOICES, X_UNITS

    changes = {}
    try:
        if logy is not None:
            changes["logy"] = logy
        if x is not None:
            if x not in X_UNITS:
                raise ParameterError("--x", f"must be one of {', '.join(X_UNITS)}; got {x!r}")
            changes["x"] = x
        if momentum is not None:
            if momentum not in MOMENTUM_CHOICES:
                raise ParameterError("--momentum", f"must be one of {', '.join(MOMENTUM_CHOICES)}; got {momentum!r}")
            changes["momentum"] = momentum
        if dpi is not None:
            changes["dpi"] = parse_dpi("--dpi", dpi)
        if size is not None:
            changes["size"] = parse_size("--size", size)
    except ParameterError as err:
        _usage(f"{err.param}: {err.message}")
    return replace(base, **changes)


def _usage(message: str) -> None:
    typer.echo(f"lrviz: {message}", err=True)
    raise typer.Exit(2)


def _draw(config, out: str) -> None:
    from . import render
    from .curves import evaluate
    from .files import check_output

    fmt = check_output(out, render.FORMATS)
    if config.plot.x == "epochs" and not config.steps_per_epoch:
        raise ConfigError([Issue(config.source, None, None, "plot.x", "x in epochs needs steps_per_epoch")])
    curves = evaluate(config)
    fig = render.figure(curves, config.plot, title=config.title, total_steps=config.total_steps,
                        steps_per_epoch=config.steps_per_epoch)
    render.save(fig, out, fmt, title=config.title, source=config.source)
    typer.echo(f"wrote {out}")


@app.command()
def plot(
    config: Path = typer.Argument(..., help="YAML config naming the schedules (see configs/)."),
    output: Optional[str] = OutOption,
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    momentum: Optional[str] = MomentumOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
) -> None:
    """Draw the schedules of a YAML config into a PNG, SVG or PDF.

    Example: lrviz plot configs/warmup_cosine.yaml -o warmup.pdf
    """
    from dataclasses import replace

    from .config import load

    cfg = load(str(config))
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, logy, x, momentum, dpi, size))
    out = output or cfg.output or f"{config.stem}.png"
    if not output and cfg.output and not os.path.isabs(cfg.output):
        out = str(config.parent / cfg.output)
    _draw(cfg, out)


def _names_config(names, steps, lr, steps_per_epoch, assignments, title=None):
    """Build a Config from schedule names and --set NAME.PARAM=VALUE options."""
    from .config import parse_value
    from .registry import lookup
    from .spec import Config, ScheduleSpec

    if steps < 1:
        _usage(f"--steps: must be >= 1; got {steps}")
    if lr < 0:
        _usage(f"--lr: must be >= 0; got {lr:g}")
    params: dict[str, dict] = {}
    for name in names:
        canonical, _ = lookup(name)
        params.setdefault(name, {})
    for item in assignments or []:
        key, sep, raw = item.partition("=")
        target, dot, param = key.partition(".")
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
    output: str = typer.Option("lr.png", "--output", "-o", help="Output file; the extension picks the format."),
    logy: Optional[bool] = LogyOption,
    x: Optional[str] = XOption,
    momentum: Optional[str] = MomentumOption,
    dpi: Optional[int] = DpiOption,
    size: Optional[str] = SizeOption,
) -> None:
    """Compare schedules by name on shared defaults, without a config.

    Example: lrviz compare step cosine onecycle --steps 1000 --set cosine.min_lr=1e-4 -o lr.svg
    """
    from dataclasses import replace

    cfg = _names_config(names, steps, lr, steps_per_epoch, assignments, title)
    cfg = replace(cfg, plot=_plot_spec(cfg.plot, logy, x, momentum, dpi, size))
    with _options_named(names):
        _draw(cfg, output)


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
) -> None:
    """Write the lr of every step as CSV or JSON: a step column plus one column per curve.

    Example: lrviz export configs/warmup_cosine.yaml -o values.csv
    """
    from . import export as exporter
    from .config import load
    from .curves import evaluate
    from .files import check_output

    fmt = check_output(output, exporter.FORMATS)
    first = sources[0]
    if len(sources) == 1 and (first.endswith((".yaml", ".yml")) or os.path.isfile(first)):
        cfg = load(first)
    else:
        cfg = _names_config(sources, steps, lr, steps_per_epoch, assignments)
    with _options_named(sources):
        curves = evaluate(cfg)
    exporter.write(curves, output, fmt)
    typer.echo(f"wrote {output}")


def main() -> None:
    """Entry point: run the app, turning lrviz errors into one line each and exit code 1."""
    try:
        app(standalone_mode=False, prog_name="lrviz")
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
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
