"""Config -> curves: build every schedule and evaluate it on steps 0..total_steps.

:func:`evaluate` gives every step (for export and statistics); with
``columns`` it gives only the M4 points a figure of that many pixel columns
can show, evaluated in chunks (see :mod:`lrviz.decimate`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import hyper, registry
from .decimate import reduce_curves
from .errors import ConfigError, Issue, ParameterErrors, UndrawableValue
from .schedules._base import Schedule
from .spec import ADAM_LIKE, Config, Curve, ScheduleSpec, Series


def context_of(config: Config) -> registry.Context:
    """The defaults every schedule (and hyperparameter series) of ``config`` inherits."""
    return registry.Context(config.total_steps, config.lr, config.steps_per_epoch, config.per_step)


def series_of(config: Config, spec: ScheduleSpec, schedule: Schedule) -> list:
    """The hyperparameter series (weight decay, batch size, ...) of one built entry; errors located in ``config``."""
    if not spec.hyper:
        return []
    try:
        return hyper.build(spec.path, spec.hyper, spec.optimizer, schedule.unchecked, schedule.breaks,
                           context_of(config))
    except ParameterErrors as errs:
        raise ConfigError([spec.issue(config.source, e) for e in errs.errors]) from None


def build(config: Config) -> list[tuple[ScheduleSpec, Schedule]]:
    """Build the schedules of ``config`` (errors carry each one's key path)."""
    context = context_of(config)
    out = []
    for spec in config.schedules:
        try:
            out.append((spec, registry.build_at(spec.name, spec.params, context, spec.path, spec.counting)))
        except ParameterErrors as errs:
            raise ConfigError([spec.issue(config.source, e) for e in errs.errors]) from None
    return out


def labels(specs: list[ScheduleSpec], *, with_details: bool = False) -> list[str]:
    """The given label, else the name; with the parameters that were set when names repeat, or always
    with ``with_details`` (legends). Export columns use the short form."""
    names = [s.name for s in specs]
    out = []
    for spec in specs:
        if spec.label:
            out.append(spec.label)
        elif details(spec.params) and (with_details or names.count(spec.name) > 1):
            out.append(f"{spec.name} ({details(spec.params)})")
        else:
            out.append(spec.name)
    return out


def details(params: dict) -> str:
    """The parameters a user set, shortly: ``"warmup_steps=1000, schedule=cosine"``."""
    parts = []
    for key, value in params.items():
        if isinstance(value, dict) and "name" in value:
            value = value["name"]
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v for v in value):
            value = "+".join(str(v["name"]) for v in value)
        elif isinstance(value, list):
            value = "[" + ", ".join(_short(v) for v in value[:4]) + (", ...]" if len(value) > 4 else "]")
        elif isinstance(value, dict):
            continue
        parts.append(f"{key}={_short(value)}")
    return ", ".join(parts)


