"""Tests of lrviz.schedules.compose with children passed as built Schedules.

Expected values come from the docstring formulas: the children's own closed forms
(transcribed with ``math``) combined as each composition operator says, plus
composition numbers from schedules.md §20 (torch SequentialLR / ChainedScheduler,
optax join_schedules).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.schedules.compose import clamp, multiply, periodic, sequence, warmup
from lrviz.schedules.cosine import cosine
from lrviz.schedules.cyclic import onecycle
from lrviz.schedules.decay import constant, exponential, linear, multistep
from helpers import approx, curve, bad


def cos_ref(t, lr, D, min_lr=0.0):
    tp = min(t, D)
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * tp / D)) / 2


def lin_ref(t, lr, min_lr, D):
    return lr + (min_lr - lr) * min(t, D) / D


def onecycle_ref(t, lr, T, pct=0.3, div=25.0, fdiv=1e4, base_m=0.85, max_m=0.95):
    initial, P = lr / div, round(pct * T)
    final = initial / fdiv

    def an(a, b, p):
        return b + (a - b) * (1 + math.cos(math.pi * p)) / 2

    if t > T:
        return final, max_m
    if t <= P:
        return an(initial, lr, t / P), an(max_m, base_m, t / P)
    p = (t - P) / (T - P)
    return an(lr, final, p), an(base_m, max_m, p)


# --------------------------------------------------------------------------- warmup


def warmup_ref(t, W, start, inner, shape="linear"):
    target = inner(0)
    if t >= W:
        return inner(t - W)
    p = t / W
    if shape == "linear":
        return start + (target - start) * p
    if shape == "cosine":
        return start + (target - start) * (1 - math.cos(math.pi * p)) / 2
    return start * (target / start) ** p


def test_warmup_linear_in_front_of_cosine():
    inner = cosine(lr=1.0, total_steps=90)
    s = warmup(lr=1.0, total_steps=100, warmup_steps=10, start_lr=0.0, schedule=inner)
    ref = lambda u: cos_ref(u, 1.0, 90)  # noqa: E731
    steps = [0, 1, 5, 9, 10, 11, 55, 99, 100, 101, 1000]
    approx(curve(s, steps), [warmup_ref(t, 10, 0.0, ref) for t in steps])
    approx(s(0), 0.0)  # start_lr
    approx(s(10), 1.0)  # inner(0)
    approx(s(11), cos_ref(1, 1.0, 90))  # the inner schedule sees t - W
    approx(s(100), 0.0)
    assert [k.step for k in s.marks][0] == 10


@pytest.mark.parametrize("shape", ["linear", "cosine", "exponential"])
def test_warmup_shapes(shape):
    inner = exponential(lr=0.5, total_steps=80, decay_rate=0.1, decay_steps=40)
    ref = lambda u: 0.5 * 0.1 ** (min(u, 80) / 40)  # noqa: E731  (t' = min(t, T))
    s = warmup(lr=0.5, total_steps=100, warmup_steps=20, start_lr=0.01, shape=shape, schedule=inner)
    steps = [0, 1, 7, 10, 19, 20, 21, 60, 99, 100, 101, 300]
    approx(curve(s, steps), [warmup_ref(t, 20, 0.01, ref, shape) for t in steps])
    approx(s(0), 0.01)
    approx(s(20), 0.5)


def test_warmup_target_is_inner_at_zero_not_lr():
    inner = constant(lr=0.25, total_steps=50)
    s = warmup(lr=10.0, total_steps=60, warmup_steps=10, start_lr=0.05, schedule=inner)
    approx(curve(s, [0, 5, 9, 10, 59, 60, 61]), [0.05, 0.05 + 0.2 * 0.5, 0.05 + 0.2 * 0.9, 0.25, 0.25, 0.25, 0.25])


def test_warmup_default_inner_constant_over_rest():
    lr, T = 0.5, 100
    s = warmup(lr=lr, total_steps=T)
    W = T // 10
    assert s.params["warmup_steps"] == W
    inner = s.params["schedule"]
    assert inner.params["total_steps"] == T - W  # built over total_steps - W
    steps = [0, 1, 5, 9, 10, 11, 99, 100, 101, 500]
    approx(curve(s, steps), [warmup_ref(t, W, 0.0, lambda u: lr) for t in steps])


def test_warmup_shifts_marks_and_momentum():
    inner = multistep(lr=1.0, total_steps=90, milestones=[20, 50], gamma=0.5)
    s = warmup(lr=1.0, total_steps=100, warmup_steps=10, schedule=inner)
    assert [k.step for k in s.marks] == [10, 30, 60]
    approx(curve(s, [29, 30, 31, 59, 60]), [1.0, 0.5, 0.5, 0.5, 0.25])

    oc = onecycle(lr=1.0, total_steps=50)
    s2 = warmup(lr=1.0, total_steps=60, warmup_steps=10, start_lr=0.0, schedule=oc)
    steps = [10, 11, 25, 40, 59, 60, 61]
    approx(curve(s2, steps), [onecycle_ref(t - 10, 1.0, 50)[0] for t in steps])
    approx(s2.momentum(np.asarray(steps)), [onecycle_ref(t - 10, 1.0, 50)[1] for t in steps])
    approx(s2(5), 0.5 * 0.04)


def test_warmup_zero_steps_is_inner():
    inner = cosine(lr=1.0, total_steps=10)
    s = warmup(lr=1.0, total_steps=10, warmup_steps=0, schedule=inner)
    approx(curve(s, range(12)), [cos_ref(t, 1.0, 10) for t in range(12)])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"warmup_steps": 100}, "warmup_steps"),
        ({"warmup_steps": -1}, "warmup_steps"),
        ({"shape": "exponential", "start_lr": 0.0}, "start_lr"),
        ({"shape": "quadratic"}, "shape"),
        ({"start_lr": -0.1}, "start_lr"),
        ({"total_steps": 0}, "total_steps"),
    ],
)
def test_warmup_validation(kwargs, name):
    kw = dict(lr=0.1, total_steps=100)
    kw.update(kwargs)
    bad(warmup, name, **kw)


# --------------------------------------------------------------------------- sequence


def test_sequence_matches_torch_sequentiallr():
    # schedules.md §20: SequentialLR([LinearLR(0.1 -> 1, 3), ExponentialLR(0.5)], [3]) -> 0.1, 0.4, 0.7, 1, 0.5, 0.25, ...
    s = sequence(lr=1.0, total_steps=10, phases=[
        (3, linear(lr=0.1, min_lr=1.0, total_steps=3)),
        (None, exponential(lr=1.0, total_steps=7, decay_rate=0.5, decay_steps=1)),
    ])
    approx(curve(s, range(6)), [0.1, 0.4, 0.7, 1.0, 0.5, 0.25])
    steps = [0, 2, 3, 4, 9, 10, 11, 20]
    expected = [lin_ref(t, 0.1, 1.0, 3) if t < 3 else 0.5 ** min(t - 3, 7) for t in steps]
    approx(curve(s, steps), expected)
    assert [k.step for k in s.marks] == [3]


def test_sequence_matches_optax_join():
    # schedules.md §20: join_schedules([const 1, linear 1 -> 0 over 4], [3]) -> 1, 1, 1, 1, 0.75, 0.5, 0.25, 0
    s = sequence(lr=1.0, total_steps=7, phases=[(3, constant(lr=1.0, total_steps=3)),
                                                (None, linear(lr=1.0, min_lr=0.0, total_steps=4))])
    approx(curve(s, range(8)), [1, 1, 1, 1, 0.75, 0.5, 0.25, 0])
    approx(curve(s, [8, 100]), [0.0, 0.0])


def test_sequence_three_phases_local_steps():
    a = cosine(lr=1.0, total_steps=10, min_lr=0.5)
    b = linear(lr=0.5, min_lr=0.1, total_steps=20)
    c = exponential(lr=0.1, total_steps=30, decay_rate=0.5, decay_steps=10)
    s = sequence(lr=1.0, total_steps=60, phases=[(10, a), (20, b), (30, c)])

    def ref(t):
        if t < 10:
            return cos_ref(t, 1.0, 10, 0.5)
        if t < 30:
            return lin_ref(t - 10, 0.5, 0.1, 20)
        return 0.1 * 0.5 ** (min(t - 30, 30) / 10)

    steps = [0, 9, 10, 11, 29, 30, 31, 59, 60, 61, 200]
    approx(curve(s, steps), [ref(t) for t in steps])
    assert [k.step for k in s.marks][:2] == [10, 30]


def test_sequence_default_warmup_then_cosine():
    lr, T = 0.1, 100
    s = sequence(lr=lr, total_steps=T)
    head = T // 10

    def ref(t):
        if t < head:
            return lin_ref(t, 0.0, lr, head)
        return cos_ref(t - head, lr, T - head)

    steps = [0, 1, 5, 9, 10, 11, 55, 99, 100, 101, 1000]
    approx(curve(s, steps), [ref(t) for t in steps])
    approx(curve(s, [0, 10, 55, 100]), [0.0, lr, lr / 2, 0.0])


def test_sequence_momentum_from_phase():
    oc = onecycle(lr=1.0, total_steps=20)
    s = sequence(lr=1.0, total_steps=30, phases=[(10, constant(lr=0.1, total_steps=10)), (None, oc)])
    steps = [10, 11, 16, 29, 30, 31]
    approx(s.momentum(np.asarray(steps)), [onecycle_ref(t - 10, 1.0, 20)[1] for t in steps])
    approx(curve(s, steps), [onecycle_ref(t - 10, 1.0, 20)[0] for t in steps])


@pytest.mark.parametrize(
    "phases, name",
    [
        ([], "phases"),
        ([(None, "C"), (5, "C")], "phases[0].steps"),
        ([(10, "C"), (None, "C")], "phases[1].steps"),
        ([(0, "C"), (None, "C")], "phases[0].steps"),
        ([(2.5, "C"), (None, "C")], "phases[0].steps"),
    ],
)
def test_sequence_validation(phases, name):
    child = constant(lr=0.1, total_steps=5)
    phases = [(d, child) for d, _ in phases]
    bad(sequence, name, lr=0.1, total_steps=10, phases=phases)


# --------------------------------------------------------------------------- multiply


def test_multiply_matches_torch_chained():
    # schedules.md §20: ChainedScheduler([LinearLR(0.5, 2), Cosine(T=4)]) -> 0.5, 0.64017, 0.5, 0.14645, 0
    s = multiply(lr=1.0, total_steps=4, schedules=[cosine(lr=1.0, total_steps=4), linear(lr=0.5, min_lr=1.0, total_steps=2)])
    approx(curve(s, range(5)), [0.5, 0.64017, 0.5, 0.14645, 0.0], rtol=1e-4)
    approx(curve(s, range(8)), [cos_ref(t, 1.0, 4) * lin_ref(t, 0.5, 1.0, 2) for t in range(8)])


def test_multiply_three_factors_and_momentum():
    a = onecycle(lr=0.2, total_steps=50)
    b = exponential(lr=1.0, total_steps=50, decay_rate=0.5, decay_steps=25)
    c = constant(lr=0.7, total_steps=50)
    s = multiply(lr=0.2, total_steps=50, schedules=[c, a, b])
    steps = [0, 14, 15, 16, 49, 50, 51, 100]
    approx(curve(s, steps), [0.7 * onecycle_ref(t, 0.2, 50)[0] * 0.5 ** (min(t, 50) / 25) for t in steps])
    approx(s.momentum(np.asarray(steps)), [onecycle_ref(t, 0.2, 50)[1] for t in steps])
    assert not s.periodic


def test_multiply_single_schedule_is_itself():
    inner = cosine(lr=0.3, total_steps=20)
    s = multiply(lr=0.3, total_steps=20, schedules=[inner])
    approx(curve(s, range(25)), [cos_ref(t, 0.3, 20) for t in range(25)])


def test_multiply_does_not_modify_children():
    inner = cosine(lr=0.3, total_steps=20)
    before = inner(np.arange(25))
    s = multiply(lr=0.3, total_steps=20, schedules=[inner, constant(lr=2.0, total_steps=20)])
    s(np.arange(25))
    approx(inner(np.arange(25)), before)


def test_multiply_default_cosine_times_sine_wave():
    # docstring: default is cosine times a sine wave between 0.5 and 1 (cyclic lr=1, min_lr=0.5, mode sine,
    # whose step_size_up defaults to a tenth of total_steps)
    lr, T = 0.2, 100
    s = multiply(lr=lr, total_steps=T)
    up = T // 10

    def wave(t):
        pos = t % (2 * up)
        x = pos / up if pos <= up else (2 * up - pos) / up
        return 0.5 + 0.5 * (1 - math.cos(math.pi * x)) / 2

    steps = [0, 1, 5, 9, 10, 11, 20, 50, 99, 100, 101, 110]
    approx(curve(s, steps), [cos_ref(t, lr, T) * wave(t) for t in steps])
    approx(curve(s, [0, 10]), [lr * 0.5, cos_ref(10, lr, T)])


def test_multiply_validation():
    bad(multiply, "schedules", lr=0.1, total_steps=10, schedules=[])
    bad(multiply, "lr", lr=-1.0, total_steps=10, schedules=[constant()])


# --------------------------------------------------------------------------- clamp


def test_clamp_both_bounds():
    inner = cosine(lr=1.0, total_steps=10)
    s = clamp(lr=1.0, total_steps=10, schedule=inner, min_lr=0.2, max_lr=0.8)
    steps = list(range(0, 13))
    approx(curve(s, steps), [min(max(cos_ref(t, 1.0, 10), 0.2), 0.8) for t in steps])
    approx(curve(s, [0, 5, 10, 11]), [0.8, 0.5, 0.2, 0.2])


def test_clamp_one_bound():
    inner = linear(lr=1.0, total_steps=10)
    lo = clamp(lr=1.0, total_steps=10, schedule=inner, min_lr=0.35)
    hi = clamp(lr=1.0, total_steps=10, schedule=inner, max_lr=0.35)
    steps = list(range(0, 13))
    approx(curve(lo, steps), [max(lin_ref(t, 1.0, 0.0, 10), 0.35) for t in steps])
    approx(curve(hi, steps), [min(lin_ref(t, 1.0, 0.0, 10), 0.35) for t in steps])


def test_clamp_default_cosine_floor_at_lr_over_10():
    lr, T = 0.3, 50
    s = clamp(lr=lr, total_steps=T)
    steps = [0, 1, 25, 40, 49, 50, 51, 500]
    approx(curve(s, steps), [max(cos_ref(t, lr, T), lr / 10) for t in steps])
    approx(curve(s, [0, 50, 500]), [lr, lr / 10, lr / 10])


def test_clamp_no_bounds_is_inner():
    inner = cosine(lr=1.0, total_steps=10)
    s = clamp(lr=1.0, total_steps=10, schedule=inner)
    approx(curve(s, range(12)), [cos_ref(t, 1.0, 10) for t in range(12)])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"min_lr": 0.5, "max_lr": 0.1}, "min_lr"),
        ({"max_lr": -0.1}, "max_lr"),
        ({"min_lr": -0.1}, "min_lr"),
        ({"schedule": None, "min_lr": 0.5, "max_lr": 0.1}, "min_lr"),
    ],
)
def test_clamp_validation(kwargs, name):
    kw = dict(lr=0.1, total_steps=10, schedule=constant())
    kw.update(kwargs)
    bad(clamp, name, **kw)


# --------------------------------------------------------------------------- periodic


def test_periodic_t_mod_period():
    inner = linear(lr=1.0, total_steps=5)
    s = periodic(lr=1.0, total_steps=20, period=5, schedule=inner)
    steps = [0, 1, 4, 5, 6, 9, 10, 11, 19, 20, 21, 1003]
    approx(curve(s, steps), [lin_ref(t % 5, 1.0, 0.0, 5) for t in steps])
    assert s.periodic
    assert [k.step for k in s.marks] == [5, 10, 15, 20]


def test_periodic_default_cosine_quarter():
    lr, T = 0.2, 100
    s = periodic(lr=lr, total_steps=T)
    P = T // 4
    assert s.params["period"] == P
    steps = [0, 1, 12, 24, 25, 26, 49, 50, 99, 100, 101, 1000]
    approx(curve(s, steps), [cos_ref(t % P, lr, P) for t in steps])
    approx(curve(s, [0, 25, 100]), [lr, lr, lr])


def test_periodic_momentum():
    oc = onecycle(lr=1.0, total_steps=10)
    s = periodic(lr=1.0, total_steps=40, period=10, schedule=oc)
    steps = [0, 3, 9, 10, 13, 23, 39]
    approx(curve(s, steps), [onecycle_ref(t % 10, 1.0, 10)[0] for t in steps])
    approx(s.momentum(np.asarray(steps)), [onecycle_ref(t % 10, 1.0, 10)[1] for t in steps])


@pytest.mark.parametrize("kwargs, name", [({"period": 0}, "period"), ({"period": 1.5}, "period"), ({"lr": -1.0}, "lr")])
def test_periodic_validation(kwargs, name):
    bad(periodic, name, total_steps=10, **kwargs)
