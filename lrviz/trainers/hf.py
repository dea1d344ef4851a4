"""HuggingFace ``TrainingArguments`` as JSON or YAML -> the Trainer's per-update lr.

Files: the JSON ``TrainingArguments.to_json_string()`` writes, the args files
of HF example scripts (``python run_clm.py args.json``), TRL / LLaMA-Factory
YAML, and W&B's ``files/config.yaml`` (``key: {value: ...}``, unwrapped).

How the Trainer gets its numbers (transformers 5.24, ``Trainer.set_initial_training_values``,
``TrainingArguments.get_warmup_steps``, ``Trainer.create_scheduler``)::

    len_dl = ceil(N / (B * W))                  (dataloader_drop_last: floor(floor(N / B) / W))
    U      = max(ceil(len_dl / G), 1)           updates per epoch (>= 4.52; <= 4.51 floored)
    T      = max_steps if max_steps > 0 else ceil(num_train_epochs * U)
    Wu     = int(warmup_steps) if warmup_steps >= 1 else ceil(T * warmup_steps)    (5.x)
           = warmup_steps if warmup_steps > 0 else ceil(T * warmup_ratio)          (4.x)
    lr_k   = learning_rate * lambda(k)          get_scheduler(lr_scheduler_type, Wu, T, lr_scheduler_kwargs)

with ``N`` the dataset size, ``B`` per_device_train_batch_size, ``W`` the
number of processes, ``G`` gradient_accumulation_steps; all in float64 as the
Trainer computes them (``0.07 * 100`` rounds up to 8). The lambdas are the
``hf.*`` twins.
"""

from __future__ import annotations

import difflib
import json
import math
from typing import Any

from ..errors import did_you_mean
from ..spec import Config
from . import _build
from ._doc import Document, Options

NAME = "hf"
TITLE = "HuggingFace TrainingArguments"
DEFAULT_LR = 5e-5

#: lr_scheduler_type -> twin; the Trainer's SchedulerType values (5.24).
TYPES = {
    "linear": "hf.linear", "cosine": "hf.cosine", "cosine_with_restarts": "hf.cosine_with_restarts",
    "polynomial": "hf.polynomial", "constant": "hf.constant", "constant_with_warmup": "hf.constant_with_warmup",
    "inverse_sqrt": "hf.inverse_sqrt", "cosine_with_min_lr": "hf.cosine_with_min_lr",
    "cosine_warmup_with_min_lr": "hf.cosine_warmup_with_min_lr", "warmup_stable_decay": "hf.warmup_stable_decay",
}
METRIC_DRIVEN = ("reduce_lr_on_plateau", "greedy")
#: what get_scheduler passes besides the kwargs: (warmup, training steps)
PASSES = {"constant": (False, False), "constant_with_warmup": (True, False), "inverse_sqrt": (True, False)}

#: the fields that decide the schedule (a near miss of one of them is reported)
FIELDS = ("learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "warmup_ratio", "max_steps",
          "num_train_epochs", "per_device_train_batch_size", "gradient_accumulation_steps", "dataloader_drop_last")
