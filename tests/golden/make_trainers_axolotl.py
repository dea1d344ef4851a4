"""Record axolotl's lr per update into tests/golden/trainers_axolotl.json (and write the case configs).

axolotl itself is not installed (it pins its own torch); its step count and warmup rule are transcribed
from axolotl-ai-cloud/axolotl @ 067b021c (``src/axolotl/utils/trainer.py`` calculate_total_num_steps without
sample packing, ``src/axolotl/core/builders/base.py`` _configure_warmup_and_logging) and its
``get_cosine_schedule_with_min_lr`` lambda from ``src/axolotl/utils/schedulers.py``. The HF schedulers are
the real ``transformers.get_scheduler`` (as HF's Trainer.create_scheduler calls it, axolotl passing its
warmup as an int ``warmup_steps`` and ``max_steps = total_num_steps``), stepped per update on one SGD param.

    pip install torch==2.13.0 transformers
    python tests/golden/make_trainers_axolotl.py
"""

from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path

import torch
import transformers
import yaml
from torch.optim.lr_scheduler import LambdaLR
from transformers import get_scheduler

HERE = Path(__file__).parent
OUT = HERE / "trainers_axolotl.json"
CASES = [
    ("cosine-ratio-truncates", {"base_model": "m", "learning_rate": 2e-4, "lr_scheduler": "cosine", "warmup_ratio": 0.29,
                                "micro_batch_size": 2, "gradient_accumulation_steps": 2, "num_epochs": 1}, 400),
    ("default-warmup", {"base_model": "m", "learning_rate": 1e-4, "micro_batch_size": 4, "gradient_accumulation_steps": 1,
                        "num_epochs": 2}, 300),
    ("warmup-one-becomes-two", {"base_model": "m", "learning_rate": 1e-4, "lr_scheduler": "linear", "warmup_steps": 1,
                                "micro_batch_size": 1, "num_epochs": 1}, 40),
    ("cosine-min-lr-ratio", {"base_model": "m", "learning_rate": 3e-4, "lr_scheduler": "cosine", "cosine_min_lr_ratio": 0.1,
                             "warmup_steps": 10, "micro_batch_size": 2, "gradient_accumulation_steps": 4,
                             "num_epochs": 3}, 300),
]


def _get_cosine_schedule_with_min_lr_lambda(current_step, *, num_warmup_steps, num_training_steps, min_lr_ratio):
    """axolotl/utils/schedulers.py (transcribed)."""
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    scaling = 0.5 * (1.0 + math.cos(math.pi * progress))
    return (1 - min_lr_ratio) * scaling + min_lr_ratio


def run(cfg: dict, n: int) -> dict:
    batch_size = cfg["micro_batch_size"] * cfg.get("gradient_accumulation_steps", 1)
    total = cfg.get("max_steps") or math.ceil(n * cfg.get("num_epochs", 1) / batch_size)
    if cfg.get("warmup_steps") is not None:
        warmup = cfg["warmup_steps"]
    elif cfg.get("warmup_ratio") is not None:
        warmup = max(int(cfg["warmup_ratio"] * total), 0)
    else:
        warmup = min(int(0.03 * total), 100)
    if warmup == 1:
        warmup = 2
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=cfg["learning_rate"])
    if cfg.get("cosine_min_lr_ratio") is not None:
        sched = LambdaLR(opt, partial(_get_cosine_schedule_with_min_lr_lambda, num_warmup_steps=warmup,
                                      num_training_steps=total, min_lr_ratio=cfg["cosine_min_lr_ratio"]))
    else:
        targs = transformers.TrainingArguments(output_dir="/tmp/x", warmup_steps=warmup, max_steps=total, report_to="none")
        sched = get_scheduler(cfg.get("lr_scheduler", "cosine"), opt, num_warmup_steps=targs.get_warmup_steps(total),
                              num_training_steps=total)
    lrs = []
    for _ in range(total):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return {"total_steps": total, "warmup": warmup, "steps": list(range(total)), "lr": lrs}


def main() -> None:
    cases = []
    for case_id, cfg, n in CASES:
        path = HERE / "axolotl_cases" / f"{case_id}.yaml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False))
        cases.append({"id": case_id, "file": f"axolotl_cases/{case_id}.yaml", "dataset_size": n, **run(cfg, n)})
        print(case_id, cases[-1]["total_steps"], cases[-1]["warmup"])
    doc = {"library": "axolotl (transcribed) + transformers", "version": "067b021c / " + transformers.__version__,
           "generator": "tests/golden/make_trainers_axolotl.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
