"""The double well surface and SGD with L2 or decoupled weight decay, from their formulas.

Expected values are written out here: the double well's gradient against central finite
differences of f = (x**2 - 1)**2 + a x + b y**2 / 2, its minima against the cubic
4x**3 - 4x + a = 0, and one step of each SGD variant by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.errors import ParameterError
from lrviz.playground import optimizers, run, surfaces


def f(x, y, a, b):
    return (x * x - 1.0) ** 2 + a * x + b * y * y / 2.0


@pytest.mark.parametrize("a,b", [(0.5, 1.0), (-0.3, 4.0), (0.0, 0.5), (1.4, 2.0)])
def test_double_well_gradient_matches_finite_differences(a, b):
    s = surfaces.make("double_well", a=a, b=b)
    rng = np.random.default_rng(1)
    points = np.column_stack([rng.uniform(-2, 2, 30), rng.uniform(-1.5, 1.5, 30)])
    h = 1e-6
    num_x = [(f(x + h, y, a, b) - f(x - h, y, a, b)) / (2 * h) for x, y in points]
    num_y = [(f(x, y + h, a, b) - f(x, y - h, a, b)) / (2 * h) for x, y in points]
    g = s.gradient(points)
    assert g[:, 0] == pytest.approx(num_x, rel=1e-6, abs=1e-6)
    assert g[:, 1] == pytest.approx(num_y, rel=1e-6, abs=1e-6)
    assert s.value(points) == pytest.approx([f(x, y, a, b) for x, y in points], rel=1e-14, abs=1e-14)


def test_double_well_minima_are_the_outer_roots_of_the_cubic_and_the_left_is_lower():
    a = 0.5
    s = surfaces.make("double_well", a=a)
    (xg, yg), = s.minima
    (xl, yl), = s.local_minima
    for x in (xg, xl):
        assert 4 * x ** 3 - 4 * x + a == pytest.approx(0.0, abs=1e-14)
        assert 12 * x * x - 4 > 0  # a minimum along x; along y the curvature is b > 0
    assert yg == yl == 0.0
    assert xg < -1 < 0 < xl < 1  # a > 0 moves both minima left of +-1
    assert s.min_value == f(xg, 0.0, a, 1.0) and s.min_value < f(xl, 0.0, a, 1.0)
    # bisection on the cubic, independent of numpy.roots
    lo, hi = -2.0, -0.6
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 4 * mid ** 3 - 4 * mid + a < 0 else (lo, mid)
    assert xg == pytest.approx(lo, abs=1e-13)


def test_an_untilted_double_well_has_two_global_minima():
    s = surfaces.make("double_well", a=0.0)
    assert sorted(m[0] for m in s.minima) == pytest.approx([-1.0, 1.0], abs=1e-15)
    assert s.local_minima == () and s.min_value == pytest.approx(0.0, abs=1e-30)


@pytest.mark.parametrize("a", [1.54, -1.6, 3.0])
def test_a_tilt_that_leaves_one_basin_is_refused(a):
    with pytest.raises(ParameterError, match=r"params.a: must be in \(-1.54, 1.54\)"):
        surfaces.make("double_well", a=a)


def test_a_small_lr_stays_in_the_near_basin_and_a_larger_one_crosses():
    """The gallery figure's claim: from (1.7, 1.2), lr 0.02 ends in the right basin, lr 0.15 in the left."""
    s = surfaces.make("double_well", a=0.5)
    small = run.simulate(s, optimizers.make("sgd"), np.full(200, 0.02), 200, (1.7, 1.2))
    large = run.simulate(s, optimizers.make("sgd"), np.full(200, 0.15), 200, (1.7, 1.2))
    assert small.final[0] == pytest.approx(s.local_minima[0][0], abs=1e-6)
    assert large.final[0] == pytest.approx(s.minima[0][0], abs=1e-9)
    # the first step of lr 0.15, by hand: x1 = 1.7 - 0.15 (4 * 1.7 * (1.7**2 - 1) + 0.5)
    assert large.path[1, 0] == pytest.approx(1.7 - 0.15 * (4 * 1.7 * (1.7 ** 2 - 1) + 0.5), rel=1e-15)


