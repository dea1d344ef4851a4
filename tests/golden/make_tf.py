"""Write tests/golden/tf.json: what TensorFlow's TF1 decay functions give, for the tf.* twins.

Run it in a venv with the real library (the tests themselves do not need it)::

    python3 -m venv /tmp/venv-tf
    /tmp/venv-tf/bin/pip install tensorflow-cpu numpy
    cd /work/main && /tmp/venv-tf/bin/python tests/golden/make_tf.py

Recorded with tensorflow-cpu 2.21.0 (written into the file). Deterministic:
the cases are fixed. ``tests/golden/keras.json`` holds the tf.* cases derived
from the Keras 3 classes (recorded when TensorFlow was not installed); this
file checks the same twins against TensorFlow itself.

How values are taken: ``tf.compat.v1.train.<fn>(learning_rate, global_step,
...)`` with ``global_step = tf.constant(t, tf.int64)`` in TF2's eager mode,
which runs the TF1 graph op by op (no XLA: TF1 code runs unclustered unless
auto-clustering is switched on), and the result (a callable when eager) is
called. NaN is recorded where TF gives NaN (``cosine_decay_restarts`` with
``t_mul < 1`` past the sum of its cycles); the twin refuses those steps with a
StepError naming the first one.

``long`` cases run 1e5 steps, subsampled (1000 steps including both ends and
every phase boundary). Tolerances: ``rtol`` 1e-6 and ``atol`` 4e-7 of the
case's peak (TF's float32 ``cos``/``pow``/``log`` kernels may be an ulp off the
correctly rounded values the twins compute; measured: at most 6.4e-8 of the
peak over 40 random draws).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = Path(__file__).with_name("tf.json")
T1 = tf.compat.v1.train
CASES: list[dict] = []


def steps(n: int, *extra: int) -> list[int]:
    return sorted(set(range(n)) | {int(e) for e in extra})


def long_steps(n: int, *bounds: int, points: int = 1000) -> list[int]:
    spread = np.unique(np.linspace(0, n - 1, points - 3 * len(bounds)).round().astype(np.int64)).tolist()
    near = [b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < n]
    return sorted(set(spread) | set(near) | {0, n - 1})


def case(cid: str, name: str, params: dict, at: list[int], long: bool = False) -> None:
    CASES.append(dict(id=cid, name=name, params=params, steps=at, long=long))


case("polynomial-power2.003-T18", "tf.polynomial_decay",
     dict(learning_rate=3e-4, decay_steps=18, end_learning_rate=1.4e-4, power=2.003), steps(40, 10**5))
case("polynomial-sqrt-T1000-to-0", "tf.polynomial_decay",
     dict(learning_rate=0.1, decay_steps=1000, end_learning_rate=0.0, power=0.5), steps(20, 999, 1000, 1001, 10**5))
case("polynomial-cycle-T7", "tf.polynomial_decay",
     dict(learning_rate=1.0, decay_steps=7, end_learning_rate=0.1, power=1.5, cycle=True), steps(60, 10**5))
case("restarts-t_mul-0.5-nan", "tf.cosine_decay_restarts",
     dict(learning_rate=0.00028432, first_decay_steps=159, t_mul=0.5, alpha=0.1), steps(330))
case("restarts-t_mul-0.5-m_mul-0.8-nan", "tf.cosine_decay_restarts",
     dict(learning_rate=0.00042658, first_decay_steps=57, t_mul=0.5, m_mul=0.8), steps(130))
case("restarts-t_mul-1.5", "tf.cosine_decay_restarts",
     dict(learning_rate=0.1, first_decay_steps=10, t_mul=1.5, m_mul=0.9, alpha=0.01), steps(200, 10**4, 10**5))
case("exponential-staircase-41", "tf.exponential_decay",
     dict(learning_rate=0.5, decay_steps=41, decay_rate=0.5, staircase=True), steps(130, 10**4))
case("natural-exp", "tf.natural_exp_decay", dict(learning_rate=1.0, decay_steps=5, decay_rate=0.3), steps(60, 10**4))
case("inverse-time-staircase", "tf.inverse_time_decay",
     dict(learning_rate=1.0, decay_steps=3, decay_rate=2.0, staircase=True), steps(40, 10**5))
case("cosine-alpha", "tf.cosine_decay", dict(learning_rate=0.3, decay_steps=37, alpha=0.1), steps(50, 10**5))
case("linear-cosine", "tf.linear_cosine_decay",
     dict(learning_rate=0.1, decay_steps=150, num_periods=2.0, alpha=0.1, beta=0.001), steps(160, 10**5))
case("long-polynomial-1e5", "tf.polynomial_decay",
     dict(learning_rate=0.05, decay_steps=99_991, end_learning_rate=5e-4, power=2.0), long_steps(10**5, 99_991), True)
case("long-restarts-1e5", "tf.cosine_decay_restarts",
     dict(learning_rate=0.1, first_decay_steps=1000, t_mul=2.0, m_mul=0.8, alpha=0.0),
     long_steps(10**5, 1000, 3000, 7000, 15000, 31000, 63000), True)
case("long-cosine-1e5", "tf.cosine_decay", dict(learning_rate=0.01, decay_steps=99_000, alpha=0.01),
     long_steps(10**5, 99_000), True)

FUNCTIONS = {"tf.polynomial_decay": T1.polynomial_decay, "tf.cosine_decay_restarts": T1.cosine_decay_restarts,
             "tf.exponential_decay": T1.exponential_decay, "tf.natural_exp_decay": T1.natural_exp_decay,
             "tf.inverse_time_decay": T1.inverse_time_decay, "tf.cosine_decay": T1.cosine_decay,
             "tf.linear_cosine_decay": T1.linear_cosine_decay}


def evaluate(name: str, params: dict, at: list[int]) -> list[float]:
    kw = dict(params)
    lr = kw.pop("learning_rate")
    out = []
    for t in at:
        value = FUNCTIONS[name](lr, tf.constant(t, tf.int64), **kw)
        out.append(float(np.float64((value() if callable(value) else value).numpy())))
    return out


def main() -> None:
    cases = []
    for c in CASES:
        lr = evaluate(c["name"], c["params"], c["steps"])
        finite = [abs(v) for v in lr if np.isfinite(v)]
        out = dict(id=c["id"], name=c["name"], params=c["params"], steps=c["steps"], lr=lr, rtol=1e-6,
                   atol=4e-7 * max(finite))
        if c["long"]:
            out["long"] = True
        cases.append(out)
        nan = [t for t, v in zip(c["steps"], lr) if not np.isfinite(v)]
        print(f"{c['id']:40s} {len(lr):5d} values" + (f"  NaN from step {nan[0]}" if nan else ""), file=sys.stderr)
    head = dict(library="tensorflow", version=tf.__version__, numpy=np.__version__, generator="tests/golden/make_tf.py",
                config="TF2 eager, tf.compat.v1.train.<fn>(learning_rate, tf.constant(t, tf.int64), ...)")
    compact = dict(sort_keys=True, separators=(",", ":"))
    lines = [json.dumps(head, **compact)[:-1] + ',"cases":[']
    lines += [json.dumps(c, **compact) + ("," if i < len(cases) - 1 else "") for i, c in enumerate(cases)]
    OUT.write_text("\n".join(lines) + "\n]}\n")
    json.loads(OUT.read_text())
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
