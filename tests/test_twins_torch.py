"""Twins of torch's schedulers: golden fixtures from torch 2.13, properties, parameter errors, and live parity.

The fixtures (tests/golden/torch.json) are written by tests/golden/make_torch.py
with the real torch; the live tests at the bottom run torch itself on
randomized parameters and are skipped where torch is not installed (CI).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from twin_golden import check, params

import lrviz
from lrviz import registry
from lrviz.errors import LrvizError, ParameterError, StepError
from lrviz.twins import torch as torch_twins
from lrviz.twins.plateau import torch_plateau

NAMES = sorted(torch_twins.TWINS)


@pytest.mark.parametrize("case", params("torch"))
def test_golden(case):
    check(case)


def test_every_case_name_is_covered():
    from twin_golden import cases

    recorded = {c["name"] for c in cases("torch")}
    assert set(NAMES) <= recorded


@pytest.mark.parametrize("name", NAMES)
def test_builds_by_name_alone_and_is_finite(name):
    schedule = lrviz.schedule(name)
    assert schedule.name == name
    t = np.arange(0, 1001)
    values = schedule(t)
    assert values.dtype == np.float64 and values.shape == t.shape
    assert np.isfinite(values).all()
    assert schedule(t).tolist() == values.tolist()  # pure: same numbers twice
    if schedule.has_momentum:
        assert np.isfinite(schedule.momentum(t)).all()
    assert isinstance(schedule(5), np.float64)


@pytest.mark.parametrize("name", NAMES)
def test_scalar_and_array_agree(name):
    schedule = registry.build(name, {}, total_steps=200)
    t = np.array([0, 3, 77, 150, 199])
    assert [float(schedule(int(k))) for k in t] == schedule(t).tolist()


# --- formulas by hand (reference §20 numbers) ------------------------------------------------------


def test_step_lr_by_hand():
    s = lrviz.schedule("torch.StepLR", lr=1.0, step_size=3, gamma=0.5)
    assert s(np.arange(10)).tolist() == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]


def test_multistep_duplicates_compound():
    s = lrviz.schedule("torch.MultiStepLR", lr=1.0, milestones=[2, 5, 5], gamma=0.1)
    np.testing.assert_allclose(s(np.arange(7)), [1, 1, 0.1, 0.1, 0.1, 0.001, 0.001], rtol=1e-15)


def test_cosine_rises_after_t_max():
    s = lrviz.schedule("torch.CosineAnnealingLR", lr=1.0, T_max=10, eta_min=0.1)
    v = s(np.arange(31))
    assert v[10] == pytest.approx(0.1, abs=1e-15) and v[20] == pytest.approx(1.0, abs=1e-14)
    assert v[30] == pytest.approx(0.1, abs=1e-14) and v[15] > v[10]
    assert s.periodic


def test_onecycle_extrapolates_at_total_steps_and_raises_after():
    s = lrviz.schedule("torch.OneCycleLR", lr=1.0, total_steps=10)
    assert s(2) == pytest.approx(1.0) and s(9) == pytest.approx(4e-6)
    assert s(10) == pytest.approx(0.0495194, abs=1e-7)  # cos rebounds at t = T
    lin = lrviz.schedule("torch.OneCycleLR", lr=1.0, total_steps=10, anneal_strategy="linear")
    assert lin(10) == pytest.approx(-0.142853, abs=1e-6)
    with pytest.raises(StepError, match="Tried to step 11 times. The specified number of total steps is 10"):
        s(np.array([0, 11]))
    with pytest.raises(StepError, match="Tried to step 11 times"):
        s.momentum(11)


def test_onecycle_epochs_times_steps_per_epoch():
    a = registry.build("torch.OneCycleLR", {"epochs": 4, "steps_per_epoch": 25, "lr": 1.0})
    b = lrviz.schedule("torch.OneCycleLR", total_steps=100, lr=1.0)
    t = np.arange(101)
    assert a(t).tolist() == b(t).tolist()
    assert a.params["total_steps"] == 100
    with pytest.raises(LrvizError, match="epochs"):
        registry.build("torch.OneCycleLR", {"epochs": 4})


def test_sequential_linear_then_exponential():
    s = lrviz.schedule("torch.SequentialLR", lr=1.0, milestones=[3], schedulers=[
        {"name": "torch.LinearLR", "params": {"start_factor": 0.1, "total_iters": 3}},
        {"name": "torch.ExponentialLR", "params": {"gamma": 0.5}}])
    np.testing.assert_allclose(s(np.arange(6)), [0.1, 0.4, 0.7, 1.0, 0.5, 0.25], rtol=1e-14)
    assert (3, "torch.ExponentialLR starts", "phase") in s.marks


def test_chained_is_the_product_of_chainable_closed_forms():
    s = lrviz.schedule("torch.ChainedScheduler", lr=1.0, schedulers=[
        {"name": "torch.LinearLR", "params": {"start_factor": 0.5, "total_iters": 2}},
        {"name": "torch.CosineAnnealingLR", "params": {"T_max": 4}}])
    t = np.arange(9)
    linear = 0.5 + 0.5 * np.minimum(t, 2) / 2
    cosine = (1 + np.cos(np.pi * t / 4)) / 2
    np.testing.assert_allclose(s(t), linear * cosine, rtol=1e-12, atol=1e-16)


def test_plateau_core_reference_numbers():
    out = torch_plateau(1.0, [1.0] * 8 + [0.5] * 4, patience=2, cooldown=1, factor=0.5, threshold=0.0)
    assert out.tolist() == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125]
    assert torch_plateau(1.0, [1, 1, 1], patience=0, factor=0.5).tolist() == [1, 1, 0.5, 0.25]  # the first is an improvement
    assert torch_plateau(1e-8, [1.0] * 5, patience=0, factor=0.5).tolist() == [1e-8] * 6  # eps
    assert torch_plateau(1.0, [], patience=0).tolist() == [1.0]


def test_plateau_holds_past_the_series():
    s = lrviz.schedule("torch.ReduceLROnPlateau", lr=1.0, patience=0, factor=0.5, metrics=[1.0, 1.0, 1.0])
    assert s(np.array([0, 2, 3, 4, 100])).tolist() == [1.0, 0.5, 0.25, 0.25, 0.25]
    hf = lrviz.schedule("hf.reduce_lr_on_plateau", lr=1.0, patience=0, factor=0.5, metrics=[1.0, 1.0, 1.0])
    assert hf(np.arange(5)).tolist() == s(np.arange(5)).tolist()


def test_metrics_from_a_csv_file(tmp_path):
    path = tmp_path / "loss.csv"
    path.write_text("epoch,loss\n0,1.0\n1,1.0\n2,1.0\n")
    s = lrviz.schedule("torch.ReduceLROnPlateau", lr=1.0, patience=0, factor=0.5, metrics=str(path))
    assert s(np.arange(5)).tolist() == [1.0, 1.0, 0.5, 0.25, 0.25]


def test_blocks_and_far_steps_are_consistent():
    """Values asked for one at a time, out of order or across block ends, are the same."""
    s = lrviz.schedule("torch.MultiplicativeLR", lr=1.0, lr_lambda="1 - 1e-6 * (t % 7)")
    t = np.arange(0, 70000)
    dense = s(t)
    picks = np.array([69999, 32768, 32769, 5, 65536, 65537, 0])
    assert s(picks).tolist() == dense[picks].tolist()
    fresh = lrviz.schedule("torch.MultiplicativeLR", lr=1.0, lr_lambda="1 - 1e-6 * (t % 7)")
    assert fresh(np.array([65537])).tolist() == [dense[65537]]


@pytest.mark.parametrize("schedulers", [
    [{"name": "torch.CosineAnnealingLR", "params": {"T_max": 5000, "eta_min": 0.01}},
     {"name": "torch.LinearLR", "params": {"start_factor": 0.5, "total_iters": 777}}],
    [{"name": "torch.CyclicLR", "params": {"step_size_up": 300}}, {"name": "torch.ExponentialLR", "params": {"gamma": 0.9999}}],
])
def test_far_blocks_from_the_last_set_map_are_exact(schedulers):
    """A block far from the last checkpoint starts from the last map that sets the lr: the values of stepping.

    Equal to within a few ulps (1e-13 relative): the sparse path multiplies the
    chained factors in a different grouping, which can move the last bits (seen: 1.5e-15).
    """
    t = np.array([0, 150_001, 200_000, 333_333])
    sparse = lrviz.schedule("torch.ChainedScheduler", lr=1.0, schedulers=schedulers)
    dense = lrviz.schedule("torch.ChainedScheduler", lr=1.0, schedulers=schedulers)
    everything = np.arange(333_334)
    np.testing.assert_allclose(sparse(t), dense(everything)[t], rtol=1e-13, atol=0)
    if sparse.has_momentum:
        np.testing.assert_allclose(sparse.momentum(t), dense.momentum(everything)[t], rtol=1e-13, atol=0)


def test_exponential_far_closed_form_is_close():
    s = lrviz.schedule("torch.ExponentialLR", lr=1.0, gamma=1 - 1e-7)
    far = s(np.array([torch_twins.EXACT_LIMIT - 1, torch_twins.EXACT_LIMIT, 10**9]))
    np.testing.assert_allclose(far, (1 - 1e-7) ** np.array([torch_twins.EXACT_LIMIT - 1, torch_twins.EXACT_LIMIT, 10**9]),
                               rtol=1e-9)


def test_cosine_far_closed_form_is_close(monkeypatch):
    monkeypatch.setattr(torch_twins, "EXACT_LIMIT", 1 << 16)
    s = lrviz.schedule("torch.CosineAnnealingLR", lr=1.0, T_max=1000, eta_min=0.01)
    t = np.array([(1 << 16) - 2, (1 << 16) + 3, 10**9 + 7])
    closed = 0.01 + 0.99 * (1 + np.cos(np.pi * t / 1000)) / 2
    np.testing.assert_allclose(s(t), closed, rtol=1e-9)


def test_momentum_curves():
    c = lrviz.schedule("torch.CyclicLR", base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=3)
    np.testing.assert_allclose(c.momentum(np.arange(6)), [0.9, 0.85, 0.8, 0.8333333333, 0.8666666667, 0.9], atol=1e-9)
    assert not lrviz.schedule("torch.CyclicLR", cycle_momentum=False).has_momentum
    o = lrviz.schedule("torch.OneCycleLR", lr=1.0, total_steps=10)
    np.testing.assert_allclose(o.momentum(np.array([0, 2, 9])), [0.95, 0.85, 0.95], atol=1e-12)
    seq = lrviz.schedule("torch.SequentialLR", lr=1.0, milestones=[3], schedulers=[
        {"name": "torch.ExponentialLR", "params": {"gamma": 0.5}},
        {"name": "torch.OneCycleLR", "params": {"total_steps": 6}}])
    assert seq.has_momentum and np.isfinite(seq.momentum(np.arange(9))).all()


def test_constant_lr_factor_zero_raises_at_total_iters():
    s = lrviz.schedule("torch.ConstantLR", lr=1.0, factor=0.0, total_iters=4)
    assert s(np.arange(4)).tolist() == [0.0] * 4
    with pytest.raises(StepError, match="float division by zero"):
        s(4)


def test_negative_lr_is_refused_at_its_step():
    """torch's chainable cosine with eta_min, chained with a StepLR, goes below 0 at step 17 (-0.0086)."""
    s = lrviz.schedule("torch.ChainedScheduler", lr=1.0, schedulers=[
        {"name": "torch.CosineAnnealingLR", "params": {"T_max": 10, "eta_min": 0.1}},
        {"name": "torch.StepLR", "params": {"step_size": 3, "gamma": 0.5}}])
    assert (s(np.arange(17)) > 0).all()
    with pytest.raises(StepError, match=r"the lr at step 17 is -0\.0086"):
        s(np.arange(20))
    lam = lrviz.schedule("torch.LambdaLR", lr_lambda="1 - t / 10")
    assert lam(10) == 0.0
    with pytest.raises(StepError, match="at step 11"):
        lam(np.array([3, 11]))
    with pytest.raises(StepError, match="inf"):
        lrviz.schedule("torch.ExponentialLR", gamma=2.0)(5000)
    # the one negative value kept: OneCycleLR's linear extrapolation at t = total_steps
    assert lrviz.schedule("torch.OneCycleLR", total_steps=10, anneal_strategy="linear")(10) < 0


