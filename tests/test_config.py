"""Config parsing: every problem in one pass, each as file:line:col: path: message."""

import textwrap

import pytest

from lrviz import config
from lrviz.errors import ConfigError


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config.from_text(textwrap.dedent(text), "run.yaml")
    return [str(issue) for issue in info.value.issues]


def test_valid_config_parses_numbers_written_like_1e_3():
    cfg = config.from_text(
        textwrap.dedent(
            """\
            title: t
            total_steps: 1e3
            lr: 1e-3
            steps_per_epoch: 100
            schedules:
              - name: cosine
                params: {min_lr: 1e-5, decay_steps: 5ep}
              - step
            plot: {logy: true, x: epochs, size: [6, 3], dpi: 100}
            output: out.png
            """
        ),
        "run.yaml",
    )
    assert cfg.total_steps == 1000 and cfg.lr == pytest.approx(1e-3) and cfg.steps_per_epoch == 100
    assert [s.name for s in cfg.schedules] == ["cosine", "step"]
    assert cfg.schedules[0].params == {"min_lr": "1e-5", "decay_steps": "5ep"}
    assert cfg.plot.logy and cfg.plot.x == "epochs" and cfg.plot.size == (6.0, 3.0) and cfg.plot.dpi == 100
    assert cfg.output == "out.png"


GOLDEN = [
    (
        """\
        schedules:
          - name: cosine
            params: {warmup_stpes: 3}
        """,
        ["run.yaml:3:14: schedules[0].params.warmup_stpes: unknown parameter of cosine"],
    ),
    (
        """\
        schedules:
          - name: warmup
            params: {warmup_stpes: 3}
        """,
        ["run.yaml:3:14: schedules[0].params.warmup_stpes: unknown parameter of warmup; did you mean warmup_steps?"],
    ),
    (
        """\
        schedules:
          - name: cosin
        """,
        ["run.yaml:2:5: schedules[0].name: unknown schedule 'cosin'; did you mean cosine?"],
    ),
    (
        """\
        totl_steps: 10
        schedules: [cosine]
        """,
        ["run.yaml:1:1: totl_steps: unknown key; did you mean total_steps?"],
    ),
    (
        """\
        lr: abc
        schedules: [cosine]
        """,
        ["run.yaml:1:1: lr: expected a number; got str 'abc'"],
    ),
    (
        """\
        lr: .nan
        schedules: [cosine]
        """,
        ["run.yaml:1:1: lr: expected a finite number; got nan"],
    ),
    (
        """\
        schedules:
          - name: multistep
            params:
              milestones: [60, 30]
        """,
        ["run.yaml:4:7: schedules[0].params.milestones: must be strictly increasing; 30 follows 60"],
    ),
    (
        """\
        schedules:
          - name: cosine
            params: {decay_steps: 5ep}
        """,
        ["run.yaml:3:14: schedules[0].params.decay_steps: '5ep' is in epochs but steps_per_epoch is not set"],
    ),
    (
        """\
        schedules:
          - name: cosine
            params: {decay_steps: 150%}
        """,
        ["run.yaml:3:14: schedules[0].params.decay_steps: percentage over 100%: '150%'"],
    ),
    (
        """\
        total_steps: 100
        schedules:
          - name: warmup
            params: {warmup_steps: 200}
        """,
        ["run.yaml:4:14: schedules[0].params.warmup_steps: warmup of 200 steps leaves nothing of total_steps=100"],
    ),
    (
        """\
        schedules:
          - name: warmup
            params:
              schedule: {name: cosine, params: {min_lr: x}}
        """,
        ["run.yaml:4:41: schedules[0].params.schedule.params.min_lr: expected a number; got str 'x'"],
    ),
    (
        """\
        x: 1
        x: 2
        """,
        ["run.yaml:2:1: x: duplicate key (first given at line 1)"],
    ),
    ("- cosine\n", ["run.yaml:1:1: the config must be a mapping of keys (title, total_steps, schedules, ...); got a list"]),
    ("", ["run.yaml: the config is empty"]),
    ("schedules: [cosine\n", ["run.yaml:2:1: YAML syntax: expected ',' or ']', but got '<stream end>'"]),
    (
        """\
        schedules: [cosine]
        plot: {layout: stacked, style: papr, annotate: maybe, size: wide}
        """,
        [
            "run.yaml:2:8: plot.layout: must be one of auto, overlay, grid, stack; got 'stacked'; did you mean stack?",
            "run.yaml:2:25: plot.style: must be one of default, paper, dark; got 'papr'; did you mean paper?",
            "run.yaml:2:38: plot.annotate: expected true or false; got str 'maybe'",
            "run.yaml:2:55: plot.size: expected W,H in inches or one of column, page, screen; got 'wide'",
        ],
    ),
]


