"""Hostile input, round two (issue 20, families 1-4 and 9): text, encodings, figure sizes, extreme values and
the environment, each run as a real ``python -m lrviz`` subprocess under a memory and CPU limit.

The rules are those of :mod:`test_bad_input` (whose machinery this reuses): for a refusal, the exit code,
exactly one line on stderr naming the place and the problem, no traceback, nothing on stdout, no file
created or changed. Every run is bounded: ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU`` are set in the
child before it starts, so a case that allocates without bound (57.6 Gpixel) or spins dies instead of passing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from test_bad_input import OLD, Case, _env, _prepare, _snapshot, check_refused, compare, export, plot

MEMORY_LIMIT = 1536 * 2**20  # bytes of address space per run: a figure of lrviz needs ~300 MB
CPU_LIMIT = 60  # seconds of CPU per run


@dataclass(frozen=True)
class Run(Case):
    """A case with its own environment and, given, stdout sent to a file (``/dev/full``)."""

    env: dict = field(default_factory=dict)
    stdout_to: str | None = None


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def _run_limited(case: Case, folder: str, env: dict) -> dict:
    before = _snapshot(folder)
    env = {**env, **getattr(case, "env", {})}
    target = getattr(case, "stdout_to", None)
    out_file = open(target, "wb") if target else None
    try:
        out = subprocess.run([sys.executable, "-m", "lrviz", *case.argv], cwd=folder, env=env, timeout=120,
                             stdout=out_file if out_file else subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=_limits)
    finally:
        if out_file:
            out_file.close()
    decode = lambda raw: (raw or b"").decode("utf-8", "replace")  # noqa: E731
    return dict(code=out.returncode, stdout=decode(out.stdout), stderr=decode(out.stderr), before=before,
                after=_snapshot(folder))


LONG = "x" * 900_000
GRID_NAMES = ("step", "multistep", "exponential", "cosine", "linear", "polynomial", "constant", "inverse_sqrt",
              "cosine_restarts", "wsd", "onecycle", "cyclic", "warmup", "keyframes", "inverse_time", "linear_cosine")
PG = "playground:\n  surface: rosenbrock\n"
GALLERY = {"configs": None, "configs/a.yaml": "title: fine\ntotal_steps: 50\nschedules: [cosine]\n",
           "configs/b.yaml": "title: \"$x^$\"\ntotal_steps: 50\nschedules: [step]\n", "out": None, "out/a.png": OLD}

CASES = [
    # ---- 1. mathtext in the text a user writes ---------------------------------------------
    Case("title-mathtext-option", code=2, starts="lrviz: --title: bad mathtext between $ signs:",
         contains=("at character 3 of 'x^'", "write \\$ for a dollar sign"), **compare("cosine", "--title", "$x^$")),
    Case("sweep-title-mathtext", code=2, starts="lrviz: --title: bad mathtext between $ signs:",
         contains=("\\frac",), argv=("sweep", "cosine", "--vary", "min_lr=0,0.01", "--title", "$\\frac{$", "-o",
                                     "old.png")),
    Case("title-mathtext-config", code=1, starts="bad.yaml:1:1: title: bad mathtext between $ signs:",
         **plot("title: \"$x^$\"\nschedules: [cosine]\n")),
    Case("label-mathtext-grid", code=1, starts="bad.yaml:3:20: schedules[0].label: bad mathtext between $ signs:",
         contains=("\\frac{num}{den}",),
         **plot("total_steps: 100\nschedules:\n  - {name: cosine, label: \"$\\\\frac{$\"}\n  - step\n"
                "plot: {layout: grid}\n")),
    Case("title-mathtext-over-a-config", code=2, starts="lrviz: --title: bad mathtext",
         **plot("schedules: [cosine]\n", "--title", "$\\sqrt{$", name="good.yaml")),
    Case("playground-label-mathtext", code=1, starts="pg.yaml:3:29: playground.optimizers[0].label: bad mathtext",
         **plot(PG + "  optimizers: [{name: adam, label: \"$x^$\"}]\n", name="pg.yaml")),
    Case("playground-title-mathtext", code=1, starts="pg.yaml:1:1: title: bad mathtext",
         files={"pg.yaml": "title: \"$\\\\frac{$\"\n" + PG}, argv=("playground", "pg.yaml", "-o", "old.png")),
    Case("gallery-writes-all-or-nothing", code=1, starts="configs/b.yaml:1:1: title: bad mathtext",
         files=GALLERY, argv=("gallery", "--configs", "configs", "--out", "out")),
    # ---- 2. encodings and length -----------------------------------------------------------
    Case("title-not-utf8-bytes", code=2, starts="lrviz: Invalid value for '--title': not UTF-8 text (byte 0xff at "
         "character 1)", **compare("cosine", "--title", "\udcff\udcfe")),
    Case("title-not-utf8-term", code=2, starts="lrviz: Invalid value for '--title': not UTF-8 text",
         argv=("compare", "cosine", "--term", "--title", "a\udcff")),
    Case("label-lone-surrogate", code=1, starts="bad.yaml:3:20: schedules[0].label: not valid text (a lone surrogate "
         "U+D800 at character 2)", **plot("total_steps: 10\nschedules:\n  - {name: cosine, label: \"a\\ud800\"}\n")),
    Case("label-lone-surrogate-export", code=1, starts="bad.yaml:3:20: schedules[0].label: not valid text",
         contains=("U+DCFF",), **export("total_steps: 10\nschedules:\n  - {name: cosine, label: \"a\\udcff\"}\n")),
    Case("label-lone-surrogate-term", code=1, starts="bad.yaml:3:20: schedules[0].label: not valid text",
         files={"bad.yaml": "total_steps: 10\nschedules:\n  - {name: cosine, label: \"a\\udcff\"}\n"},
         argv=("plot", "bad.yaml", "--term")),
    Case("title-900k-characters", code=1, starts="bad.yaml:1:1: title: is 900,000 characters long; at most 1,000",
         **plot(f"title: {LONG}\nschedules: [cosine]\n")),
    Case("title-100k-characters-option", code=2, starts="lrviz: Invalid value for '--title': is 100,000 characters "
         "long", **compare("cosine", "--title", "y" * 100_000)),
    Case("label-5000-characters", code=1, starts="bad.yaml:2:20: schedules[0].label: is 5,000 characters long",
         **plot("schedules:\n  - {name: cosine, label: " + "z" * 5000 + "}\n")),
    # ---- 3. figure sizes -------------------------------------------------------------------
    Case("size-empty-image", code=2, starts="lrviz: --size, --dpi: 0.01 x 0.01 in is too small; each side must be at "
         "least 0.5 in", **compare("cosine", "--size", "0.01,0.01", "--dpi", "10")),
    Case("size-few-pixels", code=2, starts="lrviz: --size, --dpi: 1 x 0.6 in at 10 dpi is 10 x 6 pixels; each side "
         "must be at least 32 pixels", **compare("cosine", "--size", "1,0.6", "--dpi", "10")),
    Case("size-57-gigapixel", code=2, starts="lrviz: --size, --dpi: 100 x 100 in at 2400 dpi is 240,000 x 240,000 "
         "pixels (57,600 Mpixel); at most 250 Mpixel", **compare("cosine", "--size", "100,100", "--dpi", "2400")),
    Case("size-dpi-only", code=2, starts="lrviz: --dpi: 30 x 30 in at 2400 dpi", contains=("at most 250 Mpixel",),
         **plot("schedules: [cosine]\nplot: {size: [30, 30]}\n", "--dpi", "2400", name="good.yaml")),
    Case("size-57-gigapixel-config", code=1, starts="bad.yaml:2:8: plot.size: 100 x 100 in at 2400 dpi",
         **plot("schedules: [cosine]\nplot: {size: [100, 100], dpi: 2400}\n")),
    Case("grid-500-panels", code=1, starts="bad.yaml:2:1: schedules: 500 curves in one figure is more than 64",
         **plot("total_steps: 100\nschedules: [" + ", ".join(["cosine"] * 500) + "]\nplot: {layout: grid}\n")),
    Case("grid-grown-past-250-mpixel", code=2, starts="lrviz: --dpi: 8 x ", contains=("at most 250 Mpixel",
                                                                                     "grew to hold its panels"),
         **compare(*GRID_NAMES, "--layout", "grid", "--steps", "50", "--dpi", "2400")),
    Case("compare-70-names", code=2, starts="lrviz: schedule names: 70 curves in one figure is more than 64",
         **compare(*["step"] * 70)),
    Case("playground-57-gigapixel", code=1, starts="pg.yaml: plot.size: 100 x 100 in at 2400 dpi",
         files={"pg.yaml": PG + "plot: {size: [100, 100], dpi: 2400}\n"}, argv=("playground", "pg.yaml", "-o", "old.png")),
    # ---- 4. extreme values -----------------------------------------------------------------
    Case("term-logy-of-a-zero-lr", code=2, starts="lrviz: --logy: no lr above 0 to draw on a log axis",
         argv=("compare", "constant", "--lr", "0", "--term", "--logy")),
    Case("png-logy-of-a-zero-lr", code=2, starts="lrviz: --logy: no lr above 0", **compare("constant", "--lr", "0",
                                                                                          "--logy")),
    Case("config-logy-of-a-zero-lr", code=1, starts="bad.yaml:3:8: plot.logy: no lr above 0",
         **plot("lr: 0\nschedules: [constant]\nplot: {logy: true}\n")),
    Case("playground-lr-grid-to-1e308", code=2, starts="lrviz: --lr-grid: needs 1e-12 <= LOW < HIGH <= 1e+06; got "
         "0.0001:1e+308", argv=("playground", "--lr-grid", "1e-4:1e308:20", "-o", "old.png")),
    Case("playground-start-1e308", code=2, starts="lrviz: --start: coordinates must be within ±1e+06; got 1e+308",
         argv=("playground", "--start", "1e308,1e308", "-o", "old.png")),
    Case("playground-lr-1e308", code=2, starts="lrviz: --lr: must be at most 1e+06; got 1e+308",
         argv=("playground", "--lr", "1e308", "-o", "old.png")),
    Case("playground-window-1e-300", code=1, starts="pg.yaml:3:3: playground.window: needs a width and height of at "
         "least 1e-06; got 1e-300 x 1", files={"pg.yaml": PG + "  window: [0, 1e-300, 0, 1]\n"},
         argv=("playground", "pg.yaml", "-o", "old.png")),
    # ---- 9. the environment ----------------------------------------------------------------
    Run("stdout-on-a-full-device", code=1, starts="lrviz: write error: No space left on device", argv=("list",),
        stdout_to="/dev/full"),
    Run("stdout-on-a-full-device-json", code=1, starts="lrviz: write error: No space left on device",
        argv=("stats", "cosine", "--format", "json"), stdout_to="/dev/full"),
    Case("keyframes-100-and-100.0", code=1, starts="bad.yaml:4:34: schedules[0].params.keyframes.100.0: duplicate "
         "key: 100.0 is the same key as 100 (first given at line 4)",
         **plot("total_steps: 200\nschedules:\n  - name: keyframes\n    params: {keyframes: {100: 1, 100.0: 0.5}}\n")),
    Case("keyframes-1-and-true", code=1, starts="bad.yaml:4:32: schedules[0].params.keyframes[True]: duplicate key: "
         "True is the same key as 1", **plot("total_steps: 200\nschedules:\n  - name: keyframes\n"
                                             "    params: {keyframes: {1: 1, true: 0.5}}\n")),
]

# Valid input at the edges: exit 0, the output replaced, nothing on stderr.
GOOD_CASES = [
    Case("ok-step-lr-1.7e308-png", code=0, starts="", **compare("step", "--lr", "1.7e308")),
    Case("ok-grid-lr-1.7e308", code=0, starts="", **compare("step", "cosine", "--lr", "1.7e308", "--layout", "grid")),
    Case("ok-lr-5e-324-logy", code=0, starts="", **compare("step", "--lr", "5e-324", "--logy")),
    Case("ok-lr-1e-320", code=0, starts="", **compare("onecycle", "--lr", "1e-320")),
    Case("ok-mathtext-title", code=0, starts="", **compare("cosine", "--title", "$\\eta_t$ for $5 a day")),
    Case("ok-dpi-2400-default-size", code=0, starts="", **compare("cosine", "--steps", "10", "--dpi", "600")),
    Run("ok-mplbackend-bogus", code=0, starts="", env={"MPLBACKEND": "bogus"}, **compare("cosine", "--steps", "20")),
    # a config whose file name is the byte 0xff (not UTF-8), in a strict UTF-8 locale: its name goes into the
    # PNG's metadata as U+FFFD (was a UnicodeEncodeError)
    Run("ok-config-name-not-utf8", code=0, starts="", env={"PYTHONIOENCODING": "utf-8"},
        **plot("total_steps: 10\nschedules: [cosine]\n", name="\udcff.yaml")),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every case once, two subprocesses at a time, each under the limits; results by case id."""
    base = tmp_path_factory.mktemp("bad_input_text")
    env = _env()
    cases = GOOD_CASES + CASES
    for case in cases:
        _prepare(case, str(base / case.id))
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {case.id: pool.submit(_run_limited, case, str(base / case.id), env) for case in cases}
        return {name: job.result() for name, job in jobs.items()}


