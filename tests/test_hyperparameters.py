"""Other hyperparameters on the lr's timeline (lrviz.hyper): weight decay, AdamW's effective decay, a batch-size
ramp, beta1 / beta2.

Expected values come from the formulas: the cosine's closed form for the weight decay, lr x wd written out
here for AdamW's decoupled decay, and Megatron-LM's ramp rule (RampupBatchsizeNumMicroBatchesCalculator.update,
called with consumed_samples at the start of each iteration) run literally, one iteration at a time, plus
steps of change worked out by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from lrviz import config as config_mod
from lrviz.curves import evaluate
from lrviz.errors import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _config(tmp_path, body: str, name: str = "hp.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def _load(tmp_path, body: str):
    return config_mod.load(str(_config(tmp_path, body)))


def _series(curve, key):
    found = [s for s in curve.series if s.key == key]
    return found[0] if found else None


def _warmup_cosine(t, lr, lo, W, T):
    """lr of warmup (linear from 0 over W steps) + cosine to ``lo`` at T."""
    return np.where(t < W, lr * t / W, lo + (lr - lo) * (1 + np.cos(np.pi * (t - W) / (T - W))) / 2)


def _megatron(start, end, increment, ramp, steps, unit="samples"):
    """The batch size of each iteration by Megatron's rule, literally: update(consumed_samples) before each
    iteration, then consumed_samples += the batch size (with ``unit="steps"`` the step stands for C)."""
    per = ramp / ((end - start) // increment)
    consumed, out = 0, []
    for t in range(steps):
        c = consumed if unit == "samples" else t
        size = end if c > ramp else start + int(c / per) * increment
        out.append(size)
        consumed += size
    return np.array(out)


ADAMW = """\
    title: AdamW with a cosine weight decay
    total_steps: 2000
    lr: 6e-4
    schedules:
      - name: warmup
        label: adamw
        params: {warmup_steps: 100, schedule: {name: cosine, params: {min_lr: 6e-5}}}
        optimizer: adamw
        weight_decay: {name: cosine, params: {lr: 0.04, min_lr: 0.4}}
        batch_size: {start: 32, end: 128, increment: 32, ramp_samples: 960}
