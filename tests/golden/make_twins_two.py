"""Record tests/golden/twins_two.json: the real libraries on the cases of issue 21 (round two).

The libraries live in different venvs, so the script runs one section at a
time and rewrites only that section's cases (the others stay as they are)::

    cd /work/wt-twins-two
    KERAS_BACKEND=jax /work/venv-logs/bin/python tests/golden/make_twins_two.py keras
    /work/venv-trainers/bin/python tests/golden/make_twins_two.py torch timm hf

Deterministic (no random numbers but timm's seeded noise). Each case is what
the library gave inside its own training loop, per update:

* ``keras``: ``model.fit`` on a one-layer model with S updates per epoch; a
  callback placed before ``ReduceLROnPlateau`` writes ``val_loss`` =
  ``metrics[epoch]`` into the epoch-end logs, and the optimizer's lr is read at
  the start of every epoch (the JAX trainer syncs its variables only there;
  nothing else writes the lr) and recorded for each batch of it. ``CosineDecayRestarts`` evaluated compiled
  (``jax.jit`` of a vector of steps: the same kernels as one step at a time)
  and eagerly over 100,000 steps, stored every 25th step.
* ``torch``: SGD with the scheduler, ``get_last_lr()`` / the param groups'
  lr read before each update, ``step()`` (``step(metric)`` once per epoch for
  ``ReduceLROnPlateau``) after it.
* ``timm``: timm's train.py loop: the lr of update u is the one set by
  ``step(epoch, metric)`` at the end of the epoch before (``step_update`` per update
  when ``t_in_epochs`` is false), as read from the optimizer.
* ``hf``: ``transformers.get_scheduler(name, ...)`` stepped once per update.

A case holds ``name``, ``params`` (lrviz's), optionally ``counting`` and
``steps_per_epoch`` (the config keys) and ``group`` (which param group of the
optimizer was read), ``steps``, ``lr``, ``atol`` / ``rtol``, and ``error``
where the library refuses (its message).
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

OUT = Path(__file__).with_name("twins_two.json")
EXACT32 = 1e-8  # float32 values stored with 9 digits: only the same float32 passes


def g(x: float) -> float:
    return float(f"{x:.17g}")


# ---------------------------------------------------------------- keras
def keras_section() -> dict:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import warnings

    warnings.filterwarnings("ignore")
    import jax
    import keras
    import numpy as np

    cases = []

    def fit_plateau(lr, metrics, S, **kwargs):
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
        seen: list[float] = []

        class Metric(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["val_loss"] = metrics[epoch]

        class Record(keras.callbacks.Callback):  # the JAX trainer syncs variables at epoch boundaries only
            def on_epoch_begin(self, epoch, logs=None):
                self.lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))

            def on_train_batch_begin(self, batch, logs=None):
                seen.append(self.lr)

        plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kwargs)
        x = np.zeros((S, 1), np.float32)
        model.fit(x, x, batch_size=1, epochs=len(metrics), shuffle=False, verbose=0,
                  callbacks=[Record(), Metric(), plateau])
        return [float(f"{v:.9g}") for v in seen]

    for case_id, lr, S, metrics, kw in [
        ("S10-patience1", 0.1, 10, [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.2], {"patience": 1}),
        ("S7-cooldown", 0.05, 7, [round(2.0 - 0.05 * i + 0.07 * math.sin(1.7 * i), 3) for i in range(12)],
         {"patience": 2, "cooldown": 1, "factor": 0.5, "min_delta": 0.01}),
    ]:
        lrs = fit_plateau(lr, metrics, S, **kw)
        cases.append({"id": f"keras.ReduceLROnPlateau-per-update-{case_id}", "name": "keras.ReduceLROnPlateau",
                      "params": {"lr": lr, "metrics": metrics, **kw}, "counting": "epoch_constant",
                      "steps_per_epoch": S, "total_steps": len(lrs), "steps": list(range(len(lrs))), "lr": lrs,
                      "rtol": EXACT32})

    sched = keras.optimizers.schedules.CosineDecayRestarts(0.1, 10, t_mul=1.1)
    t = np.arange(100_000, dtype=np.int32)
    compiled = np.asarray(jax.jit(jax.vmap(lambda s: sched(s)))(t))
    eager = np.asarray(sched(t))
    stride = t[::25]
    for mode, values in (("compiled", compiled), ("eager", eager)):
        cases.append({"id": f"keras.CosineDecayRestarts-tmul1.1-D10-1e5-{mode}", "name": "keras.CosineDecayRestarts",
                      "params": {"lr": 0.1, "first_decay_steps": 10, "t_mul": 1.1, "total_steps": 100_000,
                                 "jit_compile": mode == "compiled"},
                      "steps": [int(s) for s in stride], "lr": [float(f"{v:.9g}") for v in values[::25]],
                      "rtol": 0.0, "atol": 2e-7,  # 2e-6 of the peak, the twin's stated bound
                      **({"identical_at_least": 0.95} if mode == "compiled" else {})})
    return {"library": "keras", "version": keras.__version__, "jax": jax.__version__, "cases": cases}


SECTIONS = {"keras": keras_section}


def main(names: list[str]) -> None:
    data = json.loads(OUT.read_text()) if OUT.exists() else {"generator": "tests/golden/make_twins_two.py",
                                                              "sections": {}}
    for name in names:
        data["sections"][name] = SECTIONS[name]()
        print(name, len(data["sections"][name]["cases"]), "cases")
    OUT.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:] or list(SECTIONS))
