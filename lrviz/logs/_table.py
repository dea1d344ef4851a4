"""CSV logs, streamed row by row: a header, an x column and one or more lr columns.

Used by the Lightning, Keras, W&B and generic CSV readers. Rows whose lr cell
is empty (Lightning writes other metrics on rows of their own) or ``NA`` /
``nan`` written for "no value" (Keras writes ``NA`` for missing ``val_``
columns) are skipped; any other cell that is not a finite number is an error
naming the line.
"""

from __future__ import annotations

import csv

from ._series import Collector, LogError, parse_float, parse_step, text_lines

MISSING = {"", "na", "nan", "none", "null"}


def header(path: str) -> list[str]:
    """The first row of a CSV log (LogError if the file is empty, not text, or has no header)."""
    lines = text_lines(path)
    try:
        row = next(csv.reader(lines), None)
    except csv.Error as err:
        raise LogError(f"{path}:1: not valid CSV ({err})") from None
    finally:
        lines.close()
    if not row or not any(cell.strip() for cell in row):
        raise LogError(f"{path}:1: no header row; expected column names such as step,lr")
    return [cell.strip() for cell in row]


def index_of(names: list[str], column: str, path: str, what: str) -> int:
    if column not in names:
        from ..errors import did_you_mean

        raise LogError(f"{path}:1: no {what} column {column!r}{did_you_mean(column, names)}; "
                       f"the columns are: {', '.join(names)}")
    return names.index(column)


def collect(path: str, x_column: str, lr_columns: list[str], *, series_names: list[str] | None = None
            ) -> list[Collector]:
    """Stream ``path`` and collect one checked series per lr column (in ``lr_columns`` order).

    A row with a value in an lr column must have an x value. ``series_names``
    renames the series (W&B's ``"run - metric"`` columns) and defaults to the
    column names.
    """
    names = header(path)
    xi = index_of(names, x_column, path, "step")
    lis = [index_of(names, c, path, "lr") for c in lr_columns]
    out = [Collector(path, n) for n in (series_names or lr_columns)]
    reader = csv.reader(text_lines(path))
    try:
        next(reader)
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != len(names):
                raise LogError(f"{path}:{line}: {len(row)} cells where the header has {len(names)}; "
                               "a truncated or garbled row?")
            for li, col in zip(lis, out):
                cell = row[li].strip()
                if cell.lower() in MISSING:
                    continue
                x = row[xi].strip()
                if x.lower() in MISSING:
                    raise LogError(f"{path}:{line}: {col.series} has a value but {x_column} is empty")
                col.add(parse_step(x, path, line, x_column), parse_float(cell, path, line, col.series), line,
                        text=cell)
    except csv.Error as err:
        raise LogError(f"{path}:{reader.line_num}: not valid CSV ({err})") from None
    for col in out:
        if not col:
            raise LogError(f"{path}: column {col.series!r} holds no lr values")
    return out