@pytest.mark.parametrize("text, expected", GOLDEN)
def test_golden_error_strings(text, expected):
    assert errors_of(text) == expected


def test_all_problems_reported_in_one_pass():
    found = errors_of(
        """\
        totl_steps: 10
        plot: {logy: maybe, colour: red}
        schedules:
          - name: stepp
          - name: cosine
            params: {min_lr: -1}
        """
    )
    assert found == [
        "run.yaml:1:1: totl_steps: unknown key; did you mean total_steps?",
        "run.yaml:2:8: plot.logy: expected true or false; got str 'maybe'",
        "run.yaml:2:21: plot.colour: unknown plot option",
        "run.yaml:4:5: schedules[0].name: unknown schedule 'stepp'; did you mean step?",
        "run.yaml:6:14: schedules[1].params.min_lr: must be >= 0; got -1",
    ]


def test_tabs_are_named():
    (message,) = errors_of("schedules:\n\t- cosine\n")
    assert message.startswith("run.yaml:2:1: YAML syntax:") and "tabs" in message


def test_unsafe_tags_are_refused():
    (message,) = errors_of("lr: !!python/object/apply:os.system ['true']\nschedules: [cosine]\n")
    assert message.startswith("run.yaml:1:5: YAML syntax:")


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    (message,) = errors_of("\n".join(lines) + "\n")
    assert "more than" in message and "refused" in message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        config.load(str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match="is a directory"):
        config.load(str(tmp_path))


def test_non_utf8_bytes_are_located(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"title: ok\nlr: \xff\n")
    with pytest.raises(ConfigError) as info:
        config.load(str(path))
    assert str(info.value) == f"{path}:2:5: not UTF-8 text (byte 0xff)"


def test_parse_value_reads_like_yaml():
    assert config.parse_value("1e-4") == "1e-4"  # YAML 1.1 keeps it a string; params coerce it
    assert config.parse_value("[60, 120]") == [60, 120]
    assert config.parse_value("true") is True
    assert config.parse_value("cos") == "cos"


def test_every_problem_of_a_config_in_one_pass_sorted_by_line(tmp_path):
    """Three mistakes, one of them in a nested schedule whose parent has a problem of its own."""
    from lrviz.errors import ConfigError

    path = tmp_path / "three.yaml"
    path.write_text("total_steps: 1000\nplot: {layout: overlap}\nschedules:\n  - name: warmup\n    params:\n"
                    "      warmup_steps: 5ep\n      schedule: {name: cosine, params: {minlr: 0.001}}\n")
    with pytest.raises(ConfigError) as caught:
        config.load(str(path))
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:2:8", f"{path}:6:7", f"{path}:7:41"]
    assert lines[0].endswith("got 'overlap'; did you mean overlay?")
    assert "'5ep' is in epochs but steps_per_epoch is not set" in lines[1]
    assert lines[2].endswith("schedules[0].params.schedule.params.minlr: unknown parameter of cosine; did you mean min_lr?")
