"""A trainer's config file as plain data with the position of every key, and located problems.

JSON (and DeepSpeed's hjson-lite: ``//``, ``#`` and ``/* */`` comments) is read
with :mod:`json`, so ``5e-05`` is a number as the trainer sees it; YAML goes
through :func:`lrviz.config.parse` (the only yaml reader). Positions of key
paths (``scheduler.params.warmup_num_steps``, ``param_scheduler[1].end``) come
from :func:`lrviz.config.parse` for both, or are given by the Python-config
reader from its ast nodes.

Every problem is collected as an :class:`~lrviz.errors.Issue`; :meth:`Document.done`
raises them together as one :class:`~lrviz.errors.ConfigError`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from .. import config as yaml_config
from ..errors import ConfigError, Issue
from ..params import _NUMERIC
from ..units import _kind

_MISSING = object()


@dataclass(frozen=True)
class Options:
    """What a config cannot say, given on the command line with the trainer's own meaning.

    ``steps_per_epoch``: optimizer steps per epoch (or the trainer's iterations
    per epoch, for MMEngine and Ultralytics); ``dataset_size``: training
    examples; ``world_size``: data-parallel processes.
    """

    steps_per_epoch: int | None = None
    dataset_size: int | None = None
    world_size: int | None = None


class Document:
    """Plain data of one config file, the position of each key path, and the problems found."""

    def __init__(self, source: str, data: Any, where: dict[str, tuple[int, int]] | None = None):
        self.source = source
        self.data = data
        self.where = dict(where or {})
        self.issues: list[Issue] = []
        self.notes: list[str] = []  # facts a reader should see next to the curve (caption)

    # ------------------------------------------------------------ positions and problems

    def position(self, path: str) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest written ancestor."""
        from ..config import position_in

        return position_in(self.where, path)

    def issue(self, path: str, message: str) -> None:
        line, col = self.position(path)
        self.issues.append(Issue(self.source, line, col, path, message))

    def done(self) -> None:
        """Raise every problem found so far as one ConfigError."""
        if self.issues:
            raise ConfigError(self.issues)

    # ------------------------------------------------------------ reading values

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted key path (``a.b[2].c``), or ``default`` when it is absent."""
        node = self.data
        for part in split_path(path):
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def has(self, path: str) -> bool:
        return self.get(path, _MISSING) is not _MISSING

    def number(self, path: str, default: Any = None, *, minimum: float | None = None, maximum: float | None = None,
               above: float | None = None, value: Any = _MISSING) -> Any:
        """A finite number (YAML's ``'1e-3'`` strings count); ``default`` when absent or null."""
        raw = self.get(path, None) if value is _MISSING else value
        if raw is None:
            return default
        if isinstance(raw, str) and _NUMERIC.match(raw):
            raw = float(raw)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            self.issue(path, f"expected a number; got {_kind(raw)}")
            return default
        if minimum is not None and raw < minimum:
            self.issue(path, f"must be >= {minimum:g}; got {raw:g}")
            return default
        if above is not None and raw <= above:
            self.issue(path, f"must be > {above:g}; got {raw:g}")
            return default
        if maximum is not None and raw > maximum:
            self.issue(path, f"must be <= {maximum:g}; got {raw:g}")
            return default
        return raw

    def integer(self, path: str, default: Any = None, *, minimum: int | None = None, value: Any = _MISSING) -> Any:
        """A whole number (``3.0`` counts); ``default`` when absent or null."""
        raw = self.number(path, _MISSING, value=value)
        if raw is _MISSING:
            return default
        if raw != math.floor(raw):
            self.issue(path, f"expected a whole number; got {raw:g}")
            return default
        raw = int(raw)
        if minimum is not None and raw < minimum:
            self.issue(path, f"must be >= {minimum}; got {raw}")
            return default
        return raw

    def boolean(self, path: str, default: Any = None, *, value: Any = _MISSING) -> Any:
        raw = self.get(path, None) if value is _MISSING else value
        if raw is None:
            return default
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        if not isinstance(raw, bool):
            self.issue(path, f"expected true or false; got {_kind(raw)}")
            return default
        return raw

    def text(self, path: str, default: Any = None, *, value: Any = _MISSING) -> Any:
        raw = self.get(path, None) if value is _MISSING else value
        if raw is None:
            return default
        if not isinstance(raw, str):
            self.issue(path, f"expected text; got {_kind(raw)}")
            return default
        return raw

    def mapping(self, path: str) -> dict | None:
        raw = self.get(path, None)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.issue(path, f"expected a mapping; got {_kind(raw)}")
            return None
        return raw

    def unknown_keys(self, path: str, known: Iterable[str], what: str) -> None:
        """One issue per key of the mapping at ``path`` that is not in ``known``."""
        from ..errors import did_you_mean

        node = self.get(path) if path else self.data
        known = list(known)
        if isinstance(node, dict):
            for key in node:
                if key not in known:
                    sub = f"{path}.{key}" if path else str(key)
                    self.issue(sub, f"unknown parameter of {what}{did_you_mean(str(key), known)}")


def split_path(path: str) -> list[str | int]:
    """``'a.b[2].c'`` -> ``['a', 'b', 2, 'c']``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return out


# ---------------------------------------------------------------- loading JSON and YAML


def strip_comments(text: str) -> str:
    """hjson-lite: blank out ``//``, ``#`` and ``/* */`` comments outside strings (lines and columns kept)."""
    out = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i) or c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def looks_like_json(text: str) -> bool:
    return strip_comments(text).lstrip().startswith("{")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Duplicate(Exception):
    pass


def load_json(text: str, source: str, *, comments: bool = False) -> Document:
    """JSON text (with hjson-lite comments when ``comments``) as a Document; syntax errors are located."""
    body = strip_comments(text) if comments else text
    try:
        data = json.loads(body, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        raise ConfigError([Issue(source, err.lineno, err.colno, "", f"JSON syntax: {err.msg}")]) from None
    except _Duplicate as err:
        raise ConfigError([Issue(source, None, None, str(err), "duplicate key")]) from None
    except RecursionError:  # json's own guard, far deeper than lrviz.limits.MAX_DEPTH
        raise ConfigError([Issue(source, None, None, "", yaml_config.too_deep_message())]) from None
    _, located = yaml_config.parse(body, source)  # JSON is YAML: borrow the positions when it parses
    deep = [issue for issue in located.issues if issue.message == yaml_config.too_deep_message()]
    if deep:  # what reads the document walks it: refused at the same depth as a YAML config
        raise ConfigError(deep)
    return Document(source, data, located.where if not located.issues else None)


def load_yaml(text: str, source: str) -> Document:
    """YAML text as a Document (through :func:`lrviz.config.parse`); syntax errors are raised together."""
    data, located = yaml_config.parse(text, source)
    if located.issues:
        raise ConfigError(located.issues)
    return Document(source, data, located.where)


def load_mapping(text: str, source: str, *, comments: bool = False) -> Document:
    """JSON when the text starts with ``{``, otherwise YAML; the top level must be a mapping."""
    doc = load_json(text, source, comments=comments) if looks_like_json(text) else load_yaml(text, source)
    if not isinstance(doc.data, dict):
        raise ConfigError([Issue(source, None, None, "", f"expected a mapping of keys at the top level; got {_kind(doc.data)}")])
    return doc
