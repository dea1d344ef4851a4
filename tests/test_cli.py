"""The command line: CliRunner for behaviour, one real subprocess per command."""

import re
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from lrviz import __version__
from lrviz.cli import app

runner = CliRunner()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(ROOT, "configs")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m lrviz`` for real, as a user's shell would."""
    return subprocess.run([sys.executable, "-m", "lrviz", *args], capture_output=True, text=True, env=env, timeout=120)


# ---- real subprocesses: one per command --------------------------------------------------


def test_subprocess_version_and_help():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"lrviz {__version__}"
    out = run("--help")
    assert out.returncode == 0 and "compare" in out.stdout and "Example" in out.stdout


def test_subprocess_plot_png(tmp_path):
    target = tmp_path / "w.png"
    out = run("plot", os.path.join(CONFIGS, "warmup_cosine.yaml"), "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_subprocess_compare_svg_and_pdf(tmp_path):
    for ext, magic in (("svg", b"<?xml"), ("pdf", b"%PDF-")):
        target = tmp_path / f"c.{ext}"
        out = run("compare", "step", "cosine", "onecycle", "--steps", "500", "-o", str(target))
        assert out.returncode == 0, out.stderr
        assert target.read_bytes()[:5] == magic


def test_subprocess_list_and_show_do_not_import_matplotlib():
    probe = (
        "import sys, runpy; sys.argv = ['lrviz'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('lrviz', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print('MPL' if 'matplotlib' in sys.modules else 'NO-MPL')\n"
    )
    for args in (["--help"], ["list"], ["show", "cosine"]):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip().endswith("NO-MPL"), (args, out.stdout[-200:], out.stderr)


def test_subprocess_export_csv(tmp_path):
    target = tmp_path / "v.csv"
    out = run("export", "cosine", "--steps", "10", "-o", str(target))
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["step", "cosine"] and len(rows) == 11  # the lrs of the 10 updates, steps 0..9
    assert float(rows[1][1]) == pytest.approx(0.1)
    assert float(rows[-1][1]) == pytest.approx(0.1 * (1 + math.cos(math.pi * 9 / 10)) / 2, rel=1e-12)


def test_subprocess_bad_config_is_one_line_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schedules:\n  - name: cosin\n")
    out = run("plot", str(bad), "-o", str(tmp_path / "x.png"))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [f"{bad}:2:5: schedules[0].name: unknown schedule 'cosin'; did you mean cosine?"]
    assert "Traceback" not in out.stderr and not (tmp_path / "x.png").exists()


def test_subprocess_debug_shows_traceback(tmp_path):
    env = dict(os.environ, LRVIZ_DEBUG="1")
    out = run("compare", "cosin", "-o", str(tmp_path / "x.png"), env=env)
    assert out.returncode != 0 and "Traceback" in out.stderr


# ---- CliRunner ----------------------------------------------------------------------------


def invoke(*args):
    return runner.invoke(app, list(args))


def test_list_has_every_name_with_a_summary():
    import lrviz

    result = invoke("list")
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert listed == set(lrviz.names())


def test_show_prints_formula_parameters_and_twins():
    result = invoke("show", "cosine")
    assert result.exit_code == 0
    assert "lr(t) = min_lr + (lr - min_lr) * (1 + cos(pi * t' / D)) / 2" in result.output
    assert "min_lr" in result.output and "default 0.0" in result.output
    assert "torch.CosineAnnealingLR" in result.output


def test_every_command_help_has_an_example():
    for command in ("plot", "compare", "list", "show", "export", "sweep", "check", "stats", "resume", "explore"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and re.search(r"Examples?:\s+lrviz", result.output), command


def test_compare_set_applies_parameters(tmp_path):
    target = tmp_path / "v.json"
    result = invoke("export", "cosine", "step", "--steps", "100", "--set", "cosine.min_lr=1e-2",
                    "--set", "step.step_size=10", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text())
    assert data["step"] == list(range(100))  # the step column; the "step" schedule is "step lr"
    np.testing.assert_allclose(data["cosine"][99], 1e-2 + 0.09 * (1 + math.cos(math.pi * 99 / 100)) / 2, rtol=1e-12)
    np.testing.assert_allclose(data["step lr"][10], 0.1 * 0.1, rtol=1e-12)
    np.testing.assert_allclose(data["step lr"][9], 0.1, rtol=1e-12)


def test_export_momentum_columns(tmp_path):
    target = tmp_path / "v.csv"
    result = invoke("export", "onecycle", "--steps", "100", "-o", str(target))
    assert result.exit_code == 0, result.output
    header = next(csv.reader(target.open()))
    assert header == ["step", "onecycle", "onecycle momentum"]


@pytest.mark.parametrize(
    "args, exit_code, message",
    [
        (["compare", "cosine", "--set", "cosine.min_lr"], 2, "expected NAME.PARAM=VALUE"),
        (["compare", "cosine", "--set", "step.gamma=0.5"], 2, "'step' is not one of the schedules here; one of cosine"),
        (["compare", "cosine", "--steps", "0"], 2, "--steps: must be >= 1"),
        (["compare", "cosine", "--size", "8"], 2, "--size: expected W,H in inches or one of column, page, screen; got '8'"),
        (["compare", "cosine", "--x", "hours"], 2, "--x: must be one of steps, epochs, fraction"),
    ],
)
def test_usage_errors_exit_2(args, exit_code, message, tmp_path):
    result = runner.invoke(app, args + ["-o", str(tmp_path / "x.png")])
    assert result.exit_code == exit_code
    assert message in result.output
    assert not (tmp_path / "x.png").exists()


def test_bad_output_paths_keep_existing_files(tmp_path):
    from lrviz.cli import main

    existing = tmp_path / "keep.png"
    existing.write_bytes(b"precious")
    cases = [
        (str(tmp_path / "keep.png" / "x.png"), "keep.png is a file, not a folder"),
        (str(tmp_path), "is a directory"),
        (str(tmp_path / "x.gif"), "unknown output format (.gif)"),
    ]
    for target, message in cases:
        out = run("compare", "cosine", "-o", target)
        assert out.returncode == 1 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = run("compare", "cosin", "-o", str(existing))
    assert out.returncode == 2 and existing.read_bytes() == b"precious"  # an unknown name typed: usage
    assert main  # the entry point exists
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]  # no temporary files left behind


def test_json_export_has_no_nan(tmp_path):
    # a sequence whose second phase cycles momentum: the first phase has no momentum value
    cfg = tmp_path / "seq.yaml"
    cfg.write_text(
        "total_steps: 20\nschedules:\n  - name: sequence\n    params:\n      phases:\n"
        "        - {steps: 10, name: constant}\n        - {name: onecycle}\n"
    )
    target = tmp_path / "v.json"
    result = invoke("export", str(cfg), "-o", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text())  # strict JSON parses
    assert data["sequence momentum"][:10] == [None] * 10
    np.testing.assert_allclose(data["sequence momentum"][10], 0.95, rtol=1e-12)  # onecycle starts at max_momentum


# ---- figure options ---------------------------------------------------------------------


def test_plot_options_reach_the_figure(tmp_path):
    from lrviz.draw import style

    target = tmp_path / "g.pdf"
    result = invoke("plot", os.path.join(CONFIGS, "tf_decay_functions.yaml"), "-o", str(target), "--layout", "grid",
                    "--style", "paper", "--size", "page", "--no-annotate", "--logy")
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert style.SIZES["page"][0] == 7.0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--layout", "grdi"], "lrviz: --layout: must be one of auto, overlay, grid, stack; got 'grdi'; did you mean grid?"),
        (["--style", "light"], "lrviz: --style: must be one of default, paper, dark; got 'light'"),
        (["--dpi", "5"], "lrviz: --dpi: must be between 10 and 2400; got 5"),
    ],
)
def test_bad_figure_options_are_usage_errors(args, message, tmp_path):
    target = tmp_path / "x.png"
    result = runner.invoke(app, ["compare", "cosine", "-o", str(target), *args])
    assert result.exit_code == 2 and result.output.strip() == message
    assert not target.exists()


