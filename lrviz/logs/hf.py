"""HuggingFace Trainer ``trainer_state.json``: ``log_history[].{step, learning_rate}``.

Where: ``checkpoint-*/trainer_state.json`` (written at each save) or the file
``trainer.save_state()`` writes in the output dir. Given an output dir that
holds only checkpoints, the one with the largest step is read: its
``log_history`` holds every earlier entry.

Logging rule (ecosystem.md section 0.1, checked on the real Trainer):

- transformers >= 4.51 without DeepSpeed: the entry ``step = s`` (``global_step``
  after the update, 1-based) carries the lr captured after ``optimizer.step()``
  and before ``lr_scheduler.step()``: the lr update ``s`` used, ``lr(s - 1)`` in
  lrviz steps. Offset ``-1``.
- transformers <= 4.50, or DeepSpeed (any version, its engine steps the
  scheduler inside ``backward``): the entry carries the lr of the next update,
  ``lr(s)``. Offset ``0``.

The version comes from ``transformers_version`` in a ``config.json`` beside the
file (a ``PreTrainedModel`` writes one); DeepSpeed from its ``global_step*``
folder in the checkpoint. Without either, >= 4.51 without DeepSpeed is assumed
and the note says so; ``read_log(..., offset=0)`` overrides it.

Eval entries and the final summary carry no ``learning_rate`` and are skipped.
Only group 0's lr is logged. The JSON is read whole (the stdlib has no
streaming JSON parser); the file is small, one entry per logging step.
"""

from __future__ import annotations

import json
import os
import re

from ._series import Collector, LogError, RunLog, need_file, where

NAME = "hf"
FILE = "trainer_state.json"
_CHECKPOINT = re.compile(r"checkpoint-(\d+)$")


def _checkpoints(folder: str) -> list[tuple[int, str]]:
    found = []
    for entry in os.listdir(folder):
        m = _CHECKPOINT.match(entry)
        if m and os.path.isfile(os.path.join(folder, entry, FILE)):
            found.append((int(m.group(1)), os.path.join(folder, entry, FILE)))
    return sorted(found)


def locate(path: str) -> str | None:
    """The trainer_state.json that ``path`` means, or None."""
    if os.path.isfile(path):
        return path if os.path.basename(path) == FILE else None
    if os.path.isdir(path):
        direct = os.path.join(path, FILE)
        if os.path.isfile(direct):
            return direct
        found = _checkpoints(path)
        return found[-1][1] if found else None
    return None


def detect(path: str) -> str | None:
    found = locate(path)
    if found is None:
        return None
    return f"{found} is a HuggingFace Trainer state" if found != path else f"the file is named {FILE}"


def _version(folder: str) -> str | None:
    for candidate in (os.path.join(folder, "config.json"), os.path.join(os.path.dirname(folder), "config.json")):
        if os.path.isfile(candidate) and os.path.getsize(candidate) < 10_000_000:
            try:
                with open(candidate, encoding="utf-8") as fh:
                    version = json.load(fh).get("transformers_version")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(version, str):
                return version
    return None


def _at_most_4_50(version: str) -> bool:
    m = re.match(r"(\d+)\.(\d+)", version)
    return bool(m) and (int(m.group(1)), int(m.group(2))) <= (4, 50)


def offset_rule(folder: str) -> tuple[int, str]:
    """(offset, note) for the trainer_state.json in ``folder``."""
    if any(e.startswith("global_step") and os.path.isdir(os.path.join(folder, e)) for e in os.listdir(folder)):
        return 0, "HF with DeepSpeed (global_step* folder found): the entry at global_step s carries lr(s), the lr of update s+1"
    version = _version(folder)
    if version is not None and _at_most_4_50(version):
        return 0, f"transformers {version} (<= 4.50) logs at global_step s lr(s), the lr update s+1 will use"
    if version is not None:
        return -1, f"transformers {version} (>= 4.51) logs at global_step s the lr update s used: lr(s-1)"
    return -1, ("HF logs at global_step s the lr update s used: lr(s-1) (transformers >= 4.51 without DeepSpeed "
                "assumed: no config.json with transformers_version beside the file)")


def read(path: str, columns: tuple[str | None, str | None] = (None, None)) -> list[RunLog]:
    found = locate(path) or path
    need_file(found)
    x_key = columns[0] or "step"
    lr_key = columns[1] or "learning_rate"
    try:
        with open(found, encoding="utf-8") as fh:
            state = json.load(fh)
    except UnicodeDecodeError:
        raise LogError(f"{found}: not UTF-8 text; expected the JSON of a Trainer state") from None
    except json.JSONDecodeError as err:
        raise LogError(f"{found}:{err.lineno}: not valid JSON ({err.msg})") from None
    history = state.get("log_history") if isinstance(state, dict) else None
    if not isinstance(history, list):
        raise LogError(f"{found}: no log_history list; is this a Trainer's trainer_state.json?")
    points = Collector(found, lr_key)
    for i, entry in enumerate(history):
        if not isinstance(entry, dict) or lr_key not in entry:
            continue
        at = f"log_history[{i}]"
        if x_key not in entry:
            raise LogError(f"{where(found)}: {at}: has {lr_key} but no {x_key}")
        lr = entry[lr_key]
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise LogError(f"{found}: {at}.{lr_key}: expected a number; got {str(lr)[:40]!r}")
        from ._series import parse_step

        step = parse_step(entry[x_key], f"{found}: {at}.{x_key}", None, x_key)
        try:
            points.add(step, float(lr), None)
        except LogError as err:
            raise LogError(str(err).replace(f"{found}: ", f"{found}: {at}: ", 1)) from None
    if not points:
        raise LogError(f"{found}: log_history has no entry with {lr_key!r}; was logging_steps larger than the run?")
    offset, note = offset_rule(os.path.dirname(os.path.abspath(found)))
    meta = {k: state[k] for k in ("max_steps", "logging_steps", "global_step", "num_train_epochs", "train_batch_size")
            if k in state}
    return [points.build(format=NAME, offset=offset, offset_note=note, meta=meta)]
