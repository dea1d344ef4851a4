"""Twin of MMEngine's parameter schedulers as its Runner steps them: ``mmengine.param_scheduler``.

MMEngine's lr schedulers (``mmengine/optim/scheduler/param_scheduler.py``,
read in mmengine 0.10.7) are *chainable*: each computes the new lr from the
param group's current one (torch's recursive forms), and acts only while
``begin <= count < end``, ``count`` being how often it has been stepped (its
constructor steps it once, so it starts at 0) and ``last_step`` its own
position (0 at ``begin``). The Runner builds them in list order, steps the
``by_epoch=False`` ones after every training *iteration* (``ParamSchedulerHook``;
``accumulative_counts`` does not change that) and the ``by_epoch=True`` ones
after every epoch. So iteration ``i`` of epoch ``e`` trains at the lr left by
the constructors, ``i + e * L`` iteration steps and ``e`` epoch steps
(``L`` = ``epoch_length``, the dataloader's length per rank):

    lr(t) = the group lr during iteration t = e * L + i

``convert_to_iter_based=True`` (``by_epoch=True`` only) multiplies ``begin``
and ``end`` by L with ``int()``, and the milestones, ``step_size``, ``T_max``
and ``periods`` by L, then steps per iteration. The per-step rules (n = end - begin):

    LinearLR        s = 0: v * start_factor; then v * (1 + (end_f - start_f) / ((n - 1) * start_f + (s - 1) * (end_f - start_f)))
    ConstantLR      s = 0: v * factor; s = n - 1: v / factor (v * (1.0 / factor)); else v
    StepLR          v * gamma when s > 0 and s % step_size == 0
    MultiStepLR     v * gamma ** count(s in milestones)
    ExponentialLR   v * gamma for s > 0
    CosineAnnealingLR  T = T_max or n; s = 0: v; (s - 1 - T) % 2T == 0: v + (base - eta_min)(1 - cos(pi / T)) / 2;
                       else (1 + cos(pi s / T)) / (1 + cos(pi (s - 1) / T)) * (v - eta_min) + eta_min
    PolyLR          s > 0: (v - eta_min) * (1 - 1 / (n - 1 - s + 1)) ** power + eta_min
    CosineRestartLR restarts at base * restart_weights[k]; between them the cosine recursion over periods[k]

The replay runs in Python floats in MMEngine's order, so values agree bit for
bit. A scheduler list is replayed once per evaluation length and cached.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from ..errors import ParameterError, StepError
from ..schedules._base import Schedule
from ..schedules import _checks as check

from ..kinds import Steps

INF = int(1e9)
MAX_REPLAY = 20_000_000  # iterations replayed one by one at most
COMMON = ("type", "by_epoch", "begin", "end", "last_step", "convert_to_iter_based", "verbose")
TYPES: dict[str, tuple[str, ...]] = {
    "LinearLR": ("start_factor", "end_factor"),
    "ConstantLR": ("factor",),
    "StepLR": ("step_size", "gamma"),
    "MultiStepLR": ("milestones", "gamma"),
    "ExponentialLR": ("gamma",),
    "CosineAnnealingLR": ("T_max", "eta_min", "eta_min_ratio"),
    "PolyLR": ("eta_min", "power"),
    "CosineRestartLR": ("periods", "restart_weights", "eta_min", "eta_min_ratio"),
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "LinearLR": {"start_factor": 1.0 / 3, "end_factor": 1.0},
    "ConstantLR": {"factor": 1.0 / 3},
    "StepLR": {"gamma": 0.1},
    "MultiStepLR": {"gamma": 0.1},
    "ExponentialLR": {},
    "CosineAnnealingLR": {"T_max": None, "eta_min": None, "eta_min_ratio": None},
    "PolyLR": {"eta_min": 0, "power": 1.0},
    "CosineRestartLR": {"restart_weights": (1,), "eta_min": None, "eta_min_ratio": None},
}
REQUIRED = {"StepLR": ("step_size",), "MultiStepLR": ("milestones",), "ExponentialLR": ("gamma",),
            "CosineRestartLR": ("periods",)}


class _Scheduler:
    """One MMEngine scheduler's state: its counters and its rule."""

    def __init__(self, where: str, cfg: dict, epoch_length: int, base: float):
        self.kind = cfg["type"]
        self.by_epoch = bool(cfg.get("by_epoch", True))
        begin, end = cfg.get("begin", 0), cfg.get("end", INF)
        p = {**DEFAULTS[self.kind], **{k: v for k, v in cfg.items() if k not in COMMON}}
        for key in p:
            if key not in TYPES[self.kind]:
                raise ParameterError(f"{where}.{key}", f"unknown parameter of MMEngine {self.kind}")
        for key in REQUIRED.get(self.kind, ()):
            if key not in p:
                raise ParameterError(where, f"MMEngine {self.kind} requires {key}")
        begin = check.steps(f"{where}.begin", begin)
        end = INF if end is None else check.steps(f"{where}.end", end)
        self.by_epoch = check.flag(f"{where}.by_epoch", self.by_epoch)
        _validate(where, self.kind, p)
        if cfg.get("convert_to_iter_based", False):
            if not self.by_epoch:
                raise ParameterError(f"{where}.convert_to_iter_based", "only epoch-based schedulers (by_epoch=True) can be converted")
            L = epoch_length
            begin = int(begin * L)
            if end != INF:
                end = int(end * L)
            if self.kind == "StepLR":
                p["step_size"] = p["step_size"] * L
            elif self.kind == "MultiStepLR":
                p["milestones"] = [m * L for m in p["milestones"]]
            elif self.kind == "CosineAnnealingLR" and p["T_max"] is not None:
                p["T_max"] = p["T_max"] * L
            elif self.kind == "CosineRestartLR":
                p["periods"] = [x * L for x in p["periods"]]
            self.by_epoch = False
        if end <= begin:
            raise ParameterError(f"{where}.end", f"end should be larger than begin, but got begin={begin}, end={end}")
        self.begin, self.end, self.base = begin, end, base
        self.count = -1
        self.last = -1
        self.p = p
        self.n1 = end - begin - 1  # total_iters of LinearLR, ConstantLR, PolyLR
        k = self.kind
        if k == "LinearLR":
            for name in ("start_factor", "end_factor"):
                if not 0 <= check.number(f"{where}.{name}", p[name]) <= 1:
                    raise ParameterError(f"{where}.{name}", "Starting multiplicative factor should between 0 and 1."
                                         if name == "start_factor" else "Ending multiplicative factor should between 0 and 1.")
        if k == "ConstantLR" and not 0 <= check.number(f"{where}.factor", p["factor"]) <= 1:
            raise ParameterError(f"{where}.factor", "Constant multiplicative factor should between 0 and 1.")
        if k in ("CosineAnnealingLR", "CosineRestartLR"):
            if k == "CosineAnnealingLR" and p["eta_min"] is None and p["eta_min_ratio"] is None:
                p["eta_min"] = 0.0
            if (p["eta_min"] is None) == (p["eta_min_ratio"] is None):
                raise ParameterError(where, "Either `eta_min` or `eta_min_ratio should be specified")
            self.eta_min = p["eta_min"] if p["eta_min_ratio"] is None else base * p["eta_min_ratio"]
        if k == "CosineAnnealingLR":
            self.T = p["T_max"] or end - begin
        if k == "MultiStepLR":
            self.milestones = Counter(p["milestones"])
        if k == "CosineRestartLR":
            if len(p["periods"]) != len(p["restart_weights"]):
                raise ParameterError(f"{where}.restart_weights", "periods and restart_weights should have the same length.")
            self.cumulative = [sum(p["periods"][: i + 1]) for i in range(len(p["periods"]))]

    def step(self, v: float) -> float:
        self.count += 1
        if self.begin <= self.count < self.end:
            self.last += 1
            return self.value(v, self.last)
        return v

    def value(self, v: float, s: int) -> float:
        k, p = self.kind, self.p
        if k == "LinearLR":
            a, b = p["start_factor"], p["end_factor"]
            if s == 0:
                return v * a
            return v * (1.0 + (b - a) / (self.n1 * a + (s - 1) * (b - a)))
        if k == "ConstantLR":
            if s == 0:
                return v * p["factor"]
            if s > self.n1 or s != self.n1:
                return v
            return v * (1.0 / p["factor"])
        if k == "StepLR":
            return v if (s == 0 or s % p["step_size"] != 0) else v * p["gamma"]
        if k == "MultiStepLR":
            return v if s not in self.milestones else v * p["gamma"] ** self.milestones[s]
        if k == "ExponentialLR":
            return v if s == 0 else v * p["gamma"]
        if k == "CosineAnnealingLR":
            T, m = self.T, self.eta_min
            if s == 0:
                return v
            if (s - 1 - T) % (2 * T) == 0:
                return v + (self.base - m) * (1 - math.cos(math.pi / T)) / 2
            return (1 + math.cos(math.pi * s / T)) / (1 + math.cos(math.pi * (s - 1) / T)) * (v - m) + m
        if k == "PolyLR":
            if s == 0:
                return v
            return (v - p["eta_min"]) * (1 - 1 / (self.n1 - s + 1)) ** p["power"] + p["eta_min"]
        # CosineRestartLR
        idx = next((i for i, c in enumerate(self.cumulative) if s < c), None)
        if idx is None:
            return v
        restart = 0 if idx == 0 else self.cumulative[idx - 1]
        period = p["periods"][idx]
        step = s - restart
        if step == 0:
            return self.base * p["restart_weights"][idx]
        return (1 + math.cos(math.pi * step / period)) / (1 + math.cos(math.pi * (step - 1) / period)) * (v - self.eta_min) + self.eta_min


