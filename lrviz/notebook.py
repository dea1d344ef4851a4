"""Schedules and configs in a notebook: the small PNG and SVG that Jupyter shows for ``Schedule`` and ``Config``.

``Schedule._repr_png_`` / ``_repr_svg_`` and the same of ``Config`` call
:func:`png` and :func:`svg`: a :data:`SIZE` inch figure in the default style,
drawn by :func:`lrviz.draw.plot`, so every curve is M4-reduced to the figure's
pixel columns (:mod:`lrviz.decimate`) and a schedule of a billion steps shows as
fast as one of a thousand. A schedule is drawn over its own length
(:data:`LENGTHS`); one that does not know it (``fairseq.inverse_sqrt``,
``deepspeed.WarmupLR``) over :data:`DEFAULT_STEPS`, and its title says so. matplotlib is imported only here,
when a notebook asks for a picture.
"""

from __future__ import annotations

import io
from typing import Any

SIZE = (4.0, 2.5)  # inches
DPI = 100  # PNG: 400 x 250 pixels
DEFAULT_STEPS = 1000


LENGTHS = ("total_steps", "num_training_steps", "total_num_steps", "max_steps")
"""The parameters that give a schedule's length: lrviz's own, then the twins' names for it (HF, DeepSpeed, NeMo)."""


def length_of(schedule: Any) -> int | None:
    """The schedule's own length (the first of :data:`LENGTHS` it has), when it has one."""
    for key in LENGTHS:
        total = schedule.params.get(key)
        if isinstance(total, int) and not isinstance(total, bool) and total >= 1:
            return total
    return None


def figure(obj: Any):
    """The small Figure of a :class:`~lrviz.Schedule` or a :class:`~lrviz.spec.Config`."""
    from .draw import plot
    from .spec import Config

    if isinstance(obj, Config):
        return plot(obj, size=SIZE, dpi=DPI)
    total = length_of(obj)
    title = obj.name if total else f"{obj.name} (length unknown: first {DEFAULT_STEPS:,} steps)"
    return plot(obj, total_steps=total or DEFAULT_STEPS, size=SIZE, dpi=DPI, title=title)


def _render(obj: Any, fmt: str) -> bytes:
    import matplotlib

    from .draw import style

    fig = figure(obj)
    out = io.BytesIO()
    with style.context(getattr(fig, "_lrviz_style", "default")):
        with matplotlib.rc_context({"svg.hashsalt": "lrviz"}):
            fig.savefig(out, format=fmt, dpi=DPI, metadata={"Software": "lrviz"} if fmt == "png" else
                        {"Date": None, "Creator": "lrviz"})
    return out.getvalue()


def png(obj: Any) -> bytes:
    """PNG bytes of the small figure (Jupyter's ``_repr_png_``)."""
    return _render(obj, "png")


def svg(obj: Any) -> str:
    """SVG text of the small figure (Jupyter's ``_repr_svg_``)."""
    return _render(obj, "svg").decode("utf-8")
