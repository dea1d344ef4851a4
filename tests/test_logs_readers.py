"""Each log reader on a file recorded from the real framework (tests/golden/make_logs.py).

The expected values are the framework's own: ``truth.json`` holds, per
recording, the lr each update really used (captured from the optimizer just
before ``optimizer.step()``) and the library versions. So these tests check
both the parsing and each reader's logging offset against the real run:
transformers 5.24.0 + accelerate 1.15.0, lightning 2.6.6, torch 2.13.0,
keras 3.15.1 (jax backend; its TensorBoard callback through tensorflow 2.21.0),
mlflow-skinny 3.17.2.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from lrviz.logs import FORMATS, detect, read_log, read_logs
from lrviz.logs._series import FLOAT32_RESOLUTION

LOGS = os.path.join(os.path.dirname(__file__), "golden", "logs")
with open(os.path.join(LOGS, "truth.json")) as fh:
    TRUTH = json.load(fh)


def at(*parts: str) -> str:
    return os.path.join(LOGS, *parts)


def f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def test_the_recordings_are_from_the_versions_the_docstrings_name():
    assert TRUTH["hf_cosine"]["versions"]["transformers"] == "5.24.0"
    assert TRUTH["lightning"]["versions"]["lightning"] == "2.6.6"
    assert TRUTH["keras_tb"]["versions"]["keras"].startswith("3.")
    assert TRUTH["keras_tb"]["versions"]["backend"] == "jax"


@pytest.mark.parametrize("name", ["hf_cosine", "hf_linear"])
def test_hf_trainer_state_gives_the_lr_of_each_update(name):
    log = read_log(at(name))  # the folder holding trainer_state.json
    truth = TRUTH[name]["lrs"]
    assert log.format == "hf" and log.series == "learning_rate"
    # transformers 5.24: entry step s (1-based) carries the lr update s used, lr(s - 1)
    np.testing.assert_array_equal(log.steps, np.arange(len(truth)))
    np.testing.assert_array_equal(log.lrs, truth)
    assert log.offset == -1 and "lr(s-1)" in log.offset_note
    assert log.meta["max_steps"] == TRUTH[name]["max_steps"] and log.meta["logging_steps"] == 1


def test_hf_file_and_folder_and_checkpoint_parent_give_the_same_log(tmp_path):
    ckpt = tmp_path / "out" / "checkpoint-40"
    ckpt.mkdir(parents=True)
    (ckpt / "trainer_state.json").write_text(open(at("hf_cosine", "trainer_state.json")).read())
    small = tmp_path / "out" / "checkpoint-8"
    small.mkdir()
    state = json.load(open(at("hf_cosine", "trainer_state.json")))
    state["log_history"] = state["log_history"][:8]
    (small / "trainer_state.json").write_text(json.dumps(state))
    whole = read_log(str(tmp_path / "out"))  # the checkpoint with the largest step
    assert len(whole) == 40 and whole.source.endswith("checkpoint-40/trainer_state.json")
    one = read_log(at("hf_cosine", "trainer_state.json"))
    np.testing.assert_array_equal(one.lrs, whole.lrs)


def test_hf_version_4_50_and_deepspeed_log_the_next_lr(tmp_path):
    """transformers <= 4.50 (config.json says which) and DeepSpeed log lr(s) at step s: offset 0."""
    truth = TRUTH["hf_cosine"]["lrs"]
    state = {"log_history": [{"step": s, "learning_rate": truth[s]} for s in range(1, 40)], "max_steps": 40}
    old = tmp_path / "old"
    old.mkdir()
    (old / "trainer_state.json").write_text(json.dumps(state))
    (old / "config.json").write_text(json.dumps({"transformers_version": "4.50.3"}))
    log = read_log(str(old))
    np.testing.assert_array_equal(log.steps, np.arange(1, 40))
    np.testing.assert_array_equal(log.lrs, truth[1:40])
    assert "4.50.3" in log.offset_note
    ds = tmp_path / "ds"
    (ds / "global_step39").mkdir(parents=True)
    (ds / "trainer_state.json").write_text(json.dumps(state))
    assert read_log(str(ds)).offset == 0 and "DeepSpeed" in read_log(str(ds)).offset_note
    new = tmp_path / "new"
    new.mkdir()
    (new / "trainer_state.json").write_text(json.dumps(state))
    (new / "config.json").write_text(json.dumps({"transformers_version": "4.57.3"}))
    assert read_log(str(new)).offset == -1


def test_lightning_metrics_csv_has_one_series_per_param_group():
    logs = read_logs(at("lightning", "version_0"))
    assert [log.series for log in logs] == ["lr-AdamW/pg1", "lr-AdamW/pg2"]
    truth = TRUTH["lightning"]
    for log, key in zip(logs, ("lrs", "lrs_pg2")):
        # step k (0-based, updates done) carries lr(k): the lr update k+1 used
        np.testing.assert_array_equal(log.steps, np.arange(60))
        np.testing.assert_allclose(log.lrs, truth[key], rtol=1e-15)
        assert log.offset == 0
    picked = read_log(at("lightning"), columns="step,lr-AdamW/pg2")  # lightning_logs-style parent of version_0
    assert picked.series == "lr-AdamW/pg2"


def test_lightning_sparse_logging_keeps_the_logged_steps():
    log = read_log(at("lightning_sparse"), columns=",lr-AdamW/pg1")
    truth = TRUTH["lightning_sparse"]["lrs"]
    # log_every_n_steps=5 logs when (k + 1) % 5 == 0
    np.testing.assert_array_equal(log.steps, np.arange(4, 60, 5))
    np.testing.assert_allclose(log.lrs, np.asarray(truth)[4::5], rtol=1e-15)


def test_lightning_tensorboard_logger_gives_the_same_points():
    logs = {log.series: log for log in read_logs(at("lightning_tb"))}
    assert set(logs) == {"lr-AdamW/pg1", "lr-AdamW/pg2"}
    np.testing.assert_array_equal(logs["lr-AdamW/pg1"].steps, np.arange(60))
    np.testing.assert_array_equal(logs["lr-AdamW/pg1"].lrs, f32(TRUTH["lightning"]["lrs"]))
    assert logs["lr-AdamW/pg1"].resolution == FLOAT32_RESOLUTION


def test_torch_summary_writer_every_point_of_12000_is_read():
    """More than EventAccumulator's default 10,000 scalars per tag: every one is read, in order."""
    logs = {log.series: log for log in read_logs(at("torch_tb"))}
    lr = logs["lr"]
    truth = TRUTH["torch_tb"]["lrs"]
    assert len(lr) == 12_000 == len(truth)
    np.testing.assert_array_equal(lr.steps, np.arange(12_000))
    np.testing.assert_array_equal(lr.lrs, f32(truth))  # simple_value is a float32
    sparse = logs["sparse/learning_rate"]
    np.testing.assert_array_equal(sparse.steps, np.arange(0, 12_000, 500))
    np.testing.assert_array_equal(sparse.lrs, f32(truth[::500]))


