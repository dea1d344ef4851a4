"""torch twins: models of torch's schedulers, one per scheduler, behind the ``_Leaf`` protocol.

A model replays its scheduler's construction with scalars and gives the maps of
any range of ``step()`` calls vectorized; ``_Chained`` and ``_Sequential`` are the
trees ChainedScheduler and SequentialLR build of them.

About 600 lines: one class per torch scheduler (13) and the two trees, kept
together because they share the protocol and its helpers; splitting them by
family would only scatter that protocol.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from typing import Callable

import numpy as np

from ...errors import ParameterError
from ._maps import _ADD, _COS, _SET, _SWA, _Maps, _apply, _mul, _set

OVERFLOW = "(34, 'Numerical result out of range')"


# ---------------------------------------------------------------------------------------------
# Models of torch's schedulers: construction (scalar) and maps (vectorized)
# ---------------------------------------------------------------------------------------------


class _Leaf:
    """One torch scheduler acting on ``group`` (a dict: lr, initial_lr, momentum, ...)."""

    name = ""
    writes_momentum = False
    slots = 1

    def __init__(self) -> None:
        self.base = 0.0  # base_lrs[0], captured at construction
        self.k = 0  # last_epoch
        self.j = 0  # _step_count - 1
        self.id = -1

    # -- construction (scalars) ------------------------------------------------------------
    def pre_init(self, g: dict) -> None:
        """What the constructor does to the group before ``LRScheduler.__init__``."""

    def construct(self, g: dict, where: str) -> None:
        self.pre_init(g)
        g.setdefault("initial_lr", g["lr"])
        self.base = g["initial_lr"]
        self.k = -1
        self.initial_step(g, where)
        self.post_init(g)

    def post_init(self, g: dict) -> None:
        """What the constructor does after ``LRScheduler.__init__`` (CyclicLR replaces base_lrs)."""

    def initial_step(self, g: dict, where: str) -> None:
        self.k += 1
        self.j = 0
        with np.errstate(all="ignore"):
            _apply_scalar(self.initial_maps(g), g, where)

    def step_once(self, g: dict, where: str) -> None:
        self.k += 1
        self.j += 1
        with np.errstate(all="ignore"):
            _apply_scalar(self.step_maps(np.array([self.k]), np.array([self.j]), g), g, where)

    def restart(self, g: dict, where: str) -> None:
        self.k = 0
        with np.errstate(all="ignore"):
            _apply_scalar(self.restart_maps(np.array([self.j]), g), g, where)

    # -- as a node of a tree of schedulers ----------------------------------------------------
    def leaves(self) -> list[_Leaf]:
        return [self]

    def can_error(self) -> bool:
        """Whether torch may raise at some step (then every step before must be looked at)."""
        return False

    def undo(self) -> None:  # SequentialLR.recursive_undo
        self.k -= 1

    def program(self, c: np.ndarray):
        """Slots of ``step()`` calls number ``c`` (1 = the first call after construction), and errors."""
        return [(np.full(c.shape, self.id), self.k + c, self.j + c, np.zeros(c.shape, bool))], []

    # -- maps (vectorized) -----------------------------------------------------------------
    def step_maps(self, k: np.ndarray, j: np.ndarray, g: dict) -> _Maps:
        """``step()`` (not in the initial mode) with ``last_epoch`` becoming ``k``."""
        raise NotImplementedError

    def initial_maps(self, g: dict) -> _Maps:
        """The constructor's ``_initial_step()`` (``last_epoch`` becomes 0)."""
        return self.step_maps(np.array([0]), np.array([0]), g)

    def restart_maps(self, j: np.ndarray, g: dict) -> _Maps:
        """``_update_lr(0)`` (SequentialLR at a milestone): the closed form at 0 where torch has one."""
        return self.step_maps(np.zeros(j.shape, dtype=np.int64), j, g)


def _apply_scalar(maps: _Maps, g: dict, where: str) -> None:
    if maps.err is not None and maps.err[0]:
        raise ParameterError(where, f"torch raises while constructing the scheduler: {maps.msg(0)}")
    with np.errstate(all="ignore"):
        g["lr"] = float(_apply(maps.kind[:1], maps.p[:1], maps.q[:1], maps.r[:1], np.array([g["lr"]]))[0])
    if maps.mom is not None and not np.isnan(maps.mom[0]):
        g["momentum"] = float(maps.mom[0])