P0 = (1.5, -0.5)
C = 4.0  # the quadratic (x**2 + 4 y**2)/2, gradient (x, 4y)


def one_step(name, lr, **params):
    s = surfaces.make("quadratic", condition=C)
    return run.simulate(s, optimizers.make(name, **params), np.full(1, lr), 1, P0).path[1]


@pytest.mark.parametrize("name", ["sgd_l2", "sgdw"])
def test_sgd_with_l2_and_with_decoupled_decay_take_the_same_step(name):
    lr, wd = 0.1, 0.3
    g = (P0[0], C * P0[1])
    want = [p - lr * (gi + wd * p) for p, gi in zip(P0, g)]  # document 5: w - r dL/dw - r lambda w
    assert one_step(name, lr, weight_decay=wd) == pytest.approx(want, rel=1e-15)


def test_sgd_l2_and_sgdw_stay_together_over_a_run_while_adam_l2_and_adamw_part():
    s = surfaces.make("rosenbrock")
    lr_table = np.full(500, 0.002)
    a = run.simulate(s, optimizers.make("sgd_l2", weight_decay=0.5), lr_table, 500, s.start)
    b = run.simulate(s, optimizers.make("sgdw", weight_decay=0.5), lr_table, 500, s.start)
    assert np.abs(a.path - b.path).max() < 1e-13  # the same update; rounding only
    c = run.simulate(s, optimizers.make("adam_l2", weight_decay=0.5), np.full(500, 0.05), 500, s.start)
    d = run.simulate(s, optimizers.make("adamw", weight_decay=0.5), np.full(500, 0.05), 500, s.start)
    assert np.abs(c.path - d.path).max() > 0.1


def test_zero_decay_is_plain_sgd_and_defaults_are_documented():
    for name in ("sgd_l2", "sgdw"):
        assert optimizers.make(name).params == {"lr": 0.01, "weight_decay": 0.01}
        assert np.array_equal(one_step(name, 0.1, weight_decay=0.0), one_step("sgd", 0.1))
    with pytest.raises(ParameterError, match=r"params.weight_decay: must be in \[0, inf\); got -1"):
        optimizers.make("sgdw", weight_decay=-1)
    assert math.isfinite(surfaces.LR_HINTS["rosenbrock"]["sgdw"])


def test_adagrads_effective_lr_is_lr_over_the_root_of_the_summed_squared_gradients():
    """lr / sqrt(G_t + eps), G_t = sum of g**2 over updates 1..t, g taken along the run's own path."""
    s = surfaces.make("quadratic", condition=C)
    lr, eps, steps = 0.5, 1e-7, 40
    out = run.simulate(s, optimizers.make("adagrad"), np.full(steps, lr), steps, P0)
    G, want = [0.0, 0.0], []
    for x, y in out.path[:-1]:
        g = (x, C * y)
        G = [Gi + gi * gi for Gi, gi in zip(G, g)]
        want.append([lr / math.sqrt(Gi + eps) for Gi in G])
    got = run.effective_lrs(s, optimizers.make("adagrad"), np.full(steps, lr), out.path)
    assert got == pytest.approx(np.array(want), rel=1e-13)
    assert np.all(np.diff(got, axis=0) <= 0)  # it never rises


def test_effective_lr_of_rmsprop_and_sgd_and_none_for_momentum():
    s = surfaces.make("quadratic", condition=C)
    lr, beta, eps = 0.01, 0.9, 1e-7
    out = run.simulate(s, optimizers.make("rmsprop"), np.full(3, lr), 3, P0)
    G, want = [0.0, 0.0], []
    for x, y in out.path[:-1]:
        G = [beta * Gi + (1 - beta) * gi * gi for Gi, gi in zip(G, (x, C * y))]
        want.append([lr / math.sqrt(Gi + eps) for Gi in G])
    assert run.effective_lrs(s, optimizers.make("rmsprop"), np.full(3, lr), out.path) == pytest.approx(np.array(want),
                                                                                                        rel=1e-13)
    sgd = run.simulate(s, optimizers.make("sgd"), np.array([0.1, 0.2, 0.3]), 3, P0)
    assert run.effective_lrs(s, optimizers.make("sgd"), np.array([0.1, 0.2, 0.3]), sgd.path).tolist() == \
        [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]
    mom = run.simulate(s, optimizers.make("momentum"), np.full(3, lr), 3, P0)
    assert run.effective_lrs(s, optimizers.make("momentum"), np.full(3, lr), mom.path) is None


