"""The limits lrviz keeps to, each named, so hostile input is refused before it costs memory or time.

- :data:`MAX_STEPS`: a config or ``--steps`` over it is refused unless forced, with what the run's
  numbers would take as a file (exports stream, figures and stats read every step);
- :data:`MAX_DEPTH`: lists and mappings nested inside each other (a YAML config, a ``--set`` value);
  Python's own recursion limit (1000 frames) is far above it, so a deep value is an error, not a crash;
- :data:`MAX_NESTING`: schedules inside schedules (``clamp`` of ``clamp`` of ...), however given;
- :data:`MAX_PLAYGROUND_BYTES`: what the arrays of one playground run may take, estimated before
  any is allocated (lr tables, paths and losses of every run: :func:`playground_bytes`).
"""

from __future__ import annotations

MAX_STEPS = 10**9
BYTES_PER_STEP = 16  # an int64 step and a float64 lr
MAX_DEPTH = 64
MAX_NESTING = 24
MAX_PLAYGROUND_BYTES = 512 * 2**20


def over_limit(steps: int) -> str | None:
    """The refusal message for a step count over the limit, or None."""
    if steps <= MAX_STEPS:
        return None
    gib = steps * BYTES_PER_STEP / 2**30
    return (f"{steps:,} steps is over the limit of {MAX_STEPS:,}; every step (an export without --every) "
            f"would take {gib:,.0f} GiB per curve; use --force to go ahead")


def playground_bytes(steps: int, runs: int, *, record: bool) -> int:
    """Bytes of one playground computation of ``runs`` runs over ``steps`` updates:

    bytes = (steps + 1) x runs x 8 x (1 lr + 1 loss + 2 path coordinates when recorded)

    (float64 each; the lr table, the loss of every update, and the point of every update)."""
    per_point = 8 * (1 + 1 + (2 if record else 0))
    return (steps + 1) * runs * per_point


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
