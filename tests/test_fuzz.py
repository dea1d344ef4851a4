"""Fuzz properties over every registered schedule, config text and ``compare --set``.

Random parameters are drawn for every name in ``lrviz.names()`` from the
factories' signatures (:func:`lrviz.params.signature`), so a newly registered
schedule is fuzzed without touching this file. Values mix valid and invalid:
numbers of every size (0, subnormal, huge, negative, inf, nan, ints beyond
float range), numeric strings, durations ("10%", "5ep", "abc"), booleans,
lists (sorted, unsorted, empty), mappings, None, and nested ``{name, params}``
specs and phases for composition parameters.

Properties, and their example counts (3,070 in all, with the 90 names registered now):

- A, the API, 2,070 examples (23 per schedule, ceil(2000 / 90), for the 90 registered
  now): ``lrviz.schedule(name, lr=..., total_steps=..., **params)`` raises an
  :class:`lrviz.LrvizError` or returns a schedule whose lr on a handful of steps
  is float64 of the same shape, finite and >= 0, or raises an LrvizError; a
  :class:`~lrviz.errors.NonFiniteLr` must name the smallest step asked for whose
  lr really is inf or NaN. RuntimeWarnings are errors throughout. Momentum, when
  cycled, is NaN or in [0, 1].
- B, configs, 800 examples: YAML texts (valid, broken, truncated, garbage bytes)
  through ``lrviz.config.parse`` and ``lrviz.config.load``: only LrvizErrors, and
  a config that loads evaluates (``lrviz.evaluate``) to finite lr >= 0 or raises
  an LrvizError.
- C, the CLI in-process, 200 examples: ``lrviz compare NAME --steps T --set
  NAME.PARAM=VALUE --term`` ends with no exception, a SystemExit or an LrvizError.
- D, user text, 60 examples: titles and labels of mathtext fragments (valid and broken), lone
  surrogates, CJK and long runs are refused as LrvizErrors naming the text, before any file, or
  drawn with no warning. E, figure sizes, 400 examples: W,H and dpi of every magnitude are
  accepted exactly when the size rule written out in the test says (issue 20).

The twins in :data:`NEGATIVE_LIKE_THE_LIBRARY` reproduce a negative lr that their
library itself gives for valid parameters; for them "lr >= 0" is relaxed as that
dict says, and they are not drawn as children of compositions.

Runs derandomized (a fixed seed: the same verdict on every machine), in about
15 s; set ``LRVIZ_FUZZ_RANDOM=1`` to draw fresh examples and ``LRVIZ_FUZZ_SCALE=5``
to multiply every count (a longer hunt). Each bug the properties found is pinned
by a ``test_regression_*`` test asserting the right behaviour (a refusal that
names the parameter, or the value of the formula).
"""

from __future__ import annotations

import math
import os
import re
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrviz
from lrviz import config as lrconfig
from lrviz.errors import LrvizError, NonFiniteLr
from lrviz.params import signature
from lrviz.registry import TABLE

ALL_NAMES = lrviz.names()
SIGNATURES = {name: signature(TABLE[name].factory) for name in ALL_NAMES}

# Framework twins that reproduce a negative lr of the library itself, for valid parameters.
# "rounding": a float32 rounding just below 0, allowed down to -1e-6 * max|lr| of the values drawn;
# "by design": the library adds unclipped noise, so the sign is not checked (finiteness still is).
# They are drawn at the top level only (API, config entries, CLI), not as children of compositions.
NEGATIVE_LIKE_THE_LIBRARY: dict[str, str] = {
    "keras.PolynomialDecay": "rounding: compiled (jit_compile, Keras' model.fit on JAX) 1 - t * float32(1/D) is a little "
                             "below 0 at t >= D, so end_learning_rate=0 ends at -7.45e-10 (initial 0.1, D=72; Keras 3.15.1)",
    "tf.noisy_linear_cosine_decay": "by design: TF adds Gaussian noise to the linear term and never clips the result",
}
ROUNDING_TOLERANCE = 1e-6  # of max|lr|, for the "rounding" names

RANDOM = os.environ.get("LRVIZ_FUZZ_RANDOM") == "1"  # fresh examples instead of the fixed seed
SCALE = float(os.environ.get("LRVIZ_FUZZ_SCALE", "1"))  # multiplies every example count (for a longer hunt)

NAMES = [name for name in ALL_NAMES if name not in NEGATIVE_LIKE_THE_LIBRARY]  # drawn for nested specs


def lowest_lr(name: str, values: np.ndarray) -> float:
    """The lowest lr allowed in ``values`` of schedule ``name``: 0, except for NEGATIVE_LIKE_THE_LIBRARY."""
    reason = NEGATIVE_LIKE_THE_LIBRARY.get(name, "")
    if reason.startswith("by design"):
        return -math.inf
    if reason.startswith("rounding"):
        finite = values[np.isfinite(values)]
        return -ROUNDING_TOLERANCE * float(np.abs(finite).max()) if finite.size else 0.0
    return 0.0


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------------------------------
# What each str parameter accepts, found by asking the factory (its error lists the choices)
# ---------------------------------------------------------------------------------------------

_ONE_OF = re.compile(r"must be one of (.+?); got")


def _choices(name: str, pname: str, default: object) -> tuple[str, ...]:
    try:
        lrviz.schedule(name, **{pname: "\x00not-a-choice"})
    except LrvizError as err:
        found = _ONE_OF.search(str(err))
        if found:
            return tuple(c.strip() for c in found.group(1).split(","))
    return (default,) if isinstance(default, str) else ()


CHOICES = {
    (name, p.name): _choices(name, p.name, p.default)
    for name in ALL_NAMES
    for p in SIGNATURES[name].values()
    if p.kind == "str"
}

# ---------------------------------------------------------------------------------------------
# Strategies
#
# One composite per property draws everything through the helpers below, which take its
# ``draw``: they only ever draw from strategies built once at import. (Strategies built per
# draw are slow, and st.one_of dedupes branches by identity, so branch counts of strategies
# rebuilt per call can change between runs, which hypothesis reports as a flaky strategy.)
# ---------------------------------------------------------------------------------------------


@st.composite
def _pick(draw, options: tuple):
    return draw(options[draw(st.integers(min_value=0, max_value=len(options) - 1))])


def one_of(*options: st.SearchStrategy) -> st.SearchStrategy:
    """st.one_of without flattening: the branch is an index drawn first (shrinks to the first)."""
    return _pick(options)


_INDEX = {n: st.integers(min_value=0, max_value=n - 1) for n in range(1, 65)}


def choose(draw, n: int) -> int:
    """An index below ``n``; shrinks to 0."""
    return draw(_INDEX[n] if n in _INDEX else st.integers(min_value=0, max_value=n - 1))


def now_and_then(draw, one_in: int) -> bool:
    """True once in ``one_in`` draws; shrinks to False."""
    return choose(draw, one_in) == one_in - 1


INF, NAN = float("inf"), float("nan")
EDGE_NUMBERS = [0, 0.0, 1, 0.5, 2, 10, 5e-324, 1e-300, 1e-12, 1e-3, 1e6, 1e12, 1e300, 1.7976931348623157e308]
WILD_NUMBERS = [-0.0, -1, -0.5, -1e-300, -1e300, INF, -INF, NAN, 2**53, 2**53 + 1, 2**63, 2**64, 10**400, -(10**400)]
HUGE_INT = 2**1100  # beyond float range
JUNK_STRINGS = ["", " ", "abc", "10%", "5ep", "0.5ep", "150%", "-5%", "-5", "1e-3", "1e400", "-1e400", "nan", ".nan",
                "inf", ".inf", "true", "null", "12steps", "3 epochs", "1e300ep", "1e300", "0x10", "1_000", "∞", "\x00",
                "10 %", "%", "ep", "1e-3%"]

# plausible: the right type, non-negative and finite, of every size
plausible_numbers = one_of(
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from(EDGE_NUMBERS),
    st.floats(min_value=0.0, max_value=10.0),
    st.floats(min_value=0.0, allow_infinity=False),
    st.integers(min_value=0, max_value=10**6),
)
# anything numeric: negatives, inf, nan, ints beyond float range
numbers = one_of(
    plausible_numbers,
    st.sampled_from(WILD_NUMBERS),
    st.floats(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-HUGE_INT, max_value=HUGE_INT),
)
scalars = one_of(st.none(), st.booleans(), st.sampled_from(JUNK_STRINGS), st.text(max_size=6), numbers)

