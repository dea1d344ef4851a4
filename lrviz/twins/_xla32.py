"""float32 arithmetic as XLA and TF compute it on CPU, for the Keras, TF1 and optax twins.

- :func:`flush`: subnormal float32 results become 0, as XLA and TF do on CPU
  (flush-to-zero).
- :func:`cos` and :func:`pow` are evaluated in float64 and rounded once to
  float32, i.e. correctly rounded; the backends' own float32 kernels may be an
  ulp or two off, which each twin module's precision statement accounts for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

F32 = np.float32
F64 = np.float64
TINY = np.finfo(F32).tiny  # the smallest normal float32


def flush(x: np.ndarray) -> np.ndarray:
    """``x`` with subnormal float32 values replaced by 0, as a new array (``x`` is left as it is).

    Arrays of another dtype are returned unchanged: optax passes Python-float
    constants through as float64, and XLA does not flush those.
    """
    if x.dtype != F32:
        return x
    return np.where(np.abs(x) < TINY, F32(0.0), x)


def cos(x: np.ndarray) -> np.ndarray:
    """``cos`` of a float32 array, correctly rounded to float32."""
    return np.cos(x.astype(F64)).astype(F32)


def pow(x: Any, y: Any) -> np.ndarray:
    """``x ** y`` correctly rounded to float32, then flushed (an overflow gives inf, an invalid power NaN)."""
    with np.errstate(all="ignore"):
        return flush(np.power(np.asarray(x, F64), np.asarray(y, F64)).astype(F32))
