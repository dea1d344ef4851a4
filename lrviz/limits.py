"""Guards on what a command asks for: the step-count limit, and curves that stop being finite.

A config or ``--steps`` over :data:`MAX_STEPS` is refused unless forced, with
what evaluating every step would cost. A curve that becomes inf or NaN is
reported with the first step where it happens, found exactly even when only
a reduced set of steps was evaluated.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

MAX_STEPS = 10**9
BYTES_PER_STEP = 16  # an int64 step and a float64 lr


def over_limit(steps: int) -> str | None:
    """The refusal message for a step count over the limit, or None."""
    if steps <= MAX_STEPS:
        return None
    gib = steps * BYTES_PER_STEP / 2**30
    return (f"{steps:,} steps is over the limit of {MAX_STEPS:,}; every step in memory (an export) "
            f"would take {gib:,.0f} GiB per curve; use --force to go ahead")


def first_non_finite(steps: np.ndarray, values: np.ndarray, evaluate: Callable[[np.ndarray], np.ndarray]) -> tuple[int, float] | None:
    """The first step whose value is not finite, and that value; None when all are finite.

    ``values`` may hold only some steps (a reduced curve): the gap before the
    first bad kept step is then evaluated step by step to find the exact one.
    """
    bad = np.flatnonzero(~np.isfinite(values))
    if not len(bad):
        return None
    k = int(bad[0])
    low = int(steps[k - 1]) + 1 if k > 0 else 0
    high = int(steps[k])
    if high > low:
        span = np.arange(low, high + 1, dtype=np.int64)
        dense = evaluate(span)
        i = int(np.flatnonzero(~np.isfinite(dense))[0])
        return int(span[i]), float(dense[i])
    return high, float(values[k])
