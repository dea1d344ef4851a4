"""The tf.* twins against TensorFlow itself: golden values recorded from tensorflow-cpu 2.21 (TF1 functions run
op by op in TF2 eager mode; tests/golden/make_tf.py), NaN where TF gives NaN, and long runs of 1e5 steps."""

from __future__ import annotations

import json

import numpy as np
import pytest
from twin_golden import GOLDEN, check, params


@pytest.mark.parametrize("case", params("tf"))
def test_golden(case):
    check(case)


def test_fixture_records_tensorflow_and_its_nan():
    doc = json.loads((GOLDEN / "tf.json").read_text())
    assert doc["library"] == "tensorflow"
    nan = [c for c in doc["cases"] if not np.isfinite(c["lr"]).all()]
    # t_mul = 0.5: the cycles add up to first_decay_steps / (1 - 0.5) = 2 * first_decay_steps steps
    assert {c["id"]: min(t for t, v in zip(c["steps"], c["lr"]) if v != v) for c in nan} == {
        "restarts-t_mul-0.5-nan": 2 * 159, "restarts-t_mul-0.5-m_mul-0.8-nan": 2 * 57}
    assert any(c.get("long") and max(c["steps"]) == 10**5 - 1 for c in doc["cases"])
