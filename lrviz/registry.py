"""The registry: one table from schedule names to factories, and the builder
that checks parameters against a factory's signature before calling it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import numpy as np

from .errors import LrvizError, ParameterError, ParameterErrors, UnknownName, did_you_mean
from .limits import MAX_NESTING
from .params import Param, as_bool, coerce, signature
from .schedules._base import Schedule
from .schedules import compose, cosine, cyclic, decay, keyframes, transformer
from .units import COUNTING_MODES, Inherited, PerStep, _kind, counted, to_steps


@dataclass(frozen=True)
class Entry:
    """A registered schedule: its factory, what ``lrviz list``/``show`` say of it, and its parameters' roles.

    ``floor`` names the parameter holding the lr the schedule anneals to (``lrviz
    check`` warns when the run never reaches it); ``bounds`` the parameters that
    look like a floor but only bound the lr (a plateau's ``min_lr``); ``warmup``
    the parameter holding the warmup length. The contract test
    (``tests/test_contract.py``) refuses a floor- or warmup-like parameter that
    has no role.
    """

    factory: Callable[..., Schedule]
    summary: str
    sources: tuple[int, ...] = ()  # the documents that describe it, numbered as in lrviz.documents
    equivalents: tuple[str, ...] = ()  # framework schedulers with the same shape (not exact twins)
    aliases: tuple[str, ...] = ()
    floor: str | None = None
    warmup: str | None = None
    bounds: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old spelling, parameter): old configs keep working
    warmup_shorthand: bool = False  # takes warmup_steps / warmup_start / warmup_shape (see with_warmup)
    per_epoch: bool = False  # a twin its library steps per epoch: takes t_in_epochs (see stepped_per_epoch)
    per_epoch_metrics: bool = False  # its t is an epoch (one metric value each): see _counted


GENERIC: dict[str, Entry] = {  # the generic schedules; the twins join them in _assemble()
    # classic decays
    "constant": Entry(decay.constant, "fixed learning rate", (4,), ("optax.constant_schedule", "hf.constant")),
    "step": Entry(decay.step, "multiply by gamma every step_size steps", (3, 4), ("torch.StepLR",), ("step_decay", "steplr")),
    "multistep": Entry(decay.multistep, "multiply by gamma at each milestone", (4,), ("torch.MultiStepLR",), ("multi_step",)),
    "piecewise": Entry(decay.piecewise, "piecewise constant values between boundaries", (2, 5),
                       ("keras.PiecewiseConstantDecay (switches one step later)",), ("piecewise_constant",)),
    "exponential": Entry(decay.exponential, "lr * decay_rate^(t/decay_steps), optional staircase", (2, 4, 5),
                         ("keras.ExponentialDecay", "tf.exponential_decay", "optax.exponential_decay"), ("exp", "exponential_decay")),
    "natural_exp": Entry(decay.natural_exp, "lr * exp(-decay_rate*t/decay_steps), optional staircase", (2, 5),
                         ("tf.natural_exp_decay",), ("natural_exp_decay",)),
    "inverse_time": Entry(decay.inverse_time, "lr / (1 + decay_rate*t/decay_steps), optional staircase", (5,),
                          ("keras.InverseTimeDecay", "tf.inverse_time_decay"), ("inverse_time_decay",)),
    "polynomial": Entry(decay.polynomial, "polynomial decay to min_lr, optional cycle", (2, 5),
                        ("keras.PolynomialDecay", "tf.polynomial_decay"), ("poly", "polynomial_decay"), floor="min_lr"),
    "linear": Entry(decay.linear, "linear decay from lr to min_lr", (), ("optax.linear_schedule",), ("linear_decay",), floor="min_lr"),
    # cosine family
    "cosine": Entry(cosine.cosine, "cosine annealing to min_lr, then flat", (4, 5),
                    ("keras.CosineDecay (alpha = min_lr/lr)", "optax.cosine_decay_schedule",
                     "torch.CosineAnnealingLR (which rises again after T_max)"), ("cosine_annealing", "cos"), floor="min_lr"),
    "cosine_restarts": Entry(cosine.cosine_restarts, "SGDR: cosine annealing with warm restarts", (4,),
                             ("torch.CosineAnnealingWarmRestarts", "keras.CosineDecayRestarts"), ("sgdr", "cosine_warm_restarts"), floor="min_lr"),
    "linear_cosine": Entry(cosine.linear_cosine, "linear times cosine decay, plus beta", (5,), ("tf.linear_cosine_decay",)),
    "noisy_linear_cosine": Entry(cosine.noisy_linear_cosine, "linear cosine with seeded Gaussian noise", (5,),
                                 ("tf.noisy_linear_cosine_decay (unseeded)",)),
    # cycles
    "cyclic": Entry(cyclic.cyclic, "cyclical lr: triangular, triangular2, exp_range or sine, with momentum", (3,),
                    ("torch.CyclicLR",), ("clr", "cyclical"), bounds=("min_lr",)),
    "onecycle": Entry(cyclic.onecycle, "one-cycle policy with its momentum curve", (4,),
                      ("torch.OneCycleLR (peak one step earlier)", "optax.cosine_onecycle_schedule"), ("one_cycle", "1cycle")),
    "keyframes": Entry(keyframes.keyframes, "decay factor r_t piecewise linear through {t1: r1, ...}: warmup, decay, periodic", (1,)),
    # transformer era
    "noam": Entry(transformer.noam, "Noam: linear warmup then inverse square root (Vaswani et al.)", (),
                  ("paddle NoamDecay",), warmup="warmup_steps"),
    "inverse_sqrt": Entry(transformer.inverse_sqrt, "linear warmup then lr*sqrt(timescale/(t-W+timescale))", (),
                          ("hf.inverse_sqrt", "fairseq inverse_sqrt"), warmup="warmup_steps",
                          renamed=(("init_lr", "start_lr"),)),
    "wsd": Entry(transformer.wsd, "warmup-stable-decay with linear, cosine or 1-sqrt decay", (),
                 ("hf.warmup_stable_decay",), ("warmup_stable_decay",), warmup="warmup_steps", bounds=("min_lr",),
                 renamed=(("init_lr", "start_lr"),)),
    "tri_stage": Entry(transformer.tri_stage, "warmup, hold, exponential decay (fairseq tri_stage)", (), warmup="warmup_steps"),
    "tanh": Entry(transformer.tanh, "tanh decay (timm TanhLRScheduler, one cycle)", (), ("timm.tanh",), floor="min_lr"),
    # composition
    "warmup": Entry(compose.warmup, "warmup (linear, cosine or exponential) in front of any schedule", (2, 3, 4), warmup="warmup_steps"),
    "sequence": Entry(compose.sequence, "phases one after another, each on its own local step", (), ("optax.join_schedules",)),
    "multiply": Entry(compose.multiply, "product of schedules", (), ("torch.ChainedScheduler",)),
    "clamp": Entry(compose.clamp, "clamp a schedule between min_lr and max_lr", bounds=("min_lr",)),
    "periodic": Entry(compose.periodic, "repeat a schedule every period steps"),
}

DECAYING = ("constant", "step", "multistep", "piecewise", "exponential", "natural_exp", "inverse_time", "polynomial",
            "linear", "cosine", "cosine_restarts", "linear_cosine", "noisy_linear_cosine", "tanh")
"""The generic schedules without a warmup of their own: each takes the warmup shorthand (see :func:`with_warmup`)."""
for _name in DECAYING:
    GENERIC[_name] = replace(GENERIC[_name], warmup_shorthand=True)

WARMUP_SHORTHAND = {"warmup_steps": "warmup_steps", "warmup_start": "start_lr", "warmup_shape": "shape"}
"""The shorthand's keys and the parameters of ``warmup`` they stand for."""


def _assemble() -> dict[str, Entry]:
    """The generic rows and the framework twins (``torch.StepLR``, ...) in one table; a name may appear once."""
    from .twins import TWINS

    table = dict(GENERIC)
    for name, twin in TWINS.items():
        if name in table:
            raise RuntimeError(f"schedule name {name!r} is registered twice")
        table[name] = Entry(twin.factory, twin.summary, floor=twin.floor, warmup=twin.warmup, bounds=twin.bounds,
                            per_epoch=twin.per_epoch, per_epoch_metrics=twin.per_epoch_metrics)
    spellings = [alias for entry in table.values() for alias in entry.aliases]
    clash = sorted(set(spellings) & set(table) | {a for a in spellings if spellings.count(a) > 1})
    if clash:
        raise RuntimeError(f"aliases that name two schedules: {', '.join(clash)}")
    return table


TABLE = _assemble()
ALIASES: dict[str, str] = {alias: name for name, entry in TABLE.items() for alias in entry.aliases}


def names() -> list[str]:
    """Every registered schedule name (aliases not included), sorted."""
    return sorted(TABLE)


def lookup(name: str) -> tuple[str, Entry]:
    """Resolve a name or alias; raise :class:`UnknownName` with a suggestion."""
    if not isinstance(name, str):
        raise UnknownName(repr(name), list(TABLE))
    canonical = ALIASES.get(name, name)
    if canonical not in TABLE:
        raise UnknownName(name, list(TABLE) + list(ALIASES))
    return canonical, TABLE[canonical]


@dataclass(frozen=True)
class Context:
    """Defaults a schedule inherits from its config or parent."""

    total_steps: int | None = None
    lr: float | None = None
    steps_per_epoch: int | None = None
    per_step: PerStep | None = None  # tokens and samples an update consumes, for '2B tok' durations
    depth: int = 0  # how many schedules this one is inside (lrviz.limits.MAX_NESTING)
    folder: str | None = None  # the config's folder: a relative file path in it (metrics: m.csv) is read from there


def _join(prefix: str, part: str) -> str:
    return f"{prefix}.{part}" if prefix else part


class _PendingSpec:
    """A nested ``{name, params}`` waiting for the span its parent gives it."""

    def __init__(self, raw: Any, context: Context, where: str):
        self.raw, self.context, self.where = raw, context, where

    def build(self, *, total_steps: int | None = None, lr: float | None = None) -> Schedule:
        ctx = replace(self.context, total_steps=total_steps if total_steps is not None else self.context.total_steps,
                      lr=lr if lr is not None else self.context.lr, depth=self.context.depth + 1)
        if ctx.depth > MAX_NESTING:
            raise ParameterErrors([located(self.where, f"schedules nested more than {MAX_NESTING} deep "
                                                       "(a schedule inside a schedule inside ...) are refused")])
        raw = self.raw
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, Mapping):
            raise ParameterErrors([located(self.where, f"expected a schedule {{name, params}}; got {_kind(raw)}")])
        extra = [k for k in raw if k not in ("name", "params")]
        if extra:
            raise ParameterErrors(
                [located(_join(self.where, str(k)), f"unknown key{did_you_mean(str(k), ['name', 'params'])}") for k in extra]
            )
        if "name" not in raw:
            raise ParameterErrors([located(_join(self.where, "name"), "missing schedule name")])
        return build_at(raw["name"], raw.get("params") or {}, ctx, self.where)


