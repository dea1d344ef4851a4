"""fairseq runs: ``fairseq-train`` flags in a shell script, or the Hydra YAML -> the lr of every update.

    fairseq-train data-bin --arch transformer --optimizer adam --lr 5e-4 --lr-scheduler inverse_sqrt \\
        --warmup-updates 4000 --warmup-init-lr 1e-07 --max-update 100000 --update-freq 8

    lr_scheduler: {_name: inverse_sqrt, warmup_updates: 4000, warmup_init_lr: 1.0e-07}
    optimization: {lr: [0.0005], max_update: 100000}

One step is one successful update (``--update-freq`` micro-batches). The
``inverse_sqrt`` schedule is the ``fairseq.inverse_sqrt`` twin; fairseq's
other schedulers have no lrviz twin yet and are named as such. The run
length is ``--max-update``; with ``--max-update 0`` it is
``--max-epoch`` epochs of ``--steps-per-epoch`` updates.
"""

from __future__ import annotations

from typing import Any

from ..spec import Config
from . import _build
from ._doc import Document, Options
from ._shell import unresolved

NAME = "fairseq"
TITLE = "fairseq arguments"
SYNTAX = ("shell", "yaml")
MARKERS = ("lr_scheduler", "warmup_updates", "warmup_init_lr", "max_update", "update_freq", "arch", "criterion",
           "max_tokens", "task")
OTHER = ("fixed", "polynomial_decay", "cosine", "tri_stage", "step", "triangular", "reduce_lr_on_plateau",
         "pass_through", "manual")


def _flat(data: dict) -> tuple[dict, dict]:
    """Hydra YAML -> the flag names (``lr_scheduler._name`` -> lr_scheduler), with their key paths."""
    if isinstance(data.get("lr_scheduler"), dict):
        flat, paths = {}, {}
        sched = data["lr_scheduler"]
        flat["lr_scheduler"], paths["lr_scheduler"] = sched.get("_name"), "lr_scheduler._name"
        for key, value in sched.items():
            if key != "_name":
                flat[key], paths[key] = value, f"lr_scheduler.{key}"
        for key, value in (data.get("optimization") or {}).items():
            flat[key], paths[key] = value, f"optimization.{key}"
        return flat, paths
    return data, {k: k for k in data}


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("lr_scheduler"), dict) and "_name" in data["lr_scheduler"]:
        return 6, "Hydra keys lr_scheduler._name" + (", optimization" if "optimization" in data else "")
    found = [k for k in MARKERS if k in data]
    if "lr_scheduler" not in found and "warmup_updates" not in found:
        return None
    return len(found) + 1, "flags " + ", ".join("--" + k.replace("_", "-") for k in found[:4])


def read(doc: Document, options: Options) -> Config:
    flat, paths = _flat(doc.data)

    def at(key: str) -> str:
        return paths.get(key, key)

    for key, value in flat.items():
        if unresolved(value):
            doc.issue(at(key), f"{value!r} holds a shell variable this script does not set")
    doc.done()
    kind = flat.get("lr_scheduler", "fixed")
    if kind in OTHER:
        doc.issue(at("lr_scheduler"), f"fairseq's {kind} schedule has no lrviz twin yet (inverse_sqrt has)")
    elif kind != "inverse_sqrt":
        from ..errors import did_you_mean

        doc.issue(at("lr_scheduler"), f"not a fairseq lr scheduler{did_you_mean(str(kind), OTHER + ('inverse_sqrt',))}")
    raw = flat.get("lr", 0.25)
    values = raw if isinstance(raw, list) else (raw.split(",") if isinstance(raw, str) else [raw])
    if len(values) > 1:
        doc.issue(at("lr"), "Cannot use a fixed learning rate schedule with inverse_sqrt (fairseq's reason); give one lr")
    lr = doc.number(at("lr"), None, minimum=0, value=values[0] if values else None)
    W = doc.integer(at("warmup_updates"), 4000, minimum=0, value=flat.get("warmup_updates"))
    init = doc.number(at("warmup_init_lr"), -1.0, value=flat.get("warmup_init_lr"))
    max_update = doc.integer(at("max_update"), 0, minimum=0, value=flat.get("max_update"))
    max_epoch = doc.integer(at("max_epoch"), 0, minimum=0, value=flat.get("max_epoch"))
    doc.done()
    if max_update:
        total = max_update
    elif max_epoch and options.steps_per_epoch:
        total = max_epoch * options.steps_per_epoch
    else:
        doc.issue(at("max_update"), "no --max-update: the run length is --max-epoch epochs; give --steps-per-epoch N "
                                    "(updates per epoch) with --max-epoch, or set --max-update")
        doc.done()
    where = _build.base(doc.source)
    spec = _build.twin(doc, "fairseq.inverse_sqrt", {"warmup_updates": W, "warmup_init_lr": init}, total_steps=total,
                       lr=lr, keys={"warmup_updates": at("warmup_updates"), "warmup_init_lr": at("warmup_init_lr"),
                                    "": at("lr_scheduler")}, label=f"fairseq inverse_sqrt ({where})")
    return _build.config(doc, [spec], total_steps=total, lr=lr, steps_per_epoch=options.steps_per_epoch,
                         title=f"fairseq inverse_sqrt, {total:,} updates ({where})")