def _validate(where: str, kind: str, p: dict) -> None:
    """Types and ranges of a scheduler's own parameters (in place: lists become lists of ints)."""
    for key in ("gamma", "start_factor", "end_factor", "factor", "power"):
        if key in p:
            p[key] = check.number(f"{where}.{key}", p[key])
    for key in ("eta_min", "eta_min_ratio"):
        if p.get(key) is not None:
            p[key] = check.non_negative(f"{where}.{key}", p[key])
    if kind == "StepLR":
        p["step_size"] = check.steps(f"{where}.step_size", p["step_size"], minimum=1)
    if kind == "MultiStepLR":
        p["milestones"] = [check.steps(f"{where}.milestones[{i}]", m) for i, m in enumerate(check_list(where, p, "milestones"))]
    if kind == "CosineAnnealingLR" and p.get("T_max") is not None:
        p["T_max"] = check.steps(f"{where}.T_max", p["T_max"], minimum=1)
    if kind == "CosineRestartLR":
        p["periods"] = [check.steps(f"{where}.periods[{i}]", x, minimum=1) for i, x in enumerate(check_list(where, p, "periods"))]
        p["restart_weights"] = [check.non_negative(f"{where}.restart_weights[{i}]", x)
                                for i, x in enumerate(check_list(where, p, "restart_weights"))]
    for key in ("gamma", "factor"):
        if key in p and p[key] < 0:
            raise ParameterError(f"{where}.{key}", f"must be >= 0 (a negative factor gives a negative lr); got {p[key]:g}")


