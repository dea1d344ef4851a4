"""Where a drawing command's figure goes: a file, or a preview in this terminal."""

from __future__ import annotations

import os
import sys

import typer

from ..errors import UsageError


def terminal() -> dict:
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


def destination(output: str | None, term: bool, default: str, *, fmt: str | None = None) -> str | None:
    """The file to write (``default`` when none is given), stdout for ``-`` (in ``fmt``, default PNG; see
    :func:`lrviz.output.stdout_target`), or None for a terminal preview."""
    if term and output:
        raise UsageError("--term previews in the terminal and writes no file; drop --output")
    if output == "":
        raise UsageError("--output: the file name is empty; give one such as lr.png")
    if output == "-":
        from ..output import FIGURE_FORMATS, stdout_target

        return stdout_target(fmt, FIGURE_FORMATS)
    if fmt is not None:
        raise UsageError(f"--format {fmt}: picks the figure format of -o -; a file's extension picks its own")
    return None if term else (output if output is not None else default)


def to_stdout(output) -> bool:
    """Whether ``output`` is stdout (``-o -``): then nothing else may be printed there."""
    from ..output import StdoutTarget

    return isinstance(output, StdoutTarget)


def wrote(output) -> None:
    """``wrote FILE`` on stdout, unless the figure itself went there."""
    if not to_stdout(output):
        typer.echo(f"wrote {output}")


def draw(config, output: str | None, *, with_stats: bool = False, overlay=None) -> None:
    """Write the figure to ``output``, or print a terminal preview (``output`` None); with the stats table under it.

    ``overlay`` draws more on the lr axes of the figure (see :func:`lrviz.draw.figure`)."""
    from .. import draw as plotting

    table = None
    if with_stats:
        from ..analysis.stats import of_config, table as stats_table

        table = stats_table(of_config(config))
    if output is None:
        typer.echo(plotting.preview(config, **terminal()))
        if table:
            typer.echo(table)
        return
    plotting.figure(config, output=output, table=table, overlay=overlay)
    wrote(output)


def draw_many(configs: list, frame, output: str | None, *, with_stats: bool = False) -> None:
    """The curves of several configs in one figure (``compare --config``), each over its own total.

    ``frame`` is the Config whose plot options, title and steps_per_epoch the figure takes."""
    from .. import draw as plotting
    from ..draw import mpl

    columns = mpl.pixel_columns(frame.plot) if output is not None else 2 * terminal()["width"]
    curves = [curve for config in configs for curve in plotting.display_curves(config, columns)]
    extent = max(config.total_steps for config in configs)
    table = None
    if with_stats:
        from ..analysis.stats import of_config, table as stats_table

        table = stats_table([row for config in configs for row in of_config(config)])
    if output is None:
        typer.echo(plotting.preview_curves(curves, frame, total_steps=extent, **terminal()))
        if table:
            typer.echo(table)
        return
    plotting.draw(curves, frame, output=output, total_steps=extent, table=table)
    wrote(output)
