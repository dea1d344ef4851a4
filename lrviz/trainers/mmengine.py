"""MMEngine / OpenMMLab Python configs -> the lr of every training iteration, as the Runner steps it.

Read with :mod:`lrviz.trainers._pyconfig` (the literal subset, ``_base_``
merged, never executed). The fields used:

    param_scheduler  a dict or a list of dicts (type, by_epoch=True, begin=0, end, convert_to_iter_based, ...)
    train_cfg        dict(type='EpochBasedTrainLoop', max_epochs=...) | dict(type='IterBasedTrainLoop', max_iters=...)
                     (or by_epoch=True/False with max_epochs / max_iters)
    optim_wrapper.optimizer.lr   the base lr (``optimizer.lr`` in old-style configs)
    train_dataloader.batch_size  per GPU; with auto_scale_lr.enable: lr *= W * batch_size / base_batch_size

The Runner fills a missing ``end`` with max_epochs (by_epoch) or max_iters
*before* ``convert_to_iter_based`` multiplies it by the epoch length. One
step of the curve is one dataloader iteration (``accumulative_counts`` does
not change the stepping). The epoch length ``L = len(train_dataloader)``
per rank is ``ceil(N / (batch_size * W))`` (``floor`` with drop_last), from
``--dataset-size`` / ``--world-size``, or ``--steps-per-epoch L``.
"""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..spec import Config
from ..twins.mmengine import COMMON, REQUIRED, TYPES
from . import _build
from ._doc import Options
from ._pyconfig import PyDocument

NAME = "mmengine"
TITLE = "MMEngine config"
SYNTAX = ("python",)
METRIC = ("ReduceOnPlateauLR",)
MOMENTUM = ("Momentum", "ParamScheduler")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    found = [k for k in ("param_scheduler", "train_cfg", "optim_wrapper", "train_dataloader", "default_hooks",
                         "auto_scale_lr", "model", "optimizer", "lr_config") if k in data]
    if not found:
        return None
    return len(found) + 2, "variables " + ", ".join(found[:4])


def read(doc: PyDocument, options: Options) -> Config:
    data = doc.data
    if "param_scheduler" not in data:
        if "lr_config" in data:
            doc.issue("lr_config", "an MMCV 1.x lr_config (before MMEngine); lrviz reads MMEngine's param_scheduler")
        else:
            doc.issue("", "no param_scheduler in this config or its _base_ files")
        doc.done()
    raw = data["param_scheduler"]
    if doc.opaque("param_scheduler", raw, "param_scheduler"):
        doc.done()
    if isinstance(raw, dict):
        raw, prefix = [raw], None
    elif isinstance(raw, (list, tuple)):
        prefix = "param_scheduler"
    else:
        doc.issue("param_scheduler", "expected a dict or a list of dicts")
        doc.done()
    epoch_based, max_epochs, max_iters = _loop(doc)
    lr = _lr(doc, options)
    schedulers = []
    for i, cfg in enumerate(raw):
        path = f"{prefix}[{i}]" if prefix else "param_scheduler"
        sched = _scheduler(doc, path, cfg, max_epochs, max_iters, epoch_based)
        if sched is not None:
            schedulers.append((path, sched))
    L = _epoch_length(doc, options, epoch_based, max_iters)
    doc.done()
    total = max_epochs * L if epoch_based else max_iters
    if not epoch_based:
        L_sim = total + 1
        if any(s.get("by_epoch", True) and not s.get("convert_to_iter_based") for _, s in schedulers):
            doc.notes.append("An IterBasedTrainLoop never ends an epoch: by_epoch schedulers keep their first value.")
    else:
        L_sim = L
    if lr is None:
        doc.done()
    acc = doc.get("optim_wrapper.accumulative_counts")
    if isinstance(acc, int) and acc > 1:
        doc.notes.append(f"Steps are dataloader iterations; the optimizer updates every {acc}.")
    where = _build.base(doc.source)
    keys = {"schedulers": prefix or "param_scheduler", "": prefix or "param_scheduler"}
    spec = _build.twin(doc, "mmengine.param_scheduler", {"schedulers": [s for _, s in schedulers], "epoch_length": L_sim},
                       total_steps=total, lr=lr, keys=keys, label=f"MMEngine param_scheduler ({where})")
    loop = f"{max_epochs} epochs of {L:,} iterations" if epoch_based else f"{max_iters:,} iterations"
    return _build.config(doc, [spec], total_steps=total, lr=lr, steps_per_epoch=L if epoch_based else None,
                         title=f"MMEngine: {', '.join(s['type'] for _, s in schedulers)}, {loop} ({where})")