# what a duration parameter gets when it gets anything
duration_scalars = scalars
junk = one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=4), scalars, max_size=2))
duration_junk = one_of(duration_scalars, st.lists(duration_scalars, max_size=3),
                       st.dictionaries(st.text(max_size=4), duration_scalars, max_size=2))

_WORD = st.integers(min_value=0, max_value=2**48)
_UNIT = st.floats(min_value=0.0, max_value=1.0)
_PERCENT = st.floats(min_value=0.0, max_value=100.0)
_EPOCHS = st.floats(min_value=0.0, max_value=20.0)
_SMALL_FACTORS = st.floats(min_value=0.0, max_value=2.0)
_STEP_KEY_ODD = [v for v in EDGE_NUMBERS + WILD_NUMBERS + JUNK_STRINGS + [None, True, False] if v == v]  # nan: no key
_step_key_odd = st.sampled_from(_STEP_KEY_ODD)


def up_to(draw, n: int) -> int:
    """A whole number in 0..n (n may be large)."""
    return draw(_WORD) % (n + 1)


def draw_steps(draw, T: int, wild: bool):
    """A duration for total_steps ``T``: plausible, or (wild) fractional, huge, negative, text..."""
    branch = choose(draw, 10 if wild else 8)
    if branch == 0:
        return up_to(draw, T)
    if branch == 1:
        return [0, 1, max(T - 1, 0), T, T + 1, 2 * T][choose(draw, 6)]
    if branch == 2:
        return up_to(draw, 3 * T)
    if branch == 3:
        return f"{choose(draw, 32) * 100 // 31}%"
    if branch == 4:
        return f"{draw(_PERCENT)!r}%"
    if branch == 5:
        return f"{choose(draw, 21)}ep"
    if branch == 6:
        return f"{draw(_EPOCHS):g}ep"
    if branch == 7:
        return float(up_to(draw, 3 * T))
    if branch == 8:
        return draw(_UNIT) * 3 * T
    return draw(duration_scalars)


def draw_step_key(draw, T: int):
    """A hashable duration, a key of a step -> value mapping."""
    branch = choose(draw, 4)
    if branch == 0:
        return 1 + up_to(draw, 2 * T)
    if branch == 1:
        return f"{choose(draw, 32) * 100 // 31}%"
    if branch == 2:
        return f"{choose(draw, 21)}ep"
    return draw(_step_key_odd)


def draw_list(draw, item, max_size: int = 5) -> list:
    return [item() for _ in range(choose(draw, max_size + 1))]


EXPRESSIONS = ["0.95 ** t", "1 / (t + 1)", "t", "1 / t", "log(t)", "sqrt(t - 5)", "exp(t)", "10 ** 400", "-1",
               "cos(t)", "t // 0", "t % 0", "min(1, t / 10)", "max(0.1, 1 - t / 100)", "import os", "__import__('os')",
               "t.real", "(", ""]

# How wild the parameters of one call are: all plausible, all but one, or all drawn from anything.
LEVELS = ("plausible", "one_wild", "wild")


def draw_params(draw, name: str, T: int, depth: int, top: bool, level: str | None = None) -> dict:
    """Parameters of schedule ``name``: each left out (its default) or drawn."""
    level = level or LEVELS[choose(draw, 3)]
    chosen = [param for pname, param in SIGNATURES[name].items()
              if not (top and pname in ("lr", "total_steps", "steps_per_epoch"))
              and draw(st.booleans())]
    wild_one = chosen[choose(draw, len(chosen))].name if level == "one_wild" and chosen else None
    out = {param.name: draw_value(draw, name, param, T, depth, wild=level == "wild" or param.name == wild_one)
           for param in chosen}
    if level != "plausible" and now_and_then(draw, 10):  # an unknown parameter
        key = draw(st.text(min_size=1, max_size=8))
        if key not in ("name", "steps_per_epoch"):
            out.setdefault(key, draw(scalars))
    return out


def draw_spec(draw, T: int, depth: int, wild: bool):
    """A nested schedule: {name, params}, a bare name, or (wild) something that is not one."""
    branch = choose(draw, 6 if wild else 5)
    if depth <= 0 or branch == 4:
        return draw(st.sampled_from(NAMES))
    if branch == 5:
        return draw(junk)
    name = draw(st.sampled_from(NAMES))
    spec: dict = {"name": name}
    if draw(st.booleans()):
        spec["params"] = draw_params(draw, name, T, depth - 1, top=False)
    if wild and now_and_then(draw, 5):
        spec[("label", "steps", "nmae", "param")[choose(draw, 4)]] = draw(scalars)
    if wild and now_and_then(draw, 5):
        spec["name"] = draw(scalars)
    return spec


