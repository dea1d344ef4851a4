"""timm twins (lrviz/twins/timm.py): golden fixtures recorded from timm, hand-computed
values, the noise generator (torch's CPU MT19937) and parameter errors; live parity against the
real timm on randomized parameters when timm and torch are installed (skipped in CI)."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import math
import sys
import types
import warnings

import numpy as np
import pytest
from twin_golden import check, params

import lrviz
from lrviz.errors import LrvizError, StepError
from lrviz.twins import _torch_rng, timm as timm_twins

NAMES = sorted(timm_twins.TWINS)


@pytest.mark.parametrize("case", params("timm"))
def test_golden(case):
    check(case)


# --------------------------------------------------------------------------- by name alone


@pytest.mark.parametrize("name", NAMES)
def test_builds_by_name_alone_and_is_finite(name):
    schedule = lrviz.schedule(name)
    total = schedule.params["total_steps"]
    values = schedule(np.arange(total + 1))
    assert values.dtype == np.float64 and values.shape == (total + 1,)
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert schedule.name == name
    assert float(schedule(0)) == values[0]


@pytest.mark.parametrize("name", NAMES)
def test_registered_and_documented(name):
    assert name in lrviz.names()
    factory = timm_twins.TWINS[name][0]
    assert factory.__doc__ and "timm" in factory.__doc__


# --------------------------------------------------------------------------- values by hand


def sched(name, **kw):
    return lrviz.schedule(name, **kw)


def test_cosine_formula_and_clamp_by_hand():
    s = sched("timm.cosine", lr=1.0, t_initial=8, lr_min=0.1)
    t = np.arange(12)
    expected = [0.1 + 0.45 * (1 + math.cos(math.pi * k / 8)) if k < 8 else 0.1 for k in range(12)]
    np.testing.assert_allclose(s(t), expected, rtol=1e-13)


def test_cosine_cycles_and_decay_by_hand():
    s = sched("timm.cosine", lr=1.0, t_initial=4, cycle_limit=3, cycle_decay=0.5)
    assert s(np.array([0, 4, 8, 12, 100])).tolist() == [1.0, 0.5, 0.25, 0.0, 0.0]


def test_non_prefix_cosine_warmup_drops_and_prefix_does_not():
    noprefix = sched("timm.cosine", lr=1.0, t_initial=10, warmup_t=4)
    prefix = sched("timm.cosine", lr=1.0, t_initial=10, warmup_t=4, warmup_prefix=True)
    np.testing.assert_allclose(noprefix(np.arange(5)), [0, 0.25, 0.5, 0.75, 0.5 * (1 + math.cos(math.pi * 0.4))])
    np.testing.assert_allclose(prefix(np.arange(5)), [0, 0.25, 0.5, 0.75, 1.0])


def test_tanh_start_end_and_continuous_warmup():
    s = sched("timm.tanh", lr=1.0, t_initial=10)
    assert abs(float(s(0)) - (1 - math.tanh(-7)) / 2) < 1e-15  # 0.99999917, not 1
    assert float(s(10)) == 0.0
    w = sched("timm.tanh", lr=1.0, t_initial=10, warmup_t=3)
    target = (1 - math.tanh(-7 * 0.7 + 3 * 0.3)) / 2
    np.testing.assert_allclose(w(np.arange(4)), [0, target / 3, 2 * target / 3, target], rtol=1e-14)


def test_multistep_decays_one_step_early():
    s = sched("timm.multistep", lr=1.0, decay_t=[3, 5], decay_rate=0.1)
    np.testing.assert_allclose(s(np.arange(6)), [1, 1, 0.1, 0.1, 0.01, 0.01], rtol=1e-15)
    assert [m.step for m in s.marks] == [2, 4]


def test_step_default_rate_does_not_decay():
    assert np.all(sched("timm.step", lr=0.3)(np.arange(0, 5000, 7)) == 0.3)


def test_poly_default_power_is_a_square_root():
    s = sched("timm.poly", lr=1.0, t_initial=16)
    np.testing.assert_allclose(s(np.array([0, 4, 12, 16])), [1.0, math.sqrt(0.75), 0.5, 0.0], rtol=1e-15)


def test_float_log_misses_a_restart():
    s = sched("timm.cosine", lr=1.0, t_initial=1, cycle_mul=10.0, cycle_limit=100)
    # cycles start at 0, 1, 11, 111, 1111: timm's log puts t = 111 in the cycle before, at its end
    assert float(s(11)) == 1.0 and float(s(111)) == 0.0 and float(s(112)) > 0.99


def test_shrinking_cycles_raise_where_timm_raises():
    s = sched("timm.cosine", lr=1.0, t_initial=10, cycle_mul=0.5, cycle_limit=3)
    assert np.all(np.isfinite(s(np.arange(20))))
    with pytest.raises(StepError, match="math domain error"):
        s(np.array([5, 20]))


def test_plateau_follows_train_py():
    s = sched("timm.plateau", lr=1.0, metrics=[3, 2, 2, 2, 2], mode="min", patience_t=1, decay_rate=0.5)
    # metric k is passed with step(k + 1): the second non-improving metric (metrics[3]) reduces at t = 4,
    # metrics[4] is one bad epoch again, and past the metrics the lr holds
    assert s(np.arange(8)).tolist() == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    w = sched("timm.plateau", lr=1.0, metrics=[9, 9, 9, 9, 9], mode="min", patience_t=0, warmup_t=2)
    assert w(np.arange(6)).tolist() == [0.0, 0.5, 1.0, 1.0, 0.1, 0.1 * 0.1]  # warmup metrics are ignored


# --------------------------------------------------------------------------- breaks


BREAK_CASES = [
    ("timm.cosine", {"t_initial": 30, "warmup_t": 7}),
    ("timm.cosine", {"t_initial": 13, "cycle_mul": 1.5, "cycle_limit": 5, "warmup_t": 4, "warmup_prefix": True,
                     "k_decay": 2.0}),
    ("timm.cosine", {"t_initial": 1, "cycle_mul": 3.0, "cycle_limit": 8, "lr_min": 0.01}),
    ("timm.tanh", {"t_initial": 20, "cycle_limit": 4, "cycle_decay": 0.5, "warmup_t": 5}),
    ("timm.poly", {"t_initial": 17, "cycle_mul": 2.0, "cycle_limit": 4, "power": 1.7, "warmup_t": 3}),
    ("timm.poly", {"t_initial": 10, "cycle_limit": 20, "power": -0.5}),
    ("timm.step", {"decay_t": 9, "decay_rate": 0.5, "warmup_t": 4, "warmup_prefix": False}),
    ("timm.multistep", {"decay_t": [5, 5, 30], "decay_rate": 0.3, "warmup_t": 6}),
    ("timm.plateau", {"metrics": [1, 2, 3, 3, 3, 3, 2, 1, 1, 1, 1, 1] * 3, "patience_t": 1, "warmup_t": 4}),
]


@pytest.mark.parametrize("name, kw", BREAK_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BREAK_CASES)])
def test_declared_pieces_are_monotone(name, kw):
    s = sched(name, lr=0.1, total_steps=300, **kw)
    assert s.breaks is not None
    t = np.arange(400)
    values = s(t)
    edges = [0, *[b for b in s.breaks if b < len(t)], len(t)]
    for start, stop in zip(edges, edges[1:]):
        d = np.diff(values[start:stop])
        assert (d >= -1e-15).all() or (d <= 1e-15).all(), f"not monotone on [{start}, {stop})"


def test_noise_declares_no_pieces():
    assert sched("timm.cosine", noise_range_t=[0]).breaks is None
    assert sched("timm.plateau", noise_range_t=[0], metrics=[1, 2]).breaks is None


# --------------------------------------------------------------------------- noise


def test_mt19937_matches_the_reference_generator():
    """torch seeds mt19937 with init_genrand like numpy's legacy RandomState: compare raw outputs."""
    seeds = [0, 1, 42, 2**31 + 7, 2**32 - 1]
    expected = np.stack([np.random.RandomState(s).randint(0, 2**32, size=1300, dtype=np.uint64) for s in seeds], axis=1)
    first = _torch_rng._mt_first_outputs(np.asarray(seeds, dtype=np.uint64), 8)
    np.testing.assert_array_equal(first, expected[:8])
    state = _torch_rng._mt_init(np.asarray(seeds, dtype=np.uint64), 624)
    blocks = []
    for _ in range(3):  # three twists: crosses the 624-word blocks
        _torch_rng._mt_twist(state)
        blocks.append(_torch_rng._mt_temper(state))
    np.testing.assert_array_equal(np.concatenate(blocks)[:1300], expected)


