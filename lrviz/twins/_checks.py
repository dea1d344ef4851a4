"""Parameter rules of the twins, in the libraries' terms, built on :mod:`lrviz.schedules._checks`.

The generic vocabulary (a finite number, a whole number of steps, a choice, ...)
is ``lrviz.schedules._checks``; these rules add what the libraries themselves
impose or what lrviz refuses of them:

- the optimizer's lr, finite and >= 0 (torch optimizers refuse a negative one);
- a parameter the library accepts below 0 but that would then give a negative
  lr, which lrviz does not draw (:func:`not_negative`, saying why);
- the libraries' limits: torch mixes step counts with floats, so they must be
  exact in float64 (<= 2**53); optax keeps its step counters in int32;
- messages in the library's own words where the library raises
  (:func:`choice`, :func:`integer`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..errors import ParameterError, did_you_mean
from ..schedules import _checks as check

MAX_STEP = 2**53  # step counts above this are not exact in float64 (torch's arithmetic mixes them with floats)
INT32_MAX = 2**31 - 1


def lr(value: Any) -> float:
    """The optimizer's lr: a finite number >= 0 (torch optimizers refuse a negative one)."""
    return check.non_negative("lr", value)


def lr_or(name: str, value: Any, lr: Any) -> float:
    """An initial or peak value given as ``name``, or ``lr`` when it is None; finite and >= 0.

    Only the one that is used is checked.
    """
    return check.non_negative("lr", lr) if value is None else check.non_negative(name, value)


def total(value: Any) -> int:
    """``total_steps``: a whole number of steps >= 1."""
    return check.steps("total_steps", value, minimum=1)


def steps_or(name: str, value: Any, default: int, *, minimum: int = 0) -> int:
    """A whole number of steps >= ``minimum``, or ``default`` (taken as it is) when it is None."""
    return default if value is None else check.steps(name, value, minimum=minimum)


def exact_steps(name: str, value: Any, minimum: int = 0) -> int:
    """A whole number of steps, at least ``minimum`` and at most 2**53."""
    value = check.steps(name, value, minimum=minimum)
    if value > MAX_STEP:
        raise ParameterError(name, f"must be <= 2**53; got {value}")
    return value


def duration(name: str, value: Any, *, positive: bool = False) -> int | float:
    """A step count that may be fractional (torch takes float T_max, step_size_up): >= 0 (> 0 if
    ``positive``), at most 2**53; a whole value comes back as an int, so whole counts compute as before."""
    number = check.number(name, value)
    if number < 0 or (positive and number == 0):
        raise ParameterError(name, f"must be {'>' if positive else '>='} 0; got {number:g}")
    if number > MAX_STEP:
        raise ParameterError(name, f"must be <= 2**53; got {number:g}")
    return int(number) if number == math.floor(number) else float(number)


def int32_steps(name: str, value: Any, default: int, *, minimum: int = 0) -> int:
    """A step count that optax keeps as an int32 (``default`` when it is None)."""
    value = steps_or(name, value, default, minimum=minimum)
    if value > INT32_MAX:
        raise ParameterError(name, f"must fit optax's int32 step counter (<= {INT32_MAX}); got {value}")
    return value


def not_negative(name: str, value: Any, why: str) -> float:
    """A parameter the library accepts below 0 but that then gives a negative lr, which lrviz refuses."""
    value = check.number(name, value)
    if value < 0:
        raise ParameterError(name, f"must be >= 0 ({why}); got {value:g}")
    return value


def choice(name: str, value: Any, choices: Sequence[str], message: str) -> str:
    """One of ``choices``, refused with the library's ``message`` and a suggestion."""
    if value not in choices:
        raise ParameterError(name, f"{message}; got {value!r}{did_you_mean(str(value), choices)}")
    return value


def integer(name: str, value: Any, *, minimum: int | None = None, message: str | None = None) -> int:
    """A whole number (at least ``minimum``, at most 2**53), refused with the library's ``message`` if given."""
    number = check.number(name, value)
    if number != math.floor(number):
        raise ParameterError(name, message or f"expected a whole number; got {number:g}")
    number = int(number)
    if minimum is not None and number < minimum:
        raise ParameterError(name, message or f"must be >= {minimum}; got {number}")
    if number > MAX_STEP:
        raise ParameterError(name, f"must be <= 2**53; got {number}")
    return number
