"""Record optax's schedule values into tests/golden/optax.json, the fixture of lrviz's optax.* twins.

Run it in a venv that has the real library (lrviz is not imported)::

    python3 -m venv /tmp/venv-optax
    /tmp/venv-optax/bin/pip install jax optax numpy
    cd /work/main && /tmp/venv-optax/bin/python tests/golden/make_optax.py

Recorded with optax 0.2.8, jax/jaxlib 0.10.2 (the versions are written into the
file). Deterministic: the cases are fixed, the one random metric series comes
from a seeded numpy generator, and the output is written with sorted keys.

How values are taken, in jax's default configuration (``jax_enable_x64`` off).
Every schedule case is recorded twice:

- ``<id>`` (the twin's default, ``jit: true``): as training runs it. The
  schedule sits in ``optax.scale_by_schedule`` and the optimizer's ``update``
  is ``jax.jit``-compiled; its state's int32 ``count`` is set to t and the
  update of a gradient of ones is the lr update t + 1 uses (NaN where optax
  gives NaN). The recorder checks that ``jax.jit(schedule)(jnp.int32(t))``
  gives the same bits at every step (it does: the schedule is compiled the
  same way inside the update).
- ``<id>-eager`` (``jit: false``): the eager call ``schedule(jnp.asarray(t,
  jnp.int32))``, op by op, as a schedule called outside jit gives it.
- ``optax.contrib.reduce_on_plateau`` is run as an optimizer: ``init`` on
  float32 params, then one jitted ``update(..., value=metric)`` per metric;
  the recorded lr is ``lr * scale`` after update t (the scale optax multiplies
  update t + 1 by). Steps past the last metric are not recorded. It has no
  eager twin case (its state update is the same in both modes).

Tolerances (each case's ``rtol``/``atol``): schedules without cos/pow
(constant, linear, piecewise constant, linear one-cycle, warmup constant, the
plateau scale) are recorded with the shared default (rtol 1e-12: bit-exact in
practice), in both modes. Schedules that use cos or pow get rtol 1e-6 and atol
4e-7 times the case's largest finite value: the twin evaluates cos and pow in
float64 and rounds to float32, XLA uses its own float32 routines, and the two
differ by one float32 ulp for a few percent of arguments (the largest
difference measured is printed as ``ulp_bound`` in the file's header, per mode,
relative to each case's peak). NaN must be NaN at the same steps.

``long`` cases run 1e5 to 1e6 steps, subsampled (2000 steps including both
ends and every phase boundary), in both modes.

``jit_vs_eager`` (top level, informational) lists the cases whose values
change between the two modes: how many values differ, the largest relative
change, and how many become NaN.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import jaxlib
import numpy as np
import optax

OUT = Path(__file__).with_name("optax.json")
FAR = [1000, 10**4, 10**6, 2**24 + 1, 2**31 - 1]


def steps(n: int, *extra: int) -> list[int]:
    return sorted(set(range(n)) | {int(e) for e in extra})


CASES: list[dict] = []
UNFLAGGED: list[str] = []


def case(cid: str, name: str, params: dict, build, at: list[int], exact: bool = False, nan: bool = False,
         long: bool = False) -> None:
    """``nan``: the jitted values are NaN from some step on (optax's own failure, pinned); ``long``: a long run."""
    CASES.append(dict(id=cid, name=name, params=params, build=build, steps=at, exact=exact, nan=nan, long=long))


# O1 constant_schedule: optax returns the Python float itself
case("constant-default", "optax.constant_schedule", {}, lambda: optax.constant_schedule(0.1), steps(5, *FAR), True)
case("constant-value", "optax.constant_schedule", {"value": 0.0123}, lambda: optax.constant_schedule(0.0123),
     steps(5, *FAR), True)
case("constant-lr", "optax.constant_schedule", {"lr": 0.3}, lambda: optax.constant_schedule(0.3), steps(3, 10**6), True)

# O2 polynomial_schedule (float powers, as a config gives them)
case("polynomial-default", "optax.polynomial_schedule", {},
     lambda: optax.polynomial_schedule(0.1, 0.0, 1.0, 1000, 0), steps(60, 250, 500, 750, 999, *FAR))
case("polynomial-power2-begin2", "optax.polynomial_schedule",
     {"init_value": 1.0, "end_value": 0.1, "power": 2.0, "transition_steps": 4, "transition_begin": 2},
     lambda: optax.polynomial_schedule(1.0, 0.1, 2.0, 4, 2), steps(12, *FAR))
case("polynomial-power1.5-T37", "optax.polynomial_schedule",
     {"init_value": 0.5, "end_value": 0.01, "power": 1.5, "transition_steps": 37, "transition_begin": 5},
     lambda: optax.polynomial_schedule(0.5, 0.01, 1.5, 37, 5), steps(50, *FAR), nan=True)
case("polynomial-power0.5", "optax.polynomial_schedule",
     {"init_value": 0.2, "end_value": 0.05, "power": 0.5, "transition_steps": 60},
     lambda: optax.polynomial_schedule(0.2, 0.05, 0.5, 60), steps(70, *FAR), nan=True)
case("polynomial-rising-power3", "optax.polynomial_schedule",
     {"init_value": 0.01, "end_value": 0.2, "power": 3.0, "transition_steps": 50, "transition_begin": 10},
     lambda: optax.polynomial_schedule(0.01, 0.2, 3.0, 50, 10), steps(70, *FAR))
case("polynomial-T0-constant", "optax.polynomial_schedule",
     {"init_value": 0.3, "end_value": 0.1, "power": 2.0, "transition_steps": 0, "transition_begin": 3},
     lambda: optax.polynomial_schedule(0.3, 0.1, 2.0, 0, 3), steps(6, *FAR), True)
case("polynomial-lr", "optax.polynomial_schedule", {"lr": 0.7, "total_steps": 40, "power": 2.0},
     lambda: optax.polynomial_schedule(0.7, 0.0, 2.0, 40), steps(45, *FAR))

# issue 18: under jit 1 - c/T is the fused 1 - c * float32(1/T), a hair below 0 at c = T when T * float32(1/T) > 1;
# a fractional power of it is NaN from B + T on. An integer power (2.0) or a T that ends exactly
# (16, where 16 * float32(1/16) == 1; 17 does not) avoid it.
ISSUE18 = {"init_value": 3e-4, "end_value": 1.4e-4, "power": 2.003, "transition_steps": 18, "transition_begin": 29}
case("polynomial-issue18-nan-from-47", "optax.polynomial_schedule", ISSUE18,
     lambda: optax.polynomial_schedule(3e-4, 1.4e-4, 2.003, 18, 29), steps(60, *FAR), nan=True)
case("polynomial-issue18-power2", "optax.polynomial_schedule", {**ISSUE18, "power": 2.0},
     lambda: optax.polynomial_schedule(3e-4, 1.4e-4, 2.0, 18, 29), steps(60, *FAR))
case("polynomial-issue18-T16", "optax.polynomial_schedule", {**ISSUE18, "transition_steps": 16},
     lambda: optax.polynomial_schedule(3e-4, 1.4e-4, 2.003, 16, 29), steps(60, *FAR))
case("polynomial-issue18-T17-nan", "optax.polynomial_schedule", {**ISSUE18, "transition_steps": 17},
     lambda: optax.polynomial_schedule(3e-4, 1.4e-4, 2.003, 17, 29), steps(60, *FAR), nan=True)

# O3 linear_schedule
case("linear-default", "optax.linear_schedule", {}, lambda: optax.linear_schedule(0.1, 0.0, 1000),
     steps(60, 333, 500, 999, *FAR), True)
case("linear-1-to-0", "optax.linear_schedule", {"init_value": 1.0, "end_value": 0.0, "transition_steps": 10},
     lambda: optax.linear_schedule(1.0, 0.0, 10), steps(14, *FAR), True)
case("linear-begin13", "optax.linear_schedule",
     {"init_value": 0.1, "end_value": 0.0003, "transition_steps": 97, "transition_begin": 13},
     lambda: optax.linear_schedule(0.1, 0.0003, 97, 13), steps(120, *FAR), True)
case("linear-rising", "optax.linear_schedule", {"init_value": 0.0, "end_value": 0.5, "transition_steps": 33},
     lambda: optax.linear_schedule(0.0, 0.5, 33), steps(40, *FAR), True)
case("linear-T0-constant", "optax.linear_schedule", {"init_value": 0.25, "end_value": 0.5, "transition_steps": 0},
     lambda: optax.linear_schedule(0.25, 0.5, 0), steps(4, *FAR), True)

# O4 piecewise_constant_schedule: cumulative scales, switch at t == boundary
case("piecewise_constant-default", "optax.piecewise_constant_schedule", {},
     lambda: optax.piecewise_constant_schedule(0.1), steps(4, *FAR), True)
case("piecewise_constant-reference", "optax.piecewise_constant_schedule",
     {"init_value": 1.0, "boundaries_and_scales": {"3": 0.5, "6": 0.2}},
     lambda: optax.piecewise_constant_schedule(1.0, {3: 0.5, 6: 0.2}), steps(10, *FAR), True)
case("piecewise_constant-mixed", "optax.piecewise_constant_schedule",
     {"init_value": 0.1, "boundaries_and_scales": {"0": 0.5, "40": 3.0, "80": 0.1, "81": 0.37, "120": 0.0}},
     lambda: optax.piecewise_constant_schedule(0.1, {0: 0.5, 40: 3.0, 80: 0.1, 81: 0.37, 120: 0.0}),
     steps(125, *FAR), True)
case("piecewise_constant-empty", "optax.piecewise_constant_schedule", {"init_value": 0.2, "boundaries_and_scales": {}},
     lambda: optax.piecewise_constant_schedule(0.2, {}), steps(3, *FAR), True)
case("piecewise_constant-unsorted", "optax.piecewise_constant_schedule",
     {"lr": 0.3, "boundaries_and_scales": {"50": 0.1, "5": 0.9, "20": 0.7}},
     lambda: optax.piecewise_constant_schedule(0.3, {50: 0.1, 5: 0.9, 20: 0.7}), steps(60, *FAR), True)

# O5 exponential_decay
case("exponential-default", "optax.exponential_decay", {},
     lambda: optax.exponential_decay(0.1, 1000, 0.1), steps(60, 500, 999, *FAR))
case("exponential-reference", "optax.exponential_decay", {"init_value": 1.0, "transition_steps": 4, "decay_rate": 0.5},
     lambda: optax.exponential_decay(1.0, 4, 0.5), steps(40, 126 * 4, 127 * 4, 149 * 4, 150 * 4, 10**4))
case("exponential-staircase-begin2", "optax.exponential_decay",
     {"init_value": 1.0, "transition_steps": 4, "decay_rate": 0.5, "transition_begin": 2, "staircase": True},
     lambda: optax.exponential_decay(1.0, 4, 0.5, 2, True), steps(30, 10**4))
case("exponential-floor", "optax.exponential_decay",
     {"init_value": 1.0, "transition_steps": 1, "decay_rate": 0.5, "end_value": 0.2},
     lambda: optax.exponential_decay(1.0, 1, 0.5, end_value=0.2), steps(8, *FAR))
case("exponential-cap", "optax.exponential_decay",
     {"init_value": 1.0, "transition_steps": 1, "decay_rate": 2.0, "end_value": 3.0},
     lambda: optax.exponential_decay(1.0, 1, 2.0, end_value=3.0), steps(8, *FAR))
case("exponential-growth-T50", "optax.exponential_decay",
     {"init_value": 0.01, "transition_steps": 50, "decay_rate": 1.3, "transition_begin": 7},
     lambda: optax.exponential_decay(0.01, 50, 1.3, 7), steps(120, 1000, 10**4))
case("exponential-staircase-floor", "optax.exponential_decay",
     {"init_value": 0.1, "transition_steps": 7, "decay_rate": 0.77, "transition_begin": 3, "staircase": True,
      "end_value": 0.03},
     lambda: optax.exponential_decay(0.1, 7, 0.77, 3, True, 0.03), steps(50, *FAR))
case("exponential-underflow", "optax.exponential_decay", {"init_value": 1.0, "transition_steps": 1, "decay_rate": 0.5},
     lambda: optax.exponential_decay(1.0, 1, 0.5), steps(4, 120, 125, 126, 127, 128, 149, 150, 10**4))
case("exponential-T0-constant", "optax.exponential_decay",
     {"init_value": 0.4, "transition_steps": 0, "decay_rate": 0.5},
     lambda: optax.exponential_decay(0.4, 0, 0.5), steps(3, *FAR), True)
case("exponential-rate0-constant", "optax.exponential_decay",
     {"init_value": 0.4, "transition_steps": 10, "decay_rate": 0.0, "end_value": 0.1},
     lambda: optax.exponential_decay(0.4, 10, 0.0, end_value=0.1), steps(3, *FAR), True)

# O6 cosine_decay_schedule
case("cosine-default", "optax.cosine_decay_schedule", {},
     lambda: optax.cosine_decay_schedule(0.1, 1000), steps(40, 250, 500, 900, 990, 999, *FAR))
case("cosine-alpha", "optax.cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 4, "alpha": 0.1},
     lambda: optax.cosine_decay_schedule(1.0, 4, 0.1), steps(8, *FAR))
case("cosine-exponent2", "optax.cosine_decay_schedule",
     {"init_value": 1.0, "decay_steps": 4, "alpha": 0.1, "exponent": 2.0},
     lambda: optax.cosine_decay_schedule(1.0, 4, 0.1, 2.0), steps(8, *FAR))
case("cosine-exponent0.5", "optax.cosine_decay_schedule",
     {"init_value": 0.1, "decay_steps": 100, "exponent": 0.5},
     lambda: optax.cosine_decay_schedule(0.1, 100, 0.0, 0.5), steps(110, *FAR))
case("cosine-T37-alpha-exponent", "optax.cosine_decay_schedule",
     {"init_value": 0.3, "decay_steps": 37, "alpha": 0.25, "exponent": 1.7},
     lambda: optax.cosine_decay_schedule(0.3, 37, 0.25, 1.7), steps(45, *FAR))
case("cosine-long", "optax.cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 10**6},
     lambda: optax.cosine_decay_schedule(0.1, 10**6), steps(10, 250000, 500000, 999999, *FAR))

# O7 piecewise_interpolate_schedule
case("interpolate-default", "optax.piecewise_interpolate_schedule", {},
     lambda: optax.piecewise_interpolate_schedule("linear", 0.1), steps(4, *FAR))
case("interpolate-cosine-reference", "optax.piecewise_interpolate_schedule",
     {"interpolate_type": "cosine", "init_value": 1.0, "boundaries_and_scales": {"4": 0.1, "8": 0.1}},
     lambda: optax.piecewise_interpolate_schedule("cosine", 1.0, {4: 0.1, 8: 0.1}), steps(12, *FAR))
case("interpolate-linear-docs", "optax.piecewise_interpolate_schedule",
     {"interpolate_type": "linear", "init_value": 1.0, "boundaries_and_scales": {"4": 0.1, "8": 0.01}},
     lambda: optax.piecewise_interpolate_schedule("linear", 1.0, {4: 0.1, 8: 0.01}), steps(12, *FAR))
for kind in ("linear", "cosine"):
    case(f"interpolate-{kind}-mixed", "optax.piecewise_interpolate_schedule",
         {"interpolate_type": kind, "lr": 0.2, "boundaries_and_scales": {"0": 2.0, "10": 0.5, "30": 3.0, "31": 0.25,
                                                                         "77": 0.013}},
         lambda kind=kind: optax.piecewise_interpolate_schedule(kind, 0.2, {0: 2.0, 10: 0.5, 30: 3.0, 31: 0.25,
                                                                            77: 0.013}),
         steps(85, *FAR))

# O8 linear_onecycle_schedule: knots at int(pct * T), dict entries may collide
case("linear_onecycle-default", "optax.linear_onecycle_schedule", {},
     lambda: optax.linear_onecycle_schedule(1000, 0.1), steps(30, 299, 300, 301, 600, 849, 850, 851, 999, *FAR), True)
case("linear_onecycle-reference", "optax.linear_onecycle_schedule", {"transition_steps": 10, "peak_value": 1.0},
     lambda: optax.linear_onecycle_schedule(10, 1.0), steps(14, *FAR), True)
case("linear_onecycle-T7", "optax.linear_onecycle_schedule",
     {"transition_steps": 7, "peak_value": 0.5, "pct_start": 0.4, "pct_final": 0.6, "div_factor": 10.0,
      "final_div_factor": 100.0},
     lambda: optax.linear_onecycle_schedule(7, 0.5, 0.4, 0.6, 10.0, 100.0), steps(10, *FAR), True)
case("linear_onecycle-collision", "optax.linear_onecycle_schedule",
     {"transition_steps": 10, "peak_value": 1.0, "pct_start": 0.85, "pct_final": 0.85},
     lambda: optax.linear_onecycle_schedule(10, 1.0, 0.85, 0.85), steps(14, *FAR), True)
case("linear_onecycle-final-past-T", "optax.linear_onecycle_schedule",
     {"transition_steps": 20, "peak_value": 1.0, "pct_start": 0.25, "pct_final": 1.5},
     lambda: optax.linear_onecycle_schedule(20, 1.0, 0.25, 1.5), steps(35, *FAR), True)

# O9 cosine_onecycle_schedule
case("cosine_onecycle-default", "optax.cosine_onecycle_schedule", {},
     lambda: optax.cosine_onecycle_schedule(1000, 0.1), steps(30, 150, 299, 300, 301, 650, 999, *FAR))
case("cosine_onecycle-reference", "optax.cosine_onecycle_schedule", {"transition_steps": 10, "peak_value": 1.0},
     lambda: optax.cosine_onecycle_schedule(10, 1.0), steps(14, *FAR))
case("cosine_onecycle-params", "optax.cosine_onecycle_schedule",
     {"transition_steps": 53, "peak_value": 0.4, "pct_start": 0.17, "div_factor": 7.0, "final_div_factor": 300.0},
     lambda: optax.cosine_onecycle_schedule(53, 0.4, 0.17, 7.0, 300.0), steps(60, *FAR))
case("cosine_onecycle-pct0", "optax.cosine_onecycle_schedule",
     {"transition_steps": 12, "peak_value": 1.0, "pct_start": 0.0},
     lambda: optax.cosine_onecycle_schedule(12, 1.0, 0.0), steps(15, *FAR))
case("cosine_onecycle-pct1-collision", "optax.cosine_onecycle_schedule",
     {"transition_steps": 12, "peak_value": 1.0, "pct_start": 1.0},
     lambda: optax.cosine_onecycle_schedule(12, 1.0, 1.0), steps(15, *FAR))
case("cosine_onecycle-pct-past-T", "optax.cosine_onecycle_schedule",
     {"transition_steps": 12, "peak_value": 1.0, "pct_start": 1.5},
     lambda: optax.cosine_onecycle_schedule(12, 1.0, 1.5), steps(22, *FAR))

# O10 warmup_constant_schedule
case("warmup_constant-default", "optax.warmup_constant_schedule", {},
     lambda: optax.warmup_constant_schedule(0.0, 0.1, 100), steps(5, 100, *FAR), True)
case("warmup_constant-from0", "optax.warmup_constant_schedule",
     {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 5},
     lambda: optax.warmup_constant_schedule(0.0, 1.0, 5), steps(8, *FAR), True)
case("warmup_constant-W37", "optax.warmup_constant_schedule",
     {"init_value": 0.001, "peak_value": 0.3, "warmup_steps": 37},
     lambda: optax.warmup_constant_schedule(0.001, 0.3, 37), steps(40, *FAR), True)
case("warmup_constant-W0", "optax.warmup_constant_schedule", {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 0},
     lambda: optax.warmup_constant_schedule(0.0, 1.0, 0), steps(3, *FAR), True)

# O11 warmup_cosine_decay_schedule
case("warmup_cosine-default", "optax.warmup_cosine_decay_schedule", {},
     lambda: optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000), steps(10, 100, 101, 550, 999, *FAR))
