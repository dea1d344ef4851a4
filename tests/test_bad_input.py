"""A catalogue of bad inputs, each run as a real ``python -m lrviz`` subprocess.

For every case: the exit code (1 for a bad config, parameter or path; 2 for a
command-line usage error), exactly one line on stderr naming the place (file:line:col
and key path, the option, or the path) and the problem, no traceback, and no file
created or changed in the case's folder (an ``old.png`` / ``old.csv`` holding b"OLD"
sits where the command would write).

All cases run once, two at a time, in a module-scoped fixture; each test looks up
its own result.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OLD = b"OLD"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    starts: str  # the stderr line starts with this (the place)
    contains: tuple[str, ...] = ()  # ... and contains each of these (the problem)
    files: dict = field(default_factory=dict)  # name -> str | bytes | None (None: a folder)
    readonly: tuple[str, ...] = ()  # folders made read-only (chmod 0o555) before the run
    needs_non_root: bool = False
    mem: int | None = None  # RLIMIT_AS of the run (bytes): allocating more is a MemoryError, so a traceback
    cpu: int | None = None  # RLIMIT_CPU of the run (seconds): over it the run is killed (SIGXCPU)


FIFO = object()  # in Case.files: a named pipe (nothing writes to it: reading it would block)


class Link(str):
    """In Case.files: a symlink to this target."""


def plot(text: str | bytes, *extra: str, name: str = "bad.yaml") -> dict:
    """Keyword arguments of a ``lrviz plot <name> -o old.png`` case over a config ``text``."""
    return dict(files={name: text}, argv=("plot", name, "-o", "old.png", *extra))


def export(text: str | bytes, *extra: str, name: str = "bad.yaml") -> dict:
    return dict(files={name: text}, argv=("export", name, "-o", "old.csv", *extra))


def compare(*argv: str) -> dict:
    return dict(argv=("compare", *argv, "-o", "old.png"))


GOOD = "total_steps: 100\nschedules: [cosine]\n"

# A YAML "billion laughs": nine levels of nine aliases each.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + chr(ord('a') + i - 1)] * 9)}]\n" for i in range(1, 9)
) + "schedules: [cosine]\n"

HUGE = "schedules: [cosine]\n" + "# padding padding padding padding padding padding padding\n" * 20_000

BOUND_MEM = 2**30  # 1 GiB of address space: lrviz drawing a figure needs about half of it
BOUND_CPU = 30  # seconds of CPU time


def nested(depth: int) -> str:
    """``depth`` lists inside each other, as YAML flow text: ``[[[]]]`` for 3."""
    return "[" * depth + "]" * depth


def clamps(depth: int) -> str:
    """``clamp`` of ``clamp`` ... of ``cosine``, ``depth`` clamps, as one YAML flow mapping."""
    text = "cosine"
    for _ in range(depth):
        text = "{name: clamp, params: {schedule: %s}}" % text
    return text


def plateau(metrics: str) -> str:
    return f"total_steps: 1000\nschedules:\n  - name: hf.reduce_lr_on_plateau\n    params: {{metrics: {metrics}}}\n"


DEEPSPEED = ('{"train_batch_size": 8, "optimizer": {"type": "AdamW", "params": {"lr": 0.001}}, '
             '"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 10}}}')
OPTIMIZERS = ("sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "adam_l2", "sgd") * 3


def round_two() -> list:
    """Issue 20, families 5-8: nesting depth, memory and time, outputs that would destroy inputs,
    messages that named the wrong thing. Each case runs under RLIMIT_AS = BOUND_MEM and
    RLIMIT_CPU = BOUND_CPU: more memory is a MemoryError (a traceback), more CPU time kills the run."""
    cases = [
        # family 5: nesting depth (PyYAML composes with three frames per level; Python stops at 1000)
        Case("r2-yaml-nested-600", code=1, starts="bad.yaml:3:", contains=("nested more than 64 levels deep",),
             **plot("schedules:\n  - name: cosine\n    params: {min_lr: " + nested(600) + "}\n")),
        Case("r2-yaml-nested-100k", code=1, starts="bad.yaml:1:", contains=("nested more than 64 levels deep",),
             **plot("x: " + nested(100_000) + "\nschedules: [cosine]\n")),
        Case("r2-yaml-alias-depth", code=1, starts="bad.yaml:", contains=("nested more than 64 levels deep",),
             **plot("a: &a " + nested(60) + "\nb: [[[[[[*a]]]]]]\nschedules: [cosine]\n")),
        Case("r2-clamp-of-clamp-300", code=1, starts="bad.yaml:2:", contains=("nested more than 64 levels deep",),
             **plot("schedules:\n  - " + clamps(300) + "\n")),
        Case("r2-clamp-of-clamp-26", code=1, starts="bad.yaml:2:",
             contains=("params.schedule: schedules nested more than 24 deep",),
             **plot("schedules:\n  - " + clamps(26) + "\n")),
        Case("r2-set-nested-1100", code=2, starts="lrviz: --set cosine.min_lr: column 65: lists and mappings nested "
             "more than 64 levels deep", **compare("cosine", "--set", "cosine.min_lr=" + nested(1100))),
        Case("r2-vary-nested-1100", code=2, starts="lrviz: --vary min_lr: column 65: lists and mappings nested",
             argv=("sweep", "cosine", "--vary", "min_lr=" + nested(1100) + ",1", "-o", "old.png")),
        Case("r2-json-nested-100k", code=1, starts="ds.json: lists and mappings nested more than 64 levels deep",
             **plot(DEEPSPEED[:-1] + ', "x": ' + nested(100_000) + "}", name="ds.json")),
        Case("r2-json-nested-70", code=1, starts="ds.json:1:", contains=("nested more than 64 levels deep",),
             **plot(DEEPSPEED[:-1] + ', "x": ' + nested(70) + "}", name="ds.json")),
        # family 6: memory and time
        Case("r2-export-to-1e9-steps", code=1, starts="lrviz: tanh: no exact torch equivalent",
             argv=("export", "tanh", "--steps", "1000000000", "--to", "torch")),
        Case("r2-playground-900-runs", code=2, starts="lrviz: 900 runs (30 optimizers x 30 schedules) of 100,000 steps",
             contains=("--steps", "--optimizer", "--schedule"),
             argv=("playground", *[w for o in OPTIMIZERS for w in ("--optimizer", o)],
                   *["--schedule", "cosine"] * 30, "--steps", "100000", "-o", "old.png")),
        Case("r2-playground-config-grid-memory", code=1,
             starts="pg.yaml:1:1: 1,800 runs (9 optimizers x 1 schedule x 200 grid lrs) of 100,000 steps",
             contains=("--lr-grid",),
             files={"pg.yaml": "playground:\n  steps: 100000\n  lr_grid: {low: 1e-4, high: 1, count: 200}\n"
                               "  optimizers: [" + ", ".join(OPTIMIZERS[:9]) + "]\nschedules: [cosine]\n"},
             argv=("playground", "pg.yaml", "-o", "old.png")),
        Case("r2-config-dev-zero", code=1, starts="/dev/zero: is a device, not a regular file",
             argv=("plot", "/dev/zero", "-o", "old.png")),
        Case("r2-config-fifo", code=1, starts="cfg.yaml: is a FIFO, not a regular file", files={"cfg.yaml": FIFO},
             argv=("plot", "cfg.yaml", "-o", "old.png")),
        Case("r2-metrics-fifo", code=1, starts="bad.yaml:4:14: schedules[0].params.metrics: m.csv: is a FIFO",
             files={"bad.yaml": plateau("m.csv"), "m.csv": FIFO}, argv=("stats", "bad.yaml")),
        Case("r2-metrics-dev-zero", code=1, starts="bad.yaml:4:14: schedules[0].params.metrics: /dev/zero: is a device",
             files={"bad.yaml": plateau("/dev/zero")}, argv=("stats", "bad.yaml")),
        Case("r2-log-fifo", code=1, starts="lrviz: run.csv: is a FIFO, not a regular file", files={"run.csv": FIFO},
             argv=("check", "cosine", "--log", "run.csv")),
        # family 7: outputs that would destroy inputs, or surprise
        Case("r2-export-over-its-config", code=1, starts="lrviz: cfg.json: is the config this command reads",
             files={"cfg.json": DEEPSPEED}, argv=("export", "cfg.json", "-o", "cfg.json")),
        Case("r2-export-over-its-config-through-a-link", code=1,
             starts="lrviz: out.json: is the config this command reads (cfg.json)",
             files={"cfg.json": DEEPSPEED, "out.json": Link("cfg.json")}, argv=("export", "cfg.json", "-o", "out.json")),
        Case("r2-export-over-the-metrics-file", code=1, starts="lrviz: m.csv: is a metrics file the config reads",
             files={"bad.yaml": plateau("m.csv"), "m.csv": "loss\n3\n2\n1\n"}, argv=("export", "bad.yaml", "-o", "m.csv")),
        Case("r2-output-empty-compare", code=2, starts="lrviz: --output: the file name is empty",
             argv=("compare", "cosine", "-o", "")),
        Case("r2-output-empty-export", code=2, starts="lrviz: --output: the file name is empty",
             argv=("export", "cosine", "-o", "")),
        Case("r2-output-empty-playground", code=2, starts="lrviz: --output: the file name is empty",
             argv=("playground", "-o", "")),
        Case("r2-output-empty-in-config", code=1, starts="bad.yaml:2:1: output: the file name is empty",
             files={"bad.yaml": "schedules: [cosine]\noutput: ''\n"}, argv=("plot", "bad.yaml")),
        # family 8: messages that named the wrong thing
        Case("r2-set-duplicate-key", code=2, starts="lrviz: --set keyframes.keyframes: column 10: duplicate key: "
             "100.0 is the same key as 100 (first given at column 2)",
             **compare("keyframes", "--set", "keyframes.keyframes={100: 1, 100.0: 0.5}")),
        Case("r2-steps-2-62-force", code=2, starts="lrviz: --steps: is too large; a duration must be at most 2**53",
             **compare("cosine", "--steps", str(2**62), "--force")),
        Case("r2-playground-seed-negative", code=2, starts="lrviz: --seed: expected a whole number seed >= 0; got -1",
             argv=("playground", "--surface", "quadratic", "--seed", "-1", "-o", "old.png")),
        Case("r2-playground-seed-2-63", code=2, starts=f"lrviz: --seed: expected a whole number seed >= 0; got {2**63}",
             argv=("playground", "--surface", "noisy_quadratic", "--seed", str(2**63), "-o", "old.png")),
        Case("r2-gallery-out-is-a-file", code=1, starts="lrviz: outfile: is a file, not a folder",
             files={"outfile": OLD, "cfgs": None, "cfgs/good.yaml": GOOD},
             argv=("gallery", "--configs", "cfgs", "--out", "outfile")),
        Case("r2-metrics-read-from-the-config-folder", code=1,
             starts="sub/bad.yaml:4:14: schedules[0].params.metrics: m.csv: no such file (read from ",
             files={"sub": None, "sub/bad.yaml": plateau("m.csv"), "m.csv": "1\n2\n"}, argv=("stats", "sub/bad.yaml")),
    ]
    return [replace(case, mem=BOUND_MEM, cpu=BOUND_CPU) for case in cases]


CASES = [
    # ---- YAML syntax and document shape ---------------------------------------------------
    Case("yaml-unclosed-bracket", code=1, starts="bad.yaml:4:1: YAML syntax:", contains=("expected ',' or '}'",),
         **plot("schedules:\n  - name: cosine\n    params: {min_lr: 0.1\n")),
    Case("yaml-bad-indentation", code=1, starts="bad.yaml:2:5: YAML syntax:", contains=("mapping values are not allowed",),
         **plot("total_steps: 100\n  lr: 0.1\nschedules: [cosine]\n")),
    Case("empty-file", code=1, starts="bad.yaml: the config is empty", **plot("")),
    Case("only-comments", code=1, starts="bad.yaml: the config is empty", **plot("# nothing\n\n# here either\n")),
    Case("top-level-list", code=1, starts="bad.yaml:1:1: the config must be a mapping", contains=("a list",),
         **plot("- cosine\n- step\n")),
    Case("top-level-scalar", code=1, starts="bad.yaml:1:1: the config must be a mapping", contains=("str 'cosine'",),
         **plot("cosine\n")),
    Case("tab-indentation", code=1, starts="bad.yaml:2:1: YAML syntax:", contains=("tab",),
         **plot("schedules:\n\t- name: cosine\n")),
    Case("duplicate-top-key", code=1, starts="bad.yaml:3:1: total_steps: duplicate key (first given at line 1)",
         **plot("total_steps: 100\nlr: 0.1\ntotal_steps: 200\nschedules: [cosine]\n")),
    Case("duplicate-param-key", code=1,
         starts="bad.yaml:5:7: schedules[0].params.min_lr: duplicate key (first given at line 4)",
         **plot("schedules:\n  - name: cosine\n    params:\n      min_lr: 0.1\n      min_lr: 0.2\n")),
    Case("non-utf8-bytes", code=1, starts="bad.yaml:2:12: not UTF-8 text (byte 0xff)",
         **plot(b"schedules:\n  - label: \xff\xfe\n    name: cosine\n")),
    Case("huge-config", code=1, starts="bad.yaml: the file is ", contains=("bytes; configs over 1000000 bytes are refused",),
         **plot(HUGE)),
    Case("alias-bomb", code=1, starts="bad.yaml: the config expands to more than 100000 values", **plot(BOMB)),
    Case("unsafe-python-tag", code=1, starts="bad.yaml:1:8: YAML syntax:", contains=("python/object",),
         **plot("title: !!python/object:os.system {}\nschedules: [cosine]\n")),
    Case("merge-key", code=1, starts="bad.yaml:4:14: schedules[0].params: merge keys (<<) are not supported",
         **plot("base: &b {min_lr: 0.1}\nschedules:\n  - name: cosine\n    params: {<<: *b}\n")),
    # ---- unknown names and keys -----------------------------------------------------------
    Case("unknown-schedule", code=1,
         starts="bad.yaml:2:5: schedules[0].name: unknown schedule 'cosin'; did you mean cosine?",
         **plot("schedules:\n  - name: cosin\n")),
    Case("unknown-top-key", code=1, starts="bad.yaml:1:1: total_step: unknown key; did you mean total_steps?",
         **plot("total_step: 100\nschedules: [cosine]\n")),
    Case("unknown-entry-key", code=1, starts="bad.yaml:3:5: schedules[0].parms: unknown key; did you mean params?",
         **plot("schedules:\n  - name: cosine\n    parms: {min_lr: 0.1}\n")),
    Case("unknown-parameter", code=1,
         starts="bad.yaml:3:14: schedules[0].params.min_lrr: unknown parameter of cosine; did you mean min_lr?",
         **plot("schedules:\n  - name: cosine\n    params: {min_lrr: 0.1}\n")),
    Case("unknown-plot-option", code=1, starts="bad.yaml:2:8: plot.layot: unknown plot option; did you mean layout?",
         **plot("schedules: [cosine]\nplot: {layot: grid}\n")),
    Case("unknown-counting-mode", code=1, starts="bad.yaml:1:1: counting: must be one of",
         contains=("got 'cumulativ'", "did you mean cumulative?"),
         **plot("counting: cumulativ\nschedules: [cosine]\n")),
    Case("unknown-entry-counting-mode", code=1, starts="bad.yaml:4:18: schedules[1].counting: must be one of",
         contains=("got 'per_epoch'",),
         **plot("steps_per_epoch: 10\nschedules:\n  - cosine\n  - {name: step, counting: per_epoch}\n")),
    # ---- bad plot values in a config ------------------------------------------------------
    Case("plot-layout", code=1, starts="bad.yaml:2:8: plot.layout: must be one of", contains=("got 'grdi'", "grid"),
         **plot("schedules: [cosine]\nplot: {layout: grdi}\n")),
    Case("plot-style", code=1, starts="bad.yaml:3:3: plot.style: must be one of", contains=("got 'fancy'",),
         **plot("schedules: [cosine]\nplot:\n  style: fancy\n")),
    Case("plot-x", code=1, starts="bad.yaml:2:8: plot.x: must be one of", contains=("got 'hours'",),
         **plot("schedules: [cosine]\nplot: {x: hours}\n")),
    Case("plot-size", code=1, starts="bad.yaml:2:8: plot.size: expected W,H in inches", contains=("[8]",),
         **plot("schedules: [cosine]\nplot: {size: [8]}\n")),
    Case("plot-dpi", code=1, starts="bad.yaml:2:8: plot.dpi: must be between 10 and 2400; got 5",
         **plot("schedules: [cosine]\nplot: {dpi: 5}\n")),
    # ---- wrong types ----------------------------------------------------------------------
    Case("string-for-number", code=1,
         starts="bad.yaml:3:14: schedules[0].params.min_lr: expected a number; got str 'x'",
         **plot("schedules:\n  - name: cosine\n    params: {min_lr: x}\n")),
    Case("list-for-number", code=1, starts="bad.yaml:1:1: lr: expected a number; got a list",
         **plot("lr: [0.1]\nschedules: [cosine]\n")),
    Case("number-for-list", code=1, starts="bad.yaml:4:7: schedules[0].params.milestones: expected a list; got int 300",
         **plot("schedules:\n  - name: multistep\n    params:\n      milestones: 300\n")),
    Case("mapping-for-schedules", code=1, starts="bad.yaml:1:1: schedules: expected a list", contains=("a mapping",),
         **plot("schedules: {name: cosine}\n")),
    # ---- values out of range --------------------------------------------------------------
    Case("lr-inf", code=1, starts="bad.yaml:2:1: lr: expected a finite number; got inf",
         **plot("total_steps: 100\nlr: .inf\nschedules: [cosine]\n")),
    Case("min-lr-nan", code=1, starts="bad.yaml:3:14: schedules[0].params.min_lr: expected a finite number; got nan",
         **plot("schedules:\n  - name: cosine\n    params: {min_lr: .nan}\n")),
    Case("gamma-inf", code=1, starts="bad.yaml:3:14: schedules[0].params.gamma: expected a finite number; got inf",
         **plot("schedules:\n  - name: step\n    params: {gamma: .inf}\n")),
    Case("lr-negative", code=1, starts="bad.yaml:1:1: lr: must be >= 0; got -0.1", **plot("lr: -0.1\nschedules: [cosine]\n")),
    Case("param-lr-negative", code=1, starts="bad.yaml:3:14: schedules[0].params.lr:", contains=("-1",),
         **plot("schedules:\n  - name: cosine\n    params: {lr: -1}\n")),
    Case("total-steps-zero", code=1, starts="bad.yaml:1:1: total_steps: must be at least 1 step; got 0",
         **plot("total_steps: 0\nschedules: [cosine]\n")),
    Case("warmup-steps-negative", code=1,
         starts="bad.yaml:4:7: schedules[0].params.warmup_steps: duration must be >= 0; got -5",
         **plot("schedules:\n  - name: warmup\n    params:\n      warmup_steps: -5\n")),
    Case("decay-steps-zero", code=1, starts="bad.yaml:3:14: schedules[0].params.decay_steps:",
         **plot("schedules:\n  - name: exponential\n    params: {decay_steps: 0}\n")),
    Case("warmup-longer-than-training", code=1,
         starts="bad.yaml:5:7: schedules[0].params.warmup_steps: warmup of 100 steps leaves nothing of total_steps=100",
         **plot("total_steps: 100\nschedules:\n  - name: warmup\n    params:\n      warmup_steps: 100\n")),
    Case("milestones-out-of-order", code=1, starts="bad.yaml:3:14: schedules[0].params.milestones",
         **plot("schedules:\n  - name: multistep\n    params: {milestones: [600, 300]}\n")),
    Case("milestones-duplicated", code=1, starts="bad.yaml:3:14: schedules[0].params.milestones",
         **plot("schedules:\n  - name: multistep\n    params: {milestones: [300, 300]}\n")),
    Case("percentage-over-100", code=1,
         starts="bad.yaml:3:14: schedules[0].params.warmup_steps: percentage over 100%: '150%'",
         **plot("schedules:\n  - name: warmup\n    params: {warmup_steps: 150%}\n")),
    Case("percentage-not-a-number", code=1,
         starts="bad.yaml:3:14: schedules[0].params.warmup_steps: expected a duration like 500, '20k', '5ep', '10%' or '2B tok'; got 'abc%'",
         **plot("schedules:\n  - name: warmup\n    params: {warmup_steps: abc%}\n")),
    Case("epochs-without-steps-per-epoch", code=1,
         starts="bad.yaml:3:14: schedules[0].params.warmup_steps: '5ep' is in epochs but steps_per_epoch is not set",
         **plot("schedules:\n  - name: warmup\n    params: {warmup_steps: 5ep}\n")),
    Case("x-epochs-without-steps-per-epoch", code=1, starts="bad.yaml:2:8: plot.x: x in epochs needs steps_per_epoch",
         **plot("schedules: [cosine]\nplot: {x: epochs}\n")),
    # ---- composition ----------------------------------------------------------------------
    Case("nested-bad-param", code=1,
         starts="bad.yaml:6:33: schedules[0].params.schedule.params.min_lr: expected a number; got str 'x'",
         **plot("schedules:\n  - name: warmup\n    params:\n      warmup_steps: 10\n"
                "      schedule:\n        {name: cosine, params: {min_lr: x}}\n")),
    Case("sequence-phase-unknown-name", code=1,
         starts="bad.yaml:6:11: schedules[0].params.phases[1].name: unknown schedule 'cosin'; did you mean cosine?",
         **plot("schedules:\n  - name: sequence\n    params:\n      phases:\n        - {steps: 100, name: linear}\n"
                "        - name: cosin\n")),
    Case("sequence-phase-negative-steps", code=1,
         starts="bad.yaml:5:12: schedules[0].params.phases[0].steps: duration must be >= 0; got -100",
         **plot("schedules:\n  - name: sequence\n    params:\n      phases:\n        - {steps: -100, name: linear}\n"
                "        - {name: cosine}\n")),
    Case("sequence-phase-not-a-mapping", code=1, starts="bad.yaml:5:11: schedules[0].params.phases[0]: expected a phase",
         **plot("schedules:\n  - name: sequence\n    params:\n      phases:\n        - 100\n")),
    # ---- paths ----------------------------------------------------------------------------
    Case("missing-config", code=1, starts="missing.yaml: no such file", argv=("plot", "missing.yaml", "-o", "old.png")),
    Case("config-is-directory", code=1, starts="conf.yaml: is a directory", files={"conf.yaml": None},
         argv=("plot", "conf.yaml", "-o", "old.png")),
    Case("output-parent-is-a-file", code=1, starts="lrviz: afile/out.png: cannot create its folder:",
         contains=("afile is a file, not a folder",),
         files={"good.yaml": GOOD, "afile": OLD}, argv=("plot", "good.yaml", "-o", "afile/out.png")),
    Case("output-parent-is-a-file-from-config", code=1, starts="lrviz: afile/sub/out.png: cannot create its folder:",
         files={"good.yaml": GOOD + "output: afile/sub/out.png\n", "afile": OLD}, argv=("plot", "good.yaml")),
    Case("output-folder-read-only", code=1, starts="lrviz: ro/old.png: folder ro is not writable",
         files={"good.yaml": GOOD, "ro": None, "ro/old.png": OLD}, readonly=("ro",), needs_non_root=True,
         argv=("plot", "good.yaml", "-o", "ro/old.png")),
    Case("output-is-directory", code=1, starts="lrviz: outdir: is a directory", files={"good.yaml": GOOD, "outdir": None},
         argv=("plot", "good.yaml", "-o", "outdir")),
    Case("output-ext-jpg", code=1, starts="lrviz: old.jpg: unknown output format (.jpg)", contains=(".png",),
         files={"good.yaml": GOOD, "old.jpg": OLD}, argv=("plot", "good.yaml", "-o", "old.jpg")),
    Case("output-no-extension", code=1, starts="lrviz: old: unknown output format (no extension)",
         files={"old": OLD}, argv=("compare", "cosine", "-o", "old")),
    Case("export-to-png", code=1, starts="lrviz: old.png: unknown output format (.png)", contains=(".csv", ".json"),
         argv=("export", "cosine", "-o", "old.png")),
    Case("export-bad-config", code=1, starts="bad.yaml:3:14: schedules[0].params.min_lr: expected a number; got str 'x'",
         **export("schedules:\n  - name: cosine\n    params: {min_lr: x}\n")),
    # ---- command-line options -------------------------------------------------------------
    Case("set-without-equals", code=2, starts="lrviz: --set cosine.min_lr: expected NAME.PARAM=VALUE",
         **compare("cosine", "--set", "cosine.min_lr")),
    Case("set-without-name", code=2, starts="lrviz: --set min_lr=0.1: say which schedule, NAME.min_lr=...; one of "
         "cosine, step", **compare("cosine", "step", "--set", "min_lr=0.1")),
    Case("set-without-value", code=2, starts="lrviz: --set min_lr: expected NAME.PARAM=VALUE",
         **compare("cosine", "--set", "min_lr")),
    Case("set-schedule-not-compared", code=2, starts="lrviz: --set step.gamma=0.5: 'step' is not one of the schedules here; one of cosine",
         **compare("cosine", "--set", "step.gamma=0.5")),
    Case("set-bad-value-type", code=2, starts="lrviz: --set cosine.min_lr: expected a number; got str 'abc'",
         **compare("cosine", "--set", "cosine.min_lr=abc")),
    Case("set-unknown-param", code=2, starts="lrviz: --set cosine.min_lrr: unknown parameter of cosine; did you mean min_lr?",
         **compare("cosine", "--set", "cosine.min_lrr=0.1")),
    Case("export-set-bad-value", code=2, starts="lrviz: --set cosine.min_lr: expected a number; got str 'abc'",
         argv=("export", "cosine", "--set", "cosine.min_lr=abc", "-o", "old.csv")),
    Case("steps-zero", code=2, starts="lrviz: --steps: must be >= 1; got 0", **compare("cosine", "--steps", "0")),
    Case("lr-minus-one", code=2, starts="lrviz: --lr: must be a finite number >= 0; got -1", **compare("cosine", "--lr", "-1")),
    Case("size-one-number", code=2, starts="lrviz: --size: expected W,H in inches", contains=("'8'",),
         **compare("cosine", "--size", "8")),
    Case("dpi-5", code=2, starts="lrviz: --dpi: must be between 10 and 2400; got 5", **compare("cosine", "--dpi", "5")),
    Case("x-hours", code=2, starts="lrviz: --x: must be one of", contains=("got 'hours'",), **compare("cosine", "--x", "hours")),
    Case("layout-grdi", code=2, starts="lrviz: --layout: must be one of", contains=("got 'grdi'", "did you mean grid?"),
         **compare("cosine", "--layout", "grdi")),
    Case("plot-layout-option", code=2, starts="lrviz: --layout: must be one of", contains=("got 'grdi'",),
         **plot(GOOD, "--layout", "grdi", name="good.yaml")),
    Case("term-with-output", code=2, starts="lrviz: --term previews in the terminal and writes no file; drop --output",
         **compare("cosine", "--term")),
    Case("compare-unknown-schedule", code=2, starts="lrviz: unknown schedule 'cosin'; did you mean cosine?",
         **compare("cosin")),
    Case("x-epochs-option-without-steps-per-epoch", code=2, starts="lrviz: --x: epochs need --steps-per-epoch",
         **compare("cosine", "--x", "epochs")),
    Case("x-epochs-option-on-a-config-without-steps-per-epoch", code=2,
         starts="lrviz: --x: epochs need steps_per_epoch, which good.yaml does not set",
         **plot(GOOD, "--x", "epochs", name="good.yaml")),
    Case("steps-per-epoch-zero", code=2, starts="lrviz: --steps-per-epoch: must be >= 1; got 0",
         **compare("cosine", "--steps-per-epoch", "0")),
    Case("lr-nan-option", code=2, starts="lrviz: --lr: must be a finite number >= 0; got nan", **compare("cosine", "--lr", "nan")),
    Case("lr-inf-option", code=2, starts="lrviz: --lr: must be a finite number >= 0; got inf", **compare("cosine", "--lr", "inf")),
    Case("steps-not-an-integer", code=2, starts="lrviz: --steps: expected a duration like 500, '20k'",
         contains=("got 'abc'",), **compare("cosine", "--steps", "abc")),
    Case("unknown-option", code=2, starts="lrviz: No such option: --stpes", contains=("--steps", "lrviz compare --help"),
         **compare("cosine", "--stpes", "5")),
    Case("missing-argument", code=2, starts="lrviz: give schedule names, or --config FILE (or both)", argv=("compare", "-o", "old.png")),
    # the explorer and playground commands
    Case("sweep-unknown-parameter", code=2, starts="lrviz: --vary min_lrr: not a parameter of cosine",
         contains=("did you mean min_lr?",), argv=("sweep", "cosine", "--vary", "min_lrr=0,1", "-o", "old.png")),
    Case("sweep-without-values", code=2, starts="lrviz: --vary min_lr: expected PARAM=V1,V2",
         argv=("sweep", "cosine", "--vary", "min_lr", "-o", "old.png")),
    Case("sweep-too-many-curves", code=2, starts="lrviz: --vary: 81 combinations is more than 64 curves",
         argv=("sweep", "step", "--vary", "gamma=.1,.2,.3,.4,.5,.6,.7,.8,.9", "--vary",
               "step_size=10,20,30,40,50,60,70,80,90", "-o", "old.png")),
    Case("sweep-bad-value", code=2, starts="lrviz: --vary min_lr=abc: expected a number; got str 'abc'",
         argv=("sweep", "cosine", "--vary", "min_lr=0,abc", "-o", "old.png")),
    Case("resume-at-past-the-run", code=2, starts="lrviz: --at: must be between 1 and the new total - 1 (99); got 500",
         files={"good.yaml": GOOD}, argv=("resume", "good.yaml", "--at", "500", "-o", "old.png")),
    Case("resume-missing-config", code=1, starts="nothere.yaml: no such file",
         argv=("resume", "nothere.yaml", "--at", "5", "-o", "old.png")),
    Case("stats-unknown-format", code=2, starts="lrviz: --format: must be one of table, csv, json; got 'xml'",
         argv=("stats", "cosine", "--format", "xml")),
    Case("check-config-and-names-mixed", code=2, starts="lrviz: give one config at a time, or schedule names",
         files={"good.yaml": GOOD}, argv=("check", "good.yaml", "cosine")),
    Case("check-bad-config", code=1, starts="bad.yaml:2:13: schedules[0].name: unknown schedule 'cosin'",
         files={"bad.yaml": "total_steps: 10\nschedules: [cosin]\n"}, argv=("check", "bad.yaml")),
    Case("playground-unknown-optimizer", code=2, starts="lrviz: --optimizer: unknown optimizer 'adm'; did you mean adam?",
         argv=("playground", "--optimizer", "adm", "-o", "old.png")),
    Case("playground-config-to-plot-with-a-curve-option", code=2, starts="lrviz: --logy: pg.yaml is a playground config",
         contains=("lrviz playground --help",),
         **plot("playground: {surface: rosenbrock}\nschedules: [constant]\n", "--logy", name="pg.yaml")),
    Case("playground-config-to-stats", code=1, starts="pg.yaml:1:1: playground:", contains=("lrviz playground",),
         files={"pg.yaml": "playground: {surface: rosenbrock}\nschedules: [constant]\n"}, argv=("stats", "pg.yaml")),
    # The exit-code rule (lrviz/errors.py), command by command: what was typed on the command line is 2,
    # a file (config, log, output path) is 1.
    Case("rule-stats-unknown-name", code=2, starts="lrviz: unknown schedule 'cosin'", argv=("stats", "cosin")),
    Case("rule-check-unknown-name", code=2, starts="lrviz: unknown schedule 'cosin'", argv=("check", "cosin")),
    Case("rule-show-unknown-name", code=2, starts="lrviz: unknown schedule 'cosin'", argv=("show", "cosin")),
    Case("rule-export-unknown-target", code=2, starts="lrviz: --to: unknown target 'torchh'; did you mean torch?",
         argv=("export", "cosine", "--to", "torchh")),
    Case("rule-stats-set-refused", code=2, starts="lrviz: --set cosine.min_lr: must be >= 0; got -1",
         argv=("stats", "cosine", "--set", "cosine.min_lr=-1")),
    Case("rule-check-set-unknown-param", code=2, starts="lrviz: --set cosine.minlr: unknown parameter of cosine",
         argv=("check", "cosine", "--set", "cosine.minlr=1")),
    Case("rule-steps-in-epochs-without-steps-per-epoch", code=2,
         starts="lrviz: --steps: '300ep' is in epochs but --steps-per-epoch is not given", **compare("cosine", "--steps", "300ep")),
    Case("rule-steps-not-a-duration", code=2, starts="lrviz: --steps: expected a duration", **compare("cosine", "--steps", "lots")),
    Case("rule-x-tokens-without-a-scale", code=2, starts="lrviz: --x: tokens need what one update consumes",
         **compare("cosine", "--x", "tokens")),
    Case("rule-stats-config-value", code=1, starts="bad.yaml:3:14: schedules[0].params.min_lr: must be >= 0; got -1",
         files={"bad.yaml": "schedules:\n  - name: cosine\n    params: {min_lr: -1}\n"}, argv=("stats", "bad.yaml")),
    Case("rule-check-missing-file", code=1, starts="nosuch.yaml: no such file", argv=("check", "nosuch.yaml")),
    Case("rule-export-output-format", code=1, starts="lrviz: old.png: unknown output format (.png)",
         argv=("export", "cosine", "-o", "old.png"), files={"old.png": OLD}),
    # ---- round two: depth, memory, outputs, messages (issue 20, families 5-8) ----------------
    *round_two(),
]

# Positive controls: valid input exits 0 and replaces the output, so the harness can pass and sees changes.
GOOD_CASES = [
    Case("ok-plot-lr-1e-3", code=0, starts="",
         **plot("total_steps: 100\nlr: 1e-3\nschedules:\n  - name: cosine\n    params: {min_lr: 1e-5}\n", name="good.yaml")),
    Case("ok-compare-set", code=0, starts="", **compare("cosine", "step", "--steps", "50", "--set", "cosine.min_lr=1e-4")),
    Case("ok-export-csv", code=0, starts="", **export("total_steps: 10\nlr: 1e-3\nschedules: [cosine]\n", name="good.yaml")),
]


# ---- the harness ----------------------------------------------------------------------------


def _snapshot(folder: str) -> dict:
    """Every file (bytes) and folder below ``folder``, by relative path."""
    seen = {}
    for base, dirs, files in os.walk(folder):
        for d in dirs:
            seen[os.path.relpath(os.path.join(base, d), folder)] = "<dir>"
        for f in files:
            path = os.path.join(base, f)
            if os.path.islink(path):
                seen[os.path.relpath(path, folder)] = "<link to %s>" % os.readlink(path)
            elif not stat.S_ISREG(os.stat(path).st_mode):
                seen[os.path.relpath(path, folder)] = "<special>"  # a FIFO: opening it would block
            else:
                with open(path, "rb") as fh:
                    seen[os.path.relpath(path, folder)] = fh.read()
    return seen


def _prepare(case: Case, folder: str) -> None:
    os.makedirs(folder)
    for name, content in {"old.png": OLD, "old.csv": OLD, **case.files}.items():
        path = os.path.join(folder, name)
        if content is None:
            os.makedirs(path, exist_ok=True)
        elif content is FIFO:
            os.mkfifo(path)
        elif isinstance(content, Link):
            os.symlink(content, path)
        else:
            with open(path, "wb") as fh:
                fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    for name in case.readonly:
        os.chmod(os.path.join(folder, name), 0o555)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LRVIZ_DEBUG", "NO_COLOR")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def _limits(mem: int | None, cpu: int | None):
    """A preexec_fn setting RLIMIT_AS and RLIMIT_CPU in the child, or None when neither is given."""
    if mem is None and cpu is None:
        return None

    def limit() -> None:
        if mem is not None:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        if cpu is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    return limit


def _run(case: Case, folder: str, env: dict) -> dict:
    before = _snapshot(folder)
    out = subprocess.run([sys.executable, "-m", "lrviz", *case.argv], capture_output=True, text=True, cwd=folder,
                         env=env, timeout=60, preexec_fn=_limits(case.mem, case.cpu))
    return dict(code=out.returncode, stdout=out.stdout, stderr=out.stderr, before=before, after=_snapshot(folder))


def _unwrap(items) -> list[Case]:
    return [item.values[0] if hasattr(item, "values") else item for item in items]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Run every case once, two subprocesses at a time; results by case id."""
    base = tmp_path_factory.mktemp("bad_input")
    env = _env()
    bugs = [item for item in CASES if getattr(item, "marks", ())]  # slow ones (some draw a figure) first
    cases = GOOD_CASES + _unwrap(bugs) + _unwrap(item for item in CASES if item not in bugs)
    cases = [c for c in cases if not (c.needs_non_root and IS_ROOT)]
    for case in cases:
        _prepare(case, str(base / case.id))
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = {case.id: pool.submit(_run, case, str(base / case.id), env) for case in cases}
            return {name: job.result() for name, job in jobs.items()}
    finally:
        for case in cases:
            for name in case.readonly:
                os.chmod(base / case.id / name, 0o755)


