"""Helpers shared by the formula tests."""

import numpy as np
import pytest

from lrviz.errors import ParameterError


def approx(actual, expected, rtol=1e-12):
    """assert_allclose with rtol 1e-12; a tiny atol only where the expected value is 0."""
    expected = np.asarray(expected, dtype=np.float64)
    atol = 1e-15 if np.any(expected == 0) else 0.0
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol, atol=atol)


def curve(schedule, steps):
    return schedule(np.asarray(steps, dtype=np.int64))


def bad(factory, name, **kwargs):
    """The factory rejects kwargs with a ParameterError naming ``name``."""
    with pytest.raises(ParameterError) as err:
        factory(**kwargs)
    assert name in err.value.param
    assert name in str(err.value)