def draw_phases(draw, T: int, depth: int, wild: bool) -> list:
    out = []
    for _ in range(choose(draw, 4) if wild else 1 + choose(draw, 3)):
        phase = draw_spec(draw, T, depth, wild)
        if isinstance(phase, str) and draw(st.booleans()):
            phase = {"name": phase}
        if isinstance(phase, dict) and draw(st.booleans()):
            phase = {**phase, "steps": draw_steps(draw, max(1, T // 3), wild)}
        out.append(phase)
    return out


def draw_value(draw, name: str, param, T: int, depth: int, wild: bool):
    """A value for ``param`` of schedule ``name``: of its kind and plausible, or (wild) anything."""
    kind = param.kind
    how = ("good", "bad", "bad", "junk")[choose(draw, 4)] if wild else "good"
    if how == "junk":
        return draw(duration_junk if kind in ("Steps", "list[Steps]", "dict[Steps, float]") else junk)
    good = how == "good"
    if kind == "float":
        return draw(plausible_numbers if good else numbers)
    if kind == "int":
        if good:
            return (choose(draw, 32), up_to(draw, 10**4), float(up_to(draw, 10**4)), draw(_WORD) * 2**14)[choose(draw, 4)]
        return draw(one_of(st.integers(min_value=-HUGE_INT, max_value=HUGE_INT), numbers))
    if kind == "bool":
        return draw(st.booleans() if good else scalars)
    if kind == "str":
        choices = CHOICES.get((name, param.name)) or ("",)
        choice = choices[choose(draw, len(choices))]
        return choice if good else (choice.upper() if draw(st.booleans()) else draw(st.text(max_size=8)))
    if kind == "Steps":
        return draw_steps(draw, T, wild=not good)
    if kind == "list[Steps]":
        if good and draw(st.booleans()):
            return sorted({up_to(draw, 2 * T) for _ in range(choose(draw, 7))})
        return draw_list(draw, lambda: draw_steps(draw, T, wild=not good))
    if kind == "list[float]":
        return draw_list(draw, lambda: draw(_UNIT if good and draw(st.booleans()) else plausible_numbers if good else numbers), 6)
    if kind == "dict[Steps, float]":
        if good:
            return {1 + up_to(draw, 2 * T): draw(one_of(_SMALL_FACTORS, plausible_numbers)) for _ in range(choose(draw, 6))}
        return {draw_step_key(draw, T): draw(numbers) for _ in range(choose(draw, 6))}
    if kind == "Spec":
        return draw_spec(draw, T, depth, wild=not good)
    if kind == "list[Spec]":
        return [draw_spec(draw, T, depth, wild=not good) for _ in range((0 if not good else 1) + choose(draw, 3))]
    if kind == "list[Phase]":
        return draw_phases(draw, T, depth, wild=not good)
    if kind == "Expr":
        return EXPRESSIONS[choose(draw, len(EXPRESSIONS))] if good else draw(st.text(max_size=10))
    if kind == "Metrics":
        if good:
            return [draw(plausible_numbers) for _ in range(1 + choose(draw, 6))]
        return draw(one_of(st.lists(numbers, max_size=6), st.sampled_from(["/nonexistent/metrics.csv", "", "."])))
    return draw(junk)


def draw_total(draw) -> int:
    """total_steps in 1..10**6, small more often than large (a few twins replay every step)."""
    branch = choose(draw, 6)
    if branch == 0:
        return 1 + choose(draw, 32) * 3
    if branch == 1:
        return (1, 2, 3, 10, 1000, 10**6)[choose(draw, 6)]
    if branch in (2, 3):
        return 1 + up_to(draw, 10**4 - 1)
    if branch == 4:
        return 1 + up_to(draw, 10**5 - 1)
    return 1 + up_to(draw, 10**6 - 1)


plausible_lrs = one_of(st.floats(min_value=0.0, max_value=10.0), plausible_numbers)
lrs = one_of(plausible_lrs, numbers, scalars)
plausible_steps_per_epoch = one_of(st.none(), st.integers(min_value=1, max_value=10**4))
steps_per_epochs = one_of(plausible_steps_per_epoch, st.sampled_from(
    [0, -1, 2.5, 7.0, 2**53, 2**53 + 1, 10**30, 10**400, INF, NAN, True, "10", "abc", [10]]))


@st.composite
def api_calls(draw, name: str):
    """(kwargs of lrviz.schedule, steps to evaluate) for schedule ``name``."""
    sig = SIGNATURES[name]
    T = draw_total(draw)
    if "total_steps" not in sig:  # T only picks the steps evaluated; torch's step-by-step twins cost O(t)
        T = 1 + T % 20_000
    level = LEVELS[choose(draw, 3)]
    wild = level == "wild"
    kwargs: dict = {"steps_per_epoch": draw(steps_per_epochs if wild else plausible_steps_per_epoch)}
    if "lr" in sig or (wild and now_and_then(draw, 4)):
        kwargs["lr"] = draw(lrs if wild else plausible_lrs)
    if "total_steps" in sig or (wild and now_and_then(draw, 4)):
        kwargs["total_steps"] = draw_steps(draw, T, wild=True) if wild and draw(st.booleans()) else T
    kwargs.update(draw_params(draw, name, T, depth=2, top=True, level=level))
    fixed = [0, 1, T // 2, T - 1, T, T + 7]
    extra = [up_to(draw, 4 * T) for _ in range(choose(draw, 7))]
    return kwargs, np.asarray(fixed + extra, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def _foreign(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


@dataclass(frozen=True)
class Problem:
    """A violation of a property."""

    text: str


def _raised(what: str, err: BaseException) -> Problem:
    return Problem(f"{what} raised {_foreign(err)}")


def check_values(values, shape: tuple, what: str, name: str = "") -> Problem | None:
    """None when ``values`` are float64 of ``shape``, finite and >= the lowest lr allowed for schedule ``name``."""
    if not isinstance(values, np.ndarray) or values.dtype != np.float64 or values.shape != shape:
        return Problem(f"{what}: expected float64 of shape {shape}; got {type(values).__name__} {getattr(values, 'dtype', '')}")
    bad = ~np.isfinite(values) | (values < lowest_lr(name, values))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        return Problem(f"{what}: value {values[i]!r} at index {i}")
    return None


def check_momentum(momentum, shape: tuple) -> Problem | None:
    if momentum is None:
        return None
    if not isinstance(momentum, np.ndarray) or momentum.shape != shape:
        return Problem(f"momentum: expected an array of shape {shape}; got {momentum!r}")
    known = momentum[~np.isnan(momentum)]  # NaN on purpose where a sequence phase does not cycle it
    if ((known < 0) | (known > 1)).any():
        return Problem(f"momentum out of [0, 1]: {momentum.tolist()}")
    return None


def check_non_finite_error(schedule, steps: np.ndarray, err: NonFiniteLr) -> Problem | None:
    """A NonFiniteLr must be true: the lr at ``err.step`` is ``err.value``, not finite, and no smaller step asked for is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = schedule.unchecked(steps)
    bad = steps[~np.isfinite(values)]
    if not bad.size or int(bad.min()) != err.step or np.isfinite(err.value):
        return Problem(f"NonFiniteLr({err}) at steps {steps.tolist()}, where the lr is {values.tolist()}")
    return None


def _api_attempt(name: str, kwargs: dict, steps: np.ndarray) -> Problem | None:
    """Build and evaluate with warnings as errors: an LrvizError, or float64 lr finite and >= 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            schedule = lrviz.schedule(name, **kwargs)
        except LrvizError:
            return None
        except Exception as err:  # noqa: BLE001 - anything else is the bug we look for
            return _raised("building", err)
        try:
            values = schedule(steps)
            momentum = schedule.momentum(steps)
        except NonFiniteLr as err:
            return check_non_finite_error(schedule, steps, err)
        except LrvizError:
            return None
        except Exception as err:  # noqa: BLE001
            return _raised(f"evaluating at {steps.tolist()}", err)
    what = f"lr at steps {steps.tolist()}"
    return check_values(values, steps.shape, what, name) or check_momentum(momentum, steps.shape)


def api_problem(name: str, kwargs: dict, steps: np.ndarray) -> str | None:
    """What goes wrong building ``name`` with ``kwargs`` and evaluating it on ``steps``; None if nothing."""
    problem = _api_attempt(name, kwargs, steps)
    return None if problem is None else problem.text


# ---------------------------------------------------------------------------------------------
# Property A: the API
# ---------------------------------------------------------------------------------------------

API_EXAMPLES = 2000
PER_NAME = -(-API_EXAMPLES // len(ALL_NAMES))  # 23 for the 90 names registered now: 2,070 examples


@pytest.mark.parametrize("name", ALL_NAMES)
def test_api_raises_only_lrviz_errors_and_gives_finite_non_negative_lr(name):
    @fuzz_settings(PER_NAME)
    @given(call=api_calls(name))
    def run(call):
        kwargs, steps = call
        problem = api_problem(name, kwargs, steps)
        assert problem is None, f"lrviz.schedule({name!r}, **{kwargs!r}): {problem}"

    run()


# ---------------------------------------------------------------------------------------------
# Property B: configs
# ---------------------------------------------------------------------------------------------

COUNTING = ("cumulative", "epoch_restart", "epoch_constant")
PLOT_VALUES = {
    "layout": ["auto", "overlay", "grid", "stack", "grdi"],
    "style": ["default", "paper", "dark", "fancy"],
    "logy": [True, False, "yes"],
    "x": ["steps", "epochs", "fraction", "hours"],
    "size": ["column", "page", "screen", [8, 4.5], "8,4.5", [0, 1], [8], "8x"],
    "dpi": [10, 100, 5, 2400, 10**6, "high"],
    "annotate": [True, False, 1],
}


def draw_entry(draw, T: int):
    """One item of a config's ``schedules:`` list."""
    branch = choose(draw, 8)
    if branch == 6:
        return draw(st.sampled_from(ALL_NAMES))
    if branch == 7:
        return draw(junk)
    name = draw(st.sampled_from(ALL_NAMES))
    entry: dict = {"name": name}
    if draw(st.booleans()):
        entry["params"] = draw_params(draw, name, T, depth=2, top=False)
    if now_and_then(draw, 4):
        entry["label"] = draw(one_of(st.text(max_size=10), scalars))
    if now_and_then(draw, 6):
        entry["counting"] = COUNTING[choose(draw, 3)] if draw(st.booleans()) else draw(scalars)
    if now_and_then(draw, 20):
        entry[("nmae", "parms", "steps")[choose(draw, 3)]] = draw(scalars)
    if now_and_then(draw, 20):
        entry["name"] = draw(scalars)
    return entry


def draw_config_data(draw) -> dict:
    """A config as plain data: mostly well formed, with wrong values and keys now and then."""
    T = (1 + up_to(draw, 1999), 1 + up_to(draw, 49_999), (1, 2, 10**5)[choose(draw, 3)])[choose(draw, 3)]
    data: dict = {}
    if not now_and_then(draw, 4):
        data["total_steps"] = (T, T, draw_steps(draw, T, wild=True), (10**10, "20ep")[choose(draw, 2)])[choose(draw, 4)]
    if draw(st.booleans()):
        data["lr"] = draw(lrs)
    if now_and_then(draw, 3):
        data["steps_per_epoch"] = 1 + up_to(draw, 999) if draw(st.booleans()) else draw(duration_scalars)
    if now_and_then(draw, 5):
        data["counting"] = COUNTING[choose(draw, 3)] if draw(st.booleans()) else draw(scalars)
    for key in ("title", "caption", "output"):
        if now_and_then(draw, 6):
            data[key] = draw(one_of(st.text(max_size=10), scalars))
    if now_and_then(draw, 6):
        if draw(st.booleans()):
            data["plot"] = {k: v[choose(draw, len(v))] for k, v in PLOT_VALUES.items() if draw(st.booleans())}
        else:
            data["plot"] = draw(junk)
    if not now_and_then(draw, 10):
        branch = choose(draw, 3)
        if branch == 0:
            data["schedules"] = [draw_entry(draw, T) for _ in range(1 + choose(draw, 3))]
        else:
            data["schedules"] = [] if branch == 1 else draw(junk)
    if now_and_then(draw, 10):
        data[draw(one_of(st.text(max_size=8), st.integers(), st.none()))] = draw(scalars)
    order = draw(st.permutations(list(data)))
    return {key: data[key] for key in order}


@st.composite
def config_bytes(draw) -> bytes:
    """A YAML config dumped from random data, often intact, else truncated, spliced or garbage."""
    how = draw(st.integers(min_value=0, max_value=9))
    if how == 9:
        return draw(one_of(st.binary(max_size=60), st.text(max_size=60).map(lambda s: s.encode("utf-8", "surrogatepass"))))
    text = yaml.safe_dump(draw_config_data(draw), sort_keys=False, allow_unicode=draw(st.booleans()),
                          default_flow_style=draw(st.sampled_from([False, None, True])))
    raw = text.encode("utf-8", "surrogatepass")
    if how == 6:  # truncated
        raw = raw[: draw(st.integers(min_value=0, max_value=len(raw)))]
    elif how == 7:  # spliced with random bytes
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif how == 8:  # spliced with YAML punctuation
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        piece = draw(st.lists(st.sampled_from(list("{}[]:,-&*!|>'\"#%@`\t\n ") + ["<<: *a", "&a ", "!!python/name:os.system"]),
                              min_size=1, max_size=4))
        raw = raw[:at] + "".join(piece).encode() + raw[at:]
    return raw


def _config_attempt(raw: bytes, path) -> Problem | None:
    """Parse, load and evaluate with warnings as errors: LrvizErrors only, and finite lr >= 0 on every curve."""
    text = raw.decode("utf-8", "replace")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            lrconfig.parse(text, "fuzz.yaml")
        except Exception as err:  # noqa: BLE001 - parse reports problems as issues, never raises
            return _raised("parse", err)
        path.write_bytes(raw)
        try:
            config = lrconfig.load(str(path))
        except LrvizError:
            return None
        except Exception as err:  # noqa: BLE001
            return _raised("load", err)
        try:
            curves = lrviz.evaluate(config)
        except LrvizError:
            return None
        except Exception as err:  # noqa: BLE001
            return _raised("evaluate", err)
    for curve in curves:  # evaluate promises finite curves (check_finite refuses the others)
        problem = check_values(curve.lr, curve.steps.shape, f"curve {curve.label!r}", curve.schedule.name)
        if problem:
            return problem
    return None


def config_problem(raw: bytes, path) -> str | None:
    problem = _config_attempt(raw, path)
    return None if problem is None else problem.text


@fuzz_settings(800)
@given(raw=config_bytes())
def test_configs_raise_only_lrviz_errors_and_evaluate_finite(raw, tmp_path_factory):
    path = tmp_path_factory.getbasetemp() / "fuzz-config.yaml"
    problem = config_problem(raw, path)
    assert problem is None, f"config {raw!r}: {problem}"


# ---------------------------------------------------------------------------------------------
# Property C: the command line, in-process
# ---------------------------------------------------------------------------------------------


def as_option_text(value) -> str:
    """How a user would write ``value`` after ``--set NAME.PARAM=``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return {INF: ".inf", -INF: "-.inf"}.get(value, ".nan")
    if isinstance(value, (int, float)):
        return repr(value)
    return yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True).strip().removesuffix("...").strip()


@st.composite
def cli_calls(draw):
    name = draw(st.sampled_from(ALL_NAMES))
    T = 1 + up_to(draw, 10**6 - 1) if draw(st.booleans()) else 1 + choose(draw, 32) * 3
    pnames = list(SIGNATURES[name])
    pname = draw(st.sampled_from(pnames)) if not now_and_then(draw, 5) else draw(st.text(min_size=1, max_size=6))
    param = SIGNATURES[name].get(pname)
    value = draw_value(draw, name, param, T, depth=1, wild=draw(st.booleans())) if param else draw(scalars)
    text = as_option_text(value) if not now_and_then(draw, 5) else draw(st.text(max_size=8))
    argv = ["compare", name, "--steps", str(T), "--set", f"{name}.{pname}={text}", "--term"]
    if now_and_then(draw, 5):
        argv += ["--lr", ("0", "0.1", "1e300", "-1", "nan", "inf", "abc")[choose(draw, 7)]]
    if now_and_then(draw, 5):
        argv += ["--steps-per-epoch", ("1", "7", "100", "0", "-3", "x")[choose(draw, 6)]]
    return argv


@fuzz_settings(200)
@given(argv=cli_calls())
def test_cli_compare_set_raises_only_lrviz_errors_or_exits(argv):
    from typer.testing import CliRunner

    from lrviz.cli import app

    result = CliRunner().invoke(app, argv)
    err = result.exception
    assert err is None or isinstance(err, (SystemExit, LrvizError)), f"lrviz {' '.join(map(repr, argv))}: {_foreign(err)}"


# ---------------------------------------------------------------------------------------------
# Regression tests: one per bug the properties found (shrunk by hypothesis, then by hand), each
# asserting the right behaviour: a refusal naming the parameter, or the value of the formula.
# ---------------------------------------------------------------------------------------------


def lr_without_warnings(schedule, steps) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return schedule(np.asarray(steps, dtype=np.int64))


TOO_LARGE = r"is too large; numbers must be within float64 range"
TOO_LONG = r"is too large; a duration must be at most 2\*\*53 = 9,007,199,254,740,992 steps"


def test_regression_int_beyond_float_range(tmp_path):
    # was: OverflowError 'int too large to convert to float' from params.as_number / units.to_steps / _checks.number
    from lrviz.schedules import cosine

    with pytest.raises(LrvizError, match=rf"^params\.lr: {TOO_LARGE} \(about 1\.8e308\); got an integer of 401 digits$"):
        lrviz.schedule("cosine", lr=10**400)
    with pytest.raises(LrvizError, match=rf"^params\.min_lr: {TOO_LARGE}"):
        lrviz.schedule("cosine", min_lr=-(10**400))
    with pytest.raises(LrvizError, match=rf"^params\.total_steps: {TOO_LONG}"):
        lrviz.schedule("cosine", total_steps=10**400)
    with pytest.raises(LrvizError, match=rf"^lr: {TOO_LARGE}"):  # the factory's own check (_checks.number)
        cosine.cosine(lr=10**400)
    with pytest.raises(LrvizError, match=rf"^total_steps: {TOO_LARGE}"):  # _checks.steps
        cosine.cosine(total_steps=10**400)
    # found by the random hunt: an expression's int literal (torch.LambdaLR's lr_lambda, lrviz.expr)
    with pytest.raises(LrvizError, match=rf"^params\.lr_lambda: {TOO_LARGE} \(about 1\.8e308\); got an integer of 401"):
        lrviz.schedule("torch.LambdaLR", lr_lambda=10**400)
    with pytest.raises(LrvizError, match=rf"^params\.lr_lambda: {TOO_LARGE}"):
        lrviz.schedule("torch.LambdaLR", lr_lambda="0.5 * " + "9" * 400 + " ** 0")
    path = tmp_path / "config.yaml"
    path.write_text("schedules:\n  - name: cosine\n    params: {min_lr: 1" + "0" * 400 + "}\n")
    with pytest.raises(lrviz.ConfigError, match=rf"schedules\[0\]\.params\.min_lr: {TOO_LARGE}"):
        lrviz.load(str(path))


def test_regression_duration_beyond_int64(tmp_path):
    # was: OverflowError 'Python int too large to convert to C long' once numpy met the duration
    with pytest.raises(LrvizError, match=rf"^params\.total_steps: {TOO_LONG} \(the most float64 counts exactly\); "
                                             r"got 1e\+300$"):
        lrviz.schedule("cosine", total_steps=1e300)
    with pytest.raises(LrvizError, match=rf"^params\.milestones\[0\]: {TOO_LONG}.*; got 9223372036854775808$"):
        lrviz.schedule("multistep", milestones=[2**63])
    with pytest.raises(LrvizError, match=rf"^params\.decay_steps: {TOO_LONG}.*; got '1e30ep'$"):
        lrviz.schedule("linear", steps_per_epoch=10, decay_steps="1e30ep")
    with pytest.raises(LrvizError, match=rf"^params\.total_steps: {TOO_LONG}.*; got 9007199254740993$"):
        lrviz.schedule("cosine", total_steps=2**53 + 1)  # float() would round it to 2**53
    big = lrviz.schedule("cosine", lr=1.0, total_steps=2**53, decay_steps=2**53)  # the largest duration accepted
    np.testing.assert_allclose(lr_without_warnings(big, [0, 2**52, 2**53]), [1.0, 0.5, 0.0], atol=1e-15)
    path = tmp_path / "config.yaml"
    path.write_text("total_steps: 10\nschedules:\n  - name: cosine\n    params: {decay_steps: 1e300}\n")
    with pytest.raises(lrviz.ConfigError, match=rf"schedules\[0\]\.params\.decay_steps: {TOO_LONG}"):
        lrviz.load(str(path))


def test_regression_steps_per_epoch_not_an_int():
    # was: TypeError "can't multiply sequence by non-int of type 'float'" from '5ep' * '10'
    for bad in ("10", 2.5, True, [10], math.inf, math.nan):
        with pytest.raises(LrvizError, match=r"^steps_per_epoch: expected a whole number of steps >= 1; got "):
            lrviz.schedule("linear", steps_per_epoch=bad, decay_steps="5ep")
    for bad in (0, -3):
        with pytest.raises(LrvizError, match=rf"^steps_per_epoch: must be >= 1; got {bad}$"):
            lrviz.schedule("linear", steps_per_epoch=bad)
    with pytest.raises(LrvizError, match=r"^steps_per_epoch: is too large; at most 2\*\*53 steps"):
        lrviz.schedule("linear", steps_per_epoch=10**30)
    linear = lrviz.schedule("linear", lr=1.0, total_steps=100, steps_per_epoch=10.0, decay_steps="5ep")  # 50 steps
    assert linear.params["decay_steps"] == 50
    np.testing.assert_allclose(lr_without_warnings(linear, [0, 25, 50, 99]), [1.0, 0.5, 0.0, 0.0], atol=1e-15)


def test_regression_overflow_gives_silent_inf():
    # was: inf (and a numpy RuntimeWarning) for 0.1 * 43 ** (t / 3) past the float64 maximum
    from lrviz.errors import StepError

    first = next(t for t in range(2000) if t / 3 * math.log(43) + math.log(0.1) > math.log(sys.float_info.max))
    s = lrviz.schedule("exponential", lr=0.1, total_steps=1000, decay_rate=43, decay_steps=3)
    # the last finite value: 43 ** (t/3) alone overflows there, 0.1 times it does not (the lr is taken in logarithms)
    last = math.exp(math.log(0.1) + (first - 1) / 3 * math.log(43))
    with pytest.raises(OverflowError):
        43.0 ** ((first - 1) / 3)
    assert last < sys.float_info.max
    np.testing.assert_allclose(lr_without_warnings(s, [0, first - 1]), [0.1, last], rtol=1e-12)
    for steps in ([0, 1000], [1000, first, 0], first):
        with pytest.raises(NonFiniteLr, match=rf"^the lr is inf at step {first if steps != [0, 1000] else 1000:,}; "
                                              "its parameters take it out of floating-point range$") as caught:
            lr_without_warnings(s, steps)
        assert isinstance(caught.value, StepError) and caught.value.value == math.inf
    assert caught.value.step == first
    assert np.isinf(s.unchecked([first]))[0]  # drawing and export see the inf, and report it with the config's path


def test_non_finite_lr_names_the_smallest_step_asked_for_and_momentum_is_not_checked():
    from lrviz.schedules._base import Schedule

    s = Schedule(lambda t: np.where(t >= 4, np.nan, 1.0) / np.where(t == 2, 0.0, 1.0), name="x",
                 momentum_fn=lambda t: np.full(t.shape, np.nan))
    with pytest.raises(NonFiniteLr, match=r"^the lr is nan at step 4; its parameters take") as caught:
        lr_without_warnings(s, [7, 5, 4, 3])
    assert caught.value.step == 4 and math.isnan(caught.value.value)
    with pytest.raises(NonFiniteLr, match=r"^the lr is inf at step 2;"):  # 1 / 0, without a RuntimeWarning
        lr_without_warnings(s, [9, 2])
    assert lr_without_warnings(s, [0, 1, 3]).tolist() == [1.0, 1.0, 1.0]
    assert np.isnan(s.momentum([0, 9])).all()  # NaN momentum is allowed (a phase that does not cycle it)


def test_regression_extreme_input_gives_silent_nan():
    # was: NaN (RuntimeWarning 'invalid value encountered in multiply'): 2 pi num_periods overflowed to inf, times t' = 0
    s = lrviz.schedule("linear_cosine", lr=0.1, total_steps=10, num_periods=1e308)
    # num_periods * t'/D = 1e308 * 0.5 is a whole number: cos(2 pi k) = 1, so lr = lr * ((alpha + linear) * 1 + beta)
    np.testing.assert_allclose(lr_without_warnings(s, [0, 5, 10]), [0.1 * 1.001, 0.1 * 0.501, 0.1 * 0.001], rtol=1e-12)
    s = lrviz.schedule("linear_cosine", lr=1.0, total_steps=10, num_periods=2.25, beta=0.0)
    t = np.arange(11)
    expected = (10 - t) / 10 * (1 + np.cos(2 * np.pi * 2.25 * t / 10)) / 2
    np.testing.assert_allclose(lr_without_warnings(s, t), expected, rtol=1e-12, atol=1e-15)


def test_regression_cosine_restarts_peak_decay_gives_nan():
    # was: NaN at step 767: lr * peak_decay ** i with lr = 0 and 10 ** 383 overflowing is 0 * inf
    s = lrviz.schedule("cosine_restarts", lr=0.0, total_steps=768, first_period=2, peak_decay=10)
    assert lr_without_warnings(s, [0, 766, 767]).tolist() == [0.0, 0.0, 0.0]
    # a finite lr whose power alone overflows: 1e-300 * 10 ** 383 = 1e83 at the start of cycle 383 (step 766)
    s = lrviz.schedule("cosine_restarts", lr=1e-300, total_steps=768, first_period=2, peak_decay=10)
    np.testing.assert_allclose(lr_without_warnings(s, [0, 766, 767]), [1e-300, 1e83, 0.5e83], rtol=1e-12)
    s = lrviz.schedule("cosine_restarts", lr=1.0, total_steps=800, first_period=2, peak_decay=10)
    with pytest.raises(NonFiniteLr, match="^the lr is inf at step 618;"):  # 10 ** 309 at cycle 309 (step 618)
        lr_without_warnings(s, [0, 616, 618, 700])


def test_regression_power_overflow_with_a_finite_lr():
    # found reviewing the formulas like the two above: lr * base ** k (step, multistep, exponential) and the exponential
    # warmup start_lr * (target / start_lr) ** p overflowed (or gave 0 * inf) where the lr itself is in float range
    s = lrviz.schedule("step", lr=0.0, total_steps=1000, step_size=1, gamma=1e300)
    assert lr_without_warnings(s, [0, 5, 1000]).tolist() == [0.0, 0.0, 0.0]
    s = lrviz.schedule("multistep", lr=1e-300, total_steps=10, milestones=[1, 2, 3], gamma=1e200)  # 1e-300 * 1e600
    np.testing.assert_allclose(lr_without_warnings(s, [0, 1, 2]), [1e-300, 1e-100, 1e100], rtol=1e-12)
    s = lrviz.schedule("exponential", lr=1e-300, total_steps=1000, decay_rate=10.0, decay_steps=1)
    np.testing.assert_allclose(lr_without_warnings(s, [0, 400, 600]), [1e-300, 1e100, 1e300], rtol=1e-12)
    with pytest.raises(NonFiniteLr, match="^the lr is inf at step 609;"):  # 1e-300 * 10 ** 609 = 1e309
        lr_without_warnings(s, [0, 609, 1000])
    s = lrviz.schedule("warmup", lr=1.0, total_steps=100, warmup_steps=10, shape="exponential", start_lr=1e-300)
    # start_lr * (lr / start_lr) ** (t / W), with lr / start_lr = 1e300 still finite; and past float range:
    np.testing.assert_allclose(lr_without_warnings(s, [0, 5, 10]), [1e-300, 1e-150, 1.0], rtol=1e-12)
    s = lrviz.schedule("warmup", lr=1e10, total_steps=100, warmup_steps=10, shape="exponential", start_lr=1e-300)
    np.testing.assert_allclose(lr_without_warnings(s, [0, 5, 10]), [1e-300, 1e-145, 1e10], rtol=1e-12)


def test_regression_terminal_preview_of_an_lr_near_the_float_maximum():
    # found by the random hunt (property C): a constant lr of 1.2e308 widened the y range past the float64 maximum
    # (5e-324 did not widen it at all), hi - lo was inf (0), the rows NaN, and the terminal preview raised IndexError
    from typer.testing import CliRunner

    from lrviz.cli import app
    from lrviz.draw.terminal import preview

    for lr in ("1.1984620899082105e+308", "5e-324"):  # and the smallest subnormal, whose half is 0
        result = CliRunner().invoke(app, ["compare", "constant", "--steps", "1", "--set", f"constant.lr={lr}", "--term"])
        assert result.exception is None and result.exit_code == 0, result.output
    lines = preview([("a", [0, 1, 2], [-1.7e308, 0.0, 1.7e308])], width=40, height=4).splitlines()
    top, bottom = lines[0], lines[3]  # a straight line from the bottom left to the top right
    assert top.startswith(" 1.7e308 ┤") and bottom.startswith("-1.7e308 ┤")
    plot_top, plot_bottom = top.split("┤", 1)[1], bottom.split("┤", 1)[1]
    assert plot_bottom[0] != " " and plot_top[0] == " " and plot_top.rstrip()[-1] != " "


@pytest.mark.parametrize("text, where, message", [
    ('title: "\\U10001000"\n', (1, 11), "YAML syntax: invalid escape (chr() arg not in range(0x110000))"),
    ("title: 2020-13-45\n", (1, 8), "YAML syntax: cannot read '2020-13-45' (month must be in 1..12)"),
    ("total_steps: !!float x\n", (1, 14), "YAML syntax: cannot read 'x' (could not convert string to float: 'x')"),
])
def test_regression_yaml_value_errors_are_config_issues(text, where, message, tmp_path):
    # found by the random hunt (property B): PyYAML raised ValueError (chr() of a \U escape beyond U+10FFFF in its
    # scanner; datetime() of a date-like scalar; float() under !!float) through lrviz.config.parse
    from lrviz.config import parse_value

    issues = lrconfig.parse(text, "fuzz.yaml")[1].issues
    assert [(i.line, i.col, i.message) for i in issues] == [(*where, message)]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(lrviz.ConfigError, match=re.escape(f"{path}:{where[0]}:{where[1]}: {message}")):
        lrviz.load(str(path))
    value = text.split(": ", 1)[1].strip()
    assert parse_value(value) == value  # --set NAME.PARAM=VALUE: not YAML, so kept as text


def test_regression_torch_multistep_gamma_power_overflow():
    # found by the random hunt: gamma ** count in Python floats raised OverflowError (34, 'Numerical result out of
    # range') while building; torch raises it at that milestone, and the twin's lr is not finite from there on
    from lrviz.errors import StepError

    s = lrviz.schedule("torch.MultiStepLR", lr=1.0, milestones=[3, 3], gamma=1e300)  # gamma ** 2 at t = 3
    assert lr_without_warnings(s, [0, 1, 2]).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(StepError, match=r"^torch\.MultiStepLR: the lr at step 3 is inf;"):
        lr_without_warnings(s, [0, 3])
    seq = lrviz.schedule("torch.SequentialLR", schedulers=[{"name": "torch.MultiStepLR",
                                                             "params": {"milestones": [2, 2], "gamma": 1e300}}])
    assert lr_without_warnings(seq, [0, 1]).tolist() == [0.1, 0.1]
    with pytest.raises(StepError, match=r"^torch\.SequentialLR: the lr at step 2 is inf;"):
        lr_without_warnings(seq, [2])


# The library's own negative lr, reproduced (NEGATIVE_LIKE_THE_LIBRARY)

def test_keras_polynomial_decay_is_a_little_negative_at_the_end_like_keras():
    # Keras 3.15.1 on JAX, PolynomialDecay(0.1, 72, end_learning_rate=0.0) at steps 71, 72, 73:
    # under jax.jit (model.fit) and eagerly; the compiled 1 - t * float32(1/72) is a little below 0 from t = 72
    jit = lrviz.schedule("keras.PolynomialDecay", total_steps=72, end_learning_rate=0.0)
    np.testing.assert_allclose(lr_without_warnings(jit, [71, 72, 73]),
                               [0.001388888224028051, -7.450580707946131e-10, -7.450580707946131e-10], rtol=1e-7)
    eager = lrviz.schedule("keras.PolynomialDecay", total_steps=72, end_learning_rate=0.0, jit_compile=False)
    np.testing.assert_allclose(lr_without_warnings(eager, [71, 72, 73]), [0.0013888896210119128, 0.0, 0.0], rtol=1e-7)
    big = lrviz.schedule("keras.PolynomialDecay", initial_learning_rate=5.6e16, total_steps=72, end_learning_rate=0.0)
    np.testing.assert_allclose(lr_without_warnings(big, [71, 72]), [777777372463104.0, -417232512.0], rtol=1e-7)
    values = lr_without_warnings(big, np.arange(80))
    assert values.min() >= lowest_lr("keras.PolynomialDecay", values)  # within the fuzz tolerance


def test_tf_noisy_linear_cosine_decay_goes_negative_like_tf():
    # TF adds N(0, initial_variance / (1 + t')**variance_decay) to the linear term and never clips
    from lrviz.schedules._noise import normal

    t = np.arange(35)
    D, lr, beta = 34, 0.1, 0.001
    clipped = np.minimum(t, D)
    linear = (D - clipped) / D + np.sqrt(1.0 / (1.0 + clipped) ** 0.55) * normal(0, t)
    cosine = (1 + np.cos(2 * np.pi * 0.5 * clipped / D)) / 2
    expected = lr * (linear * cosine + beta)
    got = lr_without_warnings(lrviz.schedule("tf.noisy_linear_cosine_decay", total_steps=D), t)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)  # float32
    assert got.min() < 0 and expected.min() < 0


TIMM_WARMUP = [name for name in ALL_NAMES if name.startswith("timm.") and "warmup_lr_init" in SIGNATURES[name]]
TIMM_NOISE = [name for name in ALL_NAMES if name.startswith("timm.") and "noise_pct" in SIGNATURES[name]]


@pytest.mark.parametrize("name", TIMM_WARMUP)
def test_regression_timm_negative_warmup_lr_init(name):
    # was: accepted, and the warmup started at lr -1 (only timm.tanh refused it)
    with pytest.raises(LrvizError, match=r"^params\.warmup_lr_init: must be >= 0"):
        lrviz.schedule(name, total_steps=22, warmup_t=5, warmup_lr_init=-1.0)
    s = lrviz.schedule(name, lr=1.0, total_steps=22, warmup_t=5, warmup_lr_init=0.0)
    assert lr_without_warnings(s, [0]).tolist() == [0.0]  # the warmup starts at warmup_lr_init


@pytest.mark.parametrize("name, noise_type", [(name, kind) for name in TIMM_NOISE for kind in ("normal", "uniform")
                                              if kind == "normal" or "noise_type" in SIGNATURES[name]])
def test_regression_timm_noise_pct_above_one(name, noise_type):
    # was: noise_pct=100 accepted, and lr + lr * noise went below 0 (timm keeps |noise| < noise_pct)
    kw = dict(total_steps=22, noise_range_t=[0], noise_std=3.5)
    if "noise_type" in SIGNATURES[name]:
        kw["noise_type"] = noise_type
    for pct in (100.0, 1.0, -0.5):
        with pytest.raises(LrvizError, match=rf"^params\.noise_pct: must be in \[0, 1\): timm sets lr \+ lr \* noise "
                                                 rf"with \|noise\| < noise_pct .*; got {re.escape(f'{pct:g}')}$"):
            lrviz.schedule(name, noise_pct=pct, **kw)
    lrviz.schedule(name, noise_pct=100.0, total_steps=22)  # no noise_range_t: the noise is off and noise_pct unused
    values = lr_without_warnings(lrviz.schedule(name, noise_pct=0.99, **kw), range(22))
    assert (values >= 0).all()


@pytest.mark.parametrize("name, param", [("optax.cosine_onecycle_schedule", "pct_start"),
                                         ("optax.linear_onecycle_schedule", "pct_start"),
                                         ("optax.linear_onecycle_schedule", "pct_final")])
def test_regression_optax_onecycle_huge_pct(name, param):
    # was: OverflowError from int(pct * T) (or 'cannot convert float infinity to integer' for 1e308)
    for pct in (1e17, 1e308):
        with pytest.raises(LrvizError, match=rf"^params\.{param}: is too large: the knot int\({param} \* "
                                             rf"transition_steps\)"):
            lrviz.schedule(name, **{param: pct})
    with pytest.raises(LrvizError, match=rf"^params\.{param}: must be >= 0: optax places a knot"):
        lrviz.schedule(name, **{param: -0.1})
    lrviz.schedule(name, **{param: 1.5})  # past the end, as optax allows (its golden cases are in optax.json)
    # pct_start = 1: the peak knot lands on T and is overwritten by the end knot (optax's dict {T: 1/(d*fd)}),
    # so the lr goes by cosine from P/d straight down to P/d * 1/(d*fd) over [0, T]
    s = lrviz.schedule("optax.cosine_onecycle_schedule", transition_steps=12, peak_value=1.0, pct_start=1.0)
    end = 1 / 25 / (25 * 1e4)
    t = np.arange(14)
    expected = np.where(t < 12, end + (1 / 25 - end) / 2 * (1 + np.cos(np.pi * t / 12)), end)
    np.testing.assert_allclose(lr_without_warnings(s, t), expected, rtol=1e-6, atol=1e-7 * 0.04)  # float32


def test_regression_optax_cosine_decay_negative_alpha():
    # found by the random hunt: alpha=-1 was accepted, and the lr ended at init_value * alpha = -1
    with pytest.raises(LrvizError, match=r"^params\.alpha: must be >= 0: the lr ends at init_value \* alpha .*; got -1$"):
        lrviz.schedule("optax.cosine_decay_schedule", total_steps=1, init_value=1.0, alpha=-1)
    # alpha = 0.25: I * (alpha + (1 - alpha) * (1 + cos(pi t / D)) / 2), then I * alpha
    s = lrviz.schedule("optax.cosine_decay_schedule", total_steps=4, init_value=1.0, alpha=0.25)
    t = np.arange(6)
    expected = np.where(t < 4, 0.25 + 0.75 * (1 + np.cos(np.pi * t / 4)) / 2, 0.25)
    np.testing.assert_allclose(lr_without_warnings(s, t), expected, rtol=1e-6)  # float32


def test_regression_optax_cosine_onecycle_zero_division():
    # was: ZeroDivisionError 'float division by zero' in 1.0 / (div_factor * final_div_factor) once it underflowed
    for name in ("optax.cosine_onecycle_schedule", "optax.linear_onecycle_schedule"):
        with pytest.raises(LrvizError, match=r"^params\.final_div_factor: div_factor \* final_div_factor = 0 "
                                                 r"leaves float range"):
            lrviz.schedule(name, div_factor=1e-200, final_div_factor=1e-200)
        with pytest.raises(LrvizError, match=r"^params\.final_div_factor: div_factor \* final_div_factor = 9\.99989e-321 leaves"):
            lrviz.schedule(name, div_factor=1e-160, final_div_factor=1e-160)  # subnormal: 1 / it is inf


def test_regression_torch_onecycle_steps_per_epoch_through_the_api():
    # was: steps_per_epoch went to lrviz.schedule's context only: 'give both epochs and steps_per_epoch'
    s = lrviz.schedule("torch.OneCycleLR", epochs=2, steps_per_epoch=5)  # T = 10, max_lr = lr = 0.1
    assert s.params["total_steps"] == 10 and s.params["steps_per_epoch"] == 5

    def cos(start, end, pct):  # torch's _annealing_cos
        return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)

    initial, peak, final = 0.1 / 25, 0.1, 0.1 / 25 / 1e4
    e1, e2 = 0.3 * 10 - 1, 10 - 1  # phase ends: pct_start * T - 1 and T - 1
    expected = [cos(initial, peak, 1 / e1), cos(peak, final, (5 - e1) / (e2 - e1)), final]
    np.testing.assert_allclose(lr_without_warnings(s, [1, 5, 9]), expected, rtol=1e-12)
    with pytest.raises(LrvizError, match=r"^params\.epochs: give both epochs and steps_per_epoch"):
        lrviz.schedule("torch.OneCycleLR", steps_per_epoch=5)  # the parameter too: torch needs both


def test_regression_optax_plateau_default_metric_of_every_step():
    # found by probing far steps: the default demo metric had total_steps + 1 values (MemoryError at 2**53)
    s = lrviz.schedule("optax.contrib.reduce_on_plateau", lr=0.1, total_steps=2**53)
    assert s.params["metrics"] is None
    assert lr_without_warnings(s, [0, 2**53]).tolist()[0] == 0.1  # scale 1 before any plateau


def test_regression_step_builds_every_mark():
    # was: one mark per drop (total_steps // step_size of them) built before keeping 100: hours for 1e9 steps
    s = lrviz.schedule("step", total_steps=10**9, step_size=1, gamma=0.5)
    assert s.marks == tuple((k, "x0.5", "drop") for k in range(1, 101))
    assert s.breaks == ()


# Marks and breaks are built in O(min(count, cap)): every schedule with a period, built with
# 1e9 steps (when it has total_steps) and a period of 1 (each Steps or int parameter in turn;
# staircase / cycle on). (The plateau twins replay their metric series, whose default is capped.)
MAX_MARKS, MAX_BREAKS = 202, 4100


@pytest.mark.parametrize("name", ALL_NAMES)
def test_marks_and_breaks_are_capped_for_a_billion_steps(name):
    sig = SIGNATURES[name]
    flags = {p: True for p in ("staircase", "cycle") if p in sig and sig[p].kind == "bool"}
    periods = [p.name for p in sig.values() if p.kind in ("Steps", "int") and p.name != "total_steps"]
    built = 0
    for period in [None, *periods]:
        kwargs = {**flags, **({period: 1} if period else {})}
        if "total_steps" in sig:
            kwargs["total_steps"] = 10**9
        try:
            s = lrviz.schedule(name, **kwargs)
        except LrvizError:
            continue
        built += 1
        assert len(s.marks) <= MAX_MARKS, (kwargs, len(s.marks))
        assert s.breaks is None or len(s.breaks) <= MAX_BREAKS, (kwargs, len(s.breaks))
    assert built, f"{name}: nothing built"


# ---------------------------------------------------------------------------------------------
# Property D: nesting depths (issue 20, family 5), 300 examples
# ---------------------------------------------------------------------------------------------
# Lists and mappings nested d deep, as YAML flow, YAML block, JSON, through aliases, as a --set value,
# and schedules nested n deep through the API. Depths cluster around the limits (lrviz.limits: 64
# levels, 24 schedules) and reach past Python's recursion limit (1000 frames). The property: only an
# LrvizError, and a refusal for the depth exactly when the depth, counted by the formula in each
# test, is over the limit.

from lrviz.limits import MAX_DEPTH, MAX_NESTING  # noqa: E402


def depths(limit: int, far: int) -> st.SearchStrategy[int]:
    """Depths near ``limit`` (either side), small ones, and far beyond it (up to ``far``)."""
    return st.one_of(st.integers(limit - 3, limit + 3), st.integers(0, limit), st.integers(limit, far))


def flow(d: int, kind: str) -> str:
    """d containers inside each other in YAML flow style: lists, mappings, or both by turns."""
    text = "1"
    for i in range(d):
        as_list = kind == "list" or (kind == "mixed" and i % 2)
        text = f"[{text}]" if as_list else f"{{k: {text}}}"
    return text


def block(d: int) -> str:
    """x: followed by d mappings in YAML block style (each one key deeper)."""
    return "x:\n" + "".join("  " * (i + 1) + "k:" + ("\n" if i < d - 1 else " 1\n") for i in range(d)) if d else "x: 1\n"


def is_depth_refusal(err: Exception) -> bool:
    return "nested more than" in str(err)


@fuzz_settings(120)
@given(d=depths(MAX_DEPTH, 3000), kind=st.sampled_from(["list", "map", "mixed", "block"]))
def test_config_nesting_is_refused_exactly_over_the_limit(d, kind):
    # depth = 1 (the top mapping) + d (the containers under x)
    if kind == "block":
        d = min(d, 400)  # 2d-space indents: 400 levels is 160 kB, below the 1 MB config limit
        text = block(d) + "schedules: [cosine]\n"
    else:
        text = "x: " + flow(d, kind) + "\nschedules: [cosine]\n"
    over = 1 + d > MAX_DEPTH
    try:
        lrconfig.from_text(text, "fuzz.yaml")
        raise AssertionError("x is not a config key: the config must be refused")
    except LrvizError as err:
        assert is_depth_refusal(err) == over, (d, kind, str(err)[:200])


@fuzz_settings(60)
@given(d=depths(MAX_DEPTH, 3000), via_alias=st.integers(0, 70))
def test_alias_nesting_counts_the_depth_it_reaches(d, via_alias):
    # a: d lists (depth 1 + d); b: via_alias lists around *a (depth 1 + via_alias + d)
    text = f"a: &a {flow(d, 'list')}\nb: {'[' * via_alias}*a{']' * via_alias}\nschedules: [cosine]\n"
    over = 1 + d > MAX_DEPTH or 1 + via_alias + d > MAX_DEPTH
    try:
        lrconfig.from_text(text, "fuzz.yaml")
        raise AssertionError("a and b are not config keys: the config must be refused")
    except LrvizError as err:
        assert is_depth_refusal(err) == over, (d, via_alias, str(err)[:200])


@fuzz_settings(60)
@given(d=depths(MAX_DEPTH, 3000))
def test_set_value_nesting(d):
    from lrviz.errors import UsageError

    # a --set value is a document of its own: depth = d
    try:
        value = lrconfig.parse_value(flow(d, "list"), "--set cosine.min_lr")
    except UsageError as err:
        assert d > MAX_DEPTH and str(err).startswith("--set cosine.min_lr: column ") and is_depth_refusal(err)
        return
    assert d <= MAX_DEPTH
    for _ in range(d):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == 1


@fuzz_settings(60)
@given(n=depths(MAX_NESTING, 400))
def test_schedule_nesting_through_the_api(n):
    # clamp(...) n deep around cosine: the innermost cosine is inside n + 1 schedules
    spec = "cosine"
    for _ in range(n):
        spec = {"name": "clamp", "params": {"schedule": spec}}
    try:
        schedule = lrviz.schedule("clamp", schedule=spec, lr=0.1, total_steps=100, max_lr=0.05)
    except LrvizError as err:
        assert n + 1 > MAX_NESTING and "schedules nested more than" in str(err), (n, str(err)[-200:])
        return
    assert n + 1 <= MAX_NESTING
    # every clamp has max_lr 0.05 (outer) or none: lr(t) = min(cosine(t), 0.05), cosine(t) = 0.05 (1 + cos(pi t / 100))
    t = np.array([0, 50, 99])
    want = np.minimum(0.1 * (1 + np.cos(np.pi * t / 100)) / 2, 0.05)
    assert np.allclose(schedule(t), want, rtol=1e-12)


# E and F (issue 20): text a user writes (titles, labels) and figure sizes
# ---------------------------------------------------------------------------------------------
# E, 60 examples: labels and titles mixing mathtext fragments (valid and broken), lone surrogates, CJK, symbols
# and long runs, drawn as a config's label and title into an SVG: either an LrvizError naming the text before
# anything is drawn (no file), or a figure with no exception and no warning (warnings are errors here).
# F, 400 examples: sizes W,H and dpi of every magnitude through the CLI's option check: accepted exactly when
# the rule written out below (0.5 <= W,H <= 100 in; 10 <= dpi <= 2400; each side >= 32 px; <= 250 Mpixel) says.

MATH_PIECES = ("$", "\\$", "$\\eta_t$", "$x^$", "$\\frac{", "}$", "$\\frac{1}{2}$", "^", "_", "{", "}", "\\sqrt",
               "$\\alpha$", "\\", "$$")
TEXT_PIECES = ("lr", " ", "cosine", "学习率", "余弦", "∯", "⨀", "—", "×", "\udcff", "\ud800", "\x00", "\n", "é", "🙂")


@st.composite
def user_text(draw) -> str:
    pieces = draw(st.lists(st.sampled_from(MATH_PIECES + TEXT_PIECES), min_size=1, max_size=8))
    text = "".join(pieces)
    if now_and_then(draw, 8):
        text += "w" * draw(st.sampled_from([990, 1001, 5000]))
    return text


def _yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (escapes for backslash, quote, controls and surrogates)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@fuzz_settings(60)
@given(label=user_text(), title=user_text())
def test_user_text_is_refused_before_drawing_or_drawn_without_warnings(label, title, tmp_path_factory):
    from lrviz.draw import figure

    folder = tmp_path_factory.mktemp("text")
    path, out = folder / "t.yaml", folder / "t.svg"
    path.write_text(f"title: {_yaml_quoted(title)}\ntotal_steps: 20\nschedules:\n"
                    f"  - {{name: cosine, label: {_yaml_quoted(label)}}}\nplot: {{size: [3, 2]}}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            figure(lrconfig.load(str(path)), output=str(out))
        except LrvizError as err:
            assert "label" in str(err) or "title" in str(err), err
            assert not out.exists()
            return
    assert out.exists() and out.stat().st_size > 0


def _accepted(width: float, height: float, dpi: int) -> bool:
    """The size rule, written out: the option ranges, then each side's inches and pixels, then the pixel count."""
    if not (0 < width <= 100 and 0 < height <= 100 and 10 <= dpi <= 2400):
        return False
    across, down = round(width * dpi), round(height * dpi)
    return min(width, height) >= 0.5 and min(across, down) >= 32 and across * down <= 250_000_000


SIZES = st.one_of(st.floats(min_value=1e-4, max_value=300, allow_nan=False),
                  st.sampled_from([0.5, 0.49, 100, 100.01, 3.5, 7, 8]))
DPIS = st.one_of(st.integers(min_value=1, max_value=5000), st.sampled_from([10, 2400, 2401, 64, 63, 1000]))


@fuzz_settings(400)
@given(width=SIZES, height=SIZES, dpi=DPIS)
def test_figure_sizes_are_accepted_exactly_by_the_rule(width, height, dpi):
    from lrviz.cli._options import FigureOptions
    from lrviz.errors import UsageError

    config = lrconfig.from_names(["cosine"], total_steps=10)
    try:
        FigureOptions(size=f"{width!r},{height!r}", dpi=dpi).apply(config)
        accepted = True
    except UsageError as err:
        assert str(err).startswith(("--size", "--dpi")), err
        accepted = False
    assert accepted == _accepted(width, height, dpi), (width, height, dpi)


def test_the_smallest_accepted_figure_draws(tmp_path):
    """0.5 x 0.5 in at 64 dpi, 32 x 32 pixels: the rule's lower edge is drawn, not only checked."""
    from dataclasses import replace

    from lrviz.draw import figure, with_options

    config = lrconfig.from_names(["cosine"], total_steps=10)
    config = replace(config, plot=with_options(config.plot, size="0.5,0.5", dpi=64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # matplotlib: constrained layout cannot fit 0.5 in
        figure(config, output=str(tmp_path / "edge.png"))
    assert (tmp_path / "edge.png").read_bytes().startswith(b"\x89PNG")
