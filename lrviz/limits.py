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
