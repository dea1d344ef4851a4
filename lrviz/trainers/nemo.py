"""NeMo YAML (``model.optim.sched``) -> the lr of every update.

    model:
      optim: {name: fused_adam, lr: 2e-4, sched: {name: CosineAnnealing, warmup_steps: 500, min_lr: 2e-5}}
    trainer: {max_steps: 100000, max_epochs: -1, accumulate_grad_batches: 1}

``ModelPT.setup_optimization`` gives the scheduler ``max_steps``:
``trainer.max_steps`` when it is >= 0 (it overwrites ``sched.max_steps``),
otherwise ``ceil(steps_per_epoch / accumulate_grad_batches) * max_epochs`` with
``steps_per_epoch = ceil(ceil(N / W) / batch_size)`` (``model.train_ds.batch_size``;
``--dataset-size`` / ``--world-size``, or ``--steps-per-epoch`` updates per epoch).
Ratios become steps with ``int(ratio * max_steps)``. Plain ``${a.b}``
interpolations are resolved; resolvers (``${oc.env:...}``) are refused by name.
The scheduler steps per update (``interval: 'step'``). Twins ``nemo.*``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..errors import did_you_mean
from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "nemo"
TITLE = "NeMo config"
SYNTAX = ("yaml",)
SCHEDS = {"CosineAnnealing": ("constant_steps", "constant_ratio"), "WarmupAnnealing": (), "InverseSquareRootAnnealing": (),
          "WarmupPolicy": ()}
KNOWN = ("name", "warmup_steps", "warmup_ratio", "min_lr", "max_steps", "last_epoch", "constant_steps", "constant_ratio")
OTHER = ("WarmupHoldPolicy", "SquareAnnealing", "SquareRootAnnealing", "NoamAnnealing", "NoamHoldAnnealing",
         "WarmupAnnealHoldPolicy", "WarmupHoldAnnealOneMinusSquareRoot", "WarmupHoldAnnealLinear",
         "T5InverseSquareRootAnnealing", "PolynomialDecayAnnealing", "PolynomialHoldDecayAnnealing", "StepLR",
         "ExponentialLR", "ReduceLROnPlateau", "CyclicLR")
_REF = re.compile(r"^\$\{([A-Za-z_][\w.]*)\}$")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    optim = data.get("model", {}).get("optim") if isinstance(data.get("model"), dict) else None
    if not isinstance(optim, dict):
        return None
    found = ["model.optim"] + [k for k in ("sched", "name", "lr") if k in optim] + [k for k in ("trainer", "exp_manager") if k in data]
    return len(found) + 3, "keys " + ", ".join(found[:4])


def _value(doc: Document, path: str, depth: int = 0) -> Any:
    value = doc.get(path)
    if isinstance(value, str) and "${" in value:
        m = _REF.match(value.strip())
        if not m or depth > 8:
            doc.issue(path, f"{value!r} is an interpolation lrviz does not resolve (only plain ${{a.b}} references)")
            return None
        target = m.group(1)
        if not doc.has(target):
            doc.issue(path, f"{value!r} refers to {target}, which this file does not set")
            return None
        return _value(doc, target, depth + 1)
    return value


def read(doc: Document, options: Options) -> Config:
    base = "model.optim"
    lr = doc.number(f"{base}.lr", None, minimum=0, value=_value(doc, f"{base}.lr"))
    if lr is None and not doc.issues:
        doc.issue(base, "no model.optim.lr")
    sched = doc.mapping(f"{base}.sched")
    if sched is None:
        doc.issue(base, "no model.optim.sched: NeMo then keeps the lr constant")
        doc.done()
    name = doc.text(f"{base}.sched.name")
    if name in OTHER:
        doc.issue(f"{base}.sched.name", f"NeMo's {name} has no lrviz twin yet")
    elif name not in SCHEDS:
        doc.issue(f"{base}.sched.name", f"not a NeMo scheduler{did_you_mean(str(name), list(SCHEDS) + list(OTHER))}")
    for key in sched:
        if key not in KNOWN:
            doc.issue(f"{base}.sched.{key}", f"unknown parameter of NeMo {name}{did_you_mean(str(key), KNOWN)}")
    M = _max_steps(doc, options)
    doc.done()

    def steps_or_ratio(steps_key: str, ratio_key: str) -> int:
        steps = _value(doc, f"{base}.sched.{steps_key}")
        ratio = _value(doc, f"{base}.sched.{ratio_key}")
        if steps is not None and ratio is not None:
            doc.issue(f"{base}.sched.{ratio_key}", f"NeMo asserts: either use {steps_key} or {ratio_key}")
            return 0
        if ratio is not None:
            r = doc.number(f"{base}.sched.{ratio_key}", 0.0, minimum=0, value=ratio)
            return int(r * M)
        return doc.integer(f"{base}.sched.{steps_key}", 0, minimum=0, value=steps) if steps is not None else 0

    params: dict[str, Any] = {"max_steps": M, "warmup_steps": steps_or_ratio("warmup_steps", "warmup_ratio"),
                              "min_lr": doc.number(f"{base}.sched.min_lr", 0.0, minimum=0, value=_value(doc, f"{base}.sched.min_lr"))}
    if name == "CosineAnnealing":
        params["constant_steps"] = steps_or_ratio("constant_steps", "constant_ratio")
    elif "constant_steps" in sched or "constant_ratio" in sched:
        doc.issue(f"{base}.sched", f"{name} does not take constant_steps")
    doc.done()
    where = _build.base(doc.source)
    keys = {k: f"{base}.sched.{k}" for k in params}
    keys["max_steps"] = "trainer.max_steps"
    keys[""] = f"{base}.sched.name"
    spec = _build.twin(doc, f"nemo.{name}", params, total_steps=M, lr=lr, keys=keys, label=f"NeMo {name} ({where})")
    if params["warmup_steps"] and not params.get("constant_steps"):
        doc.notes.append("NeMo's warmup is lr * (t + 1) / (W + 1): update 0 is not 0.")
    return _build.config(doc, [spec], total_steps=M, lr=lr, steps_per_epoch=options.steps_per_epoch,
                         title=f"NeMo {name}, {M:,} updates ({where})")


def _max_steps(doc: Document, options: Options) -> int:
    trainer_steps = doc.integer("trainer.max_steps", None, value=_value(doc, "trainer.max_steps"))
    if trainer_steps is not None and trainer_steps >= 0:
        if trainer_steps == 0:
            doc.issue("trainer.max_steps", "0 steps: nothing is trained")
            return 1
        return trainer_steps
    sched_steps = doc.integer("model.optim.sched.max_steps", None, value=_value(doc, "model.optim.sched.max_steps"))
    epochs = doc.integer("trainer.max_epochs", None, value=_value(doc, "trainer.max_epochs"))
    if epochs is None or epochs < 1:
        if sched_steps is not None and sched_steps > 0:
            return sched_steps
        doc.issue("trainer", "neither trainer.max_steps nor trainer.max_epochs gives the number of updates")
        return 1
    G = doc.integer("trainer.accumulate_grad_batches", 1, minimum=1) or 1
    if options.steps_per_epoch is not None:
        return options.steps_per_epoch * epochs
    B = doc.integer("model.train_ds.batch_size", None, minimum=1, value=_value(doc, "model.train_ds.batch_size"))
    if options.dataset_size is None or B is None:
        doc.issue("trainer.max_epochs", "max_steps comes from the epochs and the dataset size: give --dataset-size N "
                                        "(with model.train_ds.batch_size) or --steps-per-epoch N (updates per epoch)")
        return 1
    W = options.world_size or 1
    per_rank = -(-options.dataset_size // W)
    drop = doc.get("model.train_ds.drop_last") is True
    steps_per_epoch = per_rank // B if drop else -(-per_rank // B)
    return math.ceil(steps_per_epoch / G) * epochs
