"""Errors raised by lrviz.

Every error a user can cause is an :class:`LrvizError`. The CLI turns one into a
single line on stderr and its ``exit_code``; nothing else is ever shown to the
user unless ``LRVIZ_DEBUG=1``. The rule for the exit code:

- 2: the command line is wrong: an unknown command, option, schedule name or
  parameter, or a value refused as it was typed (``--steps 0``, ``--set
  cosine.min_lr=-1``). A :class:`UsageError`; a :class:`ParameterError` named
  by its option (``--vary ...``); a :class:`ConfigError` whose every problem
  came from an option (its issues' ``origin``); an :class:`UnknownName`.
- 1: everything else: a file that is wrong or cannot be read or written (a
  config, a log, an output path, an output extension lrviz does not write),
  a schedule that cannot be drawn, ``lrviz check`` finding errors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence


class LrvizError(Exception):
    """Base class of every error lrviz reports to a user."""

    exit_code = 1


class UsageError(LrvizError):
    """A command-line option or argument that cannot be used as given (exit code 2)."""

    exit_code = 2


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """Return the closest of ``choices`` to ``word``, or None if none is close."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean X?"`` or an empty string."""
    best = suggest(word, choices)
    return f"; did you mean {best}?" if best else ""


class UnknownName(LrvizError):
    """A schedule name that is not registered (typed on the command line: exit 2; a config's is a ConfigError)."""

    exit_code = 2

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

    def __init__(self, param: str, message: str, *, located: bool = False):
        self.param = param
        self.message = message
        self.located = located  # True once ``param`` is the full key path below the schedule
        super().__init__(f"{param}: {message}")

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """2 when the parameter is a command-line option (``--vary min_lr``), else 1."""
        return 2 if self.param.startswith("-") else 1


class ParameterErrors(LrvizError):
    """Several parameter problems of one schedule, each a located ParameterError."""

    def __init__(self, errors: list[ParameterError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def to_config_error(self, source: str) -> "ConfigError":
        """The same problems as a ConfigError of ``source``, one Issue per parameter."""
        return ConfigError([Issue(source, None, None, e.param, e.message) for e in self.errors])


class StepError(LrvizError):
    """Steps passed to a schedule that are not non-negative integers."""


class UndrawableValue(StepError):
    """A value the library itself gives (it does not raise) but lrviz will not draw: a negative or
    non-finite lr, a momentum outside [0, 1]. ``lrviz check`` reports it as that value, not as a raise."""

    def __init__(self, message: str, step: int, value: float, what: str = "lr"):
        self.step, self.value, self.what = step, value, what
        super().__init__(message)


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
    origin: str | None = None  # the command-line option that gave the value, e.g. "--set cosine.min_lr"; shown for path

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}:{self.col}"
        if self.origin or self.path:
            where += f": {self.origin or self.path}"
        return f"{where}: {self.message}"


class ConfigError(LrvizError):
    """One or more problems in a config, all found in one pass."""

    def __init__(self, issues: Sequence[Issue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """2 when every problem is in a value typed on the command line (``--set``), else 1 (a file's)."""
        return 2 if self.issues and all(i.origin for i in self.issues) else 1


class OutputError(LrvizError):
    """An output path that cannot be written."""
