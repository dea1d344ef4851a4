"""HuggingFace TrainingArguments files (lrviz/trainers/hf.py) against the real Trainer.

- goldens: tests/golden/make_trainers_hf.py ran the real ``Trainer.train()`` on each
  case's arguments and dataset size and recorded the lr of every update (trainers_hf.json);
- the shipped example is detected and read; located refusals of what the Trainer refuses;
- live parity against the real Trainer (skipped without transformers).
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from lrviz import curves, registry
from lrviz.errors import ConfigError, LrvizError
from lrviz.trainers import detect, read_trainer_config

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "configs" / "trainers" / "hf_training_args.json"
CASES = json.loads((GOLDEN / "trainers_hf.json").read_text())["cases"]


def write(tmp_path: Path, data: dict, syntax: str = "json", name: str = "args") -> Path:
    path = tmp_path / f"{name}.{syntax}"
    path.write_text(json.dumps(data, indent=2) if syntax == "json" else yaml.safe_dump(data))
    return path


def lrs(config, steps) -> np.ndarray:
    (spec,) = config.schedules
    schedule = registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)
    return schedule(np.asarray(steps, dtype=np.int64))


def message(excinfo) -> str:
    return str(excinfo.value)


# ------------------------------------------------------------------------------------------ goldens


@pytest.mark.parametrize("syntax", ["json", "yaml"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_from_the_real_trainer(tmp_path, case, syntax):
    path = write(tmp_path, case["file"], syntax)
    config = read_trainer_config(path, dataset_size=case["dataset_size"], world_size=case["world_size"])
    assert config.total_steps == case["total_steps"]
    np.testing.assert_allclose(lrs(config, case["steps"]), case["lr"], rtol=1e-12, atol=0, err_msg=case["id"])
    assert len(case["steps"]) == case["total_steps"]


def test_the_fixture_is_from_the_real_trainer():
    doc = json.loads((GOLDEN / "trainers_hf.json").read_text())
    assert doc["library"] == "transformers" and doc["version"]
    ids = {c["id"] for c in doc["cases"]}
    assert {"ratio-0.07-rounds-up", "drop-last", "epochs-fraction-accum", "constant-ignores-warmup"} <= ids
    assert next(c for c in doc["cases"] if c["id"] == "ratio-0.07-rounds-up")["num_warmup_steps"] == 8


def test_steps_per_epoch_gives_the_same_curve_as_the_dataset_size(tmp_path):
    case = next(c for c in CASES if c["id"] == "epochs-fraction-accum")  # 100 examples, B 8, G 3: 5 updates/epoch
    path = write(tmp_path, case["file"])
    config = read_trainer_config(path, steps_per_epoch=5)
    assert config.total_steps == case["total_steps"] == 13 and config.steps_per_epoch == 5
    np.testing.assert_allclose(lrs(config, case["steps"]), case["lr"], rtol=1e-12)


def test_world_size_divides_the_batches(tmp_path):
    # shared/reference/ecosystem.md 1.2: len_dl = ceil(N / (B W)) = ceil(1000 / 32) = 32, U = ceil(32 / 2) = 16, T = 3 U
    path = write(tmp_path, {"per_device_train_batch_size": 8, "gradient_accumulation_steps": 2, "num_train_epochs": 3})
    config = read_trainer_config(path, dataset_size=1000, world_size=4)
    assert (config.total_steps, config.steps_per_epoch) == (48, 16)
    assert "4 process(es)" in config.caption


# ------------------------------------------------------------------------------------------ the shipped example


def test_the_example_is_detected_and_read():
    name, reason = detect(EXAMPLE)
    assert name == "hf" and "lr_scheduler_type" in reason
    config = read_trainer_config(EXAMPLE)
    assert config.total_steps == 1500  # max_steps wins over num_train_epochs
    (spec,) = config.schedules
    assert spec.name == "hf.cosine_with_min_lr"
    assert spec.params["num_warmup_steps"] == 45  # ceil(1500 * 0.03)
    assert "hf_training_args.json" in config.title
    (curve,) = curves.evaluate(config)
    p = (1499 - 45) / (1500 - 45)  # the last update: HF's cosine with min_lr_rate 0.1
    last = 2e-4 * (0.5 * (1 + math.cos(math.pi * 0.5 * 2 * p)) * 0.9 + 0.1)
    assert curve.lr[45] == pytest.approx(2e-4) and curve.lr[1499] == pytest.approx(last, rel=1e-12)


def test_wandb_config_yaml_is_unwrapped(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("_wandb: {value: {cli_version: 0.19.9}}\n"
                    "lr_scheduler_type: {value: linear}\nlearning_rate: {value: 0.001}\nmax_steps: {value: 40}\n"
                    "warmup_steps: {value: 4}\noutput_dir: {value: out}\n")
    config = read_trainer_config(path)
    assert config.total_steps == 40 and config.schedules[0].params["num_warmup_steps"] == 4
    assert config.schedules[0].params["lr"] == 0.001


# ------------------------------------------------------------------------------------------ refusals, located


def test_epochs_without_a_dataset_size_asks_in_one_line(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "cosine", "num_train_epochs": 3, "output_dir": "o"})
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    (issue,) = e.value.issues
    assert (issue.line, issue.path) == (3, "num_train_epochs") and "--dataset-size" in issue.message


def test_warmup_ratio_above_one_is_refused_with_the_trainers_reason(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "linear", "warmup_ratio": 1.5, "max_steps": 10})
    with pytest.raises(ConfigError, match=r"args.json:3:\d+: warmup_ratio: the Trainer refuses it: "
                                          r"warmup_ratio must lie in range \[0,1\]"):
        read_trainer_config(path)


def test_negative_warmup_steps_is_refused(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "linear", "warmup_steps": -1, "max_steps": 10})
    with pytest.raises(ConfigError, match="warmup_steps: must be >= 0"):
        read_trainer_config(path)


def test_both_warmups_are_ambiguous_across_versions(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "linear", "warmup_ratio": 0.1, "warmup_steps": 10, "max_steps": 100})
    with pytest.raises(ConfigError, match="warmup_ratio: both warmup_ratio and warmup_steps"):
        read_trainer_config(path)


def test_unknown_scheduler_type_is_named_with_a_suggestion(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "cosin", "max_steps": 10}, "yaml")
    with pytest.raises(ConfigError, match=r"args.yaml:1:1: lr_scheduler_type: not a SchedulerType .*did you mean cosine\?"):
        read_trainer_config(path)


def test_metric_driven_schedulers_are_refused(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "reduce_lr_on_plateau", "max_steps": 10})
    with pytest.raises(ConfigError, match="follows the evaluation metric"):
        read_trainer_config(path)


def test_a_near_miss_of_a_field_is_located(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "linear", "warmup_step": 10, "max_steps": 10})
    with pytest.raises(ConfigError, match=r":3:\d+: warmup_step: not a TrainingArguments field; did you mean warmup_steps\?"):
        read_trainer_config(path)


def test_a_bad_scheduler_kwarg_is_located_at_its_key(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "cosine", "lr_scheduler_kwargs": {"num_cycle": 2}, "max_steps": 10})
    with pytest.raises(ConfigError, match=r"lr_scheduler_kwargs.num_cycle: unknown parameter"):
        read_trainer_config(path)


def test_every_problem_in_one_pass(tmp_path):
    path = write(tmp_path, {"lr_scheduler_type": "cosin", "learning_rate": "fast", "warmup_ratio": 2, "max_steps": 10})
    with pytest.raises(ConfigError) as e:
        read_trainer_config(path)
    assert len(e.value.issues) == 3


def test_bad_json_is_one_located_line(tmp_path):
    path = tmp_path / "args.json"
    path.write_text('{"lr_scheduler_type": "cosine",\n "max_steps": }\n')
    with pytest.raises(LrvizError, match=r"args.json:2:\d+: JSON syntax"):
        read_trainer_config(path)


def test_bad_options_are_refused():
    with pytest.raises(ConfigError, match="--dataset-size: must be a whole number >= 1"):
        read_trainer_config(EXAMPLE, dataset_size=0)
    with pytest.raises(ConfigError, match="--format: unknown trainer format 'hugging'"):
        read_trainer_config(EXAMPLE, format="hugging")


# ------------------------------------------------------------------------------------------ live parity


def _generator():
    pytest.importorskip("transformers")
    spec = importlib.util.spec_from_file_location("make_trainers_hf", GOLDEN / "make_trainers_hf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", range(4))
def test_live_parity_with_the_real_trainer(tmp_path, seed):
    make = _generator()
    rng = np.random.default_rng(seed)
    kinds = ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant_with_warmup", "inverse_sqrt"]
    file = {"learning_rate": float(rng.choice([1e-3, 3e-4])), "lr_scheduler_type": str(rng.choice(kinds)),
            "per_device_train_batch_size": int(rng.integers(1, 9)), "gradient_accumulation_steps": int(rng.integers(1, 5)),
            "num_train_epochs": float(rng.choice([1, 1.5, 2.25])), "warmup_steps": float(rng.choice([0, 0.05, 0.13, 3]))}
    n = int(rng.integers(20, 120))
    got = make.run(file, n, None)
    config = read_trainer_config(write(tmp_path, file), dataset_size=n)
    assert config.total_steps == got["total_steps"]
    np.testing.assert_allclose(lrs(config, got["steps"]), got["lr"], rtol=1e-12)


def test_a_deepspeed_scheduler_replaces_the_trainers_and_auto_is_filled(tmp_path):
    (tmp_path / "ds.json").write_text(json.dumps({
        "optimizer": {"type": "AdamW", "params": {"lr": "auto"}},
        "scheduler": {"type": "WarmupDecayLR", "params": {"warmup_min_lr": "auto", "warmup_max_lr": "auto",
                                                          "warmup_num_steps": "auto", "total_num_steps": "auto"}}}))
    path = write(tmp_path, {"learning_rate": 1e-4, "lr_scheduler_type": "cosine", "max_steps": 100,
                            "warmup_steps": 0.1, "deepspeed": "ds.json"})
    config = read_trainer_config(path)
    (spec,) = config.schedules
    assert spec.name == "deepspeed.WarmupDecayLR" and config.total_steps == 100
    assert {k: spec.params[k] for k in ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "total_num_steps")} == \
        {"warmup_min_lr": 0, "warmup_max_lr": 1e-4, "warmup_num_steps": 10, "total_num_steps": 100}
    assert "replaces lr_scheduler_type" in config.caption


def test_a_deepspeed_config_without_scheduler_keeps_the_trainers(tmp_path):
    (tmp_path / "ds.json").write_text(json.dumps({"zero_optimization": {"stage": 2}}))
    path = write(tmp_path, {"lr_scheduler_type": "linear", "max_steps": 10, "deepspeed": "ds.json"})
    assert read_trainer_config(path).schedules[0].name == "hf.linear"
    path = write(tmp_path, {"lr_scheduler_type": "linear", "max_steps": 10, "deepspeed": "missing.json"})
    with pytest.raises(ConfigError, match="deepspeed: 'missing.json' not found"):
        read_trainer_config(path)