def test_hf_tensorboard_callback_logs_train_learning_rate_at_global_step():
    log = read_log(at("hf_cosine_tb"))
    assert log.series == "train/learning_rate" and log.offset == -1
    np.testing.assert_array_equal(log.steps, np.arange(40))
    np.testing.assert_array_equal(log.lrs, f32(TRUTH["hf_cosine"]["lrs"]))


def test_keras_tensorboard_callback_tensor_scalars_are_the_next_epochs_lr():
    """Keras' callback writes TF2 tensor summaries in train/; at epoch e it logs the schedule after the epoch's
    updates, the lr of the first update of epoch e+1 (recorded: schedule((e+1) * 4))."""
    log = read_log(at("keras_tb"))
    truth = TRUTH["keras_tb"]
    assert log.series == "train/epoch_learning_rate" and log.unit == "epoch" and log.offset == 1
    np.testing.assert_array_equal(log.steps, np.arange(1, 11))
    spe = truth["steps_per_epoch"]
    expected = [truth["schedule_at"][e * spe] for e in range(1, 11)]
    np.testing.assert_array_equal(log.lrs, f32(expected))
    np.testing.assert_array_equal(log.lrs[:-1], f32(truth["lrs"][spe::spe]))  # what the next epoch's first update used


def test_keras_csvlogger_is_per_epoch_with_the_epochs_own_lr():
    log = read_log(at("keras_csv", "training.csv"))
    truth = TRUTH["keras_csv"]
    assert log.format == "keras" and log.series == "learning_rate" and log.unit == "epoch"
    np.testing.assert_array_equal(log.steps, np.arange(6))
    np.testing.assert_array_equal(log.lrs, np.asarray(truth["lrs"])[::truth["steps_per_epoch"]])
    assert log.resolution >= FLOAT32_RESOLUTION


