"""Tests of lrviz.schedules.keyframes against document 1's formulas (8) to (11).

Each formula is transcribed below as a scalar function with its case
conditions, independently of the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.errors import ParameterError
from lrviz.schedules.keyframes import keyframes

RTOL = 1e-12


# ---------------------------------------------------------------- document 1, formulas (8) to (11)


def seed8(t, t1, r_min):
    """{t1: r_min}; at t = 0 (outside 0 < t) the factor is its start value 1."""
    if t == 0:
        return 1.0
    if 0 < t <= t1:
        return 1 + (r_min - 1) / t1 * t
    if t > t1:
        return r_min
    raise AssertionError(t)


def seed9(t, t1, t2, r_min):
    """{t1: 1, t2: r_min}; at t = 0 the warmup starts from 0."""
    if t == 0:
        return 0.0
    if 0 < t <= t1:
        return t / t1
    if t1 < t <= t2:
        return 1 + (r_min - 1) / (t2 - t1) * (t - t1)
    if t > t2:
        return r_min
    raise AssertionError(t)


def seed10(t, t1, t2, t3, r_min):
    """{t1: r_min, t2: r_min, t3: 1}; where t mod t3 = 0 the factor is the period's start value 1."""
    u = t % t3
    if u == 0:
        return 1.0
    if 0 < u <= t1:
        return 1 + (r_min - 1) / t1 * u
    if t1 < u <= t2:
        return r_min
    if t2 < u <= t3:
        return r_min + (1 - r_min) / (t3 - t2) * (u - t2)
    raise AssertionError(t)


def seed11(t, t1, t2, t3, t4, r_min):
    """{t1: 1, t2: r_min, t3: r_min, t4: 1}; at t = 0 the warmup starts from 0."""
    if t == 0:
        return 0.0
    if 0 < t <= t1:
        return t / t1
    th = (t - t1) % (t4 - t1)
    if t > t1 and th <= t2 - t1:
        return 1 + (r_min - 1) / (t2 - t1) * th
    if t > t1 and t2 - t1 < th <= t3 - t1:
        return r_min
    if t > t1 and t3 - t1 < th < t4 - t1:
        return r_min + (1 - r_min) / (t4 - t3) * (th - (t3 - t1))
    raise AssertionError(t)


def expect(lr, ref, steps):
    return [lr * ref(t) for t in steps]


def near(lr):
    """Absolute slack of a few ulps of lr: the transcribed ``1 + (r_min - 1) / t1 * t`` itself
    rounds at that scale (at t = t1 it is r_min only up to cancellation, which lrviz returns exactly)."""
    return 4 * np.finfo(float).eps * lr


R_MINS = [0.1, 0.01, 0.0, 1e-4, 0.5, 2.0]


@pytest.mark.parametrize("r_min", R_MINS)
@pytest.mark.parametrize("t1", [1, 2, 7, 100, 999])
def test_formula_8(t1, r_min):
    lr = 0.3
    steps = range(0, 3 * t1 + 20)
    s = keyframes(lr=lr, keyframes={t1: r_min})
    expected = expect(lr, lambda t: seed8(t, t1, r_min), steps)
    np.testing.assert_allclose(s(np.asarray(steps)), expected, rtol=RTOL, atol=near(lr))
    assert (s.params["warmup"], s.params["periodic"], s.periodic) == (False, False, False)


@pytest.mark.parametrize("r_min", R_MINS + [1.0])
@pytest.mark.parametrize("t1, t2", [(1, 2), (3, 4), (10, 50), (30, 31), (100, 1000)])
def test_formula_9(t1, t2, r_min):
    lr = 0.7
    steps = range(0, 2 * t2 + 20)
    s = keyframes(lr=lr, keyframes={t1: 1, t2: r_min})
    expected = expect(lr, lambda t: seed9(t, t1, t2, r_min), steps)
    np.testing.assert_allclose(s(np.asarray(steps)), expected, rtol=RTOL, atol=near(lr))
    assert (s.params["warmup"], s.params["periodic"], s.periodic) == (True, False, False)


@pytest.mark.parametrize("r_min", R_MINS)
@pytest.mark.parametrize("t1, t2, t3", [(1, 2, 3), (10, 20, 40), (5, 6, 100), (50, 70, 71), (3, 90, 91)])
def test_formula_10(t1, t2, t3, r_min):
    lr = 1.5
    steps = range(0, 4 * t3 + 7)
    s = keyframes(lr=lr, keyframes={t1: r_min, t2: r_min, t3: 1})
    expected = expect(lr, lambda t: seed10(t, t1, t2, t3, r_min), steps)
    np.testing.assert_allclose(s(np.asarray(steps)), expected, rtol=RTOL, atol=near(lr))
    assert (s.params["warmup"], s.params["periodic"], s.periodic) == (False, True, True)