def test_ids_are_unique():
    ids = [c.id for c in CASES + GOOD_CASES]
    assert len(set(ids)) == len(ids) and len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(case: Case, results):
    check_refused(results[case.id], case, limit=2000)


@pytest.mark.parametrize("case", GOOD_CASES, ids=lambda c: c.id)
def test_valid_input_at_the_edges_writes_the_output(case: Case, results):
    got = results[case.id]
    assert got["code"] == 0 and got["stderr"] == "", got["stderr"][:2000]
    assert got["stdout"].strip() == "wrote old.png"
    changed = sorted(k for k in set(got["before"]) | set(got["after"]) if got["before"].get(k) != got["after"].get(k))
    assert changed == ["old.png"] and got["after"]["old.png"].startswith(b"\x89PNG\r\n\x1a\n")


def test_the_gallery_case_left_the_earlier_figure_alone(results):
    """configs/a.yaml draws, b.yaml does not: out/a.png still holds b"OLD" and no hidden folder is left."""
    got = results["gallery-writes-all-or-nothing"]
    assert got["after"]["out/a.png"] == OLD and not any(k.startswith("out/.") for k in got["after"])


def _run_here(*argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lrviz", *argv], capture_output=True, text=True, timeout=120,
                          env={**_env(), **env}, preexec_fn=_limits)