def test_term_previews_without_writing_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("compare", "step", "cosine", "--steps", "400", "--term")
    assert result.exit_code == 0, result.output
    assert any(0x2800 <= ord(ch) <= 0x28FF for ch in result.output)
    assert "step" in result.output and "cosine" in result.output and "400" in result.output
    assert os.listdir(tmp_path) == []
    result = invoke("compare", "cosine", "--term", "-o", "x.png")
    assert result.exit_code == 2 and "--term previews in the terminal and writes no file" in result.output


def test_subprocess_term_preview_of_a_config():
    out = run("plot", os.path.join(CONFIGS, "onecycle.yaml"), "--term", env={**os.environ, "COLUMNS": "70"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].strip() == "One-cycle and cyclical learning rates"
    assert max(len(line) for line in lines) <= 70


# ---- guards --------------------------------------------------------------------------------


def test_subprocess_usage_errors_exit_2_without_traceback():
    out = run("compare", "cosine", "--steps", "0")
    assert out.returncode == 2 and out.stderr.strip() == "lrviz: --steps: must be >= 1; got 0"
    out = run()  # no command: the help, exit 2 as click's no_args_is_help does
    assert out.returncode == 2 and "Traceback" not in out.stderr and "Usage" in out.stdout + out.stderr
    out = run("plot")
    assert out.returncode == 2 and "Missing argument" in out.stderr and "Traceback" not in out.stderr


def test_step_counts_over_the_limit_need_force(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("total_steps: 2000000000\nschedules: [cosine]\n")
    target = tmp_path / "big.png"
    out = run("plot", str(big), "-o", str(target))
    # 2e9 steps x 16 bytes (int64 step + float64 lr) = 29.8 GiB
    assert out.returncode == 1 and out.stderr.strip() == (
        f"{big}:1:1: total_steps: 2,000,000,000 steps is over the limit of 1,000,000,000; every step (an export "
        "without --every) would take 30 GiB per curve; use --force to go ahead")
    assert not target.exists()
    result = invoke("compare", "cosine", "--steps", "1000000001", "-o", str(target))
    assert result.exit_code == 2 and "--steps: 1,000,000,001 steps is over the limit" in result.output
    result = invoke("plot", str(big), "-o", str(target), "--force")  # monotone: only the column ends are evaluated
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\x89PNG")


def test_a_curve_that_overflows_is_reported_at_its_first_bad_step(tmp_path):
    cfg = tmp_path / "inf.yaml"
    # 0.1 * 1e300 ** (t / 1): finite at t = 1 (1e299), inf from t = 2 (1e599 > 1.8e308)
    cfg.write_text("total_steps: 100000\nschedules:\n  - name: exponential\n    params: {decay_rate: 1e300, decay_steps: 1}\n")
    target = tmp_path / "inf.png"
    out = run("plot", str(cfg), "-o", str(target))
    assert out.returncode == 1 and not target.exists()
    assert out.stderr.strip() == (f"{cfg}: schedules[0]: exponential: the lr is inf from step 2; "
                                  "its parameters take it out of floating-point range")
    # decay_rate 10 over 100-step units: lr * 10 ** (t / 100) = 10 ** (t / 100 - 1) with the default lr 0.1
    # overflows once t / 100 - 1 > log10(1.797e308) = 308.2547, i.e. from t = 30926 (the power alone
    # overflows 100 steps earlier; the lr is taken through logarithms there)
    cfg.write_text("total_steps: 100000\nschedules:\n  - name: exponential\n    params: {decay_rate: 10, decay_steps: 100}\n")
    out = run("export", str(cfg), "-o", str(tmp_path / "v.csv"))
    assert out.returncode == 1 and "the lr is inf from step 30,926;" in out.stderr
    out = run("plot", str(cfg), "-o", str(target))  # the reduced display path finds the same step
    assert out.returncode == 1 and "the lr is inf from step 30,926;" in out.stderr


def test_steps_given_with_a_config_run_it_that_long_in_export_stats_and_check(tmp_path):
    """--steps over a config's own total_steps, as plot does (it was silently ignored by export, stats and
    check); --lr with a config is refused: each schedule keeps its own lr (--set changes one)."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text("total_steps: 10000\nlr: 0.1\nschedules: [cosine]\n")
    out = tmp_path / "v.csv"
    result = runner.invoke(app, ["export", str(cfg), "--steps", "400", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open()))[1:]
    assert [int(r[0]) for r in rows] == list(range(400))
    t = np.arange(400)
    np.testing.assert_allclose([float(r[1]) for r in rows], 0.1 * (1 + np.cos(np.pi * t / 400)) / 2, rtol=1e-12,
                               atol=1e-17)
    stats = runner.invoke(app, ["stats", str(cfg), "--steps", "400", "--format", "json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)[0]["final"] == pytest.approx(0.1 * (1 + math.cos(math.pi * 399 / 400)) / 2)
    refused = runner.invoke(app, ["export", str(cfg), "--lr", "0.3", "-o", str(tmp_path / "w.csv")])
    assert refused.exit_code == 2 and "--lr: a config keeps its own lr" in refused.output
    assert not (tmp_path / "w.csv").exists()


def test_the_pixel_limit_counts_pixels_of_a_png_only(tmp_path):
    """--dpi sets a PNG's resolution: 20 x 20 in at 2400 dpi is 48,000^2 = 2,304 Mpixel as a PNG, over the
    250 Mpixel limit, and nothing at all in an SVG or PDF, which are drawn."""
    png = runner.invoke(app, ["compare", "cosine", "--size", "20,20", "--dpi", "2400", "-o", str(tmp_path / "a.png")])
    assert png.exit_code == 2 and "2,304 Mpixel" in png.output and not (tmp_path / "a.png").exists()
    for name in ("a.svg", "a.pdf"):
        out = runner.invoke(app, ["compare", "cosine", "--size", "20,20", "--dpi", "2400", "-o", str(tmp_path / name)])
        assert out.exit_code == 0, out.output
        assert (tmp_path / name).stat().st_size > 0
