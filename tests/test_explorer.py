"""The explorer commands: sweep, check, stats, resume, explore (headless), compare --stats."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import lrviz
from lrviz.config import from_text
from lrviz.errors import ParameterError
from lrviz.analysis.resume import resume
from lrviz.analysis.sweep import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "lrviz", *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=ROOT)


def cosine(lr, T, t, min_lr=0.0):
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * min(t, T) / T)) / 2


# ---- sweep -------------------------------------------------------------------------------------


def test_sweep_is_the_product_of_the_varied_values():
    cfg = sweep("cosine", [("min_lr", [0.0, 0.01]), ("decay_steps", [500, 1000])], total_steps=1000, lr=0.1)
    assert [s.label for s in cfg.schedules] == ["min_lr=0, decay_steps=500", "min_lr=0, decay_steps=1000",
                                                "min_lr=0.01, decay_steps=500", "min_lr=0.01, decay_steps=1000"]
    curves = lrviz.evaluate(cfg)
    for curve, (m, d) in zip(curves, [(0, 500), (0, 1000), (0.01, 500), (0.01, 1000)]):
        assert curve.lr[250] == pytest.approx(cosine(0.1, d, 250, m), rel=1e-12)


@pytest.mark.parametrize("varied, message", [
    ([("min_lrr", [0])], "not a parameter of cosine; did you mean min_lr?"),
    ([("min_lr", [0]), ("min_lr", [1])], "varied twice"),
    ([("min_lr", list(range(9))), ("decay_steps", list(range(1, 9)))], "72 combinations"),
])
def test_sweep_refuses_what_it_cannot_draw(varied, message):
    with pytest.raises(ParameterError, match=message):
        sweep("cosine", varied)


def test_sweep_command_writes_a_figure_with_stats(tmp_path):
    out = tmp_path / "sweep.png"
    plain = tmp_path / "plain.png"
    done = run("sweep", "cosine", "--vary", "min_lr=0,1e-3", "--stats", "-o", str(out))
    assert done.returncode == 0, done.stderr
    run("sweep", "cosine", "--vary", "min_lr=0,1e-3", "-o", str(plain))
    from matplotlib.image import imread

    assert imread(out).shape[0] > imread(plain).shape[0]  # the table adds a band under the plot


def test_sweep_command_usage_error_is_one_line(tmp_path):
    done = run("sweep", "cosine", "--vary", "min_lrr=0,1", "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["lrviz: --vary min_lrr: not a parameter of cosine; did you mean "
                                                "min_lr?; 'lrviz show cosine' lists them"]
    assert not (tmp_path / "x.png").exists()


# ---- resume ------------------------------------------------------------------------------------

RESUME = """
total_steps: 1000
lr: 0.1
schedules:
  - name: cosine
