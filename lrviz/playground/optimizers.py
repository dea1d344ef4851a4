"""Optimizers from document 5's formulas, vectorized over parameters of shape (..., 2).

Each optimizer is an initial state plus an update. The learning rate ``lr`` of
step t comes from an lrviz schedule and broadcasts against the parameters, so one
run covers a whole lr grid and several starts at once: ``lr`` of shape (..., 1).
``t`` counts updates from 1. g is the gradient at the point :meth:`probe` returns
(the parameters themselves, except for NAG). All operations are elementwise
(``+ - * / sqrt``), so a run gives the same bits alone or inside a batch.

Document 5 writes epsilon inside the square root (``g / sqrt(G + eps)``); so does
lrviz. (The Adam paper and torch put it outside, ``/ (sqrt(G) + eps)``: the two
differ only where sqrt(G) is near sqrt(eps).) Default hyperparameters are the
document's, else the usual papers' and libraries', stated on each class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import ParameterError


@dataclass(frozen=True)
class Optimizer:
    """An update rule with its hyperparameters (``params``, defaults filled in)."""

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, float]] = {}
    summary: ClassVar[str] = ""
    params: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, key: str) -> float:
        return self.params[key]

    def init(self, p: np.ndarray) -> dict[str, np.ndarray]:
        """The state before the first update (zeros of the parameters' shape)."""
        return {}

    def probe(self, p: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """Where the gradient of this update is taken."""
        return p

    def update(self, p: np.ndarray, g: np.ndarray, lr: Any, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        """The parameters after update ``t`` (state is updated in place)."""
        raise NotImplementedError  # pragma: no cover

    def effective_lr(self, lr: Any, t: int, state: dict[str, np.ndarray]) -> np.ndarray | None:
        """The step size per coordinate that multiplied the gradient (or its average) in update ``t``,
        read from the state after it; None for a rule without one (Adadelta's lr is a ratio of two
        running averages, not a step size on g)."""
        return None


class SGD(Optimizer):
    """Plain gradient descent (document 3, document 1 eq. (5)): p <- p - lr g. Default lr 0.01 (Keras SGD)."""

    name = "sgd"
    defaults = {"lr": 0.01}
    summary = "p -= lr g"

    def effective_lr(self, lr, t, state):
        return np.broadcast_to(lr, np.shape(lr)[:-1] + (2,)) * 1.0

    def update(self, p, g, lr, t, state):
        return p - lr * g


class SGDL2(Optimizer):
    """SGD with L2 regularization (document 5): the penalty (wd/2)|p|**2 joins the loss, so
    g' = g + wd p and p <- p - lr g' = p - lr (g + wd p).  Defaults lr 0.01, weight_decay 0.01."""

    name = "sgd_l2"
    defaults = {"lr": 0.01, "weight_decay": 0.01}
    summary = "p -= lr (g + wd p) (L2 in the loss)"

    def effective_lr(self, lr, t, state):
        return np.broadcast_to(lr, np.shape(lr)[:-1] + (2,)) * 1.0

    def update(self, p, g, lr, t, state):
        return p - lr * (g + self["weight_decay"] * p)


class SGDW(Optimizer):
    """SGD with decoupled weight decay (document 5's "weight decay"; Loshchilov and Hutter's SGDW without
    momentum): the gradient step, then the decay, p <- p - lr g - lr wd p. For plain SGD this is the same
    update as :class:`SGDL2` (the document's point; the two are computed in a different order, so they may
    differ by rounding). Defaults lr 0.01, weight_decay 0.01."""

    name = "sgdw"
    defaults = {"lr": 0.01, "weight_decay": 0.01}
    summary = "p -= lr g, then p -= lr wd p (decoupled)"

    def effective_lr(self, lr, t, state):
        return np.broadcast_to(lr, np.shape(lr)[:-1] + (2,)) * 1.0

    def update(self, p, g, lr, t, state):
        return p - lr * g - lr * self["weight_decay"] * p


class Momentum(Optimizer):
    """Heavy-ball momentum, document 5's form with lr inside the buffer:
    m <- beta m + lr g;  p <- p - m.  Defaults lr 0.01, beta 0.9 (document 5).

    (torch keeps lr outside, m <- beta m + g, p <- p - lr m: the same path for a
    constant lr, not under a schedule.)"""

    name = "momentum"
    defaults = {"lr": 0.01, "beta": 0.9}
    summary = "m = beta m + lr g; p -= m"

    def init(self, p):
        return {"m": np.zeros_like(p, dtype=float)}

    def update(self, p, g, lr, t, state):
        state["m"] = self["beta"] * state["m"] + lr * g
        return p - state["m"]


class NAG(Optimizer):
    """Nesterov accelerated gradient (document 5): the gradient is taken ahead, at p - beta m:
    m <- beta m + lr grad(p - beta m);  p <- p - m.  Defaults lr 0.01, beta 0.9."""

    name = "nag"
    defaults = {"lr": 0.01, "beta": 0.9}
    summary = "m = beta m + lr grad(p - beta m); p -= m"

    def init(self, p):
        return {"m": np.zeros_like(p, dtype=float)}

    def probe(self, p, state):
        return p - self["beta"] * state["m"]

    def update(self, p, g, lr, t, state):
        state["m"] = self["beta"] * state["m"] + lr * g
        return p - state["m"]


class Adagrad(Optimizer):
    """Adagrad (document 5): G <- G + g**2;  p <- p - lr g / sqrt(G + eps).
    Defaults lr 0.01, eps 1e-7 (Keras Adagrad), G starts at 0."""

    name = "adagrad"
    defaults = {"lr": 0.01, "eps": 1e-7}
    summary = "G += g^2; p -= lr g / sqrt(G + eps)"

    def init(self, p):
        return {"G": np.zeros_like(p, dtype=float)}

    def update(self, p, g, lr, t, state):
        state["G"] = state["G"] + g * g
        return p - lr * g / np.sqrt(state["G"] + self["eps"])

    def effective_lr(self, lr, t, state):
        """lr / sqrt(G_t + eps): G_t only grows, so this only falls (towards 0 while gradients do not vanish)."""
        return lr / np.sqrt(state["G"] + self["eps"])


class Adadelta(Optimizer):
    """Adadelta (document 5; Zeiler 2012): RMSprop whose step size is the running RMS of past steps:
    E[g2] <- rho E[g2] + (1 - rho) g**2;  d = sqrt(E[d2] + eps) / sqrt(E[g2] + eps) * g;
    E[d2] <- rho E[d2] + (1 - rho) d**2;  p <- p - lr d.
    Defaults rho 0.95, eps 1e-6 (Zeiler), lr 1.0 (a plain multiplier, as in torch and Keras)."""

    name = "adadelta"
    defaults = {"lr": 1.0, "rho": 0.95, "eps": 1e-6}
    summary = "d = sqrt(E[d2]+eps)/sqrt(E[g2]+eps) g; p -= lr d"

    def init(self, p):
        return {"g2": np.zeros_like(p, dtype=float), "d2": np.zeros_like(p, dtype=float)}

    def update(self, p, g, lr, t, state):
        rho, eps = self["rho"], self["eps"]
        state["g2"] = rho * state["g2"] + (1.0 - rho) * (g * g)
        d = np.sqrt(state["d2"] + eps) / np.sqrt(state["g2"] + eps) * g
        state["d2"] = rho * state["d2"] + (1.0 - rho) * (d * d)
        return p - lr * d


class RMSprop(Optimizer):
    """RMSprop (document 5): G <- beta G + (1 - beta) g**2;  p <- p - lr g / sqrt(G + eps).
    Defaults lr 0.001, beta 0.9 (document 5, Keras rho), eps 1e-7 (Keras)."""

    name = "rmsprop"
    defaults = {"lr": 0.001, "beta": 0.9, "eps": 1e-7}
    summary = "G = beta G + (1-beta) g^2; p -= lr g / sqrt(G + eps)"

    def init(self, p):
        return {"G": np.zeros_like(p, dtype=float)}

    def update(self, p, g, lr, t, state):
        beta = self["beta"]
        state["G"] = beta * state["G"] + (1.0 - beta) * (g * g)
        return p - lr * g / np.sqrt(state["G"] + self["eps"])

    def effective_lr(self, lr, t, state):
        """lr / sqrt(G_t + eps), G_t a running average of g**2 (it can rise again)."""
        return lr / np.sqrt(state["G"] + self["eps"])


class Adam(Optimizer):
    """Adam (document 5; Kingma and Ba 2015):
    m <- b1 m + (1 - b1) g;  n <- b2 n + (1 - b2) g**2;
    m_hat = m / (1 - b1**t);  n_hat = n / (1 - b2**t);  p <- p - lr m_hat / sqrt(n_hat + eps).
    At t = 1, m_hat = g and n_hat = g**2, so the first step is lr * sign(g) (as eps -> 0).
    Defaults lr 0.001, b1 0.9, b2 0.999, eps 1e-8 (the paper)."""

    name = "adam"
    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    summary = "bias-corrected moments m, n; p -= lr m_hat / sqrt(n_hat + eps)"

    def init(self, p):
        return {"m": np.zeros_like(p, dtype=float), "n": np.zeros_like(p, dtype=float)}

    def direction(self, g, t, state):
        """m_hat / sqrt(n_hat + eps) after folding in g."""
        b1, b2 = self["beta1"], self["beta2"]
        state["m"] = b1 * state["m"] + (1.0 - b1) * g
        state["n"] = b2 * state["n"] + (1.0 - b2) * (g * g)
        m_hat = state["m"] / (1.0 - b1 ** t)
        n_hat = state["n"] / (1.0 - b2 ** t)
        return m_hat / np.sqrt(n_hat + self["eps"])

    def update(self, p, g, lr, t, state):
        return p - lr * self.direction(g, t, state)

    def effective_lr(self, lr, t, state):
        """lr / sqrt(n_hat_t + eps), the step size on m_hat (for Adam + L2 and AdamW too; AdamW's decay
        lr wd p comes on top)."""
        return lr / np.sqrt(state["n"] / (1.0 - self["beta2"] ** t) + self["eps"])


class AdamL2(Adam):
    """Adam with L2 regularization (document 5's contrast): the penalty (wd/2)|p|**2 joins the loss,
    so its gradient wd p goes through the moments and is rescaled like g:
    g' = g + wd p, then Adam on g'.  Defaults as Adam, weight_decay 0.01."""

    name = "adam_l2"
    defaults = {**Adam.defaults, "weight_decay": 0.01}
    summary = "Adam on g + wd p (L2 in the loss)"

    def update(self, p, g, lr, t, state):
        return p - lr * self.direction(g + self["weight_decay"] * p, t, state)


class AdamW(Adam):
    """AdamW (document 5; Loshchilov and Hutter 2019): weight decay decoupled from the moments:
    p <- p - lr m_hat / sqrt(n_hat + eps) - lr wd p, with m, n from g alone.
    Defaults as Adam, weight_decay 0.01 (torch AdamW)."""

    name = "adamw"
    defaults = {**Adam.defaults, "weight_decay": 0.01}
    summary = "Adam, then p -= lr wd p (decoupled)"

    def update(self, p, g, lr, t, state):
        return p - lr * self.direction(g, t, state) - lr * self["weight_decay"] * p


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, SGDL2, SGDW, Momentum, NAG, Adagrad, Adadelta, RMSprop, Adam, AdamW, AdamL2)
}

# The ranges each hyperparameter must be in: (low, high, low open?, high open?)
_RANGES = {
    "lr": (0.0, math.inf, False, True),
    "beta": (0.0, 1.0, False, True), "beta1": (0.0, 1.0, False, True), "beta2": (0.0, 1.0, False, True),
    "rho": (0.0, 1.0, False, True),
    "eps": (0.0, math.inf, True, True),
    "weight_decay": (0.0, math.inf, False, True),
}


def names() -> list[str]:
    return list(OPTIMIZERS)


def make(name: str, **params: Any) -> Optimizer:
    """Build an optimizer by name, its hyperparameters checked; ParameterError names the bad one."""
    from ..errors import did_you_mean
    from ..params import as_number

    if name not in OPTIMIZERS:
        hint = did_you_mean(str(name), OPTIMIZERS) or f"; one of {', '.join(OPTIMIZERS)}"
        raise ParameterError("name", f"unknown optimizer {name!r}{hint}")
    cls = OPTIMIZERS[name]
    values = dict(cls.defaults)
    for key, value in params.items():
        path = f"params.{key}"
        if key not in cls.defaults:
            raise ParameterError(path, f"unknown parameter of {name}{did_you_mean(str(key), cls.defaults)} "
                                       f"(it takes: {', '.join(cls.defaults)})")
        number = as_number(path, value)
        low, high, open_low, open_high = _RANGES[key]
        if number < low or (open_low and number == low) or number > high or (open_high and number == high):
            shown = f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
            raise ParameterError(path, f"must be in {shown}; got {number:g}")
        values[key] = number
    return cls(values)
