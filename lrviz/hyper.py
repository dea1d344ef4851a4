"""Other hyperparameters on the lr's timeline: weight decay, AdamW's effective decay, a batch-size ramp, beta2.

A schedule entry of a config may say, beside its lr::

    - name: warmup
      params: {warmup_steps: 500, schedule: {name: cosine}}
      optimizer: adamw                                     # sgd | adam | adamw
      weight_decay: {name: cosine, params: {lr: 0.04, min_lr: 0.4}}        # or a number
      batch_size: {start: 32, end: 1024, increment: 32, ramp_samples: 1000000}   # or a number
      beta2: {name: linear, params: {lr: 0.95, min_lr: 0.999}}             # a schedule only

Each gives a series, a function of the step drawn in its own panel under the lr
(``--layout stack``, which ``auto`` picks when any curve has one) and exported as
a column ``<label> <key>``:

- ``weight_decay`` wd(t): a number (constant), or a schedule ``{name, params}``
  built by the same registry over the same ``total_steps``, whose "lr" is the
  weight decay (DINO's cosine 0.04 -> 0.4 is ``{name: cosine, params: {lr: 0.04,
  min_lr: 0.4}}``). Its ``lr`` parameter must be given: the run's learning rate
  is no default for a decay.
- ``effective_decay`` = lr(t) * wd(t), with ``optimizer: adamw`` and a weight
  decay. ``torch.optim.AdamW`` decouples the decay from the gradient: each
  update first multiplies every parameter by ``1 - lr * wd``, so lr(t) * wd(t)
  is the fraction of each weight removed at update t. ``adam`` and ``sgd`` add
  ``wd * param`` to the gradient instead (L2), so they have no such curve.
  ``optimizer: adamw`` without ``weight_decay`` draws no decay (lrviz assumes
  no value; torch's own default is 0.01).
- ``batch_size`` b(t), a number or a ramp (:class:`Ramp`, Megatron-LM's
  ``--rampup-batch-size START INCREMENT RAMP_SAMPLES``, the GPT-3 warmup of
  the batch size).
- ``beta2``: Adam's beta2 as a schedule (a constant beta2 is refused: it draws
  nothing worth a panel).

With ``optimizer: adam`` or ``adamw`` the momentum a one-cycle or cyclic
schedule cycles is Adam's beta1 (torch's OneCycleLR and CyclicLR write
``group["betas"] = (m, beta2)`` when the optimizer has betas), and its panel
and column say beta1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from . import registry
from .errors import ParameterError, ParameterErrors, did_you_mean
from .params import as_int, as_non_negative, signature
from .spec import SERIES
from .units import _kind

OPTIMIZERS = ("sgd", "adam", "adamw")
KEYS = ("weight_decay", "batch_size", "beta2")  # what a config entry may give
RAMP_KEYS = ("start", "end", "increment", "ramp_samples", "ramp_steps")
MAX_INCREMENTS = 100_000  # a ramp of more steps of change is refused (each is found by a step of Python)

Fn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Built:
    """One series ready to evaluate: its key, ``f(t)`` and where its monotone pieces begin (None: unknown)."""

    key: str
    fn: Fn
    breaks: tuple[int, ...] | None
    constant: bool = False  # the same value at every step


@dataclass(frozen=True)
class Ramp:
    """A batch size that grows from ``start`` to ``end`` in steps of ``increment``.

    Megatron-LM's rule (``RampupBatchsizeNumMicroBatchesCalculator``, flags
    ``--rampup-batch-size START INCREMENT RAMP_SAMPLES`` and ``--global-batch-size
    END``), with ``n = (end - start) / increment`` (a whole number, as Megatron
    requires) and ``per = ramp / n``::

        b(C) = end                                  if C > ramp
             = start + floor(C / per) * increment   otherwise

    With ``unit == "samples"`` C is the number of samples consumed before the
    update (C_0 = 0, C_{t+1} = C_t + b(C_t): Megatron updates the batch size
    from ``consumed_samples`` at the start of each iteration); with ``"steps"``
    (``ramp_steps``) C is the step t itself. The batch size first reaches
    ``end`` when C reaches ``ramp`` (or ``n * per``, the same up to rounding).
    """

    start: int
    end: int
    increment: int
    ramp: int
    unit: str  # samples | steps

    def table(self, total_steps: int) -> tuple[np.ndarray, np.ndarray]:
        """(first step of each stage, its batch size), up to the stage that holds ``total_steps``."""
        n = (self.end - self.start) // self.increment
        if n == 0:
            return np.zeros(1, np.int64), np.array([self.end], np.int64)
        per = self.ramp / n

        def stage(c: int) -> int:
            return n if c > self.ramp else int(c / per)  # Megatron's own float expression

        if self.unit == "steps":
            starts, values, t = [], [], 0
            while t <= total_steps:
                k = stage(t)
                starts.append(t)
                values.append(self.start + k * self.increment)
                if k >= n:
                    break
                t = _next_change(t, 1, k, stage)
            return np.array(starts, np.int64), np.array(values, np.int64)
        starts, values, t, consumed = [], [], 0, 0
        while t <= total_steps:
            k = stage(consumed)
            size = self.start + k * self.increment
            starts.append(t)
            values.append(size)
            if k >= n:
                break
            after = _next_change(consumed, size, k, stage)
            t += (after - consumed) // size
            consumed = after
        return np.array(starts, np.int64), np.array(values, np.int64)


def _next_change(c: int, size: int, k: int, stage: Callable[[int], int]) -> int:
    """The smallest ``c + j * size`` (j >= 1) whose stage is past ``k``, by the exact predicate (``stage`` never
    decreases as c grows): doubling j, then bisection, so a long stage costs a few dozen evaluations."""
    hi = 1
    while stage(c + hi * size) == k:
        hi *= 2
    lo = hi // 2 + 1 if hi > 1 else 1  # stage(c + (hi // 2) * size) is still k
    while lo < hi:
        mid = (lo + hi) // 2
        if stage(c + mid * size) == k:
            lo = mid + 1
        else:
            hi = mid
    return c + hi * size


def step_fn(starts: np.ndarray, values: np.ndarray) -> Fn:
    """``f(t)``: the value of the stage that holds each step t (int64)."""
    def f(t: np.ndarray) -> np.ndarray:
        return values[np.searchsorted(starts, t, side="right") - 1]
    return f


def check_optimizer(path: str, value: Any) -> str:
    if value not in OPTIMIZERS:
        raise ParameterError(path, f"must be one of {', '.join(OPTIMIZERS)}; got {value!r}"
                                   f"{did_you_mean(str(value), OPTIMIZERS)}")
    return value


def build(where: str, raw: Mapping[str, Any], optimizer: str | None, lr: Callable[[np.ndarray], np.ndarray],
          lr_breaks: tuple[int, ...] | None, ctx: registry.Context) -> list[Built]:
    """The series of one schedule entry at ``where`` (``schedules[2]``), in panel order.

    ``raw`` maps the keys of :data:`KEYS` to their values as written; ``lr`` is the
    entry's lr function (for the effective decay). Every problem is raised at once
    as ParameterErrors whose paths are ``where.weight_decay...``.
    """
    errors: list[ParameterError] = []
    out: dict[str, Built] = {}
    for key in KEYS:
        if key not in raw:
            continue
        path = f"{where}.{key}" if where else key
        try:
            if key == "batch_size":
                out[key] = _batch_size(path, raw[key], ctx.total_steps or 0)
            else:
                out[key] = _schedule_or_number(path, key, raw[key], ctx)
        except ParameterErrors as errs:
            errors.extend(errs.errors)
        except ParameterError as err:
            errors.append(registry.located(err.param, err.message))
    if errors:
        raise ParameterErrors(errors)
    wd = out.get("weight_decay")
    if optimizer == "adamw" and wd is not None:
        wd_fn = wd.fn
        # lr x a constant is monotone where the lr is; a product of a rising and a falling piece need not be
        out["effective_decay"] = Built("effective_decay", lambda t: lr(t) * wd_fn(t), lr_breaks if wd.constant else None)
    return [out[key] for key in SERIES if key in out]


def _schedule_or_number(path: str, key: str, value: Any, ctx: registry.Context) -> Built:
    if isinstance(value, Mapping):
        extra = [str(k) for k in value if k not in ("name", "params")]
        if extra:
            raise registry.located(f"{path}.{extra[0]}", "unknown key of a schedule; it takes name and params")
        if "name" not in value:
            raise registry.located(path, "a schedule needs a 'name' (see 'lrviz list'), or give a number")
        params = value.get("params") or {}
        entry = registry.TABLE.get(registry.ALIASES.get(value["name"], value["name"])) \
            if isinstance(value["name"], str) else None
        if entry is not None and isinstance(params, Mapping) and "lr" in signature(entry.factory) and "lr" not in params:
            what = "weight decay" if key == "weight_decay" else key
            raise registry.located(f"{path}.params" if "params" in value else path,
                                   f"give lr, the {what} the schedule starts from; e.g. "
                                   f"{{name: cosine, params: {{lr: 0.04, min_lr: 0.4}}}}")
        schedule = registry.build_at(value["name"], params, ctx, path)
        return Built(key, schedule.unchecked, schedule.breaks)
    if key == "beta2":
        raise registry.located(path, f"a constant beta2 draws nothing worth a panel; give it as a schedule "
                                     f"{{name, params}} or leave it out; got {_kind(value)}")
    try:
        number = as_non_negative(path, value)
    except ParameterError as err:
        if err.message.startswith("expected a number"):  # neither form: say both
            raise registry.located(path, err.message.replace("expected a number", "expected a number or a schedule "
                                                             "{name, params}", 1)) from None
        raise
    return Built(key, lambda t: np.full(np.shape(t), number, dtype=np.float64), (), constant=True)


def _batch_size(path: str, value: Any, total_steps: int) -> Built:
    if not isinstance(value, Mapping):
        size = as_int(path, value, minimum=1)
        return Built("batch_size", lambda t: np.full(np.shape(t), size, dtype=np.int64), (), constant=True)
    errors = [registry.located(f"{path}.{k}", f"unknown key of a batch-size ramp{did_you_mean(str(k), RAMP_KEYS)}")
              for k in value if k not in RAMP_KEYS]
    numbers: dict[str, int] = {}
    for k in ("start", "end", "increment"):
        if k not in value:
            errors.append(registry.located(path, f"a batch-size ramp needs {k} (it takes start, end, increment "
                                                 f"and ramp_samples or ramp_steps)"))
            continue
        try:
            numbers[k] = as_int(f"{path}.{k}", value[k], minimum=1)
        except ParameterError as err:
            errors.append(registry.located(err.param, err.message))
    ramps = [k for k in ("ramp_samples", "ramp_steps") if k in value]
    if len(ramps) != 1:
        errors.append(registry.located(path, "give one of ramp_samples (Megatron's rule: the ramp counts consumed "
                                             "samples) or ramp_steps" + ("" if not ramps else "; not both")))
    else:
        try:
            numbers["ramp"] = as_int(f"{path}.{ramps[0]}", value[ramps[0]], minimum=1)
        except ParameterError as err:
            errors.append(registry.located(err.param, err.message))
    if all(k in numbers for k in ("start", "end", "increment")):  # checked even when the ramp length has problems
        start, end, inc = numbers["start"], numbers["end"], numbers["increment"]
        if end < start:
            errors.append(registry.located(f"{path}.end", f"must be >= start ({start}); got {end}"))
        elif (end - start) % inc:
            errors.append(registry.located(f"{path}.increment", f"end - start ({end - start}) must be a multiple of "
                                                                f"the increment ({inc}), as Megatron requires"))
        elif (end - start) // inc > MAX_INCREMENTS:
            errors.append(registry.located(f"{path}.increment", f"the ramp has {(end - start) // inc:,} increments; "
                                                                f"at most {MAX_INCREMENTS:,}"))
    if errors:
        raise ParameterErrors(errors)
    ramp = Ramp(numbers["start"], numbers["end"], numbers["increment"], numbers["ramp"],
                "samples" if ramps[0] == "ramp_samples" else "steps")
    starts, values = ramp.table(total_steps)
    return Built("batch_size", step_fn(starts, values), ())
