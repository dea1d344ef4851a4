"""Exact twins of the frameworks' schedulers: ``torch.*``, ``optax.*``, ``keras.*``, ``tf.*``, ``hf.*``, ``timm.*``.

Each twin is a closed form in numpy (no framework is imported) that gives, at
step ``t``, the lr the library uses for update ``t + 1``: for torch the value
of ``get_last_lr()`` after ``t`` calls of ``scheduler.step()``; for optax and
Keras ``schedule(t)``; for HuggingFace the base lr times the lambda at ``t``;
for timm the lr it sets for update ``t``. Quirks are reproduced, not fixed.
Where the library raises, the twin raises a :class:`lrviz.errors.StepError`
with the library's reason.

Twins take the library's own parameter names and defaults. Where the library
takes the base lr from the optimizer (torch, HF, timm) the twin takes it as
``lr``; parameters the library requires default from ``lr`` and
``total_steps`` so that every twin can be drawn by name alone.

Each module maps names to ``(factory, one-line summary)`` in ``TWINS``, and
names the roles of its parameters in ``ROLES`` (``floor``: the lr it anneals
to; ``warmup``: the warmup length; ``bounds``: floor-like parameters that only
bound the lr), which ``lrviz check`` reads; ``per_epoch``: the library steps
it once per epoch when told ``t_in_epochs``; ``per_epoch_metrics``: its ``t``
is an epoch, one metric value each (the plateau twins), so counting
``epoch_constant`` hands it the epoch index ``t // steps_per_epoch``).

Library modules: ``torch`` (a package), ``optax``, ``keras``, ``tf`` (on the
Keras kernels), ``hf``, ``greedy`` (HF's GreedyLR), ``timm``, ``timm_wsd``; trainers' own formulas: ``deepspeed``,
``fairseq``, ``megatron``, ``mmengine``, ``nemo``, ``stepping``,
``ultralytics``. Shared by them: ``_checks`` (parameter rules in the
libraries' terms, on ``lrviz.schedules._checks``), ``_checked`` (the
StepError at the step where a library fails), ``_xla32`` (float32 as XLA/TF
compute it), ``_torch_rng`` (torch's CPU generator, for timm's noise),
``plateau``, ``quirks`` and ``failures`` (the frameworks' own NaN / negative lr, with
cause and fix, for ``lrviz check`` and ``lrviz show``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import greedy, hf, keras, optax, tf, timm, timm_wsd, torch
from . import deepspeed, fairseq, megatron, mmengine, nemo, stepping, ultralytics  # trainers' own formulas

MODULES = (torch, optax, keras, tf, hf, greedy, timm, timm_wsd, deepspeed, fairseq, megatron, mmengine, nemo, stepping, ultralytics)


@dataclass(frozen=True)
class Twin:
    factory: Callable
    summary: str
    floor: str | None = None
    warmup: str | None = None
    bounds: tuple[str, ...] = ()
    per_epoch: bool = False  # takes t_in_epochs / updates_per_epoch (see lrviz.registry.stepped_per_epoch)
    per_epoch_metrics: bool = False  # its t counts epochs (one metric each): epoch_constant gives it t // S


def _assemble() -> dict[str, Twin]:
    twins: dict[str, Twin] = {}
    for module in MODULES:
        roles = getattr(module, "ROLES", {})
        unknown = sorted(set(roles) - set(module.TWINS))
        if unknown:
            raise RuntimeError(f"{module.__name__}.ROLES names no twin: {', '.join(unknown)}")
        for name, (factory, summary) in module.TWINS.items():
            if name in twins:
                raise RuntimeError(f"twin {name!r} is defined twice")
            twins[name] = Twin(factory, summary, **roles.get(name, {}))
    return twins


TWINS: dict[str, Twin] = _assemble()
