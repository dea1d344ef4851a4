"""Figure styles and sizes: ``.mplstyle`` files shipped in ``lrviz/draw/styles/``.

A style is applied only inside :func:`context` while a figure is built and
saved, never globally. Named sizes are the usual paper widths in inches.
Importing this module does not import matplotlib.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from typing import Iterator

STYLES = ("default", "paper", "dark")
STYLE_DIR = os.path.join(os.path.dirname(__file__), "styles")

# Named figure sizes (inches): a single column and a full page width of a
# two-column paper (NeurIPS/ICML/IEEE text widths are 6.75-7.16 in).
SIZES = {
    "column": (3.5, 2.4),
    "page": (7.0, 3.0),
    "screen": (8.0, 4.5),
}


def path(name: str) -> str:
    """The ``.mplstyle`` file of a style name."""
    return os.path.join(STYLE_DIR, f"{name}.mplstyle")


def params(name: str) -> dict:
    """The rcParams a style sets (matplotlib imported here), read once per style (a figure asks ~20 times)."""
    return dict(_read(name))


@functools.lru_cache(maxsize=None)
def _read(name: str) -> dict:
    import matplotlib

    return dict(matplotlib.rc_params_from_file(path(name), use_default_template=False))


@contextmanager
def context(name: str) -> Iterator[None]:
    """Apply a style on top of matplotlib's defaults, so the user's rc settings do not leak in."""
    import matplotlib
    import matplotlib.style

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.style.use(path(name))
        yield


def colors(name: str) -> list[str]:
    """The colour cycle of a style."""
    return [entry["color"] for entry in params(name)["axes.prop_cycle"]]
