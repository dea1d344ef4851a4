"""Loss surfaces of two parameters p = (x, y), evaluated over points of shape (..., 2).

Each surface gives its value f(p) and gradient (exact, written out by hand), its
minimum (or minima), a default start and a plot window. Only ``+ - *`` are used
on arrays, so a point gives the same bits whatever batch it is evaluated in.

- ``quadratic``: f = (x**2 + condition * y**2) / 2; curvatures 1 and ``condition``
  (the Hessian is diag(1, condition)), minimum 0 at (0, 0).
- ``noisy_quadratic``: the same f, but every gradient has Gaussian noise of
  standard deviation ``noise`` added to each coordinate; the noise of step t is
  row t of ``np.random.default_rng(seed).standard_normal((steps, 2))``, so a seed
  always gives the same noise, and every run of a batch sees the same noise at the
  same step (common random numbers). f itself (what the figures plot) is noise-free.
- ``rosenbrock``: f = (a - x)**2 + b (y - x**2)**2, a = 1, b = 100; minimum 0 at (a, a**2).
- ``beale``: f = (1.5 - x + xy)**2 + (2.25 - x + xy**2)**2 + (2.625 - x + xy**3)**2;
  minimum 0 at (3, 0.5).
- ``himmelblau``: f = (x**2 + y - 11)**2 + (x + y**2 - 7)**2; four minima of 0.
- ``double_well``: f = (x**2 - 1)**2 + a x + b y**2 / 2, a tilted double well: two basins
  near x = -1 and x = +1; for 0 < a < 8 / (3 sqrt 3) ~ 1.54 the left one is lower (the global
  minimum) and the right one a worse local minimum, with a saddle between them near x = a/4.
  Gradient (4x (x**2 - 1) + a, b y). Its ``minima`` are the global ones, ``local_minima`` the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError


@dataclass(frozen=True)
class Surface:
    """A loss surface: f and its gradient over points (..., 2), plus where to look at it."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    minima: tuple[tuple[float, float], ...] = ()
    start: tuple[float, float] = (0.0, 0.0)
    window: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0)  # xmin, xmax, ymin, ymax
    min_value: float = 0.0
    noise: float = 0.0  # standard deviation of the gradient noise, per coordinate
    seed: int = 0
    local_minima: tuple[tuple[float, float], ...] = ()  # minima above min_value (drawn apart from the global ones)

    def value(self, p: np.ndarray) -> np.ndarray:  # pragma: no cover - every surface overrides it
        raise NotImplementedError

    def gradient(self, p: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def noise_table(self, steps: int) -> np.ndarray | None:
        """The gradient noise of steps 0..steps-1, shape (steps, 2); None without noise.

        Row t is the same for every ``steps`` > t (the generator is read in order).
        """
        if not self.noise:
            return None
        return self.noise * np.random.default_rng(self.seed).standard_normal((steps, 2))

    @property
    def label(self) -> str:
        shown = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.params.items())
        return f"{self.name} ({shown})" if shown else self.name


class Quadratic(Surface):
    """f = (x**2 + c y**2) / 2, c = condition; gradient (x, c y); Hessian diag(1, c)."""

    @property
    def hessian(self) -> np.ndarray:
        return np.diag([1.0, float(self.params["condition"])])

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        return 0.5 * (x * x + self.params["condition"] * (y * y))

    def gradient(self, p):
        out = np.empty_like(p, dtype=float)
        out[..., 0] = p[..., 0]
        out[..., 1] = self.params["condition"] * p[..., 1]
        return out


class Rosenbrock(Surface):
    """f = (a - x)**2 + b (y - x**2)**2; grad = (-2(a - x) - 4bx(y - x**2), 2b(y - x**2))."""

    def value(self, p):
        a, b = self.params["a"], self.params["b"]
        x, y = p[..., 0], p[..., 1]
        u, v = a - x, y - x * x
        return u * u + b * (v * v)

    def gradient(self, p):
        a, b = self.params["a"], self.params["b"]
        x, y = p[..., 0], p[..., 1]
        v = y - x * x
        out = np.empty_like(p, dtype=float)
        out[..., 0] = -2.0 * (a - x) - 4.0 * b * x * v
        out[..., 1] = 2.0 * b * v
        return out


