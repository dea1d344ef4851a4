"""Closed-form tests of lrviz.schedules.decay.

Expected values are transcribed from each factory's docstring formula with the
``math`` module (scalar, one step at a time), or are the numbers that
/work/shared/reference/schedules.md reports from running the real libraries.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.schedules.decay import (
    constant,
    exponential,
    inverse_time,
    linear,
    multistep,
    natural_exp,
    piecewise,
    polynomial,
    step,
)
from helpers import approx, curve, bad


# --------------------------------------------------------------------------- constant


def test_constant_everywhere():
    s = constant(lr=0.3, total_steps=100)
    steps = [0, 1, 50, 99, 100, 101, 10_000]
    approx(curve(s, steps), [0.3] * len(steps))
    assert s.marks == ()
    assert not s.periodic


def test_constant_defaults():
    s = constant()
    approx(curve(s, [0, 999, 1000, 5000]), [0.1] * 4)
    assert s.params["total_steps"] == 1000


def test_constant_zero_lr_allowed():
    approx(curve(constant(lr=0.0, total_steps=5), [0, 5]), [0.0, 0.0])


@pytest.mark.parametrize(
    "kwargs, name",
    [({"lr": -0.1}, "lr"), ({"lr": float("nan")}, "lr"), ({"total_steps": 0}, "total_steps"), ({"lr": True}, "lr")],
)
def test_constant_validation(kwargs, name):
    bad(constant, name, **kwargs)


# --------------------------------------------------------------------------- step


def step_ref(t, lr, step_size, gamma, T):
    # docstring: lr * gamma ** floor(min(t, T) / step_size); the value holds after T
    return lr * gamma ** math.floor(min(t, T) / step_size)


def test_step_matches_torch_steplr():
    # schedules.md §20: StepLR(3, 0.5) -> 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125
    s = step(lr=1.0, total_steps=10, step_size=3, gamma=0.5)
    approx(curve(s, range(10)), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])


def test_step_steplr_boundaries():
    # document 4: StepLR(step_size=30, gamma=0.1)
    lr, T, size, gamma = 0.1, 100, 30, 0.1
    s = step(lr=lr, total_steps=T, step_size=size, gamma=gamma)
    steps = [0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 99, 100, 101, 1000]
    approx(curve(s, steps), [step_ref(t, lr, size, gamma, T) for t in steps])
    assert [m.step for m in s.marks] == [30, 60, 90]


def test_step_default_step_size_is_a_third():
    lr, T = 0.2, 1000
    s = step(lr=lr, total_steps=T)
    size = T // 3  # 333
    assert s.params["step_size"] == size
    steps = [0, 332, 333, 334, 665, 666, 667, 998, 999, 1000, 1001, 3000]
    approx(curve(s, steps), [step_ref(t, lr, size, 0.1, T) for t in steps])


@pytest.mark.parametrize(
    "kwargs, name",
    [({"step_size": 0}, "step_size"), ({"step_size": 2.5}, "step_size"), ({"gamma": -0.5}, "gamma"), ({"lr": -1}, "lr")],
)
def test_step_validation(kwargs, name):
    bad(step, name, **kwargs)


# --------------------------------------------------------------------------- multistep


def multistep_ref(t, lr, milestones, gamma):
    return lr * gamma ** sum(1 for m in milestones if m <= t)


def test_multistep_resnet_recipe():
    # document 4: MultiStepLR(milestones=[60, 120, 160], gamma=0.2) over 200 epochs
    lr = 0.1
    s = multistep(lr=lr, total_steps=200, milestones=[60, 120, 160], gamma=0.2)
    steps = [0, 59, 60, 61, 119, 120, 121, 159, 160, 161, 199, 200, 201, 5000]
    approx(curve(s, steps), [multistep_ref(t, lr, [60, 120, 160], 0.2) for t in steps])
    assert [m.step for m in s.marks] == [60, 120, 160]


def test_multistep_default_milestones_200():
    # default milestones at 30%, 60%, 80% of total_steps reproduce document 4's; gamma is torch's default, 0.1
    s = multistep(lr=0.1, total_steps=200)
    assert s.params["milestones"] == [60, 120, 160]
    assert s.params["gamma"] == 0.1
    steps = [0, 59, 60, 61, 119, 120, 121, 159, 160, 161, 199, 200, 400]
    approx(curve(s, steps), [multistep_ref(t, 0.1, [60, 120, 160], 0.1) for t in steps])


def test_multistep_default_milestones_1000():
    s = multistep(lr=1.0, total_steps=1000)
    assert s.params["milestones"] == [300, 600, 800]
    steps = [0, 299, 300, 301, 599, 600, 601, 799, 800, 801, 999, 1000, 1001]
    approx(curve(s, steps), [multistep_ref(t, 1.0, [300, 600, 800], 0.1) for t in steps])


def test_multistep_milestone_at_zero():
    s = multistep(lr=1.0, total_steps=10, milestones=[0, 5], gamma=0.5)
    approx(curve(s, [0, 4, 5, 6]), [0.5, 0.5, 0.25, 0.25])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"milestones": [60, 30]}, "milestones"),
        ({"milestones": [30, 30]}, "milestones"),
        ({"milestones": []}, "milestones"),
        ({"milestones": [10, 2.5]}, "milestones[1]"),
        ({"milestones": [-1]}, "milestones[0]"),
        ({"gamma": -0.2}, "gamma"),
    ],
)
def test_multistep_validation(kwargs, name):
    bad(multistep, name, **kwargs)


# --------------------------------------------------------------------------- piecewise


def piecewise_ref(t, boundaries, values):
    for b, v in zip(boundaries, values):
        if t < b:
            return v
    return values[-1]


def test_piecewise_matches_paddle():
    # schedules.md §20: Paddle PiecewiseDecay([3,6], [1, .5, .1]) -> 1, 1, 1, 0.5 (t=3), 0.5, 0.5, 0.1 (t=6)
    s = piecewise(total_steps=10, boundaries=[3, 6], values=[1.0, 0.5, 0.1])
    approx(curve(s, range(8)), [1, 1, 1, 0.5, 0.5, 0.5, 0.1, 0.1])
    approx(curve(s, [9, 10, 11, 1000]), [0.1] * 4)
    assert [m.step for m in s.marks] == [3, 6]


def test_piecewise_values_ignore_lr():
    s = piecewise(lr=5.0, total_steps=10, boundaries=[2], values=[0.3, 0.03])
    approx(curve(s, [0, 1, 2, 3]), [0.3, 0.3, 0.03, 0.03])


def test_piecewise_defaults_thirds():
    lr, T = 0.3, 300
    s = piecewise(lr=lr, total_steps=T)
    b = [round(T / 3), round(2 * T / 3)]
    assert s.params["boundaries"] == b == [100, 200]
    values = [lr, lr / 10, lr / 100]
    steps = [0, 99, 100, 101, 199, 200, 201, 299, 300, 301, 1000]
    approx(curve(s, steps), [piecewise_ref(t, b, values) for t in steps])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"boundaries": [3, 6], "values": [1.0, 0.5]}, "values"),
        ({"boundaries": [3, 6]}, "values"),
        ({"values": [1.0, 0.5]}, "boundaries"),
        ({"boundaries": [6, 3], "values": [1.0, 0.5, 0.1]}, "boundaries"),
        ({"boundaries": [3], "values": [1.0, -0.5]}, "values[1]"),
        ({"lr": -1.0}, "lr"),
    ],
)
def test_piecewise_validation(kwargs, name):
    bad(piecewise, name, total_steps=10, **kwargs)


# --------------------------------------------------------------------------- exponential


def exponential_ref(t, lr, rate, ds, T, staircase=False):
    tp = min(t, T)  # t' = min(t, T): the value holds after T
    e = math.floor(tp / ds) if staircase else tp / ds
    return lr * rate**e


def test_exponential_matches_keras():
    # schedules.md §20: Keras ExponentialDecay(1, 4, 0.5) -> 1, 0.8409, 0.70711, 0.5946, 0.5
    s = exponential(lr=1.0, total_steps=8, decay_rate=0.5, decay_steps=4)
    approx(curve(s, range(5)), [1.0, 0.8408964152537145, 0.7071067811865476, 0.5946035575013605, 0.5])
    approx(curve(s, range(5)), [1, 0.8409, 0.70711, 0.5946, 0.5], rtol=1e-4)


def test_exponential_staircase_matches_keras():
    # schedules.md §20: with staircase -> 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25
    s = exponential(lr=1.0, total_steps=8, decay_rate=0.5, decay_steps=4, staircase=True)
    approx(curve(s, range(9)), [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25])
    assert [m.step for m in s.marks] == [4, 8]


def test_exponential_torch_exponentiallr():
    # document 4: ExponentialLR(gamma=0.95) is decay_steps=1
    s = exponential(lr=0.1, total_steps=100, decay_rate=0.95, decay_steps=1)
    steps = [0, 1, 2, 10, 99, 100, 101, 150]
    approx(curve(s, steps), [0.1 * 0.95 ** min(t, 100) for t in steps])


def test_exponential_boundaries_and_defaults():
    lr, T = 0.5, 1000
    s = exponential(lr=lr, total_steps=T)
    ds = T // 2
    assert s.params["decay_steps"] == ds
    steps = [0, 1, 499, 500, 501, 999, 1000, 1001, 2000]
    approx(curve(s, steps), [exponential_ref(t, lr, 0.1, ds, T) for t in steps])
    approx(s(T), lr / 100)  # docstring: lr/100 at the end
    s2 = exponential(lr=lr, total_steps=T, staircase=True)
    approx(curve(s2, steps), [exponential_ref(t, lr, 0.1, ds, T, True) for t in steps])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"decay_rate": 0.0}, "decay_rate"),
        ({"decay_rate": -0.5}, "decay_rate"),
        ({"decay_steps": 0}, "decay_steps"),
        ({"staircase": "yes"}, "staircase"),
        ({"total_steps": -3}, "total_steps"),
    ],
)
def test_exponential_validation(kwargs, name):
    bad(exponential, name, **kwargs)


# --------------------------------------------------------------------------- natural_exp


def natural_exp_ref(t, lr, rate, ds, T, staircase=False):
    tp = min(t, T)  # t' = min(t, T): the value holds after T
    e = math.floor(tp / ds) if staircase else tp / ds
    return lr * math.exp(-rate * e)


def test_natural_exp_matches_paddle():
    # schedules.md §20: Paddle NaturalExpDecay(1, 0.5) -> 1, 0.60653, 0.36788 (decay_steps 1)
    s = natural_exp(lr=1.0, total_steps=10, decay_rate=0.5, decay_steps=1)
    approx(curve(s, range(3)), [1.0, math.exp(-0.5), math.exp(-1.0)])
    approx(curve(s, range(3)), [1, 0.60653, 0.36788], rtol=1e-5)


def test_natural_exp_defaults_and_boundaries():
    lr, T = 0.1, 1000
    s = natural_exp(lr=lr, total_steps=T)
    ds = T // 10
    assert s.params["decay_steps"] == ds and s.params["decay_rate"] == 0.5
    steps = [0, 99, 100, 101, 999, 1000, 1001, 3000]
    approx(curve(s, steps), [natural_exp_ref(t, lr, 0.5, ds, T) for t in steps])
    approx(s(T), lr * math.exp(-5))  # docstring: lr * e**-5 at the end


def test_natural_exp_staircase():
    lr, ds, rate = 2.0, 7, 0.3
    s = natural_exp(lr=lr, total_steps=50, decay_rate=rate, decay_steps=ds, staircase=True)
    steps = [0, 6, 7, 8, 13, 14, 15, 48, 49, 50, 51, 100]
    approx(curve(s, steps), [natural_exp_ref(t, lr, rate, ds, 50, True) for t in steps])


@pytest.mark.parametrize(
    "kwargs, name", [({"decay_rate": -1.0}, "decay_rate"), ({"decay_steps": 0}, "decay_steps"), ({"staircase": 1}, "staircase")]
)
def test_natural_exp_validation(kwargs, name):
    bad(natural_exp, name, **kwargs)


# --------------------------------------------------------------------------- inverse_time


def inverse_time_ref(t, lr, rate, ds, T, staircase=False):
    tp = min(t, T)  # t' = min(t, T): the value holds after T
    e = math.floor(tp / ds) if staircase else tp / ds
    return lr / (1 + rate * e)


def test_inverse_time_matches_keras():
    # schedules.md §20: Keras InverseTimeDecay(1, 2, 0.5) -> 1, 0.8, 0.66667, 0.57143, 0.5
    s = inverse_time(lr=1.0, total_steps=10, decay_rate=0.5, decay_steps=2)
    approx(curve(s, range(5)), [1.0, 0.8, 2 / 3, 4 / 7, 0.5])
    # staircase -> 1, 1, 0.66667, 0.66667, 0.5, 0.5, 0.4
    s2 = inverse_time(lr=1.0, total_steps=10, decay_rate=0.5, decay_steps=2, staircase=True)
    approx(curve(s2, range(7)), [1, 1, 2 / 3, 2 / 3, 0.5, 0.5, 0.4])


def test_inverse_time_defaults_and_boundaries():
    lr, T = 0.1, 1000
    s = inverse_time(lr=lr, total_steps=T)
    ds = T // 10
    steps = [0, 99, 100, 101, 999, 1000, 1001, 5000]
    approx(curve(s, steps), [inverse_time_ref(t, lr, 1.0, ds, T) for t in steps])
    approx(s(T), lr / 11)  # docstring: lr / 11 at the end


@pytest.mark.parametrize(
    "kwargs, name", [({"decay_rate": -0.1}, "decay_rate"), ({"decay_steps": -5}, "decay_steps"), ({"lr": "0.1"}, "lr")]
)
def test_inverse_time_validation(kwargs, name):
    bad(inverse_time, name, **kwargs)


# --------------------------------------------------------------------------- polynomial


def polynomial_ref(t, lr, min_lr, power, D, cycle=False):
    if cycle:
        Dp = D * max(1, math.ceil(t / D))
        return (lr - min_lr) * (1 - t / Dp) ** power + min_lr
    tp = min(t, D)
    return (lr - min_lr) * (1 - tp / D) ** power + min_lr


def test_polynomial_no_cycle_matches_keras():
    # schedules.md §20: PolynomialDecay(1, 4, 0.1) -> 1, 0.775, 0.55, 0.325, 0.1, 0.1, ...
    s = polynomial(lr=1.0, total_steps=4, min_lr=0.1, decay_steps=4)
    approx(curve(s, range(7)), [1, 0.775, 0.55, 0.325, 0.1, 0.1, 0.1])
    approx(s(1000), 0.1)
    assert not s.periodic


def test_polynomial_cycle_matches_schedules_md():
    # schedules.md §7 / §20: D=4, end 0.1, cycle:
    # 1, 0.775, 0.55, 0.325, 0.1, 0.4375, 0.325, 0.2125, 0.1, 0.325, 0.25, 0.175, 0.1
    s = polynomial(lr=1.0, total_steps=12, min_lr=0.1, decay_steps=4, cycle=True)
    expected = [1, 0.775, 0.55, 0.325, 0.1, 0.4375, 0.325, 0.2125, 0.1, 0.325, 0.25, 0.175, 0.1]
    approx(curve(s, range(13)), expected)
    approx(s(5), 0.4375)
    approx(s(9), 0.325)
    steps = [0, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 100, 101]
    approx(curve(s, steps), [polynomial_ref(t, 1.0, 0.1, 1.0, 4, True) for t in steps])
    assert s.periodic
    assert [m.step for m in s.marks] == [4, 8, 12]


def test_polynomial_power_two_matches_torch():
    # schedules.md §20: PolynomialLR(4, power=2) -> 1, 0.5625, 0.25, 0.0625, 0, 0
    s = polynomial(lr=1.0, total_steps=4, power=2.0, decay_steps=4)
    approx(curve(s, range(6)), [1, 0.5625, 0.25, 0.0625, 0, 0])


def test_polynomial_cycle_with_power():
    lr, m, p, D = 0.5, 0.01, 2.0, 10
    s = polynomial(lr=lr, total_steps=40, min_lr=m, power=p, decay_steps=D, cycle=True)
    steps = [0, 1, 9, 10, 11, 19, 20, 21, 39, 40, 41, 400]
    approx(curve(s, steps), [polynomial_ref(t, lr, m, p, D, True) for t in steps])


def test_polynomial_defaults_decay_over_total_steps():
    lr, T = 0.1, 100
    s = polynomial(lr=lr, total_steps=T)
    assert s.params["decay_steps"] == T
    steps = [0, 1, 50, 99, 100, 101, 1000]
    approx(curve(s, steps), [polynomial_ref(t, lr, 0.0, 1.0, T) for t in steps])


def test_polynomial_decay_end_marks():
    s = polynomial(lr=1.0, total_steps=100, decay_steps=60, min_lr=0.2, power=0.5)
    steps = [0, 59, 60, 61, 99, 100, 200]
    approx(curve(s, steps), [polynomial_ref(t, 1.0, 0.2, 0.5, 60) for t in steps])
    assert [m.step for m in s.marks] == [60]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"power": 0.0}, "power"),
        ({"power": -1.0}, "power"),
        ({"decay_steps": 0}, "decay_steps"),
        ({"min_lr": -0.1}, "min_lr"),
        ({"cycle": "true"}, "cycle"),
    ],
)
def test_polynomial_validation(kwargs, name):
    bad(polynomial, name, **kwargs)


# --------------------------------------------------------------------------- linear


def linear_ref(t, lr, min_lr, D):
    p = min(t, D) / D
    return (1 - p) * lr + p * min_lr


def test_linear_matches_torch_linearlr():
    # schedules.md §20: LinearLR(1 -> 0, 4) -> 1, 0.75, 0.5, 0.25, 0, 0
    s = linear(lr=1.0, total_steps=4)
    approx(curve(s, range(6)), [1, 0.75, 0.5, 0.25, 0, 0])


def test_linear_boundaries():
    lr, m, D, T = 0.8, 0.05, 30, 50
    s = linear(lr=lr, total_steps=T, min_lr=m, decay_steps=D)
    steps = [0, 1, 29, 30, 31, 49, 50, 51, 1000]
    approx(curve(s, steps), [linear_ref(t, lr, m, D) for t in steps])
    assert [k.step for k in s.marks] == [30]


def test_linear_defaults():
    s = linear(lr=0.3, total_steps=200)
    steps = [0, 100, 199, 200, 201, 400]
    approx(curve(s, steps), [linear_ref(t, 0.3, 0.0, 200) for t in steps])


def test_linear_increasing_when_min_lr_above_lr():
    s = linear(lr=0.0, min_lr=1.0, total_steps=8)
    approx(curve(s, [0, 2, 8, 9]), [0.0, 0.25, 1.0, 1.0])


@pytest.mark.parametrize("lr, T", [(0.1, 11), (0.7, 35), (0.3, 37)])
def test_linear_end_value_is_exactly_min_lr_zero(lr, T):
    # lr(T) = 0 exactly: a learning rate must never be negative (lr=0.1, T=11 once gave -1.4e-17)
    s = linear(lr=lr, total_steps=T)
    values = curve(s, [T, T + 1, 10 * T])
    assert np.all(values >= 0.0), f"negative lr at the end of linear(lr={lr}, total_steps={T}): {values}"
    approx(values, [0.0, 0.0, 0.0])


@pytest.mark.parametrize("lr, m, D", [(0.3, 0.05, 1), (0.7, 0.05, 2), (0.1, 0.001, 19), (1.0, 0.3, 7)])
def test_linear_exact_at_both_ends(lr, m, D):
    # docstring: exactly lr at t = 0 and min_lr from t = D on
    s = linear(lr=lr, total_steps=D, min_lr=m)
    assert s(0) == lr
    assert all(v == m for v in curve(s, [D, D + 1, 100 * D]))


@pytest.mark.parametrize(
    "kwargs, name", [({"decay_steps": 0}, "decay_steps"), ({"min_lr": -1.0}, "min_lr"), ({"total_steps": 0}, "total_steps")]
)
def test_linear_validation(kwargs, name):
    bad(linear, name, **kwargs)


# --------------------------------------------------------------------------- holding after T


@pytest.mark.parametrize(
    "factory, kwargs",
    [
        (step, dict(step_size=7, gamma=0.5)),
        (exponential, dict(decay_rate=0.3, decay_steps=9)),
        (exponential, dict(decay_rate=0.3, decay_steps=9, staircase=True)),
        (natural_exp, dict(decay_rate=0.4, decay_steps=6)),
        (inverse_time, dict(decay_rate=2.0, decay_steps=5, staircase=True)),
        (multistep, dict(milestones=[10, 20])),
        (piecewise, dict()),
        (polynomial, dict(min_lr=0.01, power=2.0)),
        (linear, dict(min_lr=0.02)),
    ],
)
def test_value_holds_past_the_end(factory, kwargs):
    # every non-periodic decay holds its final value after total_steps
    T = 30
    s = factory(lr=0.5, total_steps=T, **kwargs)
    assert not s.periodic
    end = s(T)
    approx(curve(s, [T + 1, 2 * T, 10 * T, 10**6]), [end] * 4)
