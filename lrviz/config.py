"""YAML config -> :class:`~lrviz.spec.Config`, with line and column for every problem.

YAML is read by :mod:`lrviz.yamltext` (imported only when there is YAML to read); every problem
found is reported in one pass as ``file:line:col: key.path: message``.

    title: Warmup then cosine
    total_steps: 10000
    steps_per_epoch: 500      # lets durations be written as "5ep"
    lr: 0.1                   # default lr of every schedule
    schedules:
      - name: cosine
        label: cosine to 1e-4
        params: {min_lr: 1e-4}
      - name: warmup
        params: {warmup_steps: 5%, schedule: {name: cosine}}
        optimizer: adamw          # sgd | adam | adamw (lrviz.hyper: beta1, effective decay)
        weight_decay: 0.05        # or a schedule {name, params}; also batch_size, beta2
    plot: {logy: true, x: epochs}
    output: warmup.png
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

from . import hyper, registry
from .errors import ConfigError, Issue, ParameterError, ParameterErrors, did_you_mean
from .params import as_bool, as_int, as_non_negative, as_number
from .spec import LAYOUTS, X_UNITS, Config, PlotSpec, ScheduleSpec
from .draw.style import SIZES, STYLES
from .limits import over_limit
from .text import MAX_CAPTION, MAX_TEXT
from .units import COUNTING_MODES, PerStep, _kind, to_steps
from .positions import Located, position_in  # noqa: F401 - position_in: read from here by the drawers

MAX_BYTES = 1_000_000  # configs are small; a bigger file is refused
SCALE_KEYS = ("tokens_per_step", "samples_per_step", "batch_size", "seq_len", "grad_accum", "world_size")
TOP_KEYS = ("title", "caption", "total_steps", "steps_per_epoch", *SCALE_KEYS, "lr", "counting", "schedules", "plot",
            "output")
ENTRY_KEYS = ("name", "label", "params", "counting", "optimizer") + hyper.KEYS
PLOT_KEYS = ("layout", "style", "logy", "x", "size", "dpi", "annotate", "difference", "context")


def read_text(path: str) -> str:
    """Read a config file as UTF-8, refusing missing, huge, binary or special files (a FIFO, ``/dev/zero``):
    at most :data:`MAX_BYTES` + 1 bytes are read, and nothing blocks."""
    from . import files

    source = os.fspath(path)
    if not os.path.exists(source):
        raise ConfigError([Issue(source, None, None, "", "no such file")])
    if os.path.isdir(source):
        raise ConfigError([Issue(source, None, None, "", "is a directory, not a config file")])
    try:
        raw = files.read_bytes(source, MAX_BYTES)
    except files.Refused as err:
        raise ConfigError([Issue(source, None, None, "", str(err))]) from None
    except OSError as err:
        raise ConfigError([Issue(source, None, None, "", f"cannot read: {err.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        size = max(len(raw), os.path.getsize(source))
        raise ConfigError([Issue(source, None, None, "", f"the file is {size} bytes; configs over {MAX_BYTES} bytes are refused")])
    files.note(source, "the config this command reads")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise ConfigError([Issue(source, line, col, "", f"not UTF-8 text (byte 0x{raw[err.start]:02x})")]) from None


def load(path: str, *, force: bool = False) -> Config:
    """Read, validate and return the config at ``path``; raise ConfigError listing every problem.

    ``force`` lifts the limit on total_steps (:data:`lrviz.limits.MAX_STEPS`).
    """
    return from_text(read_text(path), os.fspath(path), force=force)


def parse(text: str, source: str = "<string>") -> tuple[Any, Located]:
    """YAML ``text`` as plain data and the position of every key; syntax errors are issues (:mod:`lrviz.yamltext`)."""
    from . import yamltext

    return yamltext.parse(text, source)


def parse_value(text: str, option: str = "a value") -> Any:
    """One command-line value read as YAML reads it: '1e-4', '[60, 120]', 'true' (:func:`lrviz.yamltext.parse_value`)."""
    from . import yamltext

    return yamltext.parse_value(text, option)


def too_deep_message() -> str:
    """The problem of a list or mapping nested too deep (:func:`lrviz.yamltext.too_deep_message`)."""
    from . import yamltext

    return yamltext.too_deep_message()


def from_text(text: str, source: str = "<string>", *, force: bool = False) -> Config:
    data, doc = parse(text, source)
    if doc.issues:
        raise ConfigError(doc.issues)
    config = _to_config(data, doc, force)
    if doc.issues:
        raise ConfigError(_by_position(doc.issues))
    return config


def _by_position(issues: list[Issue]) -> list[Issue]:
    """Every problem once, in the order of the file (those without a line last, as found)."""
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda i: (i.line is None, i.line or 0, i.col or 0))


def _field(doc: Located, path: str, convert, value: Any, default: Any = None) -> Any:
    try:
        return convert(path, value)
    except ParameterError as err:
        doc.issue(path, err.message)
        return default


def _to_config(data: Any, doc: Located, force: bool = False) -> Config:
    if not isinstance(data, dict):
        doc.issue("", f"the config must be a mapping of keys (title, total_steps, schedules, ...); got {_kind(data)}")
        return Config(schedules=())
    if "playground" in data:
        doc.issue("playground", "this is a playground config (optimizers on a loss surface); "
                                "run it with 'lrviz playground FILE'")
        return Config(schedules=())
    for key in data:
        if key not in TOP_KEYS:
            doc.issue(str(key), f"unknown key{did_you_mean(str(key), TOP_KEYS)}")

    def positive_int(path: str, value: Any) -> int:
        return as_int(path, value, minimum=1)

    spe = _field(doc, "steps_per_epoch", positive_int, data["steps_per_epoch"]) if data.get("steps_per_epoch") is not None else None
    per_step = _per_step(data, doc)
    total = 1000
    if "total_steps" in data:
        total = _field(doc, "total_steps", lambda p, v: _total_steps(p, v, spe, force, per_step), data["total_steps"],
                       1000) or 1000
    lr = 0.1
    if "lr" in data:
        lr = _field(doc, "lr", as_non_negative, data["lr"], 0.1)
    counting = data.get("counting", "cumulative")
    if counting not in COUNTING_MODES:
        doc.issue("counting", f"must be one of {', '.join(COUNTING_MODES)}; got {counting!r}{did_you_mean(str(counting), COUNTING_MODES)}")
        counting = "cumulative"
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        title = str(title)
    title = _text(doc, "title", title)
    caption = data.get("caption")
    if caption is not None and not isinstance(caption, str):
        doc.issue("caption", f"expected text; got {_kind(caption)}")
        caption = None
    caption = _text(doc, "caption", caption, limit=MAX_CAPTION)
    output = data.get("output")
    if output is not None and not isinstance(output, str):
        doc.issue("output", f"expected a file path; got {_kind(output)}")
        output = None
    elif output == "":
        doc.issue("output", "the file name is empty; give one such as lr.png, or leave output out")
        output = None
    plot = _plot(data.get("plot"), doc)
    if plot.x == "epochs" and spe is None:
        doc.issue("plot.x", "x in epochs needs steps_per_epoch")
    if plot.x in ("tokens", "samples") and not getattr(per_step, plot.x, None):
        doc.issue("plot.x", f"x in {plot.x} needs {plot.x}_per_step, or batch_size"
                            f"{', seq_len' if plot.x == 'tokens' else ''} (with grad_accum and world_size)")
    schedules = _schedules(data.get("schedules"), doc, counting)
    config = Config(
        schedules=tuple(schedules), total_steps=total, lr=lr, steps_per_epoch=spe, per_step=per_step, counting=counting,
        title=title, caption=caption, plot=plot, output=output, source=doc.source, positions=doc.where,
    )
    _check_builds(config, doc)
    return config


def _text(doc: Located, path: str, text: str | None, limit: int = MAX_TEXT) -> str | None:
    """``text`` (a title, caption or label) if it can be drawn and written, else None with an issue at ``path``
    (too long, or not UTF-8: see :mod:`lrviz.text`; its mathtext is checked when a figure is drawn)."""
    from .text import plain_problem

    if text is not None and (problem := plain_problem(text, limit=limit)):
        doc.issue(path, problem)
        return None
    return text


def _per_step(data: dict, doc: Located) -> PerStep | None:
    """What one update consumes: samples = batch_size x grad_accum x world_size, tokens = samples x seq_len.

    ``tokens_per_step`` / ``samples_per_step`` may be given directly instead;
    given both ways, they must agree. None when nothing is given.
    """
    given = {key: data[key] for key in SCALE_KEYS if data.get(key) is not None}
    if not given:
        return None
    values = {}
    for key, value in given.items():
        converted = _field(doc, key, _count, value)
        if converted is not None:
            values[key] = converted
    samples = tokens = None
    if "batch_size" in values:
        samples = values["batch_size"] * values.get("grad_accum", 1) * values.get("world_size", 1)
        if "seq_len" in values:
            tokens = samples * values["seq_len"]
    else:
        for key in ("seq_len", "grad_accum", "world_size"):
            if key in values:
                doc.issue(key, "needs batch_size (per device) to say what one update consumes")
    for key, derived in (("samples_per_step", samples), ("tokens_per_step", tokens)):
        if key in values:
            if derived is not None and values[key] != derived:
                doc.issue(key, f"is {values[key]:g}, but batch_size x ... gives {derived:g}; give one of them")
            derived = values[key]
        if key == "samples_per_step":
            samples = derived
        else:
            tokens = derived
    return PerStep(tokens=tokens, samples=samples)


def _count(path: str, value: Any) -> int:
    """A whole positive count, written as a number or with a magnitude (``4M``, ``2k``)."""
    count = to_steps(value, param=path)
    if count < 1:
        raise ParameterError(path, f"must be >= 1; got {value!r}")
    return count


def _total_steps(path: str, value: Any, spe: int | None, force: bool = False, per_step: PerStep | None = None) -> int:
    if isinstance(value, str) and value.strip().endswith("%"):
        raise ParameterError(path, "total_steps cannot be a percentage")
    steps = to_steps(value, param=path, steps_per_epoch=spe, per_step=per_step)
    if steps < 1:
        raise ParameterError(path, f"must be at least 1 step; got {value!r}")
    refusal = None if force else over_limit(steps)
    if refusal:
        raise ParameterError(path, refusal)
    return steps


def _plot(raw: Any, doc: Located) -> PlotSpec:
    if raw is None:
        return PlotSpec()
    if not isinstance(raw, dict):
        doc.issue("plot", f"expected a mapping of plot options; got {_kind(raw)}")
        return PlotSpec()
    options: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"plot.{key}"
        if key not in PLOT_KEYS:
            doc.issue(path, f"unknown plot option{did_you_mean(str(key), PLOT_KEYS)}")
        elif key in ("logy", "difference", "context"):
            options[key] = _field(doc, path, as_bool, value, False)
        elif key in ("x", "layout", "style"):
            choices = {"x": X_UNITS, "layout": LAYOUTS, "style": STYLES}[key]
            if value not in choices:
                doc.issue(path, f"must be one of {', '.join(choices)}; got {value!r}{did_you_mean(str(value), choices)}")
            else:
                options[key] = value
        elif key == "annotate":
            options["annotate"] = _field(doc, path, as_bool, value, True)
        elif key == "size":
            size = _field(doc, path, parse_size, value)
            if size:
                options["size"] = size
        elif key == "dpi":
            dpi = _field(doc, path, parse_dpi, value)
            if dpi:
                options["dpi"] = dpi
    if options.get("difference") and options.get("layout") in ("grid", "overlay"):
        doc.issue("plot.difference", f"draws a panel under the lr: it needs layout stack or auto; got {options['layout']}")
    return PlotSpec(**options)


def parse_size(path: str, value: Any) -> tuple[float, float] | str:
    """A figure size in inches, [W, H] or "W,H" (exact), or a name: column (3.5 in wide), page (7 in)
    or screen (8 in), whose height lrviz adapts to the layout."""
    if isinstance(value, str) and value.strip() in SIZES:
        return value.strip()
    given = value
    if isinstance(value, str):
        value = [part for part in value.replace("x", ",").split(",")]
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ParameterError(path, f"expected W,H in inches or one of {', '.join(SIZES)}; got {given!r}")
    width, height = (as_number(path, v) for v in value)
    if not (0 < width <= 100 and 0 < height <= 100):
        raise ParameterError(path, f"width and height must be in (0, 100] inches; got {width:g},{height:g}")
    return (width, height)


def parse_dpi(path: str, value: Any) -> int:
    dpi = as_int(path, value)
    if not 10 <= dpi <= 2400:
        raise ParameterError(path, f"must be between 10 and 2400; got {dpi}")
    return dpi


def _schedules(raw: Any, doc: Located, counting: str) -> list[ScheduleSpec]:
    if raw is None:
        doc.issue("schedules" if "schedules" in doc.where else "", "no schedules: add a 'schedules:' list of {name, params}")
        return []
    if not isinstance(raw, list):
        doc.issue("schedules", f"expected a list of {{name, params}}; got {_kind(raw)}")
        return []
    if not raw:
        doc.issue("schedules", "the list is empty; add at least one {name, params}")
    specs = []
    for i, item in enumerate(raw):
        path = f"schedules[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            doc.issue(path, f"expected a mapping {{name, label, params}}; got {_kind(item)}")
            continue
        for key in item:
            if key not in ENTRY_KEYS:
                doc.issue(f"{path}.{key}", f"unknown key{did_you_mean(str(key), ENTRY_KEYS)}")
        if "name" not in item:
            doc.issue(path, "missing 'name' (the schedule to draw; see 'lrviz list')")
            continue
        params = item.get("params") or {}
        if not isinstance(params, dict):
            doc.issue(f"{path}.params", f"expected a mapping of parameters; got {_kind(params)}")
            continue
        label = _text(doc, f"{path}.label", None if item.get("label") is None else str(item["label"]))
        entry_counting = item.get("counting", counting)
        if entry_counting not in COUNTING_MODES:
            doc.issue(f"{path}.counting", f"must be one of {', '.join(COUNTING_MODES)}; got {entry_counting!r}")
            continue
        optimizer = _field(doc, f"{path}.optimizer", hyper.check_optimizer, item["optimizer"]) if "optimizer" in item else None
        specs.append(ScheduleSpec(str(item["name"]), dict(params), label, entry_counting, path,
                                  optimizer=optimizer, hyper={k: item[k] for k in hyper.KEYS if k in item}))
    return specs


def _check_builds(config: Config, doc: Located) -> None:
    """Build every schedule once so parameter problems are found now, with positions."""
    from .files import folder_of

    context = registry.Context(config.total_steps, config.lr, config.steps_per_epoch, config.per_step,
                               folder=folder_of(config.source))
    for spec in config.schedules:
        schedule = None
        try:
            schedule = registry.build_at(spec.name, spec.params, context, spec.path, spec.counting)
        except ParameterErrors as errs:
            for err in errs.errors:
                doc.issue(err.param, err.message)
        if spec.hyper:  # weight decay, batch size, beta2: checked even when the lr has problems of its own
            try:
                hyper.build(spec.path, spec.hyper, spec.optimizer, schedule.unchecked if schedule else None,
                            schedule.breaks if schedule else None, context)
            except ParameterErrors as errs:
                for err in errs.errors:
                    doc.issue(err.param, err.message)


def from_names(names: Sequence[str], *, params: Mapping[str, Mapping[str, Any]] | None = None,
               origins: Mapping[str, Mapping[str, str]] | None = None, total_steps: int = 1000, lr: float = 0.1,
               steps_per_epoch: int | None = None, title: str | None = None, source: str = "lrviz") -> Config:
    """A Config of registered names on shared defaults: ``lrviz compare cosine step``, ``lrviz.plot("cosine")``.

    ``params`` maps a name to its parameters, ``origins`` a name to where each
    of them came from (``{"min_lr": "--set cosine.min_lr"}``) for error messages.
    An unknown name raises :class:`~lrviz.errors.UnknownName`.
    """
    params, origins = params or {}, origins or {}
    for name in names:
        registry.lookup(name)
    specs = tuple(ScheduleSpec(name, dict(params.get(name, {})), path=name, origins=dict(origins.get(name, {})))
                  for name in names)
    return Config(schedules=specs, total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch, title=title,
                  source=source)
