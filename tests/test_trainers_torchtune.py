"""torchtune recipe configs (lrviz/trainers/torchtune.py; twin hf.cosine).

Goldens: tests/golden/make_trainers_torchtune.py ran torchtune 0.6.1's own get_cosine_schedule_with_warmup
(taken by ast) through the recipe loop (trainers_torchtune.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lrviz import registry
from lrviz.errors import ConfigError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "torchtune_llama3_lora.yaml"
CASES = json.loads((GOLDEN / "trainers_torchtune.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_torchtune(case):
    config = read_trainer_config(GOLDEN / case["file"], dataset_size=case["dataset_size"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_example_is_detected_and_read():
    assert detect(EXAMPLE)[0] == "torchtune"
    config = read_trainer_config(EXAMPLE, dataset_size=51_760)  # floor(floor(51760 / 2) / 8) = 3235 updates
    assert config.total_steps == 3235
    assert built(config)(100) == pytest.approx(3e-4)


def test_other_components_are_named(tmp_path):
    path = tmp_path / "recipe.yaml"
    path.write_text("optimizer: {_component_: torch.optim.AdamW, lr: 1e-4}\nepochs: 1\n"
                    "lr_scheduler: {_component_: my.own.scheduler, num_warmup_steps: 3}\n")
    with pytest.raises(ConfigError, match=r"recipe.yaml:3:\d+: lr_scheduler._component_: 'my.own.scheduler' is not torchtune's"):
        read_trainer_config(path, steps_per_epoch=10)