#: every field of TrainingArguments in transformers 5.24 (dataclasses.fields) plus 4.x-only ones:
#: a key close to a schedule field is reported only when it is none of these
KNOWN = frozenset((
    'accelerator_config', 'activation_checkpointing', 'activation_checkpointing_kwargs', 'adam_beta1', 'adam_beta2',
    'adam_epsilon', 'auto_find_batch_size', 'average_tokens_across_devices', 'batch_eval_metrics', 'bf16',
    'bf16_full_eval', 'data_seed', 'dataloader_drop_last', 'dataloader_in_order',
    'dataloader_multiprocessing_context', 'dataloader_num_workers', 'dataloader_persistent_workers',
    'dataloader_pin_memory', 'dataloader_prefetch_factor', 'ddp_backend', 'ddp_broadcast_buffers',
    'ddp_bucket_cap_mb', 'ddp_find_unused_parameters', 'ddp_static_graph', 'ddp_timeout', 'debug', 'deepspeed',
    'disable_tqdm', 'dispatch_batches', 'do_eval', 'do_predict', 'do_train', 'enable_jit_checkpoint',
    'eval_accumulation_steps', 'eval_delay', 'eval_do_concat_batches', 'eval_on_start', 'eval_steps', 'eval_strategy',
    'eval_use_gather_object', 'evaluation_strategy', 'fp16', 'fp16_backend', 'fp16_full_eval', 'fp16_opt_level',
    'fsdp', 'fsdp_config', 'fsdp_min_num_params', 'fsdp_transformer_layer_cls_to_wrap', 'full_determinism',
    'gradient_accumulation_steps', 'gradient_checkpointing', 'gradient_checkpointing_kwargs', 'greater_is_better',
    'group_by_length', 'half_precision_backend', 'hub_always_push', 'hub_model_id', 'hub_private_repo',
    'hub_revision', 'hub_strategy', 'hub_token', 'ignore_data_skip', 'include_for_metrics',
    'include_inputs_for_metrics', 'include_num_input_tokens_seen', 'include_tokens_per_second', 'jit_mode_eval',
    'label_names', 'label_smoothing_factor', 'learning_rate', 'length_column_name', 'liger_kernel_config',
    'load_best_model_at_end', 'local_rank', 'log_level', 'log_level_replica', 'log_on_each_node', 'logging_dir',
    'logging_first_step', 'logging_nan_inf_filter', 'logging_steps', 'logging_strategy', 'lr_scheduler_kwargs',
    'lr_scheduler_type', 'max_grad_norm', 'max_steps', 'metric_for_best_model', 'mp_parameters',
    'neftune_noise_alpha', 'no_cuda', 'num_train_epochs', 'optim', 'optim_args', 'optim_target_modules', 'output_dir',
    'overwrite_output_dir', 'parallelism_config', 'past_index', 'per_device_eval_batch_size',
    'per_device_train_batch_size', 'per_gpu_eval_batch_size', 'per_gpu_train_batch_size', 'prediction_loss_only',
    'project', 'push_to_hub', 'push_to_hub_model_id', 'push_to_hub_organization', 'push_to_hub_token', 'ray_scope',
    'remove_unused_columns', 'report_to', 'restore_callback_states_from_checkpoint', 'resume_from_checkpoint',
    'run_name', 'save_on_each_node', 'save_only_model', 'save_safetensors', 'save_steps', 'save_strategy',
    'save_total_limit', 'seed', 'sharded_ddp', 'skip_memory_metrics', 'split_batches', 'tf32', 'torch_compile',
    'torch_compile_backend', 'torch_compile_mode', 'torch_empty_cache_steps', 'torchdynamo', 'tpu_num_cores',
    'trackio_bucket_id', 'trackio_space_id', 'trackio_static_space_id', 'train_sampling_strategy', 'use_cache',
    'use_cpu', 'use_ipex', 'use_legacy_prediction_loop', 'use_liger_kernel', 'use_mps_device', 'warmup_ratio',
    'warmup_steps', 'weight_decay', 'xpu_backend'
))
#: keys that only TrainingArguments-shaped files have (detection)
MARKERS = ("lr_scheduler_type", "per_device_train_batch_size", "num_train_epochs", "warmup_ratio",
           "gradient_accumulation_steps", "output_dir", "learning_rate", "lr_scheduler_kwargs", "max_steps",
           "logging_steps", "save_strategy", "eval_strategy", "evaluation_strategy", "report_to")
SYNTAX = ("json", "yaml")


def unwrap_wandb(doc: Document) -> Document:
    """W&B's ``config.yaml`` holds every field as ``key: {value: ...}``; give the plain form, same positions."""
    data = doc.data
    if not (isinstance(data, dict) and data and sum(isinstance(v, dict) and "value" in v for v in data.values())
            >= max(1, len(data) - 2) and "lr_scheduler_type" in data and isinstance(data["lr_scheduler_type"], dict)):
        return doc
    plain = {k: v["value"] for k, v in data.items() if isinstance(v, dict) and "value" in v}
    where = {}
    for path, pos in doc.where.items():
        where[path.replace(".value", "", 1) if ".value" in path else path] = pos
    out = Document(doc.source, plain, where)
    out.notes.append("Read from a W&B config.yaml.")
    return out


def sniff(data: Any) -> tuple[int, str] | None:
    """How strongly ``data`` looks like TrainingArguments, and why."""
    if not isinstance(data, dict):
        return None
    found = [k for k in MARKERS if k in data]
    if "lr_scheduler_type" not in found and "per_device_train_batch_size" not in found:
        return None
    return len(found), "TrainingArguments keys " + ", ".join(found[:4])


