"""NeMo YAML (lrviz/trainers/nemo.py, twins lrviz/twins/nemo.py).

Goldens: tests/golden/make_trainers_nemo.py executed NeMo's own scheduler classes (taken by ast from
nemo_toolkit 3.0.0's nemo/core/optim/lr_scheduler.py) per update (trainers_nemo.json).
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
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "nemo_megatron_gpt.yaml"
CASES = json.loads((GOLDEN / "trainers_nemo.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_nemos_classes(case):
    config = read_trainer_config(GOLDEN / case["file"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_reference_run():
    # ecosystem.md 6.2: W=3, max 10, min 0.1: 0.25, 0.5, 0.75, 1.0, ...; with constant=2: 0, .333, .667, 1.0
    case = next(c for c in CASES if c["id"] == "cosine-ratio")  # warmup_ratio 0.35 of 10 is int(3.5) = 3
    np.testing.assert_allclose(case["lr"][:4], [0.25e-3, 0.5e-3, 0.75e-3, 1e-3], rtol=1e-12)


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "nemo" and "model.optim" in reason
    config = read_trainer_config(EXAMPLE)
    assert config.total_steps == 100000
    values = built(config)(np.array([0, 500, 100000, 100001]))
    np.testing.assert_allclose(values, [2e-4 / 501, 2e-4, 2e-5, 2e-5], rtol=1e-12)
    assert "update 0 is not 0" in config.caption


def write(tmp_path, data) -> Path:
    path = tmp_path / "nemo.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_refusals_are_located(tmp_path):
    data = {"trainer": {"max_steps": 100}, "model": {"optim": {"lr": 1e-3, "sched": {
        "name": "CosineAnealing", "warmup_step": 10, "min_lr": "${oc.env:MIN_LR}"}}}}
    with pytest.raises(ConfigError) as e:
        read_trainer_config(write(tmp_path, data))
    text = str(e.value)
    assert "model.optim.sched.name: not a NeMo scheduler; did you mean CosineAnnealing?" in text
    assert "model.optim.sched.warmup_step: unknown parameter" in text
    data["model"]["optim"]["sched"] = {"name": "CosineAnnealing", "warmup_steps": 10, "warmup_ratio": 0.1}
    with pytest.raises(ConfigError, match="NeMo asserts: either use warmup_steps or warmup_ratio"):
        read_trainer_config(write(tmp_path, data))


def test_max_steps_from_epochs(tmp_path):
    data = {"trainer": {"max_steps": -1, "max_epochs": 3, "accumulate_grad_batches": 2},
            "model": {"train_ds": {"batch_size": 8}, "optim": {"lr": 1e-3, "sched": {"name": "WarmupAnnealing"}}}}
    # ceil(ceil(1000 / 2) / 8) = 63 batches, ceil(63 / 2) = 32 updates per epoch, 3 epochs
    assert read_trainer_config(write(tmp_path, data), dataset_size=1000, world_size=2).total_steps == 96
    with pytest.raises(ConfigError, match="max_steps comes from the epochs and the dataset size"):
        read_trainer_config(write(tmp_path, data))
