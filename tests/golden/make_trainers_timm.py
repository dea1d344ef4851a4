"""Record timm's schedulers, built by ``create_scheduler_v2`` and stepped as ``train.py`` steps them,
into tests/golden/trainers_timm.json.

Run in a venv with torch and timm (lrviz is not imported; torchvision is not needed):

    pip install torch==2.13.0 && pip install --no-deps timm
    python tests/golden/make_trainers_timm.py

Each case is an ``args.yaml`` (``file``: the keys a user's file holds), a
dataset size and a world size. ``args`` is train.py's argparse defaults
(``TRAIN_PY_DEFAULTS``, transcribed from pytorch-image-models ``train.py``)
updated with the file. Three lines of train.py are transcribed because
train.py itself needs datasets and a model: the lr from ``lr_base`` when
``args.lr`` is unset, ``len(loader_train) = floor(ceil(N / W) / batch_size)``
(drop_last on the train loader, DistributedSampler padding) and
``updates_per_epoch = ceil(len(loader_train) / grad_accum_steps)``. The
scheduler is the real ``create_scheduler_v2(optimizer,
**scheduler_kwargs(args), updates_per_epoch=U)`` and is stepped like
train.py's loop: for each of the ``num_epochs`` it returns, for each update,
the lr is recorded (``param_groups[0]["lr"]``), ``num_updates += 1`` and
``step_update(num_updates)``; at the end of the epoch ``step(epoch + 1)``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import json
import sys
import types
from pathlib import Path

import torch

OUT = Path(__file__).with_name("trainers_timm.json")

TRAIN_PY_DEFAULTS = {
    "sched": "cosine", "sched_on_updates": False, "lr": None, "lr_base": 0.1, "lr_base_size": 256,
    "lr_base_scale": "", "lr_noise": None, "lr_noise_pct": 0.67, "lr_noise_std": 1.0, "lr_cycle_mul": 1.0,
    "lr_cycle_decay": 0.5, "lr_cycle_limit": 1, "lr_k_decay": 1.0, "warmup_lr": 1e-5, "min_lr": 0.0,
    "epochs": 300, "epoch_repeats": 0.0, "start_epoch": None, "decay_milestones": [90, 180, 270],
    "decay_epochs": 90, "warmup_epochs": 5, "warmup_prefix": False, "cooldown_epochs": 0, "patience_epochs": 10,
    "decay_rate": 0.1, "seed": 42, "batch_size": 128, "grad_accum_steps": 1, "opt": "sgd", "eval_metric": "top1",
}

CASES = [
    ("cosine-epochs-cooldown", {"sched": "cosine", "epochs": 10, "warmup_epochs": 2, "warmup_lr": 1e-3, "min_lr": 1e-4,
                                "lr": 0.5, "cooldown_epochs": 3, "batch_size": 32}, 200, 1),
    ("cosine-updates-lr-base-sqrt", {"sched": "cosine", "sched_on_updates": True, "lr_base": 5e-4, "opt": "adamw",
                                     "batch_size": 64, "grad_accum_steps": 2, "epochs": 20, "warmup_epochs": 3,
                                     "min_lr": 1e-6, "warmup_prefix": True}, 1000, 2),
    ("step-epochs-lr-base-linear", {"sched": "step", "decay_epochs": 3, "decay_rate": 0.5, "epochs": 12,
                                    "warmup_epochs": 1, "opt": "sgd", "cooldown_epochs": 2}, 1000, 1),
    ("multistep-updates", {"sched": "multistep", "sched_on_updates": True, "decay_milestones": [4, 8], "epochs": 10,
                           "warmup_epochs": 1, "lr": 0.1, "batch_size": 50}, 300, 1),
    ("tanh-no-warmup", {"sched": "tanh", "epochs": 8, "warmup_epochs": 0, "lr": 0.2, "batch_size": 16}, 100, 1),
    ("poly-cycles-updates", {"sched": "poly", "sched_on_updates": True, "decay_rate": 2.0, "epochs": 6,
                             "lr_cycle_limit": 2, "lr_cycle_mul": 2.0, "lr_cycle_decay": 0.5, "warmup_epochs": 1,
                             "lr": 0.01, "min_lr": 1e-5, "batch_size": 32}, 160, 1),
    ("cosine-noise-epochs", {"sched": "cosine", "epochs": 30, "warmup_epochs": 3, "lr": 0.1, "lr_noise": [0.3, 0.8],
                             "lr_noise_std": 0.5, "seed": 7, "batch_size": 100}, 400, 1),
    ("constant", {"sched": "constant", "epochs": 6, "warmup_epochs": 2, "lr": 0.05, "batch_size": 10}, 55, 1),
    ("cosine-k-decay-restarts-updates", {"sched": "cosine", "sched_on_updates": True, "epochs": 4, "lr_k_decay": 2.0,
                                         "lr_cycle_limit": 3, "lr_cycle_decay": 0.7, "cooldown_epochs": 2,
                                         "warmup_epochs": 0, "lr": 0.3, "batch_size": 20}, 100, 1),
    ("train-py-defaults-30-epochs", {"sched": "cosine", "epochs": 30, "batch_size": 64}, 200, 1),
]


def load_timm_scheduler() -> types.ModuleType:
    """``timm.scheduler`` without importing the rest of timm (which wants torchvision)."""
    try:
        return importlib.import_module("timm.scheduler")
    except Exception:
        for name in [n for n in sys.modules if n == "timm" or n.startswith("timm.")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("timm")
        package = types.ModuleType("timm")
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        sys.modules["timm"] = package
        return importlib.import_module("timm.scheduler")


S = load_timm_scheduler()


def run(file: dict, dataset_size: int, world_size: int) -> dict:
    args = argparse.Namespace(**{**TRAIN_PY_DEFAULTS, **file})
    args.world_size = world_size
    if not args.lr:  # train.py
        global_batch_size = args.batch_size * args.world_size * args.grad_accum_steps
        batch_ratio = global_batch_size / args.lr_base_size
        if not args.lr_base_scale:
            on = args.opt.lower()
            args.lr_base_scale = "sqrt" if any([o in on for o in ("ada", "lamb")]) else "linear"
        if args.lr_base_scale == "sqrt":
            batch_ratio = batch_ratio ** 0.5
        args.lr = args.lr_base * batch_ratio
    len_loader = -(-dataset_size // world_size) // args.batch_size
    updates_per_epoch = (len_loader + args.grad_accum_steps - 1) // args.grad_accum_steps
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=args.lr)
    scheduler, num_epochs = S.create_scheduler_v2(optimizer, **S.scheduler_kwargs(args),
                                                  updates_per_epoch=updates_per_epoch)
    lrs = []
    num_updates = 0
    for epoch in range(num_epochs):
        for _ in range(updates_per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            num_updates += 1
            scheduler.step_update(num_updates=num_updates)
        scheduler.step(epoch + 1)
    return {"lr_used": args.lr, "updates_per_epoch": updates_per_epoch, "num_epochs": num_epochs,
            "total_steps": len(lrs), "steps": list(range(len(lrs))), "lr": lrs}


def main() -> None:
    cases = []
    for case_id, file, n, w in CASES:
        got = run(file, n, w)
        cases.append({"id": case_id, "file": file, "dataset_size": n, "world_size": w, **got})
        print(case_id, got["num_epochs"], got["updates_per_epoch"], got["total_steps"])
    doc = {"library": "timm", "version": importlib.metadata.version("timm"), "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_timm.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
