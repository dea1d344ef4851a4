"""Known quirks of framework schedulers that a user of the twin should hear about.

Each quirk is reproduced by the twin (see its docstring); :mod:`lrviz.diagnose`
prints it as a note (a warning where it changes the lr the run uses) when the
twin is used, and only where it matters for the
run: ``when(params, total_steps)`` returns the step where the quirk shows, or
None when it does not show in this run.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Callable, Mapping

When = Callable[[Mapping[str, Any], int], "int | None"]


@dataclass(frozen=True)
class Quirk:
    names: str  # shell pattern over registered names
    when: When
    message: str  # formatted with the schedule's params
    level: str = "note"  # "warning" where the quirk changes the lr the run uses (a rise past the end)


def _past(key: str) -> When:
    """The quirk shows once the run goes past ``params[key]`` steps."""
    def when(params: Mapping[str, Any], total_steps: int) -> int | None:
        end = params.get(key)
        return end + 1 if isinstance(end, int) and end < total_steps else None
    return when


def _always(at: str | None = None) -> When:
    def when(params: Mapping[str, Any], total_steps: int) -> int | None:
        value = params.get(at) if at else 0
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        return value if isinstance(value, int) and value <= total_steps else None
    return when


def _keras_warmup_ignored(params: Mapping[str, Any], total_steps: int) -> int | None:
    return 0 if params.get("warmup_steps") and params.get("warmup_target") is None else None


def _one_cycle_peak(params: Mapping[str, Any], total_steps: int) -> int | None:
    total = params.get("total_steps")
    pct = params.get("pct_start")
    if isinstance(total, int) and isinstance(pct, float):
        return max(0, int(pct * total) - 1)
    return None


QUIRKS: tuple[Quirk, ...] = (
    Quirk("torch.CosineAnnealingLR", _past("T_max"),
          "torch's cosine does not stop at T_max={T_max}: the lr rises again, back to lr at 2*T_max; "
          "step it at most T_max times, or use eta_min with a longer T_max", "warning"),
    Quirk("hf.cosine*", _past("num_training_steps"),
          "HF's cosine is not clamped: past num_training_steps={num_training_steps} the lr rises again, back to "
          "the full lr; make num_training_steps the run's length", "warning"),
    Quirk("torch.OneCycleLR", _one_cycle_peak,
          "torch reaches max_lr at pct_start*total_steps - 1, one step before lrviz's onecycle"),
    Quirk("keras.PiecewiseConstantDecay", _always("boundaries"),
          "Keras switches one step after each boundary: the boundary step itself keeps the old value"),
    Quirk("tf.piecewise_constant", _always("boundaries"),
          "TF switches one step after each boundary: the boundary step itself keeps the old value"),
    Quirk("timm.multistep", _always("decay_t"),
          "timm's MultiStepLRScheduler decays one step early, at milestone - 1"),
    Quirk("keras.CosineDecay", _keras_warmup_ignored,
          "Keras ignores warmup_steps={warmup_steps} when warmup_target is not set: there is no warmup"),
    Quirk("optax.warmup_cosine_decay_schedule", _always(),
          "optax's decay_steps={decay_steps} includes the warmup: the cosine lasts decay_steps - warmup_steps"),
    Quirk("keras.CosineDecayRestarts", _always(),
          "Keras' default t_mul is 2.0 (each period twice as long; torch's T_mult default is 1)"),
    Quirk("tf.cosine_decay_restarts", _always(),
          "TF's default t_mul is 2.0 (each period twice as long; torch's T_mult default is 1)"),
)


def quirks_of(name: str, params: Mapping[str, Any], total_steps: int) -> list[tuple[int, str, str]]:
    """``(step, message, level)`` for each quirk of ``name`` that shows in a run of ``total_steps``."""
    out = []
    for quirk in QUIRKS:
        if not fnmatchcase(name, quirk.names):
            continue
        step = quirk.when(params, total_steps)
        if step is None:
            continue
        try:
            message = quirk.message.format(**params)
        except (KeyError, IndexError, ValueError):
            message = quirk.message
        out.append((step, message, quirk.level))
    return out
