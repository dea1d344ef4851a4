"""The options commands share, declared once, and the one reading of ``NAME=VALUE`` words.

Commands take these as ``Annotated`` aliases (``steps: Steps = 1000``); the seven
figure options and ``--term`` come as one :class:`FigureOptions` through
:func:`figure_options`, so a new figure option is one line here.
"""

from __future__ import annotations

import functools
import inspect
import os
from dataclasses import dataclass, fields
from typing import Annotated, Any, Callable, List, Optional

import typer

from ..errors import UsageError
from ..output import FIGURE_FORMATS, shown

Output = Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help=f"Output file; the extension picks "
                                               f"the format ({shown(FIGURE_FORMATS)}); missing folders are made; - "
                                               "writes to stdout (with --format png, svg or pdf).")]
Force = Annotated[bool, typer.Option("--force", help="Allow more than 1,000,000,000 steps.")]
class StepsText(str):
    """A --steps value in units (``300ep``, ``2B tok``): resolved once --steps-per-epoch or the config is known."""


def parse_steps(value: "int | str") -> "int | StepsText":
    """--steps as people write it: ``1000``, ``20k``, ``1.5M`` (resolved here), or ``300ep`` / ``2B tok`` (later)."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return StepsText(text)


STEPS_HELP = "1000, 20k, 1.5M, or 300ep (with --steps-per-epoch)"
Steps = Annotated[StepsText, typer.Option("--steps", parser=parse_steps, metavar="N",
                                          help=f"total_steps (default 1000; over a config's own): {STEPS_HELP}.")]


def steps_of(steps: "int | StepsText", *, steps_per_epoch: int | None = None, per_step=None,
             option: str = "--steps") -> int:
    """The number of steps ``--steps`` says: a number, a magnitude (``20k``) or a duration in epochs / tokens."""
    from ..errors import ParameterError
    from ..units import to_steps

    if isinstance(steps, int) and not isinstance(steps, bool):
        try:  # the checks of a duration (at most 2**53) name --steps, not a schedule's total_steps that inherits it
            return to_steps(steps, param=option)
        except ParameterError as err:
            raise UsageError(f"{option}: {err.message}") from None

    try:
        return to_steps(str(steps), param=option, steps_per_epoch=steps_per_epoch, per_step=per_step)
    except ParameterError as err:
        message = err.message.replace("steps_per_epoch is not set", "--steps-per-epoch is not given")
        if "is in tokens" in message or "is in samples" in message:
            message = message.split(" but ")[0] + " but the run's size per update is not known: give --tokens-per-step" \
                if "tokens" in message else message
        raise UsageError(f"{option}: {message}") from None
Lr = Annotated[float, typer.Option("--lr", help="Peak/base lr of schedules given by name (default 0.1).")]
TokensPerStep = Annotated[Optional[str], typer.Option(
    "--tokens-per-step", metavar="N", help="Tokens one update consumes (4M, 524288), for '2B tok' durations and "
    "--x tokens; over a config's own.")]
StepsPerEpoch = Annotated[Optional[int], typer.Option("--steps-per-epoch", help="Steps per epoch (for '5ep' durations, "
                                                                                "--x epochs and unit checks).")]
SET_HELP = ("NAME.PARAM=VALUE, repeatable: NAME is a schedule's name or label (a name sets every copy of it; "
            "NAME#2 the second copy). With one schedule, PARAM=VALUE will do.")
Set = Annotated[Optional[List[str]], typer.Option("--set", metavar="NAME.PARAM=VALUE", help=SET_HELP)]
SetOwn = Annotated[Optional[List[str]], typer.Option("--set", metavar="NAME.PARAM=VALUE", help="NAME.PARAM=VALUE (or "
                                                     "just PARAM=VALUE: there is one schedule), repeatable.")]
def parse_title(value: str) -> str:
    """A typed --title: refused at once when too long or not UTF-8 (its mathtext is checked when drawn)."""
    from ..text import Typed, plain_problem

    if problem := plain_problem(str(value), argument=True):
        raise typer.BadParameter(problem)
    return Typed(value)


Title = Annotated[Optional[str], typer.Option("--title", parser=parse_title, metavar="TEXT", help="Figure title.")]
Stats = Annotated[bool, typer.Option("--stats", help="Add the stats table (peak, final, mean, area, steps above half "
                                                     "the peak) under the plot.")]
Sources = Annotated[List[str], typer.Argument(help="A config (lrviz's, your trainer's own file, a shipped example "
                                                  "by name, or - for stdin), or schedule names (see 'lrviz list').",
                                              autocompletion=lambda incomplete: complete_names(incomplete)
                                              + complete_configs(incomplete))]
TRAINER_FORMATS = ("hf", "deepspeed", "timm", "mmengine", "ultralytics", "lightning", "megatron", "nemo", "fairseq",
                   "torchtune", "axolotl")  # lrviz.trainers.FORMATS, spelled out so that --help imports nothing
_FORMAT_HELP = (f"How to read the config: lrviz, or a trainer's own format ({', '.join(TRAINER_FORMATS)}); "
                "default: told from its content. With -o -: the format written to stdout instead (png, svg, pdf; "
                "csv, json for export).")
DatasetSize = Annotated[Optional[int], typer.Option("--dataset-size", help="Training examples, for a trainer's config "
                                                    "that counts in epochs (HF, timm, MMEngine, Ultralytics, ...).")]
WorldSize = Annotated[Optional[int], typer.Option("--world-size", help="Data-parallel processes (GPUs) of the run: "
                                                  "for a trainer's config, and as a hint for --log.")]
Log = Annotated[Optional[str], typer.Option("--log", metavar="RUN", help="A run's log of the lr it used (HF trainer_state.json or "
                                            "checkpoint dir, Lightning metrics.csv, TensorBoard events, MLflow, W&B "
                                            "CSV, Keras CSVLogger, any CSV).")]
LogFormat = Annotated[Optional[str], typer.Option("--log-format", help="hf, lightning, keras, mlflow, wandb, csv or "
                                                  "tensorboard; default: told from the file.")]
LogColumns = Annotated[Optional[str], typer.Option("--log-columns", metavar="STEP,LR", help="STEP,LR: the columns (or tags) to read, "
                                                   "e.g. step,lr-AdamW.")]
LogOffset = Annotated[Optional[int], typer.Option("--log-offset", help="Steps to add to the logged step to get the "
                                                  "update that used the lr (default: the framework's own rule).")]
GradAccum = Annotated[Optional[int], typer.Option("--grad-accum", help="Gradient accumulation steps of the run, a "
                                                  "hint for --log.")]
Curve = Annotated[Optional[str], typer.Option("--curve", help="With --log: the label of the config's curve the run "
                                              "followed (when it has several).")]


def log_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--log and how to read it, as ``run: LogOptions`` (the world size comes from --world-size)."""
    from ._runlog import LogOptions

    return option_group("run", LogOptions, [("log", Log, None), ("log_format", LogFormat, None),
                                            ("log_columns", LogColumns, None), ("log_offset", LogOffset, None),
                                            ("curve", Curve, None), ("grad_accum", GradAccum, None)])(command)
