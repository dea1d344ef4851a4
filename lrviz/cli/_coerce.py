"""Option values read as typer reads them, without importing pydantic for it.

typer (0.2x) turns every typed value (``--steps-per-epoch 4``, even a default) through
a pydantic ``TypeAdapter``: the first one imports pydantic, about 0.15-0.2 s of a command's
start, more than drawing a small figure. lrviz's options are only text, whole numbers, numbers,
lists of text and values read by their own ``parser=``; for those, :func:`prefill` gives each
parameter a plain reader with typer's own rules (checked against typer's adapters in
``tests/test_cli_coerce.py``; stricter only where pydantic's parser is odd: it reads ``0-5`` as
the whole number -5 and ``+_1`` or ``._5`` as numbers, which lrviz refuses):

- text: as given (bytes decoded as the command line is);
- a flag: a bool, or a yes/no word (``true``, ``off``, ``1``), empty text meaning no;
- a whole number: ASCII digits with an optional sign, ``_`` between digits and a ``.0``
  tail (``1_000``, ``+5``, ``3.0``), surrounding white space ignored;
- a number: Python's ``float`` of ASCII text (``1e-3``, ``.5``, ``inf``, ``nan``);
- a value with ``parser=``: the parser's result; its ``ValueError`` is the message.

Anything else (paths, ranges, choices) is left to typer. With a typer
that has no such adapters (older ones coerce through click), :func:`prefill` does nothing.
"""

from __future__ import annotations

import re
from typing import Any, Callable, List, Optional

try:  # typer >= 0.2x: coercion through RuntimeParam objects, built lazily per parameter
    from dataclasses import dataclass

    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """A parameter's coercion by ``read`` (one value), element-wise for a list."""

        read: Callable[[Any], Any] = str
        many: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [self.read(item) for item in (value if isinstance(value, (list, tuple)) else [value])]
                return self.read(value)
            except ValueError as err:
                raise BadParameter(str(err), ctx=ctx, param=param) from None

except ImportError:  # pragma: no cover - older typer
    PlainParam = None  # type: ignore[assignment,misc]

WHOLE = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")


def read_text(value: Any) -> str:
    """Text as typer takes it: bytes decoded (as the command line's encoding), anything else by ``str``."""
    if isinstance(value, bytes):
        import sys

        return value.decode(sys.getfilesystemencoding(), "surrogateescape")
    return str(value)


TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


def read_bool(value: Any) -> bool:
    """A flag's value: a bool, 0 or 1, or a yes/no word (``true``, ``off``, ``Y``); empty text is False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = read_text(value).strip() if not isinstance(value, (int, float)) else repr(value)
    if text.lower() in TRUE_WORDS:
        return True
    if text == "" or text.lower() in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a yes or no")


def read_int(value: Any) -> int:
    """A whole number: ``12``, ``-3``, ``1_000``, ``3.0``, or a number without a fractional part."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{value!r} is not a whole number")
    text = read_text(value).strip()
    if not WHOLE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text.split(".")[0])


def read_float(value: Any) -> float:
    """A number: Python's ``float`` of ASCII text (``1e-3``, ``.5``, ``1_000``, ``inf``)."""
    if isinstance(value, (int, float)):
        return float(value)
    text = read_text(value).strip()
    if text.isascii():
        try:
            return float(text)
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a number")


READERS: dict[Any, Callable[[Any], Any]] = {str: read_text, int: read_int, float: read_float, bool: read_bool}
"""Annotation -> its plain reader; ``List[str]`` reads each element as text."""


def reader(descriptor: Any) -> tuple[Callable[[Any], Any], bool] | None:
    """(read, many) for a parameter typer describes by ``descriptor``, or None to leave it to typer."""
    info = descriptor.parameter_info
    if descriptor.is_file or descriptor.is_path or descriptor.is_choice or descriptor.is_ranged:
        return None
    if getattr(info, "parser", None) is not None:
        return (info.parser, False) if not descriptor.is_list else None
    if descriptor.annotation in (List[str], list[str], Optional[List[str]]):
        return read_text, True
    read = READERS.get(descriptor.annotation)
    return (read, False) if read else None


def prefill(param: Any) -> None:
    """Give ``param`` its plain reader (see the module docstring) unless it has one or is not plain."""
    if PlainParam is None or getattr(param, "_runtime_param", ...) is not None:
        return
    descriptor = getattr(param, "type_descriptor", None)
    found = reader(descriptor) if descriptor is not None else None
    if found:
        read, many = found
        param._runtime_param = PlainParam(descriptor.parameter_info, descriptor.annotation, read=read, many=many)
