"""Schedule.breaks: a schedule that declares its monotone pieces must really be monotone on
each, and the fast display path built on it must find the same extremes as evaluating every step."""

from __future__ import annotations

import numpy as np
import pytest

import lrviz
from lrviz.decimate import block_length, reduce_curves

CASES = [
    ("constant", {}),
    ("step", {"step_size": 7, "gamma": 0.5}),
    ("step", {"step_size": 30, "gamma": 2.0}),
    ("step", {"step_size": 5, "gamma": 0.0}),
    ("multistep", {"milestones": [10, 50, 51], "gamma": 0.3}),
    ("piecewise", {"boundaries": [5, 40, 41, 100], "values": [0.1, 0.5, 0.01, 0.2, 0.3]}),  # up and down
    ("exponential", {"decay_rate": 0.5, "decay_steps": 13, "staircase": True}),
    ("exponential", {"decay_rate": 1.5, "decay_steps": 300}),
    ("natural_exp", {"decay_rate": 0.3, "decay_steps": 10, "staircase": True}),
    ("inverse_time", {"decay_rate": 2.0, "decay_steps": 7, "staircase": True}),
    ("polynomial", {"decay_steps": 50, "power": 0.5, "min_lr": 0.01}),
    ("linear", {"min_lr": 0.2}),
    ("linear", {"decay_steps": 30}),
    ("cosine", {"min_lr": 0.01, "decay_steps": 37}),
    ("tanh", {"lb": -2.0, "ub": 5.0}),
    ("noam", {"warmup_steps": 17}),
    ("noam", {"d_model": 512}),
    ("inverse_sqrt", {"warmup_steps": 25, "start_lr": 0.05}),
    ("inverse_sqrt", {"warmup_steps": 0}),
    ("wsd", {"decay_shape": "cosine"}),
    ("wsd", {"decay_shape": "1-sqrt", "start_lr": 0.3, "min_lr": 0.02}),
    ("wsd", {"warmup_steps": 0, "decay_steps": 0}),
    ("tri_stage", {}),
    ("tri_stage", {"warmup_steps": 3, "hold_steps": 0, "decay_steps": 9, "final_scale": 0.5}),
    ("onecycle", {}),
    ("onecycle", {"three_phase": True, "pct_start": 0.25}),
    ("onecycle", {"anneal": "linear", "pct_start": 0.9}),
    ("warmup", {"warmup_steps": 13, "schedule": {"name": "cosine"}}),
    ("warmup", {"warmup_steps": 40, "shape": "cosine", "schedule": {"name": "step", "params": {"step_size": 10}}}),
    ("warmup", {"warmup_steps": 40, "start_lr": 0.3, "schedule": {"name": "onecycle"}}),  # falls, then one-cycle
    ("clamp", {"schedule": {"name": "onecycle"}, "min_lr": 0.01, "max_lr": 0.08}),
]


def build(name: str, params: dict, total_steps: int):
    return lrviz.schedule(name, lr=0.1, total_steps=total_steps, **params)


@pytest.mark.parametrize("total_steps", [200, 1001])
@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_declared_pieces_are_monotone(name, params, total_steps):
    schedule = build(name, params, total_steps)
    assert schedule.breaks is not None, f"{name} should declare its monotone pieces"
    t = np.arange(total_steps + 20)
    for values in (schedule(t), schedule.momentum(t)):
        if values is None:
            continue
        tol = 1e-12 * max(1.0, float(np.abs(values).max()))
        edges = [0, *[b for b in schedule.breaks if b < len(t)], len(t)]
        for start, stop in zip(edges, edges[1:]):
            d = np.diff(values[start:stop])
            assert (d >= -tol).all() or (d <= tol).all(), f"not monotone on [{start}, {stop})"


@pytest.mark.parametrize("columns", [7, 50])
@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_the_monotone_path_finds_every_blocks_extremes(name, params, columns):
    total_steps = 1001
    schedule = build(name, params, total_steps)
    n = total_steps + 1
    momentum = schedule.momentum if schedule.has_momentum else None
    fast_steps, fast = reduce_curves([schedule, momentum], n, columns, breaks=schedule.breaks)
    assert len(fast_steps) < n
    t = np.arange(n)
    block = block_length(n, columns)
    for i, full in enumerate((schedule(t), schedule.momentum(t))):
        if full is None:
            assert fast[i] is None
            continue
        np.testing.assert_array_equal(fast[i], full[fast_steps])  # the kept points are true values
        for start in range(0, n, block):
            inside = (fast_steps >= start) & (fast_steps < start + block)
            assert start in fast_steps[inside] and min(start + block, n) - 1 in fast_steps[inside]
            np.testing.assert_allclose(fast[i][inside].min(), full[start:start + block].min(), rtol=1e-12)
            np.testing.assert_allclose(fast[i][inside].max(), full[start:start + block].max(), rtol=1e-12)


@pytest.mark.parametrize("name", ["noisy_linear_cosine", "cyclic", "cosine_restarts", "keyframes", "multiply"])
def test_schedules_that_are_not_piecewise_monotone_declare_nothing(name):
    assert lrviz.schedule(name, lr=0.1, total_steps=1000).breaks is None


def test_warmup_over_an_unknown_schedule_declares_nothing():
    assert build("warmup", {"schedule": {"name": "noisy_linear_cosine"}}, 1000).breaks is None