def _errors(mask: np.ndarray, messages: Callable[[int], str]) -> tuple[np.ndarray | None, Callable | None]:
    return (mask, messages) if mask.any() else (None, None)


class _LambdaLeaf(_Leaf):
    name = "LambdaLR"

    def __init__(self, lr_lambda):
        super().__init__()
        self.fn = lr_lambda

    def step_maps(self, k, j, g):
        return _set(self.base * self.fn(k))


class _MultiplicativeLeaf(_Leaf):
    name = "MultiplicativeLR"

    def __init__(self, lr_lambda):
        super().__init__()
        self.fn = lr_lambda

    def step_maps(self, k, j, g):
        return _mul(self.fn(k))

    def initial_maps(self, g):
        return _mul(1.0)


class _StepLeaf(_Leaf):
    name = "StepLR"

    def __init__(self, step_size: int, gamma: float):
        super().__init__()
        self.step_size, self.gamma = step_size, gamma

    def step_maps(self, k, j, g):
        return _mul(np.where((k == 0) | (k % self.step_size != 0), 1.0, self.gamma))

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * self.gamma ** 0))


def _float_pow(base: float, k: int) -> float:
    """``base ** k`` as Python computes it, inf where Python (and so torch, at that milestone) raises OverflowError;
    the lr is then not finite from that step on, reported as such when evaluated."""
    try:
        return base ** k
    except OverflowError:
        return math.inf


class _MultiStepLeaf(_Leaf):
    name = "MultiStepLR"

    def __init__(self, milestones: list[int], gamma: float):
        super().__init__()
        counts = Counter(milestones)
        self.keys = np.array(sorted(counts), dtype=np.int64)
        self.factors = np.array([_float_pow(gamma, counts[m]) for m in sorted(counts)], dtype=np.float64)
        self.gamma = gamma
        self.at_zero = bisect_right(sorted(milestones), 0)

    def step_maps(self, k, j, g):
        if not self.keys.size:
            return _mul(np.ones(k.shape))
        i = np.minimum(np.searchsorted(self.keys, k), self.keys.size - 1)
        return _mul(np.where(self.keys[i] == k, self.factors[i], 1.0))

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * _float_pow(self.gamma, self.at_zero)))


class _ConstantLeaf(_Leaf):
    name = "ConstantLR"

    def can_error(self):
        return self.factor == 0

    def __init__(self, factor: float, total_iters: int):
        super().__init__()
        self.factor, self.total_iters = factor, total_iters

    def step_maps(self, k, j, g):
        f = self.factor
        back = 1.0 / f if f != 0 else np.nan
        a = np.where(k == 0, f, np.where(k != self.total_iters, 1.0, back))
        err = (k == self.total_iters) & (k != 0) if f == 0 else np.zeros(k.shape, bool)
        m = _mul(a)
        m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: float division by zero")
        return m

    def restart_maps(self, j, g):
        f = self.factor
        return _set(np.full(j.shape, self.base * (f + (0 >= self.total_iters) * (1 - f))))


class _LinearLeaf(_Leaf):
    name = "LinearLR"

    def can_error(self):
        return self.total_iters == 0

    def __init__(self, start_factor: float, end_factor: float, total_iters: int):
        super().__init__()
        self.s, self.e, self.total_iters = start_factor, end_factor, total_iters

    def step_maps(self, k, j, g):
        s, e, n = self.s, self.e, self.total_iters
        lo, hi = (int(k.min()), int(k.max())) if k.size else (1, 0)
        if lo > n:  # past total_iters: factors of 1
            return _mul(np.ones(k.shape))
        with np.errstate(all="ignore"):
            ramp = 1.0 + (e - s) / (n * s + (k - 1) * (e - s))
        if lo >= 1 and hi <= n:  # inside the ramp
            return _mul(ramp)
        return _mul(np.where(k == 0, s, np.where(k > n, 1.0, ramp)))

    def restart_maps(self, j, g):
        if self.total_iters == 0:
            m = _set(np.full(j.shape, np.nan))
            m.err, m.msg = np.ones(j.shape, bool), (lambda i: "ZeroDivisionError: division by zero")
            return m
        s, e = self.s, self.e
        return _set(np.full(j.shape, self.base * (s + (e - s) * min(self.total_iters, 0) / self.total_iters)))


