"""The counter-based Gaussian noise of noisy schedules (lrviz/schedules/_noise.py): the documented formula,
computed here in plain Python integers and floats, a pure function of (seed, step), and standard normal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.schedules._noise import normal, normal_run

MASK = (1 << 64) - 1


def splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def documented(seed: int, t: int) -> float:
    """The module docstring's transform in float64: pair p = t // 2, h = SplitMix64(k + p), split in two halves."""
    key = splitmix64(seed)
    h = splitmix64((key + t // 2) & MASK)
    u1, u2 = ((h >> 32) + 1) / 2 ** 32, (h & 0xFFFFFFFF) / 2 ** 32
    r = math.sqrt(-2.0 * math.log(u1))
    return r * (math.cos(2 * math.pi * u2) if t % 2 == 0 else math.sin(2 * math.pi * u2))


@pytest.mark.parametrize("seed", [0, 1, 12345, 2 ** 63 + 7])
def test_draws_are_the_documented_transform_within_float32_trig(seed):
    steps = [0, 1, 2, 3, 10, 11, 999, 1000, 2 ** 31 + 1, 2 ** 40]
    got = normal(seed, np.asarray(steps, dtype=np.int64))
    want = [documented(seed, t) for t in steps]
    assert np.max(np.abs(got - want)) < 4e-6


@pytest.mark.parametrize("lo,n", [(0, 1), (1, 1), (0, 2), (1, 2), (7, 10), (100, 65536), (2 ** 33 + 1, 999)])
def test_a_run_a_pair_at_a_time_equals_any_steps(lo, n):
    """A run (steps lo, lo + 1, ...) is computed a pair at a time; the same steps out of order go one by one."""
    steps = np.arange(lo, lo + n, dtype=np.int64)
    run = normal_run(3, lo, n)
    assert np.array_equal(run, normal(3, steps[::-1])[::-1])
    assert np.array_equal(run, normal(3, steps))
    assert abs(run[0] - documented(3, lo)) < 4e-6 and abs(run[-1] - documented(3, lo + n - 1)) < 4e-6


def test_a_step_has_its_value_whatever_else_is_evaluated():
    rng = np.random.default_rng(0)
    steps = rng.integers(0, 10 ** 9, 2000)
    alone = np.array([normal(9, np.array([t]))[0] for t in steps[:200]])
    assert np.array_equal(normal(9, steps)[:200], alone)
    assert np.array_equal(normal(9, steps[::-1])[::-1], normal(9, steps))
    assert np.array_equal(normal(9, steps.astype(np.float64)), normal(9, steps))


def test_draws_are_standard_normal_and_independent():
    n = 1_000_000
    z = normal(21, np.arange(n))
    tol = 5 / math.sqrt(n)
    assert abs(z.mean()) < tol
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(np.mean(z ** 4) - 3) < 5 * math.sqrt(96 / n)
    for x in (-2.0, -1.0, 0.0, 0.5, 1.5, 3.0):  # the distribution function at a few points
        assert abs(np.mean(z <= x) - 0.5 * (1 + math.erf(x / math.sqrt(2)))) < 5 * 0.5 / math.sqrt(n)
    for a, b in ((z[0::2], z[1::2]), (z[:-1], z[1:]), (z[1:-1:2], z[2::2])):  # a pair's two draws; neighbours
        assert abs(np.corrcoef(a, b)[0, 1]) < 5 / math.sqrt(len(a))
    assert abs(np.corrcoef(z[0::2] ** 2, z[1::2] ** 2)[0, 1]) < 5 / math.sqrt(n / 2)  # independent, not just uncorrelated


def test_other_seeds_give_other_draws():
    t = np.arange(10_000)
    a, b = normal(1, t), normal(2, t)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.05 and not np.array_equal(a, b)
