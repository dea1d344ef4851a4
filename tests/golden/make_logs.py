"""Record the run logs of tests/golden/logs/ with the real frameworks.

    python tests/golden/make_logs.py hf lightning torch keras mlflow mlflow_sqlite csv   # venv with torch, transformers,
                                                                           # accelerate, lightning, tensorboard,
                                                                           # keras + jax, mlflow-skinny
                                                                           # (+ sqlalchemy, alembic for sqlite)
    KERAS_BACKEND=jax python tests/golden/make_logs.py keras_tb           # a venv with tensorflow (for
                                                                           # tf.summary, which Keras' TensorBoard
                                                                           # callback writes with) + jax

Every recording is a tiny run (a linear model of two parameters, a few dozen
updates) whose optimizer lr is also captured at every update by a hook that
runs just before ``optimizer.step()``: ``truth.json`` keeps, per recording,
``lrs[k]`` = the lr update k+1 really used (k from 0; Lightning's second param group, named
``lr-AdamW/pg2`` by LearningRateMonitor, in ``lrs_pg2``), the settings and the
library versions. The tests compare what lrviz reads from each log with that
truth, and with lrviz's plan, without the frameworks installed.

Written by hand (no framework to record with): the W&B panel export (needs an
account and network) in the documented layout of ecosystem.md 8.2.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "logs")
TRUTH = os.path.join(OUT, "truth.json")


def _truth() -> dict:
    if os.path.exists(TRUTH):
        with open(TRUTH) as fh:
            return json.load(fh)
    return {}


def _save(name: str, entry: dict) -> None:
    data = _truth()
    data[name] = entry
    with open(TRUTH, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")


def _fresh(name: str) -> str:
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


def _torch_data(n: int = 64):
    import torch

    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, 1, generator=g)
    return x, 3 * x + 0.5


# ------------------------------------------------------------------ HF Trainer


def hf() -> None:
    """Two Trainer runs with logging_steps=1: linear (no warmup) and warmup + cosine, trainer_state.json kept;
    the cosine run also reports to TensorBoard and MLflow (file store)."""
    import accelerate
    import torch
    import transformers
    from transformers import Trainer, TrainerCallback, TrainingArguments

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)

        def forward(self, x, labels=None):
            out = self.linear(x)
            return {"loss": torch.nn.functional.mse_loss(out, labels), "logits": out}

    class Data(torch.utils.data.Dataset):
        def __init__(self):
            self.x, self.y = _torch_data()

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return {"x": self.x[i], "labels": self.y[i]}

    class Capture(TrainerCallback):
        def __init__(self):
            self.lrs = []

        def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kw):
            self.lrs.append(optimizer.param_groups[0]["lr"])

    runs = {
        "hf_linear": dict(lr_scheduler_type="linear", warmup_steps=0, max_steps=24, report_to="none"),
        "hf_cosine": dict(lr_scheduler_type="cosine", warmup_steps=5, max_steps=40,
                          report_to=["tensorboard", "mlflow"]),
    }
    for name, settings in runs.items():
        folder = _fresh(name)
        work = tempfile.mkdtemp()
        os.environ["TENSORBOARD_LOGGING_DIR"] = os.path.join(work, "tb")
        os.environ["MLFLOW_TRACKING_URI"] = "file:" + os.path.join(work, "mlruns")
        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        os.environ["MLFLOW_EXPERIMENT_NAME"] = "lrviz"
        torch.manual_seed(0)
        capture = Capture()
        args = TrainingArguments(output_dir=work, learning_rate=0.05, per_device_train_batch_size=8, logging_steps=1,
                                 save_strategy="no", use_cpu=True, seed=0, disable_tqdm=True,
                                 remove_unused_columns=False, **settings)
        trainer = Trainer(model=Tiny(), args=args, train_dataset=Data(), callbacks=[capture])
        trainer.train()
        trainer.save_state()
        shutil.copy(os.path.join(work, "trainer_state.json"), os.path.join(folder, "trainer_state.json"))
        if "tensorboard" in settings["report_to"]:
            tb = _fresh(name + "_tb")
            for root, _dirs, files in os.walk(os.path.join(work, "tb")):
                for f in files:
                    if f.startswith("events.out.tfevents."):
                        shutil.copy(os.path.join(root, f), os.path.join(tb, f))
        if "mlflow" in settings["report_to"]:
            ml = os.path.join(OUT, name + "_mlruns")
            shutil.rmtree(ml, ignore_errors=True)
            shutil.copytree(os.path.join(work, "mlruns"), ml,
                            ignore=shutil.ignore_patterns("params", "artifacts", "inputs", "outputs"))
        shutil.rmtree(work, ignore_errors=True)
        _save(name, {"lrs": capture.lrs, "lr": 0.05, **{k: v for k, v in settings.items() if k != "report_to"},
                     "versions": {"transformers": transformers.__version__, "accelerate": accelerate.__version__,
                                  "torch": torch.__version__}})


# ------------------------------------------------------------------ Lightning


def lightning() -> None:
    """A Lightning run: AdamW with two param groups, CosineAnnealingLR stepped per update,
    CSVLogger + TensorBoardLogger + LearningRateMonitor, logged every update and every 5."""
    import lightning as L
    import torch
    from lightning.pytorch.callbacks import LearningRateMonitor
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    class Module(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)
            self.lrs: list[list[float]] = []

        def training_step(self, batch, i):
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.linear(x), y)
            self.log("train_loss", loss)
            return loss

        def on_before_optimizer_step(self, optimizer):
            self.lrs.append([g["lr"] for g in optimizer.param_groups])

        def configure_optimizers(self):
            opt = torch.optim.AdamW([{"params": [self.linear.weight]}, {"params": [self.linear.bias], "lr": 0.01}],
                                    lr=0.1)
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=60)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}

    x, y = _torch_data()
    for name, every in (("lightning", 1), ("lightning_sparse", 5)):
        work = tempfile.mkdtemp()
        torch.manual_seed(0)
        module = Module()
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)  # 8 steps per epoch
        trainer = L.Trainer(max_steps=60, log_every_n_steps=every, accelerator="cpu", devices=1,
                            logger=[CSVLogger(work, name="csv"), TensorBoardLogger(work, name="tb")],
                            callbacks=[LearningRateMonitor(logging_interval="step")], enable_progress_bar=False,
                            enable_checkpointing=False, enable_model_summary=False)
        trainer.fit(module, loader)
        folder = _fresh(name)
        csv_dir = os.path.join(folder, "version_0")
        os.makedirs(csv_dir)
        shutil.copy(os.path.join(work, "csv", "version_0", "metrics.csv"), csv_dir)
        if every == 1:
            tb = _fresh(name + "_tb")
            for f in os.listdir(os.path.join(work, "tb", "version_0")):
                if f.startswith("events.out.tfevents."):
                    shutil.copy(os.path.join(work, "tb", "version_0", f), tb)
        shutil.rmtree(work, ignore_errors=True)
        _save(name, {"lrs": [g[0] for g in module.lrs], "lrs_pg2": [g[1] for g in module.lrs], "lr": 0.1,
                     "lr_pg2": 0.01, "T_max": 60, "max_steps": 60, "log_every_n_steps": every, "steps_per_epoch": 8,
                     "versions": {"lightning": L.__version__, "torch": torch.__version__}})


# ------------------------------------------------------------------ torch SummaryWriter


def torch_tb() -> None:
    """torch's SummaryWriter: OneCycleLR over 12,000 updates, every update logged (more than
    EventAccumulator's default 10,000 kept per tag), and a second tag logged every 500 updates."""
    import torch
    from torch.utils.tensorboard import SummaryWriter

    folder = _fresh("torch_tb")
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1)
    total = 12_000
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=total)
    writer = SummaryWriter(folder)
    lrs = []
    for t in range(total):
        lr = opt.param_groups[0]["lr"]
        lrs.append(lr)
        writer.add_scalar("lr", lr, t)
        if t % 500 == 0:
            writer.add_scalar("sparse/learning_rate", lr, t)
        opt.step()
        sched.step()
    writer.close()
    _save("torch_tb", {"lrs": lrs, "max_lr": 0.1, "total_steps": total, "versions": {"torch": torch.__version__}})