def test_far_steps_without_closed_form_stop_at_the_limit():
    s = lrviz.schedule("torch.MultiplicativeLR")
    with pytest.raises(StepError, match="no closed form"):
        s(torch_twins.SEQUENTIAL_LIMIT + 1)
    assert np.isfinite(lrviz.schedule("torch.LinearLR", total_iters=2**40)(np.array([5, 2**22, 2**45]))).all()


def test_sequential_nested_composite_after_first_raises():
    s = lrviz.schedule("torch.SequentialLR", lr=1.0, milestones=[4], schedulers=[
        {"name": "torch.StepLR", "params": {"step_size": 2}},
        {"name": "torch.ChainedScheduler", "params": {"schedulers": [{"name": "torch.ExponentialLR", "params": {"gamma": 0.9}}]}}])
    assert np.isfinite(s(np.arange(4))).all()
    with pytest.raises(StepError, match="NotImplementedError"):
        s(np.arange(6))


# --- parameter errors ------------------------------------------------------------------------


BAD = [
    ("torch.ConstantLR", {"factor": 1.5}, "factor"),
    ("torch.LinearLR", {"start_factor": 0.0}, "start_factor"),
    ("torch.LinearLR", {"end_factor": 2.0}, "end_factor"),
    ("torch.StepLR", {"step_size": 0}, "step_size"),
    ("torch.CosineAnnealingLR", {"T_max": 0}, "T_max"),
    ("torch.CosineAnnealingWarmRestarts", {"T_0": 0}, "T_0"),
    ("torch.CosineAnnealingWarmRestarts", {"T_mult": 0}, "T_mult"),
    ("torch.CosineAnnealingWarmRestarts", {"T_mult": 1.5}, "T_mult"),
    ("torch.OneCycleLR", {"pct_start": 1.5}, "pct_start"),
    ("torch.OneCycleLR", {"anneal_strategy": "cosine"}, "anneal_strategy"),
    ("torch.OneCycleLR", {"total_steps": 10, "pct_start": 0.1}, "pct_start"),  # ZeroDivisionError at construction
    ("torch.OneCycleLR", {"div_factor": 0.0}, "div_factor"),
    ("torch.CyclicLR", {"mode": "sine"}, "mode"),
    ("torch.CyclicLR", {"step_size_up": 0}, "step_size_up"),
    ("torch.CyclicLR", {"scale_mode": "steps"}, "scale_mode"),
    ("torch.SWALR", {"anneal_strategy": "exp"}, "anneal_strategy"),
    ("torch.SWALR", {"anneal_epochs": -1}, "anneal_epochs"),
    ("torch.ReduceLROnPlateau", {"factor": 1.0}, "factor"),
    ("torch.ReduceLROnPlateau", {"mode": "up"}, "mode"),
    ("torch.ReduceLROnPlateau", {"threshold_mode": "pct"}, "threshold_mode"),
    ("hf.reduce_lr_on_plateau", {"factor": 2.0}, "factor"),
    ("torch.LambdaLR", {"lr_lambda": "__import__('os')"}, "lr_lambda"),
    ("torch.MultiStepLR", {"milestones": [3, -1]}, "milestones"),
    ("torch.SequentialLR", {"milestones": [1, 2]}, "milestones"),
    ("torch.SequentialLR", {"schedulers": []}, "schedulers"),
    ("torch.SequentialLR", {"milestones": [5, 3], "schedulers": ["torch.StepLR", "torch.StepLR", "torch.StepLR"]},
     "milestones"),
    ("torch.SequentialLR", {"schedulers": ["cosine", "torch.StepLR"]}, "schedulers"),
    ("torch.ChainedScheduler", {"schedulers": ["torch.StepLR", "torch.ReduceLROnPlateau"]}, "schedulers"),
    ("torch.ChainedScheduler", {"schedulers": [{"name": "torch.StepLR", "params": {"lr": 0.5}}]}, "lr"),
    ("torch.ChainedScheduler", {"schedulers": []}, "schedulers"),
    ("torch.StepLR", {"lr": -1.0}, "lr"),
    ("torch.ExponentialLR", {"gamma": "fast"}, "gamma"),
    ("torch.ExponentialLR", {"gamma": -0.5}, "gamma"),
    ("torch.CosineAnnealingLR", {"eta_min": -0.01}, "eta_min"),
    ("torch.CosineAnnealingWarmRestarts", {"eta_min": -0.01}, "eta_min"),
    ("torch.SWALR", {"swa_lr": -0.01}, "swa_lr"),
    ("torch.CyclicLR", {"base_momentum": 1.5}, "base_momentum"),
    ("torch.OneCycleLR", {"max_momentum": -0.1}, "max_momentum"),
    ("torch.OneCycleLR", {"div_factor": -25.0}, "div_factor"),
    ("torch.ReduceLROnPlateau", {"min_lr": -1.0}, "min_lr"),
]


