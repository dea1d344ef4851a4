"""Write tests/golden/keras.json: what Keras 3 gives, for the keras.* and tf.* twins.

Run it in a venv that has the real library (the tests themselves do not need it)::

    python3 -m venv /tmp/venv-keras
    /tmp/venv-keras/bin/pip install jax keras numpy
    cd /work/main && KERAS_BACKEND=jax /tmp/venv-keras/bin/python tests/golden/make_keras.py

It is deterministic (no random numbers; the same library versions give the
same file) and takes a few minutes, most of it in eager evaluation.

Where the values come from:

* ``keras.*`` schedules: the ``keras.optimizers.schedules`` classes on the JAX
  backend. Cases with ``jit_compile`` true (the twins' default) evaluate
  ``jax.jit(lambda step: schedule(step))`` at each scalar step, which is how
  the schedule runs inside ``model.fit`` (a compiled train step, the step a
  traced int32, every parameter a constant). Cases with ``jit_compile`` false
  call ``schedule(step)`` eagerly.
* ``keras.ReduceLROnPlateau``: the real callback, attached to a compiled
  one-layer model; ``on_epoch_end(epoch, {monitor: value})`` is called for each
  metric value and ``optimizer.learning_rate`` recorded before the first
  call and after each one.
* ``tf.*``: TensorFlow is not needed here (tests/golden/make_tf.py records
  the same twins from TensorFlow itself into tf.json). TF1's ``tf.compat.v1.train.*``
  functions build the TF-Keras schedule classes
  (tensorflow/python/keras/optimizer_v2/legacy_learning_rate_decay.py and
  learning_rate_schedule.py), whose float32 arithmetic is that of the Keras 3
  classes, and TF1 graphs run op by op: so the values are the Keras 3 classes
  evaluated eagerly (``natural_exp_decay`` is ``ExponentialDecay`` with the
  float32 rate ``exp(-decay_rate)``, as TF builds it). ``linear_cosine_decay``,
  the noise-free ``noisy_linear_cosine_decay`` (``initial_variance=0``) and
  ``piecewise_constant`` with boundaries out of order (``tf.case`` with
  ``exclusive=True``) have no Keras 3 class: their values are the formulas
  worked by hand in float64 (the ``math`` module).

Tolerances (per case): piecewise and plateau values are compared exactly as
float32 numbers: stored with 9 significant digits (which round-trip float32)
and compared with ``rtol=1e-8``, far below half a float32 ulp (3e-8
relative), so only the same float32 value passes. Other cases use ``rtol=1e-6`` plus ``atol=1e-7`` times
the largest lr of the case: the twins compute transcendental functions
correctly rounded, where XLA's float32 ``cos``/``pow``/``log`` may be an ulp
or two off. ``CosineDecayRestarts`` with ``t_mul != 1`` uses ``5e-6`` and
``5e-7`` (its ``t_mul ** i`` grows the error with the cycle index). The
hand-computed float64 formulas use ``rtol=2e-6`` and ``atol=1e-6`` times the peak.

``long-*`` cases run 1e5-1e6 steps (800 subsampled steps including both ends and
every boundary) in both modes.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
warnings.filterwarnings("ignore")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

SCHEDULES = keras.optimizers.schedules
OUT = Path(__file__).with_name("keras.json")

FAR = [250, 333, 500, 999, 1000, 1001, 4096, 10007, 65536, 100003, 1_000_000, 2**24 + 1, 10_000_019]
STEPS = list(range(200)) + FAR
SHORT = list(range(64)) + [100, 101, 127, 128, 255, 256, 1000, 65536]  # for slow eager cases

EXACT = 1e-8  # the rtol of "the same float32 value" (values stored with 9 significant digits)

cases: list[dict] = []
direct: list[dict] = []


def g(value: float) -> float:
    """A float32 value with 9 significant digits (enough to round-trip float32)."""
    return float(f"{float(value):.9g}")


def evaluate(schedule, steps: list[int], jit: bool) -> list[float]:
    fn = jax.jit(lambda step: schedule(step)) if jit else schedule
    out = []
    for step in steps:
        value = float(fn(step))
        if math.isnan(value):
            raise AssertionError(f"{schedule.__class__.__name__} gives NaN at step {step}: use raises_at")
        out.append(g(value))
    return out


def nan_at(schedule, step: int, jit: bool) -> None:
    fn = jax.jit(lambda s: schedule(s)) if jit else schedule
    value = float(fn(step))
    if not math.isnan(value):
        raise AssertionError(f"expected NaN at step {step}, got {value}")


def add(case_id: str, name: str, params: dict, steps: list[int], values: list[float], *,
        rtol: float = 1e-6, peak: float = 1.0, atol_scale: float = 1e-7, **extra) -> None:
    case = {"id": case_id, "name": name, "params": params, "steps": steps, "lr": values, "rtol": rtol,
            "atol": atol_scale * peak if rtol > EXACT else 0.0}
    case.update(extra)
    cases.append(case)


def keras_case(case_id: str, name: str, schedule, params: dict, *, steps: list[int] | None = None,
               peak: float = 1.0, restarts: bool = False, nan_from: int | None = None) -> None:
    jit = params.get("jit_compile", True)
    steps = steps or (STEPS if jit else SHORT)
    extra = {}
    if nan_from is not None:
        nan_at(schedule, nan_from, jit)
        extra = {"raises_at": nan_from, "error": "NaN"}
    rtol, atol_scale = (5e-6, 5e-7) if restarts else (1e-6, 1e-7)
    add(case_id, name, params, steps, evaluate(schedule, steps, jit), rtol=rtol, peak=peak, atol_scale=atol_scale,
        **extra)


def around(*points: int, width: int = 2) -> list[int]:
    return sorted({p + d for p in points for d in range(-width, width + 1) if p + d >= 0})


# ---------------------------------------------------------------- ExponentialDecay
def exponential() -> None:
    name = "keras.ExponentialDecay"
    keras_case("ExponentialDecay-defaults", name, SCHEDULES.ExponentialDecay(0.1, 500, 0.1), {}, peak=0.1)
    keras_case("ExponentialDecay-1-4-0.5", name, SCHEDULES.ExponentialDecay(1.0, 4, 0.5),
               {"initial_learning_rate": 1.0, "decay_steps": 4, "decay_rate": 0.5})
    keras_case("ExponentialDecay-1-4-0.5-staircase", name, SCHEDULES.ExponentialDecay(1.0, 4, 0.5, staircase=True),
               {"initial_learning_rate": 1.0, "decay_steps": 4, "decay_rate": 0.5, "staircase": True})
    # compiled: t * float32(1/41) falls short of k at t = 41k for these k: the stair comes one step late
    late = SCHEDULES.ExponentialDecay(0.5, 41, 0.5, staircase=True)
    steps = sorted(set(STEPS) | set(around(41, 82, 164, 287, 328, 656, 1312)))
    keras_case("ExponentialDecay-staircase-41-late-jit", name, late,
               {"lr": 0.5, "decay_steps": 41, "decay_rate": 0.5, "staircase": True}, steps=steps, peak=0.5)
    keras_case("ExponentialDecay-staircase-41-eager", name, late,
               {"lr": 0.5, "decay_steps": 41, "decay_rate": 0.5, "staircase": True, "jit_compile": False},
               steps=sorted(set(SHORT) | set(around(41, 82, 164, 287, 328))), peak=0.5)
    keras_case("ExponentialDecay-rising", name, SCHEDULES.ExponentialDecay(3e-4, 7, 1.5),
               {"initial_learning_rate": 3e-4, "decay_steps": 7, "decay_rate": 1.5},
               steps=list(range(200)) + [250, 333, 500], peak=3e-4 * 1.5 ** (500 / 7))
    keras_case("ExponentialDecay-rate-0", name, SCHEDULES.ExponentialDecay(0.1, 10, 0.0),
               {"lr": 0.1, "decay_steps": 10, "decay_rate": 0.0}, steps=list(range(20)), peak=0.1)


# ---------------------------------------------------------------- PiecewiseConstantDecay
def piecewise() -> None:
    name = "keras.PiecewiseConstantDecay"
    for case_id, params, boundaries, values in [
        ("PiecewiseConstantDecay-defaults", {}, [333, 667], [0.1, 0.01, 0.001]),
        ("PiecewiseConstantDecay-3-6", {"boundaries": [3, 6], "values": [1.0, 0.5, 0.1]}, [3, 6], [1.0, 0.5, 0.1]),
        ("PiecewiseConstantDecay-duplicate", {"boundaries": [3, 3, 8], "values": [1.0, 0.5, 0.25, 0.1]},
         [3, 3, 8], [1.0, 0.5, 0.25, 0.1]),
        # Keras adds one masked term per interval: out of order, (3, 6] gets values[0] + values[-1]
        ("PiecewiseConstantDecay-unsorted-sums", {"boundaries": [6, 3], "values": [1.0, 0.5, 0.1]},
         [6, 3], [1.0, 0.5, 0.1]),
        ("PiecewiseConstantDecay-at-0", {"boundaries": [0], "values": [0.2, 0.05]}, [0], [0.2, 0.05]),
        ("PiecewiseConstantDecay-ten", {"boundaries": [10 * i for i in range(1, 11)],
                                        "values": [0.1 * 0.7**i for i in range(11)]},
         [10 * i for i in range(1, 11)], [0.1 * 0.7**i for i in range(11)]),
    ]:
        schedule = SCHEDULES.PiecewiseConstantDecay(boundaries, values)
        steps = sorted(set(STEPS) | set(around(*boundaries)))
        add(case_id, name, params, steps, evaluate(schedule, steps, True), rtol=EXACT)


# ---------------------------------------------------------------- PolynomialDecay
def polynomial() -> None:
    name = "keras.PolynomialDecay"
    # compiled, 1 - t/D at t >= D is 1 - t*float32(1/D) fused: -4.7e-8, so the end value is 9.9995e-05
    keras_case("PolynomialDecay-defaults", name, SCHEDULES.PolynomialDecay(0.1, 1000), {}, peak=0.1)
    keras_case("PolynomialDecay-defaults-eager", name, SCHEDULES.PolynomialDecay(0.1, 1000), {"jit_compile": False},
               steps=SHORT + [999, 1000, 1001, 5000], peak=0.1)
    for cyc in (False, True):
        tag = "-cycle" if cyc else ""
        schedule = SCHEDULES.PolynomialDecay(1.0, 4, 0.1, cycle=cyc)
        params = {"initial_learning_rate": 1.0, "decay_steps": 4, "end_learning_rate": 0.1, "cycle": cyc}
        keras_case(f"PolynomialDecay-1-4-0.1{tag}", name, schedule, params)
        keras_case(f"PolynomialDecay-1-4-0.1{tag}-eager", name, schedule, {**params, "jit_compile": False})
    # compiled: ceil(t * float32(1/7)) at t = 21 is 4, so the cycle restarts one step early
    early = SCHEDULES.PolynomialDecay(1.0, 7, 0.1, cycle=True)
    params = {"initial_learning_rate": 1.0, "decay_steps": 7, "end_learning_rate": 0.1, "cycle": True}
    keras_case("PolynomialDecay-cycle-7-early-jit", name, early, params)
    keras_case("PolynomialDecay-cycle-7-eager", name, early, {**params, "jit_compile": False})
    # compiled with a fractional power: NaN from t = decay_steps on (negative base)
    root = SCHEDULES.PolynomialDecay(1.0, 10, 0.0, power=0.5)
    params = {"initial_learning_rate": 1.0, "decay_steps": 10, "end_learning_rate": 0.0, "power": 0.5}
    keras_case("PolynomialDecay-sqrt-nan-jit", name, root, params, steps=list(range(10)), nan_from=10)
    keras_case("PolynomialDecay-sqrt-eager", name, root, {**params, "jit_compile": False},
               steps=list(range(30)) + [1000])
    # found by random draws (compiled): issue 18's numbers in Keras (NaN from decay_steps = 18 on), and a linear
    # decay to 0 whose fused end 1 - 34 * float32(1/34) is below 0: a lr of -4e-9 (atol 0 pins the sign)
    issue = SCHEDULES.PolynomialDecay(3e-4, 18, 1.4e-4, power=2.003)
    params = {"initial_learning_rate": 3e-4, "decay_steps": 18, "end_learning_rate": 1.4e-4, "power": 2.003}
    keras_case("PolynomialDecay-power2.003-T18-nan-jit", name, issue, params, steps=list(range(18)), nan_from=18,
               peak=3e-4)
    keras_case("PolynomialDecay-power2.003-T18-eager", name, issue, {**params, "jit_compile": False},
               steps=list(range(40)) + [10**5], peak=3e-4)
    below = SCHEDULES.PolynomialDecay(1.0750533, 34, 0.0, power=1.0)
    params = {"initial_learning_rate": 1.0750533, "decay_steps": 34, "end_learning_rate": 0.0, "power": 1.0}
    steps = list(range(60)) + [10**5]
    add("PolynomialDecay-linear-to-0-T34-below-0-jit", name, params, steps, evaluate(below, steps, True), atol_scale=0.0)
    add("PolynomialDecay-linear-to-0-T34-eager", name, {**params, "jit_compile": False}, steps,
        evaluate(below, steps, False), atol_scale=0.0)
    keras_case("PolynomialDecay-power2", name, SCHEDULES.PolynomialDecay(3e-4, 50, 0.0, power=2.0),
               {"initial_learning_rate": 3e-4, "decay_steps": 50, "end_learning_rate": 0.0, "power": 2.0}, peak=3e-4)
    keras_case("PolynomialDecay-rising", name, SCHEDULES.PolynomialDecay(1e-3, 16, 1e-2, power=1.5),
               {"initial_learning_rate": 1e-3, "decay_steps": 16, "end_learning_rate": 1e-2, "power": 1.5}, peak=1e-2)


# ---------------------------------------------------------------- InverseTimeDecay
def inverse_time() -> None:
    name = "keras.InverseTimeDecay"
    keras_case("InverseTimeDecay-defaults", name, SCHEDULES.InverseTimeDecay(0.1, 100, 1.0), {}, peak=0.1)
    for stair in (False, True):
        tag = "-staircase" if stair else ""
        keras_case(f"InverseTimeDecay-1-2-0.5{tag}", name, SCHEDULES.InverseTimeDecay(1.0, 2, 0.5, staircase=stair),
                   {"initial_learning_rate": 1.0, "decay_steps": 2, "decay_rate": 0.5, "staircase": stair})
    late = SCHEDULES.InverseTimeDecay(1.0, 41, 1.0, staircase=True)
    params = {"initial_learning_rate": 1.0, "decay_steps": 41, "decay_rate": 1.0, "staircase": True}
    keras_case("InverseTimeDecay-staircase-41-late-jit", name, late, params,
               steps=sorted(set(STEPS) | set(around(41, 82, 164, 287, 328))))
    keras_case("InverseTimeDecay-staircase-41-eager", name, late, {**params, "jit_compile": False},
               steps=sorted(set(SHORT) | set(around(41, 82, 164))))


# ---------------------------------------------------------------- CosineDecay
def cosine() -> None:
    name = "keras.CosineDecay"
    keras_case("CosineDecay-defaults", name, SCHEDULES.CosineDecay(0.1, 1000), {}, peak=0.1)
    keras_case("CosineDecay-1-4-alpha", name, SCHEDULES.CosineDecay(1.0, 4, alpha=0.1),
               {"initial_learning_rate": 1.0, "decay_steps": 4, "alpha": 0.1})
    warm = SCHEDULES.CosineDecay(0.0, 4, alpha=0.1, warmup_target=1.0, warmup_steps=2)
    params = {"initial_learning_rate": 0.0, "decay_steps": 4, "alpha": 0.1, "warmup_target": 1.0, "warmup_steps": 2}
    keras_case("CosineDecay-warmup", name, warm, params)
    keras_case("CosineDecay-warmup-eager", name, warm, {**params, "jit_compile": False})
    keras_case("CosineDecay-warmup-ignored", name, SCHEDULES.CosineDecay(1.0, 4, warmup_steps=2),
               {"initial_learning_rate": 1.0, "decay_steps": 4, "warmup_steps": 2})
    keras_case("CosineDecay-warmup-0", name, SCHEDULES.CosineDecay(0.2, 50, alpha=0.05, warmup_target=0.7),
               {"initial_learning_rate": 0.2, "decay_steps": 50, "alpha": 0.05, "warmup_target": 0.7}, peak=0.7)
    # decay_steps defaults to total_steps - warmup_steps when warmup_target is given
    keras_case("CosineDecay-warmup-default-decay", name,
               SCHEDULES.CosineDecay(0.01, 900, warmup_target=0.5, warmup_steps=100),
               {"lr": 0.01, "warmup_target": 0.5, "warmup_steps": 100}, peak=0.5)
    keras_case("CosineDecay-warmup-long", name,
               SCHEDULES.CosineDecay(1e-4, 137, alpha=0.01, warmup_target=3e-3, warmup_steps=37),
               {"initial_learning_rate": 1e-4, "decay_steps": 137, "alpha": 0.01, "warmup_target": 3e-3,
                "warmup_steps": 37}, peak=3e-3)


# ---------------------------------------------------------------- CosineDecayRestarts
def restarts() -> None:
    name = "keras.CosineDecayRestarts"
    keras_case("CosineDecayRestarts-defaults", name, SCHEDULES.CosineDecayRestarts(0.1, 142), {}, peak=0.1,
               restarts=True)
    ref = SCHEDULES.CosineDecayRestarts(1.0, 3, t_mul=2.0, m_mul=0.5, alpha=0.1)
    params = {"initial_learning_rate": 1.0, "first_decay_steps": 3, "t_mul": 2.0, "m_mul": 0.5, "alpha": 0.1}
    keras_case("CosineDecayRestarts-1-3-2-0.5-0.1", name, ref, params, restarts=True)
    keras_case("CosineDecayRestarts-1-3-2-0.5-0.1-eager", name, ref, {**params, "jit_compile": False}, restarts=True)
    keras_case("CosineDecayRestarts-t_mul-1", name, SCHEDULES.CosineDecayRestarts(1.0, 3, t_mul=1.0),
               {"initial_learning_rate": 1.0, "first_decay_steps": 3, "t_mul": 1.0})
    # compiled: the float32 log ratio lands below k at t = 1, 11, 1111, 11111 (not at 111): restarts one step late
    tens = SCHEDULES.CosineDecayRestarts(1.0, 1, t_mul=10.0)
    params = {"initial_learning_rate": 1.0, "first_decay_steps": 1, "t_mul": 10.0}
    late = around(1, 11, 111, 1111, 11111)
    keras_case("CosineDecayRestarts-t_mul-10-late-jit", name, tens, params,
               steps=sorted(set(STEPS) | set(late)), restarts=True)
    keras_case("CosineDecayRestarts-t_mul-10-eager", name, tens, {**params, "jit_compile": False},
               steps=sorted(set(range(40)) | set(late)), restarts=True)
    quarter = SCHEDULES.CosineDecayRestarts(1.0, 4, t_mul=1.25)
    params = {"initial_learning_rate": 1.0, "first_decay_steps": 4, "t_mul": 1.25}
    keras_case("CosineDecayRestarts-t_mul-1.25-late-jit", name, quarter, params, restarts=True)
    keras_case("CosineDecayRestarts-t_mul-1.25-eager", name, quarter, {**params, "jit_compile": False},
               steps=list(range(48)), restarts=True)
    # late in both modes: t_mul 1.1 at t = 21 (D0 10), the default t_mul 2 at t = 8191 D0
    tenth = SCHEDULES.CosineDecayRestarts(0.5, 10, t_mul=1.1, m_mul=0.9, alpha=0.01)
    params = {"initial_learning_rate": 0.5, "first_decay_steps": 10, "t_mul": 1.1, "m_mul": 0.9, "alpha": 0.01}
    keras_case("CosineDecayRestarts-t_mul-1.1-late-jit", name, tenth, params, peak=0.5, restarts=True)
    keras_case("CosineDecayRestarts-t_mul-1.1-late-eager", name, tenth, {**params, "jit_compile": False},
               steps=list(range(48)), peak=0.5, restarts=True)
    doubling = SCHEDULES.CosineDecayRestarts(1.0, 1)
    late = around(8191, 32767)
    keras_case("CosineDecayRestarts-t_mul-2-late-jit", name, doubling, {"initial_learning_rate": 1.0,
               "first_decay_steps": 1}, steps=sorted(set(range(64)) | set(late)), restarts=True)
    keras_case("CosineDecayRestarts-t_mul-2-late-eager", name, doubling,
               {"initial_learning_rate": 1.0, "first_decay_steps": 1, "jit_compile": False},
               steps=sorted(set(range(20)) | set(late)), restarts=True)
    # on time on JAX (the torch backend misses t = 5)
    half = SCHEDULES.CosineDecayRestarts(1.0, 2, t_mul=1.5)
    params = {"initial_learning_rate": 1.0, "first_decay_steps": 2, "t_mul": 1.5}
    keras_case("CosineDecayRestarts-t_mul-1.5", name, half, params, restarts=True)
    keras_case("CosineDecayRestarts-t_mul-1.5-eager", name, half, {**params, "jit_compile": False},
               steps=list(range(40)), restarts=True)
    # t_mul < 1: the cycles add up to 100 steps, then NaN
    shrinking = SCHEDULES.CosineDecayRestarts(1.0, 10, t_mul=0.9, alpha=0.1)
    params = {"initial_learning_rate": 1.0, "first_decay_steps": 10, "t_mul": 0.9, "alpha": 0.1}
    keras_case("CosineDecayRestarts-t_mul-0.9-nan", name, shrinking, params, steps=list(range(80)), nan_from=101,
               restarts=True)
    keras_case("CosineDecayRestarts-t_mul-0.9-nan-eager", name, shrinking, {**params, "jit_compile": False},
               steps=list(range(80)), nan_from=101, restarts=True)
    keras_case("CosineDecayRestarts-mixed", name, SCHEDULES.CosineDecayRestarts(3e-3, 7, t_mul=1.5, m_mul=0.7,
               alpha=0.05), {"initial_learning_rate": 3e-3, "first_decay_steps": 7, "t_mul": 1.5, "m_mul": 0.7,
                             "alpha": 0.05}, peak=3e-3, restarts=True)


# ---------------------------------------------------------------- ReduceLROnPlateau (callback)
def plateau_values(lr: float, metrics: list[float], monitor: str = "val_loss", **kwargs) -> list[float]:
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    name = monitor.removeprefix("val_")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse",
                  metrics=[name] if name != "loss" else None)
    if name != "loss":
        model.evaluate(np.zeros((2, 1)), np.zeros((2, 1)), verbose=0)  # builds the compiled metrics
    callback = keras.callbacks.ReduceLROnPlateau(monitor=monitor, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    out = [float(model.optimizer.learning_rate)]
    for epoch, value in enumerate(metrics):
        callback.on_epoch_end(epoch, {monitor: value})
        out.append(float(model.optimizer.learning_rate))
    return [g(v) for v in out]


def plateau() -> None:
    name = "keras.ReduceLROnPlateau"
    series = {
        "steps": [1.0] * 8 + [0.5] * 4,
        "flat": [1.0] * 30,
        "tiny": [1.0, 1.0 + 1e-9, 1.0 - 1e-9, 0.99999, 0.9999, 0.99985, 0.9997],
        "float32": [1.0, 1.0 - 1e-9, 1.0 - 2e-9, 1.0 - 3e-9],
        "accuracy": [0.5, 0.6, 0.7, 0.65, 0.7, 0.71, 0.69, 0.8, 0.8, 0.79, 0.81, 0.805, 0.81],
        "noisy": [round(2.0 - 0.05 * i + 0.07 * math.sin(1.7 * i), 3) for i in range(40)],
    }
    specs = [
        ("defaults-no-metrics", 0.1, None, {}),
        ("defaults", 0.1, "noisy", {}),
        ("patience-2-cooldown-1", 0.1, "steps", {"patience": 2, "cooldown": 1, "factor": 0.5, "min_delta": 0.0}),
        ("patience-0", 0.1, "flat", {"patience": 0, "factor": 0.5}),
        ("min-delta-absolute", 1.0, "tiny", {"patience": 1, "factor": 0.5}),
        ("float32-compare", 1.0, "float32", {"patience": 1, "factor": 0.5, "min_delta": 0.0}),
        ("max", 0.3, "accuracy", {"patience": 2, "factor": 0.3, "mode": "max", "min_delta": 0.005}),
        ("auto-accuracy", 0.3, "accuracy", {"monitor": "val_accuracy", "patience": 2, "factor": 0.3}),
        ("min-lr", 0.1, "flat", {"patience": 1, "factor": 0.1, "min_lr": 1e-4}),
        ("negative-factor", 0.1, "flat", {"patience": 1, "factor": -0.5, "min_lr": 1e-3}),
        ("at-min-lr", 1e-3, "flat", {"patience": 1, "factor": 0.1, "min_lr": 1e-3}),
        ("noisy-cooldown", 0.05, "noisy", {"patience": 3, "cooldown": 2, "factor": 0.5, "min_delta": 0.01}),
        ("negative-min-delta", 0.05, "noisy", {"patience": 2, "factor": 0.2, "min_delta": -0.02, "mode": "min"}),
    ]
    for case_id, lr, key, kwargs in specs:
        metrics = series[key] if key else []
        kwargs = dict(kwargs)
        monitor = kwargs.pop("monitor", "val_loss")
        values = plateau_values(lr, metrics, monitor, **kwargs)
        steps = list(range(len(values) + 3))
        values = values + [values[-1]] * 3  # no more epoch ends: the lr holds
        params = {"lr": lr, **({"metrics": metrics} if key else {}), **({"monitor": monitor} if monitor != "val_loss"
                                                                          else {}), **kwargs}
        add(f"ReduceLROnPlateau-{case_id}", name, params, steps, values, rtol=EXACT)
    # NaN never improves (Keras compares with ops.less); the registry refuses NaN in a list, a CSV may hold it
    metrics = [1.0, float("nan"), 1.0, 1.0, 0.5, 0.5, 0.5]
    direct.append({"id": "ReduceLROnPlateau-nan", "factory": "reduce_lr_on_plateau",
                   "params": {"lr": 0.1, "metrics": [repr(m) for m in metrics], "patience": 2, "factor": 0.5},
                   "lr": plateau_values(0.1, metrics, patience=2, factor=0.5)})


# ---------------------------------------------------------------- tf.* (TF1)
def tf1() -> None:
    eager = SHORT + [999, 1000, 1001, 4096]
    add_tf = lambda case_id, name, schedule, params, **kw: keras_case(  # noqa: E731
        case_id, name, schedule, {**params, "jit_compile": False}, **kw)
    # keras_case reads jit_compile from params; the tf.* twins have no such parameter: drop it afterwards
    add_tf("tf.exponential_decay-defaults", "tf.exponential_decay", SCHEDULES.ExponentialDecay(0.1, 500, 0.1), {},
           steps=eager, peak=0.1)
    add_tf("tf.exponential_decay-staircase-41", "tf.exponential_decay",
           SCHEDULES.ExponentialDecay(0.5, 41, 0.5, staircase=True),
           {"learning_rate": 0.5, "decay_steps": 41, "decay_rate": 0.5, "staircase": True},
           steps=sorted(set(SHORT) | set(around(41, 82, 164, 287, 328))), peak=0.5)
    add_tf("tf.natural_exp_decay-defaults", "tf.natural_exp_decay", SCHEDULES.ExponentialDecay(
        0.1, 100, float(np.float32(math.exp(float(-np.float32(0.5)))))), {}, steps=eager, peak=0.1)
    rate = float(np.float32(math.exp(float(-np.float32(0.3)))))
    add_tf("tf.natural_exp_decay-staircase", "tf.natural_exp_decay",
           SCHEDULES.ExponentialDecay(1.0, 5, rate, staircase=True),
           {"learning_rate": 1.0, "decay_steps": 5, "decay_rate": 0.3, "staircase": True}, steps=eager)
    add_tf("tf.inverse_time_decay-defaults", "tf.inverse_time_decay", SCHEDULES.InverseTimeDecay(0.1, 100, 1.0), {},
           steps=eager, peak=0.1)
    add_tf("tf.inverse_time_decay-staircase", "tf.inverse_time_decay",
           SCHEDULES.InverseTimeDecay(1.0, 2, 0.5, staircase=True),
           {"learning_rate": 1.0, "decay_steps": 2, "decay_rate": 0.5, "staircase": True}, steps=eager)
    add_tf("tf.polynomial_decay-defaults", "tf.polynomial_decay", SCHEDULES.PolynomialDecay(0.1, 1000), {},
           steps=eager, peak=0.1)
    add_tf("tf.polynomial_decay-cycle-7", "tf.polynomial_decay", SCHEDULES.PolynomialDecay(1.0, 7, 0.1, cycle=True),
           {"learning_rate": 1.0, "decay_steps": 7, "end_learning_rate": 0.1, "cycle": True}, steps=eager)
    add_tf("tf.polynomial_decay-sqrt", "tf.polynomial_decay", SCHEDULES.PolynomialDecay(1.0, 10, 0.0, power=0.5),
           {"learning_rate": 1.0, "decay_steps": 10, "end_learning_rate": 0.0, "power": 0.5}, steps=eager)
    add_tf("tf.cosine_decay-defaults", "tf.cosine_decay", SCHEDULES.CosineDecay(0.1, 1000), {}, steps=eager, peak=0.1)
    add_tf("tf.cosine_decay-alpha", "tf.cosine_decay", SCHEDULES.CosineDecay(1.0, 4, alpha=0.1),
           {"learning_rate": 1.0, "decay_steps": 4, "alpha": 0.1}, steps=eager)
    add_tf("tf.cosine_decay_restarts-defaults", "tf.cosine_decay_restarts", SCHEDULES.CosineDecayRestarts(0.1, 142),
           {}, steps=list(range(0, 1000, 7)) + [142, 426, 994, 995], peak=0.1, restarts=True)
    add_tf("tf.cosine_decay_restarts-1-3-2-0.5-0.1", "tf.cosine_decay_restarts",
           SCHEDULES.CosineDecayRestarts(1.0, 3, t_mul=2.0, m_mul=0.5, alpha=0.1),
           {"learning_rate": 1.0, "first_decay_steps": 3, "t_mul": 2.0, "m_mul": 0.5, "alpha": 0.1},
           steps=list(range(48)), restarts=True)
    add_tf("tf.cosine_decay_restarts-late", "tf.cosine_decay_restarts",
           SCHEDULES.CosineDecayRestarts(1.0, 5, t_mul=1.2),
           {"learning_rate": 1.0, "first_decay_steps": 5, "t_mul": 1.2}, steps=list(range(40)), restarts=True)
    for case in cases:
        if case["name"].startswith("tf."):
            case["params"].pop("jit_compile", None)

    # tf.case(exclusive=True) with boundaries out of order: (3, 6] matches two conditions and raises
    steps = list(range(4)) + list(range(7, 20))
    add("tf.piecewise_constant-unsorted-raises", "tf.piecewise_constant",
        {"boundaries": [6, 3], "values": [1.0, 0.5, 0.1]}, steps,
        [g(np.float32(1.0)) if t <= 3 else g(np.float32(0.1)) for t in steps], rtol=EXACT, raises_at=4,
        error="more than one condition")
    schedule = SCHEDULES.PiecewiseConstantDecay([3, 6], [1.0, 0.5, 0.1])
    add("tf.piecewise_constant-3-6", "tf.piecewise_constant", {"boundaries": [3, 6], "values": [1.0, 0.5, 0.1]},
        list(range(12)), evaluate(schedule, list(range(12)), False), rtol=EXACT)

    def linear_cosine(lr: float, t: int, d: int, periods: float, alpha: float, beta: float) -> float:
        t = min(t, d)
        linear = (d - t) / d
        cosine = 0.5 * (1.0 + math.cos(math.pi * 2.0 * periods * t / d))
        return lr * ((alpha + linear) * cosine + beta)

    steps = list(range(200)) + FAR
    for case_id, name, params, (lr, d, periods, alpha, beta) in [
        ("tf.linear_cosine_decay-defaults", "tf.linear_cosine_decay", {}, (0.1, 1000, 0.5, 0.0, 0.001)),
        ("tf.linear_cosine_decay-periods", "tf.linear_cosine_decay",
         {"learning_rate": 1.0, "decay_steps": 150, "num_periods": 2.0, "alpha": 0.1, "beta": 0.01},
         (1.0, 150, 2.0, 0.1, 0.01)),
        ("tf.noisy_linear_cosine_decay-noise-free", "tf.noisy_linear_cosine_decay",
         {"learning_rate": 0.5, "decay_steps": 120, "initial_variance": 0.0, "num_periods": 1.5, "beta": 0.002},
         (0.5, 120, 1.5, 0.0, 0.002)),
    ]:
        values = [linear_cosine(lr, t, d, periods, alpha, beta) for t in steps]
        add(case_id, name, params, steps, values, rtol=2e-6, peak=lr * (1 + alpha + beta), atol_scale=1e-6)


# ---------------------------------------------------------------- long runs (1e5-1e6 steps), both modes
def sparse(n: int, *bounds: int, points: int = 800) -> list[int]:
    """About ``points`` of the steps 0..n-1: evenly spread, both ends, and each boundary with its neighbours."""
    spread = np.unique(np.linspace(0, n - 1, points - 3 * len(bounds)).round().astype(np.int64)).tolist()
    return sorted(set(spread) | {b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < n} | {0, n - 1})


def long_runs() -> None:
    runs = [
        ("long-CosineDecay-warmup-1e6", "keras.CosineDecay", SCHEDULES.CosineDecay(0.0, 990_000, alpha=0.01,
                                                                                 warmup_target=3e-4, warmup_steps=10_000),
         {"initial_learning_rate": 0.0, "decay_steps": 990_000, "alpha": 0.01, "warmup_target": 3e-4,
          "warmup_steps": 10_000}, sparse(10**6, 10_000), 3e-4, False),
        ("long-PolynomialDecay-1e5", "keras.PolynomialDecay", SCHEDULES.PolynomialDecay(0.05, 99_991, 5e-4, power=2.0),
         {"initial_learning_rate": 0.05, "decay_steps": 99_991, "end_learning_rate": 5e-4, "power": 2.0},
         sparse(10**5, 99_991), 0.05, False),
        ("long-ExponentialDecay-staircase-1e6", "keras.ExponentialDecay",
         SCHEDULES.ExponentialDecay(0.1, 30_011, 0.9, staircase=True),
         {"initial_learning_rate": 0.1, "decay_steps": 30_011, "decay_rate": 0.9, "staircase": True},
         sparse(10**6, *range(30_011, 10**6, 30_011)), 0.1, False),
        ("long-InverseTimeDecay-1e6", "keras.InverseTimeDecay", SCHEDULES.InverseTimeDecay(0.1, 1000, 0.5),
         {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.5}, sparse(10**6), 0.1, False),
        ("long-CosineDecayRestarts-1e5", "keras.CosineDecayRestarts",
         SCHEDULES.CosineDecayRestarts(0.1, 1000, t_mul=2.0, m_mul=0.8),
         {"initial_learning_rate": 0.1, "first_decay_steps": 1000, "t_mul": 2.0, "m_mul": 0.8},
         sparse(10**5, 1000, 3000, 7000, 15_000, 31_000, 63_000), 0.1, True),
    ]
    for case_id, name, schedule, params, steps, peak, restarts in runs:
        for jit in (True, False):
            keras_case(case_id + ("" if jit else "-eager"), name, schedule, {**params, "jit_compile": jit} if not jit
                       else params, steps=steps, peak=peak, restarts=restarts)
            cases[-1]["long"] = True


def main() -> None:
    exponential()
    piecewise()
    polynomial()
    inverse_time()
    cosine()
    restarts()
    plateau()
    tf1()
    long_runs()
    data = {
        "library": "keras",
        "version": keras.__version__,
        "backend": keras.backend.backend(),
        "jax_version": jax.__version__,
        "generator": "tests/golden/make_keras.py",
        "cases": cases,
        "direct_cases": direct,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(cases)} cases (+{len(direct)} direct) -> {OUT} ({OUT.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