def _loop(doc: PyDocument) -> tuple[bool, int, int]:
    cfg = doc.get("train_cfg")
    if cfg is None:
        doc.issue("", "no train_cfg: the number of epochs or iterations is unknown")
        return True, 1, 1
    if doc.opaque("train_cfg", cfg, "train_cfg") or not isinstance(cfg, dict):
        return True, 1, 1
    kind = cfg.get("type")
    by_epoch = cfg.get("by_epoch")
    epoch_based = kind == "EpochBasedTrainLoop" or (kind is None and by_epoch is not False and "max_iters" not in cfg)
    if kind == "IterBasedTrainLoop":
        epoch_based = False
    key = "max_epochs" if epoch_based else "max_iters"
    value = cfg.get(key)
    if doc.opaque(f"train_cfg.{key}", value, key):
        return epoch_based, 1, 1
    n = doc.integer(f"train_cfg.{key}", None, minimum=1, value=value)
    if n is None:
        if value is None:
            doc.issue("train_cfg", f"the {'epoch' if epoch_based else 'iteration'}-based loop needs {key}")
        return epoch_based, 1, 1
    return epoch_based, (n if epoch_based else 1), (n if not epoch_based else 1)


def _lr(doc: PyDocument, options: Options) -> float | None:
    for path in ("optim_wrapper.optimizer.lr", "optimizer.lr"):
        value = doc.get(path)
        if value is not None:
            if doc.opaque(path, value, "the lr"):
                return None
            lr = doc.number(path, None, minimum=0)
            break
    else:
        doc.issue("optim_wrapper", "no optim_wrapper.optimizer.lr: the base lr is unknown")
        return None
    scale = doc.get("auto_scale_lr")
    if isinstance(scale, dict) and scale.get("enable") is True and lr is not None:
        B = doc.integer("train_dataloader.batch_size", None, minimum=1)
        base = doc.number("auto_scale_lr.base_batch_size", None, above=0)
        if B is not None and base is not None:
            W = options.world_size or 1
            lr = lr * (float(W * B) / float(base))
            doc.notes.append(f"auto_scale_lr: lr x {W * B}/{base:g} ({W} process(es); --world-size).")
    return lr


def _scheduler(doc: PyDocument, path: str, cfg: Any, max_epochs: int, max_iters: int, loop_epochs: bool) -> dict | None:
    if doc.opaque(path, cfg, "this scheduler"):
        return None
    if not isinstance(cfg, dict):
        doc.issue(path, "expected a dict(type=...)")
        return None
    kind = cfg.get("type")
    if kind in METRIC:
        doc.issue(f"{path}.type", f"{kind} follows a validation metric, which a config does not hold")
        return None
    if isinstance(kind, str) and any(kind.endswith(m) for m in MOMENTUM) and kind not in TYPES:
        doc.notes.append(f"{kind} does not change the lr; not drawn.")
        return None
    if kind not in TYPES:
        doc.issue(f"{path}.type", f"{kind!r} is not an MMEngine lr scheduler lrviz reproduces"
                                  f"{did_you_mean(str(kind), TYPES)}")
        return None
    out = {}
    for key, value in cfg.items():
        if key not in COMMON and key not in TYPES[kind]:
            doc.issue(f"{path}.{key}", f"unknown parameter of MMEngine {kind}{did_you_mean(str(key), TYPES[kind] + COMMON)}")
            continue
        if key in ("verbose",):
            continue
        out[key] = value
    for key in REQUIRED.get(kind, ()):
        if key not in cfg:
            doc.issue(path, f"MMEngine {kind} requires {key}")
    if cfg.get("last_step", -1) != -1:
        doc.issue(f"{path}.last_step", "a resumed scheduler (last_step != -1) is not drawn")
    out.pop("last_step", None)
    by_epoch = cfg.get("by_epoch", True)
    out.setdefault("end", max_epochs if by_epoch else max_iters)  # what Runner._build_param_scheduler fills in
    for key in ("begin", "end"):
        if key in out:
            doc.integer(f"{path}.{key}", None, minimum=0, value=out[key])
    return out


def _epoch_length(doc: PyDocument, options: Options, epoch_based: bool, max_iters: int) -> int:
    if options.steps_per_epoch is not None:
        return options.steps_per_epoch
    if not epoch_based:
        return max_iters
    B = doc.get("train_dataloader.batch_size")
    if options.dataset_size is None:
        doc.issue("train_cfg", "the epoch length (len(train_dataloader) per GPU) depends on the dataset size: give "
                               "--dataset-size N (and --world-size) or --steps-per-epoch N (iterations per epoch)")
        return 1
    if doc.opaque("train_dataloader.batch_size", B, "batch_size"):
        return 1
    B = doc.integer("train_dataloader.batch_size", None, minimum=1)
    if B is None:
        doc.issue("train_dataloader", "no train_dataloader.batch_size: give --steps-per-epoch N instead")
        return 1
    W = options.world_size or 1
    N = options.dataset_size
    drop = doc.get("train_dataloader.drop_last") is True
    per_rank = -(-N // W)  # DefaultSampler pads to ceil(N / W) per rank
    L = per_rank // B if drop else -(-per_rank // B)
    if L < 1:
        doc.issue("train_dataloader.batch_size", f"{N} examples give no batch of {B} per GPU")
        return 1
    doc.notes.append(f"{N:,} examples, {W} GPU(s): {L:,} iterations per epoch.")
    return L
