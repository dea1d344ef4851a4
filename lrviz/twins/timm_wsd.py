"""Twins of timm's ``WSDLRScheduler`` (timm 1.0.31, ``timm/scheduler/wsd_lr.py``): ``timm.wsd`` and ``timm.rsqrt``.

``create_scheduler_v2(sched='wsd')`` builds it with ``stable_fn='constant'``
and ``decay_fn='1-sqrt'``; ``sched='rsqrt'`` with ``stable_fn='rsqrt'`` and
``decay_fn='linear'`` (Big Vision's reciprocal square root with a linear
cooldown). Both twins are one factory with those defaults. Step convention,
noise and per-epoch stepping as for the other timm twins (see
:mod:`lrviz.twins.timm`): the value at ``t`` is the lr ``step(t)`` /
``step_update(t)`` sets, in timm's float operations and order (bit-identical
in the fixtures except where numpy's ``cos``/``pow`` differ from the C
library's by an ulp: relative 1e-15).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..errors import ParameterError
from ..kinds import Duration, Steps
from ..schedules._base import Schedule
from ..schedules import _checks as check
from .timm import _Noise, _base_checks, _warmup

STABLE_FNS = ("constant", "rsqrt", "power")
DECAY_FNS = ("linear", "1-sqrt", "cosine", "power", "exp")


def _decay(frac: np.ndarray, fn: str, power: float, ratio: float) -> np.ndarray:
    """timm's ``_decay``: the decay factor at progress frac in [0, 1], from 1 to 0."""
    if fn == "linear":
        return 1.0 - frac
    if fn == "1-sqrt":
        return 1.0 - np.sqrt(frac)
    if fn == "cosine":
        return 0.5 * (1.0 + np.cos(math.pi * frac))
    if fn == "power":
        return 1.0 - np.power(frac, power)
    return (np.power(ratio, frac) - ratio) / (1.0 - ratio)  # exp


def _wsd(name: str, *, lr: Any, total_steps: Any, t_initial: Any, decay_t: Any, lr_min: Any, stable_fn: Any,
         stable_timescale: Any, stable_power: Any, decay_fn: Any, decay_power: Any, decay_ratio: Any, warmup_t: Any,
         warmup_lr_init: Any, noise_range_t: Any, noise_pct: Any, noise_std: Any, noise_seed: Any) -> Schedule:
    lr, total_steps, warmup_t, warmup_lr_init = _base_checks(lr, total_steps, warmup_t, warmup_lr_init)
    if t_initial is None:
        t_initial = max(1, total_steps - warmup_t)
    t_initial = check.number("t_initial", t_initial)
    if t_initial <= 0:
        raise ParameterError("t_initial", f"Invalid t_initial ({t_initial:g}), must be > 0.")
    if decay_t is None:
        decay_t = max(1, int(round(0.2 * t_initial)))  # create_scheduler_v2's default: 20% of stable + decay
    decay_t = check.number("decay_t", decay_t)
    if not 0 < decay_t <= t_initial:
        raise ParameterError("decay_t", f"Invalid decay_t ({decay_t:g}), must be in (0, t_initial] w/ "
                                        f"t_initial={t_initial:g}.")
    lr_min = check.number("lr_min", lr_min)
    if lr_min < 0:
        raise ParameterError("lr_min", f"Invalid lr_min ({lr_min:g}), must be >= 0.")
    if stable_fn not in STABLE_FNS:
        raise ParameterError("stable_fn", f"Invalid stable_fn ({stable_fn}), must be one of {STABLE_FNS}.")
    if decay_fn not in DECAY_FNS:
        raise ParameterError("decay_fn", f"Invalid decay_fn ({decay_fn}), must be one of {DECAY_FNS} or a callable.")
    decay_ratio, decay_power, stable_power = (check.number(n, v) for n, v in (
        ("decay_ratio", decay_ratio), ("decay_power", decay_power), ("stable_power", stable_power)))
    if not 0.0 < decay_ratio < 1.0:
        raise ParameterError("decay_ratio", f"Invalid decay_ratio ({decay_ratio:g}), must be in (0, 1).")
    if decay_power <= 0:
        raise ParameterError("decay_power", f"Invalid decay_power ({decay_power:g}), must be > 0.")
    if stable_power <= 0:
        raise ParameterError("stable_power", f"Invalid stable_power ({stable_power:g}), must be > 0.")
    if stable_fn != "constant":
        stable_timescale = warmup_t if stable_timescale is None else check.number("stable_timescale", stable_timescale)
        if stable_timescale <= 0:
            raise ParameterError("stable_timescale", f"stable_fn={stable_fn} requires a positive stable_timescale, it "
                                 f"defaults to warmup_t ({warmup_t}), set it explicitly when there is no warmup.")
    noise = _Noise(noise_range_t, "normal", noise_pct, noise_std, noise_seed)
    ramp = _warmup(lr, warmup_t, warmup_lr_init, lr)
    exponent = 0.5 if stable_fn == "rsqrt" else stable_power
    hold = t_initial - decay_t

    def f(t: np.ndarray) -> np.ndarray:
        out = np.empty(t.shape, dtype=np.float64)
        warm = t < warmup_t
        out[warm] = ramp(t[warm])
        rest = ~warm
        t_s = (t[rest] - warmup_t).astype(np.float64)
        with np.errstate(all="ignore"):
            stable = lr if stable_fn == "constant" else lr * np.power(1.0 + t_s / stable_timescale, -exponent)
            stable = np.maximum(stable, lr_min) * np.ones(t_s.shape)
            t_decay = t_s - hold
            decaying = t_decay > 0
            frac = np.minimum(t_decay[decaying] / decay_t, 1.0)
            stable[decaying] = lr_min + (stable[decaying] - lr_min) * _decay(frac, decay_fn, decay_power, decay_ratio)
        out[rest] = stable
        return noise.apply(t, out)

    end = warmup_t + t_initial
    marks = check.marks((warmup_t, "end of warmup"), (math.ceil(warmup_t + hold), "decay"), (math.ceil(end), "lr_min"))
    params = dict(lr=lr, total_steps=total_steps, t_initial=t_initial, decay_t=decay_t, lr_min=lr_min,
                  stable_fn=stable_fn, stable_timescale=stable_timescale, stable_power=stable_power, decay_fn=decay_fn,
                  decay_power=decay_power, decay_ratio=decay_ratio, warmup_t=warmup_t, warmup_lr_init=warmup_lr_init,
                  **noise.params())
    return Schedule(f, name=name, params=params, marks=marks,
                    breaks=None if noise.active else ((warmup_t,) if warmup_t else ()))


