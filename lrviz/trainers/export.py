"""The way back: an lrviz schedule -> the config or code a trainer turns into the same curve.

:func:`to_trainer` tries the target's exact counterparts of the schedule and
*checks* each: the counterpart is built as a twin of that trainer (the same
twins that read trainers' files) and must give the same lr at every step
``0..total_steps`` (relative 1e-9, 1e-6 for optax's float32: rounding, not
approximation). The
first that does is written out; when none does, an :class:`NoExactEquivalent`
says so and why, instead of writing something close.

    hf         TrainingArguments JSON: learning_rate, lr_scheduler_type, warmup_steps, max_steps, lr_scheduler_kwargs
    deepspeed  DeepSpeed config JSON: optimizer.params.lr and the scheduler block (or none, for a constant lr)
    torch      Python: a ``torch.optim.lr_scheduler`` built on ``optimizer``, stepped once per update
    optax      Python: an optax schedule function of the step
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import numpy as np

from .. import registry
from ..errors import LrvizError, did_you_mean
from ..schedules._base import Schedule
from ..spec import Config

TARGETS = ("hf", "deepspeed", "torch", "optax")
RTOL = {"hf": 1e-9, "deepspeed": 1e-9, "torch": 1e-9, "optax": 1e-6}  # optax computes in float32


class NoExactEquivalent(LrvizError):
    """The schedule has no counterpart in the target trainer that gives the same curve."""


Candidate = tuple[str, dict, Callable[[], str]]  # twin name, its params, the text to write


def to_trainer(source: Config | Schedule, target: str, *, total_steps: int | None = None) -> str:
    """The ``target`` trainer's config (hf, deepspeed: JSON) or code (torch, optax) for ``source``'s curve.

    ``source`` is a Config of one schedule, or a built Schedule (then
    ``total_steps`` defaults to its own). Raises :class:`NoExactEquivalent`
    when the target has no exact counterpart.
    """
    if target not in TARGETS:
        raise LrvizError(f"--to: unknown target {target!r}{did_you_mean(str(target), TARGETS)}; one of {', '.join(TARGETS)}")
    schedule, total = _resolve(source, total_steps)
    steps = np.arange(total + 1, dtype=np.int64)
    want = schedule(steps)
    tried = []
    for name, params, render in _candidates(schedule, target, total):
        try:
            twin = registry.build(name, params, total_steps=total)
        except LrvizError:
            continue
        got = twin(steps)
        scale = max(float(np.max(np.abs(want))), 1e-300)
        rtol = RTOL[target]
        bad = ~np.isclose(got, want, rtol=rtol, atol=rtol * scale)
        if not bad.any():
            return render()
        k = int(np.argmax(bad))
        tried.append(f"{name} differs at step {k} ({got[k]:.6g} vs {want[k]:.6g})")
    why = "; ".join(tried) if tried else _no_candidate(schedule.name, target)
    raise NoExactEquivalent(f"{schedule.name}: no exact {target} equivalent: {why}")


def _resolve(source: Config | Schedule, total_steps: int | None) -> tuple[Schedule, int]:
    if isinstance(source, Schedule):
        total = total_steps or int(source.params.get("total_steps") or 1000)
        return source, total
    if len(source.schedules) != 1:
        raise LrvizError(f"export --to writes one schedule; {source.source} has {len(source.schedules)} "
                         "(export them one at a time)")
    (spec,) = source.schedules
    total = total_steps or source.total_steps
    return registry.build(spec.name, spec.params, total_steps=total, lr=source.lr), total


def _no_candidate(name: str, target: str) -> str:
    return f"{target} has no scheduler lrviz knows to give the curve of {name}"


def _p(schedule: Schedule, key: str, default: Any = None) -> Any:
    return schedule.params.get(key, default)


def _candidates(s: Schedule, target: str, total: int) -> Iterator[Candidate]:
    return {"hf": _hf, "deepspeed": _deepspeed, "torch": _torch, "optax": _optax}[target](s, total)


# ---------------------------------------------------------------- hf


def _hf_text(lr: float, kind: str, warmup: int, total: int, kwargs: dict) -> str:
    args: dict[str, Any] = {"learning_rate": lr, "lr_scheduler_type": kind, "warmup_steps": warmup, "max_steps": total}
    if kwargs:
        args["lr_scheduler_kwargs"] = kwargs
    return json.dumps(args, indent=2) + "\n"


def _hf(s: Schedule, total: int) -> Iterator[Candidate]:
    lr = float(_p(s, "lr", 0.1))

    def hf(kind: str, W: int, kwargs: dict, uses_total: bool = True) -> Candidate:
        params = {"lr": lr, "num_warmup_steps": W, **kwargs}
        if kind == "constant":
            params = {"lr": lr}
        if uses_total:
            params["num_training_steps"] = total
        return f"hf.{kind}", params, lambda: _hf_text(lr, kind, W, total, kwargs)

    name = s.name
    if name.startswith("hf."):
        kind = name[3:]
        extra = {k: v for k, v in s.params.items() if k not in ("lr", "total_steps", "num_warmup_steps", "num_training_steps")
                 and v is not None and k != "metrics"}
        W = int(_p(s, "num_warmup_steps", 0) or 0)
        uses_total = kind not in ("constant", "constant_with_warmup", "inverse_sqrt")
        yield hf(kind, W, extra, uses_total)
        return
    W, inner = 0, s
    if name == "warmup" and _p(s, "shape") == "linear" and _p(s, "start_lr") == 0:
        W, inner = int(_p(s, "warmup_steps")), _p(s, "schedule")
    kind = inner.name
    min_lr = float(inner.params.get("min_lr", 0.0) or 0.0)
    if kind == "constant":
        yield hf("constant_with_warmup" if W else "constant", W, {}, uses_total=False)
    elif kind == "cosine":
        yield hf("cosine_with_min_lr", W, {"min_lr": min_lr}) if min_lr else hf("cosine", W, {})
    elif kind == "linear" and min_lr == 0:
        yield hf("linear", W, {})
    elif kind == "polynomial" and W == 0:
        yield hf("polynomial", 0, {"lr_end": min_lr, "power": float(inner.params.get("power", 1.0))})
    elif kind == "inverse_sqrt" and W == 0 and not inner.params.get("init_lr"):
        yield hf("inverse_sqrt", int(inner.params.get("warmup_steps") or 0),
                 {"timescale": inner.params.get("timescale")} if inner.params.get("timescale") else {}, uses_total=False)
    elif kind == "wsd" and W == 0 and not inner.params.get("init_lr"):
        shape = inner.params.get("decay_shape", "linear")
        yield hf("warmup_stable_decay", int(inner.params.get("warmup_steps") or 0),
                 {"num_decay_steps": int(inner.params.get("decay_steps") or 0), "decay_type": shape,
                  "min_lr_ratio": min_lr / lr if lr else 0.0})


# ---------------------------------------------------------------- deepspeed


def _ds_text(lr: float, kind: str | None, params: dict) -> str:
    config: dict[str, Any] = {"optimizer": {"type": "AdamW", "params": {"lr": lr}}}
    if kind:
        config["scheduler"] = {"type": kind, "params": params}
    return json.dumps(config, indent=2) + "\n"


def _deepspeed(s: Schedule, total: int) -> Iterator[Candidate]:
    lr = float(_p(s, "lr", 0.1) or 0.1)
    name = s.name
    skip = ("lr", "total_steps")
    if name.startswith("deepspeed."):
        kind = name.split(".", 1)[1]
        params = {k: v for k, v in s.params.items() if k not in skip}
        yield name, {"lr": lr, **params}, lambda: _ds_text(lr, kind, params)
    elif name.startswith("torch.") and name not in ("torch.SequentialLR", "torch.ChainedScheduler", "torch.ReduceLROnPlateau",
                                                    "torch.LambdaLR", "torch.MultiplicativeLR"):
        kind = name.split(".", 1)[1]
        params = {k: v for k, v in s.params.items() if k not in skip and v is not None}
        yield name, {"lr": lr, **params}, lambda: _ds_text(lr, kind, params)
    elif name in ("constant", "hf.constant", "optax.constant_schedule"):
        yield "constant", {"lr": lr}, lambda: _ds_text(lr, None, {})


# ---------------------------------------------------------------- torch


def _code(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _torch_text(lr: float, kind: str, params: dict) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return _code(["import torch", "",
                  f"# optimizer = torch.optim.AdamW(model.parameters(), lr={lr!r})  # the schedule scales the optimizer's lr",
                  f"scheduler = torch.optim.lr_scheduler.{kind}(optimizer{', ' + args if args else ''})",
                  "# call scheduler.step() once after every optimizer.step()"])


def _torch(s: Schedule, total: int) -> Iterator[Candidate]:
    lr = float(_p(s, "lr", 0.1))
    name = s.name
    if name.startswith("torch.") and name not in ("torch.SequentialLR", "torch.ChainedScheduler"):
        kind = name.split(".", 1)[1]
        params = {k: v for k, v in s.params.items() if k not in ("lr", "total_steps", "metrics") and v is not None}
        if kind == "OneCycleLR" and "total_steps" in s.params:
            params["total_steps"] = s.params["total_steps"]
        yield name, {"lr": lr, **params}, lambda: _torch_text(lr, kind, params)
        return
    if name == "cosine":
        D, m = int(_p(s, "decay_steps")), float(_p(s, "min_lr", 0.0))
        p = {"T_max": D, "eta_min": m}
        yield "torch.CosineAnnealingLR", {"lr": lr, **p}, lambda: _torch_text(lr, "CosineAnnealingLR", p)
    elif name == "step":
        p = {"step_size": int(_p(s, "step_size")), "gamma": float(_p(s, "gamma"))}
        yield "torch.StepLR", {"lr": lr, **p}, lambda: _torch_text(lr, "StepLR", p)
    elif name == "multistep":
        p = {"milestones": list(_p(s, "milestones")), "gamma": float(_p(s, "gamma"))}
        yield "torch.MultiStepLR", {"lr": lr, **p}, lambda: _torch_text(lr, "MultiStepLR", p)
    elif name == "constant":
        p = {"factor": 1.0, "total_iters": 0}
        yield "torch.ConstantLR", {"lr": lr, **p}, lambda: _torch_text(lr, "ConstantLR", p)
    elif name == "linear" and lr > 0:
        D, m = int(_p(s, "decay_steps")), float(_p(s, "min_lr", 0.0))
        p = {"start_factor": 1.0, "end_factor": m / lr, "total_iters": D}
        yield "torch.LinearLR", {"lr": lr, **p}, lambda: _torch_text(lr, "LinearLR", p)


# ---------------------------------------------------------------- optax


def _optax_text(kind: str, params: dict) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return _code(["import optax", "", f"schedule = optax.{kind}({args})",
                  "# schedule(t) is the lr of update t: optax.adamw(learning_rate=schedule)"])


def _optax(s: Schedule, total: int) -> Iterator[Candidate]:
    lr = float(_p(s, "lr", 0.1))
    name = s.name
    if name.startswith("optax."):
        kind = name.split(".", 1)[1]
        params = {k: v for k, v in s.params.items() if k not in ("lr", "total_steps", "jit") and v is not None}
        yield name, {"lr": lr, **params}, lambda: _optax_text(kind, params)
        return

    def cand(kind: str, params: dict) -> Candidate:
        return f"optax.{kind}", {"lr": lr, **params}, lambda: _optax_text(kind, params)

    if name == "constant":
        yield cand("constant_schedule", {"value": lr})
    elif name == "cosine" and lr > 0:
        yield cand("cosine_decay_schedule", {"init_value": lr, "decay_steps": int(_p(s, "decay_steps")),
                                             "alpha": float(_p(s, "min_lr", 0.0)) / lr})
    elif name == "linear":
        yield cand("linear_schedule", {"init_value": lr, "end_value": float(_p(s, "min_lr", 0.0)),
                                       "transition_steps": int(_p(s, "decay_steps"))})
    elif name == "exponential":
        yield cand("exponential_decay", {"init_value": lr, "transition_steps": int(_p(s, "decay_steps")),
                                         "decay_rate": float(_p(s, "decay_rate")), "staircase": bool(_p(s, "staircase"))})
    elif name == "warmup" and _p(s, "shape") == "linear":
        inner, W = _p(s, "schedule"), int(_p(s, "warmup_steps"))
        if inner.name == "cosine":
            yield cand("warmup_cosine_decay_schedule", {
                "init_value": float(_p(s, "start_lr")), "peak_value": lr, "warmup_steps": W,
                "decay_steps": W + int(inner.params["decay_steps"]), "end_value": float(inner.params.get("min_lr", 0.0))})
        elif inner.name == "constant":
            yield cand("warmup_constant_schedule", {"init_value": float(_p(s, "start_lr")), "peak_value": lr,
                                                    "warmup_steps": W})