def complete_names(incomplete: str) -> list[str]:
    """Shell completion of schedule names (the registry is loaded only while completing)."""
    from ..registry import names

    return [name for name in names() if name.startswith(incomplete)]


def complete_configs(incomplete: str) -> list[str]:
    """Shell completion of the shipped examples' names (files complete as files in the shell itself)."""
    from ..sources import examples

    return [name for name in examples() if name.startswith(incomplete)]


Name = Annotated[str, typer.Argument(help="A schedule name (see 'lrviz list').", autocompletion=complete_names)]


@dataclass(frozen=True)
class FigureOptions:
    """The figure options of a drawing command; None keeps the config's ``plot:`` value."""

    layout: Optional[str] = None
    style: Optional[str] = None
    logy: Optional[bool] = None
    x: Optional[str] = None
    dpi: Optional[int] = None
    size: Optional[str] = None
    annotate: Optional[bool] = None
    difference: Optional[bool] = None
    context: Optional[bool] = None
    term: bool = False

    def apply(self, config, *, epochs_need: str = "--steps-per-epoch", output: str | None = None):
        """``config`` with these options over its ``plot:`` section (a bad one is a usage error naming it).

        ``epochs_need`` says what ``--x epochs`` lacks when the run has no steps_per_epoch."""
        from dataclasses import replace

        from ..draw import with_options
        from ..errors import ParameterError

        options = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "term"}
        try:
            config = replace(config, plot=with_options(config.plot, **options))
        except ParameterError as err:
            raise UsageError(f"--{err.param}: {err.message}") from None
        if not self.term and not config.positions:  # schedules typed as names, not read from a file
            from ..limits import panels_problem

            if problem := panels_problem(len(config.schedules)):
                raise UsageError(f"schedule names: {problem}")
        if (self.size is not None or self.dpi is not None) and not self.term:
            from ..draw.mpl import base_size, png_dpi
            from ..limits import figure_problem

            if problem := figure_problem(*base_size(config.plot), png_dpi(config.plot), png=_is_png(output)):
                typed = [name for name, value in (("--size", self.size), ("--dpi", self.dpi)) if value is not None]
                raise UsageError(f"{', '.join(typed)}: {problem}")
        if self.x == "epochs" and not config.steps_per_epoch:
            raise UsageError(f"--x: epochs need {epochs_need}")
        if self.x in ("tokens", "samples") and not getattr(config.per_step, self.x, None):
            raise UsageError(f"--x: {self.x} need what one update consumes: a config with {self.x}_per_step, or "
                             f"batch_size{', seq_len' if self.x == 'tokens' else ''} (grad_accum, world_size)")
        return config


