"""Run logs: read the lr a training run really used, as lrviz steps.

    >>> from lrviz.logs import read_log
    >>> log = read_log("out/checkpoint-40")            # doctest: +SKIP
    >>> log.format, log.series, log.steps[:3], log.lrs[:3]  # doctest: +SKIP

Formats (one module each; ``FORMATS`` maps the name to it):

==============  ==============================================================
``hf``          HF Trainer ``trainer_state.json`` (a file, a checkpoint dir, an output dir)
``lightning``   Lightning CSVLogger ``metrics.csv`` (LearningRateMonitor ``lr-*`` columns)
``keras``       Keras CSVLogger (``epoch`` + ``learning_rate``/``lr``), per epoch
``mlflow``      ``mlruns/<exp>/<run>/metrics/<key>`` file store, or ``mlflow.db[:RUN_ID]``
``wandb``       W&B history exported as CSV (panel export or ``_step`` table)
``csv``         any CSV with a step column and an lr column (``columns=("step", "lr")``)
``tensorboard`` ``events.out.tfevents.*`` files or a run folder (own reader)
==============  ==============================================================

Each module has ``detect(path) -> reason | None`` and
``read(path, columns) -> [RunLog]``. :func:`read_logs` returns every lr series
of a log (param groups, several optimizers); :func:`read_log` exactly one.
Every problem is a :class:`LogError`, one line naming the file (and the line or
record where it applies).

``RunLog.steps`` are lrviz steps t (``lrs[i]`` is the rate update ``t + 1``
used): each reader applies its framework's logging rule and says which in
``RunLog.offset_note``; ``offset=`` replaces it (t = logged x + offset).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import replace
from types import ModuleType

from ._series import LogError, RunLog

__all__ = ["read_log", "read_logs", "detect", "FORMATS", "RunLog", "LogError", "parse_columns"]

FORMATS: dict[str, str] = {
    "hf": "hf",
    "lightning": "lightning",
    "keras": "keras",
    "mlflow": "mlflow",
    "wandb": "wandb",
    "csv": "plain_csv",
    "tensorboard": "tensorboard",
}

# Files: the first format that recognizes one wins (csv is the fallback: a
# Lightning or W&B file is a CSV with a step and an lr column too).
FILE_ORDER = ("hf", "tensorboard", "mlflow", "lightning", "wandb", "keras", "csv")


def module(name: str) -> ModuleType:
    if name not in FORMATS:
        from ..errors import did_you_mean

        raise LogError(f"unknown log format {name!r}{did_you_mean(name, FORMATS)}; "
                       f"the formats are: {', '.join(FORMATS)}")
    return importlib.import_module(f".{FORMATS[name]}", __name__)


def parse_columns(columns: str | tuple[str | None, str | None] | None) -> tuple[str | None, str | None]:
    """``"step,lr"`` (or a pair) -> ``("step", "lr")``; an empty part means 'the format's own'."""
    if columns is None:
        return None, None
    if isinstance(columns, str):
        parts = [p.strip() for p in columns.split(",")]
        if len(parts) != 2:
            raise LogError(f"--log-columns: expected STEP,LR (two column names separated by a comma); got {columns!r}")
        columns = (parts[0], parts[1])
    step, lr = columns
    return step or None, lr or None


