"""Live: record a tiny run with the real framework now, read its log, check it against the plan.

Skipped when the framework is not installed (the recorded logs of
tests/golden/logs cover the same ground without it). Each run is a linear
model of two parameters and a dozen updates.
"""

from __future__ import annotations

import numpy as np
import pytest

from lrviz.analysis import run_plan, run_vs_plan
from lrviz.logs import read_log, read_logs


def _data(torch, n=48):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, 1, generator=g)
    return x, 3 * x + 0.5


def test_hf_trainer_live(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)

        def forward(self, x, labels=None):
            out = self.linear(x)
            return {"loss": torch.nn.functional.mse_loss(out, labels), "logits": out}

    x, y = _data(torch)
    data = [{"x": a, "labels": b} for a, b in zip(x, y)]
    seen = []

    class Capture(transformers.TrainerCallback):
        def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kw):
            seen.append(optimizer.param_groups[0]["lr"])

    args = transformers.TrainingArguments(output_dir=str(tmp_path), learning_rate=0.02, per_device_train_batch_size=4,
                                          max_steps=12, warmup_steps=3, lr_scheduler_type="cosine", logging_steps=1,
                                          save_strategy="no", report_to="none", use_cpu=True, disable_tqdm=True,
                                          remove_unused_columns=False)
    trainer = transformers.Trainer(model=Tiny(), args=args, train_dataset=data, callbacks=[Capture()])
    trainer.train()
    trainer.save_state()
    log = read_log(str(tmp_path))
    major, minor = (int(p) for p in transformers.__version__.split(".")[:2])
    if (major, minor) >= (4, 51):  # the lr each update used, at its index
        np.testing.assert_array_equal(log.lrs, seen)
        np.testing.assert_array_equal(log.steps, np.arange(12))
    plan = run_plan.from_name("hf.cosine", lr=0.02, num_warmup_steps=3, total_steps=12)
    verdict = run_vs_plan.compare(plan, log)
    assert verdict.ok, verdict.lines()


def test_lightning_live(tmp_path):
    torch = pytest.importorskip("torch")
    L = pytest.importorskip("lightning")
    from lightning.pytorch.callbacks import LearningRateMonitor
    from lightning.pytorch.loggers import CSVLogger

    class Module(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)

        def training_step(self, batch, i):
            a, b = batch
            return torch.nn.functional.mse_loss(self.linear(a), b)

        def configure_optimizers(self):
            opt = torch.optim.SGD(self.parameters(), lr=0.1)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=12)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}

    x, y = _data(torch)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)
    trainer = L.Trainer(max_steps=12, log_every_n_steps=1, accelerator="cpu", devices=1,
                        logger=CSVLogger(str(tmp_path), name="lightning_logs"),
                        callbacks=[LearningRateMonitor(logging_interval="step")], enable_progress_bar=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(Module(), loader)
    logs = read_logs(str(tmp_path / "lightning_logs"))  # the one version_0 inside
    assert [log.series for log in logs] == ["lr-SGD"]
    plan = run_plan.from_name("torch.OneCycleLR", lr=0.1, total_steps=12)
    verdict = run_vs_plan.compare(plan, logs[0])
    assert verdict.ok and verdict.points == 12, verdict.lines()
