"""Commands that read or report without drawing: list, show, export, stats, check."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ._options import Force, Lr, Set, Sources, Steps, StepsPerEpoch, source_config

STATS_FORMATS = ("table", "csv", "json")


def list_() -> None:
    """List every schedule name with a one-line summary.

    Example: lrviz list
    """
    from ..registry import TABLE

    width = max(len(n) for n in TABLE)
    for name in sorted(TABLE):
        typer.echo(f"{name:<{width}}  {TABLE[name].summary}")


def show(name: Annotated[str, typer.Argument(help="A schedule name from 'lrviz list'.")]) -> None:
    """Show a schedule's formula, parameters with defaults and units, and its framework twins.

    Example: lrviz show cosine
    """
    from ..analysis.describe import describe

    typer.echo(describe(name))


def export(
    sources: Sources,
    output: Annotated[str, typer.Option("--output", "-o", help="values.csv or values.json")],
    steps: Steps = 1000,
    lr: Lr = 0.1,
    steps_per_epoch: StepsPerEpoch = None,
    assignments: Set = None,
    force: Force = False,
) -> None:
    """Write the lr of every step as CSV or JSON: a step column plus one column per curve.

    Example: lrviz export configs/warmup_cosine.yaml -o values.csv
    """
    from ..curves import evaluate
    from ..output import DATA_FORMATS, check_output, write_data

    fmt = check_output(output, DATA_FORMATS)
    curves = evaluate(source_config(sources, steps, lr, steps_per_epoch, assignments, force))
    write_data(curves, output, fmt)
    typer.echo(f"wrote {output}")


def stats(
    sources: Sources,
    steps: Steps = 1000,
    lr: Lr = 0.1,
    steps_per_epoch: StepsPerEpoch = None,
    assignments: Set = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    force: Force = False,
) -> None:
    """Peak, final and mean lr, the area (sum of lr over the run) and the steps above half the peak.

    The area compares schedules at equal budget: two schedules with the same
    area move the weights of plain SGD about as far.

    Examples:

      lrviz stats configs/warmup_cosine.yaml

      lrviz stats step cosine onecycle --steps 10000 --format csv
    """
    from ..analysis.stats import as_csv, as_json, of_config, table

    if fmt not in STATS_FORMATS:
        raise UsageError(f"--format: must be one of {', '.join(STATS_FORMATS)}; got {fmt!r}")
    rows = of_config(source_config(sources, steps, lr, steps_per_epoch, assignments, force))
    typer.echo({"table": table, "csv": as_csv, "json": as_json}[fmt](rows).rstrip("\n"))


def check(
    sources: Sources,
    steps: Steps = 1000,
    lr: Lr = 0.1,
    steps_per_epoch: StepsPerEpoch = None,
    assignments: Set = None,
    force: Force = False,
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

    from ..analysis.diagnose import diagnose, summary
    from ..analysis.stats import profiles

    cfg = source_config(sources, steps, lr, steps_per_epoch, assignments, force)
    counts: Counter = Counter()
    found = profiles(cfg)
    for label, schedule, profile in found:
        for finding in diagnose(schedule, cfg.total_steps, steps_per_epoch=cfg.steps_per_epoch, scanned=profile):
            counts[finding.level] += 1
            typer.echo(f"{label}: {finding.text()}")
    typer.echo(summary(counts, len(found)))
    if counts["error"]:
        raise typer.Exit(1)


COMMANDS = (("list", list_), show, export, stats, check)
