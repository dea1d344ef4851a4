"""Ultralytics YOLO ``args.yaml`` (lrviz/trainers/ultralytics.py, twin lrviz/twins/ultralytics.py).

- goldens: tests/golden/make_trainers_ultralytics.py ran the trainer's own ``_setup_scheduler``,
  ``_get_warmup_iterations`` and ``one_cycle`` (ultralytics 8.4.190 source) on a real torch
  optimizer of three groups, through the loop of ``BaseTrainer._do_train`` (trainers_ultralytics.json);
- one curve per group where they differ; ``optimizer: auto`` refused with the trainer's reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from lrviz import registry
from lrviz.errors import ConfigError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "ultralytics_args.yaml"
CASES = json.loads((GOLDEN / "trainers_ultralytics.json").read_text())["cases"]


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "args.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def curves(config) -> dict:
    out = {}
    for spec in config.schedules:
        out[spec.params["group"]] = registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_per_param_group(tmp_path, case):
    config = read_trainer_config(write(tmp_path, case["file"]), dataset_size=case["dataset_size"])
    assert config.total_steps == case["total_steps"] and config.steps_per_epoch == case["nb"]
    groups = curves(config)
    steps = np.asarray(case["steps"])
    np.testing.assert_allclose(groups["weights"](steps), case["lr"], rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(case["lr"], case["lr_bn"])  # pg0 and pg1 share one curve
    bias = groups.get("bias", groups["weights"])
    np.testing.assert_allclose(bias(steps), case["lr_bias"], rtol=1e-12, atol=1e-300)
    assert ("bias" in groups) == (case["lr_bias"] != case["lr"])


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "ultralytics" and "lr0" in reason
    config = read_trainer_config(EXAMPLE, dataset_size=128)
    assert config.steps_per_epoch == 8 and config.total_steps == 800
    assert [s.label.split(" (")[0] for s in config.schedules] == ["YOLO weights pg0, pg1", "YOLO biases pg2"]
    groups = curves(config)
    assert groups["bias"](0) == pytest.approx(0.1) and groups["weights"](0) == 0
    assert groups["weights"](24) == pytest.approx(0.01 * ((1 - 3 / 100) * 0.99 + 0.01))


def test_optimizer_auto_says_lr0_is_ignored(tmp_path):
    with pytest.raises(ConfigError, match=r"args.yaml:\d+:1: optimizer: optimizer: auto ignores lr0=0.01"):
        read_trainer_config(write(tmp_path, {"lr0": 0.01, "epochs": 10, "optimizer": "auto"}), dataset_size=100)
    with pytest.raises(ConfigError, match="optimizer: auto ignores"):  # auto is the trainer's default
        read_trainer_config(write(tmp_path, {"lr0": 0.01, "epochs": 10}), dataset_size=100)


def test_autobatch_and_time_budgets_are_refused(tmp_path):
    with pytest.raises(ConfigError) as e:
        read_trainer_config(write(tmp_path, {"lr0": 0.01, "optimizer": "SGD", "batch": -1, "time": 2.0}), dataset_size=100)
    text = str(e.value)
    assert "batch: batch -1 is chosen by AutoBatch" in text and "time: a time budget" in text


def test_the_dataset_size_is_asked_for(tmp_path):
    with pytest.raises(ConfigError, match="epochs: the batches per epoch depend on the dataset size"):
        read_trainer_config(write(tmp_path, {"lr0": 0.01, "optimizer": "SGD", "epochs": 10}))


def test_world_size_splits_the_batch(tmp_path):
    # build_dataloader: per-GPU batch 16 // 4 = 4 over ceil(1000 / 4) = 250 images: 63 batches per epoch
    config = read_trainer_config(write(tmp_path, {"lr0": 0.01, "optimizer": "SGD", "epochs": 2, "batch": 16}),
                                 dataset_size=1000, world_size=4)
    assert config.steps_per_epoch == 63
