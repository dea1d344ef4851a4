"""Safe lr_lambda expressions and metric series: what they accept, compute and refuse."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.errors import ParameterError
from lrviz.expr import compile_expr
from lrviz.params import metrics

T = np.arange(7, dtype=np.int64)


@pytest.mark.parametrize(
    "text, scalar",
    [
        ("0.95 ** t", lambda t: 0.95**t),
        ("min(1, (t + 1) / 3)", lambda t: min(1.0, (t + 1) / 3)),
        ("max(0.1, 1 - t / 4, 0.2)", lambda t: max(0.1, 1 - t / 4, 0.2)),
        ("0.5 * (1 + cos(pi * t / 6))", lambda t: 0.5 * (1 + math.cos(math.pi * t / 6))),
        ("floor(t / 2) + ceil(t / 3) - t // 4 + t % 3", lambda t: math.floor(t / 2) + math.ceil(t / 3) - t // 4 + t % 3),
        ("exp(-t) * sqrt(t + 1) + log(t + 2) - sin(t) + abs(-2) + e", lambda t: math.exp(-t) * math.sqrt(t + 1)
         + math.log(t + 2) - math.sin(t) + 2 + math.e),
        ("-t + +3", lambda t: -t + 3),
        ("2", lambda t: 2.0),
        (3, lambda t: 3.0),
    ],
)
def test_expressions_compute_like_python_math(text, scalar):
    got = compile_expr(text)(T)
    assert got.dtype == np.float64 and got.shape == T.shape
    np.testing.assert_allclose(got, [scalar(int(t)) for t in T], rtol=1e-14)


@pytest.mark.parametrize(
    "text, what",
    [
        ('__import__("os")', "the function '__import__'"),
        ('__import__("os").system("x")', "this call"),
        ("open('f')", "the function 'open'"),
        ("t.real", "attribute"),
        ("[t]", "list"),
        ("lambda: 1", "lambda"),
        ("t if t else 1", "ifexp"),
        ("t > 2", "compare"),
        ("x + 1", "the name 'x'"),
        ("'a'", "the constant 'a'"),
        ("True", "the constant True"),
        ("min(t)", "min() with fewer than two arguments"),
        ("exp(1, 2)", "exp() with 2 arguments"),
        ("cos(x=t)", "this call"),
        ("(lambda: 1)()", "this call"),
    ],
)
def test_anything_else_is_refused_by_name(text, what):
    with pytest.raises(ParameterError) as err:
        compile_expr(text, "lr_lambda")
    assert err.value.param == "lr_lambda" and f"{what} is not allowed" in err.value.message


@pytest.mark.parametrize("text", ["1 +", "(", "", "t t"])
def test_syntax_errors_are_parameter_errors(text):
    with pytest.raises(ParameterError, match="not an expression"):
        compile_expr(text)


def test_huge_and_wrong_inputs_are_refused():
    with pytest.raises(ParameterError, match="longer than 500"):
        compile_expr("t+" * 300 + "1")
    with pytest.raises(ParameterError, match="expected an expression"):
        compile_expr(["t"])


def test_overflow_gives_inf_not_an_exception():
    assert np.isinf(compile_expr("10 ** (t * 100)")(T)[-1])


def test_metrics_from_a_list_and_from_a_file(tmp_path):
    assert metrics("metrics", [1, "2.5", 3e-1]) == [1.0, 2.5, 0.3]
    path = tmp_path / "loss.csv"
    path.write_text("step,loss\n0,1.5\n1,1.25\n\n2,1e-1\n")
    assert metrics("metrics", str(path)) == [1.5, 1.25, 0.1]
    (tmp_path / "plain.txt").write_text("0.5\n0.25\n")
    assert metrics("metrics", str(tmp_path / "plain.txt")) == [0.5, 0.25]


def test_metric_problems_name_the_file_and_line(tmp_path):
    with pytest.raises(ParameterError, match="missing.csv: no such file"):
        metrics("metrics", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("loss\n1.0\nabc\n")
    with pytest.raises(ParameterError, match=r"bad.csv:3: not a number: 'abc'"):
        metrics("metrics", str(bad))
    (tmp_path / "empty.csv").write_text("loss\n")
    with pytest.raises(ParameterError, match="no values"):
        metrics("metrics", str(tmp_path / "empty.csv"))
    with pytest.raises(ParameterError, match="expected a list of numbers or a CSV file path"):
        metrics("metrics", 3)
