"""Tests of lrviz.draw.terminal (braille / ASCII preview in the terminal).

Expected characters and dot positions are worked out by hand from the drawing
rules: dot column floor((x - x0) / (x1 - x0) * 2*cols) clipped to 2*cols - 1,
dot row round((ymax - y) / (ymax - ymin) * (4*height - 1)) from the top, and
braille bits (col, row): (0,0)=0x01 (0,1)=0x02 (0,2)=0x04 (1,0)=0x08
(1,1)=0x10 (1,2)=0x20 (0,3)=0x40 (1,3)=0x80 on top of U+2800.

The gutter is the widest shown tick label plus " ┤" (or " │"), so e.g. ticks
"1" / "0" make a 3-character gutter and ``cols = width - 3``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lrviz.draw.terminal import _braille, _fmt, preview

NAN = float("nan")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# (row, col) inside a cell -> bit, transcribed from the spec table.
BIT = {(0, 0): 0x01, (1, 0): 0x02, (2, 0): 0x04, (0, 1): 0x08, (1, 1): 0x10, (2, 1): 0x20, (3, 0): 0x40, (3, 1): 0x80}


def strip(text: str) -> str:
    return ANSI.sub("", text)


def area(text: str) -> list[str]:
    """The plot-area part (right of the y axis) of every plot row."""
    rows = []
    for line in strip(text).split("\n"):
        m = re.search(r" [┤│]", line)
        if m:
            rows.append(line[m.end():])
    return rows


def dots(rows: list[str]) -> np.ndarray:
    """Decode braille rows back into a boolean dot grid (row 0 = top)."""
    grid = np.zeros((4 * len(rows), 2 * len(rows[0])), dtype=bool)
    for R, row in enumerate(rows):
        for C, ch in enumerate(row):
            bits = 0 if ch == " " else ord(ch) - 0x2800
            assert 0 <= bits <= 0xFF, ch
            for (r, c), bit in BIT.items():
                grid[4 * R + r, 2 * C + c] = bool(bits & bit)
    return grid


def grid_from(shape, cells) -> np.ndarray:
    g = np.zeros(shape, dtype=bool)
    for r, c in cells:
        g[r, c] = True
    return g


def s(label, x, y):
    return (label, np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))


# --------------------------------------------------------------------------- braille bits

SINGLE = [  # (row, col) -> the braille character with just that dot
    ((0, 0), "\u2801"),
    ((1, 0), "\u2802"),
    ((2, 0), "\u2804"),
    ((3, 0), "\u2840"),
    ((0, 1), "\u2808"),
    ((1, 1), "\u2810"),
    ((2, 1), "\u2820"),
    ((3, 1), "\u2880"),
]


@pytest.mark.parametrize("pos, char", SINGLE)
def test_braille_helper_single_dot(pos, char):
    grid = np.zeros((4, 2), dtype=bool)
    grid[pos] = True
    assert _braille(grid) == [char]


def test_braille_helper_full_and_empty():
    assert _braille(np.ones((4, 2), dtype=bool)) == ["\u28ff"]
    assert _braille(np.zeros((4, 4), dtype=bool)) == ["  "]


# One cell (width 4 = gutter "1 ┤" + 1 column, height 1). Anchors (x=0, y=1) -> dot
# (row 0, col 0) and (x=1, y=0) -> dot (row 3, col 1), i.e. bits 0x01 | 0x80 = 0x81;
# NaN on both sides isolates the test point at x = 0.25 + 0.5*col, y = 1 - row/3.
END_TO_END = [
    ((0, 0), "\u2881"),  # 0x81 | 0x01
    ((1, 0), "\u2883"),  # 0x81 | 0x02
    ((2, 0), "\u2885"),  # 0x81 | 0x04
    ((3, 0), "\u28c1"),  # 0x81 | 0x40
    ((0, 1), "\u2889"),  # 0x81 | 0x08
    ((1, 1), "\u2891"),  # 0x81 | 0x10
    ((2, 1), "\u28a1"),  # 0x81 | 0x20
    ((3, 1), "\u2881"),  # 0x81 | 0x80 (the anchor itself)
]


@pytest.mark.parametrize("pos, char", END_TO_END)
def test_single_point_in_each_dot_of_one_cell(pos, char):
    r, c = pos
    out = preview([s("a", [0, 0.2, 0.25 + 0.5 * c, 0.8, 1], [1, NAN, 1 - r / 3, NAN, 0])], width=4, height=1)
    assert area(out) == [char]


def test_column_is_filled_from_min_to_max():
    # x -> dot columns 0, 0, 0, 0, 1; y -> rows 2, 0, 3, 2, 2. Column 0 spans rows 0..3
    # (0x47), column 1 only row 2 (0x20): 0x67.
    out = preview([s("a", [0, 0.1, 0.2, 0.3, 1], [0.5, 1, 0, 0.5, 0.5])], width=4, height=1)
    assert area(out) == ["\u2867"]


# --------------------------------------------------------------------------- lines

@pytest.mark.parametrize("n", [2, 1000])
def test_horizontal_line_fills_one_row_across(n):
    # y = 0.5 widens to 0.25..0.75; row = round(0.25 / 0.5 * 15) = round(7.5) = 8:
    # char row 2, top dot row -> "⠉" (0x09) in all 14 columns (ticks "0.75", "0.5",
    # "0.25" -> gutter 6, cols = 20 - 6). With n = 2 the gap rule fills every column.
    out = preview([s("a", np.linspace(0, 100, n), np.full(n, 0.5))], width=20, height=4)
    assert area(out) == [" " * 14, " " * 14, "\u2809" * 14, " " * 14]


def test_step_drop_fills_whole_vertical_run():
    # x = 0..99 on 20 dot columns: col = floor(20 x / 99); x = 45..49 -> col 9 (y = 1, row 0),
    # x = 50..54 -> col 10 (y = 0, row 7). Column 10 is filled rows 0..7.
    x = np.arange(100.0)
    out = preview([s("a", x, np.where(x < 50, 1.0, 0.0))], width=13, height=2)
    assert area(out) == [
        "\u2809" * 5 + "\u2847" + " " * 4,  # ⠉⠉⠉⠉⠉⡇
        " " * 5 + "\u28c7" + "\u28c0" * 4,  # ⣇⣀⣀⣀⣀ (0x47 | 0x80, then bottom dots)
    ]


def test_decreasing_line_from_top_left_to_bottom_right():
    # Two points: (col 0, row 0) and (col 9, row 7). Intermediate columns k get row
    # round(7k/9) = 1, 2, 2, 3, 4, 5, 5, 6, and each column is joined to the previous one.
    out = preview([s("a", [0, 1], [1, 0])], width=8, height=2)
    got = dots(area(out))
    runs = {0: (0, 0), 1: (0, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 4), 6: (4, 5), 7: (5, 5), 8: (5, 6), 9: (6, 7)}
    expected = grid_from((8, 10), [(r, c) for c, (a, b) in runs.items() for r in range(a, b + 1)])
    assert got[0, 0] and got[7, 9]
    np.testing.assert_array_equal(got, expected)


def test_nan_breaks_the_line():
    # x = k on 20 dot columns: col = floor(20 k / 19); NaN at k = 8..11 empties columns 8..11.
    # Point k = 12 (col 12, y = 7/19, row round(12/19 * 7) = 4) is not joined to k = 7.
    y = np.linspace(1, 0, 20)
    y[8:12] = NAN
    got = dots(area(preview([s("a", np.arange(20.0), y)], width=13, height=2)))
    assert not got[:, 8:12].any()
    assert got[:, :8].any(axis=0).all() and got[:, 12:].any(axis=0).all()
    assert np.flatnonzero(got[:, 12]).tolist() == [4]


def test_logy_decades_evenly_spaced_and_nonpositive_skipped():
    # log10 range -3..0 on 15 dot rows: 1, 0.1, 0.01, 0.001 -> rows 0, 5, 10, 15.
    # Ticks "1", "0.0316" (geometric mean 10**-1.5), "0.001" -> gutter 8, cols 6, x = k -> col 2k (6 -> 11).
    out = preview([s("a", np.arange(7.0), [1, NAN, 0.1, NAN, 0.01, NAN, 0.001])], width=14, height=4, logy=True)
    got = dots(area(out))
    assert sorted(zip(*np.nonzero(got))) == [(0, 0), (5, 4), (10, 8), (15, 11)]
    plot = strip(out).split("\n")
    assert plot[0].startswith("     1 ┤") and plot[1].startswith("0.0316 ┤") and plot[3].startswith(" 0.001 ┤")
    # y <= 0 is dropped and breaks the line: only (x=0, y=1) and (x=3, y=0.01) remain, unjoined.
    got = dots(area(preview([s("a", [0, 1, 2, 3], [1, 0, -1, 0.01])], width=8, height=1, logy=True)))
    assert sorted(zip(*np.nonzero(got))) == [(0, 0), (3, 9)]


# --------------------------------------------------------------------------- labels

@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (0.1, "0.1"), (0.5, "0.5"), (0.001, "0.001"), (1e-4, "1e-4"), (2.5e-5, "2.5e-5"), (-3e-7, "-3e-7"), (1e4, "1e4"), (6.25e-5, "6.25e-5")],
)
def test_tick_format(value, text):
    assert _fmt(value) == text


def test_tick_labels_in_gutter():
    lines = strip(preview([s("a", [0, 1], [1e-4, 2.5e-5])], width=30, height=3)).split("\n")
    assert lines[0].startswith("   1e-4 ┤") and lines[1].startswith("6.25e-5 ┤") and lines[2].startswith(" 2.5e-5 ┤")
    lines = preview([s("a", [0, 1], [0.1, 0])], width=30, height=5).split("\n")
    assert [ln[:6] for ln in lines[:5]] == [" 0.1 ┤", "     │", "0.05 ┤", "     │", "   0 ┤"]


def test_axis_title_and_x_labels():
    lines = preview([s("a", [0, 10000], [1, 0])], width=30, height=2, title="cosine", xlabel="step").split("\n")
    assert lines[0].strip() == "cosine"
    assert lines[3] == "  └" + "─" * 27
    # 27 columns: "0" at the start, "10000" at the end, "step" centred in the 21-character gap.
    assert lines[4] == "   0" + "step".center(21) + "10000"


# --------------------------------------------------------------------------- layout

CASES = [
    dict(),
    dict(color=True),
    dict(charset="ascii"),
    dict(color=True, charset="ascii", logy=True),
    dict(title="a very long title " * 10, height=5),
    dict(width=40, height=3, xlabel="a very long x label that does not fit"),
]


@pytest.mark.parametrize("kw", CASES)
def test_lines_same_width_and_not_too_long(kw):
    x = np.arange(0, 5001, 7.0)
    two = [s("cosine " * 20, x, 1e-3 * (1 + np.cos(np.pi * x / 5000)) / 2), s("step", x, np.where(x < 2500, 1e-3, 1e-4))]
    width = kw.pop("width", 80)
    lines = [strip(ln) for ln in preview(two, width=width, **kw).split("\n")]
    assert all(len(ln) <= width for ln in lines)
    axis = next(i for i, ln in enumerate(lines) if "└" in ln)
    framed = [ln for ln in lines if re.search(r" [┤│]", ln)] + lines[axis: axis + 2]
    assert all(len(ln) == width for ln in framed)


def test_color_adds_ansi_and_keeps_the_dots():
    x = np.linspace(0, 1000, 300)
    one = [s("a", x, np.exp(-x / 300))]
    colored, plain = preview(one, color=True), preview(one)
    assert "\x1b[34m" in colored and "\x1b[0m" in colored and "\x1b" not in plain
    assert strip(colored) == plain


def test_color_overlay_last_curve_owns_the_cell():
    x = [0, 10]
    out = preview([s("a", x, [1, 1]), s("b", x, [0, 0])], width=13, height=2, color=True)
    plot = out.split("\n")[:2]
    assert "\x1b[34m" in plot[0] and "\x1b[31m" not in plot[0]
    assert "\x1b[31m" in plot[1] and "\x1b[34m" not in plot[1]
    assert area(out) == ["\u2809" * 10, "\u28c0" * 10]
    assert strip(out).split("\n")[-2:] == ["   \u28ff\u28ff a", "   \u28ff\u28ff b"]
    # identical curves: the second one (red) takes every cell of the plot.
    out = preview([s("a", x, [1, 0]), s("b", x, [1, 0])], width=13, height=2, color=True)
    plot = "\n".join(out.split("\n")[:2])
    assert "\x1b[31m" in plot and "\x1b[34m" not in plot


def test_stacked_panels_without_color():
    x = [0, 10]
    lines = preview([s("alpha", x, [1, 1]), s("beta", x, [0, 0])], width=13, height=2).split("\n")
    assert lines[0].strip() == "alpha" and lines[3].strip() == "beta"
    # shared y range 0..1: alpha on the top dot row of its panel, beta on the bottom one.
    assert area("\n".join(lines)) == ["\u2809" * 10, " " * 10, " " * 10, "\u28c0" * 10]
    assert "\u28ff" not in "\n".join(lines)  # no legend for panels
    assert len(lines) == 2 * (1 + 2) + 2


def test_ascii_glyphs_per_curve():
    x = [0, 10]
    out = preview([s("a", x, [1, 1]), s("b", x, [0, 0])], width=13, height=2, charset="ascii")
    assert area(out) == ["*" * 10, "+" * 10]
    assert out.split("\n")[-2:] == ["   ** a", "   ++ b"]
    out = preview([s("a", x, [1, 0]), s("b", x, [1, 0])], width=13, height=2, charset="ascii")
    assert "+" in "".join(area(out)) and "*" not in "".join(area(out))


@pytest.mark.parametrize(
    "series, kw",
    [([], {}), ([s("a", [0, 1], [NAN, NAN])], {}), ([s("a", [0, 1], [0, -1])], {"logy": True}), ([s("a", [], [])], {})],
)
def test_nothing_to_draw(series, kw):
    with pytest.raises(ValueError, match="nothing to draw"):
        preview(series, **kw)


def test_import_is_light():
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import sys, lrviz.draw.terminal; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root)
    assert out.stdout.strip() == "False", out.stderr
