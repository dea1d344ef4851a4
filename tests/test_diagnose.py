"""lrviz check: every diagnostic has a case that triggers it and one that does not."""

from __future__ import annotations

import pytest

import lrviz
from lrviz import registry
from lrviz.analysis.diagnose import diagnose


def findings(name, T, spe=None, **params):
    if "." in name:
        schedule = registry.build(name, params, total_steps=T)
    else:
        schedule = lrviz.schedule(name, total_steps=T, **{"lr": 0.1, **params})
    return diagnose(schedule, T, steps_per_epoch=spe)


def kinds(found):
    return [(f.level, f.step) for f in found]


def has(found, level, words, step=...):
    return any(f.level == level and words in f.message and (step is ... or f.step == step) for f in found)


def test_a_plain_cosine_has_no_findings():
    assert findings("cosine", 1000) == []


def test_warmup_as_long_as_training_is_an_error():
    assert has(findings("hf.linear", 1000, num_warmup_steps=1000), "error", "longer than training", 1000)
    assert not has(findings("hf.linear", 1000, num_warmup_steps=100), "error", "longer than training")


def test_a_schedule_that_never_anneals():
    assert has(findings("cosine", 1000, decay_steps=10_000), "warning", "never anneals", 1000)
    assert not has(findings("cosine", 1000, decay_steps=1000), "warning", "never anneals")
    assert findings("constant", 1000) == []  # flat on purpose


def test_min_lr_never_reached():
    found = findings("cosine", 1000, decay_steps=1200, min_lr=1e-4)
    assert has(found, "warning", "min_lr=0.0001 is never reached", 1000)
    assert not has(findings("cosine", 1000, decay_steps=1000, min_lr=1e-4), "warning", "never reached")


def test_negative_lr_is_an_error_at_its_first_step():
    found = findings("tf.noisy_linear_cosine_decay", 100)
    first = min(f.step for f in found if "negative" in f.message)
    schedule = registry.build("tf.noisy_linear_cosine_decay", {}, total_steps=100)
    values = schedule(range(101))
    assert first == next(t for t, v in enumerate(values) if v < 0)
    assert not any("negative" in f.message for f in findings("noisy_linear_cosine", 100))


def test_non_finite_lr_is_an_error_at_its_first_step():
    # 43 ** (t / 3) passes the float64 maximum (1.8e308) when t/3 * log(43) > log(1.8e308)
    import math

    first = next(t for t in range(2000) if t / 3 * math.log(43) > math.log(1.7976931348623157e308))
    found = findings("exponential", 1000, lr=1.0, decay_rate=43, decay_steps=3)
    assert has(found, "error", "the lr is inf", first)
    assert not has(findings("exponential", 1000, decay_rate=0.5, decay_steps=3), "error", "the lr is")


def test_a_twin_stepped_past_where_torch_raises():
    found = findings("torch.OneCycleLR", 1200, total_steps=1000)
    assert has(found, "error", "Tried to step 1001 times", 1001)
    assert not has(findings("torch.OneCycleLR", 1000, total_steps=1000), "error", "raises")


def test_a_jump_where_the_warmup_hands_over():
    phases = [{"name": "linear", "steps": 100, "params": {"lr": 0.0, "min_lr": 0.1}},
              {"name": "cosine", "params": {"lr": 0.01}}]
    assert has(findings("sequence", 1000, phases=phases), "warning", "jumps from 0.099 to 0.01", 100)
    phases[1]["params"]["lr"] = 0.1
    assert not has(findings("sequence", 1000, phases=phases), "warning", "jumps")
    assert not has(findings("step", 1000), "warning", "jumps")  # a designed drop


def test_more_restarts_than_a_typical_run():
    assert has(findings("cosine_restarts", 1000, first_period=10), "warning", "restarts in 1,000 steps")
    assert not has(findings("cosine_restarts", 1000, first_period=250), "warning", "restarts")