def check_list(where: str, p: dict, key: str) -> list:
    if not isinstance(p[key], (list, tuple)) or not p[key]:
        raise ParameterError(f"{where}.{key}", "expected a non-empty list")
    return list(p[key])


def _replay(lr: float, schedulers: list[dict], epoch_length: int, n: int) -> np.ndarray:
    """The group lr during iterations 0..n-1: constructors, then per-iteration and per-epoch steps."""
    states = [_Scheduler(f"schedulers[{i}]", cfg, epoch_length, lr) for i, cfg in enumerate(schedulers)]
    v = lr
    for s in states:
        v = s.step(v)
    per_iter = [s for s in states if not s.by_epoch]
    per_epoch = [s for s in states if s.by_epoch]
    out = np.empty(n)
    t = 0
    while t < n:
        for _ in range(min(epoch_length, n - t)):
            out[t] = v
            t += 1
            for s in per_iter:
                v = s.step(v)
        for s in per_epoch:
            v = s.step(v)
    return out


def _check_list(schedulers: Any) -> list[dict]:
    if not isinstance(schedulers, (list, tuple)):
        raise ParameterError("schedulers", "expected a list of MMEngine scheduler dicts")
    out = []
    for i, cfg in enumerate(schedulers):
        if not isinstance(cfg, dict) or "type" not in cfg:
            raise ParameterError(f"schedulers[{i}]", "expected a dict with a type")
        if cfg["type"] not in TYPES:
            from ..errors import did_you_mean

            raise ParameterError(f"schedulers[{i}].type", f"{cfg['type']!r} has no lrviz twin{did_you_mean(str(cfg['type']), TYPES)}")
        out.append(dict(cfg))
    return out