case("warmup_cosine-reference", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 2, "decay_steps": 6, "end_value": 0.1},
     lambda: optax.warmup_cosine_decay_schedule(0.0, 1.0, 2, 6, 0.1), steps(10, *FAR))
case("warmup_cosine-exponent", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.01, "peak_value": 0.3, "warmup_steps": 13, "decay_steps": 77, "end_value": 0.003,
      "exponent": 2.5},
     lambda: optax.warmup_cosine_decay_schedule(0.01, 0.3, 13, 77, 0.003, 2.5), steps(85, *FAR))
case("warmup_cosine-W0", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.0, "peak_value": 0.5, "warmup_steps": 0, "decay_steps": 20, "end_value": 0.05},
     lambda: optax.warmup_cosine_decay_schedule(0.0, 0.5, 0, 20, 0.05), steps(25, *FAR))
case("warmup_cosine-peak0", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.1, "peak_value": 0.0, "warmup_steps": 4, "decay_steps": 10, "end_value": 0.2},
     lambda: optax.warmup_cosine_decay_schedule(0.1, 0.0, 4, 10, 0.2), steps(14, *FAR))
case("warmup_cosine-end-above-peak", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 3, "decay_steps": 13, "end_value": 0.2},
     lambda: optax.warmup_cosine_decay_schedule(0.0, 0.1, 3, 13, 0.2), steps(16, *FAR))

