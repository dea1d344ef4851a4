"""The frameworks' own numeric failures: where a float32 schedule gives NaN, inf or a negative lr.

The twins reproduce these values (see each twin's docstring); this module
says why they happen and what avoids them, for ``lrviz check`` (an error
naming the framework, the first step, the value, the cause and the smallest
change of parameters that avoids it) and ``lrviz show`` (the parameters that
trigger it). Each :class:`Failure` covers some registered names:

- ``condition``: one paragraph for ``lrviz show``;
- ``explain(params, step, value)``: ``(cause, fix)`` when the failure is the
  reason for ``value`` at ``step`` (the first bad step of the run), else None.

The family: a division by a constant that XLA compiles into a product with
the rounded reciprocal and fuses, ``fma(-c, float32(1/T), 1)``, is a hair below
0 at ``c = T`` whenever ``T * float32(1/T) > 1`` (120 of the integers 1..199,
e.g. 18, 37, 60, 1000; not 16, 25, 100); a fractional power of it is NaN, an
odd power of it times ``init - end`` plus ``end = 0`` is below 0. And the log
of a ratio at or below 0 in Keras' and TF's cosine restarts with ``t_mul < 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Callable, Mapping

import numpy as np

F32 = np.float32
Explain = Callable[[Mapping[str, Any], int, float], "tuple[str, str] | None"]
SEARCH = 10_000  # how far from T the search for a transition that ends exactly looks


def overshoots(T: int) -> bool:
    """Whether ``fma(-T, float32(1/T), 1) < 0``: ``T * float32(1/T)`` exceeds 1 (exact in float64)."""
    return float(T) * float(F32(1.0) / F32(T)) > 1.0


def exact_end(T: int) -> int | None:
    """The length nearest ``T`` (the shorter one on a tie) whose compiled end ``1 - T*float32(1/T)`` is >= 0."""
    for d in range(1, SEARCH):
        for candidate in (T - d, T + d):
            if candidate >= 1 and not overshoots(candidate):
                return candidate
    return None


def _fractional(power: Any) -> bool:
    return isinstance(power, (int, float)) and not float(power).is_integer()


def _odd(power: Any) -> bool:
    return power is None or (isinstance(power, (int, float)) and float(power).is_integer() and int(power) % 2 == 1)


def _fused_end(params: Mapping[str, Any], step: int, value: float, *, flag: str, steps: str, begin: str | None,
               init: str, end: str, power: str | None, what: str) -> tuple[str, str] | None:
    """polynomial/linear decays compiled by XLA: NaN (fractional power) or a negative lr (odd power, end 0)."""
    if params.get(flag) is not True or params.get("cycle"):
        return None
    T, B = params.get(steps), params.get(begin, 0) if begin else 0
    if not isinstance(T, int) or T <= 0 or not overshoots(T) or step < T + (B or 0):
        return None
    p = params.get(power) if power else None
    ending = f"{T}*float32(1/{T}) > 1"
    other = exact_end(T)
    ends = f"{steps}={other} (a transition that ends exactly)" if other else ""
    at = f"step {T + (B or 0):,}" if begin else f"t = {T:,}"
    where = (f"{what} computes 1 - c/{steps} as fma(-c, float32(1/{T}), 1), a hair below 0 once c = {T} "
             f"({at} on; {ending})")
    if value != value and _fractional(p):
        fix = " or ".join(x for x in (f"{power}={round(float(p)):g} (an integer power)", ends) if x)
        return f"{where}, and a fractional power ({power}={p:g}) of a negative number is NaN", fix
    if value < 0 and _odd(p) and params.get(end) == 0.0:
        floor = float(f"{2 * abs(value):.0e}")  # one significant digit, above the overshoot |value|
        fix = " or ".join(x for x in (ends, f"{end}={floor:g} (above the overshoot of {abs(value):.2g})") if x)
        return f"{where}, so ({init} - {end}) times it is below {end} = 0", fix
    return None


def _optax_polynomial(params: Mapping[str, Any], step: int, value: float) -> tuple[str, str] | None:
    return _fused_end(params, step, value, flag="jit", steps="transition_steps", begin="transition_begin",
                      init="init_value", end="end_value", power="power", what="jax.jit")


def _optax_linear(params: Mapping[str, Any], step: int, value: float) -> tuple[str, str] | None:
    return _fused_end(params, step, value, flag="jit", steps="transition_steps", begin="transition_begin",
                      init="init_value", end="end_value", power=None, what="jax.jit")


def _keras_polynomial(params: Mapping[str, Any], step: int, value: float) -> tuple[str, str] | None:
    found = _fused_end(params, step, value, flag="jit_compile", steps="decay_steps", begin=None,
                       init="initial_learning_rate", end="end_learning_rate", power="power", what="XLA (jit_compile)")
    return found and (found[0], found[1] + " (or jit_compile: false, the eager values)")


def _restarts(params: Mapping[str, Any], step: int, value: float) -> tuple[str, str] | None:
    t_mul, d0 = params.get("t_mul"), params.get("first_decay_steps")
    if value == value or not isinstance(t_mul, float) or not t_mul < 1.0 or not isinstance(d0, int):
        return None
    total = d0 / (1.0 - t_mul)
    return (f"with t_mul={t_mul:g} < 1 the cycles add up to first_decay_steps / (1 - t_mul) = {total:,.0f} steps, and "
            f"past them the cycle index is the log of a number <= 0",
            f"t_mul=1.0 (cycles of equal length), or a run of at most {step:,} steps")


@dataclass(frozen=True)
class Failure:
    names: str  # shell pattern over registered names
    framework: str
    condition: str  # for lrviz show
    explain: Explain


_FUSED = ("under jax.jit (jit: true, the default) 1 - c/T is fma(-c, float32(1/T), 1), a hair below 0 at "
          "c = T = transition_steps whenever T * float32(1/T) > 1 (18, 37, 60, 1000 and 120 of the lengths 1..199; "
          "not 16, 25, 100). ")
FAILURES: tuple[Failure, ...] = (
    Failure("optax.polynomial_schedule", "optax under jax.jit",
            _FUSED + "A non-integer power then gives NaN from transition_begin + transition_steps on (e.g. "
            "init_value=3e-4, end_value=1.4e-4, power=2.003, transition_steps=18, transition_begin=29: NaN from "
            "step 47); an odd integer power with end_value=0 gives a lr a hair below 0 there. Avoided by an "
            "integer power or a transition_steps that ends exactly; jit: false gives the eager values.",
            _optax_polynomial),
    Failure("optax.linear_schedule", "optax under jax.jit",
            _FUSED + "With end_value=0 the lr from transition_begin + transition_steps on is a hair below 0 (the "
            "defaults give -4.7e-9 from step 1000). Avoided by a transition_steps that ends exactly or end_value > 0.",
            _optax_linear),
    Failure("keras.PolynomialDecay", "Keras compiled by XLA",
            "with jit_compile: true (the default; model.fit on JAX) 1 - t/decay_steps at t >= decay_steps is the fused "
            "1 - t*float32(1/decay_steps), a hair below 0 whenever decay_steps * float32(1/decay_steps) > 1: a "
            "non-integer power gives NaN from decay_steps on, an odd power with end_learning_rate=0 a lr below 0. "
            "Avoided by an integer power or a decay_steps that ends exactly (jit_compile: false gives the eager values).",
            _keras_polynomial),
    Failure("keras.CosineDecayRestarts", "Keras",
            "t_mul < 1 gives NaN (in both modes) once the run passes first_decay_steps / (1 - t_mul) steps, where "
            "the cycles add up: the cycle index is then the log of a number <= 0.", _restarts),
    Failure("tf.cosine_decay_restarts", "TensorFlow",
            "t_mul < 1 gives NaN once the run passes first_decay_steps / (1 - t_mul) steps, where the cycles add "
            "up: the cycle index is then the log of a number <= 0.", _restarts),
)


def conditions(name: str) -> list[str]:
    """The ``condition`` paragraphs of the failures ``name`` can show (for ``lrviz show``)."""
    return [f.condition for f in FAILURES if fnmatchcase(name, f.names)]


def explain(name: str, params: Mapping[str, Any], step: int, value: float) -> tuple[str, str, str] | None:
    """``(framework, cause, fix)`` for the bad ``value`` at ``step`` of a ``name`` twin, or None if no failure fits."""
    for failure in FAILURES:
        if fnmatchcase(name, failure.names):
            found = failure.explain(params, step, value)
            if found:
                return (failure.framework, *found)
    return None
