"""Durations and step counting.

A duration is written as steps (``500``), epochs (``"5ep"``, needs
``steps_per_epoch``) or a percentage of training (``"10%"``, of ``total_steps``).
Fractions of a step round to the nearest step.

Counting modes say how the step ``t`` the schedule sees
relates to the global update counter ``g``:

- ``cumulative`` (default): ``t = g``.
- ``epoch_restart``: the count restarts every epoch, ``t = g mod steps_per_epoch``.
- ``epoch_constant``: the lr changes only at epoch starts,
  ``t = steps_per_epoch * floor(g / steps_per_epoch)``.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .errors import ParameterError

from .kinds import Steps  # noqa: F401  (the duration marker; re-exported for the schedule modules)
COUNTING_MODES = ("cumulative", "epoch_restart", "epoch_constant")

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*(ep|epochs?|%|steps?)?\s*$")


MAX_DURATION = 2**53  # the most steps a duration may be: every whole number up to it is exact in float64


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def shown(value: Any) -> str:
    """``repr(value)``, or the size of an int too long to print in full."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {len(str(abs(value))) if value.bit_length() < 10_000 else 'thousands of'} digits"
    return repr(value)


def too_large(param: str, value: Any) -> ParameterError:
    """The refusal of a number beyond float64 range (an int of hundreds of digits)."""
    return ParameterError(param, f"is too large; numbers must be within float64 range (about 1.8e308); got {shown(value)}")


def to_float(param: str, value: Any) -> float:
    """``float(value)`` for a number, refusing an int beyond float64 range instead of raising OverflowError."""
    try:
        return float(value)
    except OverflowError:
        raise too_large(param, value) from None


def to_steps(
    value: Any,
    *,
    param: str = "duration",
    total_steps: int | None = None,
    steps_per_epoch: int | None = None,
) -> int:
    """Convert a duration (``500``, ``"5ep"``, ``"10%"``) to a whole number of steps."""
    unit = ""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > MAX_DURATION:
        raise _too_long(param, value)  # before float(), which would round 2**53 + 1 down to 2**53
    if is_number(value):
        number = to_float(param, value)
    elif isinstance(value, str):
        m = _DURATION.match(value)
        if not m:
            raise ParameterError(param, f"expected a duration like 500, '5ep' or '10%'; got {value!r}")
        number, unit = float(m.group(1)), (m.group(2) or "")
    else:
        raise ParameterError(param, f"expected a duration like 500, '5ep' or '10%'; got {_kind(value)}")
    if not math.isfinite(number):
        raise ParameterError(param, f"duration must be finite; got {value!r}")
    if number < 0:
        raise ParameterError(param, f"duration must be >= 0; got {value!r}")
    if unit.startswith("ep"):
        if not steps_per_epoch:
            raise ParameterError(param, f"{value!r} is in epochs but steps_per_epoch is not set")
        number *= to_float("steps_per_epoch", steps_per_epoch)
    elif unit == "%":
        if total_steps is None:
            raise ParameterError(param, f"{value!r} is a percentage but total_steps is not set")
        if number > 100:
            raise ParameterError(param, f"percentage over 100%: {value!r}")
        number = number / 100.0 * total_steps
    elif not unit.startswith(("ep", "%")) and number != math.floor(number):
        raise ParameterError(param, f"a number of steps must be whole; got {value!r}")
    if number > MAX_DURATION:
        raise _too_long(param, value)
    return int(math.floor(number + 0.5))


def _too_long(param: str, value: Any) -> ParameterError:
    return ParameterError(param, f"is too large; a duration must be at most 2**53 = {MAX_DURATION:,} steps "
                          f"(the most float64 counts exactly); got {shown(value)}")


def counted(t: np.ndarray, mode: str, steps_per_epoch: int | None) -> np.ndarray:
    """Map global steps ``t`` to the step a schedule sees under a counting mode."""
    if mode == "cumulative":
        return t
    if not steps_per_epoch:
        raise ParameterError("counting", f"counting mode {mode!r} needs steps_per_epoch")
    if mode == "epoch_restart":
        return t % steps_per_epoch
    if mode == "epoch_constant":
        return (t // steps_per_epoch) * steps_per_epoch
    raise ParameterError("counting", f"unknown counting mode {mode!r}; expected one of {', '.join(COUNTING_MODES)}")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"
