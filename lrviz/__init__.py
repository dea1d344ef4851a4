"""lrviz: see a learning-rate schedule before a long run starts.

    >>> import lrviz
    >>> cos = lrviz.schedule("cosine", lr=0.1, total_steps=1000, min_lr=1e-4)
    >>> float(cos(0)), float(cos(1000))
    (0.1, 0.0001)

Public API: :func:`schedule`, :func:`names`, :func:`load`, :func:`evaluate`, :func:`plot`,
:func:`stats`, :func:`check`, :func:`to_callable`, :func:`to_torch`, :class:`Schedule`, :class:`LrvizError`.
Importing lrviz never imports matplotlib; in a notebook a Schedule or a Config shows as a small figure.

How the package is laid out, in the order data flows through it (each imports only from above it)::

    errors, kinds, units       the error tree; parameter kinds; durations and counting modes
    limits, text               step, figure-size and curve limits; titles and labels checked before drawing
    documents                  the five documents lrviz was built from, with their English titles
    schedules/                 the maths (numpy only): the Schedule type, the validation vocabulary, families
    twins/                     exact twins of frameworks and trainers (numpy only), with their quirks
    registry, params, expr     name -> factory and parameter roles; raw values -> kinds; lr_lambda expressions
    spec                       plain dataclasses: ScheduleSpec, PlotSpec, Config, Curve, Series
    hyper                      weight decay, AdamW's lr x wd, batch-size ramps, beta2: series beside the lr
    config, sources            lrviz YAML -> Config; any file (lrviz's or a trainer's) -> Config
    yamltext, positions        YAML text -> plain data (the one yaml reader); where each key was written
    trainers/, logs/           trainers' own config formats -> Config; run logs -> the lr a run used
    curves, decimate, scan     Config -> curves; M4 reduction for display; one chunked pass for statistics
    analysis/                  stats, check, sweep, resume, show, and the run against the plan
    floattext, datafile        float64 -> repr's exact text, vectorized; curves -> CSV/JSON/NPY/NPZ in chunks
    draw/, output              curves -> figure (matplotlib only here) or terminal; files and formats
    gallery, bridge, explore   the gallery; to_callable/to_torch; the slider window
    starter                    the commented starter configs of 'lrviz init'
    measure, notebook          lrviz.stats / lrviz.check in Python; Schedule and Config pictures for Jupyter
    playground/                optimizers on loss surfaces driven by a schedule
    cli/                       the typer app: parses words, calls the above, reports errors
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ConfigError, LrvizError, ParameterError, UnknownName

if TYPE_CHECKING:
    from .schedules._base import Schedule

__version__ = "0.1.0"
__all__ = ["schedule", "names", "load", "evaluate", "plot", "stats", "check", "to_callable", "to_torch", "Schedule",
           "LrvizError", "ConfigError", "ParameterError", "UnknownName", "__version__"]


def __getattr__(name: str) -> Any:
    """``lrviz.Schedule`` is imported on first use, so ``lrviz --help`` does not load numpy."""
    if name == "Schedule":
        from .schedules._base import Schedule

        return Schedule
    raise AttributeError(f"module 'lrviz' has no attribute {name!r}")


def schedule(name: str, *, steps_per_epoch: int | None = None, **params: Any) -> "Schedule":
    """Build a registered schedule: ``lrviz.schedule("cosine", lr=0.1, total_steps=1000)``.

    Durations may be written as ``"5ep"`` (with ``steps_per_epoch``) or ``"10%"``
    (of ``total_steps``); nested schedules as ``{"name": ..., "params": {...}}``.
    A schedule with a parameter of its own named ``steps_per_epoch``
    (``torch.OneCycleLR``) gets it as that parameter too.
    """
    import numbers

    from . import registry
    from .params import signature
    from .units import MAX_DURATION, is_number, shown

    if steps_per_epoch is not None:
        if not is_number(steps_per_epoch) or not (isinstance(steps_per_epoch, numbers.Integral)
                                                  or float(steps_per_epoch).is_integer()):
            raise ParameterError("steps_per_epoch", f"expected a whole number of steps >= 1; got {steps_per_epoch!r}")
        if steps_per_epoch < 1:
            raise ParameterError("steps_per_epoch", f"must be >= 1; got {steps_per_epoch!r}")
        if steps_per_epoch > MAX_DURATION:
            raise ParameterError("steps_per_epoch", f"is too large; at most 2**53 steps; got {shown(steps_per_epoch)}")
        steps_per_epoch = int(steps_per_epoch)
        entry = registry.TABLE.get(registry.ALIASES.get(name, name)) if isinstance(name, str) else None
        if entry is not None and "steps_per_epoch" in signature(entry.factory):
            params = {**params, "steps_per_epoch": steps_per_epoch}
    return registry.build_at(name, params, registry.Context(steps_per_epoch=steps_per_epoch))


def names() -> list[str]:
    """Every registered schedule name, sorted."""
    from . import registry

    return registry.names()


def load(path: str, *, format: str | None = None, steps_per_epoch: int | None = None,
         dataset_size: int | None = None, world_size: int | None = None):
    """Read a config, lrviz's YAML or a trainer's own file (HF TrainingArguments, DeepSpeed, timm, ...);
    returns a :class:`lrviz.spec.Config`. What a trainer's file cannot say comes from the keywords
    (see :mod:`lrviz.sources`)."""
    from . import sources

    return sources.load(path, format=format, steps_per_epoch=steps_per_epoch, dataset_size=dataset_size,
                        world_size=world_size)


def evaluate(config_or_path: Any):
    """Evaluate a config (or the config at a path) into labelled curves on steps 0..total_steps."""
    from .curves import evaluate as _evaluate_config

    config = load(config_or_path) if isinstance(config_or_path, str) else config_or_path
    return _evaluate_config(config)


def plot(source: Any, *more: Any, ax: Any = None, output: str | None = None, total_steps: int | None = None,
         lr: float | None = None, steps_per_epoch: int | None = None, title: str | None = None, **options: Any):
    """Draw schedules and return the matplotlib Figure (for notebooks, or to save yourself).

    ``source`` is a config path, a :class:`~lrviz.spec.Config`, schedule names or
    :class:`Schedule` objects (several may follow as more arguments)::

        fig = lrviz.plot("configs/warmup_cosine.yaml", style="paper")
        fig = lrviz.plot("step", "cosine", "onecycle", total_steps=1000, layout="grid")
        fig = lrviz.plot(lrviz.schedule("cosine", lr=0.1, total_steps=1000), output="cos.svg")

    ``ax=`` draws an lr overlay into an existing matplotlib Axes instead (its
    figure is returned). Options: ``layout`` (auto, overlay, grid, stack),
    ``style`` (default, paper, dark), ``logy``, ``x`` (steps, epochs,
    fraction), ``size`` ((W, H) inches or "column"/"page"), ``dpi``,
    ``annotate``. ``output`` also writes the figure (PNG, SVG or PDF).
    """
    from .draw import plot as _plot

    return _plot(source, *more, ax=ax, output=output, total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch,
                 title=title, **options)


def stats(source: Any, *, total_steps: int | None = None, lr: float | None = None,
          steps_per_epoch: int | None = None, **params: Any):
    """The numbers ``lrviz stats`` prints, one :class:`~lrviz.analysis.stats.Stats` per curve (peak, peak_step,
    final, mean, area, above_half): ``lrviz.stats("cosine", lr=0.1, total_steps=1000)[0].area``. ``source``
    is what :func:`to_callable` takes; see :mod:`lrviz.measure`."""
    from .measure import stats as _stats

    return _stats(source, total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch, **params)


def check(source: Any, *, total_steps: int | None = None, lr: float | None = None,
          steps_per_epoch: int | None = None, **params: Any):
    """The findings of ``lrviz check``, one :class:`lrviz.measure.Finding` each (level, step, message, hint,
    label; ``.line()`` is the command's line); an empty list when there is no problem. See :mod:`lrviz.measure`."""
    from .measure import check as _check

    return _check(source, total_steps=total_steps, lr=lr, steps_per_epoch=steps_per_epoch, **params)


def to_callable(source: Any, *, label: str | None = None, **params: Any):
    """A plain ``step -> lr`` function of a schedule (no dependency): ``lrviz.to_callable("cosine", lr=0.1,
    total_steps=1000)``; ``source`` may also be a Schedule, a ``{name, params}`` mapping or a config path."""
    from .bridge import to_callable as _to_callable

    return _to_callable(source, label=label, **params)


def to_torch(source: Any, optimizer: Any, *, label: str | None = None, last_epoch: int = -1, **params: Any):
    """A ``torch.optim.lr_scheduler.LambdaLR`` on ``optimizer`` whose lrs are exactly lrviz's curve
    (torch is imported only here). See :func:`lrviz.bridge.to_torch`."""
    from .bridge import to_torch as _to_torch

    return _to_torch(source, optimizer, label=label, last_epoch=last_epoch, **params)
