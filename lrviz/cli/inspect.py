"""Commands that read or report without drawing: list, show, export, stats, check."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..errors import UsageError
from ._options import ConfigFacts, Force, Lr, Set, Sources, Steps, config_options, log_options, source_config
from ._runlog import LogOptions

STATS_FORMATS = ("table", "csv", "json")


def _matches(pattern: str | None, *texts: str) -> bool:
    """``pattern`` as a glob (when it holds * ? or [) or else a substring, case-insensitive, in any of ``texts``."""
    import fnmatch

    if not pattern:
        return True
    pattern = pattern.lower()
    if any(c in pattern for c in "*?["):
        return any(fnmatch.fnmatchcase(t.lower(), pattern) for t in texts)
    return any(pattern in t.lower() for t in texts)


def _example_title(path: str) -> str:
    """The ``title:`` of an example config (its first line that sets one), or ''."""
    import re

    try:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(4000)
    except OSError:
        return ""
    found = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", head, re.M)
    return found.group(1) if found else ""


def list_(
    framework: Annotated[Optional[str], typer.Argument(metavar="[FRAMEWORK]", help="With --twins: only this "
                                                       "framework's twins (torch, hf, keras, optax, ...).")] = None,
    pattern: Annotated[Optional[str], typer.Option("--filter", metavar="TEXT", help="Only names or summaries "
                                                   "holding TEXT, or matching it as a glob (cos*, *warmup*).")] = None,
    twins: Annotated[bool, typer.Option("--twins", help="Only the framework twins (exact copies of a library's "
                                        "scheduler), all of them or one FRAMEWORK's.")] = False,
    shipped: Annotated[bool, typer.Option("--examples", help="List the example configs lrviz ships instead; "
                                          "draw one by name: lrviz plot NAME.")] = False,
) -> None:
    """List every schedule name with a one-line summary (or the shipped example configs).

    Examples:

      lrviz list --filter cos

      lrviz list --twins torch

      lrviz list --examples
    """
    if shipped:
        if twins or framework:
            raise UsageError("--examples lists the example configs; --twins lists schedules: give one of them")
        from ..sources import examples

        found = {name: _example_title(path) for name, path in examples().items()}
        found = {name: title for name, title in found.items() if _matches(pattern, name, title)}
        if not found:
            typer.echo(f"lrviz: no shipped example matches {pattern!r}" if pattern else "lrviz: no examples are installed",
                       err=True)
            raise typer.Exit(1)
        width = max(len(n) for n in found)
        for name, title in found.items():
            typer.echo(f"{name:<{width}}  {title}".rstrip())
        return
    from ..registry import TABLE

    names = sorted(TABLE)
    if framework is not None or twins:
        frameworks = sorted({n.split(".")[0] for n in names if "." in n})
        if framework is not None and framework not in frameworks:
            from ..errors import did_you_mean

            raise UsageError(f"--twins {framework}: no such framework{did_you_mean(framework, frameworks)}; "
                             f"one of {', '.join(frameworks)}")
        names = [n for n in names if "." in n and (framework is None or n.split(".")[0] == framework)]
    names = [n for n in names if _matches(pattern, n, TABLE[n].summary)]
    if not names:
        typer.echo(f"lrviz: no schedule matches {pattern!r}; 'lrviz list' shows them all", err=True)
        raise typer.Exit(1)
    width = max(len(n) for n in names)
    for name in names:
        typer.echo(f"{name:<{width}}  {TABLE[name].summary}")


def show(name: Annotated[str, typer.Argument(help="A schedule name from 'lrviz list'.")]) -> None:
    """Show a schedule's formula, parameters with defaults and units, and its framework twins.

    Example: lrviz show cosine
    """
    from ..analysis.describe import describe

    typer.echo(describe(name))


@config_options()
def export(
    sources: Sources,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="values.csv, .json, .npy or "
                                                  ".npz, or - for stdout (CSV, or --format json); with --to, the file "
                                                  "to write (default: print it).")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Write the trainer config or code that gives the same "
                                              "curve instead: hf, deepspeed, torch or optax.")] = None,
    steps: Steps = None,
    lr: Lr = None,
    assignments: Set = None,
    every: Annotated[Optional[int], typer.Option("--every", help="Keep every Nth step (0, N, 2N, ...) and always "
                                                 "the last one.")] = None,
    window: Annotated[Optional[str], typer.Option("--range", metavar="A:B[:N]", help="Steps A..B-1 only, like a "
                                                  "Python slice (A: and :B allowed, negative from the end); "
                                                  ":N adds a stride.")] = None,
    force: Force = False,
    *,
    facts: ConfigFacts,
) -> None:
    """Write the lr of every step as CSV, JSON, NPY or NPZ (a step column plus one column per curve, and
    '<label> momentum' when it cycles momentum), or, with --to, the trainer's config or code that gives
    the same curve.

    Formats: .csv (floats as Python's repr: they read back exactly), .json
    ({"step": [...], "<label>": [...]}, NaN as null), .npy (one 2-D float64
    array, rows x columns in the CSV's column order: column 0 is the step), .npz
    (one array per column, keys as the CSV header: np.load(p)["step"]).
    Written in chunks: 100M steps need no more memory than 1M.

    --every N keeps steps 0, N, 2N, ... and always the last step, so the final
    lr is never lost; --range A:B keeps steps A..B-1 (A:B:N with a stride).

    --to writes an exact equivalent only: every step is checked against the
    trainer's own formula, and when no counterpart gives the same curve lrviz
    says why instead of writing something close.

    Examples:

      lrviz export configs/warmup_cosine.yaml -o values.csv

      lrviz export cosine --steps 100000000 --every 1000 -o values.npz

      lrviz export configs/onecycle.yaml --range 900: -o end.json

      lrviz export configs/trainers/deepspeed_config.json -o values.json

      lrviz export hf.cosine --steps 1000 --set hf.cosine.num_warmup_steps=50 --to deepspeed

      cat cfg.yaml | lrviz export - -o - --format json
    """
    from ..output import DATA_FORMATS, atomic_write, check_output, stdout_target, write_data
    from ._options import figure_target

    if to is None and output is None:
        raise UsageError("give --output values.csv (or .json, .npy, .npz), or --to TRAINER")
    if to is not None:
        from ..errors import did_you_mean
        from ..trainers.export import TARGETS

        if to not in TARGETS:
            raise UsageError(f"--to: unknown target {to!r}{did_you_mean(str(to), TARGETS)}; one of {', '.join(TARGETS)}")
        if every is not None or window is not None:
            raise UsageError(f"{'--every' if every is not None else '--range'}: selects rows of an export to a file; "
                             "--to writes the trainer's config, which has no rows")
    facts, stdout_fmt = figure_target(facts, output, DATA_FORMATS)
    if output == "-":  # stdout: CSV unless --format json
        output = None if to is not None else stdout_target(stdout_fmt, DATA_FORMATS)
    fmt = None
    if to is None:
        fmt = check_output(output, DATA_FORMATS)
    elif output is not None:
        check_output(output, ("json",) if to in ("hf", "deepspeed") else ("py",))
    cfg = source_config(sources, steps, lr, assignments, force, facts)
    if to is not None:
        from ..trainers.export import to_trainer

        text = to_trainer(cfg, to)
        if output is None:
            typer.echo(text.rstrip("\n"))
            return
        atomic_write(output, lambda fh: fh.write(text), binary=False)
    else:
        from ..curves import export_curves
        from ..datafile import rows

        selected = rows(cfg.total_steps, every=every, window=window)
        write_data(export_curves(cfg), output, fmt, rows=selected, source=cfg.source)
    if output != "-":
        typer.echo(f"wrote {output}")


@config_options(format_flags=("--config-format",))  # --format is the table's
def stats(
    sources: Sources,
    steps: Steps = None,
    lr: Lr = None,
    assignments: Set = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    force: Force = False,
    *,
    facts: ConfigFacts,
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
    rows = of_config(source_config(sources, steps, lr, assignments, force, facts))
    typer.echo({"table": table, "csv": as_csv, "json": as_json}[fmt](rows).rstrip("\n"))


@config_options()
@log_options
def check(
    sources: Sources,
    steps: Steps = None,
    lr: Lr = None,
    assignments: Set = None,
    force: Force = False,
    *,
    facts: ConfigFacts,
    run: LogOptions,
) -> None:
    """Diagnose schedules before training: one line per finding, with the step and a hint.

    Errors (exit 1): a negative or non-finite lr (where it is the framework's own
    float32 failure, e.g. optax's NaN under jax.jit, the line names the framework,
    the cause and the smallest change that avoids it), an lr that is 0 everywhere, a
    framework twin stepped past the point where its library raises, warmup as
    long as training. Warnings:
    no annealing, a min lr never reached, a jump where phases meet, too many
    restarts, durations that look like epochs given as steps. Notes: known
    quirks of the framework twins in use. Exit 0 when there are no errors.

    --log RUN then lays the lr the run logged against the plan: it reports the
    first step where they part beyond rounding, by how much, and the likely
    cause (stepped per epoch, gradient accumulation or world size forgotten,
    warmup counted twice, an off-by-one in logging, a resume with a new total).
    Exit 1 when the run left the plan.

    Examples:

      lrviz check configs/warmup_cosine.yaml

      lrviz check configs/trainers/deepspeed_config.json

      lrviz check hf.cosine --steps 40 --lr 5e-2 --set hf.cosine.num_warmup_steps=5 --log out/checkpoint-40

      lrviz check torch.OneCycleLR --steps 1200 --set torch.OneCycleLR.total_steps=1000

      lrviz check step --steps 100000 --steps-per-epoch 1000 --set step.step_size=30
    """
    from collections import Counter

    from ..analysis.diagnose import diagnose, summary
    from ..analysis.stats import profiles

    with_log = run.given()
    cfg = source_config(sources, steps, lr, assignments, force, facts)
    counts: Counter = Counter()
    found = profiles(cfg)
    lines = []  # printed once the log (if any) is read: a log that cannot be read is the only output
    for label, schedule, profile in found:
        for finding in diagnose(schedule, cfg.total_steps, steps_per_epoch=cfg.steps_per_epoch, scanned=profile):
            counts[finding.level] += 1
            lines.append(f"{label}: {finding.text()}")
    lines.append(summary(counts, len(found)))
    left = False
    if with_log:
        _, verdict, _ = run.verdict(cfg, facts.world_size)
        lines += verdict.lines()
        left = verdict.exit_code != 0
    for line in lines:
        typer.echo(line)
    if counts["error"] or left:
        raise typer.Exit(1)


COMMANDS = (("list", list_), show, export, stats, check)
