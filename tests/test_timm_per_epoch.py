"""timm's per-epoch stepping as timm users write it: ``t_in_epochs: true`` on the timm twins.

Expected values are the real timm's: tests/golden/trainers_timm.json records
``create_scheduler_v2`` stepped as ``train.py`` steps it (timm 1.0.31, see
make_trainers_timm.py). The twin is given the scheduler's own arguments, as a
user reading timm's docs would write them.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from lrviz import registry
from lrviz.analysis.diagnose import diagnose
from lrviz.config import from_text
from lrviz.curves import build
from lrviz.errors import ParameterErrors

CASES = {c["id"]: c for c in json.loads((Path(__file__).parent / "golden" / "trainers_timm.json").read_text())["cases"]}

# case -> (twin, the scheduler's arguments as create_scheduler_v2 passes them for that args.yaml)
PER_EPOCH = {
    "cosine-epochs-cooldown": ("timm.cosine", {"t_initial": 10, "warmup_t": 2, "warmup_lr_init": 0.001, "lr_min": 1e-4}),
    "step-epochs-lr-base-linear": ("timm.step", {"decay_t": 3, "decay_rate": 0.5, "warmup_t": 1, "warmup_lr_init": 1e-5,
                                                   "warmup_prefix": False}),  # create_scheduler_v2 passes False
    "tanh-no-warmup": ("timm.tanh", {"t_initial": 8, "warmup_t": 0}),
    "train-py-defaults-30-epochs": ("timm.cosine", {"t_initial": 30, "warmup_t": 5, "warmup_lr_init": 1e-5}),
}


@pytest.mark.parametrize("case", sorted(PER_EPOCH))
def test_t_in_epochs_matches_timm_train_py(case):
    golden = CASES[case]
    name, params = PER_EPOCH[case]
    s = registry.build(name, {**params, "t_in_epochs": True, "updates_per_epoch": golden["updates_per_epoch"]},
                       total_steps=golden["total_steps"], lr=golden["lr_used"])
    np.testing.assert_allclose(s(np.array(golden["steps"])), golden["lr"], rtol=1e-12, atol=0)


def test_steps_per_epoch_of_the_config_is_used():
    golden = CASES["train-py-defaults-30-epochs"]
    text = (f"total_steps: {golden['total_steps']}\nsteps_per_epoch: {golden['updates_per_epoch']}\n"
            f"lr: {golden['lr_used']}\nschedules:\n  - name: timm.cosine\n"
            "    params: {t_in_epochs: true, t_initial: 30ep, warmup_t: 5, warmup_lr_init: 1.0e-5}\n")
    ((_, s),) = build(from_text(text))
    np.testing.assert_allclose(s(np.array(golden["steps"])), golden["lr"], rtol=1e-12, atol=0)


def test_t_in_epochs_false_is_the_twin_per_update():
    a = registry.build("timm.cosine", {"t_in_epochs": False, "t_initial": 100}, total_steps=100)
    b = registry.build("timm.cosine", {"t_initial": 100}, total_steps=100)
    assert np.array_equal(a(np.arange(100)), b(np.arange(100)))


def test_t_in_epochs_needs_the_updates_per_epoch():
    with pytest.raises(ParameterErrors, match="params.t_in_epochs: steps the scheduler once per epoch: give steps_per_epoch"):
        registry.build("timm.cosine", {"t_in_epochs": True}, total_steps=100)


def _warnings(schedule, total):
    return [f for f in diagnose(schedule, total) if f.level != "note"]


def test_check_agrees_on_both_spellings_of_the_warmup():
    """timm's warmup climbs in epoch steps and hands over to a cosine whose clock started at 0: normal, in both."""
    per_epoch = registry.build("timm.cosine", {"t_in_epochs": True, "updates_per_epoch": 100, "t_initial": 300,
                                               "warmup_t": 5, "warmup_lr_init": 1e-5, "lr_min": 1e-5}, total_steps=30_000)
    per_update = registry.build("timm.cosine", {"t_initial": 30_000, "warmup_t": 500, "warmup_lr_init": 1e-5,
                                                "lr_min": 1e-5}, total_steps=30_000)
    assert _warnings(per_epoch, 30_000) == [] and _warnings(per_update, 30_000) == []


def test_a_real_jump_per_epoch_is_still_found():
    """A warmup that ends far from where the schedule starts is a jump well beyond its own epoch steps."""
    s = registry.build("timm.cosine", {"t_in_epochs": True, "updates_per_epoch": 100, "t_initial": 300,
                                       "warmup_t": 50, "warmup_lr_init": 1e-5, "warmup_prefix": False,
                                       "cycle_limit": 1}, total_steps=30_000, lr=0.1)
    jumps = [f for f in diagnose(s, 30_000) if "jumps" in f.message]
    t = 50 * 100
    before, at = s(np.array([t - 1, t]))
    assert (jumps == []) == (abs(at - before) <= 10 * abs(before - s(np.array([t - 101]))[0]))