def test_mlflow_run_from_hf_callback_is_sorted_by_step():
    """HF's MLflowCallback logs asynchronously: the recorded file has step 5 before step 4."""
    run = os.path.join(LOGS, "hf_cosine_mlruns")
    steps_in_file = []
    for folder, _dirs, files in os.walk(run):
        if "learning_rate" in files and folder.endswith("metrics"):
            steps_in_file = [int(line.split()[2]) for line in open(os.path.join(folder, "learning_rate"))]
    assert steps_in_file != sorted(steps_in_file)  # the recording really is out of order
    log = read_log(run)
    assert log.format == "mlflow" and log.offset == -1
    np.testing.assert_array_equal(log.steps, np.arange(40))
    np.testing.assert_array_equal(log.lrs, TRUTH["hf_cosine"]["lrs"])


def test_mlflow_log_metric_file_store():
    log = read_log(at("mlflow_mlruns"))
    truth = TRUTH["mlflow"]
    np.testing.assert_array_equal(log.steps, np.arange(0, 30, 3))
    np.testing.assert_array_equal(log.lrs, np.asarray(truth["lrs"])[::3])
    assert log.series == "lr" and log.offset == 0


def test_plain_csv_with_named_columns_and_six_digits():
    log = read_log(at("csv", "train_log.csv"))
    assert log.format == "csv" and log.series == "lr"
    np.testing.assert_array_equal(log.steps, np.arange(50))
    np.testing.assert_allclose(log.lrs, TRUTH["csv"]["lrs"], rtol=5e-6)
    named = read_log(at("csv", "train_log.csv"), columns="iteration,lr", format="csv")
    np.testing.assert_array_equal(named.lrs, log.lrs)


def test_wandb_panel_export_hand_written_in_the_documented_layout():
    path = at("wandb", "wandb_export_2026-01-01T00_00_00.000+00_00.csv")
    log = read_log(path)
    assert log.format == "wandb" and log.series == "tiny-run-1 - train/learning_rate"
    np.testing.assert_array_equal(log.steps, np.arange(40))  # train/global_step s -> lr(s - 1)
    k = np.arange(40)
    expected = np.where(k < 5, 0.05 * k / 5, 0.05 * 0.5 * (1 + np.cos(np.pi * (k - 5) / 35)))
    np.testing.assert_allclose(log.lrs, expected, rtol=1e-15, atol=1e-18)


@pytest.mark.parametrize("path, name", [
    (("hf_cosine",), "hf"), (("hf_cosine", "trainer_state.json"), "hf"), (("lightning", "version_0"), "lightning"),
    (("lightning", "version_0", "metrics.csv"), "lightning"), (("torch_tb",), "tensorboard"), (("keras_tb",), "tensorboard"),
    (("keras_csv", "training.csv"), "keras"), (("mlflow_mlruns",), "mlflow"), (("csv", "train_log.csv"), "csv"),
    (("wandb", "wandb_export_2026-01-01T00_00_00.000+00_00.csv"), "wandb"),
])
def test_detection_names_the_format_and_why(path, name):
    found, reason = detect(at(*path))
    assert found == name and found in FORMATS
    assert reason


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_can_be_forced(name, tmp_path):
    paths = {"hf": at("hf_cosine"), "lightning": at("lightning", "version_0"), "keras": at("keras_csv", "training.csv"),
             "mlflow": at("mlflow_mlruns"), "tensorboard": at("torch_tb"), "csv": at("csv", "train_log.csv"),
             "wandb": at("wandb", "wandb_export_2026-01-01T00_00_00.000+00_00.csv")}
    logs = read_logs(paths[name], format=name)
    assert logs and all(log.format == name and len(log) > 0 for log in logs)


def test_mlflow_sqlite_store_picks_a_run_by_name_or_id():
    """MLflow's default store since 3.7, recorded with mlflow; ``mlflow.db:RUN`` picks one of its runs."""
    db = at("mlflow_sqlite", "mlflow.db")
    truth = TRUTH["mlflow_sqlite"]["runs"]
    assert detect(db)[0] == "mlflow"
    for name, run in truth.items():
        for pick in (name, run["run_id"], run["run_id"][:8]):
            log = read_log(f"{db}:{pick}")
            assert log.source == f"{db}:{run['run_id']}" and log.series == "learning_rate"
            np.testing.assert_array_equal(log.steps, np.arange(20))  # logged from step 0: not HF's rule
            np.testing.assert_array_equal(log.lrs, run["lrs"])
            assert log.offset == 0
