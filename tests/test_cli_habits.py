"""CLI habits (issue 16, items 10, 12, 13, 16): one --set form, clean help and completion, stdin and stdout,
lrviz init and the shipped examples, output paths. Expected values come from the formulas, not lrviz's output."""

import csv
import io
import json
import math
import os
import re
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from lrviz.cli import app

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(ROOT, "configs")
WARMUP_COSINE = os.path.join(CONFIGS, "warmup_cosine.yaml")
runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def run(*args, input=None, cwd=None, env=None):
    """``python -m lrviz`` for real; stdout as bytes (figures may be binary)."""
    return subprocess.run([sys.executable, "-m", "lrviz", *args], input=input, capture_output=True, cwd=cwd,
                          env=env, timeout=120)


def cosine(t, T, lr=0.1, floor=0.0):
    return floor + (lr - floor) * (1 + math.cos(math.pi * min(t, T) / T)) / 2


def rows(text):
    return list(csv.reader(io.StringIO(text)))


# ---- 1. one way to say --set --------------------------------------------------------------------


def test_copies_of_a_name_are_addressed_with_hash_k_and_labelled_apart():
    result = invoke("export", "cosine", "cosine", "--steps", "10", "--set", "cosine#2.min_lr=0.05", "-o", "-")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table[0] == ["step", "cosine", "cosine (min_lr=0.05)"]
    for t, row in enumerate(table[1:]):
        assert float(row[1]) == pytest.approx(cosine(t, 10), abs=1e-15)
        assert float(row[2]) == pytest.approx(cosine(t, 10, floor=0.05), abs=1e-15)


def test_identical_copies_get_distinct_labels_and_a_note():
    out = run("export", "cosine", "cosine", "--steps", "4", "--set", "cosine.min_lr=1e-3", "-o", "-")
    assert out.returncode == 0, out.stderr
    header = rows(out.stdout.decode())[0]
    assert header[1] != header[2] and header[2] == f"{header[1]} (2)"
    note = out.stderr.decode().strip().splitlines()
    assert len(note) == 1 and "same schedule with the same parameters" in note[0] and "cosine#2" in note[0]


def test_bare_param_is_a_shorthand_only_with_one_schedule():
    one = invoke("export", "cosine", "--steps", "10", "--set", "min_lr=0.02", "-o", "-")
    qualified = invoke("export", "cosine", "--steps", "10", "--set", "cosine.min_lr=0.02", "-o", "-")
    assert one.exit_code == qualified.exit_code == 0
    assert one.stdout == qualified.stdout
    assert [float(r[1]) for r in rows(one.stdout)[1:]] == pytest.approx([cosine(t, 10, floor=0.02) for t in range(10)])
    stats = [invoke("stats", "cosine", "--steps", "10", "--set", word, "--format", "json").stdout
             for word in ("min_lr=0.02", "cosine.min_lr=0.02")]
    assert stats[0] == stats[1] and json.loads(stats[0])[0]["label"] == "cosine"
    two = invoke("check", "step", "cosine", "--set", "step_size=30")
    assert two.exit_code == 2
    assert "say which schedule" in two.output and "step, cosine" in two.output


@pytest.mark.parametrize("command", ["check", "stats", "export"])
def test_unknown_target_names_the_choices(command):
    extra = ["-o", "-"] if command == "export" else []
    result = invoke(command, "cosine", "step", "--set", "coss.min_lr=1", *extra)
    assert result.exit_code == 2
    line = result.output.strip().splitlines()
    assert len(line) == 1 and "'coss'" in line[0] and "cosine, step" in line[0]


def test_set_applies_to_a_config_by_label():
    # warmup + cosine with W = 500 of T = 10000: the peak is at step W
    result = invoke("stats", WARMUP_COSINE, "--set", "warmup + cosine.warmup_steps=500", "--format", "json")
    assert result.exit_code == 0, result.output
    by_label = {row["label"]: row for row in json.loads(result.stdout)}
    assert by_label["warmup + cosine"]["peak_step"] == 500
    assert by_label["warmup + linear"]["peak_step"] == 1000  # untouched


