"""Document 1, equation (7): gradient descent follows a *modified* gradient flow.

Gradient descent with step eta, p_{k+1} = p_k - eta grad L(p_k), is Euler's method for
the gradient flow dp/dt = -grad L(p) (document 1, eqs. (3)-(5)), with time t = k eta.
Expanding one step in eta (eq. (6)) shows that the iterates stay closer to the flow of
a modified loss with an implicit gradient penalty:

    dp/dt = -grad( L + (eta / 4) |grad L|**2 ) = -(g + (eta / 2) H g)

(document 1 prints eq. (7) as -(g + eta/4 |g|**2); the penalty's gradient is (eta/2) H g).
GD's distance from the plain flow at a fixed time T grows like eta; from the modified
flow, like eta**2.

On the quadratic L = p^T A p / 2 every flow is exact: grad L = A p, so the plain flow is
p(t) = exp(-A t) p0 and the modified flow p(t) = exp(-(A + (eta/2) A**2) t) p0.
:func:`gradient_flow` also integrates the plain flow numerically (classical Runge-Kutta
with tiny steps), for any surface.
"""

from __future__ import annotations

import numpy as np

from .surfaces import Quadratic, Surface


def gd_path(surface: Surface, start, eta: float, steps: int) -> np.ndarray:
    """Gradient descent iterates p_0..p_steps (steps + 1, 2), noise-free."""
    p = np.asarray(start, dtype=float)
    out = np.empty((steps + 1, 2))
    out[0] = p
    with np.errstate(all="ignore"):
        for k in range(steps):
            p = p - eta * surface.gradient(p)
            out[k + 1] = p
    return out


def gradient_flow(surface: Surface, start, times: np.ndarray, *, dt: float) -> np.ndarray:
    """dp/dt = -grad L(p) integrated by RK4 with step <= ``dt``; the points at ``times`` (increasing, from 0)."""
    p = np.asarray(start, dtype=float).copy()
    times = np.asarray(times, dtype=float)
    out = np.empty((len(times), 2))
    now = 0.0

    def f(q):
        return -surface.gradient(q)

    with np.errstate(all="ignore"):
        for i, target in enumerate(times):
            span = target - now
            n = max(1, int(np.ceil(span / dt - 1e-9))) if span > 0 else 0
            h = span / n if n else 0.0
            for _ in range(n):
                k1 = f(p)
                k2 = f(p + 0.5 * h * k1)
                k3 = f(p + 0.5 * h * k2)
                k4 = f(p + h * k3)
                p = p + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            now = target
            out[i] = p
    return out


def quadratic_flow(surface: Quadratic, start, times: np.ndarray, eta: float = 0.0) -> np.ndarray:
    """The exact flow of L + (eta/4)|grad L|**2 on the quadratic (eta = 0: the plain gradient flow)."""
    a = surface.hessian
    w, v = np.linalg.eigh(a)
    rate = w + 0.5 * eta * w * w
    coords = v.T @ np.asarray(start, dtype=float)
    times = np.asarray(times, dtype=float)
    return (np.exp(-np.outer(times, rate)) * coords) @ v.T


def deviations(surface: Quadratic, start, eta: float, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|GD_k - flow(k eta)| for the plain and the modified flow, k = 0..steps, and the times k eta."""
    times = eta * np.arange(steps + 1)
    gd = gd_path(surface, start, eta, steps)
    plain = quadratic_flow(surface, start, times)
    modified = quadratic_flow(surface, start, times, eta)
    return (np.linalg.norm(gd - plain, axis=1), np.linalg.norm(gd - modified, axis=1), times)