def test_first_draws_equal_torch_values():
    # torch.Generator().manual_seed(42): randn(1) -> 0.33669036626815796, then 0.12880940735340118 (the cached sin),
    # rand(1) -> 0.8822692632675171 (recorded from torch 2.13)
    normal = _torch_rng._normals(_torch_rng._mt_first_outputs(np.array([42], dtype=np.uint64), 4))
    assert normal[:, 0].tolist() == [0.33669036626815796, 0.12880940735340118]
    uniform = _torch_rng.torch_noise(np.array([42], dtype=np.uint64), "uniform", 0.5, 1.0)
    assert uniform[0] == 2 * (0.8822692632675171 - 0.5) * 0.5


def test_noise_range_rule_and_bounds():
    clean = sched("timm.cosine", lr=1.0, t_initial=200)
    noisy = sched("timm.cosine", lr=1.0, t_initial=200, noise_range_t=[20, 150], noise_pct=0.2)
    t = np.arange(199)
    c, n = clean(t), noisy(t)
    inside = (t >= 20) & (t < 150)
    assert np.all(n[~inside] == c[~inside])
    rel = n[inside] / c[inside] - 1
    assert np.all(np.abs(rel) < 0.2) and np.std(rel) > 0.05
    open_ended = sched("timm.cosine", lr=1.0, t_initial=200, noise_range_t=[50])(t)
    assert np.all(open_ended[:50] == c[:50]) and np.all(open_ended[50:] != c[50:])