def test_stats_json_of_lrs_near_the_float_maximum_is_json_without_warnings():
    """1,000 steps of step decay from 1.7e308: the mean is finite (the formula below), the area is beyond
    float64 and written as null (JSON has no Infinity), and numpy prints no RuntimeWarning."""
    out = _run_here("stats", "step", "--lr", "1.7e308", "--format", "json")
    assert out.returncode == 0 and out.stderr == "", out.stderr

    def refuse(name):
        raise AssertionError(f"not JSON: {name}")

    row = json.loads(out.stdout, parse_constant=refuse)[0]
    # step: gamma 0.1 every 333 updates (T // 3) of T = 1000: 333 at lr, 333 at lr/10, 333 at lr/100, and
    # update 999 at lr/1000 (the final lr, 1.7e305)
    mean = 1.7e308 * ((333 + 333 * 0.1 + 333 * 0.01 + 0.001) / 1000)  # the fraction first: the sum is beyond float64
    assert row["mean"] == pytest.approx(mean, rel=1e-12)
    assert row["area"] is None and row["peak"] == 1.7e308 and row["final"] == pytest.approx(1.7e305, rel=1e-12)


def _font_with(char: str) -> bool:
    """Whether an installed font (not a placeholder font) has ``char``, asked of matplotlib and FreeType."""
    from matplotlib.font_manager import fontManager
    from matplotlib.ft2font import FT2Font

    for font in fontManager.ttflist:
        if font.name.startswith("Last Resort"):
            continue
        try:
            if ord(char) in FT2Font(font.fname).get_charmap():
                return True
        except (OSError, RuntimeError):
            continue
    return False


