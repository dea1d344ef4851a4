"""A torch scheduler named by class (``torch.optim.lr_scheduler.StepLR`` or ``StepLR``) -> its ``torch.*`` twin.

Shared by the formats that build a torch scheduler from a class name and
keyword arguments (LightningCLI ``class_path`` / ``init_args``, DeepSpeed's
fallback, torchtune and NeMo ``_component_`` / ``name``). The keywords are
torch's own, checked against the twin; ``last_epoch`` other than -1 (a
resumed scheduler) is refused, ``verbose`` dropped, and the arguments torch
requires are asked for instead of taking the twin's defaults.
"""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..spec import ScheduleSpec
from . import _build
from ._doc import Document

PREFIXES = ("torch.optim.lr_scheduler.", "torch.optim.")
CLASSES = ("LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
           "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
           "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR")
REQUIRED = {"StepLR": ("step_size",), "MultiStepLR": ("milestones",), "ExponentialLR": ("gamma",),
            "CosineAnnealingLR": ("T_max",), "CyclicLR": ("base_lr", "max_lr"), "CosineAnnealingWarmRestarts": ("T_0",),
            "OneCycleLR": ("max_lr",), "LambdaLR": ("lr_lambda",), "MultiplicativeLR": ("lr_lambda",)}


def class_name(path: str) -> str:
    """``torch.optim.lr_scheduler.StepLR`` -> ``StepLR`` (other module paths are kept whole)."""
    for prefix in PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


def params(doc: Document, where: str, kind: str, args: dict | None) -> dict[str, Any] | None:
    """The twin parameters of torch ``kind`` from its keyword arguments at ``where``; None after an issue."""
    if kind == "ReduceLROnPlateau":
        doc.issue(where, "ReduceLROnPlateau follows a monitored metric, which a config does not hold")
        return None
    if kind in ("SequentialLR", "ChainedScheduler"):
        doc.issue(where, f"{kind} wraps scheduler objects a config cannot hold")
        return None
    if kind not in CLASSES:
        doc.issue(where, f"{kind!r} is not a torch scheduler lrviz has a twin for{did_you_mean(kind, CLASSES)}")
        return None
    out = {}
    for key, value in (args or {}).items():
        if key == "verbose":
            continue
        if key == "last_epoch":
            if value not in (-1, None):
                doc.issue(f"{where}.{key}", "a resumed scheduler (last_epoch != -1) is not drawn")
            continue
        if key == "optimizer":
            continue
        out[key] = value
    missing = [k for k in REQUIRED.get(kind, ()) if k not in out]
    if kind == "OneCycleLR" and "total_steps" not in out and not ("epochs" in out and "steps_per_epoch" in out):
        missing.append("total_steps (or epochs and steps_per_epoch)")
    if missing:
        doc.issue(where, f"torch {kind} requires {', '.join(missing)}")
        return None
    return out


def twin(doc: Document, where: str, kind: str, args: dict, *, total_steps: int, lr: float, label: str,
         args_path: str) -> ScheduleSpec | None:
    keys = {k: f"{args_path}.{k}" for k in args}
    keys[""] = where
    return _build.twin(doc, f"torch.{kind}", args, total_steps=total_steps, lr=lr, keys=keys, label=label)
