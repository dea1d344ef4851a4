"""Summary statistics of schedules, to compare them at equal budget.

For a run of ``T`` updates (see :mod:`lrviz.scan` for the conventions):

- peak ``max_{0<=t<T} lr(t)`` and the step where it is first reached,
- final ``lr(T-1)``, the lr of the last update,
- mean ``(1/T) sum_{t<T} lr(t)``,
- area ``sum_{t<T} lr(t)``: the total "distance budget" of plain SGD; two
  schedules with the same area move weights about as far,
- steps above half the peak: ``#{t < T : lr(t) >= peak/2}``, how long the run
  trains at a high rate.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ..scan import Profile

if TYPE_CHECKING:
    from ..schedules._base import Schedule

COLUMNS = ("curve", "peak", "at step", "final", "mean", "area", "steps >= peak/2")


@dataclass(frozen=True)
class Stats:
    label: str
    total_steps: int
    peak: float
    peak_step: int
    final: float
    mean: float
    area: float
    above_half: int

    @classmethod
    def of(cls, label: str, profile: Profile) -> "Stats":
        return cls(label, profile.total_steps, profile.peak, profile.peak_step, profile.final, profile.mean,
                   profile.area, profile.above_half)

    @property
    def above_half_fraction(self) -> float:
        return self.above_half / self.total_steps if self.total_steps else 0.0


def _num(value: float) -> str:
    return f"{value:.4g}"


def rows(stats: list[Stats]) -> list[tuple[str, ...]]:
    """The table's cells as text, one row per curve (header first)."""
    out = [COLUMNS]
    for s in stats:
        out.append((s.label, _num(s.peak), f"{s.peak_step:,}", _num(s.final), _num(s.mean), _num(s.area),
                    f"{s.above_half:,} ({100 * s.above_half_fraction:.0f}%)"))
    return out


def table(stats: list[Stats]) -> str:
    """A plain-text table: the label left-aligned, numbers right-aligned."""
    cells = rows(stats)
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = []
    for k, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def as_csv(stats: list[Stats]) -> str:
    """CSV with full-precision numbers (repr of each float)."""
    head = "curve,total_steps,peak,peak_step,final,mean,area,steps_above_half_peak"
    body = [",".join([_csv_text(s.label), str(s.total_steps), repr(s.peak), str(s.peak_step), repr(s.final),
                      repr(s.mean), repr(s.area), str(s.above_half)]) for s in stats]
    return "\n".join([head, *body]) + "\n"


def as_json(stats: list[Stats]) -> str:
    """The stats as JSON; a number beyond float64 (the area of 1,000 lrs of 1.7e308) or NaN is ``null``, as in
    ``lrviz export``'s JSON: JSON has no Infinity."""
    def plain(value):
        return None if isinstance(value, float) and not math.isfinite(value) else value

    return json.dumps([{k: plain(v) for k, v in asdict(s).items()} for s in stats], indent=2, allow_nan=False) + "\n"


def _csv_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def profiles(config) -> list[tuple[str, "Schedule", Profile]]:
    """(label, schedule, profile) for every schedule of ``config``: one chunked pass over each."""
    from ..curves import build, labels
    from ..scan import profile

    built = build(config)
    return [(label, schedule, profile(schedule, config.total_steps))
            for label, (_, schedule) in zip(labels([spec for spec, _ in built]), built)]


def of_config(config) -> list[Stats]:
    """The stats of every schedule of ``config``; a curve that is not finite, or a twin that raises, is refused."""
    from ..errors import ConfigError, Issue, LrvizError

    out = []
    for label, _, found in profiles(config):
        if found.first_non_finite:
            step, value = found.first_non_finite
            raise ConfigError([Issue(config.source, None, None, label, f"the lr is {value} from step {step:,}; "
                                     "its parameters take it out of floating-point range")])
        if found.raised:
            raise LrvizError(f"{label}: {found.raised[1]} (at step {found.raised[0]:,})")
        if found.scanned < config.total_steps and found.first_negative:  # the twin stopped there: no stats past it
            step, value = found.first_negative
            raise LrvizError(f"{label}: the lr is negative ({value:.4g}) from step {step:,}; the library gives it, "
                             "lrviz draws and measures only an lr >= 0")
        out.append(Stats.of(label, found))
    return out
