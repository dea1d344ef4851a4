"""Record NeMo's schedulers per update into tests/golden/trainers_nemo.json (and write the case configs).

NeMo's package does not import without its many dependencies, so the scheduler classes are taken
from the installed file by ``ast`` and executed on torch's ``_LRScheduler``:

    pip install torch==2.13.0 && pip install --no-deps nemo_toolkit   (or unzip the wheel; set NEMO_LR_SCHEDULER)
    python tests/golden/make_trainers_nemo.py

``WarmupPolicy``, ``WarmupAnnealHoldPolicy``, ``CosineAnnealing``, ``WarmupAnnealing``,
``InverseSquareRootAnnealing``, ``_cosine_annealing`` and ``_linear_warmup_with_cosine_annealing``
come from ``nemo/core/optim/lr_scheduler.py`` (nemo_toolkit 3.0.0). Each is built as
``ModelPT.setup_optimization`` builds it (``max_steps`` from ``trainer.max_steps``; the ratios via
the class itself) on a one-parameter SGD and stepped per update (``interval: 'step'``): the lr of
update k is read before ``optimizer.step(); scheduler.step()``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import warnings
from pathlib import Path

import torch
import yaml
from torch.optim.lr_scheduler import _LRScheduler

HERE = Path(__file__).parent
OUT = HERE / "trainers_nemo.json"
NAMES = ("WarmupPolicy", "WarmupAnnealHoldPolicy", "CosineAnnealing", "WarmupAnnealing", "InverseSquareRootAnnealing",
         "_cosine_annealing", "_linear_warmup_with_cosine_annealing")
CASES = [
    ("cosine-warmup", {"lr": 2e-4, "sched": {"name": "CosineAnnealing", "warmup_steps": 10, "min_lr": 2e-5}}, 100),
    ("cosine-constant-steps", {"lr": 1e-3, "sched": {"name": "CosineAnnealing", "warmup_steps": 3, "constant_steps": 20,
                                                     "min_lr": 1e-4}}, 80),
    ("cosine-ratio", {"lr": 1e-3, "sched": {"name": "CosineAnnealing", "warmup_ratio": 0.35, "min_lr": 0.0}}, 10),
    ("warmup-annealing", {"lr": 5e-4, "sched": {"name": "WarmupAnnealing", "warmup_ratio": 0.1, "min_lr": 1e-5}}, 90),
    ("inverse-sqrt", {"lr": 1e-3, "sched": {"name": "InverseSquareRootAnnealing", "warmup_steps": 8, "min_lr": 1e-5}}, 60),
    ("warmup-policy", {"lr": 3e-4, "sched": {"name": "WarmupPolicy", "warmup_steps": 5}}, 30),
]


def classes() -> dict:
    path = os.environ.get("NEMO_LR_SCHEDULER")
    if not path:
        spec = importlib.util.find_spec("nemo")
        path = os.path.join(list(spec.submodule_search_locations)[0], "core", "optim", "lr_scheduler.py")
    tree = ast.parse(Path(path).read_text())
    body = [n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name in NAMES]
    scope = {"math": math, "warnings": warnings, "_LRScheduler": _LRScheduler}
    exec(compile(ast.Module(body=body, type_ignores=[]), path, "exec"), scope)
    return scope


def run(S: dict, optim: dict, max_steps: int) -> dict:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=optim["lr"])
    kwargs = {k: v for k, v in optim["sched"].items() if k != "name"}
    sched = S[optim["sched"]["name"]](opt, max_steps=max_steps, **kwargs)
    lrs = []
    for _ in range(max_steps + 5):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return {"total_steps": max_steps, "steps": list(range(len(lrs))), "lr": lrs}


def main() -> None:
    warnings.simplefilter("ignore")
    S = classes()
    cases = []
    for case_id, optim, max_steps in CASES:
        config = {"trainer": {"max_steps": max_steps, "max_epochs": -1, "accumulate_grad_batches": 1},
                  "model": {"optim": {"name": "fused_adam", **optim}}}
        path = HERE / "nemo_cases" / f"{case_id}.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        cases.append({"id": case_id, "file": f"nemo_cases/{case_id}.yaml", **run(S, optim, max_steps)})
        print(case_id, max_steps)
    doc = {"library": "nemo_toolkit", "version": "3.0.0", "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_nemo.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