# ------------------------------------------------------------------ Keras


def keras_csv() -> None:
    """Keras 3 (jax backend) fit with LearningRateScheduler (halve every 2 epochs) + CSVLogger, 6 epochs of 4 batches."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
    import numpy as np

    folder = _fresh("keras_csv")
    x = np.linspace(0, 1, 32, dtype="float32").reshape(-1, 1)
    y = 3 * x + 0.5
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    seen = []

    class Capture(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(self.model.optimizer.learning_rate))

    def halve(epoch, lr):
        return 0.1 * 0.5 ** (epoch // 2)

    model.fit(x, y, batch_size=8, epochs=6, verbose=0, callbacks=[
        keras.callbacks.LearningRateScheduler(halve), Capture(),
        keras.callbacks.CSVLogger(os.path.join(folder, "training.csv"))])
    _save("keras_csv", {"lrs": seen, "steps_per_epoch": 4, "epochs": 6, "versions": {"keras": keras.__version__,
                                                                                      "backend": keras.backend.backend()}})


def keras_tb() -> None:
    """Keras 3 fit with a CosineDecay schedule object and the TensorBoard callback (it writes with tf.summary),
    10 epochs of 4 batches."""
    import keras
    import numpy as np
    import tensorflow as tf

    folder = _fresh("keras_tb")
    work = tempfile.mkdtemp()
    x = np.linspace(0, 1, 32, dtype="float32").reshape(-1, 1)
    y = 3 * x + 0.5
    keras.utils.set_random_seed(0)
    schedule = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=40, alpha=0.1)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    seen = []

    class Capture(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(self.model.optimizer.learning_rate))

    model.fit(x, y, batch_size=8, epochs=10, verbose=0, callbacks=[Capture(), keras.callbacks.TensorBoard(work)])
    for sub in ("train",):
        os.makedirs(os.path.join(folder, sub))
        for f in os.listdir(os.path.join(work, sub)):
            if f.startswith("events.out.tfevents."):
                shutil.copy(os.path.join(work, sub, f), os.path.join(folder, sub, f))
    shutil.rmtree(work, ignore_errors=True)
    _save("keras_tb", {"lrs": seen, "initial_learning_rate": 0.1, "decay_steps": 40, "alpha": 0.1,
                       "steps_per_epoch": 4, "epochs": 10,
                       "schedule_at": [float(schedule(k)) for k in range(0, 41)],
                       "versions": {"keras": keras.__version__, "tensorflow": tf.__version__,
                                    "backend": keras.backend.backend()}})


# ------------------------------------------------------------------ MLflow (direct) and plain CSV, W&B


def mlflow_direct() -> None:
    """mlflow.log_metric('lr', ...) into a file store: a StepLR over 30 updates logged every 3."""
    import mlflow
    import torch

    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    folder = os.path.join(OUT, "mlflow_mlruns")
    shutil.rmtree(folder, ignore_errors=True)
    mlflow.set_tracking_uri("file:" + folder)
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    lrs = []
    mlflow.set_experiment("lrviz")
    with mlflow.start_run():
        for t in range(30):
            lr = opt.param_groups[0]["lr"]
            lrs.append(lr)
            if t % 3 == 0:
                mlflow.log_metric("lr", lr, step=t)
            opt.step()
            sched.step()
    _save("mlflow", {"lrs": lrs, "step_size": 10, "gamma": 0.5, "lr": 0.1, "every": 3,
                     "versions": {"mlflow": mlflow.__version__, "torch": torch.__version__}})


def mlflow_sqlite() -> None:
    """mlflow's default SQLite store (MLflow >= 3.7): two runs of a torch ExponentialLR logging 'learning_rate'
    every update; then only the runs, experiments and metrics tables are kept (a fresh MLflow database is 1 MB
    of empty tables)."""
    import sqlite3

    import mlflow
    import torch

    folder = _fresh("mlflow_sqlite")
    work = tempfile.mkdtemp()
    mlflow.set_tracking_uri("sqlite:///" + os.path.join(work, "mlflow.db"))
    mlflow.set_experiment("lrviz")
    runs = {}
    for name, gamma in (("fast", 0.8), ("slow", 0.95)):
        param = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([param], lr=0.1)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=gamma)
        lrs = []
        with mlflow.start_run(run_name=name) as run:
            for t in range(20):
                lr = opt.param_groups[0]["lr"]
                lrs.append(lr)
                mlflow.log_metric("learning_rate", lr, step=t)
                opt.step()
                sched.step()
        runs[name] = {"run_id": run.info.run_id, "gamma": gamma, "lrs": lrs}
    target = os.path.join(folder, "mlflow.db")
    con = sqlite3.connect(target)
    con.execute("attach database ? as src", (os.path.join(work, "mlflow.db"),))
    for table in ("experiments", "runs", "metrics"):
        sql = con.execute("select sql from src.sqlite_master where name = ?", (table,)).fetchone()[0]
        con.execute(sql)
        con.execute(f"insert into main.{table} select * from src.{table}")
    con.commit()
    con.execute("detach database src")
    con.execute("vacuum")
    con.close()
    shutil.rmtree(work, ignore_errors=True)
    _save("mlflow_sqlite", {"runs": runs, "lr": 0.1, "versions": {"mlflow": mlflow.__version__, "torch": torch.__version__}})


def plain_csv() -> None:
    """A hand-written training loop's CSV: iteration,lr,loss of a torch MultiStepLR, printed with %.6g."""
    import torch

    folder = _fresh("csv")
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.3)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[20, 35], gamma=0.1)
    lrs = []
    with open(os.path.join(folder, "train_log.csv"), "w") as fh:
        fh.write("iteration,lr,loss\n")
        for t in range(50):
            lr = opt.param_groups[0]["lr"]
            lrs.append(lr)
            fh.write(f"{t},{lr:.6g},{1.0 / (t + 1):.6g}\n")
            opt.step()
            sched.step()
    # W&B panel export layout (ecosystem.md 8.2), written by hand: HF's keys, x = train/global_step.
    wb = _fresh("wandb")
    with open(os.path.join(wb, "wandb_export_2026-01-01T00_00_00.000+00_00.csv"), "w") as fh:
        fh.write('"train/global_step","tiny-run-1 - train/learning_rate","tiny-run-1 - train/learning_rate__MIN",'
                 '"tiny-run-1 - train/learning_rate__MAX"\n')
        for s in range(1, 41):
            k = s - 1  # HF logs at global_step s the lr of update s: lr(s - 1)
            lr = 0.05 * (k / 5 if k < 5 else 0.5 * (1 + math.cos(math.pi * (k - 5) / 35)))
            fh.write(f"{s},{lr!r},{lr!r},{lr!r}\n")
    _save("csv", {"lrs": lrs, "lr": 0.3, "milestones": [20, 35], "gamma": 0.1, "versions": {"torch": torch.__version__}})


RECORDERS = {"hf": hf, "lightning": lightning, "torch": torch_tb, "keras": keras_csv, "keras_tb": keras_tb,
             "mlflow": mlflow_direct, "mlflow_sqlite": mlflow_sqlite, "csv": plain_csv}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name in sys.argv[1:] or list(RECORDERS):
        RECORDERS[name]()
        print("recorded", name)
