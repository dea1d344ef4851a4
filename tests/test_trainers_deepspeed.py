"""DeepSpeed config files (lrviz/trainers/deepspeed.py, twins lrviz/twins/deepspeed.py) against DeepSpeed.

- goldens: tests/golden/make_trainers_deepspeed.py built each config's scheduler with the real
  ``deepspeed.runtime.lr_schedules`` classes (DeepSpeed 0.19.8) and stepped it as the engine does
  (trainers_deepspeed.json);
- the reference run of shared/reference/ecosystem.md 2.2 (Wn = 5, log and linear; T = 10);
- detection of the shipped example (hjson comments); located refusals ("auto", unknown type, missing params);
- live parity on random parameters (skipped without deepspeed).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import lrviz
from lrviz import registry
from lrviz.errors import ConfigError, LrvizError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "deepspeed_config.json"
CASES = json.loads((GOLDEN / "trainers_deepspeed.json").read_text())["cases"]


def write(tmp_path: Path, data: dict, name: str = "ds_config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_deepspeed(tmp_path, case):
    config = read_trainer_config(write(tmp_path, case["file"]))
    schedule = built(config)
    steps = np.asarray(case["steps"])
    np.testing.assert_allclose(schedule(steps), case["lr"], rtol=1e-12, atol=1e-300, err_msg=case["id"])
    if "momentum" in case:
        np.testing.assert_allclose(schedule.momentum(steps), case["momentum"], rtol=1e-12, err_msg=case["id"])


def test_the_fixture_is_from_deepspeed():
    doc = json.loads((GOLDEN / "trainers_deepspeed.json").read_text())
    assert doc["library"] == "deepspeed" and doc["version"]
    kinds = {c["file"]["scheduler"]["type"] for c in doc["cases"]}
    assert {"WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest", "StepLR"} <= kinds


def test_the_reference_runs():
    # shared/reference/ecosystem.md 2.2, run on DeepSpeed 0.19.8
    log = lrviz.schedule("deepspeed.WarmupLR", lr=1.0, warmup_num_steps=5)(np.arange(7))
    np.testing.assert_allclose(log, [0, 0, .431, .683, .861, 1.0, 1.0], atol=5e-4)
    linear = lrviz.schedule("deepspeed.WarmupLR", lr=1.0, warmup_num_steps=5, warmup_type="linear")(np.arange(7))
    np.testing.assert_allclose(linear, [0, 0, .2, .4, .6, .8, 1.0], atol=1e-12)
    decay = lrviz.schedule("deepspeed.WarmupDecayLR", warmup_max_lr=1.0, warmup_num_steps=4, total_num_steps=10,
                           warmup_type="linear")(np.arange(12))
    np.testing.assert_allclose(decay[:6], [0, 0, .25, .5, .75, 1], atol=1e-12)
    assert decay[6] == pytest.approx(5 / 6) and decay[11] == 0


def test_the_twins_build_by_name_alone():
    for name in ("deepspeed.WarmupLR", "deepspeed.WarmupDecayLR", "deepspeed.WarmupCosineLR", "deepspeed.OneCycle",
                 "deepspeed.LRRangeTest"):
        values = lrviz.schedule(name)(np.arange(0, 5000, 7))
        assert np.all(np.isfinite(values)) and np.all(values >= 0)


def test_warmup_num_steps_must_be_a_positive_integer():
    with pytest.raises(LrvizError, match="warmup_num_steps must be a positive integer"):
        lrviz.schedule("deepspeed.WarmupLR", warmup_num_steps=0)


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "deepspeed" and "scheduler" in reason
    config = read_trainer_config(EXAMPLE)
    assert config.total_steps == 10000 and config.schedules[0].name == "deepspeed.WarmupDecayLR"
    assert "logarithmic" in config.caption
    values = built(config)(np.array([0, 1, 501, 10001]))
    assert values[0] == values[1] == 0 and values[2] == pytest.approx(3e-4) and values[3] == 0


def test_auto_values_are_refused_with_the_reason(tmp_path):
    path = write(tmp_path, {"train_micro_batch_size_per_gpu": "auto", "optimizer": {"type": "AdamW", "params": {"lr": "auto"}},
                            "scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": "auto",
                                                                              "warmup_num_steps": 10}}})
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    assert len(e.value.issues) == 2
    assert "scheduler.params.total_num_steps: 'auto' is filled in by the HF Trainer" in str(e.value)
    assert e.value.issues[0].line is not None


def test_unknown_type_and_parameter_are_located(tmp_path):
    path = write(tmp_path, {"train_batch_size": 8, "scheduler": {"type": "WarmupDecay", "params": {}}})
    with pytest.raises(ConfigError, match=r"ds_config.json:4:\d+: scheduler.type: .*did you mean WarmupDecayLR\?"):
        read_trainer_config(path)
    path = write(tmp_path, {"train_batch_size": 8, "optimizer": {"type": "AdamW", "params": {"lr": 1e-3}},
                            "scheduler": {"type": "WarmupLR", "params": {"warmup_steps": 10}}})
    with pytest.raises(ConfigError, match=r"scheduler.params.warmup_steps: unknown parameter of DeepSpeed WarmupLR; "
                                          r"did you mean warmup_num_steps\?"):
        read_trainer_config(path)


def test_a_refused_value_is_reported_at_its_key(tmp_path):
    path = write(tmp_path, {"optimizer": {"type": "AdamW", "params": {"lr": 1e-3}},
                            "scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": -3}}})
    with pytest.raises(ConfigError, match=r":\d+:\d+: scheduler.params.warmup_num_steps: warmup_num_steps must be a positive"):
        read_trainer_config(path)


def test_required_parameters_and_optimizer_lr(tmp_path):
    path = write(tmp_path, {"train_batch_size": 8, "scheduler": {"type": "WarmupCosineLR", "params": {"warmup_num_steps": 5}}})
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    text = str(e.value)
    assert "requires total_num_steps" in text and "set optimizer.params.lr" in text


def test_a_config_without_scheduler_says_what_happens(tmp_path):
    path = write(tmp_path, {"train_batch_size": 8, "zero_optimization": {"stage": 2}})
    with pytest.raises(ConfigError, match="no scheduler block"):
        read_trainer_config(path)


def _generator():
    pytest.importorskip("deepspeed")
    spec = importlib.util.spec_from_file_location("make_trainers_deepspeed", GOLDEN / "make_trainers_deepspeed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", range(6))
def test_live_parity_with_deepspeed(tmp_path, seed):
    make = _generator()
    rng = np.random.default_rng(seed)
    kind = ["WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle"][seed % 4]
    W = int(rng.integers(1, 30))
    params = {"WarmupLR": {"warmup_min_lr": 1e-6, "warmup_max_lr": 1e-3, "warmup_num_steps": W,
                           "warmup_type": str(rng.choice(["log", "linear"]))},
              "WarmupDecayLR": {"warmup_num_steps": W, "total_num_steps": int(rng.integers(1, 80)),
                                "warmup_type": str(rng.choice(["log", "linear"]))},
              "WarmupCosineLR": {"warmup_num_steps": W, "total_num_steps": int(rng.integers(1, 80)),
                                 "cos_min_ratio": float(rng.uniform(0, .3)), "warmup_min_ratio": float(rng.uniform(0, .3)),
                                 "warmup_type": str(rng.choice(["log", "linear"]))},
              "OneCycle": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-2, "cycle_first_step_size": W,
                           "cycle_second_step_size": int(rng.integers(1, 30)), "decay_lr_rate": 0.1,
                           "decay_step_size": int(rng.integers(1, 10)), "cycle_first_stair_count": int(rng.integers(0, 4))}}[kind]
    file = {"optimizer": {"type": "AdamW", "params": {"lr": 3e-3}}, "scheduler": {"type": kind, "params": params}}
    got = make.run(file, 120)
    schedule = built(read_trainer_config(write(tmp_path, file)))
    np.testing.assert_allclose(schedule(np.asarray(got["steps"])), got["lr"], rtol=1e-12, atol=1e-300)
    if "momentum" in got:
        np.testing.assert_allclose(schedule.momentum(np.asarray(got["steps"])), got["momentum"], rtol=1e-12)
