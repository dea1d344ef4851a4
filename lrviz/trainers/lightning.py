"""LightningCLI YAML (``--config``, ``--print_config``, the saved ``config.yaml``) -> the lr of every update.

    trainer: {max_epochs: 10, max_steps: -1, accumulate_grad_batches: 1}
    optimizer: {class_path: torch.optim.AdamW, init_args: {lr: 0.001}}
    lr_scheduler: {class_path: torch.optim.lr_scheduler.OneCycleLR, init_args: {max_lr: 0.01, total_steps: 100}}

LightningCLI's own ``configure_optimizers`` returns ``[optimizer],
[lr_scheduler]``, which Lightning gives its default scheduler config:
``interval: "epoch"``, ``frequency: 1``; the YAML cannot change them. So the
scheduler (a ``torch.*`` twin) steps once per epoch, after the epoch's last
update: every update of epoch ``e`` runs at the scheduler's value after ``e``
steps (``stepped``). Updates per epoch ``U = ceil(batches / accumulate_grad_batches)``,
batches per rank ``ceil(N / (batch_size * W))`` from ``data.init_args.batch_size``
and ``--dataset-size`` / ``--world-size``, or ``--steps-per-epoch U``. The run has
``U * max_epochs`` updates (``max_epochs`` None and ``max_steps`` -1 mean 1000
epochs), capped at ``max_steps``.
"""

from __future__ import annotations

from typing import Any

from ..spec import Config
from . import _build, _torch
from ._doc import Document, Options

NAME = "lightning"
TITLE = "LightningCLI config"
SYNTAX = ("yaml",)


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    found = [k for k in ("trainer", "model", "data", "optimizer", "lr_scheduler", "ckpt_path", "seed_everything")
             if k in data]
    has_class = any(isinstance(data.get(k), dict) and "class_path" in data[k] for k in ("optimizer", "lr_scheduler", "model"))
    if "trainer" not in found or not has_class:
        return None
    return len(found) + 2, "keys " + ", ".join(found[:4]) + " with class_path"


def read(doc: Document, options: Options) -> Config:
    sched = doc.mapping("lr_scheduler")
    opt = doc.mapping("optimizer")
    if sched is None:
        injected = doc.get("model.init_args.scheduler") or doc.get("model.init_args.lr_scheduler")
        if injected is not None:
            doc.issue("model.init_args", "the scheduler is injected into the model: its configure_optimizers decides "
                                         "the interval, which the YAML does not say")
        else:
            doc.issue("", "no lr_scheduler: the lr stays at the optimizer's")
        doc.done()
    for key in ("interval", "frequency", "monitor"):
        if key in sched:
            doc.issue(f"lr_scheduler.{key}", f"LightningCLI does not read {key} from the config: its configure_optimizers "
                                             "steps the scheduler once per epoch (interval 'epoch', frequency 1)")
    lr = doc.number("optimizer.init_args.lr", None, minimum=0) if opt is not None else None
    if lr is None and not doc.issues:
        doc.issue("optimizer", "no optimizer.init_args.lr: the scheduler's base lr is unknown")
    path = doc.text("lr_scheduler.class_path", None)
    if path is None:
        doc.issue("lr_scheduler", "expected class_path and init_args")
        doc.done()
    if path.endswith("ReduceLROnPlateau"):
        doc.issue("lr_scheduler.class_path", "ReduceLROnPlateau follows the monitored metric, which a config does not hold")
    kind = _torch.class_name(path)
    args = doc.mapping("lr_scheduler.init_args") or {}
    params = _torch.params(doc, "lr_scheduler.class_path", kind, args)
    U, epochs, max_steps = _updates(doc, options)
    doc.done()
    total = U * epochs
    if max_steps is not None and max_steps > 0:
        total = min(total, max_steps)
    where = _build.base(doc.source)
    inner = {"name": f"torch.{kind}", "params": params}
    keys = {"schedule": "lr_scheduler.init_args", "": "lr_scheduler.class_path"}
    spec = _build.twin(doc, "stepped", {"schedule": inner, "every": U}, total_steps=total, lr=lr, keys=keys,
                       label=f"Lightning {kind}, per epoch ({where})")
    doc.notes.append(f"LightningCLI steps the scheduler once per epoch (interval 'epoch'): {U:,} updates per epoch.")
    return _build.config(doc, [spec], total_steps=total, lr=lr, steps_per_epoch=U,
                         title=f"LightningCLI: {kind} per epoch, {total:,} updates ({where})")


def _updates(doc: Document, options: Options) -> tuple[int, int, int | None]:
    G = doc.integer("trainer.accumulate_grad_batches", 1, minimum=1)
    max_epochs = doc.integer("trainer.max_epochs", None, minimum=0)
    max_steps = doc.integer("trainer.max_steps", -1)
    if max_epochs is None:
        max_epochs = 1000 if (max_steps is None or max_steps == -1) else 10**9
    if doc.get("trainer.limit_train_batches") not in (None, 1, 1.0):
        doc.issue("trainer.limit_train_batches", "limits the batches per epoch; give the resulting --steps-per-epoch instead")
    if options.steps_per_epoch is not None:
        U = options.steps_per_epoch
    elif options.dataset_size is not None:
        where = "data.init_args.batch_size" if doc.has("data.init_args.batch_size") else "data.batch_size"
        B = doc.integer(where, None, minimum=1)
        if B is None:
            doc.issue("data", "no data batch_size: give --steps-per-epoch N (optimizer updates per epoch)")
            return 1, 1, None
        W = options.world_size or 1
        batches = -(-options.dataset_size // (B * W))
        U = -(-batches // (G or 1))
        doc.notes.append(f"{options.dataset_size:,} examples, {W} process(es): {batches:,} batches per epoch.")
    else:
        doc.issue("trainer", "the updates per epoch depend on the dataset size: give --dataset-size N (and --world-size) "
                             "or --steps-per-epoch N (optimizer updates per epoch)")
        return 1, 1, None
    if max_epochs == 10**9:
        max_epochs = -(-max_steps // U)
    return U, max_epochs, max_steps
