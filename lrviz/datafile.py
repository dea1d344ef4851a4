"""The numbers of a config's curves, streamed in chunks to CSV, JSON, ``.npy`` or ``.npz``.

Columns: ``step``, then per curve its lr (named by its label; a label ``step``
becomes ``step lr``, a repeated one gets a ``'``), when it cycles momentum
``<label> momentum`` (``<label> beta1`` for Adam-like optimizers; NaN where a
phase does not cycle it), and its other hyperparameters (``<label>
weight_decay``, ``effective_decay``, ``batch_size``, ``beta2``: :mod:`lrviz.hyper`).

Rows: the steps ``0..T-1`` of a run of ``T`` updates (the lrs they use), or the selection of
:class:`Rows` (``--every N``, ``--range A:B[:N]``): ``A, A+N, A+2N, ...`` below
``B``, and always ``B-1``, the last step of the range, so the final lr is never
lost to the stride.

Formats, all written through :func:`lrviz.output.atomic_write`:

- ``.csv``: a header, then one line per row; every float is ``repr``'s text (it
  reads back to the same float64), NaN is ``nan``;
- ``.json``: ``{"step": [...], "<label>": [...], ...}``, NaN as ``null``;
- ``.npy``: one 2-D float64 array, ``rows x columns`` in the CSV's column order
  (``np.load(p)`` equals ``np.loadtxt(csv, delimiter=",", skiprows=1)``);
- ``.npz``: one 1-D array per column, keys as the CSV's header (``step`` int64,
  the rest float64), stored uncompressed with fixed dates, so the same input
  gives the same bytes.

Nothing holds more than :data:`CHUNK` rows at once: 100M steps export with flat
memory. The text of a chunk is built by :mod:`lrviz.floattext`, which gives
``repr``'s exact bytes from numpy.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np

from . import floattext
from .errors import ConfigError, Issue, UsageError
from .schedules._base import Schedule

CHUNK = 1 << 16  # rows per chunk
FORMATS = ("csv", "json", "npy", "npz")


@dataclass(frozen=True)
class Rows:
    """The exported steps: ``range(start, stop, every)``, plus ``stop - 1`` when the stride skips it."""

    start: int
    stop: int
    every: int = 1

    @property
    def strided(self) -> int:
        return len(range(self.start, self.stop, self.every))

    def __len__(self) -> int:
        return self.strided + ((self.stop - 1 - self.start) % self.every != 0)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The steps in order, ``size`` at a time, as int64 arrays."""
        n, base = self.strided, np.arange(min(size, self.strided), dtype=np.int64)
        for i in range(0, n, size):
            steps = self.start + self.every * (base[:min(size, n - i)] + i)
            if i + size >= n and len(self) > n:
                steps = np.append(steps, self.stop - 1)
            yield steps


def rows(total_steps: int, *, every: int | None = None, window: str | None = None) -> Rows:
    """The rows of ``--every N`` and ``--range A:B[:N]`` for a curve on steps ``0..total_steps - 1``.

    ``A:B`` is half-open like a Python slice (``A:``, ``:B``; negative counts from the end);
    out of range, empty or malformed is a :class:`UsageError` naming the option."""
    points = total_steps
    start, stop, stride = 0, points, None
    if window is not None:
        parts = window.split(":")
        example = "e.g. --range 1000:2000 (steps 1000..1999) or --range 0:100000:100"
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            numbers = [int(p) if p.strip() else None for p in parts]
        except ValueError:
            raise UsageError(f"--range: expected START:STOP or START:STOP:EVERY (steps START..STOP-1, like a "
                             f"Python slice); got {window!r}; {example}") from None
        a, b = numbers[0], numbers[1]
        stride = numbers[2] if len(numbers) == 3 else None
        if len(numbers) == 3 and stride is None:
            raise UsageError(f"--range {window}: the stride after the second ':' is missing; {example}")
        for name, value in (("start", a), ("stop", b)):
            if value is not None and not -points <= value <= points:
                raise UsageError(f"--range {window}: {name} {value:,} is out of range: the run has steps "
                                 f"0..{total_steps - 1:,} ({points:,} rows; negative values count from the end)")
        start = 0 if a is None else a % points if a < 0 else a
        stop = points if b is None else b + points if b < 0 else b
        if start >= stop:
            raise UsageError(f"--range {window}: selects no step (steps {start:,}..{stop - 1:,}); "
                             f"START must be below STOP")
    if stride is not None and every is not None and stride != every:
        raise UsageError(f"--range {window}: its stride {stride} and --every {every} disagree; give one")
    stride = stride if stride is not None else every if every is not None else 1
    if stride < 1:
        option = "--every" if every is not None else f"--range {window}"
        raise UsageError(f"{option}: the stride must be >= 1; got {stride}")
    return Rows(start, stop, stride)


@dataclass(frozen=True)
class Column:
    name: str
    values: Callable[[np.ndarray], np.ndarray] | None  # None: the step itself
    lr_of: tuple[str, str, str] | None = None  # (source, where, schedule name): an lr column, checked finite
    whole: bool = False  # written as integers (a batch size)


