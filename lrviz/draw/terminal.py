"""Curves -> a text preview drawn with Unicode braille (or ASCII) for the terminal.

Imports only numpy and the standard library so that ``--term`` stays fast.

Each character cell holds a 2 x 4 braille dot block, so the plot area is a dot
grid of ``2 * cols`` columns by ``4 * height`` rows. A curve covers dots the way
a line plot covers pixels (the M4 view of a curve):

* every dot column that holds points is filled from the lowest to the highest
  of their rows, so spikes, restarts and noise within one column stay visible;
* to keep the line connected, a column is also filled between the previous
  column's last point and its own first point; across a gap of empty columns
  the straight segment between the two points is drawn, one rounded row per
  intermediate column, each connected to the previous one the same way.

Both rules come down to one: each pair of consecutive points fills, in the
later point's column, the rows between the two. A gap of ``k`` columns is split
into ``k`` such steps. NaN (and with ``logy`` any y <= 0) breaks the line.
"""

from __future__ import annotations

from itertools import groupby
from typing import Sequence

import numpy as np

from .annotate import fmt_lr as _fmt

# _BITS[r][c]: braille bit of the dot in row r (0 = top) and column c of a cell.
_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)
_COLORS = (34, 31, 32, 35, 33, 36, 37, 90)
_GLYPHS = "*+ox#@%&"
_MAX_FLOAT = float(np.finfo(np.float64).max)


def _fmt_x(v: float) -> str:
    """Steps are whole numbers: print them in full; anything else compactly."""
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else _fmt(v)


def _dots(x: np.ndarray, y: np.ndarray, xr: tuple[float, float], yr: tuple[float, float], cols: int, height: int) -> np.ndarray:
    """Boolean dot grid (4*height, 2*cols) covered by one curve; y already in plot space, NaN = skip."""
    w, h = 2 * cols, 4 * height
    grid = np.zeros((h, w), dtype=bool)
    ok = np.isfinite(x) & np.isfinite(y)
    c = np.zeros(len(x), dtype=np.int64)
    r = np.zeros(len(x), dtype=np.int64)
    (x0, x1), (lo, hi) = xr, yr
    if x1 > x0:
        c[ok] = np.clip(np.floor((x[ok] - x0) / (x1 - x0) * w), 0, w - 1)
    if np.isfinite(hi - lo):
        frac = (hi - y[ok]) / (hi - lo)
    else:  # the range passes the float64 maximum (an lr near it): in halves, exact for numbers that large
        frac = (0.5 * hi - 0.5 * y[ok]) / (0.5 * hi - 0.5 * lo)
    r[ok] = np.clip(np.floor(frac * (h - 1) + 0.5), 0, h - 1)
    grid[r[ok], c[ok]] = True

    i = np.flatnonzero(ok[:-1] & ok[1:])  # pairs of consecutive drawable points
    if len(i) == 0:
        return grid
    ca, ra, rb = c[i], r[i], r[i + 1]
    d = c[i + 1] - ca
    n = np.maximum(np.abs(d), 1)  # steps in the pair: one per column crossed, at least one
    p = np.repeat(np.arange(len(i)), n)  # pair of each step
    t = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + 1  # 1..n within the pair
    col = ca[p] + np.sign(d[p]) * t

    def row_at(s: np.ndarray) -> np.ndarray:  # rounded row of the straight segment after s of n steps
        return np.floor(ra[p] + (rb[p] - ra[p]) * s / n[p] + 0.5).astype(np.int64)

    a, b = row_at(t - 1), row_at(t)
    # Fill rows min(a, b)..max(a, b) of column col: +1 / -1 marks, then a running sum down the rows.
    marks = np.zeros((h + 1, w), dtype=np.int64)
    np.add.at(marks, (np.minimum(a, b), col), 1)
    np.add.at(marks, (np.maximum(a, b) + 1, col), -1)
    return grid | (np.cumsum(marks, axis=0)[:h] > 0)


def _cell_bits(grid: np.ndarray) -> np.ndarray:
    """Dot grid (4h, 2w) -> braille bits per cell (h, w)."""
    h, w = grid.shape[0] // 4, grid.shape[1] // 2
    return (grid.reshape(h, 4, w, 2) * _BITS[None, :, None, :]).sum(axis=(1, 3))


