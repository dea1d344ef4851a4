"""YAML text -> plain Python data and the position of every key (:class:`~lrviz.positions.Located`).

The one reader of YAML (lrviz.starter only writes it). Safe loading only; tags other than plain mappings and lists,
merge keys, duplicate keys, documents expanding to more than :data:`MAX_NODES` values (aliases)
and nesting deeper than :data:`lrviz.limits.MAX_DEPTH` are problems at their position.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import Issue
from .limits import MAX_DEPTH
from .positions import Located, child

MAX_NODES = 100_000  # guards against alias expansion ("billion laughs")


def _walk(node: yaml.Node, path: str, doc: Located, loader: yaml.SafeLoader, depth: int = 0) -> Any:
    doc.nodes += 1
    if doc.nodes > MAX_NODES:
        raise _TooBig()
    if depth > MAX_DEPTH:  # reached through aliases: each alias was within the limit where it was written
        raise _TooDeep(node.start_mark)
    doc.where.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(None, None, f"tag {node.tag} is not allowed", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        first: dict[Any, tuple[Any, str]] = {}  # key -> (the key as first written, its path): 100 and 100.0 are one key
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                doc.issues.append(Issue(doc.source, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        path, "merge keys (<<) are not supported"))
                continue
            key = _walk(key_node, path, doc, loader, depth + 1) if not isinstance(key_node, yaml.ScalarNode) else _construct(loader, key_node)
            if isinstance(key, (dict, list)):
                doc.issues.append(Issue(doc.source, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        path, "a key must be a plain value"))
                continue
            sub = child(path, key)
            if key in out:
                given, where = first[key]
                same = "" if repr(given) == repr(key) else f": {key!r} is the same key as {given!r}"
                doc.first_given[sub] = doc.where[where]
                doc.issues.append(Issue(doc.source, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        sub, f"duplicate key{same} (first given at line {doc.where[where][0]})"))
                continue
            first[key] = (key, sub)
            doc.where[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _walk(value_node, sub, doc, loader, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, child(path, i), doc, loader, depth + 1) for i, item in enumerate(node.value)]
    return _construct(loader, node)


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``loader.construct_object``, with PyYAML's ValueErrors (a date such as 2020-13-45, ``!!float x``) located."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as err:
        raise yaml.constructor.ConstructorError(None, None, f"cannot read {node.value!r} ({err})", node.start_mark) from None


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    """A list or mapping nested more than :data:`lrviz.limits.MAX_DEPTH` deep, at ``mark``."""

    def __init__(self, mark):
        super().__init__()
        self.mark = mark


def too_deep_message() -> str:
    return f"lists and mappings nested more than {MAX_DEPTH} levels deep are refused"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than :data:`MAX_DEPTH` while it composes.

    PyYAML composes recursively (three Python frames per level), so a few hundred ``[`` exhaust
    Python's stack; counted here, a deep document stops at the first level too many, with its position."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: D102 (PyYAML's hook)
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse(text: str, source: str = "<string>") -> tuple[Any, Located]:
    """Parse YAML text into plain data plus positions; syntax errors become issues."""
    doc = Located(source)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as err:  # a control character such as NUL, refused by YAML
        before = text[: err.position]
        line, col = before.count("\n") + 1, err.position - (before.rfind("\n") + 1) + 1
        doc.issues.append(Issue(source, line, col, "", f"YAML: character #x{err.character:04x} is not allowed"))
        return None, doc
    try:
        node = loader.get_single_node()
        if node is None:
            doc.issues.append(Issue(source, None, None, "", "the config is empty"))
            return None, doc
        data = _walk(node, "", doc, loader)
    except _TooBig:
        doc.issues.append(Issue(source, None, None, "", f"the config expands to more than {MAX_NODES} values (aliases?); refused"))
        return None, doc
    except _TooDeep as err:
        doc.issues.append(Issue(source, err.mark.line + 1, err.mark.column + 1, "", too_deep_message()))
        return None, doc
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = (err.problem or err.context or "invalid YAML").strip()
        if "\\t" in problem or "'\\t'" in problem or "tab" in problem:
            problem += " (YAML does not allow tabs for indentation)"
        doc.issues.append(Issue(source, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "", f"YAML syntax: {problem}"))
        return None, doc
    except yaml.YAMLError as err:
        doc.issues.append(Issue(source, None, None, "", f"YAML: {err}"))
        return None, doc
    except ValueError as err:  # PyYAML's scanner: chr() of an escape such as \U10001000, beyond U+10FFFF
        mark = loader.get_mark()
        doc.issues.append(Issue(source, mark.line + 1, mark.column + 1, "", f"YAML syntax: invalid escape ({err})"))
        return None, doc
    finally:
        loader.dispose()
    return data, doc


def parse_value(text: str, option: str = "a value") -> Any:
    """Parse one command-line value the way YAML would: '1e-4', '[60, 120]', 'true', 'cos'.

    A value nested deeper than :data:`MAX_DEPTH` is a :class:`~lrviz.errors.UsageError` naming ``option``."""
    from .errors import UsageError

    if not text.strip():
        return text
    try:
        loader = _Loader(text)
    except yaml.YAMLError:  # a control character, refused by YAML's reader: the text as typed
        return text
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        doc = Located(option)
        value = _walk(node, "", doc, loader)  # as a config is read: 100 and 100.0 are one (duplicate) key
    except _TooDeep as err:
        raise UsageError(f"{option}: column {err.mark.column + 1}: {too_deep_message()}") from None
    except (yaml.YAMLError, ValueError, _TooBig):  # ValueError: PyYAML on 2020-13-45 or a \U escape beyond U+10FFFF
        return text
    finally:
        loader.dispose()
    if doc.issues:  # one line of text: the first key's column, not its line
        issue = doc.issues[0]
        message = issue.message
        if issue.path in doc.first_given:
            message = re.sub(r"\(first given at line \d+\)", f"(first given at column {doc.first_given[issue.path][1]})",
                             message)
        raise UsageError(f"{option}: column {issue.col}: {message}")
    return value
