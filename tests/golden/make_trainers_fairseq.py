"""Record fairseq's inverse_sqrt lr per update into tests/golden/trainers_fairseq.json (formulas transcribed).

fairseq does not install on this machine's torch, so the scheduler is
transcribed below from facebookresearch/fairseq @ 3d262bb2,
``fairseq/optim/lr_scheduler/inverse_square_root_schedule.py``
(``InverseSquareRootSchedule.__init__`` and ``step_update``), and driven as
``fairseq/trainer.py`` drives it: ``step_update(0)`` when training starts
(``lr_step_begin_epoch`` -> ``lr_step_update``), then ``step_update(n)`` after
update n (``set_num_updates``). The lr of update k is the value set before it.
The case scripts are written to tests/golden/fairseq_cases/. Run with any Python:

    python tests/golden/make_trainers_fairseq.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "trainers_fairseq.json"
CASES = [
    ("init-lr", {"lr": 7e-4, "warmup_updates": 40, "warmup_init_lr": 1e-7, "max_update": 200}),
    ("default-init", {"lr": 5e-4, "warmup_updates": 25, "max_update": 150}),
    ("short-warmup", {"lr": 1e-3, "warmup_updates": 1, "warmup_init_lr": 0.0, "max_update": 60}),
]


class InverseSquareRootSchedule:
    """Transcribed from fairseq (see the module docstring)."""

    def __init__(self, lr, warmup_updates=4000, warmup_init_lr=-1):
        warmup_end_lr = lr
        if warmup_init_lr < 0:
            warmup_init_lr = 0 if warmup_updates > 0 else warmup_end_lr
        self.warmup_updates, self.warmup_init_lr = warmup_updates, warmup_init_lr
        self.lr_step = (warmup_end_lr - warmup_init_lr) / warmup_updates
        self.decay_factor = warmup_end_lr * warmup_updates ** 0.5
        self.lr = warmup_init_lr

    def step_update(self, num_updates):
        if num_updates < self.warmup_updates:
            self.lr = self.warmup_init_lr + num_updates * self.lr_step
        else:
            self.lr = self.decay_factor * num_updates ** -0.5
        return self.lr


def main() -> None:
    (HERE / "fairseq_cases").mkdir(exist_ok=True)
    cases = []
    for case_id, flags in CASES:
        words = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in flags.items())
        path = HERE / "fairseq_cases" / f"{case_id}.sh"
        path.write_text(f"#!/bin/bash\nfairseq-train data-bin --arch transformer --lr-scheduler inverse_sqrt {words}\n")
        s = InverseSquareRootSchedule(flags["lr"], flags["warmup_updates"], flags.get("warmup_init_lr", -1))
        lrs = []
        for n in range(flags["max_update"]):
            lrs.append(s.step_update(n))
        cases.append({"id": case_id, "file": f"fairseq_cases/{case_id}.sh", "flags": flags,
                      "total_steps": flags["max_update"], "steps": list(range(len(lrs))), "lr": lrs})
    doc = {"library": "fairseq (transcribed)", "version": "3d262bb2",
           "source": "facebookresearch/fairseq fairseq/optim/lr_scheduler/inverse_square_root_schedule.py",
           "generator": "tests/golden/make_trainers_fairseq.py", "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