# O12 warmup_exponential_decay_schedule
case("warmup_exponential-default", "optax.warmup_exponential_decay_schedule", {},
     lambda: optax.warmup_exponential_decay_schedule(0.0, 0.1, 100, 900, 0.1), steps(10, 100, 101, 500, 999, *FAR))
case("warmup_exponential-reference", "optax.warmup_exponential_decay_schedule",
     {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 2, "transition_steps": 2, "decay_rate": 0.5},
     lambda: optax.warmup_exponential_decay_schedule(0.0, 1.0, 2, 2, 0.5), steps(12, *FAR))
case("warmup_exponential-staircase-begin-floor", "optax.warmup_exponential_decay_schedule",
     {"init_value": 0.01, "peak_value": 0.2, "warmup_steps": 7, "transition_steps": 5, "decay_rate": 0.6,
      "transition_begin": 4, "staircase": True, "end_value": 0.02},
     lambda: optax.warmup_exponential_decay_schedule(0.01, 0.2, 7, 5, 0.6, 4, True, 0.02), steps(50, *FAR))
case("warmup_exponential-rate0", "optax.warmup_exponential_decay_schedule",
     {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 3, "transition_steps": 5, "decay_rate": 0.0},
     lambda: optax.warmup_exponential_decay_schedule(0.0, 0.1, 3, 5, 0.0), steps(8, *FAR))