def test_noise_std_scales_before_the_range_test():
    # n = randn * noise_std, redrawn until |n| < noise_pct (timm 1.0.31; older timm ignored noise_std)
    # (|randn| < 9.9 for every draw here, so no draw is rejected at either std; noise_pct must stay below 1)
    a = sched("timm.step", lr=1.0, noise_range_t=[0], noise_pct=0.99, noise_std=0.1)(np.arange(50))
    b = sched("timm.step", lr=1.0, noise_range_t=[0], noise_pct=0.99, noise_std=0.05)(np.arange(50))
    np.testing.assert_allclose(b - 1, (a - 1) / 2, rtol=1e-12, atol=1e-15)


def test_noise_is_reproducible_per_seed_and_pure():
    kw = dict(lr=1.0, t_initial=100, noise_range_t=[0], noise_pct=0.05)
    t = np.arange(100)
    a = sched("timm.cosine", noise_seed=5, **kw)
    assert np.array_equal(a(t), sched("timm.cosine", noise_seed=5, **kw)(t))
    assert not np.array_equal(a(t), sched("timm.cosine", noise_seed=6, **kw)(t))
    # the generator is seeded with noise_seed + t: seed 6 at t equals seed 5 at t + 1 (same clean lr scaled)
    b = sched("timm.cosine", noise_seed=6, **kw)
    ca = sched("timm.cosine", lr=1.0, t_initial=100)
    np.testing.assert_allclose(b(t[:-1]) / ca(t[:-1]), a(t[1:]) / ca(t[1:]), rtol=1e-12)
    shuffled = np.random.default_rng(0).permutation(t)
    assert np.array_equal(a(shuffled), a(t)[shuffled])
    assert [float(a(k)) for k in (3, 50, 99)] == a(np.array([3, 50, 99])).tolist()


def test_noise_seed_overflow_is_a_step_error():
    # the factory directly: the registry reads whole numbers through float (exact only below 2**53)
    s = timm_twins.cosine_lr(noise_range_t=[0], noise_seed=2**64 - 10)
    assert np.isfinite(s(np.arange(10))).all()
    with pytest.raises(StepError, match="Overflow"):
        s(np.array([10]))


