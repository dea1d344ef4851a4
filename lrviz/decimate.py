"""M4 decimation: reduce a long curve to what the pixels can show.

For every pixel column keep the first, minimum, maximum and last point (in
step order). A line drawn through them covers exactly the same pixels as the
full curve, so steps, restarts and noise stay visible at any step count.
"""

from __future__ import annotations

import numpy as np


def m4(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the M4 subset of (x, y) for ``columns`` pixel columns (x increasing, evenly spaced)."""
    n = len(y)
    if columns < 1 or n <= 4 * columns:
        return x, y
    starts = np.unique(np.linspace(0, n, columns + 1).astype(np.int64)[:-1])
    ends = np.append(starts[1:], n) - 1
    index = np.arange(n, dtype=np.int64)
    lengths = np.diff(np.append(starts, n))
    lows = np.minimum.reduceat(y, starts)
    highs = np.maximum.reduceat(y, starts)
    first_low = np.minimum.reduceat(np.where(y == np.repeat(lows, lengths), index, n), starts)
    first_high = np.minimum.reduceat(np.where(y == np.repeat(highs, lengths), index, n), starts)
    keep = np.unique(np.concatenate([starts, ends, first_low, first_high]))
    keep = keep[keep < n]  # a column of NaN has no min or max to keep
    return x[keep], y[keep]