case("warmup_exponential-growth-cap", "optax.warmup_exponential_decay_schedule",
     {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 3, "transition_steps": 4, "decay_rate": 1.5,
      "end_value": 0.25},
     lambda: optax.warmup_exponential_decay_schedule(0.0, 0.1, 3, 4, 1.5, end_value=0.25), steps(20, *FAR))

# O13 sgdr_schedule
case("sgdr-default", "optax.sgdr_schedule", {},
     lambda: optax.sgdr_schedule([dict(init_value=0.0, peak_value=0.1 * 0.5**k, warmup_steps=s // 10, decay_steps=s)
                                  for k, s in enumerate([333, 333, 334])]),
     steps(40, 332, 333, 334, 366, 367, 665, 666, 667, 700, 999, *FAR))
case("sgdr-reference", "optax.sgdr_schedule",
     {"cosine_kwargs": [{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 1, "decay_steps": 4},
                        {"init_value": 0.0, "peak_value": 0.5, "warmup_steps": 1, "decay_steps": 4}]},
     lambda: optax.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=1, decay_steps=4),
                                  dict(init_value=0.0, peak_value=0.5, warmup_steps=1, decay_steps=4)]),
     steps(12, *FAR))
SGDR3 = [dict(init_value=0.05, peak_value=0.3, warmup_steps=5, decay_steps=30, end_value=0.01, exponent=1.0),
         dict(init_value=0.3, peak_value=0.3, warmup_steps=0, decay_steps=17, end_value=0.0, exponent=2.0),
         dict(init_value=0.0, peak_value=0.1, warmup_steps=9, decay_steps=41, end_value=0.02, exponent=0.7)]
