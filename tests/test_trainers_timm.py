"""timm ``args.yaml`` files (lrviz/trainers/timm.py) against timm's create_scheduler_v2 stepped as train.py steps it.

- goldens: tests/golden/make_trainers_timm.py built each case with the real ``create_scheduler_v2``
  (timm 1.0.31) and recorded the lr of every update through train.py's loop (trainers_timm.json);
- the shipped example; located refusals; live parity (skipped without timm).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from lrviz import registry
from lrviz.errors import ConfigError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "timm_args.yaml"
CASES = json.loads((GOLDEN / "trainers_timm.json").read_text())["cases"]


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "args.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def built(config):
    (spec,) = config.schedules
    return registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_timm(tmp_path, case):
    config = read_trainer_config(write(tmp_path, case["file"]), dataset_size=case["dataset_size"],
                                 world_size=case["world_size"])
    assert config.total_steps == case["total_steps"]
    assert config.steps_per_epoch == case["updates_per_epoch"]
    assert config.lr == pytest.approx(case["lr_used"], rel=1e-15)
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12, atol=1e-300,
                               err_msg=case["id"])


def test_the_fixture_is_from_timm():
    doc = json.loads((GOLDEN / "trainers_timm.json").read_text())
    assert doc["library"] == "timm" and doc["version"]
    assert {c["file"]["sched"] for c in doc["cases"]} == {"cosine", "step", "multistep", "tanh", "poly", "constant"}
    assert any(c["file"].get("sched_on_updates") for c in doc["cases"])
    assert any(not c["file"].get("sched_on_updates") for c in doc["cases"])


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "timm" and "sched" in reason
    config = read_trainer_config(EXAMPLE, dataset_size=1_281_167, world_size=8)
    # lr from lr_base: adamw gets sqrt scaling of 128 * 8 / 256 = 4, so 0.001 * 2
    assert config.lr == pytest.approx(0.002)
    # floor(ceil(1281167 / 8) / 128) = 1251 updates per epoch, 100 epochs
    assert (config.steps_per_epoch, config.total_steps) == (1251, 125100)
    values = built(config)(np.array([0, 5 * 1251]))
    # warmup_prefix false: at the end of the warmup the cosine is already 5 of 100 epochs in, below the peak
    expected = 1e-6 + 0.5 * (0.002 - 1e-6) * (1 + np.cos(np.pi * 5 / 100))
    assert values[0] == pytest.approx(1e-5) and values[1] == pytest.approx(expected, rel=1e-12)


def test_steps_per_epoch_replaces_the_dataset_size(tmp_path):
    case = next(c for c in CASES if c["id"] == "cosine-epochs-cooldown")
    config = read_trainer_config(write(tmp_path, case["file"]), steps_per_epoch=case["updates_per_epoch"])
    np.testing.assert_allclose(built(config)(np.asarray(case["steps"])), case["lr"], rtol=1e-12)


def test_the_dataset_size_is_asked_for(tmp_path):
    with pytest.raises(ConfigError, match=r"args.yaml:\d+:1: epochs: .*--dataset-size N"):
        read_trainer_config(write(tmp_path, {"sched": "cosine", "epochs": 10}))


def test_plateau_and_unknown_schedulers_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="sched: plateau follows the eval metric"):
        read_trainer_config(write(tmp_path, {"sched": "plateau", "epochs": 10}), steps_per_epoch=3)
    with pytest.raises(ConfigError, match=r"sched: not a timm scheduler; did you mean cosine\?"):
        read_trainer_config(write(tmp_path, {"sched": "cosin", "epochs": 10}), steps_per_epoch=3)


def test_a_fractional_decay_interval_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"decay_epochs: 2.5 epochs"):
        read_trainer_config(write(tmp_path, {"sched": "step", "decay_epochs": 2.5, "epochs": 10}), steps_per_epoch=3)


def test_bad_values_are_all_located(tmp_path):
    with pytest.raises(ConfigError) as e:
        read_trainer_config(write(tmp_path, {"sched": "cosine", "epochs": "ten", "min_lr": -1, "lr": 0.1}),
                            steps_per_epoch=3)
    assert len(e.value.issues) == 2 and all(i.line for i in e.value.issues)


_LOADED: list = []


def _generator():
    if _LOADED:
        return _LOADED[0]
    if importlib.util.find_spec("timm") is None:  # ``import timm`` itself wants torchvision: look, don't import
        pytest.skip("timm is not installed")
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location("make_trainers_timm", GOLDEN / "make_trainers_timm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _LOADED.append(module)
    return module


@pytest.mark.parametrize("seed", range(6))
def test_live_parity_with_timm(tmp_path, seed):
    make = _generator()
    rng = np.random.default_rng(seed)
    sched = ["cosine", "tanh", "step", "multistep", "poly", "cosine"][seed]
    file = {"sched": sched, "epochs": int(rng.integers(3, 12)), "warmup_epochs": int(rng.integers(0, 3)),
            "sched_on_updates": bool(seed % 2), "min_lr": 1e-5, "warmup_lr": 1e-4, "decay_epochs": 2,
            "decay_milestones": [2, 4], "cooldown_epochs": int(rng.integers(0, 3)), "warmup_prefix": bool(rng.integers(0, 2)),
            "opt": str(rng.choice(["sgd", "adamw", "lamb"])), "lr_base": 0.01, "batch_size": int(rng.integers(4, 32)),
            "lr_cycle_limit": int(rng.integers(1, 3)), "lr_cycle_mul": float(rng.choice([1.0, 2.0]))}
    n, w = int(rng.integers(50, 200)), int(rng.integers(1, 3))
    got = make.run(file, n, w)
    config = read_trainer_config(write(tmp_path, file), dataset_size=n, world_size=w)
    assert config.total_steps == got["total_steps"]
    np.testing.assert_allclose(built(config)(np.asarray(got["steps"])), got["lr"], rtol=1e-12, atol=1e-300)
