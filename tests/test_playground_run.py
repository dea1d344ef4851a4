"""Simulation: stability threshold 2/L, divergence handling, batching, seeded noise, surfaces, eq. (7)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lrviz
from lrviz.playground import flow, optimizers, play, run, surfaces
from lrviz.playground.figures import regions
from lrviz.playground.spec import OptimizerSpec, Playground, SurfaceSpec
from lrviz.spec import ScheduleSpec

L = 10.0  # the quadratic's largest curvature


def sgd_on_quadratic(lr, steps=400):
    s = surfaces.make("quadratic", condition=L)
    return run.simulate(s, optimizers.make("sgd"), np.full(steps, lr), steps, (-4.0, 1.0))


def test_sgd_diverges_above_2_over_L_and_converges_below():
    above, below = sgd_on_quadratic(2.1 / L), sgd_on_quadratic(1.9 / L)
    assert above.diverged and not below.diverged
    # |1 - lr L| = 1.1: |y| grows 1.1x per step, so it passes 1e6 after about log(1e6)/log(1.1) = 145 steps
    assert 140 <= above.diverged_at <= 150
    assert below.final_loss < 1e-12


def test_a_diverged_run_is_frozen_with_nan_loss_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = run.simulate(surfaces.make("rosenbrock"), optimizers.make("sgd"), np.full(50, 0.5), 50, (-1.2, 1.0))
    k = int(out.diverged_at)
    assert 0 < k < 50
    assert np.all(out.path[k:] == out.path[k - 1])  # frozen at the last point inside the radius
    assert np.all(np.abs(out.path[k - 1]) <= run.RADIUS)
    assert np.all(np.isnan(out.loss[k:])) and np.all(np.isfinite(out.loss[:k]))


def test_the_batched_grid_equals_a_run_per_lr_exactly():
    lrs = np.geomspace(1e-4, 1.0, 7)
    spec = Playground(surface=SurfaceSpec("rosenbrock"),
                      optimizers=tuple(OptimizerSpec(n, path=n) for n in optimizers.names()),
                      schedules=(ScheduleSpec("cosine", path="cosine"), ScheduleSpec("onecycle", path="onecycle")),
                      steps=150)
    prepared = play.prepare(spec)
    batched = play.grid(prepared, lrs, record=True)
    assert batched.diverged.any() and (~batched.diverged).any()  # both kinds are in the batch
    for i, lane in enumerate(prepared.lanes):
        for j in range(len(spec.schedules)):
            for m, lr in enumerate(lrs):
                alone = run.simulate(prepared.surface, lane.optimizer, prepared.curves[i, j], spec.steps,
                                     prepared.start, lrs=[lr])
                assert np.array_equal(alone.path[:, 0], batched.path[:, i, j, m], equal_nan=True)
                assert np.array_equal(alone.loss[:, 0], batched.loss[:, i, j, m], equal_nan=True)
                assert alone.diverged_at[0] == batched.diverged_at[i, j, m]


def test_grid_lr_is_the_schedules_peak():
    curve = np.asarray(lrviz.schedule("onecycle", lr=0.1, total_steps=100)(np.arange(100)))
    table = run.grid_lrs(curve, [1e-3, 1.0])
    assert table[:, 0].max() == pytest.approx(1e-3) and table[:, 1].max() == pytest.approx(1.0)
    assert table[:, 1] / table[:, 1].max() == pytest.approx(curve / curve.max())


def test_several_starts_run_at_once():
    s = surfaces.make("himmelblau")
    starts = np.array([[0.0, 0.0], [-1.0, 1.0], [-1.0, -1.0]])
    out = run.simulate(s, optimizers.make("sgd"), np.full(300, 0.01), 300, starts)
    assert out.path.shape == (301, 3, 2)
    for r in range(3):
        alone = run.simulate(s, optimizers.make("sgd"), np.full(300, 0.01), 300, starts[r])
        assert np.array_equal(alone.path, out.path[:, r])
    found = {tuple(np.round(p, 3)) for p in out.final}
    minima = {tuple(np.round(m, 3)) for m in s.minima}
    assert found <= minima and len(found) >= 2


def test_seeded_noise_is_reproducible_and_changes_with_the_seed():
    def path(seed, steps=40):
        s = surfaces.make("noisy_quadratic", noise=0.5, seed=seed)
        return run.simulate(s, optimizers.make("sgd"), np.full(steps, 0.05), steps, (-4.0, 1.0)).path

    assert np.array_equal(path(7), path(7))
    assert not np.allclose(path(7), path(8))
    assert np.array_equal(path(7, 40)[:21], path(7, 20))  # a longer run starts with the same noise
    # the first step by hand: the gradient plus 0.5 * the first normal draws of default_rng(7)
    draws = np.random.default_rng(7).standard_normal(2)
    want = np.array([-4.0 - 0.05 * (-4.0 + 0.5 * draws[0]), 1.0 - 0.05 * (10.0 * 1.0 + 0.5 * draws[1])])
    assert path(7)[1] == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_gradients_match_finite_differences_and_minima_are_minima(name):
    s = surfaces.make(name, **({"noise": 0.0} if "quadratic" in name else {}))
    rng = np.random.default_rng(0)
    x0, x1, y0, y1 = s.window
    points = np.column_stack([rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20)]) * 0.5
    h = 1e-6
    for axis in (0, 1):
        step = np.zeros(2)
        step[axis] = h
        numeric = (s.value(points + step) - s.value(points - step)) / (2 * h)
        assert s.gradient(points)[:, axis] == pytest.approx(numeric, rel=1e-5, abs=1e-4)
    for m in s.minima:
        assert s.value(np.array(m)) == pytest.approx(s.min_value, abs=1e-20)
        assert np.abs(s.gradient(np.array(m))).max() < 1e-12


def test_regions_split_the_grid_around_the_good_band():
    lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
    final = np.array([5.0, 0.5, 1e-4, 1e-3, np.nan])
    kinds = regions(lrs, final, 10.0, np.array([False, False, False, False, True]))
    assert kinds == ["too small", "too small", "good", "good", "too large"]
    assert regions(lrs, np.array([5.0, 2.0, 3.0, 8.0, 9.0]), 10.0, np.zeros(5, bool)) == \
        ["too small", "too small", "too large", "too large", "too large"]


# ---- document 1 eq. (7) ----------------------------------------------------------------------


def test_rk4_gradient_flow_matches_the_closed_form():
    s = surfaces.make("quadratic", condition=4.0)
    times = np.linspace(0, 2, 5)
    numeric = flow.gradient_flow(s, (-4.0, 2.5), times, dt=1e-3)
    exact = np.column_stack([-4.0 * np.exp(-times), 2.5 * np.exp(-4.0 * times)])
    assert numeric == pytest.approx(exact, abs=1e-10)


def test_gradient_descent_follows_the_modified_flow_to_second_order():
    """GD's distance up to a fixed time: O(eta) from the plain flow, O(eta**2) from the modified one."""
    s = surfaces.make("quadratic", condition=4.0)

    def distances(eta, horizon=2.0):
        plain, modified, _ = flow.deviations(s, (-4.0, 2.5), eta, int(round(horizon / eta)))
        return plain.max(), modified.max()

    (p1, m1), (p2, m2) = distances(0.01), distances(0.005)
    assert m1 < p1 / 10 and m2 < p2 / 10  # much closer to the modified flow
    assert 1.7 < p1 / p2 < 2.3  # halving eta halves the plain distance ...
    assert 3.4 < m1 / m2 < 4.6  # ... and quarters the modified one
    # the modified rate by hand, one coordinate: GD gives (1 - eta c)^k, the flow exp(-(c + eta c^2/2) k eta)
    eta, c, k = 0.01, 4.0, 50
    assert flow.quadratic_flow(s, (0.0, 1.0), [k * eta], eta)[0, 1] == pytest.approx(np.exp(-(c + eta * c * c / 2) * k * eta))


