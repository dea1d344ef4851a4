"""MLflow's file store: ``mlruns/<experiment_id>/<run_id>/metrics/<key>``.

One line per logged value, ``"<timestamp_ms> <value> <step>"``; MLflow's own
reader also takes 2 fields (step 0) and 5 (``... <dataset_name>
<dataset_digest>``), and so does this one. Keys holding ``/`` are
subfolders of ``metrics/`` and are named with ``/`` here. Every lr-like key is
a series; ``columns=(None, "learning_rate")`` picks one. Points are sorted by
step (see :func:`read_file`).

``--log`` may be the run folder, the experiment folder (when it holds one run),
``mlruns`` itself (one experiment with one run), or one metric file; or the
SQLite store ``mlflow.db`` (the default since MLflow 3.7, see
:mod:`._mlflow_db`), ``mlflow.db:RUN_ID`` when it holds several runs.

Logging rule: HF's MLflowCallback logs ``learning_rate`` at ``step =
global_step`` (1-based, after the update; offset -1, transformers >= 4.51),
taken to be the writer of a ``learning_rate`` key whose first step is >= 1;
Lightning's logger ``lr-<Opt>`` at the 0-based step of the coming update
(offset 0). Other keys: the step is taken as the update index.
"""

from __future__ import annotations

import os
from array import array

import numpy as np

from ._series import Collector, LogError, RunLog, lr_like, parse_float, parse_step, significant_digits, text_lines

NAME = "mlflow"


def _is_run(folder: str) -> bool:
    return os.path.isdir(os.path.join(folder, "metrics"))


def locate_run(path: str) -> str | None:
    """The run folder ``path`` means, or None."""
    if not os.path.isdir(path):
        return None
    if _is_run(path):
        return path
    runs = [os.path.join(path, e) for e in sorted(os.listdir(path)) if _is_run(os.path.join(path, e))]
    if not runs:  # mlruns/: look one level deeper
        for exp in sorted(os.listdir(path)):
            folder = os.path.join(path, exp)
            if os.path.isdir(folder) and os.path.isfile(os.path.join(folder, "meta.yaml")):
                runs += [os.path.join(folder, e) for e in sorted(os.listdir(folder)) if _is_run(os.path.join(folder, e))]
    if len(runs) > 1:
        raise LogError(f"{path}: holds {len(runs)} MLflow runs ({', '.join(os.path.basename(r) for r in runs[:5])}"
                       f"{', ...' if len(runs) > 5 else ''}); point --log at one run folder")
    return runs[0] if runs else None


def _metric_file(path: str) -> bool:
    parts = os.path.abspath(path).split(os.sep)
    return os.path.isfile(path) and "metrics" in parts[:-1]


def detect(path: str) -> str | None:
    from . import _mlflow_db

    if _mlflow_db.is_db(path):
        return f"{path} is an SQLite database (MLflow's store)"
    if _metric_file(path):
        return f"{path} is a file under an MLflow run's metrics/ folder"
    try:
        run = locate_run(path)
    except LogError:
        return f"{path} holds MLflow runs"
    return f"{run} is an MLflow run (it has a metrics/ folder)" if run else None


def keys(run: str) -> list[tuple[str, str]]:
    """(key, file) of every metric of a run, keys with '/' for subfolders."""
    root = os.path.join(run, "metrics")
    out = []
    for folder, _dirs, files in os.walk(root):
        for f in files:
            full = os.path.join(folder, f)
            out.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    return sorted(out)


def rule(key: str, first_step: int = 1) -> tuple[int, str]:
    """(offset, note): HF's rule for ``learning_rate`` unless the first step is 0 (HF's global_step starts at 1)."""
    if key == "learning_rate" and first_step >= 1:
        return -1, "HF's MLflowCallback logs at step = global_step s the lr update s used: lr(s-1) (transformers >= 4.51 assumed)"
    if key.startswith("lr-"):
        return 0, "Lightning's LearningRateMonitor logs at step k lr(k), the lr of update k+1"
    return 0, "the MLflow step taken as the update index t, its value as lr(t), the lr of update t+1"


def read_file(path: str, key: str) -> RunLog:
    """One metric file. Its lines need not be in step order (HF's MLflowCallback logs asynchronously: the
    recorded run has step 5 before step 4), so the points are sorted by (step, timestamp), as MLflow's UI
    shows them. The text is streamed; four numbers a line are kept, in compact arrays."""
    steps, stamps, values, lines = array("q"), array("d"), array("d"), array("q")
    digits: dict[int, int] = {}
    for line, text in enumerate(text_lines(path), 1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) not in (2, 3, 5):
            raise LogError(f"{path}:{line}: expected 'timestamp value step'; got {text.strip()[:60]!r}")
        steps.append(parse_step(fields[2], path, line, "step") if len(fields) > 2 else 0)
        stamps.append(parse_float(fields[0], path, line, "timestamp"))
        values.append(parse_float(fields[1], path, line, key))
        lines.append(line)
        d = significant_digits(fields[1])
        digits[d] = digits.get(d, 0) + 1
    if not steps:
        raise LogError(f"{path}: no values")
    order = np.lexsort((np.frombuffer(stamps), np.frombuffer(steps, dtype=np.int64)))
    points = Collector(path, key)
    points.digits = digits
    for i in order:
        points.add(int(steps[i]), float(values[i]), int(lines[i]))
    offset, note = rule(key, points.steps[0])
    return points.build(format=NAME, offset=offset, offset_note=note)


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    if columns[0] not in (None, "", "step"):
        raise LogError(f"{path}: MLflow metrics carry their own step; --log-columns picks only the key (step,KEY)")
    from . import _mlflow_db

    if _mlflow_db.is_db(path):
        return _mlflow_db.read(path, columns[1], rule)
    if _metric_file(path):
        parts = os.path.abspath(path).split(os.sep)
        i = len(parts) - 1 - parts[::-1].index("metrics")
        return [read_file(path, "/".join(parts[i + 1:]))]
    run = locate_run(path)
    if run is None:
        raise LogError(f"{path}: not an MLflow run folder (no metrics/ folder)")
    found = keys(run)
    wanted = [(k, f) for k, f in found if (k == columns[1] if columns[1] else lr_like(k))]
    if not wanted:
        known = ", ".join(k for k, _ in found) or "none"
        what = f"no metric {columns[1]!r}" if columns[1] else "no lr metric"
        raise LogError(f"{run}: {what}; the run's metrics are: {known}")
    return [read_file(f, k) for k, f in wanted]