def _render(grids: list[np.ndarray], color: bool, ascii_: bool) -> list[str]:
    """Overlay dot grids into text rows; a cell takes the glyph/colour of the last curve with a dot in it."""
    bits = [_cell_bits(g) for g in grids]
    union = np.bitwise_or.reduce(bits)
    owner = np.full(union.shape, -1)
    for k, b in enumerate(bits):
        owner[b > 0] = k
    rows = []
    for owners, cells in zip(owner.tolist(), union.tolist()):
        out = []
        for k, run in groupby(zip(owners, cells), key=lambda oc: oc[0]):  # runs of one owner
            text = "".join(" " if k < 0 else _GLYPHS[k % len(_GLYPHS)] if ascii_ else chr(0x2800 + c) for _, c in run)
            out.append(f"\x1b[{_COLORS[k % len(_COLORS)]}m{text}\x1b[0m" if color and k >= 0 else text)
        rows.append("".join(out))
    return rows


def _braille(grid: np.ndarray) -> list[str]:
    """Dot grid -> rows of braille characters (a space for an empty cell)."""
    return _render([grid], False, False)


def _x_labels(left: str, right: str, label: str, cols: int) -> str:
    """x0 at the left, x1 at the right, the label centred between them (dropped when it does not fit)."""
    gap = cols - len(left) - len(right)
    if gap < 1:
        return left[:cols].ljust(cols)
    return left + (label.center(gap) if len(label) + 2 <= gap else " " * gap) + right


def preview(
    series: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    width: int = 80,
    height: int = 16,
    logy: bool = False,
    color: bool = False,
    charset: str = "braille",
    xlabel: str = "step",
    title: str | None = None,
) -> str:
    """Draw (label, x, y) curves as text, ``width`` characters wide, ``height`` rows per panel.

    One panel overlays all curves when ``color`` is on, the charset is ASCII
    (glyphs differ per curve) or there is only one curve; otherwise each curve
    gets its own panel. All panels share the x and y ranges.
    """
    if charset not in ("braille", "ascii"):
        raise ValueError(f"charset must be 'braille' or 'ascii', not {charset!r}")
    if height < 1:
        raise ValueError("height must be at least 1")
    curves = []
    for label, x, y in series:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(f"{label}: x and y must be 1-D and of the same length")
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(np.isfinite(y) & (y > 0), np.log10(y), np.nan) if logy else np.where(np.isfinite(y), y, np.nan)
        curves.append((str(label), x, y))
    xs = np.concatenate([x for _, x, _ in curves]) if curves else np.empty(0)
    ys = np.concatenate([y[np.isfinite(x)] for _, x, y in curves]) if curves else np.empty(0)
    xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
    if len(ys) == 0:
        raise ValueError("nothing to draw")
    xr = (float(xs.min()), float(xs.max()))
    lo, hi = float(ys.min()), float(ys.max())
    if lo == hi:
        if logy:
            lo, hi = lo - 1, hi + 1
        elif lo == 0:
            lo, hi = 0.0, 1.0
        else:  # kept within float64 range (an lr near its maximum)
            lo, hi = max(lo - 0.5 * abs(lo), -_MAX_FLOAT), min(hi + 0.5 * abs(hi), _MAX_FLOAT)
        if not hi > lo:  # a subnormal value: half of it is itself or 0
            lo, hi = min(lo, 0.0), max(hi, 0.0) + 1.0

    def value(v: float) -> float:
        return 10**v if logy else v

    ticks = {height - 1: _fmt(value(lo)), 0: _fmt(value(hi))}
    if height >= 3:
        ticks[(height - 1) // 2] = _fmt(value(0.5 * lo + 0.5 * hi))
    labw = max(map(len, ticks.values()))
    gutter = labw + 2
    cols = width - gutter
    if cols < 1:
        raise ValueError(f"width {width} leaves no room for the plot")

    grids = [_dots(x, y, xr, (lo, hi), cols, height) for _, x, y in curves]
    overlay = color or charset == "ascii" or len(curves) == 1
    panels = [(None, grids)] if overlay else [(label, [g]) for (label, _, _), g in zip(curves, grids)]

    lines = [(" " * gutter + title[:cols].center(cols)).rstrip()] if title else []
    for header, panel in panels:
        if header is not None:
            lines.append((" " * gutter + header)[:width])
        for row, text in enumerate(_render(panel, color, charset == "ascii")):
            tick = ticks.get(row)
            lines.append(f"{(tick or '').rjust(labw)} {'┤' if tick else '│'}{text}")
    lines.append(" " * (labw + 1) + "└" + "─" * cols)
    lines.append(" " * gutter + _x_labels(_fmt_x(xr[0]), _fmt_x(xr[1]), xlabel, cols))
    if overlay and len(curves) > 1 and cols >= 4:
        for k, (label, _, _) in enumerate(curves):
            swatch = _GLYPHS[k % len(_GLYPHS)] * 2 if charset == "ascii" else "⣿⣿"
            if color:
                swatch = f"\x1b[{_COLORS[k % len(_COLORS)]}m{swatch}\x1b[0m"
            lines.append(" " * gutter + swatch + " " + label[: cols - 3])
    return "\n".join(lines)
