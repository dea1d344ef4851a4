"""Compare the lr a run logged with the plan: does it match, where does it part, and why.

    from lrviz.logs import read_log
    from lrviz.analysis import run_plan, run_vs_plan

    log = read_log("out/checkpoint-40")
    plan = run_plan.from_name("hf.cosine", lr=0.05, num_warmup_steps=5, total_steps=40)
    verdict = run_vs_plan.compare(plan, log)
    verdict.ok, verdict.exit_code, verdict.lines()

Steps. ``log.steps`` are lrviz steps (the reader applied its framework's
logging offset), so logged point i is compared with ``plan.lr(t_i)``. A log in
epochs (Keras) is compared at ``t = epoch * steps_per_epoch`` when the steps per
epoch are given, else at ``t = epoch`` (the plan is then read as per epoch).

Tolerance. A logged value y matches the planned p when::

    |y - p| <= rtol * max(|p|, |y|) + atol,   rtol = max(1e-5, 2 * log.resolution),
                                              atol = 1e-6 * max(|p|, |y| over the log)

``1e-5`` covers six printed significant digits (a rounding of at most 5e-6)
and the float32 a framework computes and stores in (2**-24 = 6e-8 per value,
a few ulps more through cos or pow); twice the log's own resolution widens it
for logs printed with fewer digits. ``atol``, a millionth of the peak, is for
values near 0 (the start of a warmup, the end of a decay), where float32
arithmetic errs relative to the peak, not to the value. What it can hide: one
step of a cosine of N steps moves the lr by at most about ``pi / N`` relative
(near its middle), so a schedule one step off is seen there only for N up to
about 300,000; a warmup shows it at any length (one step of a warmup of W
steps is ``1 / W`` or more, relative).

:func:`compare` returns a :class:`Verdict`; the causes come from
:mod:`lrviz.analysis.run_causes`. :func:`markers` gives what a figure needs to
draw the logged points over the planned curve, :func:`draw_markers` draws them
into a matplotlib Axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..logs import RunLog
from .run_causes import Cause, Hints, _Fit, find
from .run_plan import Plan

RTOL = 1e-5
ATOL_OF_PEAK = 1e-6


@dataclass(frozen=True)
class Divergence:
    """The first logged point that differs from the plan beyond rounding."""

    step: int
    planned: float  # NaN where the plan refuses the step
    logged: float
    rel: float  # (logged - planned) / planned; inf when planned is 0

    def text(self) -> str:
        if not np.isfinite(self.planned):
            return f"the plan has no lr there (its library raises at that step), logged {self.logged:.6g}"
        change = "" if not np.isfinite(self.rel) else f" ({100 * self.rel:+.3g}%)"
        return f"planned {self.planned:.6g}, logged {self.logged:.6g}{change}"


@dataclass(frozen=True)
class Verdict:
    """The comparison of one logged series with the plan."""

    ok: bool
    points: int  # logged points compared
    matched: int  # of them, within tolerance of the plan
    first: Divergence | None
    cause: Cause | None
    alternatives: tuple[Cause, ...]
    rtol: float
    atol: float
    plan_label: str
    total_steps: int
    log: RunLog
    steps: np.ndarray  # the plan steps compared at (log.steps, times steps_per_epoch for epoch logs)
    within: np.ndarray  # bool per logged point: within tolerance of the plan
    past_end: int  # logged points at or past the plan's total_steps
    notes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 when the run followed the plan, 1 when it left it."""
        return 0 if self.ok else 1

    def lines(self) -> list[str]:
        """What ``check --log`` prints: a headline, then the cause or the lack of one, then notes."""
        log = self.log
        what = f"{log.source} ({log.format}, {log.series})"
        span = f"steps {int(self.steps[0]):,}..{int(self.steps[-1]):,}" if self.points else "no steps"
        out = []
        if self.ok:
            out.append(f"{what}: follows the plan {self.plan_label!r}: all {self.points:,} logged points ({span}) "
                       f"within rounding (relative {self.rtol:.2g}, absolute {self.atol:.2g})")
        else:
            assert self.first is not None
            out.append(f"{what}: left the plan {self.plan_label!r} at step {self.first.step:,}: {self.first.text()}; "
                       f"{self.points - self.matched:,} of {self.points:,} logged points ({span}) differ beyond "
                       f"rounding (relative {self.rtol:.2g}, absolute {self.atol:.2g})")
            if self.cause is not None:
                out.append(f"  likely cause: {self.cause.text} (this matches all {self.cause.covered:,} logged points)")
                for alt in self.alternatives:
                    out.append(f"  also fits: {alt.text}")
            else:
                out.append(f"  no cause found: {self.no_cause_reason()}")
        out.append(f"  logging rule: {log.offset_note}")
        out += [f"  note: {n}" for n in self.notes]
        return out

    def to_dict(self) -> dict:
        """Plain data for ``--format json``: numbers and strings only."""
        cause = None if self.cause is None else {k: v for k, v in vars(self.cause).items() if k != "priority"}
        return {
            "ok": self.ok, "exit_code": self.exit_code, "plan": self.plan_label, "total_steps": self.total_steps,
            "log": {"source": self.log.source, "format": self.log.format, "series": self.log.series,
                    "unit": self.log.unit, "offset": self.log.offset, "offset_note": self.log.offset_note},
            "points": self.points, "matched": self.matched, "rtol": self.rtol, "atol": self.atol,
            "first": None if self.first is None else vars(self.first).copy(),
            "cause": cause,
            "alternatives": [{k: v for k, v in vars(a).items() if k != "priority"} for a in self.alternatives],
            "notes": list(self.notes),
        }

    def no_cause_reason(self) -> str:
        bad = self.points - self.matched
        from .run_causes import MIN_EVIDENCE

        if bad < MIN_EVIDENCE:
            return f"only {bad} logged point(s) differ, too few to tell a cause"
        return ("the log is not the plan shifted, stretched or compressed in time by a whole factor, rebuilt for "
                "another total, or restarted with one, at every logged point; a different schedule?")


