"""Benchmark the one-pass scan behind `lrviz stats` and `lrviz check`: time and peak memory.

Measured in one run, against a baseline from the same run: the naive way,
every step in one array (``lr = s(np.arange(T + 1))`` then sum, max, argmax,
min, count), for the same schedules and step count. Values are checked equal
(area to 1e-9 relative: the scan sums chunk by chunk with fsum, numpy sums
pairwise). Peak memory is VmHWM of a fresh process doing only that work
(not ru_maxrss, which Linux carries over from the parent across fork and exec).

Nothing here is asserted by the test suite.

    python benchmarks/bench_stats.py [--steps 10000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lrviz  # noqa: E402
from lrviz.scan import profile  # noqa: E402

NAMES = ("cosine", "onecycle", "cosine_restarts", "noisy_linear_cosine")


def naive(schedule, T: int) -> tuple[float, float, int]:
    lr = schedule(np.arange(T + 1, dtype=np.int64))
    used = lr[:T]
    peak = float(lr.max())
    return float(used.sum()), peak, int(np.count_nonzero(used >= peak / 2))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss(mode: str, name: str, T: int) -> float:
    """MB of a fresh process that builds ``name`` and runs the scan or the naive pass."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "import numpy as np, lrviz\n"
            "from lrviz.scan import profile\n"
            f"s = lrviz.schedule({name!r}, lr=0.1, total_steps={T})\n"
            + ("profile(s, %d)\n" % T if mode == "scan" else
               f"lr = s(np.arange({T} + 1)); lr[:-1].sum(); lr.max(); (lr >= 0.05).sum()\n")
            + "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    T = args.steps
    print(f"{platform.platform()} | Python {platform.python_version()} | numpy {np.__version__} | "
          f"lrviz {lrviz.__version__}\n{T:,} steps, best of {args.repeat}\n")
    print(f"{'schedule':<22}{'scan ms':>10}{'naive ms':>10}{'ratio':>8}{'scan MB':>10}{'naive MB':>10}")
    for name in NAMES:
        schedule = lrviz.schedule(name, lr=0.1, total_steps=T)
        p = profile(schedule, T)
        area, peak, above = naive(schedule, T)
        assert math.isclose(p.area, area, rel_tol=1e-9) and p.peak == peak and p.above_half == above, name
        scan_s = best(lambda: profile(schedule, T), args.repeat)
        naive_s = best(lambda: naive(schedule, T), args.repeat)
        scan_mb, naive_mb = peak_rss("scan", name, T), peak_rss("naive", name, T)
        print(f"{name:<22}{1e3 * scan_s:>10.0f}{1e3 * naive_s:>10.0f}{scan_s / naive_s:>7.2f}x"
              f"{scan_mb:>10.0f}{naive_mb:>10.0f}")


if __name__ == "__main__":
    main()