def read(doc: Document, options: Options) -> Config:
    doc = unwrap_wandb(doc)
    data = doc.data
    for key in data:
        if key not in FIELDS and key not in KNOWN:
            close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.85)
            if close:
                doc.issue(str(key), f"not a TrainingArguments field{did_you_mean(str(key), FIELDS)}")

    lr = doc.number("learning_rate", DEFAULT_LR, minimum=0)
    kind = doc.text("lr_scheduler_type", "linear")
    if isinstance(kind, str) and kind.startswith("SchedulerType."):
        kind = kind.split(".", 1)[1].lower()
    if kind in METRIC_DRIVEN:
        doc.issue("lr_scheduler_type", f"{kind} follows the evaluation metric, which a config does not hold; "
                                       "lrviz cannot draw it from this file")
    elif kind not in TYPES:
        doc.issue("lr_scheduler_type", f"not a SchedulerType of transformers{did_you_mean(str(kind), list(TYPES))}")
    kwargs = _kwargs(doc)

    T, U = _training_steps(doc, options)
    warmup = _warmup(doc, T)
    doc.done()
    handed = _deepspeed_scheduler(doc, lr, T, warmup)
    if handed is not None:
        return handed

    name = TYPES[kind]
    with_warmup, with_total = PASSES.get(kind, (True, True))
    params: dict[str, Any] = dict(kwargs)
    if with_warmup:
        params["num_warmup_steps"] = warmup
    if with_total:
        params["num_training_steps"] = T
    if kind == "warmup_stable_decay":  # get_scheduler passes both
        params["num_training_steps"] = T
    if not with_warmup and warmup:
        doc.notes.append(f"{kind} ignores the warmup ({warmup} updates), as the Trainer does.")
    keys = {k: f"lr_scheduler_kwargs.{k}" for k in kwargs}
    keys.update({"num_warmup_steps": "warmup_steps" if doc.has("warmup_steps") else "warmup_ratio",
                 "num_training_steps": "max_steps" if doc.has("max_steps") else "num_train_epochs",
                 "": "lr_scheduler_type"})
    where = _build.base(doc.source)
    spec = _build.twin(doc, name, params, total_steps=T, lr=lr, keys=keys,
                       label=f"HF Trainer {kind} ({where})")
    title = f"HF Trainer: {kind}, {T:,} updates" + (f", warmup {warmup}" if with_warmup else "") + f" ({where})"
    return _build.config(doc, [spec], total_steps=T, lr=lr, steps_per_epoch=U, title=title)


def _deepspeed_scheduler(doc: Document, lr: float, T: int, warmup: int) -> Config | None:
    """With ``deepspeed`` naming a config that has a ``scheduler`` block, DeepSpeed's scheduler replaces HF's.

    The Trainer fills DeepSpeed's ``"auto"`` values (transformers 5.24,
    ``integrations/deepspeed.py``): warmup_min_lr 0, warmup_max_lr and the
    optimizer lr ``learning_rate``, total_num_steps ``T``, warmup_num_steps
    ``max(1, get_warmup_steps(T))``.
    """
    import os

    from .. import config as yaml_config
    from . import deepspeed as ds
    from ._doc import load_mapping

    value = doc.get("deepspeed")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        path = value if os.path.isabs(value) else os.path.join(os.path.dirname(doc.source), value)
        if not os.path.exists(path):
            doc.issue("deepspeed", f"{value!r} not found (looked for {path}); its scheduler block, if any, replaces "
                                   "lr_scheduler_type, so the curve cannot be drawn without it")
            doc.done()
        sub = load_mapping(yaml_config.read_text(path), path, comments=True)
    elif isinstance(value, dict):
        sub = Document(doc.source, value, {k.removeprefix("deepspeed."): v for k, v in doc.where.items()
                                           if k.startswith("deepspeed.")})
    else:
        doc.issue("deepspeed", "expected the path of a DeepSpeed config or its mapping")
        doc.done()
        return None
    block = sub.data.get("scheduler") if isinstance(sub.data, dict) else None
    if not isinstance(block, dict):
        doc.notes.append("DeepSpeed has no scheduler block: its engine steps the Trainer's scheduler.")
        return None
    params = dict(block.get("params") or {})
    auto = {"warmup_min_lr": 0, "warmup_max_lr": lr, "total_num_steps": T, "warmup_num_steps": max(1, warmup)}
    for key, fill in auto.items():
        if params.get(key) == "auto":
            params[key] = fill
    sub.data = {**sub.data, "scheduler": {**block, "params": params}}
    if isinstance(sub.data.get("optimizer"), dict):
        opt = dict(sub.data["optimizer"])
        opt_params = dict(opt.get("params") or {})
        if opt_params.get("lr") == "auto":
            opt_params["lr"] = lr
        opt["params"] = opt_params
        sub.data["optimizer"] = opt
    else:
        sub.data["optimizer"] = {"type": "AdamW", "params": {"lr": lr}}  # HF's optimizer, at learning_rate
    config = ds.read(sub, Options())
    note = (f"DeepSpeed's {block.get('type')} from {os.path.basename(str(value)) if isinstance(value, str) else 'deepspeed'} "
            f"replaces lr_scheduler_type ('auto' filled in by the Trainer: {T:,} updates).")
    from dataclasses import replace

    return replace(config, total_steps=T, caption=" ".join(filter(None, [note, config.caption])),
                   title=config.title.replace("DeepSpeed", "HF Trainer + DeepSpeed", 1))