case("sgdr-three-cycles", "optax.sgdr_schedule", {"cosine_kwargs": SGDR3},
     lambda: optax.sgdr_schedule(SGDR3), steps(100, *FAR))

# O14 join_schedules: child k sees t - boundary_k
CONST1 = {"name": "optax.constant_schedule", "params": {"value": 1.0}}
LIN = {"name": "optax.linear_schedule", "params": {"init_value": 1.0, "end_value": 0.0, "transition_steps": 4}}
case("join-default", "optax.join_schedules", {},
     lambda: optax.join_schedules([optax.linear_schedule(0.0, 0.1, 100), optax.cosine_decay_schedule(0.1, 900)], [100]),
     steps(10, 99, 100, 101, 550, 999, *FAR))
case("join-reference", "optax.join_schedules", {"schedules": [CONST1, LIN], "boundaries": [3]},
     lambda: optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 4)], [3]),
     steps(12, *FAR), True)
case("join-const-float32", "optax.join_schedules",
     {"schedules": [{"name": "optax.constant_schedule", "params": {"value": 0.1}},
                    {"name": "optax.constant_schedule", "params": {"value": 0.3}}], "boundaries": [2]},
     lambda: optax.join_schedules([optax.constant_schedule(0.1), optax.constant_schedule(0.3)], [2]),
     steps(5, *FAR), True)
