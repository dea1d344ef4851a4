"""Playground configs and the command line: located one-line errors, overrides, one real subprocess each way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lrviz.config import from_text as plot_config
from lrviz.errors import ConfigError
from lrviz.playground import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        config.from_text(text, "run.yaml")
    return [str(issue) for issue in err.value.issues]


def test_a_full_config_becomes_a_spec():
    spec = config.from_text(
        "title: t\ncaption: c\nlr: 1e-3\nschedules: [constant, {name: cosine, params: {min_lr: 0}}]\n"
        "plot: {style: paper}\n"
        "playground:\n"
        "  surface: {name: quadratic, params: {condition: 10, noise: 0.1, seed: 3}}\n"
        "  optimizers: [sgd, {name: adam, params: {lr: 0.05}, label: A}]\n"
        "  steps: 200\n  start: [-1, 2]\n  lr_grid: {low: 1e-4, high: 1, count: 5}\n", "run.yaml")
    assert spec.surface.params == {"condition": 10, "noise": 0.1, "seed": 3}
    assert [o.name for o in spec.optimizers] == ["sgd", "adam"] and spec.optimizers[1].label == "A"
    assert [s.name for s in spec.schedules] == ["constant", "cosine"]
    assert (spec.steps, spec.start, spec.lr, spec.style) == (200, (-1.0, 2.0), 1e-3, "paper")
    assert spec.view == "grid" and (spec.lr_grid.low, spec.lr_grid.high, spec.lr_grid.count) == (1e-4, 1.0, 5)


def test_unknown_surface_and_optimizer_are_located_with_a_suggestion():
    lines = errors("playground:\n  surface: rosenbrok\n  optimizers: [sgd, adm]\n")
    assert lines == [
        "run.yaml:2:3: playground.surface: unknown surface 'rosenbrok'; did you mean rosenbrock?",
        "run.yaml:3:21: playground.optimizers[1]: unknown optimizer 'adm'; did you mean adam?",
    ]


def test_bad_lr_grid_start_and_keys_are_all_reported_in_one_pass():
    lines = errors("playground:\n  lr_grid: '1e-4:1'\n  start: [1]\n  stesp: 10\n"
                   "  optimizers: [{name: adam, params: {bta1: 0.9}}]\n")
    assert "run.yaml:2:3: playground.lr_grid: expected LOW:HIGH:N such as 1e-4:1:20; got '1e-4:1'" in lines
    assert "run.yaml:3:3: playground.start: expected a point [x, y]; got a list" in lines
    assert "run.yaml:4:3: playground.stesp: unknown key; did you mean steps?" in lines
    assert any(line.startswith("run.yaml:5:38: playground.optimizers[0].params.bta1: unknown parameter of adam; "
                               "did you mean beta1?") for line in lines)
    assert len(lines) == 4


@pytest.mark.parametrize("grid, message", [
    ("'1:1e-4:20'", "needs 0 < LOW < HIGH; got 1:0.0001"),
    ("'1e-4:1:1'", "N must be between 2 and 200; got 1"),
    ("'a:1:3'", "expected a number; got str 'a'"),
    ("{low: 1e-4, high: 1}", "missing count; expected {low, high, count}"),
])
def test_lr_grid_values(grid, message):
    assert errors(f"playground:\n  lr_grid: {grid}\n") == [f"run.yaml:2:3: playground.lr_grid: {message}"]


def test_flow_needs_the_noise_free_quadratic_and_schedule_errors_are_located():
    assert errors("playground:\n  view: flow\n") == [
        "run.yaml:1:1: playground.surface: view: flow (the modified gradient flow) needs the noise-free quadratic surface; "
        "got rosenbrock (a=1, b=100)"]
    assert errors("schedules: [cosin]\nplayground: {steps: 10}\n") == [
        "run.yaml:1:13: schedules[0].name: unknown schedule 'cosin'; did you mean cosine?"]


def test_lrviz_plot_refuses_a_playground_config_in_one_line():
    with pytest.raises(ConfigError) as err:
        plot_config("title: t\nplayground:\n  surface: beale\n", "p.yaml")
    assert str(err.value) == ("p.yaml:2:1: playground: this is a playground config (optimizers on a loss surface); "
                              "run it with 'lrviz playground FILE'")


def test_a_plain_schedules_config_runs_with_the_default_surface():
    spec = config.load(os.path.join(ROOT, "configs", "warmup_cosine.yaml"))
    assert spec.surface.name == "rosenbrock" and [o.name for o in spec.optimizers] == ["sgd", "momentum", "adam"]
    assert spec.steps == 10000 and len(spec.schedules) >= 1


def test_every_gallery_playground_config_loads():
    names = [n for n in os.listdir(os.path.join(ROOT, "configs")) if n.startswith("playground_")]
    assert len(names) >= 6
    for name in names:
        path = os.path.join(ROOT, "configs", name)
        assert config.is_playground(path)
        assert config.load(path).caption


# ---- the command line, for real -------------------------------------------------------------


def lrviz(*args: str, cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lrviz", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_subprocess_playground_writes_a_png(tmp_path):
    out = lrviz("playground", "--surface", "beale", "--optimizer", "adam", "--optimizer", "rmsprop",
                "--schedule", "constant", "--schedule", "cosine", "--steps", "60", "-o", "b.png", cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "wrote b.png"
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_subprocess_bad_option_is_one_line_exit_2_and_no_file(tmp_path):
    out = lrviz("playground", "--optimizer", "adm", "-o", "x.png", cwd=str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == ["lrviz: --optimizer: unknown optimizer 'adm'; did you mean adam?"]
    assert "Traceback" not in out.stderr and not (tmp_path / "x.png").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("playground:\n  surface: rosenbrok\n")
    out = lrviz("playground", str(bad), "-o", "y.png", cwd=str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"{bad}:2:3: playground.surface: unknown surface 'rosenbrok'; did you mean rosenbrock?"]
    assert not (tmp_path / "y.png").exists()