def columns(curves: Sequence[tuple], source: str = "<api>") -> list[Column]:
    """The columns of ``(label, schedule, where[, momentum_name, series])`` curves, named as
    :func:`lrviz.output.columns` names them; ``series`` are :class:`lrviz.hyper.Built` (key, fn)."""
    out = [Column("step", None)]
    names = {"step"}
    for label, schedule, where, *more in curves:
        momentum_name = more[0] if more else "momentum"
        series = more[1] if len(more) > 1 else ()
        name = label if label != "step" else "step lr"
        while name in names:
            name += "'"
        names.add(name)
        out.append(Column(name, schedule.unchecked, (source, where, schedule.name)))
        if schedule.has_momentum:
            names.add(f"{name} {momentum_name}")
            out.append(Column(f"{name} {momentum_name}", schedule.momentum))
        for built in series:
            names.add(f"{name} {built.key}")
            out.append(Column(f"{name} {built.key}", built.fn, whole=built.key == "batch_size"))
    return out


def _values(column: Column, steps: np.ndarray, previous: int) -> np.ndarray:
    """The column at ``steps``; an lr that is inf or NaN is refused at the first step where it is
    (looking between ``previous``, the step exported before, and the first bad exported step)."""
    with np.errstate(all="ignore"):
        if column.values is None:
            return steps
        out = np.asarray(column.values(steps), dtype=np.float64)
    if column.lr_of is not None:
        bad = np.flatnonzero(~np.isfinite(out))
        if len(bad):
            k = int(bad[0])
            low = int(steps[k - 1]) + 1 if k else previous + 1
            span = np.arange(low, int(steps[k]) + 1, dtype=np.int64)
            with np.errstate(all="ignore"):
                dense = np.asarray(column.values(span), dtype=np.float64)
            i = int(np.flatnonzero(~np.isfinite(dense))[0])
            source, where, name = column.lr_of
            raise ConfigError([Issue(source, None, None, where, f"{name}: the lr is {float(dense[i])} from step "
                                     f"{int(span[i]):,}; its parameters take it out of floating-point range")])
    return out


def _text_rows(cols: list[Column], steps: np.ndarray, previous: int) -> bytes:
    fields = [floattext.ints(steps) if c.values is None else
              floattext.ints(_values(c, steps, previous).astype(np.int64)) if c.whole else
              floattext.floats(_values(c, steps, previous)) for c in cols]
    return floattext.join(fields, b",", b"\n")


def _text_column(column: Column, steps: np.ndarray, previous: int, first: bool) -> bytes:
    values = _values(column, steps, previous)
    pieces = (floattext.ints(values) if column.values is None else floattext.ints(values.astype(np.int64))
              if column.whole else floattext.floats(values, non_finite=b"null"))
    return (b"" if first else b", ") + floattext.join([pieces], b"", b", ")[:-2]


def _ordered(jobs: Iterator[Callable[[], bytes]]) -> Iterator[bytes]:
    """Run ``jobs`` one after the other. (Two threads were slower: a chunk's text is a few hundred numpy
    calls on 64k-row arrays, and the Python between them holds the GIL.)"""
    for job in jobs:
        yield job()


def _chunks_with_previous(selected: Rows) -> Iterator[tuple[np.ndarray, int]]:
    previous = selected.start - 1
    for steps in selected.chunks():
        yield steps, previous
        previous = int(steps[-1])


def _csv(cols: list[Column], selected: Rows, fh) -> None:
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([c.name for c in cols])
    fh.write(header.getvalue().encode("utf-8"))
    jobs = (lambda s=steps, p=previous: _text_rows(cols, s, p) for steps, previous in _chunks_with_previous(selected))
    for text in _ordered(jobs):
        fh.write(text)


def _json(cols: list[Column], selected: Rows, fh) -> None:
    fh.write(b"{")
    for k, column in enumerate(cols):
        fh.write((", " if k else "").encode() + json.dumps(column.name).encode("utf-8") + b": [")
        jobs = (lambda s=steps, p=previous, first=(i == 0): _text_column(column, s, p, first)
                for i, (steps, previous) in enumerate(_chunks_with_previous(selected)))
        for text in _ordered(jobs):
            fh.write(text)
        fh.write(b"]")
    fh.write(b"}")


def _npy_header(shape: tuple[int, ...], dtype: str) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": np.dtype(dtype).str, "fortran_order": False,
                                               "shape": shape})
    return out.getvalue()


def _npy(cols: list[Column], selected: Rows, fh) -> None:
    fh.write(_npy_header((len(selected), len(cols)), "float64"))
    for steps, previous in _chunks_with_previous(selected):
        block = np.empty((len(steps), len(cols)), dtype=np.float64)
        for j, column in enumerate(cols):
            block[:, j] = _values(column, steps, previous)
        fh.write(block.tobytes())


def _npz(cols: list[Column], selected: Rows, fh) -> None:
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for column in cols:
            dtype = "int64" if column.values is None or column.whole else "float64"
            info = zipfile.ZipInfo(f"{column.name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as entry:
                entry.write(_npy_header((len(selected),), dtype))
                for steps, previous in _chunks_with_previous(selected):
                    entry.write(np.ascontiguousarray(_values(column, steps, previous), dtype=dtype).tobytes())


WRITERS = {"csv": _csv, "json": _json, "npy": _npy, "npz": _npz}


def write(curves: Sequence[tuple[str, Schedule, str]], selected: Rows, path: str, fmt: str, *,
          source: str = "<api>") -> None:
    """Write ``(label, schedule, where)`` curves at the ``selected`` steps to ``path`` as ``fmt``, atomically;
    an lr that is not finite is a :class:`ConfigError` naming ``where`` and the step, and leaves no file."""
    from .output import atomic_write

    cols = columns(curves, source)
    atomic_write(path, lambda fh: WRITERS[fmt](cols, selected, fh))
