"""Lightning CSVLogger ``metrics.csv`` with LearningRateMonitor columns.

Where: ``<save_dir>/<name>/version_<n>/metrics.csv`` (next to ``hparams.yaml``).
Header e.g. ``epoch,lr-AdamW,lr-AdamW-momentum,step,train_loss``; lr rows have
an empty ``epoch``; other metrics come on rows of their own (their lr cell is
empty and skipped).

Series: every LearningRateMonitor lr column, ``lr-<Optimizer>`` or a scheduler's
``name``, ``lr-<Opt>/pg1`` for more param groups, ``lr-Adam-1`` for a second
optimizer of the same class; ``-momentum`` and ``-weight_decay`` columns are not
lrs. ``columns=(None, "lr-AdamW/pg1")`` picks one.

Logging rule (ecosystem.md 5.3, checked on Lightning 2.6.6): ``step`` is
``_batches_that_stepped``, the 0-based index of the coming update, read in
``on_train_batch_start``: the row ``step = k`` carries ``lr(k)``. Offset 0.
Rows come every ``log_every_n_steps`` (at k = 49, 99, ... by default).
"""

from __future__ import annotations

import os

from ._series import LogError, RunLog, lr_like
from ._table import collect, header

NAME = "lightning"
FILE = "metrics.csv"
NOTE = "Lightning's LearningRateMonitor logs at step k (0-based, updates done) lr(k), the lr of update k+1"


def locate(path: str) -> str | None:
    if os.path.isfile(path):
        return path if os.path.basename(path) == FILE else None
    if os.path.isdir(path):
        direct = os.path.join(path, FILE)
        if os.path.isfile(direct):
            return direct
        versions = sorted((e for e in os.listdir(path) if e.startswith("version_")
                           and os.path.isfile(os.path.join(path, e, FILE))),
                          key=lambda e: int(e[8:]) if e[8:].isdigit() else -1)
        if len(versions) == 1:
            return os.path.join(path, versions[0], FILE)
        if len(versions) > 1:
            raise LogError(f"{path}: holds {len(versions)} Lightning runs ({', '.join(versions)}); "
                           "point --log at one version_N folder")
    return None


def lr_columns(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith("lr-") and lr_like(n)] or [n for n in names if lr_like(n)]


def detect(path: str) -> str | None:
    found = locate(path)
    if found is None:
        return None
    try:
        names = header(found)
    except LogError:
        return f"{found} is named like a Lightning CSVLogger file"
    if "step" in names and any(n.startswith("lr-") for n in names):
        return f"{found} has a step column and LearningRateMonitor columns (lr-...)"
    return None


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    found = locate(path) or path
    names = header(found)
    x = columns[0] or "step"
    wanted = [columns[1]] if columns[1] else lr_columns(names)
    if not wanted:
        raise LogError(f"{found}:1: no lr column (LearningRateMonitor writes lr-<Optimizer>); "
                       f"the columns are: {', '.join(names)}; name one with --log-columns step,NAME")
    return [c.build(format=NAME, offset=0, offset_note=NOTE) for c in collect(found, x, wanted)]