def _spec(**kw) -> Playground:
    base = dict(surface=SurfaceSpec("rosenbrock", {}, "playground.surface"),
                optimizers=tuple(OptimizerSpec(n, {}, None, f"playground.optimizers[{i}]")
                                 for i, n in enumerate(kw.pop("names", ["sgd", "adam"]))),
                schedules=(ScheduleSpec("constant"),), steps=50)
    base.update(kw)
    return Playground(**base)


def test_the_running_geometric_mean_is_the_exp_of_the_trailing_mean_of_logs():
    from lrviz.playground.figures import running_geometric_mean

    values = np.array([1.0, 100.0, 10.0, 1000.0, 0.1])
    # windows of 3 trailing values, fewer at the start
    expected = [1.0, (1.0 * 100.0) ** (1 / 2), (1.0 * 100.0 * 10.0) ** (1 / 3), (100.0 * 10.0 * 1000.0) ** (1 / 3),
                (10.0 * 1000.0 * 0.1) ** (1 / 3)]
    np.testing.assert_allclose(running_geometric_mean(values, 3), expected, rtol=1e-12)


def test_more_than_four_runs_get_a_small_map_each_beside_one_loss_panel():
    names = ["sgd", "momentum", "nag", "adagrad", "rmsprop"]
    fig = play.figure(_spec(names=names))
    maps = [ax for ax in fig.get_axes() if any((line.get_gid() or "").startswith("path-") for line in ax.get_lines())]
    assert [ax.get_title(loc="left") for ax in maps] == names  # one path each, titled by its optimizer
    assert all(len([line for line in ax.get_lines() if (line.get_gid() or "").startswith("path-")]) == 1 for ax in maps)
    assert len(fig.get_axes()) == len(names) + 1  # the spare cell of the 2 x 3 grid is removed, plus the loss
    few = play.figure(_spec(names=["sgd", "adam"]))
    assert len(few.get_axes()) == 2


def test_the_lr_grid_puts_its_legend_in_the_grids_empty_cell_and_its_x_marks_inside_the_axes():
    from lrviz.playground.spec import LrGrid

    names = ["sgd", "momentum", "nag", "adagrad", "rmsprop"]  # a 2 x 3 grid: one cell to spare
    fig = play.figure(_spec(names=names, view="grid", lr_grid=LrGrid(1e-4, 1.0, 6)))
    panels = [ax for ax in fig.get_axes() if ax.axison]
    spare = [ax for ax in fig.get_axes() if not ax.axison]
    assert len(panels) == 5 and len(spare) == 1 and spare[0].get_legend() is not None and not fig.legends
    marks = [line for ax in panels for line in ax.get_lines() if line.get_marker() == "x"]
    assert marks and all(line.get_clip_on() and max(line.get_ydata()) < 1.0 for line in marks)  # sgd diverges at 1
    three = play.figure(_spec(names=["sgd", "momentum", "nag"], view="grid", lr_grid=LrGrid(1e-4, 1.0, 6)))
    assert len(three.legends) == 1  # a full row: the legend goes below
