"""TensorBoard event files (``events.out.tfevents.*``): scalar lr series, read by lrviz itself.

Why a reader in the core and not an optional extra. The maintained readers are
heavy (a fresh venv with ``tensorboard`` is 178 MB, with ``tbparse`` 266 MB, for a
few hundred lines of lrviz) and their defaults are wrong for this use:
``EventAccumulator`` keeps 10,000 scalars per tag by reservoir sampling, and
lists TF2/Keras scalars under ``tensors``, not ``scalars``. What is needed is
small and stable: TFRecord framing with CRC-32C (:mod:`._tfrecord`) and five
protobuf messages, of which a few fields. This reader reads every point, checks
both CRCs of every record, and is tested on files written by torch's
``SummaryWriter`` and by TensorFlow's summary writer as Keras' TensorBoard
callback uses it (``tests/golden/logs/``), and against ``EventAccumulator``
when tensorboard is installed.

Fields read (numbers from ``tensorboard/compat/proto``)::

    Event        wall_time = 1 (double), step = 2 (int64), summary = 5
    Summary      value = 1 (repeated)
    Value        tag = 1, simple_value = 2 (float), tensor = 8, metadata = 9
    TensorProto  dtype = 1 (DT_FLOAT 1, DT_DOUBLE 2), tensor_content = 4 (raw little-endian),
                 float_val = 5, double_val = 6 (packed or not)

torch's ``SummaryWriter`` (and tensorboardX) write ``simple_value``; TF2's
``tf.summary.scalar`` (Keras) writes a one-element ``tensor`` with plugin
``scalars``. Any other value (histograms, images, text) is skipped.

A folder is a run: its event files are read in name order (the name starts
with the creation time) and points concatenated. With no event file at the top,
sub-folders are searched (Keras writes ``logs/train`` and ``logs/validation``,
``add_scalars`` writes ``<tag>_<key>/``); the series is then named
``<sub-folder>/<tag>``.

Logging rules, by tag (ecosystem.md 0.1, 8.1):

- ``train/learning_rate`` (HF's TensorBoardCallback): step = global_step after
  the update, the lr update s used: offset -1 (transformers >= 4.51);
- ``lr-<Opt>`` (Lightning's LearningRateMonitor): step k carries lr(k): offset 0;
- ``epoch_learning_rate`` (Keras' TensorBoard callback): at the end of epoch e
  it logs ``optimizer.learning_rate``, which for a schedule object is evaluated
  at the updates done, ``(e + 1) * S``: the lr of the first update of the next
  epoch. The RunLog is in epochs with offset +1. With a LearningRateScheduler
  callback instead, the value is the epoch's own: pass ``offset=0``;
- any other tag: the step is taken as the update index t.

A last record cut short (a run still writing) ends the file; what came before
is kept and ``meta["truncated"]`` names the file. A CRC mismatch is an error.
"""

from __future__ import annotations

import os
import struct

from ._series import FLOAT32_RESOLUTION, FLOAT64_RESOLUTION, Collector, LogError, RunLog, lr_like, need_file
from ._tfrecord import FormatError, fields, int64, records

NAME = "tensorboard"
PREFIX = "events.out.tfevents."
DT_FLOAT, DT_DOUBLE = 1, 2


def event_files(path: str) -> list[tuple[str, str]]:
    """(sub-run, file) pairs of a run folder or one file; sub-run '' for the top."""
    if os.path.isfile(path):
        return [("", path)]
    if not os.path.isdir(path):
        return []
    top = sorted(e for e in os.listdir(path) if e.startswith(PREFIX) and os.path.isfile(os.path.join(path, e)))
    if top:
        return [("", os.path.join(path, e)) for e in top]
    out = []
    for folder, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        run = os.path.relpath(folder, path).replace(os.sep, "/")
        out += [(run, os.path.join(folder, f)) for f in sorted(files) if f.startswith(PREFIX)]
    return out


def detect(path: str) -> str | None:
    if os.path.isfile(path):
        return f"{path} is named like an event file" if os.path.basename(path).startswith(PREFIX) else None
    found = event_files(path)
    return f"{path} holds {len(found)} TensorBoard event file(s)" if found else None


def scalar(tensor: memoryview) -> tuple[float, float] | None:
    """(value, resolution) of a one-element float or double TensorProto, else None."""
    dtype, content, values = None, None, []
    for number, wire, value in fields(tensor):
        if number == 1 and wire == 0:
            dtype = value
        elif number == 4 and wire == 2:
            content = bytes(value)  # type: ignore[arg-type]
        elif number == 5:
            raw = bytes(value)  # type: ignore[arg-type]
            values += struct.unpack(f"<{len(raw) // 4}f", raw)
        elif number == 6:
            raw = bytes(value)  # type: ignore[arg-type]
            values += struct.unpack(f"<{len(raw) // 8}d", raw)
    if dtype not in (DT_FLOAT, DT_DOUBLE):
        return None
    if content is not None:
        size = 4 if dtype == DT_FLOAT else 8
        if len(content) != size:
            return None
        values = list(struct.unpack("<f" if dtype == DT_FLOAT else "<d", content))
    if len(values) != 1:
        return None
    return float(values[0]), FLOAT32_RESOLUTION if dtype == DT_FLOAT else FLOAT64_RESOLUTION