# --------------------------------------------------------------------------- parameter errors


BAD = [
    ("timm.cosine", {"t_initial": 0}, "t_initial"),
    ("timm.cosine", {"lr_min": -1.0}, "lr_min"),
    ("timm.cosine", {"cycle_mul": 0.0}, "cycle_mul"),
    ("timm.cosine", {"cycle_limit": 1.5}, "cycle_limit"),
    ("timm.cosine", {"warmup_prefix": "yes"}, "warmup_prefix"),
    ("timm.cosine", {"noise_range_t": [0], "noise_pct": 0.0}, "noise_pct"),
    ("timm.cosine", {"noise_range_t": [0], "noise_pct": 1e-6}, "noise_pct"),
    ("timm.cosine", {"noise_range_t": [1, 2, 3]}, "noise_range_t"),
    ("timm.cosine", {"noise_range_t": []}, "noise_range_t"),
    ("timm.cosine", {"lr": -0.1}, "lr"),
    ("timm.tanh", {"lb": 3.0, "ub": 3.0}, "ub"),
    ("timm.tanh", {"cycle_limit": -1}, "cycle_limit"),
    ("timm.tanh", {"warmup_lr_init": -0.1}, "warmup_lr_init"),
    ("timm.tanh", {"t_initial": 10, "cycle_mul": 0.5, "warmup_t": 25}, "warmup_t"),
    ("timm.step", {"decay_t": 0}, "decay_t"),
    ("timm.step", {"decay_rate": -0.5}, "decay_rate"),
    ("timm.multistep", {"decay_t": [5, 3]}, "decay_t"),
    ("timm.poly", {"power": "x"}, "power"),
    ("timm.plateau", {"decay_rate": 1.0}, "decay_rate"),
    ("timm.plateau", {"mode": "maximum"}, "mode"),
    ("timm.plateau", {"noise_type": "gaussian"}, "noise_type"),
    ("timm.plateau", {"patience_t": 1.5}, "patience_t"),
    ("timm.plateau", {"metrics": ["a"]}, "metrics"),
]


@pytest.mark.parametrize("name, kw, param", BAD, ids=[f"{n}-{p}-{i}" for i, (n, _, p) in enumerate(BAD)])
def test_bad_parameters_are_parameter_errors(name, kw, param):
    with pytest.raises(LrvizError) as err:
        sched(name, **kw)
    assert param in str(err.value)
    assert not isinstance(err.value, StepError)


@pytest.mark.parametrize("name", NAMES)
def test_factories_raise_parameter_errors_directly(name):
    from lrviz.errors import ParameterError

    with pytest.raises(ParameterError):
        timm_twins.TWINS[name][0](total_steps=0)


# --------------------------------------------------------------------------- live parity (needs torch + timm)


def timm_scheduler():
    """timm.scheduler, loading only that package when the rest of timm cannot be imported
    (e.g. a torchvision built for another torch); skips when timm or torch is missing."""
    torch = pytest.importorskip("torch")
    if "timm.scheduler" in sys.modules:
        return torch, sys.modules["timm.scheduler"]
    if importlib.util.find_spec("timm") is None:
        pytest.skip("timm is not installed")
    try:
        return torch, importlib.import_module("timm.scheduler")
    except Exception:
        for name in [n for n in sys.modules if n == "timm" or n.startswith("timm.")]:
            del sys.modules[name]
        stub = types.ModuleType("timm")
        stub.__path__ = list(importlib.util.find_spec("timm").submodule_search_locations)
        stub.__version__ = importlib.metadata.version("timm")
        sys.modules["timm"] = stub
        return torch, importlib.import_module("timm.scheduler")


CLASS = {"timm.cosine": "CosineLRScheduler", "timm.tanh": "TanhLRScheduler", "timm.poly": "PolyLRScheduler",
         "timm.step": "StepLRScheduler", "timm.multistep": "MultiStepLRScheduler", "timm.plateau": "PlateauLRScheduler"}


