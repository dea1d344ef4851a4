"""The commands on the files users already have: a trainer's own config, and a run's log (``--log``).

Expected values come from the formulas (the per-epoch mistake is built here from
the cosine's closed form) and from the real HF Trainer run recorded in
``tests/golden/logs`` (``make_logs.py``); the trainer readers' own values are
checked against their goldens in ``test_trainers_*.py``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAINERS = os.path.join(ROOT, "configs", "trainers")
HF_LOG = os.path.join(ROOT, "tests", "golden", "logs", "hf_cosine")


def lrviz(*args: str, cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lrviz", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_the_help_lists_every_trainer_format():
    from lrviz.cli._options import TRAINER_FORMATS
    from lrviz.trainers import FORMATS

    assert TRAINER_FORMATS == tuple(FORMATS)


def test_plot_draws_a_trainer_config_as_the_trainer_runs_it(tmp_path):
    out = lrviz("plot", os.path.join(TRAINERS, "hf_training_args.json"), "-o", str(tmp_path / "hf.png"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "hf.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_trainer_config_that_needs_the_dataset_size_asks_for_it_in_one_line(tmp_path):
    path = os.path.join(TRAINERS, "timm_args.yaml")
    out = lrviz("plot", path, "-o", str(tmp_path / "t.png"), cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1 and len(lines) == 1 and "Traceback" not in out.stderr
    assert lines[0].startswith(f"{path}:15:1: epochs:") and "--dataset-size" in lines[0]
    assert not (tmp_path / "t.png").exists()
    out = lrviz("stats", path, "--dataset-size", "1281167", "--world-size", "8", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["peak"] > 0


@pytest.mark.parametrize("args, message", [
    (["plot", "{cfg}", "--dataset-size", "100"], "--dataset-size: applies to a trainer's config"),
    (["plot", "{cfg}", "--format", "hff"], "--format: unknown config format 'hff'; did you mean hf?"),
    (["check", "cosine", "--log-format", "hf"], "--log-format: applies to a run's log; give it with --log RUN"),
    (["check", "cosine", "--dataset-size", "10"], "--dataset-size: applies to a config file"),
    (["plot", "{cfg}", "--log", "{log}", "--term"], "--log draws the logged points into a figure file; drop --term"),
    (["plot", "{cfg}", "--log", "{log}", "--layout", "grid"], "--log draws the run over one lr axes"),
    (["export", "cosine"], "give --output values.csv (or .json, .npy, .npz), or --to TRAINER"),
])
def test_usage_errors_of_the_new_options(args, message, tmp_path):
    cfg = os.path.join(ROOT, "configs", "warmup_cosine.yaml")
    argv = [a.format(cfg=cfg, log=HF_LOG) for a in args]
    if args[0] == "plot" and "--term" not in args:
        argv += ["-o", str(tmp_path / "x.png")]
    out = lrviz(*argv, cwd=tmp_path)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stderr.strip() == f"lrviz: {message}" or out.stderr.startswith(f"lrviz: {message}"), out.stderr
    assert not (tmp_path / "x.png").exists()


def _hf_plan(tmp_path, warmup: int) -> str:
    """The plan of the recorded HF run (transformers 5.24: cosine, lr 0.05, 40 updates, 5 warmup steps)."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"total_steps: 40\nlr: 0.05\nschedules:\n  - name: hf.cosine\n"
                    f"    params: {{num_warmup_steps: {warmup}}}\n")
    return str(plan)


