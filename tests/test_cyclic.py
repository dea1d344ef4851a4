"""Closed-form tests of lrviz.schedules.cyclic (cyclic and onecycle, with momentum).

Expected values are transcribed from the docstring formulas with ``math``, or come
from schedules.md §20 (torch CyclicLR, optax cosine_onecycle_schedule).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.schedules.cyclic import cyclic, onecycle
from helpers import approx, curve, bad


def mcurve(schedule, steps):
    return schedule.momentum(np.asarray(steps, dtype=np.int64))


# --------------------------------------------------------------------------- cyclic


def cyclic_ref(t, lr, min_lr, up, down, mode="triangular", gamma=0.999, base_m=0.8, max_m=0.9):
    """Docstring: C = up + down, pos = t mod C, cycle = floor(t / C) + 1, ..."""
    C = up + down
    pos = t % C
    cycle = t // C + 1
    s = pos / up if pos <= up else (C - pos) / down
    shape = (1 - math.cos(math.pi * s)) / 2 if mode == "sine" else s
    if mode == "triangular2":
        scale = 1 / 2 ** (cycle - 1)
    elif mode == "exp_range":
        scale = gamma**t
    else:
        scale = 1.0
    value = min_lr + (lr - min_lr) * shape * scale
    momentum = max_m - (max_m - base_m) * shape * scale
    return value, momentum


def cyclic_refs(steps, **kw):
    pairs = [cyclic_ref(t, **kw) for t in steps]
    return [p[0] for p in pairs], [p[1] for p in pairs]


GEOM = dict(lr=1.0, min_lr=0.1, up=2, down=3)


def build(mode, gamma=0.999, **extra):
    return cyclic(lr=1.0, total_steps=20, min_lr=0.1, step_size_up=2, step_size_down=3, mode=mode, gamma=gamma, **extra)


def test_cyclic_triangular_matches_torch():
    # schedules.md §20: CyclicLR(base 0.1, max 1, up 2, down 3) triangular -> 0.1, 0.55, 1, 0.7, 0.4, 0.1
    # momentum 0.9, 0.85, 0.8, 0.8333, 0.8667, 0.9
    s = build("triangular")
    approx(curve(s, range(6)), [0.1, 0.55, 1.0, 0.7, 0.4, 0.1])
    approx(mcurve(s, range(6)), [0.9, 0.85, 0.8, 0.8 + 0.1 / 3, 0.9 - 0.1 / 3, 0.9])
    approx(mcurve(s, range(6)), [0.9, 0.85, 0.8, 0.8333, 0.8667, 0.9], rtol=1e-4)


def test_cyclic_triangular_boundaries_and_repeat():
    s = build("triangular")
    steps = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 19, 20, 21, 22, 1000, 1002, 1004]
    lr, mom = cyclic_refs(steps, mode="triangular", **GEOM)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)
    assert s.periodic
    assert [k.step for k in s.marks] == [2, 7, 12, 17]


def test_cyclic_triangular2_matches_torch():
    # schedules.md §20: triangular2 -> cycle 2: 0.1, 0.325, 0.55, 0.4, 0.25; cycle 3: 0.1, 0.2125, 0.325, 0.25, 0.175
    s = build("triangular2")
    approx(curve(s, range(5, 10)), [0.1, 0.325, 0.55, 0.4, 0.25])
    approx(curve(s, range(10, 15)), [0.1, 0.2125, 0.325, 0.25, 0.175])
    steps = [0, 2, 4, 5, 7, 9, 10, 12, 14, 15, 17, 50, 52]
    lr, mom = cyclic_refs(steps, mode="triangular2", **GEOM)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)
    # momentum amplitude halves too: base at the first peak, 0.85 at the second
    approx(mcurve(s, [2, 7, 12]), [0.8, 0.85, 0.875])


def test_cyclic_exp_range_matches_torch():
    # schedules.md §20: exp_range(gamma 0.9) -> 0.1, 0.505, 0.829, 0.5374, 0.2968, 0.1, 0.3391, 0.5305
    s = build("exp_range", gamma=0.9)
    approx(curve(s, range(8)), [0.1, 0.505, 0.829, 0.5374, 0.2968, 0.1, 0.3391, 0.5305], rtol=2e-4)
    steps = [0, 1, 2, 3, 4, 5, 6, 7, 12, 22, 100]
    lr, mom = cyclic_refs(steps, mode="exp_range", gamma=0.9, **GEOM)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)


def test_cyclic_sine():
    s = build("sine")
    steps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 23, 100]
    lr, mom = cyclic_refs(steps, mode="sine", **GEOM)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)
    approx(curve(s, [0, 1, 2, 5]), [0.1, 0.1 + 0.9 * 0.5, 1.0, 0.1])


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range", "sine"])
def test_cyclic_momentum_opposite_to_lr(mode):
    s = cyclic(lr=1.0, total_steps=400, min_lr=0.0, step_size_up=13, step_size_down=29, mode=mode, gamma=0.99,
               base_momentum=0.8, max_momentum=0.9)
    t = np.arange(0, 400)
    lr, mom = s(t), s.momentum(t)
    # lr = h, momentum = 0.9 - 0.1 h with the same h in [0, 1]
    approx(mom, 0.9 - 0.1 * lr)
    assert np.all(np.diff(lr) * np.diff(mom) <= 0)


def test_cyclic_defaults():
    lr, T = 0.1, 1000
    s = cyclic(lr=lr, total_steps=T)
    assert s.params["min_lr"] == lr / 10
    assert s.params["step_size_up"] == 100 and s.params["step_size_down"] == 100
    steps = [0, 99, 100, 101, 199, 200, 201, 999, 1000, 1001, 1100, 1200]
    lr_ref, mom_ref = cyclic_refs(steps, lr=lr, min_lr=lr / 10, up=100, down=100)
    approx(curve(s, steps), lr_ref)
    approx(mcurve(s, steps), mom_ref)
    approx(curve(s, [0, 100, 200, 1000, 1100]), [0.01, 0.1, 0.01, 0.01, 0.1])
    assert [k.step for k in s.marks] == [100, 300, 500, 700, 900]  # five cycles


def test_cyclic_triangular2_far_past_the_end_is_quiet():
    # scale = 1 / 2**(cycle-1) tends to 0: far past the end the lr is min_lr and the momentum
    # max_momentum, computed without numpy overflow warnings (the CLI shows nothing but errors).
    import warnings

    s = cyclic(lr=1.0, total_steps=20, min_lr=0.1, step_size_up=1, step_size_down=1, mode="triangular2")
    steps = np.array([2 * 1100 + 1, 10**6 + 1])  # cycles 1101 and 500001, at their peaks
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = s(steps)
        moms = s.momentum(steps)
    approx(values, [0.1 + 0.9 * 2.0**-1100, 0.1])  # 0.9 * 2**-1100 is far below rtol
    approx(moms, [0.9, 0.9])


def test_cyclic_without_momentum():
    s = cyclic(lr=0.1, total_steps=100, cycle_momentum=False)
    assert s.momentum(np.arange(3)) is None
    assert not s.has_momentum


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"mode": "triangle"}, "mode"),
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": 1.5}, "gamma"),
        ({"step_size_up": 0}, "step_size_up"),
        ({"step_size_down": 0}, "step_size_down"),
        ({"base_momentum": 1.5}, "base_momentum"),
        ({"max_momentum": -0.1}, "max_momentum"),
        ({"min_lr": -0.01}, "min_lr"),
        ({"cycle_momentum": "no"}, "cycle_momentum"),
    ],
)
def test_cyclic_validation(kwargs, name):
    bad(cyclic, name, **kwargs)


# --------------------------------------------------------------------------- onecycle


def anneal_ref(kind, start, end, p):
    if kind == "cos":
        return end + (start - end) * (1 + math.cos(math.pi * p)) / 2
    return start + (end - start) * p


def onecycle_ref(t, lr, T, pct=0.3, anneal="cos", div=25.0, fdiv=1e4, three=False, base_m=0.85, max_m=0.95):
    initial = lr / div
    final = initial / fdiv
    P = round(pct * T)
    if three:
        phases = [(0, P, initial, lr, max_m, base_m), (P, 2 * P, lr, initial, base_m, max_m),
                  (2 * P, T, initial, final, max_m, max_m)]
    else:
        phases = [(0, P, initial, lr, max_m, base_m), (P, T, lr, final, base_m, max_m)]
    if t > T:
        return final, max_m
    for begin, end, l0, l1, m0, m1 in phases:
        if t <= end:
            p = (t - begin) / (end - begin)
            return anneal_ref(anneal, l0, l1, p), anneal_ref(anneal, m0, m1, p)
    raise AssertionError("unreachable")


def onecycle_refs(steps, **kw):
    pairs = [onecycle_ref(t, **kw) for t in steps]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def test_onecycle_cos_matches_optax():
    # schedules.md §20: optax cosine_onecycle_schedule(10, 1) -> 0.04, 0.28, 0.76, 1 (t=3), 0.95048, ...,
    # 0.049519, 4e-6 (t=10); the docstring's peak at round(pct*T) and end at T match optax.
    s = onecycle(lr=1.0, total_steps=10)
    v = curve(s, range(11))
    approx(v[:5], [0.04, 0.28, 0.76, 1.0, 0.95048], rtol=1e-5)
    approx(v[9:], [0.049519, 4e-6], rtol=1e-4)
    lr, mom = onecycle_refs(range(13), lr=1.0, T=10)
    approx(curve(s, range(13)), lr)
    approx(mcurve(s, range(13)), mom)


def test_onecycle_torch_defaults_boundaries():
    # document 4: OneCycleLR(max_lr=0.1, total_steps=1000) with the defaults pct 0.3, div 25, final_div 1e4
    s = onecycle(lr=0.1, total_steps=1000)
    steps = [0, 1, 150, 299, 300, 301, 650, 999, 1000, 1001, 5000]
    lr, mom = onecycle_refs(steps, lr=0.1, T=1000)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)
    approx(curve(s, [0, 300, 1000, 1001, 5000]), [0.004, 0.1, 4e-7, 4e-7, 4e-7])
    approx(mcurve(s, [0, 300, 1000, 1001]), [0.95, 0.85, 0.95, 0.95])
    assert [k.step for k in s.marks] == [300]
    assert not s.periodic


def test_onecycle_linear():
    s = onecycle(lr=1.0, total_steps=10, anneal="linear")
    lr, mom = onecycle_refs(range(13), lr=1.0, T=10, anneal="linear")
    approx(curve(s, range(13)), lr)
    approx(mcurve(s, range(13)), mom)
    # hand values; at t = 10 the formula in floats (1 + (4e-6 - 1) * 1) is 4e-6 to ~1e-12 relative
    approx(curve(s, [0, 3, 10]), [0.04, 1.0, 4e-6], rtol=1e-9)
    approx(s(2), 0.04 + 0.96 * 2 / 3)
    approx(s.momentum(5), 0.85 + 0.1 * 2 / 7)


@pytest.mark.parametrize("anneal", ["cos", "linear"])
def test_onecycle_three_phase(anneal):
    T, pct = 20, 0.25  # P = 5: peak at 5, back to initial at 10, final at 20
    s = onecycle(lr=1.0, total_steps=T, pct_start=pct, anneal=anneal, three_phase=True)
    steps = list(range(0, 25))
    lr, mom = onecycle_refs(steps, lr=1.0, T=T, pct=pct, anneal=anneal, three=True)
    approx(curve(s, steps), lr)
    approx(mcurve(s, steps), mom)
    approx(curve(s, [0, 5, 10, 20, 21]), [0.04, 1.0, 0.04, 4e-6, 4e-6])
    approx(mcurve(s, [0, 5, 10]), [0.95, 0.85, 0.95])
    approx(mcurve(s, range(10, 25)), [0.95] * 15)  # held at max in the third phase
    assert [k.step for k in s.marks] == [5, 10]


def test_onecycle_custom_factors_and_momentum():
    lr, T = 0.5, 37
    kw = dict(pct=0.4, anneal="cos", div=10.0, fdiv=100.0, base_m=0.7, max_m=0.99)
    s = onecycle(lr=lr, total_steps=T, pct_start=0.4, div_factor=10.0, final_div_factor=100.0,
                 base_momentum=0.7, max_momentum=0.99)
    P = round(0.4 * T)
    steps = [0, 1, P - 1, P, P + 1, T - 1, T, T + 1, 10 * T]
    ref_lr, ref_m = onecycle_refs(steps, lr=lr, T=T, **kw)
    approx(curve(s, steps), ref_lr)
    approx(mcurve(s, steps), ref_m)


def test_onecycle_momentum_opposite_to_lr():
    s = onecycle(lr=1.0, total_steps=200)
    t = np.arange(0, 260)
    lr, mom = s(t), s.momentum(t)
    assert np.all(np.diff(lr) * np.diff(mom) <= 1e-18)


def test_onecycle_defaults_and_no_momentum():
    s = onecycle()
    lr, mom = onecycle_refs([0, 300, 1000], lr=0.1, T=1000)
    approx(curve(s, [0, 300, 1000]), lr)
    s2 = onecycle(lr=0.1, total_steps=100, cycle_momentum=False)
    assert s2.momentum(np.arange(3)) is None


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"pct_start": 0.0}, "pct_start"),
        ({"pct_start": 1.0}, "pct_start"),
        ({"pct_start": 0.0001}, "pct_start"),  # peak at step 0
        ({"pct_start": 0.6, "three_phase": True}, "pct_start"),
        ({"anneal": "cosinus"}, "anneal"),
        ({"total_steps": 1}, "total_steps"),
        ({"div_factor": 0.0}, "div_factor"),
        ({"final_div_factor": -1.0}, "final_div_factor"),
        ({"three_phase": 1}, "three_phase"),
        ({"base_momentum": 2.0}, "base_momentum"),
    ],
)
def test_onecycle_validation(kwargs, name):
    bad(onecycle, name, **kwargs)


def test_onecycle_anneal_cos_is_a_spelling_of_cosine():
    t = np.arange(0, 1001)
    a, b = onecycle(total_steps=1000, anneal="cos"), onecycle(total_steps=1000, anneal="cosine")
    np.testing.assert_array_equal(a(t), b(t))
    assert a.params["anneal"] == "cosine"
    np.testing.assert_allclose(a(t), onecycle_refs(t, lr=0.1, T=1000)[0], rtol=1e-12)
