"""Twins against tests/golden/twins_two.json (issue 21, round two), recorded from the real libraries
inside their own training loops by tests/golden/make_twins_two.py (CI needs none of them)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lrviz import registry
from lrviz.errors import LrvizError, StepError

from twin_golden import GOLDEN

_DATA = json.loads((GOLDEN / "twins_two.json").read_text())
CASES = [pytest.param(case, id=case["id"]) for section in _DATA["sections"].values() for case in section["cases"]]


def build(case: dict):
    ctx = registry.Context(total_steps=case.get("total_steps", case["params"].get("total_steps")),
                           steps_per_epoch=case.get("steps_per_epoch"))
    return registry.build_at(case["name"], case["params"], ctx, counting=case.get("counting", "cumulative"))


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    if "lr" not in case:  # the library refuses the parameters
        with pytest.raises(LrvizError, match=case["error"]):
            build(case)(np.asarray(case.get("steps") or [0]))
        return
    schedule = build(case)
    steps = np.asarray(case["steps"], dtype=np.int64)
    expected = np.asarray(case["lr"], dtype=np.float64)
    got = schedule(steps)
    np.testing.assert_allclose(got, expected, rtol=case.get("rtol", 1e-12), atol=case.get("atol", 0.0),
                               err_msg=case["id"])
    if case.get("momentum") is not None:
        np.testing.assert_allclose(schedule.momentum(steps), np.asarray(case["momentum"]), rtol=case.get("rtol", 1e-12),
                                   err_msg=f"{case['id']}: momentum")
    if case.get("raises_at") is not None:  # torch raised at this step() call
        with pytest.raises(StepError, match=case["error"]):
            schedule(np.asarray([case["raises_at"]]))
    if "identical_at_least" in case:  # most steps bit-identical, not merely close
        same = np.mean(np.float32(got) == np.float32(expected))
        assert same >= case["identical_at_least"], f"{case['id']}: only {same:.1%} identical"


def test_the_fixture_has_every_section():
    assert set(_DATA["sections"]) == {"keras", "torch", "timm", "hf"}


PLATEAU_LIKE = ["keras.ReduceLROnPlateau", "timm.plateau", "torch.ReduceLROnPlateau", "hf.reduce_lr_on_plateau",
                "hf.greedy"]


@pytest.mark.parametrize("name", PLATEAU_LIKE)
def test_a_twin_stepped_per_metric_sees_the_epoch_index_under_epoch_constant(name):
    ctx = registry.Context(total_steps=200, steps_per_epoch=10)
    metrics = [1.0] * 3 + [0.5] * 17
    alone = registry.build_at(name, {"metrics": metrics, "lr": 0.1}, ctx)
    per_update = registry.build_at(name, {"metrics": metrics, "lr": 0.1}, ctx, counting="epoch_constant")
    u = np.arange(200)
    np.testing.assert_array_equal(per_update(u), alone(u // 10))
    assert all(m.step % 10 == 0 for m in per_update.marks)


@pytest.mark.parametrize("name", PLATEAU_LIKE)
def test_epoch_restart_is_refused_for_a_twin_stepped_per_metric(name):
    with pytest.raises(LrvizError, match="once per epoch"):
        registry.build_at(name, {"metrics": [1.0, 0.5]}, registry.Context(total_steps=20, steps_per_epoch=10),
                          counting="epoch_restart")


@pytest.mark.parametrize("text, message", [
    ("torch.OneCycleLR\n    params: {pct_start: 1}", r"pct_start: Expected float between 0 and 1 pct_start, but got 1$"),
    ("torch.CosineAnnealingWarmRestarts\n    params: {T_0: 10, T_mult: 2.0}", r"T_mult: Expected integer T_mult >= 1, but got 2.0$"),
])
def test_yaml_int_and_float_reach_torch_isinstance_checks(tmp_path, text, message):
    import lrviz

    path = tmp_path / "c.yaml"
    path.write_text(f"total_steps: 100\nschedules:\n  - name: {text}\n")
    with pytest.raises(lrviz.ConfigError, match=message):
        lrviz.evaluate(str(path))


def test_yaml_float_pct_start_and_int_t_mult_are_accepted(tmp_path):
    import lrviz

    path = tmp_path / "c.yaml"
    path.write_text("total_steps: 100\nschedules:\n  - name: torch.OneCycleLR\n    params: {pct_start: 0.5}\n"
                    "  - name: torch.CosineAnnealingWarmRestarts\n    params: {T_0: 10, T_mult: 2}\n")
    assert len(lrviz.evaluate(str(path))) == 2
