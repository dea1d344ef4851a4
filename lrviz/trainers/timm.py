"""timm's ``args.yaml`` (what ``train.py`` saves) -> the lr of every update, as ``train.py`` steps it.

How ``train.py`` gets there (pytorch-image-models, timm 1.0.31):

    lr         = args.lr, or when it is unset: lr_base * ratio (sqrt(ratio) for lr_base_scale 'sqrt', or when it
                 is '' and opt contains 'ada' or 'lamb'), ratio = batch_size * world_size * grad_accum_steps / lr_base_size
    len_loader = floor(ceil(N / W) / batch_size)        (the train loader drops the last batch)
    U          = ceil(len_loader / grad_accum_steps)    updates per epoch
    scheduler  = create_scheduler_v2(**scheduler_kwargs(args), updates_per_epoch=U): with sched_on_updates,
                 t_initial, warmup_t, decay_t, milestones and cooldown are multiplied by U; noise at
                 lr_noise * t_initial
    epochs run = cycle length + cooldown (cosine, tanh, poly; cycles from lr_cycle_*; warmup added with
                 warmup_prefix), else epochs (+ warmup_epochs with warmup_prefix); cooldown_epochs then unused
    stepping   = per epoch: step(epoch + 1) after each epoch, so update k trains at lr(k // U);
                 per update: step_update(num_updates) after each update, so update k trains at lr(k).
                 Before the first step the lr is what the constructor wrote: warmup_lr, or the base lr.

The schedule is the ``timm.*`` twin (its ``t`` is timm's ``t``) inside ``stepped``.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import did_you_mean
from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "timm"
TITLE = "timm train.py args.yaml"
SYNTAX = ("yaml", "json")
#: train.py's argparse defaults for the schedule (timm 1.0.31)
DEFAULTS: dict[str, Any] = {
    "sched": "cosine", "epochs": 300, "sched_on_updates": False, "lr": None, "lr_base": 0.1, "lr_base_size": 256,
    "lr_base_scale": "", "warmup_epochs": 5, "warmup_lr": 1e-5, "min_lr": 0.0, "decay_epochs": 90,
    "decay_milestones": [90, 180, 270], "decay_rate": 0.1, "cooldown_epochs": 0, "warmup_prefix": False,
    "patience_epochs": 10, "lr_cycle_mul": 1.0, "lr_cycle_decay": 0.5, "lr_cycle_limit": 1, "lr_k_decay": 1.0,
    "lr_noise": None, "lr_noise_pct": 0.67, "lr_noise_std": 1.0, "seed": 42, "batch_size": 128,
    "grad_accum_steps": 1, "opt": "sgd",
}
SCHEDS = {"cosine": "timm.cosine", "tanh": "timm.tanh", "step": "timm.step", "multistep": "timm.multistep",
          "poly": "timm.poly", "constant": "timm.step"}
MARKERS = ("sched", "epochs", "warmup_epochs", "warmup_lr", "min_lr", "lr_base", "lr_base_size", "opt",
           "sched_on_updates", "decay_epochs", "cooldown_epochs", "lr_cycle_mul", "lr_noise", "model", "smoothing",
           "mixup", "drop_path", "aa", "reprob", "model_ema")


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict) or "sched" not in data:
        return None
    found = [k for k in MARKERS if k in data]
    return len(found), "train.py keys " + ", ".join(found[:4])


def read(doc: Document, options: Options) -> Config:
    sched = doc.text("sched", "cosine")
    if sched == "plateau":
        doc.issue("sched", "plateau follows the eval metric, which args.yaml does not hold")
    elif sched in ("wsd", "rsqrt"):
        doc.issue("sched", f"{sched} (timm's WSDLRScheduler) has no lrviz twin yet")
    elif sched not in SCHEDS and sched != "none":
        doc.issue("sched", f"not a timm scheduler{did_you_mean(str(sched), list(SCHEDS) + ['none', 'plateau'])}")
    epochs = doc.integer("epochs", DEFAULTS["epochs"], minimum=1)
    on_updates = doc.boolean("sched_on_updates", False)
    warmup_epochs = doc.integer("warmup_epochs", DEFAULTS["warmup_epochs"], minimum=0)
    warmup_lr = doc.number("warmup_lr", DEFAULTS["warmup_lr"], minimum=0)
    min_lr = doc.number("min_lr", DEFAULTS["min_lr"], minimum=0)
    cooldown = doc.integer("cooldown_epochs", 0, minimum=0)
    prefix = doc.boolean("warmup_prefix", False)
    decay_rate = doc.number("decay_rate", DEFAULTS["decay_rate"])
    decay_epochs = doc.number("decay_epochs", DEFAULTS["decay_epochs"], above=0)
    milestones = doc.get("decay_milestones", DEFAULTS["decay_milestones"])
    if milestones is None:
        milestones = DEFAULTS["decay_milestones"]
    if not isinstance(milestones, list):
        doc.issue("decay_milestones", "expected a list of epochs")
        milestones = []
    milestones = [doc.number(f"decay_milestones[{i}]", value=m) for i, m in enumerate(milestones)]
    cycle_mul = doc.number("lr_cycle_mul", 1.0, above=0)
    cycle_decay = doc.number("lr_cycle_decay", DEFAULTS["lr_cycle_decay"], minimum=0)
    cycle_limit = doc.integer("lr_cycle_limit", 1, minimum=1)
    k_decay = doc.number("lr_k_decay", 1.0)
    noise = doc.get("lr_noise")
    noise_pct = doc.number("lr_noise_pct", 0.67, minimum=0)
    noise_std = doc.number("lr_noise_std", 1.0, minimum=0)
    seed = doc.integer("seed", 42, minimum=0)
    lr = _lr(doc, options)
    U = _updates_per_epoch(doc, options)
    doc.done()

    unit = U if on_updates else 1
    def scaled(path: str, value: float) -> int | None:
        v = value * unit
        if v != math.floor(v):
            doc.issue(path, f"{value:g} epochs is {v:g} {'updates' if on_updates else 'epochs'}: "
                            "lrviz's timm twins take whole numbers here")
            return None
        return int(v)

    t_initial = epochs * unit
    warmup_t = warmup_epochs * unit
    cooldown_t = cooldown * unit
    params: dict[str, Any] = {}
    if sched in ("cosine", "tanh", "poly"):
        params.update(t_initial=t_initial, lr_min=min_lr, cycle_mul=cycle_mul, cycle_decay=cycle_decay,
                      cycle_limit=cycle_limit)
        if sched != "tanh":
            params["k_decay"] = k_decay
        if sched == "poly":
            params["power"] = decay_rate
    elif sched == "step":
        params.update(decay_t=scaled("decay_epochs", decay_epochs), decay_rate=decay_rate)
    elif sched == "multistep":
        params.update(decay_t=[scaled(f"decay_milestones[{i}]", m) for i, m in enumerate(milestones)],
                      decay_rate=decay_rate)
    elif sched == "constant":
        params.update(decay_t=1, decay_rate=1.0)
    if sched != "none":
        params.update(warmup_t=warmup_t, warmup_lr_init=warmup_lr, warmup_prefix=prefix)
        params.update(_noise(doc, noise, t_initial), noise_pct=noise_pct, noise_std=noise_std, noise_seed=seed)
    doc.done()

    # the epochs train.py runs (create_scheduler_v2's num_epochs)
    if sched in ("cosine", "tanh", "poly"):
        if cycle_mul == 1:
            cycle = t_initial * cycle_limit
        else:
            cycle = int(math.floor(-t_initial * (cycle_mul ** cycle_limit - 1) / (1 - cycle_mul)))
        if prefix:
            cycle += warmup_t
        total_ticks = cycle + cooldown_t
        num_epochs = total_ticks // U if on_updates else total_ticks
    else:
        num_epochs = epochs + (warmup_epochs if prefix else 0)
        if cooldown:
            doc.notes.append(f"cooldown_epochs {cooldown} is not used by {sched} (as in create_scheduler_v2).")
    total = num_epochs * U
    first = warmup_lr if warmup_t else lr
    where = _build.base(doc.source)
    if sched == "none":
        spec = _build.twin(doc, "constant", {}, total_steps=total, lr=lr, label=f"timm no scheduler ({where})")
    else:
        inner = {"name": SCHEDS[sched], "params": params}
        keys = {"schedule": "sched", "": "sched"}
        spec = _build.twin(doc, "stepped", {"schedule": inner, "every": 1 if on_updates else U, "first_lr": first},
                           total_steps=total, lr=lr, keys=keys, label=f"timm {sched} ({where})")
    doc.notes.append(f"{num_epochs} epochs of {U:,} updates, stepped per {'update' if on_updates else 'epoch'}.")
    return _build.config(doc, [spec], total_steps=total, lr=lr, steps_per_epoch=U,
                         title=f"timm train.py: {sched}, {num_epochs} epochs ({where})")


def _noise(doc: Document, noise: Any, t_initial: int) -> dict:
    """noise_range_t = lr_noise * t_initial; timm compares integer t with it, so the bounds round up."""
    if noise is None:
        return {"noise_range_t": None}
    values = noise if isinstance(noise, list) else [noise]
    out = []
    for i, v in enumerate(values[:2]):
        v = doc.number(f"lr_noise[{i}]" if isinstance(noise, list) else "lr_noise", value=v, minimum=0)
        if v is not None:
            out.append(math.ceil(v * t_initial))
    return {"noise_range_t": out or None}


def _lr(doc: Document, options: Options) -> float:
    lr = doc.number("lr", None, minimum=0)
    if lr:
        return lr
    base = doc.number("lr_base", DEFAULTS["lr_base"], minimum=0)
    size = doc.number("lr_base_size", DEFAULTS["lr_base_size"], above=0)
    scale = doc.text("lr_base_scale", "") or ""
    B = doc.integer("batch_size", DEFAULTS["batch_size"], minimum=1)
    G = doc.integer("grad_accum_steps", 1, minimum=1)
    opt = doc.text("opt", "sgd") or "sgd"
    if None in (base, size, B, G):
        return 0.0
    W = options.world_size or 1
    ratio = B * W * G / size
    if not scale:
        scale = "sqrt" if any(o in opt.lower() for o in ("ada", "lamb")) else "linear"
    if scale == "sqrt":
        ratio = ratio ** 0.5
    lr = base * ratio
    doc.notes.append(f"lr {lr:g} = lr_base {base:g} x {scale} of the global batch {B * W * G} / {size:g}"
                     f" ({W} process(es); --world-size).")
    return lr


def _updates_per_epoch(doc: Document, options: Options) -> int:
    if options.steps_per_epoch is not None:
        return options.steps_per_epoch
    B = doc.integer("batch_size", DEFAULTS["batch_size"], minimum=1)
    G = doc.integer("grad_accum_steps", 1, minimum=1)
    if options.dataset_size is None:
        doc.issue("epochs", "timm steps per epoch and per update: the updates per epoch depend on the dataset size; "
                            "give --dataset-size N (and --world-size) or --steps-per-epoch N")
        return 1
    if B is None or G is None:
        return 1
    W = options.world_size or 1
    loader = -(-options.dataset_size // W) // B
    if loader == 0:
        doc.issue("batch_size", f"{options.dataset_size} examples on {W} process(es) give no full batch of {B} "
                                "(train.py drops the last batch)")
        return 1
    return -(-loader // G)
