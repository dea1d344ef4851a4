"""One pass over every step of a schedule, in chunks: the numbers stats and diagnostics need.

A training run of ``T`` updates uses ``lr(0), ..., lr(T-1)`` (``lr(t)`` is the
rate update ``t + 1`` uses), and every number is over those ``T`` lrs:

- ``peak`` and ``low`` over steps ``0..T-1``; ``final = lr(T-1)``, the lr of
  the last update;
- ``area = sum_{t=0}^{T-1} lr(t)`` and ``mean = area / T``, the budget a run
  really spends;
- ``above_half`` counts the updates with ``lr(t) >= peak / 2``.

Memory stays at one chunk (:data:`CHUNK` steps) whatever ``T`` is. A curve
that goes negative or non-finite, or a framework twin that raises where its
library raises, is recorded with the first step where it happens instead of
stopping the scan with an error: :mod:`lrviz.diagnose` reports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .errors import StepError, UndrawableValue
from .schedules._base import Schedule

CHUNK = 1 << 18
SCALE = 64  # chunks with an lr over HUGE are summed in units of 2**SCALE, so that no partial sum overflows
HUGE = 1e290
RISE = 0.25  # a one-step rise of at least this fraction of the peak so far counts as a restart


@dataclass(frozen=True)
class Profile:
    """What one pass over ``lr(0..T-1)`` found (see the module docstring for the conventions)."""

    total_steps: int
    peak: float
    peak_step: int
    low: float
    low_step: int
    final: float
    area: float
    above_half: int
    rises: int  # one-step rises of >= RISE * the peak so far: restarts
    first_negative: tuple[int, float] | None = None
    first_non_finite: tuple[int, float] | None = None
    raised: tuple[int, str] | None = None  # (first step, message) where the twin raises, as its library does
    scanned: int = 0  # steps evaluated: total_steps, or fewer when the schedule raised
    scaled_area: float | None = None  # area * 2**-SCALE, finite where area itself is beyond float64 (lr near 1.7e308)

    @property
    def mean(self) -> float:
        """area / T; finite whenever every lr is (the scaled area is divided first: 1,000 lrs of 1.7e308 have a
        mean of 1.7e308 and an area beyond float64, inf)."""
        if not self.total_steps:
            return float("nan")
        if self.scaled_area is not None and math.isfinite(self.scaled_area):
            return self.scaled_area / self.total_steps * 2.0 ** SCALE
        return self.area / self.total_steps

    @property
    def flat(self) -> bool:
        return self.peak == self.low


def chunks(schedule: Schedule, total_steps: int, size: int = CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(steps, lr)`` over ``0..total_steps - 1`` in chunks, unchecked (inf and NaN come through)."""
    for steps in _step_chunks(total_steps, size):
        with np.errstate(all="ignore"):
            yield steps, np.asarray(schedule.lr_at(steps), dtype=np.float64)


def _first_raise(schedule: Schedule, steps: np.ndarray) -> tuple[int, StepError | None]:
    """The first step of ``steps`` whose evaluation raises a StepError, found by bisection, and the error."""
    good, bad = 0, len(steps)  # steps[:good] evaluate; steps[:bad] raise
    error = None
    while bad - good > 1:
        mid = (good + bad) // 2
        try:
            with np.errstate(all="ignore"):
                schedule.lr_at(steps[:mid])
            good = mid
        except StepError as err:
            bad, error = mid, err
    if error is None:
        try:
            with np.errstate(all="ignore"):
                schedule.lr_at(steps[:bad])
        except StepError as err:
            error = err
    return int(steps[bad - 1]), error


def profile(schedule: Schedule, total_steps: int) -> Profile:
    """Scan ``lr(0..total_steps - 1)`` once (twice for ``above_half``) in chunks of :data:`CHUNK` steps."""
    peak, peak_step, low, low_step = -math.inf, 0, math.inf, 0
    final = math.nan
    partial_sums: list[float] = []
    huge_sums: list[float] = []  # of chunks holding an lr over HUGE, in units of 2**SCALE
    rises = 0
    previous = None
    negative = non_finite = raised = stop = None  # stop: the first step the schedule would not evaluate
    scanned = 0
    for steps in _step_chunks(total_steps):
        try:
            with np.errstate(all="ignore"):
                lr = np.asarray(schedule.lr_at(steps), dtype=np.float64)
        except StepError:
            step, error = _first_raise(schedule, steps)
            if isinstance(error, UndrawableValue) and error.what == "lr":  # the library gives it: a value, not a raise
                if error.value == error.value and error.value not in (math.inf, -math.inf):
                    negative = negative or (step, error.value)
                else:
                    non_finite = non_finite or (step, error.value)
                stop = step
            else:
                raised = (step, str(error or ""))
                stop = step
            keep = steps[steps < stop]
            if not len(keep):
                break
            with np.errstate(all="ignore"):
                lr = np.asarray(schedule.lr_at(keep), dtype=np.float64)
            steps = keep
        scanned += len(steps)
        finite = np.isfinite(lr)
        if non_finite is None and not finite.all():
            i = int(np.flatnonzero(~finite)[0])
            non_finite = (int(steps[i]), float(lr[i]))
        with np.errstate(invalid="ignore"):
            below = np.flatnonzero(lr < 0)
        if negative is None and len(below):
            negative = (int(steps[below[0]]), float(lr[below[0]]))
        values = np.where(finite, lr, np.nan)
        peak_before = peak
        if np.isfinite(values).any():
            i, j = int(np.nanargmax(values)), int(np.nanargmin(values))
            if values[i] > peak:
                peak, peak_step = float(values[i]), int(steps[i])
            if values[j] < low:
                low, low_step = float(values[j]), int(steps[j])
        top = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
        if top > HUGE:  # summed in units of 2**SCALE (exact: a power of two), else it would overflow
            huge_sums.append(float(np.sum(values * 2.0 ** -SCALE)))
        else:
            partial_sums.append(float(np.sum(values)))
        joined = values if previous is None else np.concatenate(([previous], values))
        running_peak = np.fmax.accumulate(np.concatenate(([peak_before], np.nan_to_num(joined, nan=-np.inf))))[1:]
        with np.errstate(invalid="ignore"):
            jumps = np.diff(joined) >= RISE * running_peak[:-1]
        rises += int(np.count_nonzero(jumps & (running_peak[:-1] > 0)))
        previous = float(values[-1])
        final = float(lr[-1])
        if stop is not None:
            break
    area = math.fsum(partial_sums)
    scaled_area = None
    if huge_sums:
        scaled_area = math.fsum(huge_sums) + area * 2.0 ** -SCALE
        area = scaled_area * 2.0 ** SCALE  # inf, silently, when the true area is beyond float64
    above = 0
    if peak > -math.inf:
        last = total_steps if stop is None else stop
        for steps, lr in chunks(schedule, last):
            with np.errstate(invalid="ignore"):
                above += int(np.count_nonzero(lr >= peak / 2))
    return Profile(total_steps, peak, peak_step, low, low_step, final, area, above, rises, negative, non_finite,
                   raised, scanned, scaled_area)


def _step_chunks(total_steps: int, size: int = CHUNK) -> Iterator[np.ndarray]:
    for start in range(0, total_steps, size):
        yield np.arange(start, min(start + size, total_steps), dtype=np.int64)
