"""float32 arithmetic helpers of the Keras/TF/optax twins (lrviz/twins/_xla32.py).

The reference is numpy's float64 pow rounded once to float32 (correctly rounded
but for a float64 ulp), computed here independently of the helper under test.
"""

import numpy as np
import pytest

from lrviz.twins import _xla32 as xla

F32 = np.float32


@pytest.mark.parametrize("base", [0.1, 0.5, 0.96, 0.999, 1.1, 2.0])
def test_pow_of_a_constant_base_is_the_rounded_float64_power(base):
    y = (np.arange(-200_000, 800_000, dtype=np.float64) / F32(997)).astype(F32)  # float32 exponents, both signs
    with np.errstate(over="ignore"):  # past float32's range: inf on both sides
        want = np.power(float(F32(base)), y.astype(np.float64)).astype(F32)
        got = xla.pow_const(F32(base), y)
    want[np.abs(want) < np.finfo(F32).tiny] = 0  # flushed as XLA does
    assert got.dtype == F32
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("base", [0.0, 1.0])
def test_pow_of_zero_and_one_keeps_the_power_rules(base):
    y = np.asarray([-1.0, 0.0, 0.5, 3.0, np.nan], dtype=F32)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(xla.pow_const(F32(base), y), np.power(F32(base), y.astype(np.float64)).astype(F32))


def test_flush_in_place_zeroes_only_subnormals():
    tiny = np.finfo(F32).tiny
    x = np.asarray([tiny, tiny / 2, -tiny / 4, 0.0, -1.0, 3e-39], dtype=F32)
    out = xla.flush_in_place(x)
    assert out is x
    assert x.tolist() == [float(tiny), 0.0, 0.0, 0.0, -1.0, 0.0]
    normal = np.asarray([1.0, 2.0], dtype=F32)
    assert xla.flush_in_place(normal).tolist() == [1.0, 2.0]