def tolerance(planned: np.ndarray, logged: np.ndarray, resolution: float, rtol: float | None = None
              ) -> tuple[float, float]:
    """(rtol, atol) for comparing ``logged`` with ``planned`` (see the module docstring)."""
    r = max(RTOL, 2 * resolution) if rtol is None else rtol
    both = np.concatenate([np.abs(planned[np.isfinite(planned)]), np.abs(logged)])
    peak = float(both.max()) if both.size else 0.0
    return r, ATOL_OF_PEAK * peak


def plan_steps(log: RunLog, hints: Hints) -> tuple[np.ndarray, list[str]]:
    """The plan steps the logged points are compared at, and a note for epoch logs."""
    if log.unit != "epoch":
        return log.steps, []
    if hints.steps_per_epoch:
        return log.steps * int(hints.steps_per_epoch), [
            f"the log is per epoch: epoch e compared with the plan at step e x {hints.steps_per_epoch:,}"]
    return log.steps, ["the log is per epoch and no steps per epoch were given: the plan is read per epoch "
                       "(give steps_per_epoch to compare in updates)"]


def compare(plan: Plan, log: RunLog, hints: Hints | None = None, *, rtol: float | None = None) -> Verdict:
    """Compare ``log`` with ``plan``; see :class:`Verdict` and the module docstring."""
    hints = hints or Hints()
    if len(log) == 0:
        from ..logs import LogError

        raise LogError(f"{log.source}: {log.series}: no logged points to compare")
    t, notes = plan_steps(log, hints)
    y = log.lrs
    planned = plan.at(t)
    r, a = tolerance(planned, y, log.resolution, rtol)
    fit = _Fit(t=t, y=y, rtol=r, atol=a)
    ok = fit.close(planned)
    past = int(np.count_nonzero(t >= plan.total_steps))
    if past == 1 and int(t[-1]) == plan.total_steps:
        notes.append(f"the last logged point is at step {plan.total_steps:,}: the lr after the last update (this log "
                     "carries the lr of the coming update)")
    elif past:
        notes.append(f"{past:,} logged point(s) lie at or past the plan's {plan.total_steps:,} steps: the run was longer "
                     "than planned")
    if log.meta.get("max_steps") and int(log.meta["max_steps"]) != plan.total_steps and log.unit == "step":
        notes.append(f"the log says max_steps = {int(log.meta['max_steps']):,}; the plan has {plan.total_steps:,} steps")
    if np.all(ok):
        return Verdict(True, int(t.size), int(t.size), None, None, (), r, a, plan.label, plan.total_steps, log, t,
                       ok, past, tuple(notes))
    i = int(np.flatnonzero(~ok)[0])
    p = float(planned[i])
    rel = (y[i] - p) / p if p and np.isfinite(p) else float("inf")
    first = Divergence(int(t[i]), p, float(y[i]), float(rel))
    causes = find(plan, fit, ok, hints)
    cause = causes[0] if causes else None
    alternatives = tuple(c for c in causes[1:3] if c.kind != cause.kind) if cause else ()
    return Verdict(False, int(t.size), int(np.count_nonzero(ok)), first, cause, alternatives, r, a, plan.label,
                   plan.total_steps, log, t, ok, past, tuple(notes))


