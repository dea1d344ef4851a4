"""M4 decimation keeps, for every pixel column, the true first, last, minimum and maximum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lrviz.decimate import block_length, m4, m4_indices, reduce_curves


def assert_m4(y: np.ndarray, block: int, keep: np.ndarray) -> None:
    """Check the M4 contract block by block, against numpy on the full block."""
    assert np.all(np.diff(keep) > 0), "kept indices must be strictly increasing"
    for start in range(0, len(y), block):
        stop = min(start + block, len(y))
        mine = keep[(keep >= start) & (keep < stop)]
        assert start in mine and stop - 1 in mine
        part = y[start:stop]
        if np.isfinite(part).any() or (~np.isnan(part)).any():
            finite = part[~np.isnan(part)]
            assert np.nanmin(y[mine]) == finite.min()
            assert np.nanmax(y[mine]) == finite.max()
        if np.isnan(part).any():
            assert np.isnan(y[mine]).any(), "a block with NaN keeps a NaN, so the line breaks there"


values = st.floats(-1e6, 1e6, allow_nan=False) | st.just(np.nan)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=values), st.integers(1, 60))
def test_m4_keeps_first_last_min_max_of_every_block(y, block):
    assert_m4(y, block, m4_indices(y, block))


@pytest.mark.parametrize(
    "y",
    [
        np.zeros(1000),  # constant: only the ends of each block
        np.tile([1.0, -1.0], 500),  # alternating: the worst case for a stride sampler
        np.where(np.arange(1000) == 617, 5.0, 0.0),  # one spike inside a block
        np.repeat([1.0, 0.1, 0.01, 0.001], 250),  # a staircase
        np.r_[np.full(500, np.nan), np.linspace(1, 0, 500)],  # a NaN head
        np.random.default_rng(0).normal(size=1000),  # noise
    ],
    ids=["constant", "alternating", "spike", "staircase", "nan-head", "noise"],
)
@pytest.mark.parametrize("block", [7, 10, 64, 333])
def test_m4_on_adversarial_curves(y, block):
    assert_m4(y, block, m4_indices(y, block))


def test_m4_keeps_everything_when_the_curve_is_short():
    x, y = np.arange(100), np.linspace(0, 1, 100)
    xs, ys = m4(x, y, columns=50)
    assert xs is x and ys is y


def test_m4_reduces_to_at_most_four_points_per_column():
    y = np.random.default_rng(1).normal(size=100_000)
    xs, ys = m4(np.arange(len(y)), y, columns=300)
    assert len(ys) <= 4 * 300
    assert ys.max() == y.max() and ys.min() == y.min()


def test_block_length_makes_at_most_the_asked_columns():
    for n, columns in [(10, 3), (1_000_001, 2400), (7, 100), (100, 100)]:
        b = block_length(n, columns)
        assert -(-n // b) <= columns and (b == 1 or -(-n // (b - 1)) > columns)


@pytest.mark.parametrize("n, columns, chunk", [(10_001, 300, 1 << 12), (100_000, 2400, 1 << 10), (5000, 7, 999),
                                               (50_000, 400, 1 << 16)])
def test_chunked_reduction_equals_m4_of_the_whole_curve(n, columns, chunk):
    rng = np.random.default_rng(n)
    table = rng.normal(size=n)  # an arbitrary, non-smooth curve looked up by step

    def lr(t):
        return table[t]

    def momentum(t):
        return np.cos(t / 37.0)

    steps, (got_lr, got_m, nothing) = reduce_curves([lr, momentum, None], n, columns, chunk=chunk, threads=2)
    block = block_length(n, columns)
    expected = np.union1d(m4_indices(table, block), m4_indices(np.cos(np.arange(n) / 37.0), block))
    np.testing.assert_array_equal(steps, expected)
    np.testing.assert_array_equal(got_lr, table[expected])
    np.testing.assert_array_equal(got_m, np.cos(expected / 37.0))
    assert nothing is None


def test_reduction_of_a_short_curve_keeps_every_step():
    steps, (y,) = reduce_curves([lambda t: t * 2.0], 50, columns=100)
    np.testing.assert_array_equal(steps, np.arange(50))
    np.testing.assert_array_equal(y, np.arange(50) * 2.0)


def test_reduction_evaluates_in_chunks_of_bounded_size():
    seen = []

    def lr(t):
        seen.append(len(t))
        return np.zeros(len(t))

    reduce_curves([lr], 1_000_000, columns=1000, chunk=1 << 14, threads=1)
    assert sum(seen) == 1_000_000
    assert max(seen) <= 1 << 14
