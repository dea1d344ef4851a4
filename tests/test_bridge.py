"""to_callable and to_torch: what was plotted is what trains."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrviz
from lrviz.config import from_text
from lrviz.errors import ParameterError


def test_to_callable_gives_python_floats_of_the_formula():
    lr_at = lrviz.to_callable("cosine", lr=0.1, total_steps=100, min_lr=0.01)
    for t in (0, 37, 100, 150):
        expected = 0.01 + 0.09 * (1 + math.cos(math.pi * min(t, 100) / 100)) / 2
        assert type(lr_at(t)) is float and lr_at(t) == pytest.approx(expected, rel=1e-12)


def test_to_callable_accepts_a_schedule_a_mapping_and_a_config():
    schedule = lrviz.schedule("step", lr=1.0, total_steps=90, step_size=30, gamma=0.5)
    assert lrviz.to_callable(schedule)(60) == 0.25
    assert lrviz.to_callable({"name": "step", "params": {"lr": 1.0, "total_steps": 90, "step_size": 30}})(30) == 0.1
    cfg = from_text("total_steps: 100\nlr: 1.0\nschedules:\n  - {name: constant, label: flat}\n  - {name: linear}\n")
    assert lrviz.to_callable(cfg, label="linear")(50) == 0.5
    with pytest.raises(ParameterError, match="the config has 2 schedules; pick one with label="):
        lrviz.to_callable(cfg)
    with pytest.raises(ParameterError, match="no schedule labelled 'cos'"):
        lrviz.to_callable(cfg, label="cos")
    with pytest.raises(ParameterError, match="expected a Schedule"):
        lrviz.to_callable(3.5)


def test_to_callable_refuses_bad_steps():
    lr_at = lrviz.to_callable("cosine", total_steps=10)
    with pytest.raises(lrviz.LrvizError, match="steps must be >= 0"):
        lr_at(-1)


@pytest.mark.parametrize("name, params", [
    ("onecycle", {"lr": 0.3}),
    ("warmup", {"warmup_steps": 50, "schedule": {"name": "cosine", "params": {"min_lr": 1e-5}}}),
    ("torch.OneCycleLR", {"max_lr": 0.3}),
    ("cosine_restarts", {"first_period": 70}),
])
def test_to_torch_lambda_lr_sets_lrvizs_values_exactly(name, params):
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=123.0)
    scheduler = lrviz.to_torch(name, optimizer, total_steps=400, **params)
    assert isinstance(scheduler, torch.optim.lr_scheduler.LambdaLR)
    seen = []
    for _ in range(400):  # a full run: 400 updates, the scheduler stepped after each
        seen.append(optimizer.param_groups[0]["lr"])
        loss = model(torch.ones(1, 3)).sum()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()
    seen.append(optimizer.param_groups[0]["lr"])  # where the run ends
    expected = lrviz.schedule(name, total_steps=400, **params)(np.arange(401))
    np.testing.assert_array_equal(np.array(seen), expected)


def test_to_torch_resumes_at_last_epoch():
    torch = pytest.importorskip("torch")
    params = [torch.nn.Parameter(torch.zeros(2))]
    optimizer = torch.optim.SGD(params, lr=1.0)
    lrviz.to_torch("cosine", optimizer, total_steps=100)
    resumed = lrviz.to_torch("cosine", optimizer, total_steps=100, last_epoch=39)
    assert resumed.get_last_lr()[0] == float(lrviz.schedule("cosine", total_steps=100)(40))


def _run(torch, optimizer, scheduler, steps):
    """(lr, momentum or beta1) that each of ``steps`` updates uses, the scheduler stepped after each."""
    group = optimizer.param_groups[0]
    seen = []
    for _ in range(steps):
        seen.append((group["lr"], group["betas"][0] if "betas" in group else group["momentum"]))
        optimizer.step()
        scheduler.step()
    return np.array(seen)


@pytest.mark.parametrize("optimizer_name", ["SGD", "AdamW", "Adam"])
def test_to_torch_cycles_momentum_as_torch_onecyclelr_does(optimizer_name):
    """The twin of OneCycleLR, run through to_torch, against torch's own OneCycleLR on the same optimizer."""
    torch = pytest.importorskip("torch")

    def optimizer():
        kwargs = {"momentum": 0.9} if optimizer_name == "SGD" else {"betas": (0.9, 0.98)}
        return getattr(torch.optim, optimizer_name)([torch.nn.Parameter(torch.zeros(2))], lr=0.01, **kwargs)

    ours, theirs = optimizer(), optimizer()
    got = _run(torch, ours, lrviz.to_torch("torch.OneCycleLR", ours, max_lr=0.3, total_steps=300), 300)
    want = _run(torch, theirs, torch.optim.lr_scheduler.OneCycleLR(theirs, max_lr=0.3, total_steps=300), 300)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert got[:, 1].min() == pytest.approx(0.85) and got[0, 1] == pytest.approx(0.95)
    if optimizer_name != "SGD":
        assert ours.param_groups[0]["betas"][1] == 0.98  # beta2 kept


def test_to_torch_cycles_the_generic_onecycle_momentum():
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.01, momentum=0.9)
    seen = _run(torch, opt, lrviz.to_torch("onecycle", opt, lr=0.3, total_steps=100), 100)
    # the formula: momentum max -> base while the lr rises (cosine, peak at P = round(0.3 * 100) = 30)
    t = np.arange(31)
    expected = 0.85 + (0.95 - 0.85) * (1 + np.cos(np.pi * t / 30)) / 2
    np.testing.assert_allclose(seen[:31, 1], expected, rtol=1e-12)


def test_to_torch_refuses_momentum_on_an_optimizer_without_one():
    torch = pytest.importorskip("torch")
    opt = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(2))], lr=0.01)
    with pytest.raises(ParameterError, match="neither momentum nor betas.*cycle_momentum=False"):
        lrviz.to_torch("onecycle", opt, total_steps=100)
    lrviz.to_torch("onecycle", opt, total_steps=100, cycle_momentum=False)  # the lr alone is fine