def check_log(plan: Plan, path: str, *, format: str | None = None, columns: str | None = None,
              offset: int | None = None, hints: Hints | None = None, rtol: float | None = None) -> Verdict:
    """Read the log at ``path`` (:func:`lrviz.logs.read_log`) and :func:`compare` it with ``plan``: what
    ``check --log PATH [--log-format NAME] [--log-columns STEP,LR]`` does."""
    from ..logs import read_log

    return compare(plan, read_log(path, format=format, columns=columns, offset=offset), hints, rtol=rtol)


# ---------------------------------------------------------------- figure data


@dataclass(frozen=True)
class Markers:
    """The logged points to draw over the planned curve, as markers (no line: sparse logging stays visible)."""

    steps: np.ndarray  # x in plan steps
    lrs: np.ndarray
    matched: np.ndarray  # bool per point: within tolerance of the plan
    label: str  # legend text, e.g. "logged: learning_rate (hf, 40 points)"
    first_divergence: int | None  # the step to mark, when the run left the plan


def markers(log: RunLog, verdict: Verdict | None = None, hints: Hints | None = None) -> Markers:
    """Figure data for ``plot --log``: the logged points (in plan steps) and which ones match the plan."""
    if verdict is not None:
        steps, matched = verdict.steps, verdict.within
        first = None if verdict.first is None else verdict.first.step
    else:
        steps, _ = plan_steps(log, hints or Hints())
        matched = np.ones(steps.shape, dtype=bool)
        first = None
    series = log.series.replace("$", "\\$")  # a column or tag name read from a file: plain text, never mathtext
    label = f"logged: {series} ({log.format}, {len(log):,} points)"
    return Markers(steps, log.lrs, matched, label, first)


def draw_markers(ax, data: Markers, *, color: str | None = None, max_points: int = 5_000):
    """Draw ``data`` on a matplotlib Axes as markers (hollow where the point left the plan); returns the artists.

    A log of more than ``max_points`` points is thinned evenly for drawing
    (every point is still compared); the first divergence gets a vertical line.
    matplotlib is used only through ``ax``; nothing is imported here.
    """
    steps, lrs, matched = data.steps, data.lrs, data.matched
    if steps.size > max_points:
        keep = np.unique(np.linspace(0, steps.size - 1, max_points).round().astype(int))
        steps, lrs, matched = steps[keep], lrs[keep], matched[keep]
    size = 4 if steps.size < 200 else 2
    artists = [ax.plot(steps[matched], lrs[matched], linestyle="none", marker="o", markersize=size, color=color,
                       label=data.label, zorder=5)[0]]
    if (~matched).any():
        artists.append(ax.plot(steps[~matched], lrs[~matched], linestyle="none", marker="o", markersize=size + 1,
                               markerfacecolor="none", color=color or artists[0].get_color(),
                               label="logged, off the plan", zorder=5)[0])
    if data.first_divergence is not None:
        artists.append(ax.axvline(data.first_divergence, linestyle=":", linewidth=0.8,
                                  color=artists[0].get_color(), zorder=4))
    return artists
