"""Closed-form tests of lrviz.schedules.cosine.

Expected values are transcribed from each docstring formula with ``math``
(scalar, step by step), or come from schedules.md §20 (numbers obtained by
running torch / Keras / optax / timm).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.errors import ParameterError
from lrviz.schedules.cosine import cosine, cosine_restarts, linear_cosine, noisy_linear_cosine
from helpers import approx, curve, bad


# --------------------------------------------------------------------------- cosine


def cosine_ref(t, lr, min_lr, D):
    tp = min(t, D)
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * tp / D)) / 2


def test_cosine_matches_torch_first_half_period():
    # schedules.md §20: CosineAnnealingLR(T_max=10, eta_min=0.1), t = 0..10
    s = cosine(lr=1.0, total_steps=10, min_lr=0.1)
    torch_vals = [1, 0.97798, 0.91406, 0.8145, 0.68906, 0.55, 0.41094, 0.2855, 0.18594, 0.12202, 0.1]
    approx(curve(s, range(11)), torch_vals, rtol=1e-4)
    approx(curve(s, range(11)), [cosine_ref(t, 1.0, 0.1, 10) for t in range(11)])


def test_cosine_matches_keras_cosine_decay():
    # schedules.md §20: CosineDecay(1, 4, alpha 0.1) -> 1, 0.8682, 0.55, 0.2318, 0.1, 0.1
    s = cosine(lr=1.0, total_steps=4, min_lr=0.1)
    approx(curve(s, range(6)), [1, 0.8682, 0.55, 0.2318, 0.1, 0.1], rtol=1e-4)


def test_cosine_holds_after_decay_unlike_torch():
    # document 4: CosineAnnealingLR(T_max=50); lrviz stays at min_lr after D (docstring)
    lr, D = 0.1, 50
    s = cosine(lr=lr, total_steps=D)
    steps = [0, 1, 24, 25, 26, 49, 50, 51, 100, 10_000]
    approx(curve(s, steps), [cosine_ref(t, lr, 0.0, D) for t in steps])
    approx(s(25), 0.05)
    approx(curve(s, [50, 51, 100]), [0.0, 0.0, 0.0])
    assert not s.periodic


def test_cosine_decay_steps_shorter_than_total():
    lr, m, D, T = 0.4, 0.04, 60, 100
    s = cosine(lr=lr, total_steps=T, min_lr=m, decay_steps=D)
    steps = [0, 30, 59, 60, 61, 99, 100, 101, 1000]
    approx(curve(s, steps), [cosine_ref(t, lr, m, D) for t in steps])
    assert [k.step for k in s.marks] == [60]


def test_cosine_defaults():
    s = cosine(lr=0.3, total_steps=1000)
    assert s.params["decay_steps"] == 1000 and s.params["min_lr"] == 0.0
    steps = [0, 500, 999, 1000, 1001]
    approx(curve(s, steps), [cosine_ref(t, 0.3, 0.0, 1000) for t in steps])


@pytest.mark.parametrize(
    "kwargs, name",
    [({"min_lr": -0.1}, "min_lr"), ({"decay_steps": 0}, "decay_steps"), ({"lr": float("inf")}, "lr"), ({"total_steps": 0}, "total_steps")],
)
def test_cosine_validation(kwargs, name):
    bad(cosine, name, **kwargs)


# --------------------------------------------------------------------------- cosine_restarts


def sgdr_ref(t, lr, P, m, peak_decay=1.0, min_lr=0.0):
    """Docstring: B_i = P * (1 + m + ... + m**(i-1)), T_i = P * m**i, t_cur = t - B_i."""
    i, B = 0, 0.0
    while B + P * m**i <= t:  # B_(i+1) = B_i + T_i
        B += P * m**i
        i += 1
    T_i = P * m**i
    t_cur = t - B
    return min_lr + (lr * peak_decay**i - min_lr) * (1 + math.cos(math.pi * t_cur / T_i)) / 2


def test_sgdr_mult1_matches_torch():
    # schedules.md §20: CAWR(4, 1, eta_min=0.1) -> 1, 0.8682, 0.55, 0.2318, 1, ...
    s = cosine_restarts(lr=1.0, total_steps=20, first_period=4, min_lr=0.1)
    approx(curve(s, range(5)), [1, 0.8682, 0.55, 0.2318, 1], rtol=1e-4)
    steps = [0, 1, 3, 4, 5, 7, 8, 9, 19, 20, 21, 400, 401, 403]
    approx(curve(s, steps), [sgdr_ref(t, 1.0, 4, 1.0, 1.0, 0.1) for t in steps])
    assert s.periodic
    assert [k.step for k in s.marks] == [4, 8, 12, 16, 20]


def test_sgdr_mult1_peak_decay():
    lr, P, pd, m = 0.5, 5, 0.5, 0.01
    s = cosine_restarts(lr=lr, total_steps=20, first_period=P, peak_decay=pd, min_lr=m)
    steps = [0, 4, 5, 6, 9, 10, 11, 14, 15, 16, 20, 50]
    approx(curve(s, steps), [sgdr_ref(t, lr, P, 1.0, pd, m) for t in steps])
    approx(curve(s, [0, 5, 10, 15]), [lr, lr * pd, lr * pd**2, lr * pd**3])


def test_sgdr_mult2_matches_torch():
    # schedules.md §20: CAWR(T_0=3, T_mult=2) -> 1, 0.75, 0.25, 1, 0.933, 0.75, 0.5, 0.25, 0.06699, 1, 0.983, ...,
    # 0.01704 (t=20), 1 (t=21)
    s = cosine_restarts(lr=1.0, total_steps=30, first_period=3, period_mult=2.0)
    approx(curve(s, range(11)), [1, 0.75, 0.25, 1, 0.933, 0.75, 0.5, 0.25, 0.06699, 1, 0.983], rtol=2e-4)
    approx(curve(s, [20, 21]), [0.01704, 1.0], rtol=1e-3)
    steps = [0, 2, 3, 4, 8, 9, 10, 20, 21, 22, 44, 45, 46, 92, 93, 94]
    approx(curve(s, steps), [sgdr_ref(t, 1.0, 3, 2.0) for t in steps])
    # restart exactly at every integer cycle start: 0, 3, 9, 21, 45, 93
    approx(curve(s, [3, 9, 21, 45, 93]), [1.0] * 5)
    assert [k.step for k in s.marks] == [3, 9, 21]


def test_sgdr_mult2_peak_decay_min_lr():
    lr, P, m, pd, lo = 1.0, 3, 2.0, 0.5, 0.1
    s = cosine_restarts(lr=lr, total_steps=30, first_period=P, period_mult=m, peak_decay=pd, min_lr=lo)
    steps = [0, 2, 3, 8, 9, 20, 21, 22, 44, 45]
    approx(curve(s, steps), [sgdr_ref(t, lr, P, m, pd, lo) for t in steps])
    approx(curve(s, [3, 9, 21, 45]), [0.5, 0.25, 0.125, 0.0625])


def test_sgdr_mult_1_5_fractional_starts():
    # first_period=2, period_mult=1.5: cycles start at 0, 2, 5, 9.5, 16.25, 26.375, ...
    lr = 1.0
    s = cosine_restarts(lr=lr, total_steps=30, first_period=2, period_mult=1.5)
    steps = list(range(0, 40))
    approx(curve(s, steps), [sgdr_ref(t, lr, 2, 1.5) for t in steps])
    approx(s(5), lr)  # t = 5 is a restart (Keras misses it with its float log)
    approx(s(4), (1 + math.cos(math.pi * 2 / 3)) / 2)  # last step of cycle 1 (t_cur 2 of 3)
    approx(s(9), (1 + math.cos(math.pi * 4 / 4.5)) / 2)  # still cycle 2 at t = 9 < 9.5
    approx(s(10), (1 + math.cos(math.pi * 0.5 / 6.75)) / 2)  # cycle 3, t_cur = 0.5
    approx(s(17), (1 + math.cos(math.pi * 0.75 / 10.125)) / 2)  # cycle 4, t_cur = 0.75


def test_sgdr_mult_1_5_peak_decay_at_restarts():
    s = cosine_restarts(lr=1.0, total_steps=30, first_period=2, period_mult=1.5, peak_decay=0.5)
    approx(curve(s, [0, 2, 5]), [1.0, 0.5, 0.25])
    approx(s(10), 0.125 * (1 + math.cos(math.pi * 0.5 / 6.75)) / 2)


def test_sgdr_marks_at_first_step_of_each_cycle():
    # A restart mark is the step where a new cycle begins.  With starts 0, 2, 5, 9.5, 16.25
    # the first whole steps of cycles 1..4 are 2, 5, 10 and 17 (at t = 9 the curve is still
    # in cycle 2, t_cur = 4 < T_2 = 4.5; it restarts at t = 10).
    s = cosine_restarts(lr=1.0, total_steps=20, first_period=2, period_mult=1.5)
    expected = []
    prev = None
    for t in range(0, 21):
        i, B = 0, 0.0
        while B + 2 * 1.5**i <= t:
            B += 2 * 1.5**i
            i += 1
        if prev is not None and i != prev:
            expected.append(t)
        prev = i
    assert expected == [2, 5, 10, 17]
    assert [k.step for k in s.marks] == expected


@pytest.mark.parametrize(
    "P, m, t",
    [(2, 1.5, 5), (10, 1.5, 25), (1, 3.0, 121), (2, 3.0, 242), (1, 10.0, 111), (2, 10.0, 222)],
)
def test_sgdr_restarts_where_float_log_libraries_miss(P, m, t):
    # schedules.md §9/§20: Keras misses (2, 1.5, 5), (10, 1.5, 25); timm misses the others.
    s = cosine_restarts(lr=1.0, total_steps=t + 10, first_period=P, period_mult=m, min_lr=0.01)
    approx(s(t), 1.0)
    approx(curve(s, [t - 1, t, t + 1]), [sgdr_ref(x, 1.0, P, m, 1.0, 0.01) for x in (t - 1, t, t + 1)])
    assert s(t - 1) < s(t)


def test_sgdr_min_lr_never_reached_inside_a_cycle():
    s = cosine_restarts(lr=1.0, total_steps=100, first_period=7, period_mult=1.0, min_lr=0.2)
    values = curve(s, range(500))
    assert np.all(values > 0.2)


def test_sgdr_defaults():
    lr, T = 0.1, 1000
    s = cosine_restarts(lr=lr, total_steps=T)
    P = T // 4
    assert s.params["first_period"] == P and s.params["period_mult"] == 1.0
    steps = [0, 249, 250, 251, 999, 1000, 1001, 5000]
    approx(curve(s, steps), [sgdr_ref(t, lr, P, 1.0) for t in steps])


def test_sgdr_many_cycles_with_mult_close_to_one():
    # "The schedule restarts forever": with m = 1.00001 and first_period = 1, the cycle
    # containing t = 20000 is cycle ~18232; the formula must still hold there.
    P, m, t = 1, 1.00001, 20_000
    s = cosine_restarts(lr=1.0, total_steps=100, first_period=P, period_mult=m)
    i, B = 0, 0.0
    while B + P * m**i <= t:
        B += P * m**i
        i += 1
    expected = (1 + math.cos(math.pi * (t - B) / (P * m**i))) / 2
    np.testing.assert_allclose(s(t), expected, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"period_mult": 0.5}, "period_mult"),
        ({"first_period": 0}, "first_period"),
        ({"peak_decay": -0.1}, "peak_decay"),
        ({"min_lr": -1.0}, "min_lr"),
        ({"period_mult": float("nan")}, "period_mult"),
    ],
)
def test_sgdr_validation(kwargs, name):
    bad(cosine_restarts, name, **kwargs)


# --------------------------------------------------------------------------- linear_cosine


def linear_cosine_ref(t, lr, D, num_periods=0.5, alpha=0.0, beta=0.001):
    tp = min(t, D)
    lin = (D - tp) / D
    cos = (1 + math.cos(2 * math.pi * num_periods * tp / D)) / 2
    return lr * ((alpha + lin) * cos + beta)


def test_linear_cosine_defaults_start_and_end():
    lr, T = 0.1, 1000
    s = linear_cosine(lr=lr, total_steps=T)
    approx(s(0), lr * (1 + 0.0 + 0.001))  # docstring: starts at lr * (1 + alpha + beta)
    approx(s(T), lr * 0.001)  # ends at lr * beta
    steps = [0, 1, 499, 500, 501, 999, 1000, 1001, 10_000]
    approx(curve(s, steps), [linear_cosine_ref(t, lr, T) for t in steps])


def test_linear_cosine_alpha_periods():
    lr, D, T, n, a, b = 2.0, 40, 60, 2.0, 0.2, 0.05
    s = linear_cosine(lr=lr, total_steps=T, decay_steps=D, num_periods=n, alpha=a, beta=b)
    steps = [0, 1, 9, 10, 11, 19, 20, 21, 39, 40, 41, 59, 60, 61, 500]
    approx(curve(s, steps), [linear_cosine_ref(t, lr, D, n, a, b) for t in steps])
    assert [k.step for k in s.marks] == [40]


@pytest.mark.parametrize(
    "kwargs, name",
    [({"num_periods": -1.0}, "num_periods"), ({"alpha": -0.1}, "alpha"), ({"beta": -0.1}, "beta"), ({"decay_steps": 0}, "decay_steps")],
)
def test_linear_cosine_validation(kwargs, name):
    bad(linear_cosine, name, **kwargs)


# --------------------------------------------------------------------------- noisy_linear_cosine


def test_noisy_same_seed_same_curve():
    steps = np.arange(0, 2000)
    a = noisy_linear_cosine(lr=0.1, total_steps=1000, seed=7)(steps)
    b = noisy_linear_cosine(lr=0.1, total_steps=1000, seed=7)(steps)
    np.testing.assert_array_equal(a, b)


def test_noisy_other_seed_other_curve():
    steps = np.arange(0, 1000)
    a = noisy_linear_cosine(lr=0.1, total_steps=1000, seed=1)(steps)
    b = noisy_linear_cosine(lr=0.1, total_steps=1000, seed=2)(steps)
    assert np.mean(a != b) > 0.9


def test_noisy_vectorized_equals_scalar_loop():
    s = noisy_linear_cosine(lr=0.1, total_steps=300, seed=3)
    steps = np.arange(0, 400)
    vec = s(steps)
    loop = np.array([s(int(t)) for t in steps])
    approx(vec, loop)
    # values do not depend on which other steps are evaluated alongside
    approx(s(np.array([250, 3, 17])), [vec[250], vec[3], vec[17]])
    approx(s(np.arange(200, 260)), vec[200:260])


def test_noisy_zero_variance_is_linear_cosine():
    lr, T, n, a, b = 0.3, 100, 1.5, 0.1, 0.01
    s = noisy_linear_cosine(lr=lr, total_steps=T, num_periods=n, alpha=a, beta=b, initial_variance=0.0, seed=5)
    steps = [0, 1, 33, 50, 99, 100, 101, 1000]
    approx(curve(s, steps), [max(0.0, linear_cosine_ref(t, lr, T, n, a, b)) for t in steps])


def test_noisy_holds_its_last_value_after_decay_steps():
    # eps is drawn at t' = min(t, D): past D the curve is flat
    s = noisy_linear_cosine(lr=0.1, total_steps=50, beta=0.2, seed=9)
    end = s(50)
    approx(curve(s, [51, 60, 500, 10**6]), [end] * 4)


def test_noisy_never_negative_clipped_at_zero():
    s = noisy_linear_cosine(lr=1.0, total_steps=1000, initial_variance=25.0, seed=11)
    values = s(np.arange(0, 3000))
    assert np.all(values >= 0.0)
    assert np.any(values == 0.0)  # a large variance does reach the clip


def test_noisy_noise_has_the_documented_variance():
    # With num_periods = 0 the cosine factor is 1 and lr(t) = lr * (alpha + linear + eps_t + beta).
    # alpha = 50 keeps the value away from the clip, so eps_t = lr(t)/lr - alpha - linear - beta and
    # eps_t / sqrt(initial_variance / (1 + t')**variance_decay) must be standard normal.
    lr, D, a, b, v0, vd = 1.0, 20_000, 50.0, 0.0, 4.0, 0.55
    s = noisy_linear_cosine(lr=lr, total_steps=D, num_periods=0.0, alpha=a, beta=b,
                            initial_variance=v0, variance_decay=vd, seed=123)
    t = np.arange(0, D)
    lin = (D - t) / D
    eps = s(t) / lr - a - lin - b
    z = eps / np.sqrt(v0 / (1.0 + t) ** vd)
    for part in (z[: D // 2], z[D // 2 :]):
        assert abs(part.mean()) < 0.05
        assert abs(part.std() - 1.0) < 0.05


def test_noisy_huge_seed_is_rejected_or_works():
    # check.seed accepts any non-negative int; a schedule that was built must then evaluate.
    try:
        s = noisy_linear_cosine(lr=0.1, total_steps=100, seed=2**64)
    except ParameterError as err:
        assert err.param == "seed"
        return
    values = s(np.arange(10))
    assert np.all(np.isfinite(values))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"initial_variance": -1.0}, "initial_variance"),
        ({"variance_decay": -0.5}, "variance_decay"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": True}, "seed"),
        ({"num_periods": -1.0}, "num_periods"),
    ],
)
def test_noisy_validation(kwargs, name):
    bad(noisy_linear_cosine, name, **kwargs)
