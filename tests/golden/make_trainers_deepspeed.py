"""Record DeepSpeed's schedulers, stepped the way its engine steps them, into tests/golden/trainers_deepspeed.json.

Run in a venv with the real library (lrviz is not imported):

    DS_BUILD_OPS=0 pip install torch==2.13.0 deepspeed
    python tests/golden/make_trainers_deepspeed.py

Each case is a DeepSpeed config (``file``). The optimizer is torch's class of
the config's ``optimizer.type`` with ``optimizer.params`` (one parameter);
the scheduler is built as the engine's ``_scheduler_from_config`` does:
``getattr(deepspeed.runtime.lr_schedules, type)`` (or the torch class of that
name) called as ``cls(optimizer, **params)``. Then, like the engine at every
gradient-accumulation boundary (``_take_model_step``), each update runs
``optimizer.step()`` then ``scheduler.step()``; the lr recorded for update k
is ``optimizer.param_groups[0]["lr"]`` when the update runs (and beta1 for
OneCycle's momentum cycle).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import deepspeed
import torch
from deepspeed.runtime import lr_schedules

OUT = Path(__file__).with_name("trainers_deepspeed.json")
ADAMW = {"type": "AdamW", "params": {"lr": 3e-4, "betas": [0.9, 0.999], "weight_decay": 0.01}}

CASES = [
    ("warmuplr-log-default", {"optimizer": ADAMW, "scheduler": {"type": "WarmupLR", "params": {
        "warmup_min_lr": 0, "warmup_max_lr": 0.001, "warmup_num_steps": 50}}}, 120),
    ("warmuplr-linear-optimizer-lr", {"optimizer": ADAMW, "scheduler": {"type": "WarmupLR", "params": {
        "warmup_min_lr": 1e-5, "warmup_num_steps": 40, "warmup_type": "linear"}}}, 100),
    ("warmupdecay-linear", {"optimizer": ADAMW, "scheduler": {"type": "WarmupDecayLR", "params": {
        "warmup_min_lr": 0, "warmup_max_lr": 3e-4, "warmup_num_steps": 30, "total_num_steps": 200,
        "warmup_type": "linear"}}}, 205),
    ("warmupdecay-log-defaults", {"optimizer": ADAMW, "scheduler": {"type": "WarmupDecayLR", "params": {
        "warmup_num_steps": 20, "total_num_steps": 150}}}, 155),
    ("warmupdecay-one-step-warmup", {"optimizer": ADAMW, "scheduler": {"type": "WarmupDecayLR", "params": {
        "warmup_max_lr": 1e-3, "warmup_num_steps": 1, "total_num_steps": 30, "warmup_type": "linear"}}}, 35),
    ("warmupcosine-log", {"optimizer": ADAMW, "scheduler": {"type": "WarmupCosineLR", "params": {
        "total_num_steps": 200, "warmup_num_steps": 25, "cos_min_ratio": 0.1}}}, 210),
    ("warmupcosine-linear-min-ratio", {"optimizer": {"type": "Adam", "params": {"lr": 0.1}}, "scheduler": {
        "type": "WarmupCosineLR", "params": {"total_num_steps": 10, "warmup_num_steps": 4, "cos_min_ratio": 0.1,
                                             "warmup_min_ratio": 0.05, "warmup_type": "linear"}}}, 14),
    ("onecycle", {"optimizer": ADAMW, "scheduler": {"type": "OneCycle", "params": {
        "cycle_min_lr": 1e-5, "cycle_max_lr": 1e-3, "cycle_first_step_size": 40, "cycle_second_step_size": 60,
        "decay_lr_rate": 0.5, "decay_step_size": 10, "cycle_min_mom": 0.85, "cycle_max_mom": 0.95}}}, 160),
    ("onecycle-stairs", {"optimizer": ADAMW, "scheduler": {"type": "OneCycle", "params": {
        "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 30, "cycle_first_stair_count": 5,
        "decay_mom_rate": 0.01, "decay_step_size": 5}}}, 90),
    ("onecycle-sgd-no-momentum", {"optimizer": {"type": "SGD", "params": {"lr": 0.1}}, "scheduler": {
        "type": "OneCycle", "params": {"cycle_min_lr": 0.01, "cycle_max_lr": 0.1, "cycle_first_step_size": 20}}}, 60),
    ("lrrangetest", {"optimizer": ADAMW, "scheduler": {"type": "LRRangeTest", "params": {
        "lr_range_test_min_lr": 1e-5, "lr_range_test_step_size": 10, "lr_range_test_step_rate": 2.0}}}, 80),
    ("lrrangetest-staircase", {"optimizer": ADAMW, "scheduler": {"type": "LRRangeTest", "params": {
        "lr_range_test_min_lr": 1e-4, "lr_range_test_step_size": 7, "lr_range_test_staircase": True}}}, 50),
    ("torch-steplr-per-update", {"optimizer": {"type": "SGD", "params": {"lr": 0.1}}, "scheduler": {
        "type": "StepLR", "params": {"step_size": 10, "gamma": 0.5}}}, 60),
]


def optimizer(block: dict) -> torch.optim.Optimizer:
    cls = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam, "sgd": torch.optim.SGD}[block["type"].lower()]
    params = dict(block["params"])
    if "betas" in params:
        params["betas"] = tuple(params["betas"])
    return cls([torch.nn.Parameter(torch.zeros(1))], **params)


def run(file: dict, n: int) -> dict:
    opt = optimizer(file["optimizer"])
    kind, params = file["scheduler"]["type"], file["scheduler"]["params"]
    cls = getattr(lr_schedules, kind, None) or getattr(torch.optim.lr_scheduler, kind)
    sched = cls(opt, **params)
    lr, mom = [], []
    for _ in range(n):
        lr.append(float(opt.param_groups[0]["lr"]))
        if "betas" in opt.param_groups[0]:
            mom.append(float(opt.param_groups[0]["betas"][0]))
        opt.step()
        sched.step()
    out = {"steps": list(range(n)), "lr": lr}
    if kind == "OneCycle" and "betas" in opt.defaults:
        out["momentum"] = mom
    return out


def main() -> None:
    logging.disable(logging.WARNING)
    cases = [{"id": case_id, "file": file, **run(file, n)} for case_id, file, n in CASES]
    doc = {"library": "deepspeed", "version": deepspeed.__version__, "torch": torch.__version__,
           "generator": "tests/golden/make_trainers_deepspeed.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
