"""Twins of HuggingFace transformers' schedulers (``hf.*``, lrviz/twins/hf.py).

- golden fixtures recorded from the real library (tests/golden/make_hf.py -> hf.json);
- every twin builds by name alone and gives finite values;
- parameter errors: HF's own ValueErrors (messages recorded in hf.json) and lrviz's refusals;
- values from the reference (shared/reference/schedules.md section 20) and the quirks by hand;
- live parity against the real library on random parameters (skipped without transformers).
"""

from __future__ import annotations

import json
import math
import random
import warnings

import numpy as np
import pytest
from twin_golden import GOLDEN, check, params

import lrviz
from lrviz import registry
from lrviz.errors import LrvizError, ParameterError, StepError
from lrviz.twins import hf as hf_twins

NAMES = ["hf.constant", "hf.constant_with_warmup", "hf.linear", "hf.cosine", "hf.cosine_with_restarts", "hf.polynomial",
         "hf.inverse_sqrt", "hf.cosine_with_min_lr", "hf.cosine_warmup_with_min_lr", "hf.warmup_stable_decay"]
FIXTURE = GOLDEN / "hf.json"


def doc() -> dict:
    return json.loads(FIXTURE.read_text())


def lr(name: str, steps, **kw) -> np.ndarray:
    return lrviz.schedule(name, **kw)(np.asarray(steps, dtype=np.int64))


# ------------------------------------------------------------------------------------------ golden fixtures


@pytest.mark.parametrize("case", params("hf"))
def test_golden(case):
    check(case)


def test_the_fixture_covers_every_name_with_its_defaults():
    data = doc()
    assert data["library"] == "transformers" and data["version"]
    cases = data["cases"]
    assert {c["name"] for c in cases} == set(NAMES)
    for name in NAMES:
        assert any(c["name"] == name and c["params"] == {} for c in cases), f"{name}: no by-name-alone case"
    assert sum("raises_at" in c for c in cases) >= 5


# ------------------------------------------------------------------------------------------ registration


def test_the_twins_are_registered():
    assert sorted(hf_twins.TWINS) == sorted(NAMES)
    assert set(NAMES) <= set(lrviz.names())
    for name, (factory, summary) in hf_twins.TWINS.items():
        assert summary and factory.__doc__ and "lr(t)" in factory.__doc__, name


@pytest.mark.parametrize("name", NAMES)
def test_builds_by_name_alone_and_is_finite(name):
    schedule = lrviz.schedule(name)
    assert schedule.name == name
    total = schedule.params["total_steps"]
    t = np.arange(total + 1)
    values = schedule(t)
    assert values.dtype == np.float64 and values.shape == t.shape
    assert np.isfinite(values).all() and (values >= 0).all()
    far = schedule(np.asarray([10**6, 10**12, 2**53, 2**62, np.iinfo(np.int64).max], dtype=np.int64))
    assert np.isfinite(far).all() and (far >= 0).all()
    assert isinstance(schedule(3), np.floating)
    for step, label, _kind in schedule.marks:
        assert step > 0 and label


@pytest.mark.parametrize("name", NAMES)
def test_the_config_lr_and_total_steps_reach_the_twin(name):
    schedule = registry.build(name, {}, lr=0.5, total_steps=300)
    assert schedule.params["lr"] == 0.5 and schedule.params["total_steps"] == 300
    assert registry.build(name, {"total_steps": 200}).params["total_steps"] == 200


def test_defaults_taken_from_total_steps():
    p = lrviz.schedule("hf.linear", total_steps=500).params
    assert (p["num_warmup_steps"], p["num_training_steps"]) == (0, 500)
    assert lrviz.schedule("hf.constant_with_warmup", total_steps=500).params["num_warmup_steps"] == 50
    assert lrviz.schedule("hf.cosine_warmup_with_min_lr", total_steps=500).params["num_warmup_steps"] == 50
    p = lrviz.schedule("hf.warmup_stable_decay", total_steps=500).params
    assert (p["num_warmup_steps"], p["num_decay_steps"], p["num_stable_steps"]) == (50, 50, 400)
    assert lrviz.schedule("hf.cosine_with_min_lr").params["min_lr_rate"] == 0.1
    assert lrviz.schedule("hf.inverse_sqrt").params["timescale"] == 10_000
    assert lrviz.schedule("hf.inverse_sqrt", num_warmup_steps=40).params["timescale"] == 40
    assert lrviz.schedule("hf.linear", total_steps=1000, num_warmup_steps="10%").params["num_warmup_steps"] == 100


