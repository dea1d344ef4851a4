"""Benchmark lrviz schedules against the tightest naive numpy, peak memory, and the CLI.

For every registered name (``lrviz.names()``: generic schedules and twins), built
with ``registry.build(name, {}, total_steps=N, lr=0.1)`` (the shared defaults of
``lrviz compare``) and evaluated on ``np.arange(N)`` (N = 10M):

* the lrviz time (median of ``--repeat``) and ns per step;
* the time of the tightest whole-array numpy expression of the same formula
  (``lr * gamma ** np.floor(t / s)``, ``lr * rate ** (t / d)``,
  ``lo + (lr - lo) * (1 + np.cos(np.pi * t / T)) / 2``: no clamp the range
  0..N-1 does not need) at the same parameters (``schedule.params``), timed
  alternately in the same run; twins against the float64 formula of what they
  compute (checked at rtol 1e-5, since most compute in float32), metric-series
  twins against a table lookup;
* the ratio lrviz / naive (target <= 1.0, geometric mean <= 0.6) and a check
  that both agree.

Then the peak memory (VmHWM of a fresh process) of evaluating 100M steps
against the output alone (8 bytes x 100M), and three commands against
baselines: ``lrviz --help`` against a bare typer app with as many commands,
``lrviz list`` against ``import typer``, and ``lrviz compare step cosine
onecycle -o x.png`` against a bare matplotlib script drawing three 1000-point
lines to PNG.

Timings are only ever reported as ratios against a baseline measured in the same
run; nothing here is asserted by the test suite.

    python benchmarks/bench_schedules.py [--steps 10000000] [--repeat 5] [--memory-steps 100000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
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


def _ds_warmup_decay(t, p):
    """DeepSpeed WarmupDecayLR with i = t - 1: log warmup ln(t) / ln(Wn) (0 at t = 0), then linear to 0 at T."""
    lo, hi, T, Wn = p["warmup_min_lr"], p["warmup_max_lr"], p["total_num_steps"], max(2, p["warmup_num_steps"])
    return lo + (hi - lo) * where(t - 1 < Wn, np.log(np.maximum(t, 1)) / np.log(Wn), (T - (t - 1)) / max(1, T - Wn))


def _ds_warmup_cosine(t, p):
    """DeepSpeed WarmupCosineLR: lr times the log warmup ratio, then the cosine to cos_min_ratio (no clamp: t < T)."""
    w, c, T, Wn = p["warmup_min_ratio"], p["cos_min_ratio"], p["total_num_steps"], max(2, p["warmup_num_steps"])
    return p["lr"] * where(t - 1 < Wn, w + (1 - w) * np.log(np.maximum(t, 1)) / np.log(Wn),
                           c + (1 - c) * _half_cos((t - Wn) / max(1, T - Wn)))


def _ds_onecycle(t, p):
    """DeepSpeed OneCycle without stairs or decay: the triangle over S = first + second, then cycle_min_lr."""
    lo, hi, first = p["cycle_min_lr"], p["cycle_max_lr"], p["cycle_first_step_size"]
    S = first + p["cycle_second_step_size"]
    rho = first / S
    x = np.mod(t / S, 1)
    return where(t - 1 < S, lo + (hi - lo) * where(x <= rho, x / rho, (x - 1) / (rho - 1)), lo)


def _optax_sgdr(t, p):
    """optax sgdr_schedule: warmup-cosine pieces, each started where the previous one's decay_steps end."""
    kwargs = p["cosine_kwargs"]
    starts = np.cumsum([0] + [k["decay_steps"] for k in kwargs[:-1]])
    piece = FORMULAS["optax.warmup_cosine_decay_schedule"]
    out = piece(t - starts[-1], kwargs[-1])
    for k in range(len(kwargs) - 2, -1, -1):
        out = where(t < starts[k + 1], piece(t - starts[k], kwargs[k]), out)
    return out


def _chained(t, p):
    """torch ChainedScheduler of its default LinearLR and CosineAnnealingLR (eta_min 0): the factors multiply."""
    lin, cos_ = p["schedulers"]
    a, b, T1 = lin.params["start_factor"], lin.params["end_factor"], lin.params["total_iters"]
    return p["lr"] * (a + (b - a) * np.minimum(t, T1) / T1) * _half_cos(t / cos_.params["T_max"])


