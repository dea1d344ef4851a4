"""Shared check of framework twins against golden fixtures recorded from the real libraries.

A fixture file ``tests/golden/<library>.json`` is written by
``tests/golden/make_<library>.py`` (which imports the real library) and holds::

    {"library": "torch", "version": "2.13.0", "generator": "tests/golden/make_torch.py",
     "cases": [{"id": "StepLR-30-0.1", "name": "torch.StepLR",
                "params": {"lr": 0.1, "step_size": 30, "gamma": 0.1},
                "steps": [0, 1, ...], "lr": [...],
                "momentum": [...] (optional), "rtol": 1e-12 (optional), "atol": 0 (optional),
                "raises_at": 1001 (optional), "error": "regex of the library's reason" (optional)}]}

``params`` are lrviz parameters (the library's own names, plus ``lr`` /
``total_steps``); ``lr`` holds what the library gave at each of ``steps``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lrviz
from lrviz.errors import StepError, UndrawableValue

GOLDEN = Path(__file__).parent / "golden"


def cases(library: str) -> list[dict]:
    """The recorded cases of a library (an empty list when the fixture is missing)."""
    path = GOLDEN / f"{library}.json"
    if not path.exists():
        return []
    return json.loads(path.read_text())["cases"]


def params(library: str) -> list:
    """``pytest.param`` per case, with the case id, for ``@pytest.mark.parametrize("case", ...)``."""
    return [pytest.param(case, id=case["id"]) for case in cases(library)]


def check(case: dict) -> None:
    """The twin gives the recorded values (and momentum, and raises where the library raised).

    Where the library's lr is NaN or inf (optax under jit), the twin gives NaN or inf at the same steps
    (``schedule.unchecked``) and ``schedule(steps)`` refuses them with a StepError naming the first."""
    schedule = lrviz.schedule(case["name"], **case["params"])
    steps = np.asarray(case["steps"], dtype=np.int64)
    rtol, atol = case.get("rtol", 1e-12), case.get("atol", 0.0)
    expected = np.asarray(case["lr"], dtype=np.float64)
    if np.isfinite(expected).all():
        got = schedule(steps)
    else:  # the twin gives the NaN (unchecked), or refuses it (UndrawableValue) at the library's first one
        first = int(steps[~np.isfinite(expected)].min())
        with pytest.raises(StepError, match=f"at step {first:,}"):
            schedule(steps)
        try:
            got = schedule.unchecked(steps)
        except UndrawableValue as err:
            assert err.step == first, f"{case['id']}: refused from step {err.step}, the library's NaN is at {first}"
            keep = steps < first
            assert not np.isfinite(expected[~keep]).any(), f"{case['id']}: finite after the first NaN"
            steps, expected = steps[keep], expected[keep]
            got = schedule(steps)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=f"{case['id']}: lr")
    if case.get("momentum") is not None:
        np.testing.assert_allclose(schedule.momentum(steps), np.asarray(case["momentum"], dtype=np.float64),
                                   rtol=rtol, atol=atol, err_msg=f"{case['id']}: momentum")
    if case.get("raises_at") is not None:
        with pytest.raises(StepError, match=case.get("error") or ""):
            schedule(np.asarray([case["raises_at"]], dtype=np.int64))