def random_params(name: str, rng: np.random.Generator) -> dict:
    p: dict = {"lr": float(rng.choice([1.0, 0.1, 3e-4])) * float(rng.uniform(0.5, 2))}
    if rng.random() < 0.5:
        p["warmup_t"] = int(rng.integers(1, 12))
        p["warmup_lr_init"] = float(rng.choice([0.0, p["lr"] * rng.uniform(0, 0.5)]))
        if name != "timm.plateau":
            p["warmup_prefix"] = bool(rng.random() < 0.5)
    if rng.random() < 0.3:
        lo = int(rng.integers(0, 40))
        p["noise_range_t"] = [lo] if rng.random() < 0.5 else [lo, lo + int(rng.integers(1, 80))]
        p["noise_pct"] = float(rng.uniform(0.02, 1.0))
        p["noise_std"] = float(rng.uniform(0.1, 2.0))
        p["noise_seed"] = int(rng.integers(-1000, 2**33))
    if name in ("timm.cosine", "timm.tanh", "timm.poly"):
        p["t_initial"] = int(rng.integers(1, 60))
        p["lr_min"] = float(rng.choice([0.0, p["lr"] * rng.uniform(0, 0.3)]))
        if rng.random() < 0.6:
            p["cycle_limit"] = int(rng.integers(0, 8))
            p["cycle_mul"] = float(rng.choice([1.0, 2.0, 3.0, rng.uniform(1.0, 2.5)]))
            p["cycle_decay"] = float(rng.uniform(0.2, 1.0))
        if name != "timm.tanh" and rng.random() < 0.4:
            p["k_decay"] = float(rng.uniform(0.3, 3.0))
        if name == "timm.poly":
            p["power"] = float(rng.uniform(0.2, 3.0))
        if name == "timm.tanh":
            p["lb"] = float(rng.uniform(-8, 0))
            p["ub"] = float(rng.uniform(0.5, 6))
    elif name == "timm.step":
        p["decay_t"] = int(rng.integers(1, 40))
        p["decay_rate"] = float(rng.uniform(0.1, 1.0))
    elif name == "timm.multistep":
        p["decay_t"] = sorted(int(x) for x in rng.integers(0, 120, size=int(rng.integers(0, 5))))
        p["decay_rate"] = float(rng.uniform(0.1, 1.0))
    else:
        walk = np.cumsum(rng.normal(0, 1, size=int(rng.integers(0, 150))))
        p["metrics"] = [float(x) for x in np.round(walk, int(rng.integers(0, 3)))]
        p["mode"] = str(rng.choice(["min", "max"]))
        p["patience_t"] = int(rng.integers(0, 6))
        p["cooldown_t"] = int(rng.integers(0, 4))
        p["decay_rate"] = float(rng.uniform(0.1, 0.9))
        p["threshold"] = float(rng.choice([0.0, 1e-4, 0.01]))
        if "noise_range_t" in p:
            p["noise_type"] = str(rng.choice(["normal", "uniform"]))
    return p


def run_timm(torch, module, name: str, p: dict, n: int) -> list[float]:
    kw = {k: v for k, v in p.items() if k not in ("lr", "metrics")}
    if "noise_range_t" in kw and len(kw["noise_range_t"]) == 1:
        kw["noise_range_t"] = kw["noise_range_t"][0]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=p["lr"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = getattr(module, CLASS[name])(opt, **kw)
    out = []
    if name == "timm.plateau":
        metrics = p["metrics"]
        out.append(opt.param_groups[0]["lr"])
        for t in range(1, n):
            s.step(t, metrics[t - 1] if t - 1 < len(metrics) else None)
            out.append(opt.param_groups[0]["lr"])
        return out
    for t in range(n):
        s.step(t)
        out.append(opt.param_groups[0]["lr"])
    return out


@pytest.mark.parametrize("name", NAMES)
def test_live_parity_on_random_parameters(name):
    torch, module = timm_scheduler()
    rng = np.random.default_rng(NAMES.index(name) + 1)
    for _ in range(25):
        p = random_params(name, rng)
        n = 200
        expected = run_timm(torch, module, name, p, n)
        got = lrviz.schedule(name, **p)(np.arange(n))
        np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-14 * p["lr"], err_msg=f"{name} {p}")