@pytest.mark.parametrize("name, bad, param", BAD, ids=[f"{n}-{p}-{i}" for i, (n, _, p) in enumerate(BAD)])
def test_parameter_errors(name, bad, param):
    with pytest.raises(LrvizError) as info:
        registry.build(name, bad)
    err = info.value
    errors = getattr(err, "errors", [err])
    assert all(isinstance(e, ParameterError) for e in errors)
    assert any(param in e.param for e in errors), [e.param for e in errors]


# torch 2.13, torch/optim/lr_scheduler.py: OneCycleLR.__init__
#     if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
#         raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
# CosineAnnealingWarmRestarts.__init__
#     if T_mult < 1 or not isinstance(T_mult, int):
#         raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
TYPE_REFUSALS = [
    ("torch.OneCycleLR", {"total_steps": 10, "pct_start": 1}, "pct_start", "Expected float between 0 and 1 pct_start, but got 1"),
    ("torch.OneCycleLR", {"total_steps": 10, "pct_start": 0}, "pct_start", "Expected float between 0 and 1 pct_start, but got 0"),
    ("torch.CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2.0}, "T_mult", "Expected integer T_mult >= 1, but got 2.0"),
]


FACTORIES = {"torch.OneCycleLR": torch_twins.one_cycle_lr,
             "torch.CosineAnnealingWarmRestarts": torch_twins.cosine_annealing_warm_restarts}


@pytest.mark.parametrize("name, bad, param, message", TYPE_REFUSALS)
def test_torch_refuses_an_int_pct_start_and_a_float_T_mult(name, bad, param, message):
    # the factories themselves: the registry coerces a float parameter to float and an int one to int first
    with pytest.raises(ParameterError) as info:
        FACTORIES[name](**bad)
    assert info.value.param == param and message in info.value.message


@pytest.mark.parametrize("name, bad, param, message", TYPE_REFUSALS)
def test_torch_refusal_messages_live(name, bad, param, message):
    torch = pytest.importorskip("torch")
    from torch.optim import lr_scheduler as S

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        getattr(S, name.split(".")[1])(opt, **bad, **({"max_lr": 0.1} if name == "torch.OneCycleLR" else {}))


def test_factories_raise_parameter_errors_directly():
    with pytest.raises(ParameterError):
        torch_twins.one_cycle_lr(total_steps=10, pct_start=0.1)
    with pytest.raises(ParameterError):
        torch_twins.cosine_annealing_lr(T_max=-3)
    with pytest.raises(ParameterError):
        torch_plateau(0.1, [1.0], factor=1.0)


# --- live parity against torch (skipped without torch) --------------------------------------------


def _torch_run(make, steps: int, momentum: bool = False):
    """get_last_lr()[0] (and momentum) after 0..steps-1 calls of step(), or the step where torch raised."""
    import warnings

    import torch

    warnings.simplefilter("ignore")
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    for t in range(steps):
        if t:
            try:
                opt.step()
                sched.step()
            except (ValueError, ZeroDivisionError, OverflowError):
                return lrs, moms, t
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
    return lrs, moms, None


def _compare(schedule, lrs, moms, raised, *, momentum=False, rtol=1e-12, atol=0.0):
    t = np.arange(len(lrs))
    np.testing.assert_allclose(schedule(t), lrs, rtol=rtol, atol=atol)
    if momentum:
        np.testing.assert_allclose(schedule.momentum(t), moms, rtol=rtol, atol=atol)
    if raised is not None:
        with pytest.raises(StepError):
            schedule(raised)


@pytest.mark.parametrize("seed", range(12))
def test_live_chainable_random(seed):
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    rng = np.random.default_rng(seed)
    lr = float(rng.uniform(0.01, 1))
    step_size, gamma = int(rng.integers(1, 9)), float(rng.uniform(0.3, 1.2))
    n = int(rng.integers(0, 30))
    s, e = float(rng.uniform(0.05, 1)), float(rng.uniform(0, 1))
    T, eta = int(rng.integers(1, 40)), float(rng.uniform(0, 0.5)) * lr * (seed % 2)
    power = float(rng.uniform(0.3, 3))
    ms = sorted(int(x) for x in rng.integers(0, 40, size=4))
    kinds = [
        (lambda o: S.StepLR(o, step_size, gamma), "torch.StepLR", dict(step_size=step_size, gamma=gamma)),
        (lambda o: S.MultiStepLR(o, ms, gamma), "torch.MultiStepLR", dict(milestones=ms, gamma=gamma)),
        (lambda o: S.LinearLR(o, s, e, n), "torch.LinearLR", dict(start_factor=s, end_factor=e, total_iters=n)),
        (lambda o: S.ConstantLR(o, e, n), "torch.ConstantLR", dict(factor=e, total_iters=n)),
        (lambda o: S.ExponentialLR(o, gamma), "torch.ExponentialLR", dict(gamma=gamma)),
        (lambda o: S.PolynomialLR(o, n, power), "torch.PolynomialLR", dict(total_iters=n, power=power)),
        (lambda o: S.CosineAnnealingLR(o, T, eta), "torch.CosineAnnealingLR", dict(T_max=T, eta_min=eta)),
        (lambda o: S.CosineAnnealingWarmRestarts(o, T, 1 + seed % 3, eta), "torch.CosineAnnealingWarmRestarts",
         dict(T_0=T, T_mult=1 + seed % 3, eta_min=eta)),
    ]
    for make, name, kw in kinds:

        def build(o, make=make):
            o.param_groups[0]["lr"] = lr
            return make(o)

        lrs, moms, raised = _torch_run(build, 300)
        _compare(lrviz.schedule(name, lr=lr, **kw), lrs, moms, raised, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", range(8))
def test_live_cyclic_onecycle_swa_random(seed):
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    from torch.optim.swa_utils import SWALR

    rng = np.random.default_rng(100 + seed)
    mode = ["triangular", "triangular2", "exp_range"][seed % 3]
    up, down = int(rng.integers(1, 12)), int(rng.integers(0, 12))
    base, top, gamma = float(rng.uniform(0, 0.1)), float(rng.uniform(0.2, 1)), float(rng.uniform(0.9, 1))
    T = int(rng.integers(20, 200))
    pct = float(rng.uniform(0.1, 0.9))
    three = bool(seed % 2)
    strategy = ["cos", "linear"][seed % 2]
    cyc = _torch_run(lambda o: S.CyclicLR(o, base, top, up, down, mode, gamma), 200)
    _compare(lrviz.schedule("torch.CyclicLR", base_lr=base, max_lr=top, step_size_up=up, step_size_down=down, mode=mode,
                            gamma=gamma), *cyc, momentum=True)
    one = _torch_run(lambda o: S.OneCycleLR(o, top, total_steps=T, pct_start=pct, anneal_strategy=strategy,
                                            three_phase=three), T + 5)
    assert one[2] == T + 1
    _compare(lrviz.schedule("torch.OneCycleLR", max_lr=top, total_steps=T, pct_start=pct, anneal_strategy=strategy,
                            three_phase=three), *one, momentum=True)
    A = int(rng.integers(0, 20))
    swa = _torch_run(lambda o: SWALR(o, base, A, strategy), 40)
    _compare(lrviz.schedule("torch.SWALR", lr=0.1, swa_lr=base, anneal_epochs=A, anneal_strategy=strategy), *swa)


@pytest.mark.parametrize("seed", range(10))
def test_live_compositions_random(seed):
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    from torch.optim.swa_utils import SWALR

    rng = np.random.default_rng(200 + seed)
    pool = [
        ("torch.StepLR", lambda o, p: S.StepLR(o, **p), lambda: dict(step_size=int(rng.integers(1, 6)), gamma=0.7)),
        ("torch.ExponentialLR", lambda o, p: S.ExponentialLR(o, **p), lambda: dict(gamma=float(rng.uniform(0.8, 1)))),
        ("torch.LinearLR", lambda o, p: S.LinearLR(o, **p),
         lambda: dict(start_factor=float(rng.uniform(0.1, 1)), end_factor=float(rng.uniform(0, 1)),
                      total_iters=int(rng.integers(1, 8)))),
        ("torch.ConstantLR", lambda o, p: S.ConstantLR(o, **p),
         lambda: dict(factor=float(rng.uniform(0.1, 1)), total_iters=int(rng.integers(0, 6)))),
        ("torch.CosineAnnealingLR", lambda o, p: S.CosineAnnealingLR(o, **p),
         lambda: dict(T_max=int(rng.integers(1, 9)), eta_min=float(rng.choice([0.0, 0.01])))),
        ("torch.PolynomialLR", lambda o, p: S.PolynomialLR(o, **p),
         lambda: dict(total_iters=int(rng.integers(1, 9)), power=float(rng.uniform(0.5, 2)))),
        ("torch.MultiStepLR", lambda o, p: S.MultiStepLR(o, **p),
         lambda: dict(milestones=sorted(int(x) for x in rng.integers(0, 12, 3)), gamma=0.5)),
        ("torch.CosineAnnealingWarmRestarts", lambda o, p: S.CosineAnnealingWarmRestarts(o, **p),
         lambda: dict(T_0=int(rng.integers(1, 6)), T_mult=int(rng.integers(1, 3)))),
        ("torch.SWALR", lambda o, p: SWALR(o, **p),
         lambda: dict(swa_lr=0.05, anneal_epochs=int(rng.integers(0, 5)), anneal_strategy="linear")),
        ("torch.CyclicLR", lambda o, p: S.CyclicLR(o, cycle_momentum=False, **p),
         lambda: dict(base_lr=0.01, max_lr=0.3, step_size_up=int(rng.integers(1, 5)))),
    ]
    k = int(rng.integers(2, 4))
    picks = [pool[int(i)] for i in rng.choice(len(pool), size=k, replace=True)]
    kw = [make_params() for _, _, make_params in picks]
    specs = [{"name": name, "params": dict(p, **({"cycle_momentum": False} if name == "torch.CyclicLR" else {}))}
             for (name, _, _), p in zip(picks, kw)]
    lr = float(rng.uniform(0.1, 1))
    ms = sorted(int(x) for x in rng.integers(0, 25, size=k - 1))

    def chained(o):
        o.param_groups[0]["lr"] = lr
        return S.ChainedScheduler([make(o, p) for (_, make, _), p in zip(picks, kw)], o)

    def sequential(o):
        o.param_groups[0]["lr"] = lr
        return S.SequentialLR(o, [make(o, p) for (_, make, _), p in zip(picks, kw)], ms)

    _compare(lrviz.schedule("torch.ChainedScheduler", lr=lr, schedulers=specs), *_torch_run(chained, 80),
             rtol=1e-11, atol=1e-300)
    _compare(lrviz.schedule("torch.SequentialLR", lr=lr, schedulers=specs, milestones=ms), *_torch_run(sequential, 80),
             rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("seed", range(6))
def test_live_plateau_random(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(300 + seed)
    metrics = (1 / (1 + np.arange(200) / 30) + rng.normal(0, 0.02, 200)).tolist()
    if seed % 2:
        metrics = [1 - m for m in metrics]
    kw = dict(mode="max" if seed % 2 else "min", factor=float(rng.uniform(0.1, 0.9)), patience=int(rng.integers(0, 5)),
              threshold=float(rng.choice([0.0, 1e-4, 0.01])), threshold_mode=["rel", "abs"][seed % 3 == 0],
              cooldown=int(rng.integers(0, 4)), min_lr=float(rng.choice([0.0, 1e-3])), eps=float(rng.choice([1e-8, 1e-3])))
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    expected = [sched.get_last_lr()[0]]
    for m in metrics:
        sched.step(m)
        expected.append(sched.get_last_lr()[0])
    assert torch_plateau(0.1, metrics, **kw).tolist() == expected
    s = lrviz.schedule("torch.ReduceLROnPlateau", lr=0.1, metrics=metrics, **kw)
    assert s(np.arange(len(metrics) + 1)).tolist() == expected


def test_live_lambda_and_multiplicative():
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    lam = _torch_run(lambda o: S.LambdaLR(o, lambda t: math.cos(t / 10) ** 2 + 0.1), 100)
    _compare(lrviz.schedule("torch.LambdaLR", lr_lambda="cos(t / 10) ** 2 + 0.1"), *lam, rtol=1e-14)
    mul = _torch_run(lambda o: S.MultiplicativeLR(o, lambda t: 1 - 0.01 * (t % 5)), 300)
    _compare(lrviz.schedule("torch.MultiplicativeLR", lr_lambda="1 - 0.01 * (t % 5)"), *mul, rtol=1e-14)


@pytest.mark.parametrize("given, expected_total", [
    ({"total_steps": 500, "epochs": 10, "steps_per_epoch": 100}, 500),  # torch: total_steps wins
    ({"epochs": 10, "steps_per_epoch": 100}, 1000),  # the config's length is not torch's total_steps
])
def test_onecycle_total_steps_wins_over_epochs_as_in_torch(given, expected_total):
    from lrviz import registry

    twin = registry.build("torch.OneCycleLR", {"max_lr": 0.1, **given}, total_steps=2000)
    assert twin.params["total_steps"] == expected_total
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, **given)
    assert sched.total_steps == expected_total
    seen = []
    for _ in range(expected_total):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(twin(np.arange(expected_total)), seen, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ["torch.ReduceLROnPlateau", "hf.reduce_lr_on_plateau", "timm.plateau"])
def test_plateau_takes_nan_and_inf_metrics_as_torch_does(name):
    """A diverged evaluation (NaN) never improves: torch counts it as a bad epoch, and so must the twin."""
    from lrviz import registry

    metrics = [1.0, float("nan"), 0.5, float("inf"), 0.9] + [float("nan")] * 6 + [0.1, 0.2, 0.3]
    written = [1.0, "nan", 0.5, ".inf", 0.9] + [".nan"] * 6 + [0.1, 0.2, 0.3]  # as a config spells them
    params = {"patience": 2} if name != "timm.plateau" else {"patience_t": 2, "mode": "min"}  # timm: max
    twin = registry.build(name, {"metrics": written, **params}, total_steps=len(metrics) + 1, lr=0.1)
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2)
    seen = [opt.param_groups[0]["lr"]]
    for m in metrics:
        sched.step(m)
        seen.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(twin(np.arange(len(metrics) + 1)), seen, rtol=1e-15, atol=0)
    assert seen[-1] < 0.1  # the NaNs did reduce it