# ------------------------------------------------------------------------------------------ parameter errors


def _library_errors() -> list:
    return [pytest.param(e, id=f"{e['name']}-{e['param']}-{i}") for i, e in enumerate(doc()["param_errors"])]


@pytest.mark.parametrize("err", _library_errors())
def test_the_librarys_parameter_errors_are_parameter_errors_with_its_message(err):
    factory = hf_twins.TWINS[err["name"]][0]
    with pytest.raises(ParameterError) as info:
        factory(**err["params"])
    assert info.value.param == err["param"]
    assert info.value.message.startswith(err["message"])
    with pytest.raises(LrvizError, match=err["param"]):
        lrviz.schedule(err["name"], **err["params"])


@pytest.mark.parametrize("name, kwargs, param", [
    ("hf.linear", {"lr": -0.1}, "lr"),
    ("hf.linear", {"lr": float("nan")}, "lr"),
    ("hf.linear", {"num_warmup_steps": -1}, "num_warmup_steps"),
    ("hf.linear", {"num_training_steps": 2.5}, "num_training_steps"),
    ("hf.linear", {"total_steps": 0}, "total_steps"),
    ("hf.cosine", {"num_cycles": float("inf")}, "num_cycles"),
    ("hf.cosine", {"num_cycles": 1e308}, "num_cycles"),
    ("hf.cosine_with_restarts", {"num_cycles": "many"}, "num_cycles"),
    ("hf.polynomial", {"lr_end": -1e-3}, "lr_end"),
    ("hf.polynomial", {"power": float("nan")}, "power"),
    ("hf.inverse_sqrt", {"timescale": 1.5}, "timescale"),
    ("hf.inverse_sqrt", {"timescale": True}, "timescale"),
    ("hf.inverse_sqrt", {"timescale": 2**60}, "timescale"),
    ("hf.cosine_with_min_lr", {"lr": 0.0, "min_lr": 1e-5}, "min_lr"),
    ("hf.cosine_with_min_lr", {"lr": 1e-300, "min_lr": 1e300}, "min_lr"),
    ("hf.cosine_with_min_lr", {"min_lr_rate": "x"}, "min_lr_rate"),
    ("hf.cosine_warmup_with_min_lr", {"warmup_lr_rate": -0.1}, "warmup_lr_rate"),
    ("hf.warmup_stable_decay", {"min_lr_ratio": -0.1}, "min_lr_ratio"),
    ("hf.warmup_stable_decay", {"num_stable_steps": -3}, "num_stable_steps"),
    ("hf.warmup_stable_decay", {"decay_type": "Cosine"}, "decay_type"),
])
def test_lrviz_refuses_bad_parameters(name, kwargs, param):
    factory = hf_twins.TWINS[name][0]
    with pytest.raises(ParameterError) as info:
        factory(**kwargs)
    assert info.value.param == param


def test_an_unknown_wsd_shape_lists_the_choices():
    with pytest.raises(ParameterError, match="must be one of linear, cosine, 1-sqrt; got 'cosin'; did you mean cosine"):
        hf_twins.warmup_stable_decay(decay_type="cosin")


# ------------------------------------------------------------------------------------------ values by hand


