"""Benchmark the playground's lr grid: one batched computation against a Python loop over the lrs.

The grid of the issue: 20 learning rates log-spaced from 1e-4 to 1, 8 optimizers (sgd,
momentum, nag, adagrad, adadelta, rmsprop, adam, adamw), 5000 steps on Rosenbrock from
(-1.2, 1), a constant schedule. Measured in the same run, best of ``--repeat``:

1. batched: all 160 runs in one loop over the steps (``lrviz.playground.play.grid``: the
   points of every run stacked, one gradient evaluation per step);
2. per-lr loop: ``lrviz.playground.run.simulate`` called once per (optimizer, lr), the way a
   user would write the grid search by hand with the same update code.

Both keep only the losses (no paths). The final losses of the two must be identical bit for
bit; a difference is reported as MISMATCH and the script exits with status 1. Nothing here
is asserted by the test suite.

    python benchmarks/bench_playground.py [--repeat 3] [--steps 5000] [--count 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lrviz  # noqa: E402
from lrviz.playground import play, run  # noqa: E402
from lrviz.playground.spec import OptimizerSpec, Playground, SurfaceSpec  # noqa: E402
from lrviz.spec import ScheduleSpec  # noqa: E402

OPTIMIZERS = ("sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "adamw")


def spec(steps: int, schedule: str) -> Playground:
    return Playground(surface=SurfaceSpec("rosenbrock"), optimizers=tuple(OptimizerSpec(n, path=n) for n in OPTIMIZERS),
                      schedules=(ScheduleSpec(schedule, path=schedule),), steps=steps)


def batched(prepared, lrs: np.ndarray) -> np.ndarray:
    return play.grid(prepared, lrs).final_loss[:, 0]  # (8, n)


def per_lr_loop(prepared, steps: int, lrs: np.ndarray) -> np.ndarray:
    out = np.empty((len(prepared.lanes), len(lrs)))
    for i, lane in enumerate(prepared.lanes):
        for m, lr in enumerate(lrs):
            result = run.simulate(prepared.surface, lane.optimizer, prepared.curves[i, 0], steps, prepared.start,
                                  lrs=[lr], record=False)
            out[i, m] = result.final_loss[0]
    return out


def best_of(fn, repeat: int):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--count", type=int, default=20, help="number of lrs in the grid")
    parser.add_argument("--schedule", default="constant")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    print(f"{platform.platform()} | Python {platform.python_version()} | numpy {np.__version__} | "
          f"lrviz {lrviz.__version__} | {os.cpu_count()} CPUs\n")
    lrs = np.geomspace(1e-4, 1.0, args.count)
    prepared = play.prepare(spec(args.steps, args.schedule))
    runs = len(OPTIMIZERS) * len(lrs)
    print(f"lr grid on rosenbrock: {len(OPTIMIZERS)} optimizers x {len(lrs)} lrs = {runs} runs, {args.steps:,} steps, "
          f"{args.schedule} schedule, best of {args.repeat}")
    batched(play.prepare(spec(10, args.schedule)), lrs)  # warm up
    fast, grid_final = best_of(lambda: batched(prepared, lrs), args.repeat)
    slow, loop_final = best_of(lambda: per_lr_loop(prepared, args.steps, lrs), args.repeat)
    same = np.array_equal(grid_final, loop_final, equal_nan=True)
    print(f"   batched (one loop over the steps): {fast:8.3f} s   ({fast / (runs * args.steps) * 1e9:6.0f} ns per run-step)")
    print(f"   per-lr Python loop ({runs} runs):    {slow:8.3f} s   ({slow / (runs * args.steps) * 1e9:6.0f} ns per run-step)")
    print(f"   ratio loop / batched: {slow / fast:.1f}x   final losses {'identical' if same else 'MISMATCH'}")
    diverged = int(np.isnan(grid_final).sum())
    print(f"   ({diverged} of {runs} runs diverged and were frozen)")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(batched_s=fast, loop_s=slow, ratio=slow / fast, runs=runs,
                                                   steps=args.steps, identical=bool(same), diverged=diverged), indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