def _is_png(output: str | None) -> bool:
    """Whether ``output`` (a path, ``-o -`` with its format, or None for the default) is a PNG: its pixels are
    counted; an SVG or PDF has no pixels, whatever --dpi says."""
    fmt = getattr(output, "fmt", None) or (os.path.splitext(output)[1].lower().lstrip(".") if output else "png")
    return fmt not in ("svg", "pdf")


_FIGURE_PARAMETERS = [
    ("layout", Annotated[Optional[str], typer.Option(
        "--layout", help="overlay (one axes), grid (a panel per schedule), stack (lr above momentum, weight decay, "
        "batch size, ...); default: stack when a schedule cycles momentum or carries one, else overlay.")]),
    ("style", Annotated[Optional[str], typer.Option("--style", help="default (screen), paper (3.5 in column, serif), "
                                                                    "dark.")]),
    ("logy", Annotated[Optional[bool], typer.Option("--logy/--no-logy", help="Logarithmic lr axis.")]),
    ("x", Annotated[Optional[str], typer.Option("--x", metavar="UNIT", help="x axis unit: steps, epochs (needs steps_per_epoch), "
                                                            "fraction, or tokens / samples (a config's batch_size, "
                                                            "seq_len, ...).")]),
    ("dpi", Annotated[Optional[int], typer.Option("--dpi", help="Resolution of PNG output, dots per inch (default: "
                                                                "the style's).")]),
    ("size", Annotated[Optional[str], typer.Option("--size", metavar="W,H", help="Figure size in inches W,H (e.g. 8,4.5), or column "
                                                                  "(3.5 in wide), page (7 in), screen.")]),
    ("annotate", Annotated[Optional[bool], typer.Option("--annotate/--no-annotate", help="Mark phase boundaries, peak "
                                                                                         "and final lr (on by default; off in --style paper).")]),
    ("difference", Annotated[Optional[bool], typer.Option("--difference/--no-difference", help="A panel under the lr "
                                                          "with each curve minus the first: a one-step shift or a "
                                                          "1e-3 gap made visible.")]),
    ("context", Annotated[Optional[bool], typer.Option("--context/--no-context", help="With --layout grid: the "
                                                       "other curves in pale grey behind each panel's own.")]),
    ("term", Annotated[bool, typer.Option("--term", help="Preview in the terminal (braille dots) instead of writing a "
                                                         "file.")]),
]


