"""fairseq runs (lrviz/trainers/fairseq.py, twin lrviz/twins/fairseq.py): inverse_sqrt with --warmup-init-lr.

Goldens: tests/golden/make_trainers_fairseq.py transcribes fairseq's InverseSquareRootSchedule from
facebookresearch/fairseq fairseq/optim/lr_scheduler/inverse_square_root_schedule.py (fairseq does not
install here) and drives it as fairseq/trainer.py does.
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
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "fairseq_transformer_wmt.sh"
CASES = json.loads((GOLDEN / "trainers_fairseq.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_fairseqs_formula(case):
    config = read_trainer_config(GOLDEN / case["file"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "fairseq" and "--lr-scheduler" in reason
    config = read_trainer_config(EXAMPLE)
    assert config.total_steps == 100000
    values = built(config)(np.array([0, 4000, 16000]))
    np.testing.assert_allclose(values, [1e-7, 7e-4, 3.5e-4], rtol=1e-12)


def test_hydra_yaml_is_read(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("lr_scheduler:\n  _name: inverse_sqrt\n  warmup_updates: 10\n  warmup_init_lr: 1.0e-07\n"
                    "optimization:\n  lr: [0.0005]\n  max_update: 50\n")
    assert detect(path)[0] == "fairseq"
    config = read_trainer_config(path)
    assert config.total_steps == 50 and built(config)(10) == pytest.approx(5e-4)


def test_other_schedules_and_lr_lists_are_named(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text("fairseq-train d --lr-scheduler polynomial_decay --lr 0.1 0.05 --max-update 10 --warmup-updates 2\n")
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    text = str(e.value)
    assert "lr_scheduler: fairseq's polynomial_decay schedule has no lrviz twin yet" in text
    assert "lr: Cannot use a fixed learning rate schedule with inverse_sqrt" in text


def test_zero_warmup_is_refused(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text("fairseq-train d --lr-scheduler inverse_sqrt --lr 0.1 --warmup-updates 0 --max-update 10\n")
    with pytest.raises(ConfigError, match=r"run.sh:1:\d+: warmup_updates: fairseq's inverse_sqrt divides by warmup_updates"):
        read_trainer_config(path, format="fairseq")
