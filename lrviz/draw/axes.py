"""Axis units and tick text, as plain functions (no matplotlib).

x is drawn in steps, epochs (``step / steps_per_epoch``), fraction of
training (``step / total_steps``), tokens (``step * tokens_per_step``: the
tokens seen before the update) or samples; the lr axis factors out a power of ten
when its top is below 0.01 or at least 10^4.
"""

from __future__ import annotations

import math

import numpy as np

X_LABELS = {"steps": "step", "epochs": "epoch", "fraction": "fraction of training", "tokens": "tokens",
            "samples": "samples"}


def x_values(steps, unit: str, total_steps: int, steps_per_epoch: int | None, per_step=None) -> np.ndarray:
    """Steps converted to the x unit (steps when the unit's size per step is not known)."""
    steps = np.asarray(steps)
    if unit == "epochs" and steps_per_epoch:
        return steps / steps_per_epoch
    if unit == "fraction":
        return steps / max(total_steps, 1)
    if unit in ("tokens", "samples") and getattr(per_step, unit, None):
        return steps * float(getattr(per_step, unit))
    return steps


X_SYMBOLS = {"steps": "step $t$", "epochs": "epoch $e$", "fraction": "fraction of training $t/T$"}


def x_label(unit: str, steps_per_epoch: int | None, per_step=None, math: bool = False) -> str:
    """The x label; ``math``: with its symbol where one exists (``step $t$``)."""
    known = {"epochs": bool(steps_per_epoch), "tokens": bool(getattr(per_step, "tokens", None)),
             "samples": bool(getattr(per_step, "samples", None))}
    unit = unit if known.get(unit, True) else "steps"
    return X_SYMBOLS.get(unit, X_LABELS[unit]) if math else X_LABELS[unit]


def fmt_step(step: float) -> str:
    """A step count shortly: ``950``, ``1500``, ``2k``, ``12.35k``, ``2.5M``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(step) >= size and (abs(step) >= 1e4 or step % size == 0):
            return f"{step / size:.4g}{suffix}"
    return f"{step:g}"


def lr_exponent(top: float) -> int:
    """Power of ten factored out of the lr axis: 0 for tops in [0.01, 1e4), else floor(log10(top))."""
    if not math.isfinite(top) or top <= 0 or 1e-2 <= top < 1e4:
        return 0
    return math.floor(math.log10(top))


def lr_label(exponent: int, math: bool = False) -> str:
    r"""``learning rate`` or ``learning rate (×10^-4)`` in mathtext; ``math``: ``learning rate $\eta_t$``."""
    name = r"learning rate $\eta_t$" if math else "learning rate"
    return rf"{name} ($\times 10^{{{exponent}}}$)" if exponent else name


# parameter names whose symbol is the same in every library that uses them (torch, the SGDR and
# one-cycle papers): only these are typeset; other names stay as written
PARAMETER_SYMBOLS = {"gamma": r"$\gamma$", "alpha": r"$\alpha$", "eta_min": r"$\eta_{min}$", "T_max": r"$T_{max}$",
                     "T_0": r"$T_0$", "T_mult": r"$T_{mult}$", "max_lr": r"$\eta_{max}$", "base_lr": r"$\eta_{base}$",
                     "lr": r"$\eta$"}


def math_details(details: str) -> str:
    """``"T_max=500, gamma=0.1"`` with the parameter names that have a standard symbol typeset in mathtext
    (``"$T_{max}$=500, $\\gamma$=0.1"``), for the paper style's legends; other names are left as they are."""
    parts = []
    for part in details.split(", "):
        key, eq, value = part.partition("=")
        parts.append(f"{PARAMETER_SYMBOLS[key]}={value}" if eq and key in PARAMETER_SYMBOLS else part)
    return ", ".join(parts)
