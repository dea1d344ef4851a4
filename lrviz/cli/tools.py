"""Commands that open a window or write files of their own: explore, gallery, init."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ._options import (STEPS_HELP, Name, SetOwn, StepsPerEpoch, StepsText, apply_sets, check_run, complete_names,
                       parse_steps)


def explore(
    name: Name,
    steps: Annotated[StepsText, typer.Option("--steps", parser=parse_steps, metavar="N",
                                             help=f"total_steps of the run: {STEPS_HELP}.")] = 1000,
    lr: Annotated[float, typer.Option("--lr", help="Peak/base lr.")] = 0.1,
    steps_per_epoch: StepsPerEpoch = None,
    assignments: SetOwn = None,
) -> None:
    """Open a window with a slider per numeric parameter; the curve and its stats follow live.

    A reset button puts every slider back; peak, final, mean and area are shown
    above the plot. Needs a display (on a server, use sweep or compare --term).

    Examples:

      lrviz explore cosine

      lrviz explore onecycle --steps 5000 --set pct_start=0.25
    """
    from ..explore import open_window
    from ..spec import ScheduleSpec

    steps = check_run(steps, lr, steps_per_epoch, False)
    params = apply_sets([ScheduleSpec(name)], assignments)[0].params
    open_window(name, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch, params=params)


def gallery(
    configs: Annotated[str, typer.Option("--configs", help="Folder of YAML configs to draw.")] = "configs",
    out: Annotated[str, typer.Option("--out", help="Folder to write PNG, SVG and README.md into.")] = "gallery",
) -> None:
    """Draw every config of a folder as PNG and SVG, and write an index (README.md) beside them.

    Example: lrviz gallery --configs configs --out gallery
    """
    from ..gallery import build

    figures = build(configs, out, echo=typer.echo)
    typer.echo(f"{len(figures)} figures")


def init(
    what: Annotated[Optional[str], typer.Argument(metavar="[NAME|FORMAT]", help="A schedule name (see 'lrviz list') "
                                                  "for a starter of it with its defaults, or hf for a HuggingFace "
                                                  "TrainingArguments file; default: warmup + cosine.",
                                                  autocompletion=lambda incomplete: complete_names(incomplete))] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="File to write (default "
                                                  "lr.yaml, NAME.yaml or hf_training_args.yaml); - prints it.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write a commented starter config to edit: it passes 'lrviz check' and draws with 'lrviz plot' as it is.

    Never overwrites a file without --force. The default starter is warmup +
    cosine on 10,000 steps with every common key explained; a schedule name
    gives that schedule with each parameter at its default.

    Examples:

      lrviz init

      lrviz init wsd -o wsd.yaml

      lrviz init hf -o -
    """
    import os

    from ..errors import OutputError
    from ..output import atomic_write, check_output
    from ..starter import default_file, starter

    text = starter(what)
    if output == "-":
        typer.echo(text, nl=False)
        return
    path = output or default_file(what)
    check_output(path, ("yaml", "yml"))
    if os.path.exists(path) and not force:
        raise OutputError(f"{path}: exists; lrviz init does not overwrite it (--force does, or give -o FILE)")
    atomic_write(path, lambda fh: fh.write(text), binary=False)
    typer.echo(f"wrote {path}; draw it with: lrviz plot {path}")


COMMANDS = (explore, gallery, init)