def _kwargs(doc: Document) -> dict[str, Any]:
    raw = doc.get("lr_scheduler_kwargs")
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):  # TrainingArguments accepts the JSON text of a dict
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as err:
            doc.issue("lr_scheduler_kwargs", f"a string here must be the JSON of a mapping ({err.msg})")
            return {}
    if not isinstance(raw, dict):
        doc.issue("lr_scheduler_kwargs", "expected a mapping of scheduler parameters")
        return {}
    out = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = doc.number(f"lr_scheduler_kwargs.{key}", value, value=value) if _numeric(value) else value
        out[str(key)] = value
    return out


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _training_steps(doc: Document, options: Options) -> tuple[int, int | None]:
    """T, the optimizer updates the Trainer runs, and U, the updates per epoch (None when not known)."""
    max_steps = doc.integer("max_steps", -1)
    epochs = doc.number("num_train_epochs", 3.0, minimum=0)
    B = doc.integer("per_device_train_batch_size", 8, minimum=1)
    G = doc.integer("gradient_accumulation_steps", 1, minimum=1)
    drop_last = doc.boolean("dataloader_drop_last", False)
    if max_steps == 0:
        doc.issue("max_steps", "0 updates: the Trainer would not train; set max_steps > 0 or -1 (use num_train_epochs)")
        return 1, None
    U = None
    if options.steps_per_epoch is not None:
        U = options.steps_per_epoch
    elif options.dataset_size is not None and B is not None and G is not None:
        N, W = options.dataset_size, options.world_size or 1
        len_dl = (N // B) // W if drop_last else -(-N // (B * W))
        if len_dl == 0:
            doc.issue("per_device_train_batch_size", f"{N} examples give no full batch of {B} per process "
                      f"on {W} process(es) with dataloader_drop_last; the Trainer would not train")
            return 1, None
        U = max(-(-len_dl // G), 1)
        doc.notes.append(f"{N:,} examples, {W} process(es), {len_dl:,} batches and {U:,} updates per epoch.")
    if max_steps is not None and max_steps > 0:
        return max_steps, U
    if U is None:
        doc.issue("num_train_epochs", "the number of updates depends on the dataset size: give --dataset-size N "
                  "(and --world-size), or --steps-per-epoch N (optimizer updates per epoch), or set max_steps")
        return 1, None
    T = math.ceil((epochs if epochs is not None else 3.0) * U)
    if T < 1:
        doc.issue("num_train_epochs", f"{epochs:g} epochs give 0 updates; the Trainer would not train")
        return 1, U
    return T, U


def _warmup(doc: Document, T: int) -> int:
    """``TrainingArguments.get_warmup_steps(T)``: 5.x float warmup_steps, or 4.x warmup_ratio."""
    steps = doc.number("warmup_steps", 0, minimum=0)
    ratio = doc.number("warmup_ratio", 0.0)
    if steps is None or ratio is None:
        return 0
    if ratio < 0 or ratio > 1:
        doc.issue("warmup_ratio", f"the Trainer refuses it: warmup_ratio must lie in range [0,1]; got {ratio:g}")
        return 0
    if ratio > 0 and steps > 0:
        doc.issue("warmup_ratio", "both warmup_ratio and warmup_steps are set: transformers 4.x uses warmup_steps, "
                  "5.0-5.1 use warmup_ratio and 5.2+ refuse warmup_ratio; keep one")
        return 0
    if ratio > 0:
        doc.notes.append(f"warmup_ratio {ratio:g} of {T:,} updates is {math.ceil(T * ratio)} (rounded up, as the Trainer does).")
        return math.ceil(T * ratio)
    if steps >= 1:
        return int(steps)
    if steps > 0:
        doc.notes.append(f"warmup_steps {steps:g} is a ratio: {math.ceil(T * steps)} of {T:,} updates (rounded up).")
    return math.ceil(T * steps)
