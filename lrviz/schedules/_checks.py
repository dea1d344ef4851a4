"""The one validation vocabulary: "a finite number", "a whole number >= 1", "a duration in steps", ...

Each check returns the (normalized) value or raises :class:`ParameterError`
naming the parameter, so a factory reads as a list of its rules. The same
checks, and so the same messages, serve the schedules, the twins (whose
library-flavoured rules build on them), :mod:`lrviz.params` (which first reads
numbers written as text, as YAML 1.1 leaves ``1e-3``), the config readers and
the playground.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from ._base import Mark
from ..errors import ParameterError
from ..units import MAX_DURATION, _kind, _too_long, is_number, to_float


def number(name: str, value: Any) -> float:
    """A finite real number."""
    if not is_number(value):
        raise ParameterError(name, f"expected a number; got {_kind(value)}")
    value = to_float(name, value)  # an int beyond float range is refused as too large
    if not math.isfinite(value):
        raise ParameterError(name, f"expected a finite number; got {value}")
    return value


def whole(name: str, value: Any, *, minimum: int | None = None) -> int:
    """A whole number (a count, not a duration: no '5ep'), at least ``minimum``."""
    value = number(name, value)
    if value != math.floor(value):
        raise ParameterError(name, f"expected a whole number; got {value:g}")
    if minimum is not None and value < minimum:
        raise ParameterError(name, f"must be >= {minimum}; got {int(value)}")
    return int(value)


def positive(name: str, value: Any) -> float:
    value = number(name, value)
    if value <= 0:
        raise ParameterError(name, f"must be > 0; got {value:g}")
    return value


def non_negative(name: str, value: Any) -> float:
    value = number(name, value)
    if value < 0:
        raise ParameterError(name, f"must be >= 0; got {value:g}")
    return value


def between(name: str, value: Any, lo: float, hi: float, *, open_lo: bool = False, open_hi: bool = False) -> float:
    value = number(name, value)
    if (value < lo or (open_lo and value == lo)) or (value > hi or (open_hi and value == hi)):
        left = "(" if open_lo else "["
        right = ")" if open_hi else "]"
        raise ParameterError(name, f"must be in {left}{lo:g}, {hi:g}{right}; got {value:g}")
    return value


def steps(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole number of steps, at least ``minimum`` and at most 2**53 (exact in float64)."""
    if isinstance(value, bool) or not is_number(value):
        raise ParameterError(name, f"expected a whole number of steps; got {value!r}")
    number = to_float(name, value)  # an int beyond float range is refused as too large
    if not math.isfinite(number) or number != math.floor(number):
        raise ParameterError(name, f"expected a whole number of steps; got {value!r}")
    if value > MAX_DURATION:
        raise _too_long(name, value)
    value = int(value)
    if value < minimum:
        raise ParameterError(name, f"must be >= {minimum}; got {value}")
    return value


def step_list(name: str, values: Any, *, strictly_increasing: bool = True, allow_empty: bool = False) -> list[int]:
    """A list of step counts in increasing order."""
    if not isinstance(values, (list, tuple)):
        raise ParameterError(name, f"expected a list of steps; got {values!r}")
    if not values and not allow_empty:
        raise ParameterError(name, "must not be empty")
    out = [steps(f"{name}[{i}]", v) for i, v in enumerate(values)]
    for i in range(1, len(out)):
        if out[i] < out[i - 1] or (strictly_increasing and out[i] == out[i - 1]):
            order = "strictly increasing" if strictly_increasing else "in increasing order"
            raise ParameterError(name, f"must be {order}; {out[i]} follows {out[i - 1]}")
    return out


def number_list(name: str, values: Any, *, minimum_length: int = 1) -> list[float]:
    if not isinstance(values, (list, tuple)):
        raise ParameterError(name, f"expected a list of numbers; got {values!r}")
    if len(values) < minimum_length:
        raise ParameterError(name, f"needs at least {minimum_length} value(s)")
    return [number(f"{name}[{i}]", v) for i, v in enumerate(values)]


def choice(name: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        from ..errors import did_you_mean

        raise ParameterError(name, f"must be one of {', '.join(choices)}; got {value!r}{did_you_mean(str(value), choices)}")
    return value


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(name, f"expected true or false; got {value!r}")
    return value


def seed(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise ParameterError(name, f"expected an integer seed in [0, 2**64); got {value!r}")
    return value


def marks(*pairs: tuple, limit: int | None = None) -> tuple[Mark, ...]:
    """Marks from ``(step, label)`` or ``(step, label, kind)`` whose step is positive (and at most ``limit``).

    The kind defaults to ``"phase"`` (pieces meant to meet); designed
    discontinuities say ``"drop"`` or ``"restart"`` (see :data:`MARK_KINDS`).
    """
    out = []
    for step, label, *kind in pairs:
        step = int(step)
        if step > 0 and (limit is None or step <= limit):
            out.append(Mark(step, label, *kind))
    return tuple(out)


def unique_sorted(values: Iterable[int]) -> list[int]:
    return sorted(set(values))
