"""Commands that open a window or write many files: explore, gallery."""

from __future__ import annotations

from typing import Annotated

import typer

from ._options import Name, SetOwn, StepsPerEpoch, check_run, parse_assignments


def explore(
    name: Name,
    steps: Annotated[int, typer.Option("--steps", help="total_steps of the run.")] = 1000,
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
    from ..config import parse_value
    from ..explore import open_window

    check_run(steps, lr, steps_per_epoch, False)
    params = {param: parse_value(text) for _, _, param, text in
              parse_assignments(assignments, "--set", example="min_lr=1e-4")}
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


COMMANDS = (explore, gallery)
