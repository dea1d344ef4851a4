"""Benchmark lrviz schedules against naive hand-written numpy, and the CLI start-up.

For every registered schedule (``lrviz.names()``), built with
``lrviz.schedule(name, lr=0.1, total_steps=N)`` and evaluated on ``np.arange(N)``:

* the lrviz time (best of ``--repeat``) and ns per step;
* the time of the straightforward numpy expression of the same formula (taken
  from the factory's docstring) at the same parameters (``schedule.params``),
  measured in the same run, best of the same number of repeats;
* the ratio lrviz / naive (target <= 1.0) and a check that both agree.

Then the start-up time of ``python -m lrviz --help`` and ``python -m lrviz list``
against ``python -c "import typer"``.

Timings are only ever reported as ratios against a baseline measured in the same
run; nothing here is asserted by the test suite.

    python benchmarks/bench_schedules.py [--steps 10000000] [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lrviz  # noqa: E402
from lrviz import registry  # noqa: E402
from lrviz.schedules._noise import normal  # noqa: E402

Naive = Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]
NAIVE: dict[str, Naive] = {}
MIN_REPEAT = 3  # even the slowest schedules get a best of 3


def naive(name: str):
    def register(fn: Naive) -> Naive:
        NAIVE[name] = fn
        return fn

    return register


def naive_of(child) -> Callable[[np.ndarray], np.ndarray]:
    """The naive expression of a child schedule (composition), at its own params."""
    fn = NAIVE[child.name]
    return lambda t: fn(t, child.params)


# --------------------------------------------------------------------------- naive formulas
# Each one is the tightest whole-array numpy expression of the factory's docstring formula,
# as a careful user writes it: no clamp the evaluated range 0..N-1 does not need (t < T
# throughout), no extra temporaries, no in-place tricks. p holds the schedule's own params.

pi, cos, sqrt, exp, where = np.pi, np.cos, np.sqrt, np.exp, np.where


def _half_cos(x):
    """(1 + cos(pi x)) / 2"""
    return (1 + cos(pi * x)) / 2


FORMULAS: dict[str, Naive] = {
    # generic
    "constant": lambda t, p: np.full(t.shape, p["lr"]),
    "step": lambda t, p: p["lr"] * p["gamma"] ** np.floor(t / p["step_size"]),
    "multistep": lambda t, p: p["lr"] * p["gamma"] ** np.searchsorted(p["milestones"], t, side="right"),
    "piecewise": lambda t, p: np.asarray(p["values"])[np.searchsorted(p["boundaries"], t, side="right")],
    "exponential": lambda t, p: p["lr"] * p["decay_rate"] ** (t / p["decay_steps"]),
    "natural_exp": lambda t, p: p["lr"] * exp(-p["decay_rate"] * t / p["decay_steps"]),
    "inverse_time": lambda t, p: p["lr"] / (1 + p["decay_rate"] * t / p["decay_steps"]),
    "polynomial": lambda t, p: (p["lr"] - p["min_lr"]) * (1 - t / p["decay_steps"]) ** p["power"] + p["min_lr"],
    "linear": lambda t, p: p["lr"] + (p["min_lr"] - p["lr"]) * t / p["decay_steps"],
    "cosine": lambda t, p: p["min_lr"] + (p["lr"] - p["min_lr"]) * (1 + cos(pi * t / p["decay_steps"])) / 2,
    "cosine_restarts": lambda t, p: p["min_lr"] + (p["lr"] - p["min_lr"]) * _half_cos(t % p["first_period"] / p["first_period"]),
    "linear_cosine": lambda t, p: p["lr"] * ((p["alpha"] + (p["decay_steps"] - t) / p["decay_steps"])
                                             * (1 + cos(2 * pi * p["num_periods"] * t / p["decay_steps"])) / 2 + p["beta"]),
    "noisy_linear_cosine": lambda t, p: np.maximum(0, p["lr"] * (
        (p["alpha"] + (p["decay_steps"] - t) / p["decay_steps"]
         + sqrt(p["initial_variance"] / (1 + t) ** p["variance_decay"]) * normal(p["seed"], t))
        * (1 + cos(2 * pi * p["num_periods"] * t / p["decay_steps"])) / 2 + p["beta"])),
    "cyclic": lambda t, p: _cyclic(t, p),
    "keyframes": lambda t, p: p["lr"] * np.interp(t, [0, *p["keyframes"]], [0.0 if p["warmup"] else 1.0, *p["keyframes"].values()]),
    "noam": lambda t, p: p["lr"] * np.minimum((t + 1) / p["warmup_steps"], sqrt(p["warmup_steps"] / (t + 1))),
    "tanh": lambda t, p: p["min_lr"] + (p["lr"] - p["min_lr"]) / 2 * (1 - np.tanh(p["lb"] + (p["ub"] - p["lb"]) * t / p["total_steps"])),
    # torch
    "torch.StepLR": lambda t, p: p["lr"] * p["gamma"] ** np.floor(t / p["step_size"]),
    "torch.MultiStepLR": lambda t, p: p["lr"] * p["gamma"] ** np.searchsorted(sorted(p["milestones"]), t, side="right"),
    "torch.ExponentialLR": lambda t, p: p["lr"] * p["gamma"] ** t,
    "torch.CosineAnnealingLR": lambda t, p: p["eta_min"] + (p["lr"] - p["eta_min"]) * (1 + cos(pi * t / p["T_max"])) / 2,
    "torch.CosineAnnealingWarmRestarts": lambda t, p: p["eta_min"] + (p["lr"] - p["eta_min"]) * _half_cos(t % p["T_0"] / p["T_0"]),
    "torch.ConstantLR": lambda t, p: where(t < p["total_iters"], p["lr"] * p["factor"], p["lr"]),
    "torch.LinearLR": lambda t, p: p["lr"] * (p["start_factor"] + (p["end_factor"] - p["start_factor"])
                                            * np.minimum(t, p["total_iters"]) / p["total_iters"]),
    "torch.PolynomialLR": lambda t, p: p["lr"] * (1 - np.minimum(t, p["total_iters"]) / p["total_iters"]) ** p["power"],
    "torch.SWALR": lambda t, p: p["lr"] + (p["swa_lr"] - p["lr"]) * (1 - cos(pi * np.minimum(t / p["anneal_epochs"], 1))) / 2,
    "torch.CyclicLR": lambda t, p: p["base_lr"] + (p["max_lr"] - p["base_lr"]) * np.minimum(
        t % (2 * p["step_size_up"]) / p["step_size_up"], (2 * p["step_size_up"] - t % (2 * p["step_size_up"])) / p["step_size_up"]),
    # optax
    "optax.constant_schedule": lambda t, p: np.full(t.shape, p["value"]),
    "optax.polynomial_schedule": lambda t, p: (p["init_value"] - p["end_value"]) * (1 - t / p["transition_steps"]) ** p["power"]
    + p["end_value"],
    "optax.linear_schedule": lambda t, p: p["init_value"] + (p["end_value"] - p["init_value"]) * t / p["transition_steps"],
    "optax.piecewise_constant_schedule": lambda t, p: np.full(t.shape, p["init_value"]),
    "optax.piecewise_interpolate_schedule": lambda t, p: np.full(t.shape, p["init_value"]),
    "optax.exponential_decay": lambda t, p: p["init_value"] * p["decay_rate"] ** (t / p["transition_steps"]),
    "optax.cosine_decay_schedule": lambda t, p: p["init_value"] * ((1 - p["alpha"]) * (1 + cos(pi * t / p["decay_steps"])) / 2
                                                                  + p["alpha"]),
    "optax.warmup_constant_schedule": lambda t, p: where(t < p["warmup_steps"], p["init_value"] + (p["peak_value"] - p["init_value"])
                                                         * t / p["warmup_steps"], p["peak_value"]),
    "optax.warmup_cosine_decay_schedule": lambda t, p: where(
        t < p["warmup_steps"], p["init_value"] + (p["peak_value"] - p["init_value"]) * t / p["warmup_steps"],
        p["end_value"] + (p["peak_value"] - p["end_value"])
        * _half_cos((t - p["warmup_steps"]) / (p["decay_steps"] - p["warmup_steps"]))),
    "optax.warmup_exponential_decay_schedule": lambda t, p: where(
        t < p["warmup_steps"], p["init_value"] + (p["peak_value"] - p["init_value"]) * t / p["warmup_steps"],
        p["peak_value"] * p["decay_rate"] ** ((t - p["warmup_steps"]) / p["transition_steps"])),
    "optax.linear_onecycle_schedule": lambda t, p: np.interp(
        t, [0, int(p["pct_start"] * p["transition_steps"]), int(p["pct_final"] * p["transition_steps"]), p["transition_steps"]],
        [p["peak_value"] / p["div_factor"], p["peak_value"], p["peak_value"] / p["div_factor"],
         p["peak_value"] / p["div_factor"] / p["final_div_factor"]]),
    "optax.cosine_onecycle_schedule": lambda t, p: _cos_onecycle(t, p),
    # keras and tf
    "keras.ExponentialDecay": lambda t, p: p["initial_learning_rate"] * p["decay_rate"] ** (t / p["decay_steps"]),
    "keras.PiecewiseConstantDecay": lambda t, p: np.asarray(p["values"])[np.searchsorted(p["boundaries"], t, side="left")],
    "keras.PolynomialDecay": lambda t, p: (p["initial_learning_rate"] - p["end_learning_rate"]) * (1 - t / p["decay_steps"])
    ** p["power"] + p["end_learning_rate"],
    "keras.InverseTimeDecay": lambda t, p: p["initial_learning_rate"] / (1 + p["decay_rate"] * t / p["decay_steps"]),
    "keras.CosineDecay": lambda t, p: p["initial_learning_rate"] * ((1 - p["alpha"]) * (1 + cos(pi * t / p["decay_steps"])) / 2
                                                                    + p["alpha"]),
    "keras.CosineDecayRestarts": lambda t, p: _sgdr(t, p["initial_learning_rate"], p["first_decay_steps"], p["t_mul"], p["m_mul"],
                                                    p["alpha"]),
    "tf.exponential_decay": lambda t, p: p["learning_rate"] * p["decay_rate"] ** (t / p["decay_steps"]),
    "tf.piecewise_constant": lambda t, p: np.asarray(p["values"])[np.searchsorted(p["boundaries"], t, side="left")],
    "tf.polynomial_decay": lambda t, p: (p["learning_rate"] - p["end_learning_rate"]) * (1 - t / p["decay_steps"]) ** p["power"]
    + p["end_learning_rate"],
    "tf.natural_exp_decay": lambda t, p: p["learning_rate"] * exp(-p["decay_rate"] * t / p["decay_steps"]),
    "tf.inverse_time_decay": lambda t, p: p["learning_rate"] / (1 + p["decay_rate"] * t / p["decay_steps"]),
    "tf.cosine_decay": lambda t, p: p["learning_rate"] * ((1 - p["alpha"]) * (1 + cos(pi * t / p["decay_steps"])) / 2 + p["alpha"]),
    "tf.cosine_decay_restarts": lambda t, p: _sgdr(t, p["learning_rate"], p["first_decay_steps"], p["t_mul"], p["m_mul"], p["alpha"]),
    "tf.linear_cosine_decay": lambda t, p: p["learning_rate"] * ((p["alpha"] + (p["decay_steps"] - t) / p["decay_steps"])
                                                                 * (1 + cos(2 * pi * p["num_periods"] * t / p["decay_steps"])) / 2
                                                                 + p["beta"]),
    # HF
    "hf.constant": lambda t, p: np.full(t.shape, p["lr"]),
    "hf.constant_with_warmup": lambda t, p: where(t < p["num_warmup_steps"], p["lr"] * t / p["num_warmup_steps"], p["lr"]),
    "hf.linear": lambda t, p: p["lr"] * (p["num_training_steps"] - t) / p["num_training_steps"],
    "hf.cosine": lambda t, p: p["lr"] * 0.5 * (1 + cos(pi * p["num_cycles"] * 2 * t / p["num_training_steps"])),
    "hf.cosine_with_restarts": lambda t, p: p["lr"] * 0.5 * (1 + cos(pi * (p["num_cycles"] * t / p["num_training_steps"] % 1))),
    "hf.polynomial": lambda t, p: (p["lr"] - p["lr_end"]) * (1 - t / p["num_training_steps"]) ** p["power"] + p["lr_end"],
    "hf.inverse_sqrt": lambda t, p: p["lr"] / sqrt((t + p["timescale"]) / p["timescale"]),
    "hf.cosine_with_min_lr": lambda t, p: p["lr"] * (0.5 * (1 + cos(pi * p["num_cycles"] * 2 * t / p["num_training_steps"]))
                                                     * (1 - p["min_lr_rate"]) + p["min_lr_rate"]),
    "hf.cosine_warmup_with_min_lr": lambda t, p: where(
        t < p["num_warmup_steps"], p["lr"] * (t + 1) / p["num_warmup_steps"],
        p["lr"] * (0.5 * (1 + cos(pi * p["num_cycles"] * 2 * (t - p["num_warmup_steps"] + 1)
                                  / (p["num_training_steps"] - p["num_warmup_steps"]))) * (1 - p["min_lr_rate"]) + p["min_lr_rate"])),
    "hf.warmup_stable_decay": lambda t, p: where(
        t < p["num_warmup_steps"], p["lr"] * t / p["num_warmup_steps"],
        where(t < p["num_warmup_steps"] + p["num_stable_steps"], p["lr"],
              p["lr"] * 0.5 * (1 + cos(pi * p["num_cycles"] * 2 * (t - p["num_warmup_steps"] - p["num_stable_steps"])
                                       / p["num_decay_steps"])))),
    # timm
    "timm.cosine": lambda t, p: p["lr_min"] + (p["lr"] - p["lr_min"]) * (1 + cos(pi * t / p["t_initial"])) / 2,
    "timm.tanh": lambda t, p: p["lr_min"] + (p["lr"] - p["lr_min"]) / 2 * (1 - np.tanh(p["lb"] + (p["ub"] - p["lb"]) * t / p["t_initial"])),
    "timm.step": lambda t, p: p["lr"] * p["decay_rate"] ** np.floor(t / p["decay_t"]),
    "timm.multistep": lambda t, p: p["lr"] * p["decay_rate"] ** np.searchsorted(p["decay_t"], t + 1, side="right"),
    "timm.poly": lambda t, p: p["lr_min"] + (p["lr"] - p["lr_min"]) * (1 - t / p["t_initial"]) ** p["power"],
    "timm.wsd": lambda t, p: where(t < p["t_initial"] - p["decay_t"], p["lr"], p["lr_min"] + (p["lr"] - p["lr_min"])
                                   * (1 - sqrt((t - (p["t_initial"] - p["decay_t"])) / p["decay_t"]))),
    # trainers
    "fairseq.inverse_sqrt": lambda t, p: where(t < p["warmup_updates"], p["warmup_init_lr"] + (p["lr"] - p["warmup_init_lr"])
                                               * t / p["warmup_updates"], p["lr"] * sqrt(p["warmup_updates"] / t)),
    "megatron.OptimizerParamScheduler": lambda t, p: p["min_lr"] + (p["lr"] - p["min_lr"]) * (1 - t / p["lr_decay_steps"]),
    "nemo.CosineAnnealing": lambda t, p: p["min_lr"] + (p["lr"] - p["min_lr"]) * (1 + cos(pi * t / p["max_steps"])) / 2,
    "nemo.WarmupAnnealing": lambda t, p: p["min_lr"] + (1 - t / p["max_steps"]) * (p["lr"] - p["min_lr"]),
    "nemo.InverseSquareRootAnnealing": lambda t, p: p["lr"] / sqrt(t + 1.0),
    "nemo.WarmupPolicy": lambda t, p: np.full(t.shape, p["lr"]),
    "stepped": lambda t, p: np.full(t.shape, p["lr"]),  # its default schedule is constant
    "torch.LambdaLR": lambda t, p: np.full(t.shape, p["lr"]),  # its default lr_lambda is "1"
    "tf.noisy_linear_cosine_decay": lambda t, p: p["learning_rate"] * (
        (p["alpha"] + (p["decay_steps"] - t) / p["decay_steps"]
         + sqrt(p["initial_variance"] / (1 + t) ** p["variance_decay"]) * normal(p["seed"], t))
        * (1 + cos(2 * pi * p["num_periods"] * t / p["decay_steps"])) / 2 + p["beta"]),
    "deepspeed.WarmupLR": lambda t, p: where(
        t < p["warmup_num_steps"] + 1, p["warmup_min_lr"] + (p["warmup_max_lr"] - p["warmup_min_lr"])
        * np.log(np.maximum(t, 1)) / np.log(p["warmup_num_steps"]), p["warmup_max_lr"]),
    "deepspeed.LRRangeTest": lambda t, p: p["lr_range_test_min_lr"] * (1 + p["lr_range_test_step_rate"] * t
                                                                      / p["lr_range_test_step_size"]),
}


def _cyclic(t, p):
    """min(pos / up, (C - pos) / down) is the triangle: the rising branch is the smaller one while pos <= up."""
    up, down = p["step_size_up"], p["step_size_down"]
    pos = t % (up + down)
    s = np.minimum(pos / up, (up + down - pos) / down)
    if p["mode"] == "sine":
        s = (1 - cos(pi * s)) / 2
    elif p["mode"] == "triangular2":
        s = s / 2.0 ** (t // (up + down))
    elif p["mode"] == "exp_range":
        s = s * p["gamma"] ** t
    return p["min_lr"] + (p["lr"] - p["min_lr"]) * s


def _cos_onecycle(t, p):
    T, peak = p["transition_steps"], p["peak_value"]
    P = int(p["pct_start"] * T)
    init = peak / p["div_factor"]
    final = init / p["final_div_factor"]
    return where(t < P, peak + (init - peak) * _half_cos(t / P), final + (peak - final) * _half_cos((t - P) / (T - P)))


def _sgdr(t, lr, first, t_mul, m_mul, alpha):
    """SGDR in closed form: cycle i = floor(log(1 - t/first (1 - t_mul)) / log t_mul)."""
    i = np.floor(np.log1p(t / first * (t_mul - 1)) / np.log(t_mul))
    start = first * (t_mul ** i - 1) / (t_mul - 1)
    length = first * t_mul ** i
    return lr * (m_mul ** i * (1 - alpha) * (1 + cos(pi * (t - start) / length)) / 2 + alpha)


# composition: the children's formulas at their own params
def _composed(name: str, t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    if name == "warmup":
        inner = naive_of(p["schedule"])
        W, start = p["warmup_steps"], p["start_lr"]
        target = float(inner(np.zeros(1, dtype=np.int64))[0])
        return where(t < W, start + (target - start) * t / W, inner(t - W))
    if name in ("sequence", "optax.join_schedules", "torch.SequentialLR"):
        if name == "sequence":
            starts, children = [s for s, _ in p["phases"]], [c for _, c in p["phases"]]
        else:
            starts, children = [0, *p["milestones" if name == "torch.SequentialLR" else "boundaries"]], p["schedulers" if name == "torch.SequentialLR" else "schedules"]
        out = naive_of(children[-1])(t - starts[-1])
        for k in range(len(children) - 2, -1, -1):
            out = where(t < starts[k + 1], naive_of(children[k])(t - starts[k]), out)
        return out
    if name == "multiply":
        out = naive_of(p["schedules"][0])(t)
        for child in p["schedules"][1:]:
            out = out * naive_of(child)(t)
        return out
    if name == "clamp":
        return np.clip(naive_of(p["schedule"])(t), p["min_lr"], p["max_lr"])
    if name == "periodic":
        return naive_of(p["schedule"])(t % p["period"])
    raise KeyError(name)


for _name in ("warmup", "sequence", "multiply", "clamp", "periodic", "optax.join_schedules", "torch.SequentialLR"):
    FORMULAS[_name] = (lambda n: lambda t, p: _composed(n, t, p))(_name)
for _name, _fn in FORMULAS.items():
    naive(_name)(_fn)


def _onecycle(t, p):
    lr, T = p["lr"], p["total_steps"]
    initial = lr / p["div_factor"]
    final = initial / p["final_div_factor"]
    P = int(round(p["pct_start"] * T))
    return where(t <= P, lr + (initial - lr) * _half_cos(t / P), final + (lr - final) * _half_cos((t - P) / (T - P)))


def _torch_onecycle(t, p):
    T, top = p["total_steps"], p["max_lr"]
    initial = top / p["div_factor"]
    low = initial / p["final_div_factor"]
    e1, e2 = p["pct_start"] * T - 1, T - 1
    return where(t <= e1, top + (initial - top) * _half_cos(t / e1), low + (top - low) * _half_cos((t - e1) / (e2 - e1)))


def _wsd(t, p):
    lr, T, W, D, lo, init = p["lr"], p["total_steps"], p["warmup_steps"], p["decay_steps"], p["min_lr"], p["start_lr"]
    return where(t < W, init + t * (lr - init) / W, where(t < T - D, lr, lo + (lr - lo) * (1 - (t - (T - D)) / D)))


def _tri_stage(t, p):
    lr, W, H, D = p["lr"], p["warmup_steps"], p["hold_steps"], p["decay_steps"]
    init = p["init_scale"] * lr
    return where(t < W, init + t * (lr - init) / W,
                 where(t < W + H, lr, lr * exp(np.log(p["final_scale"]) * (t - W - H) / D)))


def _inverse_sqrt(t, p):
    lr, W, init, tau = p["lr"], p["warmup_steps"], p["start_lr"], p["timescale"]
    return where(t < W, init + t * (lr - init) / W, lr / sqrt((t - W + tau) / tau))


naive("onecycle")(_onecycle)
naive("torch.OneCycleLR")(_torch_onecycle)
naive("wsd")(_wsd)
naive("tri_stage")(_tri_stage)
naive("inverse_sqrt")(_inverse_sqrt)
TABLE_TWINS = ("torch.ReduceLROnPlateau", "hf.reduce_lr_on_plateau", "hf.greedy", "timm.plateau", "keras.ReduceLROnPlateau",
               "optax.contrib.reduce_on_plateau")
TABLE_STEPS = 200_001  # longer than any default metric series (100k)
TWIN_RTOL = 1e-5  # float32 twins against float64 formulas


# --------------------------------------------------------------------------- measuring


def _timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _compare(got: np.ndarray, want: np.ndarray, rtol: float = 1e-9) -> tuple[bool, float]:
    """np.allclose(rtol), with an atol scaled to the curve (the default 1e-8 would hide lr ~ 1e-7)."""
    if got.shape != want.shape:
        return False, float("inf")
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    atol = 1e-12 * scale if rtol <= 1e-9 else rtol * scale
    ok = bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False))
    diff = np.abs(got - want)
    diff /= np.maximum(np.abs(want), atol if atol > 0 else np.finfo(float).tiny)
    worst = float(diff.max()) if diff.size else 0.0
    return ok, worst


def bench_schedule(name: str, t: np.ndarray, repeat: int, budget: float) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "twin": "." in name or name == "stepped"}
    try:
        sched = registry.build(name, {}, total_steps=len(t), lr=0.1)
    except Exception as err:  # noqa: BLE001 - a broken factory is a row, not a crash
        row.update(status="ERROR", error=f"build: {type(err).__name__}: {err}")
        return row
    formula = NAIVE.get(name)
    naive_fn = (lambda: formula(t, sched.params)) if formula else None
    if name in TABLE_TWINS:  # a metric series: the lr is a table of its steps, then held
        table = sched(np.arange(min(len(t), TABLE_STEPS)))
        last = len(table) - 1
        naive_fn = lambda: table[np.minimum(t, last)]  # noqa: E731

    def run_naive():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return naive_fn()

    # First pair of runs: timed, and kept for the agreement check.
    try:
        tl, got = _timed(lambda: sched(t))
    except Exception as err:  # noqa: BLE001
        row.update(status="ERROR", error=f"eval: {type(err).__name__}: {err}")
        return row
    tn = None
    if naive_fn is not None:
        tn, want = _timed(run_naive)
        ok, worst = _compare(got, want, TWIN_RTOL if row["twin"] else 1e-9)
        row.update(check="ok" if ok else "MISMATCH", max_rel_err=worst)
        del want
    else:
        row.update(check="no naive formula", max_rel_err=None)
    del got
    gc.collect()

    per_pair = tl + (tn or 0.0)
    affordable = int(budget // per_pair) if per_pair > 0 else repeat
    reps = min(repeat, max(MIN_REPEAT, affordable))  # a median of 1 is mostly noise
    times_l, times_n = [], []
    for _ in range(reps):  # alternate so that drift hits both sides alike
        dt, out = _timed(lambda: sched(t))
        del out
        times_l.append(dt)
        if naive_fn is not None:
            dt, out = _timed(run_naive)
            del out
            times_n.append(dt)
    best_l = float(np.median(times_l))
    best_n = float(np.median(times_n)) if times_n else None
    n = len(t)
    row.update(status="ok", repeats=reps, lrviz_s=best_l, lrviz_ns_per_step=best_l / n * 1e9)
    if best_n is not None:
        row.update(naive_s=best_n, naive_ns_per_step=best_n / n * 1e9, ratio=best_l / best_n)
    return row


def bench_cli(repeat: int) -> list[dict[str, Any]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    commands = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
        ("lrviz --help", [sys.executable, "-m", "lrviz", "--help"]),
        ("lrviz list", [sys.executable, "-m", "lrviz", "list"]),
    ]
    rows = []
    for label, cmd in commands:
        best, rc = float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            best = min(best, time.perf_counter() - start)
            rc = rc or proc.returncode
        row = {"command": label, "argv": cmd[1:], "best_s": best, "returncode": rc}
        if rc:
            row["stderr"] = proc.stderr.decode(errors="replace")[-500:]
        rows.append(row)
    baseline = next(r["best_s"] for r in rows if r["command"] == "python -c 'import typer'")
    for row in rows:
        row["ratio_vs_import_typer"] = row["best_s"] / baseline
    return rows


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "?",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "lrviz": lrviz.__version__,
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }


# --------------------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[dict[str, Any]], n: int) -> None:
    head = (f"{'schedule':<20} {'reps':>4} {'lrviz ms':>9} {'ns/step':>8} {'naive ms':>9} {'ns/step':>8} {'ratio':>6}  "
            f"{'check':<8} {'max rel err':>11}")
    print(f"\nSchedules on np.arange({n:_}) (best of reps; ratio = lrviz / naive, target <= 1.00)")
    print(head)
    print("-" * len(head))
    for r in rows:
        if r.get("status") != "ok":
            print(f"{r['name']:<20} {'ERROR':>4}  {r.get('error', '')}")
            continue
        flag = " <-- slower" if r.get("ratio") is not None and r["ratio"] > 1.0 else ""
        print(
            f"{r['name']:<20} {r['repeats']:>4} {r['lrviz_s'] * 1e3:>9.1f} {r['lrviz_ns_per_step']:>8.2f} "
            f"{_fmt(r.get('naive_s') and r['naive_s'] * 1e3, '9.1f'):>9} {_fmt(r.get('naive_ns_per_step'), '8.2f'):>8} "
            f"{_fmt(r.get('ratio'), '6.3f'):>6}  {r['check']:<8} {_fmt(r.get('max_rel_err'), '11.1e'):>11}{flag}"
        )
    bad = [r["name"] for r in rows if r.get("check") == "MISMATCH"]
    for name in bad:
        print(f"!!! MISMATCH: {name}: lrviz and the naive formula disagree (rtol=1e-9); one of them is wrong !!!")
    errors = [r["name"] for r in rows if r.get("status") != "ok"]
    for name in errors:
        print(f"!!! ERROR: {name} could not be benchmarked")
    missing = [r["name"] for r in rows if r.get("check") == "no naive formula"]
    if missing:
        print(f"(no naive formula written yet for: {', '.join(missing)})")
    ratios = [r["ratio"] for r in rows if r.get("ratio") is not None]
    if ratios:
        slower = sum(x > 1.0 for x in ratios)
        geo = float(np.exp(np.mean(np.log(ratios))))
        print(f"{slower} of {len(ratios)} schedules slower than naive; geometric mean ratio {geo:.2f}")


def print_cli(rows: list[dict[str, Any]], repeat: int) -> None:
    head = f"{'command':<28} {'best ms':>8} {'vs import typer':>16}"
    print(f"\nStart-up (subprocess wall time, best of {repeat})")
    print(head)
    print("-" * len(head))
    for r in rows:
        extra = "" if not r["returncode"] else f"  FAILED (exit {r['returncode']})"
        print(f"{r['command']:<28} {r['best_s'] * 1e3:>8.1f} {r['ratio_vs_import_typer']:>16.2f}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=10_000_000, help="evaluate on np.arange(STEPS) (default 10_000_000)")
    parser.add_argument("--repeat", type=int, default=5, help="best of REPEAT runs per side (default 5)")
    parser.add_argument("--budget", type=float, default=12.0,
                        help="seconds per schedule: slow ones get fewer repeats (at least 3), never fewer steps (default 12)")
    parser.add_argument("--cli-repeat", type=int, default=5, help="best of this many start-ups (default 5)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="benchmark only these schedules")
    parser.add_argument("--no-cli", action="store_true", help="skip the start-up benchmark")
    parser.add_argument("--json", metavar="PATH", help="also save the numbers as JSON")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    info = machine()
    print("lrviz schedule benchmark")
    for key, value in info.items():
        print(f"  {key:<10} {value}")
    print(f"  steps      {args.steps:_}   repeat {args.repeat}   budget {args.budget:g} s/schedule")

    names = lrviz.names()
    if args.only:
        names = [n for n in names if n in args.only]
    t = np.arange(args.steps)
    rows = []
    for name in names:
        rows.append(bench_schedule(name, t, args.repeat, args.budget))
        gc.collect()
    del t
    print_table(rows, args.steps)

    cli = [] if args.no_cli else bench_cli(args.cli_repeat)
    if cli:
        print_cli(cli, args.cli_repeat)
    elapsed = time.perf_counter() - began
    print(f"\ntotal {elapsed:.0f} s")

    if args.json:
        payload = {"machine": info, "steps": args.steps, "repeat": args.repeat, "budget_s": args.budget,
                   "schedules": rows, "cli": cli, "elapsed_s": elapsed}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"saved {args.json}")
    return 1 if any(r.get("check") == "MISMATCH" or r.get("status") != "ok" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
