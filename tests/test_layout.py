"""The layout check: every gallery figure, in every style, keeps its text on the page and apart.

For each config of ``configs/`` and each trainer file of ``configs/trainers/gallery.yaml``, drawn in
the ``default``, ``paper`` (3.5 in column), ``paper`` at ``--size page`` (7 in) and ``dark`` styles, in
process (:func:`lrviz.draw.figure`, as the gallery draws it), after a real Agg draw:

- every visible text box and legend lies inside the figure (window extents against the figure bbox);
- no two text boxes overlap (tick labels are not compared with each other: neighbours may touch);
- every curve in a legend is visible: hiding it changes some pixel of the figure at 72 dpi (a curve
  drawn exactly under another one is not: lrviz draws the lower one as a pale band);
- the files saved (PNG at 72 dpi, SVG and PDF, through :func:`lrviz.draw.mpl.save`) have the size in
  inches that was asked for, to a pixel (SVG and PDF to the point).

The playground figures (``playground_*``, drawn by :mod:`lrviz.playground.figures` after their runs)
go through the same checks in the same styles.
Figures are drawn at 72 dpi (text extents scale with dpi, so the check holds at any resolution
up to a pixel of rounding, which the tolerance allows for). About 45 s for the 176 cases on one core.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"
DPI = 72
TOLERANCE = 1.0  # pixels at DPI: rounding of glyph extents


def _gallery_configs(playgrounds: bool = False):
    from lrviz import gallery
    from lrviz.config import load
    from lrviz.playground import config as playground_config
    from lrviz.sources import load as load_any

    out = []
    for path in gallery.configs_in(str(CONFIGS)):
        if playground_config.is_playground(path) == playgrounds:
            out.append((Path(path).stem, playground_config.load(path) if playgrounds else load(path)))
    if playgrounds:
        return out
    for path, facts, _ in gallery.trainer_files(str(CONFIGS)):
        out.append((f"trainer_{Path(path).stem}", load_any(path, **facts)))
    return out


STYLES = [("default", None), ("paper", None), ("paper", "page"), ("dark", None)]


def formats_of(style_name: str) -> tuple[str, ...]:
    """The files checked: every format in the paper style (figures that go into a paper as PDF or SVG), the
    PNG in the screen styles (the same figure: text extents do not depend on the format)."""
    return ("png", "svg", "pdf") if style_name == "paper" else ("png",)


def sees_hidden(style_name: str, size) -> bool:
    """Hidden curves are looked for in the default style and the paper column (the page and dark styles draw
    the same lines wider apart, or in other colours on the same geometry)."""
    return size is None and style_name in ("default", "paper")


def _asked_size(plot) -> tuple[float, float]:
    """The size the figure was asked to have: W,H as given, else the named or style size's width and the
    height lrviz makes for the layout (what the Figure was built with: checked against the saved file)."""
    from lrviz.draw import style

    if isinstance(plot.size, tuple):
        return plot.size
    width = style.SIZES[plot.size][0] if isinstance(plot.size, str) else float(style.params(plot.style)["figure.figsize"][0])
    return width, None  # the height follows the layout: only the width is fixed


def _boxes(fig, renderer):
    """(kind, name, bbox) of every visible, non-empty text and legend drawn in ``fig``."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    out, seen = [], set()

    def add_text(t, kind="text"):
        if (isinstance(t, Text) and id(t) not in seen and t.get_visible() and t.get_text().strip()
                and t.figure is not None):
            seen.add(id(t))
            out.append((kind, t.get_text()[:40], t.get_window_extent(renderer)))

    def walk(container):
        for t in container.texts:
            add_text(t)
        for leg in container.legends:
            if leg.get_visible():
                out.append(("legend", "legend", leg.get_window_extent(renderer)))
        for sub in getattr(container, "subfigs", []):
            walk(sub)
        for name in ("_suptitle", "_supxlabel", "_supylabel"):
            add_text(getattr(container, name, None))

    walk(fig)
    for ax in fig.get_axes():
        for t in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label,
                  ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text(), *ax.texts):
            add_text(t)
        legend = ax.get_legend()
        if isinstance(legend, Legend) and legend.get_visible():
            out.append(("legend", "legend", legend.get_window_extent(renderer)))
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            for tick in axis._update_ticks():  # the ticks drawn (inside the view limits)
                for label in (tick.label1, tick.label2):
                    add_text(label, "tick")
    return out


