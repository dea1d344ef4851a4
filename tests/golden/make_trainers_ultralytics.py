"""Record the Ultralytics YOLO trainer's per-batch lr of each param group into tests/golden/trainers_ultralytics.json.

Run where the ultralytics wheel is installed (lrviz is not imported; ultralytics itself is not imported
either, since its package needs torchvision; its source files are read):

    pip install torch==2.13.0 && pip install --no-deps ultralytics==8.4.190
    python tests/golden/make_trainers_ultralytics.py

The trainer needs a dataset and a model to run, so the generator runs the
library's own code around a one-parameter optimizer instead:
``BaseTrainer._setup_scheduler`` and ``BaseTrainer._get_warmup_iterations``
(taken by ``ast`` from ``ultralytics/engine/trainer.py``) and ``one_cycle``
(from ``ultralytics/utils/torch_utils.py``) are executed on a stand-in
``self`` holding the case's args, with a real torch SGD optimizer of three
param groups tagged as ``build_optimizer`` tags them (weight, bn, bias). The
epoch loop is transcribed from ``BaseTrainer._do_train`` (8.4.190):
``scheduler.last_epoch = start_epoch - 1``; at each epoch start
``scheduler.step()``; for each batch ``ni = i + nb * epoch`` and, while
``nw and ni <= nw``, every group's lr is ``np.interp(ni, [0, nw],
[warmup_bias_lr if bias else 0.0, initial_lr * lf(epoch)])``. The lr of
each group is recorded per batch.
"""

from __future__ import annotations

import ast
import warnings
import importlib.metadata
import importlib.util
import json
import math
import types
from pathlib import Path

import numpy as np
import torch
from torch import optim

OUT = Path(__file__).with_name("trainers_ultralytics.json")
ROOT = Path(importlib.util.find_spec("ultralytics").submodule_search_locations[0])

CASES = [
    ("linear-defaults", {"optimizer": "SGD", "lr0": 0.01, "lrf": 0.01, "epochs": 10, "warmup_epochs": 3.0,
                         "warmup_bias_lr": 0.1, "batch": 16, "cos_lr": False}, 200),
    ("cosine", {"optimizer": "SGD", "lr0": 0.02, "lrf": 0.05, "epochs": 12, "warmup_epochs": 2.5,
                "warmup_bias_lr": 0.05, "batch": 8, "cos_lr": True}, 100),
    ("adamw-no-bias-warmup", {"optimizer": "AdamW", "lr0": 0.001, "lrf": 0.1, "epochs": 6, "warmup_epochs": 1.0,
                              "warmup_bias_lr": 0.0, "batch": 32, "cos_lr": True}, 300),
    ("warmup-capped-at-epochs-minus-one", {"optimizer": "SGD", "lr0": 0.01, "lrf": 0.2, "epochs": 3,
                                           "warmup_epochs": 5.0, "warmup_bias_lr": 0.1, "batch": 10}, 95),
    ("no-warmup", {"optimizer": "SGD", "lr0": 0.01, "lrf": 0.01, "epochs": 5, "warmup_epochs": 0.0, "batch": 4}, 30),
]


def _function(path: Path, name: str, cls: str | None = None) -> types.FunctionType:
    """A function (or method) of a source file, compiled from its own ast, with math and optim in scope."""
    tree = ast.parse(path.read_text())
    nodes = tree.body
    if cls:
        nodes = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    node = next(n for n in nodes if isinstance(n, ast.FunctionDef) and n.name == name)
    node.decorator_list = []
    module = ast.Module(body=[node], type_ignores=[])
    scope = {"math": math, "optim": optim, "np": np}
    exec(compile(module, str(path), "exec"), scope)
    return scope[name]


one_cycle = _function(ROOT / "utils" / "torch_utils.py", "one_cycle")
setup_scheduler = _function(ROOT / "engine" / "trainer.py", "_setup_scheduler", "BaseTrainer")
warmup_iterations = _function(ROOT / "engine" / "trainer.py", "_get_warmup_iterations", "BaseTrainer")
setup_scheduler.__globals__["one_cycle"] = one_cycle


def run(args: dict, dataset_size: int) -> dict:
    a = types.SimpleNamespace(**{"warmup_momentum": 0.8, "momentum": 0.937, "cos_lr": False, "warmup_bias_lr": 0.1, **args})
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
    groups = [{"params": [params[0]], "param_group": "weight"}, {"params": [params[1]], "param_group": "bn"},
              {"params": [params[2]], "param_group": "bias"}]
    trainer = types.SimpleNamespace(args=a, epochs=a.epochs)
    trainer.optimizer = optim.SGD(groups, lr=a.lr0, momentum=a.momentum, nesterov=True)
    setup_scheduler(trainer)
    nb = math.ceil(dataset_size / min(a.batch, dataset_size))  # build_dataloader, one process
    nw = warmup_iterations(trainer, nb)
    trainer.scheduler.last_epoch = -1  # start_epoch - 1
    lrs = {"weights": [], "bn": [], "bias": []}
    for epoch in range(a.epochs):
        trainer.scheduler.step()
        for i in range(nb):
            ni = i + nb * epoch
            if nw and ni <= nw:
                xi = [0, nw]
                for x in trainer.optimizer.param_groups:
                    x["lr"] = float(np.interp(ni, xi, [a.warmup_bias_lr if x.get("param_group") == "bias" else 0.0,
                                                       x["initial_lr"] * trainer.lf(epoch)]))
            for key, x in zip(("weights", "bn", "bias"), trainer.optimizer.param_groups):
                lrs[key].append(x["lr"])
            trainer.optimizer.step()
    return {"nb": nb, "nw": nw, "total_steps": len(lrs["weights"]), "steps": list(range(len(lrs["weights"]))),
            "lr": lrs["weights"], "lr_bn": lrs["bn"], "lr_bias": lrs["bias"]}


def main() -> None:
    warnings.simplefilter("ignore")
    cases = []
    for case_id, args, n in CASES:
        got = run(args, n)
        cases.append({"id": case_id, "file": args, "dataset_size": n, **got})
        print(case_id, got["nb"], got["nw"], got["total_steps"])
    doc = {"library": "ultralytics", "version": importlib.metadata.version("ultralytics"), "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_ultralytics.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