def _mmengine(t, p):
    """mmengine's default pair: LinearLR from start_factor to 1 over its n - 1 = end - 1 steps, then
    CosineAnnealingLR to 0 at its end."""
    lin, cos_ = p["schedulers"]
    s, E, lr = lin["start_factor"], lin["end"], p["lr"]
    return where(t < E - 1, lr * (s + (1 - s) * t / (E - 1)), lr * _half_cos((t - cos_["begin"]) / (cos_["end"] - cos_["begin"])))


def _timm_rsqrt(t, p):
    """timm rsqrt: linear warmup, lr (1 + t_s/tau)^-1/2, times the linear cooldown over the last decay_t (lr_min 0;
    no clamp of the cooldown: it ends past the range)."""
    lr, W, init, tau = p["lr"], p["warmup_t"], p["warmup_lr_init"], p["stable_timescale"]
    hold, D = p["t_initial"] - p["decay_t"], p["decay_t"]
    return where(t < W, init + t * (lr - init) / W,
                 lr / sqrt(1 + (t - W) / tau) * where(t - W > hold, 1 - (t - W - hold) / D, 1))


def _yolo(t, p):
    """Ultralytics, linear lambda, weights group: lr lf(t // nb), times t / nw in the warmup (start 0)."""
    lr, E, lrf, nb = p["lr"], p["epochs"], p["lrf"], p["nb"]
    nw = round(min(p["warmup_epochs"], max(E - 1, 0)) * nb)
    target = lr * ((1 - (t // nb) / E) * (1 - lrf) + lrf)
    return where(t <= nw, target * t / nw, target)


naive("timm.rsqrt")(_timm_rsqrt)
naive("ultralytics.yolo")(_yolo)
naive("deepspeed.WarmupDecayLR")(_ds_warmup_decay)
naive("deepspeed.WarmupCosineLR")(_ds_warmup_cosine)
naive("deepspeed.OneCycle")(_ds_onecycle)
naive("optax.sgdr_schedule")(_optax_sgdr)
naive("torch.ChainedScheduler")(_chained)
naive("torch.MultiplicativeLR")(lambda t, p: p["lr"] * float(p["lr_lambda"](np.zeros(1))[0]) ** t)  # default '0.95'
naive("mmengine.param_scheduler")(_mmengine)
naive("onecycle")(_onecycle)
naive("torch.OneCycleLR")(_torch_onecycle)
naive("wsd")(_wsd)
naive("tri_stage")(_tri_stage)
naive("inverse_sqrt")(_inverse_sqrt)
TABLE_TWINS = ("torch.ReduceLROnPlateau", "hf.reduce_lr_on_plateau", "hf.greedy", "timm.plateau", "keras.ReduceLROnPlateau",
               "optax.contrib.reduce_on_plateau")
TABLE_STEPS = 200_001  # longer than any default metric series (100k)
TWIN_RTOL = 1e-5  # float32 twins against float64 formulas
TWIN_STRAY = 10  # steps where a float32 twin may jump one step apart from the float64 formula (a restart)


# --------------------------------------------------------------------------- measuring


def _timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _compare(got: np.ndarray, want: np.ndarray, rtol: float = 1e-9, *, stray: int = 0) -> tuple[str, float]:
    """``ok`` when np.allclose(rtol) holds, with an atol scaled to the curve (the default 1e-8 would hide lr ~ 1e-7);
    ``ok (k steps)`` when it fails at no more than ``stray`` steps (a float32 twin whose rounded step count puts a
    restart one step early: the float64 formula cannot see that); else ``MISMATCH``. Also the largest relative error."""
    if got.shape != want.shape:
        return "MISMATCH", float("inf")
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    atol = 1e-12 * scale if rtol <= 1e-9 else rtol * scale
    close = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=False)
    off = int(close.size - np.count_nonzero(close))
    diff = np.abs(got - want)
    diff /= np.maximum(np.abs(want), atol if atol > 0 else np.finfo(float).tiny)
    worst = float(diff.max()) if diff.size else 0.0
    if off == 0:
        return "ok", worst
    if off <= stray:  # the largest error of the other steps
        return f"ok ({off} step{'s' if off > 1 else ''})", float(diff[close].max()) if off < diff.size else 0.0
    return "MISMATCH", worst


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
        check, worst = _compare(got, want, TWIN_RTOL if row["twin"] else 1e-9, stray=TWIN_STRAY if row["twin"] else 0)
        row.update(check=check, max_rel_err=worst)
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


MEMORY_CHILD = """
import sys
sys.path.insert(0, {root!r})
import numpy as np
from lrviz import registry


def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024


s = registry.build({name!r}, {{}}, total_steps={n}, lr=0.1)
s.first(100_000)  # warm: imports and caches
before = hwm()
out = s.first({n}) if {how!r} == "first" else s(np.arange({n}))
print(before, hwm(), out.nbytes)
"""
MEMORY_NAMES = ("cosine", "step", "exponential", "warmup", "sequence", "noisy_linear_cosine", "torch.StepLR", "keras.CosineDecay")


def bench_memory(n: int, names: tuple[str, ...] = MEMORY_NAMES) -> list[dict[str, Any]]:
    """VmHWM of a fresh process evaluating lr(0..n-1), against the output alone (8 bytes x n).

    ``schedule.first(n)`` makes the steps block by block (the output is the only
    full-size array); ``schedule(np.arange(n))`` is shown too (its input alone is
    another 8 bytes x n).
    """
    rows = []
    for name in names:
        for how in ("first", "call"):
            code = MEMORY_CHILD.format(root=str(ROOT), name=name, n=n, how=how)
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if proc.returncode:
                rows.append({"name": name, "how": how, "error": proc.stderr.strip().splitlines()[-1:]})
                continue
            before, peak, out = (int(x) for x in proc.stdout.split())
            rows.append({"name": name, "how": how, "before_MB": before / 2**20, "peak_MB": peak / 2**20,
                         "output_MB": out / 2**20, "ratio": peak / out, "growth_ratio": (peak - before) / out})
    return rows


def _walls(pair: tuple[list[str], list[str]], repeat: int, env: dict[str, str], cwd: Path) -> list[tuple[float, int, str]]:
    """Median wall time of each of two subprocesses, run in turn ``repeat`` times (after one run of each that
    is not timed: it writes the bytecode cache and warms the file cache), with exit code and stderr tail.

    Taking turns puts both under the same machine at the same moments: on a shared 2-core machine a
    slow second makes both slower, not one of them."""
    times: list[list[float]] = [[], []]
    rc, err = [0, 0], ["", ""]
    for round_ in range(repeat + 1):
        for i, cmd in enumerate(pair):
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if round_:
                times[i].append(time.perf_counter() - start)
            if proc.returncode:
                rc[i], err[i] = proc.returncode, proc.stderr.decode(errors="replace")[-500:]
    return [(float(np.median(times[i])), rc[i], err[i]) for i in range(2)]


BARE_TYPER = """
import typer
app = typer.Typer(add_completion=True, no_args_is_help=True)
for i in range({commands}):
    def command(steps: int = 1000, output: str = "x.png"):
        \"\"\"A command.\"\"\"
    app.command(f"command{{i}}")(command)
app()
"""
BARE_PLOT = """
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
t = np.arange(1000)
fig, ax = plt.subplots(figsize=(7, 4))
for k in range(3):
    ax.plot(t, 0.1 * np.cos(np.pi * t / 1000 / (k + 1)), label=f"curve {k}")
ax.legend()
fig.savefig(sys.argv[1], dpi=150)
"""


def bench_cli(repeat: int) -> list[dict[str, Any]]:
    """Start-up and one figure, each against its own baseline from the same run (median of ``repeat``)."""
    from lrviz.cli import app

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    folder = Path(tempfile.mkdtemp(prefix="lrviz-bench-"))
    # bytecode as an installed package has it (pip compiles on install), kept out of the source tree
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    commands = len(app.registered_commands) + len(app.registered_groups)
    (folder / "bare_typer.py").write_text(BARE_TYPER.format(commands=commands))
    (folder / "bare_plot.py").write_text(BARE_PLOT)
    py = sys.executable
    pairs = [
        ("lrviz --help", [py, "-m", "lrviz", "--help"],
         f"bare typer app, {commands} commands, --help", [py, str(folder / "bare_typer.py"), "--help"]),
        ("lrviz list", [py, "-m", "lrviz", "list"], "python -c 'import typer'", [py, "-c", "import typer"]),
        ("lrviz compare step cosine onecycle -o x.png", [py, "-m", "lrviz", "compare", "step", "cosine", "onecycle", "-o",
                                                         str(folder / "x.png")],
         "bare matplotlib: three 1000-point lines to PNG", [py, str(folder / "bare_plot.py"), str(folder / "y.png")]),
    ]
    rows = []
    for label, cmd, base_label, base_cmd in pairs:
        (t_base, rc_b, err_b), (t_cmd, rc, err) = _walls((base_cmd, cmd), repeat, env, folder)
        row = {"command": label, "median_s": t_cmd, "baseline": base_label, "baseline_s": t_base, "ratio": t_cmd / t_base,
               "returncode": rc or rc_b}
        if rc or rc_b:
            row["stderr"] = err or err_b
        rows.append(row)
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
            f"{'check':<11} {'max rel err':>11}")
    print(f"\nSchedules on np.arange({n:_}) (median of reps; ratio = lrviz / tight naive numpy, target <= 1.00)")
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
            f"{_fmt(r.get('ratio'), '6.3f'):>6}  {r['check']:<11} {_fmt(r.get('max_rel_err'), '11.1e'):>11}{flag}"
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
    for label, keep in (("all", lambda r: True), ("generic", lambda r: not r["twin"]), ("twins", lambda r: r["twin"])):
        ratios = [r["ratio"] for r in rows if r.get("ratio") is not None and keep(r)]
        if ratios:
            slower = sum(x > 1.0 for x in ratios)
            geo = float(np.exp(np.mean(np.log(ratios))))
            print(f"{label:<8} {slower} of {len(ratios)} schedules slower than tight naive numpy; geometric mean ratio {geo:.2f}")


def print_cli(rows: list[dict[str, Any]], repeat: int) -> None:
    head = f"{'command':<46} {'ms':>7}  {'baseline':<48} {'ms':>7} {'ratio':>6}"
    print(f"\nCommands (subprocess wall time, median of {repeat}) against a baseline from the same run")
    print(head)
    print("-" * len(head))
    for r in rows:
        extra = "" if not r["returncode"] else f"  FAILED (exit {r['returncode']}): {r.get('stderr', '')[-200:]}"
        print(f"{r['command']:<46} {r['median_s'] * 1e3:>7.0f}  {r['baseline']:<48} {r['baseline_s'] * 1e3:>7.0f} "
              f"{r['ratio']:>6.2f}{extra}")


def print_memory(rows: list[dict[str, Any]], n: int) -> None:
    head = f"{'schedule':<22} {'how':<22} {'before MB':>9} {'peak MB':>8} {'output MB':>9} {'peak/output':>11} {'growth/output':>13}"
    print(f"\nPeak memory (VmHWM of a fresh process) evaluating {n:_} steps, against the output alone (8 bytes x {n:_})")
    print(head)
    print("-" * len(head))
    for r in rows:
        how = "schedule.first(n)" if r["how"] == "first" else "schedule(np.arange(n))"
        if "error" in r:
            print(f"{r['name']:<22} {how:<22} ERROR {r['error']}")
            continue
        print(f"{r['name']:<22} {how:<22} {r['before_MB']:>9.0f} {r['peak_MB']:>8.0f} {r['output_MB']:>9.0f} "
              f"{r['ratio']:>11.2f} {r['growth_ratio']:>13.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=10_000_000, help="evaluate on np.arange(STEPS) (default 10_000_000)")
    parser.add_argument("--repeat", type=int, default=5, help="best of REPEAT runs per side (default 5)")
    parser.add_argument("--budget", type=float, default=12.0,
                        help="seconds per schedule: slow ones get fewer repeats (at least 3), never fewer steps (default 12)")
    parser.add_argument("--cli-repeat", type=int, default=5, help="median of this many runs of each command (default 5)")
    parser.add_argument("--memory-steps", type=int, default=100_000_000,
                        help="steps of the peak-memory measure (default 100_000_000; 0 skips it)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="benchmark only these schedules")
    parser.add_argument("--no-cli", action="store_true", help="skip the command benchmark")
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

    memory = bench_memory(args.memory_steps) if args.memory_steps else []
    if memory:
        print_memory(memory, args.memory_steps)
    cli = [] if args.no_cli else bench_cli(args.cli_repeat)
    if cli:
        print_cli(cli, args.cli_repeat)
    elapsed = time.perf_counter() - began
    print(f"\ntotal {elapsed:.0f} s")

    if args.json:
        payload = {"machine": info, "steps": args.steps, "repeat": args.repeat, "budget_s": args.budget,
                   "schedules": rows, "memory": memory, "cli": cli, "elapsed_s": elapsed}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"saved {args.json}")
    return 1 if any(r.get("check") == "MISMATCH" or r.get("status") != "ok" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
