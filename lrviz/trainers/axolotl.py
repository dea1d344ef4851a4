"""axolotl YAML -> the lr of every update (axolotl drives the HF Trainer, but fixes the step count itself).

From axolotl-ai-cloud/axolotl @ 067b021c (``utils/trainer.py``
``calculate_total_num_steps``, ``core/builders/base.py``
``_configure_warmup_and_logging``, ``utils/schedulers.py``):

    batch_size = micro_batch_size * gradient_accumulation_steps * W
    T = max_steps, else ceil(N * num_epochs / batch_size)            (without sample_packing)
    warmup = warmup_steps if set, else max(int(warmup_ratio * T), 0) if set, else min(int(0.03 * T), 100);
             a warmup of 1 becomes 2 (truncation, unlike HF's ceil)
    lr_scheduler (default cosine): HF's SchedulerType names (the hf.* twins, lr_scheduler_kwargs passed);
             cosine with cosine_min_lr_ratio r: warmup t / max(1, W), then (1 - r) * 0.5 * (1 + cos(pi p)) + r
             (the hf.cosine_with_min_lr twin with min_lr_rate = r gives the same floats)

``one_cycle``, ``rex``, ``cosine_constant_lr_ratio``, ``lr_quadratic_warmup``
and ``sample_packing`` (a data-dependent step count) are named, not drawn.
"""

from __future__ import annotations

import math
from typing import Any

from ..spec import Config
from . import _build, hf
from ._doc import Document, Options

NAME = "axolotl"
TITLE = "axolotl config"
SYNTAX = ("yaml",)
MARKERS = ("base_model", "micro_batch_size", "num_epochs", "lr_scheduler", "datasets", "adapter", "sequence_len",
           "lora_r", "val_set_size", "output_dir", "cosine_min_lr_ratio")
OWN = ("one_cycle", "rex")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict) or not ("micro_batch_size" in data or "base_model" in data):
        return None
    found = [k for k in MARKERS if k in data]
    return len(found) + 1, "keys " + ", ".join(found[:4])


def read(doc: Document, options: Options) -> Config:
    lr = doc.number("learning_rate", None, minimum=0)
    if lr is None and not doc.has("learning_rate"):
        doc.issue("", "no learning_rate: axolotl requires it")
    kind = doc.text("lr_scheduler", "cosine")
    for key, why in (("cosine_constant_lr_ratio", "axolotl's cosine with a constant tail"),
                     ("lr_quadratic_warmup", "axolotl's quadratic warmup"), ("jagged_restart_steps", "jagged restarts"),
                     ("relora_steps", "ReLoRA restarts")):
        if doc.get(key) not in (None, False):
            doc.issue(key, f"{why} has no lrviz twin yet")
    if kind in OWN:
        doc.issue("lr_scheduler", f"axolotl's {kind} scheduler has no lrviz twin yet")
    elif kind not in hf.TYPES and kind not in hf.METRIC_DRIVEN:
        from ..errors import did_you_mean

        doc.issue("lr_scheduler", f"not a scheduler axolotl builds{did_you_mean(str(kind), list(hf.TYPES) + list(OWN))}")
    elif kind in hf.METRIC_DRIVEN:
        doc.issue("lr_scheduler", f"{kind} follows the evaluation metric, which a config does not hold")
    if doc.get("sample_packing") and options.steps_per_epoch is None:
        doc.issue("sample_packing", "sample packing makes the step count data-dependent (axolotl estimates it from "
                                    "token counts); give --steps-per-epoch N (updates per epoch) from the run's log")
    ratio_min = doc.number("cosine_min_lr_ratio", None, minimum=0, maximum=1)
    T = _total(doc, options)
    if doc.get("warmup_steps") is not None and doc.get("warmup_ratio") is not None:
        doc.issue("warmup_ratio", "axolotl refuses warmup_steps and warmup_ratio together")
    doc.done()
    warmup_steps = doc.get("warmup_steps")
    if warmup_steps is not None:
        W = doc.integer("warmup_steps", 0, minimum=0)
    elif doc.get("warmup_ratio") is not None:
        W = max(int(doc.number("warmup_ratio", 0.0, minimum=0) * T), 0)
    else:
        W = min(int(0.03 * T), 100)
        doc.notes.append(f"No warmup given: axolotl's default min(int(0.03 T), 100) = {W}.")
    if W == 1:
        W = 2
        doc.notes.append("A warmup of 1 step becomes 2 (axolotl).")
    doc.done()
    where = _build.base(doc.source)
    kwargs = dict(doc.mapping("lr_scheduler_kwargs") or {})
    if kind == "cosine" and ratio_min is not None:
        name, params = "hf.cosine_with_min_lr", {"num_warmup_steps": W, "num_training_steps": T, "min_lr_rate": ratio_min}
    else:
        name = hf.TYPES[kind]
        with_warmup, with_total = hf.PASSES.get(kind, (True, True))
        params = dict(kwargs)
        if with_warmup:
            params["num_warmup_steps"] = W
        if with_total or kind == "warmup_stable_decay":
            params["num_training_steps"] = T
    keys = {k: f"lr_scheduler_kwargs.{k}" for k in kwargs}
    keys.update({"num_warmup_steps": "warmup_steps", "min_lr_rate": "cosine_min_lr_ratio", "": "lr_scheduler"})
    spec = _build.twin(doc, name, params, total_steps=T, lr=lr, keys=keys, label=f"axolotl {kind} ({where})")
    return _build.config(doc, [spec], total_steps=T, lr=lr, steps_per_epoch=None,
                         title=f"axolotl: {kind}, {T:,} updates, warmup {W} ({where})")


def _total(doc: Document, options: Options) -> int:
    max_steps = doc.integer("max_steps", None, minimum=1)
    if max_steps:
        return max_steps
    epochs = doc.number("num_epochs", 1.0, above=0)
    if options.steps_per_epoch is not None:
        return math.ceil(options.steps_per_epoch * (epochs or 1.0))
    mbs = doc.integer("micro_batch_size", 1, minimum=1)
    G = doc.integer("gradient_accumulation_steps", 1, minimum=1)
    if options.dataset_size is None:
        doc.issue("num_epochs", "axolotl counts the steps from the dataset size: give --dataset-size N (examples after "
                                "its preprocessing; and --world-size) or --steps-per-epoch N, or set max_steps")
        return 1
    if None in (mbs, G, epochs):
        return 1
    batch = mbs * G * (options.world_size or 1)
    return max(1, math.ceil(options.dataset_size * epochs / batch))