def test_a_cjk_title_gives_one_note_or_none(tmp_path):
    """A CJK title: drawn in an installed font that has the glyphs (no output on stderr), else one note naming
    the three characters, never a warning per glyph."""
    out = subprocess.run([sys.executable, "-m", "lrviz", "compare", "cosine", "--steps", "20", "--title", "学习率",
                          "-o", "cjk.png"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=_env(),
                         preexec_fn=_limits)
    assert out.returncode == 0 and (tmp_path / "cjk.png").exists(), out.stderr
    if all(_font_with(ch) for ch in "学习率"):
        assert out.stderr == ""
    else:
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lrviz: note: no installed font has 3 character(s)"), out.stderr
        assert all(ch in lines[0] for ch in "学习率")


def test_a_glyph_the_style_font_lacks_is_drawn_from_another_installed_font():
    """A character DejaVu Sans lacks but an installed font has (found here with FreeType, not lrviz) is drawn
    without any note or warning."""
    from matplotlib.font_manager import FontProperties, findfont, fontManager
    from matplotlib.ft2font import FT2Font

    primary = set(FT2Font(findfont(FontProperties(family="DejaVu Sans"))).get_charmap())
    others = set()
    for font in sorted(fontManager.ttflist, key=lambda f: f.name):
        if not font.name.startswith(("Last Resort", "DejaVu Sans")):
            others |= {c for c in FT2Font(font.fname).get_charmap() if 0x2200 <= c < 0x2B00}
    spare = sorted(others - primary)
    if not spare:
        pytest.skip("no installed font has a symbol DejaVu Sans lacks")
    out = _run_here("compare", "cosine", "--steps", "20", "--title", "ok " + chr(spare[0]), "-o", "-", "--format",
                    "svg")
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_a_logged_column_name_with_dollars_is_plain_text_in_the_legend(tmp_path):
    """A run log's column named ``lr$x^$`` (text from a file, not written for the figure) is drawn as it is:
    the legend's ``logged: ...`` entry escapes its ``$``, so matplotlib does not parse it as math."""
    (tmp_path / "run.csv").write_text("step,lr$x^$\n0,0.1\n10,0.09\n50,0.05\n", encoding="utf-8")
    (tmp_path / "plan.yaml").write_text("total_steps: 100\nschedules: [cosine]\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "lrviz", "plot", "plan.yaml", "--log", "run.csv", "--log-format", "csv",
                          "--log-columns", "step,lr$x^$", "-o", "run.png"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env=_env(), preexec_fn=_limits)
    assert "Traceback" not in out.stderr and out.returncode in (0, 1), out.stderr
    assert "wrote run.png" in out.stdout and (tmp_path / "run.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("text, width", [(r"(a) $\alpha + \beta + \gamma + \delta + \epsilon$ and more words here", 12),
                                         (r"cosine $\eta_t = \eta_0 \cos(\pi t / T)$ to $10^{-4}$, final", 8),
                                         ("plain words that wrap at spaces only", 10)])
def test_wrapping_never_breaks_inside_math(text, width):
    """Legends and panel headings wrap at spaces, but a line break inside $...$ would make matplotlib draw the
    whole label as plain text: every wrapped line holds an even number of unescaped $, and no word is lost."""
    import re

    from lrviz.draw.mpl import wrapped

    lines = wrapped(text, width).split("\n")
    assert all(len(re.findall(r"(?<!\\)\$", line)) % 2 == 0 for line in lines), lines
    assert " ".join(lines).split() == text.split()