def option_group(argument: str, build: Callable[..., Any], parameters: list[tuple[str, Any, Any]]):
    """A decorator giving a command the options ``parameters`` ((name, Annotated type, default) each);
    the command receives them as one ``argument=build(**values)``. Groups stack."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(command, eval_str=True)
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values() if p.name != argument]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
                 for name, annotation, default in parameters]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            group = build(**{name: kwargs.pop(name) for name, _, _ in parameters})
            return command(**{argument: group}, **kwargs)

        wrapper.__signature__ = sig.replace(parameters=own + added)
        wrapper.__annotations__ = {}  # typer reads the signature above; the original's hints name the group
        return wrapper

    return decorate


figure_options = option_group("figure", FigureOptions,
                              [(name, annotation, False if name == "term" else None)
                               for name, annotation in _FIGURE_PARAMETERS])
"""The seven figure options and --term, as ``figure: FigureOptions``."""


def parse_assignments(items: list[str] | None, option: str, *, example: str, qualified: bool = False,
                      shape: str | None = None) -> list[tuple[str, str, str, str]]:
    """``NAME.PARAM=TEXT`` (``qualified``) or ``PARAM=TEXT`` words -> (the word, name or "", param, text).

    Names may hold dots (``hf.linear``), parameters do not. ``shape`` is what the
    usage error says is expected (default ``NAME.PARAM=VALUE`` or ``PARAM=VALUE``).
    """
    shape = shape or ("NAME.PARAM=VALUE" if qualified else "PARAM=VALUE")
    out = []
    for item in items or []:
        key, sep, text = item.partition("=")
        target, dot, param = key.rpartition(".") if qualified else ("", "", key.strip())
        if not sep or not param or (qualified and not dot) or (shape.endswith(",...") and not text):
            raise UsageError(f"{option} {item}: expected {shape}, e.g. {option} {example}")
        out.append((item, target, param, text))
    return out


def _addressed(specs, target: str, item: str, option: str) -> list[int]:
    """Indexes of the schedules ``target`` names: a label, else a name (every copy), ``NAME#K`` the K-th copy."""
    import re

    base, k = target, None
    if match := re.fullmatch(r"(.+)#(\d+)", target):
        base, k = match.group(1), int(match.group(2))
    found = [i for i, spec in enumerate(specs) if spec.label == base]
    if not found:
        found = [i for i, spec in enumerate(specs) if spec.name == base]
    if k is not None:
        found = found[k - 1: k] if k >= 1 else []
    if not found:
        choices = []
        for spec in specs:
            word = spec.label or spec.name
            copies = sum(1 for s in specs if (s.label or s.name) == word)
            if word not in choices:
                choices.append(word)
            if copies > 1 and f"{word}#{copies}" not in choices:
                choices.append(f"{word}#{copies}")
        raise UsageError(f"{option} {item}: {target!r} is not one of the schedules here; one of {', '.join(choices)}")
    return found


def apply_sets(specs, items: list[str] | None, *, option: str = "--set") -> tuple:
    """``specs`` (ScheduleSpecs) with ``NAME.PARAM=VALUE`` words applied, the one reading of ``--set`` everywhere.

    NAME is a label or a name (a name sets every copy; ``NAME#K`` only the K-th); a bare
    ``PARAM=VALUE`` sets the only schedule. Values are read as in YAML. Each value remembers
    the option that gave it, so a refused value is reported as that option."""
    from dataclasses import replace

    from ..config import parse_value

    specs = list(specs)
    for item in items or []:
        key, sep, text = item.partition("=")
        target, _, param = key.strip().rpartition(".")
        if not sep or not param:
            raise UsageError(f"{option} {item}: expected NAME.PARAM=VALUE, e.g. {option} cosine.min_lr=1e-4")
        if not target:
            if len(specs) != 1:
                names = ", ".join(s.label or s.name for s in specs)
                raise UsageError(f"{option} {item}: say which schedule, NAME.{param}=...; one of {names}")
            found = [0]
        else:
            found = _addressed(specs, target, item, option)
        for i in found:
            spec = specs[i]
            origin = f"{option} {target or spec.label or spec.name}.{param}"
            specs[i] = replace(spec, params={**spec.params, param: parse_value(text, origin)},
                               origins={**spec.origins, param: origin})
    return tuple(specs)