def test_catalogue_is_large_and_ids_are_unique():
    ids = [c.id for c in _unwrap(CASES) + GOOD_CASES]
    assert len(ids) - len(GOOD_CASES) >= 55 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=lambda c: getattr(c, "id", None))
def test_bad_input(case: Case, results):
    if case.needs_non_root and IS_ROOT:
        pytest.skip("root can write into a read-only folder")
    check_refused(results[case.id], case)


def check_refused(got: dict, case: Case, limit: int | None = None) -> None:
    """The rules every bad input keeps: no traceback, the case's exit code, one stderr line that starts with
    the place and holds each fragment, nothing on stdout, no file created or changed. ``limit``: characters of
    stdout and stderr shown when a rule fails."""
    where = f"exit {got['code']}; stdout {got['stdout'][:limit]!r}; stderr {got['stderr'][:limit]!r}"
    assert "Traceback" not in got["stderr"] and "Traceback" not in got["stdout"], where
    assert got["code"] == case.code, where
    lines = got["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].strip(), where
    line = lines[0]
    assert line.startswith(case.starts), where
    for fragment in case.contains:
        assert fragment in line, where
    assert got["stdout"] == "", where
    changed = sorted(k for k in set(got["before"]) | set(got["after"]) if got["before"].get(k) != got["after"].get(k))
    assert not changed, f"files created or changed: {changed}; " + where


@pytest.mark.parametrize("case", GOOD_CASES, ids=lambda c: c.id)
def test_valid_input_writes_the_output(case: Case, results):
    got = results[case.id]
    target = case.argv[case.argv.index("-o") + 1]
    assert got["code"] == 0 and got["stderr"] == "", got
    assert got["stdout"].strip() == f"wrote {target}"
    changed = sorted(k for k in set(got["before"]) | set(got["after"]) if got["before"].get(k) != got["after"].get(k))
    assert changed == [target]  # replaced in place; no temporary file left behind
    written = got["after"][target]
    if target.endswith(".png"):
        assert written.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        rows = written.decode("utf-8").splitlines()
        assert rows[0] == "step,cosine" and len(rows) == 11  # a header and the lrs of updates 1..10 (steps 0..9)
        assert float(rows[1].split(",")[1]) == pytest.approx(1e-3)


# ---- round two: outputs and inputs that must work (issue 20, families 6-8) --------------------------------


def _lrviz(args, cwd, *, mem: int = BOUND_MEM, cpu: int = BOUND_CPU, **kwargs):
    return subprocess.run([sys.executable, "-m", "lrviz", *args], capture_output=True, text=True, cwd=cwd, env=_env(),
                          timeout=120, preexec_fn=_limits(mem, cpu), **kwargs)


TEN = "total_steps: 10\nlr: 1e-3\nschedules: [cosine]\n"


def _cosine_rows(text: str) -> list[str]:
    """The CSV of TEN as lrviz must write it: lr(t) = 1e-3 (1 + cos(pi t / 10)) / 2 for t = 0..9, as repr."""
    import math

    return ["step,cosine"] + [f"{t},{1e-3 * (1 + math.cos(math.pi * t / 10)) / 2!r}" for t in range(10)]


def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "good.yaml").write_text(TEN)
    (tmp_path / "real.csv").write_bytes(OLD)
    os.symlink("real.csv", tmp_path / "out.csv")
    got = _lrviz(["export", "good.yaml", "-o", "out.csv"], tmp_path)
    assert got.returncode == 0 and got.stderr == "", got
    assert os.path.islink(tmp_path / "out.csv") and os.readlink(tmp_path / "out.csv") == "real.csv"
    rows = (tmp_path / "real.csv").read_text().splitlines()
    assert rows[0] == "step,cosine" and len(rows) == 11
    assert [float(r.split(",")[1]) for r in rows[1:]] == pytest.approx([float(r.split(",")[1]) for r in _cosine_rows("")[1:]])
    assert sorted(os.listdir(tmp_path)) == ["good.yaml", "out.csv", "real.csv"]  # no temporary file left


