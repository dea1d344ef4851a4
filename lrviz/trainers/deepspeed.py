"""DeepSpeed config JSON (hjson-lite: comments allowed), the ``scheduler`` block -> the engine's per-update lr.

    {"optimizer": {"type": "AdamW", "params": {"lr": 3e-4}},
     "scheduler": {"type": "WarmupDecayLR",
                   "params": {"warmup_min_lr": 0, "warmup_max_lr": 3e-4, "warmup_num_steps": 1000,
                              "total_num_steps": 100000}}}

``type`` is one of DeepSpeed's own schedulers (the ``deepspeed.*`` twins,
with DeepSpeed's defaults: the warmup is logarithmic unless ``warmup_type:
linear``) or, as the engine falls back to ``getattr(torch.optim.lr_scheduler,
type)``, any torch scheduler (the ``torch.*`` twins), built as ``cls(optimizer,
**params)``. Either way the engine steps it once per optimizer update, so a
torch "epoch" scheduler ticks per update here.

The run length is not in a DeepSpeed config: the curve spans
``total_num_steps`` where the scheduler has one, otherwise a length chosen
from its own parameters (said in the caption). ``"auto"`` values are filled
in by the HF Trainer from its TrainingArguments, not by DeepSpeed; a file
holding them is refused here with that reason.
"""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "deepspeed"
TITLE = "DeepSpeed config"
SYNTAX = ("json", "yaml")
OWN = ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest")
#: the torch schedulers lrviz has twins for, by class name
TORCH = ("LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
         "PolynomialLR", "CosineAnnealingLR", "ChainedScheduler", "SequentialLR", "ReduceLROnPlateau", "CyclicLR",
         "OneCycleLR", "CosineAnnealingWarmRestarts")
MARKERS = ("train_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "zero_optimization",
           "scheduler", "optimizer", "fp16", "bf16", "gradient_clipping", "steps_per_print", "wall_clock_breakdown",
           "zero_allow_untested_optimizer")
#: the parameters DeepSpeed's own classes take
PARAMS = {
    "WarmupLR": ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "warmup_type", "last_batch_iteration"),
    "WarmupDecayLR": ("total_num_steps", "warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "warmup_type",
                      "last_batch_iteration"),
    "WarmupCosineLR": ("total_num_steps", "warmup_min_ratio", "warmup_num_steps", "cos_min_ratio", "warmup_type",
                       "last_batch_iteration"),
    "OneCycle": ("cycle_min_lr", "cycle_max_lr", "decay_lr_rate", "cycle_first_step_size", "cycle_second_step_size",
                 "cycle_first_stair_count", "cycle_second_stair_count", "decay_step_size", "cycle_momentum",
                 "cycle_min_mom", "cycle_max_mom", "decay_mom_rate", "last_batch_iteration"),
    "LRRangeTest": ("lr_range_test_min_lr", "lr_range_test_step_size", "lr_range_test_step_rate",
                    "lr_range_test_staircase", "last_batch_iteration"),
}
REQUIRED = {"WarmupDecayLR": ("total_num_steps",), "WarmupCosineLR": ("total_num_steps",),
            "OneCycle": ("cycle_min_lr", "cycle_max_lr")}
AUTO = {"warmup_min_lr": "0", "warmup_max_lr": "learning_rate", "warmup_num_steps": "max(1, its warmup steps)",
        "total_num_steps": "its number of updates", "lr": "learning_rate"}


def sniff(data: Any) -> tuple[int, str] | None:
    if not isinstance(data, dict):
        return None
    found = [k for k in MARKERS if k in data]
    block = data.get("scheduler")
    if isinstance(block, dict) and "type" in block and "params" in block:
        found.insert(0, "scheduler.type")
        found.append("scheduler")  # a DeepSpeed-shaped scheduler block counts twice
    elif not ({"zero_optimization", "train_micro_batch_size_per_gpu", "train_batch_size"} & set(found)):
        return None
    return len(found), "keys " + ", ".join(dict.fromkeys(found[:4]))


def read(doc: Document, options: Options) -> Config:
    block = doc.mapping("scheduler")
    if block is None:
        if not doc.issues:
            doc.issue("", "no scheduler block: the engine then keeps the optimizer's lr constant, or (under the HF "
                          "Trainer) steps the Trainer's own scheduler; read the TrainingArguments file for that")
        doc.done()
    kind = doc.text("scheduler.type")
    if kind is None:
        doc.issue("scheduler", "the scheduler block needs a type")
    raw = doc.mapping("scheduler.params") or {}
    if "params" not in block:
        doc.issue("scheduler", "the scheduler block needs params (DeepSpeed refuses it without)")
    doc.unknown_keys("scheduler", ("type", "params"), "the scheduler block")
    lr = _optimizer_lr(doc)
    for key, value in raw.items():
        if value == "auto":
            doc.issue(f"scheduler.params.{key}", f"'auto' is filled in by the HF Trainer ({AUTO.get(key, 'from its args')}), "
                      "not by DeepSpeed; write the number, or read the Trainer's TrainingArguments file")
    doc.done()
    if kind in OWN:
        return _own(doc, kind, raw, lr)
    if kind in TORCH:
        return _torch(doc, kind, raw, lr, options)
    doc.issue("scheduler.type", f"not a DeepSpeed scheduler nor a torch.optim.lr_scheduler class"
                                f"{did_you_mean(str(kind), OWN + TORCH)}")
    doc.done()
    raise AssertionError("unreachable")


