"""Benchmark `lrviz export`: time per 1M steps of CSV, JSON and .npy, against baselines from the same run.

The config is the README's (warmup + cosine / linear / exponential, three curves) at
``--steps`` steps. For each format the streamed writer (:func:`lrviz.datafile.write`,
chunked, exact ``repr`` text from :mod:`lrviz.floattext`) is timed against:

- the writer lrviz had before (every step in memory, ``csv.writer`` rows of ``repr`` for
  CSV, ``json.dump`` of lists for JSON): the same bytes, checked equal;
- numpy's own way: ``np.savetxt(fmt="%.17g")`` of the same array (CSV: not the same bytes,
  17 digits where ``repr`` writes the shortest), ``np.save`` of the whole array (.npy: the
  same bytes, checked);
- writing the finished bytes with one ``f.write`` (the floor: the disk).

Best of ``--repeat`` runs, wall time, ms per 1M steps, and the ratio to each baseline
(below 1: lrviz is faster). Peak memory is VmHWM of a fresh process exporting 10x the
steps, against the same for the previous writer. Nothing here is asserted by the tests.

    python benchmarks/bench_export.py [--steps 1000000] [--repeat 3] [--no-memory]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lrviz  # noqa: E402
from lrviz import datafile  # noqa: E402
from lrviz.curves import build, evaluate, labels  # noqa: E402


def config(steps: int):
    from dataclasses import replace

    return replace(lrviz.load(str(ROOT / "configs" / "warmup_cosine.yaml")), total_steps=steps)


def curves_of(cfg):
    built = build(cfg)
    return [(label, schedule, spec.path) for label, (spec, schedule) in zip(labels([s for s, _ in built]), built)]


def previous_columns(cfg) -> dict[str, list]:
    """The previous writer's table: every step of every column in memory, as Python lists."""
    curves = evaluate(cfg)
    out = {"step": curves[0].steps.tolist()}
    for c in curves:
        out[c.label] = c.lr.tolist()
        if c.momentum is not None:
            out[f"{c.label} momentum"] = c.momentum.tolist()
    return out


def previous_csv(cfg, path: str) -> None:
    table = previous_columns(cfg)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(table))
        for row in zip(*table.values()):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])


def previous_json(cfg, path: str) -> None:
    table = previous_columns(cfg)
    clean = {k: [None if isinstance(v, float) and not math.isfinite(v) else v for v in col] for k, col in table.items()}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(clean, fh, allow_nan=False)


def array_of(cfg) -> np.ndarray:
    curves = evaluate(cfg)
    return np.column_stack([curves[0].steps.astype(np.float64)] + [c.lr for c in curves])


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def vmhwm(code: str) -> float:
    """MB of peak resident memory of a fresh process running ``code``."""
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}\n"
              "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args()
    print(f"{platform.platform()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"lrviz {lrviz.__version__}, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    cfg = config(args.steps)
    curves = curves_of(cfg)
    rows = datafile.Rows(0, args.steps + 1)
    per = 1e6 / (args.steps + 1) * 1000  # seconds -> ms per 1M steps
    with tempfile.TemporaryDirectory() as tmp:
        p = lambda name: os.path.join(tmp, name)  # noqa: E731
        results = []
        # CSV
        t_new = best(lambda: datafile.write(curves, rows, p("new.csv"), "csv"), args.repeat)
        t_old = best(lambda: previous_csv(cfg, p("old.csv")), args.repeat)
        data = Path(p("new.csv")).read_bytes()
        assert data == Path(p("old.csv")).read_bytes(), "CSV bytes differ from the previous writer"
        arr = array_of(cfg)
        t_savetxt = best(lambda: np.savetxt(p("savetxt.csv"), arr, fmt="%.17g", delimiter=","), args.repeat)
        t_floor = best(lambda: Path(p("floor.csv")).write_bytes(data), args.repeat)
        results.append(("csv", len(data), t_new, [("previous writer", t_old), ("np.savetxt %.17g", t_savetxt),
                                                  ("f.write of the bytes", t_floor)]))
        # JSON
        t_new = best(lambda: datafile.write(curves, rows, p("new.json"), "json"), args.repeat)
        t_old = best(lambda: previous_json(cfg, p("old.json")), args.repeat)
        data = Path(p("new.json")).read_bytes()
        assert data == Path(p("old.json")).read_bytes(), "JSON bytes differ from the previous writer"
        t_floor = best(lambda: Path(p("floor.json")).write_bytes(data), args.repeat)
        results.append(("json", len(data), t_new, [("previous writer (json.dump)", t_old),
                                                   ("f.write of the bytes", t_floor)]))
        # NPY
        t_new = best(lambda: datafile.write(curves, rows, p("new.npy"), "npy"), args.repeat)
        t_save = best(lambda: np.save(p("save.npy"), array_of(cfg)), args.repeat)
        data = Path(p("new.npy")).read_bytes()
        assert data == Path(p("save.npy")).read_bytes(), ".npy bytes differ from np.save"
        t_floor = best(lambda: Path(p("floor.npy")).write_bytes(data), args.repeat)
        results.append(("npy", len(data), t_new, [("np.save of the whole array", t_save),
                                                  ("f.write of the bytes", t_floor)]))
    print(f"\n{args.steps:,} steps, 3 curves (configs/warmup_cosine.yaml), best of {args.repeat}; "
          "ms per 1M steps; ratio = lrviz / baseline")
    print(f"{'format':6s} {'MB':>7s} {'lrviz ms':>9s}  baseline                        {'ms':>8s} {'ratio':>7s}")
    for fmt, size, t_new, baselines in results:
        for k, (name, t) in enumerate(baselines):
            head = f"{fmt:6s} {size / 1e6:7.1f} {t_new * per:9.0f}" if k == 0 else " " * 24
            print(f"{head}  {name:30s} {t * per:8.0f} {t_new / t:7.2f}")
    if not args.no_memory:
        big = 10 * args.steps
        setup = (f"import lrviz, dataclasses; cfg = dataclasses.replace(lrviz.load({str(ROOT / 'configs' / 'warmup_cosine.yaml')!r}), "
                 f"total_steps={big})\n")
        with tempfile.TemporaryDirectory() as tmp:
            target = os.path.join(tmp, "big.csv")
            new = vmhwm(setup + "from benchmarks.bench_export import curves_of\nfrom lrviz import datafile\n"
                        f"datafile.write(curves_of(cfg), datafile.Rows(0, {big + 1}), {target!r}, 'csv')")
            old = vmhwm(setup + f"from benchmarks.bench_export import previous_csv\nprevious_csv(cfg, {target!r})")
        print(f"\npeak memory exporting {big:,} steps to CSV: lrviz {new:.0f} MB, previous writer {old:.0f} MB "
              f"({new / old:.2f}x)")


if __name__ == "__main__":
    main()
