"""Record timm's schedulers into tests/golden/timm.json (the golden fixture of lrviz's ``timm.*`` twins).

Run in a venv with the real library (never in CI)::

    python3 -m venv /tmp/venv-timm
    /tmp/venv-timm/bin/pip install torch==2.13.0 timm numpy
    cd /work/main && /tmp/venv-timm/bin/python tests/golden/make_timm.py

Deterministic: fixed cases, no randomness except timm's own noise, which is
seeded (``noise_seed + t``). Recorded with timm 1.0.31 on torch 2.13.0+cpu.

Convention (see lrviz/twins/timm.py): the value at step ``t`` is the lr
that ``scheduler.step(t)`` sets (the schedulers are stateless, so each step is
called directly), except ``t = 0`` of ``timm.multistep``: the lr after
construction, which train.py trains epoch 0 with. For ``PlateauLRScheduler`` the loop is timm's train.py: the
value at ``t = 0`` is the lr after construction, and the value at ``t >= 1``
the lr after ``step(t, metrics[t - 1])`` (``step(t)`` without a metric once
the metrics run out), called in order.

Where timm raises (a math domain error of the cycle index with cycle_mul < 1,
``0.0 ** negative`` with k_decay < 0) the case records ``raises_at`` and the
message.

If ``import timm`` fails because the installed torchvision does not match the
local torch wheel (timm imports torchvision at the top, the schedulers never
use it), only ``timm.scheduler`` is loaded, under a stub ``timm`` package.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import re
import sys
import types
import warnings
from pathlib import Path

import torch

OUT = Path(__file__).with_name("timm.json")


def load_timm_scheduler() -> types.ModuleType:
    """``timm.scheduler``, also when the rest of timm cannot be imported."""
    try:
        return importlib.import_module("timm.scheduler")
    except Exception:  # e.g. RuntimeError from a torchvision built for another torch
        for name in [n for n in sys.modules if n == "timm" or n.startswith("timm.")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("timm")
        if spec is None:
            raise
        stub = types.ModuleType("timm")
        stub.__path__ = list(spec.submodule_search_locations)
        stub.__version__ = importlib.metadata.version("timm")
        sys.modules["timm"] = stub
        return importlib.import_module("timm.scheduler")


S = load_timm_scheduler()
CLASSES = {
    "timm.cosine": S.CosineLRScheduler,
    "timm.tanh": S.TanhLRScheduler,
    "timm.step": S.StepLRScheduler,
    "timm.multistep": S.MultiStepLRScheduler,
    "timm.poly": S.PolyLRScheduler,
    "timm.plateau": S.PlateauLRScheduler,
}
REQUIRED = {"timm.cosine": "t_initial", "timm.tanh": "t_initial", "timm.poly": "t_initial",
            "timm.step": "decay_t", "timm.multistep": "decay_t"}


def timm_kwargs(name: str, params: dict) -> tuple[float, dict]:
    """lrviz parameters -> (base lr, timm constructor kwargs), applying the twins' defaults for required ones."""
    kw = dict(params)
    lr = kw.pop("lr", 0.1)
    total = kw.pop("total_steps", 1000)
    kw.pop("metrics", None)
    if name in ("timm.cosine", "timm.tanh", "timm.poly"):
        kw.setdefault("t_initial", total)
    elif name == "timm.step":
        kw.setdefault("decay_t", max(1, total // 3))
    elif name == "timm.multistep":
        kw.setdefault("decay_t", [max(1, total // 3), max(1, 2 * total // 3)])
    if "noise_range_t" in kw and len(kw["noise_range_t"]) == 1:
        kw["noise_range_t"] = kw["noise_range_t"][0]  # timm's scalar form: noise for t >= n
    return lr, kw


def build(name: str, params: dict):
    lr, kw = timm_kwargs(name, params)
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PlateauLRScheduler is deprecated in timm 1.0.31
        return opt, CLASSES[name](opt, **kw)


def record(case_id: str, name: str, params: dict, steps: list[int], *, raises_at: int | None = None, **tol) -> dict:
    opt, sched = build(name, params)
    values = []
    if name == "timm.plateau":
        metrics = params.get("metrics") or []
        series = [opt.param_groups[0]["lr"]]
        for t in range(1, max(steps) + 1):
            sched.step(t, metrics[t - 1] if t - 1 < len(metrics) else None)
            series.append(opt.param_groups[0]["lr"])
        values = [float(series[t]) for t in steps]
    else:
        for t in steps:
            # timm.multistep: t = 0 is the lr after construction, as timm's train.py trains epoch 0 with it
            # (it first calls step(1)); step(0) would already apply milestones at 0 and 1
            if not (t == 0 and name == "timm.multistep"):
                sched.step(t)
            values.append(float(opt.param_groups[0]["lr"]))
    case = {"id": case_id, "name": name, "params": params, "steps": list(steps), "lr": values}
    case.update(tol)
    if raises_at is not None:
        try:
            sched.step(raises_at)
        except Exception as err:  # noqa: BLE001 - the library's own exception and reason
            case["raises_at"] = raises_at
            case["error"] = re.escape(str(err))
        else:
            raise AssertionError(f"{case_id}: timm did not raise at {raises_at}")
    return case


def span(n: int, *extra: int) -> list[int]:
    return sorted(set(range(n)) | set(extra))


def cases() -> list[dict]:
    out = []
    add = out.append
    # ---- cosine
    add(record("cosine-defaults", "timm.cosine", {}, sorted(set(range(0, 1001, 9)) | {999, 1000, 1001, 5000, 10**9})))
    add(record("cosine-t10", "timm.cosine", {"lr": 1.0, "t_initial": 10}, span(25)))
    add(record("cosine-warmup-noprefix", "timm.cosine", {"lr": 1.0, "t_initial": 10, "lr_min": 0.1, "warmup_t": 3}, span(15)))
    add(record("cosine-warmup-prefix", "timm.cosine",
               {"lr": 1.0, "t_initial": 10, "lr_min": 0.1, "warmup_t": 3, "warmup_prefix": True}, span(18)))
    add(record("cosine-warmup-init", "timm.cosine",
               {"lr": 0.5, "total_steps": 40, "warmup_t": 5, "warmup_lr_init": 0.01, "warmup_prefix": True}, span(50)))
    add(record("cosine-cycle-decay", "timm.cosine", {"lr": 1.0, "t_initial": 5, "cycle_limit": 3, "cycle_decay": 0.5},
               span(22)))
    add(record("cosine-cycle-mul2", "timm.cosine", {"lr": 1.0, "t_initial": 3, "cycle_mul": 2.0, "cycle_limit": 3},
               span(26)))
    add(record("cosine-cycle-mul1.5", "timm.cosine",
               {"lr": 0.3, "t_initial": 4, "cycle_mul": 1.5, "cycle_limit": 6, "cycle_decay": 0.7, "lr_min": 0.01},
               span(90, 500)))
    add(record("cosine-cycles-prefix", "timm.cosine",
               {"lr": 1.0, "t_initial": 6, "cycle_mul": 2.0, "cycle_limit": 4, "warmup_t": 4, "warmup_prefix": True,
                "warmup_lr_init": 0.1}, span(100)))
    add(record("cosine-cycle-limit0", "timm.cosine", {"lr": 1.0, "t_initial": 10, "cycle_limit": 0, "lr_min": 0.05,
                                                      "warmup_t": 2}, span(12)))
    add(record("cosine-k2", "timm.cosine", {"lr": 1.0, "t_initial": 10, "k_decay": 2.0}, span(12)))
    add(record("cosine-k0.5-cycles", "timm.cosine",
               {"lr": 1.0, "t_initial": 8, "k_decay": 0.5, "cycle_mul": 2.0, "cycle_limit": 3, "lr_min": 0.02}, span(60)))
    add(record("cosine-k0", "timm.cosine", {"lr": 1.0, "t_initial": 10, "k_decay": 0.0, "lr_min": 0.1}, span(12)))
    add(record("cosine-logmiss-m10", "timm.cosine", {"lr": 1.0, "t_initial": 1, "cycle_mul": 10.0, "cycle_limit": 100},
               span(15, *range(105, 116), *range(1105, 1116), *range(11105, 11116))))
    add(record("cosine-logmiss-m3", "timm.cosine", {"lr": 1.0, "t_initial": 1, "cycle_mul": 3.0, "cycle_limit": 100},
               span(15, *range(118, 125), *range(362, 367), *range(1091, 1096), *range(3278, 3283))))
    add(record("cosine-logmiss-t2-m3", "timm.cosine", {"lr": 1.0, "t_initial": 2, "cycle_mul": 3.0, "cycle_limit": 100},
               span(10, *range(238, 246), *range(726, 731))))
    add(record("cosine-logmiss-prefix", "timm.cosine",
               {"lr": 1.0, "t_initial": 2, "cycle_mul": 10.0, "cycle_limit": 100, "warmup_t": 5, "warmup_prefix": True},
               span(10, *range(220, 232), *range(2220, 2232))))
    add(record("cosine-shrinking", "timm.cosine", {"lr": 1.0, "t_initial": 16, "cycle_mul": 0.5, "cycle_limit": 5},
               span(32), raises_at=32))
    add(record("cosine-shrinking-unlimited", "timm.cosine",
               {"lr": 1.0, "t_initial": 20, "cycle_mul": 0.75, "cycle_limit": 1000, "lr_min": 0.1}, span(80),
               raises_at=80))
    add(record("cosine-k-negative", "timm.cosine", {"lr": 1.0, "t_initial": 10, "k_decay": -1.0}, list(range(1, 14)),
               raises_at=0))
    add(record("cosine-noise", "timm.cosine", {"lr": 1.0, "t_initial": 40, "noise_range_t": [0], "noise_pct": 0.1},
               span(45)))
    add(record("cosine-noise-range", "timm.cosine",
               {"lr": 0.2, "t_initial": 60, "noise_range_t": [10, 30], "noise_pct": 0.5, "noise_std": 0.5,
                "noise_seed": 7}, span(40)))
    add(record("cosine-noise-tiny-pct", "timm.cosine",
               {"lr": 1.0, "t_initial": 30, "noise_range_t": [0], "noise_pct": 0.002}, span(20)))
    add(record("cosine-noise-seed-wrap", "timm.cosine",
               {"lr": 1.0, "t_initial": 30, "noise_range_t": [5], "noise_pct": 0.3, "noise_std": 2.0,
                "noise_seed": 2**32 + 5}, span(30, 10**6)))
    add(record("cosine-noise-seed-negative", "timm.cosine",
               {"lr": 1.0, "t_initial": 30, "noise_range_t": [0], "noise_seed": -100, "warmup_t": 5, "lr_min": 0.1},
               span(35)))
    # ---- tanh
    add(record("tanh-defaults", "timm.tanh", {}, sorted(set(range(0, 1001, 9)) | {999, 1000, 1001, 10**6})))
    add(record("tanh-t10", "timm.tanh", {"lr": 1.0, "t_initial": 10}, span(13)))
    add(record("tanh-warmup-noprefix", "timm.tanh", {"lr": 1.0, "t_initial": 10, "warmup_t": 3}, span(13)))
    add(record("tanh-warmup-prefix", "timm.tanh",
               {"lr": 1.0, "t_initial": 10, "warmup_t": 3, "warmup_prefix": True, "warmup_lr_init": 0.05}, span(16)))
    add(record("tanh-warmup-past-cycle", "timm.tanh", {"lr": 1.0, "t_initial": 10, "warmup_t": 12, "lr_min": 0.01},
               span(16)))
    add(record("tanh-cycles", "timm.tanh",
               {"lr": 0.4, "t_initial": 6, "lb": -3.0, "ub": 5.0, "lr_min": 0.01, "cycle_mul": 1.5, "cycle_limit": 3,
                "cycle_decay": 0.8}, span(40)))
    add(record("tanh-noise", "timm.tanh", {"lr": 1.0, "t_initial": 30, "noise_range_t": [3, 25], "noise_seed": 1},
               span(30)))
    # ---- step
    add(record("step-defaults", "timm.step", {}, [0, 1, 332, 333, 334, 1000, 10**6]))
    add(record("step-3-0.5", "timm.step", {"lr": 1.0, "decay_t": 3, "decay_rate": 0.5}, span(20)))
    add(record("step-warmup-prefix", "timm.step", {"lr": 1.0, "decay_t": 3, "decay_rate": 0.5, "warmup_t": 2}, span(15)))
    add(record("step-warmup-noprefix", "timm.step",
               {"lr": 1.0, "decay_t": 3, "decay_rate": 0.5, "warmup_t": 4, "warmup_prefix": False,
                "warmup_lr_init": 0.01}, span(15)))
    add(record("step-far", "timm.step", {"lr": 0.1, "decay_t": 10, "decay_rate": 0.9},
               sorted({0, 9, 10, 11, 99, 100, 5000, 9999, 10000, 10**5})))
    add(record("step-noise", "timm.step", {"lr": 1.0, "decay_t": 5, "decay_rate": 0.5, "noise_range_t": [2],
                                           "noise_pct": 0.2, "noise_std": 0.3}, span(20)))
    # ---- multistep
    add(record("multistep-defaults", "timm.multistep", {}, [0, 331, 332, 333, 665, 666, 1000]))
    add(record("multistep-early", "timm.multistep", {"lr": 1.0, "decay_t": [3, 5], "decay_rate": 0.1}, span(8)))
    add(record("multistep-duplicates", "timm.multistep", {"lr": 1.0, "decay_t": [3, 3, 6], "decay_rate": 0.5}, span(9)))
    add(record("multistep-zero-one", "timm.multistep", {"lr": 1.0, "decay_t": [0, 1, 4], "decay_rate": 0.5}, span(6)))
    add(record("multistep-one", "timm.multistep", {"lr": 1.0, "decay_t": [1, 3], "decay_rate": 0.1}, span(5)))
    add(record("multistep-one-noise", "timm.multistep",
               {"lr": 1.0, "decay_t": [1], "decay_rate": 0.5, "noise_range_t": [0], "noise_seed": 5}, span(4)))
    add(record("multistep-warmup-prefix", "timm.multistep",
               {"lr": 1.0, "decay_t": [3, 5], "decay_rate": 0.1, "warmup_t": 3}, span(12)))
    add(record("multistep-warmup-noprefix", "timm.multistep",
               {"lr": 1.0, "decay_t": [2, 5, 8], "decay_rate": 0.1, "warmup_t": 3, "warmup_prefix": False,
                "warmup_lr_init": 0.1}, span(12)))
    add(record("multistep-noise", "timm.multistep",
               {"lr": 1.0, "decay_t": [4, 8], "decay_rate": 0.5, "noise_range_t": [0, 6], "noise_seed": 3}, span(12)))
    # ---- poly
    add(record("poly-defaults", "timm.poly", {}, sorted(set(range(0, 1001, 9)) | {999, 1000, 1001, 10**6})))
    add(record("poly-t10", "timm.poly", {"lr": 1.0, "t_initial": 10}, span(12)))
    add(record("poly-p1-min", "timm.poly", {"lr": 1.0, "t_initial": 10, "power": 1.0, "lr_min": 0.1}, span(12)))
    add(record("poly-cycles-k", "timm.poly",
               {"lr": 1.0, "t_initial": 5, "power": 2.0, "k_decay": 1.5, "cycle_mul": 2.0, "cycle_limit": 3,
                "cycle_decay": 0.5}, span(40)))
    add(record("poly-warmup-noprefix", "timm.poly", {"lr": 1.0, "t_initial": 10, "warmup_t": 3}, span(12)))
    add(record("poly-warmup-prefix", "timm.poly",
               {"lr": 1.0, "t_initial": 10, "warmup_t": 3, "warmup_prefix": True, "warmup_lr_init": 0.1,
                "power": 0.9}, span(15)))
    add(record("poly-logmiss", "timm.poly", {"lr": 1.0, "t_initial": 1, "cycle_mul": 10.0, "cycle_limit": 100,
                                             "lr_min": 0.01}, span(13, *range(108, 114), *range(1108, 1114))))
    add(record("poly-noise", "timm.poly", {"lr": 1.0, "t_initial": 30, "noise_range_t": [0], "noise_pct": 0.05,
                                           "noise_std": 0.1}, span(32)))
    # ---- plateau (timm's train.py loop)
    ref = [1.0] * 8 + [0.5] * 4
    add(record("plateau-torch-reference", "timm.plateau",
               {"lr": 1.0, "metrics": ref, "patience_t": 2, "cooldown_t": 1, "decay_rate": 0.5, "threshold": 0.0,
                "mode": "min"}, span(16)))
    acc = [0.1, 0.3, 0.5, 0.6, 0.65, 0.66, 0.66, 0.66, 0.659, 0.66, 0.66, 0.66, 0.66, 0.66, 0.7, 0.7, 0.7, 0.7,
           0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    add(record("plateau-defaults-accuracy", "timm.plateau", {"metrics": acc}, span(45)))
    add(record("plateau-warmup", "timm.plateau",
               {"lr": 1.0, "metrics": [5.0, 4.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0], "mode": "min", "patience_t": 1,
                "warmup_t": 3, "warmup_lr_init": 0.1}, span(14)))
    add(record("plateau-floor", "timm.plateau",
               {"lr": 1.0, "metrics": [1.0] * 12, "mode": "min", "patience_t": 0, "decay_rate": 0.5, "lr_min": 0.1},
               span(15)))
    add(record("plateau-eps-stall", "timm.plateau",
               {"lr": 1e-7, "metrics": [1.0] * 10, "mode": "min", "patience_t": 0, "decay_rate": 0.5}, span(12)))
    add(record("plateau-noise", "timm.plateau",
               {"lr": 1.0, "metrics": [1.0] * 20, "mode": "min", "patience_t": 3, "noise_range_t": [2]}, span(25)))
    add(record("plateau-noise-uniform-warmup", "timm.plateau",
               {"lr": 1.0, "metrics": [0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7], "patience_t": 1, "warmup_t": 2,
                "noise_range_t": [0, 9], "noise_type": "uniform", "noise_pct": 0.3, "noise_seed": 11}, span(12)))
    add(record("plateau-no-metrics", "timm.plateau", {"lr": 0.3, "warmup_t": 4}, span(8)))
    return out


def main() -> None:
    data = {
        "library": "timm",
        "version": importlib.metadata.version("timm"),
        "torch": torch.__version__,
        "generator": "tests/golden/make_timm.py",
        "cases": cases(),
    }
    head = json.dumps({k: v for k, v in data.items() if k != "cases"})[:-1]
    body = ",\n".join(json.dumps(case, separators=(",", ":")) for case in data["cases"])
    OUT.write_text(f'{head}, "cases": [\n{body}\n]}}\n')  # one case per line
    json.loads(OUT.read_text())
    print(f"wrote {OUT} with {len(data['cases'])} cases (timm {data['version']}, torch {data['torch']})")


if __name__ == "__main__":
    main()
