"""Record the per-update lr of the real HuggingFace Trainer into tests/golden/trainers_hf.json.

Run in a venv with the real library (lrviz is not imported):

    pip install torch==2.13.0 transformers accelerate
    python tests/golden/make_trainers_hf.py

Each case is a TrainingArguments file (``file``, the keys a user writes) and a
dataset size. The generator builds ``TrainingArguments(**trainer_args)`` (the
file's keys; ``trainer_args`` differs only where the file uses the 4.x
spelling ``warmup_ratio``, which 5.x replaced by a float ``warmup_steps``
with the same ``ceil(T * ratio)`` rounding), a one-parameter model and a
dataset of ``dataset_size`` examples, and runs the real ``Trainer.train()``
on one CPU process. The lr of update k is read in ``on_pre_optimizer_step``
(``optimizer.param_groups[0]["lr"]``), so the Trainer itself decides the
number of updates (``state.max_steps``), the warmup rounding and the
scheduler built by ``create_scheduler``.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

import torch
import transformers
from transformers import Trainer, TrainerCallback, TrainingArguments

OUT = Path(__file__).with_name("trainers_hf.json")

CASES = [
    # id, file keys, dataset size, trainer_args overrides (4.x spelling -> 5.x)
    ("epochs-fraction-accum", {"learning_rate": 3e-4, "lr_scheduler_type": "cosine", "warmup_steps": 0.1,
                               "num_train_epochs": 2.5, "per_device_train_batch_size": 8,
                               "gradient_accumulation_steps": 3}, 100, None),
    ("ratio-0.07-rounds-up", {"learning_rate": 5e-5, "lr_scheduler_type": "cosine", "warmup_ratio": 0.07,
                              "max_steps": 100, "per_device_train_batch_size": 8}, 64,
     {"warmup_ratio": None, "warmup_steps": 0.07}),
    ("default-linear", {"per_device_train_batch_size": 16, "gradient_accumulation_steps": 4}, 1000, None),
    ("drop-last", {"learning_rate": 1e-3, "per_device_train_batch_size": 24, "num_train_epochs": 2,
                   "dataloader_drop_last": True, "warmup_steps": 5}, 1000, None),
    ("no-drop-last", {"learning_rate": 1e-3, "per_device_train_batch_size": 24, "num_train_epochs": 2,
                      "warmup_steps": 5}, 1000, None),
    ("cosine-min-lr", {"learning_rate": 2e-4, "lr_scheduler_type": "cosine_with_min_lr",
                       "lr_scheduler_kwargs": {"min_lr_rate": 0.1}, "warmup_steps": 10, "num_train_epochs": 1.5,
                       "per_device_train_batch_size": 8, "gradient_accumulation_steps": 2}, 500, None),
    ("wsd", {"learning_rate": 1e-3, "lr_scheduler_type": "warmup_stable_decay",
             "lr_scheduler_kwargs": {"num_decay_steps": 20, "decay_type": "1-sqrt", "min_lr_ratio": 0.05},
             "warmup_steps": 10, "max_steps": 120}, 64, None),
    ("polynomial-kwargs-json-string", {"learning_rate": 1e-3, "lr_scheduler_type": "polynomial",
                                       "lr_scheduler_kwargs": '{"lr_end": 1e-06, "power": 2.0}',
                                       "warmup_steps": 0.25, "max_steps": 80}, 64, None),
    ("constant-ignores-warmup", {"learning_rate": 1e-4, "lr_scheduler_type": "constant", "warmup_steps": 10,
                                 "max_steps": 30}, 64, None),
    ("constant-with-warmup", {"learning_rate": 1e-4, "lr_scheduler_type": "constant_with_warmup",
                              "warmup_steps": 5, "max_steps": 30}, 64, None),
    ("inverse-sqrt", {"learning_rate": 1e-3, "lr_scheduler_type": "inverse_sqrt", "warmup_steps": 10,
                      "lr_scheduler_kwargs": {"timescale": 20}, "max_steps": 100}, 64, None),
    ("restarts", {"learning_rate": 1e-3, "lr_scheduler_type": "cosine_with_restarts",
                  "lr_scheduler_kwargs": {"num_cycles": 3}, "warmup_steps": 0.1, "max_steps": 90}, 64, None),
    ("warmup-1.5-truncates", {"learning_rate": 1e-3, "lr_scheduler_type": "linear", "warmup_steps": 1.5,
                              "max_steps": 20}, 64, None),
]


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x, labels=None):
        return {"loss": ((self.w - x) ** 2).mean()}


class Recorder(TrainerCallback):
    def __init__(self):
        self.lr: list[float] = []

    def on_pre_optimizer_step(self, args, state, control, **kwargs):
        self.lr.append(kwargs["optimizer"].param_groups[0]["lr"])


def run(file: dict, dataset_size: int, overrides: dict | None) -> dict:
    args = {k: v for k, v in {**file, **(overrides or {})}.items() if v is not None}
    data = [{"x": torch.tensor([float(i % 7)])} for i in range(dataset_size)]
    with tempfile.TemporaryDirectory() as out:
        targs = TrainingArguments(output_dir=out, report_to="none", save_strategy="no", logging_strategy="no",
                                  use_cpu=True, disable_tqdm=True, remove_unused_columns=False, **args)
        recorder = Recorder()
        trainer = Trainer(model=Tiny(), args=targs, train_dataset=data, callbacks=[recorder])
        trainer.train()
        T = trainer.state.max_steps
        return {"total_steps": T, "num_warmup_steps": targs.get_warmup_steps(T),
                "steps": list(range(len(recorder.lr))), "lr": recorder.lr}


def main() -> None:
    warnings.simplefilter("ignore")
    cases = []
    for case_id, file, n, overrides in CASES:
        got = run(file, n, overrides)
        cases.append({"id": case_id, "file": file, "dataset_size": n, "world_size": 1,
                      "trainer_args": overrides, **got})
        print(case_id, got["total_steps"], got["num_warmup_steps"])
    doc = {"library": "transformers", "version": transformers.__version__, "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_hf.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
