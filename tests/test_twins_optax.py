"""The optax.* twins: golden values recorded from optax 0.2.8 (tests/golden/make_optax.py),
formulas checked by hand, parameter errors, and live parity against the real
library when jax and optax are installed (skipped otherwise, as in CI).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from twin_golden import GOLDEN, check, params

import lrviz
from lrviz.errors import LrvizError, ParameterError
from lrviz.errors import ParameterErrors
from lrviz.twins import optax as optax_twins
from lrviz.twins.optax import TWINS

F32 = np.float32
NAMES = sorted(TWINS)


@pytest.mark.parametrize("case", params("optax"))
def test_golden(case):
    check(case)


def test_fixture_covers_every_name():
    doc = json.loads((GOLDEN / "optax.json").read_text())
    assert doc["library"] == "optax" and doc["version"] == "0.2.8"
    assert {c["name"] for c in doc["cases"]} == set(NAMES)


# --------------------------------------------------------------------------------------------------
# every name builds by name alone


@pytest.mark.parametrize("name", NAMES)
def test_builds_by_name_alone(name):
    s = lrviz.schedule(name)
    t = np.arange(0, 1000)  # the run's steps (past them the jitted linear decay to 0 dips below 0, see below)
    v = s(t)
    assert v.dtype == np.float64 and v.shape == t.shape
    assert np.all(np.isfinite(v)) and np.all(v >= 0)
    assert s.name == name
    assert s(np.asarray([0, 5, 7])).tolist() == [v[0], v[5], v[7]]  # pure: order and batch do not matter
    assert float(s(7)) == v[7]


@pytest.mark.parametrize("name", NAMES)
def test_breaks_are_honest(name):
    """Where a twin declares monotone pieces, the values between breaks move one way only."""
    s = lrviz.schedule(name, total_steps=400)
    if s.breaks is None:
        return
    t = np.arange(0, 450)
    v = s(t)
    cuts = [0] + [b for b in s.breaks if b < len(t)] + [len(t)]
    for a, b in zip(cuts, cuts[1:]):
        d = np.diff(v[a:b])
        assert np.all(d <= 0) or np.all(d >= 0), (name, a, b)


@pytest.mark.parametrize("name", NAMES)
def test_docstring_has_a_formula(name):
    doc = TWINS[name][0].__doc__ or ""
    assert "lr(t)" in doc and "optax" in doc


def fused(a, b, c):
    """a*b + c rounded once to float32 (XLA's fused multiply-add; exact in float64 for these operands)."""
    return F32(float(F32(a)) * float(F32(b)) + float(F32(c)))


def test_jitted_linear_decay_to_zero_dips_below_zero():
    """Compiled, 1 - c/T is fma(-c, float32(1/T), 1): at c = T = 1000 that is 1 - 1000 * float32(1/1000) < 0."""
    frac = fused(-1000.0, F32(1.0) / F32(1000.0), 1.0)
    assert frac < 0
    want = float(fused(frac, 0.1, 0.0))
    s = lrviz.schedule("optax.linear_schedule")
    assert s.unchecked(np.asarray([1000, 5000])).tolist() == [want, want] and want < 0
    assert float(lrviz.schedule("optax.linear_schedule", jit=False)(1000)) == 0.0


def test_issue18_polynomial_nan_from_step_47():
    """The case of issue 18: power 2.003, T = 18, B = 29: NaN from B + T = 47 compiled, end_value eagerly."""
    kw = dict(init_value=3e-4, end_value=1.4e-4, power=2.003, transition_steps=18, transition_begin=29)
    assert fused(-18.0, F32(1.0) / F32(18.0), 1.0) < 0  # 18 * float32(1/18) > 1
    v = lrviz.schedule("optax.polynomial_schedule", **kw).unchecked(np.arange(60))
    assert np.isfinite(v[:47]).all() and np.isnan(v[47:]).all()
    assert float(v[46]) == pytest.approx(1.6e-4 * (1 / 18) ** 2.003 + 1.4e-4, rel=1e-6)
    eager = lrviz.schedule("optax.polynomial_schedule", jit=False, **kw)(np.arange(60))
    assert eager[47:].tolist() == [f32(1.4e-4)] * 13
    with pytest.raises(LrvizError, match="at step 47"):
        lrviz.schedule("optax.polynomial_schedule", **kw)(np.arange(60))


def test_int32_counter_saturates():
    s = lrviz.schedule("optax.exponential_decay", init_value=1.0, transition_steps=2**29, decay_rate=0.5)
    assert s(2**31 + 12345) == s(2**31 - 1) == s(2**40)


# --------------------------------------------------------------------------------------------------
# values worked out by hand (float32 arithmetic written out)


def f32(x):
    return float(F32(x))


def test_constant_is_the_python_float():
    assert lrviz.schedule("optax.constant_schedule", value=0.1, jit=False)(123) == 0.1  # not float32(0.1)
    # compiled, jit's output is a float32 array
    assert lrviz.schedule("optax.constant_schedule", value=0.1)(123) == f32(0.1) != 0.1


def test_join_rounds_python_floats_to_float32():
    s = lrviz.schedule("optax.join_schedules", schedules=["optax.constant_schedule", "optax.constant_schedule"],
                       boundaries=[5], lr=0.1)
    assert s(0) == f32(0.1) != 0.1


def test_polynomial_by_hand():
    s = lrviz.schedule("optax.polynomial_schedule", init_value=1.0, end_value=0.1, power=2.0, transition_steps=4,
                       transition_begin=2)
    got = s(np.arange(8))
    frac = [1, 1, 1, 0.75, 0.5, 0.25, 0, 0]
    want = [f32(F32(0.9) * F32(p * p) + F32(0.1)) for p in frac]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got, [1, 1, 1, 0.60625, 0.325, 0.15625, 0.1, 0.1], rtol=1e-6)


