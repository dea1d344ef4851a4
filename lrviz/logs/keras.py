"""Keras ``CSVLogger`` files: one row per epoch, ``epoch`` then the sorted log keys.

The lr column is ``learning_rate`` (Keras 3) or ``lr`` (tf-keras 2.x). It is
there only when a callback that ran before the CSVLogger put it in the logs:
``LearningRateScheduler``, ``ReduceLROnPlateau`` or ``TensorBoard``. A
``LearningRateSchedule`` object alone logs no lr. Keras 3 writes ``NA`` in the
``val_`` columns when there is no validation; those are not read.

Logging rule (ecosystem.md 0.1 and 7.4, run on Keras 3.15): ``epoch`` is
0-based and the row holds the lr of that epoch (LearningRateScheduler sets it
at the epoch's start, the value is read at its end). The RunLog is in epochs
(``unit == "epoch"``): step ``e`` is epoch ``e``; with steps per epoch ``S``
its first update is ``e * S``. Values are float32, rounded when printed.
"""

from __future__ import annotations

import os

from ._series import FLOAT32_RESOLUTION, LogError, RunLog
from ._table import collect, header

NAME = "keras"
NOTE = "Keras' CSVLogger logs at epoch e (0-based) the lr that epoch used"
LR_NAMES = ("learning_rate", "lr")


def detect(path: str) -> str | None:
    if not (os.path.isfile(path) and path.lower().endswith((".csv", ".log", ".txt"))):
        return None
    try:
        names = header(path)
    except LogError:
        return None
    if names and names[0] == "epoch" and any(n in names for n in LR_NAMES) and "step" not in names:
        return f"{path} starts with an epoch column and has a {next(n for n in LR_NAMES if n in names)} column (Keras CSVLogger)"
    return None


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    names = header(path)
    x = columns[0] or "epoch"
    lr = columns[1] or next((n for n in LR_NAMES if n in names), None)
    if lr is None:
        raise LogError(f"{path}:1: no learning_rate or lr column; Keras logs the lr only when a LearningRateScheduler, "
                       "ReduceLROnPlateau or TensorBoard callback runs before the CSVLogger")
    (points,) = collect(path, x, [lr])
    resolution = max(points.resolution(), FLOAT32_RESOLUTION)
    return [points.build(format=NAME, offset=0, offset_note=NOTE, unit="epoch", resolution=resolution)]
