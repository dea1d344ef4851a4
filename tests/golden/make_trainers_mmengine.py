"""Record MMEngine's lr per training iteration, from its own Runner, into tests/golden/trainers_mmengine.json.

Run in a venv with the real library (lrviz is not imported):

    pip install torch==2.13.0 mmengine
    python tests/golden/make_trainers_mmengine.py

Each case is a config file under tests/golden/mmengine_cases/ (some with
``_base_`` files), loaded with the real ``mmengine.Config.fromfile``, and a
dataset size and world size. The generator runs the real ``Runner`` on one
CPU process with the config's ``train_cfg``, ``param_scheduler``,
``optim_wrapper`` and ``auto_scale_lr``, a one-parameter model and a
dataset of ``dataset_size`` items with the config's ``batch_size``
(DefaultSampler, so ``len(train_dataloader)`` is the real one). The
``world_size`` of ``Runner.scale_lr`` is patched to the case's. A hook of
priority ``VERY_HIGH`` reads the lr in ``before_train_iter``: the lr of that
iteration. The Runner itself fills ``end``, converts epoch-based schedulers
and steps them through its ParamSchedulerHook.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import mmengine
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner

HERE = Path(__file__).parent
OUT = HERE / "trainers_mmengine.json"
CASES = [
    ("base-child", "base_child.py", 50, 1),
    ("delete-and-convert", "delete_and_convert.py", 30, 1),
    ("iter-based", "iter_based.py", 10, 1),
    ("overlap-and-defaults", "overlap_and_defaults.py", 20, 1),
    ("restarts-auto-scale-lr", "restarts_scaled.py", 12, 1),
    ("cosine-epochs-drop-last", "cosine_epochs.py", 70, 1),
]


class Tiny(BaseModel):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x, mode="loss"):
        return {"loss": ((self.w - x.float()) ** 2).mean()}


class Data(torch.utils.data.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": torch.tensor([float(i % 5)])}


class Recorder(Hook):
    priority = "VERY_HIGH"

    def __init__(self):
        self.lr = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lr.append(float(runner.optim_wrapper.get_lr()["lr"][0]))


def run(file: str, dataset_size: int, world_size: int) -> dict:
    cfg = Config.fromfile(str(HERE / "mmengine_cases" / file))
    recorder = Recorder()
    batch = cfg.get("train_dataloader", {}).get("batch_size", 1)
    loader = dict(dataset=Data(dataset_size), batch_size=batch,
                  drop_last=cfg.get("train_dataloader", {}).get("drop_last", False),
                  sampler=dict(type="DefaultSampler", shuffle=False), collate_fn=dict(type="default_collate"))
    train_cfg = dict(cfg.train_cfg)
    train_cfg.pop("val_interval", None)
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner(model=Tiny(), work_dir=work_dir, train_dataloader=loader, train_cfg=train_cfg,
                        optim_wrapper=cfg.optim_wrapper, param_scheduler=cfg.param_scheduler,
                        auto_scale_lr=cfg.get("auto_scale_lr"), custom_hooks=[recorder],
                        default_hooks=dict(checkpoint=None, logger=None), log_level="ERROR")
        runner._world_size = world_size
        runner.train()
        epoch_length = len(runner.train_dataloader)
    return {"epoch_length": epoch_length, "total_steps": len(recorder.lr), "steps": list(range(len(recorder.lr))),
            "lr": recorder.lr}


def main() -> None:
    logging.disable(logging.WARNING)
    cases = []
    for case_id, file, n, w in CASES:
        got = run(file, n, w)
        cases.append({"id": case_id, "file": f"mmengine_cases/{file}", "dataset_size": n, "world_size": w, **got})
        print(case_id, got["epoch_length"], got["total_steps"])
    doc = {"library": "mmengine", "version": mmengine.__version__, "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_mmengine.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
