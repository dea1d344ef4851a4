"""Any CSV with a step column and an lr column (format name ``csv``).

``columns=("iteration", "lr")`` (``--log-columns iteration,lr``) names them.
Without it a step column is looked for by name (``step``, ``global_step``,
``iteration``, ``iter``, ``update``, ``num_updates``, ``_step``, ``Step``) and one
lr column (``lr``, ``learning_rate``, ``lr-AdamW``, ...); none or several of
either is an error naming the columns.

Logging rule: none can be known, so the step value is taken as the lrviz step
``t`` as it is (the lr of update ``t + 1``); a 1-based log, written after the
update, needs ``offset=-1``. The check reports an off-by-one when that guess is
wrong. Precision: from the printed digits.
"""

from __future__ import annotations

import os

from ._series import LogError, RunLog, lr_like
from ._table import collect, header

NAME = "csv"
STEP_NAMES = ("step", "global_step", "iteration", "iter", "update", "num_updates", "_step", "Step", "steps")
NOTE = "the step column taken as the update index t, its lr as lr(t), the lr of update t+1"


def guess(names: list[str], path: str) -> tuple[str, list[str]]:
    x = next((n for n in STEP_NAMES if n in names), None)
    lrs = [n for n in names if lr_like(n)]
    if x is None:
        raise LogError(f"{path}:1: no step column found among {', '.join(names)}; name it with --log-columns STEP,LR")
    if not lrs:
        raise LogError(f"{path}:1: no lr column found among {', '.join(names)}; name it with --log-columns {x},LR")
    return x, lrs


def detect(path: str) -> str | None:
    if not os.path.isfile(path) or not path.lower().endswith((".csv", ".txt", ".log")):
        return None
    try:
        names = header(path)
        x, lrs = guess(names, path)
    except LogError:
        return None
    return f"{path} has a {x} column and {', '.join(lrs)}"


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    names = header(path)
    if columns[0] and columns[1]:
        x, lrs = columns[0], [columns[1]]
    else:
        x, lrs = guess(names, path)
        x = columns[0] or x
        lrs = [columns[1]] if columns[1] else lrs
    return [c.build(format=NAME, offset=0, offset_note=NOTE) for c in collect(path, x, lrs)]