class Beale(Surface):
    """f = sum_i (c_i - x + x y**i)**2, c = (1.5, 2.25, 2.625), i = 1, 2, 3;
    df/dx = sum 2 r_i (y**i - 1), df/dy = sum 2 r_i i x y**(i-1)."""

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        y2 = y * y
        r1, r2, r3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y
        return r1 * r1 + r2 * r2 + r3 * r3

    def gradient(self, p):
        x, y = p[..., 0], p[..., 1]
        y2 = y * y
        y3 = y2 * y
        r1, r2, r3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        out = np.empty_like(p, dtype=float)
        out[..., 0] = 2.0 * (r1 * (y - 1.0) + r2 * (y2 - 1.0) + r3 * (y3 - 1.0))
        out[..., 1] = 2.0 * x * (r1 + 2.0 * r2 * y + 3.0 * r3 * y2)
        return out


class Himmelblau(Surface):
    """f = (x**2 + y - 11)**2 + (x + y**2 - 7)**2;
    grad = (4x u + 2v, 2u + 4y v) with u = x**2 + y - 11, v = x + y**2 - 7."""

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        u, v = x * x + y - 11.0, x + y * y - 7.0
        return u * u + v * v

    def gradient(self, p):
        x, y = p[..., 0], p[..., 1]
        u, v = x * x + y - 11.0, x + y * y - 7.0
        out = np.empty_like(p, dtype=float)
        out[..., 0] = 4.0 * x * u + 2.0 * v
        out[..., 1] = 2.0 * u + 4.0 * y * v
        return out


class DoubleWell(Surface):
    """f = (x**2 - 1)**2 + a x + b y**2 / 2; grad = (4x (x**2 - 1) + a, b y).

    The stationary points lie on y = 0 at the real roots of 4x**3 - 4x + a = 0: three of them
    (two minima and the saddle between) when |a| < 8 / (3 sqrt 3), where f''(x) = 12x**2 - 4 > 0
    at the outer two. With a > 0 the left minimum is the lower one (f ~ -a there, +a on the right)."""

    def value(self, p):
        a, b = self.params["a"], self.params["b"]
        x, y = p[..., 0], p[..., 1]
        u = x * x - 1.0
        return u * u + a * x + 0.5 * b * (y * y)

    def gradient(self, p):
        a, b = self.params["a"], self.params["b"]
        x = p[..., 0]
        out = np.empty_like(p, dtype=float)
        out[..., 0] = 4.0 * x * (x * x - 1.0) + a
        out[..., 1] = b * p[..., 1]
        return out


