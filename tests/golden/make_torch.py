"""Record torch's learning rates for the torch twins: writes tests/golden/torch.json.

Run in a venv with the real library (never imported by lrviz):

    python -m venv /tmp/venv-torch && /tmp/venv-torch/bin/pip install numpy torch==2.13.0
    /tmp/venv-torch/bin/python tests/golden/make_torch.py

For every case the real scheduler is built on ``SGD([w], lr=lr, momentum=0.9)``
(nested schedulers in list order on the same optimizer, as the twins assume)
and ``get_last_lr()[0]`` is recorded after construction and after each
``optimizer.step(); scheduler.step()`` (ReduceLROnPlateau: ``step(metric)``),
with the momentum of the param group for the schedulers that cycle it. Where
torch raises, the step and the exception text are recorded. Deterministic: no
randomness (the noisy metric series is a fixed formula).

``params`` are lrviz parameters. Where a twin's parameter is left out, this
script passes torch the twin's documented default explicitly (e.g. StepLR
step_size = total_steps // 3), so the expected values never come from lrviz.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import torch
from torch.optim import SGD, lr_scheduler as S
from torch.optim.swa_utils import SWALR

OUT = Path(__file__).with_name("torch.json")
TOTAL = 1000  # the twins' default total_steps
LR = 0.1  # the twins' default lr
FUNCS = {"min": min, "max": max, "floor": math.floor, "ceil": math.ceil, "exp": math.exp, "log": math.log,
         "sqrt": math.sqrt, "cos": math.cos, "sin": math.sin, "abs": abs, "pi": math.pi, "e": math.e}


def expr(text: str):
    code = compile(text, "<expr>", "eval")
    return lambda t: eval(code, {"__builtins__": {}}, {**FUNCS, "t": t})


def spans_of(milestones, n, total):
    bounds = [0, *milestones, max(total, milestones[-1] + 1 if milestones else total)]
    return [max(1, bounds[i + 1] - bounds[i]) for i in range(n)]


def build(spec: dict, opt, total: int, lr: float):
    """The torch scheduler for an lrviz spec {name, params}, with the twin's defaults made explicit."""
    name = spec["name"].split(".", 1)[1]
    p = dict(spec.get("params") or {})
    total = p.pop("total_steps", total)
    p.pop("lr", None)
    if name == "LambdaLR":
        return S.LambdaLR(opt, expr(p.get("lr_lambda", "1")))
    if name == "MultiplicativeLR":
        return S.MultiplicativeLR(opt, expr(p.get("lr_lambda", "0.95")))
    if name == "StepLR":
        return S.StepLR(opt, p.get("step_size", max(1, total // 3)), p.get("gamma", 0.1))
    if name == "MultiStepLR":
        default = sorted({max(1, total // 3), max(1, 2 * total // 3)})
        return S.MultiStepLR(opt, p.get("milestones", default), p.get("gamma", 0.1))
    if name == "ConstantLR":
        return S.ConstantLR(opt, p.get("factor", 1.0 / 3), p.get("total_iters", 5))
    if name == "LinearLR":
        return S.LinearLR(opt, p.get("start_factor", 1.0 / 3), p.get("end_factor", 1.0), p.get("total_iters", 5))
    if name == "ExponentialLR":
        return S.ExponentialLR(opt, p.get("gamma", 0.01 ** (1 / total)))
    if name == "CosineAnnealingLR":
        return S.CosineAnnealingLR(opt, p.get("T_max", total), p.get("eta_min", 0.0))
    if name == "PolynomialLR":
        return S.PolynomialLR(opt, p.get("total_iters", 5), p.get("power", 1.0))
    if name == "SWALR":
        return SWALR(opt, p.get("swa_lr", lr / 10), p.get("anneal_epochs", 10), p.get("anneal_strategy", "cos"))
    if name == "CyclicLR":
        scale = p.get("scale_fn")
        return S.CyclicLR(opt, p.get("base_lr", lr / 10), p.get("max_lr", lr), p.get("step_size_up", 2000),
                          p.get("step_size_down"), p.get("mode", "triangular"), p.get("gamma", 1.0),
                          expr(scale) if scale else None, p.get("scale_mode", "cycle"), p.get("cycle_momentum", True),
                          p.get("base_momentum", 0.8), p.get("max_momentum", 0.9))
    if name == "CosineAnnealingWarmRestarts":
        return S.CosineAnnealingWarmRestarts(opt, p.get("T_0", max(1, total // 4)), p.get("T_mult", 1), p.get("eta_min", 0.0))
    if name == "OneCycleLR":
        return S.OneCycleLR(opt, p.get("max_lr", lr), total_steps=total, pct_start=float(p.get("pct_start", 0.3)),
                            anneal_strategy=p.get("anneal_strategy", "cos"), cycle_momentum=p.get("cycle_momentum", True),
                            base_momentum=p.get("base_momentum", 0.85), max_momentum=p.get("max_momentum", 0.95),
                            div_factor=p.get("div_factor", 25.0), final_div_factor=p.get("final_div_factor", 1e4),
                            three_phase=p.get("three_phase", False))
    if name == "SequentialLR":
        kids = p.get("schedulers")
        milestones = p.get("milestones")
        if kids is None:
            warm = max(1, total // 10)
            kids = [{"name": "torch.LinearLR", "params": {"start_factor": 0.1, "total_iters": warm}},
                    {"name": "torch.CosineAnnealingLR", "params": {"total_steps": max(1, total - warm)}}]
            milestones = [warm] if milestones is None else milestones
        if milestones is None:
            milestones = [max(1, round(i * total / len(kids))) for i in range(1, len(kids))]
        spans = spans_of(milestones, len(kids), total)
        built = [build(k, opt, s, lr) for k, s in zip(kids, spans)]
        return S.SequentialLR(opt, built, milestones)
    if name == "ChainedScheduler":
        kids = p.get("schedulers")
        if kids is None:
            kids = [{"name": "torch.LinearLR", "params": {"start_factor": 0.1, "total_iters": max(1, total // 10)}},
                    {"name": "torch.CosineAnnealingLR", "params": {}}]
        return S.ChainedScheduler([build(k, opt, total, lr) for k in kids], opt)
    raise ValueError(name)


def default_metrics(total: int) -> list[float]:
    """The twins' documented default metric series (a loss that stops improving)."""
    return [0.99 ** min(k, total // 2) for k in range(total)]


def noisy(n: int, seed: int = 1) -> list[float]:
    """A fixed, noisy, slowly improving loss (a formula, no random generator)."""
    return [round(1.0 / (1 + k / 40) + 0.02 * math.sin(seed * 12.9898 * k) ** 3, 12) for k in range(n)]


def record(case: dict) -> dict:
    params = case["params"]
    name = case["name"]
    lr = params.get("lr", LR)
    total = params.get("total_steps", TOTAL)
    w = torch.zeros(1, requires_grad=True)
    opt = SGD([w], lr=lr, momentum=0.9)
    plateau = name in ("torch.ReduceLROnPlateau", "hf.reduce_lr_on_plateau")
    track_momentum = case.pop("momentum", False)
    steps = sorted(set(case.pop("steps")))
    raises_at = error = None
    lrs, moms = {}, {}
    try:
        if plateau:
            keys = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps")
            sched = S.ReduceLROnPlateau(opt, **{k: params[k] for k in keys if k in params})
            metrics = params.get("metrics") or default_metrics(total)
        else:
            sched = build({"name": name, "params": params}, opt, total, lr)
    except Exception as err:  # construction errors are ParameterErrors in lrviz; not recorded here
        raise SystemExit(f"{case['id']}: torch raised at construction: {err!r}")
    top = max(steps)
    for t in range(top + 1):
        if t > 0:
            try:
                opt.step()
                if plateau:
                    if t > len(metrics):
                        break
                    sched.step(metrics[t - 1])
                else:
                    sched.step()
            except Exception as err:
                raises_at, error = t, re.escape(str(err) or type(err).__name__)
                break
        if t in steps:
            lrs[t] = float(sched.get_last_lr()[0])
            moms[t] = float(opt.param_groups[0]["momentum"])
    kept = [t for t in steps if t in lrs]
    out = {"id": case["id"], "name": name, "params": params, "steps": kept, "lr": [lrs[t] for t in kept]}
    if track_momentum:
        out["momentum"] = [moms[t] for t in kept]
    if raises_at is not None:
        out["raises_at"], out["error"] = raises_at, error
    for key in ("rtol", "atol"):
        if key in case:
            out[key] = case[key]
    return out


def r(n: int, start: int = 0, stride: int = 1) -> list[int]:
    return list(range(start, n, stride))


def near(*points: int, width: int = 3) -> list[int]:
    return [t for p in points for t in range(max(0, p - width), p + width + 1)]


def spec(name: str, **params) -> dict:
    return {"name": f"torch.{name}", "params": params}


CASES: list[dict] = [
    # LambdaLR
    dict(id="LambdaLR-default", name="torch.LambdaLR", params={}, steps=r(20)),
    dict(id="LambdaLR-inverse", name="torch.LambdaLR", params={"lr": 1.0, "lr_lambda": "1 / (t + 1)"},
         steps=r(60) + [1000, 12345]),
    dict(id="LambdaLR-warmup-decay", name="torch.LambdaLR",
         params={"lr": 0.5, "lr_lambda": "min(1, (t + 1) / 10) * 0.97 ** max(0, t - 10)"}, steps=r(80)),
    # MultiplicativeLR
    dict(id="MultiplicativeLR-default", name="torch.MultiplicativeLR", params={}, steps=r(200) + [1000, 5000]),
    dict(id="MultiplicativeLR-odd-halves", name="torch.MultiplicativeLR",
         params={"lr": 1.0, "lr_lambda": "1 - 0.5 * (t % 2)"}, steps=r(40)),
    dict(id="MultiplicativeLR-sqrt-across-blocks", name="torch.MultiplicativeLR",
         params={"lr": 1.0, "lr_lambda": "1 - 1e-5 * sqrt(t)"}, steps=r(50) + near(32768, 40000) + [65537, 70000]),
    # StepLR
    dict(id="StepLR-default", name="torch.StepLR", params={}, steps=r(12) + near(333, 666, 999) + [5000, 40000]),
    dict(id="StepLR-3-0.5", name="torch.StepLR", params={"lr": 1.0, "step_size": 3, "gamma": 0.5}, steps=r(40) + [3000]),
    dict(id="StepLR-growing", name="torch.StepLR", params={"step_size": 7, "gamma": 1.5}, steps=r(70)),
    # MultiStepLR
    dict(id="MultiStepLR-default", name="torch.MultiStepLR", params={}, steps=r(5) + near(333, 666) + [2000]),
    dict(id="MultiStepLR-duplicates", name="torch.MultiStepLR", params={"lr": 1.0, "milestones": [2, 5, 5], "gamma": 0.1},
         steps=r(10)),
    dict(id="MultiStepLR-3-3", name="torch.MultiStepLR", params={"lr": 1.0, "milestones": [3, 3], "gamma": 0.5}, steps=r(8)),
    dict(id="MultiStepLR-unsorted-zero", name="torch.MultiStepLR",
         params={"lr": 1.0, "milestones": [8, 0, 5, 2], "gamma": 0.7}, steps=r(12)),
    # ConstantLR
    dict(id="ConstantLR-default", name="torch.ConstantLR", params={}, steps=r(12) + [1000]),
    dict(id="ConstantLR-0.5-3", name="torch.ConstantLR", params={"lr": 0.3, "factor": 0.5, "total_iters": 3}, steps=r(8)),
    dict(id="ConstantLR-0.7-total0", name="torch.ConstantLR", params={"factor": 0.7, "total_iters": 0}, steps=r(8)),
    dict(id="ConstantLR-factor0-raises", name="torch.ConstantLR", params={"lr": 1.0, "factor": 0.0, "total_iters": 4},
         steps=r(10)),
    # LinearLR
    dict(id="LinearLR-default", name="torch.LinearLR", params={}, steps=r(12) + [500]),
    dict(id="LinearLR-1-to-0", name="torch.LinearLR",
         params={"lr": 1.0, "start_factor": 1.0, "end_factor": 0.0, "total_iters": 4}, steps=r(8)),
    dict(id="LinearLR-0.25-0.75-50", name="torch.LinearLR",
         params={"lr": 0.2, "start_factor": 0.25, "end_factor": 0.75, "total_iters": 50}, steps=r(70) + [40000]),
    dict(id="LinearLR-total0", name="torch.LinearLR", params={"start_factor": 0.5, "total_iters": 0}, steps=r(5)),
    # ExponentialLR
    dict(id="ExponentialLR-default", name="torch.ExponentialLR", params={}, steps=r(100) + [1000, 3000, 33000, 40000]),
    dict(id="ExponentialLR-0.9", name="torch.ExponentialLR", params={"lr": 1.0, "gamma": 0.9}, steps=r(40)),
    dict(id="ExponentialLR-growing", name="torch.ExponentialLR", params={"lr": 1e-3, "gamma": 1.01}, steps=r(50) + [2000]),
    # CosineAnnealingLR
    dict(id="CosineAnnealingLR-default", name="torch.CosineAnnealingLR", params={},
         steps=r(10) + near(500, 1000, 1500, 2000, 3000) + [2500, 4001, 9999, 40000, 65536]),
    dict(id="CosineAnnealingLR-10-0.1-rises", name="torch.CosineAnnealingLR",
         params={"lr": 1.0, "T_max": 10, "eta_min": 0.1}, steps=r(90)),
    dict(id="CosineAnnealingLR-7-0.01-long", name="torch.CosineAnnealingLR",
         params={"lr": 1.0, "T_max": 7, "eta_min": 0.01}, steps=r(100) + [1000, 10001, 40000], rtol=1e-11),
    dict(id="CosineAnnealingLR-1000-eta", name="torch.CosineAnnealingLR",
         params={"lr": 1.0, "T_max": 1000, "eta_min": 0.01}, steps=r(5) + near(999, 1001, 2000, 3000, 3001, 7999)),
    dict(id="CosineAnnealingLR-T1", name="torch.CosineAnnealingLR", params={"lr": 1.0, "T_max": 1}, steps=r(12)),
    dict(id="CosineAnnealingLR-3000-eta-scan", name="torch.CosineAnnealingLR",
         params={"lr": 1.0, "T_max": 3000, "eta_min": 0.05}, steps=r(5) + near(2999, 3001, 6000, 9001), rtol=1e-11),
    # ChainedScheduler
    dict(id="ChainedScheduler-default", name="torch.ChainedScheduler", params={}, steps=r(120) + near(999) + [1500, 2000]),
    dict(id="ChainedScheduler-constant-exp", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("ConstantLR", factor=0.1, total_iters=2), spec("ExponentialLR", gamma=0.9)]},
         steps=r(20)),
    dict(id="ChainedScheduler-linear-cosine-product", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("LinearLR", start_factor=0.5, total_iters=2), spec("CosineAnnealingLR", T_max=4)]},
         steps=r(30)),
    # torch's chainable cosine pulls the lr below 0 from step 17 on here (refused by lrviz: see the test file)
    dict(id="ChainedScheduler-cosine-eta-step", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("CosineAnnealingLR", T_max=10, eta_min=0.1), spec("StepLR", step_size=3, gamma=0.5)]},
         steps=r(17)),
    dict(id="ChainedScheduler-cosine-eta-exp", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("CosineAnnealingLR", T_max=10, eta_min=0.01), spec("ExponentialLR", gamma=0.99)]},
         steps=r(70)),
    dict(id="ChainedScheduler-cosine-eta-long-step", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("CosineAnnealingLR", T_max=600, eta_min=0.05),
                                          spec("StepLR", step_size=250, gamma=0.8)]},
         steps=r(5) + near(250, 600, 1200, 1800, 2400, 4999), rtol=1e-10),
    dict(id="ChainedScheduler-exp-then-lambda-overwrites", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("ExponentialLR", gamma=0.5), spec("LambdaLR", lr_lambda="0.9 ** t"),
                                          spec("StepLR", step_size=4, gamma=0.5)]}, steps=r(20)),
    dict(id="ChainedScheduler-cyclic-exp-momentum", name="torch.ChainedScheduler", momentum=True,
         params={"lr": 1.0, "schedulers": [spec("CyclicLR", base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=3),
                                          spec("ExponentialLR", gamma=0.95)]}, steps=r(30)),
    dict(id="ChainedScheduler-swa-multiplicative", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [spec("MultiplicativeLR", lr_lambda="0.98"),
                                          spec("SWALR", swa_lr=0.2, anneal_epochs=5, anneal_strategy="linear")]},
         steps=r(20)),
    dict(id="ChainedScheduler-onecycle-raises", name="torch.ChainedScheduler", momentum=True,
         params={"lr": 1.0, "schedulers": [spec("OneCycleLR", total_steps=8), spec("ConstantLR", factor=0.5, total_iters=3)]},
         steps=r(12)),
    dict(id="ChainedScheduler-nested-sequential", name="torch.ChainedScheduler",
         params={"lr": 1.0, "schedulers": [
             {"name": "torch.SequentialLR", "params": {"schedulers": [spec("LinearLR", start_factor=0.2, total_iters=4),
                                                                      spec("ExponentialLR", gamma=0.8)],
                                                       "milestones": [4]}},
             spec("StepLR", step_size=5, gamma=0.5)]}, steps=r(25)),
    # SequentialLR
    dict(id="SequentialLR-default", name="torch.SequentialLR", params={}, steps=r(110) + near(1000, 1900) + [5000]),
    dict(id="SequentialLR-linear-exp", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("LinearLR", start_factor=0.1, total_iters=3), spec("ExponentialLR", gamma=0.5)],
                 "milestones": [3]}, steps=r(15)),
    dict(id="SequentialLR-cut-jumps", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("LinearLR", start_factor=0.1, total_iters=5), spec("ExponentialLR", gamma=0.5)],
                 "milestones": [3]}, steps=r(10)),
    dict(id="SequentialLR-multiplicative-continues", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("ConstantLR", factor=0.5, total_iters=5),
                                          spec("MultiplicativeLR", lr_lambda="0.9")], "milestones": [2]}, steps=r(10)),
    dict(id="SequentialLR-lambda-restarts", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("ConstantLR", factor=0.5, total_iters=5),
                                          spec("LambdaLR", lr_lambda="0.9 ** t")], "milestones": [2]}, steps=r(10)),
    dict(id="SequentialLR-onecycle-overwrites-initial", name="torch.SequentialLR", momentum=True,
         params={"lr": 1.0, "schedulers": [spec("ExponentialLR", gamma=0.5), spec("OneCycleLR", max_lr=1.0, total_steps=6)],
                 "milestones": [2]}, steps=r(12)),
    dict(id="SequentialLR-step-cosine-swa", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("StepLR", step_size=2, gamma=0.5),
                                          spec("CosineAnnealingLR", T_max=5, eta_min=0.01),
                                          spec("SWALR", swa_lr=0.05, anneal_epochs=3)], "milestones": [6, 12]},
         steps=r(30)),
    dict(id="SequentialLR-cyclic-polynomial", name="torch.SequentialLR", momentum=True,
         params={"lr": 0.5, "schedulers": [spec("CyclicLR", base_lr=0.05, max_lr=0.5, step_size_up=3),
                                          spec("PolynomialLR", total_iters=6, power=2.0)], "milestones": [8]},
         steps=r(20)),
    dict(id="SequentialLR-milestone-zero", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("ExponentialLR", gamma=0.5), spec("LinearLR", start_factor=0.5, total_iters=4),
                                          spec("MultiStepLR", milestones=[0, 2], gamma=0.1)], "milestones": [0, 6]},
         steps=r(14)),
    dict(id="SequentialLR-cawr-then-linear", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("CosineAnnealingWarmRestarts", T_0=3, T_mult=2, eta_min=0.1),
                                          spec("LinearLR", start_factor=0.5, end_factor=0.1, total_iters=5)],
                 "milestones": [10]}, steps=r(20)),
    dict(id="SequentialLR-chained-first", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [
             {"name": "torch.ChainedScheduler", "params": {"schedulers": [spec("ConstantLR", factor=0.5, total_iters=3),
                                                                          spec("ExponentialLR", gamma=0.9)]}},
             spec("LinearLR", start_factor=0.2, total_iters=4)], "milestones": [6]}, steps=r(14)),
    dict(id="SequentialLR-sequential-first", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [
             {"name": "torch.SequentialLR", "params": {"schedulers": [spec("LinearLR", start_factor=0.2, total_iters=4),
                                                                      spec("ExponentialLR", gamma=0.8)],
                                                       "milestones": [2]}},
             spec("StepLR", step_size=2, gamma=0.5)], "milestones": [7]}, steps=r(16)),
    dict(id="SequentialLR-chained-later-raises", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("StepLR", step_size=2, gamma=0.5),
                                          {"name": "torch.ChainedScheduler",
                                           "params": {"schedulers": [spec("ExponentialLR", gamma=0.9)]}}],
                 "milestones": [4]}, steps=r(8)),
    dict(id="SequentialLR-polynomial0-restart-raises", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("ExponentialLR", gamma=0.9), spec("PolynomialLR", total_iters=0)],
                 "milestones": [3]}, steps=r(6)),
    dict(id="SequentialLR-cosine-T1-equal-milestones", name="torch.SequentialLR",
         params={"lr": 1.0, "schedulers": [spec("ExponentialLR", gamma=0.9), spec("StepLR", step_size=1, gamma=0.5),
                                          spec("CosineAnnealingLR", T_max=1, eta_min=0.1)], "milestones": [3, 3]},
         steps=r(12)),
    # ReduceLROnPlateau
    dict(id="ReduceLROnPlateau-default-metrics", name="torch.ReduceLROnPlateau", params={}, steps=r(1001)),
    dict(id="ReduceLROnPlateau-reference", name="torch.ReduceLROnPlateau",
         params={"lr": 1.0, "patience": 2, "cooldown": 1, "factor": 0.5, "threshold": 0.0, "metrics": [1.0] * 8 + [0.5] * 4},
         steps=r(13)),
    dict(id="ReduceLROnPlateau-patience0", name="torch.ReduceLROnPlateau",
         params={"lr": 1.0, "patience": 0, "factor": 0.5, "metrics": [1.0, 1.0, 1.0]}, steps=r(4)),
    dict(id="ReduceLROnPlateau-noisy-rel", name="torch.ReduceLROnPlateau",
         params={"lr": 0.1, "patience": 3, "factor": 0.5, "threshold": 0.01, "metrics": noisy(300)}, steps=r(301)),
    dict(id="ReduceLROnPlateau-noisy-abs-cooldown-minlr", name="torch.ReduceLROnPlateau",
         params={"lr": 0.1, "patience": 2, "factor": 0.3, "threshold": 0.002, "threshold_mode": "abs", "cooldown": 4,
                 "min_lr": 0.002, "metrics": noisy(300, 2)}, steps=r(301)),
    dict(id="ReduceLROnPlateau-max-rel-accuracy", name="torch.ReduceLROnPlateau",
         params={"lr": 0.05, "mode": "max", "patience": 4, "factor": 0.2,
                 "metrics": [round(1 - v, 12) for v in noisy(250, 3)]}, steps=r(251)),
    dict(id="ReduceLROnPlateau-max-abs", name="torch.ReduceLROnPlateau",
         params={"lr": 0.05, "mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 1,
                 "metrics": [round(1 - v, 12) for v in noisy(120, 4)]}, steps=r(121)),
    dict(id="ReduceLROnPlateau-eps-stops", name="torch.ReduceLROnPlateau",
         params={"lr": 1e-3, "patience": 0, "factor": 0.5, "eps": 1e-4, "metrics": [1.0] * 20}, steps=r(21)),
    dict(id="ReduceLROnPlateau-tiny-lr-eps", name="torch.ReduceLROnPlateau",
         params={"lr": 1e-8, "patience": 0, "factor": 0.5, "metrics": [1.0] * 5}, steps=r(6)),
    dict(id="hf.reduce_lr_on_plateau-default", name="hf.reduce_lr_on_plateau", params={"total_steps": 300}, steps=r(301)),
    dict(id="hf.reduce_lr_on_plateau-noisy", name="hf.reduce_lr_on_plateau",
         params={"lr": 5e-5, "patience": 1, "factor": 0.5, "metrics": noisy(100, 5)}, steps=r(101)),
    # CyclicLR
    dict(id="CyclicLR-default", name="torch.CyclicLR", momentum=True, params={},
         steps=r(10) + near(2000, 4000, 6000, 8000) + r(8000, 0, 997) + [123457]),
    dict(id="CyclicLR-triangular-2-3", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2, "step_size_down": 3}, steps=r(30)),
    dict(id="CyclicLR-triangular2", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2, "step_size_down": 3, "mode": "triangular2"}, steps=r(40)),
    dict(id="CyclicLR-exp-range", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2, "step_size_down": 3, "mode": "exp_range", "gamma": 0.9},
         steps=r(40)),
    dict(id="CyclicLR-scale-fn-cycle", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.0, "max_lr": 1.0, "step_size_up": 2, "scale_fn": "0.5 ** t"}, steps=r(20)),
    dict(id="CyclicLR-scale-fn-iterations", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.0, "max_lr": 1.0, "step_size_up": 2, "scale_fn": "0.5 ** t", "scale_mode": "iterations"},
         steps=r(20)),
    dict(id="CyclicLR-no-momentum-down0", name="torch.CyclicLR",
         params={"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 5, "step_size_down": 0, "cycle_momentum": False},
         steps=r(25)),
    dict(id="CyclicLR-momentum-custom", name="torch.CyclicLR", momentum=True,
         params={"lr": 1.0, "step_size_up": 7, "step_size_down": 4, "base_momentum": 0.85, "max_momentum": 0.99},
         steps=r(50)),
    dict(id="CyclicLR-triangular2-overflow", name="torch.CyclicLR", momentum=True,
         params={"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 1, "mode": "triangular2"}, steps=r(6) + [2046, 2047, 2049]),
    # CosineAnnealingWarmRestarts
    dict(id="CAWR-default", name="torch.CosineAnnealingWarmRestarts", params={},
         steps=r(5) + near(250, 500, 750, 1000) + [12345]),
    dict(id="CAWR-3-2", name="torch.CosineAnnealingWarmRestarts", params={"lr": 1.0, "T_0": 3, "T_mult": 2},
         steps=r(100) + [1533, 1534, 3069, 3070]),
    dict(id="CAWR-4-1-eta", name="torch.CosineAnnealingWarmRestarts", params={"lr": 1.0, "T_0": 4, "eta_min": 0.1},
         steps=r(40)),
    dict(id="CAWR-1-3", name="torch.CosineAnnealingWarmRestarts", params={"lr": 1.0, "T_0": 1, "T_mult": 3},
         steps=r(130) + [363, 364, 365]),
    # OneCycleLR
    dict(id="OneCycleLR-default", name="torch.OneCycleLR", momentum=True, params={},
         steps=r(5) + near(299, 500, 996) + [997, 998, 999, 1000]),
    dict(id="OneCycleLR-10-cos", name="torch.OneCycleLR", momentum=True, params={"lr": 1.0, "total_steps": 10}, steps=r(12)),
    dict(id="OneCycleLR-10-linear", name="torch.OneCycleLR", momentum=True,
         params={"lr": 1.0, "total_steps": 10, "anneal_strategy": "linear"}, steps=r(12)),
    dict(id="OneCycleLR-three-phase-cos", name="torch.OneCycleLR", momentum=True,
         params={"lr": 1.0, "total_steps": 20, "three_phase": True}, steps=r(22)),
    dict(id="OneCycleLR-three-phase-linear", name="torch.OneCycleLR", momentum=True,
         params={"lr": 1.0, "total_steps": 20, "three_phase": True, "anneal_strategy": "linear"}, steps=r(22)),
    dict(id="OneCycleLR-three-phase-pct0.6", name="torch.OneCycleLR", momentum=True,
         params={"lr": 1.0, "total_steps": 10, "three_phase": True, "pct_start": 0.6}, steps=r(12)),
    dict(id="OneCycleLR-pct1-raises-at-T", name="torch.OneCycleLR", momentum=True,
         params={"lr": 1.0, "total_steps": 10, "pct_start": 1.0}, steps=r(12)),
    dict(id="OneCycleLR-pct0.05", name="torch.OneCycleLR", momentum=True,
         params={"max_lr": 0.3, "total_steps": 10, "pct_start": 0.05}, steps=r(12)),
    dict(id="OneCycleLR-divs-no-momentum", name="torch.OneCycleLR",
         params={"max_lr": 0.3, "total_steps": 50, "div_factor": 10.0, "final_div_factor": 100.0, "cycle_momentum": False},
         steps=r(53)),
    dict(id="OneCycleLR-momentum-custom", name="torch.OneCycleLR", momentum=True,
         params={"total_steps": 40, "base_momentum": 0.8, "max_momentum": 0.99, "pct_start": 0.25}, steps=r(42)),
    # PolynomialLR
    dict(id="PolynomialLR-default", name="torch.PolynomialLR", params={}, steps=r(10) + [1000]),
    dict(id="PolynomialLR-4-2", name="torch.PolynomialLR", params={"lr": 1.0, "total_iters": 4, "power": 2.0}, steps=r(8)),
    dict(id="PolynomialLR-50-0.5", name="torch.PolynomialLR", params={"total_iters": 50, "power": 0.5}, steps=r(60) + [40000]),
    dict(id="PolynomialLR-total0", name="torch.PolynomialLR", params={"total_iters": 0}, steps=r(5)),
    dict(id="PolynomialLR-negative-power-raises", name="torch.PolynomialLR", params={"total_iters": 4, "power": -1.0},
         steps=r(8)),
    # SWALR
    dict(id="SWALR-default", name="torch.SWALR", params={}, steps=r(20) + [1000]),
    dict(id="SWALR-cos-4", name="torch.SWALR", params={"lr": 1.0, "swa_lr": 0.1, "anneal_epochs": 4}, steps=r(8)),
    dict(id="SWALR-linear-4", name="torch.SWALR",
         params={"lr": 1.0, "swa_lr": 0.1, "anneal_epochs": 4, "anneal_strategy": "linear"}, steps=r(8)),
    dict(id="SWALR-anneal0", name="torch.SWALR", params={"lr": 1.0, "swa_lr": 0.3, "anneal_epochs": 0}, steps=r(5)),
    dict(id="SWALR-long-anneal", name="torch.SWALR", params={"lr": 1.0, "swa_lr": 0.05, "anneal_epochs": 2000},
         steps=r(10) + near(1000, 1999, 2001) + [2500]),
    dict(id="SWALR-up-37", name="torch.SWALR", params={"lr": 0.01, "swa_lr": 0.05, "anneal_epochs": 37}, steps=r(45)),
]


def sparse(n: int, *bounds: int, points: int = 1000) -> list[int]:
    """About ``points`` of the steps 0..n-1: evenly spread, both ends, and each boundary with its neighbours."""
    every = max(1, (n - 1) // (points - 3 * len(bounds)))
    return sorted(set(range(0, n, every)) | {b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < n} | {0, n - 1})


LONG = 20_000  # long runs of the stepped (stateful) schedulers: drift of their recursions over 2e4 steps
CASES += [
    dict(id="long-CosineAnnealingLR-2e4", name="torch.CosineAnnealingLR",
         params={"lr": 0.1, "total_steps": LONG, "T_max": LONG, "eta_min": 1e-5}, steps=sparse(LONG, LONG - 1)),
    dict(id="long-CosineAnnealingLR-past-T_max", name="torch.CosineAnnealingLR",
         params={"lr": 0.1, "total_steps": LONG, "T_max": 6007, "eta_min": 1e-4}, steps=sparse(LONG, 6007, 12014, 18021)),
    dict(id="long-ExponentialLR-2e4", name="torch.ExponentialLR", params={"lr": 0.3, "gamma": 0.9997},
         steps=sparse(LONG)),
    dict(id="long-MultiplicativeLR-2e4", name="torch.MultiplicativeLR",
         params={"lr": 0.3, "lr_lambda": "0.9999 - 0.0009 * (1 - min(1, t % 7))"}, steps=sparse(LONG)),
    dict(id="long-StepLR-2e4", name="torch.StepLR", params={"lr": 0.1, "step_size": 1999, "gamma": 0.7},
         steps=sparse(LONG, *range(1999, LONG, 1999))),
    dict(id="long-CosineAnnealingWarmRestarts-2e4", name="torch.CosineAnnealingWarmRestarts",
         params={"lr": 0.1, "T_0": 1000, "T_mult": 2, "eta_min": 1e-4}, steps=sparse(LONG, 1000, 3000, 7000, 15000)),
    dict(id="long-CyclicLR-exp_range-2e4", name="torch.CyclicLR", momentum=True,
         params={"lr": 0.1, "base_lr": 1e-3, "max_lr": 0.1, "step_size_up": 700, "step_size_down": 1300,
                 "mode": "exp_range", "gamma": 0.99995}, steps=sparse(LONG, *range(700, LONG, 2000))),
    dict(id="long-OneCycleLR-2e4", name="torch.OneCycleLR", momentum=True,
         params={"max_lr": 0.05, "total_steps": LONG, "pct_start": 0.25}, steps=sparse(LONG, LONG // 4 - 1)),
    dict(id="long-PolynomialLR-2e4", name="torch.PolynomialLR",
         params={"lr": 0.1, "total_iters": 19_000, "power": 1.7}, steps=sparse(LONG, 19_000)),
    dict(id="long-SequentialLR-2e4", name="torch.SequentialLR",
         params={"lr": 0.1, "total_steps": LONG, "schedulers": [spec("LinearLR", start_factor=0.01, total_iters=1000),
                                                               spec("CosineAnnealingLR", T_max=19_000, eta_min=1e-5)],
                 "milestones": [1000]}, steps=sparse(LONG, 1000)),
    dict(id="long-ChainedScheduler-2e4", name="torch.ChainedScheduler",
         params={"lr": 0.1, "total_steps": LONG, "schedulers": [spec("LinearLR", start_factor=0.1, total_iters=500),
                                                               spec("ExponentialLR", gamma=0.9998)]},
         steps=sparse(LONG, 500)),
    dict(id="long-SWALR-2e4", name="torch.SWALR", params={"lr": 0.1, "swa_lr": 0.01, "anneal_epochs": 15_000},
         steps=sparse(LONG, 15_000)),
]

def main() -> None:
    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    cases = [record(dict(case)) for case in CASES]
    doc = {"library": "torch", "version": torch.__version__.split("+")[0], "generator": "tests/golden/make_torch.py",
           "cases": cases}
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{len(cases)} cases -> {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
