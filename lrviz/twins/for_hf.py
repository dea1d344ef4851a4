"""Twins of hf's schedulers (being written)."""

from __future__ import annotations

from typing import Callable

TWINS: dict[str, tuple[Callable, str]] = {}
