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


def test_live_parity_random_tf1_functions():
    """Against the installed TensorFlow (skipped without it): TF1 functions op by op in TF2's eager mode."""
    tf = pytest.importorskip("tensorflow")
    import lrviz
    from lrviz.errors import StepError

    T1 = tf.compat.v1.train
    rng = np.random.default_rng(3)
    for _ in range(2):
        lr, d = float(rng.uniform(0.01, 1.0)), int(rng.integers(2, 60))
        draws = [
            ("tf.polynomial_decay", T1.polynomial_decay,
             dict(decay_steps=d, end_learning_rate=0.1 * lr, power=float(rng.choice([0.5, 2.003, 3.0])),
                  cycle=bool(rng.integers(2)))),
            ("tf.cosine_decay_restarts", T1.cosine_decay_restarts,
             dict(first_decay_steps=d, t_mul=float(rng.choice([0.5, 1.5])), m_mul=0.8, alpha=0.1)),
            ("tf.natural_exp_decay", T1.natural_exp_decay, dict(decay_steps=d, decay_rate=0.3, staircase=True)),
        ]
        steps = list(range(3 * d + 5))
        for name, fn, kw in draws:
            lib = []
            for t in steps:
                v = fn(lr, tf.constant(t, tf.int64), **kw)
                lib.append(float((v() if callable(v) else v).numpy()))
            lib = np.asarray(lib)
            schedule = lrviz.schedule(name, learning_rate=lr, **kw)
            twin = []
            for t in steps:
                try:
                    twin.append(float(schedule.unchecked(np.asarray([t]))[0]))
                except StepError:  # the twin refuses TF's NaN
                    twin.append(float("nan"))
            np.testing.assert_allclose(twin, lib, rtol=1e-6, atol=4e-7 * np.nanmax(np.abs(lib)), err_msg=f"{name} {kw}")
