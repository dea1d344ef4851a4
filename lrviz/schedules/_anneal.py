"""Anneal shapes: how a phase moves from ``start`` (p = 0) to ``end`` (p = 1), p the fraction of the phase.

One table for every family that has a shape to choose (warmup, onecycle, wsd),
after fastai's annealers; a new shape is one line here::

    linear       start + (end - start) * p
    cosine       end + (start - end) * (1 + cos(pi p)) / 2
    exponential  start * (end / start)**p                  (start, end > 0; in logarithms out of float range)
    1-sqrt       end + (start - end) * (1 - sqrt(p))      (the WSD cooldown of Hägele et al. 2024)

Spellings: ``cos`` is ``cosine``, ``lin`` is ``linear``, ``exp`` is ``exponential``.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from . import _checks as check


def _linear(start: float, end: float, p: np.ndarray) -> np.ndarray:
    return start + (end - start) * p


def _cosine(start: float, end: float, p: np.ndarray) -> np.ndarray:
    return end + (start - end) / 2.0 * (1.0 + np.cos(np.pi * p))


def _exponential(start: float, end: float, p: np.ndarray) -> np.ndarray:
    ratio = end / start
    if not (math.isinf(ratio) or (ratio == 0.0 and end > 0.0)):
        return start * ratio ** p
    # the ratio left float range (start tiny or huge): start ** (1 - p) * end ** p in logarithms
    return np.exp((1.0 - p) * math.log(start) + p * math.log(end))


def _one_minus_sqrt(start: float, end: float, p: np.ndarray) -> np.ndarray:
    return end + (start - end) * (1.0 - np.sqrt(p))


SHAPES: dict[str, Callable[[float, float, np.ndarray], np.ndarray]] = {
    "linear": _linear,
    "cosine": _cosine,
    "exponential": _exponential,
    "1-sqrt": _one_minus_sqrt,
}
SPELLINGS = {"cos": "cosine", "lin": "linear", "exp": "exponential"}


def shape(name: str, value: object, allowed: Sequence[str]) -> str:
    """The canonical name of the shape ``value`` (an accepted spelling counts), one of ``allowed``."""
    canonical = SPELLINGS.get(value, value) if isinstance(value, str) else value
    return check.choice(name, canonical, allowed)


def anneal(kind: str, start: float, end: float, p: np.ndarray) -> np.ndarray:
    """From ``start`` at p = 0 to ``end`` at p = 1 along the shape ``kind`` (a key of :data:`SHAPES`)."""
    return SHAPES[kind](start, end, p)