def test_reference_values():
    """shared/reference/schedules.md section 20 (HF transformers 5.23.0), with lr = 1 so lr(t) = lambda(t)."""
    close = dict(rtol=0, atol=6e-5)
    np.testing.assert_allclose(lr("hf.linear", range(15), lr=1.0, num_warmup_steps=4, num_training_steps=12),
                               [0, .25, .5, .75, 1, .875, .75, .625, .5, .375, .25, .125, 0, 0, 0], **close)
    np.testing.assert_allclose(lr("hf.cosine", range(17), lr=1.0, num_warmup_steps=4, num_training_steps=12),
                               [0, .25, .5, .75, 1, .9619, .8536, .6913, .5, .3087, .1464, .03806, 0, .03806, .1464,
                                .3087, .5], **close)
    np.testing.assert_allclose(lr("hf.cosine", [0, 4, 8], lr=1.0, num_training_steps=8, num_cycles=1), [1, 0, 1], **close)
    np.testing.assert_allclose(lr("hf.cosine_with_min_lr", [12, 13], lr=1.0, num_warmup_steps=4, num_training_steps=12,
                                  min_lr_rate=0.1), [0.1, 0.1343], **close)
    np.testing.assert_allclose(lr("hf.cosine_with_restarts", range(16), lr=1.0, num_warmup_steps=2, num_training_steps=14,
                                  num_cycles=3),
                               [0, .5, 1, .8536, .5, .1464, 1, .8536, .5, .1464, 1, .8536, .5, .1464, 0, 0], **close)
    np.testing.assert_allclose(lr("hf.polynomial", range(12), lr=1e-3, num_warmup_steps=2, num_training_steps=10,
                                  power=2.0) / 1e-3,
                               [0, .5, 1, .76565, .56254, .39069, .25007, .14071, .062594, .015723, 1e-4, 1e-4], **close)
    np.testing.assert_allclose(lr("hf.inverse_sqrt", range(9), lr=1.0, num_warmup_steps=4),
                               [0, .25, .5, .75, 1, .89443, .8165, .75593, .70711], **close)
    np.testing.assert_allclose(lr("hf.inverse_sqrt", [4, 5, 6], lr=1.0, num_warmup_steps=4, timescale=10),
                               [1, .95346, .91287], **close)
    np.testing.assert_allclose(lr("hf.constant_with_warmup", range(5), lr=1.0, num_warmup_steps=3),
                               [0, 1 / 3, 2 / 3, 1, 1], **close)
    kw = dict(lr=1.0, num_warmup_steps=4, num_training_steps=12, min_lr_rate=0.1)
    np.testing.assert_allclose(lr("hf.cosine_warmup_with_min_lr", [0, 1, 2, 3, 4, 11, 12], **kw),
                               [.25, .5, .75, 1, .9657, .1, .1343], **close)
    np.testing.assert_allclose(lr("hf.cosine_warmup_with_min_lr", range(4), warmup_lr_rate=0.0, **kw),
                               [0, 1 / 3, 2 / 3, 1], **close)
    wsd = dict(lr=1.0, num_warmup_steps=4, num_stable_steps=3, num_decay_steps=4, min_lr_ratio=0.1)
    np.testing.assert_allclose(lr("hf.warmup_stable_decay", range(13), decay_type="linear", **wsd),
                               [.1, .325, .55, .775, 1, 1, 1, 1, .775, .55, .325, .1, .1], **close)
    np.testing.assert_allclose(lr("hf.warmup_stable_decay", range(7, 12), **wsd), [1, .8682, .55, .2318, .1], **close)
    np.testing.assert_allclose(lr("hf.warmup_stable_decay", range(7, 12), decay_type="1-sqrt", **wsd),
                               [1, .55, .3636, .2206, .1], **close)
    np.testing.assert_allclose(lr("hf.warmup_stable_decay", range(5), warmup_type="cosine", **wsd),
                               [.1, .2318, .55, .8682, 1], **close)
    np.testing.assert_allclose(lr("hf.warmup_stable_decay", range(5), warmup_type="1-sqrt", **wsd),
                               [.1, .2206, .3636, .55, 1], **close)


def test_the_lambdas_by_hand():
    """The formulas of transformers/optimization.py written out in Python for a few parameters."""
    lr0, W, T = 0.3, 7, 40
    steps = list(range(100))

    def warm(t):
        return t / max(1, W)

    def linear(t):
        return warm(t) if t < W else max(0.0, (T - t) / max(1, T - W))

    def cosine(t, nc=0.5, r=0.0):
        if t < W:
            return warm(t)
        f = 0.5 * (1.0 + math.cos(math.pi * nc * 2.0 * (t - W) / max(1, T - W)))
        return max(0.0, f * (1 - r) + r)

    def restarts(t, nc=3):
        if t < W:
            return warm(t)
        p = (t - W) / max(1, T - W)
        return 0.0 if p >= 1 else max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((nc * p) % 1.0))))

    def poly(t, end=0.01, power=2.0):
        if t < W:
            return warm(t)
        if t > T:
            return end / lr0
        return ((lr0 - end) * (1 - (t - W) / (T - W)) ** power + end) / lr0

    kw = dict(lr=lr0, num_warmup_steps=W, num_training_steps=T)
    for name, fn, extra in [("hf.linear", linear, {}), ("hf.cosine", cosine, {}),
                            ("hf.cosine_with_min_lr", lambda t: cosine(t, 1.5, 0.2), dict(num_cycles=1.5, min_lr_rate=0.2)),
                            ("hf.cosine_with_restarts", restarts, dict(num_cycles=3)),
                            ("hf.polynomial", poly, dict(lr_end=0.01, power=2.0))]:
        np.testing.assert_allclose(lr(name, steps, **kw, **extra), [lr0 * fn(t) for t in steps], rtol=1e-13, atol=1e-300,
                                   err_msg=name)