"""


def test_weight_decay_schedule_follows_the_cosine_formula_and_its_endpoints(tmp_path):
    (curve,) = evaluate(_load(tmp_path, ADAMW))
    wd = _series(curve, "weight_decay")
    T = 2000
    t = np.arange(T)  # the updates' steps
    expected = 0.4 + (0.04 - 0.4) * (1 + np.cos(np.pi * t / T)) / 2
    np.testing.assert_allclose(wd.values, expected, rtol=1e-13, atol=0)
    assert wd.values[0] == pytest.approx(0.04, rel=1e-12) and wd.values[-1] == pytest.approx(expected[-1], rel=1e-12)
    assert wd.values[T // 2] == pytest.approx(0.22, rel=1e-12)  # halfway up the cosine


def test_adamw_effective_decay_is_lr_times_wd_at_every_step(tmp_path):
    (curve,) = evaluate(_load(tmp_path, ADAMW))
    t = np.arange(2000)
    lr = _warmup_cosine(t, 6e-4, 6e-5, 100, 2000)
    wd = 0.4 + (0.04 - 0.4) * (1 + np.cos(np.pi * t / 2000)) / 2
    np.testing.assert_allclose(curve.lr, lr, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(_series(curve, "effective_decay").values, lr * wd, rtol=1e-12, atol=1e-18)
    assert _series(curve, "effective_decay").values[100] == pytest.approx(6e-4 * wd[100], rel=1e-12)  # the peak lr


@pytest.mark.parametrize("optimizer, panels", [("adamw", ["weight_decay", "effective_decay"]),
                                               ("adam", ["weight_decay"]), ("sgd", ["weight_decay"]),
                                               (None, ["weight_decay"])])
def test_only_adamw_has_an_effective_decay_and_a_constant_weight_decay_is_flat(tmp_path, optimizer, panels):
    line = f"optimizer: {optimizer}" if optimizer else ""
    (curve,) = evaluate(_load(tmp_path, f"""\
        total_steps: 500
        lr: 0.01
        schedules:
          - name: cosine
            {line}
            weight_decay: 0.05
    """))
    assert [s.key for s in curve.series] == panels
    assert np.all(_series(curve, "weight_decay").values == 0.05)
    if optimizer == "adamw":
        t = np.arange(500)
        np.testing.assert_allclose(_series(curve, "effective_decay").values,
                                   0.01 * (1 + np.cos(np.pi * t / 500)) / 2 * 0.05, rtol=1e-12, atol=1e-20)


def test_adamw_without_a_weight_decay_draws_no_decay(tmp_path):
    (curve,) = evaluate(_load(tmp_path, """\
        schedules:
          - name: cosine
            optimizer: adamw
    """))
    assert curve.series == ()


def test_batch_size_ramp_in_samples_changes_at_the_hand_worked_steps(tmp_path):
    """start 32, end 128, increment 32, ramp 960 samples: 3 increments, one per 320 samples. 32 per step reach 320
    at step 10 (64 from there); 320 + 5 x 64 = 640 at step 15 (96); 640 + 3 x 96 = 928 < 960 but 640 + 4 x 96 =
    1024 > 960 at step 19 (128, the end)."""
    (curve,) = evaluate(_load(tmp_path, ADAMW))
    b = _series(curve, "batch_size").values
    changes = np.flatnonzero(np.diff(b)) + 1
    assert changes.tolist() == [10, 15, 19]
    assert b[[0, 9, 10, 14, 15, 18, 19, 1999]].tolist() == [32, 32, 64, 64, 96, 96, 128, 128]
    assert b.dtype.kind == "i"


def test_batch_size_ramp_in_steps_changes_every_ramp_over_n_steps(tmp_path):
    """ramp_steps 300 over 3 increments: a new size at t = 100, 200 and 300 (C = t reaches k x 100)."""
    (curve,) = evaluate(_load(tmp_path, """\
        total_steps: 1000
        schedules:
          - name: cosine
            batch_size: {start: 32, end: 128, increment: 32, ramp_steps: 300}
    """))
    b = _series(curve, "batch_size").values
    assert (np.flatnonzero(np.diff(b)) + 1).tolist() == [100, 200, 300]
    assert b[[0, 99, 100, 299, 300, 999]].tolist() == [32, 32, 64, 96, 128, 128]


@pytest.mark.parametrize("start, increment, n, ramp, unit", [
    (32, 32, 31, 2_000_000, "samples"), (16, 16, 19, 6_000, "samples"), (1, 3, 40, 12_345, "samples"),
    (64, 64, 7, 100, "samples"),  # a stage shorter than one batch: sizes are skipped, as in Megatron
    (8, 8, 15, 1_000, "steps"), (5, 7, 3, 10, "steps"),
])
def test_batch_size_ramp_matches_megatrons_rule_run_one_iteration_at_a_time(tmp_path, start, increment, n, ramp, unit):
    T = 6000
    (curve,) = evaluate(_load(tmp_path, f"""\
        total_steps: {T}
        schedules:
          - name: constant
            batch_size: {{start: {start}, end: {start + n * increment}, increment: {increment}, ramp_{unit}: {ramp}}}
    """))
    expected = _megatron(start, start + n * increment, increment, ramp, T, unit)
    assert np.array_equal(_series(curve, "batch_size").values, expected)


def test_a_figure_reduces_each_series_but_keeps_its_extremes(tmp_path):
    """Displayed, each series is M4-reduced on its own steps; the effective decay (a product of a rising and a
    falling curve, not monotone between the lr's breaks) keeps its true maximum."""
    from lrviz import draw

    config = _load(tmp_path, ADAMW.replace("total_steps: 2000", "total_steps: 200000"))
    (full,) = evaluate(config)
    (shown,) = draw.display_curves(config, 400)
    for key in ("weight_decay", "effective_decay", "batch_size"):
        s, f = _series(shown, key), _series(full, key)
        assert len(s.steps) < 5000
        np.testing.assert_array_equal(s.values, f.values[s.steps])
        assert s.values.max() == f.values.max() and s.values.min() == f.values.min()


def test_export_writes_the_series_as_columns(tmp_path):
    path = _config(tmp_path, ADAMW)
    csv_out, json_out = tmp_path / "v.csv", tmp_path / "v.json"
    for out in (csv_out, json_out):
        run = subprocess.run([sys.executable, "-m", "lrviz", "export", str(path), "-o", str(out)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    lines = csv_out.read_text().splitlines()
    assert lines[0] == "step,adamw,adamw weight_decay,adamw effective_decay,adamw batch_size"
    assert len(lines) == 2001  # a header and steps 0..1999
    step, lr, wd, eff, bs = lines[1 + 1000].split(",")
    t = 1000
    lr_t = 6e-5 + (6e-4 - 6e-5) * (1 + np.cos(np.pi * (t - 100) / 1900)) / 2
    wd_t = 0.4 + (0.04 - 0.4) * (1 + np.cos(np.pi * t / 2000)) / 2
    assert step == "1000" and float(lr) == pytest.approx(lr_t, rel=1e-12)
    assert float(wd) == pytest.approx(wd_t, rel=1e-12) and float(eff) == pytest.approx(lr_t * wd_t, rel=1e-12)
    assert bs == "128"  # a whole number of samples, written as one
    data = json.loads(json_out.read_text())
    assert list(data) == ["step", "adamw", "adamw weight_decay", "adamw effective_decay", "adamw batch_size"]
    assert data["adamw batch_size"][:11] == [32] * 10 + [64]


def test_with_adam_the_cycled_momentum_is_beta1_and_beta2_a_schedule(tmp_path):
    config = _load(tmp_path, """\
        total_steps: 1000
        schedules:
          - name: onecycle
            optimizer: adam
            beta2: {name: linear, params: {lr: 0.95, min_lr: 0.999}}
          - name: onecycle
            label: sgd
            optimizer: sgd
    """)
    from lrviz.output import columns

    adam, sgd = evaluate(config)
    table = columns([adam, sgd])
    assert list(table) == ["step", "onecycle", "onecycle beta1", "onecycle beta2", "sgd", "sgd momentum"]
    t = np.arange(1000)
    np.testing.assert_allclose(table["onecycle beta2"], 0.95 + (0.999 - 0.95) * t / 1000, rtol=1e-12)
    assert table["onecycle beta1"][0] == 0.95 and table["sgd momentum"][0] == 0.95  # torch's max_momentum at t = 0


def _axes_labels(fig):
    return [ax.get_ylabel() for ax in fig.axes]


def test_layout_stacks_a_panel_per_series_that_exists(tmp_path):
    from lrviz import draw

    fig = draw.figure(_load(tmp_path, ADAMW))
    labels = _axes_labels(fig)
    assert len(fig.axes) == 4, labels  # lr, weight decay, lr x wd, batch size
    assert labels[0].startswith("learning rate") and "weight" in labels[1] and "lr × wd" in labels[2]
    assert r"$\times 10^{-5}$" in labels[2]  # 6e-4 x 0.22 is of order 1e-4 at most: ticks factored
    assert "batch size" in labels[3] and "samples" in labels[3]
    assert [ax.get_shared_x_axes().joined(fig.axes[0], ax) for ax in fig.axes] == [True] * 4
    only_wd = _load(tmp_path, "schedules:\n  - {name: cosine, weight_decay: 0.1, optimizer: adam}\n")
    assert len(draw.figure(only_wd).axes) == 2
    adam = _load(tmp_path, "schedules:\n  - {name: onecycle, optimizer: adamw}\n")
    assert _axes_labels(draw.figure(adam))[1] == r"Adam $\beta_1$"
    plain = _load(tmp_path, "schedules:\n  - {name: onecycle}\n  - {name: cosine, weight_decay: 0.1}\n")
    assert [label.split("\n")[0] for label in _axes_labels(draw.figure(plain))] == ["learning rate", "momentum",
                                                                                   "weight"]
    overlay = _load(tmp_path, ADAMW + "    plot: {layout: overlay}\n")
    assert len(draw.figure(overlay).axes) == 1  # asked for: lr only


@pytest.mark.parametrize("style", ["default", "paper", "dark"])
def test_the_shipped_config_keeps_everything_on_the_page(style):
    from dataclasses import replace

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from lrviz import draw

    config = config_mod.load(os.path.join(ROOT, "configs", "hyperparameters_adamw.yaml"))
    fig = draw.figure(replace(config, plot=replace(config.plot, style=style)))
    assert len(fig.axes) == 4
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn, page = fig.get_tightbbox(canvas.get_renderer()), fig.bbox_inches
    assert drawn.x0 >= page.x0 - 0.01 and drawn.y0 >= page.y0 - 0.01
    assert drawn.x1 <= page.x1 + 0.01 and drawn.y1 <= page.y1 + 0.01
    renderer = canvas.get_renderer()
    boxes = [ax.yaxis.label.get_window_extent(renderer) for ax in fig.axes]
    panels = [ax.get_window_extent(renderer) for ax in fig.axes]
    for label, panel in zip(boxes[1:], panels[1:]):
        # a panel's y label stays about within its panel's height: no label runs into the next one's
        assert label.height <= panel.height * 1.15, style


@pytest.mark.parametrize("entry, where, message", [
    ("weight_decay: -0.1", "schedules[0].weight_decay", "must be >= 0; got -0.1"),
    ("weight_decay: lots", "schedules[0].weight_decay", "expected a number"),
    ("weight_decay: {name: cosin, params: {lr: 0.1}}", "schedules[0].weight_decay.name",
     "unknown schedule 'cosin'; did you mean cosine?"),
    ("weight_decay: {name: cosine, params: {min_lr: 0.4}}", "schedules[0].weight_decay.params",
     "give lr, the weight decay the schedule starts from"),
    ("weight_decay: {name: cosine, params: {lr: 0.1, min_lr: -1}}", "schedules[0].weight_decay.params.min_lr",
     "must be >= 0"),
    ("weight_decay: {name: cosine, parms: {lr: 0.1}}", "schedules[0].weight_decay.parms", "unknown key"),
    ("optimizer: adamm", "schedules[0].optimizer", "did you mean adam?"),
    ("beta2: 0.999", "schedules[0].beta2", "a constant beta2 draws nothing"),
    ("batch_size: 0", "schedules[0].batch_size", "must be >= 1"),
    ("batch_size: {start: 32, end: 100, increment: 32, ramp_samples: 10}", "schedules[0].batch_size.increment",
     "must be a multiple of the increment"),
    ("batch_size: {start: 64, end: 32, increment: 32, ramp_samples: 10}", "schedules[0].batch_size.end",
     "must be >= start (64)"),
    ("batch_size: {start: 32, end: 64, increment: 32}", "schedules[0].batch_size", "give one of ramp_samples"),
    ("batch_size: {start: 32, end: 64, increment: 32, ramp_sample: 9}", "schedules[0].batch_size.ramp_sample",
     "did you mean ramp_samples?"),
])
def test_a_bad_entry_is_located(tmp_path, entry, where, message):
    body = f"total_steps: 100\nschedules:\n  - name: cosine\n    {entry}\n"
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, body)
    issues = [i for i in info.value.issues if i.path == where]
    assert issues and message in issues[0].message, [str(i) for i in info.value.issues]
    assert issues[0].line == 4


def test_a_bad_weight_decay_is_one_line_naming_file_line_and_key_and_writes_nothing(tmp_path):
    _config(tmp_path, """\
        total_steps: 100
        schedules:
          - name: cosine
            optimizer: adamw
            weight_decay: -0.05
    """, "bad.yaml")
    out = tmp_path / "x.png"
    run = subprocess.run([sys.executable, "-m", "lrviz", "plot", "bad.yaml", "-o", "x.png"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 1
    assert run.stderr.splitlines() == ["bad.yaml:5:5: schedules[0].weight_decay: must be >= 0; got -0.05"]
    assert not out.exists() and os.listdir(tmp_path) == ["bad.yaml"]


def test_a_weight_decay_schedule_that_goes_negative_names_the_first_step(tmp_path):
    """torch's LambdaLR does not stop at 0: 0.1 x (1 - t/500) is negative from t = 501."""
    config = _load(tmp_path, """\
        total_steps: 1000
        schedules:
          - name: cosine
            weight_decay: {name: torch.LambdaLR, params: {lr: 0.1, lr_lambda: "1 - t/500"}}
    """)
    with pytest.raises(ConfigError) as info:
        evaluate(config)
    (issue,) = info.value.issues
    assert issue.path == "schedules[0].weight_decay" and "at step 501" in issue.message
    assert "weight decay" in issue.message and "lr" not in issue.message.replace("lrviz", "")
