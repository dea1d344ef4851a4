"""Ultralytics YOLO ``args.yaml`` (``runs/<task>/<name>/args.yaml``) -> the lr of every batch, per param group.

Two curves where they differ: the weights (pg0 with decay, pg1 BN weights:
the same lr) warm up from 0, the biases (pg2) from ``warmup_bias_lr``; both
end the warmup at ``lr0 * lf(epoch)`` (twin ``ultralytics.yolo``). Batches
per epoch ``nb = ceil(ceil(N / W) / (batch // W))`` (``batch // W`` per GPU;
``--dataset-size`` and ``--world-size``) or ``--steps-per-epoch nb``.

``optimizer: auto`` (the default) makes the trainer ignore ``lr0`` and
``momentum``: it picks MuSGD at 0.01 when the run has more than 10000
iterations (ceil(N / max(batch, nbs)) * epochs), else AdamW at
``round(0.002 * 5 / (4 + nc), 6)`` with ``nc`` from the dataset file, and sets
``warmup_bias_lr`` to 0. That is refused with this reason rather than drawn
from ``lr0``.
"""

from __future__ import annotations

import math
from typing import Any

from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "ultralytics"
TITLE = "Ultralytics YOLO args.yaml"
SYNTAX = ("yaml",)
MARKERS = ("lr0", "lrf", "warmup_bias_lr", "cos_lr", "warmup_momentum", "close_mosaic", "imgsz", "mosaic", "nbs",
           "task", "mode", "box", "cls", "dfl", "hsv_h")
OPTIMIZERS = ("SGD", "MuSGD", "Adam", "Adamax", "AdamW", "NAdam", "RAdam", "RMSprop")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict) or "lr0" not in data:
        return None
    found = [k for k in MARKERS if k in data]
    return len(found) + 1, "YOLO keys " + ", ".join(found[:4])


def read(doc: Document, options: Options) -> Config:
    lr0 = doc.number("lr0", 0.01, minimum=0)
    lrf = doc.number("lrf", 0.01)
    cos = doc.boolean("cos_lr", False)
    epochs = doc.integer("epochs", 100, minimum=1)
    warmup = doc.number("warmup_epochs", 3.0)
    bias = doc.number("warmup_bias_lr", 0.1, minimum=0)
    batch = doc.get("batch", 16)
    doc.integer("nbs", 64, minimum=1)  # checked only: it sets the accumulation, which changes no per-batch lr
    if doc.get("time") not in (None, 0):
        doc.issue("time", "a time budget makes the trainer recompute epochs from the measured speed; lrviz cannot know it")
    name = doc.text("optimizer", "auto")
    if isinstance(name, str) and name.lower() == "auto":
        doc.issue("optimizer", f"optimizer: auto ignores lr0={lr0:g}: the trainer picks AdamW at "
                               "round(0.002 * 5 / (4 + nc), 6) for runs of at most 10000 iterations (else MuSGD at 0.01) "
                               "and sets warmup_bias_lr to 0; set optimizer (e.g. SGD) to draw it")
    elif isinstance(name, str) and name.lower() not in {o.lower() for o in OPTIMIZERS}:
        from ..errors import did_you_mean

        doc.issue("optimizer", f"not an optimizer the trainer builds{did_you_mean(name, OPTIMIZERS)}")
    if isinstance(name, str) and name.lower() == "musgd":
        doc.notes.append("MuSGD gives the detection head's groups 3 x lr0 when fine-tuning; those groups are not drawn.")
    nb = _batches(doc, options, batch)
    doc.done()
    total = epochs * nb
    where = _build.base(doc.source)
    base = dict(lrf=lrf, cos_lr=cos, epochs=epochs, warmup_epochs=warmup, warmup_bias_lr=bias, nb=nb)
    specs = [_build.twin(doc, "ultralytics.yolo", {**base, "group": "weights"}, total_steps=total, lr=lr0,
                         keys={k: k for k in base}, label=f"YOLO weights pg0, pg1 ({where})")]
    if bias != 0 and warmup > 0:
        specs.append(_build.twin(doc, "ultralytics.yolo", {**base, "group": "bias"}, total_steps=total, lr=lr0,
                                 keys={k: k for k in base}, label=f"YOLO biases pg2 ({where})"))
    doc.notes.append(f"{epochs} epochs of {nb:,} batches; one step is one batch.")
    return _build.config(doc, specs, total_steps=total, lr=lr0, steps_per_epoch=nb,
                         title=f"Ultralytics YOLO: {'cosine' if cos else 'linear'} to lr0 x {lrf:g} ({where})")


def _batches(doc: Document, options: Options, batch: Any) -> int:
    if options.steps_per_epoch is not None:
        return options.steps_per_epoch
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        doc.issue("batch", f"batch {batch!r} is chosen by AutoBatch at run time; give --steps-per-epoch N (batches per epoch)")
        return 1
    if options.dataset_size is None:
        doc.issue("epochs", "the batches per epoch depend on the dataset size: give --dataset-size N "
                            "(training images; and --world-size) or --steps-per-epoch N")
        return 1
    W = options.world_size or 1
    per_gpu = batch // W
    if per_gpu < 1:
        doc.issue("batch", f"batch {batch} over {W} GPUs leaves no image per GPU")
        return 1
    samples = -(-options.dataset_size // W) if W > 1 else options.dataset_size
    per_gpu = min(per_gpu, options.dataset_size)  # build_dataloader: min(batch, len(dataset))
    return math.ceil(samples / per_gpu)