def test_the_effective_lr_view_refuses_an_optimizer_without_a_step_size(tmp_path):
    from lrviz.errors import ConfigError
    from lrviz.playground import config

    path = tmp_path / "eff.yaml"
    path.write_text("schedules: [constant]\nplayground:\n  surface: quadratic\n"
                    "  optimizers: [adagrad, nag]\n  view: effective_lr\n")
    with pytest.raises(ConfigError, match=r"view: effective_lr draws a step size per coordinate, which nag has not"):
        config.load(str(path))


def _plateau_by_hand(lr, factor, patience, threshold, steps, per, grad, start, noise):
    """SGD whose lr follows torch's ReduceLROnPlateau rule (mode min, threshold_mode rel, no cooldown, eps 1e-8),
    stepped every ``per`` updates with the mean of f over them: the closed loop written out directly."""
    p = np.array(start, dtype=float)
    best, bad, lrs, window = math.inf, 0, [], []
    for t in range(steps):
        lrs.append(lr)
        p = p - lr * (grad(p) + noise[t])
        window.append(0.5 * (p[0] ** 2 + 10.0 * p[1] ** 2))
        if len(window) == per:
            metric = sum(window) / per
            window = []
            if metric < best * (1 - threshold):
                best, bad = metric, 0
            else:
                bad += 1
            if bad > patience:
                new = lr * factor
                if lr - new > 1e-8:
                    lr = new
                bad = 0
    return np.array(lrs)


@pytest.mark.parametrize("per", [1, 50])
def test_a_plateau_schedule_watching_the_loss_is_the_closed_loop(per, tmp_path):
    from lrviz.playground import config, play

    steps, lr = 1500, 0.05
    path = tmp_path / "plateau.yaml"
    path.write_text(f"lr: {lr}\n" + (f"steps_per_epoch: {per}\n" if per > 1 else "")
                    + "schedules:\n  - {name: torch.ReduceLROnPlateau, params: {metrics: loss, factor: 0.5, patience: "
                    + ("2" if per > 1 else "60") + "}}\nplayground:\n"
                    "  surface: {name: noisy_quadratic, params: {condition: 10, noise: 1.0, seed: 3}}\n"
                    f"  optimizers: [sgd]\n  steps: {steps}\n  view: lr_loss\n")
    spec = config.load(str(path))
    got = play.prepare(spec).curves[0, 0]
    noise = surfaces.make("noisy_quadratic", condition=10, noise=1.0, seed=3).noise_table(steps)
    want = _plateau_by_hand(lr, 0.5, 2 if per > 1 else 60, 1e-4, steps, per, lambda p: np.array([p[0], 10 * p[1]]),
                            (-4.0, 4.0 / math.sqrt(10)), noise)
    assert np.count_nonzero(np.diff(want)) >= 2  # the rule did cut the lr, more than once
    assert got == pytest.approx(want, rel=1e-12)


def test_metrics_loss_cannot_be_scaled_over_an_lr_grid(tmp_path):
    from lrviz.errors import ConfigError
    from lrviz.playground import config

    path = tmp_path / "grid.yaml"
    path.write_text("schedules:\n  - {name: torch.ReduceLROnPlateau, params: {metrics: loss}}\nplayground:\n"
                    "  optimizers: [sgd]\n  lr_grid: '1e-3:1e-1:5'\n")
    with pytest.raises(ConfigError, match="metrics: loss .* cannot be scaled over an lr grid"):
        config.load(str(path))