def located(path: str, message: str) -> ParameterError:
    return ParameterError(path, message, located=True)


def build_at(name: Any, params: Any, ctx: Context, where: str = "", counting: str = "cumulative") -> Schedule:
    """Build ``name`` with raw ``params``; errors carry paths below ``where``.

    Paths look like ``params.warmup_steps`` or ``params.schedule.params.min_lr``
    so the config layer can find the line and column of each one.
    """
    try:
        canonical, entry = lookup(name)
    except UnknownName as err:
        raise ParameterErrors([located(_join(where, "name"), str(err))]) from None
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ParameterErrors([located(_join(where, "params"), f"expected a mapping of parameters; got {_kind(params)}")])
    if counting not in COUNTING_MODES:
        raise ParameterErrors([located(_join(where, "counting"), f"must be one of {', '.join(COUNTING_MODES)}; got {counting!r}")])
    if counting == "epoch_restart" and ctx.steps_per_epoch:
        ctx = replace(ctx, total_steps=ctx.steps_per_epoch)  # the schedule spans one epoch
    if entry.per_epoch and any(key in params for key in EPOCH_STEPPING):
        schedule = stepped_per_epoch(canonical, params, ctx, where)
        return schedule if counting == "cumulative" else _counted(schedule, counting, ctx.steps_per_epoch, where, entry)
    if entry.warmup_shorthand and any(key in params for key in WARMUP_SHORTHAND):
        schedule = with_warmup(canonical, params, ctx, where)
        return schedule if counting == "cumulative" else _counted(schedule, counting, ctx.steps_per_epoch, where, entry)
    sig = signature(entry.factory)
    prefix = _join(where, "params")
    errors: list[ParameterError] = []
    for old, new in entry.renamed:
        if old in params:
            if new in params:
                errors.append(located(_join(prefix, old), f"is the old name of {new}; give one of them"))
            params = {(new if key == old else key): value for key, value in params.items()}
    for key in params:
        if key not in sig:
            errors.append(located(_join(prefix, str(key)), f"unknown parameter of {canonical}{did_you_mean(str(key), sig)}"))
    kwargs: dict[str, Any] = {}
    total = ctx.total_steps
    if "total_steps" in sig:
        try:
            if "total_steps" in params:
                total = coerce(sig["total_steps"], params["total_steps"], total_steps=ctx.total_steps,
                               steps_per_epoch=ctx.steps_per_epoch, per_step=ctx.per_step, nested=_no_nesting,
                               folder=ctx.folder)
            if total is not None:
                kwargs["total_steps"] = total if "total_steps" in params else Inherited(total)
        except ParameterError as err:
            errors.append(located(_join(prefix, err.param), err.message))
    if "lr" in sig and "lr" not in params and ctx.lr is not None:
        kwargs["lr"] = ctx.lr
    child_ctx = replace(ctx, total_steps=total)
    for key, value in params.items():
        if key not in sig or key == "total_steps":
            continue
        param: Param = sig[key]
        try:
            kwargs[key] = coerce(
                param, value, total_steps=total, steps_per_epoch=ctx.steps_per_epoch, per_step=ctx.per_step,
                folder=ctx.folder,
                nested=lambda path, raw: _PendingSpec(raw, child_ctx, _join(prefix, path)),
            )
        except ParameterError as err:
            errors.append(err if err.located else located(_join(prefix, err.param), err.message))
    if errors:
        raise ParameterErrors(errors + _nested_problems(kwargs))
    try:
        # a parameter beyond float32 range (the twins of float32 libraries) casts to inf here: no RuntimeWarning,
        # the inf lr is reported when the schedule is evaluated (NonFiniteLr, or check_finite with the key path)
        with np.errstate(all="ignore"):
            schedule = entry.factory(**kwargs)
    except ParameterError as err:
        if err.located:
            raise ParameterErrors([err]) from None
        raise ParameterErrors([located(_join(prefix, err.param), err.message)]) from None
    if counting != "cumulative":
        schedule = _counted(schedule, counting, ctx.steps_per_epoch, where, entry)
    return schedule


