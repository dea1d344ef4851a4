"""The kinds of value a schedule parameter takes, as annotation markers.

A factory says what each parameter accepts through its annotation, and
:mod:`lrviz.params` resolves the annotation (``typing.get_type_hints``) and
coerces a raw config or command-line value to it. Besides ``float``, ``int``,
``bool``, ``str`` and lists or dicts of them, these markers name the kinds that
need more than a type check:

- ``Steps``: a duration: ``500`` steps, ``"5ep"`` epochs or ``"10%"`` of the run.
- ``WarmupCount``: HF's warmup length: steps, or a ratio of the run (a number
  below 1, as in transformers 5.x, or ``"3%"``) that the twin rounds up as the
  Trainer does.
- ``Duration``: a duration that may be fractional (torch's float ``T_max``,
  timm's noise range of ``7.000000000000001`` epochs): ``7.5`` steps,
  ``"2.5ep"`` or ``"10%"`` kept as a float, never rounded.
- ``TypedNumber``: a number kept as written, an int as an int and a float as
  a float, for a library that checks ``isinstance`` (torch's ``pct_start`` must
  be a float, ``T_mult`` an int): YAML ``1`` stays 1, ``1.0`` stays 1.0.
- ``Spec``: a nested schedule, ``{name, params}`` in a config.
- ``Phase``: a phase of a sequence, ``{steps, name, params}``.
- ``Expr``: an arithmetic expression in ``t`` (``lr_lambda``), compiled safely.
- ``Metrics``: a metric series, a list of numbers or a CSV file path.

An annotation that is none of the kinds ``params`` knows is refused when the
registry reads the factory, so a new schedule cannot silently lose coercion.
"""

from __future__ import annotations

from typing import NewType

Steps = NewType("Steps", int)
WarmupCount = NewType("WarmupCount", object)
Duration = NewType("Duration", float)
TypedNumber = NewType("TypedNumber", object)
Spec = NewType("Spec", object)
Phase = NewType("Phase", object)
Expr = NewType("Expr", str)
Metrics = NewType("Metrics", object)
