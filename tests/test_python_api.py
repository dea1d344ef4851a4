"""lrviz.stats / lrviz.check in Python (against the CLI's output and closed forms) and the notebook pictures."""

import dataclasses
import json
import math
import os
import struct
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import lrviz
from lrviz.cli import app
from lrviz.errors import ParameterError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(ROOT, "configs")
runner = CliRunner()


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


def cli_stats(*args):
    result = cli("stats", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cli_check_lines(*args):
    result = cli("check", *args)
    return result.output.strip().splitlines()[:-1], result.exit_code  # the last line is the summary


# ---- stats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["warmup_cosine.yaml", "onecycle.yaml", "compare_four.yaml", "same_name_cosine.yaml",
                                  "trainers/deepspeed_config.json"])
def test_stats_of_a_config_is_the_clis(name):
    path = os.path.join(CONFIGS, name)
    assert [dataclasses.asdict(s) for s in lrviz.stats(path)] == cli_stats(path)
    assert lrviz.stats(lrviz.load(path)) == lrviz.stats(path)  # a Config object, the same


def test_stats_of_a_name_is_the_clis():
    got = lrviz.stats("cosine", lr=3e-4, total_steps=10_000, min_lr=3e-5)
    assert [dataclasses.asdict(s) for s in got] == cli_stats("cosine", "--steps", 10_000, "--lr", 3e-4,
                                                             "--set", "cosine.min_lr=3e-5")
    same = lrviz.stats({"name": "cosine", "params": {"min_lr": 3e-5}}, lr=3e-4, total_steps=10_000)
    assert same == got


def test_stats_of_a_twin_name_takes_the_run_length():
    # torch.StepLR has no length of its own: total_steps is the run's, as --steps is
    got = lrviz.stats("torch.StepLR", total_steps=3000, step_size=1000)
    assert [dataclasses.asdict(s) for s in got] == cli_stats("torch.StepLR", "--steps", 3000,
                                                             "--set", "torch.StepLR.step_size=1000")


@pytest.mark.parametrize("T", [1, 2, 999, 1000, 12_345])
def test_cosine_closed_forms(T):
    lr, floor = 0.2, 0.01
    [s] = lrviz.stats(lrviz.schedule("cosine", lr=lr, total_steps=T, min_lr=floor))
    # sum_{t<T} (1 + cos(pi t / T)) = T + 1, because sum_{t=0}^{T-1} cos(pi t / T) = Re 2 / (1 - e^{i pi / T}) = 1
    area = T * floor + (lr - floor) / 2 * (T + 1)
    assert s.area == pytest.approx(area, rel=1e-12)
    assert s.mean == pytest.approx(area / T, rel=1e-12)
    assert (s.peak, s.peak_step, s.total_steps) == (lr, 0, T)
    assert s.final == pytest.approx(floor + (lr - floor) * (1 + math.cos(math.pi * (T - 1) / T)) / 2, rel=1e-12)
    # lr(t) >= lr / 2  <=>  floor + (lr - floor) (1 + cos) / 2 >= lr / 2  <=>  cos >= (lr - 2 floor) / (lr - floor) - 1
    threshold = (lr - 2 * floor) / (lr - floor) - 1
    assert s.above_half == sum(1 for t in range(T) if math.cos(math.pi * t / T) >= threshold - 1e-15)
    assert s.label == "cosine"


def test_linear_area_closed_form():
    T = 5000
    [s] = lrviz.stats("linear", lr=1.0, total_steps=T)
    assert s.area == pytest.approx(sum(1 - t / T for t in range(T)), rel=1e-12)  # = (T + 1) / 2
    assert s.area == pytest.approx((T + 1) / 2, rel=1e-12)


def test_stats_of_a_schedule_without_a_length():
    s = lrviz.schedule("fairseq.inverse_sqrt", lr=1e-3, warmup_updates=100)
    with pytest.raises(ParameterError, match="give total_steps: fairseq.inverse_sqrt does not say how long"):
        lrviz.stats(s)
    [got] = lrviz.stats(s, total_steps=400)
    # fairseq's inverse_sqrt: warmup to lr at 100, then lr * sqrt(100 / t)
    assert got.peak == pytest.approx(1e-3, rel=1e-12) and got.peak_step == 100
    assert got.final == pytest.approx(1e-3 * math.sqrt(100 / 399), rel=1e-12)  # lr(399), the last update


