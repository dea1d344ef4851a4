"""LightningCLI configs (lrviz/trainers/lightning.py): the scheduler steps once per epoch.

- goldens: tests/golden/make_trainers_lightning.py ran the real ``LightningCLI`` fit (lightning 2.6.6)
  on each config under tests/golden/lightning_cases/ and recorded the lr of every update;
- the shipped example; refusals (interval in the YAML, ReduceLROnPlateau, missing required init_args).
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
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "lightning_cli.yaml"
CASES = json.loads((GOLDEN / "trainers_lightning.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_lightning(case):
    config = read_trainer_config(GOLDEN / case["file"], dataset_size=case["dataset_size"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "lightning" and "class_path" in reason
    config = read_trainer_config(EXAMPLE, dataset_size=50_000, world_size=2)
    # ceil(50000 / (64 * 2)) = 391 batches, ceil(391 / 4) = 98 updates per epoch
    assert (config.steps_per_epoch, config.total_steps) == (98, 98 * 30)
    values = built(config)(np.array([0, 97, 98]))
    assert values[0] == values[1] == 0.0005 and values[2] < 0.0005


BASE = {"trainer": {"max_epochs": 3}, "optimizer": {"class_path": "torch.optim.SGD", "init_args": {"lr": 0.1}}}


def test_interval_cannot_be_set_in_the_yaml(tmp_path):
    data = {**BASE, "lr_scheduler": {"class_path": "torch.optim.lr_scheduler.StepLR", "init_args": {"step_size": 1},
                                     "interval": "step"}}
    with pytest.raises(ConfigError, match=r"config.yaml:\d+:\d+: lr_scheduler.interval: LightningCLI does not read interval"):
        read_trainer_config(write(tmp_path, data), steps_per_epoch=10)


def test_plateau_and_missing_arguments_are_refused(tmp_path):
    data = {**BASE, "lr_scheduler": {"class_path": "lightning.pytorch.cli.ReduceLROnPlateau", "init_args": {"monitor": "x"}}}
    with pytest.raises(ConfigError, match="ReduceLROnPlateau follows the monitored metric"):
        read_trainer_config(write(tmp_path, data), steps_per_epoch=10)
    data = {**BASE, "lr_scheduler": {"class_path": "torch.optim.lr_scheduler.CosineAnnealingLR", "init_args": {}}}
    with pytest.raises(ConfigError, match="lr_scheduler.class_path: torch CosineAnnealingLR requires T_max"):
        read_trainer_config(write(tmp_path, data), steps_per_epoch=10)


def test_an_unknown_init_arg_is_located(tmp_path):
    data = {**BASE, "lr_scheduler": {"class_path": "StepLR", "init_args": {"step_size": 1, "gama": 0.5}}}
    with pytest.raises(ConfigError, match=r"lr_scheduler.init_args.gama: .*unknown parameter.*did you mean gamma\?"):
        read_trainer_config(write(tmp_path, data), steps_per_epoch=10)


def test_the_dataset_size_is_asked_for(tmp_path):
    data = {**BASE, "lr_scheduler": {"class_path": "StepLR", "init_args": {"step_size": 1}}}
    with pytest.raises(ConfigError, match="trainer: the updates per epoch depend on the dataset size"):
        read_trainer_config(write(tmp_path, data))
