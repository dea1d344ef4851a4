"""Typed parameters: read a factory's signature and coerce raw values to it.

A factory's annotations say what each parameter accepts (``float``, ``bool``,
``Steps``, ``list[Steps]``, ``Spec``, ...). Values from YAML or the command
line arrive loosely typed (PyYAML reads ``1e-3`` as a string); this module
turns them into what the factory expects or raises :class:`ParameterError`
saying what was received.
"""

from __future__ import annotations

import inspect
import math
import re
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from .errors import ParameterError
from .schedules import _checks as check
from .units import MAX_DURATION, PerStep, _kind, is_number, to_float, to_steps, warmup_count

_NUMERIC = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")

UNIT_TEXT = {
    "Steps": "steps, or '5ep', or '10%'",
    "Duration": "steps, fractions allowed (7.5, '2.5ep', '10%')",
    "Duration | list[Duration]": "steps (fractions allowed), or a list of them",
    "TypedNumber": "number (an int stays an int, a float a float)",
    "float | list[float]": "number, or a list of numbers (one per param group)",
    "WarmupCount": "steps, or a ratio below 1 / '3%' rounded up as HF's Trainer does",
    "list[Steps]": "list of steps ('5ep', '10%' allowed)",
    "dict[Steps, float]": "mapping step -> factor",
    "float": "number",
    "int": "whole number",
    "bool": "true/false",
    "str": "text",
    "Spec": "schedule {name, params}",
    "list[Spec]": "list of schedules {name, params}",
    "list[Phase]": "list of phases {steps, name, params}",
    "list[float]": "list of numbers",
    "list[dict]": "list of mappings",
    "Expr": "expression in t, e.g. '0.95 ** t'",
    "Metrics": "list of numbers, or a CSV file path (one value per step)",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a factory: its name, type (annotation text) and default."""

    name: str
    kind: str  # a key of COERCERS, e.g. "Steps", "list[float]"
    optional: bool  # accepts None
    default: Any
    required: bool

    @property
    def unit(self) -> str:
        return UNIT_TEXT.get(self.kind, self.kind)


def kind_of(hint: Any) -> tuple[str, bool]:
    """The kind text of a resolved annotation and whether it accepts None.

    ``Steps | None`` -> ("Steps", True); ``list[Steps]`` -> ("list[Steps]", False).
    """
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            return (" | ".join(kind_of(a)[0] for a in args), optional)
        return (kind_of(args[0])[0], optional)
    origin = typing.get_origin(hint)
    if origin is not None:
        inner = ", ".join(kind_of(a)[0] for a in typing.get_args(hint))
        return (f"{getattr(origin, '__name__', str(origin))}[{inner}]", False)
    if hint is Any:
        return ("Any", False)
    return (getattr(hint, "__name__", str(hint)), False)


@lru_cache(maxsize=None)
def signature(factory: Callable[..., Any]) -> dict[str, Param]:
    """The parameters of a keyword-only factory, by name, each with a kind ``coerce`` knows.

    Annotations are resolved with ``typing.get_type_hints``, so they may be
    strings (``from __future__ import annotations``) or real types alike; an
    annotation that is not a known kind raises ``TypeError`` (a factory bug).
    """
    hints = typing.get_type_hints(factory)
    out = {}
    for p in inspect.signature(factory).parameters.values():
        if p.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{factory.__qualname__}: parameter {p.name!r} must be keyword-only")
        kind, optional = kind_of(hints.get(p.name, Any))
        if kind not in COERCERS:
            raise TypeError(f"{factory.__qualname__}: parameter {p.name!r} is annotated {kind!r}, "
                            f"which lrviz.params cannot coerce; use one of {', '.join(COERCERS)}")
        required = p.default is inspect.Parameter.empty
        out[p.name] = Param(p.name, kind, optional, None if required else p.default, required)
    return out


def as_number(name: str, value: Any) -> float:
    """A finite real number; numeric strings such as '1e-3' (how YAML 1.1 reads them) count."""
    if isinstance(value, str) and _NUMERIC.match(value):
        value = float(value)
    return check.number(name, value)


def as_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    """A whole number (numeric strings count), at least ``minimum``."""
    return check.whole(name, as_number(name, value), minimum=minimum)


def as_non_negative(name: str, value: Any) -> float:
    return check.non_negative(name, as_number(name, value))


def as_positive(name: str, value: Any) -> float:
    return check.positive(name, as_number(name, value))


def as_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(name, f"expected true or false; got {_kind(value)}")
    return value


def as_list(name: str, value: Any) -> list:
    if not isinstance(value, (list, tuple)):
        raise ParameterError(name, f"expected a list; got {_kind(value)}")
    return list(value)


@dataclass(frozen=True)
class _Context:
    """What coercing one value may need: durations resolve against the run, nested specs build."""

    steps: Callable[[str, Any], int]
    nested: Callable[[str, Any], Any]
    duration: Callable[[str, Any], float] = None  # type: ignore[assignment]
    total_steps: int | None = None  # the run's length: a metrics file is read no further than it needs
    folder: str | None = None  # the config's folder, for relative file paths


def coerce(
    param: Param,
    value: Any,
    *,
    total_steps: int | None,
    steps_per_epoch: int | None,
    nested: Callable[[str, Any], Any],
    per_step: PerStep | None = None,
    folder: str | None = None,
) -> Any:
    """Coerce ``value`` to ``param``'s kind. ``nested(path, raw)`` builds child schedules; a relative
    file path is read from ``folder`` (the config's)."""
    if value is None:
        if param.optional or param.kind == "Spec":
            return None
        raise ParameterError(param.name, f"expected a {param.unit}; got nothing (null)")

    def steps(path: str, raw: Any) -> int:
        return to_steps(raw, param=path, total_steps=total_steps, steps_per_epoch=steps_per_epoch, per_step=per_step)

    def duration(path: str, raw: Any) -> float:
        return to_duration(raw, param=path, total_steps=total_steps, steps_per_epoch=steps_per_epoch, per_step=per_step)

    return COERCERS[param.kind](param.name, value, _Context(steps, nested, duration, total_steps, folder))


def to_duration(value: Any, *, param: str = "duration", total_steps: int | None = None,
                steps_per_epoch: int | None = None, per_step: PerStep | None = None) -> float:
    """A duration as a float number of steps, not rounded: ``7.5`` -> 7.5, ``"2.5ep"`` -> 2.5 * steps_per_epoch.

    The same spellings as :func:`lrviz.units.to_steps` (which it asks for
    whole-step text, so its errors are the same); a plain number is returned as
    it is, as a float, so ``7.000000000000001`` keeps its last digit.
    """
    if is_number(value) and not isinstance(value, bool):
        number = to_float(param, value)
        if not math.isfinite(number) or number < 0:
            raise ParameterError(param, f"duration must be a finite number >= 0; got {value!r}")
        if number > MAX_DURATION:
            raise ParameterError(param, f"is too large; a duration must be at most 2**53 steps; got {value!r}")
        return number
    if isinstance(value, str) and _NUMERIC.match(value):
        return to_duration(float(value), param=param)
    if isinstance(value, str):
        from .units import _DURATION, MAGNITUDES, UNITS
        from decimal import Decimal

        m = _DURATION.match(value)
        if m and UNITS.get(m.group(3) or "steps") in ("epochs", "%", "tokens", "samples"):
            # scale as to_steps does, but keep the fraction: to_steps of a scaled whole number checks the context
            unit = UNITS[m.group(3)]
            number = float(Decimal(m.group(1)).scaleb(MAGNITUDES.get(m.group(2) or "", 0)))
            to_steps(f"{m.group(1)}{m.group(2) or ''}{m.group(3)}", param=param, total_steps=total_steps,
                     steps_per_epoch=steps_per_epoch, per_step=per_step)  # the same refusals
            if unit == "epochs":
                return number * float(steps_per_epoch)
            if unit == "%":
                return number / 100.0 * total_steps
            return number / getattr(per_step, unit)
        if m:
            return float(Decimal(m.group(1)).scaleb(MAGNITUDES.get(m.group(2) or "", 0)))
    return float(to_steps(value, param=param, total_steps=total_steps, steps_per_epoch=steps_per_epoch,
                          per_step=per_step))


def _typed_number(name: str, value: Any, ctx: "_Context") -> int | float:
    """A number kept as written: an int stays an int, a float (or '1.0', '1e-3') a float."""
    if isinstance(value, str) and _NUMERIC.match(value):
        text = value.strip()
        value = float(text) if any(c in text for c in ".eE") else int(text)
    number = as_number(name, value)
    return int(value) if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu") else number


def _one_or_list(convert: Callable[[str, Any], Any]) -> Callable[[str, Any, "_Context"], Any]:
    """One value, or a list of them (``max_lr: [0.1, 0.01]``, one per param group)."""
    def coerce_it(name: str, value: Any, ctx: "_Context") -> Any:
        if isinstance(value, (list, tuple)):
            return [convert(f"{name}[{i}]", v) for i, v in enumerate(value)]
        return convert(name, value)
    return coerce_it


def _text(name: str, value: Any, ctx: _Context) -> str:
    if not isinstance(value, str):
        raise ParameterError(name, f"expected text; got {_kind(value)}")
    return value


def _step_table(name: str, value: Any, ctx: _Context) -> dict[int, float]:
    if not isinstance(value, dict):
        raise ParameterError(name, f"expected a mapping of step -> value; got {_kind(value)}")
    out: dict[int, float] = {}
    for key, v in value.items():
        step = ctx.steps(f"{name}[{key}]", key)
        if step in out:
            raise ParameterError(f"{name}[{key}]", f"step {step} is given twice")
        out[step] = as_number(f"{name}[{key}]", v)
    return out


def _expr(name: str, value: Any, ctx: _Context) -> Any:
    from .expr import compile_expr

    return compile_expr(value, name)


def _phases(name: str, value: Any, ctx: _Context) -> list:
    phases = []
    for i, raw in enumerate(as_list(name, value)):
        path = f"{name}[{i}]"
        if not isinstance(raw, dict):
            raise ParameterError(path, f"expected a phase {{steps, name, params}}; got {_kind(raw)}")
        body = dict(raw)
        duration = body.pop("steps", None)
        phases.append((None if duration is None else ctx.steps(f"{path}.steps", duration), ctx.nested(path, body)))
    return phases


def _mappings(name: str, value: Any, ctx: _Context) -> list[dict]:
    items = as_list(name, value)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ParameterError(f"{name}[{i}]", f"expected a mapping; got {_kind(item)}")
    return items


def _each(convert: Callable[[str, Any], Any]) -> Callable[[str, Any, _Context], list]:
    return lambda name, value, ctx: [convert(f"{name}[{i}]", v) for i, v in enumerate(as_list(name, value))]


COERCERS: dict[str, Callable[[str, Any, _Context], Any]] = {
    "float": lambda name, value, ctx: as_number(name, value),
    "int": lambda name, value, ctx: as_int(name, value),
    "bool": lambda name, value, ctx: as_bool(name, value),
    "str": _text,
    "Steps": lambda name, value, ctx: ctx.steps(name, value),
    "Duration": lambda name, value, ctx: ctx.duration(name, value),
    "Duration | list[Duration]": lambda name, value, ctx: _one_or_list(ctx.duration)(name, value, ctx),
    "TypedNumber": _typed_number,
    "float | list[float]": _one_or_list(as_number),
    "WarmupCount": lambda name, value, ctx: (ctx.steps(name, value) if isinstance(value, str) and "%" not in value
                                             else warmup_count(value, param=name)),
    "list[Steps]": lambda name, value, ctx: _each(ctx.steps)(name, value, ctx),
    "list[float]": _each(as_number),
    "dict[Steps, float]": _step_table,
    "Expr": _expr,
    "Metrics": lambda name, value, ctx: metrics(name, value, limit=None if ctx.total_steps is None
                                                else ctx.total_steps + 1, folder=ctx.folder),
    "Spec": lambda name, value, ctx: ctx.nested(name, value),
    "list[Spec]": lambda name, value, ctx: _each(ctx.nested)(name, value, ctx),
    "list[Phase]": _phases,
    "list[dict]": _mappings,
}
"""Every kind a factory parameter may have, and how a raw value becomes it."""


MAX_METRICS_BYTES = 64 * 2**20


def _metric(name: str, value: Any) -> float:
    """One metric value: a number, or NaN / inf (a diverged evaluation: the plateau schedulers take it, and
    NaN never counts as an improvement), written as a float or as YAML's .nan / .inf or 'nan' / 'inf'."""
    if isinstance(value, str) and value.strip().lower() in ("nan", ".nan", "inf", ".inf", "-inf", "-.inf"):
        return float(value.strip().lower().replace(".", ""))
    if isinstance(value, float) and not math.isfinite(value):
        return value
    return as_number(name, value)


def metrics(name: str, value: Any, *, limit: int | None = None, folder: str | None = None) -> list[float]:
    """A metric series: a list of numbers, or a CSV/text file with one value per line; NaN and inf allowed.

    In a file, a first line that is not a number is a header; with several
    comma-separated columns the last one is the metric. A relative path is read from
    ``folder`` (the config's). The file is read no further than ``limit`` values (a run of
    T updates uses at most T + 1: lr(t) depends on metrics[0..t-1]) and never past
    :data:`MAX_METRICS_BYTES`; a FIFO or a device is refused, not read.
    """
    if isinstance(value, (list, tuple)):
        return [_metric(f"{name}[{i}]", v) for i, v in enumerate(value)]
    if not isinstance(value, str):
        raise ParameterError(name, f"expected a list of numbers or a CSV file path; got {_kind(value)}")
    import os

    from . import files

    path = files.resolve(value, folder)
    if not os.path.exists(path):
        where = f" (read from {folder}, the config's folder)" if path != value else ""
        raise ParameterError(name, f"{value}: no such file{where}")
    if os.path.isdir(path):
        raise ParameterError(name, f"{value}: is a directory, not a metrics file")
    try:
        fh = files.open_regular(path)
    except files.Refused as err:
        raise ParameterError(name, f"{value}: {err}") from None
    except OSError as err:
        raise ParameterError(name, f"{value}: cannot read ({err.strerror})") from None
    files.note(path, "a metrics file the config reads")
    out: list[float] = []
    read = 0
    with fh:
        for number, raw in enumerate(fh, 1):
            read += len(raw)
            if read > MAX_METRICS_BYTES:
                raise ParameterError(name, f"{value}: larger than {MAX_METRICS_BYTES // 2**20} MB before its "
                                           f"{limit or len(out) + 1:,} values needed")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ParameterError(name, f"{value}:{number}: not UTF-8 text") from None
            field = line.rsplit(",", 1)[-1].strip()
            if not field:
                continue
            if not _NUMERIC.match(field) and not field.lower() in ("nan", "inf", "-inf"):
                if number == 1:
                    continue  # a header
                raise ParameterError(name, f"{value}:{number}: not a number: {field!r}")
            out.append(float(field))
            if limit is not None and len(out) >= limit:
                break  # the run cannot use more
    if not out:
        raise ParameterError(name, f"{value}: no values")
    return out