case("join-unsorted-boundaries", "optax.join_schedules",
     {"schedules": [{"name": "optax.linear_schedule", "params": {"init_value": 0.0, "end_value": 0.5,
                                                                  "transition_steps": 20}},
                    {"name": "optax.cosine_decay_schedule", "params": {"init_value": 0.5, "decay_steps": 10}},
                    {"name": "optax.exponential_decay", "params": {"init_value": 0.2, "transition_steps": 3,
                                                                    "decay_rate": 0.5}}],
      "boundaries": [10, 5]},
     lambda: optax.join_schedules([optax.linear_schedule(0.0, 0.5, 20), optax.cosine_decay_schedule(0.5, 10),
                                   optax.exponential_decay(0.2, 3, 0.5)], [10, 5]),
     steps(30, *FAR))
case("join-extra-boundaries", "optax.join_schedules",
     {"schedules": [CONST1, LIN], "boundaries": [3, 6, 9]},
     lambda: optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 4)], [3, 6, 9]),
     steps(14, *FAR), True)
case("join-extra-schedules", "optax.join_schedules",
     {"schedules": [CONST1, LIN, {"name": "optax.constant_schedule", "params": {"value": 7.0}}], "boundaries": [3]},
     lambda: optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 4),
                                   optax.constant_schedule(7.0)], [3]),
     steps(12, *FAR), True)
case("join-nested-warmup-cosine", "optax.join_schedules",
     {"schedules": [{"name": "optax.warmup_cosine_decay_schedule",
                     "params": {"init_value": 0.0, "peak_value": 0.2, "warmup_steps": 5, "decay_steps": 25}},
                    {"name": "optax.piecewise_constant_schedule",
                     "params": {"init_value": 0.05, "boundaries_and_scales": {"10": 0.5}}}],
      "boundaries": [30]},
     lambda: optax.join_schedules([optax.warmup_cosine_decay_schedule(0.0, 0.2, 5, 25),
                                   optax.piecewise_constant_schedule(0.05, {10: 0.5})], [30]),
     steps(50, *FAR))


# found by random draws against optax under jax.jit (tests/golden/make_optax.py's scan, 210 draws: every NaN or
# negative value came from a fused 1 - c * float32(1/T) below 0 at c = T; the twins gave NaN at the same steps)
case("scan-polynomial-power0.832-T211", "optax.polynomial_schedule",
     {"init_value": 0.16328, "end_value": 1e-05, "power": 0.832, "transition_steps": 211, "transition_begin": 19},
     lambda: optax.polynomial_schedule(0.16328, 1e-05, 0.832, 211, 19), steps(240, *FAR), nan=True)
case("scan-polynomial-power3.999-T108", "optax.polynomial_schedule",
     {"init_value": 0.0015022, "end_value": 1e-05, "power": 3.999, "transition_steps": 108, "transition_begin": 21},
     lambda: optax.polynomial_schedule(0.0015022, 1e-05, 3.999, 108, 21), steps(140, *FAR), nan=True)
case("scan-linear-to-0-T379-negative", "optax.linear_schedule",
     {"init_value": 0.14677, "end_value": 0.0, "transition_steps": 379, "transition_begin": 24},
     lambda: optax.linear_schedule(0.14677, 0.0, 379, 24), steps(410, *FAR), True)


def long_steps(n: int, *bounds: int, points: int = 1500) -> list[int]:
    """About ``points`` steps of a run of ``n``: evenly spread, both ends, and each boundary with its neighbours."""
    spread = np.unique(np.linspace(0, n - 1, points - 3 * len(bounds)).round().astype(np.int64)).tolist()
    near = [b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < n]
    return sorted(set(spread) | set(near) | {0, n - 1})


# long runs (1e5-1e6 steps, subsampled): drift over a long run, in both modes
case("long-cosine-1e6", "optax.cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 10**6, "alpha": 0.01},
     lambda: optax.cosine_decay_schedule(0.1, 10**6, 0.01), long_steps(10**6 + 10, 10**6), long=True)
case("long-warmup-cosine-1e6", "optax.warmup_cosine_decay_schedule",
     {"init_value": 0.0, "peak_value": 3e-4, "warmup_steps": 2000, "decay_steps": 10**6, "end_value": 3e-5},
     lambda: optax.warmup_cosine_decay_schedule(0.0, 3e-4, 2000, 10**6, 3e-5), long_steps(10**6, 2000), long=True)
