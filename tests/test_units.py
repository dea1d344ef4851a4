"""Tests of lrviz.units: durations (to_steps) and counting modes (counted)."""

from __future__ import annotations

import numpy as np
import pytest

from lrviz.errors import ParameterError
from lrviz.units import counted, to_steps


def rejects(value, **kwargs):
    with pytest.raises(ParameterError) as err:
        to_steps(value, param="warmup_steps", **kwargs)
    assert err.value.param == "warmup_steps"
    assert "warmup_steps" in str(err.value)
    return err.value


# --------------------------------------------------------------------------- to_steps


@pytest.mark.parametrize(
    "value, expected",
    [
        (500, 500),
        (0, 0),
        (np.int64(7), 7),
        (500.0, 500),
        ("500", 500),
        (" 500 ", 500),
        ("500steps", 500),
        ("500 steps", 500),
        ("1 step", 1),
        ("1e3", 1000),
        (1e3, 1000),
        ("+12", 12),
    ],
)
def test_to_steps_plain_steps(value, expected):
    out = to_steps(value, total_steps=1000, steps_per_epoch=100)
    assert out == expected
    assert type(out) is int


@pytest.mark.parametrize(
    "value, spe, expected",
    [("5ep", 100, 500), ("5 ep", 100, 500), ("5epochs", 100, 500), ("1epoch", 391, 391), ("0.5ep", 100, 50),
     ("0.5ep", 3, 2), ("2.5ep", 10, 25), ("0ep", 10, 0)],
)
def test_to_steps_epochs(value, spe, expected):
    # 0.5ep with 3 steps per epoch is 1.5 steps: fractions round to the nearest step (half up)
    assert to_steps(value, steps_per_epoch=spe) == expected


def test_to_steps_epochs_need_steps_per_epoch():
    err = rejects("5ep")
    assert "steps_per_epoch" in str(err)
    rejects("5ep", steps_per_epoch=0)


@pytest.mark.parametrize(
    "value, total, expected",
    [("10%", 1000, 100), ("100%", 1000, 1000), ("0%", 1000, 0), ("2.5%", 1000, 25), ("33%", 10, 3),
     ("15%", 10, 2), ("10 %", 250, 25)],
)
def test_to_steps_percent(value, total, expected):
    # 15% of 10 is 1.5 steps -> rounds to 2
    assert to_steps(value, total_steps=total) == expected


def test_to_steps_percent_needs_total_steps():
    err = rejects("10%")
    assert "total_steps" in str(err)


def test_to_steps_percent_over_100_rejected():
    rejects("150%", total_steps=1000)
    rejects("100.5%", total_steps=1000)


@pytest.mark.parametrize("value", [-1, -0.0001, "-5", "-5ep", "-10%"])
def test_to_steps_negative_rejected(value):
    rejects(value, total_steps=1000, steps_per_epoch=10)


@pytest.mark.parametrize("value", [2.5, 0.1, np.float64(3.5)])
def test_to_steps_fractional_number_of_steps_rejected(value):
    rejects(value, total_steps=1000)


@pytest.mark.parametrize("value", ["2.5", "2.5e0", "0.5 steps"])
def test_to_steps_fractional_step_string_rejected_like_the_number(value):
    # A plain number of steps must be whole: 2.5 is rejected, so its spelling as a string
    # (PyYAML loads "2.5e0" and "1e3" as strings) must be rejected too, not rounded to 3.
    rejects(value, total_steps=1000)


@pytest.mark.parametrize(
    "value", ["abc", "5 minutes", "", "5ep5", "ten", True, False, None, [5], {"steps": 5}, float("inf"), float("nan")]
)
def test_to_steps_garbage_rejected(value):
    rejects(value, total_steps=1000, steps_per_epoch=10)


def test_to_steps_default_param_name():
    with pytest.raises(ParameterError) as err:
        to_steps("x")
    assert err.value.param == "duration"


# --------------------------------------------------------------------------- counted


def test_counted_cumulative():
    g = np.arange(0, 12)
    np.testing.assert_array_equal(counted(g, "cumulative", None), g)
    np.testing.assert_array_equal(counted(g, "cumulative", 5), g)


def test_counted_epoch_restart():
    g = np.arange(0, 10)
    np.testing.assert_array_equal(counted(g, "epoch_restart", 4), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    np.testing.assert_array_equal(counted(g, "epoch_restart", 4), g % 4)


def test_counted_epoch_constant():
    g = np.arange(0, 10)
    np.testing.assert_array_equal(counted(g, "epoch_constant", 4), [0, 0, 0, 0, 4, 4, 4, 4, 8, 8])
    np.testing.assert_array_equal(counted(g, "epoch_constant", 4), 4 * (g // 4))


def test_counted_keeps_shape():
    g = np.arange(12).reshape(3, 4)
    for mode in ("cumulative", "epoch_restart", "epoch_constant"):
        assert counted(g, mode, 5).shape == (3, 4)


@pytest.mark.parametrize("mode", ["epoch_restart", "epoch_constant"])
def test_counted_needs_steps_per_epoch(mode):
    with pytest.raises(ParameterError) as err:
        counted(np.arange(3), mode, None)
    assert err.value.param == "counting"
    assert "steps_per_epoch" in str(err.value)


def test_counted_unknown_mode():
    with pytest.raises(ParameterError) as err:
        counted(np.arange(3), "per_epoch", 4)
    assert err.value.param == "counting"
    assert "per_epoch" in str(err.value)