@pytest.mark.parametrize("r_min", R_MINS)
@pytest.mark.parametrize("ts", [(1, 2, 3, 4), (10, 30, 40, 60), (5, 17, 18, 100), (40, 41, 80, 81), (2, 50, 51, 52)])
def test_formula_11(ts, r_min):
    t1, t2, t3, t4 = ts
    lr = 0.05
    steps = range(0, t1 + 4 * (t4 - t1) + 7)
    s = keyframes(lr=lr, keyframes={t1: 1, t2: r_min, t3: r_min, t4: 1})
    expected = expect(lr, lambda t: seed11(t, *ts, r_min), steps)
    np.testing.assert_allclose(s(np.asarray(steps)), expected, rtol=RTOL, atol=near(lr))
    assert (s.params["warmup"], s.params["periodic"], s.periodic) == (True, True, True)


def test_formula_10_with_r_min_1_needs_explicit_flags():
    # {t1: 1, t2: 1, t3: 1} would be read as a warmup; the flags say it is formula (10)
    s = keyframes(lr=1.0, keyframes={5: 1, 8: 1, 12: 1}, warmup=False, periodic=True)
    np.testing.assert_allclose(s(np.arange(60)), [seed10(t, 5, 8, 12, 1.0) for t in range(60)], rtol=RTOL)


def test_hand_values():
    s = keyframes(lr=1.0, keyframes={10: 1, 30: 0.1, 40: 0.1, 60: 1})
    # warmup 0 -> 1 over 10 steps, 1 -> 0.1 over 20, flat 10, 0.1 -> 1 over 20, repeat every 50 after t = 10
    expected = {0: 0.0, 5: 0.5, 10: 1.0, 20: 0.55, 30: 0.1, 35: 0.1, 40: 0.1, 50: 0.55, 59: 0.955, 60: 1.0, 70: 0.55, 110: 1.0}
    np.testing.assert_allclose(s(list(expected)), list(expected.values()), rtol=RTOL)
    s = keyframes(lr=3.0, keyframes={10: 1, 20: 0.0})  # exact zeros at the start and after the decay
    assert s(0) == 0.0 and s(10) == 3.0 and s(20) == 0.0 and s(500) == 0.0
    s = keyframes(lr=2.0, keyframes={4: 0.5})
    np.testing.assert_allclose(s([0, 1, 2, 4, 5, 100]), [2.0, 1.75, 1.5, 1.0, 1.0, 1.0], rtol=RTOL)


# ---------------------------------------------------------------- defaults and inference


@pytest.mark.parametrize("total_steps", [1, 2, 10, 1000, 4321])
def test_default_is_formula_8_with_r_min_0_1(total_steps):
    s = keyframes(lr=0.2, total_steps=total_steps)
    assert s.params == dict(lr=0.2, total_steps=total_steps, keyframes={total_steps: 0.1}, warmup=False, periodic=False)
    steps = range(0, total_steps + 10)
    np.testing.assert_allclose(s(np.asarray(steps)), expect(0.2, lambda t: seed8(t, total_steps, 0.1), steps), rtol=RTOL)
    assert s(0) == 0.2 and s(total_steps) == pytest.approx(0.02, rel=RTOL)


@pytest.mark.parametrize(
    "frames, warmup, periodic",
    [
        ({100: 0.1}, False, False),
        ({100: 1}, False, False),  # one key: no warmup
        ({100: 1, 200: 0.1}, True, False),
        ({100: 1, 200: 1}, True, False),
        ({100: 0.1, 200: 0.1, 300: 1}, False, True),
        ({100: 0.5, 200: 1}, False, True),
        ({100: 1, 200: 0.1, 300: 0.1, 400: 1}, True, True),
        ({100: 1, 200: 0.5, 300: 1}, True, True),
        ({100: 0.1, 200: 0.1, 300: 0.5}, False, False),
        ({100: 0.5, 200: 0.1, 300: 1, 400: 0.2}, False, False),
    ],
)
def test_inference(frames, warmup, periodic):
    s = keyframes(keyframes=frames)
    assert (s.params["warmup"], s.params["periodic"], s.periodic) == (warmup, periodic, periodic)


def test_explicit_flags_override_inference():
    s = keyframes(lr=1.0, keyframes={10: 1, 20: 0.5}, warmup=False)
    assert s(0) == 1.0 and s(5) == 1.0 and s(15) == pytest.approx(0.75, rel=RTOL)
    s = keyframes(lr=1.0, keyframes={10: 0.5}, warmup=True)  # any r1 accepted
    np.testing.assert_allclose(s([0, 4, 10, 50]), [0.0, 0.2, 0.5, 0.5], rtol=RTOL)
    s = keyframes(lr=1.0, keyframes={10: 0.5}, periodic=True)  # sawtooth with period 10
    np.testing.assert_allclose(s([0, 5, 9, 10, 15, 20]), [1.0, 0.75, 0.55, 1.0, 0.75, 1.0], rtol=RTOL)
    s = keyframes(lr=1.0, keyframes={10: 0.1, 20: 0.1, 30: 1}, periodic=False)
    np.testing.assert_allclose(s([30, 31, 45, 1000]), [1.0] * 4, rtol=RTOL)