def wsd_lr(*, lr: float = 0.1, total_steps: Steps = 1000, t_initial: Duration | None = None,
           decay_t: Duration | None = None, lr_min: float = 0.0, stable_fn: str = "constant",
           stable_timescale: float | None = None, stable_power: float = 0.5, decay_fn: str = "1-sqrt",
           decay_power: float = 0.5, decay_ratio: float = 0.1, warmup_t: Steps = 0, warmup_lr_init: float = 0.0,
           noise_range_t: Duration | list[Duration] | None = None, noise_pct: float = 0.67, noise_std: float = 1.0,
           noise_seed: int = 42) -> Schedule:
    """timm WSDLRScheduler (``sched='wsd'``): linear warmup, stable phase, decay to lr_min over the last decay_t steps.

    lr(t) = warmup_lr_init + t (lr - warmup_lr_init) / warmup_t                  for t < warmup_t
    lr(t) = lr_min + (max(lr * stable(t_s), lr_min) - lr_min) * decay(frac)       after, t_s = t - warmup_t
    frac = min(max(t_s - (t_initial - decay_t), 0) / decay_t, 1)  (decay = 1 while frac = 0)
    stable: constant 1, rsqrt (1 + t_s/timescale)^-0.5, power (1 + t_s/timescale)^-stable_power
    decay: 1-sqrt 1 - sqrt(frac), linear 1 - frac, cosine (1 + cos(pi frac))/2,
           power 1 - frac^decay_power, exp (r^frac - r)/(1 - r) with r = decay_ratio

    The warmup is always a prefix: the run is warmup_t + t_initial steps, and
    lr_min is reached at t = warmup_t + t_initial (timm's note: the last
    scheduled step is one decay step short of it), then held. t_initial
    (required by timm) defaults to total_steps - warmup_t; decay_t (required)
    to round(0.2 t_initial), create_scheduler_v2's default. stable_timescale
    defaults to warmup_t (refused, as timm refuses, when that is 0 and
    stable_fn is not constant). t = 0 is the construction lr (warmup_lr_init
    with a warmup, else lr) unless noise applies there. Noise as in timm.cosine.
    """
    return _wsd("timm.wsd", **{k: v for k, v in locals().items()})


def rsqrt_lr(*, lr: float = 0.1, total_steps: Steps = 1000, t_initial: Duration | None = None,
             decay_t: Duration | None = None, lr_min: float = 0.0, stable_fn: str = "rsqrt",
             stable_timescale: float | None = None, stable_power: float = 0.5, decay_fn: str = "linear",
             decay_power: float = 0.5, decay_ratio: float = 0.1, warmup_t: Steps | None = None,
             warmup_lr_init: float = 0.0, noise_range_t: Duration | list[Duration] | None = None, noise_pct: float = 0.67,
             noise_std: float = 1.0, noise_seed: int = 42) -> Schedule:
    """timm ``sched='rsqrt'``: WSDLRScheduler with stable_fn='rsqrt' and decay_fn='linear' (see timm.wsd).

    lr(t) = lr_min + (max(lr (1 + t_s/timescale)^-0.5, lr_min) - lr_min) * (1 - frac)   after the warmup

    stable_timescale defaults to warmup_t, so a warmup (or a timescale) is
    required, as timm requires it (warmup_t: 0 without stable_timescale is
    refused with timm's message); warmup_t left out warms up over 5% of
    total_steps (lrviz's default, so that it can be drawn by name alone).
    """
    if warmup_t is None:
        warmup_t = max(1, check.steps("total_steps", total_steps, minimum=1) // 20)
    return _wsd("timm.rsqrt", **{k: v for k, v in locals().items()})


TWINS: dict[str, tuple[Callable, str]] = {
    "timm.wsd": (wsd_lr, "timm WSDLRScheduler: warmup, stable, decay (1-sqrt, linear, cosine, power, exp) to lr_min"),
    "timm.rsqrt": (rsqrt_lr, "timm rsqrt: warmup, reciprocal square root, linear cooldown (WSDLRScheduler)"),
}

ROLES = {
    "timm.wsd": {"floor": "lr_min", "warmup": "warmup_t", "per_epoch": True},
    "timm.rsqrt": {"floor": "lr_min", "warmup": "warmup_t", "per_epoch": True},
}
