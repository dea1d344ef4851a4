"""Figures: every layout, style and format renders; output is byte-identical; annotations sit
where the formulas put them; the notebook API and the CLI options reach the renderer."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

import lrviz  # noqa: E402
from lrviz.draw import axes, style
from lrviz.draw import mpl  # noqa: E402
from lrviz.draw import figure as draw_config  # noqa: E402
from lrviz.spec import Config, PlotSpec, ScheduleSpec  # noqa: E402

SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<svg"}


def config(*specs, total_steps=1000, **plot):
    return Config(schedules=tuple(ScheduleSpec(*s) if isinstance(s, tuple) else ScheduleSpec(s) for s in specs),
                  total_steps=total_steps, lr=0.1, plot=PlotSpec(**plot), title="t")


def render_bytes(cfg, fmt, tmp_path, name="out"):
    path = tmp_path / f"{name}.{fmt}"
    draw_config(cfg, output=str(path))
    return path.read_bytes()


def lines_of(ax):
    return [line for line in ax.get_lines() if line.get_drawstyle() == "steps-post"]


@pytest.mark.parametrize("layout", ["overlay", "grid", "stack"])
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_every_layout_renders_in_every_format(layout, fmt, tmp_path):
    data = render_bytes(config("cosine", "onecycle", layout=layout), fmt, tmp_path)
    if fmt == "svg":
        assert b"<svg" in data[:400] and data.rstrip().endswith(b"</svg>")
    else:
        assert data.startswith(SIGNATURES[fmt])


@pytest.mark.parametrize("name", style.STYLES)
def test_every_style_renders_and_sets_its_look(name, tmp_path):
    fig = draw_config(config("step", "cosine", style=name), output=str(tmp_path / "s.png"))
    assert (tmp_path / "s.png").read_bytes().startswith(SIGNATURES["png"])
    expected = style.params(name)
    ax = fig.axes[0]
    assert matplotlib.colors.same_color(fig.get_facecolor(), expected["figure.facecolor"])
    assert matplotlib.colors.same_color(lines_of(ax)[0].get_color(), expected["axes.prop_cycle"].by_key()["color"][0])


def test_paper_style_is_a_serif_single_column_figure():
    params = style.params("paper")
    assert params["font.family"] == ["serif"] and params["mathtext.fontset"] == "dejavuserif"
    fig = draw_config(config("cosine", style="paper"))
    assert fig.get_figwidth() == pytest.approx(3.5)
    assert fig.axes[0].xaxis.label.get_fontfamily() == ["serif"]
    fig = draw_config(config("cosine", style="paper", size="page"))
    assert fig.get_figwidth() == pytest.approx(7.0)


def test_an_explicit_size_is_exact_and_a_named_size_fixes_the_width():
    fig = draw_config(config("cosine", "step", "wsd", "onecycle", "linear", layout="overlay", size=(5.0, 3.0)))
    assert (fig.get_figwidth(), fig.get_figheight()) == pytest.approx((5.0, 3.0))
    fig = draw_config(config("cosine", "step", "wsd", "onecycle", layout="grid", size="column"))
    assert fig.get_figwidth() == pytest.approx(3.5) and fig.get_figheight() > 2.4  # two rows of panels


def test_the_style_does_not_leak_into_the_callers_matplotlib_settings():
    before = dict(matplotlib.rcParams)
    draw_config(config("cosine", style="dark"))
    after = dict(matplotlib.rcParams)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
@pytest.mark.parametrize("layout", ["overlay", "grid"])
def test_same_input_gives_identical_bytes(fmt, layout, tmp_path):
    cfg = config("cosine", "onecycle", "noisy_linear_cosine", layout=layout)
    assert render_bytes(cfg, fmt, tmp_path, "a") == render_bytes(cfg, fmt, tmp_path, "b")


def png_text(data: bytes) -> dict[str, str]:
    """The tEXt/iTXt chunks of a PNG."""
    out, pos = {}, 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            out[key.decode()] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")
            _, _, text = rest.partition(b"\0")
            out[key.decode()] = (zlib.decompress(text) if compressed else text).decode()
        pos += 12 + length
    return out


def test_metadata_names_the_title_and_the_source_and_no_date(tmp_path):
    cfg = Config(schedules=(ScheduleSpec("cosine"),), title="My schedule", source="configs/x.yaml")
    meta = png_text(render_bytes(cfg, "png", tmp_path))
    assert meta["Title"] == "My schedule" and meta["Source"] == "configs/x.yaml" and meta["Software"] == "lrviz"
    svg = render_bytes(cfg, "svg", tmp_path).decode()
    assert "My schedule" in svg and "configs/x.yaml" in svg and "<dc:date>" not in svg
    pdf = render_bytes(cfg, "pdf", tmp_path)
    assert b"(My schedule)" in pdf and b"CreationDate" not in pdf


def test_phase_boundaries_peak_and_final_sit_where_the_formulas_put_them():
    # step: lr * gamma ** (t // step_size): drops at 250, 500, 750; final 0.1 * 0.5**4 at t = 1000
    cfg = Config(schedules=(ScheduleSpec("step", {"step_size": 250, "gamma": 0.5}),), total_steps=1000, lr=0.1,
                 plot=PlotSpec(layout="overlay"))
    ax = draw_config(cfg).axes[0]
    vertical = sorted(line.get_xdata()[0] for line in ax.get_lines()
                      if len(set(line.get_xdata())) == 1 and len(line.get_xdata()) == 2)
    assert vertical == [250, 500, 750]
    markers = [(float(line.get_xdata()[0]), float(line.get_ydata()[0]), line.get_markerfacecolor())
               for line in ax.get_lines() if line.get_marker() == "o"]
    (peak_x, peak_y, peak_face), (final_x, final_y, final_face) = markers
    assert (peak_x, peak_y) == (0, 0.1)
    assert final_x == 999 and final_y == pytest.approx(0.1 * 0.5 ** 3)  # the last update, t = 999 < 4 x 250
    assert peak_face != final_face  # filled peak, open final
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert legend == ["step (step_size=250, gamma=0.5) — peak 0.1 at 0, final 0.0125"]


def test_warmup_peak_is_marked_at_the_end_of_warmup_in_epochs():
    cfg = Config(schedules=(ScheduleSpec("warmup", {"warmup_steps": 300, "schedule": {"name": "cosine"}}),),
                 total_steps=3000, lr=0.1, steps_per_epoch=100, plot=PlotSpec(x="epochs"))
    ax = draw_config(cfg).axes[0]
    peak = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert (peak.get_xdata()[0], peak.get_ydata()[0]) == (3.0, pytest.approx(0.1))  # step 300 = epoch 3
    assert ax.get_xlabel() == "epoch" and ax.get_xlim() == (0.0, 30.0)


def test_annotations_can_be_switched_off():
    ax = draw_config(config(("step", {"step_size": 250}), "cosine", annotate=False)).axes[0]
    assert len(ax.get_lines()) == 2  # the two curves, no markers or boundary lines
    assert [t.get_text() for t in ax.figure.legends[0].get_texts()] == ["step (step_size=250)", "cosine"]
    one = draw_config(config(("step", {"step_size": 250}), annotate=False))
    assert not one.legends  # a legend would only name the one curve


def test_a_rising_curve_has_no_separate_peak_marker():
    ax = draw_config(config(("linear", {"min_lr": 0.2}))).axes[0]  # rises from 0.1 to 0.2: peak = final
    assert len([line for line in ax.get_lines() if line.get_marker() == "o"]) == 1


def test_grid_has_one_lettered_panel_per_curve_on_shared_axes():
    fig = draw_config(config("step", "cosine", "onecycle", "wsd", "linear", layout="grid"))
    assert len(fig.axes) == 5  # a 2 x 3 grid with the sixth slot removed
    titles = [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes]
    assert titles == ["(a) step", "(b) cosine", "(c) onecycle", "(d) wsd", "(e) linear"]
    assert all(ax.get_ylim() == fig.axes[0].get_ylim() for ax in fig.axes)
    assert all(ax.get_xlim() == (0, 1000) for ax in fig.axes)
    assert mpl.grid_shape(4) == (2, 2) and mpl.grid_shape(3) == (1, 3) and mpl.grid_shape(10) == (3, 4)


def test_stack_puts_momentum_under_the_lr_and_auto_picks_it_for_momentum_curves():
    fig = draw_config(config("onecycle", "cosine"))  # layout auto
    lr_ax, m_ax = fig.axes
    assert m_ax.get_ylabel() == "momentum" and lr_ax.get_ylabel() == "learning rate"
    momentum = lines_of(m_ax)
    assert len(momentum) == 1  # cosine has no momentum
    # torch OneCycleLR defaults: momentum cycles from max_momentum 0.95 down to 0.85 at the peak, back to 0.95
    assert momentum[0].get_ydata()[0] == pytest.approx(0.95) and momentum[0].get_ydata().min() == pytest.approx(0.85)
    assert len(draw_config(config("cosine", "step")).axes) == 1
    assert len(draw_config(config("onecycle", layout="overlay")).axes) == 1


def test_small_lrs_get_a_power_of_ten_on_the_axis():
    cfg = Config(schedules=(ScheduleSpec("cosine"),), total_steps=100, lr=3e-4, plot=PlotSpec(layout="overlay"))
    fig = draw_config(cfg)
    ax = fig.axes[0]
    assert ax.get_ylabel() == r"learning rate ($\times 10^{-4}$)"
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(2e-4, 0) == "2" and formatter(2.5e-4, 0) == "2.5"
    assert axes.lr_exponent(0.1) == 0 and axes.lr_exponent(0.005) == -3 and axes.lr_exponent(2e4) == 4


def test_step_counts_get_k_and_m_suffixes():
    assert [axes.fmt_step(v) for v in (0, 950, 1000, 1500, 20000, 2.5e6)] == ["0", "950", "1k", "1500", "20k", "2.5M"]
    fig = draw_config(config("cosine", total_steps=2_000_000))
    assert fig.axes[0].xaxis.get_major_formatter()(1_500_000, 0) == "1.5M"


def test_values_are_drawn_as_holding_for_their_whole_step():
    ax = draw_config(config(("step", {"step_size": 3}), total_steps=6)).axes[0]
    assert lines_of(ax)[0].get_drawstyle() == "steps-post"


def test_a_huge_run_is_drawn_from_a_few_thousand_points():
    cfg = config("noisy_linear_cosine", total_steps=5_000_000)
    ax = draw_config(cfg).axes[0]
    line = lines_of(ax)[0]
    assert len(line.get_xdata()) <= 4 * mpl.pixel_columns(cfg.plot)
    schedule = lrviz.schedule("noisy_linear_cosine", lr=0.1, total_steps=5_000_000)
    full = schedule(np.arange(5_000_001))
    assert line.get_ydata().max() == full.max() and line.get_ydata().min() == full.min()


def pixels(fig) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


@pytest.mark.parametrize("name, params", [("noisy_linear_cosine", {"initial_variance": 0.3}),
                                          ("step", {"step_size": 997, "gamma": 0.8})])
def test_a_decimated_render_matches_the_full_render(name, params):
    n = 60_000
    cfg = Config(schedules=(ScheduleSpec(name, params),), total_steps=n, lr=0.1,
                 plot=PlotSpec(layout="overlay", annotate=False, size=(4.0, 2.5), dpi=100))
    from lrviz.curves import evaluate

    def draw(columns):
        curves = evaluate(cfg, columns=columns)
        return pixels(mpl.figure(curves, cfg.plot, total_steps=n)), len(curves[0].steps)

    reduced, kept = draw(mpl.pixel_columns(cfg.plot))
    full, everything = draw(None)
    assert kept < everything / 10
    differing = np.any(reduced != full, axis=-1).mean()
    assert differing <= 0.01


def test_lrviz_plot_takes_names_configs_and_schedules(tmp_path):
    from matplotlib.figure import Figure

    fig = lrviz.plot("step", "cosine", total_steps=500, layout="grid")
    assert isinstance(fig, Figure) and len(fig.axes) == 2 and fig.axes[0].get_xlim() == (0, 500)
    cos = lrviz.schedule("cosine", lr=0.5, total_steps=200)
    fig = lrviz.plot(cos, output=str(tmp_path / "cos.svg"))
    assert (tmp_path / "cos.svg").read_bytes().lstrip().startswith(b"<?xml")
    line = lines_of(fig.axes[0])[0]
    assert line.get_ydata()[0] == 0.5 and line.get_xdata()[-1] == 200
    path = tmp_path / "c.yaml"
    path.write_text("total_steps: 300\nschedules: [cosine]\nplot: {logy: true}\n")
    ax = lrviz.plot(str(path)).axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlim() == (0, 300)


def test_lrviz_plot_draws_into_a_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    assert lrviz.plot(["cosine", "step"], ax=ax) is fig
    assert len(lines_of(ax)) == 2 and ax.get_legend() is not None


@pytest.mark.parametrize("kwargs, message", [
    (dict(layout="grdi"), "layout: must be one of auto, overlay, grid, stack; got 'grdi'; did you mean grid?"),
    (dict(style="light"), "style: must be one of default, paper, dark"),
    (dict(size="huge"), "size: expected W,H in inches or one of column, page, screen"),
    (dict(colour="red"), "colour: unknown plot option"),
])
def test_lrviz_plot_rejects_bad_options_by_name(kwargs, message):
    with pytest.raises(lrviz.ParameterError) as err:
        lrviz.plot("cosine", **kwargs)
    assert message in str(err.value)


def test_lrviz_plot_needs_a_length_for_schedules_that_do_not_say_it():
    sched = lrviz.schedule("cosine", lr=0.1, total_steps=100)
    assert lrviz.plot(sched, total_steps=50).axes[0].get_xlim() == (0, 50)
    with pytest.raises(lrviz.ParameterError, match="expected a config path"):
        lrviz.plot(42)


def test_pixel_columns_follow_width_and_dpi():
    assert mpl.pixel_columns(PlotSpec()) == 2 * math.ceil(8 * 150)
    assert mpl.pixel_columns(PlotSpec(style="paper")) == 2 * math.ceil(3.5 * 300)
    assert mpl.pixel_columns(PlotSpec(size=(4.0, 3.0), dpi=100)) == 800


def test_figures_render_without_pyplot():
    import subprocess
    import sys

    code = ("import io, sys; from lrviz.draw import figure; from lrviz.spec import Config, ScheduleSpec; "
            "figure(Config(schedules=(ScheduleSpec('cosine'),))).savefig(io.BytesIO(), format='png'); "
            "print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_importing_the_drawing_package_loads_no_schedule_registry_or_twin():
    """draw/ takes evaluated curves: its import chain must not reach the registry (which loads every twin)."""
    import subprocess
    import sys

    code = ("import sys, lrviz.draw, lrviz.draw.mpl; "
            "print(sorted(m for m in sys.modules if m == 'lrviz.registry' or m.startswith('lrviz.twins')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_difference_panel_draws_each_curve_minus_the_first_at_every_step():
    """plot.difference: lr_i(t) - lr_1(t) from the formulas, step decay minus the constant 0.1:
    0.1 * 0.1 ** floor(t / 300) - 0.1 on t = 0..999, and the first curve's own line at 0."""
    fig = draw_config(config("constant", ("step", {"step_size": 300}), difference=True))
    lr_ax, diff_ax = fig.axes
    assert diff_ax.get_ylabel().startswith("lr − constant")
    zero, step = [line for line in diff_ax.get_lines() if line.get_drawstyle() == "steps-post"]
    assert set(np.asarray(zero.get_ydata())) == {0.0}
    x, y = np.asarray(step.get_xdata()), np.asarray(step.get_ydata())
    t = np.arange(1000)
    assert np.array_equal(x[:-1], t)  # held to x = 1000 like the lr
    np.testing.assert_allclose(y[:-1], 0.1 * 0.1 ** np.floor(t / 300) - 0.1, rtol=1e-12, atol=1e-15)


