"""Megatron-LM launch scripts (lrviz/trainers/megatron.py, _shell.py, twin lrviz/twins/megatron.py).

- goldens: tests/golden/make_trainers_megatron.py stepped the real ``OptimizerParamScheduler``
  (megatron-core 0.16.1) by the global batch size per iteration, built from each script's flags as
  ``get_optimizer_param_scheduler`` builds it (trainers_megatron.json, scripts in megatron_cases/);
- the reference run of shared/reference/ecosystem.md 6.1; the shipped example; located refusals.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lrviz
from lrviz import registry
from lrviz.errors import ConfigError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "megatron_gpt_pretrain.sh"
CASES = json.loads((GOLDEN / "trainers_megatron.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_megatron(case):
    config = read_trainer_config(GOLDEN / case["file"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300)


def test_the_reference_run():
    # ecosystem.md 6.1: W = 2 iterations, D = 10, min 0.1: cosine 0, .5, 1, .966, ..., .134, .1, .1
    s = lrviz.schedule("megatron.OptimizerParamScheduler", lr=1.0, min_lr=0.1, lr_warmup_steps=2, lr_decay_steps=10,
                       lr_decay_style="cosine", increment=1)
    v = s(np.arange(13))
    assert v[0] == 0 and v[1] == 0.5 and v[2] == 1.0 and v[3] == pytest.approx(0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi / 8)))
    assert v[10] == pytest.approx(0.1) and v[11] == v[12] == 0.1


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "megatron" and "--lr-decay-style" in reason
    config = read_trainer_config(EXAMPLE)
    assert config.total_steps == 20000
    (spec,) = config.schedules
    assert spec.params["increment"] == 512 and spec.params["lr_warmup_steps"] == 0.01 * 18000 * 512
    values = built(config)(np.array([0, 180, 18000, 18001]))
    np.testing.assert_allclose(values, [0, 3e-4, 3e-5, 3e-5], rtol=1e-12)
    assert "fraction of the decay steps: 180 iterations" in config.caption


def test_an_unset_shell_variable_is_named_where_it_is_used(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text("#!/bin/bash\nLR=3e-4\npython pretrain_gpt.py --lr $LR --train-iters $ITERS --lr-decay-style cosine\n")
    with pytest.raises(ConfigError, match=r"run.sh:3:\d+: train_iters: '\$ITERS' holds a shell variable"):
        read_trainer_config(path)
    path.write_text("#!/bin/bash\nLR=3e-4\nITERS=${ITERS:-100}\npython pretrain_gpt.py --lr $LR --train-iters $ITERS\n")
    assert read_trainer_config(path).total_steps == 100


def test_bad_flags_are_located(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text("#!/bin/bash\npython pretrain_gpt.py --lr 1e-3 --train-iters 100 \\\n  --lr-decay-style cosin \\\n"
                    "  --rampup-batch-size 16 16 1000\n")
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    text = str(e.value)
    assert "run.sh:3:3: lr_decay_style: not a Megatron decay style; did you mean cosine?" in text
    assert "run.sh:4:3: rampup_batch_size: a batch-size ramp" in text


def test_warmup_not_below_decay_is_megatrons_assert(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text("python pretrain_gpt.py --lr 1e-3 --train-iters 100 --lr-warmup-iters 100\n")
    with pytest.raises(ConfigError, match=r"lr_warmup_iters: Megatron asserts lr_warmup_steps < lr_decay_steps"):
        read_trainer_config(path, format="megatron")
