"""The one refusal of a twin's values: a StepError at the step where the library fails, with its reason.

A twin gives the library's value or nothing: where the library raises while
stepping, or gives a value lrviz cannot draw (not finite, or outside the
range the twin promises), the twin raises :class:`~lrviz.errors.StepError`
naming that step. Each library module words its own reason ("HF raises ...",
"timm fails at step ...", torch's "lrviz draws only ..."); the mechanism is here.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..errors import StepError, UndrawableValue


def refuse(t: np.ndarray, bad: np.ndarray, message: Callable[[int], str], *, smallest: bool = True) -> None:
    """Raise ``StepError(message(step))`` if ``bad`` holds at any of the steps ``t``.

    ``step`` is the smallest step where ``bad`` holds, or with ``smallest=False``
    the first one in the order of ``t`` (the same step when ``t`` is sorted).
    """
    if bad.any():
        step = int(t[bad].min()) if smallest else int(t[np.argmax(bad)])
        raise StepError(message(step))


def checked(fn: Callable[[np.ndarray], np.ndarray], bad: Callable[[np.ndarray, np.ndarray], np.ndarray],
            message: Callable[[int, float], str], *, what: str = "lr",
            within: tuple[float, float] | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """``fn`` with float warnings silenced, raising :class:`~lrviz.errors.UndrawableValue` (a StepError)
    with ``message(step, value)`` where ``bad(t, out)`` holds: the library gives the value, lrviz refuses it.

    The step reported is the first in the order of ``t`` where the value is bad. ``within = (lo, hi)``
    says that no finite value in [lo, hi] is bad: values whose min and max (which NaN propagates to)
    are finite and inside skip the mask, two reductions instead of the passes of ``bad``.

    ``bad`` must hold wherever a value is inf or NaN: what comes back is finite, so the
    returned function is marked ``finite`` and the engine does not check it again.
    """
    def g(t: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(t)
        if within is not None and out.size:
            low, high = float(out.min()), float(out.max())
            if within[0] <= low and high <= within[1] and math.isfinite(low) and math.isfinite(high):
                return out
        mask = bad(t, out)
        if mask.any():
            i = int(np.argmax(mask))
            raise UndrawableValue(message(int(t[i]), float(out[i])), int(t[i]), float(out[i]), what)
        return out

    g.finite = True
    return g
