"""Starter configs for ``lrviz init``: commented text a user edits, never a file it overwrites.

    starter()         warmup + cosine on 10,000 steps, every common key of an lrviz config commented
    starter("wsd")    one registered schedule (or twin) with each parameter at its registry default,
                      its unit in a comment; a parameter whose default depends on others is left
                      commented out (the schedule then works it out), ``lr`` and ``total_steps`` go to
                      the top level, where every schedule shares them
    starter("hf")     a HuggingFace TrainingArguments YAML args file (what ``lrviz plot`` reads as HF)

Every starter passes ``lrviz check`` and draws with ``lrviz plot`` (tests/test_cli_habits.py).
A schedule with a parameter that has no default is refused, naming it: there is no value to start from.
"""

from __future__ import annotations

from typing import Any

from .errors import UsageError

DEFAULT = "warmup_cosine"
TRAINERS = ("hf",)
"""Trainer formats ``lrviz init`` writes a starter for (the others: start from the file your trainer writes)."""


def choices() -> str:
    """What ``lrviz init`` takes, for its help and errors."""
    return f"nothing (warmup + cosine), a schedule name (see 'lrviz list'), or a trainer format ({', '.join(TRAINERS)})"


def default_file(what: str | None) -> str:
    """The file ``lrviz init WHAT`` writes without ``-o``: ``lr.yaml``, ``wsd.yaml``, ``hf_training_args.yaml``."""
    if what is None:
        return "lr.yaml"
    if what in TRAINERS:
        return f"{what}_training_args.yaml"
    return what.replace(".", "_") + ".yaml"


def starter(what: str | None = None) -> str:
    """The starter text for ``what`` (see the module docstring); an unknown word is a usage error naming the choices."""
    if what is None:
        return _DEFAULT_TEXT
    if what in TRAINERS:
        return _HF_TEXT
    from . import registry
    from .errors import UnknownName

    try:
        name, entry = registry.lookup(what)
    except UnknownName:
        from .errors import did_you_mean

        from .trainers import FORMATS

        if what in FORMATS:
            raise UsageError(f"init {what}: no {what} starter; lrviz init writes one for {', '.join(TRAINERS)}; "
                             f"start from the file {what} writes itself") from None
        raise UsageError(f"init {what}: neither a schedule name nor a trainer format"
                         f"{did_you_mean(what, registry.names() + list(TRAINERS))}; give {choices()}") from None
    return _schedule_text(name, entry)


def _yaml(value: Any) -> str:
    """One value in YAML flow style (``0.1``, ``linear``, ``[30, 60]``)."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return text[:-4].strip() if text.endswith("\n...") else text.removesuffix("...").strip()


def _schedule_text(name: str, entry) -> str:
    from .params import signature

    params = signature(entry.factory)
    required = [p.name for p in params.values() if p.required]
    if required:
        raise UsageError(f"init {name}: {', '.join(required)} {'has' if len(required) == 1 else 'have'} no default to "
                         f"start from; see 'lrviz show {name}' and write {'it' if len(required) == 1 else 'them'} "
                         "into a config (or start from 'lrviz init')")
    lr = params["lr"].default if "lr" in params and params["lr"].default is not None else 0.1
    total = params["total_steps"].default if "total_steps" in params and params["total_steps"].default else 10000
    lines = [
        f"# lrviz config: {name}, {entry.summary}.",
        f"# Its formula and every parameter: lrviz show {name}",
        "# Draw it: lrviz plot FILE      Check it: lrviz check FILE",
        f'title: "{name}"',
        f"total_steps: {_yaml(total)}   # updates of the run; shared by every schedule below",
        f"lr: {_yaml(lr)}   # peak (or base) lr, shared by every schedule below",
        "# steps_per_epoch: 500   # lets durations be written in epochs ('5ep') and draws --x epochs",
        "schedules:",
        f"  - name: {name}",
        f"    label: {name}   # the legend's label",
    ]
    rest = [p for p in params.values() if p.name not in ("lr", "total_steps")]
    if rest:
        lines.append("    params:")
    for p in rest:
        if p.default is None:
            lines.append(f"      # {p.name}:   # {p.unit}; default: worked out by the schedule (lrviz show {name})")
        else:
            lines.append(f"      {p.name}: {_yaml(p.default)}   # {p.unit}")
    lines += _PLOT_LINES
    return "\n".join(lines) + "\n"


_PLOT_LINES = [
    "plot:",
    "  style: default   # default (screen), paper (3.5 in column, serif), dark",
    "  logy: false   # logarithmic lr axis",
    "  annotate: true   # phase boundaries, peak and final lr",
    "  # layout: overlay   # overlay, grid (a panel per schedule), stack (lr above momentum); default: auto",
    "  # x: steps   # steps, epochs (needs steps_per_epoch), fraction",
    "  # size: 8,4.5   # inches W,H, or column, page, screen",
    "  # dpi: 150   # PNG resolution",
    "# output: lr.png   # the file 'lrviz plot' writes without -o (relative to where you run it)",
]

_DEFAULT_TEXT = "\n".join([
    "# lrviz config: linear warmup, then cosine decay, over 10,000 steps.",
    "# Draw it: lrviz plot FILE      Check it: lrviz check FILE      A schedule's parameters: lrviz show NAME",
    'title: "Warmup + cosine, 10,000 steps"   # the figure title',
    "# caption: one sentence on what the figure shows",
    "total_steps: 10000   # updates (optimizer steps) of the run; or '90ep' with steps_per_epoch",
    "lr: 3.0e-4   # the peak lr, shared by every schedule below unless its params set lr",
    "# steps_per_epoch: 500   # lets durations be written in epochs ('5ep') and draws --x epochs",
    "# counting: cumulative   # cumulative, epoch_restart or epoch_constant: how steps count within epochs",
    "schedules:   # one curve each (lrviz list names them all)",
    "  - name: warmup",
    "    label: warmup + cosine   # the legend's label (default: the name)",
    "    params:",
    "      warmup_steps: 500   # steps, '5%' of total_steps, or '2ep'",
    "      start_lr: 0.0   # the lr at step 0",
    "      shape: linear   # linear, cosine or exponential",
    "      schedule:   # what follows the warmup, over the remaining steps",
    "        name: cosine",
    "        params:",
    "          min_lr: 3.0e-5   # the floor, reached at total_steps",
    "  # - name: wsd   # a second curve to compare: warmup, hold, then decay",
    "  #   params: {warmup_steps: 500, decay_steps: 2000, min_lr: 3.0e-5}",
    *_PLOT_LINES,
]) + "\n"

_HF_TEXT = "\n".join([
    "# HuggingFace TrainingArguments as a YAML args file (HfArgumentParser.parse_yaml_file, TRL's --config).",
    "# lrviz reads the lr schedule from it: lrviz plot FILE (add --dataset-size N --world-size N when max_steps",
    "# is -1 and the run counts epochs).",
    "output_dir: out/run",
    "learning_rate: 2.0e-5   # the peak lr",
    "lr_scheduler_type: cosine   # linear, cosine, cosine_with_restarts, polynomial, constant, constant_with_warmup, ...",
    "# lr_scheduler_kwargs: {}   # extra arguments of the scheduler (e.g. num_cycles)",
    "warmup_steps: 100   # optimizer steps of linear warmup (a value below 1 is a ratio of max_steps)",
    "max_steps: 2000   # optimizer steps of the run; -1: from num_train_epochs and the dataset size",
    "num_train_epochs: 3.0   # used when max_steps is -1",
    "per_device_train_batch_size: 8",
    "gradient_accumulation_steps: 1",
    "logging_steps: 10",
]) + "\n"