def test_unsorted_and_float_keys():
    a = keyframes(keyframes={300: 0.1, 100: 1.0, 400: 0.1, 500: 1})
    b = keyframes(keyframes={100.0: 1, 300: 0.1, 400: 0.1, 500.0: 1})
    t = np.arange(1200)
    np.testing.assert_array_equal(a(t), b(t))
    assert list(a.params["keyframes"]) == [100, 300, 400, 500]


def test_marks():
    s = keyframes(lr=1.0, total_steps=150, keyframes={10: 1, 30: 0.1, 40: 0.1, 60: 1})
    assert [m.step for m in s.marks] == [10, 30, 40, 60, 80, 90, 110, 130, 140]  # repeats every 50 after t = 10
    s = keyframes(lr=1.0, total_steps=100, keyframes={10: 0.1, 20: 0.1, 30: 1})
    assert [m.step for m in s.marks] == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    s = keyframes(lr=1.0, total_steps=100_000, keyframes={1: 0.5, 2: 1})
    assert len(s.marks) == 100
    assert [m.step for m in keyframes(total_steps=50, keyframes={20: 1, 40: 0.1}).marks] == [20, 40]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, param",
    [
        (dict(lr=-0.1), "lr"),
        (dict(total_steps=0), "total_steps"),
        (dict(keyframes=[(100, 0.1)]), "keyframes"),
        (dict(keyframes={}), "keyframes"),
        (dict(keyframes={0: 0.1}), "keyframes[0]"),
        (dict(keyframes={-5: 0.1}), "keyframes[-5]"),
        (dict(keyframes={10.5: 0.1}), "keyframes[10.5]"),
        (dict(keyframes={"100": 0.1}), "keyframes[100]"),
        (dict(keyframes={100: -0.1}), "keyframes[100]"),
        (dict(keyframes={100: "low"}), "keyframes[100]"),
        (dict(keyframes={100: float("inf")}), "keyframes[100]"),
        (dict(keyframes={100: 0.1}, warmup="yes"), "warmup"),
        (dict(keyframes={100: 0.1}, periodic=1), "periodic"),
        (dict(keyframes={100: 1}, warmup=True, periodic=True), "periodic"),
    ],
)
def test_validation_errors(kwargs, param):
    with pytest.raises(ParameterError, match=param.replace("[", r"\[").replace("]", r"\]")) as info:
        keyframes(**kwargs)
    assert info.value.param == param


# ---------------------------------------------------------------- properties


def ref_general(t, steps, factors, warmup, periodic):
    """Piecewise linear through (0, r0), (t1, r1), ...; repeated or held after the last key."""
    points = [(0, 0.0 if warmup else 1.0)] + list(zip(steps, factors))
    if periodic:
        start = steps[0] if warmup else 0
        if t > start:
            t = start + (t - start) % (steps[-1] - start)
    if t >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= t < x1:
            return y0 + (y1 - y0) * (t - x0) / (x1 - x0)
    raise AssertionError(t)


factors = st.sampled_from([0.0, 0.01, 0.1, 0.5, 1.0]) | st.floats(1e-6, 2.0)
flags = st.sampled_from([None, True, False])


@st.composite
def cases(draw):
    frames = draw(st.dictionaries(st.integers(1, 500), factors, min_size=1, max_size=6))
    warmup, periodic = draw(flags), draw(flags)
    keys = sorted(frames)
    values = [frames[k] for k in keys]
    resolved_warmup = (len(keys) >= 2 and values[0] == 1.0) if warmup is None else warmup
    body = values[1:] if resolved_warmup else values
    resolved_periodic = (len(body) >= 2 and body[-1] == 1.0) if periodic is None else periodic
    if resolved_warmup and resolved_periodic and len(keys) < 2:
        resolved_periodic = periodic = False
    lr = draw(st.floats(1e-6, 10.0))
    s = keyframes(lr=lr, total_steps=draw(st.integers(1, 2000)), keyframes=frames, warmup=warmup, periodic=periodic)
    assert (s.params["warmup"], s.params["periodic"]) == (resolved_warmup, resolved_periodic)
    scale = lr * max(1.0, *values)
    return s, lambda t: lr * ref_general(t, keys, values, resolved_warmup, resolved_periodic), scale


@settings(max_examples=300, deadline=None)
@given(cases(), st.lists(st.integers(0, 5000), min_size=1, max_size=50))
def test_properties(case, steps):
    s, ref, scale = case
    t = np.asarray(steps, dtype=np.int64)
    out = s(t)
    assert out.shape == t.shape and out.dtype == np.float64
    assert np.all(np.isfinite(out)) and np.all(out >= 0)
    np.testing.assert_allclose(out, [s(int(k)) for k in steps], rtol=RTOL)
    np.testing.assert_allclose(out, [ref(k) for k in steps], rtol=RTOL, atol=RTOL * scale)
    grid = t.reshape(1, -1).repeat(3, axis=0)
    np.testing.assert_array_equal(s(grid), np.stack([out] * 3))
