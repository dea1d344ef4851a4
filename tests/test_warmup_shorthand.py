"""warmup_steps / warmup_start / warmup_shape on every generic schedule without a warmup of its own.

The shorthand must be exactly the composition ``warmup(schedule=...)``, and the
composition is checked against the formula for the most common case
(linear warmup then cosine, the schedule of the decade).
"""

import math

import numpy as np
import pytest

from lrviz import registry
from lrviz.errors import ParameterErrors

T = 997
STEPS = np.arange(T)


@pytest.mark.parametrize("name", registry.DECAYING)
@pytest.mark.parametrize("warmup_steps, start, shape", [(50, 0.0, "linear"), ("5%", 0.01, "cosine"),
                                                          (1, 0.0, "linear"), (300, 1e-3, "exponential")])
def test_shorthand_equals_the_composition(name, warmup_steps, start, shape):
    short = registry.build(name, {"warmup_steps": warmup_steps, "warmup_start": start, "warmup_shape": shape},
                           total_steps=T, lr=0.3)
    composed = registry.build("warmup", {"warmup_steps": warmup_steps, "start_lr": start, "shape": shape,
                                         "schedule": {"name": name}}, total_steps=T, lr=0.3)
    assert np.array_equal(short(STEPS), composed(STEPS))
    assert short.marks == composed.marks


def test_every_generic_schedule_without_a_warmup_takes_it():
    """The generic schedules that lack a warmup of their own are exactly the ones with the shorthand."""
    own = {name for name, entry in registry.GENERIC.items() if entry.warmup}
    cycles_or_wrappers = {"cyclic", "onecycle", "keyframes", "sequence", "multiply", "clamp", "periodic"}
    assert set(registry.DECAYING) == set(registry.GENERIC) - own - cycles_or_wrappers


def test_cosine_with_percent_warmup_against_the_formula():
    T, lr, lo = 1000, 3e-4, 3e-5
    s = registry.build("cosine", {"warmup_steps": "5%", "min_lr": lo}, total_steps=T, lr=lr)
    W = 50
    t = np.arange(T)
    expected = np.where(t < W, lr * t / W, lo + (lr - lo) * (1 + np.cos(np.pi * (t - W) / (T - W))) / 2)
    np.testing.assert_allclose(s(t), expected, rtol=1e-13, atol=0)


def test_inner_durations_are_of_the_steps_after_the_warmup():
    s = registry.build("step", {"warmup_steps": 100, "step_size": "50%", "gamma": 0.5}, total_steps=1100, lr=1.0)
    assert s(np.array([599, 600, 1099])).tolist() == [1.0, 0.5, 0.5]  # 50% of the 1000 steps after the warmup


def test_zero_warmup_is_the_schedule_alone():
    s = registry.build("cosine", {"warmup_steps": 0}, total_steps=100)
    assert s.name == "cosine"
    assert np.array_equal(s(np.arange(100)), registry.build("cosine", {}, total_steps=100)(np.arange(100)))


def test_warmup_with_epochs():
    s = registry.build("linear", {"warmup_steps": "2ep"}, total_steps=100, steps_per_epoch=10, lr=1.0)
    assert s(np.array([0, 10, 20])).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("params, path, words", [
    ({"warmup_start": 0.1}, "params.warmup_start", "give warmup_steps too"),
    ({"warmup_steps": 1000}, "params.warmup_steps", "leaves nothing"),
    ({"warmup_steps": "5ep"}, "params.warmup_steps", "steps_per_epoch"),
    ({"warmup_steps": 10, "warmup_shape": "square"}, "params.warmup_shape", "linear"),
    ({"warmup_steps": 10, "warmup_start": -1}, "params.warmup_start", ">= 0"),
])
def test_shorthand_errors_are_located(params, path, words):
    with pytest.raises(ParameterErrors) as err:
        registry.build("cosine", params, total_steps=1000)
    text = str(err.value)
    assert path in text and words in text


def test_all_problems_in_one_pass():
    with pytest.raises(ParameterErrors) as err:
        registry.build("cosine", {"warmup_steps": "5ep", "minlr": 1}, total_steps=1000)
    paths = [e.param for e in err.value.errors]
    assert "params.warmup_steps" in paths and "params.minlr" in paths


def test_in_a_config(tmp_path):
    import lrviz
    from lrviz.curves import build

    cfg = tmp_path / "c.yaml"
    cfg.write_text("total_steps: 2000\nlr: 0.001\nschedules:\n  - name: cosine\n    params: {warmup_steps: 5%}\n")
    ((_, s),) = build(lrviz.load(str(cfg)))
    assert s(np.array([0, 50, 100]))[2] == pytest.approx(1e-3)
    assert s(np.array([50]))[0] == pytest.approx(0.5e-3)
    assert math.isclose(s(np.array([1999]))[0], 1e-3 * (1 + math.cos(math.pi * 1899 / 1900)) / 2, rel_tol=1e-12)