def test_a_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "good.yaml").write_text(TEN)
    os.symlink("made.csv", tmp_path / "out.csv")
    got = _lrviz(["export", "good.yaml", "-o", "out.csv"], tmp_path)
    assert got.returncode == 0, got
    assert os.path.islink(tmp_path / "out.csv") and (tmp_path / "made.csv").read_text().startswith("step,cosine\n")


def test_a_245_byte_file_name_is_written(tmp_path):
    """NAME_MAX is 255 bytes: '.<name>.XXXXXXXX.tmp' of a 245-byte name is 259; the temporary name must be cut."""
    name = "a" * 241 + ".csv"
    assert len(name.encode()) == 245
    (tmp_path / "good.yaml").write_text(TEN)
    got = _lrviz(["export", "good.yaml", "-o", name], tmp_path)
    assert got.returncode == 0 and got.stderr == "", got
    assert (tmp_path / name).read_text().splitlines()[0] == "step,cosine"
    assert sorted(os.listdir(tmp_path)) == sorted(["good.yaml", name])


def test_sighup_during_a_write_removes_the_temporary_file(tmp_path):
    """A closed terminal (SIGHUP) stops lrviz as SIGTERM does: exit 128 + 1, no temporary file, no output."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "lrviz", "export", "cosine", "--steps", "100000000", "-o", "big.csv"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not any(f.endswith(".tmp") for f in os.listdir(tmp_path)):
            assert proc.poll() is None and time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGHUP, err
    assert b"Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_a_60_mb_metrics_file_for_1000_steps_is_read_only_as_far_as_needed(tmp_path):
    """6M lines of metrics; a run of 1,000 updates uses at most 1,001. Bounded by RLIMIT_CPU = 5 s (reading
    and parsing every line took 7 s of CPU), and the lr is that of the first values. The metric only rises
    (1, 2, 3, ...): torch's rule (mode min, factor 0.1, patience 10, cooldown 0) takes call 1 as the best, and
    cuts the lr when the bad calls since the last cut exceed the patience: at calls 12, 23, 34, ...
    so lr(t) = 0.1 * 0.1^r(t), r(t) = 0 for t < 12, else 1 + (t - 12) // 11."""
    lines = "\n".join(str(1 + i) for i in range(6_000_000))
    (tmp_path / "m.csv").write_text("loss\n" + lines + "\n")
    assert (tmp_path / "m.csv").stat().st_size > 40e6
    (tmp_path / "pl.yaml").write_text(plateau("m.csv"))
    got = _lrviz(["export", "pl.yaml", "-o", "lr.csv", "--range", "0:30"], tmp_path, cpu=5)
    assert got.returncode == 0, got
    rows = [r.split(",") for r in (tmp_path / "lr.csv").read_text().splitlines()[1:]]
    want = [0.1 * 0.1 ** (0 if t < 12 else 1 + (t - 12) // 11) for t in range(30)]
    assert [float(r[1]) for r in rows] == pytest.approx(want, rel=1e-12)


def test_a_metrics_path_is_read_from_the_config_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pl.yaml").write_text(plateau("m.csv"))
    (tmp_path / "sub" / "m.csv").write_text("3\n2\n1\n")
    got = _lrviz(["stats", "sub/pl.yaml", "--format", "json"], tmp_path)
    assert got.returncode == 0 and got.stderr == "", got
