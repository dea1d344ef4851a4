"""The registry and the public API: names, building by name, durations, nesting, counting."""

import math

import numpy as np
import pytest

import lrviz
from lrviz import config, registry
from lrviz.errors import LrvizError

SEED_SCHEDULES = {
    "constant", "step", "multistep", "piecewise", "exponential", "natural_exp", "inverse_time", "polynomial",
    "linear", "cosine", "cosine_restarts", "linear_cosine", "noisy_linear_cosine", "cyclic", "onecycle",
    "keyframes", "noam", "inverse_sqrt", "wsd", "tri_stage", "tanh",
}
COMPOSITION = {"warmup", "sequence", "multiply", "clamp", "periodic"}


def test_every_seed_schedule_and_operator_is_registered():
    assert SEED_SCHEDULES | COMPOSITION <= set(lrviz.names())
    assert lrviz.names() == sorted(lrviz.names())


@pytest.mark.parametrize("name", sorted(SEED_SCHEDULES | COMPOSITION))
def test_every_schedule_builds_from_lr_and_total_steps_alone(name):
    schedule = lrviz.schedule(name, lr=0.5, total_steps=200)
    values = schedule(np.arange(0, 400))
    assert values.dtype == np.float64 and values.shape == (400,)
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    if name != "noisy_linear_cosine":  # TF's default noise variance 1.0 lifts it well above lr early on
        assert values.max() <= 0.5 * (1 + 1e-3 + 1e-9)  # linear_cosine may start at lr * (1 + beta)
    if not schedule.periodic:  # past the end it holds its final value
        assert np.all(values[201:] == values[200]), name


def test_clamp_bounds_its_schedule():
    with pytest.raises(LrvizError, match="params.min_lr: min_lr=0.5 is above max_lr=0.1"):
        lrviz.schedule("clamp", min_lr=0.5, max_lr=0.1)
    clamped = lrviz.schedule("clamp", min_lr=0.02, schedule={"name": "cosine"}, total_steps=100)
    assert clamped(100) == 0.02 and clamped(0) == 0.1


def test_aliases_resolve_and_unknown_names_suggest():
    assert registry.lookup("sgdr")[0] == "cosine_restarts"
    assert registry.lookup("one_cycle")[0] == "onecycle"
    with pytest.raises(lrviz.UnknownName, match="did you mean onecycle"):
        registry.lookup("onecylce")


def test_durations_in_api_calls():
    w = lrviz.schedule("warmup", lr=1.0, total_steps=200, warmup_steps="10%", steps_per_epoch=None)
    assert w.params["warmup_steps"] == 20
    e = lrviz.schedule("step", lr=1.0, total_steps=1000, step_size="2ep", steps_per_epoch=50)
    assert e.params["step_size"] == 100
    assert e(99) == 1.0 and math.isclose(e(100), 0.1, rel_tol=1e-15)


def test_nested_inner_schedule_spans_the_rest_of_training():
    # warmup over W, then cosine over T - W: cos reaches min_lr exactly at T
    T, W, lr, lo = 1000, 100, 0.2, 0.002
    w = lrviz.schedule("warmup", lr=lr, total_steps=T, warmup_steps=W,
                       schedule={"name": "cosine", "params": {"min_lr": lo}})
    t = np.arange(T + 1)
    expected = np.where(t < W, lr * t / W, lo + (lr - lo) * (1 + np.cos(np.pi * (t - W) / (T - W))) / 2)
    np.testing.assert_allclose(w(t), expected, rtol=1e-12, atol=1e-15)


def test_nested_errors_carry_the_path():
    with pytest.raises(LrvizError) as info:
        lrviz.schedule("sequence", phases=[{"steps": 10, "name": "linear"}, {"name": "cosine", "params": {"min_lr": "low"}}])
    assert str(info.value) == "params.phases[1].params.min_lr: expected a number; got str 'low'"


def test_numbers_written_as_text_are_coerced_but_words_are_not():
    s = lrviz.schedule("cosine", lr="1e-3", total_steps=10)
    assert s(0) == 1e-3
    with pytest.raises(LrvizError, match="params.lr: expected a number; got str 'fast'"):
        lrviz.schedule("cosine", lr="fast")
    with pytest.raises(LrvizError, match="params.staircase: expected true or false"):
        lrviz.schedule("exponential", staircase="no")


def _config(text):
    return config.from_text(text, "c.yaml")


def test_counting_modes_of_seed_000():
    # {t1: r_min} as formula (8), with t1 = one epoch of 10 steps, r_min = 0.1
    base = "total_steps: 40\nsteps_per_epoch: 10\nlr: 1.0\nschedules:\n  - name: keyframes\n    params: {keyframes: {10: 0.1}}\n"
    steps = np.arange(40)
    r = lambda u: np.where(u <= 10, 1 + (0.1 - 1) / 10 * u, 0.1)  # noqa: E731  formula (8)
    (cumulative,) = lrviz.evaluate(_config(base))
    np.testing.assert_allclose(cumulative.lr, r(steps), rtol=1e-12)
    (restart,) = lrviz.evaluate(_config(base + "    counting: epoch_restart\n"))
    np.testing.assert_allclose(restart.lr, r(steps % 10), rtol=1e-12)
    (per_epoch,) = lrviz.evaluate(_config(base.replace("{10: 0.1}", "{40: 0.1}") + "    counting: epoch_constant\n"))
    held = (steps // 10) * 10
    np.testing.assert_allclose(per_epoch.lr, 1 + (0.1 - 1) / 40 * held, rtol=1e-12)


def test_counting_needs_steps_per_epoch():
    with pytest.raises(lrviz.ConfigError, match="schedules\\[0\\].counting: counting mode 'epoch_restart' needs steps_per_epoch"):
        _config("schedules:\n  - name: cosine\n    counting: epoch_restart\n")


def test_labels_repeat_names_with_parameters():
    curves = lrviz.evaluate(_config(
        "schedules:\n  - name: cosine\n    params: {min_lr: 0.01}\n  - name: cosine\n    params: {min_lr: 0.001}\n  - name: step\n"
    ))
    assert [c.label for c in curves] == ["cosine (min_lr=0.01)", "cosine (min_lr=0.001)", "step"]
    assert all(len(c.steps) == 1000 for c in curves)


def test_api_names_survive_importing_every_submodule():
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(lrviz.__path__, "lrviz."):
        importlib.import_module(info.name)
    assert callable(lrviz.schedule) and callable(lrviz.evaluate) and callable(lrviz.load) and callable(lrviz.names)
