"""Bad run logs give one LrvizError line naming the file (and the line or row), never a traceback."""

from __future__ import annotations

import json
import os

import pytest

from lrviz.errors import LrvizError
from lrviz.logs import LogError, detect, read_log, read_logs

LOGS = os.path.join(os.path.dirname(__file__), "golden", "logs")


def fails(path, pattern, **kw):
    with pytest.raises(LogError) as err:
        read_log(str(path), **kw)
    message = str(err.value)
    assert isinstance(err.value, LrvizError)
    assert "\n" not in message
    import re

    assert re.search(pattern, message), message
    return message


def test_missing_and_empty(tmp_path):
    fails(tmp_path / "nope.csv", r"nope.csv: no such file or directory")
    (tmp_path / "empty.csv").write_text("")
    fails(tmp_path / "empty.csv", r"empty.csv: the file is empty")
    fails(tmp_path, r": no run log in this folder \(looked for trainer_state.json")


def test_csv_without_an_lr_column_lists_the_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,loss\n0,1.0\n")
    fails(path, r"log.csv: not a run log lrviz recognizes")
    fails(path, r"log.csv:1: no lr column found among step, loss; name it with --log-columns step,LR", format="csv")
    fails(path, r"log.csv:1: no lr column 'lr'; the columns are: step, loss", format="csv", columns="step,lr")
    fails(path, r"no step column 'iter'; the columns are", format="csv", columns="iter,loss")


def test_garbage_values_name_the_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,lr\n0,0.1\n1,abc\n")
    fails(path, r"log.csv:3: lr: not a number: 'abc'")
    path.write_text("step,lr\n0,0.1\n1.5,0.1\n")
    fails(path, r"log.csv:3: step: expected a whole-number step; got '1.5'")
    path.write_text("step,lr\n0,0.1\n1,0.1,7\n")
    fails(path, r"log.csv:3: 3 cells where the header has 2")


def test_binary_garbage(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"step,lr\n0,0.1\n\xff\xfe\x00garbage\n")
    fails(path, r"log.csv:3: not UTF-8 text \(byte 0xff\); expected a text log")
    path = tmp_path / "trainer_state.json"
    path.write_bytes(b"\x89PNG\r\n")
    fails(path, r"trainer_state.json: not UTF-8 text; expected the JSON of a Trainer state")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_lr(tmp_path, value):
    path = tmp_path / "log.csv"
    path.write_text(f"step,lr\n0,0.1\n1,{value}\n")
    if value == "nan":  # an empty-like cell: Keras writes NA/nan for "no value"; skipped
        assert len(read_log(str(path))) == 1
    else:
        fails(path, rf"log.csv:3: lr: the logged lr is {value.replace('+', '')} at step 1; a run log must hold finite lrs")


