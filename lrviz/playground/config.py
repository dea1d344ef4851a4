"""Playground YAML -> :class:`~lrviz.playground.spec.Playground`, every problem located.

YAML is read by :mod:`lrviz.config` (``read_text`` + ``parse``), which gives plain data
and the line and column of every key path; all problems are collected in one pass
and raised together as a ConfigError.

    title: Optimizers on Rosenbrock
    caption: What the figure shows and where it comes from.
    lr: 0.001                 # base lr of every optimizer (optional)
    schedules: [constant, cosine]
    output: rosenbrock.png
    plot: {style: paper}      # style, size, dpi
    playground:
      surface: {name: quadratic, params: {condition: 10, noise: 0.1, seed: 0}}
      optimizers: [sgd, {name: adam, params: {lr: 0.05}, label: Adam}]
      steps: 500
      start: [-1.2, 1]
      lr_grid: "1e-4:1:20"    # or {low: 1e-4, high: 1, count: 20}; implies view: grid
      view: trajectories      # trajectories | grid | flow | effective_lr | lr_loss
      window: [-2, 2, -1, 3]  # xmin, xmax, ymin, ymax of the contour

A config without ``playground:`` (a schedules config for ``lrviz plot``) runs its
schedules with the default surface and optimizers.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from .. import registry
from ..config import parse, parse_dpi, parse_size, read_text
from ..errors import ConfigError, Issue, ParameterError, ParameterErrors, did_you_mean
from ..params import as_int, as_number, as_positive
from ..spec import ScheduleSpec
from ..draw.style import STYLES
from ..units import _kind
from . import feedback
from . import optimizers as optimizer_table
from . import surfaces as surface_table
from ..files import folder_of
from ..limits import MAX_PLAYGROUND_BYTES, playground_bytes
from .spec import MAX_STEPS, VIEWS, LrGrid, OptimizerSpec, Playground, SurfaceSpec

TOP_KEYS = ("title", "caption", "lr", "schedules", "output", "plot", "total_steps", "steps_per_epoch", "playground")
PLAYGROUND_KEYS = ("surface", "optimizers", "steps", "start", "lr_grid", "view", "window")
PLOT_KEYS = ("style", "size", "dpi")
PLOT_ONLY_KEYS = ("layout", "logy", "x", "annotate")  # lrviz plot's; a plain config may carry them
ENTRY_KEYS = ("name", "label", "params")
DEFAULT_GRID = LrGrid(1e-4, 1.0, 20)


class Sink:
    """Collects problems of command-line values: ``issue(path, message)`` like a located doc."""

    def __init__(self, source: str = "lrviz"):
        self.source = source
        self.issues: list[Issue] = []

    def issue(self, path: str, message: str) -> None:
        self.issues.append(Issue(self.source, None, None, path, message))


def load(path: str) -> Playground:
    """Read and validate a playground config; ConfigError lists every problem."""
    return from_text(read_text(path), os.fspath(path))


def is_playground(path: str) -> bool:
    """Whether the config at ``path`` has a ``playground:`` section (unreadable files: False)."""
    try:
        data, doc = parse(read_text(path), os.fspath(path))
    except ConfigError:
        return False
    return isinstance(data, dict) and "playground" in data


def from_text(text: str, source: str = "<string>") -> Playground:
    data, doc = parse(text, source)
    if doc.issues:
        raise ConfigError(doc.issues)
    spec = _to_spec(data, doc)
    if doc.issues:  # in the order of the file
        raise ConfigError(sorted(doc.issues, key=lambda i: (i.line or 0, i.col or 0)))
    return spec


def _field(doc, path: str, convert, value: Any, default: Any = None) -> Any:
    try:
        return convert(path, value)
    except ParameterError as err:
        doc.issue(err.param if err.param.startswith(path) else path, err.message)
        return default


def _to_spec(data: Any, doc) -> Playground:
    if not isinstance(data, dict):
        doc.issue("", f"the config must be a mapping of keys (title, schedules, playground, ...); got {_kind(data)}")
        return Playground(source=doc.source)
    is_playground = "playground" in data
    for key in data:
        if key not in TOP_KEYS and not (key == "counting" and not is_playground):
            doc.issue(str(key), f"unknown key{did_you_mean(str(key), TOP_KEYS)}")
    options: dict[str, Any] = {"source": doc.source}
    for key in ("title", "caption", "output"):
        value = data.get(key)
        if value is None:
            continue
        if key == "title" and not isinstance(value, str):
            value = str(value)
        if not isinstance(value, str):
            doc.issue(key, f"expected text; got {_kind(value)}")
            continue
        if key != "output" and (problem := text_problem(value, caption=key == "caption")):
            doc.issue(key, problem)
            continue
        options[key] = value
    if data.get("lr") is not None:
        options["lr"] = _field(doc, "lr", playground_lr, data["lr"])
    spe = None
    if data.get("steps_per_epoch") is not None:
        spe = _field(doc, "steps_per_epoch", positive_int, data["steps_per_epoch"])
        options["steps_per_epoch"] = spe
    steps = None
    if data.get("total_steps") is not None:
        steps = _field(doc, "total_steps", step_count, data["total_steps"])
    _plot(data.get("plot"), doc, options, strict=is_playground)
    section = data.get("playground") if is_playground else {}
    if section is None:
        section = {}
    if not isinstance(section, dict):
        doc.issue("playground", f"expected a mapping (surface, optimizers, steps, ...); got {_kind(section)}")
        section = {}
    for key in section:
        if key not in PLAYGROUND_KEYS:
            doc.issue(f"playground.{key}", f"unknown key{did_you_mean(str(key), PLAYGROUND_KEYS)}")
    p = "playground."
    if "surface" in section:
        options["surface"] = surface(doc, p + "surface", section["surface"])
    if "optimizers" in section:
        options["optimizers"] = optimizer_list(doc, p + "optimizers", section["optimizers"])
    if section.get("steps") is not None:
        steps = _field(doc, p + "steps", step_count, section["steps"])
    if steps:
        options["steps"] = steps
    if "start" in section:
        options["start"] = _field(doc, p + "start", point, section["start"])
    if "window" in section:
        options["window"] = _field(doc, p + "window", window, section["window"])
    if "lr_grid" in section:
        options["lr_grid"] = _field(doc, p + "lr_grid", lr_grid, section["lr_grid"])
    view = section.get("view")
    if view is not None:
        if view not in VIEWS:
            doc.issue(p + "view", f"must be one of {', '.join(VIEWS)}; got {view!r}{did_you_mean(str(view), VIEWS)}")
        else:
            options["view"] = view
    if data.get("schedules") is not None or "schedules" in data:
        options["schedules"] = schedule_list(doc, "schedules", data.get("schedules"))
    spec = Playground(**{k: v for k, v in options.items() if v is not None})
    spec = finish(spec, doc, view_given=view is not None)
    return spec


def finish(spec: Playground, doc, *, view_given: bool = True) -> Playground:
    """Cross-field rules (a grid implies the grid view; flow needs a noise-free quadratic) and a
    build of every surface, optimizer and schedule, so their problems are reported now."""
    if spec.lr_grid is not None and not view_given:
        spec = replace(spec, view="grid")
    if spec.view == "grid" and spec.lr_grid is None:
        spec = replace(spec, lr_grid=DEFAULT_GRID)
    if spec.view != "grid" and spec.lr_grid is not None and view_given:
        doc.issue("playground.lr_grid", f"an lr grid is drawn by view: grid, not view: {spec.view}")
    built = check_surface(doc, spec.surface)
    if spec.view == "flow" and built is not None:
        if not isinstance(built, surface_table.Quadratic) or built.noise:
            doc.issue(spec.surface.path, "view: flow (the modified gradient flow) needs the noise-free quadratic surface; "
                                         f"got {built.label}")
        elif spec.lr is not None and spec.lr * float(built.hessian.max()) >= 2:
            limit = 2 / float(built.hessian.max())
            doc.issue("lr", f"view: flow compares a converging gradient descent with the flows: the lr must be below "
                            f"2/L = {limit:g} on this quadratic; got {spec.lr:g}")
    for opt in spec.optimizers:
        check_optimizer(doc, opt)
        cls = optimizer_table.OPTIMIZERS.get(opt.name)
        if spec.view == "effective_lr" and cls is not None and cls.effective_lr is optimizer_table.Optimizer.effective_lr:
            doc.issue(opt.path or "playground.optimizers", f"view: effective_lr draws a step size per coordinate, "
                                                           f"which {opt.name} has not (it has: "
                      f"{', '.join(n for n, c in optimizer_table.OPTIMIZERS.items() if c.effective_lr is not optimizer_table.Optimizer.effective_lr)})")
    context = registry.Context(spec.steps, spec.lr or 0.1, spec.steps_per_epoch, folder=folder_of(spec.source))
    for sched in spec.schedules:
        params = sched.params
        if feedback.watches_loss(sched.params):
            params = feedback.with_metrics(sched.params, [0.0])
            if spec.view == "grid":
                doc.issue(f"{sched.path or sched.name}.params.metrics", "metrics: loss (the run's own loss) cannot be "
                          "scaled over an lr grid: each lr gives its own curve; use view: trajectories or lr_loss")
        try:
            registry.build_at(sched.name, params, context, sched.path)
        except ParameterErrors as errs:
            for err in errs.errors:
                doc.issue(err.param, err.message)
    if (too_big := over_memory(spec)) is not None:
        doc.issue("", too_big)
    return spec


def over_memory(spec: Playground) -> str | None:
    """Why the arrays of ``spec``'s runs would be too large (:func:`lrviz.limits.playground_bytes` over
    :data:`lrviz.limits.MAX_PLAYGROUND_BYTES`), estimated before anything is allocated; None when they fit."""
    if spec.view == "flow":
        return None
    k, n = len(spec.optimizers), len(spec.schedules)
    lrs = spec.lr_grid.count if spec.view == "grid" and spec.lr_grid is not None else 1
    runs = k * n * lrs
    size = playground_bytes(spec.steps, runs, record=spec.view != "grid")
    if size <= MAX_PLAYGROUND_BYTES:
        return None
    def count(number: int, word: str) -> str:
        return f"{number:,} {word}{'s' if number != 1 else ''}"

    grid = f" x {count(lrs, 'grid lr')}" if lrs > 1 else ""
    options = "--steps, --optimizer, --schedule or --lr-grid values" if lrs > 1 else "--steps, --optimizer or --schedule"
    return (f"{count(runs, 'run')} ({count(k, 'optimizer')} x {count(n, 'schedule')}{grid}) of {spec.steps:,} steps "
            f"would take {size / 2**30:.2f} GiB, over the {MAX_PLAYGROUND_BYTES // 2**20} MiB a playground may use; "
            f"give fewer {options} (steps, optimizers, schedules, lr_grid in a config)")


# ---- fields: each takes (doc, path, raw) or (path, raw) and reports with the path ----------


def positive_number(path: str, value: Any) -> float:
    return as_positive(path, value)


def playground_lr(path: str, value: Any) -> float:
    """An lr of the playground: > 0 and at most :data:`MAX_LR`."""
    number = as_positive(path, value)
    if number > MAX_LR:
        raise ParameterError(path, f"must be at most {MAX_LR:g}; got {number:g}")
    return number


def positive_int(path: str, value: Any) -> int:
    return as_int(path, value, minimum=1)


def step_count(path: str, value: Any) -> int:
    number = positive_int(path, value)
    if number > MAX_STEPS:
        raise ParameterError(path, f"at most {MAX_STEPS:,} steps (every point of every run is kept); got {number:,}")
    return number


MAX_COORDINATE = 1e6  # |x|, |y| of a start point or window: the surfaces live within a few units of 0
MIN_SPAN = 1e-6  # width and height of a window: a narrower one has no contours to draw
MAX_LR = 1e6  # an lr above this leaves any surface in one step; the figures' axes cannot hold 1e308


def _coordinate(path: str, value: Any) -> float:
    number = as_number(path, value)
    if abs(number) > MAX_COORDINATE:
        raise ParameterError(path, f"coordinates must be within ±{MAX_COORDINATE:g}; got {number:g}")
    return number


def point(path: str, value: Any) -> tuple[float, float]:
    """[x, y] or "x,y"."""
    given = value
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ParameterError(path, f"expected a point [x, y]; got {_shown(given)}")
    x, y = (_coordinate(path, v) for v in value)
    return (x, y)


def window(path: str, value: Any) -> tuple[float, float, float, float]:
    """[xmin, xmax, ymin, ymax]."""
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise ParameterError(path, f"expected [xmin, xmax, ymin, ymax]; got {_shown(value)}")
    x0, x1, y0, y1 = (_coordinate(path, v) for v in value)
    if not (x0 < x1 and y0 < y1):
        raise ParameterError(path, f"needs xmin < xmax and ymin < ymax; got {[x0, x1, y0, y1]}")
    if min(x1 - x0, y1 - y0) < MIN_SPAN:
        raise ParameterError(path, f"needs a width and height of at least {MIN_SPAN:g}; got {x1 - x0:g} x {y1 - y0:g}")
    return (x0, x1, y0, y1)


def lr_grid(path: str, value: Any) -> LrGrid:
    """"LOW:HIGH:N" or {low, high, count}: N learning rates log-spaced from LOW to HIGH."""
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) != 3:
            raise ParameterError(path, f"expected LOW:HIGH:N such as 1e-4:1:20; got {value!r}")
        low, high, count = parts
    elif isinstance(value, dict):
        extra = [k for k in value if k not in ("low", "high", "count")]
        if extra:
            raise ParameterError(f"{path}.{extra[0]}", f"unknown key{did_you_mean(str(extra[0]), ('low', 'high', 'count'))}")
        missing = [k for k in ("low", "high", "count") if k not in value]
        if missing:
            raise ParameterError(path, f"missing {', '.join(missing)}; expected {{low, high, count}}")
        low, high, count = value["low"], value["high"], value["count"]
    else:
        raise ParameterError(path, f"expected LOW:HIGH:N such as 1e-4:1:20 or {{low, high, count}}; got {_shown(value)}")
    low, high = as_number(path, _number_text(low)), as_number(path, _number_text(high))
    count = as_int(path, _number_text(count))
    if not 0 < low < high:
        raise ParameterError(path, f"needs 0 < LOW < HIGH; got {low:g}:{high:g}")
    if high > MAX_LR or low < 1 / MAX_LR ** 2:
        raise ParameterError(path, f"needs {1 / MAX_LR ** 2:g} <= LOW < HIGH <= {MAX_LR:g}; got {low:g}:{high:g}")
    if not 2 <= count <= 200:
        raise ParameterError(path, f"N must be between 2 and 200; got {count}")
    return LrGrid(low, high, count)


def surface(doc, path: str, raw: Any) -> SurfaceSpec | None:
    """A surface name, or {name, params}."""
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        doc.issue(path, f"expected a surface name or {{name, params}}; got {_kind(raw)}")
        return None
    for key in raw:
        if key not in ("name", "params"):
            doc.issue(f"{path}.{key}", f"unknown key{did_you_mean(str(key), ('name', 'params'))}")
    if "name" not in raw:
        doc.issue(path, f"missing 'name' (one of {', '.join(surface_table.names())})")
        return None
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        doc.issue(f"{path}.params", f"expected a mapping of parameters; got {_kind(params)}")
        return None
    return SurfaceSpec(str(raw["name"]), dict(params), path)


def optimizer_list(doc, path: str, raw: Any) -> tuple[OptimizerSpec, ...] | None:
    """A list of optimizer names or {name, label, params}."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        doc.issue(path, f"expected a list of optimizer names or {{name, params}}; got {_kind(raw) if raw != [] else 'an empty list'}")
        return None
    out = []
    for i, item in enumerate(raw):
        entry = _entry(doc, f"{path}[{i}]", item, "optimizer", optimizer_table.names())
        if entry:
            out.append(OptimizerSpec(*entry))
    return tuple(out)