case("long-linear-1e6", "optax.linear_schedule", {"init_value": 1e-3, "end_value": 1e-5, "transition_steps": 999_937},
     lambda: optax.linear_schedule(1e-3, 1e-5, 999_937), long_steps(10**6, 999_937), True, long=True)
case("long-exponential-staircase-1e6", "optax.exponential_decay",
     {"init_value": 0.1, "transition_steps": 30_011, "decay_rate": 0.9, "staircase": True, "transition_begin": 5000},
     lambda: optax.exponential_decay(0.1, 30_011, 0.9, 5000, True),
     long_steps(10**6, *(5000 + k * 30_011 for k in range(1, 34))), long=True)
case("long-cosine-onecycle-1e5", "optax.cosine_onecycle_schedule", {"transition_steps": 10**5, "peak_value": 0.01},
     lambda: optax.cosine_onecycle_schedule(10**5, 0.01), long_steps(10**5 + 10, 30_000, 10**5), long=True)
case("long-polynomial-power2-1e5", "optax.polynomial_schedule",
     {"init_value": 0.05, "end_value": 5e-4, "power": 2.0, "transition_steps": 99_991, "transition_begin": 7},
     lambda: optax.polynomial_schedule(0.05, 5e-4, 2.0, 99_991, 7), long_steps(10**5 + 10, 7, 99_998), long=True)
case("long-sgdr-1e5", "optax.sgdr_schedule", {"cosine_kwargs": [
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 1000, "decay_steps": 30_000},
        {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 1000, "decay_steps": 30_000},
        {"init_value": 0.0, "peak_value": 0.025, "warmup_steps": 1000, "decay_steps": 40_000}]},
     lambda: optax.sgdr_schedule([dict(init_value=0.0, peak_value=0.1, warmup_steps=1000, decay_steps=30_000),
                                  dict(init_value=0.0, peak_value=0.05, warmup_steps=1000, decay_steps=30_000),
                                  dict(init_value=0.0, peak_value=0.025, warmup_steps=1000, decay_steps=40_000)]),
     long_steps(10**5, 1000, 30_000, 31_000, 60_000, 61_000), long=True)


# O15 contrib.reduce_on_plateau: lr * scale after each metric value
def plateau_metrics_walk() -> list[float]:
    rng = np.random.default_rng(20240501)
    loss, out = 2.0, []
    for t in range(150):
        loss *= 0.97 if t < 40 or 80 <= t < 95 else 1.0
        out.append(round(loss * (1.0 + 0.02 * rng.standard_normal()), 6))
    return out


PLATEAU = [
    ("plateau-defaults", {}, [1.0] * 5 + [0.9] * 30 + [0.5] * 20),
    ("plateau-reference", dict(factor=0.5, patience=2, cooldown=1), [1.0] * 8 + [0.5] * 4),
    ("plateau-patience0", dict(factor=0.5, patience=0), [1.0, 0.9, 0.9, 0.8, 0.7, 0.7, 0.7, 0.6]),
    ("plateau-rtol1", dict(factor=0.5, patience=2, rtol=1.0), [1.0, 0.5, 0.2, 0.1, 0.05, 0.01, 0.0]),
    ("plateau-atol-only", dict(factor=0.5, patience=3, rtol=0.0, atol=0.05),
     [1.0, 0.97, 0.96, 0.955, 0.9, 0.89, 0.88, 0.87, 0.86, 0.8, 0.8, 0.8, 0.8, 0.8]),
    ("plateau-accumulation3", dict(factor=0.3, patience=2, accumulation_size=3),
     [3.0, 2.0, 1.0, 2.0, 2.0, 2.0, 1.5, 2.5, 2.0, 3.0, 1.0, 2.0, 0.1, 0.1, 0.1, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]),
    ("plateau-min_scale", dict(factor=0.5, patience=1, min_scale=0.2), [1.0] * 12),
    ("plateau-min_scale-above-1", dict(factor=0.5, patience=3, min_scale=2.0), [1.0, 0.5, 0.5, 0.5, 0.5, 0.5]),
    ("plateau-cooldown-best-updates", dict(factor=0.5, patience=2, cooldown=3),
     [1.0, 1.0, 1.0, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.45, 0.4, 0.4, 0.4, 0.4]),
    ("plateau-accumulation0", dict(patience=1, accumulation_size=0), [1.0] * 6),
    ("plateau-walk", dict(lr=0.003, factor=0.5, patience=5, cooldown=3, rtol=1e-3, accumulation_size=2),
     plateau_metrics_walk()),
]


def run_plateau(kwargs: dict, metrics: list[float]) -> list[float]:
    tx = optax.contrib.reduce_on_plateau(**{k: v for k, v in kwargs.items() if k != "lr"})
    params = {"w": jnp.zeros(3, jnp.float32)}
    state = tx.init(params)
    update = jax.jit(lambda u, s, v: tx.update(u, s, value=v))
    scales = []
    for v in metrics:
        _, state = update(params, state, jnp.asarray(v, jnp.float32))
        scales.append(float(state.scale))
    lr = kwargs.get("lr", 0.1)
    return [lr * s for s in scales]


def evaluate(schedule, at: list[int]) -> list[float]:
    return [float(np.float64(schedule(jnp.asarray(t, jnp.int32)))) for t in at]


