"""Record torchtune's cosine schedule as its recipes step it into tests/golden/trainers_torchtune.json.

torchtune's package pulls in torchao and more, so ``get_cosine_schedule_with_warmup`` is taken by ``ast``
from the installed ``torchtune/training/lr_schedulers.py`` (torchtune 0.6.1; or set TORCHTUNE_LR_SCHEDULERS
to that file) and executed with torch's LambdaLR:

    pip install torch==2.13.0 && pip install --no-deps torchtune
    python tests/golden/make_trainers_torchtune.py

The loop is transcribed from ``recipes/full_finetune_single_device.py`` (pytorch/torchtune @ bd2a0fc7):
``num_training_steps = epochs * steps_per_epoch`` with ``steps_per_epoch = len(dataloader) // G`` (capped by
max_steps_per_epoch), ``len(dataloader) = floor(N / batch_size)`` (drop_last); for each batch
``if (idx + 1) % G == 0: optimizer.step(); lr_scheduler.step()``, stopping an epoch at
``idx // G == max_steps_per_epoch``. The lr of each update is read at its optimizer step.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
from pathlib import Path

import torch
import yaml
from torch.optim.lr_scheduler import LambdaLR

HERE = Path(__file__).parent
OUT = HERE / "trainers_torchtune.json"
CASES = [
    ("recipe", {"epochs": 2, "batch_size": 2, "gradient_accumulation_steps": 4, "max_steps_per_epoch": None,
                "optimizer": {"_component_": "torch.optim.AdamW", "lr": 3e-4, "weight_decay": 0.01},
                "lr_scheduler": {"_component_": "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup",
                                 "num_warmup_steps": 10}}, 500),
    ("capped-epochs-cycles", {"epochs": 3, "batch_size": 4, "gradient_accumulation_steps": 2, "max_steps_per_epoch": 20,
                              "optimizer": {"_component_": "torch.optim.AdamW", "lr": 1e-4},
                              "lr_scheduler": {"_component_": "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup",
                                               "num_warmup_steps": 5, "num_cycles": 1.0}}, 300),
]


def cosine():
    path = os.environ.get("TORCHTUNE_LR_SCHEDULERS") or os.path.join(
        list(importlib.util.find_spec("torchtune").submodule_search_locations)[0], "training", "lr_schedulers.py")
    tree = ast.parse(Path(path).read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_cosine_schedule_with_warmup")
    scope = {"math": math, "torch": torch, "LambdaLR": LambdaLR}
    exec(compile(ast.Module(body=[node], type_ignores=[]), path, "exec"), scope)
    return scope["get_cosine_schedule_with_warmup"]


def run(make, cfg: dict, n: int) -> dict:
    G, B = cfg["gradient_accumulation_steps"], cfg["batch_size"]
    batches = n // B
    steps_per_epoch = batches // G
    if cfg["max_steps_per_epoch"] is not None and cfg["max_steps_per_epoch"] < steps_per_epoch:
        steps_per_epoch = cfg["max_steps_per_epoch"]
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=cfg["optimizer"]["lr"])
    kwargs = {k: v for k, v in cfg["lr_scheduler"].items() if k != "_component_"}
    sched = make(opt, num_training_steps=cfg["epochs"] * steps_per_epoch, last_epoch=-1, **kwargs)
    lrs = []
    for _ in range(cfg["epochs"]):
        for idx in range(batches):
            if cfg["max_steps_per_epoch"] is not None and (idx // G) == cfg["max_steps_per_epoch"]:
                break
            if (idx + 1) % G == 0:
                lrs.append(opt.param_groups[0]["lr"])
                opt.step()
                sched.step()
    return {"total_steps": len(lrs), "steps": list(range(len(lrs))), "lr": lrs}


def main() -> None:
    make = cosine()
    cases = []
    for case_id, cfg, n in CASES:
        path = HERE / "torchtune_cases" / f"{case_id}.yaml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False))
        cases.append({"id": case_id, "file": f"torchtune_cases/{case_id}.yaml", "dataset_size": n, **run(make, cfg, n)})
        print(case_id, cases[-1]["total_steps"])
    doc = {"library": "torchtune", "version": "0.6.1", "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_torchtune.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
