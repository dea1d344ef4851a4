"""torchtune recipe YAML (``lr_scheduler: {_component_: ...get_cosine_schedule_with_warmup, num_warmup_steps}``).

The recipe builds the scheduler with ``num_training_steps = epochs *
steps_per_epoch`` and steps it after every optimizer step, where

    len(dataloader) = floor(ceil(N / W) / batch_size)       (DistributedSampler, drop_last=True)
    steps_per_epoch = floor(len(dataloader) / gradient_accumulation_steps), capped by max_steps_per_epoch

(the floor: an epoch's last micro-batches never step). The only scheduler
torchtune ships is HF's cosine with warmup (twin ``hf.cosine``).
``--steps-per-epoch`` gives the updates per epoch directly.
"""

from __future__ import annotations

from typing import Any

from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "torchtune"
TITLE = "torchtune recipe config"
SYNTAX = ("yaml",)
COSINE = "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup"
ALIASES = (COSINE, "torchtune.modules.get_cosine_schedule_with_warmup", "get_cosine_schedule_with_warmup")
KNOWN = ("_component_", "num_warmup_steps", "num_cycles", "last_epoch")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    found = [k for k in ("lr_scheduler", "optimizer", "model", "tokenizer", "checkpointer", "dataset", "loss")
             if isinstance(data.get(k), dict) and "_component_" in data[k]]
    if not found:
        return None
    return len(found) + 3, "_component_ in " + ", ".join(found[:4])


def read(doc: Document, options: Options) -> Config:
    sched = doc.mapping("lr_scheduler")
    if sched is None:
        doc.issue("", "no lr_scheduler: the recipe keeps the optimizer's lr")
        doc.done()
    component = doc.text("lr_scheduler._component_", "")
    if component not in ALIASES:
        doc.issue("lr_scheduler._component_", f"{component!r} is not torchtune's get_cosine_schedule_with_warmup, "
                                              "the scheduler lrviz reproduces")
    for key in sched:
        if key not in KNOWN:
            from ..errors import did_you_mean

            doc.issue(f"lr_scheduler.{key}", f"unknown parameter of get_cosine_schedule_with_warmup{did_you_mean(str(key), KNOWN)}")
    if sched.get("last_epoch", -1) != -1:
        doc.issue("lr_scheduler.last_epoch", "the recipe sets last_epoch itself (global_step - 1); a fixed value is not drawn")
    lr = doc.number("optimizer.lr", None, minimum=0)
    if lr is None:
        doc.issue("optimizer", "no optimizer.lr")
    W = doc.integer("lr_scheduler.num_warmup_steps", None, minimum=0)
    if W is None and "num_warmup_steps" not in sched:
        doc.issue("lr_scheduler", "get_cosine_schedule_with_warmup requires num_warmup_steps")
    cycles = doc.number("lr_scheduler.num_cycles", 0.5)
    epochs = doc.integer("epochs", None, minimum=1)
    if epochs is None and not doc.has("epochs"):
        doc.issue("", "no epochs: the recipe needs it")
    U = _steps_per_epoch(doc, options)
    doc.done()
    T = epochs * U
    where = _build.base(doc.source)
    spec = _build.twin(doc, "hf.cosine", {"num_warmup_steps": W, "num_training_steps": T, "num_cycles": cycles},
                       total_steps=T, lr=lr, keys={"num_warmup_steps": "lr_scheduler.num_warmup_steps",
                                                   "num_cycles": "lr_scheduler.num_cycles", "": "lr_scheduler"},
                       label=f"torchtune cosine ({where})")
    return _build.config(doc, [spec], total_steps=T, lr=lr, steps_per_epoch=U,
                         title=f"torchtune cosine with warmup, {T:,} updates ({where})")


def _steps_per_epoch(doc: Document, options: Options) -> int:
    cap = doc.integer("max_steps_per_epoch", None, minimum=1)
    if options.steps_per_epoch is not None:
        U = options.steps_per_epoch
    else:
        B = doc.integer("batch_size", None, minimum=1)
        G = doc.integer("gradient_accumulation_steps", 1, minimum=1) or 1
        if options.dataset_size is None or B is None:
            doc.issue("epochs", "the updates per epoch depend on the dataset size: give --dataset-size N (with batch_size; "
                                "and --world-size) or --steps-per-epoch N")
            return 1
        W = options.world_size or 1
        U = (-(-options.dataset_size // W) // B) // G
        if U < 1:
            doc.issue("batch_size", "no full accumulation step in an epoch: the recipe would never step")
            return 1
    return min(U, cap) if cap else U
