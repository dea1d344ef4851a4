"""The step-count limit: a config or ``--steps`` over :data:`MAX_STEPS` is refused unless forced,
with what the run's numbers would take as a file (exports stream, figures and stats read every step)."""

from __future__ import annotations

MAX_STEPS = 10**9
BYTES_PER_STEP = 16  # an int64 step and a float64 lr


def over_limit(steps: int) -> str | None:
    """The refusal message for a step count over the limit, or None."""
    if steps <= MAX_STEPS:
        return None
    gib = steps * BYTES_PER_STEP / 2**30
    return (f"{steps:,} steps is over the limit of {MAX_STEPS:,}; every step (an export without --every) "
            f"would take {gib:,.0f} GiB per curve; use --force to go ahead")


# Figure limits, checked before anything is drawn (lrviz.draw.check_figure names the options).
MAX_PIXELS = 250_000_000  # of a PNG: the default 8 x 4.5 in at the highest --dpi, 2400, is 207 Mpixel (0.9 GB to draw)
MIN_PIXELS = 32  # each side of a PNG, at its dpi
MIN_INCHES = 0.5  # each side of any figure: less holds no tick labels
MAX_PANELS = 64  # curves in one figure (grid panels, overlay curves), as sweep's 64 curves


def figure_problem(width: float, height: float, dpi: int, png: bool) -> str | None:
    """What is wrong with a figure of ``width`` x ``height`` inches at ``dpi`` (pixels counted for a PNG), or None."""
    if min(width, height) < MIN_INCHES:
        return f"{width:g} x {height:g} in is too small; each side must be at least {MIN_INCHES:g} in"
    if not png:
        return None
    across, down = round(width * dpi), round(height * dpi)
    if min(across, down) < MIN_PIXELS:
        return (f"{width:g} x {height:g} in at {dpi} dpi is {across:,} x {down:,} pixels; each side must be at least "
                f"{MIN_PIXELS} pixels")
    if across * down > MAX_PIXELS:
        return (f"{width:g} x {height:g} in at {dpi} dpi is {across:,} x {down:,} pixels ({across * down / 1e6:,.0f} "
                f"Mpixel); at most {MAX_PIXELS / 1e6:,.0f} Mpixel are drawn")
    return None


def panels_problem(curves: int) -> str | None:
    """The refusal for a figure of ``curves`` curves (one panel each in a grid), or None."""
    if curves <= MAX_PANELS:
        return None
    return f"{curves:,} curves in one figure is more than {MAX_PANELS}; draw them in several figures"
