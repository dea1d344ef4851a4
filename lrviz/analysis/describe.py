"""Text for ``lrviz show NAME``: formula, parameters, framework twins, seeds."""

from __future__ import annotations

import inspect

from ..params import signature
from ..registry import lookup

SEEDS = {
    "000": "seed 000, decay factor strategies as dicts (formulas 8-11)",
    "001": "seed 001, warmup and decay methods (figures 2-5)",
    "002": "seed 002, step decay, warmup and cyclical learning rates",
    "003": "seed 003, torch schedulers, warmup and one-cycle",
    "004": "seed 004, TF decay functions and adaptive optimizers",
}


def describe(name: str) -> str:
    canonical, entry = lookup(name)
    lines = [f"{canonical}: {entry.summary}"]
    if entry.aliases:
        lines.append(f"aliases: {', '.join(entry.aliases)}")
    doc = inspect.getdoc(entry.factory) or ""
    lines += ["", doc, "", "parameters:"]
    params = signature(entry.factory)
    width = max(len(p) for p in params)
    for p in params.values():
        default = "required" if p.required else f"default {p.default!r}"
        if p.default is None and not p.required:
            default = "default: see above"
        lines.append(f"  {p.name:<{width}}  {p.unit}; {default}")
    if entry.warmup_shorthand:
        lines += ["", "warmup in front (a shorthand for warmup(schedule=...), exactly equal to it):",
                  "  warmup_steps  steps, or '5ep', or '10%' of total_steps; the schedule then runs over the rest",
                  "  warmup_start  the lr the warmup starts from; default 0.0",
                  "  warmup_shape  linear, cosine or exponential; default 'linear'"]
    if entry.per_epoch:
        lines += ["", "stepped per epoch, as timm's train.py steps it:",
                  "  t_in_epochs        true: t counts epochs (t_initial, warmup_t, decay_t in epochs) and update u",
                  "                     trains at epoch u // updates_per_epoch; default: t is the update",
                  "  updates_per_epoch  updates per epoch; default: the config's steps_per_epoch"]
    if entry.equivalents:
        lines += ["", "framework schedulers with this shape:"] + [f"  {t}" for t in entry.equivalents]
    if entry.seeds:
        lines += ["", "described in:"] + [f"  {SEEDS.get(s, s)}" for s in entry.seeds]
    return "\n".join(lines)