def problems(fig) -> list[str]:
    """What breaks the layout rules in ``fig``: text past the page, text boxes overlapping."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    found = []
    boxes = _boxes(fig, renderer)
    for kind, name, box in boxes:
        for side, past in (("left", page.x0 - box.x0), ("right", box.x1 - page.x1),
                           ("bottom", page.y0 - box.y0), ("top", box.y1 - page.y1)):
            if past > TOLERANCE:
                found.append(f"{kind} {name!r} past the {side} edge by {past / DPI:.2f} in")
    for i, (kind_a, name_a, a) in enumerate(boxes):
        for kind_b, name_b, b in boxes[i + 1:]:
            if kind_a == kind_b == "tick":
                continue
            width = min(a.x1, b.x1) - max(a.x0, b.x0)
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width > TOLERANCE and height > TOLERANCE:
                found.append(f"{kind_a} {name_a!r} overlaps {kind_b} {name_b!r} ({width:.0f} x {height:.0f} px)")
    return found


def png_inches(path: str, dpi: int) -> tuple[float, float]:
    """Width and height of a PNG file in inches at ``dpi`` (from its IHDR chunk)."""
    import struct

    head = Path(path).read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width / dpi, height / dpi


def saved_inches(path: str) -> tuple[float, float]:
    """Width and height of an SVG file in inches (matplotlib writes them in points)."""
    head = Path(path).read_text()[:2000]
    width, height = (float(re.search(rf'{k}="([0-9.]+)pt"', head).group(1)) / 72 for k in ("width", "height"))
    return width, height


def pdf_inches(path: str) -> tuple[float, float]:
    """Width and height of a one-page PDF in inches (its MediaBox, in points)."""
    box = re.search(rb"/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s*\]", Path(path).read_bytes())
    x0, y0, x1, y1 = (float(v) for v in box.groups())
    return (x1 - x0) / 72, (y1 - y0) / 72


def hidden_curves(fig) -> list[str]:
    """The curves (lines with a ``gid`` lrviz gives the curves a legend names) whose hiding changes no pixel
    of ``fig`` at :data:`DPI`: fully covered by other artists."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)

    def pixels():
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    whole = pixels()
    hidden = []
    for ax in fig.get_axes():
        for line in ax.get_lines():
            if not (line.get_gid() or "").startswith(("lr-", "path-")) or not line.get_visible():
                continue
            line.set_visible(False)
            if np.array_equal(pixels(), whole):
                hidden.append(f"{line.get_gid()} in {ax.get_title(loc='left') or 'the axes'}")
            line.set_visible(True)
    return hidden


def check_saved_sizes(fig, tmp_path, title, source, width, name, formats=("png", "svg", "pdf")):
    """The files lrviz saves (PNG, SVG, PDF) have the figure's size; its width is the one asked for."""
    from lrviz.draw import mpl

    pixel = 1.01 / DPI  # a size in inches rounds to whole pixels
    asked = tuple(fig.get_size_inches())
    for fmt, measure, tolerance in (("png", lambda p: png_inches(p, DPI), pixel), ("svg", saved_inches, 0.005),
                                    ("pdf", pdf_inches, 0.005)):
        if fmt not in formats:
            continue
        target = str(tmp_path / f"f.{fmt}")
        mpl.save(fig, target, fmt, title=title, source=source, dpi=DPI)  # as lrviz saves, at low dpi
        got = measure(target)
        if width is not None:
            assert got[0] == pytest.approx(width, abs=tolerance), f"{name}.{fmt}: saved {got[0]:.3f} in wide, asked {width}"
        assert got == pytest.approx(asked, abs=tolerance), f"{name}.{fmt}: saved {got}, figure {asked}"


CASES = [(name, config, st, size) for name, config in _gallery_configs() for st, size in STYLES]


@pytest.mark.parametrize("name,config,style_name,size", CASES,
                         ids=[f"{c[0]}-{c[2]}{'-' + c[3] if c[3] else ''}" for c in CASES])
def test_every_gallery_figure_keeps_its_text_on_the_page_and_apart(name, config, style_name, size, tmp_path):
    from lrviz import draw

    plot = replace(config.plot, style=style_name, **({"size": size} if size else {}))
    config = replace(config, plot=plot)
    fig = draw.figure(config)
    check_saved_sizes(fig, tmp_path, config.title, config.source, _asked_size(plot)[0], name, formats_of(style_name))
    assert problems(fig) == [], name
    if sees_hidden(style_name, size):
        assert hidden_curves(fig) == [], name


PLAYGROUNDS = [(name, spec, st, size) for name, spec in _gallery_configs(playgrounds=True) for st, size in STYLES]


@pytest.mark.parametrize("name,spec,style_name,size", PLAYGROUNDS,
                         ids=[f"{c[0]}-{c[2]}{'-' + c[3] if c[3] else ''}" for c in PLAYGROUNDS])
