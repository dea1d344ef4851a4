"""Twins of PyTorch 2.13's learning-rate schedulers (``torch.optim.lr_scheduler`` and ``swa_utils.SWALR``).

The value at step ``t`` is ``scheduler.get_last_lr()[0]`` after ``t`` calls of
``scheduler.step()`` (the constructor's own initial step included in ``t = 0``),
for one param group whose lr is ``lr``.

How the twins reproduce torch exactly
-------------------------------------
torch's schedulers are a small state machine around ``group["lr"]``. Every
``step()`` of one scheduler is one *map* of the current lr:

* multiply (the "chainable" StepLR, MultiStepLR, ConstantLR, LinearLR,
  ExponentialLR, PolynomialLR, MultiplicativeLR: ``lr * factor``),
* set (LambdaLR, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts and the
  closed forms SequentialLR uses at its milestones: ``lr = value``),
* CosineAnnealingLR's ``r * (lr - eta_min) + eta_min`` and its additive step
  ``lr + (base - eta_min) * (1 - cos(pi / T_max)) / 2``,
* SWALR's ``swa_lr * a + (lr - a' * swa_lr) / (1 - a') * (1 - a)``.

A twin models the construction of its scheduler(s) step by step (once, with
scalars: which scheduler sets ``initial_lr``, what SequentialLR resets and
undoes, ...), then computes the maps of any range of steps vectorized and
applies them in torch's order with torch's float operations: runs of
multiplications with ``np.multiply.accumulate`` (the same left-to-right
products as torch's repeated ``lr * factor``), the other maps element by
element across all runs at once. So the values are torch's to the last bit
wherever numpy's ``cos``/``**`` round like Python's ``math`` (``cos`` does
here; ``**`` may differ by one ulp). The exceptions, also in each docstring:

* a run of more than 512 affine steps in a row (CosineAnnealingLR with
  ``eta_min != 0`` and ``T_max > 256``; SWALR with ``anneal_epochs > 512``)
  is solved without torch's per-step rounding of ``- eta_min``/``+ eta_min``:
  ``lr - eta_min`` is multiplied by each ratio (CosineAnnealingLR alone:
  about 1e-13 relative at T_max = 3000, 4e-11 at 30000, where torch itself
  drifts from its closed form by 2e-12 and 1e-10), or by a prefix scan of
  the affine maps (SWALR: ~1e-14; a ChainedScheduler mixing such a cosine
  with other factors: ~1e-11);
* beyond 2**21 steps, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
  PolynomialLR and SWALR switch to their closed forms (about 1e-12 relative;
  torch's chainable values drift from them by as much).

Steps are evaluated in blocks of 32768 with the state (lr, momentum) kept at
each block end, so any step can be asked for; MultiplicativeLR, SequentialLR
and ChainedScheduler have no closed form, so the first value asked for at step
``t`` costs ``O(t)`` work (a few million steps per second), cached after, and
they stop at step 2**28 (a StepError beyond).

lrviz draws only a finite lr >= 0 and a momentum in [0, 1]: parameters torch
accepts but that make the lr negative (eta_min, gamma, swa_lr, ... below 0)
are ParameterErrors, and a value that still comes out negative or not finite
(a user lr_lambda below 0, gamma ** t overflowing) is a StepError at its step.
One quirk is kept as torch gives it: OneCycleLR's linear extrapolation at
t = total_steps, which is below 0.
Where torch raises while stepping, the twin raises
:class:`~lrviz.errors.StepError` from that step on, with torch's exception
and message; where it raises while constructing, a ParameterError.

Layout: this module holds the factories, their parameter checks and
``TWINS``; :mod:`._maps` the maps and the exact solver, :mod:`._engine` the
block engine and the far closed forms, :mod:`._models` one model per
scheduler. About 750 lines, over a third of them the factories' docstrings
(the formulas and quirks ``lrviz show`` prints): one factory per torch
scheduler, which a further split would only scatter.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Callable

import numpy as np

from ...errors import ParameterError, StepError
from ...expr import compile_expr
from ...schedules._base import Schedule, realize
from ...schedules import _checks as check
from ...schedules._engine import held as stepwise, constant as constant_kernel, table as series_kernel
from .. import _checks as rules
from .._checked import checked
from ..plateau import torch_plateau
from ._engine import EXACT_LIMIT, SEQUENTIAL_LIMIT, _Engine, _Products, _engine_for, _simulate  # noqa: F401 (SEQUENTIAL_LIMIT: read by tests)
from ._models import (_CAWRLeaf, _Chained, _ConstantLeaf, _CosineLeaf, _CyclicLeaf, _ExponentialLeaf, _float_pow,
                      _LambdaLeaf, _Leaf, _LinearLeaf, _MultiplicativeLeaf, _MultiStepLeaf, _OneCycleLeaf,
                      _PolynomialLeaf, _Sequential, _StepLeaf, _SWALeaf)

from ...kinds import Duration, Steps, Spec, Expr, Metrics, TypedNumber
from ...units import Inherited


# ---------------------------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------------------------


DEFAULT_METRICS_MAX = 100_000  # length cap of the default metric series


def _momentum(name: str, value: Any) -> float:
    return check.between(name, value, 0.0, 1.0)


def _expr(name: str, value: Any):
    """An ``Expr`` parameter: compiled by the registry, or a default given as text."""
    if callable(value):
        return value
    return compile_expr(value, name)


def _per_group(group: Any, **lists: Any) -> tuple[int, dict[str, Any]]:
    """The values of param group ``group`` from parameters that may be lists, one value per group.

    torch takes ``max_lr=[0.1, 0.01]`` for an optimizer with two param groups
    and refuses a list of another length ("expected 2 values for max_lr, got
    3"); here the lists say how many groups there are, so they must agree, and
    ``group`` (0 by default) picks the one drawn. Scalars apply to every group.
    """
    sizes = {name: len(v) for name, v in lists.items() if isinstance(v, (list, tuple))}
    n = max(sizes.values(), default=1)
    for name, size in sizes.items():
        if size != n:
            raise ParameterError(name, f"expected {n} values for {name}, got {size} (torch: one per param group)")
    group = rules.integer("group", group, minimum=0)
    if group >= n:
        raise ParameterError("group", f"the optimizer has {n} param group{'s' if n > 1 else ''} "
                                      f"(from the lists given); group must be < {n}; got {group}")
    return group, {name: (v[group] if isinstance(v, (list, tuple)) else v) for name, v in lists.items()}


def _children(name: str, raw: list, lr: float, spans: list[int]) -> list[Schedule]:
    """Build the nested torch twins (each in its own span of steps) sharing the optimizer's lr."""
    if not isinstance(raw, (list, tuple)):
        raise ParameterError(name, f"expected a list of torch.* schedulers; got {raw!r}")
    out = []
    for i, (child, span) in enumerate(zip(raw, spans)):
        built = realize(child, total_steps=max(1, span), lr=lr)
        if not built.name.startswith("torch."):
            raise ParameterError(f"{name}[{i}]", f"expected a torch.* scheduler (they share one optimizer); got {built.name}")
        if built.name == "torch.ReduceLROnPlateau":
            raise ParameterError(f"{name}[{i}]", "torch does not support `ReduceLROnPlateau` scheduler here as it requires "
                                                 "additional kwargs to be specified when calling `step`")
        child_lr = built.params.get("lr")
        if child_lr is not None and child_lr != lr:
            raise ParameterError(f"{name}[{i}].lr", f"the schedulers share one optimizer, whose lr is {lr:g}; "
                                                    f"got lr={child_lr:g} (set lr on the outer scheduler)")
        out.append(built)
    return out


def _node(schedule: Schedule):
    """A fresh model of the torch scheduler a twin stands for (from its name and resolved params)."""
    p = schedule.params
    name = schedule.name
    if name == "torch.SequentialLR":
        return _Sequential([_node(c) for c in p["schedulers"]], list(p["milestones"]))
    if name == "torch.ChainedScheduler":
        return _Chained([_node(c) for c in p["schedulers"]])
    build = _LEAVES.get(name)
    if build is None:
        raise ParameterError("schedulers", f"{name} is not a torch scheduler twin")
    return build(p)


_LEAVES: dict[str, Callable[[dict], _Leaf]] = {
    "torch.LambdaLR": lambda p: _LambdaLeaf(p["lr_lambda"]),
    "torch.MultiplicativeLR": lambda p: _MultiplicativeLeaf(p["lr_lambda"]),
    "torch.StepLR": lambda p: _StepLeaf(p["step_size"], p["gamma"]),
    "torch.MultiStepLR": lambda p: _MultiStepLeaf(p["milestones"], p["gamma"]),
    "torch.ConstantLR": lambda p: _ConstantLeaf(p["factor"], p["total_iters"]),
    "torch.LinearLR": lambda p: _LinearLeaf(p["start_factor"], p["end_factor"], p["total_iters"]),
    "torch.ExponentialLR": lambda p: _ExponentialLeaf(p["gamma"]),
    "torch.CosineAnnealingLR": lambda p: _CosineLeaf(p["T_max"], p["eta_min"]),
    "torch.CyclicLR": lambda p: _CyclicLeaf(p["base_lr"], p["max_lr"], p["step_size_up"], p["step_size_down"], p["mode"],
                                            p["gamma"], p["scale_fn"], p["scale_mode"], p["cycle_momentum"],
                                            p["base_momentum"], p["max_momentum"]),
    "torch.CosineAnnealingWarmRestarts": lambda p: _CAWRLeaf(p["T_0"], p["T_mult"], p["eta_min"]),
    "torch.OneCycleLR": lambda p: _OneCycleLeaf(p["max_lr"], p["total_steps"], p["pct_start"], p["anneal_strategy"],
                                                p["cycle_momentum"], p["base_momentum"], p["max_momentum"],
                                                p["div_factor"], p["final_div_factor"], p["three_phase"]),
    "torch.PolynomialLR": lambda p: _PolynomialLeaf(p["total_iters"], p["power"]),
    "torch.SWALR": lambda p: _SWALeaf(p["swa_lr"], p["anneal_epochs"], p["anneal_strategy"]),
}


# ---------------------------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------------------------


def _schedule(lr_fn: Callable[[np.ndarray], np.ndarray], name: str, params: dict,
              momentum_fn: Callable[[np.ndarray], np.ndarray] | None = None,
              allow: Callable[[np.ndarray], np.ndarray] | None = None, held: dict | None = None,
              **options) -> Schedule:
    """A Schedule whose values are checked: lrviz draws only finite lr >= 0 and momentum in [0, 1].

    ``held``: the lr is constant on stairs (``size=``) or between ``bounds=``: the engine then
    fills each stair of a block from one call of the checked function (same values, same refusals).

    Where torch's value is not (a user lr_lambda below 0, gamma ** t overflowing,
    ...), the twin raises a StepError at that step. ``allow(t)`` marks steps
    where a negative value is torch's documented quirk and is returned as is.
    """
    def refused(what: str, lo: float, hi: float):
        def bad(t: np.ndarray, out: np.ndarray) -> np.ndarray:
            out_of_range = ~(np.isfinite(out) & (out >= lo) & (out <= hi))
            if out_of_range.any() and allow is not None:
                out_of_range &= ~(allow(t) & np.isfinite(out))
            return out_of_range

        promise = "a finite lr >= 0" if what == "lr" else "a momentum in [0, 1]"
        return bad, lambda step, value: f"{name}: the {what} at step {step} is {value!r}; lrviz draws only {promise}"

    # within: finite values in the promised range are never refused (allow only lets more through)
    lr_checked = checked(lr_fn, *refused("lr", 0.0, np.inf), within=(0.0, np.inf))
    kernel = options.pop("kernel", None)  # a block kernel of the same values (a constant), else held stairs
    if kernel is None and held is not None:
        kernel = stepwise(lr_checked, **held)
    return Schedule(lr_checked, kernel=kernel, name=name, params=params,
                    momentum_fn=None if momentum_fn is None else checked(momentum_fn, *refused("momentum", 0.0, 1.0),
                                                                         what="momentum", within=(0.0, 1.0)),
                    **options)


def _from_engine(engine: _Engine, name: str, params: dict, **options) -> Schedule:
    engine._name = name
    momentum = (lambda t: engine.values(t, momentum=True)) if engine._momentum else None
    sched = _schedule(lambda t: engine.values(t), name, params, momentum, **options)
    if engine._far is None:  # every block steps from the one before: one thread, in order (threads would wait
        sched.kernel.serial = True  # on each other and recompute blocks the cache let go)
    return sched


def _direct(leaf: _Leaf, g: dict, t: np.ndarray, momentum: bool = False) -> np.ndarray:
    """An absolute scheduler (its maps all set the lr): the value at ``t`` straight from its formula."""
    with np.errstate(all="ignore"):
        maps = leaf.step_maps(t, t, g)
    if maps.err is not None:
        bad = np.flatnonzero(maps.err)
        raise StepError(maps.msg(int(bad[np.argmin(t[bad])])))
    return np.array(maps.mom if momentum else maps.p, dtype=np.float64)


def _absolute(leaf: _Leaf, lr: float, name: str, params: dict, where: str, **options) -> Schedule:
    g, _, momentum = _simulate(leaf, lr, where)
    mom = (lambda t: _direct(leaf, g, t, True)) if momentum else None
    return _schedule(lambda t: _direct(leaf, g, t), name, params, mom, **options)


def lambda_lr(*, lr: float = 0.1, lr_lambda: Expr = "1") -> Schedule:
    """torch LambdaLR: the optimizer's lr times a function of the step.

    lr(t) = lr * lr_lambda(t)

    lr_lambda is an expression in t (torch passes last_epoch, the number of
    step() calls), e.g. '0.95 ** t' or 'min(1, (t + 1) / 100)'. It is evaluated
    with numpy, so '**', 'exp' and 'log' may differ from Python's by one ulp.
    """
    lr = rules.lr(lr)
    fn = _expr("lr_lambda", lr_lambda)
    sched = _absolute(_LambdaLeaf(fn), lr, "torch.LambdaLR", dict(lr=lr, lr_lambda=fn), "lr_lambda")
    if getattr(fn, "constant", False):  # an lr_lambda without t: the value at step 0 is the value at every step
        try:
            value = float(sched.lr_at(np.zeros(1, dtype=np.int64))[0])
        except StepError:
            return sched  # refused (a negative or infinite lr): the refusal is raised when it is evaluated
        return _absolute(_LambdaLeaf(fn), lr, "torch.LambdaLR", dict(lr=lr, lr_lambda=fn), "lr_lambda",
                         kernel=constant_kernel(value))
    return sched


def multiplicative_lr(*, lr: float = 0.1, lr_lambda: Expr = "0.95") -> Schedule:
    """torch MultiplicativeLR: each step multiplies the current lr by a function of the step.

    lr(0) = lr;  lr(t) = lr(t-1) * lr_lambda(t)  for t >= 1  (lr_lambda(0) is never used)

    The products are taken one step after the other, as torch does (exact);
    there is no closed form, so the first value asked for at step t costs O(t).
    Inside a SequentialLR a MultiplicativeLR started at a milestone continues
    from the current lr, times lr_lambda(0) (torch has no closed form to restart it).
    """
    lr = rules.lr(lr)
    fn = _expr("lr_lambda", lr_lambda)
    engine = _engine_for(_MultiplicativeLeaf(fn), lr, where="lr_lambda")
    return _from_engine(engine, "torch.MultiplicativeLR", dict(lr=lr, lr_lambda=fn))


def step_lr(*, lr: float = 0.1, total_steps: Steps = 1000, step_size: Steps | None = None, gamma: float = 0.1) -> Schedule:
    """torch StepLR: multiply by gamma every step_size steps, forever.

    lr(t) = lr * gamma * gamma * ... (floor(t / step_size) factors, multiplied one by one as torch does)

    step_size (required by torch) defaults to total_steps // 3. There is no clamp.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    step_size = max(1, total_steps // 3) if step_size is None else rules.exact_steps("step_size", step_size, minimum=1)
    gamma = rules.not_negative("gamma", gamma, "torch would alternate the sign of the lr")
    products = _Products(lr, gamma)
    marks = check.marks(*((k * step_size, f"x{gamma:g}", "drop") for k in range(1, min(total_steps // step_size, 100) + 1)))
    return _schedule(lambda t: products(t // step_size), "torch.StepLR",
                     dict(lr=lr, total_steps=total_steps, step_size=step_size, gamma=gamma), marks=marks, breaks=(),
                     held=dict(size=step_size))


def multi_step_lr(*, lr: float = 0.1, total_steps: Steps = 1000, milestones: list[Steps] | None = None,
                  gamma: float = 0.1) -> Schedule:
    """torch MultiStepLR: multiply by gamma at each milestone.

    lr(t) = lr * gamma ** #{m in milestones : m <= t}   (applied milestone by milestone)

    Milestones are a multiset in any order, as in torch: a duplicate multiplies
    by gamma ** count at once (so [3, 3] gives gamma**2 at t=3), and a milestone
    0 applies at construction. Default (required by torch): a third and two
    thirds of total_steps.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    if milestones is None:
        milestones = sorted({max(1, total_steps // 3), max(1, 2 * total_steps // 3)})
    if not isinstance(milestones, (list, tuple)):
        raise ParameterError("milestones", f"expected a list of steps; got {milestones!r}")
    milestones = [rules.exact_steps(f"milestones[{i}]", m) for i, m in enumerate(milestones)]
    gamma = rules.not_negative("gamma", gamma, "torch would alternate the sign of the lr")
    counts = Counter(milestones)
    keys = np.array(sorted(counts), dtype=np.int64)
    levels = [lr]
    for m in sorted(counts):  # a loop over milestones: lr * gamma ** count, one milestone after the other
        levels.append(levels[-1] * _float_pow(gamma, counts[m]))
    table = np.array(levels)
    marks = check.marks(*((m, f"x{gamma:g}" if counts[m] == 1 else f"x{gamma:g}^{counts[m]}", "drop") for m in sorted(counts)))
    return _schedule(lambda t: table[np.searchsorted(keys, t, side="right")], "torch.MultiStepLR",
                     dict(lr=lr, total_steps=total_steps, milestones=milestones, gamma=gamma), marks=marks, breaks=(),
                     held=dict(bounds=keys.tolist()))


def constant_lr(*, lr: float = 0.1, factor: float = 1.0 / 3, total_iters: Steps = 5) -> Schedule:
    """torch ConstantLR: lr * factor for the first total_iters steps, then lr.

    lr(t) = lr * factor              for t < total_iters
          = (lr * factor) * (1 / factor)   for t >= total_iters (the chainable form; equal to lr up to an ulp)

    Quirks: with total_iters = 0 the lr stays at lr * factor forever (step 0
    multiplies by factor, and no later step equals total_iters); factor = 0 is
    accepted, and torch raises ZeroDivisionError at t = total_iters.
    """
    lr = rules.lr(lr)
    factor = check.number("factor", factor)
    if factor > 1.0 or factor < 0:
        raise ParameterError("factor", f"Constant multiplicative factor expected to be between 0 and 1; got {factor:g}")
    total_iters = rules.exact_steps("total_iters", total_iters)
    low = lr * factor
    full = low * (1.0 / factor) if factor != 0 else np.nan

    def f(t: np.ndarray) -> np.ndarray:
        if total_iters == 0:
            return np.full(t.shape, low)
        if factor == 0 and t.size and int(t.max()) >= total_iters:
            raise StepError("ZeroDivisionError: float division by zero")
        return np.where(t < total_iters, low, full)

    return _schedule(f, "torch.ConstantLR", dict(lr=lr, factor=factor, total_iters=total_iters),
                     marks=check.marks((total_iters, "full lr")), breaks=(), held=dict(bounds=[total_iters]))


def linear_lr(*, lr: float = 0.1, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: Steps = 5) -> Schedule:
    """torch LinearLR: the lr times a factor going linearly from start_factor to end_factor.

    lr(t) = lr * (start + (end - start) * min(t, total_iters) / total_iters)

    computed as torch's chainable form does: lr * start at t = 0, then
    lr(t) = lr(t-1) * (1 + (end - start) / (total_iters * start + (t - 1) * (end - start)))
    for 1 <= t <= total_iters (products one after the other, exact), then constant.
    torch requires 0 < start_factor <= 1 and 0 <= end_factor <= 1.
    total_iters = 0 keeps lr * start_factor forever.
    """
    lr = rules.lr(lr)
    start_factor = check.number("start_factor", start_factor)
    if start_factor > 1.0 or start_factor <= 0:
        raise ParameterError("start_factor", "Starting multiplicative factor expected to be greater than 0 and less or "
                                             f"equal to 1; got {start_factor:g}")
    end_factor = check.number("end_factor", end_factor)
    if end_factor > 1.0 or end_factor < 0:
        raise ParameterError("end_factor", f"Ending multiplicative factor expected to be between 0 and 1; got {end_factor:g}")
    total_iters = rules.exact_steps("total_iters", total_iters)
    def closed(t: np.ndarray) -> np.ndarray:
        return lr * (start_factor + (end_factor - start_factor) * np.minimum(t, total_iters) / total_iters)

    engine = _engine_for(_LinearLeaf(start_factor, end_factor, total_iters), lr, hold_from=total_iters,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.LinearLR",
                        dict(lr=lr, start_factor=start_factor, end_factor=end_factor, total_iters=total_iters),
                        marks=check.marks((total_iters, "end of ramp")), breaks=())


def exponential_lr(*, lr: float = 0.1, total_steps: Steps = 1000, gamma: float | None = None) -> Schedule:
    """torch ExponentialLR: multiply by gamma at every step.

    lr(t) = lr * gamma * gamma * ... (t factors, multiplied one by one as torch does)

    gamma (required by torch) defaults to 0.01 ** (1 / total_steps): a
    hundredfold decay over total_steps. Beyond 2**21 steps: lr * gamma ** t.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    gamma = 0.01 ** (1 / total_steps) if gamma is None else rules.not_negative("gamma", gamma,
                                                                          "torch would alternate the sign of the lr")
    products = _Products(lr, gamma)
    return _schedule(products, "torch.ExponentialLR", dict(lr=lr, total_steps=total_steps, gamma=gamma), breaks=())


def cosine_annealing_lr(*, lr: float = 0.1, total_steps: Steps = 1000, T_max: Duration | None = None,
                        eta_min: float = 0.0) -> Schedule:
    """torch CosineAnnealingLR, as step() computes it: periodic, it rises again after T_max.

    lr(t) ~ eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2   (period 2 * T_max, no clamp)

    torch's step() uses the chainable (recursive) form, reproduced operation by
    operation: lr(t) = r(t) * (lr(t-1) - eta_min) + eta_min with
    r(t) = (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) / T_max)), and, just
    after each minimum (t = T_max + 1, 3 T_max + 1, ...), the additive step
    lr(t-1) + (lr - eta_min) * (1 - cos(pi / T_max)) / 2. It reaches eta_min at
    T_max, 3 T_max, ... and lr again at 2 T_max, 4 T_max, ... T_max defaults to
    total_steps. Bit for bit with eta_min = 0 or T_max <= 256; otherwise
    lr - eta_min is multiplied by each ratio without torch's per-step rounding
    of -eta_min/+eta_min (1e-13 relative at T_max = 3000). Beyond 2**21 steps
    the closed form above is used (torch drifts from it by ~1e-12).

    T_max may be fractional, as torch accepts it (``T_max=2.5``): the same
    float arithmetic, with the additive step only where
    (t - 1 - T_max) % (2 T_max) == 0 holds in floats (never for T_max = 2.5),
    so past each minimum the ratio form carries on; the marks are at the
    first steps at or after T_max and 2 T_max. Where (t - 1) / T_max is an
    odd integer in floats off that branch (T_max = 3.2, t = 49) torch divides
    by 1 + cos(pi (t-1)/T_max) = 0 and raises ZeroDivisionError: so does the twin.
    Precision with a fractional T_max: bit for bit with eta_min = 0; with
    eta_min > 0 the per-step rounding of -eta_min/+eta_min is not repeated and
    the error grows with the step count (measured against torch 2.13: relative
    2.8e-15 over 250 steps and 3.1e-13 over 20,000 steps at T_max = 7.5).
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    T_max = total_steps if T_max is None else rules.duration("T_max", T_max, positive=True)
    eta_min = rules.not_negative("eta_min", eta_min, "torch would go below 0")

    def closed(t: np.ndarray) -> np.ndarray:
        return eta_min + (lr - eta_min) * (1 + np.cos(math.pi * t.astype(np.float64) / T_max)) / 2

    engine = _engine_for(_CosineLeaf(T_max, eta_min), lr, far=(EXACT_LIMIT, closed))
    marks = check.marks((math.ceil(T_max), "eta_min"), (math.ceil(2 * T_max), "lr again", "restart"))
    return _from_engine(engine, "torch.CosineAnnealingLR", dict(lr=lr, total_steps=total_steps, T_max=T_max, eta_min=eta_min),
                        marks=marks, periodic=True)


def polynomial_lr(*, lr: float = 0.1, total_iters: Steps = 5, power: float = 1.0) -> Schedule:
    """torch PolynomialLR: polynomial decay to 0 (always 0: there is no end lr).

    lr(t) = lr * (1 - min(t, total_iters) / total_iters) ** power

    computed as torch's chainable form: lr(t) = lr(t-1) * ((1 - t/T) / (1 - (t-1)/T)) ** power
    for 1 <= t <= T (exact products), then constant. total_iters = 0 keeps lr.
    A negative power makes torch raise at t = total_iters (0.0 to a negative power).
    """
    lr = rules.lr(lr)
    total_iters = rules.exact_steps("total_iters", total_iters)
    power = check.number("power", power)
    error = (total_iters, "ZeroDivisionError: 0.0 cannot be raised to a negative power") if power < 0 and total_iters else None
    def closed(t: np.ndarray) -> np.ndarray:
        return lr * (1.0 - np.minimum(t, total_iters) / total_iters) ** power

    engine = _engine_for(_PolynomialLeaf(total_iters, power), lr, hold_from=total_iters, error=error,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.PolynomialLR", dict(lr=lr, total_iters=total_iters, power=power),
                        marks=check.marks((total_iters, "0")), breaks=())


def swalr(*, lr: float = 0.1, swa_lr: float | None = None, anneal_epochs: Steps = 10, anneal_strategy: str = "cos") -> Schedule:
    """torch.optim.swa_utils.SWALR: anneal from the optimizer's lr to swa_lr, then hold swa_lr.

    lr(t) = swa_lr * a(t) + lr * (1 - a(t)),  a(t) = anneal(min(1, t / anneal_epochs))
    with anneal(x) = (1 - cos(pi x)) / 2 ('cos') or x ('linear').

    Computed as torch does, from the previous lr: lr(t) = swa_lr * a(t) +
    (lr(t-1) - a(t-1) * swa_lr) / (1 - a(t-1)) * (1 - a(t)) (bit for bit up to
    anneal_epochs = 512, a prefix scan beyond: ~1e-14 relative). With
    anneal_epochs = 0 the lr is swa_lr from t = 0. swa_lr (required by torch)
    defaults to lr / 10. Inside a SequentialLR, SWALR started at a milestone
    keeps the current lr there and anneals from it (torch counts its steps with
    _step_count, which the restart does not touch).
    """
    lr = rules.lr(lr)
    swa_lr = lr / 10 if swa_lr is None else rules.not_negative("swa_lr", swa_lr, "torch would anneal to a negative lr")
    anneal_strategy = rules.choice("anneal_strategy", anneal_strategy, ("cos", "linear"),
                              "anneal_strategy must be one of 'cos' or 'linear'")
    anneal_epochs = rules.integer("anneal_epochs", anneal_epochs, minimum=0,
                         message=f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
    def closed(t: np.ndarray) -> np.ndarray:
        x = np.clip(t / max(1, anneal_epochs), 0, 1)
        alpha = (1 - np.cos(math.pi * x)) / 2 if anneal_strategy == "cos" else x
        return swa_lr * alpha + lr * (1 - alpha)

    engine = _engine_for(_SWALeaf(swa_lr, anneal_epochs, anneal_strategy), lr, hold_from=anneal_epochs + 1,
                     far=(EXACT_LIMIT, closed))
    return _from_engine(engine, "torch.SWALR",
                        dict(lr=lr, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=anneal_strategy),
                        marks=check.marks((anneal_epochs, "swa_lr")), breaks=())


def cyclic_lr(*, lr: float = 0.1, base_lr: float | list[float] | None = None, max_lr: float | list[float] | None = None, step_size_up: Duration = 2000,
              step_size_down: Duration | None = None, mode: str = "triangular", gamma: float = 1.0,
              scale_fn: Expr | None = None, scale_mode: str = "cycle", cycle_momentum: bool = True,
              base_momentum: float = 0.8, max_momentum: float = 0.9, group: int = 0) -> Schedule:
    """torch CyclicLR: triangular cycles between base_lr and max_lr, with the inverse momentum cycle.

    cycle = floor(1 + t / (up + down)),  x = 1 + t / (up + down) - cycle
    s = x / r if x <= r else (x - 1) / (r - 1),  r = up / (up + down)
    lr(t) = base_lr + (max_lr - base_lr) * s * scale,  momentum(t) = max_m - (max_m - base_m) * s * scale
    scale: 'triangular' 1, 'triangular2' 1 / 2 ** (cycle - 1), 'exp_range' gamma ** t
    (t the total step count, not the step within the cycle).

    scale_fn: an expression in t replacing mode, evaluated at cycle
    (scale_mode 'cycle') or at the step count ('iterations'), as torch's custom
    scale_fn. The optimizer's lr is replaced by base_lr at construction.
    base_lr and max_lr (required by torch) default to lr / 10 and lr.
    step_size_up keeps torch's default of 2000 steps; step_size_up and
    step_size_down may be fractional (torch takes float(step_size_up)), and a
    cycle then spans a fractional number of steps. Param groups: base_lr and
    max_lr may be torch's lists, one value per param group (of one length);
    ``group: k`` (default 0) draws group k. Quirk reproduced: torch
    raises OverflowError once 2 ** (cycle - 1) (triangular2) or gamma ** t
    (exp_range) overflows a float.
    """
    lr = rules.lr(lr)
    group, picked = _per_group(group, base_lr=base_lr, max_lr=max_lr)
    base_lr, max_lr = picked["base_lr"], picked["max_lr"]
    max_lr = lr if max_lr is None else rules.not_negative("max_lr", max_lr, "a negative lr")
    base_lr = lr / 10 if base_lr is None else rules.not_negative("base_lr", base_lr, "a negative lr")
    step_size_up = rules.duration("step_size_up", step_size_up, positive=True)
    if step_size_down is not None:
        step_size_down = rules.duration("step_size_down", step_size_down)
    if scale_fn is None:
        mode = rules.choice("mode", mode, ("triangular", "triangular2", "exp_range"), "mode is invalid and scale_fn is None")
    else:
        scale_fn = _expr("scale_fn", scale_fn)
    scale_mode = rules.choice("scale_mode", scale_mode, ("cycle", "iterations"), "scale_mode must be 'cycle' or 'iterations'")
    gamma = rules.not_negative("gamma", gamma, "exp_range would alternate the sign of the cycle")
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    base_momentum = _momentum("base_momentum", base_momentum)
    max_momentum = _momentum("max_momentum", max_momentum)
    params = dict(lr=lr, base_lr=base_lr, max_lr=max_lr, step_size_up=step_size_up, step_size_down=step_size_down,
                  mode=mode, gamma=gamma, scale_fn=scale_fn, scale_mode=scale_mode, cycle_momentum=cycle_momentum,
                  base_momentum=base_momentum, max_momentum=max_momentum)
    leaf = _LEAVES["torch.CyclicLR"](params)
    params["group"] = group
    size = step_size_up + (step_size_up if step_size_down is None else step_size_down)
    marks = check.marks(*((math.ceil(step_size_up + c * size), "max_lr") for c in range(100)), limit=100 * size)
    return _absolute(leaf, lr, "torch.CyclicLR", params, "step_size_up", marks=marks[:20], periodic=True)


def cosine_annealing_warm_restarts(*, lr: float = 0.1, total_steps: Steps = 1000, T_0: Steps | None = None,
                                   T_mult: TypedNumber = 1, eta_min: float = 0.0) -> Schedule:
    """torch CosineAnnealingWarmRestarts (SGDR): cosine cycles of T_0, T_0 * T_mult, ... steps.

    lr(t) = eta_min + (lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    T_i = T_0 * T_mult ** i is the length of the current cycle and T_cur the
    steps since its start. step() counts T_cur with integers, so there is no
    float-log boundary error (that quirk is only in torch's step(epoch) path,
    not reproduced here); eta_min is never reached exactly. T_0 (required by
    torch) defaults to total_steps // 4. T_mult must be an int, as torch
    checks (``not isinstance(T_mult, int)``): ``T_mult: 2.0`` in a config is
    refused with torch's message, as torch refuses it (the kind TypedNumber
    keeps YAML's float a float); write ``2``.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    if T_0 is None:
        T_0 = max(1, total_steps // 4)
    T_0 = rules.integer("T_0", T_0, minimum=1, message=f"Expected positive integer T_0, but got {T_0}")
    # torch 2.13 refuses a T_mult that is not an int even when whole (2.0): `T_mult < 1 or not isinstance(T_mult, int)`
    if isinstance(T_mult, float):
        raise ParameterError("T_mult", f"Expected integer T_mult >= 1, but got {T_mult}")
    T_mult = rules.integer("T_mult", T_mult, minimum=1, message=f"Expected integer T_mult >= 1, but got {T_mult}")
    eta_min = rules.not_negative("eta_min", eta_min, "torch would go below 0")
    params = dict(lr=lr, total_steps=total_steps, T_0=T_0, T_mult=T_mult, eta_min=eta_min)
    restarts, start, length = [], T_0, T_0 * T_mult
    while start <= total_steps and len(restarts) < 100:  # a loop over restarts
        restarts.append((start, "restart", "restart"))
        start, length = start + length, length * T_mult
    return _absolute(_LEAVES["torch.CosineAnnealingWarmRestarts"](params), lr, "torch.CosineAnnealingWarmRestarts", params,
                     "T_0", marks=check.marks(*restarts), periodic=True)


def one_cycle_lr(*, lr: float = 0.1, max_lr: float | list[float] | None = None, total_steps: Steps = Inherited(1000),
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: TypedNumber = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, group: int = 0) -> Schedule:
    """torch OneCycleLR: warm up to max_lr, anneal to max_lr / (div_factor * final_div_factor); momentum the other way.

    With T = total_steps, e1 = pct_start * T - 1 (a float) and e2 = T - 1:
    lr(t) = anneal(max_lr / div_factor, max_lr, t / e1)          for t <= e1
          = anneal(max_lr, min_lr, (t - e1) / (e2 - e1))         after
    anneal = cos: b + (a - b) / 2 * (1 + cos(pi p)); linear: a + (b - a) p.
    three_phase: up to e1, back down to max_lr / div_factor at 2 pct_start T - 2,
    then to min_lr at T - 1 (momentum held at max_momentum in phase 3).
    momentum: max_momentum -> base_momentum -> max_momentum on the same phases.

    Quirks reproduced: the peak is at pct_start * T - 1 and the minimum at
    T - 1; t = T is still accepted and extrapolates the last phase (cos
    rebounds, linear goes below zero); from t = T + 1 torch raises "Tried to
    step T+1 times. The specified number of total steps is T". max_lr
    defaults to lr (the optimizer's lr is overwritten, with initial_lr, by
    max_lr / div_factor). T is total_steps when the schedule's params give it
    (torch's rule: it wins over epochs and steps_per_epoch, which are then
    ignored), else epochs * steps_per_epoch when both are given, else the
    config's total_steps.

    pct_start must be a float, as torch checks (``not isinstance(pct_start,
    float)``): ``pct_start: 1`` in a config is refused with torch's message, as
    torch refuses ``OneCycleLR(..., pct_start=1)``; write ``1.0``. (The kind
    TypedNumber keeps YAML's int an int, so the refusal fires from a config.)

    Param groups: ``max_lr: [0.1, 0.01]`` is torch's list, one value per param
    group; ``group: k`` (default 0) draws group k (each group runs the same
    rule on its own max_lr, so the groups' curves are the same shape, scaled).
    """
    lr = rules.lr(lr)
    group, picked = _per_group(group, max_lr=max_lr)
    max_lr = picked["max_lr"]
    max_lr = lr if max_lr is None else rules.not_negative("max_lr", max_lr, "a negative lr")
    if (epochs is not None or steps_per_epoch is not None) and isinstance(total_steps, Inherited):
        if epochs is None or steps_per_epoch is None:
            raise ParameterError("epochs", "give both epochs and steps_per_epoch, or neither (then total_steps is used)")
        epochs = rules.integer("epochs", epochs, minimum=1, message=f"Expected positive integer epochs, but got {epochs}")
        steps_per_epoch = rules.integer("steps_per_epoch", steps_per_epoch, minimum=1,
                               message=f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
        total = epochs * steps_per_epoch
    else:
        total = rules.integer("total_steps", total_steps, minimum=1, message=f"Expected positive integer total_steps, but got {total_steps}")
    # torch 2.13 refuses a pct_start that is not a float (1 or 0 as ints): `... or not isinstance(pct_start, float)`
    if check.number("pct_start", pct_start) < 0 or pct_start > 1 or not isinstance(pct_start, float):
        raise ParameterError("pct_start", f"Expected float between 0 and 1 pct_start, but got {pct_start}")
    anneal_strategy = rules.choice("anneal_strategy", anneal_strategy, ("cos", "linear"),
                              "anneal_strategy must be one of 'cos' or 'linear'")
    cycle_momentum = check.flag("cycle_momentum", cycle_momentum)
    three_phase = check.flag("three_phase", three_phase)
    params = dict(lr=lr, max_lr=max_lr, total_steps=total, epochs=epochs, steps_per_epoch=steps_per_epoch,
                  pct_start=pct_start, anneal_strategy=anneal_strategy, cycle_momentum=cycle_momentum,
                  base_momentum=_momentum("base_momentum", base_momentum),
                  max_momentum=_momentum("max_momentum", max_momentum),
                  div_factor=rules.not_negative("div_factor", div_factor, "a negative initial lr"),
                  final_div_factor=rules.not_negative("final_div_factor", final_div_factor, "a negative final lr"),
                  three_phase=three_phase)
    leaf = _LEAVES["torch.OneCycleLR"](params)
    params["group"] = group
    ends = [end for end, *_ in leaf.phases]
    breaks = {total - 1, total}
    for end in ends[:-1]:
        breaks.update((math.floor(end), math.floor(end) + 1))
    peak = math.floor(ends[0]) if ends[0] >= 0 else 0
    marks = check.marks((peak, "max_lr"), (total - 1, "min_lr"), (total, "last step accepted", "drop"))
    return _absolute(leaf, lr, "torch.OneCycleLR", params, "pct_start", marks=marks,
                     breaks=tuple(b for b in sorted(breaks) if b > 0), allow=lambda t: t == total)


def sequential_lr(*, lr: float = 0.1, total_steps: Steps = 1000, schedulers: list[Spec] | None = None,
                  milestones: list[Steps] | None = None) -> Schedule:
    """torch SequentialLR: scheduler k runs from milestone k-1, restarted there by torch's rules.

    lr(t) = schedulers[k](t - m_(k-1))   for m_(k-1) <= t < m_k   (m_(-1) = 0), restarted as below.

    Reproduced from torch 2.13's code, quirks included:
    - construction resets the lr to initial_lr, undoes every scheduler's initial
      step and redoes it only for the first one (schedulers[bisect_right(milestones, 0)]);
    - at milestone m_k the next scheduler is restarted with _update_lr(0): its
      closed form at 0 (the base lr times its factor at 0) where torch has one
      (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
      CosineAnnealingLR), else get_lr() at 0: MultiplicativeLR continues from the
      current lr times lr_lambda(0), SWALR keeps the current lr and anneals from it;
      get_last_lr() at the milestone is that restarted value, so the lr jumps
      there if the previous scheduler had not finished;
    - scheduler k then sees its own step t - m_(k-1);
    - OneCycleLR and CyclicLR write the optimizer's initial_lr / lr when built,
      which changes the base of the schedulers built after them, and the lr
      every phase restarts from (e.g. after a OneCycleLR every reset starts at max_lr / div_factor);
    - a SequentialLR or ChainedScheduler placed after the first phase cannot be
      restarted: torch raises NotImplementedError at its milestone (StepError here).
    Schedulers are built in list order on one optimizer (lr = this lr); each
    gets its phase's length as total_steps for its defaults. Milestones must be
    in increasing order (torch does not check, and misbehaves otherwise).
    Default: LinearLR from 0.1 over the first 10% of total_steps, then
    CosineAnnealingLR over the rest; milestones default to equal phases.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    if schedulers is None:
        warm = max(1, total_steps // 10)
        schedulers = [linear_lr(lr=lr, start_factor=0.1, total_iters=warm),
                      cosine_annealing_lr(lr=lr, total_steps=max(1, total_steps - warm))]
        if milestones is None:
            milestones = [warm]
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ParameterError("schedulers", "SequentialLR expects at least one scheduler, but got no scheduler.")
    n = len(schedulers)
    if milestones is None:
        milestones = [max(1, round(i * total_steps / n)) for i in range(1, n)]
    if not isinstance(milestones, (list, tuple)):
        raise ParameterError("milestones", f"expected a list of steps; got {milestones!r}")
    if len(milestones) != n - 1:
        raise ParameterError("milestones", "Sequential Schedulers expects number of schedulers provided to be one more "
                                           f"than the number of milestone points, but got number of schedulers {n} and "
                                           f"the number of milestones to be equal to {len(milestones)}")
    milestones = check.step_list("milestones", list(milestones), strictly_increasing=False, allow_empty=True)
    milestones = [rules.exact_steps(f"milestones[{i}]", m) for i, m in enumerate(milestones)]
    bounds = [0, *milestones, max(total_steps, milestones[-1] + 1 if milestones else total_steps)]
    spans = [bounds[i + 1] - bounds[i] for i in range(n)]
    children = _children("schedulers", schedulers, lr, spans)
    params = dict(lr=lr, total_steps=total_steps, schedulers=children, milestones=milestones)
    engine = _engine_for(_node(Schedule(lambda t: t, name="torch.SequentialLR", params=params)), lr)
    marks = check.marks(*((m, f"{children[i + 1].name} starts") for i, m in enumerate(milestones)))
    return _from_engine(engine, "torch.SequentialLR", params, marks=marks, periodic=children[-1].periodic)


def chained_scheduler(*, lr: float = 0.1, total_steps: Steps = 1000, schedulers: list[Spec] | None = None) -> Schedule:
    """torch ChainedScheduler: every step() steps each scheduler in turn, on the same lr.

    lr(t) = lr * prod_k factor_k(t) for chainable schedulers; an absolute one overwrites the product so far.

    Chainable schedulers multiply the current lr, so the result is the product
    of their factors (LinearLR x CosineAnnealingLR = product of the closed
    forms); the absolute ones (LambdaLR, CyclicLR, OneCycleLR,
    CosineAnnealingWarmRestarts) overwrite it, so what comes before them in
    the list is lost and order matters. Reproduced step by step in torch's
    order (construction included: each scheduler's initial step acts on the lr
    the previous ones left), bit for bit except where a CosineAnnealingLR with
    eta_min != 0 and T_max > 256 meets other factors (~1e-11 relative).
    Momentum, if cycled, is the last one written.
    All schedulers span total_steps for their defaults. Default: LinearLR from
    0.1 over 10% of total_steps, chained with CosineAnnealingLR over total_steps.
    """
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    if schedulers is None:
        schedulers = [linear_lr(lr=lr, start_factor=0.1, total_iters=max(1, total_steps // 10)),
                      cosine_annealing_lr(lr=lr, total_steps=total_steps)]
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ParameterError("schedulers", "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
    children = _children("schedulers", schedulers, lr, [total_steps] * len(schedulers))
    params = dict(lr=lr, total_steps=total_steps, schedulers=children)
    engine = _engine_for(_node(Schedule(lambda t: t, name="torch.ChainedScheduler", params=params)), lr)
    marks = tuple(sorted({m for c in children for m in c.marks}))[:100]
    return _from_engine(engine, "torch.ChainedScheduler", params, marks=marks, periodic=any(c.periodic for c in children))


def _plateau(name: str, lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr,
             eps) -> Schedule:
    lr = rules.lr(lr)
    total_steps = rules.exact_steps("total_steps", total_steps, minimum=1)
    if metrics is None:
        size = min(total_steps, DEFAULT_METRICS_MAX)
        metrics = [0.99 ** min(k, size // 2) for k in range(size)]
    elif not isinstance(metrics, (list, tuple)) or not metrics:
        raise ParameterError("metrics", "expected a non-empty list of numbers (one per step() call)")
    table = torch_plateau(lr, metrics, mode=mode, factor=factor, patience=patience, threshold=threshold,
                          threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)
    last = table.size - 1
    drops = np.flatnonzero(table[1:] != table[:-1]) + 1
    marks = check.marks(*((int(d), f"x{factor:g}", "drop") for d in drops[:5]))
    params = dict(lr=lr, total_steps=total_steps, metrics=list(metrics), mode=mode, factor=float(factor),
                  patience=patience, threshold=float(threshold), threshold_mode=threshold_mode, cooldown=cooldown,
                  min_lr=float(min_lr), eps=float(eps))
    # a series of finite lrs >= 0 passes every check: copied block by block (else checked as any twin)
    plain = bool(np.all(np.isfinite(table)) and np.all(table >= 0))
    return _schedule(lambda t: table[np.minimum(t, last)], name, params, marks=marks,
                     kernel=series_kernel(table) if plain else None,
                     breaks=() if eps >= 0 else None)  # with eps >= 0 the lr never rises


def reduce_lr_on_plateau(*, lr: float = 0.1, total_steps: Steps = 1000, metrics: Metrics | None = None, mode: str = "min",
                         factor: float = 0.1, patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                         cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8) -> Schedule:
    """torch ReduceLROnPlateau: reduce the lr by factor after patience steps without improvement.

    lr(t) = the lr after t calls of step(metrics[k]), k = 0 .. t-1; past the
    series the last value holds. Improvement: mode 'min' with threshold_mode
    'rel' means metric < best * (1 - threshold) (best starts at inf); 'abs':
    metric < best - threshold ('max' mirrors). On the (patience+1)-th step in a
    row without improvement: lr = max(lr * factor, min_lr), skipped if that
    changes it by eps or less; then cooldown steps during which bad steps are
    not counted (best is still updated). metrics: one value per step() call (a
    list or a CSV file). Default metrics: a synthetic loss, 0.99 ** min(k, N // 2)
    for k < N = min(total_steps, 100000): it improves by 1% per step for half
    the run and then stops improving, so the lr falls by factor every
    patience + 1 steps until eps stops it.
    """
    return _plateau("torch.ReduceLROnPlateau", lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode,
                    cooldown, min_lr, eps)


def hf_reduce_lr_on_plateau(*, lr: float = 0.1, total_steps: Steps = 1000, metrics: Metrics | None = None,
                            mode: str = "min", factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                            threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0,
                            eps: float = 1e-8) -> Schedule:
    """HuggingFace get_reduce_on_plateau_schedule: torch's ReduceLROnPlateau, kwargs passed through.

    lr(t) = max(lr * factor^r(t), min_lr), r(t) the reductions triggered by metrics[0 .. t-1].

    Same values as torch.ReduceLROnPlateau (see it for the rule and the
    default metrics); the Trainer calls step(metric) once per evaluation.
    """
    return _plateau("hf.reduce_lr_on_plateau", lr, total_steps, metrics, mode, factor, patience, threshold, threshold_mode,
                    cooldown, min_lr, eps)


TWINS: dict[str, tuple[Callable, str]] = {
    "torch.LambdaLR": (lambda_lr, "torch LambdaLR: lr * lr_lambda(t)"),
    "torch.MultiplicativeLR": (multiplicative_lr, "torch MultiplicativeLR: lr(t) = lr(t-1) * lr_lambda(t)"),
    "torch.StepLR": (step_lr, "torch StepLR: multiply by gamma every step_size steps"),
    "torch.MultiStepLR": (multi_step_lr, "torch MultiStepLR: multiply by gamma at each milestone (duplicates compound)"),
    "torch.ConstantLR": (constant_lr, "torch ConstantLR: lr * factor for total_iters steps, then lr"),
    "torch.LinearLR": (linear_lr, "torch LinearLR: lr times a factor ramping from start_factor to end_factor"),
    "torch.ExponentialLR": (exponential_lr, "torch ExponentialLR: multiply by gamma every step"),
    "torch.SequentialLR": (sequential_lr, "torch SequentialLR: schedulers one after another, with torch's restarts"),
    "torch.CosineAnnealingLR": (cosine_annealing_lr, "torch CosineAnnealingLR (chainable): cosine that rises again after T_max"),
    "torch.ChainedScheduler": (chained_scheduler, "torch ChainedScheduler: every scheduler steps the same lr in turn"),
    "torch.ReduceLROnPlateau": (reduce_lr_on_plateau, "torch ReduceLROnPlateau on a metric series"),
    "torch.CyclicLR": (cyclic_lr, "torch CyclicLR: triangular cycles between base_lr and max_lr, with momentum"),
    "torch.CosineAnnealingWarmRestarts": (cosine_annealing_warm_restarts, "torch CosineAnnealingWarmRestarts (SGDR)"),
    "torch.OneCycleLR": (one_cycle_lr, "torch OneCycleLR with its momentum curve (raises past total_steps)"),
    "torch.PolynomialLR": (polynomial_lr, "torch PolynomialLR: polynomial decay to 0 over total_iters"),
    "torch.SWALR": (swalr, "torch SWALR: anneal from lr to swa_lr, then hold"),
    "hf.reduce_lr_on_plateau": (hf_reduce_lr_on_plateau, "HuggingFace reduce_lr_on_plateau: torch ReduceLROnPlateau"),
}

# The parameters lrviz check reads: the floor a twin anneals to, its warmup length, mere bounds.
ROLES = {
    "torch.CosineAnnealingLR": {"floor": "eta_min"},
    "torch.CosineAnnealingWarmRestarts": {"floor": "eta_min"},
    "torch.ReduceLROnPlateau": {"per_epoch_metrics": True, "bounds": ("min_lr",)},
    "hf.reduce_lr_on_plateau": {"per_epoch_metrics": True, "bounds": ("min_lr",)},
}