class _ExponentialLeaf(_Leaf):
    name = "ExponentialLR"

    def __init__(self, gamma: float):
        super().__init__()
        self.gamma = gamma

    def step_maps(self, k, j, g):
        return _mul(np.full(k.shape, self.gamma))

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        return _set(np.full(j.shape, self.base * self.gamma ** 0))


class _CosineLeaf(_Leaf):
    name = "CosineAnnealingLR"

    def __init__(self, T_max: int | float, eta_min: float):
        super().__init__()
        self.T, self.eta = T_max, eta_min

    def can_error(self):
        # a fractional T_max can put (t - 1) / T_max on an odd integer off the additive branch: 1 + cos = 0
        return self.T != math.floor(self.T)

    def step_maps(self, k, j, g):
        T, eta, base = self.T, self.eta, self.base
        kf = k.astype(np.float64)
        with np.errstate(all="ignore"):
            if k.size > 1 and int(k[-1]) - int(k[0]) == k.size - 1 and bool(np.all(k[1:] > k[:-1])):
                # consecutive steps: cos(pi (k-1) / T) is the cos of the step before (the same expression)
                ends = np.arange(int(k[0]) - 1, int(k[-1]) + 1, dtype=np.float64)
                ends *= math.pi
                ends /= T
                np.cos(ends, out=ends)
                ends += 1
                below, ratio = ends[:-1], ends[1:] / ends[:-1]
            else:
                below = 1 + np.cos(math.pi * (kf - 1) / T)
                ratio = (1 + np.cos(math.pi * kf / T)) / below
        kind = np.full(k.shape, _COS, dtype=np.int8)
        p, q = ratio, np.full(k.shape, eta)
        add = self._additive(k)
        if add is not None:
            kind[add] = _ADD
            p = np.where(add, (base - eta) * (1 - math.cos(math.pi / T)) / 2, p)
        else:
            add = np.zeros(k.shape, bool)
        resume = (j == 0) & (k > 0) if j.size and int(j.min()) == 0 else None  # torch's branch for a resumed scheduler
        if resume is not None and resume.any():
            kind[resume] = _SET
            p = np.where(resume, eta + (base - eta) * (1 + np.cos(kf * math.pi / T)) / 2, p)
        m = _Maps(kind, p, q)
        if self.can_error():
            zero = (below == 0) & ~add & (k > 0)
            if resume is not None:
                zero &= ~resume
            m.err, m.msg = _errors(zero, lambda i: f"ZeroDivisionError: float division by zero "
                                                   f"(torch's step() number {int(k[i])}: 1 + cos(pi (t-1) / T_max) = 0)")
        return m

    def _additive(self, k: np.ndarray) -> np.ndarray | None:
        """Where torch takes the additive branch, (k - 1 - T_max) % (2 T_max) == 0; None where no k of the
        array can (an integer T_max and no such k between the least and greatest: no modulo over k)."""
        T = self.T
        if T == math.floor(T) and T >= 1 and k.size:
            T2, lo, hi = 2 * int(T), int(k.min()), int(k.max())
            first = lo + (1 + int(T) - lo) % T2  # the least k >= lo with k = 1 + T (mod 2T)
            if first > hi:
                return None
        return (k - 1 - T) % (2 * T) == 0

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        eta = self.eta
        return _set(np.full(j.shape, eta + (self.base - eta) * (1 + math.cos(math.pi * 0 / self.T)) / 2))


