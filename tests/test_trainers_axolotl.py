"""axolotl YAML (lrviz/trainers/axolotl.py; twins hf.*).

Goldens: tests/golden/make_trainers_axolotl.py transcribes axolotl's step count and warmup rule (int(),
default min(int(0.03 T), 100), 1 -> 2) and its cosine_min_lr_ratio lambda from its source, with the real
transformers get_scheduler for the HF names (trainers_axolotl.json).
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
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "axolotl_lora.yaml"
CASES = json.loads((GOLDEN / "trainers_axolotl.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_axolotl(case):
    config = read_trainer_config(GOLDEN / case["file"], dataset_size=case["dataset_size"])
    assert config.total_steps == case["total_steps"]
    assert config.schedules[0].params.get("num_warmup_steps") == case["warmup"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_example_is_detected_and_read():
    assert detect(EXAMPLE)[0] == "axolotl"
    config = read_trainer_config(EXAMPLE, dataset_size=1800)  # ceil(1800 / 4) = 450 updates, int(45.0) warmup
    assert config.total_steps == 450 and config.schedules[0].params["num_warmup_steps"] == 45


def test_packing_and_own_schedulers_are_named(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("base_model: m\nmicro_batch_size: 2\nlearning_rate: 1e-4\nlr_scheduler: rex\nsample_packing: true\n")
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path, dataset_size=100)
    text = str(e.value)
    assert "lr_scheduler: axolotl's rex scheduler has no lrviz twin yet" in text
    assert "sample_packing: sample packing makes the step count data-dependent" in text
