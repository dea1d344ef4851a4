"""The contract every registered schedule keeps, checked over the whole registry.

A new schedule (generic or twin) is covered by adding its table row: nothing here
is a hand list of names. For each entry:

- every parameter has a kind that :mod:`lrviz.params` can coerce (``signature`` raises otherwise);
- the schedule built by name carries that name (``lrviz check``, quirks and the
  torch tree look schedules up by it);
- its declared ``breaks`` are true: between two breaks the lr (and momentum) only
  rises or only falls, on probes at two lengths (the figure's fast path relies on it);
- its docstring gives the formula as an ``lr(t)`` line (``lrviz show`` prints it);
- a floor-like parameter (``min_lr``, ``eta_min``, ...) or a warmup length (a
  step count with ``warmup`` in its name) has its role on the entry (``floor``,
  ``warmup`` or ``bounds``), so ``lrviz check`` does not guess from names;
- a generic schedule has a hypothesis strategy in ``test_schedule_properties``.

``test_a_schedule_that_breaks_each_rule_is_caught`` registers broken schedules and
shows that each rule fails for them.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pytest

from lrviz import registry
from lrviz.errors import StepError
from lrviz.kinds import Steps
from lrviz.params import signature
from lrviz.schedules._base import Schedule

import test_schedule_properties

FLOOR_LIKE = ("min_lr", "eta_min", "end_value", "end_learning_rate", "lr_end", "lr_min", "final_lr")
WARMUP_KINDS = ("Steps", "int")  # a warmup length in steps; warmup_epochs (a float of epochs) is not one
PROBE_LENGTHS = (1000, 37)
TOLERANCE = 1e-6  # relative to the largest |lr| of the probe: float32 twins wobble by an ulp


def _monotone_violation(values: np.ndarray, breaks: tuple[int, ...], what: str) -> str | None:
    """The first piece between two breaks where ``values`` both rise and fall, if any."""
    scale = max(float(np.max(np.abs(values))), 1e-300)
    edges = [0, *[b for b in breaks if 0 < b < values.size], values.size]
    for lo, hi in zip(edges[:-1], edges[1:]):
        d = np.diff(values[lo:hi])
        if d.size and d.max() > TOLERANCE * scale and d.min() < -TOLERANCE * scale:
            return f"{what} is not monotone on steps [{lo}, {hi}) between its declared breaks"
    return None


def violations(name: str, entry: registry.Entry) -> list[str]:
    """Every rule of the contract that ``entry`` (registered as ``name``) breaks."""
    found: list[str] = []
    try:
        params = signature(entry.factory)
    except TypeError as err:
        return [f"parameter kinds: {err}"]
    doc = entry.factory.__doc__ or ""
    if "lr(t)" not in doc and "lr(e)" not in doc:
        found.append("docstring: no 'lr(t) = ...' formula line")
    for key in params:
        if key in FLOOR_LIKE and key != entry.floor and key not in entry.bounds:
            found.append(f"roles: {key!r} looks like a floor; declare floor={key!r} or bounds=({key!r},)")
        if "warmup" in key and params[key].kind in WARMUP_KINDS and key != entry.warmup:
            found.append(f"roles: {key!r} looks like a warmup length; declare warmup={key!r}")
    for role in (entry.floor, entry.warmup, *entry.bounds):
        if role is not None and role not in params:
            found.append(f"roles: {role!r} is not a parameter of the factory")
    if name in registry.GENERIC and name not in test_schedule_properties.FACTORIES:
        found.append("properties: no hypothesis strategy in tests/test_schedule_properties.py FACTORIES")
    for T in PROBE_LENGTHS:
        try:
            built = entry.factory(total_steps=T) if "total_steps" in params else entry.factory()
        except Exception as err:  # noqa: BLE001 - the contract: buildable from lr and total_steps alone
            found.append(f"build: cannot be built from total_steps={T} alone ({err})")
            break
        if built.name != name:
            found.append(f"name: built as {built.name!r}, registered as {name!r}")
            break
        if built.breaks is None:
            continue
        t = np.arange(0, 3 * T + 3, dtype=np.int64)
        with np.errstate(all="ignore"):
            try:
                lr = built.lr_at(t)
            except StepError:  # the library raises past its end (torch's OneCycleLR): probe up to it
                t = np.arange(0, T + 1, dtype=np.int64)
                lr = built.lr_at(t)
            problem = _monotone_violation(lr, built.breaks, f"lr (T={T})")
            if problem is None and built.has_momentum:
                problem = _monotone_violation(built.momentum_at(t), built.breaks, f"momentum (T={T})")
        if problem:
            found.append(f"breaks: {problem}")
            break
    return found


@pytest.mark.parametrize("name", sorted(registry.TABLE))
def test_every_registered_schedule_keeps_the_contract(name):
    assert violations(name, registry.TABLE[name]) == []


# ------------------------------------------------------------------------- broken schedules


def _rex(*, lr: float = 0.1, total_steps: Steps = 1000, min_lr: float = 0.0) -> Schedule:
    """REX: lr(t) = min_lr + (lr - min_lr) * (1 - p) / (1/2 + (1 - p)/2), p = min(t, T)/T."""
    def f(t):
        p = np.minimum(t, total_steps) / total_steps
        return min_lr + (lr - min_lr) * (1 - p) / (0.5 + (1 - p) / 2)

    return Schedule(f, name="rex", params=dict(lr=lr, total_steps=total_steps, min_lr=min_lr), breaks=())


def _untyped(*, lr=0.1, total_steps: Steps = 1000) -> Schedule:
    """lr(t) = lr."""
    return Schedule(lambda t: np.full(t.shape, float(lr)), name="untyped", breaks=())


def _misnamed(*, lr: float = 0.1, total_steps: Steps = 1000) -> Schedule:
    """lr(t) = lr."""
    return Schedule(lambda t: np.full(t.shape, float(lr)), name="constant", breaks=())


def _false_breaks(*, lr: float = 0.1, total_steps: Steps = 1000) -> Schedule:
    """lr(t) = lr * |cos(t / 10)|: many pieces, declared as one."""
    return Schedule(lambda t: lr * np.abs(np.cos(t / 10.0)), name="false_breaks", breaks=())


def _no_formula(*, lr: float = 0.1, total_steps: Steps = 1000, warmup_steps: Steps = 0) -> Schedule:
    """A constant rate, said in words only."""
    return Schedule(lambda t: np.full(t.shape, float(lr)), name="no_formula", breaks=())


BROKEN = {
    # REX added as the review added it: a factory and a table row, nothing else
    "rex": (registry.Entry(_rex, "REX"), ["roles: 'min_lr' looks like a floor",
                                          "properties: no hypothesis strategy"]),
    "untyped": (registry.Entry(_untyped, "no annotation on lr"), ["parameter kinds:"]),
    "misnamed": (registry.Entry(_misnamed, "built under another name"), ["name: built as 'constant'", "properties:"]),
    "false_breaks": (registry.Entry(_false_breaks, "monotone pieces declared wrong"),
                     ["breaks: lr (T=1000) is not monotone", "properties:"]),
    "no_formula": (registry.Entry(_no_formula, "no formula, warmup without a role"),
                   ["docstring: no 'lr(t) = ...'", "roles: 'warmup_steps' looks like a warmup length", "properties:"]),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_schedule_that_breaks_each_rule_is_caught(name, monkeypatch):
    entry, expected = BROKEN[name]
    monkeypatch.setitem(registry.TABLE, name, entry)
    monkeypatch.setitem(registry.GENERIC, name, entry)  # registered as a generic schedule, as REX would be
    found = violations(name, registry.TABLE[name])
    for rule in expected:
        assert any(f.startswith(rule) for f in found), (rule, found)
    assert len(found) == len(expected), found


def test_the_same_schedule_with_its_roles_and_strategy_passes(monkeypatch):
    """REX done right: its floor declared (the strategy rule only binds generic rows)."""
    entry = registry.Entry(_rex, "REX", floor="min_lr")
    monkeypatch.setitem(registry.TABLE, "rex", entry)
    assert violations("rex", entry) == []


def test_an_unknown_annotation_is_refused_when_the_registry_reads_it():
    def factory(*, lr: float = 0.1, when: complex = 1j) -> Schedule:
        """lr(t) = lr."""

    with pytest.raises(TypeError, match="'when' is annotated 'complex'"):
        signature(factory)


def test_optional_spellings_resolve_to_the_same_kind():
    def new_style(*, lr: float | None = None, d: Steps | None = None) -> Schedule:
        """lr(t) = lr."""

    def old_style(*, lr: Optional[float] = None, d: Optional[Steps] = None) -> Schedule:
        """lr(t) = lr."""

    a, b = signature(new_style), signature(old_style)
    assert [(p.kind, p.optional) for p in a.values()] == [(p.kind, p.optional) for p in b.values()] == [
        ("float", True), ("Steps", True)]


def test_a_twin_named_like_a_generic_schedule_is_refused(monkeypatch):
    import lrviz.twins as twins

    monkeypatch.setattr(twins, "TWINS", {"cosine": twins.Twin(_rex, "a clash")})
    with pytest.raises(RuntimeError, match="'cosine' is registered twice"):
        registry._assemble()
