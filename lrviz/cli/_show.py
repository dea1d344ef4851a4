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


def destination(output: str | None, term: bool, default: str) -> str | None:
    """The file to write (``default`` when none is given), or None for a terminal preview."""
    if term and output:
        raise UsageError("--term previews in the terminal and writes no file; drop --output")
    return None if term else (output or default)


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
    typer.echo(f"wrote {output}")