# ------------------------------------------------------------------------------------------ quirks


def test_plain_cosines_oscillate_past_the_end_and_the_others_clamp():
    kw = dict(lr=1.0, num_warmup_steps=10, num_training_steps=110)
    for name in ("hf.cosine", "hf.cosine_with_min_lr", "hf.cosine_warmup_with_min_lr"):
        assert lrviz.schedule(name, **kw).periodic
        after = lr(name, range(110, 400), **kw)
        assert after.max() > 0.9 and after.max() - after.min() > 0.5, name
    assert lr("hf.cosine", 210, **kw) == pytest.approx(1.0)  # back to lr at 2T - W
    for name in ("hf.linear", "hf.cosine_with_restarts"):
        assert not lrviz.schedule(name, **kw).periodic
        assert (lr(name, range(110, 400), **kw) == 0).all(), name
    poly = lr("hf.polynomial", range(110, 400), lr_end=0.25, **kw)
    assert (poly == 1.0 * (0.25 / 1.0)).all()


def test_cosine_warmup_with_min_lr_is_one_step_ahead():
    kw = dict(lr=1.0, num_warmup_steps=10, num_training_steps=50, min_lr_rate=0.1)
    values = lr("hf.cosine_warmup_with_min_lr", range(60), **kw)
    assert values[9] == 1.0 and values[0] == pytest.approx(0.1)
    assert values[49] == pytest.approx(0.1) and int(np.argmin(values[10:55])) + 10 == 49
    np.testing.assert_allclose(values[10:50], lr("hf.cosine_with_min_lr", range(11, 51), **kw), rtol=1e-12)


def test_min_lr_is_divided_by_lr():
    a = lr("hf.cosine_with_min_lr", range(200), lr=1e-3, min_lr=1e-4, num_training_steps=150)
    b = lr("hf.cosine_with_min_lr", range(200), lr=1e-3, min_lr_rate=1e-4 / 1e-3, num_training_steps=150)
    np.testing.assert_array_equal(a, b)
    assert a[150] == pytest.approx(1e-4)


def test_wsd_phases():
    kw = dict(lr=2.0, num_warmup_steps=10, num_decay_steps=20, num_training_steps=100, min_lr_ratio=0.05)
    v = lr("hf.warmup_stable_decay", range(130), **kw)
    assert v[0] == pytest.approx(0.1)  # starts at min_lr_ratio * lr
    assert (v[10:80] == 2.0).all()
    assert v[99] > 0.1 and (v[100:] == 2.0 * 0.05).all()  # min reached only at W + S + D
    given = lr("hf.warmup_stable_decay", range(130), num_stable_steps=30, **kw)  # num_stable_steps wins over T
    assert (given[10:41] == 2.0).all() and given[41] < 2.0 and (given[60:] == 0.1).all()
    over = lrviz.schedule("hf.warmup_stable_decay", lr=1.0, num_warmup_steps=30, num_decay_steps=30,
                          num_training_steps=40)
    assert over.params["num_stable_steps"] == -20
    assert over(30) == pytest.approx(0.5 * (1 + math.cos(math.pi * 20 / 30)))  # the decay starts part-way


def test_restarts_peak_at_full_lr_each_cycle():
    v = lr("hf.cosine_with_restarts", range(100), lr=1.0, num_training_steps=100, num_cycles=4)
    assert [int(i) for i in np.flatnonzero(v == 1.0)] == [0, 25, 50, 75]


def test_polynomial_raises_where_hf_divides_by_zero():
    s = lrviz.schedule("hf.polynomial", num_warmup_steps=10, num_training_steps=10)
    assert np.isfinite(s(np.arange(10))).all() and np.isfinite(s(np.arange(11, 50))).all()
    with pytest.raises(StepError, match=r"ZeroDivisionError at step 10: division by zero"):
        s(np.arange(20))
    s = lrviz.schedule("hf.polynomial", num_training_steps=30, power=-0.5)
    assert np.isfinite(s(np.arange(30))).all()
    with pytest.raises(StepError, match="0.0 cannot be raised to a negative power"):
        s(30)
    assert s(31) == pytest.approx(1e-7)