def test_the_difference_panel_refuses_a_layout_it_cannot_go_under():
    from lrviz.config import from_text
    from lrviz.errors import ConfigError, ParameterError

    with pytest.raises(ConfigError, match=r"plot.difference: draws a panel under the lr: it needs layout stack"):
        from_text("schedules: [cosine, step]\nplot: {difference: true, layout: grid}\n")
    with pytest.raises(ParameterError, match="needs layout stack or auto; got overlay"):
        from lrviz.draw import with_options
        with_options(PlotSpec(layout="overlay"), difference=True)


def test_a_curve_another_one_hides_is_drawn_as_a_band_under_it():
    fig = draw_config(config("cosine", "constant", ("cosine", {}, "again")))  # the third repeats the first
    first, second, third = [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("lr-")]
    assert first.get_linewidth() > 3 * third.get_linewidth() and first.get_alpha() < 0.5
    assert second.get_linewidth() == third.get_linewidth() and second.get_alpha() is None
    from lrviz.curves import evaluate

    assert mpl.coincident(evaluate(config("cosine", "step"))) == set()


def test_a_fine_staircase_is_drawn_solid_and_wide_steps_keep_their_dashes():
    per_epoch = np.arange(150)  # one value per epoch: 150 stairs of about 5.7 px on a 1000 px figure
    assert mpl.fine_staircase(per_epoch, 0.95 ** per_epoch, 150, 1000)
    per_step = np.arange(1000)  # a stair per pixel reads as a smooth line
    assert not mpl.fine_staircase(per_step, 0.999 ** per_step, 1000, 1000)
    assert not mpl.fine_staircase(per_step, 0.1 ** (per_step // 300), 1000, 1000)  # four wide steps
    fig = draw_config(Config(schedules=(ScheduleSpec("cosine"), ScheduleSpec("exponential", {"decay_rate": 0.95,
                                                                                              "decay_steps": 1,
                                                                                              "staircase": True})),
                             total_steps=150, lr=0.1, title="t"))
    cosine, stairs = lines_of(fig.axes[0])
    assert stairs.get_linestyle() == "-" and stairs.get_linewidth() < cosine.get_linewidth()


def test_wrapped_text_breaks_at_words_but_not_inside_a_formula():
    assert mpl.wrapped("the lr = lr0 * gamma ^ k per epoch of training here", 30).split("\n") == [
        "the lr = lr0 * gamma ^ k per", "epoch of training here"]
    assert mpl.wrapped("start at (x, y) then go on for a while", 12).split("\n") == [
        "start at", "(x, y) then", "go on for a", "while"]
    long = mpl.wrapped("a = b * c ^ d / e + f - g * h and then", 10)  # longer than a line: breaks after all
    assert max(len(line) for line in long.split("\n")) <= 10


def test_grid_context_draws_the_other_curves_in_grey_behind_each_panel():
    fig = draw_config(config("step", "cosine", "linear", layout="grid", context=True))
    for ax in fig.axes:
        own = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("lr-")]
        grey = [line for line in ax.get_lines() if line.get_gid() is None and line.get_drawstyle() == "steps-post"]
        assert len(own) == 1 and own[0].get_linestyle() == "-" and len(grey) == 2
        assert all(g.get_zorder() < own[0].get_zorder() and g.get_alpha() < 0.3 for g in grey)
    plain = draw_config(config("step", "cosine", "linear", layout="grid"))
    assert all(len(lines_of(ax)) == 1 for ax in plain.axes)


def test_the_paper_legend_typesets_the_parameter_names_that_have_a_standard_symbol():
    assert axes.math_details("T_max=300, eta_min=0.01, decay_steps=5") == r"$T_{max}$=300, $\eta_{min}$=0.01, decay_steps=5"
    cfg = config(("torch.CosineAnnealingLR", {"T_max": 300}), ("step", {"gamma": 0.5}), style="paper")
    labels = [t.get_text() for t in draw_config(cfg).axes[0].get_legend().get_texts()]
    assert labels == ["torch.CosineAnnealingLR\n($T_{max}$=300)", r"step ($\gamma$=0.5)"]
    screen = draw_config(config(("torch.CosineAnnealingLR", {"T_max": 300}), ("step", {"gamma": 0.5})))
    assert [t.get_text().split(" — ")[0] for t in screen.legends[0].get_texts()] == [
        "torch.CosineAnnealingLR (T_max=300)", "step (gamma=0.5)"]  # the screen style keeps names as written