def distinct_labels(specs) -> tuple:
    """``specs`` with copies that would share a legend label told apart: ``cosine``, ``cosine (2)``.
    Two copies with the same parameters are also reported on stderr: they draw one curve twice."""
    from dataclasses import replace

    from ..curves import labels

    shown_as = labels(list(specs))
    out, seen = list(specs), {}
    for i, (spec, label) in enumerate(zip(specs, shown_as)):
        seen.setdefault(label, []).append(i)
    for label, where in seen.items():
        repeats = []  # (first, copy, its number among copies of the name): one note per label, however many
        for k, i in enumerate(where[1:], start=2):
            out[i] = replace(out[i], label=f"{label} ({k})")
            same = [j for j in where[:k - 1] if specs[j].params == specs[i].params and specs[j].name == specs[i].name]
            if same:
                repeats.append((out[same[0]].label or label, out[i].label,
                                sum(1 for s in specs[:i + 1] if s.name == specs[i].name), specs[i].name))
        if len(repeats) == 1:
            first, copy, number, name = repeats[0]
            typer.echo(f"lrviz: note: {first!r} and {copy!r} are the same schedule with the same "
                       f"parameters; set one apart with --set {name}#{number}.PARAM=VALUE", err=True)
        elif repeats:
            first, _, number, name = repeats[0]
            typer.echo(f"lrviz: note: {first!r} and {len(repeats)} copies of it ({repeats[0][1]!r} to "
                       f"{repeats[-1][1]!r}) are the same schedule with the same parameters; set them apart with "
                       f"--set {name}#{number}.PARAM=VALUE, ...", err=True)
    return tuple(out)


