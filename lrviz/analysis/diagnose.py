"""Diagnostics of a schedule before training: the mistakes users of every framework report.

Each check looks at one built schedule, its parameters and one pass over its
curve (:func:`lrviz.scan.profile`), and returns findings with the step where
the problem shows and a hint. Levels: ``error`` (the run would not train as
meant: ``lrviz check`` exits 1), ``warning`` (probably a mistake), ``note`` (a
framework quirk worth knowing).

Checks, for a run of ``T`` steps with peak ``P``:

- non-finite lr (error) and negative lr (error), at the first such step, whether the
  library raises there or gives the value (torch's LambdaLR going below 0); where it
  is a framework's own float32 failure (:mod:`lrviz.twins.failures`: optax under
  jax.jit, Keras compiled by XLA) the finding names the framework, the value, the
  cause and the smallest change of parameters that avoids it;
- an lr that is 0 at every step (error: the run trains nothing);
- a twin stepped past the point where its library raises (error);
- warmup as long as or longer than training (error);
- no annealing: ``lr(T) >= 0.9 P`` for a curve that is not flat (warning);
- a floor never reached: the entry's ``floor`` parameter ``m < P`` with
  ``min lr(t) - m > 0.01 (P - m)`` (warning);
- a jump at a phase boundary that is not a designed drop or restart:
  ``|lr(b) - lr(b-1)| > 0.05 P`` and more than 10 times the change on either
  side (warning);
- more than :data:`MAX_RESTARTS` one-step rises of a quarter of the peak (warning);
- durations that make sense only in the other unit, given ``steps_per_epoch``
  ``S``: a training shorter than one epoch, or a duration ``d`` with
  ``d < S`` and ``d * S <= T`` (probably meant as epochs) (warning);
- the known quirks of a framework twin in use (note, :mod:`lrviz.twins.quirks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping

import numpy as np

from ..params import signature
from ..scan import Profile, profile
from ..schedules._base import Schedule

LEVELS = ("error", "warning", "note")
MAX_RESTARTS = 20


@dataclass(frozen=True)
class Finding:
    level: str  # error, warning or note
    step: int | None
    message: str
    hint: str = ""

    def text(self) -> str:
        at = f" at step {self.step:,}" if self.step is not None else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.level}{at}: {self.message}{hint}"


def diagnose(schedule: Schedule, total_steps: int, *, steps_per_epoch: int | None = None,
             scanned: Profile | None = None) -> list[Finding]:
    """Every finding for ``schedule`` run for ``total_steps`` steps, errors first, then by step."""
    p = scanned or profile(schedule, total_steps)
    found: list[Finding] = []
    found += _curve_values(schedule, p)
    found += _nothing_trained(p)
    found += _warmup(schedule, total_steps)
    if p.first_non_finite is None and p.raised is None and p.peak > 0:
        annealing = list(_anneals(schedule, p))
        found += annealing or list(_floors(schedule, p))  # one finding for one cause
        found += _jumps(schedule, p)
        found += _restarts(p)
    found += _units(schedule, total_steps, steps_per_epoch)
    found += _quirks(schedule, total_steps)
    return sorted(found, key=lambda f: (LEVELS.index(f.level), -1 if f.step is None else f.step))


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _named_failure(schedule: Schedule, step: int, value: float) -> Finding | None:
    """The framework's own numeric failure at ``step``, named with its cause and fix (None when none fits)."""
    from ..twins.failures import explain

    found = explain(schedule.name, schedule.params, step, value)
    if found is None:
        return None
    framework, cause, fix = found
    return Finding("error", step, f"{framework} gives the lr {value:.3g} from here: {cause}", f"avoid it with {fix}")


def _curve_values(schedule: Schedule, p: Profile) -> Iterator[Finding]:
    if p.first_non_finite:
        step, value = p.first_non_finite
        yield _named_failure(schedule, step, value) or Finding(
            "error", step, f"the lr is {value}", "its parameters take it out of floating-point range")
    if p.first_negative:
        step, value = p.first_negative
        yield _named_failure(schedule, step, value) or Finding(
            "error", step, f"the lr is negative ({_fmt(value)})",
            "an optimizer would step uphill; check floors, rates and noise")
    if p.raised:
        step, message = p.raised
        yield Finding("error", step, f"the library raises here: {message}",
                      f"the run is {p.total_steps:,} steps; make the scheduler's own length match it")


def _entry(schedule: Schedule):
    """The registry entry the schedule was built from (None for one built by hand)."""
    from ..errors import UnknownName
    from ..registry import lookup

    try:
        return lookup(schedule.name)[1]
    except UnknownName:
        return None


def _nothing_trained(p: Profile) -> Iterator[Finding]:
    if p.first_non_finite is None and p.raised is None and p.first_negative is None and p.peak == 0:
        yield Finding("error", None, f"the lr is 0 at every step of the run ({p.total_steps:,} steps): it trains nothing",
                      "give the schedule its lr (the peak or start value)")


