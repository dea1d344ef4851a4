"""Curves -> CSV or JSON: the step plus one column per curve (and momentum when cycled)."""

from __future__ import annotations

import csv
import json
import math
from typing import Sequence

from .spec import Curve
from .output import atomic_write

FORMATS = ("csv", "json")


def columns(curves: Sequence[Curve]) -> dict[str, list]:
    """Column name -> values; momentum columns are named '<label> momentum'."""
    out: dict[str, list] = {"step": curves[0].steps.tolist()}
    for curve in curves:
        name = curve.label if curve.label != "step" else "step lr"
        while name in out:
            name += "'"
        out[name] = curve.lr.tolist()
        if curve.momentum is not None:
            out[f"{name} momentum"] = curve.momentum.tolist()
    return out


def write(curves: Sequence[Curve], path: str, fmt: str) -> None:
    """Write the curves to ``path`` atomically as ``fmt`` (csv or json)."""
    table = columns(curves)
    if fmt == "json":  # JSON has no NaN: a step without a value (momentum of a plain phase) is null
        clean = {k: [None if isinstance(v, float) and not math.isfinite(v) else v for v in col] for k, col in table.items()}
        atomic_write(path, lambda fh: json.dump(clean, fh, allow_nan=False), binary=False)
        return

    def write_csv(fh) -> None:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(table))
        for row in zip(*table.values()):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])

    atomic_write(path, write_csv, binary=False)
