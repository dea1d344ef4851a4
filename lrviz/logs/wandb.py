"""Weights & Biases history exported as CSV.

Two shapes (ecosystem.md 8.2):

- the panel's "Export -> CSV" (``wandb_export_<time>.csv``): the x axis first
  (``Step``, or e.g. ``train/global_step``), then per run ``"<run> - <metric>"``
  with ``__MIN``/``__MAX`` companions (ignored) and empty cells where a run has
  no value. Every lr column of every run is a series named as its column;
- a ``run.history()`` / ``scan_history()`` table saved as CSV: ``_step`` plus
  the metric keys. ``history()`` is sampled to 500 rows: use ``scan_history``.

Logging rule. HF's WandbCallback logs ``train/learning_rate`` against
``train/global_step`` (1-based, after the update, as trainer_state.json): the
lr update ``s`` used, offset -1 (transformers >= 4.51). Lightning's WandbLogger
logs ``lr-<Opt>`` against ``trainer/global_step`` (0-based, this update):
offset 0. ``_step`` counts log calls, eval logs included, so it is a training
step only when every call logged one; the note says so.
"""

from __future__ import annotations

import os

from ._series import LogError, RunLog, lr_like
from ._table import collect, header

NAME = "wandb"
X_NAMES = ("train/global_step", "trainer/global_step", "Step", "global_step", "_step")


def _metric(column: str) -> str:
    return column.rsplit(" - ", 1)[-1]


def lr_columns(names: list[str]) -> list[str]:
    return [n for n in names if lr_like(_metric(n))]


def x_column(names: list[str]) -> str | None:
    return next((x for x in X_NAMES if x in names), None)


def detect(path: str) -> str | None:
    if not os.path.isfile(path) or not path.lower().endswith(".csv"):
        return None
    try:
        names = header(path)
    except LogError:
        return None
    if any(" - " in n for n in lr_columns(names)) and x_column(names):
        return f"{path} has '<run> - <metric>' columns (a W&B panel export)"
    if "_step" in names and lr_columns(names):
        return f"{path} has a _step column (a W&B history export)"
    if os.path.basename(path).startswith("wandb_export_") and lr_columns(names):
        return f"{path} is named like a W&B export"
    return None


def rule(metric: str, x: str) -> tuple[int, str]:
    if metric == "train/learning_rate" and x in ("train/global_step", "Step"):
        return -1, f"HF's WandbCallback logs at {x} s the lr update s used: lr(s-1) (transformers >= 4.51 assumed)"
    if metric.startswith("lr-"):
        return 0, f"Lightning's LearningRateMonitor logs at {x} k lr(k), the lr of update k+1"
    if x == "_step":
        return 0, ("W&B's _step counts log calls, taken as the update index t (lr of update t+1): right only if "
                   "each call logged one step")
    return 0, f"{x} taken as the update index t, the logged lr as lr(t), the lr of update t+1"


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    names = header(path)
    x = columns[0] or x_column(names)
    if x is None:
        raise LogError(f"{path}:1: no step column ({', '.join(X_NAMES)}); the columns are: {', '.join(names)}")
    wanted = [columns[1]] if columns[1] else lr_columns(names)
    if not wanted:
        raise LogError(f"{path}:1: no lr column; the columns are: {', '.join(names)}; name one with --log-columns")
    out = []
    for col in collect(path, x, wanted):
        offset, note = rule(_metric(col.series), x)
        out.append(col.build(format=NAME, offset=offset, offset_note=note))
    return out
