"""Durations and step counting.

A duration is written as steps (``500``, ``"20k"``, ``"1.5M"``), epochs
(``"300ep"``, needs ``steps_per_epoch``), a percentage of training (``"10%"``,
of ``total_steps``), tokens (``"2B tok"``, needs ``tokens_per_step``) or samples
(``"500k samples"``, needs ``samples_per_step``). A number may carry a
magnitude: ``k`` (10^3), ``M`` (10^6), ``B`` or ``G`` (10^9), ``T`` (10^12).
Fractions of a step round to the nearest step (a duration in epochs, tokens
or samples may fall between steps; one in steps must be whole).

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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .errors import ParameterError

from .kinds import Steps  # noqa: F401  (the duration marker; re-exported for the schedule modules)
COUNTING_MODES = ("cumulative", "epoch_restart", "epoch_constant")

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
MAGNITUDES = {"k": 3, "K": 3, "M": 6, "B": 9, "G": 9, "T": 12}  # powers of ten
UNITS = {"ep": "epochs", "epoch": "epochs", "epochs": "epochs", "%": "%", "step": "steps", "steps": "steps",
         "ba": "steps", "tok": "tokens", "token": "tokens", "tokens": "tokens", "sp": "samples", "sample": "samples",
         "samples": "samples"}
"""Every unit a duration may be written in (composer's ``ba``/``tok``/``sp`` included), and what it counts."""
_DURATION = re.compile(rf"^\s*({_NUMBER})([kKMBGT])?\s*({'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})?\s*$")
_DURATION_HINT = "a duration like 500, '20k', '5ep', '10%' or '2B tok'"


@dataclass(frozen=True)
class PerStep:
    """What one optimizer update consumes, for durations in tokens or samples.

    samples = batch_size (per device) x grad_accum x world_size; tokens =
    samples x seq_len, unless given directly as ``tokens_per_step``.
    """

    tokens: float | None = None
    samples: float | None = None


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


class Inherited(int):
    """A total_steps a schedule inherits from its config (the run's length), not one written in its own params.

    A twin whose library takes its length two ways (torch's OneCycleLR:
    total_steps, or epochs x steps_per_epoch) needs to know which one the user gave.
    """


class Ratio(float):
    """A fraction of the run, kept as a fraction: its consumer rounds it by its own framework's rule."""


def warmup_count(value: Any, *, param: str = "num_warmup_steps") -> "int | Ratio":
    """HF's warmup length as TrainingArguments.warmup_steps takes it (transformers 5.x).

    A number >= 1 is a step count, truncated as HF's ``int(warmup_steps)`` (1.5
    is 1); a number in (0, 1) and a percentage (``"3%"``) are a :class:`Ratio`
    of the training steps, rounded up by the twin (``ceil(T * r)``, in float64);
    other text (``"5ep"``, ``"500"``) is a duration like any other (see :func:`to_steps`).
    """
    if isinstance(value, str) and value.strip().endswith("%"):
        m = _DURATION.match(value)
        if not m:
            raise ParameterError(param, f"expected steps, a ratio below 1 or a percentage like '3%'; got {value!r}")
        number = float(m.group(1))
        if not 0 <= number <= 100:
            raise ParameterError(param, f"a percentage must lie in [0%, 100%]; got {value!r}")
        return Ratio(number / 100.0)
    if is_number(value):
        number = to_float(param, value)
        if not math.isfinite(number) or number < 0:
            raise ParameterError(param, f"must be a finite number >= 0; got {value!r}")
        if 0 < number < 1:
            return Ratio(number)
        if number > MAX_DURATION:
            raise _too_long(param, value)
        return int(number)
    return to_steps(value, param=param)


def to_steps(
    value: Any,
    *,
    param: str = "duration",
    total_steps: int | None = None,
    steps_per_epoch: int | None = None,
    per_step: PerStep | None = None,
) -> int:
    """Convert a duration (``500``, ``"20k"``, ``"5ep"``, ``"10%"``, ``"2B tok"``) to a whole number of steps."""
    unit = "steps"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > MAX_DURATION:
        raise _too_long(param, value)  # before float(), which would round 2**53 + 1 down to 2**53
    if is_number(value):
        number = to_float(param, value)
    elif isinstance(value, str):
        m = _DURATION.match(value)
        if not m:
            raise ParameterError(param, f"expected {_DURATION_HINT}; got {value!r}")
        number = float(Decimal(m.group(1)).scaleb(MAGNITUDES.get(m.group(2) or "", 0)))  # '1.1k' is exactly 1100
        unit = UNITS[m.group(3)] if m.group(3) else "steps"
    else:
        raise ParameterError(param, f"expected {_DURATION_HINT}; got {_kind(value)}")
    if not math.isfinite(number):
        raise ParameterError(param, f"duration must be finite; got {value!r}")
    if number < 0:
        raise ParameterError(param, f"duration must be >= 0; got {value!r}")
    if unit == "epochs":
        if not steps_per_epoch:
            raise ParameterError(param, f"{value!r} is in epochs but steps_per_epoch is not set")
        number *= to_float("steps_per_epoch", steps_per_epoch)
    elif unit == "%":
        if total_steps is None:
            raise ParameterError(param, f"{value!r} is a percentage but total_steps is not set")
        if number > 100:
            raise ParameterError(param, f"percentage over 100%: {value!r}")
        number = number / 100.0 * total_steps
    elif unit in ("tokens", "samples"):
        size = getattr(per_step, unit) if per_step else None
        if not size:
            needs = ("tokens_per_step, or batch_size, seq_len (grad_accum, world_size)" if unit == "tokens"
                     else "samples_per_step, or batch_size (grad_accum, world_size)")
            raise ParameterError(param, f"{value!r} is in {unit} but the run's {needs} are not set")
        number /= size
    elif number != math.floor(number):
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