@pytest.mark.parametrize("kwargs, message", [
    ({"total_steps": 0}, "total_steps: must be a whole number of steps >= 1; got 0"),
    ({"total_steps": 2 * 10**9}, "is over the limit of 1,000,000,000"),
])
def test_stats_bad_length(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        lrviz.stats("cosine", **kwargs)


def test_stats_refuses_params_with_a_config():
    with pytest.raises(ParameterError, match="a config sets its schedules' parameters itself"):
        lrviz.stats(os.path.join(CONFIGS, "onecycle.yaml"), min_lr=0.1)


def test_stats_refuses_a_non_finite_curve_as_the_cli(tmp_path):
    cfg = tmp_path / "inf.yaml"
    cfg.write_text("total_steps: 100\nschedules:\n  - name: exponential\n    params: {decay_rate: 1e300, decay_steps: 1}\n")
    result = cli("stats", cfg)
    assert result.exit_code == 1
    with pytest.raises(lrviz.ConfigError) as err:
        lrviz.stats(str(cfg))
    assert str(err.value) in result.output


# ---- check --------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, kwargs", [
    (["step", "--steps", 100_000, "--steps-per-epoch", 1000, "--set", "step.step_size=30"],
     dict(source="step", total_steps=100_000, steps_per_epoch=1000, step_size=30)),
    (["cosine", "--set", "cosine.decay_steps=5000"], dict(source="cosine", decay_steps=5000)),
    (["cosine", "--lr", "0"], dict(source="cosine", lr=0.0)),
    (["torch.OneCycleLR", "--steps", 1200, "--set", "torch.OneCycleLR.total_steps=1000"],  # its own length, not the run's
     dict(source={"name": "torch.OneCycleLR", "params": {"total_steps": 1000}}, total_steps=1200)),
    ([os.path.join(CONFIGS, "warmup_cosine.yaml")], dict(source=os.path.join(CONFIGS, "warmup_cosine.yaml"))),
    ([os.path.join(CONFIGS, "trainers", "hf_training_args.json"), "--dataset-size", 52000],
     dict(source=lrviz.load(os.path.join(CONFIGS, "trainers", "hf_training_args.json"), dataset_size=52000))),
])
def test_check_is_the_clis(args, kwargs):
    kwargs = dict(kwargs)
    findings = lrviz.check(kwargs.pop("source"), **kwargs)
    lines, code = cli_check_lines(*args)
    assert [f.line() for f in findings] == lines
    assert any(f.level == "error" for f in findings) == (code == 1)


def test_check_findings_are_plain_values():
    [f] = lrviz.check("cosine", lr=0.0)
    assert (f.level, f.step, f.label) == ("error", None, "cosine")
    assert "the lr is 0 at every step" in f.message and f.hint
    assert dataclasses.asdict(f)["hint"] == f.hint


def test_check_of_a_schedule_object():
    s = lrviz.schedule("cosine", lr=0.1, total_steps=1000, decay_steps=5000)
    assert [f.line() for f in lrviz.check(s)] == [f.line() for f in lrviz.check("cosine", decay_steps=5000)]
    assert lrviz.check(lrviz.schedule("cosine", lr=0.1, total_steps=1000)) == []


def test_exported_from_the_package():
    assert {"stats", "check"} <= set(lrviz.__all__)
    assert "stats" in lrviz.__doc__ and "check" in lrviz.__doc__


# ---- notebook pictures --------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_schedule_png_and_svg():
    s = lrviz.schedule("cosine", lr=0.1, total_steps=10**8)  # a hundred million steps: decimated, not evaluated
    assert png_size(s._repr_png_()) == (400, 250)  # 4 x 2.5 in at 100 dpi
    svg = s._repr_svg_()
    assert svg.startswith("<?xml") and 'width="288pt" height="180pt"' in svg


def test_schedule_figure_title_says_when_the_length_is_unknown():
    from lrviz.notebook import DEFAULT_STEPS, figure

    fig = figure(lrviz.schedule("fairseq.inverse_sqrt", lr=1e-3, warmup_updates=100))
    from matplotlib.text import Text

    titles = [t.get_text() for t in fig.findobj(Text)]
    assert any("length unknown: first 1,000 steps" in t for t in titles), titles
    assert fig.axes[0].get_xlim()[1] == pytest.approx(DEFAULT_STEPS, rel=0.06)
    fig = figure(lrviz.schedule("cosine", lr=0.1, total_steps=5000))
    assert not any("unknown" in t.get_text() for t in fig.findobj(Text))


def test_config_pictures_draw_every_curve():
    from lrviz.notebook import figure

    cfg = lrviz.load(os.path.join(CONFIGS, "warmup_cosine.yaml"))
    assert png_size(cfg._repr_png_()) == (400, 250)
    assert cfg._repr_svg_().startswith("<?xml")
    from matplotlib.text import Text

    fig = figure(cfg)
    texts = " | ".join(t.get_text() for t in fig.findobj(Text))
    for label in ("warmup + cosine", "warmup + linear", "warmup + exponential"):
        assert label in texts, texts


def test_import_lrviz_stays_light():
    code = ("import sys, lrviz; lrviz.Schedule; s = lrviz.schedule('cosine', lr=0.1, total_steps=10); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