def test_inverse_sqrt_with_a_negative_timescale_raises_like_hf():
    s = lrviz.schedule("hf.inverse_sqrt", timescale=-5, lr=1.0)
    np.testing.assert_allclose(s(np.arange(5)), [1 / math.sqrt((t - 5) / -5) for t in range(5)], rtol=1e-15)
    with pytest.raises(StepError, match="ZeroDivisionError at step 5: float division by zero"):
        s(np.arange(10))
    with pytest.raises(StepError, match="ValueError at step 6: math domain error"):
        s(np.arange(6, 10))
    with pytest.raises(StepError, match="ZeroDivisionError at step 3: division by zero"):
        lrviz.schedule("hf.inverse_sqrt", num_warmup_steps=3, timescale=0)(np.arange(5))


def test_overflow_is_a_step_error_not_inf():
    s = lrviz.schedule("hf.cosine_with_min_lr", lr=1e308, min_lr_rate=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(StepError, match="not a finite float64"):
            s(np.arange(1001))


def test_the_largest_steps_do_not_overflow_int64():
    big = np.asarray([np.iinfo(np.int64).max - 1, np.iinfo(np.int64).max], dtype=np.int64)
    v = lr("hf.inverse_sqrt", big, lr=1.0)  # t + timescale would wrap in int64
    np.testing.assert_allclose(v, 1 / np.sqrt((big.astype(np.float64) + 10_000) / 10_000), rtol=1e-12)
    assert (lr("hf.linear", big) == 0).all()


# monotone pieces declared through breaks
BREAK_CASES = [
    ("hf.constant", {}),
    ("hf.constant_with_warmup", {"num_warmup_steps": 33}),
    ("hf.linear", {"num_warmup_steps": 20}),
    ("hf.linear", {"num_warmup_steps": 90, "num_training_steps": 60}),
    ("hf.polynomial", {"num_warmup_steps": 15, "power": 0.0}),
    ("hf.polynomial", {"num_warmup_steps": 15, "power": 3.0, "lr_end": 0.05}),
    ("hf.inverse_sqrt", {"num_warmup_steps": 25}),
    ("hf.warmup_stable_decay", {"warmup_type": "cosine", "decay_type": "1-sqrt", "min_lr_ratio": 0.2}),
    ("hf.warmup_stable_decay", {"num_warmup_steps": 60, "num_decay_steps": 80, "num_training_steps": 100}),
    ("hf.warmup_stable_decay", {"min_lr_ratio": 3.0}),
]


@pytest.mark.parametrize("name, kw", BREAK_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BREAK_CASES)])
def test_declared_pieces_are_monotone(name, kw):
    schedule = lrviz.schedule(name, lr=0.1, total_steps=200, **kw)
    assert schedule.breaks is not None
    values = schedule(np.arange(260))
    edges = [0, *[b for b in schedule.breaks if b < len(values)], len(values)]
    for start, stop in zip(edges, edges[1:]):
        d = np.diff(values[start:stop])
        assert (d >= -1e-15).all() or (d <= 1e-15).all(), f"not monotone on [{start}, {stop})"


def test_oscillating_twins_declare_no_breaks():
    for name in ("hf.cosine", "hf.cosine_with_min_lr", "hf.cosine_warmup_with_min_lr", "hf.cosine_with_restarts"):
        assert lrviz.schedule(name).breaks is None
    assert lrviz.schedule("hf.warmup_stable_decay", num_cycles=1.0).breaks is None


# ------------------------------------------------------------------------------------------ live parity


