"""Megatron-LM launch scripts (``--lr-decay-style`` and friends) -> the lr of every iteration.

The flags are read from the script without running it (:mod:`._shell`).
``training.get_optimizer_param_scheduler`` turns them into samples with the
global batch size ``gbs`` (iteration-based runs):

    D   = (lr_decay_iters or train_iters) * gbs
    Wm  = lr_warmup_fraction * D        if --lr-warmup-fraction, else lr_warmup_iters * gbs
    wsd = lr_wsd_decay_iters * gbs

(sample-based runs give ``--lr-decay-samples`` etc. directly and
``train_iters = train_samples // gbs``), and the scheduler steps by ``gbs``
per iteration (twin ``megatron.OptimizerParamScheduler`` with ``increment =
gbs``). ``--lr-warmup-fraction`` is a fraction of the *decay* iterations. A
batch-size ramp (``--rampup-batch-size``) makes the lr a function of samples
that no fixed iteration count gives, and is refused.
"""

from __future__ import annotations

from typing import Any

from ..spec import Config
from . import _build
from ._doc import Document, Options
from ._shell import unresolved

NAME = "megatron"
TITLE = "Megatron-LM arguments"
SYNTAX = ("shell",)
STYLES = {"constant": "constant", "linear": "linear", "cosine": "cosine", "inverse-square-root": "inverse-square-root",
          "wsd": "WSD", "WSD": "WSD"}
MARKERS = ("lr_decay_style", "lr_warmup_iters", "lr_warmup_fraction", "lr_decay_iters", "train_iters", "train_samples",
           "global_batch_size", "micro_batch_size", "tensor_model_parallel_size", "min_lr", "lr_wsd_decay_iters")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    found = [k for k in MARKERS if k in data]
    if not found:
        return None
    return len(found) + 1, "flags " + ", ".join("--" + k.replace("_", "-") for k in found[:4])


def read(doc: Document, options: Options) -> Config:
    for key, value in doc.data.items():
        if unresolved(value) and key in MARKERS + ("lr", "lr_warmup_init", "lr_wsd_decay_style", "lr_decay_samples",
                                                   "lr_warmup_samples", "lr_wsd_decay_samples"):
            doc.issue(key, f"{value!r} holds a shell variable this script does not set; set it in the script "
                           "or write the number")
    doc.done()
    if "rampup_batch_size" in doc.data:
        doc.issue("rampup_batch_size", "a batch-size ramp makes the lr follow consumed samples, not iterations; "
                                       "lrviz draws fixed-batch runs only")
    lr = doc.number("lr", None, minimum=0)
    if lr is None and "lr" not in doc.data:
        doc.issue("", "no --lr: Megatron requires the peak learning rate")
    min_lr = doc.number("min_lr", 0.0, minimum=0)
    init = doc.number("lr_warmup_init", 0.0, minimum=0)
    raw_style = doc.text("lr_decay_style", "linear")
    style = STYLES.get(raw_style) if raw_style else None
    if style is None:
        from ..errors import did_you_mean

        doc.issue("lr_decay_style", f"not a Megatron decay style{did_you_mean(str(raw_style), list(STYLES))}")
    wsd_style = doc.text("lr_wsd_decay_style", "exponential")
    gbs = doc.integer("global_batch_size", None, minimum=1)
    fraction = doc.number("lr_warmup_fraction", None, minimum=0)
    iters = doc.integer("train_iters", None, minimum=1)
    samples = doc.integer("train_samples", None, minimum=1)
    doc.done()
    if gbs is None:
        gbs = 1
        doc.notes.append("No --global-batch-size: drawn in iterations (one sample per iteration).")
    if iters is not None:
        decay_iters = doc.integer("lr_decay_iters", None, minimum=1) or iters
        D = decay_iters * gbs
        Wm = fraction * D if fraction is not None else doc.integer("lr_warmup_iters", 0, minimum=0) * gbs
        wsd_iters = doc.integer("lr_wsd_decay_iters", None, minimum=1)
        wsd = wsd_iters * gbs if wsd_iters is not None else None
        total = iters
    elif samples is not None:
        if "global_batch_size" not in doc.data:
            doc.issue("train_samples", "sample-based training needs --global-batch-size to count iterations")
        D = doc.integer("lr_decay_samples", None, minimum=1) or samples
        Wm = fraction * D if fraction is not None else doc.integer("lr_warmup_samples", 0, minimum=0)
        wsd = doc.integer("lr_wsd_decay_samples", None, minimum=1)
        total = samples // gbs
    else:
        doc.issue("", "either --train-iters or --train-samples should be provided (Megatron raises without)")
        total, D, Wm, wsd = 1, 1, 0, None
    doc.done()
    if fraction is not None:
        doc.notes.append(f"--lr-warmup-fraction {fraction:g} is a fraction of the decay steps: {Wm / gbs:g} iterations.")
    where = _build.base(doc.source)
    params = dict(init_lr=init, min_lr=min_lr, lr_warmup_steps=Wm, lr_decay_steps=D, lr_decay_style=style,
                  lr_wsd_decay_style=wsd_style, increment=gbs)
    if wsd is not None:
        params["wsd_decay_steps"] = wsd
    keys = {"init_lr": "lr_warmup_init", "min_lr": "min_lr", "lr_warmup_steps": "lr_warmup_iters",
            "lr_decay_steps": "lr_decay_iters", "lr_decay_style": "lr_decay_style", "wsd_decay_steps": "lr_wsd_decay_iters",
            "lr_wsd_decay_style": "lr_wsd_decay_style", "lr": "lr", "": "lr_decay_style"}
    spec = _build.twin(doc, "megatron.OptimizerParamScheduler", params, total_steps=max(1, total), lr=lr, keys=keys,
                       label=f"Megatron {raw_style} ({where})")
    return _build.config(doc, [spec], total_steps=max(1, total), lr=lr, steps_per_epoch=None,
                         title=f"Megatron-LM: {raw_style}, {total:,} iterations ({where})")