def _warmup(schedule: Schedule, total_steps: int) -> Iterator[Finding]:
    from ..registry import role

    key, value = role(schedule, "warmup")
    if isinstance(value, (int, np.integer)) and value >= total_steps and value > 0:
        yield Finding("error", int(total_steps), f"{key}={value:,} is as long as or longer than training "
                      f"({total_steps:,} steps): the lr never leaves the warmup",
                      "shorten the warmup (a few percent of training is usual, e.g. '5%')")


def _anneals(schedule: Schedule, p: Profile) -> Iterator[Finding]:
    if p.flat or schedule.periodic or p.final < 0.9 * p.peak:
        return
    yield Finding("warning", p.total_steps, f"the lr at the end ({_fmt(p.final)}) is still "
                  f"{100 * p.final / p.peak:.0f}% of the peak ({_fmt(p.peak)}): the schedule never anneals",
                  "check that its length (decay_steps, T_max, num_training_steps, ...) matches the run")


def _floors(schedule: Schedule, p: Profile) -> Iterator[Finding]:
    from ..registry import role

    key, floor = role(schedule, "floor")
    if not isinstance(floor, (int, float)) or isinstance(floor, bool) or not floor < p.peak:
        return
    if p.low - floor > 0.01 * (p.peak - floor):
        yield Finding("warning", p.total_steps, f"{key}={_fmt(floor)} is never reached: the lowest lr is "
                      f"{_fmt(p.low)} (step {p.low_step:,})",
                      "the decay is longer than the run; shorten it or lengthen the run")


def _jumps(schedule: Schedule, p: Profile) -> Iterator[Finding]:
    """A jump at a phase boundary, against the change one tick before and after it.

    A tick is one update, or one epoch for a scheduler stepped per epoch
    (``stepped``'s ``every``): there every epoch boundary is a step of the
    staircase, and the warmup's last step is measured against its others.
    """
    T = p.total_steps
    tick = int(schedule.params.get("every") or 1) if schedule.name == "stepped" else 1
    seen = set()
    for step, label, kind in schedule.marks:
        if kind != "phase" or not 1 + tick <= step <= T - tick or step in seen:
            continue
        seen.add(step)
        with np.errstate(all="ignore"):
            before2, before, at, after = schedule.lr_at(np.array([step - 1 - tick, step - 1, step, step + tick],
                                                                 dtype=np.int64))
        change = abs(at - before)
        around = max(abs(before - before2), abs(after - at))
        if change > 0.05 * p.peak and change > 10 * around:
            yield Finding("warning", step, f"the lr jumps from {_fmt(before)} to {_fmt(at)} where {label!r}",
                          "the phases do not meet: make the warmup end at the lr the next phase starts from")


def _restarts(p: Profile) -> Iterator[Finding]:
    if p.rises > MAX_RESTARTS:
        every = p.total_steps // p.rises
        yield Finding("warning", None, f"{p.rises:,} restarts in {p.total_steps:,} steps (one every ~{every:,}); "
                      f"a typical run has a handful",
                      "if the period was meant in epochs, write it as e.g. '10ep' with steps_per_epoch")


def _units(schedule: Schedule, total_steps: int, steps_per_epoch: int | None) -> Iterator[Finding]:
    S = steps_per_epoch
    if not S or S <= 1:
        return
    if total_steps < S:
        yield Finding("warning", None, f"training is {total_steps:,} steps, less than one epoch ({S:,} steps)",
                      f"if you meant {total_steps:,} epochs, write total_steps: {total_steps}ep")
        return
    entry = _entry(schedule)
    kinds = {k: p.kind for k, p in signature(entry.factory).items()} if entry else {}
    for key, value in schedule.params.items():
        if key == "total_steps" or not kinds.get(key, "").endswith("Steps"):
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for d in values:
            if isinstance(d, (int, np.integer)) and not isinstance(d, bool) and 0 < d < S and d * S <= total_steps:
                yield Finding("warning", int(d), f"{key}={d:,} steps is less than one epoch ({S:,} steps)",
                              f"if you meant {d:,} epochs, write '{d}ep' ({d * S:,} steps)")
                break


def _quirks(schedule: Schedule, total_steps: int) -> Iterator[Finding]:
    """The quirks of the schedule itself (a nested one runs on a local clock this cannot see)."""
    from ..twins.quirks import quirks_of

    for step, message, level in quirks_of(schedule.name, schedule.params, total_steps):
        yield Finding(level, step, message)


def summary(counts: Mapping[str, int], curves: int) -> str:
    """``"1 error, 2 warnings in 3 schedules"`` or ``"no problems found in 3 schedules"``."""
    parts = [f"{counts[level]} {level}{'s' if counts[level] != 1 else ''}" for level in LEVELS if counts.get(level)]
    what = f"{curves} schedule{'s' if curves != 1 else ''}"
    return f"{', '.join(parts)} in {what}" if parts else f"no problems found in {what}"
