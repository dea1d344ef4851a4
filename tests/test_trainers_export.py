"""``to_trainer`` (lrviz/trainers/export.py): the config or code a trainer turns into the same curve.

Each output is fed back: HF and DeepSpeed JSON through lrviz's own readers (and HF's real Trainer when
transformers is installed), torch code through real torch when installed, optax code through the
optax twins; a schedule without an exact counterpart is refused, not approximated.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import lrviz
from lrviz import registry
from lrviz.config import from_text
from lrviz.trainers import read_trainer_config
from lrviz.trainers.export import NoExactEquivalent, to_trainer

GOLDEN = Path(__file__).parent / "golden"
WARMUP_COSINE = lrviz.schedule("warmup", lr=3e-4, warmup_steps=50, total_steps=400,
                               schedule={"name": "cosine", "params": {"min_lr": 3e-5}})


def curve(config) -> np.ndarray:
    (spec,) = config.schedules
    s = registry.build(spec.name, spec.params, total_steps=config.total_steps, lr=config.lr)
    return s(np.arange(config.total_steps + 1))


def test_lrviz_warmup_cosine_becomes_hf_args_that_give_the_same_curve(tmp_path):
    text = to_trainer(WARMUP_COSINE, "hf")
    args = json.loads(text)
    assert args == {"learning_rate": 3e-4, "lr_scheduler_type": "cosine_with_min_lr", "warmup_steps": 50,
                    "max_steps": 400, "lr_scheduler_kwargs": {"min_lr": 3e-5}}
    path = tmp_path / "args.json"
    path.write_text(text)
    config = read_trainer_config(path)
    np.testing.assert_allclose(curve(config), WARMUP_COSINE(np.arange(401)), rtol=1e-9)


def test_the_hf_output_gives_the_same_curve_in_the_real_trainer(tmp_path):
    pytest.importorskip("transformers")
    spec = importlib.util.spec_from_file_location("make_trainers_hf", GOLDEN / "make_trainers_hf.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    got = make.run(json.loads(to_trainer(WARMUP_COSINE, "hf")), 64, None)
    assert got["total_steps"] == 400
    np.testing.assert_allclose(got["lr"], WARMUP_COSINE(np.arange(400)), rtol=1e-9)


def test_a_config_exports_too():
    config = from_text("total_steps: 200\nlr: 0.01\nschedules:\n  - name: warmup\n"
                       "    params: {warmup_steps: 20, schedule: {name: linear}}\n")
    args = json.loads(to_trainer(config, "hf"))
    assert (args["lr_scheduler_type"], args["warmup_steps"], args["max_steps"]) == ("linear", 20, 200)


def test_deepspeed_round_trip(tmp_path):
    for schedule in (lrviz.schedule("deepspeed.WarmupDecayLR", warmup_num_steps=10, total_num_steps=100,
                                    warmup_max_lr=1e-3, total_steps=100),
                     lrviz.schedule("torch.StepLR", lr=0.1, step_size=7, gamma=0.5, total_steps=60)):
        path = tmp_path / "ds.json"
        path.write_text(to_trainer(schedule, "deepspeed"))
        config = read_trainer_config(path)
        n = int(schedule.params.get("total_steps") or 100)
        np.testing.assert_allclose(curve(config)[: n + 1], schedule(np.arange(min(n, config.total_steps) + 1)), rtol=1e-12)


def test_torch_code_runs_in_torch_and_gives_the_same_curve():
    torch = pytest.importorskip("torch")
    schedule = lrviz.schedule("cosine", lr=0.1, min_lr=1e-3, total_steps=300)
    code = to_trainer(schedule, "torch")
    assert "torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=300, eta_min=0.001)" in code
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scope = {"optimizer": optimizer}
    exec(code, scope)
    lrs = []
    for _ in range(301):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scope["scheduler"].step()
    np.testing.assert_allclose(lrs, schedule(np.arange(301)), rtol=1e-9)


def test_optax_code_names_the_schedule_that_gives_the_curve():
    code = to_trainer(WARMUP_COSINE, "optax")
    call = next(n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") ==
                "warmup_cosine_decay_schedule")
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    twin = lrviz.schedule("optax.warmup_cosine_decay_schedule", total_steps=400, **kwargs)
    # optax computes in float32: the same curve to float32 rounding
    np.testing.assert_allclose(twin(np.arange(401)), WARMUP_COSINE(np.arange(401)), rtol=1e-6, atol=1e-6 * 3e-4)


def test_no_exact_equivalent_is_said_not_approximated():
    with pytest.raises(NoExactEquivalent, match="onecycle: no exact hf equivalent"):
        to_trainer(lrviz.schedule("onecycle", total_steps=100), "hf")
    # DeepSpeed's warmup runs one update late: no DeepSpeed scheduler gives HF's linear curve
    with pytest.raises(NoExactEquivalent, match="no exact deepspeed equivalent"):
        to_trainer(lrviz.schedule("hf.linear", num_warmup_steps=10, total_steps=100), "deepspeed")
    # a cosine that ends before the run: HF's cosine would rise again after max_steps... it decays over max_steps
    with pytest.raises(NoExactEquivalent, match=r"hf.cosine differs at step"):
        to_trainer(lrviz.schedule("cosine", lr=0.1, decay_steps=50, total_steps=100), "hf")


def test_unknown_target_is_named():
    with pytest.raises(lrviz.errors.LrvizError, match="unknown target 'keras'"):
        to_trainer(WARMUP_COSINE, "keras")
