"""lrviz reads plain option values without pydantic (lrviz/cli/_coerce.py): the same values typer's own
adapters accept, refused where they refuse, and a drawing command never imports pydantic."""

from __future__ import annotations

import itertools
import math
import re
import subprocess
import sys

import pytest

from lrviz.cli import _coerce

adapters = pytest.importorskip("typer._adapters", reason="this typer coerces through click, not pydantic")
from typer.models import OptionInfo  # noqa: E402

WORDS = ["12", " 12 ", "1_000", "+5", "-3", "1.0", "1.00", "1_0.0", "1.5", "1.", ".5", "  .5", "1e3", "1E5", "1e-3",
         "abc", "", "  ", "0x10", "0b1", "\u0663", "\u0661\u0662", "inf", "-inf", "nan", "Infinity", "+NaN", "-0",
         "00", "01", "1_0.5", "1__0", "_1", "1_", "1.0_0", "1.0e0", "1 000", "\t7\n", "1.000000000000000000000000000001",
         "99999999999999999999999", "true", "False", "YES", "no", "on", "Off", "t", "F", "y", "N", "2", "maybe",
         " true ", "0.0", "1.0e", "e5", "--1", "+-1", "1+", "١"]
NUMBERS = [0, 1, 2, -1, 3.0, 3.5, -0.0, True, False, 10 ** 30, float("inf")]
ALPHABET = "019+-._eEinfINFa "


def typer_reads(annotation, value):
    """typer's own reading of ``value`` for an option of ``annotation``: ("ok", value) or ("refused", None)."""
    adapter = adapters.build_leaf_adapter(annotation, OptionInfo())
    if annotation is bool:
        value = adapters._parse_cli_bool(value)
    try:
        return "ok", adapter.validate_python(value)
    except Exception:  # noqa: BLE001 - pydantic's ValidationError, and whatever else typer lets through
        return "refused", None


def lrviz_reads(annotation, value):
    try:
        return "ok", _coerce.READERS[annotation](value)
    except ValueError:
        return "refused", None


def same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    if isinstance(x, float) and math.isnan(x):
        return isinstance(y, float) and math.isnan(y)
    return type(x) is type(y) and x == y and (not isinstance(x, float) or math.copysign(1, x) == math.copysign(1, y))


def short_words():
    """Every text of up to three characters from digits, signs, '.', '_', 'e', 'inf' letters and a space."""
    for n in range(1, 4):
        for chars in itertools.product(ALPHABET, repeat=n):
            yield "".join(chars)


ODD = {int: re.compile(r"\s*0+-[0-9]+\s*"), float: re.compile(r".*(?:[+\-.]_|_\.).*")}
"""What pydantic's parser accepts and lrviz refuses: a minus after leading zeros (``0-5`` is -5 to it), an
underscore next to a sign or the point (``+_1``, ``._5``, ``1_.5``)."""


@pytest.mark.parametrize("annotation", [int, float, bool, str])
def test_plain_values_read_as_typer_reads_them(annotation):
    values = WORDS + NUMBERS + list(short_words()) + ["0-5", "00-12", "+_1", "._5", "1_.5"]
    differ = [(v, typer_reads(annotation, v), lrviz_reads(annotation, v)) for v in values
              if not same(typer_reads(annotation, v), lrviz_reads(annotation, v))]
    odd = ODD.get(annotation)
    refused_odd = [d for d in differ if odd and isinstance(d[0], str) and odd.fullmatch(d[0])
                   and d[1][0] == "ok" and d[2][0] == "refused"]
    assert [d for d in differ if d not in refused_odd] == []
    assert annotation not in ODD or refused_odd, "pydantic no longer accepts these: the exception can go"


def test_a_refused_value_is_one_usage_line_naming_the_option():
    from typer.testing import CliRunner

    from lrviz.cli import app

    result = CliRunner().invoke(app, ["compare", "step", "--steps-per-epoch", "1.5", "-o", "x.png"])
    assert result.exit_code == 2
    assert "'--steps-per-epoch'" in result.output and "'1.5' is not a whole number" in result.output


def test_only_plain_parameters_are_read_here(tmp_path):
    """Paths, choices and ranges stay with typer; text, numbers, flags, lists of text and parsers come here."""
    from typer.main import get_command

    from lrviz.cli import app

    group = get_command(app)
    kinds = {}
    for name, command in group.commands.items():
        for param in command.get_params(group.make_context("lrviz", [], resilient_parsing=True)):
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None:
                continue
            plain = type(param._runtime_param) is _coerce.PlainParam
            kinds.setdefault(plain, set()).add(str(descriptor.annotation))
    assert "<class 'pathlib.Path'>" in kinds[False] and "<class 'pathlib.Path'>" not in kinds[True]
    assert {"<class 'str'>", "<class 'int'>", "<class 'float'>", "<class 'bool'>", "typing.List[str]"} <= kinds[True]


def test_drawing_a_figure_does_not_import_pydantic(tmp_path):
    probe = ("import sys, runpy; sys.argv = ['lrviz', 'compare', 'step', 'cosine', '--steps-per-epoch', '10', "
             f"'--lr', '0.5', '--logy', '--set', 'step.gamma=0.5', '-o', {str(tmp_path / 'x.png')!r}]\n"
             "try:\n    runpy.run_module('lrviz', run_name='__main__')\n"
             "except SystemExit as e:\n    print('EXIT', e.code)\n"
             "print('LOADED', [m for m in ('pydantic',) if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert (tmp_path / "x.png").stat().st_size > 0, out.stderr[-500:]
    assert out.stdout.strip().splitlines()[-1] == "LOADED []", out.stdout[-300:]
