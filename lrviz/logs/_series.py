"""What every log reader shares: the :class:`RunLog` it returns, its error, and a checked point collector.

A reader turns a file into one or more series of ``(x, lr)`` points. The
collector checks each point as it arrives (a whole-number step, a finite
lr >= 0, steps that only go forward) so a bad row is named by its line, and
readers can stream a file instead of loading it whole.

Steps. ``RunLog.steps`` are lrviz steps ``t``: ``lrs[i]`` is the rate that
update ``t + 1`` used (update ``t`` counted from 0). A reader gets there by
adding ``offset`` to the logged x value (HF's ``global_step`` is counted after
the update, so its ``offset`` is ``-1``). With ``unit == "epoch"`` the steps are
epochs: ``t`` is the epoch whose updates used that lr; multiply by the steps per
epoch to get update indices.

Resolution. ``resolution`` is the largest relative rounding of a logged value:
``2**-24`` for float32 binary values, ``2**-53`` for floats written by ``repr``,
and for other text ``0.5 * 10**(1 - d)`` when the printer cut the values to
``d`` significant digits. ``d`` is the most digits seen in the column; the
printer is taken to cut at ``d`` only when ``d >= 4`` and at least a quarter
of the values have exactly ``d`` digits (``%.6g`` or ``%.4g`` of a cosine:
nearly all). Otherwise the values are short because they are exact (a step
decay ``0.1, 0.05, 0.025``) and the resolution is float64's; a log printed
with 3 digits or fewer is therefore compared as if exact. The comparison with the plan widens its
tolerance to it.
"""

from __future__ import annotations

import math
import os
from array import array
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..errors import LrvizError

FLOAT32_RESOLUTION = 2.0 ** -24
FLOAT64_RESOLUTION = 2.0 ** -53


class LogError(LrvizError):
    """A run log that cannot be read: missing, empty, garbage, no lr, bad values, steps going back."""


@dataclass(frozen=True, eq=False)
class RunLog:
    """The lr one run logged, as lrviz steps.

    ``steps`` (int64, increasing) are lrviz steps ``t``: the logged lr is the
    one update ``t + 1`` used (see the module docstring); ``lrs`` float64.
    ``series`` names the logged quantity (``learning_rate``, ``lr-AdamW/pg1``,
    ``train/epoch_learning_rate``), ``format`` the reader (``hf``, ...),
    ``offset_note`` says which logging rule turned the logged x into ``t``.
    """

    steps: np.ndarray
    lrs: np.ndarray
    source: str
    format: str
    series: str
    offset_note: str
    unit: str = "step"  # "step", or "epoch" for per-epoch logs (Keras)
    offset: int = 0  # added to the logged x to get t
    resolution: float = FLOAT64_RESOLUTION
    meta: Mapping[str, Any] = field(default_factory=dict)  # e.g. HF's max_steps, logging_steps

    def __len__(self) -> int:
        return int(self.steps.size)


