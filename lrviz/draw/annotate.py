"""What a figure marks on a curve, as plain data: phase boundaries, peak, final lr.

Kept apart from the drawing so that tests can check where annotations go
without reading pixels. No matplotlib here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_BOUNDARIES = 40  # more phase changes than this (e.g. a step every 10 steps) would hide the curve


@dataclass(frozen=True)
class Point:
    step: int
    lr: float


def boundaries(marks: tuple[tuple[int, str], ...], total_steps: int) -> list[tuple[int, str]]:
    """The phase boundaries to draw: marks inside (0, total_steps), none when there are too many."""
    inside = sorted({(int(m[0]), m[1]) for m in marks if 0 < m[0] < total_steps})
    return inside if len(inside) <= MAX_BOUNDARIES else []


def peak(steps: np.ndarray, lr: np.ndarray) -> Point | None:
    """The first step where the lr is highest, or None when it is never above the final lr."""
    finite = np.isfinite(lr)
    if not finite.any():
        return None
    i = int(np.argmax(np.where(finite, lr, -np.inf)))
    last = final(steps, lr)
    if last is not None and lr[i] <= last.lr:
        return None
    return Point(int(steps[i]), float(lr[i]))


def final(steps: np.ndarray, lr: np.ndarray) -> Point | None:
    """The last step with a finite lr."""
    finite = np.flatnonzero(np.isfinite(lr))
    if not len(finite):
        return None
    i = int(finite[-1])
    return Point(int(steps[i]), float(lr[i]))


def fmt_lr(value: float) -> str:
    """An lr as people write it: ``0.1``, ``0.003``, ``1e-4``, ``2.5e-5``, ``0``."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"
