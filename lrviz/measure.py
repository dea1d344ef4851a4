"""``lrviz.stats`` and ``lrviz.check``: the numbers ``lrviz stats`` prints and the findings ``lrviz check`` reports,
as Python values.

Both take what :func:`lrviz.to_callable` takes: a :class:`~lrviz.Schedule`, a
registered name with its parameters (``"cosine", lr=0.1, total_steps=1000``), a
``{name, params}`` mapping, a config path or a :class:`~lrviz.spec.Config`, and
give one answer per curve, in the config's order:

- a name or mapping runs as ``lrviz stats NAME --steps T --lr LR --set NAME.K=V``
  does: ``total_steps`` (default 1000), ``lr`` (default 0.1) and
  ``steps_per_epoch`` are the run's, the other keywords the schedule's;
- a config runs as ``lrviz stats CONFIG``: its own length, labels and
  ``steps_per_epoch`` (``total_steps=`` overrides the length);
- a Schedule runs for ``total_steps=`` or its own length (``total_steps``,
  ``num_training_steps``, ...), and is labelled by its name.

The numbers come from the same one pass over every step (:func:`lrviz.scan.profile`)
in the same code as the command (:mod:`lrviz.analysis.stats`, :mod:`lrviz.analysis.diagnose`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, Mapping

from .analysis.diagnose import Finding as _Finding
from .analysis.stats import Stats
from .errors import ParameterError
from .spec import Config, ScheduleSpec

__all__ = ["stats", "check", "Stats", "Finding"]


@dataclass(frozen=True)
class Finding(_Finding):
    """One finding of ``lrviz check``: ``level`` (error, warning, note), the ``step`` where it shows (or None),
    ``message``, ``hint``, and the ``label`` of its curve. :meth:`line` is the line ``lrviz check`` prints."""

    label: str = ""

    def line(self) -> str:
        return f"{self.label}: {self.text()}"


def _config(source: Any, total_steps: int | None, lr: float | None, steps_per_epoch: int | None,
            params: dict[str, Any]) -> Config | None:
    """The Config that ``source`` runs as, or None for a Schedule (which runs as it is)."""
    from .schedules._base import Schedule

    if isinstance(source, Schedule):
        return None
    if isinstance(source, Mapping):
        if "name" not in source:
            raise ParameterError("source", f"a mapping needs a 'name' (and 'params'); got keys {sorted(source)}")
        return _config(source["name"], total_steps, lr, steps_per_epoch,
                       {**dict(source.get("params") or {}), **params})
    if isinstance(source, (str, os.PathLike)) and (str(source).endswith((".yaml", ".yml")) or os.path.isfile(source)):
        from .sources import load

        source = load(os.fspath(source))
    if isinstance(source, Config):
        if params or lr is not None:
            raise ParameterError("source", "a config sets its schedules' parameters itself: give no parameters "
                                 "or lr with it")
        given = {"total_steps": total_steps, "steps_per_epoch": steps_per_epoch}
        return replace(source, **{k: v for k, v in given.items() if v is not None})
    if isinstance(source, str):
        return Config(schedules=(ScheduleSpec(source, dict(params), path=source),),
                      total_steps=1000 if total_steps is None else total_steps, lr=0.1 if lr is None else lr,
                      steps_per_epoch=steps_per_epoch, source="lrviz")
    raise ParameterError("source", f"expected a Schedule, a schedule name, a {{name, params}} mapping or a config; "
                         f"got {type(source).__name__}")


def _length(schedule, total_steps: int | None) -> int:
    from .notebook import length_of

    total = total_steps if total_steps is not None else length_of(schedule)
    if total is None:
        raise ParameterError("total_steps", f"give total_steps: {schedule.name} does not say how long the run is")
    return total


def _check_length(total_steps: int | None) -> None:
    from .limits import over_limit

    if total_steps is None:
        return
    if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps < 1:
        raise ParameterError("total_steps", f"must be a whole number of steps >= 1; got {total_steps!r}")
    if refusal := over_limit(total_steps):
        raise ParameterError("total_steps", refusal.replace("use --force to go ahead", "split the run"))


def stats(source: Any, *, total_steps: int | None = None, lr: float | None = None,
          steps_per_epoch: int | None = None, **params: Any) -> list[Stats]:
    """Peak, its step, final, mean, area and the updates with lr >= peak/2 of every curve, as ``lrviz stats``.

        >>> import lrviz
        >>> [s] = lrviz.stats("cosine", lr=0.1, total_steps=1000)
        >>> s.peak, s.peak_step, s.final, s.above_half
        (0.1, 0, 0.0, 501)

    Each :class:`~lrviz.analysis.stats.Stats` holds ``label``, ``total_steps``, ``peak``, ``peak_step``,
    ``final`` (lr(T)), ``mean`` and ``area`` (over the T updates, lr(0..T-1)) and ``above_half``;
    ``dataclasses.asdict`` of it is a row of ``lrviz stats --format json``. A curve that is not finite, or
    a twin that raises where its library raises, is refused with the command's error."""
    from .analysis.stats import of_config

    _check_length(total_steps)
    config = _config(source, total_steps, lr, steps_per_epoch, params)
    if config is not None:
        return of_config(config)
    return [_schedule_stats(source, _length(source, total_steps))]


def _schedule_stats(schedule, total_steps: int) -> Stats:
    """What :func:`lrviz.analysis.stats.of_config` gives for one curve, for a built Schedule."""
    from .errors import ConfigError, Issue, LrvizError
    from .scan import profile

    found = profile(schedule, total_steps)
    label = schedule.name
    if found.first_non_finite:
        step, value = found.first_non_finite
        raise ConfigError([Issue("lrviz.stats", None, None, label, f"the lr is {value} from step {step:,}; "
                                 "its parameters take it out of floating-point range")])
    if found.raised:
        raise LrvizError(f"{label}: {found.raised[1]} (at step {found.raised[0]:,})")
    if found.scanned < total_steps + 1 and found.first_negative:
        step, value = found.first_negative
        raise LrvizError(f"{label}: the lr is negative ({value:.4g}) from step {step:,}; the library gives it, "
                         "lrviz draws and measures only an lr >= 0")
    return Stats.of(label, found)


def check(source: Any, *, total_steps: int | None = None, lr: float | None = None,
          steps_per_epoch: int | None = None, **params: Any) -> list[Finding]:
    """The findings of ``lrviz check`` for every curve, errors first, then warnings and notes, by step.

        >>> import lrviz
        >>> [f.line() for f in lrviz.check("cosine", total_steps=1000, decay_steps=5000)]  # doctest: +ELLIPSIS
        ['cosine: warning at step 1,000: the lr at the end (0.09045) is still 90% of the peak (0.1): ...']

    An empty list means ``lrviz check`` finds no problem; ``any(f.level == "error" for f in ...)`` is its
    exit status 1."""
    from .analysis.diagnose import diagnose
    from .analysis.stats import profiles
    from .scan import profile

    _check_length(total_steps)
    config = _config(source, total_steps, lr, steps_per_epoch, params)
    if config is not None:
        found = [(label, schedule, scanned, config.total_steps, config.steps_per_epoch)
                 for label, schedule, scanned in profiles(config)]
    else:
        T = _length(source, total_steps)
        found = [(source.name, source, profile(source, T), T, steps_per_epoch)]
    out = []
    for label, schedule, scanned, T, per_epoch in found:
        for f in diagnose(schedule, T, steps_per_epoch=per_epoch, scanned=scanned):
            out.append(Finding(f.level, f.step, f.message, f.hint, label))
    return out
