"""Tests of lrviz.schedules.transformer against scalar transcriptions of the formulas.

Every expected value is computed here with the ``math`` module (or by hand),
independently of the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.errors import ParameterError
from lrviz.schedules.transformer import inverse_sqrt, noam, tanh, tri_stage, wsd

RTOL = 1e-12


# ---------------------------------------------------------------- references


def ref_noam(t, lr, T, W, d_model=None):
    s = min(t, T) + 1  # 1-based step, held past T
    if d_model is None:
        return lr * min(s / W, math.sqrt(W / s))
    # the paper's form: d^-0.5 * min(step^-0.5, step * W^-1.5), times lr
    return lr * d_model**-0.5 * min(s**-0.5, s * W**-1.5)


def ref_inverse_sqrt(t, lr, T, W, start_lr=0.0, tau=None):
    tau = max(W, 1) if tau is None else tau
    t = min(t, T)
    if t < W:
        return start_lr + t * (lr - start_lr) / W
    return lr / math.sqrt((t - W + tau) / tau)


def ref_wsd(t, lr, T, W, D, min_lr=0.0, shape="linear", start_lr=0.0):
    if t < W:
        return start_lr + t * (lr - start_lr) / W
    if t < T - D:
        return lr
    if t >= T:
        return min_lr
    p = (t - (T - D)) / D
    g = {"linear": 1 - p, "cosine": (1 + math.cos(math.pi * p)) / 2, "1-sqrt": 1 - math.sqrt(p)}[shape]
    return min_lr + (lr - min_lr) * g


def ref_tri_stage(t, lr, W, H, D, init_scale=0.01, final_scale=0.01):
    init = init_scale * lr
    if t < W:
        return init + t * (lr - init) / W
    if t < W + H:
        return lr
    if t <= W + H + D:
        return lr * math.exp(-math.log(1 / final_scale) * (t - W - H) / D)
    return final_scale * lr


def ref_tanh(t, lr, T, min_lr=0.0, lb=-7.0, ub=3.0):
    tr = min(t, T) / T
    return min_lr + 0.5 * (lr - min_lr) * (1 - math.tanh(lb * (1 - tr) + ub * tr))


def check_curve(schedule, ref, steps):
    steps = list(steps)
    np.testing.assert_allclose(schedule(np.asarray(steps)), [ref(t) for t in steps], rtol=RTOL, atol=0)


def around(*points):
    """Each point and its neighbours, non-negative, sorted."""
    return sorted({q for p in points for q in (p - 1, p, p + 1) if q >= 0})


# ---------------------------------------------------------------- noam


def test_noam_boundaries():
    lr, T, W = 0.5, 1000, 40
    s = noam(lr=lr, total_steps=T, warmup_steps=W)
    assert s(0) == pytest.approx(lr / W, rel=RTOL)  # step 1 of the paper
    assert s(W - 1) == pytest.approx(lr, rel=RTOL)  # peak at t = W - 1
    assert s(W) == pytest.approx(lr * math.sqrt(W / (W + 1)), rel=RTOL)
    assert s(W - 2) == pytest.approx(lr * (W - 1) / W, rel=RTOL)
    held = lr * math.sqrt(W / (T + 1))
    np.testing.assert_allclose(s([T, T + 1, 10 * T]), [held] * 3, rtol=RTOL)
    check_curve(s, lambda t: ref_noam(t, lr, T, W), range(0, T + 20))


def test_noam_d_model_is_the_paper_formula():
    lr, T, W, d = 2.0, 600, 50, 64
    s = noam(lr=lr, total_steps=T, warmup_steps=W, d_model=d)
    check_curve(s, lambda t: ref_noam(t, lr, T, W, d), around(0, W - 1, W, T) + list(range(0, T, 7)))
    assert s(W - 1) == pytest.approx(lr / math.sqrt(d * W), rel=RTOL)


def test_noam_paper_peak_value():
    # d = 512, W = 4000: peak 6.98771e-4 (reference section 13)
    s = noam(lr=1.0, total_steps=100_000, warmup_steps=4000, d_model=512)
    assert s(3999) == pytest.approx(6.98771e-4, rel=1e-5)


def test_noam_is_paddle_shifted_by_one_step():
    # Paddle NoamDecay(d_model=1, warmup_steps=4) gives 0, .125, .25, .375, .5, .447 (0-based)
    s = noam(lr=1.0, total_steps=100, warmup_steps=4, d_model=1)
    np.testing.assert_allclose(s(np.arange(5)), [0.125, 0.25, 0.375, 0.5, 1 / math.sqrt(5)], rtol=RTOL)


def test_noam_defaults():
    s = noam(lr=0.3, total_steps=1000)
    assert s.params == dict(lr=0.3, total_steps=1000, warmup_steps=100, d_model=None)
    assert s(99) == pytest.approx(0.3, rel=RTOL)
    assert noam(total_steps=5).params["warmup_steps"] == 1  # 10%, at least 1
    assert noam(total_steps=5)(0) == pytest.approx(0.1, rel=RTOL)


# ---------------------------------------------------------------- inverse_sqrt


def test_inverse_sqrt_boundaries():
    lr, T, W, init = 0.4, 500, 20, 0.01
    s = inverse_sqrt(lr=lr, total_steps=T, warmup_steps=W, start_lr=init)
    assert s(0) == init
    assert s(W - 1) == pytest.approx(init + (W - 1) * (lr - init) / W, rel=RTOL)
    assert s(W) == pytest.approx(lr, rel=RTOL)
    assert s(W + 1) == pytest.approx(lr * math.sqrt(W / (W + 1)), rel=RTOL)
    np.testing.assert_allclose(s([T, T + 1, 3 * T]), [lr * math.sqrt(W / T)] * 3, rtol=RTOL)
    check_curve(s, lambda t: ref_inverse_sqrt(t, lr, T, W, init), range(T + 10))


def test_inverse_sqrt_is_fairseq_with_tau_equal_w():
    lr, W = 1.0, 16
    s = inverse_sqrt(lr=lr, total_steps=400, warmup_steps=W)
    for t in range(W, 400):
        assert s(t) == pytest.approx(lr * math.sqrt(W / t), rel=RTOL)


def test_inverse_sqrt_timescale_and_no_warmup():
    s = inverse_sqrt(lr=1.0, total_steps=300, warmup_steps=0, timescale=10)
    assert s(0) == 1.0
    assert s(30) == pytest.approx(1 / math.sqrt(4.0), rel=RTOL)  # (30 + 10) / 10 = 4
    check_curve(s, lambda t: ref_inverse_sqrt(t, 1.0, 300, 0, tau=10), range(310))
    assert inverse_sqrt(warmup_steps=0).params["timescale"] == 1
    s = inverse_sqrt(lr=0.2, total_steps=200, warmup_steps=10, timescale=40)
    check_curve(s, lambda t: ref_inverse_sqrt(t, 0.2, 200, 10, tau=40), range(210))


def test_inverse_sqrt_defaults():
    s = inverse_sqrt(lr=0.3, total_steps=1000)
    assert s.params == dict(lr=0.3, total_steps=1000, warmup_steps=100, start_lr=0.0, timescale=100)
    assert s(0) == 0.0 and s(100) == pytest.approx(0.3, rel=RTOL)


# ---------------------------------------------------------------- wsd


@pytest.mark.parametrize("shape", ["linear", "cosine", "1-sqrt"])
def test_wsd_boundaries(shape):
    lr, T, W, D, m, init = 0.3, 1000, 30, 250, 0.003, 0.001
    s = wsd(lr=lr, total_steps=T, warmup_steps=W, decay_steps=D, min_lr=m, decay_shape=shape, start_lr=init)
    assert s(0) == init
    assert s(W - 1) == pytest.approx(init + (W - 1) * (lr - init) / W, rel=RTOL)
    assert s(W) == lr and s(W + 1) == lr
    assert s(T - D - 1) == lr and s(T - D) == pytest.approx(lr, rel=RTOL)
    assert s(T - D + 1) < lr
    assert s(T) == pytest.approx(m, rel=RTOL)
    np.testing.assert_allclose(s([T + 1, 5 * T]), [m, m], rtol=RTOL)
    check_curve(s, lambda t: ref_wsd(t, lr, T, W, D, m, shape, init), range(T + 10))
    assert s.marks == ((W, "end of warmup", "phase"), (T - D, "start of decay", "phase"))


def test_wsd_hand_values():
    s = wsd(lr=1.0, total_steps=100, warmup_steps=10, decay_steps=20, decay_shape="linear")
    np.testing.assert_allclose(s([5, 50, 80, 90, 99, 100]), [0.5, 1.0, 1.0, 0.5, 0.05, 0.0], rtol=RTOL, atol=1e-15)
    s = wsd(lr=1.0, total_steps=100, warmup_steps=10, decay_steps=20, decay_shape="1-sqrt")
    np.testing.assert_allclose(s([85, 100]), [0.5, 0.0], rtol=RTOL, atol=1e-15)  # p = 1/4
    s = wsd(lr=1.0, total_steps=100, warmup_steps=10, decay_steps=20, decay_shape="cosine")
    np.testing.assert_allclose(s([90, 100]), [0.5, 0.0], rtol=RTOL, atol=1e-15)


def test_wsd_edges():
    s = wsd(lr=1.0, total_steps=10, warmup_steps=0, decay_steps=10)  # decay only
    check_curve(s, lambda t: ref_wsd(t, 1.0, 10, 0, 10), range(15))
    s = wsd(lr=1.0, total_steps=10, warmup_steps=4, decay_steps=6)  # no stable phase
    check_curve(s, lambda t: ref_wsd(t, 1.0, 10, 4, 6), range(15))
    s = wsd(lr=1.0, total_steps=10, warmup_steps=2, decay_steps=0, min_lr=0.1)  # drop at T
    assert s(9) == 1.0 and s(10) == 0.1 and s(11) == 0.1


def test_wsd_defaults():
    s = wsd(lr=0.3, total_steps=1000)
    assert s.params == dict(
        lr=0.3, total_steps=1000, warmup_steps=50, decay_steps=200, min_lr=0.0, decay_shape="linear", start_lr=0.0
    )
    check_curve(s, lambda t: ref_wsd(t, 0.3, 1000, 50, 200), range(0, 1010, 3))


# ---------------------------------------------------------------- tri_stage


def test_tri_stage_boundaries():
    lr, T, W, H, D = 0.2, 1000, 100, 300, 400
    s = tri_stage(lr=lr, total_steps=T, warmup_steps=W, hold_steps=H, decay_steps=D)
    assert s(0) == pytest.approx(0.01 * lr, rel=RTOL)
    assert s(W - 1) == pytest.approx(0.002 + (W - 1) * (lr - 0.002) / W, rel=RTOL)
    assert s(W) == lr and s(W + 1) == lr and s(W + H - 1) == lr
    assert s(W + H) == pytest.approx(lr, rel=RTOL)
    assert s(W + H + 1) == pytest.approx(lr * 0.01 ** (1 / D), rel=RTOL)
    assert s(W + H + D // 2) == pytest.approx(lr * 0.1, rel=RTOL)
    assert s(W + H + D) == pytest.approx(0.01 * lr, rel=RTOL)  # exp(-ln 100) = 0.01
    np.testing.assert_allclose(s([W + H + D + 1, T, T + 1, 10 * T]), [0.01 * lr] * 4, rtol=RTOL)
    check_curve(s, lambda t: ref_tri_stage(t, lr, W, H, D), range(T + 10))


def test_tri_stage_scales_and_edges():
    s = tri_stage(lr=1.0, total_steps=50, warmup_steps=0, hold_steps=0, decay_steps=50, init_scale=0.5, final_scale=0.25)
    check_curve(s, lambda t: ref_tri_stage(t, 1.0, 0, 0, 50, 0.5, 0.25), range(60))
    s = tri_stage(lr=1.0, total_steps=50, warmup_steps=10, hold_steps=0, decay_steps=1, final_scale=1.0)
    check_curve(s, lambda t: ref_tri_stage(t, 1.0, 10, 0, 1, 0.01, 1.0), range(60))


def test_tri_stage_defaults():
    s = tri_stage(lr=0.3, total_steps=1000)
    assert s.params == dict(
        lr=0.3, total_steps=1000, warmup_steps=100, hold_steps=400, decay_steps=500, init_scale=0.01, final_scale=0.01
    )
    check_curve(s, lambda t: ref_tri_stage(t, 0.3, 100, 400, 500), range(0, 1010, 3))


# ---------------------------------------------------------------- tanh


def test_tanh_values():
    s = tanh(lr=1.0, total_steps=100)
    assert s(0) == pytest.approx(0.99999917, rel=1e-7)  # (1 - tanh(-7)) / 2
    assert s(100) == pytest.approx(0.0024726, rel=1e-4)  # (1 - tanh(3)) / 2
    assert s(70) == pytest.approx(0.5, rel=RTOL)  # -7 * 0.3 + 3 * 0.7 = 0
    np.testing.assert_allclose(s([101, 1000]), [s(100)] * 2, rtol=RTOL)
    s = tanh(lr=0.5, total_steps=300, min_lr=0.01, lb=-3.0, ub=5.0)
    check_curve(s, lambda t: ref_tanh(t, 0.5, 300, 0.01, -3.0, 5.0), range(310))


def test_tanh_defaults():
    s = tanh(lr=0.3, total_steps=1000)
    assert s.params == dict(lr=0.3, total_steps=1000, min_lr=0.0, lb=-7.0, ub=3.0)
    check_curve(s, lambda t: ref_tanh(t, 0.3, 1000), range(1010))


# ---------------------------------------------------------------- defaults and errors


@pytest.mark.parametrize("factory", [noam, inverse_sqrt, wsd, tri_stage, tanh])
@pytest.mark.parametrize("total_steps", [1, 2, 3, 5, 7, 10, 19, 1000, 12345])
def test_builds_from_lr_and_total_steps_alone(factory, total_steps):
    s = factory(lr=0.25, total_steps=total_steps)
    out = s(np.arange(total_steps + 3))
    assert out.shape == (total_steps + 3,) and out.dtype == np.float64
    assert np.all(np.isfinite(out)) and np.all(out >= 0) and np.all(out <= 0.25 * (1 + 1e-12))
    assert s.params["lr"] == 0.25 and s.params["total_steps"] == total_steps
    assert np.all(out[total_steps:] == out[total_steps])  # holds its value at T exactly


@pytest.mark.parametrize(
    "factory, kwargs, param",
    [
        (noam, dict(lr=-1.0), "lr"),
        (noam, dict(total_steps=0), "total_steps"),
        (noam, dict(warmup_steps=0), "warmup_steps"),
        (noam, dict(warmup_steps=2.5), "warmup_steps"),
        (noam, dict(d_model=0), "d_model"),
        (noam, dict(d_model=64.5), "d_model"),
        (noam, dict(d_model=True), "d_model"),
        (inverse_sqrt, dict(lr=-0.1), "lr"),
        (inverse_sqrt, dict(warmup_steps=-1), "warmup_steps"),
        (inverse_sqrt, dict(start_lr=-0.1), "start_lr"),
        (inverse_sqrt, dict(timescale=0), "timescale"),
        (wsd, dict(total_steps=100, warmup_steps=50, decay_steps=51), "decay_steps"),
        (wsd, dict(decay_shape="exp"), "decay_shape"),
        (wsd, dict(min_lr=-0.01), "min_lr"),
        (wsd, dict(start_lr=-0.01), "start_lr"),
        (wsd, dict(warmup_steps=-5), "warmup_steps"),
        (tri_stage, dict(init_scale=0.0), "init_scale"),
        (tri_stage, dict(init_scale=1.5), "init_scale"),
        (tri_stage, dict(final_scale=0.0), "final_scale"),
        (tri_stage, dict(final_scale=-0.5), "final_scale"),
        (tri_stage, dict(decay_steps=0), "decay_steps"),
        (tri_stage, dict(hold_steps=-1), "hold_steps"),
        (tri_stage, dict(total_steps=100, warmup_steps=10, hold_steps=50, decay_steps=41), "decay_steps"),
        (tanh, dict(lb=3.0, ub=3.0), "ub"),
        (tanh, dict(lb=4.0, ub=-4.0), "ub"),
        (tanh, dict(min_lr=-1.0), "min_lr"),
        (tanh, dict(lb=float("nan")), "lb"),
    ],
)
def test_validation_errors(factory, kwargs, param):
    with pytest.raises(ParameterError, match=param) as info:
        factory(**kwargs)
    assert info.value.param == param


def test_overlong_phases_say_the_numbers():
    with pytest.raises(ParameterError, match=r"50 \+ 51 = 101 exceeds total_steps = 100"):
        wsd(total_steps=100, warmup_steps=50, decay_steps=51)
    with pytest.raises(ParameterError, match=r"10 \+ 50 \+ 41 = 101 exceeds total_steps = 100"):
        tri_stage(total_steps=100, warmup_steps=10, hold_steps=50, decay_steps=41)


# ---------------------------------------------------------------- properties

lrs = st.just(0.0) | st.floats(1e-6, 10.0)  # no subnormals
totals = st.integers(1, 3000)


@st.composite
def built(draw):
    """A random valid schedule, a scalar reference for it and the scale of its values."""
    kind = draw(st.sampled_from(["noam", "inverse_sqrt", "wsd", "tri_stage", "tanh"]))
    lr, T = draw(lrs), draw(totals)
    if kind == "noam":
        W = draw(st.integers(1, 2 * T))
        d = draw(st.none() | st.integers(1, 4096))
        return noam(lr=lr, total_steps=T, warmup_steps=W, d_model=d), lambda t: ref_noam(t, lr, T, W, d), lr
    if kind == "inverse_sqrt":
        W, init = draw(st.integers(0, 2 * T)), draw(lrs)
        tau = draw(st.none() | st.integers(1, 5000))
        s = inverse_sqrt(lr=lr, total_steps=T, warmup_steps=W, start_lr=init, timescale=tau)
        return s, lambda t: ref_inverse_sqrt(t, lr, T, W, init, tau), max(lr, init)
    if kind == "wsd":
        W = draw(st.integers(0, T))
        D = draw(st.integers(0, T - W))
        m, init, shape = draw(lrs), draw(lrs), draw(st.sampled_from(["linear", "cosine", "1-sqrt"]))
        s = wsd(lr=lr, total_steps=T, warmup_steps=W, decay_steps=D, min_lr=m, decay_shape=shape, start_lr=init)
        return s, lambda t: ref_wsd(t, lr, T, W, D, m, shape, init), max(lr, m, init)
    if kind == "tri_stage":
        D = draw(st.integers(1, T))
        W = draw(st.integers(0, T - D))
        H = draw(st.integers(0, T - D - W))
        scales = st.floats(1e-6, 1.0)
        i, f = draw(scales), draw(scales)
        s = tri_stage(lr=lr, total_steps=T, warmup_steps=W, hold_steps=H, decay_steps=D, init_scale=i, final_scale=f)
        return s, lambda t: ref_tri_stage(t, lr, W, H, D, i, f), lr
    lb = draw(st.floats(-20, 20))
    ub = draw(st.floats(-20, 20).filter(lambda u: u > lb))
    m = draw(lrs)
    return tanh(lr=lr, total_steps=T, min_lr=m, lb=lb, ub=ub), lambda t: ref_tanh(t, lr, T, m, lb, ub), max(lr, m)


@settings(max_examples=200, deadline=None)
@given(built(), st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_properties(case, steps):
    s, ref, scale = case
    t = np.asarray(steps, dtype=np.int64)
    out = s(t)
    assert out.shape == t.shape and out.dtype == np.float64
    assert np.all(np.isfinite(out)) and np.all(out >= 0)
    np.testing.assert_allclose(out, [s(int(k)) for k in steps], rtol=RTOL)
    # rounding differences of libm functions near cancellation are absolute, relative to the scale of the curve
    np.testing.assert_allclose(out, [ref(k) for k in steps], rtol=RTOL, atol=RTOL * scale)
    grid = t.reshape(1, -1).repeat(2, axis=0)
    np.testing.assert_array_equal(s(grid), np.stack([out, out]))


def test_the_old_name_init_lr_still_reads_as_start_lr():
    import lrviz
    from lrviz.errors import ParameterErrors
    from lrviz.registry import build

    t = np.arange(0, 200)
    old = lrviz.schedule("wsd", total_steps=200, warmup_steps=20, init_lr=0.05)
    new = lrviz.schedule("wsd", total_steps=200, warmup_steps=20, start_lr=0.05)
    np.testing.assert_array_equal(old(t), new(t))
    assert old(0) == 0.05  # lr(0) = start_lr, the warmup's first value
    with pytest.raises(ParameterErrors, match="init_lr: is the old name of start_lr; give one of them"):
        build("inverse_sqrt", {"init_lr": 0.1, "start_lr": 0.2}, total_steps=100)