def test_polynomial_zero_steps_is_constant_init():
    s = lrviz.schedule("optax.polynomial_schedule", init_value=0.3, end_value=0.0, transition_steps=0)
    assert s(np.arange(5)).tolist() == [f32(0.3)] * 5
    eager = lrviz.schedule("optax.polynomial_schedule", init_value=0.3, end_value=0.0, transition_steps=0, jit=False)
    assert eager(np.arange(5)).tolist() == [0.3] * 5


def test_piecewise_constant_switches_at_boundary_and_multiplies():
    s = lrviz.schedule("optax.piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={3: 0.5, 6: 0.2})
    np.testing.assert_array_equal(s(np.arange(8)), [1, 1, 1, 0.5, 0.5, 0.5, f32(F32(0.2) * F32(0.5)), f32(F32(0.2) * F32(0.5))])


def test_exponential_bounds_and_staircase():
    floor = lrviz.schedule("optax.exponential_decay", init_value=1.0, transition_steps=1, decay_rate=0.5, end_value=0.2)
    np.testing.assert_allclose(floor(np.arange(5)), [1, 0.5, 0.25, 0.2, 0.2], rtol=1e-7)
    cap = lrviz.schedule("optax.exponential_decay", init_value=1.0, transition_steps=1, decay_rate=2.0, end_value=3.0)
    np.testing.assert_allclose(cap(np.arange(4)), [1, 2, 3, 3], rtol=1e-7)
    stairs = lrviz.schedule("optax.exponential_decay", init_value=1.0, transition_steps=4, decay_rate=0.5,
                            transition_begin=2, staircase=True)
    np.testing.assert_array_equal(stairs(np.arange(11)), [1] * 6 + [0.5] * 4 + [0.25])
    zero = lrviz.schedule("optax.exponential_decay", init_value=0.4, transition_steps=10, decay_rate=0.0)
    assert zero(np.arange(3)).tolist() == [f32(0.4)] * 3


def test_exponential_flushes_subnormals():
    s = lrviz.schedule("optax.exponential_decay", init_value=1.0, transition_steps=1, decay_rate=0.5)
    assert s(126) == 2.0**-126 and s(127) == 0.0


def test_cosine_reference_values():
    s = lrviz.schedule("optax.cosine_decay_schedule", init_value=1.0, decay_steps=4, alpha=0.1)
    np.testing.assert_allclose(s(np.arange(6)), [1, 0.8681980, 0.55, 0.2318019, 0.1, 0.1], rtol=1e-6)
    e = lrviz.schedule("optax.cosine_decay_schedule", init_value=1.0, decay_steps=4, alpha=0.1, exponent=2.0)
    np.testing.assert_allclose(e(np.arange(5)), [1, 0.7557, 0.325, 0.1193, 0.1], rtol=1e-3)


def test_onecycles_peak_at_int_pct():
    lin = lrviz.schedule("optax.linear_onecycle_schedule", transition_steps=10, peak_value=1.0)
    np.testing.assert_allclose(lin(np.arange(12)), [0.04, 0.36, 0.68, 1, 0.808, 0.616, 0.424, 0.232, 0.04, 0.020002,
                                                    4e-6, 4e-6], rtol=1e-6)
    cos = lrviz.schedule("optax.cosine_onecycle_schedule", transition_steps=10, peak_value=1.0)
    v = cos(np.arange(12))
    assert int(np.argmax(v)) == 3 and v[10] == v[11] == pytest.approx(4e-6, rel=1e-6)


def test_onecycle_knot_collision_keeps_the_later_scale():
    # int(0.85 * 10) == 8 for both pct_start and pct_final: {8: 1/25} overwrites {8: 25}
    s = lrviz.schedule("optax.linear_onecycle_schedule", transition_steps=10, peak_value=1.0, pct_start=0.85,
                       pct_final=0.85)
    v = s(np.arange(11))
    assert v[8] == pytest.approx(0.04 / 25, rel=1e-6) and v.max() == pytest.approx(0.04, rel=1e-6)


def test_warmups():
    wc = lrviz.schedule("optax.warmup_cosine_decay_schedule", init_value=0.0, peak_value=1.0, warmup_steps=2,
                        decay_steps=6, end_value=0.1)
    np.testing.assert_allclose(wc(np.arange(8)), [0, 0.5, 1, 0.8682, 0.55, 0.2318, 0.1, 0.1], rtol=1e-4)
    we = lrviz.schedule("optax.warmup_exponential_decay_schedule", init_value=0.0, peak_value=1.0, warmup_steps=2,
                        transition_steps=2, decay_rate=0.5)
    np.testing.assert_allclose(we(np.arange(7)), [0, 0.5, 1, 0.70711, 0.5, 0.35355, 0.25], rtol=1e-5)
    w0 = lrviz.schedule("optax.warmup_constant_schedule", init_value=0.0, peak_value=1.0, warmup_steps=0)
    assert w0(np.arange(3)).tolist() == [0.0, 0.0, 0.0]  # optax: warmup_steps 0 holds init_value, not peak


def test_sgdr_restarts_at_each_init_value():
    s = lrviz.schedule("optax.sgdr_schedule", cosine_kwargs=[
        {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 1, "decay_steps": 4},
        {"init_value": 0.0, "peak_value": 0.5, "warmup_steps": 1, "decay_steps": 4}])
    np.testing.assert_allclose(s(np.arange(10)), [0, 1, 0.75, 0.25, 0, 0.5, 0.375, 0.125, 0, 0], atol=1e-7)
    assert (4, "restart", "restart") in s.marks


def test_join_children_see_local_steps():
    s = lrviz.schedule("optax.join_schedules", schedules=[
        {"name": "optax.constant_schedule", "params": {"value": 1.0}},
        {"name": "optax.linear_schedule", "params": {"init_value": 1.0, "end_value": 0.0, "transition_steps": 4}}],
        boundaries=[3])
    np.testing.assert_array_equal(s(np.arange(9)), [1, 1, 1, 1, 0.75, 0.5, 0.25, 0, 0])


def test_join_accepts_any_lrviz_schedule():
    s = lrviz.schedule("optax.join_schedules", schedules=["constant", "cosine"], boundaries=[10], lr=0.5)
    assert s(0) == 0.5 and s(10) == 0.5 and s(2000) == 0.0


def test_plateau_by_hand():
    s = lrviz.schedule("optax.contrib.reduce_on_plateau", lr=1.0, factor=0.5, patience=2, cooldown=1,
                       metrics=[1.0] * 8 + [0.5] * 4)
    # t=0 improves (inf -> 1); t=1, 2 stall -> cut at the 2nd stall; t=3 cooldown; t=4, 5 stall -> cut;
    # t=6 cooldown; t=7 stall; t=8 improves (0.5); t=9, 10 stall -> cut; t=11 cooldown
    assert s(np.arange(12)).tolist() == [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125]
    assert s(100) == 0.125  # the scale holds after the last metric
    assert [m.step for m in s.marks] == [2, 5, 10]


def test_plateau_patience0_reduces_on_improvement():
    s = lrviz.schedule("optax.contrib.reduce_on_plateau", lr=1.0, factor=0.5, patience=0, metrics=[3, 2, 2, 2, 1])
    assert s(np.arange(5)).tolist() == [0.5, 0.25, 0.25, 0.25, 0.125]


def test_plateau_nan_metric_never_improves():
    s = optax_twins.reduce_on_plateau(lr=1.0, factor=0.5, patience=2, metrics=[1.0, math.nan, math.nan, 0.5])
    assert s(np.arange(4)).tolist() == [1, 1, 0.5, 0.5]


def test_plateau_default_metric_has_three_stalls():
    s = lrviz.schedule("optax.contrib.reduce_on_plateau", total_steps=1000)
    assert [m.step for m in s.marks] == [259, 509, 759]
    np.testing.assert_allclose(s([0, 300, 600, 900]), [0.1, 0.01, 0.001, 0.0001], rtol=1e-6)


def test_plateau_metrics_from_csv(tmp_path):
    path = tmp_path / "loss.csv"
    path.write_text("step,loss\n0,1.0\n1,1.0\n2,1.0\n3,0.5\n")
    s = lrviz.schedule("optax.contrib.reduce_on_plateau", lr=1.0, factor=0.5, patience=2, metrics=str(path))
    assert s(np.arange(4)).tolist() == [1, 1, 0.5, 0.5]


# --------------------------------------------------------------------------------------------------
# parameter errors


BAD = [
    ("optax.constant_schedule", {"value": -1.0}, "value"),
    ("optax.polynomial_schedule", {"power": -1.0}, "power"),
    ("optax.polynomial_schedule", {"transition_steps": 2**31}, "transition_steps"),
    ("optax.linear_schedule", {"end_value": "x"}, "end_value"),
    ("optax.piecewise_constant_schedule", {"boundaries_and_scales": {10: -0.5}}, "boundaries_and_scales"),
    ("optax.piecewise_constant_schedule", {"boundaries_and_scales": [1, 2]}, "boundaries_and_scales"),
    ("optax.exponential_decay", {"decay_rate": -0.5}, "decay_rate"),
    ("optax.exponential_decay", {"staircase": "yes"}, "staircase"),
    ("optax.cosine_decay_schedule", {"decay_steps": 0}, "decay_steps"),
    ("optax.cosine_decay_schedule", {"exponent": -1.0}, "exponent"),
    ("optax.piecewise_interpolate_schedule", {"interpolate_type": "cubic"}, "interpolate_type"),
    ("optax.piecewise_interpolate_schedule", {"boundaries_and_scales": {5: -1.0}}, "boundaries_and_scales"),
    ("optax.linear_onecycle_schedule", {"transition_steps": 0}, "transition_steps"),
    ("optax.linear_onecycle_schedule", {"div_factor": 0.0}, "div_factor"),
    ("optax.linear_onecycle_schedule", {"pct_final": -0.5}, "pct_final"),
    ("optax.cosine_onecycle_schedule", {"final_div_factor": -1.0}, "final_div_factor"),
    ("optax.cosine_onecycle_schedule", {"pct_start": -0.1}, "pct_start"),
    ("optax.warmup_constant_schedule", {"warmup_steps": -3}, "warmup_steps"),
    ("optax.warmup_cosine_decay_schedule", {"warmup_steps": 50, "decay_steps": 50}, "decay_steps"),
    ("optax.warmup_exponential_decay_schedule", {"decay_rate": -2.0}, "decay_rate"),
    ("optax.sgdr_schedule", {"cosine_kwargs": []}, "cosine_kwargs"),
    ("optax.sgdr_schedule", {"cosine_kwargs": "abc"}, "cosine_kwargs"),
    ("optax.sgdr_schedule", {"cosine_kwargs": [{"decay_steps": 10}, 5]}, "cosine_kwargs[1]"),
    ("optax.sgdr_schedule", {"cosine_kwargs": [{"decay_step": 10}]}, "cosine_kwargs[0].decay_step"),
    ("optax.sgdr_schedule", {"cosine_kwargs": [{"decay_steps": 10, "warmup_steps": 10}]},
     "cosine_kwargs[0].decay_steps"),
    ("optax.sgdr_schedule", {"cosine_kwargs": [{"decay_steps": 10, "peak_value": "high"}]},
     "cosine_kwargs[0].peak_value"),
    ("optax.sgdr_schedule", {"cosine_kwargs": [{"decay_steps": -10}]}, "cosine_kwargs[0].decay_steps"),
    ("optax.join_schedules", {"schedules": []}, "schedules"),
    ("optax.join_schedules", {"boundaries": [-1]}, "boundaries"),
    ("optax.join_schedules", {"schedules": ["optax.nope"]}, "schedules"),
    ("optax.join_schedules", {"schedules": [{"name": "optax.cosine_decay_schedule", "params": {"alpha": "x"}}]},
     "schedules"),
    ("optax.contrib.reduce_on_plateau", {"factor": 1.0}, "factor"),
    ("optax.contrib.reduce_on_plateau", {"factor": 0.0}, "factor"),
    ("optax.contrib.reduce_on_plateau", {"rtol": 1.5}, "rtol"),
    ("optax.contrib.reduce_on_plateau", {"rtol": 0.0, "atol": 0.0}, "atol"),
    ("optax.contrib.reduce_on_plateau", {"atol": -1.0}, "atol"),
    ("optax.contrib.reduce_on_plateau", {"patience": 2.5}, "patience"),
    ("optax.contrib.reduce_on_plateau", {"cooldown": 2**40}, "cooldown"),
    ("optax.contrib.reduce_on_plateau", {"metrics": ["a", 1]}, "metrics"),
    ("optax.contrib.reduce_on_plateau", {"metrics": "/no/such/file.csv"}, "metrics"),
]


@pytest.mark.parametrize("name,bad,where", BAD, ids=[f"{n}-{w}" for n, _, w in BAD])
def test_parameter_errors(name, bad, where):
    with pytest.raises(ParameterErrors) as err:
        lrviz.schedule(name, **bad)
    assert all(isinstance(e, ParameterError) for e in err.value.errors)
    assert where in str(err.value)


def test_factories_raise_parameter_error_directly():
    with pytest.raises(ParameterError, match="cosine_kwargs\\[0\\].exponent"):
        optax_twins.sgdr_schedule(cosine_kwargs=[{"decay_steps": 10, "exponent": -1.0}])
    with pytest.raises(ParameterError, match="total_steps"):
        optax_twins.cosine_decay_schedule(total_steps=0)
    with pytest.raises(LrvizError):
        optax_twins.reduce_on_plateau(metrics=[1.0, True])


# --------------------------------------------------------------------------------------------------
# live parity with the real library (skipped without jax and optax, as in CI)


def _live():
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    import jax.numpy as jnp

    assert not jax.config.jax_enable_x64

    def values(schedule, steps, jit=False):
        # scalar int32 counts, as the fixtures: jit=True compiles the schedule as a training step does (XLA turns
        # a division by a constant into a product with its rounded reciprocal and fuses multiply-adds)
        fn = jax.jit(schedule) if jit else schedule
        return np.asarray([float(fn(jnp.asarray(t, dtype=jnp.int32))) for t in steps])

    return jax, optax, values


def _close(lib, twin, context):
    """Within an XLA ulp of cos/pow (relative 1e-6, 4e-7 of the peak), NaN exactly where the library's is."""
    finite = np.abs(lib[np.isfinite(lib)])
    scale = finite.max() if finite.size else 1.0
    np.testing.assert_allclose(twin, lib, rtol=1e-6, atol=4e-7 * scale, err_msg=str(context))


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "eager"])
def test_live_parity_random_schedules(jit):
    jax, optax, values = _live()
    rng = np.random.default_rng(7)
    steps = np.r_[0:70, 1000, 10**5, 2**24 + 1, 2**31 - 1]
    for _ in range(4):
        init, end = (float(x) for x in rng.uniform(0.0, 1.0, 2).round(5))
        T, B, W = int(rng.integers(1, 100)), int(rng.integers(0, 20)), int(rng.integers(0, 20))
        power = float(rng.choice([0.5, 1.0, 1.3, 2.0, 3.0]))
        rate = float(rng.choice([0.3, 0.77, 0.95, 1.3]))
        stair = bool(rng.integers(0, 2))
        bound = float(rng.uniform(0.0, 1.0)) if rng.integers(0, 2) else None
        alpha, exponent = float(rng.uniform(0.0, 0.3)), float(rng.choice([1.0, 0.7, 2.0]))
        scales = {int(k): float(v) for k, v in zip(rng.integers(0, 120, 3), rng.uniform(0.0, 2.0, 3).round(3))}
        pct_start, pct_final = float(rng.uniform(0.0, 0.6)), float(rng.uniform(0.4, 1.2))
        pairs = [
            ("optax.polynomial_schedule", dict(init_value=init, end_value=end, power=power, transition_steps=T,
                                               transition_begin=B), optax.polynomial_schedule(init, end, power, T, B)),
            ("optax.linear_schedule", dict(init_value=init, end_value=end, transition_steps=T, transition_begin=B),
             optax.linear_schedule(init, end, T, B)),
            ("optax.piecewise_constant_schedule", dict(init_value=init, boundaries_and_scales=scales),
             optax.piecewise_constant_schedule(init, scales)),
            ("optax.exponential_decay", dict(init_value=init, transition_steps=T, decay_rate=rate, transition_begin=B,
                                             staircase=stair, end_value=bound),
             optax.exponential_decay(init, T, rate, B, stair, bound)),
            ("optax.cosine_decay_schedule", dict(init_value=init, decay_steps=T, alpha=alpha, exponent=exponent),
             optax.cosine_decay_schedule(init, T, alpha, exponent)),
            ("optax.linear_onecycle_schedule", dict(transition_steps=T, peak_value=init, pct_start=pct_start,
                                                    pct_final=pct_final),
             optax.linear_onecycle_schedule(T, init, pct_start, pct_final)),
            ("optax.cosine_onecycle_schedule", dict(transition_steps=T, peak_value=init, pct_start=pct_start),
             optax.cosine_onecycle_schedule(T, init, pct_start)),
            ("optax.warmup_constant_schedule", dict(init_value=end, peak_value=init, warmup_steps=W),
             optax.warmup_constant_schedule(end, init, W)),
            ("optax.warmup_cosine_decay_schedule", dict(init_value=end, peak_value=init, warmup_steps=W,
                                                        decay_steps=W + T, end_value=end / 3, exponent=exponent),
             optax.warmup_cosine_decay_schedule(end, init, W, W + T, end / 3, exponent)),
            ("optax.warmup_exponential_decay_schedule",
             dict(init_value=end, peak_value=init, warmup_steps=W, transition_steps=T, decay_rate=rate,
                  transition_begin=B, staircase=stair, end_value=bound),
             optax.warmup_exponential_decay_schedule(end, init, W, T, rate, B, stair, bound)),
        ]
        for name, kw, lib in pairs:
            _close(values(lib, steps, jit), lrviz.schedule(name, jit=jit, **kw).unchecked(steps), (name, kw))
        for kind in ("linear", "cosine"):
            lib = optax.piecewise_interpolate_schedule(kind, init, scales)
            kw = dict(interpolate_type=kind, init_value=init, boundaries_and_scales=scales, jit=jit)
            _close(values(lib, steps, jit), lrviz.schedule("optax.piecewise_interpolate_schedule", **kw)(steps), kw)


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "eager"])
def test_live_parity_sgdr_and_join(jit):
    jax, optax, values = _live()
    rng = np.random.default_rng(11)
    steps = np.r_[0:160, 10**6]
    for _ in range(3):
        cycles = [dict(init_value=float(rng.uniform(0, 0.1)), peak_value=float(rng.uniform(0.1, 1)),
                       warmup_steps=int(w), decay_steps=int(w + rng.integers(1, 40)),
                       end_value=float(rng.uniform(0, 0.05)), exponent=float(rng.choice([1.0, 2.0])))
                  for w in rng.integers(0, 10, int(rng.integers(1, 5)))]
        _close(values(optax.sgdr_schedule(cycles), steps, jit),
               lrviz.schedule("optax.sgdr_schedule", cosine_kwargs=cycles, jit=jit)(steps), cycles)
        bounds = sorted(int(b) for b in rng.integers(0, 150, 2))
        specs = [{"name": "optax.cosine_decay_schedule", "params": {"init_value": 0.3, "decay_steps": 50}},
                 {"name": "optax.constant_schedule", "params": {"value": 0.05}},
                 {"name": "optax.exponential_decay", "params": {"init_value": 0.2, "transition_steps": 9,
                                                                 "decay_rate": 0.6, "staircase": True}}]
        specs = [{**c, "params": {**c["params"], "jit": jit}} for c in specs]
        lib = optax.join_schedules([optax.cosine_decay_schedule(0.3, 50), optax.constant_schedule(0.05),
                                    optax.exponential_decay(0.2, 9, 0.6, staircase=True)], bounds)
        _close(values(lib, steps, jit), lrviz.schedule("optax.join_schedules", schedules=specs, boundaries=bounds)(steps),
               bounds)


