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
