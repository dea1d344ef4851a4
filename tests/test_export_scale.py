"""Export at scale: exact repr text built with numpy, the streamed writers, --every / --range, .npy and .npz.

Expected text comes from Python's own ``repr`` / ``csv`` / ``json`` (the writer lrviz
had before is rebuilt here from them, in :func:`reference_csv`); expected arrays from
numpy's own ``np.save`` / ``np.loadtxt`` and from the schedules evaluated on every step.
"""

import csv
import io
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import lrviz
from lrviz import datafile, floattext
from lrviz.cli import app

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(ROOT, "configs")
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def texts(values, **kw):
    return floattext.join([floattext.floats(np.asarray(values, dtype=np.float64), **kw)], b"", b"\n").decode().split("\n")[:-1]


# ---- floattext: repr's bytes, from numpy -------------------------------------------------------


def _samples():
    rng = np.random.default_rng(16)
    bits = rng.integers(-2**63, 2**63 - 1, 60_000, dtype=np.int64).view(np.float64)
    short = [float(f"{a:.{k}f}e{b}") for a, k, b in
             zip(rng.random(20_000), rng.integers(1, 17, 20_000), rng.integers(-30, 30, 20_000))]
    specials = [0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, 0.5, 0.1, 1e-4, 1e-5, 9.999999999999999e-05, 1e16,
                1e15, 9999999999999998.0, 123456789012345678.0, 5e-324, 2.0 ** -1022, 1.7976931348623157e308, 1e22,
                1e23, 0.3, 2 / 3, 1e-280, 1e280, 3e-5, -1e-100, -1.5e300, 4e-07, 0.0040000000000000036]
    t = np.arange(200_001)
    schedule_like = np.concatenate([0.05 * (1 + np.cos(np.pi * t / 200_000)), 0.1 * 0.5 ** (t // 1000) * 3,
                                    1e-4 * (1 - t / 200_000)])
    return np.concatenate([bits, 10.0 ** rng.uniform(-300, 300, 20_000), short, specials,
                           2.0 ** np.arange(-1000, 1000.0), -rng.random(5_000), schedule_like])


def test_float_text_is_repr_exactly():
    values = _samples()
    assert texts(values) == [repr(float(v)) for v in values]


def test_the_fast_path_is_the_one_tested():
    # the equality above would hold trivially if every value went to repr: numpy must decide nearly all
    rng = np.random.default_rng(5)
    bits = np.abs(rng.integers(-2**63, 2**63 - 1, 50_000, dtype=np.int64).view(np.float64))
    bits = bits[np.isfinite(bits) & (bits >= 1e-280) & (bits <= 1e280)]
    assert floattext.shortest(bits)[3].mean() > 0.99
    t = np.arange(100_001)
    assert floattext.shortest(0.05 * (1 + np.cos(np.pi * t / 100_001)) + 1e-9)[3].all()


def test_float_text_json_null_for_non_finite():
    assert texts([1.5, math.nan, -math.inf, 0.25], non_finite=b"null") == ["1.5", "null", "null", "0.25"]


def test_int_text_is_str():
    values = np.array([0, 1, 9, 10, 99, 100, 12345, 10**9, 10**15 + 7, 2**53], dtype=np.int64)
    got = floattext.join([floattext.ints(values)], b"", b"\n").decode().split("\n")[:-1]
    assert got == [str(int(v)) for v in values]


def test_layout_is_reprs():
    from decimal import Decimal

    for value in (0.1, 123.0, 1e15, 1.5e16, 2.5e-5, 0.000123, 1e-300, 7e22, 12345678.9, 100.0, 0.5, 1e-4, 1e-5):
        sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
        first = len(digits) - 1 + exponent
        assert floattext.repr_layout("".join(map(str, digits)), first) == repr(value), value


# ---- the writers: the same bytes as before, in chunks ------------------------------------------


def reference_columns(config):
    """The table of the writer lrviz had before: every step in memory."""
    curves = lrviz.evaluate(config)
    out = {"step": curves[0].steps.tolist()}
    for c in curves:
        name = c.label if c.label != "step" else "step lr"
        while name in out:
            name += "'"
        out[name] = c.lr.tolist()
        if c.momentum is not None:
            out[f"{name} momentum"] = c.momentum.tolist()
    return out


def reference_csv(config) -> bytes:
    table = reference_columns(config)
    fh = io.StringIO()
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(list(table))
    for row in zip(*table.values()):
        writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return fh.getvalue().encode()


def reference_json(config) -> bytes:
    table = reference_columns(config)
    clean = {k: [None if isinstance(v, float) and not math.isfinite(v) else v for v in col] for k, col in table.items()}
    return json.dumps(clean, allow_nan=False).encode()


def sequence_config(tmp_path):
    cfg = tmp_path / "seq.yaml"
    cfg.write_text("total_steps: 20\nschedules:\n  - name: sequence\n    params:\n      phases:\n"
                   "        - {steps: 10, name: constant}\n        - {name: onecycle}\n")
    return str(cfg)


@pytest.mark.parametrize("name", ["warmup_cosine.yaml", "onecycle.yaml", "compare_four.yaml", "same_name_cosine.yaml",
                                  "tf_decay_functions.yaml", "trainers/deepspeed_config.json"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_bytes_equal_the_previous_writer(tmp_path, name, fmt):
    path = os.path.join(CONFIGS, name)
    target = tmp_path / f"v.{fmt}"
    result = invoke("export", path, "-o", target)
    assert result.exit_code == 0, result.output
    config = lrviz.load(path)
    assert target.read_bytes() == (reference_csv if fmt == "csv" else reference_json)(config)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_bytes_over_many_chunks_with_nan_momentum(tmp_path, fmt):
    # more rows than two chunks; labels 'step' and a repeated label; a momentum column that is NaN in part
    cfg = tmp_path / "big.yaml"
    cfg.write_text("total_steps: 150000\nschedules:\n  - name: sequence\n    label: step\n    params:\n      phases:\n"
                   "        - {steps: 70000, name: constant}\n        - {name: onecycle}\n"
                   "  - name: noisy_linear_cosine\n    label: step\n  - name: exponential\n"
                   "    params: {decay_rate: 1e-12, decay_steps: 150000}\n")
    target = tmp_path / f"v.{fmt}"
    assert invoke("export", cfg, "-o", target).exit_code == 0
    config = lrviz.load(str(cfg))
    assert target.read_bytes() == (reference_csv if fmt == "csv" else reference_json)(config)


def test_json_momentum_nan_is_null(tmp_path):
    target = tmp_path / "v.json"
    assert invoke("export", sequence_config(tmp_path), "-o", target).exit_code == 0
    data = json.loads(target.read_text())
    assert data["sequence momentum"][:10] == [None] * 10


# ---- .npy and .npz ------------------------------------------------------------------------------


def test_npy_is_the_csv_as_one_array(tmp_path):
    path = os.path.join(CONFIGS, "onecycle.yaml")
    assert invoke("export", path, "-o", tmp_path / "v.npy").exit_code == 0
    assert invoke("export", path, "-o", tmp_path / "v.csv").exit_code == 0
    got = np.load(tmp_path / "v.npy")
    assert got.dtype == np.float64 and got.shape == (1000, 5)  # step, onecycle (+ momentum), cyclic (+ momentum)
    np.testing.assert_array_equal(got, np.loadtxt(tmp_path / "v.csv", delimiter=",", skiprows=1))
    curves = lrviz.evaluate(lrviz.load(path))
    expected = np.column_stack([np.arange(1000.0), curves[0].lr, curves[0].momentum, curves[1].lr, curves[1].momentum])
    buf = io.BytesIO()
    np.save(buf, expected)
    assert (tmp_path / "v.npy").read_bytes() == buf.getvalue()  # numpy's own bytes, header included


def test_npz_one_array_per_column(tmp_path):
    path = os.path.join(CONFIGS, "onecycle.yaml")
    assert invoke("export", path, "-o", tmp_path / "v.npz").exit_code == 0
    with np.load(tmp_path / "v.npz") as data:
        assert list(data.keys()) == ["step", "onecycle", "onecycle momentum", "cyclic (triangular)",
                                     "cyclic (triangular) momentum"]
        assert data["step"].dtype == np.int64
        np.testing.assert_array_equal(data["step"], np.arange(1000))
        one = lrviz.schedule("onecycle", lr=0.1, total_steps=1000)
        np.testing.assert_array_equal(data["onecycle"], one(np.arange(1000)))
        np.testing.assert_array_equal(data["onecycle momentum"], one.momentum(np.arange(1000)))
    first = (tmp_path / "v.npz").read_bytes()
    assert invoke("export", path, "-o", tmp_path / "v.npz").exit_code == 0
    assert (tmp_path / "v.npz").read_bytes() == first  # fixed dates: the same input, the same bytes


def test_npz_with_stride_over_chunks(tmp_path):
    target = tmp_path / "v.npz"
    assert invoke("export", "cosine", "--steps", 1_000_000, "--every", 7, "-o", target).exit_code == 0
    expected_steps = np.arange(0, 1_000_000, 7)  # the last update, 999,999 = 7 x 142,857, falls on the stride
    with np.load(target) as data:
        np.testing.assert_array_equal(data["step"], expected_steps)
        T = 1_000_000
        # 1 + cos cancels near the end: an absolute tolerance of 1e-15 of the peak there
        np.testing.assert_allclose(data["cosine"], 0.1 * (1 + np.cos(np.pi * expected_steps / T)) / 2, rtol=1e-12,
                                   atol=1e-16)


# ---- rows: --every and --range -----------------------------------------------------------------


@pytest.mark.parametrize("every, window, expected", [
    (None, None, list(range(10))),  # a run of 10 updates: the lrs of steps 0..9
    (3, None, [0, 3, 6, 9]),
    (4, None, [0, 4, 8, 9]),  # the last update is always kept
    (None, "2:5", [2, 3, 4]),
    (None, "8:", [8, 9]),
    (None, ":3", [0, 1, 2]),
    (None, "-3:", [7, 8, 9]),
    (None, "1:10:4", [1, 5, 9]),
    (None, "0:8:3", [0, 3, 6, 7]),
    (4, "1:10", [1, 5, 9]),
    (20, None, [0, 9]),
])
def test_rows(every, window, expected):
    rows = datafile.rows(10, every=every, window=window)
    got = np.concatenate(list(rows.chunks(2)))
    assert got.tolist() == expected and len(rows) == len(expected)


def test_rows_chunk_boundaries():
    rows = datafile.rows(1_000_004, every=3)  # steps 0..1,000,003; the stride ends at 1,000,002
    for size in (1, 7, 65536):
        got = np.concatenate(list(rows.chunks(size)))
        np.testing.assert_array_equal(got, np.r_[np.arange(0, 1_000_004, 3), 1_000_003])


@pytest.mark.parametrize("args, message", [
    (["--every", "0"], "--every: the stride must be >= 1; got 0"),
    (["--range", "5:3"], "--range 5:3: selects no step (steps 5..2); START must be below STOP"),
    (["--range", "0:2000"], "--range 0:2000: stop 2,000 is out of range: the run has steps 0..999"),
    (["--range", "abc"], "--range: expected START:STOP or START:STOP:EVERY"),
    (["--range", "1:2:3:4"], "--range: expected START:STOP or START:STOP:EVERY"),
    (["--range", "0:10:"], "--range 0:10:: the stride after the second ':' is missing"),
    (["--range", "0:10:0"], "--range 0:10:0: the stride must be >= 1; got 0"),
    (["--range", "0:10:2", "--every", "3"], "--range 0:10:2: its stride 2 and --every 3 disagree; give one"),
])
def test_bad_rows_are_usage_errors(tmp_path, args, message):
    target = tmp_path / "v.csv"
    target.write_text("keep\n")
    result = invoke("export", "cosine", "-o", target, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert target.read_text() == "keep\n"  # nothing replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.csv"]


def test_rows_with_to_is_a_usage_error():
    result = invoke("export", "cosine", "--to", "hf", "--every", "10")
    assert result.exit_code == 2
    assert "--every: selects rows of an export to a file" in result.output


def test_non_finite_lr_leaves_the_old_file(tmp_path):
    cfg = tmp_path / "inf.yaml"
    cfg.write_text("total_steps: 200000\nschedules:\n  - name: exponential\n"
                   "    params: {decay_rate: 1e300, decay_steps: 1}\n")  # 0.1 * 1e300**t: 1e299, then inf
    first = 2  # exported steps are 0, 1000, ...: the gap before the first bad one is searched
    for fmt in ("csv", "json", "npy", "npz"):
        target = tmp_path / f"v.{fmt}"
        target.write_bytes(b"previous")
        result = invoke("export", cfg, "--every", 1000, "-o", target)
        assert result.exit_code == 1
        assert f"schedules[0]: exponential: the lr is inf from step {first:,}" in result.output, result.output
        assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inf.yaml", "v.csv", "v.json", "v.npy", "v.npz"]


def test_subprocess_export_npy_with_range(tmp_path):
    target = tmp_path / "v.npy"
    out = subprocess.run([sys.executable, "-m", "lrviz", "export", "linear", "--steps", "100", "--range", "90::5",
                          "-o", str(target)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = np.load(target)
    np.testing.assert_array_equal(got[:, 0], [90, 95, 99])  # the last update, 99, kept
    np.testing.assert_allclose(got[:, 1], 0.1 * (1 - got[:, 0] / 100), rtol=1e-12, atol=1e-18)


def test_export_help_names_the_formats():
    result = invoke("export", "--help")
    assert ".npy" in result.output and ".npz" in result.output and "--every" in result.output
    assert "--range" in result.output