def test_check_log_passes_the_real_hf_run_against_its_plan(tmp_path):
    out = lrviz("check", _hf_plan(tmp_path, 5), "--log", HF_LOG, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "follows the plan 'hf.cosine': all 40 logged points" in out.stdout


def test_check_log_finds_where_the_run_left_a_different_plan(tmp_path):
    out = lrviz("check", _hf_plan(tmp_path, 10), "--log", HF_LOG, cwd=tmp_path)
    assert out.returncode == 1
    # plan: warmup to 0.05 over 10 steps, lr(1) = 0.005; the run warmed up over 5: it used 0.01
    assert "left the plan 'hf.cosine' at step 1: planned 0.005, logged 0.01 (+100%)" in out.stdout


def test_check_log_names_a_scheduler_stepped_per_epoch(tmp_path):
    """The mistake made on purpose: a cosine over 5000 updates whose scheduler was stepped once per epoch of 50."""
    log = tmp_path / "run.csv"
    rows = ["step,lr"] + [f"{t},{0.1 * (1 + math.cos(math.pi * (t // 50) / 5000)) / 2!r}" for t in range(0, 5000, 10)]
    log.write_text("\n".join(rows) + "\n")
    out = lrviz("check", "cosine", "--steps", "5000", "--steps-per-epoch", "50", "--log", str(log), cwd=tmp_path)
    assert out.returncode == 1
    assert "likely cause: stepped once per epoch instead of once per batch (steps_per_epoch = 50)" in out.stdout


def test_plot_log_draws_the_logged_points_over_the_plan(tmp_path):
    out = lrviz("plot", _hf_plan(tmp_path, 5), "--log", HF_LOG, "-o", str(tmp_path / "run.svg"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    svg = (tmp_path / "run.svg").read_text()
    assert "logged: learning_rate (hf, 40 points)" in svg  # the markers' legend entry
    assert "follows the plan" in out.stdout


def test_export_to_hf_gives_args_that_the_hf_reader_draws_as_the_same_curve(tmp_path):
    from lrviz.curves import evaluate
    from lrviz.sources import load

    plan = tmp_path / "wc.yaml"
    plan.write_text("total_steps: 1000\nlr: 3e-4\nschedules:\n  - name: warmup\n"
                    "    params: {warmup_steps: 50, schedule: {name: cosine}}\n")
    out = lrviz("export", str(plan), "--to", "hf", "-o", str(tmp_path / "args.json"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    args = json.loads((tmp_path / "args.json").read_text())
    assert args["lr_scheduler_type"] == "cosine" and args["warmup_steps"] == 50 and args["max_steps"] == 1000
    back = load(str(tmp_path / "args.json"))
    (curve,) = evaluate(back)
    t = np.arange(1000)
    # the generic warmup + cosine, from the formulas: linear from 0 over 50 steps, then cosine to 0 over the rest
    expected = np.where(t < 50, 3e-4 * t / 50, 3e-4 * (1 + np.cos(np.pi * (t - 50) / 950)) / 2)
    np.testing.assert_allclose(curve.lr[:1000], expected, rtol=1e-12, atol=1e-18)


def test_compare_config_draws_a_trainer_config_beside_named_schedules_each_over_its_own_length(tmp_path):
    out = lrviz("compare", "cosine", "--steps", "1500", "--lr", "2e-4", "--config",
                os.path.join(TRAINERS, "deepspeed_config.json"), "--stats", "-o", str(tmp_path / "c.svg"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    svg = (tmp_path / "c.svg").read_text()
    assert "cosine" in svg and "DeepSpeed WarmupDecayLR (deepspeed_config.json)" in svg
    assert "10k" in svg  # the x axis spans the longer run: DeepSpeed's total_num_steps = 10,000
    out = lrviz("compare", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip() == "lrviz: give schedule names, or --config FILE (or both)"


def _text_past_the_page(fig) -> list[str]:
    """The drawn extent of ``fig`` where it leaves the page (after a real draw): empty when all of it is on the page."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn, page = fig.get_tightbbox(canvas.get_renderer()), fig.bbox_inches
    out = []
    for side, past in (("left", page.x0 - drawn.x0), ("right", drawn.x1 - page.x1), ("bottom", page.y0 - drawn.y0),
                       ("top", drawn.y1 - page.y1)):
        if past > 0.01:  # inches
            out.append(f"{side} by {past:.2f} in")
    return out


def test_figures_with_a_stats_table_or_logged_points_keep_their_text_on_the_page(tmp_path):
    """The layout check for the figures this change adds to: a wide stats table, and the markers' legend entry,
    tests/test_layout.py checks every gallery figure in every style. The paper style (3.5 in) is left out here:
    a stats table of eight columns does not fit a column even at the 4 pt floor of its type (issue 17)."""
    from dataclasses import replace

    from lrviz import draw
    from lrviz.analysis.stats import of_config, table
    from lrviz.cli._runlog import LogOptions
    from lrviz.sources import load

    configs = [load(os.path.join(TRAINERS, name)) for name in ("hf_training_args.json", "deepspeed_config.json")]
    for style in ("default", "dark"):
        frame = replace(configs[0], plot=replace(configs[0].plot, style=style))
        rows = [row for config in configs for row in of_config(config)]
        curves = [c for config in configs for c in draw.display_curves(config, 400)]
        fig = draw.draw(curves, frame, table=table(rows), total_steps=10_000)
        assert _text_past_the_page(fig) == [], style
        plan = load(_hf_plan(tmp_path, 5))
        plan = replace(plan, plot=replace(plan.plot, style=style))
        _, overlay = LogOptions(log=HF_LOG).overlay(plan)
        fig = draw.figure(plan, overlay=overlay)
        assert _text_past_the_page(fig) == [], style