def significant_digits(text: str) -> int:
    """Significant digits printed in a number: ``"0.00012"`` -> 2, ``"1.500e-04"`` -> 4, ``"100"`` -> 3."""
    mantissa = text.strip().lstrip("+-").lower().split("e")[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def text_resolution(digits: int) -> float:
    """Largest relative rounding of a value printed with ``digits`` significant digits (at least float64's)."""
    return max(0.5 * 10.0 ** (1 - digits), FLOAT64_RESOLUTION)


def where(source: str, line: int | None = None, label: str = "line") -> str:
    return source if line is None else f"{source}:{line}" if label == "line" else f"{source}: {label} {line}"


def parse_float(text: str, source: str, line: int | None, column: str) -> float:
    """A logged lr written as text; LogError naming the line for anything else."""
    try:
        return float(text)
    except ValueError:
        raise LogError(f"{where(source, line)}: {column}: not a number: {text.strip()[:40]!r}") from None


def parse_step(value: object, source: str, line: int | None, column: str) -> int:
    """A logged step: an int, or a float or text holding a whole number (``49``, ``49.0``)."""
    if isinstance(value, bool):
        raise LogError(f"{where(source, line)}: {column}: expected a whole-number step; got {value!r}")
    if isinstance(value, int):
        return value
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LogError(f"{where(source, line)}: {column}: expected a whole-number step; got {str(value)[:40]!r}") from None
    if not math.isfinite(number) or number != math.floor(number) or abs(number) > 2 ** 53:
        raise LogError(f"{where(source, line)}: {column}: expected a whole-number step; got {str(value)[:40]!r}")
    return int(number)


class Collector:
    """Checked ``(step, lr)`` points of one series, in log order.

    ``add`` refuses a non-finite or negative lr and a step smaller than the one
    before; the same step logged again with the same lr is kept once, with
    another lr it is refused (two runs appended to one log, or two series mixed).
    """

    def __init__(self, source: str, series: str):
        self.source = source
        self.series = series
        self.steps = array("q")  # compact: 8 bytes a point, however long the log
        self.lrs = array("d")
        self.digits: dict[int, int] = {}

    def add(self, step: int, lr: float, line: int | None, *, text: str | None = None) -> None:
        at = where(self.source, line)
        if not math.isfinite(lr):
            raise LogError(f"{at}: {self.series}: the logged lr is {lr} at step {step}; a run log must hold finite lrs")
        if lr < 0:
            raise LogError(f"{at}: {self.series}: the logged lr is negative ({lr:g}) at step {step}")
        if text is not None:
            d = significant_digits(text)
            self.digits[d] = self.digits.get(d, 0) + 1
        if self.steps:
            last = self.steps[-1]
            if step < last:
                raise LogError(f"{at}: {self.series}: steps go back from {last} to {step}; "
                               "is this two runs appended to one log? keep one run per file")
            if step == last:
                if lr != self.lrs[-1]:
                    raise LogError(f"{at}: {self.series}: step {step} is logged twice with different lrs "
                                   f"({self.lrs[-1]:g}, then {lr:g})")
                return
        self.steps.append(step)
        self.lrs.append(lr)

    def __len__(self) -> int:
        return len(self.steps)

    def resolution(self, binary: float | None = None) -> float:
        """``binary`` for values stored as binary floats, else from the printed digits."""
        if binary is not None:
            return binary
        if not self.digits:
            return FLOAT64_RESOLUTION
        most = max(self.digits)
        if most >= 4 and self.digits[most] >= 0.25 * sum(self.digits.values()):
            return text_resolution(most)
        return FLOAT64_RESOLUTION

    def build(self, *, format: str, offset: int, offset_note: str, unit: str = "step",
              resolution: float | None = None, meta: Mapping[str, Any] | None = None) -> RunLog:
        steps = np.frombuffer(self.steps, dtype=np.int64).copy() + offset
        if steps.size and steps[0] < 0:
            raise LogError(f"{self.source}: {self.series}: the first logged step is {steps[0] - offset}, "
                           f"which the {format} logging rule ({offset_note}) puts before step 0; "
                           "is this log from another framework? pass its format")
        return RunLog(steps=steps, lrs=np.frombuffer(self.lrs, dtype=np.float64).copy(), source=self.source, format=format,
                      series=self.series, offset_note=offset_note, unit=unit, offset=offset,
                      resolution=self.resolution() if resolution is None else resolution, meta=dict(meta or {}))


def need_file(path: str) -> None:
    """LogError unless ``path`` is a readable, non-empty file."""
    if not os.path.exists(path):
        raise LogError(f"{path}: no such file or directory")
    if os.path.isdir(path):
        raise LogError(f"{path}: is a directory; expected a log file")
    if os.path.getsize(path) == 0:
        raise LogError(f"{path}: the file is empty")


def text_lines(path: str):
    """The lines of a text log, streamed and decoded one by one (UTF-8, a BOM skipped), so a bad byte is
    named by its line: :class:`LogError` ``path:line: not UTF-8 text``."""
    from .. import files

    need_file(path)
    try:
        fh = files.open_regular(path)
    except files.Refused as err:
        raise LogError(f"{path}: {err}") from None
    except OSError as err:
        raise LogError(f"{path}: cannot read: {err.strerror}") from None
    files.note(path, "the run log this command reads")
    with fh:
        for number, raw in enumerate(fh, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise LogError(f"{path}:{number}: not UTF-8 text (byte 0x{raw[err.start]:02x}); "
                               "expected a text log") from None


def lr_like(name: str) -> bool:
    """A column or tag that holds a learning rate: ``lr``, ``lr-AdamW``, ``lr-SGD/pg1``, ``train/learning_rate``,
    ``epoch_learning_rate``, ``Train/Samples/lr``; not ``-momentum``/``-weight_decay`` companions,
    ``base_lr``, ``val_*`` copies or W&B ``__MIN``/``__MAX`` columns."""
    low = name.lower()
    if low.endswith(("-momentum", "-weight_decay", "__min", "__max")) or low.startswith("val_"):
        return False
    import re

    return re.search(r"(^|[/_\-\s])(lr|learning[_\-\s]?rate)([/_\-\s]|$)", low) is not None and "base_lr" not in low


def pick_series(logs: list[RunLog], lr_name: str | None, source: str) -> list[RunLog]:
    """The series named ``lr_name`` (all of them when None); LogError naming the ones there are."""
    if lr_name is None:
        return logs
    chosen = [log for log in logs if log.series == lr_name]
    if not chosen:
        known = ", ".join(log.series for log in logs) or "none"
        raise LogError(f"{source}: no lr series named {lr_name!r}; the log has: {known}")
    return chosen
