"""Random parameter draws of the float32 twins against the real libraries: the scan of issue 18.

Two phases, two venvs (the recording phase never imports lrviz, the comparing phase never the libraries)::

    /tmp/venv-lib/bin/python tests/golden/scan_float32.py record optax 1 70 /tmp/scan-optax.json   # jax, optax
    KERAS_BACKEND=jax /tmp/venv-lib/bin/python tests/golden/scan_float32.py record keras 5 30 /tmp/scan-keras.json
    /tmp/venv-lib/bin/python tests/golden/scan_float32.py record tf 2 40 /tmp/scan-tf.json            # tensorflow
    python tests/golden/scan_float32.py compare /tmp/scan-optax.json /tmp/scan-keras.json /tmp/scan-tf.json

``record LIB SEED N OUT`` draws N parameter sets (seeded) and records each schedule per step: under ``jax.jit``
(a scalar int32 count) and eagerly for optax and Keras 3 on JAX, eagerly (TF1 functions op by op) for TF.
``compare`` prints, per twin and mode, the largest difference relative to the peak, whether NaN and negative
values fall on the same steps as the library's, and each draw where the library gives NaN or a negative lr
(the cases pinned in the goldens come from here). Results of the runs behind the numbers in the twins'
AGREEMENT: optax 210 draws (1.64e-7 of the peak at most, NaN/negative at the same steps in all), TF 40 draws
(6.4e-8), Keras 30 draws per mode (1.12e-7; NaN and negative values on the same steps in every draw).
"""

from __future__ import annotations

import json
import os
import sys


