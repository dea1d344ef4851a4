"""MMEngine Python configs (lrviz/trainers/mmengine.py, _pyconfig.py, twin lrviz/twins/mmengine.py) against MMEngine.

- goldens: tests/golden/make_trainers_mmengine.py loaded each config under tests/golden/mmengine_cases/
  with the real ``Config.fromfile`` and ran the real ``Runner`` (mmengine 0.10.7), recording the lr of
  every training iteration (trainers_mmengine.json);
- the reference runs of shared/reference/ecosystem.md 4.2; the safe reader never executes the file;
- the shipped example with its _base_ file; located refusals; live parity (skipped without mmengine).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import lrviz
from lrviz import registry
from lrviz.errors import ConfigError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "mmengine_retinanet_1x.py"
CASES = json.loads((GOLDEN / "trainers_mmengine.json").read_text())["cases"]


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_the_mmengine_runner(case):
    config = read_trainer_config(GOLDEN / case["file"], dataset_size=case["dataset_size"], world_size=case["world_size"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300,
                               err_msg=case["id"])


def test_steps_per_epoch_is_the_epoch_length(tmp_path):
    case = next(c for c in CASES if c["id"] == "delete-and-convert")
    config = read_trainer_config(GOLDEN / case["file"], steps_per_epoch=case["epoch_length"])
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12)


def test_the_reference_runs():
    # shared/reference/ecosystem.md 4.2 (run on mmengine 0.10.7)
    s = lrviz.schedule("mmengine.param_scheduler", lr=1.0, total_steps=12, epoch_length=3, schedulers=[
        dict(type="LinearLR", start_factor=0.25, begin=0, end=2, convert_to_iter_based=True),
        dict(type="CosineAnnealingLR", begin=2, end=4, convert_to_iter_based=True)])
    np.testing.assert_allclose(s(np.arange(12)), [.25, .4, .55, .7, .85, 1, 1, .933, .75, .5, .25, .067], atol=5e-4)
    m = lrviz.schedule("mmengine.param_scheduler", lr=1.0, total_steps=6, schedulers=[
        dict(type="MultiStepLR", begin=2, end=100, milestones=[1, 2])])
    np.testing.assert_allclose(m(np.arange(6)), [1, 1, 1, .1, .01, .01], rtol=1e-12)
    c = lrviz.schedule("mmengine.param_scheduler", lr=1.0, total_steps=6, schedulers=[
        dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=4)])
    np.testing.assert_allclose(c(np.arange(6)), [1, .854, .5, .146, .146, .146], atol=5e-4)


def test_the_example_and_its_base_are_read():
    name, reason = detect(EXAMPLE)
    assert name == "mmengine" and "param_scheduler" in reason
    config = read_trainer_config(EXAMPLE, dataset_size=117_266, world_size=8)
    assert config.lr == 0.01  # the child's optim_wrapper merges into the base's
    assert config.steps_per_epoch == 7330 and config.total_steps == 12 * 7330  # ceil(ceil(117266 / 8) / 2)
    values = built(config)(np.array([0, 1000, 8 * 7330 - 1, 8 * 7330, 11 * 7330]))
    np.testing.assert_allclose(values, [1e-5, 1e-2, 1e-2, 1e-3, 1e-4], rtol=1e-9)


def test_the_file_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "cfg.py"
    path.write_text(f"import os\nos.system('touch {marker}')\nopen({str(marker)!r}, 'w')\n"
                    "train_cfg = dict(max_epochs=2)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = dict(type='StepLR', step_size=1)\n")
    read_trainer_config(path, steps_per_epoch=2)
    assert not marker.exists()


def test_a_needed_value_that_is_not_a_literal_is_named(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("import math\ntrain_cfg = dict(max_epochs=12)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = [dict(type='MultiStepLR', milestones=[int(math.sqrt(64))])]\n")
    with pytest.raises(ConfigError, match=r"cfg.py:4:\d+: param_scheduler\[0\].milestones\[0\]: .*not a literal.*"
                                          r"int\(math.sqrt\(64\)\)"):
        read_trainer_config(path, steps_per_epoch=2)


def test_unknown_scheduler_and_parameter_are_located(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("train_cfg = dict(max_epochs=12)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = [\n    dict(type='CosineAnnealingLr', T_max=3),\n"
                    "    dict(type='StepLR', step_size=2, gama=0.5),\n]\n")
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path, steps_per_epoch=2)
    text = str(e.value)
    assert "cfg.py:4:10: param_scheduler[0].type: 'CosineAnnealingLr' is not an MMEngine lr scheduler" in text
    assert "did you mean CosineAnnealingLR?" in text
    assert "cfg.py:5:38: param_scheduler[1].gama: unknown parameter of MMEngine StepLR; did you mean gamma?" in text


def test_a_bad_value_is_reported_at_the_scheduler(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("train_cfg = dict(max_epochs=12)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = dict(type='LinearLR', start_factor=2.0, by_epoch=False, begin=0, end=5)\n")
    with pytest.raises(ConfigError, match="Starting multiplicative factor should between 0 and 1"):
        read_trainer_config(path, steps_per_epoch=2)


def test_a_missing_base_file_and_the_dataset_size_are_asked_for(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("_base_ = ['./nope.py']\n")
    with pytest.raises(ConfigError, match=r"cfg.py:1:1: _base_: base file './nope.py' not found"):
        read_trainer_config(path)
    path.write_text("train_cfg = dict(max_epochs=12)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = dict(type='StepLR', step_size=3)\n")
    with pytest.raises(ConfigError, match="train_cfg: the epoch length .* --dataset-size N"):
        read_trainer_config(path)


def test_duplicate_keys_among_bases_are_refused(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("x = 2\n")
    path = tmp_path / "cfg.py"
    path.write_text("_base_ = ['a.py', 'b.py']\n")
    with pytest.raises(ConfigError, match="Duplicate key is not allowed among bases: x"):
        read_trainer_config(path, format="mmengine")


def _generator():
    pytest.importorskip("mmengine")
    spec = importlib.util.spec_from_file_location("make_trainers_mmengine", GOLDEN / "make_trainers_mmengine.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_live_parity_with_the_mmengine_runner():
    make = _generator()
    for case in CASES[:2]:
        got = make.run(Path(case["file"]).name, case["dataset_size"] + 3, 1)
        config = read_trainer_config(GOLDEN / case["file"], dataset_size=case["dataset_size"] + 3)
        assert config.total_steps == got["total_steps"]
        np.testing.assert_allclose(built(config)(np.asarray(got["steps"])), got["lr"], rtol=1e-12)
