"""Errors raised by lrviz.

Every error a user can cause is an :class:`LrvizError`. The CLI turns one into a
single line on stderr and exit code 1; nothing else is ever shown to the user
unless ``LRVIZ_DEBUG=1``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence


class LrvizError(Exception):
    """Base class of every error lrviz reports to a user."""


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """Return the closest of ``choices`` to ``word``, or None if none is close."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean X?"`` or an empty string."""
    best = suggest(word, choices)
    return f"; did you mean {best}?" if best else ""


class UnknownName(LrvizError):
    """A schedule name that is not registered."""

    def __init__(self, name: str, known: Sequence[str]):
        self.name = name
        self.suggestion = suggest(name, known)
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else "; run 'lrviz list' for the names"
        super().__init__(f"unknown schedule {name!r}{hint}")


class ParameterError(LrvizError):
    """A bad parameter value or name given to a schedule factory.

    ``param`` names the parameter (a dotted path below the schedule for nested
    ones, e.g. ``schedule.total_steps``) so the config layer can point at it.
    """

    def __init__(self, param: str, message: str):
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


class StepError(LrvizError):
    """Steps passed to a schedule that are not non-negative integers."""


class NonFiniteLr(StepError):
    """An lr that is inf or NaN at a step asked for: the parameters take it out of floating-point range.

    ``step`` is the smallest step asked for whose lr is not finite, ``value`` that lr.
    """

    def __init__(self, step: int, value: float):
        self.step = step
        self.value = value
        super().__init__(f"the lr is {value} at step {step:,}; its parameters take it out of floating-point range")


@dataclass(frozen=True)
class Issue:
    """One problem found in a config: where it is and what is wrong."""

    source: str  # file name, or "<cli>" / "<api>"
    line: int | None  # 1-based, None when unknown
    col: int | None  # 1-based
    path: str  # key path such as "schedules[1].params.warmup_steps"
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}:{self.col}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class ConfigError(LrvizError):
    """One or more problems in a config, all found in one pass."""

    def __init__(self, issues: Sequence[Issue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class OutputError(LrvizError):
    """An output path that cannot be written."""
