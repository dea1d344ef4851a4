"""Text for ``lrviz show NAME``: formula, parameters, framework twins, and the documents that describe it."""

from __future__ import annotations

import inspect

from ..documents import DOCUMENTS, cited
from ..params import signature
from ..registry import lookup


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
    lines += _numerics(canonical, entry.factory)
    if entry.equivalents:
        lines += ["", "framework schedulers with this shape:"] + [f"  {t}" for t in entry.equivalents]
    if entry.sources:
        lines += ["", "described in (documents lrviz was built from):"]
        lines += [f"  {cited(n)} ({DOCUMENTS[n].original})" for n in entry.sources]
    return "\n".join(lines)


def _numerics(name: str, factory) -> list[str]:
    """The framework's own NaN / inf / negative lr (lrviz.twins.failures) and the twin's measured agreement."""
    import sys
    import textwrap

    from ..twins.failures import conditions

    lines: list[str] = []
    found = conditions(name)
    if found:
        lines += ["", "numeric failures of the framework (the twin gives the same values; lrviz check names them):"]
        lines += [text for c in found for text in textwrap.wrap(c, 100, initial_indent="  ", subsequent_indent="    ")]
    module = sys.modules.get(getattr(factory, "__module__", ""))
    mode = getattr(module, "MODE", None)
    if mode and ("jit" in signature(factory) or "jit_compile" in signature(factory)):
        lines += ["", "evaluation mode:"] + textwrap.wrap(mode, 100, initial_indent="  ", subsequent_indent="    ")
    agreement = getattr(module, "AGREEMENT", {}).get(name)
    if agreement:
        lines += ["", "agreement with the library (measured on the recorded goldens):"]
        lines += textwrap.wrap(agreement, 100, initial_indent="  ", subsequent_indent="    ")
    return lines