def test_negative_lr(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,lr\n0,-0.1\n")
    fails(path, r"log.csv:2: lr: the logged lr is negative \(-0.1\) at step 0")


def test_steps_that_go_back_or_repeat(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("step,lr\n0,0.1\n5,0.1\n3,0.1\n")
    fails(path, r"log.csv:4: lr: steps go back from 5 to 3; is this two runs appended to one log")
    path.write_text("step,lr\n0,0.1\n1,0.1\n1,0.2\n")
    fails(path, r"log.csv:4: lr: step 1 is logged twice with different lrs \(0.1, then 0.2\)")
    path.write_text("step,lr\n0,0.1\n1,0.1\n1,0.1\n")  # the same point twice is kept once
    assert len(read_log(str(path))) == 2


def test_hf_state_problems(tmp_path):
    path = tmp_path / "trainer_state.json"
    path.write_text("{\"log_history\": [")
    fails(path, r"trainer_state.json:1: not valid JSON")
    path.write_text(json.dumps({"global_step": 3}))
    fails(path, r"trainer_state.json: no log_history list")
    path.write_text(json.dumps({"log_history": [{"loss": 1.0, "step": 1}]}))
    fails(path, r"log_history has no entry with 'learning_rate'")
    path.write_text(json.dumps({"log_history": [{"learning_rate": "fast", "step": 1}]}))
    fails(path, r"trainer_state.json: log_history\[0\].learning_rate: expected a number; got 'fast'")
    path.write_text(json.dumps({"log_history": [{"learning_rate": 0.1, "step": 2}, {"learning_rate": 0.1, "step": 1}]}))
    fails(path, r"trainer_state.json: log_history\[1\]: learning_rate: steps go back from 2 to 1")
    path.write_text(json.dumps({"log_history": [{"learning_rate": float("inf"), "step": 1}]}).replace("Infinity", "1e999"))
    fails(path, r"log_history\[0\]: learning_rate: the logged lr is inf at step 1")
    path.write_text(json.dumps({"log_history": [{"learning_rate": 0.1, "step": 0}]}))
    fails(path, r"the first logged step is 0, which the hf logging rule .* puts before step 0")


def test_several_series_must_be_picked_and_the_error_names_them():
    fails(os.path.join(LOGS, "lightning", "version_0"),
          r"version_0/metrics.csv: 2 lr series \(lr-AdamW/pg1, lr-AdamW/pg2\); pick one with --log-columns step,NAME")
    fails(os.path.join(LOGS, "lightning", "version_0"), r"no lr column 'lr-SGD'; the columns are: epoch, lr-AdamW/pg1",
          columns="step,lr-SGD")
    fails(os.path.join(LOGS, "mlflow_mlruns"), r"no metric 'loss'; the run's metrics are: lr", columns="step,loss")


def test_folders_that_hold_two_logs_or_two_runs(tmp_path):
    both = tmp_path / "version_0"
    both.mkdir()
    (both / "metrics.csv").write_text(open(os.path.join(LOGS, "lightning", "version_0", "metrics.csv")).read())
    tb = os.path.join(LOGS, "lightning_tb")
    name = os.listdir(tb)[0]
    (both / name).write_bytes(open(os.path.join(tb, name), "rb").read())
    with pytest.raises(LogError, match=r"version_0: more than one log fits \(lightning: .*; tensorboard: .*\); "
                                       r"pass --log-format lightning\|tensorboard"):
        detect(str(both))
    assert len(read_logs(str(both), format="tensorboard")) == 2
    runs = tmp_path / "lightning_logs"
    for v in ("version_0", "version_1"):
        (runs / v).mkdir(parents=True)
        (runs / v / "metrics.csv").write_text("step,lr-SGD\n0,0.1\n")
    fails(runs, r"lightning_logs: holds 2 Lightning runs \(version_0, version_1\); point --log at one version_N folder")


def test_unknown_format_and_bad_columns():
    path = os.path.join(LOGS, "csv", "train_log.csv")
    fails(path, r"unknown log format 'tensorbord'; did you mean tensorboard\?", format="tensorbord")
    fails(path, r"--log-columns: expected STEP,LR .*got 'lr'", columns="lr")


def test_mlflow_bad_lines(tmp_path):
    metrics = tmp_path / "run" / "metrics"
    metrics.mkdir(parents=True)
    (metrics / "lr").write_text("1700000000000 0.1 0\n1700000000001 0.1 1 2 3 4\n")
    fails(tmp_path / "run", r"metrics/lr:2: expected 'timestamp value step'")
    (metrics / "lr").write_text("1700000000000 zero 0\n")
    fails(tmp_path / "run", r"metrics/lr:1: lr: not a number: 'zero'")
    (metrics / "lr").write_text("1700000000000 0.1\n")  # 2 fields: step 0, as MLflow's reader
    assert read_log(str(tmp_path / "run")).steps.tolist() == [0]


def test_keras_csv_without_lr_says_which_callbacks_log_it(tmp_path):
    path = tmp_path / "training.csv"
    path.write_text("epoch,loss\n0,1.0\n")
    fails(path, r"training.csv:1: no learning_rate or lr column; Keras logs the lr only when a LearningRateScheduler",
          format="keras")


def test_mlflow_sqlite_problems(tmp_path):
    db = os.path.join(LOGS, "mlflow_sqlite", "mlflow.db")
    fails(db, r"mlflow.db: holds 2 runs \(fast \([0-9a-f]{32}\), slow \([0-9a-f]{32}\)\); pick one with --log .*mlflow.db:RUN_ID")
    fails(db + ":nosuchrun", r"mlflow.db: no run matches 'nosuchrun'; the runs are: fast")
    fails(db + ":slow", r"run [0-9a-f]{32}: no metric 'loss'; its metrics are: learning_rate", columns="step,loss")
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    fails(other, r"other.db: an SQLite database without MLflow's metrics and runs tables")


def test_a_reader_error_after_detection_says_what_was_guessed_and_why(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,lr-SGD,step\n,0.1,0\n,oops,1\n")
    fails(path, r"metrics.csv:3: lr-SGD: not a number: 'oops' \(read as lightning: .*metrics.csv has a step column and "
                r"LearningRateMonitor columns \(lr-...\); --log-format picks another\)")
