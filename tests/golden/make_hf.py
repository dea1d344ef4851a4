"""Record HuggingFace transformers' learning-rate schedules into tests/golden/hf.json.

Run in a venv that has the real library (lrviz itself is not imported):

    python3 -m venv /tmp/venv-hf
    /tmp/venv-hf/bin/pip install torch==2.13.0 transformers numpy
    cd /work/main && /tmp/venv-hf/bin/python tests/golden/make_hf.py

For each case an SGD optimizer with one parameter and the case's ``lr`` is
built, the scheduler is made with ``transformers.get_scheduler`` exactly as the
Trainer does (``num_warmup_steps``, ``num_training_steps`` and
``scheduler_specific_kwargs``), or with the ``get_*_schedule`` function itself
for the cases marked ``direct``, and it is driven like the Trainer:
``optimizer.step()`` then ``scheduler.step()``. The value recorded at step t is
``scheduler.get_last_lr()[0]`` after t calls of ``step()``.

Cross-check: at every stepped t the generator asserts that the value equals
``base_lr * scheduler.lr_lambdas[0](t)`` bit for bit (the LambdaLR rule). Far
steps (10**4 ... 10**12), which would take too long to step to, are recorded
from that same product. Where the library raises, the case records the step
(``raises_at``) and a regex of the exception's type and message (``error``).

``param_errors`` lists the parameters the library refuses at construction
(ValueError) with its message and the lrviz parameter the twin names.

Output is deterministic (no randomness; the cases in a fixed order).
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import torch
import transformers
from transformers import get_scheduler
from transformers import optimization as hfopt

OUT = Path(__file__).with_name("hf.json")
FAR = [10_000, 123_457, 1_000_003, 10**9 + 7, 10**12 + 1]
CONTIGUOUS_CAP = 300

# Twin defaults mirrored here (they decide what HF is given when a case omits a parameter).
DEFAULT_TOTAL = 1000
WARMUP_NAMED = {"constant_with_warmup", "cosine_warmup_with_min_lr", "warmup_stable_decay"}
TRAINER_ARGS = ("num_warmup_steps", "num_training_steps")


def optimizer(lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def make(name: str, params: dict, direct: bool):
    """The HF scheduler for lrviz ``params`` of ``hf.<name>`` (twin defaults applied)."""
    lr = params.get("lr", 0.1)
    total = params.get("total_steps", DEFAULT_TOTAL)
    W = params.get("num_warmup_steps", total // 10 if name in WARMUP_NAMED else 0)
    T = params.get("num_training_steps", total)
    kwargs = {k: v for k, v in params.items() if k not in ("lr", "total_steps") + TRAINER_ARGS}
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr") and "min_lr" not in kwargs:
        kwargs.setdefault("min_lr_rate", 0.1)  # the twin's default where HF requires one of the two
    if name == "warmup_stable_decay":
        kwargs.setdefault("num_decay_steps", total // 10)
    opt = optimizer(lr)
    if direct:
        fn = {"warmup_stable_decay": hfopt.get_wsd_schedule,
              "constant_with_warmup": hfopt.get_constant_schedule_with_warmup,
              "polynomial": hfopt.get_polynomial_decay_schedule_with_warmup}[name]
        if name == "constant_with_warmup":
            return opt, fn(opt, W)
        if name == "warmup_stable_decay" and "num_stable_steps" in kwargs:
            return opt, fn(opt, num_warmup_steps=W, **kwargs)
        return opt, fn(opt, num_warmup_steps=W, num_training_steps=T, **kwargs)
    if name == "constant":
        return opt, get_scheduler(name, opt)
    return opt, get_scheduler(name, opt, num_warmup_steps=W, num_training_steps=T, scheduler_specific_kwargs=kwargs)


def error_regex(exc: BaseException) -> str:
    return re.escape(type(exc).__name__) + ".*" + re.escape(str(exc))


def record(case_id: str, name: str, params: dict, *, upto: int | None = None, sample: list[int] | None = None,
           far: bool = True, direct: bool = False, probe: int | None = None) -> dict:
    """Step the real scheduler through 0..max(steps) and keep the values at ``steps``.

    ``upto``: record every step below it (default from the case's horizon);
    ``sample``: extra steps to record (stepped); ``far``: add FAR via the lambda;
    ``probe``: a step evaluated through the lambda only, expected to raise.
    """
    lr = params.get("lr", 0.1)
    total = params.get("total_steps", DEFAULT_TOTAL)
    W = params.get("num_warmup_steps", total // 10 if name in WARMUP_NAMED else 0)
    T = params.get("num_training_steps", total)
    if upto is None:
        upto = min(CONTIGUOUS_CAP, 2 * max(T, W, 10) + 10)
    wanted = sorted(set(range(upto)) | set(sample or ()))
    case = {"id": case_id, "name": f"hf.{name}", "params": params, "steps": [], "lr": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            opt, sched = make(name, params, direct)
        except (ZeroDivisionError, ValueError, OverflowError) as exc:  # raised computing lambda(0)
            case["raises_at"], case["error"] = 0, error_regex(exc)
            return case
        lam, base = sched.lr_lambdas[0], sched.base_lrs[0]
        assert base == lr
        keep = set(wanted)
        for t in range(wanted[-1] + 1):
            if t:
                opt.step()
                try:
                    sched.step()
                except (ZeroDivisionError, ValueError, OverflowError) as exc:
                    case["raises_at"], case["error"] = t, error_regex(exc)
                    return case
            value = sched.get_last_lr()[0]
            same = base * lam(t)
            assert value == same or (value != value and same != same), (case_id, t, value, same)
            if t in keep:
                case["steps"].append(t)
                case["lr"].append(value)
        if far:
            for t in FAR:
                case["steps"].append(t)
                case["lr"].append(base * lam(t))
        if probe is not None:
            try:
                lam(probe)
            except (ZeroDivisionError, ValueError, OverflowError) as exc:
                case["raises_at"], case["error"] = probe, error_regex(exc)
            else:
                raise AssertionError(f"{case_id}: expected a raise at {probe}")
    return case


def long_sample(T: int) -> list[int]:
    """For a 1000-step horizon: the first 60 steps, every 7th to 2.2 T, and the steps around T."""
    return sorted(set(range(60)) | set(range(60, 2 * T + 200, 7)) | {T - 1, T, T + 1, 2 * T - 1, 2 * T})


CASES: list[dict] = []


def add(case_id: str, name: str, params: dict, **kw) -> None:
    CASES.append(record(case_id, name, params, **kw))


def build_cases() -> None:
    sample = long_sample(DEFAULT_TOTAL)
    # Every name by name alone (the twin's defaults: lr 0.1, total_steps 1000).
    for name in ["constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts", "polynomial",
                 "inverse_sqrt", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"]:
        add(f"{name}-defaults", name, {}, upto=0, sample=sample)

    # constant / constant_with_warmup
    add("constant-lr3e-4", "constant", {"lr": 3e-4}, upto=50)
    add("constant_with_warmup-W7", "constant_with_warmup", {"lr": 1e-3, "num_warmup_steps": 7}, upto=40)
    add("constant_with_warmup-W3-ref", "constant_with_warmup", {"lr": 1.0, "num_warmup_steps": 3}, upto=10)
    add("constant_with_warmup-W0", "constant_with_warmup", {"num_warmup_steps": 0}, upto=20)
    add("constant_with_warmup-W1", "constant_with_warmup", {"num_warmup_steps": 1}, upto=20)
    add("constant_with_warmup-direct", "constant_with_warmup", {"lr": 0.5, "num_warmup_steps": 13}, upto=30,
        direct=True)

    # linear
    add("linear-W4-T12-ref", "linear", {"lr": 1.0, "num_warmup_steps": 4, "num_training_steps": 12})
    add("linear-W10-T100", "linear", {"lr": 5e-5, "num_warmup_steps": 10, "num_training_steps": 100})
    add("linear-W0-T50", "linear", {"num_training_steps": 50})
    add("linear-T-below-W", "linear", {"num_warmup_steps": 30, "num_training_steps": 20})
    add("linear-T-equals-W", "linear", {"num_warmup_steps": 5, "num_training_steps": 5})
    add("linear-T0", "linear", {"num_training_steps": 0}, upto=20)
    add("linear-total-steps", "linear", {"lr": 2e-3, "total_steps": 77, "num_warmup_steps": 7})

    # cosine
    add("cosine-W4-T12-ref", "cosine", {"lr": 1.0, "num_warmup_steps": 4, "num_training_steps": 12}, upto=60)
    add("cosine-W10-T100", "cosine", {"lr": 2e-5, "num_warmup_steps": 10, "num_training_steps": 100})
    add("cosine-W0-T8-cycles1", "cosine", {"lr": 1.0, "num_training_steps": 8, "num_cycles": 1}, upto=40)
    add("cosine-cycles2.5", "cosine", {"num_warmup_steps": 5, "num_training_steps": 60, "num_cycles": 2.5})
    add("cosine-cycles0", "cosine", {"num_warmup_steps": 5, "num_training_steps": 30, "num_cycles": 0})
    add("cosine-cycles-negative", "cosine", {"num_warmup_steps": 3, "num_training_steps": 40, "num_cycles": -0.75})
    add("cosine-T-equals-W", "cosine", {"num_warmup_steps": 10, "num_training_steps": 10}, upto=60)
    add("cosine-T-below-W", "cosine", {"num_warmup_steps": 20, "num_training_steps": 12}, upto=60)

    # cosine_with_restarts
    add("restarts-W2-T14-3-ref", "cosine_with_restarts",
        {"lr": 1.0, "num_warmup_steps": 2, "num_training_steps": 14, "num_cycles": 3})
    add("restarts-W0-T100", "cosine_with_restarts", {"num_training_steps": 100})
    add("restarts-4-cycles", "cosine_with_restarts",
        {"lr": 3e-4, "num_warmup_steps": 10, "num_training_steps": 90, "num_cycles": 4})
    add("restarts-7-cycles-uneven", "cosine_with_restarts", {"num_training_steps": 50, "num_cycles": 7})
    add("restarts-2.5-cycles", "cosine_with_restarts",
        {"num_warmup_steps": 5, "num_training_steps": 45, "num_cycles": 2.5})
    add("restarts-negative-cycles", "cosine_with_restarts",
        {"num_warmup_steps": 4, "num_training_steps": 44, "num_cycles": -2})
    add("restarts-T-equals-W", "cosine_with_restarts", {"num_warmup_steps": 6, "num_training_steps": 6}, upto=30)

    # polynomial
    add("polynomial-W2-T10-p2-ref", "polynomial",
        {"lr": 1e-3, "num_warmup_steps": 2, "num_training_steps": 10, "power": 2.0})
    add("polynomial-W10-T100-sqrt", "polynomial",
        {"lr": 0.01, "num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 1e-4, "power": 0.5})
    add("polynomial-power0", "polynomial", {"num_warmup_steps": 3, "num_training_steps": 20, "power": 0.0})
    add("polynomial-power3", "polynomial", {"lr": 2.0, "num_training_steps": 64, "power": 3.0, "lr_end": 0.25})
    add("polynomial-power-1.7", "polynomial", {"lr": 0.3, "num_warmup_steps": 5, "num_training_steps": 70,
                                               "power": 1.7, "lr_end": 1e-3})
    add("polynomial-T-below-W", "polynomial", {"num_warmup_steps": 20, "num_training_steps": 10})
    add("polynomial-lr-end-0", "polynomial", {"lr": 0.02, "num_training_steps": 40, "lr_end": 0.0, "power": 2.0})
    add("polynomial-direct", "polynomial", {"lr": 5e-4, "num_warmup_steps": 8, "num_training_steps": 48,
                                            "lr_end": 5e-6, "power": 2.0}, direct=True)
    add("polynomial-raise-T-equals-W", "polynomial", {"num_warmup_steps": 10, "num_training_steps": 10})
    add("polynomial-raise-T-W-0", "polynomial", {"num_training_steps": 0})
    add("polynomial-raise-negative-power", "polynomial", {"num_training_steps": 30, "power": -1.0})
    add("polynomial-raise-overflow", "polynomial", {"num_training_steps": 50, "power": -200.0})

    # inverse_sqrt
    add("inverse_sqrt-W4-ref", "inverse_sqrt", {"lr": 1.0, "num_warmup_steps": 4}, upto=60)
    add("inverse_sqrt-W4-timescale10", "inverse_sqrt", {"lr": 1.0, "num_warmup_steps": 4, "timescale": 10}, upto=60)
    add("inverse_sqrt-W100-timescale1000", "inverse_sqrt",
        {"lr": 1e-3, "num_warmup_steps": 100, "timescale": 1000}, upto=300)
    add("inverse_sqrt-W0-timescale50", "inverse_sqrt", {"timescale": 50}, upto=120)
    add("inverse_sqrt-timescale-below-W", "inverse_sqrt", {"num_warmup_steps": 20, "timescale": 5}, upto=80)
    add("inverse_sqrt-raise-timescale0", "inverse_sqrt", {"num_warmup_steps": 5, "timescale": 0}, upto=20)
    add("inverse_sqrt-raise-timescale-negative", "inverse_sqrt", {"timescale": -5}, upto=20)
    add("inverse_sqrt-raise-negative-W10", "inverse_sqrt", {"num_warmup_steps": 10, "timescale": -3}, upto=30)
    add("inverse_sqrt-raise-domain", "inverse_sqrt", {"timescale": -5}, upto=5, far=False, probe=50)

    # cosine_with_min_lr
    add("min_lr-W4-T12-ref", "cosine_with_min_lr",
        {"lr": 1.0, "num_warmup_steps": 4, "num_training_steps": 12, "min_lr_rate": 0.1}, upto=60)
    add("min_lr-absolute", "cosine_with_min_lr",
        {"lr": 1e-4, "num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-5})
    add("min_lr-zero", "cosine_with_min_lr", {"num_training_steps": 50, "min_lr": 0.0})
    add("min_lr-cycles1", "cosine_with_min_lr",
        {"num_warmup_steps": 5, "num_training_steps": 45, "num_cycles": 1.0, "min_lr_rate": 0.2})
    add("min_lr-rate-above-1", "cosine_with_min_lr", {"num_training_steps": 40, "min_lr_rate": 1.5})
    add("min_lr-rate-negative", "cosine_with_min_lr", {"num_training_steps": 40, "min_lr_rate": -0.5})
    add("min_lr-above-lr", "cosine_with_min_lr", {"num_training_steps": 40, "min_lr": 0.2})

    # cosine_warmup_with_min_lr
    add("warmup_min_lr-W4-T12-ref", "cosine_warmup_with_min_lr",
        {"lr": 1.0, "num_warmup_steps": 4, "num_training_steps": 12, "min_lr_rate": 0.1}, upto=60)
    add("warmup_min_lr-rate0-ref", "cosine_warmup_with_min_lr",
        {"lr": 1.0, "num_warmup_steps": 4, "num_training_steps": 12, "min_lr_rate": 0.1, "warmup_lr_rate": 0.0},
        upto=60)
    add("warmup_min_lr-rate0.3-min_lr", "cosine_warmup_with_min_lr",
        {"lr": 1e-4, "num_warmup_steps": 10, "num_training_steps": 60, "min_lr": 1e-5, "warmup_lr_rate": 0.3})
    add("warmup_min_lr-W0", "cosine_warmup_with_min_lr", {"num_warmup_steps": 0, "num_training_steps": 50})
    add("warmup_min_lr-W1-rate", "cosine_warmup_with_min_lr",
        {"num_warmup_steps": 1, "num_training_steps": 30, "warmup_lr_rate": 0.5})
    add("warmup_min_lr-W1", "cosine_warmup_with_min_lr", {"num_warmup_steps": 1, "num_training_steps": 30})
    add("warmup_min_lr-cycles1.5", "cosine_warmup_with_min_lr",
        {"num_warmup_steps": 6, "num_training_steps": 66, "num_cycles": 1.5, "min_lr_rate": 0.05})

    # warmup_stable_decay: every warmup x decay shape on the reference's W=4, S=3, D=4, m=0.1
    for wt in ("linear", "cosine", "1-sqrt"):
        for dt in ("linear", "cosine", "1-sqrt"):
            add(f"wsd-{wt}-{dt}-ref", "warmup_stable_decay",
                {"lr": 1.0, "num_warmup_steps": 4, "num_stable_steps": 3, "num_decay_steps": 4,
                 "warmup_type": wt, "decay_type": dt, "min_lr_ratio": 0.1}, upto=30)
    add("wsd-by-T-1-sqrt", "warmup_stable_decay",
        {"lr": 3e-4, "num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100,
         "decay_type": "1-sqrt", "min_lr_ratio": 0.05})
    add("wsd-direct-stable", "warmup_stable_decay",
        {"num_warmup_steps": 8, "num_stable_steps": 20, "num_decay_steps": 12, "warmup_type": "cosine"},
        upto=60, direct=True)
    add("wsd-W-plus-D-above-T", "warmup_stable_decay",
        {"num_warmup_steps": 30, "num_decay_steps": 30, "num_training_steps": 40})
    add("wsd-D0", "warmup_stable_decay", {"num_warmup_steps": 5, "num_decay_steps": 0, "num_training_steps": 20})
    add("wsd-W0", "warmup_stable_decay", {"num_warmup_steps": 0, "num_decay_steps": 10, "num_training_steps": 50,
                                          "decay_type": "linear"})
    add("wsd-cycles1", "warmup_stable_decay",
        {"num_warmup_steps": 5, "num_decay_steps": 20, "num_training_steps": 50, "num_cycles": 1.0})
    add("wsd-ratio-0.5-1-sqrt-warmup", "warmup_stable_decay",
        {"lr": 0.7, "num_warmup_steps": 9, "num_decay_steps": 10, "num_training_steps": 30, "min_lr_ratio": 0.5,
         "warmup_type": "1-sqrt", "decay_type": "linear"})
    add("wsd-ratio-above-1", "warmup_stable_decay",
        {"num_warmup_steps": 5, "num_decay_steps": 10, "num_training_steps": 30, "min_lr_ratio": 2.0,
         "warmup_type": "1-sqrt"})


# (lrviz name, lrviz params, the parameter the twin names): HF refuses these with a ValueError
PARAM_ERRORS = [
    ("hf.polynomial", {"lr": 0.1, "lr_end": 0.1}, "lr_end"),
    ("hf.polynomial", {"lr": 0.001, "lr_end": 0.5}, "lr_end"),
    ("hf.cosine_with_min_lr", {"min_lr": 1e-5, "min_lr_rate": 0.1}, "min_lr"),
    ("hf.cosine_warmup_with_min_lr", {"min_lr": 1e-5, "min_lr_rate": 0.1}, "min_lr"),
    ("hf.warmup_stable_decay", {"warmup_type": "exp"}, "warmup_type"),
    ("hf.warmup_stable_decay", {"decay_type": "step"}, "decay_type"),
]


def param_errors() -> list[dict]:
    out = []
    for name, params, param in PARAM_ERRORS:
        try:
            make(name.removeprefix("hf."), params, direct=False)
        except ValueError as exc:
            out.append({"name": name, "params": params, "param": param, "message": str(exc)})
        else:
            raise AssertionError(f"{name} {params}: the library accepted it")
    return out


def main() -> int:
    build_cases()
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    doc = {
        "library": "transformers",
        "version": transformers.__version__,
        "torch": torch.__version__,
        "generator": "tests/golden/make_hf.py",
        "cases": CASES,
        "param_errors": param_errors(),
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    raised = sum("raises_at" in c for c in CASES)
    print(f"{OUT}: {len(CASES)} cases ({raised} raising), {len(doc['param_errors'])} parameter errors, "
          f"{OUT.stat().st_size // 1024} KB, transformers {transformers.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
