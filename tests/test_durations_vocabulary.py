"""Durations as people write them: 20k, 1.5M, 300ep, 10%, and tokens and samples for LLM runs.

Expected step counts are the arithmetic of each spelling done here:
tokens / (batch_size * grad_accum * world_size * seq_len), rounded to the
nearest step.
"""

import numpy as np
import pytest

import lrviz
from lrviz.config import from_text
from lrviz.curves import build
from lrviz.errors import ConfigError, ParameterError
from lrviz.units import PerStep, to_steps

TOKENS = 4 * 4096 * 8 * 32  # batch_size x seq_len x grad_accum x world_size = 4,194,304


@pytest.mark.parametrize("text, steps", [
    ("20k", 20_000), ("1.5M", 1_500_000), ("1.1k", 1_100), ("2.5k steps", 2_500), ("100ba", 100),
    ("300ep", 300 * 50), ("3 epochs", 150), ("10%", 100), ("0.5k", 500), ("1e3", 1000), ("7", 7),
])
def test_spellings(text, steps):
    assert to_steps(text, total_steps=1000, steps_per_epoch=50) == steps


@pytest.mark.parametrize("text, steps", [
    ("2B tok", round(2e9 / TOKENS)), ("2B tokens", round(2e9 / TOKENS)), ("1T tok", round(1e12 / TOKENS)),
    ("500k samples", round(5e5 / 1024)), ("2048sp", 2),
])
def test_tokens_and_samples(text, steps):
    assert to_steps(text, per_step=PerStep(tokens=TOKENS, samples=1024)) == steps


@pytest.mark.parametrize("text, words", [
    ("2m", "expected a duration"), ("1.2345k", "whole"), ("2B tok", "tokens_per_step"),
    ("5 samples", "samples_per_step"), ("-1k", ">= 0"), ("12 parsecs", "expected a duration"),
])
def test_refusals(text, words):
    with pytest.raises(ParameterError) as err:
        to_steps(text)
    assert words in str(err.value)


LLM = """\
batch_size: 4
seq_len: 4096
grad_accum: 8
world_size: 32
total_steps: 2T tok
lr: 3e-4
schedules:
  - name: cosine
    params: {warmup_steps: 2B tok, min_lr: 3e-5}
plot: {x: tokens}
"""


def test_an_llm_run_in_tokens():
    config = from_text(LLM)
    T, W = round(2e12 / TOKENS), round(2e9 / TOKENS)
    assert config.total_steps == T
    assert config.per_step == PerStep(tokens=TOKENS, samples=4 * 8 * 32)
    ((_, s),) = build(config)
    assert s.params["warmup_steps"] == W
    t = np.array([0, W, T - 1])
    expected = [0.0, 3e-4, 3e-5 + (3e-4 - 3e-5) * (1 + np.cos(np.pi * (T - 1 - W) / (T - W))) / 2]
    np.testing.assert_allclose(s(t), expected, rtol=1e-12)


def test_x_in_tokens_is_steps_times_tokens_per_step():
    from lrviz.draw.axes import x_label, x_values

    per = PerStep(tokens=TOKENS, samples=1024)
    assert x_values(np.array([0, 10]), "tokens", 100, None, per).tolist() == [0, 10 * TOKENS]
    assert x_label("tokens", None, per) == "tokens"
    fig = lrviz.plot(from_text(LLM))
    assert fig.axes[0].get_xlabel() == "tokens"
    assert fig.axes[0].get_xlim()[1] > 1e12


def test_tokens_per_step_given_directly_or_with_magnitudes():
    config = from_text("tokens_per_step: 4M\ntotal_steps: 1B tok\nschedules: [{name: cosine}]\n")
    assert config.total_steps == 250 and config.per_step.tokens == 4_000_000


@pytest.mark.parametrize("text, key, words", [
    ("total_steps: 2B tok\nschedules: [{name: cosine}]\n", "total_steps", "tokens_per_step"),
    ("seq_len: 2048\nschedules: [{name: cosine}]\n", "seq_len", "needs batch_size"),
    ("batch_size: 8\nseq_len: 10\ntokens_per_step: 81\nschedules: [{name: cosine}]\n", "tokens_per_step", "gives 80"),
    ("batch_size: 0\nschedules: [{name: cosine}]\n", "batch_size", ">= 1"),
    ("schedules: [{name: cosine}]\nplot: {x: tokens}\n", "plot.x", "tokens_per_step"),
])
def test_config_errors_are_located(text, key, words):
    with pytest.raises(ConfigError) as err:
        from_text(text, "run.yaml")
    text = str(err.value)
    assert "run.yaml:" in text and key in text and words in text


def _cli(*argv):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "lrviz", *argv], capture_output=True, text=True, timeout=120)


def test_steps_on_the_command_line_in_the_words_people_use():
    import json

    out = _cli("stats", "cosine", "--steps", "20k", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["total_steps"] == 20_000
    out = _cli("stats", "cosine", "--steps", "300ep", "--steps-per-epoch", "50", "--format", "json")
    assert json.loads(out.stdout)[0]["total_steps"] == 15_000
    out = _cli("stats", "cosine", "--steps", "2B tok", "--tokens-per-step", "4M", "--format", "json")
    assert json.loads(out.stdout)[0]["total_steps"] == 500


@pytest.mark.parametrize("argv, words", [
    (("stats", "cosine", "--steps", "300ep"), "--steps: '300ep' is in epochs but --steps-per-epoch is not given"),
    (("stats", "cosine", "--steps", "2B tok"), "give --tokens-per-step"),
    (("stats", "cosine", "--tokens-per-step", "lots"), "--tokens-per-step: expected a whole count"),
    (("compare", "cosine", "--x", "tokens", "-o", "x.png"), "--x: tokens need what one update consumes"),
])
def test_command_line_units_refused_as_usage(argv, words, tmp_path):
    out = _cli(*argv)
    assert out.returncode == 2 and words in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_trainer_config_drawn_in_tokens(tmp_path):
    import os

    hf = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs", "trainers",
                      "hf_training_args.json")
    out = _cli("plot", hf, "--tokens-per-step", "1M", "--x", "tokens", "-o", str(tmp_path / "t.png"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")