EPOCH_STEPPING = ("t_in_epochs", "updates_per_epoch")
"""The keys of a twin stepped per epoch (timm's scheduler and create_scheduler_v2 spellings)."""


def stepped_per_epoch(name: str, params: Mapping[str, Any], ctx: Context, where: str = "") -> Schedule:
    """A twin stepped once per epoch as its trainer does, from ``t_in_epochs: true``.

    With U updates per epoch (``updates_per_epoch``, else the config's
    steps_per_epoch): lr(u) = first for u < U, else twin(u // U), the twin
    built over ceil(total_steps / U) epochs with its durations counted in
    epochs (``5`` or ``"5ep"`` is five epochs); first is the lr the scheduler
    sets at construction (``warmup_lr_init`` when it warms up, else lr).
    ``t_in_epochs: false`` is the twin per update, its ``t`` the update.
    """
    from .twins.stepping import stepped

    prefix = _join(where, "params")
    rest = {key: value for key, value in params.items() if key not in EPOCH_STEPPING}
    errors: list[ParameterError] = []
    per_epoch = True
    if "t_in_epochs" in params:
        try:
            per_epoch = as_bool("t_in_epochs", params["t_in_epochs"])
        except ParameterError as err:
            errors.append(located(_join(prefix, "t_in_epochs"), err.message))
    U = ctx.steps_per_epoch
    if "updates_per_epoch" in params:
        try:
            U = to_steps(params["updates_per_epoch"], param="updates_per_epoch")
            if U < 1:
                raise ParameterError("updates_per_epoch", f"must be >= 1; got {U}")
        except ParameterError as err:
            errors.append(located(_join(prefix, "updates_per_epoch"), err.message))
    if per_epoch and not U and not errors:
        errors.append(located(_join(prefix, "t_in_epochs"), "steps the scheduler once per epoch: give steps_per_epoch "
                                                            "(updates per epoch) in the config, or updates_per_epoch"))
    if errors or not per_epoch:
        if errors:
            try:
                build_at(name, rest, ctx, where)
            except ParameterErrors as errs:
                errors += errs.errors
            raise ParameterErrors(errors)
        return build_at(name, rest, ctx, where)
    total = ctx.total_steps if ctx.total_steps is not None else 1000
    if "total_steps" in rest:
        try:
            total = to_steps(rest.pop("total_steps"), param="total_steps", total_steps=total,
                             steps_per_epoch=U, per_step=ctx.per_step)
        except ParameterError as err:
            raise ParameterErrors([located(_join(prefix, "total_steps"), err.message)]) from None
    epochs = max(1, -(-total // U))
    inner = build_at(name, rest, replace(ctx, total_steps=epochs, steps_per_epoch=1), where)
    warm = inner.params.get("warmup_t") or 0
    first = inner.params["warmup_lr_init"] if warm else inner.params["lr"]
    schedule = stepped(lr=inner.params["lr"], total_steps=total, schedule=inner, every=U, first_lr=first)
    schedule.params.update(t_in_epochs=True, updates_per_epoch=U)
    return schedule


def with_warmup(name: str, params: Mapping[str, Any], ctx: Context, where: str = "") -> Schedule:
    """``name`` with a warmup in front, from the shorthand ``warmup_steps`` / ``warmup_start`` / ``warmup_shape``.

    Exactly the composition ``warmup(warmup_steps=W, start_lr=warmup_start,
    shape=warmup_shape, schedule={name, params: the other params})``: the
    schedule runs after the warmup over the remaining total_steps - W steps
    (durations such as ``decay_steps: 50%`` are of those), ``W`` itself being
    of the whole run (``warmup_steps: 5%`` is 5% of total_steps), and the
    warmup climbs from warmup_start (default 0) to the schedule's first lr.
    ``warmup_steps: 0`` is the schedule alone.
    """
    prefix = _join(where, "params")
    head = {key: params[key] for key in WARMUP_SHORTHAND if key in params}
    rest = {key: value for key, value in params.items() if key not in WARMUP_SHORTHAND and key != "total_steps"}
    errors: list[ParameterError] = []
    total = ctx.total_steps
    if "total_steps" in params:
        try:
            total = to_steps(params["total_steps"], param="total_steps", total_steps=ctx.total_steps,
                             steps_per_epoch=ctx.steps_per_epoch, per_step=ctx.per_step)
        except ParameterError as err:
            errors.append(located(_join(prefix, "total_steps"), err.message))
    total = 1000 if total is None else total  # the factories' own default length
    W = None
    if "warmup_steps" not in head:
        errors.append(located(_join(prefix, next(iter(head))), "is part of the warmup shorthand: give warmup_steps too"))
    else:
        try:
            W = to_steps(head["warmup_steps"], param="warmup_steps", total_steps=total,
                         steps_per_epoch=ctx.steps_per_epoch, per_step=ctx.per_step)
            if W >= total:
                raise ParameterError("warmup_steps", f"warmup of {W} steps leaves nothing of total_steps={total}")
        except ParameterError as err:
            errors.append(located(_join(prefix, "warmup_steps"), err.message))
            W = None
    inner_ctx = replace(ctx, total_steps=total - (W or 0))
    try:
        inner = build_at(name, rest, inner_ctx, where)
    except ParameterErrors as errs:
        errors += errs.errors
        inner = None
    if errors:
        raise ParameterErrors(errors)
    if W == 0 and inner is not None:
        return build_at(name, {key: value for key, value in params.items() if key not in WARMUP_SHORTHAND}, ctx, where)
    kwargs = {"start_lr": head.get("warmup_start", 0.0), "shape": head.get("warmup_shape", "linear")}
    problems = []
    for key, param in (("warmup_start", "start_lr"), ("warmup_shape", "shape")):
        try:
            kwargs[param] = coerce(signature(compose.warmup)[param], kwargs[param], total_steps=total,
                                   steps_per_epoch=ctx.steps_per_epoch, per_step=ctx.per_step, nested=_no_nesting)
        except ParameterError as err:
            problems.append(located(_join(prefix, key), err.message))
    if problems:
        raise ParameterErrors(problems)
    try:
        return compose.warmup(lr=float(inner.params.get("lr", ctx.lr if ctx.lr is not None else 0.1)),
                              total_steps=total, warmup_steps=W, schedule=inner, **kwargs)
    except ParameterError as err:
        spelled = {param: key for key, param in WARMUP_SHORTHAND.items()}.get(err.param, err.param)
        raise ParameterErrors([located(_join(prefix, spelled), err.message)]) from None


def _nested_problems(kwargs: Mapping[str, Any]) -> list[ParameterError]:
    """The problems of the nested schedules among ``kwargs``, found now: the parent has problems of its own,
    so its factory is never called to build them, and one pass must still report every problem."""
    found: list[ParameterError] = []
    for value in kwargs.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            pending = item[1] if isinstance(item, tuple) and len(item) == 2 else item  # a (steps, spec) phase
            if isinstance(pending, _PendingSpec):
                try:
                    pending.build()
                except ParameterErrors as errs:
                    found += errs.errors
                except LrvizError:  # a schedule that cannot be built without its parent's span: said by the parent
                    pass
    return found


def _no_nesting(path: str, raw: Any) -> Any:
    raise ParameterError(path, "a schedule is not allowed here")


def _counted(schedule: Schedule, mode: str, steps_per_epoch: int | None, where: str, entry: Entry | None = None) -> Schedule:
    """``schedule`` under a counting mode (see :func:`lrviz.units.counted`).

    A twin whose t is an epoch (``per_epoch_metrics``: the plateau twins, one
    metric value per epoch) sees the epoch index under ``epoch_constant``:
    lr(u) = twin(u // S), its marks at e * S; any other schedule sees the
    update at the epoch start, twin(S * (u // S)). ``epoch_restart`` would
    restart an epoch count every epoch, which no loop does: it is refused for them.
    """
    if not steps_per_epoch:
        raise ParameterErrors([located(_join(where, "counting"), f"counting mode {mode!r} needs steps_per_epoch")])
    lr_fn = schedule.lr_at
    mom = schedule.momentum_at if schedule.has_momentum else None
    if entry is not None and entry.per_epoch_metrics:
        if mode != "epoch_constant":
            raise ParameterErrors([located(_join(where, "counting"), f"{schedule.name} is stepped once per epoch "
                                           f"(one metric value each); counting {mode!r} does not apply; use "
                                           "epoch_constant to draw it per update")])
        S = steps_per_epoch
        return Schedule(lambda t: lr_fn(t // S), name=schedule.name, params={**schedule.params, "counting": mode},
                        momentum_fn=(lambda t: mom(t // S)) if mom else None,
                        marks=tuple(m._replace(step=m.step * S) for m in schedule.marks),
                        periodic=schedule.periodic,
                        breaks=None if schedule.breaks is None else tuple(b * S for b in schedule.breaks))
    return Schedule(
        lambda t: lr_fn(counted(t, mode, steps_per_epoch)),
        name=schedule.name,
        params={**schedule.params, "counting": mode},
        momentum_fn=(lambda t: mom(counted(t, mode, steps_per_epoch))) if mom else None,
        marks=schedule.marks if mode == "epoch_constant" else (),
        periodic=schedule.periodic or mode == "epoch_restart",
    )


def role(schedule: Schedule, name: str) -> tuple[str | None, Any]:
    """The parameter playing ``name`` ("floor" or "warmup") in ``schedule``'s entry, and its value (None, None if none)."""
    try:
        _, entry = lookup(schedule.name)
    except UnknownName:
        return (None, None)
    key = getattr(entry, name)
    return (key, schedule.params.get(key)) if key else (None, None)


def build(name: str, params: Mapping[str, Any] | None = None, **context: Any) -> Schedule:
    """Build a schedule by name: ``build("cosine", {"min_lr": 1e-4}, total_steps=1000)``."""
    return build_at(name, dict(params or {}), Context(**context))