def test_live_parity_plateau():
    jax, optax, _ = _live()
    import jax.numpy as jnp

    rng = np.random.default_rng(3)
    for _ in range(6):
        kw = dict(factor=float(rng.uniform(0.1, 0.9)), patience=int(rng.integers(0, 6)),
                  rtol=float(rng.choice([0.0, 1e-4, 1e-2])), atol=float(rng.choice([0.0, 1e-3])),
                  cooldown=int(rng.integers(0, 4)), accumulation_size=int(rng.integers(1, 4)),
                  min_scale=float(rng.choice([0.0, 0.01])))
        if kw["rtol"] == 0.0 and kw["atol"] == 0.0:
            kw["rtol"] = 1e-4
        metrics = (np.exp(-np.arange(120) / 30) + 0.05 * rng.standard_normal(120)).round(6).tolist()
        tx = optax.contrib.reduce_on_plateau(**kw)
        p = jnp.zeros(2, jnp.float32)
        state = tx.init(p)
        update = jax.jit(lambda u, s, v: tx.update(u, s, value=v))
        scales = []
        for v in metrics:
            _, state = update(p, state, jnp.float32(v))
            scales.append(float(state.scale))
        twin = lrviz.schedule("optax.contrib.reduce_on_plateau", lr=0.01, metrics=metrics, **kw)
        np.testing.assert_array_equal(twin(np.arange(len(metrics))), 0.01 * np.asarray(scales), err_msg=str(kw))