def scalars(data: bytes):
    """``(step, tag, value, resolution)`` of each scalar in one Event record."""
    step, summary = 0, None
    for number, wire, value in fields(data):
        if number == 2 and wire == 0:
            step = int64(value)  # type: ignore[arg-type]
        elif number == 5 and wire == 2:
            summary = value
    if summary is None:
        return
    for number, wire, value in fields(summary):  # type: ignore[arg-type]
        if number != 1 or wire != 2:
            continue
        tag, simple, tensor = None, None, None
        for n, w, v in fields(value):  # type: ignore[arg-type]
            if n == 1 and w == 2:
                tag = bytes(v).decode("utf-8", "replace")  # type: ignore[arg-type]
            elif n == 2 and w == 5:
                simple = struct.unpack("<f", v)[0]  # type: ignore[arg-type]
            elif n == 8 and w == 2:
                tensor = v
        if tag is None:
            continue
        if simple is not None:
            yield step, tag, float(simple), FLOAT32_RESOLUTION
        elif tensor is not None:
            found = scalar(tensor)  # type: ignore[arg-type]
            if found is not None:
                yield step, tag, found[0], found[1]


def rule(tag: str) -> tuple[int, str, str]:
    """(offset, unit, note) for a tag."""
    base = tag.rsplit("/", 1)[-1]
    if tag.endswith("train/learning_rate"):
        return -1, "step", ("HF's TensorBoardCallback logs at global_step s the lr update s used: lr(s-1) "
                            "(transformers >= 4.51 assumed)")
    if base.startswith("lr-") or "/lr-" in tag or tag.startswith("lr-"):
        return 0, "step", "Lightning's LearningRateMonitor logs at step k lr(k), the lr of update k+1"
    if base == "epoch_learning_rate":
        return 1, "epoch", ("Keras' TensorBoard callback logs at the end of epoch e the schedule's value after the "
                            "epoch's updates: the lr of the first update of epoch e+1 (with a LearningRateScheduler "
                            "callback it is epoch e's own: offset 0)")
    return 0, "step", "the event step taken as the update index t, its value as lr(t), the lr of update t+1"


def read(path: str, columns: tuple[str | None, str | None] = (None, None), *, check: bool = True) -> list[RunLog]:
    if columns[0] not in (None, "", "step"):
        raise LogError(f"{path}: TensorBoard scalars carry their own step; --log-columns picks only the tag (step,TAG)")
    files = event_files(path)
    if not files:
        raise LogError(f"{path}: no TensorBoard event file ({PREFIX}*) here or below")
    series: dict[str, Collector] = {}
    resolution: dict[str, float] = {}
    truncated = []
    for run, file in files:
        need_file(file)
        with open(file, "rb") as fh:
            count = 0
            try:
                for offset, data in records(fh, check=check):
                    count += 1
                    try:
                        for step, tag, value, res in scalars(data):
                            name = f"{run}/{tag}" if run else tag
                            if not (name == columns[1] if columns[1] else lr_like(tag)):
                                continue
                            points = series.setdefault(name, Collector(file, name))
                            points.source = file
                            points.add(step, value, None)
                            resolution[name] = max(resolution.get(name, 0.0), res)
                    except FormatError as err:
                        raise LogError(f"{file}: record {count} (byte {offset}): not a TensorBoard Event: {err}") from None
                    except LogError as err:
                        raise LogError(f"{err} (record {count})") from None
            except FormatError as err:
                if getattr(err, "truncated", False) and count:
                    truncated.append(file)
                else:
                    raise LogError(f"{file}: {err}") from None
    if not series:
        if columns[1]:
            raise LogError(f"{path}: no scalar tag {columns[1]!r}; the lr-like tags are: "
                           f"{', '.join(_tags(files)) or 'none'}")
        raise LogError(f"{path}: no lr scalar (a tag such as lr-AdamW, train/learning_rate, epoch_learning_rate); "
                       f"the scalar tags are: {', '.join(_tags(files, every=True)) or 'none'}")
    out = []
    for name, points in series.items():
        offset, unit, note = rule(name)
        points.source = path
        meta = {"truncated": truncated} if truncated else {}
        out.append(points.build(format=NAME, offset=offset, offset_note=note, unit=unit,
                                resolution=resolution[name], meta=meta))
    return out


def _tags(files: list[tuple[str, str]], every: bool = False, limit: int = 20) -> list[str]:
    """Scalar tags seen in the first records of the files (for error messages)."""
    seen: list[str] = []
    for run, file in files:
        try:
            with open(file, "rb") as fh:
                for i, (_, data) in enumerate(records(fh, check=False)):
                    for _, tag, _, _ in scalars(data):
                        name = f"{run}/{tag}" if run else tag
                        if name not in seen and (every or lr_like(tag)):
                            seen.append(name)
                    if i > 10_000 or len(seen) >= limit:
                        break
        except (FormatError, OSError):
            continue
    return seen