def param_scheduler(*, lr: float = 0.1, total_steps: Steps = 1000, schedulers: list[dict] | None = None,
                    epoch_length: int = 1) -> Schedule:
    """MMEngine ``param_scheduler`` (a list of scheduler dicts) as the Runner steps it, per iteration.

    lr(t) = the optimizer's lr during training iteration t (t = epoch * epoch_length + i), from the
    chained rules above. Without schedulers: a LinearLR warmup over the first tenth and a
    CosineAnnealingLR over the rest, both per iteration.
    """
    lr = check.non_negative("lr", lr)
    total_steps = check.steps("total_steps", total_steps, minimum=1)
    L = check.steps("epoch_length", epoch_length, minimum=1)
    if schedulers is None:
        W = max(1, total_steps // 10)
        schedulers = [{"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "begin": 0, "end": W},
                      {"type": "CosineAnnealingLR", "by_epoch": False, "begin": W, "end": total_steps}]
    schedulers = _check_list(schedulers)
    try:
        _replay(lr, schedulers, L, 1)  # the constructors' checks, at build time
    except (ZeroDivisionError, OverflowError, TypeError) as err:
        raise ParameterError("schedulers", f"MMEngine raises {type(err).__name__} building these schedulers ({err})") from None
    cache: dict[str, np.ndarray] = {}

    def f(t: np.ndarray) -> np.ndarray:
        need = int(t.max()) + 1 if t.size else 1
        if need > MAX_REPLAY:
            raise StepError(f"mmengine.param_scheduler replays MMEngine's schedulers iteration by iteration; "
                            f"steps beyond {MAX_REPLAY:,} are not computed (asked for {need - 1:,})")
        if "lr" not in cache or cache["lr"].size < need:
            try:
                cache["lr"] = _replay(lr, schedulers, L, min(MAX_REPLAY, max(need, total_steps + 1)))
            except (ZeroDivisionError, OverflowError, TypeError, ValueError) as err:
                raise StepError(f"mmengine.param_scheduler: MMEngine raises {type(err).__name__} replaying "
                                f"these schedulers ({err})") from None
        return cache["lr"][t]

    marks = []
    for cfg in schedulers:
        scale = L if (cfg.get("by_epoch", True)) else 1
        for key in ("begin", "end"):
            if isinstance(cfg.get(key), int) and 0 < cfg[key] * scale <= total_steps:
                marks.append((cfg[key] * scale, f"{cfg['type']} {key}"))
    return Schedule(f, name="mmengine.param_scheduler",
                    params=dict(lr=lr, total_steps=total_steps, epoch_length=L, schedulers=schedulers),
                    marks=check.marks(*marks), breaks=None,
                    blockwise=False)  # one replay up to the largest step asked for, not one per block


TWINS = {
    "mmengine.param_scheduler": (param_scheduler, "MMEngine param_scheduler list (chained, begin/end gated, by_epoch or per iteration) as the Runner steps it"),
}
