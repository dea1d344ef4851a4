"""Record Megatron-LM's lr per iteration into tests/golden/trainers_megatron.json (and write the case scripts).

Run in a venv with megatron-core (lrviz is not imported):

    pip install torch==2.13.0 && pip install --no-deps megatron-core
    python tests/golden/make_trainers_megatron.py

Each case is a set of launch flags, written as a shell script under
tests/golden/megatron_cases/ (the file lrviz reads). The scheduler is the
real ``megatron.core.optimizer_param_scheduler.OptimizerParamScheduler``
(megatron-core), built with the arguments ``get_optimizer_param_scheduler``
of ``megatron/training/training.py`` computes (transcribed below: that
module needs a full Megatron install), on a stand-in optimizer holding one
param group. It is stepped as ``train_step`` steps it: the constructor's
``step(0)``, then ``step(increment=global_batch_size)`` after each
iteration; the lr of iteration k is the group's lr before its step.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import types
from pathlib import Path

from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler

HERE = Path(__file__).parent
OUT = HERE / "trainers_megatron.json"
DEFAULTS = {"lr": None, "min_lr": 0.0, "lr_decay_style": "linear", "lr_warmup_iters": 0, "lr_warmup_fraction": None,
            "lr_warmup_init": 0.0, "lr_decay_iters": None, "lr_wsd_decay_style": "exponential",
            "lr_wsd_decay_iters": None, "train_iters": None, "train_samples": None, "lr_decay_samples": None,
            "lr_warmup_samples": 0, "lr_wsd_decay_samples": None, "global_batch_size": None}
CASES = [
    ("cosine-fraction", {"lr": 3e-4, "min_lr": 3e-5, "lr_decay_style": "cosine", "lr_warmup_fraction": 0.07,
                         "lr_decay_iters": 180, "train_iters": 200, "global_batch_size": 32}),
    ("linear-warmup-iters", {"lr": 1e-3, "min_lr": 1e-5, "lr_decay_style": "linear", "lr_warmup_iters": 20,
                             "train_iters": 150, "global_batch_size": 8, "lr_warmup_init": 1e-6}),
    ("isr-drops-to-min", {"lr": 2e-3, "min_lr": 1e-4, "lr_decay_style": "inverse-square-root", "lr_warmup_iters": 10,
                          "lr_decay_iters": 120, "train_iters": 160, "global_batch_size": 24}),
    ("wsd-exponential", {"lr": 1e-3, "min_lr": 1e-4, "lr_decay_style": "WSD", "lr_warmup_iters": 10,
                         "lr_wsd_decay_iters": 40, "train_iters": 120, "global_batch_size": 16}),
    ("wsd-minus-sqrt", {"lr": 1e-3, "min_lr": 0.0, "lr_decay_style": "WSD", "lr_wsd_decay_style": "minus_sqrt",
                        "lr_warmup_iters": 5, "lr_wsd_decay_iters": 30, "train_iters": 90, "global_batch_size": 4}),
    ("constant", {"lr": 5e-4, "lr_decay_style": "constant", "lr_warmup_iters": 12, "train_iters": 40,
                  "global_batch_size": 64}),
    ("samples", {"lr": 6e-4, "min_lr": 6e-5, "lr_decay_style": "cosine", "train_samples": 4096,
                 "lr_warmup_samples": 512, "lr_decay_samples": 3584, "global_batch_size": 32}),
]


def get_optimizer_param_scheduler(args, optimizer):
    """megatron/training/training.py (Megatron-LM @ d98e8a64), iteration- and sample-based branches."""
    if args.train_iters:
        if args.lr_decay_iters is None:
            args.lr_decay_iters = args.train_iters
        lr_decay_steps = args.lr_decay_iters * args.global_batch_size
        wd_incr_steps = args.train_iters * args.global_batch_size
        wsd_decay_steps = None
        if args.lr_wsd_decay_iters is not None:
            wsd_decay_steps = args.lr_wsd_decay_iters * args.global_batch_size
        if args.lr_warmup_fraction is not None:
            lr_warmup_steps = args.lr_warmup_fraction * lr_decay_steps
        else:
            lr_warmup_steps = args.lr_warmup_iters * args.global_batch_size
    else:
        args.train_iters = args.train_samples // args.global_batch_size
        if args.lr_decay_samples is None:
            args.lr_decay_samples = args.train_samples
        lr_decay_steps = args.lr_decay_samples
        wd_incr_steps = args.train_samples
        wsd_decay_steps = args.lr_wsd_decay_samples
        if args.lr_warmup_fraction is not None:
            lr_warmup_steps = args.lr_warmup_fraction * lr_decay_steps
        else:
            lr_warmup_steps = args.lr_warmup_samples
    return OptimizerParamScheduler(
        optimizer, init_lr=args.lr_warmup_init, max_lr=args.lr, min_lr=args.min_lr, lr_warmup_steps=lr_warmup_steps,
        lr_decay_steps=lr_decay_steps, lr_decay_style=args.lr_decay_style, start_wd=0.1, end_wd=0.1,
        wd_incr_steps=wd_incr_steps, wd_incr_style="constant", wsd_decay_steps=wsd_decay_steps,
        lr_wsd_decay_style=args.lr_wsd_decay_style)


def script(case_id: str, flags: dict) -> str:
    lines = ["#!/bin/bash", f"# case {case_id}", "TRAIN_ARGS=("]
    for key, value in flags.items():
        lines.append(f"    --{key.replace('_', '-')} {value}")
    lines += [")", "", "torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1", ""]
    return "\n".join(lines)


def run(flags: dict) -> dict:
    args = types.SimpleNamespace(**{**DEFAULTS, **flags})
    optimizer = types.SimpleNamespace(param_groups=[{"lr": 0.0}])
    scheduler = get_optimizer_param_scheduler(args, optimizer)
    lrs = []
    for _ in range(args.train_iters):
        lrs.append(optimizer.param_groups[0]["lr"])
        scheduler.step(increment=args.global_batch_size)
    return {"total_steps": len(lrs), "steps": list(range(len(lrs))), "lr": lrs}


def main() -> None:
    logging.disable(logging.WARNING)
    cases = []
    for case_id, flags in CASES:
        path = HERE / "megatron_cases" / f"{case_id}.sh"
        path.write_text(script(case_id, flags))
        got = run(flags)
        cases.append({"id": case_id, "file": f"megatron_cases/{case_id}.sh", "flags": flags, **got})
        print(case_id, got["total_steps"])
    doc = {"library": "megatron-core", "version": importlib.metadata.version("megatron-core"),
           "generator": "tests/golden/make_trainers_megatron.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