def _short(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def export_curves(config: Config) -> list[tuple]:
    """``(label, schedule, where, momentum name, hyperparameter series)`` per curve of ``config``: what
    :mod:`lrviz.datafile` streams to a file, with the labels and series a figure of it shows."""
    built = build(config)
    return [(label, schedule, spec.path or spec.name, "beta1" if spec.optimizer in ADAM_LIKE else "momentum",
             series_of(config, spec, schedule))
            for (spec, schedule), label in zip(built, labels([s for s, _ in built]))]


def evaluate(config: Config, *, columns: int | None = None, with_details: bool = False) -> list[Curve]:
    """Evaluate every schedule of ``config`` on steps 0..total_steps - 1 (the lrs its updates use).

    With ``columns``, keep only the M4 points for that many pixel columns;
    ``with_details`` puts the parameters set into unlabelled curves' labels.
    """
    built = build(config)
    curves = []
    for (spec, schedule), label in zip(built, labels([s for s, _ in built], with_details=with_details)):
        others = series_of(config, spec, schedule)
        try:
            curve = evaluate_schedule(schedule, config.total_steps, label=label, details=details(spec.params),
                                      columns=columns, series=others, optimizer=spec.optimizer)
        except UndrawableValue as err:
            if err.what not in hyper.KEYS:
                raise
            raise ConfigError([Issue(config.source, None, None, f"{spec.path or spec.name}.{err.what}", str(err))]) from None
        check_finite(curve, config.source, spec.path or spec.name)
        check_series(curve, others, config.source, spec.path or spec.name)
        curves.append(curve)
    return curves


def check_series(curve: Curve, built: list, source: str, where: str) -> None:
    """Refuse a weight decay that is negative, inf or NaN, or a beta2 outside [0, 1) (torch's Adam refuses it),
    naming the first such step. (The effective decay is lr x wd: its lr is what ``lrviz check`` checks.)"""

    fns = {b.key: b.fn for b in built}
    rules = {"weight_decay": (lambda v: ~np.isfinite(v) | (v < 0), "must be finite and >= 0"),
             "beta2": (lambda v: ~(np.isfinite(v) & (v >= 0) & (v < 1)), "must be in [0, 1), as torch's Adam requires")}
    for series in curve.series:
        if series.key not in rules:
            continue
        is_bad, rule = rules[series.key]
        with np.errstate(all="ignore"):
            found = first_bad(series.steps, series.values, fns[series.key], is_bad)
        if found:
            step, value = found
            raise ConfigError([Issue(source, None, None, f"{where}.{series.key}",
                                     f"the {series.key.replace('_', ' ')} is {value:g} at step {step:,}; it {rule}")])


def check_finite(curve: Curve, source: str, where: str) -> None:
    """Refuse a curve whose lr becomes inf or NaN, naming the first step where it does.

    (Momentum may be NaN on purpose: a sequence phase that does not cycle it.)
    """
    from .errors import ConfigError, Issue
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        found = first_non_finite(curve.steps, curve.lr, curve.schedule.unchecked)
    if found:
        from .twins.failures import explain

        step, value = found
        named = explain(curve.schedule.name, curve.schedule.params, step, value)
        if named:  # the framework's own float32 failure: its cause and the fix (lrviz check says the same)
            framework, cause, fix = named
            message = f"{curve.schedule.name}: {framework} gives the lr {value} from step {step:,}: {cause}; avoid it with {fix}"
        else:
            message = (f"{curve.schedule.name}: the lr is {value} from step {step:,}; "
                       f"its parameters take it out of floating-point range")
        raise ConfigError([Issue(source, None, None, where, message)])


def evaluate_schedule(schedule: Schedule, total_steps: int, *, label: str | None = None, details: str = "",
                      columns: int | None = None, series: list | tuple = (), optimizer: str | None = None) -> Curve:
    """One schedule on steps 0..total_steps - 1, the lrs a run of total_steps updates uses
    (M4-reduced to ``columns`` when given).

    ``series`` (:class:`lrviz.hyper.Built`: weight decay, batch size, ...) are evaluated on the same
    steps, or, reduced, each on its own kept steps (so the lr keeps its fast path when they have none)."""
    n = total_steps
    momentum = schedule.momentum if schedule.has_momentum else None
    # unchecked: an inf or NaN lr is kept, and check_finite reports it with the key path and the first step
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if columns is None:
            steps = np.arange(n, dtype=np.int64)
            lr, mom = schedule.unchecked(steps), schedule.momentum(steps)
        else:
            steps, (lr, mom) = reduce_curves([schedule.unchecked, momentum], n, columns, breaks=schedule.breaks)
    others = []
    for built in series:
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if columns is None:
                    others.append(Series(built.key, steps, built.fn(steps)))
                else:
                    kept, (values,) = reduce_curves([built.fn], n, columns, breaks=built.breaks)
                    others.append(Series(built.key, kept, values))
        except UndrawableValue as err:  # a twin that refuses its value (torch.LambdaLR below 0): say which series
            key = "weight_decay" if built.key == "effective_decay" else built.key
            raise UndrawableValue(f"the {key.replace('_', ' ')} is {err.value:g} at step {err.step:,}; lrviz draws "
                                  f"only a finite value >= 0", err.step, err.value, key) from None
    return Curve(label or schedule.name, steps, lr, mom, schedule.marks, schedule, details, series=tuple(others),
                 optimizer=optimizer)


def with_difference(curves: list[Curve], total_steps: int, columns: int | None = None) -> list[Curve]:
    """``curves`` each with a ``difference`` series: lr_i(t) - lr_1(t) against the first curve (0 for the
    first), on steps 0..total_steps - 1, M4-reduced to ``columns`` (the panel of ``plot.difference``).
    Both schedules are evaluated on the same steps, so the difference is exact; every chunk is evaluated,
    since a difference of two monotone pieces need not be monotone."""
    from dataclasses import replace

    if not curves:
        return curves
    reference = curves[0].schedule
    zero = Series("difference", np.array([0, max(total_steps - 1, 0)], dtype=np.int64), np.zeros(2))
    out = [replace(curves[0], series=curves[0].series + (zero,))]
    for curve in curves[1:]:
        schedule = curve.schedule

        def minus(t: np.ndarray, schedule=schedule) -> np.ndarray:
            return schedule.unchecked(t) - reference.unchecked(t)

        with np.errstate(over="ignore", invalid="ignore"):
            if columns is None:
                steps = np.arange(total_steps, dtype=np.int64)
                values = minus(steps)
            else:
                steps, (values,) = reduce_curves([minus], total_steps, columns)  # no breaks: a difference of monotone pieces need not be monotone
        out.append(replace(curve, series=curve.series + (Series("difference", steps, values),)))
    return out


def first_non_finite(steps: np.ndarray, values: np.ndarray, evaluate: Callable[[np.ndarray], np.ndarray]) -> tuple[int, float] | None:
    """The first step whose value is not finite, and that value; None when all are finite.

    ``values`` may hold only some steps (a reduced curve): the gap before the
    first bad kept step is then evaluated step by step to find the exact one.
    """
    return first_bad(steps, values, evaluate, lambda v: ~np.isfinite(v))


def first_bad(steps: np.ndarray, values: np.ndarray, evaluate: Callable[[np.ndarray], np.ndarray],
              is_bad: Callable[[np.ndarray], np.ndarray]) -> tuple[int, float] | None:
    """The first step whose value ``is_bad``, and that value; None when none is (see :func:`first_non_finite`)."""
    bad = np.flatnonzero(is_bad(values))
    if not len(bad):
        return None
    k = int(bad[0])
    low = int(steps[k - 1]) + 1 if k > 0 else 0
    high = int(steps[k])
    if high > low:
        span = np.arange(low, high + 1, dtype=np.int64)
        dense = evaluate(span)
        i = int(np.flatnonzero(is_bad(dense))[0])
        return int(span[i]), float(dense[i])
    return high, float(values[k])