def test_sweep_and_explore_take_the_qualified_form(tmp_path):
    target = tmp_path / "s.svg"
    ok = invoke("sweep", "cosine", "--vary", "min_lr=0,1e-3", "--set", "cosine.decay_steps=800", "-o", str(target))
    assert ok.exit_code == 0, ok.output and target.exists()
    bad = invoke("sweep", "cosine", "--vary", "min_lr=0,1e-3", "--set", "step.gamma=0.5", "-o", str(target))
    assert bad.exit_code == 2 and "'step'" in bad.output and "cosine" in bad.output


def test_plot_takes_steps_set_title_and_stats(tmp_path):
    target = tmp_path / "p.svg"
    result = invoke("plot", WARMUP_COSINE, "--steps", "2000", "--set", "warmup + cosine.warmup_steps=100",
                    "--title", "Ten percent", "--stats", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "<dc:title>Ten percent</dc:title>" in target.read_text()
    bad = invoke("plot", WARMUP_COSINE, "--set", "nope.warmup_steps=1", "-o", str(target))
    assert bad.exit_code == 2
    assert "'nope'" in bad.output and "warmup + cosine" in bad.output and "warmup + exponential" in bad.output


def test_plot_steps_overrides_total_steps():
    from lrviz.cli._options import config_with_sets
    from lrviz.curves import evaluate
    from lrviz.sources import load

    cfg = config_with_sets(load(WARMUP_COSINE), ["warmup + cosine.warmup_steps=100"], steps=2000)
    curve = next(c for c in evaluate(cfg) if c.label == "warmup + cosine")
    assert cfg.total_steps == 2000 and int(curve.steps[-1]) == 1999  # the last update's lr
    # linear warmup to 0.1 over 100 steps, then cosine over the remaining 1900
    assert float(curve.lr[50]) == pytest.approx(0.1 * 50 / 100)
    assert float(curve.lr[1050]) == pytest.approx(cosine(950, 1900), rel=1e-12)


# ---- 2. help, completion, stdin and stdout ------------------------------------------------------

COMMANDS = ["plot", "compare", "sweep", "resume", "list", "show", "export", "stats", "check", "explore", "gallery",
            "playground", "init"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_no_type_tags(command):
    args = ["--help"] if command is None else [command, "--help"]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    tags = re.findall(r"<(?:bool|int|float|str|path|list\[[a-z]+\])>", result.output)
    assert not tags, (command, tags)


def test_help_shows_clean_metavars():
    text = runner.invoke(app, ["compare", "--help"], env={"COLUMNS": "200"}).output
    assert "NAME.PARAM=VALUE" in text and re.search(r"--steps\s+N\b", text) and re.search(r"-o\s+FILE\b", text)
    assert "NAMES" in runner.invoke(app, ["compare", "--help"], env={"COLUMNS": "200"}).output


def test_help_imports_neither_numpy_nor_matplotlib_nor_yaml():
    probe = ("import sys, runpy; sys.argv = ['lrviz', '--help']\n"
             "try:\n    runpy.run_module('lrviz', run_name='__main__')\n"
             "except SystemExit: pass\n"
             "print('LOADED', [m for m in ('numpy', 'matplotlib', 'yaml') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "LOADED []", out.stdout[-300:]


def test_shell_completion_is_on():
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = run("--show-completion", "bash", env=env)
    assert shown.returncode == 0 and b"_lrviz_completion" in shown.stdout
    env = {**os.environ, "_LRVIZ_COMPLETE": "complete_bash", "COMP_WORDS": "lrviz compare cosine_r", "COMP_CWORD": "2"}
    done = run(env=env)
    assert done.stdout.decode().split() == ["cosine_restarts"]
    env.update(COMP_WORDS="lrviz plot warmup_cos")
    assert "warmup_cosine" in run(env=env).stdout.decode().split()


def test_export_to_stdout_csv_by_default_json_with_format():
    result = invoke("export", "cosine", "--steps", "4", "-o", "-")
    assert result.exit_code == 0
    table = rows(result.stdout)
    assert table[0] == ["step", "cosine"] and len(table) == 5 and "wrote" not in result.stdout
    assert [float(r[1]) for r in table[1:]] == pytest.approx([cosine(t, 4) for t in range(4)], abs=1e-15)
    result = invoke("export", "cosine", "--steps", "4", "-o", "-", "--format", "json")
    data = json.loads(result.stdout)
    assert data["step"] == [0, 1, 2, 3] and data["cosine"] == pytest.approx([cosine(t, 4) for t in range(4)], abs=1e-15)
    bad = invoke("export", "cosine", "-o", "v.csv", "--format", "json")
    assert bad.exit_code == 2 and "-o -" in bad.output


def test_config_from_stdin_to_stdout():
    text = open(WARMUP_COSINE, "rb").read()
    out = run("export", "-", "-o", "-", input=text)
    assert out.returncode == 0, out.stderr
    table = rows(out.stdout.decode())
    assert table[0] == ["step", "warmup + cosine", "warmup + linear", "warmup + exponential"] and len(table) == 10001
    assert float(table[1 + 500][1]) == pytest.approx(0.1 * 500 / 1000)  # linear warmup, W = 1000
    svg = run("plot", "-", "-o", "-", "--format", "svg", input=text)
    assert svg.returncode == 0 and svg.stdout.startswith(b"<?xml") and b"wrote" not in svg.stdout
    png = run("plot", WARMUP_COSINE, "-o", "-", "--format", "png")
    assert png.returncode == 0 and png.stdout.startswith(b"\x89PNG\r\n\x1a\n")


def test_a_trainer_file_from_stdin_is_named_stdin_in_errors():
    hf = open(os.path.join(CONFIGS, "trainers", "hf_training_args.json"), "rb").read()
    ok = run("stats", "-", "--format", "csv", input=hf)
    assert ok.returncode == 0, ok.stderr
    bad = run("stats", "-", input=b'{"lr_scheduler_type": "cosine", "learning_rate": "x"}')
    assert bad.returncode == 1 and b"<stdin>" in bad.stderr and b"lrviz-stdin-" not in bad.stderr


def test_plot_from_stdin_writes_stdin_png_here(tmp_path):
    out = run("plot", "-", input=b"schedules: [cosine]\n", cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "stdin.png").read_bytes()[:4] == b"\x89PNG"


def test_binary_figures_are_refused_on_a_terminal(monkeypatch):
    from lrviz.errors import UsageError
    from lrviz.output import FIGURE_FORMATS, stdout_target

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(UsageError, match="binary and stdout is a terminal"):
        stdout_target("png", FIGURE_FORMATS)
    assert stdout_target("svg", FIGURE_FORMATS).fmt == "svg"


# ---- 3. lrviz init and the shipped examples -----------------------------------------------------


@pytest.mark.parametrize("what", [None, "wsd", "onecycle", "torch.StepLR", "hf"])
def test_init_writes_a_starter_that_checks_and_plots(tmp_path, what):
    target = tmp_path / "start.yaml"
    result = invoke("init", *([what] if what else []), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("#")
    checked = invoke("check", str(target))
    assert checked.exit_code == 0 and "error" not in checked.output, checked.output
    figure = tmp_path / "start.svg"
    assert invoke("plot", str(target), "-o", str(figure)).exit_code == 0 and figure.exists()


def test_init_default_is_warmup_cosine_on_10000_steps(tmp_path):
    text = invoke("init", "-o", "-").stdout
    data = yaml.safe_load(text)
    assert data["total_steps"] == 10000
    entry = data["schedules"][0]
    assert entry["name"] == "warmup" and entry["params"]["schedule"]["name"] == "cosine"
    for key in ("steps_per_epoch", "caption", "counting", "output", "layout", "size", "dpi"):
        assert re.search(rf"^\s*# {key}:", text, re.M), key  # every common key, commented


def test_init_schedule_has_the_registry_defaults():
    from lrviz.params import signature
    from lrviz.registry import lookup

    data = yaml.safe_load(invoke("init", "wsd", "-o", "-").stdout)
    params = data["schedules"][0]["params"]
    for p in signature(lookup("wsd")[1].factory).values():
        if p.name in ("lr", "total_steps"):
            assert data[p.name] == p.default
        elif p.default is not None:
            assert params[p.name] == p.default, p.name
        else:
            assert p.name not in params  # worked out by the schedule, left commented


def test_init_never_overwrites_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lr.yaml").write_text("mine\n")
    result = invoke("init")
    assert result.exit_code == 1 and "exists" in result.output and "--force" in result.output
    assert (tmp_path / "lr.yaml").read_text() == "mine\n"
    assert invoke("init", "--force").exit_code == 0 and yaml.safe_load((tmp_path / "lr.yaml").read_text())["schedules"]


def test_init_refuses_what_it_cannot_start(tmp_path):
    unknown = invoke("init", "cosin", "-o", str(tmp_path / "x.yaml"))
    assert unknown.exit_code == 2 and "cosine" in unknown.output and "hf" in unknown.output
    trainer = invoke("init", "deepspeed", "-o", str(tmp_path / "x.yaml"))
    assert trainer.exit_code == 2 and "hf" in trainer.output
    assert not (tmp_path / "x.yaml").exists()


def test_examples_resolve_by_name_from_any_folder_and_a_local_file_wins(tmp_path, monkeypatch):
    from lrviz.sources import examples, resolve

    monkeypatch.chdir(tmp_path)
    assert os.path.samefile(resolve("warmup_cosine"), WARMUP_COSINE)
    assert os.path.samefile(resolve("warmup_cosine.yaml"), WARMUP_COSINE)
    found = examples()
    assert "warmup_cosine" in found and not any("_base_" in n or n.endswith("gallery") for n in found)
    for name, path in found.items():  # every example is a config lrviz reads from a file
        assert os.path.isfile(path) and os.path.splitext(path)[1] in (".yaml", ".yml", ".json", ".py", ".sh"), name
    (tmp_path / "warmup_cosine.yaml").write_text("schedules: [step]\n")
    assert resolve("warmup_cosine") == "warmup_cosine.yaml"
    assert resolve("nothing_like_it") == "nothing_like_it"


def test_plot_an_example_by_name(tmp_path):
    result = run("plot", "warmup_cosine", "-o", "w.svg", cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.svg").read_bytes().startswith(b"<?xml")


def test_pyproject_ships_every_package_and_every_example():
    """The package list is explicit (the examples are a package mapped onto configs/): a new subpackage of
    lrviz, or an example of a new kind, must be added there or the installed lrviz would lack it."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        tool = tomllib.load(fh)["tool"]["setuptools"]
    packages = set(tool["packages"])
    for folder, _, files in os.walk(os.path.join(ROOT, "lrviz")):
        if "__init__.py" in files:
            assert os.path.relpath(folder, ROOT).replace(os.sep, ".") in packages, folder
    assert tool["package-dir"]["lrviz.examples"] == "configs"
    import fnmatch

    for folder, dirs, files in os.walk(CONFIGS):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = [part for part in os.path.relpath(folder, CONFIGS).split(os.sep) if part != "."]
        package = ".".join(["lrviz.examples", *rel])
        assert package in packages, folder
        for name in files:
            assert any(fnmatch.fnmatch(name, pat) for pat in tool["package-data"].get(package, [])), (package, name)


def test_list_filter_twins_and_examples():
    from lrviz.registry import TABLE

    names = lambda text: [line.split()[0] for line in text.strip().splitlines()]  # noqa: E731
    cos = names(invoke("list", "--filter", "cos").stdout)
    assert cos and all("cos" in n.lower() or "cos" in TABLE[n].summary.lower() for n in cos)
    assert {n for n in TABLE if "cos" in n} <= set(cos)
    glob = names(invoke("list", "--filter", "cos*").stdout)
    assert glob == sorted(n for n in TABLE if n.startswith("cos") or TABLE[n].summary.lower().startswith("cos"))
    assert names(invoke("list", "--twins", "torch").stdout) == sorted(n for n in TABLE if n.startswith("torch."))
    assert names(invoke("list", "--twins").stdout) == sorted(n for n in TABLE if "." in n)
    bad = invoke("list", "--twins", "tourch")
    assert bad.exit_code == 2 and "torch" in bad.output
    assert "warmup_cosine" in names(invoke("list", "--examples").stdout)
    none = invoke("list", "--filter", "zzzz")
    assert none.exit_code == 1 and "zzzz" in none.output


# ---- 4. output paths ----------------------------------------------------------------------------


def test_missing_output_folders_are_made(tmp_path):
    target = tmp_path / "figs" / "deep" / "lr.svg"
    result = invoke("compare", "cosine", "--steps", "50", "-o", str(target))
    assert result.exit_code == 0, result.output and target.exists()
    data = tmp_path / "out" / "v.csv"
    assert invoke("export", "cosine", "--steps", "5", "-o", str(data)).exit_code == 0 and data.exists()


def test_an_output_folder_that_is_a_file_is_one_clear_line(tmp_path):
    blocker = tmp_path / "figs"
    blocker.write_text("a file")
    out = run("compare", "cosine", "-o", str(blocker / "lr.png"))
    err = out.stderr.decode().strip().splitlines()
    assert out.returncode == 1 and len(err) == 1 and "is a file, not a folder" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figs"] and blocker.read_text() == "a file"


def test_plot_without_output_writes_here_not_beside_the_config(tmp_path, monkeypatch):
    elsewhere = tmp_path / "configs"
    elsewhere.mkdir()
    (elsewhere / "mine.yaml").write_text("schedules: [cosine]\n")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert invoke("plot", str(elsewhere / "mine.yaml")).exit_code == 0
    assert (here / "mine.png").exists() and not (elsewhere / "mine.png").exists()


def test_plot_draws_a_playground_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = tmp_path / "pg.yaml"
    cfg.write_text("schedules: [constant]\nplayground:\n  surface: quadratic\n  optimizers: [sgd, adam]\n  steps: 30\n")
    result = invoke("plot", str(cfg))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pg.png").read_bytes()[:4] == b"\x89PNG"
    refused = invoke("plot", str(cfg), "--logy")
    assert refused.exit_code == 2 and "--logy" in refused.output and "lrviz playground" in refused.output


def test_each_stdin_is_read_anew_in_one_process():
    first = invoke("stats", "-", "--format", "json", input="schedules: [cosine]\ntotal_steps: 10\n")
    second = invoke("stats", "-", "--format", "json", input="schedules: [linear]\ntotal_steps: 20\n")
    assert first.exit_code == second.exit_code == 0, (first.output, second.output)
    assert json.loads(first.stdout)[0]["label"] == "cosine" and json.loads(second.stdout)[0]["total_steps"] == 20


def test_resume_and_sweep_to_stdout_keep_their_text_off_the_figure(tmp_path):
    out = run("resume", "warmup_cosine", "--at", "6000", "--total", "15000", "-o", "-", "--format", "svg", cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(b"<?xml") and out.stdout.rstrip().endswith(b"</svg>")
    assert b"jumps" in out.stderr and b"wrote" not in out.stdout
    swept = run("sweep", "cosine", "--vary", "min_lr=0,1e-3", "-o", "-")
    assert swept.returncode == 0 and swept.stdout.startswith(b"\x89PNG")


def test_a_run_builds_only_the_command_it_names(monkeypatch):
    """``lrviz NAME ...`` builds only NAME's click command; help, a typo and completion see the whole app."""
    from typer.main import get_command

    from lrviz.cli import app, app_for

    names = sorted(get_command(app).commands)
    assert len(names) == len(app.registered_commands) >= 13
    for name in names:
        one = get_command(app_for([name, "--steps", "5"]))
        assert sorted(one.commands) == [name]
    for argv in ([], ["--help"], ["-h"], ["--version"], ["compar", "step"], ["step"]):
        assert app_for(argv) is app, argv
    monkeypatch.setenv("_LRVIZ_COMPLETE", "complete_bash")
    assert app_for(["compare"]) is app
