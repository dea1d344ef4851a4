"""The frameworks' own NaN / negative lr (lrviz.twins.failures): lrviz check names them from a config alone,
lrviz show says which parameters trigger them. Expected steps come from the float32 arithmetic written out
here (T * float32(1/T) > 1 makes the fused 1 - T * float32(1/T) negative), and the issue-18 case is also in
tests/golden/optax.json, recorded from optax under jax.jit (NaN from step 47)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner
from twin_golden import GOLDEN

import lrviz
from lrviz.cli import app
from lrviz.twins import failures

F32 = np.float32
runner = CliRunner()

ISSUE18 = """\
total_steps: 100
schedules:
  - name: optax.polynomial_schedule
    params:
      init_value: 3.0e-4
      end_value: 1.4e-4
      power: 2.003
      transition_steps: 18
      transition_begin: 29
"""


def overshoots(T):
    return float(T) * float(F32(1.0) / F32(T)) > 1.0  # written out, not lrviz's


def test_which_lengths_overshoot():
    assert [T for T in range(1, 30) if overshoots(T)] == [T for T in range(1, 30) if failures.overshoots(T)]
    assert overshoots(18) and overshoots(1000) and not overshoots(16) and not overshoots(100)
    assert failures.exact_end(18) == 16 and failures.exact_end(1000) == 999 and not overshoots(999)


def test_the_recorded_optax_case_is_nan_from_step_47():
    case = next(c for c in json.loads((GOLDEN / "optax.json").read_text())["cases"]
                if c["id"] == "polynomial-issue18-nan-from-47")
    lr = np.asarray(case["lr"], dtype=np.float64)
    steps = np.asarray(case["steps"])
    assert steps[np.isnan(lr)].min() == 47 and np.isfinite(lr[steps < 47]).all()


def test_check_catches_the_issue18_case_from_a_config(tmp_path):
    path = tmp_path / "issue18.yaml"
    path.write_text(ISSUE18)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "error" in x)
    assert "error at step 47" in line and "optax under jax.jit" in line and "nan" in line
    assert "fma(-c, float32(1/18), 1)" in line and "fractional power (power=2.003)" in line
    assert "power=2 (an integer power)" in line and "transition_steps=16" in line
    assert path.read_text() == ISSUE18  # nothing changed on disk


def test_the_fixes_check_clean(tmp_path):
    for fix in ("power: 2.003", "transition_steps: 18"):
        replaced = ISSUE18.replace("power: 2.003", "power: 2.0") if fix.startswith("power") else \
            ISSUE18.replace("transition_steps: 18", "transition_steps: 16")
        path = tmp_path / "fixed.yaml"
        path.write_text(replaced)
        result = runner.invoke(app, ["check", str(path)])
        assert result.exit_code == 0, result.output
    eager = ISSUE18.replace("      transition_begin: 29", "      transition_begin: 29\n      jit: false")
    path.write_text(eager)
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0


def test_check_names_the_negative_end_of_a_jitted_linear_decay():
    found = lrviz.check("optax.linear_schedule", total_steps=1200, transition_steps=1000)
    errors = [f for f in found if f.level == "error"]
    assert len(errors) == 1 and errors[0].step == 1000
    assert "below end_value = 0" in errors[0].message and "transition_steps=999" in errors[0].hint
    assert not [f for f in lrviz.check("optax.linear_schedule", total_steps=1200, transition_steps=999)
                if f.level == "error"]


def test_check_names_keras_compiled_polynomial_nan():
    found = lrviz.check("keras.PolynomialDecay", total_steps=100, decay_steps=72, power=2.5)
    error = next(f for f in found if f.level == "error")
    assert error.step == 72 and "Keras compiled by XLA" in error.message and "decay_steps=71" in error.hint
    assert not overshoots(71) and overshoots(72)
    assert not [f for f in lrviz.check("keras.PolynomialDecay", total_steps=100, decay_steps=72, power=2.5,
                                       jit_compile=False) if f.level == "error"]


def test_check_names_restarts_that_run_out():
    found = lrviz.check("keras.CosineDecayRestarts", total_steps=300, first_decay_steps=100, t_mul=0.5)
    error = next(f for f in found if f.level == "error")
    # the cycles add up to 100 / (1 - 0.5) = 200 steps; Keras' float32 log reaches 0 one step later
    assert error.step == 201 and "first_decay_steps / (1 - t_mul) = 200" in error.message
    assert "t_mul=1.0" in error.hint


@pytest.mark.parametrize("name", ["optax.polynomial_schedule", "optax.linear_schedule", "keras.PolynomialDecay",
                                  "keras.CosineDecayRestarts", "tf.cosine_decay_restarts"])
def test_show_says_which_parameters_trigger_it(name):
    result = runner.invoke(app, ["show", name])
    assert result.exit_code == 0
    text = result.output
    assert "numeric failures of the framework" in text
    restarts = name.lower().endswith("restarts")
    assert ("t_mul < 1" in text) if restarts else ("float32(1/T)" in text or "float32(1/decay_steps)" in text)


def test_show_of_a_twin_without_failures_says_nothing_of_them():
    assert "numeric failures" not in runner.invoke(app, ["show", "optax.cosine_decay_schedule"]).output


def test_every_optax_and_keras_twin_states_its_agreement_in_show():
    from lrviz.twins import keras as keras_twins, optax as optax_twins

    assert set(optax_twins.AGREEMENT) == set(optax_twins.TWINS)
    assert set(keras_twins.AGREEMENT) == set(keras_twins.TWINS)
    text = runner.invoke(app, ["show", "optax.cosine_onecycle_schedule"]).output
    assert "agreement with the library" in text and "1.7e-7 of the peak" in text
    assert "evaluation mode:" in text and "jax.jit" in text
    assert "evaluation mode:" in runner.invoke(app, ["show", "keras.CosineDecay"]).output
    assert "evaluation mode:" not in runner.invoke(app, ["show", "keras.ReduceLROnPlateau"]).output


def test_export_to_optax_leaves_out_the_twin_only_jit_parameter():
    result = runner.invoke(app, ["export", "optax.polynomial_schedule", "--to", "optax", "-o", "-"])
    assert result.exit_code == 0 and "optax.polynomial_schedule(" in result.output
    assert "jit" not in result.output