def _hf_params(name: str, rng: random.Random) -> dict:
    """Random lrviz parameters for ``name`` (the same names HF takes)."""
    lr0 = rng.choice([1.0, 0.1, 3e-4, rng.uniform(1e-5, 2.0)])
    p: dict = {"lr": lr0}
    short = name.removeprefix("hf.")
    if short == "constant":
        return p
    p["num_warmup_steps"] = rng.choice([0, 1, rng.randint(0, 40)])
    if short == "constant_with_warmup":
        return p
    if short == "inverse_sqrt":
        p["timescale"] = rng.choice([None, rng.randint(1, 200), rng.randint(-20, 0)])
        if p["timescale"] is None:
            del p["timescale"]
        return p
    p["num_training_steps"] = rng.choice([rng.randint(0, 120), p["num_warmup_steps"] + rng.randint(1, 100)])
    if short in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"):
        p["num_cycles"] = rng.choice([0.5, 1.0, rng.uniform(-2, 3)])
    if short == "cosine_with_restarts":
        p["num_cycles"] = rng.choice([1, 2, rng.randint(1, 9), rng.uniform(-3, 5)])
    if short == "polynomial":
        p["lr_end"] = rng.choice([1e-7, 0.0, rng.uniform(0, lr0 * 0.99)])
        p["power"] = rng.choice([1.0, 2.0, rng.uniform(0, 4), rng.uniform(-2, 0)])
    if short in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if rng.random() < 0.5:
            p["min_lr"] = rng.uniform(0, lr0 * 1.2)
        else:
            p["min_lr_rate"] = rng.uniform(-0.2, 1.3)
    if short == "cosine_warmup_with_min_lr" and rng.random() < 0.5:
        p["warmup_lr_rate"] = rng.uniform(0, 1.2)
    if short == "warmup_stable_decay":
        p["num_decay_steps"] = rng.randint(0, 60)
        if rng.random() < 0.3:
            p["num_stable_steps"] = rng.randint(0, 60)
        p["warmup_type"] = rng.choice(["linear", "cosine", "1-sqrt"])
        p["decay_type"] = rng.choice(["linear", "cosine", "1-sqrt"])
        p["min_lr_ratio"] = rng.choice([0.0, rng.uniform(0, 1.5)])
    return p


def _real_scheduler(name: str, p: dict):
    import torch
    from transformers import get_scheduler

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=p["lr"])
    short = name.removeprefix("hf.")
    kw = {k: v for k, v in p.items() if k not in ("lr", "num_warmup_steps", "num_training_steps")}
    if short == "constant":
        return opt, get_scheduler(short, opt)
    if short in ("cosine_with_min_lr", "cosine_warmup_with_min_lr") and "min_lr" not in kw:
        kw.setdefault("min_lr_rate", 0.1)
    if short == "warmup_stable_decay":
        kw.setdefault("num_decay_steps", 100)
    return opt, get_scheduler(short, opt, num_warmup_steps=p["num_warmup_steps"],
                              num_training_steps=p.get("num_training_steps", 1000), scheduler_specific_kwargs=kw)


RAISES = (ZeroDivisionError, ValueError, OverflowError)


@pytest.mark.parametrize("name", NAMES)
def test_live_parity_on_random_parameters(name):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    rng = random.Random(f"hf-live-{name}")
    for _ in range(12):
        p = _hf_params(name, rng)
        twin = lrviz.schedule(name, **p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                opt, sched = _real_scheduler(name, p)
            except RAISES:
                with pytest.raises(StepError):
                    twin(0)
                continue
            horizon = 2 * max(p.get("num_training_steps", 0), p.get("num_warmup_steps", 0), 30) + 5
            expected, raised_at = [], None
            for t in range(horizon):
                if t:
                    opt.step()
                    try:
                        sched.step()
                    except RAISES:
                        raised_at = t
                        break
                expected.append(sched.get_last_lr()[0])
        np.testing.assert_allclose(twin(np.arange(len(expected))), expected, rtol=1e-12, atol=0, err_msg=f"{name} {p}")
        if raised_at is not None:
            with pytest.raises(StepError):
                twin(raised_at)
            continue
        lam, base = sched.lr_lambdas[0], sched.base_lrs[0]
        for t in (10**5 + 7, 10**9 + 1):
            try:
                want = base * lam(t)
            except RAISES:
                with pytest.raises(StepError):
                    twin(t)
                continue
            np.testing.assert_allclose(twin(t), want, rtol=1e-12, atol=0, err_msg=f"{name} {p} at {t}")


def test_live_parameter_errors_match_the_library():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    rng = random.Random("hf-live-errors")
    for _ in range(20):
        lr0 = rng.uniform(1e-5, 1.0)
        p = {"lr": lr0, "lr_end": lr0 * rng.choice([1.0, rng.uniform(1.0, 5.0)])}
        with pytest.raises(ValueError) as real:
            _real_scheduler("hf.polynomial", {**p, "num_warmup_steps": 0, "num_training_steps": 10})
        with pytest.raises(ParameterError) as ours:
            hf_twins.polynomial(**p)
        assert ours.value.message == str(real.value)
