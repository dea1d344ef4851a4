"""HF twins take the warmup as the Trainer does: 4.x's warmup_ratio, 5.x's fractional warmup_steps, '3%'.

The Trainer's rule (TrainingArguments.get_warmup_steps, transformers 4.57.3 and
5.24, see ecosystem.md §0.2): a ratio r gives ceil(T * r) computed in float64,
and a number >= 1 is int(warmup_steps). The expected counts below are that
rule computed here with Python's math, plus the two counts the reference
records from running the real Trainer (r = 0.07 of 100 steps gives 8).
"""

import math

import numpy as np
import pytest

from lrviz import registry
from lrviz.errors import ParameterErrors

WARMED = [n for n in registry.names() if n.startswith("hf.") and "num_warmup_steps" in
          __import__("lrviz.params", fromlist=["signature"]).signature(registry.TABLE[n].factory)]


def warmup_of(name, params, total=1234):
    return registry.build(name, params, total_steps=total).params["num_warmup_steps"]


def test_every_hf_twin_with_a_warmup_takes_the_ratio():
    assert len(WARMED) == 9
    for name in WARMED:
        assert warmup_of(name, {"warmup_ratio": 0.03}) == 38, name


@pytest.mark.parametrize("spelling", [{"warmup_ratio": 0.03}, {"num_warmup_steps": 0.03}, {"num_warmup_steps": "3%"}])
def test_three_percent_of_1234_steps_is_38_as_in_the_trainer(spelling):
    assert warmup_of("hf.cosine", spelling) == math.ceil(1234 * 0.03) == 38


def test_the_float_product_is_rounded_up_as_the_trainer_does():
    # 100 * 0.07 is 7.000000000000001 in float64: the Trainer (run) warms up 8 steps
    assert warmup_of("hf.linear", {"warmup_ratio": 0.07}, total=100) == 8
    assert warmup_of("hf.linear", {"num_warmup_steps": 0.07}, total=100) == 8


def test_ratio_is_of_num_training_steps():
    assert warmup_of("hf.linear", {"warmup_ratio": 0.1, "num_training_steps": 500}, total=1000) == 50


def test_steps_win_over_the_ratio_and_fractional_steps_truncate():
    assert warmup_of("hf.cosine", {"num_warmup_steps": 20, "warmup_ratio": 0.5}) == 20  # 4.x: warmup_steps > 0 wins
    assert warmup_of("hf.cosine", {"num_warmup_steps": 0, "warmup_ratio": 0.5}) == 617
    assert warmup_of("hf.cosine", {"num_warmup_steps": 37.9}) == 37  # 5.x: int(warmup_steps)


def test_the_curve_is_hf_with_the_rounded_warmup():
    s = registry.build("hf.cosine", {"num_warmup_steps": "3%"}, total_steps=1234, lr=1.0)
    t = np.arange(1234)
    W, T = 38, 1234
    expected = np.where(t < W, t / W, 0.5 * (1 + np.cos(np.pi * 0.5 * 2 * (t - W) / (T - W))))
    np.testing.assert_allclose(s(t), expected, rtol=0, atol=1e-15)
    assert s(np.array([37]))[0] == pytest.approx(37 / 38)  # lrviz's nearest rounding gave 37 steps: 2.6% off here


@pytest.mark.parametrize("params, words", [({"warmup_ratio": 1.5}, "[0,1]"), ({"warmup_ratio": -0.1}, "[0,1]"),
                                           ({"num_warmup_steps": -0.5}, ">= 0"), ({"num_warmup_steps": "130%"}, "100%")])
def test_bad_ratios_are_refused(params, words):
    with pytest.raises(ParameterErrors) as err:
        registry.build("hf.cosine", params, total_steps=100)
    assert words in str(err.value)


def test_live_trainer_rounding():
    transformers = pytest.importorskip("transformers")
    args = transformers.TrainingArguments(output_dir="/tmp/lrviz-hf-warmup", warmup_steps=0.03, report_to=[])
    assert warmup_of("hf.cosine", {"num_warmup_steps": 0.03}) == args.get_warmup_steps(1234)