def record(which: str, seed: int, N: int, path: str) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)

    def lr():
        return float(rng.choice([1.0, 0.1, 3e-4, 1e-3])) * float(rng.uniform(0.5, 2.0))

    def T():
        return int(rng.choice([int(rng.integers(1, 60)), int(rng.integers(60, 400))]))

    D = T

    def pw():
        return float(rng.choice([1.0, 2.0, 3.0, 0.5, 1.5, 2.003, float(np.round(rng.uniform(0.2, 4), 3))]))

    out = []
    if which == "optax":
        import jax
        import jax.numpy as jnp
        import optax

        for _ in range(N):
            i, e = lr(), float(rng.choice([0.0, 1e-5, 0.3, 2.0]))
            e = e if e in (0.0, 1e-5) else e * i
            k = int(rng.integers(9))
            if k == 0:
                p = dict(init_value=i, end_value=e, power=pw(), transition_steps=T(), transition_begin=int(rng.integers(0, 40)))
                s = optax.polynomial_schedule(**p); name = "optax.polynomial_schedule"
            elif k == 1:
                p = dict(init_value=i, end_value=e, transition_steps=T(), transition_begin=int(rng.integers(0, 40)))
                s = optax.linear_schedule(**p); name = "optax.linear_schedule"
            elif k == 2:
                p = dict(init_value=i, transition_steps=T(), decay_rate=float(rng.choice([0.1, 0.5, 0.9, 0.97, 1.3])),
                         transition_begin=int(rng.integers(0, 20)), staircase=bool(rng.integers(2)))
                s = optax.exponential_decay(**p); name = "optax.exponential_decay"
            elif k == 3:
                p = dict(init_value=i, decay_steps=T(), alpha=float(rng.choice([0.0, 0.01, 0.1])), exponent=pw())
                s = optax.cosine_decay_schedule(**p); name = "optax.cosine_decay_schedule"
            elif k == 4:
                p = dict(transition_steps=T(), peak_value=i, pct_start=float(rng.choice([0.1, 0.25, 0.3])), div_factor=25.0,
                         final_div_factor=float(rng.choice([1e4, 100.0])))
                s = optax.cosine_onecycle_schedule(**p); name = "optax.cosine_onecycle_schedule"
            elif k == 5:
                p = dict(transition_steps=T(), peak_value=i, pct_start=0.3, pct_final=0.85)
                s = optax.linear_onecycle_schedule(**p); name = "optax.linear_onecycle_schedule"
            elif k == 6:
                w = int(rng.integers(0, 30)); d = w + T()
                p = dict(init_value=float(rng.choice([0.0, 0.1 * i])), peak_value=i, warmup_steps=w, decay_steps=d,
                         end_value=float(rng.choice([0.0, 0.01 * i])), exponent=pw())
                s = optax.warmup_cosine_decay_schedule(**p); name = "optax.warmup_cosine_decay_schedule"
            elif k == 7:
                p = dict(init_value=0.0, peak_value=i, warmup_steps=T())
                s = optax.warmup_constant_schedule(**p); name = "optax.warmup_constant_schedule"
            else:
                p = dict(init_value=0.0, peak_value=i, warmup_steps=int(rng.integers(1, 30)), transition_steps=T(),
                         decay_rate=float(rng.choice([0.1, 0.5])), end_value=float(rng.choice([0.0, 1e-3 * i])) or None)
                s = optax.warmup_exponential_decay_schedule(**p); name = "optax.warmup_exponential_decay_schedule"
            span = max(v for kk, v in p.items() if kk in ("transition_steps", "decay_steps", "warmup_steps")) + p.get("transition_begin", 0)
            steps = list(range(0, span + 8)) + [10**5, 2**31 - 1]
            f = jax.jit(s)
            jit = [float(np.float64(f(jnp.asarray(t, jnp.int32)))) for t in steps]
            eager = [float(np.float64(s(jnp.asarray(t, jnp.int32)))) for t in steps]
            out.append(dict(name=name, params=p, steps=steps, jit=jit, eager=eager))
    elif which == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import jax
        import keras

        S = keras.optimizers.schedules
        for _ in range(N):
            i, d, k = lr(), D(), int(rng.integers(5))
            if k == 0:
                p = dict(decay_steps=d, end_learning_rate=float(rng.choice([0.0, 1e-4, 0.1 * i])), power=pw(), cycle=bool(rng.integers(2)))
                s = S.PolynomialDecay(i, **p); name = "keras.PolynomialDecay"
            elif k == 1:
                p = dict(first_decay_steps=d, t_mul=float(rng.choice([0.5, 0.9, 1.0, 1.5, 2.0])), m_mul=float(rng.choice([1.0, 0.8])),
                         alpha=float(rng.choice([0.0, 0.1])))
                s = S.CosineDecayRestarts(i, **p); name = "keras.CosineDecayRestarts"
            elif k == 2:
                p = dict(decay_steps=d, decay_rate=float(rng.choice([0.5, 0.9, 1.3])), staircase=bool(rng.integers(2)))
                s = S.ExponentialDecay(i, **p); name = "keras.ExponentialDecay"
            elif k == 3:
                p = dict(decay_steps=d, decay_rate=float(rng.choice([0.5, 1.0, 2.0])), staircase=bool(rng.integers(2)))
                s = S.InverseTimeDecay(i, **p); name = "keras.InverseTimeDecay"
            else:
                w = int(rng.choice([0, 5, 30]))
                p = dict(decay_steps=d, alpha=float(rng.choice([0.0, 0.1])), warmup_target=float(rng.choice([0.5, 2.0])) * i if w else None, warmup_steps=w)
                s = S.CosineDecay(i, **p); name = "keras.CosineDecay"
            steps = sorted(set(list(range(0, min(3 * d + 10, 70))) + [d - 1, d, d + 1, 2 * d, 2 * d + 1, 10**5]))
            f = jax.jit(lambda t: s(t))
            jit = [float(f(t)) for t in steps]
            eager = [float(s(t)) for t in steps]
            out.append(dict(name=name, params=dict(initial_learning_rate=i, **p), steps=steps, jit=jit, eager=eager))
            with open(path, "w") as f:  # after each draw: eager Keras is slow, a partial scan still counts
                json.dump({"library": which, "draws": out}, f)
            print(name, p, flush=True, file=sys.stderr)
    else:
        import tensorflow as tf

        T1 = tf.compat.v1.train
        for _ in range(N):
            i, d, k = lr(), D(), int(rng.integers(4))
            if k == 0:
                p = dict(decay_steps=d, end_learning_rate=float(rng.choice([0.0, 1e-4, 0.1 * i])), power=pw(),
                         cycle=bool(rng.integers(2)))
                fn, name = T1.polynomial_decay, "tf.polynomial_decay"
            elif k == 1:
                p = dict(first_decay_steps=d, t_mul=float(rng.choice([0.5, 0.9, 1.0, 1.5, 2.0])),
                         m_mul=float(rng.choice([1.0, 0.8])), alpha=float(rng.choice([0.0, 0.1])))
                fn, name = T1.cosine_decay_restarts, "tf.cosine_decay_restarts"
            elif k == 2:
                p = dict(decay_steps=d, decay_rate=float(rng.choice([0.5, 1.0, 2.0])), staircase=bool(rng.integers(2)))
                fn, name = T1.inverse_time_decay, "tf.inverse_time_decay"
            else:
                p = dict(decay_steps=d, num_periods=float(rng.choice([0.5, 2.0])), alpha=float(rng.choice([0.0, 0.1])),
                         beta=float(rng.choice([0.001, 0.0])))
                fn, name = T1.linear_cosine_decay, "tf.linear_cosine_decay"
            steps = list(range(0, 3 * d + 10)) + [10**5]
            eager = []
            for t in steps:
                v = fn(i, tf.constant(t, tf.int64), **p)
                eager.append(float((v() if callable(v) else v).numpy()))
            out.append(dict(name=name, params=dict(learning_rate=i, **p), steps=steps, eager=eager))
    with open(path, "w") as f:
        json.dump({"library": which, "draws": out}, f)
    print(f"{len(out)} draws -> {path}", file=sys.stderr)