"""


def test_resume_follows_the_original_then_the_rebuilt_schedule():
    cfg = from_text(RESUME)
    curves, jumps, extent = resume(cfg, 400, 2000)
    original, resumed = curves
    assert extent == 2000 and original.steps[-1] == 999 and resumed.steps[-1] == 1999  # the last updates' lrs
    for t in (0, 399):
        assert resumed.lr[t] == pytest.approx(cosine(0.1, 1000, t), rel=1e-12)
    for t in (400, 1500, 1999):
        assert resumed.lr[t] == pytest.approx(cosine(0.1, 2000, t), abs=1e-15)
    (jump,) = jumps
    assert jump.before == pytest.approx(cosine(0.1, 1000, 400)) and jump.after == pytest.approx(cosine(0.1, 2000, 400))
    assert "jumps from 0.06545 (original run) to 0.09045 (resumed) (+38%)" in jump.text()


def test_resume_with_the_same_total_has_no_jump():
    curves, jumps, _ = resume(from_text(RESUME), 400)
    np.testing.assert_array_equal(curves[0].lr, curves[1].lr)
    assert "no jump" in jumps[0].text()


@pytest.mark.parametrize("at, total", [(0, None), (1000, None), (1200, 2000), (500, 400)])
def test_resume_refuses_steps_outside_the_runs(at, total):
    with pytest.raises(ParameterError):
        resume(from_text(RESUME), at, total)


def test_resume_command(tmp_path):
    cfg = tmp_path / "run.yaml"
    cfg.write_text(RESUME)
    out = tmp_path / "resumed.svg"
    done = run("resume", str(cfg), "--at", "400", "--total", "2000", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "cosine: at step 400 the lr jumps" in done.stdout and out.stat().st_size > 0
    done = run("resume", str(cfg), "--at", "5000", "-o", str(tmp_path / "bad.png"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "--at" in done.stderr
    assert not (tmp_path / "bad.png").exists()


# ---- check and stats commands -----------------------------------------------------------------


def test_check_exit_codes_and_lines(tmp_path):
    clean = run("check", "cosine", "onecycle")
    assert clean.returncode == 0 and clean.stdout.strip() == "no problems found in 2 schedules"
    warned = run("check", "step", "--steps", "100000", "--steps-per-epoch", "1000", "--set", "step.step_size=30")
    assert warned.returncode == 0
    assert warned.stdout.splitlines()[0].startswith("step: warning at step 30: step_size=30 steps")
    failed = run("check", "torch.OneCycleLR", "--steps", "1200", "--set", "torch.OneCycleLR.total_steps=1000")
    assert failed.returncode == 1 and "error at step 1,001" in failed.stdout and failed.stderr == ""


def test_check_a_shipped_config_is_clean():
    done = run("check", "configs/warmup_cosine.yaml")
    assert done.returncode == 0 and done.stdout.startswith("no problems found")


def test_stats_csv_numbers_match_the_formula():
    done = run("stats", "cosine", "--steps", "100", "--lr", "1", "--format", "csv")
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.strip().splitlines()
    values = dict(zip(header.split(","), row.split(",")))
    assert float(values["area"]) == pytest.approx(math.fsum(cosine(1, 100, t) for t in range(100)), rel=1e-12)
    assert int(values["steps_above_half_peak"]) == 51  # t <= 50: cos(pi t / 100) >= 0


def test_compare_stats_prints_the_table_under_a_preview():
    done = run("compare", "step", "cosine", "--stats", "--term")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[-4].split()[:2] == ["curve", "peak"] and lines[-1].startswith("cosine")


# ---- explore, driven headless -----------------------------------------------------------------


@pytest.fixture()
def explorer():
    from matplotlib.figure import Figure

    from lrviz.explore import Explorer

    return Explorer(Figure(figsize=(9, 7)), "cosine", total_steps=1000, lr=0.1)


def test_explore_has_a_slider_per_numeric_parameter(explorer):
    assert list(explorer.sliders) == ["lr", "min_lr", "decay_steps"]
    assert explorer.sliders["decay_steps"].valmax == 1000


def test_moving_a_slider_redraws_curve_and_stats(explorer):
    explorer.sliders["min_lr"].set_val(0.02)
    explorer.sliders["decay_steps"].set_val(500)
    x, y = explorer.line.get_data()
    i = int(np.flatnonzero(np.asarray(x) == 250)[0])
    assert y[i] == pytest.approx(cosine(0.1, 500, 250, 0.02), rel=1e-12)
    assert explorer.stats.final == pytest.approx(0.02)
    expected_area = math.fsum(cosine(0.1, 500, t, 0.02) for t in range(1000))
    assert f"area {expected_area:.4g}" in explorer.status.get_text()


def test_a_refused_value_shows_the_error_and_keeps_the_curve():
    from matplotlib.figure import Figure

    from lrviz.explore import Explorer

    e = Explorer(Figure(figsize=(9, 7)), "warmup", total_steps=1000)
    before = np.array(e.line.get_ydata())
    e.sliders["warmup_steps"].set_val(1000)
    assert "warmup of 1000 steps leaves nothing" in e.status.get_text()
    np.testing.assert_array_equal(e.line.get_ydata(), before)


def test_reset_button_restores_every_slider(explorer):
    start = np.array(explorer.line.get_ydata())
    explorer.sliders["min_lr"].set_val(0.05)
    explorer.reset_button._observers.process("clicked", None)  # what a click on the button runs
    assert explorer.values() == {"lr": 0.1, "min_lr": 0.0, "decay_steps": 1000}
    np.testing.assert_array_equal(explorer.line.get_ydata(), start)


def test_momentum_follows_its_sliders():
    from matplotlib.figure import Figure

    from lrviz.explore import Explorer

    e = Explorer(Figure(figsize=(9, 7)), "onecycle", total_steps=1000)
    e.sliders["base_momentum"].set_val(0.8)
    x, m = e.momentum_line.get_data()
    peak = int(np.flatnonzero(np.asarray(x) == 300)[0])  # pct_start 0.3: momentum is lowest at the lr peak
    assert m[0] == pytest.approx(0.95) and m[peak] == pytest.approx(0.8)


def test_explore_without_a_display_is_one_clear_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    done = run("explore", "cosine", env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["lrviz: explore needs a window and no display was found (DISPLAY is "
                                                "not set); use 'lrviz sweep' or 'lrviz compare --term' instead"]
