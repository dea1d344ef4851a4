"""Benchmark lrviz schedules against naive hand-written numpy, and the CLI start-up.

For every registered schedule (``lrviz.names()``), built with
``lrviz.schedule(name, lr=0.1, total_steps=N)`` and evaluated on ``np.arange(N)``:

* the lrviz time (best of ``--repeat``) and ns per step;
* the time of the straightforward numpy expression of the same formula (taken
  from the factory's docstring) at the same parameters (``schedule.params``),
  measured in the same run, best of the same number of repeats;
* the ratio lrviz / naive (target <= 1.0) and a check that both agree.

Then the start-up time of ``python -m lrviz --help`` and ``python -m lrviz list``
against ``python -c "import typer"``.

Timings are only ever reported as ratios against a baseline measured in the same
run; nothing here is asserted by the test suite.

    python benchmarks/bench_schedules.py [--steps 10000000] [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lrviz  # noqa: E402
from lrviz.schedules._noise import normal  # noqa: E402

Naive = Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]
NAIVE: dict[str, Naive] = {}
MIN_REPEAT = 3  # even the slowest schedules get a best of 3


def naive(name: str):
    def register(fn: Naive) -> Naive:
        NAIVE[name] = fn
        return fn

    return register


def naive_of(child) -> Callable[[np.ndarray], np.ndarray]:
    """The naive expression of a child schedule (composition), at its own params."""
    fn = NAIVE[child.name]
    return lambda t: fn(t, child.params)


# --------------------------------------------------------------------------- naive formulas
# Each one is the docstring formula of the factory, written as a user would write
# it with numpy: whole-array expressions, temporaries allowed, no in-place tricks.


@naive("constant")
def _constant(t, p):
    return np.full(t.shape, p["lr"])


@naive("step")
def _step(t, p):
    return p["lr"] * p["gamma"] ** np.floor(np.minimum(t, p["total_steps"]) / p["step_size"])


@naive("multistep")
def _multistep(t, p):
    return p["lr"] * p["gamma"] ** sum(t >= m for m in p["milestones"])


@naive("piecewise")
def _piecewise(t, p):
    b, v = p["boundaries"], p["values"]
    return np.select([t < x for x in b], v[:-1], v[-1])


@naive("exponential")
def _exponential(t, p):
    x = np.minimum(t, p["total_steps"]) / p["decay_steps"]
    if p["staircase"]:
        x = np.floor(x)
    return p["lr"] * p["decay_rate"] ** x


@naive("natural_exp")
def _natural_exp(t, p):
    x = np.minimum(t, p["total_steps"]) / p["decay_steps"]
    if p["staircase"]:
        x = np.floor(x)
    return p["lr"] * np.exp(-p["decay_rate"] * x)


@naive("inverse_time")
def _inverse_time(t, p):
    x = np.minimum(t, p["total_steps"]) / p["decay_steps"]
    if p["staircase"]:
        x = np.floor(x)
    return p["lr"] / (1 + p["decay_rate"] * x)


@naive("polynomial")
def _polynomial(t, p):
    lr, lo, D, power = p["lr"], p["min_lr"], p["decay_steps"], p["power"]
    if p["cycle"]:
        horizon = D * np.maximum(np.ceil(t / D), 1)
        return (lr - lo) * (1 - t / horizon) ** power + lo
    return (lr - lo) * (1 - np.minimum(t, D) / D) ** power + lo


@naive("linear")
def _linear(t, p):
    frac = np.minimum(t, p["decay_steps"]) / p["decay_steps"]
    return (1 - frac) * p["lr"] + frac * p["min_lr"]


@naive("cosine")
def _cosine(t, p):
    lr, lo, D = p["lr"], p["min_lr"], p["decay_steps"]
    return lo + (lr - lo) * (1 + np.cos(np.pi * np.minimum(t, D) / D)) / 2


@naive("cosine_restarts")
def _cosine_restarts(t, p):
    lr, lo, T0, m, decay = p["lr"], p["min_lr"], p["first_period"], p["period_mult"], p["peak_decay"]
    if m == 1.0:
        i = t // T0
        t_cur, length = t % T0, T0
    else:  # closed form of B_i = T0 * (m**i - 1) / (m - 1)
        i = np.floor(np.log1p(t * (m - 1) / T0) / np.log(m))
        t_cur, length = t - T0 * (m**i - 1) / (m - 1), T0 * m**i
    return lo + (lr * decay**i - lo) * (1 + np.cos(np.pi * t_cur / length)) / 2


@naive("linear_cosine")
def _linear_cosine(t, p):
    D = p["decay_steps"]
    tp = np.minimum(t, D)
    cos = (1 + np.cos(2 * np.pi * p["num_periods"] * tp / D)) / 2
    return p["lr"] * ((p["alpha"] + (D - tp) / D) * cos + p["beta"])


@naive("noisy_linear_cosine")
def _noisy_linear_cosine(t, p):
    D = p["decay_steps"]
    tp = np.minimum(t, D)
    cos = (1 + np.cos(2 * np.pi * p["num_periods"] * tp / D)) / 2
    eps = np.sqrt(p["initial_variance"] / (1 + tp) ** p["variance_decay"]) * normal(p["seed"], tp)
    return np.maximum(0, p["lr"] * ((p["alpha"] + (D - tp) / D + eps) * cos + p["beta"]))


@naive("cyclic")
def _cyclic(t, p):
    lr, lo, up, down, mode = p["lr"], p["min_lr"], p["step_size_up"], p["step_size_down"], p["mode"]
    C = up + down
    pos = t % C
    s = np.where(pos <= up, pos / up, (C - pos) / down)
    if mode == "sine":
        s = (1 - np.cos(np.pi * s)) / 2
    elif mode == "triangular2":
        s = s / 2.0 ** (t // C)
    elif mode == "exp_range":
        s = s * p["gamma"] ** t
    return lo + (lr - lo) * s


def _anneal(kind, start, end, frac):
    if kind == "cos":
        return end + (start - end) * (1 + np.cos(np.pi * frac)) / 2
    return start + (end - start) * frac


@naive("onecycle")
def _onecycle(t, p):
    lr, T, kind = p["lr"], p["total_steps"], p["anneal"]
    initial = lr / p["div_factor"]
    final = initial / p["final_div_factor"]
    P = int(round(p["pct_start"] * T))
    tc = np.minimum(t, T)
    if p["three_phase"]:
        return np.where(tc <= P, _anneal(kind, initial, lr, tc / P),
                        np.where(tc <= 2 * P, _anneal(kind, lr, initial, (tc - P) / P),
                                 _anneal(kind, initial, final, (tc - 2 * P) / (T - 2 * P))))
    return np.where(tc <= P, _anneal(kind, initial, lr, tc / P), _anneal(kind, lr, final, (tc - P) / (T - P)))


@naive("keyframes")
def _keyframes(t, p):
    steps, factors = list(p["keyframes"]), list(p["keyframes"].values())
    xp = [0, *steps]
    fp = [0.0 if p["warmup"] else 1.0, *factors]
    if p["periodic"]:
        start = steps[0] if p["warmup"] else 0
        t = np.where(t > start, (t - start) % (steps[-1] - start) + start, t)
    return p["lr"] * np.interp(t, xp, fp)


@naive("noam")
def _noam(t, p):
    lr, W, d = p["lr"], p["warmup_steps"], p["d_model"]
    peak = lr if d is None else lr * d**-0.5 * W**-0.5
    s = np.minimum(t, p["total_steps"]) + 1
    return peak * np.minimum(s / W, np.sqrt(W / s))


@naive("inverse_sqrt")
def _inverse_sqrt(t, p):
    lr, W, init, tau = p["lr"], p["warmup_steps"], p["start_lr"], p["timescale"]
    tc = np.minimum(t, p["total_steps"])
    return np.where(tc < W, init + tc * (lr - init) / max(W, 1), lr / np.sqrt((tc - W + tau) / tau))


@naive("wsd")
def _wsd(t, p):
    lr, T, W, D, lo, init = p["lr"], p["total_steps"], p["warmup_steps"], p["decay_steps"], p["min_lr"], p["start_lr"]
    frac = (np.minimum(t, T) - (T - D)) / max(D, 1)
    g = {"linear": lambda x: 1 - x, "cosine": lambda x: (1 + np.cos(np.pi * x)) / 2, "1-sqrt": lambda x: 1 - np.sqrt(x)}
    decay = lo + (lr - lo) * g[p["decay_shape"]](frac) if D > 0 else lo
    return np.where(t < W, init + t * (lr - init) / max(W, 1), np.where(t < T - D, lr, decay))


@naive("tri_stage")
def _tri_stage(t, p):
    lr, W, H, D = p["lr"], p["warmup_steps"], p["hold_steps"], p["decay_steps"]
    init, final = p["init_scale"] * lr, p["final_scale"] * lr
    return np.where(t < W, init + t * (lr - init) / max(W, 1),
                    np.where(t < W + H, lr,
                             np.where(t <= W + H + D, lr * np.exp(-np.log(1 / p["final_scale"]) * (t - W - H) / D), final)))


@naive("tanh")
def _tanh(t, p):
    lr, lo, lb, ub, T = p["lr"], p["min_lr"], p["lb"], p["ub"], p["total_steps"]
    tr = np.minimum(t, T) / T
    return lo + 0.5 * (lr - lo) * (1 - np.tanh(lb * (1 - tr) + ub * tr))


@naive("warmup")
def _warmup(t, p):
    inner = naive_of(p["schedule"])
    W, start = p["warmup_steps"], p["start_lr"]
    target = float(inner(np.zeros(1, dtype=np.int64))[0])
    frac = t / max(W, 1)
    ramp = {"linear": lambda: start + (target - start) * frac,
            "cosine": lambda: start + (target - start) * (1 - np.cos(np.pi * frac)) / 2,
            "exponential": lambda: start * (target / max(start, 1e-300)) ** frac}[p["shape"]]
    return np.where(t < W, ramp(), inner(np.maximum(t - W, 0)))


@naive("sequence")
def _sequence(t, p):
    phases = p["phases"]
    start, child = phases[-1]
    out = naive_of(child)(t - start)
    for (start, child), (end, _) in reversed(list(zip(phases, phases[1:]))):
        out = np.where(t < end, naive_of(child)(t - start), out)
    return out


@naive("multiply")
def _multiply(t, p):
    out = naive_of(p["schedules"][0])(t)
    for child in p["schedules"][1:]:
        out = out * naive_of(child)(t)
    return out


@naive("clamp")
def _clamp(t, p):
    return np.clip(naive_of(p["schedule"])(t), p["min_lr"], p["max_lr"])


@naive("periodic")
def _periodic(t, p):
    return naive_of(p["schedule"])(t % p["period"])


# --------------------------------------------------------------------------- measuring


def _timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _compare(got: np.ndarray, want: np.ndarray) -> tuple[bool, float]:
    """np.allclose(rtol=1e-9), with an atol scaled to the curve (the default 1e-8 would hide lr ~ 1e-7)."""
    if got.shape != want.shape:
        return False, float("inf")
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    atol = 1e-12 * scale
    ok = bool(np.allclose(got, want, rtol=1e-9, atol=atol, equal_nan=False))
    diff = np.abs(got - want)
    diff /= np.maximum(np.abs(want), atol if atol > 0 else np.finfo(float).tiny)
    worst = float(diff.max()) if diff.size else 0.0
    return ok, worst


def bench_schedule(name: str, t: np.ndarray, repeat: int, budget: float) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name}
    try:
        sched = lrviz.schedule(name, lr=0.1, total_steps=len(t))
    except Exception as err:  # noqa: BLE001 - a broken factory is a row, not a crash
        row.update(status="ERROR", error=f"build: {type(err).__name__}: {err}")
        return row
    formula = NAIVE.get(name)
    naive_fn = (lambda: formula(t, sched.params)) if formula else None

    def run_naive():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return naive_fn()

    # First pair of runs: timed, and kept for the agreement check.
    try:
        tl, got = _timed(lambda: sched(t))
    except Exception as err:  # noqa: BLE001
        row.update(status="ERROR", error=f"eval: {type(err).__name__}: {err}")
        return row
    tn = None
    if naive_fn is not None:
        tn, want = _timed(run_naive)
        ok, worst = _compare(got, want)
        row.update(check="ok" if ok else "MISMATCH", max_rel_err=worst)
        del want
    else:
        row.update(check="no naive formula", max_rel_err=None)
    del got
    gc.collect()

    per_pair = tl + (tn or 0.0)
    affordable = int(budget // per_pair) if per_pair > 0 else repeat
    reps = min(repeat, max(MIN_REPEAT, affordable))  # a best-of-1 ratio is mostly noise
    best_l, best_n = tl, tn
    for _ in range(reps - 1):  # alternate so that drift hits both sides alike
        dt, out = _timed(lambda: sched(t))
        del out
        best_l = min(best_l, dt)
        if naive_fn is not None:
            dt, out = _timed(run_naive)
            del out
            best_n = min(best_n, dt)
    n = len(t)
    row.update(status="ok", repeats=reps, lrviz_s=best_l, lrviz_ns_per_step=best_l / n * 1e9)
    if best_n is not None:
        row.update(naive_s=best_n, naive_ns_per_step=best_n / n * 1e9, ratio=best_l / best_n)
    return row


def bench_cli(repeat: int) -> list[dict[str, Any]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    commands = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
        ("lrviz --help", [sys.executable, "-m", "lrviz", "--help"]),
        ("lrviz list", [sys.executable, "-m", "lrviz", "list"]),
    ]
    rows = []
    for label, cmd in commands:
        best, rc = float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            best = min(best, time.perf_counter() - start)
            rc = rc or proc.returncode
        row = {"command": label, "argv": cmd[1:], "best_s": best, "returncode": rc}
        if rc:
            row["stderr"] = proc.stderr.decode(errors="replace")[-500:]
        rows.append(row)
    baseline = next(r["best_s"] for r in rows if r["command"] == "python -c 'import typer'")
    for row in rows:
        row["ratio_vs_import_typer"] = row["best_s"] / baseline
    return rows


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "?",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "lrviz": lrviz.__version__,
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }


# --------------------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[dict[str, Any]], n: int) -> None:
    head = (f"{'schedule':<20} {'reps':>4} {'lrviz ms':>9} {'ns/step':>8} {'naive ms':>9} {'ns/step':>8} {'ratio':>6}  "
            f"{'check':<8} {'max rel err':>11}")
    print(f"\nSchedules on np.arange({n:_}) (best of reps; ratio = lrviz / naive, target <= 1.00)")
    print(head)
    print("-" * len(head))
    for r in rows:
        if r.get("status") != "ok":
            print(f"{r['name']:<20} {'ERROR':>4}  {r.get('error', '')}")
            continue
        flag = " <-- slower" if r.get("ratio") is not None and r["ratio"] > 1.0 else ""
        print(
            f"{r['name']:<20} {r['repeats']:>4} {r['lrviz_s'] * 1e3:>9.1f} {r['lrviz_ns_per_step']:>8.2f} "
            f"{_fmt(r.get('naive_s') and r['naive_s'] * 1e3, '9.1f'):>9} {_fmt(r.get('naive_ns_per_step'), '8.2f'):>8} "
            f"{_fmt(r.get('ratio'), '6.3f'):>6}  {r['check']:<8} {_fmt(r.get('max_rel_err'), '11.1e'):>11}{flag}"
        )
    bad = [r["name"] for r in rows if r.get("check") == "MISMATCH"]
    for name in bad:
        print(f"!!! MISMATCH: {name}: lrviz and the naive formula disagree (rtol=1e-9); one of them is wrong !!!")
    errors = [r["name"] for r in rows if r.get("status") != "ok"]
    for name in errors:
        print(f"!!! ERROR: {name} could not be benchmarked")
    missing = [r["name"] for r in rows if r.get("check") == "no naive formula"]
    if missing:
        print(f"(no naive formula written yet for: {', '.join(missing)})")
    ratios = [r["ratio"] for r in rows if r.get("ratio") is not None]
    if ratios:
        slower = sum(x > 1.0 for x in ratios)
        geo = float(np.exp(np.mean(np.log(ratios))))
        print(f"{slower} of {len(ratios)} schedules slower than naive; geometric mean ratio {geo:.2f}")


def print_cli(rows: list[dict[str, Any]], repeat: int) -> None:
    head = f"{'command':<28} {'best ms':>8} {'vs import typer':>16}"
    print(f"\nStart-up (subprocess wall time, best of {repeat})")
    print(head)
    print("-" * len(head))
    for r in rows:
        extra = "" if not r["returncode"] else f"  FAILED (exit {r['returncode']})"
        print(f"{r['command']:<28} {r['best_s'] * 1e3:>8.1f} {r['ratio_vs_import_typer']:>16.2f}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=10_000_000, help="evaluate on np.arange(STEPS) (default 10_000_000)")
    parser.add_argument("--repeat", type=int, default=5, help="best of REPEAT runs per side (default 5)")
    parser.add_argument("--budget", type=float, default=12.0,
                        help="seconds per schedule: slow ones get fewer repeats (at least 3), never fewer steps (default 12)")
    parser.add_argument("--cli-repeat", type=int, default=5, help="best of this many start-ups (default 5)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="benchmark only these schedules")
    parser.add_argument("--no-cli", action="store_true", help="skip the start-up benchmark")
    parser.add_argument("--json", metavar="PATH", help="also save the numbers as JSON")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    info = machine()
    print("lrviz schedule benchmark")
    for key, value in info.items():
        print(f"  {key:<10} {value}")
    print(f"  steps      {args.steps:_}   repeat {args.repeat}   budget {args.budget:g} s/schedule")

    names = lrviz.names()
    if args.only:
        names = [n for n in names if n in args.only]
    t = np.arange(args.steps)
    rows = []
    for name in names:
        rows.append(bench_schedule(name, t, args.repeat, args.budget))
        gc.collect()
    del t
    print_table(rows, args.steps)

    cli = [] if args.no_cli else bench_cli(args.cli_repeat)
    if cli:
        print_cli(cli, args.cli_repeat)
    elapsed = time.perf_counter() - began
    print(f"\ntotal {elapsed:.0f} s")

    if args.json:
        payload = {"machine": info, "steps": args.steps, "repeat": args.repeat, "budget_s": args.budget,
                   "schedules": rows, "cli": cli, "elapsed_s": elapsed}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"saved {args.json}")
    return 1 if any(r.get("check") == "MISMATCH" or r.get("status") != "ok" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
