"""Clean ``--help``: metavars a user reads (``N``, ``FILE``, ``NAME.PARAM=VALUE``) instead of typer's type tags.

typer (0.29) prints each parameter's Python type as a tag (``<bool>``, ``<list[str]>``,
``<int>``; ``<path>`` for an argument) and has no setting to turn that off. An option with
a ``metavar`` shows the metavar instead, so every option without one gets one here, from
its click type (:data:`METAVARS`; a flag gets none); an argument is shown by its metavar
(its name in capitals) with no type tag. Commands and the app get
this through :class:`Command` and :class:`Group` (``cls=``); nothing here imports numpy.

The same two classes give each plain parameter its reader from :mod:`._coerce` (typer's own
reads import pydantic), as click asks for the parameters to parse them.
"""

from __future__ import annotations

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ._coerce import prefill

METAVARS = {"int": "N", "integer": "N", "float": "NUMBER", "str": "TEXT", "text": "TEXT", "Path": "FILE",
            "path": "FILE", "bool": "", "boolean": ""}
"""Type name (typer's annotation, or click's type name in older typer) -> the metavar of an option of that
type that names none itself."""


def _type_name(param) -> str:
    """The name of ``param``'s value type: ``int`` for ``Optional[int]`` and ``List[int]`` alike."""
    from typing import get_args, get_origin

    descriptor = getattr(param, "type_descriptor", None)  # typer >= 0.2x keeps the annotation here
    if descriptor is None:
        return getattr(getattr(param, "type", None), "name", "text")
    annotation = descriptor.annotation
    if get_origin(annotation) in (list, tuple) and get_args(annotation):
        annotation = get_args(annotation)[0]
    return getattr(annotation, "__name__", str(annotation))


class _Argument(TyperArgument):
    """An argument shown by its metavar alone (no ``<path>`` tag after it)."""

    def display_type_rich(self, ctx):  # noqa: ARG002 - typer's signature
        return None


def clean(param) -> None:
    """Give ``param`` a metavar a user reads, in place (see the module docstring)."""
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = param.name.upper()  # the usage line adds "..." when it repeats
        if hasattr(TyperArgument, "display_type_rich") and type(param) is TyperArgument:
            param.__class__ = _Argument
    elif isinstance(param, TyperOption) and param.metavar is None:
        name = _type_name(param)
        param.metavar = "" if (param.is_flag or param.count) else METAVARS.get(name, name.upper())


class Command(TyperCommand):
    """A typer command whose help shows clean metavars (--help itself is added by click at this point) and
    whose plain values are read without pydantic."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            clean(param)
            prefill(param)
        return params


class Group(TyperGroup):
    """The app's group, with clean metavars for its own options (--version, the completion options)."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            clean(param)
            prefill(param)
        return params