def compare(paths: list[str]) -> None:
    import numpy as np

    import lrviz
    from lrviz.errors import StepError

    def twin(name, params, t, mode):
        kw = {k: v for k, v in params.items() if v is not None}
        if name.startswith("optax."):
            kw["jit"] = mode == "jit"
        elif name.startswith("keras."):
            kw["jit_compile"] = mode == "jit"
        s = lrviz.schedule(name, **kw)
        try:
            return s.unchecked(t)
        except StepError:  # Keras' NaN is refused: evaluate step by step, NaN where refused
            out = []
            for x in t:
                try:
                    out.append(float(s.unchecked(np.asarray([x]))[0]))
                except StepError:
                    out.append(float("nan"))
            return np.asarray(out)

    worst: dict = {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        for c in doc["draws"] if isinstance(doc, dict) else doc:
            t = np.asarray(c["steps"])
            for mode in ("jit", "eager"):
                if mode not in c:
                    continue
                want = np.asarray(c[mode], dtype=float)
                got = twin(c["name"], c["params"], t, mode)
                same_nan = np.array_equal(np.isnan(got), np.isnan(want))
                same_sign = np.array_equal(got < 0, want < 0)
                fin = np.isfinite(want) & np.isfinite(got)
                peak = np.abs(want[fin]).max() if fin.any() else 1.0
                d = float(np.abs(got[fin] - want[fin]).max() / peak) if fin.any() else 0.0
                w = worst.setdefault((c["name"], mode), [0, 0.0, 0])
                w[0] += 1
                w[1] = max(w[1], d)
                w[2] += (not same_nan) or (not same_sign)
                bad = np.isnan(want) | (want < 0)
                if bad.any():
                    first = int(t[bad].min())
                    print(f"library gives {want[list(t).index(first)]:.3g} from step {first}: {mode} {c['name']} "
                          f"{c['params']}; twin {'the same' if same_nan and same_sign else 'DIFFERS'}")
    for (name, mode), (n, d, mismatched) in sorted(worst.items()):
        print(f"{name:42s} {mode:5s} {n:4d} draws  max |twin - lib| / peak {d:.2e}  NaN/sign mismatches {mismatched}")


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        compare(sys.argv[2:])
