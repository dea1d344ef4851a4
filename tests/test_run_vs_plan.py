"""run_vs_plan: real runs pass against their plan; each deliberate mistake is caught and named with its number.

The real runs are the recordings of tests/golden/logs (see test_logs_readers).
The synthetic logs are computed here from closed forms (HF's warmup + cosine,
written out below), with the mistake made on purpose; lrviz only provides the
plan, so no expected value comes from lrviz's own output.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from lrviz.analysis import run_plan, run_vs_plan
from lrviz.analysis.run_causes import Hints
from lrviz.errors import ParameterError
from lrviz.logs import read_log, read_logs
from lrviz.logs._series import RunLog

LOGS = os.path.join(os.path.dirname(__file__), "golden", "logs")
with open(os.path.join(LOGS, "truth.json")) as fh:
    TRUTH = json.load(fh)

LR, W, N = 0.1, 100, 2000
HINTS = Hints(steps_per_epoch=50, grad_accum=4, world_size=8)


def hf_cosine(t: int, total: int = N, warmup: int = W) -> float:
    """transformers' get_cosine_schedule_with_warmup, num_cycles 0.5, times the optimizer's lr."""
    if t < warmup:
        return LR * t / max(1, warmup)
    progress = (t - warmup) / max(1, total - warmup)
    return LR * max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))


def synthetic(fn, steps, **kw) -> RunLog:
    steps = np.asarray(list(steps), dtype=np.int64)
    return RunLog(steps=steps, lrs=np.array([fn(int(t)) for t in steps]), source="synthetic.csv", format="csv",
                  series="lr", offset_note="synthetic", **kw)


PLAN = run_plan.from_name("hf.cosine", lr=LR, num_warmup_steps=W, total_steps=N)


def verdict(fn, every=1, hints=HINTS, plan=PLAN):
    return run_vs_plan.compare(plan, synthetic(fn, range(0, N, every)), hints)


# ---------------------------------------------------------------- real runs against their plans


def test_real_hf_cosine_run_passes_against_hf_cosine():
    log = read_log(os.path.join(LOGS, "hf_cosine"))  # transformers 5.24: lr(s-1) at step s
    plan = run_plan.from_name("hf.cosine", lr=0.05, num_warmup_steps=5, total_steps=40)
    v = run_vs_plan.compare(plan, log)
    assert v.ok and v.exit_code == 0 and v.points == 40 and v.cause is None
    assert "follows the plan 'hf.cosine': all 40 logged points (steps 0..39)" in v.lines()[0]


def test_real_hf_cosine_run_passes_against_an_lrviz_config(tmp_path):
    config = tmp_path / "plan.yaml"
    config.write_text("total_steps: 40\nlr: 0.05\nschedules:\n  - name: warmup\n    label: warmup + cosine\n"
                      "    params: {warmup_steps: 5, schedule: {name: cosine}}\n")
    v = run_vs_plan.compare(run_plan.from_config(str(config)), read_log(os.path.join(LOGS, "hf_cosine")))
    assert v.ok and v.plan_label == "warmup + cosine"


def test_real_hf_linear_run_passes_and_the_wrong_offset_is_named():
    plan = run_plan.from_name("hf.linear", lr=0.05, total_steps=24)
    assert run_vs_plan.compare(plan, read_log(os.path.join(LOGS, "hf_linear"))).ok
    shifted = read_log(os.path.join(LOGS, "hf_linear"), offset=0)  # as if read with the <= 4.50 rule
    v = run_vs_plan.compare(plan, shifted)
    assert not v.ok and v.exit_code == 1
    assert v.cause.kind == "logging_offset" and v.cause.shift == 1 and v.cause.covered == 24


def test_hf_4_50_log_passes_with_its_version_and_is_named_without_it(tmp_path):
    """transformers <= 4.50 logged lr(s) at step s (ecosystem.md 0.1, run on 4.50.3): a state of that kind."""
    truth = TRUTH["hf_cosine"]["lrs"]
    plan = run_plan.from_name("hf.cosine", lr=0.05, num_warmup_steps=5, total_steps=40)
    next_lr = truth[1:] + [plan.lr(np.array([40]))[0]]
    state = {"log_history": [{"step": s, "learning_rate": lr} for s, lr in zip(range(1, 41), next_lr)], "max_steps": 40}
    (tmp_path / "trainer_state.json").write_text(json.dumps(state))
    (tmp_path / "config.json").write_text(json.dumps({"transformers_version": "4.50.3"}))
    v = run_vs_plan.compare(plan, read_log(str(tmp_path)))
    assert v.ok, v.lines()
    os.remove(tmp_path / "config.json")  # unknown version: >= 4.51 assumed, one step off
    v = run_vs_plan.compare(plan, read_log(str(tmp_path)))
    assert not v.ok and v.cause.kind == "logging_offset" and v.cause.shift == -1
    assert "transformers <= 4.50" in v.cause.text


@pytest.mark.parametrize("path", ["lightning", "lightning_tb", "lightning_sparse"])
def test_real_lightning_runs_pass_against_cosine_annealing(path):
    logs = read_logs(os.path.join(LOGS, path))
    assert len(logs) == 2
    for log in logs:
        lr = 0.1 if log.series.endswith("pg1") else 0.01
        plan = run_plan.from_name("torch.CosineAnnealingLR", lr=lr, T_max=60, total_steps=60)
        assert run_vs_plan.compare(plan, log).ok


def test_real_torch_onecycle_12000_points_pass():
    log = read_log(os.path.join(LOGS, "torch_tb"), columns="step,lr")
    v = run_vs_plan.compare(run_plan.from_name("torch.OneCycleLR", lr=0.1, total_steps=12_000), log)
    assert v.ok and v.points == 12_000 and v.rtol == 1e-5


def test_real_keras_runs_pass_in_updates_with_steps_per_epoch():
    tb = read_log(os.path.join(LOGS, "keras_tb"))
    plan = run_plan.from_name("keras.CosineDecay", lr=0.1, decay_steps=40, alpha=0.1, total_steps=40)
    v = run_vs_plan.compare(plan, tb, Hints(steps_per_epoch=4))
    assert v.ok and v.steps.tolist() == list(range(4, 44, 4))
    assert any("the lr after the last update" in n for n in v.notes)
    csv = read_log(os.path.join(LOGS, "keras_csv", "training.csv"))
    step = run_plan.from_name("step", lr=0.1, step_size=8, gamma=0.5, total_steps=24)  # halved every 2 epochs of 4
    assert run_vs_plan.compare(step, csv, Hints(steps_per_epoch=4)).ok
    per_epoch = run_vs_plan.compare(run_plan.from_name("step", lr=0.1, step_size=2, gamma=0.5, total_steps=6), csv)
    assert per_epoch.ok and any("read per epoch" in n for n in per_epoch.notes)


@pytest.mark.parametrize("path, name, params", [
    ("mlflow_mlruns", "torch.StepLR", dict(lr=0.1, step_size=10, gamma=0.5, total_steps=30)),
    ("hf_cosine_mlruns", "hf.cosine", dict(lr=0.05, num_warmup_steps=5, total_steps=40)),
    ("hf_cosine_tb", "hf.cosine", dict(lr=0.05, num_warmup_steps=5, total_steps=40)),
    ("csv/train_log.csv", "torch.MultiStepLR", dict(lr=0.3, milestones=[20, 35], gamma=0.1, total_steps=50)),
    ("wandb/wandb_export_2026-01-01T00_00_00.000+00_00.csv", "hf.cosine",
     dict(lr=0.05, num_warmup_steps=5, total_steps=40)),
])
def test_other_recorded_logs_pass(path, name, params):
    assert run_vs_plan.compare(run_plan.from_name(name, **params), read_log(os.path.join(LOGS, path))).ok


# ---------------------------------------------------------------- clean synthetic runs


def test_clean_run_rounded_to_float32_passes():
    v = verdict(lambda t: float(np.float32(hf_cosine(t))))
    assert v.ok and v.exit_code == 0


def test_clean_run_printed_with_six_digits_passes(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,lr\n" + "".join(f"{t},{hf_cosine(t):.6g}\n" for t in range(0, N, 7)))
    log = read_log(str(path))
    assert log.resolution == pytest.approx(5e-6)
    assert run_vs_plan.compare(PLAN, log).ok


def test_four_printed_digits_widen_the_tolerance(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,lr\n" + "".join(f"{t},{hf_cosine(t):.4g}\n" for t in range(0, N, 7)))
    v = run_vs_plan.compare(PLAN, read_log(str(path)))
    assert v.ok and v.rtol == pytest.approx(1e-3)


# ---------------------------------------------------------------- each mistake, made on purpose


@pytest.mark.parametrize("every", [1, 10, 500])
def test_stepped_per_epoch_with_50_steps_per_epoch(every):
    v = verdict(lambda t: hf_cosine(t // 50), every)
    assert not v.ok and v.exit_code == 1
    assert v.cause.kind == "per_epoch" and v.cause.factor == 50 and v.cause.hint == "steps_per_epoch"
    assert "stepped once per epoch instead of once per batch (steps_per_epoch = 50)" in v.cause.text
    assert v.cause.covered == v.points == len(range(0, N, every))


def test_stepped_per_epoch_without_hints_names_the_factor():
    v = verdict(lambda t: hf_cosine(t // 50), hints=Hints())
    assert v.cause.kind == "slower" and v.cause.factor == 50 and "once every 50 updates" in v.cause.text


@pytest.mark.parametrize("every", [1, 10, 500])
def test_gradient_accumulation_4_forgotten_in_the_total(every):
    v = verdict(lambda t: hf_cosine(t, total=4 * N), every)
    assert v.cause.kind == "total" and v.cause.new_total == 4 * N and v.cause.hint == "grad_accum"
    assert "gradient accumulation forgotten" in v.cause.text and "gradient_accumulation_steps = 4" in v.cause.text


@pytest.mark.parametrize("every", [1, 10, 500])
def test_world_size_8_ignored_in_the_total(every):
    v = verdict(lambda t: hf_cosine(t, total=8 * N), every)
    assert v.cause.kind == "total" and v.cause.new_total == 8 * N and v.cause.hint == "world_size"
    assert "world size was ignored" in v.cause.text and "world size = 8" in v.cause.text


def test_a_forgotten_factor_without_hints_is_named_by_its_number():
    v = verdict(lambda t: hf_cosine(t, total=8 * N), hints=Hints())
    assert v.cause.kind == "total" and v.cause.factor == 8 and v.cause.hint is None
    assert "8 x the plan's 2,000" in v.cause.text


def test_scheduler_stepped_per_micro_batch():
    v = verdict(lambda t: hf_cosine(4 * t + 3))
    assert v.cause.kind == "faster" and v.cause.factor == 4 and v.cause.shift == 3 and v.cause.hint == "grad_accum"


def test_epochs_taken_for_steps():
    plan = run_plan.from_name("cosine", lr=LR, total_steps=N)

    def cosine(t, total):
        return LR * (1 + math.cos(math.pi * min(t, total) / total)) / 2

    v = run_vs_plan.compare(plan, synthetic(lambda t: cosine(t, N // 50), range(N)), HINTS)
    assert v.cause.kind == "total" and v.cause.new_total == 40 and v.cause.hint == "steps_per_epoch"
    assert "epochs taken for steps" in v.cause.text


@pytest.mark.parametrize("every", [1, 10, 500])
def test_warmup_counted_twice(every):
    v = verdict(lambda t: LR * t / W if t < W else hf_cosine(t - W), every)
    assert v.cause.kind == "warmup_twice" and v.cause.shift == W and v.cause.step == W
    assert "warmup counted twice" in v.cause.text


@pytest.mark.parametrize("every", [1, 10, 500])
def test_off_by_one_in_when_the_lr_is_logged(every):
    v = verdict(lambda t: hf_cosine(t + 1), every)
    assert v.cause.kind == "logging_offset" and v.cause.shift == -1
    assert "off-by-one in when the lr is logged" in v.cause.text


@pytest.mark.parametrize("every", [1, 10])
def test_resume_with_a_new_total(every):
    v = verdict(lambda t: hf_cosine(t) if t < 1200 else hf_cosine(t, total=3000), every)
    assert v.cause.kind == "resume" and v.cause.new_total == 3000
    assert v.cause.step_range[0] <= 1200 <= v.cause.step_range[1]
    assert v.first.step >= 1200
    assert "rebuilt the schedule for a new total of 3,000 steps" in v.cause.text


def test_a_stall_of_skipped_scheduler_steps():
    v = verdict(lambda t: hf_cosine(t) if t < 700 else hf_cosine(t - 7))
    assert v.cause.kind == "behind" and v.cause.shift == 7 and v.cause.step == 700


@pytest.mark.parametrize("every", [1, 10])
def test_skipped_scheduler_steps_fp16_overflow(every):
    """Updates 3, 4, 5, 250 and 900 overflow: the scheduler does not step, the lr lags the plan by the skips so far."""
    skipped = (3, 4, 5, 250, 900)
    v = verdict(lambda t: hf_cosine(t - sum(s < t for s in skipped)), every)
    assert v.cause.kind == "lagging" and v.cause.shift == 5
    assert "5 scheduler step(s) missing" in v.cause.text and "fp16 overflow" in v.cause.text


def test_a_slightly_longer_total_is_not_taken_for_skipped_steps():
    v = verdict(lambda t: hf_cosine(t, total=2080))
    assert v.cause.kind == "total" and v.cause.new_total == 2080


def test_never_stepped():
    plan = run_plan.from_name("cosine", lr=LR, total_steps=N)
    v = run_vs_plan.compare(plan, synthetic(lambda t: LR, range(0, N, 10)))
    assert v.cause.kind == "never_stepped"


def test_a_csv_log_of_a_mistake_is_read_and_named_end_to_end(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("iteration,lr\n" + "".join(f"{t},{hf_cosine(t // 50)!r}\n" for t in range(0, N, 10)))
    v = run_vs_plan.compare(PLAN, read_log(str(path)), HINTS)
    assert v.cause.kind == "per_epoch"
    lines = v.lines()
    assert lines[0].startswith(f"{path} (csv, lr): left the plan 'hf.cosine' at step ")
    assert lines[1].startswith("  likely cause: stepped once per epoch") and lines[1].endswith(
        f"(this matches all {len(range(0, N, 10))} logged points)")


# ---------------------------------------------------------------- no cause claimed


@pytest.mark.parametrize("other", [
    lambda t: LR * (1 - t / N),  # linear decay
    lambda t: LR * 0.5 ** (t // 500),  # step decay
    lambda t: LR * min(1.0, (t + 1) / W) * (1 + math.cos(math.pi * t / N)) / 2 + 1e-3,  # a different cosine
])
def test_an_unrelated_schedule_diverges_with_no_cause(other):
    v = verdict(other)
    assert not v.ok and v.exit_code == 1 and v.cause is None
    assert "no cause found: the log is not the plan shifted" in v.lines()[1]


def test_too_few_diverging_points_claim_nothing():
    log = synthetic(lambda t: hf_cosine(t) * (1.5 if t == 1500 else 1.0), range(0, N, 500))
    v = run_vs_plan.compare(PLAN, log)
    assert not v.ok and v.first.step == 1500 and v.cause is None
    assert v.first.rel == pytest.approx(0.5)
    assert "only 1 logged point(s) differ, too few to tell a cause" in v.lines()[1]


# ---------------------------------------------------------------- plans and figure data


def test_plan_from_a_config_of_several_curves_needs_a_label():
    with pytest.raises(ParameterError, match=r"has 3 curves \(warmup \+ cosine, warmup \+ linear, warmup \+ exponential\)"):
        run_plan.from_config("configs/warmup_cosine.yaml")
    plan = run_plan.from_config("configs/warmup_cosine.yaml", label="warmup + linear")
    assert plan.total_steps == 10_000 and plan.warmup_steps == 1000
    assert plan.rebuild is not None and plan.rebuild(20_000)(np.array([19_999]))[0] > 0


def test_plan_from_an_array_cannot_claim_a_new_total():
    plan = run_plan.from_array([hf_cosine(t) for t in range(N)])
    v = run_vs_plan.compare(plan, synthetic(lambda t: hf_cosine(t, total=4 * N), range(N)), HINTS)
    assert not v.ok and (v.cause is None or v.cause.kind != "total")


def test_markers_are_the_logged_points_in_plan_steps_and_which_left_the_plan():
    log = synthetic(lambda t: hf_cosine(t // 50), range(0, N, 10))
    v = run_vs_plan.compare(PLAN, log, HINTS)
    m = run_vs_plan.markers(log, v)
    np.testing.assert_array_equal(m.steps, np.arange(0, N, 10))
    np.testing.assert_array_equal(m.lrs, log.lrs)
    expected = np.abs(log.lrs - np.array([hf_cosine(t) for t in m.steps])) <= 1e-5 * np.maximum(
        log.lrs, [hf_cosine(t) for t in m.steps]) + 1e-7
    np.testing.assert_array_equal(m.matched, expected)
    assert m.first_divergence == v.first.step and "200 points" in m.label


def test_draw_markers_draws_markers_not_a_line():
    from matplotlib.figure import Figure

    log = read_log(os.path.join(LOGS, "keras_tb"))
    plan = run_plan.from_name("keras.CosineDecay", lr=0.1, decay_steps=40, alpha=0.1, total_steps=40)
    v = run_vs_plan.compare(plan, log, Hints(steps_per_epoch=4))
    ax = Figure().add_subplot()
    artists = run_vs_plan.draw_markers(ax, run_vs_plan.markers(log, v))
    (points,) = artists
    assert points.get_linestyle() == "None" and points.get_marker() == "o"
    np.testing.assert_array_equal(points.get_xdata(), np.arange(4, 44, 4))
    bad = synthetic(lambda t: hf_cosine(t + 1), range(0, N, 10))
    ax2 = Figure().add_subplot()
    artists = run_vs_plan.draw_markers(ax2, run_vs_plan.markers(bad, run_vs_plan.compare(PLAN, bad)))
    assert len(artists) == 3 and artists[1].get_markerfacecolor() == "none"


def test_check_log_and_its_json_form():
    plan = run_plan.from_name("hf.linear", lr=0.05, total_steps=24)
    good = run_vs_plan.check_log(plan, os.path.join(LOGS, "hf_linear"))
    assert good.ok and json.loads(json.dumps(good.to_dict()))["exit_code"] == 0
    bad = json.loads(json.dumps(run_vs_plan.check_log(plan, os.path.join(LOGS, "hf_linear"), offset=0).to_dict()))
    assert bad["exit_code"] == 1 and bad["cause"]["kind"] == "logging_offset" and bad["cause"]["shift"] == 1
    assert bad["first"] == {"step": 1, "planned": 0.05 * 23 / 24, "logged": 0.05, "rel": pytest.approx(1 / 23)}


def test_plans_from_config_one_per_curve():
    plans = run_plan.plans_from_config("configs/warmup_cosine.yaml")
    assert [p.label for p in plans] == ["warmup + cosine", "warmup + linear", "warmup + exponential"]
    t = np.array([0, 500, 1000, 5500])
    expected = [0.0, 0.05, 0.1, 0.1 * (1 + math.cos(math.pi * 4500 / 9000)) / 2]
    np.testing.assert_allclose(plans[0].lr(t), expected, rtol=1e-12, atol=1e-18)


def test_huge_logged_steps_stay_cheap():
    """TensorBoard steps can be int64: the searches are bounded by the plan, not by the steps."""
    log = synthetic(lambda t: 0.05, [2 ** 40, 2 ** 40 + 10, 2 ** 40 + 20, 2 ** 40 + 30])
    v = run_vs_plan.compare(PLAN, log)
    assert not v.ok and v.points == 4 and v.past_end == 4


def test_a_plan_that_refuses_a_step_is_reported_as_such():
    plan = run_plan.from_name("torch.OneCycleLR", lr=0.1, total_steps=100)  # torch raises past total_steps
    log = synthetic(lambda t: 0.004, [0, 150, 160, 170])
    v = run_vs_plan.compare(plan, log)
    assert v.first.step == 150 and "the plan has no lr there" in v.lines()[0]


def test_an_empty_log_is_refused():
    from lrviz.logs import LogError

    with pytest.raises(LogError, match="no logged points to compare"):
        run_vs_plan.compare(PLAN, synthetic(lambda t: 0.1, []))


def test_resume_in_a_long_run_logged_every_500_steps():
    """Sparse logs: the resume step is only known to lie between two logged steps, and the verdict says so."""
    n, s, n_new = 20_000, 12_000, 30_000
    plan = run_plan.from_name("hf.cosine", lr=LR, num_warmup_steps=W, total_steps=n)
    log = synthetic(lambda t: hf_cosine(t, total=n) if t < s else hf_cosine(t, total=n_new), range(0, n, 500))
    v = run_vs_plan.compare(plan, log)
    assert v.cause.kind == "resume" and v.cause.new_total == n_new and v.cause.step_range == (11_501, 12_000)
    assert "a resume at a step in 11,501..12,000 rebuilt the schedule for a new total of 30,000 steps" in v.cause.text


def test_a_resume_seen_at_one_logged_point_is_not_guessed():
    v = verdict(lambda t: hf_cosine(t) if t < 1200 else hf_cosine(t, total=3000), every=500)
    assert not v.ok and v.cause is None and v.points - v.matched == 1


def test_a_config_plan_is_rebuilt_for_the_fitted_total(tmp_path):
    """From an lrviz config the rebuilt plan keeps durations written as step counts (warmup 100), as the user's code."""
    config = tmp_path / "plan.yaml"
    config.write_text("total_steps: 2000\nlr: 0.1\nschedules:\n  - name: warmup\n"
                      "    params: {warmup_steps: 100, schedule: {name: cosine}}\n")

    def lrviz_warmup_cosine(t, total):
        if t < 100:
            return LR * t / 100
        d = total - 100
        return LR * (1 + math.cos(math.pi * min(t - 100, d) / d)) / 2

    log = synthetic(lambda t: lrviz_warmup_cosine(t, 4 * N), range(0, N, 10))
    v = run_vs_plan.compare(run_plan.from_config(str(config)), log, HINTS)
    assert v.cause.kind == "total" and v.cause.new_total == 8000 and v.cause.hint == "grad_accum"