def detect(path: str) -> tuple[str, str]:
    """``(format, reason)`` for ``path``; LogError when none or several formats fit a folder."""
    path = os.fspath(path)
    from ._mlflow_db import is_db

    if is_db(path):
        return "mlflow", f"{path} is an SQLite database (MLflow's store)"
    if not os.path.exists(path):
        raise LogError(f"{path}: no such file or directory")
    if not os.path.isfile(path) and not os.path.isdir(path):  # a FIFO or a device: never read, never a folder
        from ..files import Refused, open_regular

        try:
            open_regular(path).close()
        except Refused as err:
            raise LogError(f"{path}: {err}") from None
        except OSError as err:
            raise LogError(f"{path}: cannot read: {err.strerror}") from None
    if os.path.isfile(path):
        if os.path.getsize(path) == 0:
            raise LogError(f"{path}: the file is empty")
        for name in FILE_ORDER:
            reason = module(name).detect(path)
            if reason:
                return name, reason
        raise LogError(f"{path}: not a run log lrviz recognizes (trainer_state.json, metrics.csv, a CSV with step "
                       f"and lr columns, an MLflow metric file, events.out.tfevents.*); "
                       f"pass --log-format ({', '.join(FORMATS)}) and --log-columns STEP,LR")
    found, refused = [], []
    for name in ("hf", "lightning", "mlflow", "tensorboard"):
        try:
            reason = module(name).detect(path)
        except LogError as err:  # e.g. a lightning_logs folder of several runs: said if nothing else fits
            refused.append(err)
            continue
        if reason:
            found.append((name, reason))
    if not found and refused:
        raise refused[0]
    if not found:
        raise LogError(f"{path}: no run log in this folder (looked for trainer_state.json, checkpoint-*/, "
                       f"metrics.csv, version_*/, an MLflow run with metrics/, events.out.tfevents.*); "
                       "point --log at the log file")
    top = [f for f in found if _at_top(f[0], path)]
    if len(top) == 1:
        return top[0]
    if len(found) == 1:
        return found[0]
    shown = "; ".join(f"{name}: {reason}" for name, reason in (top or found))
    raise LogError(f"{path}: more than one log fits ({shown}); pass --log-format "
                   f"{'|'.join(n for n, _ in (top or found))} or point --log at one file")


def _at_top(name: str, folder: str) -> bool:
    """Whether the log of format ``name`` sits directly in ``folder`` (not in a sub-folder)."""
    names = os.listdir(folder)
    if name == "hf":
        return "trainer_state.json" in names
    if name == "lightning":
        return "metrics.csv" in names
    if name == "mlflow":
        return "metrics" in names
    return any(n.startswith("events.out.tfevents.") for n in names)


def read_logs(path: str, *, format: str | None = None, columns: str | tuple[str | None, str | None] | None = None,
              offset: int | None = None) -> list[RunLog]:
    """Every lr series of the log at ``path`` (detected unless ``format`` is given)."""
    path = os.fspath(path)
    cols = parse_columns(columns)
    if format is None:
        format, reason = detect(path)
        try:
            logs = module(format).read(path, cols)
        except LogError as err:  # say what was guessed and why, so a wrong guess is visible
            raise LogError(f"{err} (read as {format}: {reason}; --log-format picks another)") from None
    else:
        if not os.path.exists(path) and not (format == "mlflow" and ":" in path):
            raise LogError(f"{path}: no such file or directory")
        logs = module(format).read(path, cols)
    if offset is not None:
        logs = [with_offset(log, offset) for log in logs]
    return logs


def read_log(path: str, *, format: str | None = None, columns: str | tuple[str | None, str | None] | None = None,
             offset: int | None = None) -> RunLog:
    """The one lr series of the log at ``path``; LogError naming them when there are several."""
    logs = read_logs(path, format=format, columns=columns, offset=offset)
    if len(logs) > 1:
        names = ", ".join(log.series for log in logs)
        raise LogError(f"{logs[0].source}: {len(logs)} lr series ({names}); pick one with --log-columns step,NAME")
    return logs[0]


def with_offset(log: RunLog, offset: int) -> RunLog:
    """``log`` with t = logged x + ``offset`` instead of the reader's rule."""
    steps = log.steps - log.offset + offset
    if steps.size and steps[0] < 0:
        raise LogError(f"{log.source}: offset {offset} puts the first logged step ({int(log.steps[0] - log.offset)}) "
                       "before step 0")
    return replace(log, steps=steps, offset=offset,
                   offset_note=f"offset set by the caller: t = logged x {'+' if offset >= 0 else '-'} {abs(offset)}")