def test_every_playground_figure_keeps_its_text_on_the_page_and_its_paths_visible(name, spec, style_name, size,
                                                                                   tmp_path):
    from lrviz.draw import style
    from lrviz.playground.play import figure

    spec = replace(spec, style=style_name, **({"size": size} if size else {}))
    fig = figure(spec)
    width = (spec.size[0] if isinstance(spec.size, tuple) else style.SIZES[spec.size][0] if isinstance(spec.size, str)
             else float(style.params(spec.style)["figure.figsize"][0]))
    check_saved_sizes(fig, tmp_path, spec.title, spec.source, width, name, formats_of(style_name))
    assert problems(fig) == [], name
    if sees_hidden(style_name, size):
        assert hidden_curves(fig) == [], name


def test_the_paper_style_follows_paper_conventions(tmp_path):
    """No drawn title (metadata only), legend inside the axes, minor ticks, text kept as text in SVG,
    math labels, annotations off unless asked for; the file exactly 3.5 in wide (7 in with --size page)."""
    from lrviz import draw
    from lrviz.config import load

    config = load(str(CONFIGS / "same_name_cosine.yaml"))
    paper = replace(config, plot=replace(config.plot, style="paper", layout="overlay"))
    target = str(tmp_path / "f.svg")
    fig = draw.figure(paper, output=target)
    (ax,) = fig.axes
    assert ax.get_title() == "" and not fig.texts and not fig.legends
    assert ax.get_legend() is not None and not ax.get_legend().get_frame_on()
    assert ax.get_ylabel() == r"learning rate $\eta_t$" and ax.get_xlabel() == "step $t$"
    assert ax.xaxis.get_minorticklocs().size and ax.yaxis.get_minorticklocs().size
    assert not [line for line in ax.lines if line.get_marker() == "o"]  # no peak/final dots
    assert all(" — " not in t.get_text() for t in ax.get_legend().get_texts())
    svg = Path(target).read_text()
    assert f"<title>{config.title}</title>" in svg  # the title is in the metadata
    assert "<text" in svg and "learning rate" in svg  # text as text, searchable
    assert saved_inches(target)[0] == pytest.approx(3.5, abs=0.005)
    annotated = replace(paper, plot=replace(paper.plot, annotate=True, size="page"))
    fig = draw.figure(annotated, output=target)
    assert [line for line in fig.axes[0].lines if line.get_marker() == "o"]
    assert any("peak 0.1 at 0" in t.get_text().replace("\n", " ") for t in fig.axes[0].get_legend().get_texts())
    assert saved_inches(target)[0] == pytest.approx(7.0, abs=0.005)
    default = draw.figure(config)  # the screen style keeps its title, legend below and annotations
    assert default.axes[0].get_title() == config.title and default.legends
    many = load(str(CONFIGS / "tf_decay_functions.yaml"))  # five curves: the legend goes below, frameless
    fig = draw.figure(replace(many, plot=replace(many.plot, style="paper", layout="overlay")))
    assert fig.axes[0].get_legend() is None and len(fig.legends) == 1 and not fig.legends[0].get_frame_on()


def test_a_legend_that_would_only_name_one_curve_is_left_out():
    """One curve without annotations: no legend (the caption names it); with annotations the legend
    stays, for the peak and final values; two curves always get one."""
    import lrviz

    def legends(*names, **plot):
        fig = lrviz.plot(*names, layout="overlay", **plot)
        return len(fig.legends) + sum(ax.get_legend() is not None for ax in fig.axes)

    assert legends("cosine", style="paper") == 0 and legends("cosine", style="default", annotate=False) == 0
    assert legends("cosine", style="paper", annotate=True) == 1 and legends("cosine", style="default") == 1
    assert legends("cosine", "step", style="paper") == 1 and legends("cosine", "step", style="dark", annotate=False) == 1


@pytest.mark.parametrize("style_name", ["default", "dark", "paper"])
def test_a_legend_label_longer_than_the_page_is_wrapped_onto_it(style_name):
    """A twin with many parameters set gives a legend label wider than the figure: it wraps at word breaks."""
    from lrviz import draw
    from lrviz.config import from_text

    config = from_text("total_steps: 30000\nsteps_per_epoch: 100\nschedules:\n  - name: timm.cosine\n"
                       "    params: {t_in_epochs: true, t_initial: 300, warmup_t: 5, warmup_lr_init: 1.0e-5, "
                       "lr_min: 1.0e-5, cycle_decay: 0.5, k_decay: 1.5}\n  - name: cosine\n"
                       f"plot: {{style: {style_name}, annotate: true}}\n")
    fig = draw.figure(config)
    assert problems(fig) == []
    (legend,) = fig.legends
    assert any("\n" in t.get_text() for t in legend.get_texts())