def evaluate_trained(schedule, at: list[int]) -> list[float]:
    """The lr a jitted optax update uses at count t: scale_by_schedule's update of a gradient of ones."""
    tx = optax.scale_by_schedule(schedule)
    state = tx.init({"w": jnp.zeros((), jnp.float32)})
    update = jax.jit(tx.update)
    ones = {"w": jnp.ones((), jnp.float32)}
    out = []
    for t in at:
        updates, _ = update(ones, state._replace(count=jnp.asarray(t, jnp.int32)))
        out.append(float(np.float64(updates["w"])))
    jitted = jax.jit(schedule)
    direct = np.asarray([float(np.float64(jitted(jnp.asarray(t, jnp.int32)))) for t in at])
    assert np.array_equal(np.asarray(out), direct, equal_nan=True), "jit(schedule) differs from the jitted update"
    return out


def differences(values: list[float], eager: list[float], of: int) -> dict | None:
    values, eager_ = np.asarray(values), np.asarray(eager)
    differ = ~((values == eager_) | (np.isnan(values) & np.isnan(eager_)))
    if not differ.any():
        return None
    ok = differ & np.isfinite(values) & (eager_ != 0)
    rel = float(np.max(np.abs(values[ok] / eager_[ok] - 1))) if ok.any() else 0.0
    return dict(differ=int(differ.sum()), of=of, max_rel=rel, nan=int(np.isnan(values).sum()))


def eager_params(name: str, params: dict) -> dict:
    """The twin's parameters for the eager call: ``jit: false`` (join_schedules: on each optax child)."""
    if name != "optax.join_schedules":
        return {**params, "jit": False}
    children = params.get("schedules")
    if children is None:  # the twin's default children (linear then cosine) are built with their default, jit
        assert params == {}, "spell the children out"
        return {"schedules": [{"name": "optax.linear_schedule", "params": {"init_value": 0.0, "end_value": 0.1,
                                                                           "transition_steps": 100, "jit": False}},
                              {"name": "optax.cosine_decay_schedule", "params": {"init_value": 0.1, "decay_steps": 900,
                                                                                 "jit": False}}],
                "boundaries": [100]}
    return {**params, "schedules": [{**c, "params": {**c.get("params", {}), "jit": False}} for c in children]}


def tolerance(out: dict, lr: list[float], exact: bool) -> dict:
    if not exact:
        finite = [abs(v) for v in lr if np.isfinite(v)]
        out["rtol"] = 1e-6
        out["atol"] = 4e-7 * max(finite or [1.0])
    return out


def main() -> None:
    assert not jax.config.jax_enable_x64, "record in jax's default configuration (x64 off)"
    cases, jit_notes = [], {}
    for c in CASES:
        schedule = c["build"]()
        eager = evaluate(schedule, c["steps"])
        trained = evaluate_trained(schedule, c["steps"])
        assert all(np.isfinite(eager)), c["id"]
        if not all(np.isfinite(trained)) and not c["nan"]:
            print(f"{c['id']}: NaN under jit, not flagged nan=True", file=sys.stderr)
            UNFLAGGED.append(c["id"])
        cases.append(tolerance(dict(id=c["id"], name=c["name"], params=c["params"], steps=c["steps"], lr=trained,
                                    **({"long": True} if c.get("long") else {})), trained, c["exact"]))
        cases.append(tolerance(dict(id=c["id"] + "-eager", name=c["name"], params=eager_params(c["name"], c["params"]),
                                    steps=c["steps"], lr=eager, **({"long": True} if c.get("long") else {})),
                               eager, c["exact"]))
        note = differences(trained, eager, len(c["steps"]))
        if note:
            jit_notes[c["id"]] = note
        print(f"{c['id']:45s} {len(eager):4d} values" + (f"  jit differs: {note}" if note else ""), file=sys.stderr)
    for cid, kwargs, metrics in PLATEAU:
        lr = run_plateau(kwargs, metrics)
        cases.append(dict(id=cid, name="optax.contrib.reduce_on_plateau", params={**kwargs, "metrics": metrics},
                          steps=list(range(len(metrics))), lr=lr))
        print(f"{cid:45s} {len(lr):4d} values", file=sys.stderr)
    assert not UNFLAGGED, UNFLAGGED
    head = dict(library="optax", version=optax.__version__, jax=jax.__version__, jaxlib=jaxlib.__version__,
                numpy=np.__version__, generator="tests/golden/make_optax.py",
                config="jax_enable_x64=False; <id>: jitted scale_by_schedule update at int32 count t; "
                       "<id>-eager: schedule(jnp.asarray(t, jnp.int32)); plateau: jitted update",
                jit_vs_eager=jit_notes)
    compact = dict(sort_keys=True, separators=(",", ":"))
    lines = [json.dumps(head, **compact)[:-1] + ',"cases":[']  # one case per line, for readable diffs
    lines += [json.dumps(c, **compact) + ("," if i < len(cases) - 1 else "") for i, c in enumerate(cases)]
    OUT.write_text("\n".join(lines) + "\n]}\n")
    json.loads(OUT.read_text())
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