def _optimizer_lr(doc: Document) -> float | None:
    if doc.get("optimizer.params.lr") == "auto":
        doc.issue("optimizer.params.lr", "'auto' is filled in by the HF Trainer (learning_rate), not by DeepSpeed; "
                                         "write the number, or read the Trainer's TrainingArguments file")
        return None
    return doc.number("optimizer.params.lr", None, minimum=0)


def _own(doc: Document, kind: str, raw: dict, lr: float | None) -> Config:
    doc.unknown_keys("scheduler.params", PARAMS[kind], f"DeepSpeed {kind}")
    for key in REQUIRED.get(kind, ()):
        if key not in raw:
            doc.issue("scheduler.params", f"DeepSpeed {kind} requires {key}")
    if raw.get("last_batch_iteration", -1) not in (-1, None):
        doc.issue("scheduler.params.last_batch_iteration", "a resumed schedule (last_batch_iteration != -1) is not drawn; "
                                                          "remove it to draw the run from its start")
    params = {k: v for k, v in raw.items() if k != "last_batch_iteration"}
    for key, value in list(params.items()):
        if isinstance(value, str) and key not in ("warmup_type",):
            params[key] = doc.number(f"scheduler.params.{key}", value)
    needs_lr = kind == "WarmupCosineLR" or (kind == "WarmupLR" and params.get("warmup_max_lr") is None)
    if needs_lr and lr is None:
        what = "scales" if kind == "WarmupCosineLR" else "warms up to (warmup_max_lr is not set)"
        doc.issue("optimizer", f"{kind} {what} the optimizer's lr: set optimizer.params.lr")
    doc.done()
    total, why = _length(kind, params)
    where = _build.base(doc.source)
    keys = {k: f"scheduler.params.{k}" for k in params}
    keys[""] = "scheduler.type"
    spec = _build.twin(doc, f"deepspeed.{kind}", params, total_steps=total, lr=lr if lr is not None else 0.0,
                       keys=keys, label=f"DeepSpeed {kind} ({where})")
    if why:
        doc.notes.append(why)
    if kind in ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR") and params.get("warmup_type", "log") == "log":
        doc.notes.append("The warmup is logarithmic (DeepSpeed's default warmup_type: log).")
    return _build.config(doc, [spec], total_steps=total, lr=lr or 0.0, steps_per_epoch=None,
                         title=f"DeepSpeed {kind}, {total:,} updates ({where})")


def _length(kind: str, params: dict) -> tuple[int, str]:
    """How many updates to draw, and why when the config does not say."""
    if isinstance(params.get("total_num_steps"), (int, float)) and params["total_num_steps"] >= 1:
        return int(params["total_num_steps"]), ""
    warm = params.get("warmup_num_steps", 1000)
    if kind == "WarmupLR":
        n = 2 * max(2, int(warm) if isinstance(warm, (int, float)) else 1000)
        return n, f"The run length is not in a DeepSpeed config; drawn to {n:,} updates (twice the warmup)."
    if kind == "OneCycle":
        first = params.get("cycle_first_step_size", 2000)
        second = params.get("cycle_second_step_size") or first
        n = int(1.5 * (first + second))
        return n, f"The run length is not in a DeepSpeed config; drawn to {n:,} updates (1.5 cycles)."
    size = params.get("lr_range_test_step_size", 2000)
    n = int(10 * size)
    return n, f"The run length is not in a DeepSpeed config; drawn to {n:,} updates (10 step sizes)."


def _torch(doc: Document, kind: str, raw: dict, lr: float | None, options: Options) -> Config:
    if lr is None:
        doc.issue("optimizer", f"torch {kind} starts from the optimizer's lr: set optimizer.params.lr")
    if kind == "ReduceLROnPlateau":
        doc.issue("scheduler.type", "ReduceLROnPlateau follows a metric, which a config does not hold")
    doc.done()
    params = dict(raw)
    total = None
    for key in ("total_steps", "T_max", "total_iters"):
        if isinstance(params.get(key), int) and params[key] >= 1:
            total = params[key] + 1
            break
    if total is None:
        total = options.steps_per_epoch or 1000
        doc.notes.append(f"The run length is not in a DeepSpeed config; drawn to {total:,} updates.")
    doc.notes.append(f"The engine steps torch {kind} once per optimizer update.")
    where = _build.base(doc.source)
    keys = {k: f"scheduler.params.{k}" for k in params}
    keys[""] = "scheduler.type"
    spec = _build.twin(doc, f"torch.{kind}", params, total_steps=total, lr=lr, keys=keys,
                       label=f"DeepSpeed torch {kind} ({where})")
    return _build.config(doc, [spec], total_steps=total, lr=lr, steps_per_epoch=None,
                         title=f"DeepSpeed (torch {kind}), {total:,} updates ({where})")