def double_well_minima(a: float) -> tuple[float, float]:
    """The two minima of (x**2 - 1)**2 + a x (|a| < 8 / (3 sqrt 3)), left then right: the outer real roots of
    4x**3 - 4x + a, each polished by Newton steps on the cubic."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, a]).real)
    out = []
    for x in (roots[0], roots[-1]):
        for _ in range(3):
            x = x - (4.0 * x * (x * x - 1.0) + a) / (12.0 * x * x - 4.0)
        out.append(float(x))
    return out[0], out[1]


DOUBLE_WELL_TILT = 8.0 / (3.0 * 3.0 ** 0.5)  # above it the tilt leaves one basin


HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                     (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404))

# name -> (class, default parameters, one-line summary)
SURFACES: dict[str, tuple[type, dict[str, Any], str]] = {
    "quadratic": (Quadratic, {"condition": 10.0, "noise": 0.0, "seed": 0},
                  "(x**2 + condition*y**2)/2: ill-conditioned bowl, curvatures 1 and condition"),
    "noisy_quadratic": (Quadratic, {"condition": 10.0, "noise": 0.5, "seed": 0},
                        "the quadratic with seeded Gaussian gradient noise (std noise per coordinate)"),
    "rosenbrock": (Rosenbrock, {"a": 1.0, "b": 100.0}, "(a-x)**2 + b(y-x**2)**2: a curved narrow valley"),
    "beale": (Beale, {}, "Beale's function: flat plateaus and steep walls, minimum at (3, 0.5)"),
    "himmelblau": (Himmelblau, {}, "(x**2+y-11)**2 + (x+y**2-7)**2: four minima"),
    "double_well": (DoubleWell, {"a": 0.5, "b": 1.0},
                    "(x**2-1)**2 + a*x + b*y**2/2: two basins, the left one lower (a > 0)"),
}


def names() -> list[str]:
    return list(SURFACES)


def make(name: str, **params: Any) -> Surface:
    """Build a surface by name with its parameters checked; ParameterError names the bad one."""
    from ..errors import did_you_mean

    if name not in SURFACES:
        hint = did_you_mean(str(name), SURFACES) or f"; one of {', '.join(SURFACES)}"
        raise ParameterError("name", f"unknown surface {name!r}{hint}")
    cls, defaults, _ = SURFACES[name]
    for key in params:
        if key not in defaults:
            allowed = ", ".join(defaults) or "none"
            raise ParameterError(f"params.{key}", f"unknown parameter of {name}{did_you_mean(str(key), defaults)} "
                                                  f"(it takes: {allowed})")
    values = {**defaults, **params}
    for key, value in values.items():
        values[key] = _check(f"params.{key}", key, value, name)
    noise, seed = values.pop("noise", 0.0), values.pop("seed", 0)
    shown = {k: v for k, v in values.items()}
    if noise:
        shown.update(noise=noise, seed=seed)
    if cls is Quadratic:
        c = values["condition"]
        span = 5.0
        return Quadratic(name, shown, ((0.0, 0.0),), (-4.0, 4.0 / c ** 0.5 if c > 1 else 3.0), (-span, span, -3.0, 3.0),
                         0.0, noise, seed)
    if cls is Rosenbrock:
        a = values["a"]
        return Rosenbrock(name, shown, ((a, a * a),), (-1.2 * a if a else -1.2, 1.0), (-2.0, 2.0, -1.0, 3.0))
    if cls is Beale:
        return Beale(name, shown, ((3.0, 0.5),), (1.0, 1.5), (-4.5, 4.5, -4.5, 4.5))
    if cls is DoubleWell:
        left, right = double_well_minima(values["a"])
        probe = DoubleWell(name, shown)
        lows = [(m, float(probe.value(np.array([m, 0.0])))) for m in (left, right)]
        best = min(v for _, v in lows)
        minima = tuple((m, 0.0) for m, v in lows if v == best)
        local = tuple((m, 0.0) for m, v in lows if v != best)
        return DoubleWell(name, shown, minima, (1.7, 1.2), (-2.0, 2.0, -1.5, 1.5), best, local_minima=local)
    return Himmelblau(name, shown, HIMMELBLAU_MINIMA, (0.0, 0.0), (-5.0, 5.0, -5.0, 5.0))


def _check(path: str, key: str, value: Any, surface: str = "") -> Any:
    from ..params import as_number

    if key == "seed":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            raise ParameterError(path, f"expected a whole number seed >= 0; got {value!r}")
        return value
    number = as_number(path, value)
    if key == "condition" and not 1 <= number <= 1e6:
        raise ParameterError(path, f"must be in [1, 1e6]; got {number:g}")
    if key == "noise" and number < 0:
        raise ParameterError(path, f"must be >= 0; got {number:g}")
    if key == "b" and number <= 0:
        raise ParameterError(path, f"must be > 0; got {number:g}")
    if key == "a" and surface == "double_well" and not abs(number) < DOUBLE_WELL_TILT:
        raise ParameterError(path, f"must be in (-1.54, 1.54) (|a| < 8/(3 sqrt 3)) for two basins; got {number:g}")
    return number


# The lr each optimizer gets on a surface when none is given (``lr`` of the config, --lr or
# the optimizer's params.lr): a round value near the best final loss of a constant lr over
# 500 steps from the default start. The papers' defaults (adam 0.001, ...) suit networks
# with many small gradients; on these two-parameter surfaces they barely move.
_ADAPTIVE = {"adagrad": 0.5, "adadelta": 1.0, "rmsprop": 0.01, "adam": 0.1, "adamw": 0.1, "adam_l2": 0.1}
LR_HINTS: dict[str, dict[str, float]] = {
    "quadratic": {"sgd": 0.1, "momentum": 0.01, "nag": 0.05, **_ADAPTIVE, "adagrad": 1.0},
    "noisy_quadratic": {"sgd": 0.01, "momentum": 0.001, "nag": 0.001, **_ADAPTIVE, "adagrad": 0.2, "adam": 0.02,
                        "adamw": 0.02, "adam_l2": 0.02},
    "rosenbrock": {"sgd": 0.002, "momentum": 0.001, "nag": 0.001, **_ADAPTIVE},
    "beale": {"sgd": 0.01, "momentum": 0.005, "nag": 0.005, **_ADAPTIVE, "adagrad": 1.0},
    "himmelblau": {"sgd": 0.01, "momentum": 0.001, "nag": 0.001, **_ADAPTIVE, "rmsprop": 0.05},
    "double_well": {"sgd": 0.02, "momentum": 0.005, "nag": 0.005, **_ADAPTIVE},
}
for _hints in LR_HINTS.values():  # SGD with L2 or decoupled decay moves like SGD
    _hints.setdefault("sgd_l2", _hints["sgd"])
    _hints.setdefault("sgdw", _hints["sgd"])
