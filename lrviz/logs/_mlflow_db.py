"""MLflow's SQLite store (``mlflow.db``, the default tracking URI since MLflow 3.7), read with the stdlib.

Table ``metrics``: ``key``, ``value`` (float, 53 bits), ``timestamp`` (ms),
``run_uuid``, ``step``, ``is_nan``; table ``runs``: ``run_uuid``, ``name``,
``lifecycle_stage``. The database is opened read-only. A database of one run
is read as it is; with several, ``--log mlflow.db:RUN_ID`` (or a unique prefix
of it, or the run's name) picks one. Rows come sorted by (step, timestamp),
streamed from the cursor.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ._series import Collector, LogError, RunLog, lr_like

MAGIC = b"SQLite format 3\x00"


def split(path: str) -> tuple[str, str | None]:
    """``"mlflow.db:abc"`` -> ``("mlflow.db", "abc")``; a path that exists as it is has no run part."""
    if os.path.exists(path):
        return path, None
    head, sep, run = path.rpartition(":")
    if sep and head and os.path.isfile(head):
        return head, run or None
    return path, None


def is_db(path: str) -> bool:
    db, _ = split(path)
    if not os.path.isfile(db):
        return False
    with open(db, "rb") as fh:
        return fh.read(16) == MAGIC


def _connect(db: str) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
        tables = {row[0] for row in con.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise LogError(f"{db}: not a readable SQLite database ({err})") from None
    if not {"metrics", "runs"} <= tables:
        con.close()
        raise LogError(f"{db}: an SQLite database without MLflow's metrics and runs tables")
    return con


def _run(con: sqlite3.Connection, db: str, wanted: str | None) -> str:
    runs = list(con.execute("select run_uuid, coalesce(name, '') from runs where lifecycle_stage = 'active' "
                            "order by start_time"))
    if wanted is not None:
        found = [r for r in runs if r[0] == wanted or r[1] == wanted] or [r for r in runs if r[0].startswith(wanted)]
        if len(found) != 1:
            raise LogError(f"{db}: {'no' if not found else 'more than one'} run matches {wanted!r}; "
                           f"the runs are: {_shown(runs)}")
        return found[0][0]
    if len(runs) != 1:
        raise LogError(f"{db}: holds {len(runs)} runs ({_shown(runs)}); pick one with --log {db}:RUN_ID")
    return runs[0][0]


def _shown(runs: list[tuple[str, str]], limit: int = 5) -> str:
    text = ", ".join(f"{name or '-'} ({uuid})" for uuid, name in runs[:limit])
    return text + (", ..." if len(runs) > limit else "") if runs else "none"


def read(path: str, lr_key: str | None, rule) -> list[RunLog]:
    db, wanted = split(path)
    con = _connect(db)
    try:
        run = _run(con, db, wanted)
        keys = [k for (k,) in con.execute("select distinct key from metrics where run_uuid = ? order by key", (run,))]
        chosen = [k for k in keys if (k == lr_key if lr_key else lr_like(k))]
        if not chosen:
            what = f"no metric {lr_key!r}" if lr_key else "no lr metric"
            raise LogError(f"{db}: run {run}: {what}; its metrics are: {', '.join(keys) or 'none'}")
        out = []
        for key in chosen:
            points = Collector(f"{db}:{run}", key)
            rows = con.execute("select step, value, is_nan from metrics where run_uuid = ? and key = ? "
                               "order by step, timestamp", (run, key))
            for step, value, is_nan in rows:
                points.add(int(step), float("nan") if is_nan else float(value), None)
            offset, note = rule(key, points.steps[0] if points.steps else 0)
            out.append(points.build(format="mlflow", offset=offset, offset_note=note))
        return out
    except sqlite3.DatabaseError as err:
        raise LogError(f"{db}: cannot read MLflow's tables ({err})") from None
    finally:
        con.close()