def test_durations_that_look_like_epochs():
    found = findings("step", 100_000, spe=1000, step_size=30)
    assert has(found, "warning", "step_size=30 steps is less than one epoch", 30)
    assert "'30ep'" in next(f.hint for f in found if "step_size" in f.message)
    assert findings("step", 100_000, spe=1000, step_size=30_000) == []
    assert has(findings("cosine", 90, spe=1000), "warning", "less than one epoch")
    assert findings("step", 100_000, step_size=30) == []  # no steps_per_epoch, no guess


def test_known_quirks_of_the_twins_in_use():
    found = findings("torch.CosineAnnealingLR", 1500, T_max=1000)
    assert has(found, "warning", "rises again", 1001)  # it changes the lr the run uses: a warning, not a note
    assert not has(findings("torch.CosineAnnealingLR", 1000, T_max=1000), "warning", "rises again")
    assert has(findings("hf.cosine", 1500, num_training_steps=1000), "warning", "rises again, back to the full lr", 1001)
    assert has(findings("keras.CosineDecay", 1000, warmup_steps=100), "note", "ignores warmup_steps")
    assert findings("keras.CosineDecay", 1000) == []


@pytest.mark.parametrize("name", ["cosine", "onecycle", "wsd", "step", "tri_stage", "hf.linear", "optax.warmup_cosine_decay_schedule"])
def test_defaults_have_no_errors_or_warnings(name):
    found = findings(name, 1000) if "." not in name else diagnose(registry.build(name, {}, total_steps=1000), 1000)
    assert [f for f in found if f.level != "note"] == []


def test_a_torch_warmup_cut_short_by_its_milestone_is_a_jump():
    """SequentialLR hands over at milestone 100 while LinearLR needed 200 steps to reach the full lr."""
    from lrviz.config import from_text
    from lrviz.curves import build

    text = """
total_steps: 1000
lr: 0.1
schedules:
  - name: torch.SequentialLR
    params:
      schedulers:
        - {name: torch.LinearLR, params: {start_factor: 0.01, total_iters: %d}}
        - {name: torch.CosineAnnealingLR, params: {T_max: 900}}
      milestones: [100]
"""
    (_, cut), = build(from_text(text % 200))
    found = [f for f in diagnose(cut, 1000) if "jumps" in f.message]
    before = 0.1 * (0.01 + 0.99 * 99 / 200)  # LinearLR's factor at step 99
    assert [f.step for f in found] == [100] and f"from {before:.4g} to 0.1 " in found[0].message
    (_, met), = build(from_text(text % 100))
    assert not [f for f in diagnose(met, 1000) if "jumps" in f.message]


def test_a_negative_lr_that_torch_gives_is_reported_as_a_negative_lr_not_as_a_raise():
    # torch.LambdaLR with lr_lambda = 1 - t/500 does not raise: lr(t) = 0.1 * (1 - t/500) < 0 first at t = 501
    import lrviz
    from lrviz.analysis.diagnose import diagnose

    s = lrviz.schedule("torch.LambdaLR", lr=0.1, lr_lambda="1 - t/500")
    errors = [f for f in diagnose(s, 1000) if f.level == "error"]
    assert len(errors) == 1 and errors[0].step == 501
    assert errors[0].message == f"the lr is negative ({0.1 * (1 - 501 / 500):.4g})"
    assert "raises" not in errors[0].text()


def test_an_lr_of_zero_everywhere_is_an_error():
    import lrviz
    from lrviz.analysis.diagnose import diagnose

    found = diagnose(lrviz.schedule("cosine", lr=0.0, total_steps=100), 100)
    assert [(f.level, f.step) for f in found] == [("error", None)]
    assert found[0].message.startswith("the lr is 0 at every step of the run (100 steps)")
    assert not [f for f in diagnose(lrviz.schedule("cosine", lr=0.1, total_steps=100), 100) if f.level == "error"]


def test_stats_refuses_a_twin_that_goes_negative_instead_of_measuring_half_the_run():
    from lrviz.analysis.stats import of_config
    from lrviz.config import from_names
    from lrviz.errors import LrvizError

    config = from_names(["torch.LambdaLR"], params={"torch.LambdaLR": {"lr_lambda": "1 - t/500"}}, total_steps=1000)
    with pytest.raises(LrvizError, match=r"the lr is negative \(-0\.0002\) from step 501"):
        of_config(config)
