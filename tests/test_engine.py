"""The evaluation engine (lrviz/schedules/_engine.py): blocks, spans, level tables, pieces, checks.

Expected values come from the formulas written out here; the block paths (a run
of np.arange, a shuffled block, a block crossing a boundary) must all agree.
"""

import math

import numpy as np
import pytest

import lrviz
from lrviz.errors import NonFiniteLr, StepError
from lrviz.schedules import _engine as engine

BLOCK = engine.BLOCK


def shuffled(n, seed=0):
    return np.random.default_rng(seed).permutation(n)


def test_step_decay_is_its_formula_on_runs_and_on_shuffled_steps():
    T, s, gamma, lr = 5 * BLOCK + 123, 777, 0.5, 0.3
    sched = lrviz.schedule("step", lr=lr, total_steps=T, step_size=s, gamma=gamma)
    t = np.arange(T + 3 * BLOCK)
    want = lr * gamma ** np.floor(np.minimum(t, T) / s)
    np.testing.assert_allclose(sched(t), want, rtol=1e-15, atol=0)
    perm = shuffled(len(t))
    np.testing.assert_array_equal(sched(t[perm]), sched(t)[perm])
    np.testing.assert_array_equal(sched.first(len(t)), sched(t))


def test_a_level_table_crossing_more_bounds_than_a_run_fills_is_indexed():
    bounds = list(range(10, 10 * (engine.RUN_PIECES + 50), 10))
    values = [1.0 / (k + 1) for k in range(len(bounds) + 1)]
    sched = lrviz.schedule("piecewise", total_steps=10_000, boundaries=bounds, values=values)
    t = np.arange(10_000)
    want = np.asarray(values)[np.searchsorted(bounds, t, side="right")]
    np.testing.assert_array_equal(sched(t), want)


def test_exponential_is_its_formula_and_exact_at_zero():
    lr, rate, d, T = 0.2, 0.1, 3000, 4 * BLOCK
    sched = lrviz.schedule("exponential", lr=lr, total_steps=T, decay_rate=rate, decay_steps=d)
    t = np.arange(T + BLOCK)
    np.testing.assert_allclose(sched(t), lr * rate ** (np.minimum(t, T) / d), rtol=1e-13)
    assert sched(0) == lr


def test_exponential_out_of_float_range_for_the_power_but_not_for_the_product():
    # decay_rate ** (t / d) underflows to 0 long before lr * decay_rate ** (t / d) does (lr = 1e300)
    lr, rate, d = 1e300, 1e-10, 1
    sched = lrviz.schedule("exponential", lr=lr, total_steps=80, decay_rate=rate, decay_steps=d)
    t = np.arange(33, 46)  # the power is 1e-330 .. 1e-450 (0 in float64), the product 1e-30 .. 1e-150
    want = np.exp(math.log(lr) + t * math.log(rate))
    np.testing.assert_allclose(sched(t), want, rtol=1e-12)
    assert np.all(sched(t) > 0)


def test_warmup_gives_each_piece_only_its_own_steps_in_every_block_path():
    W, T, lr = BLOCK + 500, 3 * BLOCK, 0.1
    sched = lrviz.schedule("warmup", lr=lr, total_steps=T, warmup_steps=W,
                           schedule={"name": "cosine", "params": {"min_lr": 0.01}})
    t = np.arange(T)
    D = T - W
    inner = 0.01 + (lr - 0.01) * (1 + np.cos(np.pi * np.minimum(t - W, D) / D)) / 2
    want = np.where(t < W, lr * t / W, inner)
    np.testing.assert_allclose(sched(t), want, rtol=1e-12, atol=1e-18)
    perm = shuffled(T, 1)
    np.testing.assert_array_equal(sched(t[perm]), sched(t)[perm])  # blocks straddling W, split by mask


def test_periodic_repeats_on_runs_and_on_shuffled_steps():
    period, T = 1000, 2 * BLOCK
    sched = lrviz.schedule("periodic", lr=0.1, total_steps=T, period=period)
    t = np.arange(T)
    want = 0.1 * (1 + np.cos(np.pi * (t % period) / period)) / 2
    np.testing.assert_allclose(sched(t), want, rtol=1e-12, atol=1e-18)
    perm = shuffled(T, 2)
    np.testing.assert_array_equal(sched(t[perm]), sched(t)[perm])


def test_non_finite_names_the_smallest_step_across_blocks():
    # lr * 10 ** (t / 10) overflows from t = 3090 on; the steps come in reverse order, several blocks long
    sched = lrviz.schedule("exponential", lr=1.0, total_steps=10 * BLOCK, decay_rate=10.0, decay_steps=1)
    t = np.arange(3 * BLOCK)[::-1].copy()
    with pytest.raises(NonFiniteLr) as err:
        sched(t)
    assert err.value.step == 309  # 10 ** 309 = inf, 10 ** 308 is finite
    with pytest.raises(NonFiniteLr) as err:
        sched.first(3 * BLOCK)
    assert err.value.step == 309
    assert np.isinf(sched.unchecked(np.array([309])))[0]


def test_a_negative_step_is_refused_with_the_smallest_one():
    sched = lrviz.schedule("cosine", total_steps=1000)
    t = np.arange(3 * BLOCK)
    t[2 * BLOCK + 5] = -4
    t[BLOCK + 1] = -2
    with pytest.raises(StepError, match="got -4"):
        sched(t)


def test_scalars_and_shapes_come_back_as_given():
    sched = lrviz.schedule("step", lr=0.1, total_steps=100, step_size=10, gamma=0.5)
    assert isinstance(sched(25), np.floating) and sched(25) == pytest.approx(0.1 * 0.25)
    grid = np.arange(12).reshape(3, 4)
    assert sched(grid).shape == (3, 4)
    np.testing.assert_array_equal(sched(grid).ravel(), sched(grid.ravel()))
    assert sched(np.zeros(0, dtype=np.int64)).shape == (0,)


def test_held_stairs_call_the_function_once_per_stair_of_a_run():
    calls = []

    def fn(t):
        calls.append(len(t))
        return 0.5 ** (t // 100).astype(np.float64)

    kernel = engine.held(fn, size=100)
    out = engine.evaluate(kernel, np.arange(1000))
    np.testing.assert_array_equal(out, 0.5 ** (np.arange(1000) // 100))
    assert calls == [10]  # one block, ten stairs: one call with their first steps


def test_a_replayed_series_is_copied_on_runs_indexed_elsewhere_and_held_after_its_end():
    values = np.random.default_rng(3).random(BLOCK + 500)
    kernel = engine.table(values)
    t = np.arange(3 * BLOCK)
    want = values[np.minimum(t, values.size - 1)]  # lr(t) = values[min(t, last)]
    np.testing.assert_array_equal(engine.evaluate(kernel, t), want)  # runs: inside, across the end, past it
    perm = shuffled(t.size, seed=4)
    np.testing.assert_array_equal(engine.evaluate(kernel, t[perm]), want[perm])
    np.testing.assert_array_equal(engine.first(kernel, t.size), want)
    assert kernel.finite and not engine.table([1.0, math.nan]).finite


def test_a_plateau_twin_draws_its_replay_the_same_on_any_steps():
    sched = lrviz.schedule("torch.ReduceLROnPlateau", total_steps=3 * BLOCK)
    t = np.arange(4 * BLOCK)
    perm = shuffled(t.size, seed=5)
    np.testing.assert_array_equal(sched(t[perm]), sched(t)[perm])
    np.testing.assert_array_equal(sched(t), sched.lr_at(t))