class _CyclicLeaf(_Leaf):
    name = "CyclicLR"

    def can_error(self):
        return self.custom is None and (self.mode == "triangular2" or (self.mode == "exp_range" and self.gamma > 1))

    def __init__(self, base_lr, max_lr, step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode,
                 cycle_momentum, base_momentum, max_momentum):
        super().__init__()
        self.base_lr, self.max_lr = base_lr, max_lr
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total = up + down
        self.ratio = up / self.total
        self.mode, self.gamma = mode, gamma
        self.custom = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.writes_momentum = cycle_momentum
        self.base_m, self.max_m = base_momentum, max_momentum

    def pre_init(self, g):
        g["lr"] = self.base_lr
        if self.writes_momentum:
            g["momentum"] = self.max_m
            g["max_momentum"] = self.max_m
            g["base_momentum"] = self.base_m

    def post_init(self, g):
        self.base = self.base_lr  # self.base_lrs = base_lrs, after LRScheduler.__init__ stepped once

    def _scale(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """scale_fn(x) and where Python's float power overflows (torch raises OverflowError; None: nowhere)."""
        with np.errstate(all="ignore"):
            if self.custom is not None:
                return self.custom(x), None
            if self.mode == "triangular":
                return np.ones(x.shape), None
            if self.mode == "triangular2":
                power = np.power(2.0, (x - 1).astype(np.float64))
                return 1 / power, np.isinf(power)
            power = np.power(self.gamma, x.astype(np.float64))
            return power, np.isinf(power) & np.isfinite(self.gamma)

    def step_maps(self, k, j, g):
        kf = k.astype(np.float64)
        with np.errstate(all="ignore"):
            cycle = np.floor(1 + kf / self.total)
            x = 1.0 + kf / self.total - cycle
            sf = np.where(x <= self.ratio, x / self.ratio, (x - 1) / (self.ratio - 1))
            if self.custom is None and self.mode == "triangular":  # a scale of 1: x * 1.0 is x
                scale, over = 1.0, None
            else:
                scale, over = self._scale(cycle.astype(np.int64) if self.scale_mode == "cycle" else k)
            lr = self.base + (self.max_lr - self.base) * sf * scale
            mom = self.max_m - (self.max_m - self.base_m) * sf * scale if self.writes_momentum else None
        m = _Maps(_SET, lr, mom=mom)
        if over is not None:
            m.err, m.msg = _errors(over, lambda i: f"OverflowError: {OVERFLOW}")
        return m


def _cawr_cycles(k: np.ndarray, T_0: int, T_mult: int) -> tuple[np.ndarray, np.ndarray]:
    """T_cur and T_i after ``k`` calls of step(): integer arithmetic, as torch's step() counts."""
    if T_mult == 1:
        return k % T_0, np.full(k.shape, T_0, dtype=np.int64)
    starts, lengths = [0], [T_0]
    top = int(k.max()) if k.size else 0
    while starts[-1] + lengths[-1] <= top:  # one turn per restart cycle (geometric: few)
        starts.append(starts[-1] + lengths[-1])
        lengths.append(min(lengths[-1] * T_mult, 2**62))  # a cycle longer than any step asked for never ends
    starts_a = np.array(starts, dtype=np.int64)
    n = np.searchsorted(starts_a, k, side="right") - 1
    return k - starts_a[n], np.array(lengths, dtype=np.int64)[n]


class _CAWRLeaf(_Leaf):
    name = "CosineAnnealingWarmRestarts"

    def __init__(self, T_0: int, T_mult: int, eta_min: float):
        super().__init__()
        self.T_0, self.T_mult, self.eta = T_0, T_mult, eta_min

    def step_maps(self, k, j, g):
        t_cur, t_i = _cawr_cycles(np.maximum(k, 0), self.T_0, self.T_mult)
        eta = self.eta
        return _set(eta + (self.base - eta) * (1 + np.cos(math.pi * t_cur.astype(np.float64) / t_i)) / 2)


class _OneCycleLeaf(_Leaf):
    name = "OneCycleLR"

    def can_error(self):
        return True

    def __init__(self, max_lr, total_steps, pct_start, anneal_strategy, cycle_momentum, base_momentum,
                 max_momentum, div_factor, final_div_factor, three_phase):
        super().__init__()
        self.max_lr, self.T = max_lr, total_steps
        self.cos = anneal_strategy == "cos"
        self.writes_momentum = cycle_momentum
        self.base_m, self.max_m = base_momentum, max_momentum
        self.div, self.final_div = div_factor, final_div_factor
        if three_phase:
            self.phases = [(float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                           (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self.phases = [(float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]

    def pre_init(self, g):
        for name, value in (("div_factor", self.div), ("final_div_factor", self.final_div)):
            if value == 0:
                raise ParameterError(name, "torch raises while constructing the scheduler: "
                                           "ZeroDivisionError: float division by zero")
        g["initial_lr"] = self.max_lr / self.div
        g["max_lr"] = self.max_lr
        g["min_lr"] = g["initial_lr"] / self.final_div
        if self.writes_momentum:
            g["momentum"] = self.max_m
            g["max_momentum"] = self.max_m
            g["base_momentum"] = self.base_m

    def _anneal(self, start, end, pct):
        if self.cos:
            return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def step_maps(self, k, j, g):
        kf = k.astype(np.float64)
        lr = np.full(k.shape, np.nan)
        mom = np.full(k.shape, np.nan) if self.writes_momentum else None
        zero_div = np.zeros(k.shape, bool)
        left = np.ones(k.shape, bool)
        start = 0.0
        for i, (end, lo, hi, mlo, mhi) in enumerate(self.phases):  # a loop over the (2 or 3) phases
            here = left & ((kf <= end) | (i == len(self.phases) - 1))
            if here.any():
                if end - start == 0:
                    zero_div |= here
                else:
                    pct = (kf[here] - start) / (end - start)
                    lr[here] = self._anneal(g[lo], g[hi], pct)
                    if mom is not None:
                        mom[here] = self._anneal(g[mlo], g[mhi], pct)
            left &= ~here
            start = end
        over = k > self.T
        T = self.T
        m = _Maps(_SET, lr, mom=mom)
        bad = over | zero_div
        m.err, m.msg = _errors(bad, lambda i: (f"ValueError: Tried to step {int(k[i])} times. The specified number of "
                                               f"total steps is {T}") if over[i] else f"ZeroDivisionError: float division by zero (torch's step() number {int(k[i])}: a phase "
                                                    "of zero length, e.g. pct_start = 1.0)")
        return m


class _PolynomialLeaf(_Leaf):
    name = "PolynomialLR"

    def can_error(self):
        return self.n == 0 or self.power < 0

    def __init__(self, total_iters: int, power: float):
        super().__init__()
        self.n, self.power = total_iters, power

    def step_maps(self, k, j, g):
        n, p = self.n, self.power
        kf = k.astype(np.float64)
        if n == 0:
            err = k <= 0
            m = _mul(np.where(err, np.nan, 1.0))
            m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: division by zero")
            return m
        with np.errstate(all="ignore"):
            ratio = (1.0 - kf / n) / (1.0 - (kf - 1) / n)
            factor = np.power(ratio, p)
        live = k <= n
        err = live & (ratio == 0) & (p < 0)
        m = _mul(np.where(live, factor, 1.0))
        m.err, m.msg = _errors(err, lambda i: "ZeroDivisionError: 0.0 cannot be raised to a negative power")
        return m

    def initial_maps(self, g):
        return _mul(1.0)

    def restart_maps(self, j, g):
        if self.n == 0:
            m = _set(np.full(j.shape, np.nan))
            m.err, m.msg = np.ones(j.shape, bool), (lambda i: "ZeroDivisionError: division by zero")
            return m
        return _set(np.full(j.shape, self.base * (1.0 - min(self.n, 0) / self.n) ** self.power))


class _SWALeaf(_Leaf):
    name = "SWALR"

    def __init__(self, swa_lr: float, anneal_epochs: int, anneal_strategy: str):
        super().__init__()
        self.swa, self.A, self.cos = swa_lr, anneal_epochs, anneal_strategy == "cos"

    def pre_init(self, g):
        g["swa_lr"] = self.swa

    def _alpha(self, t: np.ndarray) -> np.ndarray:
        return (1 - np.cos(math.pi * t)) / 2 if self.cos else t

    def step_maps(self, k, j, g):
        step = j if self.A > 0 else np.maximum(1, j)
        span = max(1, self.A)
        stepf = step.astype(np.float64)
        prev = self._alpha(np.clip((stepf - 1) / span, 0, 1))
        alpha = self._alpha(np.clip(stepf / span, 0, 1))
        return _Maps(_SWA, np.full(k.shape, g["swa_lr"]), alpha, prev)



class _Chained:
    """torch ``ChainedScheduler``: every ``step()`` steps each scheduler in order."""

    name = "ChainedScheduler"

    def __init__(self, children: list):
        self.children = children
        self.slots = sum(c.slots for c in children)

    def leaves(self) -> list[_Leaf]:
        return [leaf for c in self.children for leaf in c.leaves()]

    def can_error(self) -> bool:
        return any(c.can_error() for c in self.children)

    def construct(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.construct(g, f"{where}[{i}]")

    def undo(self) -> None:
        for child in self.children:
            child.undo()

    def step_once(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.step_once(g, f"{where}[{i}]")

    initial_step = step_once  # LRScheduler._initial_step() is one step()

    def restart(self, g: dict, where: str) -> None:
        raise ParameterError(where, _not_restartable(self, 0))

    def program(self, c: np.ndarray):
        slots, errors = [], []
        for child in self.children:
            s, e = child.program(c)
            slots += s
            errors += e
        return slots, errors


class _Sequential:
    """torch ``SequentialLR``: one scheduler per phase; later ones restart at their milestone."""

    name = "SequentialLR"

    def __init__(self, children: list, milestones: list[int]):
        self.children, self.ms = children, milestones
        self.slots = max(c.slots for c in children)
        self.s = 0  # last_epoch

    def leaves(self) -> list[_Leaf]:
        return [leaf for c in self.children for leaf in c.leaves()]

    def can_error(self) -> bool:  # a scheduler tree after the first phase cannot be restarted
        return any(c.can_error() or (p > 0 and not isinstance(c, _Leaf)) for p, c in enumerate(self.children))

    def construct(self, g: dict, where: str) -> None:
        for i, child in enumerate(self.children):
            child.construct(g, f"{where}[{i}]")
        self.s = 0
        g["lr"] = g["initial_lr"]
        self.undo()
        idx = bisect_right(self.ms, 0)
        self.children[idx].initial_step(g, f"{where}[{idx}]")

    def undo(self) -> None:  # recursive_undo: the leaves' last_epoch, not a nested SequentialLR's own
        for child in self.children:
            child.undo()

    def step_once(self, g: dict, where: str) -> None:
        self.s += 1
        idx = bisect_right(self.ms, self.s)
        if idx > 0 and self.ms[idx - 1] == self.s:
            self.children[idx].restart(g, f"{where}[{idx}]")
        else:
            self.children[idx].step_once(g, f"{where}[{idx}]")

    initial_step = step_once

    def restart(self, g: dict, where: str) -> None:
        raise ParameterError(where, _not_restartable(self, 0))

    def program(self, c: np.ndarray):
        n = c.size
        s = self.s + c
        ms = np.asarray(self.ms, dtype=np.int64)
        idx = np.searchsorted(ms, s, side="right")

        def blank():
            return np.full(n, -1), np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, bool)

        p = int(idx[0]) if n else -1
        if n and bool(np.all(idx == p)):  # every call in one phase: the child's own slots, no gathers
            child = self.children[p]
            if p == 0 or self.ms[p - 1] <= self.s:
                sub, sub_errors = child.program(c)
                return list(sub) + [blank() for _ in range(self.slots - len(sub))], list(sub_errors)
            if isinstance(child, _Leaf):
                k = s - self.ms[p - 1]
                return [(np.full(n, child.id), k, child.j + k, k == 0)] + [blank() for _ in range(self.slots - 1)], []
        slots = [blank() for _ in range(self.slots)]
        errors = []
        for p, child in enumerate(self.children):  # a loop over phases
            rows = np.flatnonzero(idx == p)
            if not rows.size:
                continue
            if p == 0 or self.ms[p - 1] <= self.s:  # running since construction: plain step() calls
                sub, sub_errors = child.program(c[rows])
                for (lid, k, j, rs), (LID, K, J, RS) in zip(sub, slots):
                    LID[rows], K[rows], J[rows], RS[rows] = lid, k, j, rs
                for mask, message in sub_errors:
                    full = np.zeros(n, bool)
                    full[rows] = mask
                    errors.append((full, message))
            elif isinstance(child, _Leaf):  # _update_lr(0) at the milestone, then step()
                k = s[rows] - self.ms[p - 1]
                LID, K, J, RS = slots[0]
                LID[rows], K[rows], J[rows], RS[rows] = child.id, k, child.j + k, k == 0
            else:
                full = np.zeros(n, bool)
                full[rows] = True
                errors.append((full, _not_restartable(child, self.ms[p - 1])))
        return slots, errors


def _not_restartable(node, milestone: int) -> str:
    return (f"NotImplementedError: SequentialLR restarts its scheduler at milestone {milestone} with _update_lr(0), "
            f"which calls get_lr(); a {node.name} has none")

