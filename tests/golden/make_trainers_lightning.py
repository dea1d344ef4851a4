"""Record the per-update lr of LightningCLI runs into tests/golden/trainers_lightning.json.

Run in a venv with the real library (lrviz is not imported):

    pip install torch==2.13.0 lightning "jsonargparse[signatures]"
    python tests/golden/make_trainers_lightning.py

Each case is a LightningCLI config under tests/golden/lightning_cases/ and a
dataset size. The generator runs the real ``LightningCLI(..., args=["fit",
"--config", file])`` (automatic ``configure_optimizers``: the config's
``optimizer`` and ``lr_scheduler``) on a one-parameter model and a dataset of
``dataset_size`` items with the config's ``data.batch_size``, on one CPU
process, and reads ``optimizer.param_groups[0]["lr"]`` in
``on_before_optimizer_step``: the lr of that update.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import lightning
import torch
from lightning.pytorch import Callback, LightningDataModule, LightningModule
from lightning.pytorch.cli import LightningCLI

HERE = Path(__file__).parent
OUT = HERE / "trainers_lightning.json"
CASES = [("steplr", "steplr.yaml", 30), ("onecycle-accumulate", "onecycle_accumulate.yaml", 75),
         ("cosine-max-steps", "cosine_max_steps.yaml", 23)]
SIZE = {"n": 10}


class TinyModel(LightningModule):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def training_step(self, batch, batch_idx):
        return ((self.w - batch) ** 2).mean()


class TinyData(LightningDataModule):
    def __init__(self, batch_size: int = 1):
        super().__init__()
        self.batch_size = batch_size

    def train_dataloader(self):
        data = torch.arange(SIZE["n"], dtype=torch.float32).reshape(-1, 1)
        return torch.utils.data.DataLoader(data, batch_size=self.batch_size)


class Recorder(Callback):
    def __init__(self):
        self.lr = []

    def on_before_optimizer_step(self, trainer, pl_module, optimizer):
        self.lr.append(float(optimizer.param_groups[0]["lr"]))


def run(file: str, dataset_size: int) -> dict:
    SIZE["n"] = dataset_size
    recorder = Recorder()
    LightningCLI(TinyModel, TinyData, args=["fit", "--config", str(HERE / "lightning_cases" / file)],
                 trainer_defaults=dict(logger=False, enable_checkpointing=False, enable_progress_bar=False,
                                       enable_model_summary=False, accelerator="cpu", devices=1, callbacks=[recorder]),
                 save_config_callback=None)
    return {"total_steps": len(recorder.lr), "steps": list(range(len(recorder.lr))), "lr": recorder.lr}


def main() -> None:
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    cases = []
    for case_id, file, n in CASES:
        got = run(file, n)
        cases.append({"id": case_id, "file": f"lightning_cases/{file}", "dataset_size": n, **got})
        print(case_id, got["total_steps"])
    doc = {"library": "lightning", "version": lightning.__version__, "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_lightning.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