def check_run(steps: "int | StepsText", lr: float, steps_per_epoch: int | None, force: bool, per_step=None) -> int:
    """The shared run options of schedules given by name: usage errors name the option; the run's steps."""
    from ..limits import over_limit

    steps = steps_of(steps, steps_per_epoch=steps_per_epoch, per_step=per_step)
    if steps < 1:
        raise UsageError(f"--steps: must be >= 1; got {steps}")
    if not force and (refusal := over_limit(steps)):
        raise UsageError(f"--steps: {refusal}")
    if not (lr >= 0 and lr != float("inf")):
        raise UsageError(f"--lr: must be a finite number >= 0; got {lr:g}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        raise UsageError(f"--steps-per-epoch: must be >= 1; got {steps_per_epoch}")
    return steps


def names_config(names: list[str], steps: int, lr: float, steps_per_epoch: int | None, assignments: list[str] | None,
                 title: str | None = None, force: bool = False, tokens_per_step: str | None = None):
    """A Config of schedule names with the shared run options and ``--set NAME.PARAM=VALUE`` values
    (:func:`apply_sets`); copies of one name get distinct labels (:func:`distinct_labels`)."""
    from dataclasses import replace

    from ..config import from_names

    per_step = tokens_scale(tokens_per_step)
    steps = check_run(steps, lr, steps_per_epoch, force, per_step)
    config = from_names(names, total_steps=steps, lr=lr, steps_per_epoch=steps_per_epoch, title=title)
    return replace(config, schedules=distinct_labels(apply_sets(config.schedules, assignments)), per_step=per_step)


def tokens_scale(tokens_per_step: str | None, base=None):
    """The run's PerStep with ``--tokens-per-step`` (a count such as ``4M``) over ``base``'s tokens; None if neither."""
    if tokens_per_step is None:
        return base
    from dataclasses import replace

    from ..errors import ParameterError
    from ..units import PerStep, to_steps

    try:
        tokens = to_steps(tokens_per_step, param="--tokens-per-step")
    except ParameterError:
        raise UsageError(f"--tokens-per-step: expected a whole count such as 524288 or 4M; got {tokens_per_step!r}") \
            from None
    if tokens < 1:
        raise UsageError(f"--tokens-per-step: must be >= 1; got {tokens_per_step}")
    return replace(base, tokens=tokens) if base is not None else PerStep(tokens=tokens)


def config_with_sets(config, assignments: list[str] | None, *, steps: int | None = None, force: bool = False):
    """A config read from a file with ``--set LABEL_OR_NAME.PARAM=VALUE`` applied and, given, ``--steps``."""
    from dataclasses import replace

    if assignments:
        config = replace(config, schedules=apply_sets(config.schedules, assignments))
    if steps is not None:
        from ..limits import over_limit

        steps = steps_of(steps, steps_per_epoch=config.steps_per_epoch, per_step=config.per_step)
        if steps < 1:
            raise UsageError(f"--steps: must be >= 1; got {steps}")
        if not force and (refusal := over_limit(steps)):
            raise UsageError(f"--steps: {refusal}")
        config = replace(config, total_steps=steps)
    return config


@dataclass(frozen=True)
class ConfigFacts:
    """How to read a config file, and what a trainer's config cannot say itself."""

    config_format: Optional[str] = None
    steps_per_epoch: Optional[int] = None
    dataset_size: Optional[int] = None
    world_size: Optional[int] = None
    tokens_per_step: Optional[str] = None

    def load(self, path: str, *, force: bool = False):
        """The Config of ``path``: an lrviz config or a trainer's own file (see :mod:`lrviz.sources`)."""
        from ..sources import load

        for option, value in (("--steps-per-epoch", self.steps_per_epoch), ("--dataset-size", self.dataset_size),
                              ("--world-size", self.world_size)):
            if value is not None and value < 1:
                raise UsageError(f"{option}: must be >= 1; got {value}")
        from dataclasses import replace

        config = load(path, format=self.config_format, force=force, steps_per_epoch=self.steps_per_epoch,
                      dataset_size=self.dataset_size, world_size=self.world_size)
        if self.tokens_per_step is not None:
            config = replace(config, per_step=tokens_scale(self.tokens_per_step, config.per_step))
        return config


def figure_target(facts: ConfigFacts, output: str | None, formats: tuple[str, ...] | None = None):
    """``(facts, fmt)``: --format names either how to read the config (hf, lrviz, ...) or, for ``-o -``, the
    format written to stdout (``formats``, default the figure formats); the two sets of names are apart."""
    from dataclasses import replace

    from ..output import FIGURE_FORMATS

    formats = formats or FIGURE_FORMATS
    given = (facts.config_format or "").lower().lstrip(".")
    if given not in formats:
        return facts, None
    if output != "-":
        raise UsageError(f"--format {given}: picks what -o - writes to stdout; a file's extension picks its own format")
    return replace(facts, config_format=None), given


def config_options(*, format_flags: tuple[str, ...] = ("--format", "--config-format")):
    """--format (or only --config-format where --format means something else), --steps-per-epoch,
    --dataset-size and --world-size, as ``facts: ConfigFacts``."""
    format_option = Annotated[Optional[str], typer.Option(*format_flags, metavar="FORMAT", help=_FORMAT_HELP)]
    return option_group("facts", ConfigFacts, [("config_format", format_option, None),
                                               ("steps_per_epoch", StepsPerEpoch, None),
                                               ("dataset_size", DatasetSize, None), ("world_size", WorldSize, None),
                                               ("tokens_per_step", TokensPerStep, None)])


def _looks_like_file(word: str) -> bool:
    """A config rather than a schedule name: a path, stdin (-), a file here, or a shipped example that is
    not also a schedule's name (``onecycle`` stays the schedule; its example is ``onecycle.yaml``)."""
    import os

    if word == "-" or os.path.sep in word or os.path.isfile(word) or word.endswith((".yaml", ".yml", ".json", ".py", ".sh")):
        return True
    from ..registry import ALIASES, TABLE
    from ..sources import example, local

    return word not in TABLE and word not in ALIASES and (local(word) or example(word)) is not None


def source_config(sources: list[str], steps: int, lr: float, assignments: list[str] | None, force: bool,
                  facts: ConfigFacts):
    """A config from one file (lrviz's or a trainer's), or from schedule names with the shared defaults and --set."""
    first = sources[0]
    if len(sources) > 1 and any(_looks_like_file(s) for s in sources):
        raise UsageError("give one config at a time, or schedule names (a config and names cannot be mixed)")
    if len(sources) == 1 and _looks_like_file(first):
        if lr is not None:  # a config's schedules keep their own lrs: one --lr cannot say which
            raise UsageError("--lr: a config keeps its own lr; change one schedule's with --set NAME.lr=VALUE")
        return config_with_sets(facts.load(first, force=force), assignments, steps=steps, force=force)
    if facts.config_format or facts.dataset_size:  # --world-size may still be a hint for --log
        option = "--format" if facts.config_format else "--dataset-size"
        raise UsageError(f"{option}: applies to a config file; schedules given by name take --steps and --lr")
    return names_config(sources, 1000 if steps is None else steps, 0.1 if lr is None else lr, facts.steps_per_epoch,
                        assignments, force=force, tokens_per_step=facts.tokens_per_step)