def schedule_list(doc, path: str, raw: Any) -> tuple[ScheduleSpec, ...] | None:
    """A list of schedule names or {name, label, params}, as in an lrviz plot config."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        doc.issue(path, f"expected a list of schedule names or {{name, params}}; got {_kind(raw) if raw != [] else 'an empty list'}")
        return None
    out = []
    for i, item in enumerate(raw):
        entry = _entry(doc, f"{path}[{i}]", item, "schedule", None)
        if entry:
            name, params, label, where = entry
            out.append(ScheduleSpec(name, params, label, "cumulative", where))
    return tuple(out)


def _entry(doc, path: str, item: Any, what: str, known):
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        doc.issue(path, f"expected a {what} name or {{name, label, params}}; got {_kind(item)}")
        return None
    for key in item:
        if key not in ENTRY_KEYS:
            doc.issue(f"{path}.{key}", f"unknown key{did_you_mean(str(key), ENTRY_KEYS)}")
    if "name" not in item:
        doc.issue(path, f"missing 'name' (the {what})")
        return None
    params = item.get("params") or {}
    if not isinstance(params, dict):
        doc.issue(f"{path}.params", f"expected a mapping of parameters; got {_kind(params)}")
        return None
    label = None if item.get("label") is None else str(item["label"])
    if label is not None and (problem := text_problem(label)):
        doc.issue(f"{path}.label", problem)
        return None
    return str(item["name"]), dict(params), label, path


def text_problem(text: str, *, caption: bool = False) -> str | None:
    """What keeps a title or label from being drawn (:mod:`lrviz.text`); a playground config is read only to be
    drawn, so its mathtext is checked here, where the key's place is known. A caption is not drawn: its length
    and encoding only."""
    from ..text import MAX_CAPTION, plain_problem, problem

    return plain_problem(text, limit=MAX_CAPTION) if caption else problem(text)


def check_surface(doc, spec: SurfaceSpec):
    try:
        return surface_table.make(spec.name, **spec.params)
    except ParameterError as err:  # a value an option gave is reported as that option (--seed), not as the surface
        doc.issue(spec.origins.get(err.param.removeprefix("params.")) or _below(doc, spec.path, err.param), err.message)
        return None


def check_optimizer(doc, spec: OptimizerSpec):
    try:
        return optimizer_table.make(spec.name, **spec.params)
    except ParameterError as err:
        doc.issue(_below(doc, spec.path, err.param), err.message)
        return None


def _below(doc, path: str, param: str) -> str:
    """``path.param`` when that key is written in the file (``name`` of a bare name is the entry itself)."""
    if not path or path.startswith("-"):
        return path
    if param == "name" and f"{path}.name" not in getattr(doc, "where", {}):
        return path
    return f"{path}.{param}"


def _plot(raw: Any, doc, options: dict, *, strict: bool) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        doc.issue("plot", f"expected a mapping of plot options (style, size, dpi); got {_kind(raw)}")
        return
    for key, value in raw.items():
        path = f"plot.{key}"
        if key == "style":
            if value not in STYLES:
                doc.issue(path, f"must be one of {', '.join(STYLES)}; got {value!r}{did_you_mean(str(value), STYLES)}")
            else:
                options["style"] = value
        elif key == "size":
            options["size"] = _field(doc, path, parse_size, value)
        elif key == "dpi":
            options["dpi"] = _field(doc, path, parse_dpi, value)
        elif key in PLOT_ONLY_KEYS and not strict:
            continue  # lrviz plot's options, in a config written for it
        else:
            doc.issue(path, f"unknown plot option for lrviz playground{did_you_mean(str(key), PLOT_KEYS)} "
                            f"(it takes: {', '.join(PLOT_KEYS)})")


def _number_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _kind(value)
