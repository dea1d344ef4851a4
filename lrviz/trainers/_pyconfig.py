"""Python config files (MMEngine / OpenMMLab) read as data, never executed.

Only a literal subset is evaluated, by walking the ast: top-level ``name =
expr`` assignments whose expressions are literals, lists, tuples, dicts,
``dict(k=v, **x)``, names bound earlier, ``_base_.a.b`` (and ``{{_base_.a}}``,
rewritten to it in place, columns kept), subscripts with literal indices,
``+ - * / // % **`` and unary minus. Anything else becomes an :class:`Opaque`
value that remembers where it was written, so a field the schedule needs and
that is not a literal is named in one located line, while the rest of the
file (pipelines with comprehensions, ``round()``, imports) does not matter.

``_base_`` files (a string or a list, relative to the config) are read first
and merged with MMEngine's rules: the same key in two bases is an error;
the child's dicts merge into the base's recursively unless they hold
``_delete_=True``; lists and other values replace. Every key path keeps the
file, line and column it came from.
"""

from __future__ import annotations

import ast
import operator
import os
import re
from dataclasses import dataclass
from typing import Any

from ..config import read_text
from ..errors import ConfigError, Issue
from ._doc import Document

_BASE_REF = re.compile(r"\{\{(\s*_base_\.[A-Za-z_][\w.]*\s*)\}\}")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
MAX_DEPTH = 16


@dataclass(frozen=True)
class Opaque:
    """A value lrviz does not evaluate (not a literal), with where it was written."""

    text: str
    source: str
    line: int
    col: int

    def __repr__(self) -> str:
        return f"<not a literal: {self.text}>"


class PyDocument(Document):
    """A Document whose key paths may come from different files (the config and its bases)."""

    def __init__(self, source: str, data: Any, where: dict, origin: dict[str, str]):
        super().__init__(source, data, where)
        self.origin = origin

    def issue(self, path: str, message: str) -> None:
        probe = path
        while True:
            if probe in self.where:
                line, col = self.where[probe]
                source = self.origin.get(probe, self.source)
                break
            if not probe:
                line, col, source = None, None, self.source
                break
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        self.issues.append(Issue(source, line, col, path, message))

    def opaque(self, path: str, value: Any, what: str) -> bool:
        """Report every part of ``value`` (at ``path``) that is not a literal; True when one was found."""
        if isinstance(value, Opaque):
            self.issues.append(Issue(value.source, value.line, value.col, path,
                                     f"{what} is not a literal lrviz can read without running the file: {value.text}"))
            return True
        found = False
        if isinstance(value, dict):
            for key, sub in value.items():
                found |= self.opaque(f"{path}.{key}", sub, str(key))
        elif isinstance(value, (list, tuple)):
            for i, sub in enumerate(value):
                found |= self.opaque(f"{path}[{i}]", sub, f"{what}[{i}]")
        return found


class _Base:
    """``_base_`` inside an expression: attribute access into the merged base config."""

    def __init__(self, data: dict):
        self.data = data


def load(path: str, text: str | None = None, _depth: int = 0) -> PyDocument:
    """The config at ``path`` with its ``_base_`` files merged, as a PyDocument."""
    if _depth > MAX_DEPTH:
        raise ConfigError([Issue(path, None, None, "_base_", f"more than {MAX_DEPTH} levels of _base_ files (a cycle?)")])
    text = read_text(path) if text is None else text
    rewritten = _BASE_REF.sub(lambda m: "( " + m.group(1) + " )", text)  # {{x}} -> ( x ), same length
    try:
        tree = ast.parse(rewritten, filename=path)
    except SyntaxError as err:
        raise ConfigError([Issue(path, err.lineno, err.offset, "", f"Python syntax: {err.msg}")]) from None
    reader = _Reader(path)
    base = reader.bases(tree, _depth)
    reader.run(tree, base)
    return reader.doc


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.names: dict[str, Any] = {}
        self.where: dict[str, tuple[int, int]] = {}
        self.origin: dict[str, str] = {}
        self.issues: list[Issue] = []
        self.doc: PyDocument

    # ---------------------------------------------------------------- _base_

    def bases(self, tree: ast.Module, depth: int) -> PyDocument | None:
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id == "_base_":
                value = self.expr(node.value, "_base_", None)
                files = [value] if isinstance(value, str) else value
                if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                    raise ConfigError([Issue(self.source, node.lineno, node.col_offset + 1, "_base_",
                                             "expected a file name or a list of file names")])
                merged: PyDocument | None = None
                for name in files:
                    if "::" in name:
                        raise ConfigError([Issue(self.source, node.lineno, node.col_offset + 1, "_base_",
                                                 f"{name!r} names another package's config; lrviz reads relative files only")])
                    file = os.path.normpath(os.path.join(os.path.dirname(self.source), name))
                    if not os.path.exists(file):
                        raise ConfigError([Issue(self.source, node.lineno, node.col_offset + 1, "_base_",
                                                 f"base file {name!r} not found (looked for {file})")])
                    doc = load(file, None, depth + 1)
                    merged = doc if merged is None else _merge_bases(merged, doc, self.source, node)
                return merged
            if isinstance(node, (ast.With,)) and any("read_base" in ast.unparse(i.context_expr) for i in node.items):
                raise ConfigError([Issue(self.source, node.lineno, node.col_offset + 1, "",
                                         "a lazy-import config (with read_base(): ...) is not read by lrviz; use the "
                                         "dumped config the Runner writes to work_dir")])
        return None

    # ---------------------------------------------------------------- statements

    def run(self, tree: ast.Module, base: PyDocument | None) -> None:
        data: dict[str, Any] = {}
        where: dict[str, tuple[int, int]] = {}
        origin: dict[str, str] = {}
        if base is not None:
            data.update(base.data)
            where.update(base.where)
            origin.update(base.origin)
        base_value = _Base(base.data if base is not None else {})
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if name == "_base_":
                    continue
                self.where[name] = (node.targets[0].lineno, node.targets[0].col_offset + 1)
                value = self.expr(node.value, name, base_value)
                self.names[name] = value
                if name in data and isinstance(data[name], dict) and isinstance(value, dict):
                    data[name] = _merge(data[name], value)
                else:
                    for path in [p for p in where if p == name or p.startswith(name + ".") or p.startswith(name + "[")]:
                        del where[path]
                        origin.pop(path, None)
                    data[name] = _strip_delete(value)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            data[sub.id] = self.names[sub.id] = Opaque(ast.unparse(node)[:80], self.source,
                                                                       node.lineno, node.col_offset + 1)
                            self.where[sub.id] = (node.lineno, node.col_offset + 1)
        for path, pos in self.where.items():
            where[path] = pos
            origin[path] = self.source
        self.doc = PyDocument(self.source, data, where, origin)

    # ---------------------------------------------------------------- expressions

    def expr(self, node: ast.AST, path: str, base: _Base | None) -> Any:
        self.where.setdefault(path, (node.lineno, node.col_offset + 1))
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return self.opaque(node)
            items = [self.expr(e, f"{path}[{i}]", base) for i, e in enumerate(node.elts)]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            out: dict = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    sub = self.expr(v, path, base)
                    if not isinstance(sub, dict):
                        return self.opaque(node)
                    out.update(sub)
                    continue
                key = self.expr(k, path, base)
                if isinstance(key, Opaque) or isinstance(key, (dict, list)):
                    return self.opaque(node)
                self.where[f"{path}.{key}"] = (k.lineno, k.col_offset + 1)
                out[key] = self.expr(v, f"{path}.{key}", base)
            return out
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
            out = {}
            for kw in node.keywords:
                if kw.arg is None:
                    sub = self.expr(kw.value, path, base)
                    if not isinstance(sub, dict):
                        return self.opaque(node)
                    out.update(sub)
                    continue
                self.where[f"{path}.{kw.arg}"] = (kw.lineno, kw.col_offset + 1)
                out[kw.arg] = self.expr(kw.value, f"{path}.{kw.arg}", base)
            return out
        if isinstance(node, ast.Name):
            if node.id == "_base_" and base is not None:
                return base
            if node.id in self.names:
                return self.names[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            return self.opaque(node)
        if isinstance(node, ast.Attribute):
            owner = self.expr(node.value, path, base)
            if isinstance(owner, _Base):
                owner = owner.data
            if isinstance(owner, dict) and node.attr in owner:
                return owner[node.attr]
            return self.opaque(node)
        if isinstance(node, ast.Subscript):
            owner = self.expr(node.value, path, base)
            index = self.expr(node.slice, path, base) if not isinstance(node.slice, ast.Slice) else None
            try:
                if isinstance(owner, (list, tuple, dict, str)) and isinstance(index, (int, str)) and not isinstance(index, bool):
                    return owner[index]
            except (IndexError, KeyError, TypeError):
                pass
            return self.opaque(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            a, b = self.expr(node.left, path, base), self.expr(node.right, path, base)
            if isinstance(a, (int, float, str, list, tuple)) and isinstance(b, (int, float, str, list, tuple)) \
                    and not isinstance(a, bool) and not isinstance(b, bool):
                try:
                    return _OPS[type(node.op)](a, b)
                except (TypeError, ZeroDivisionError, OverflowError, ValueError):
                    pass
            return self.opaque(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.expr(node.operand, path, base)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v if isinstance(node.op, ast.USub) else v
            return self.opaque(node)
        return self.opaque(node)

    def opaque(self, node: ast.AST) -> Opaque:
        return Opaque(ast.unparse(node)[:80], self.source, node.lineno, node.col_offset + 1)


def _strip_delete(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_delete(v) for k, v in value.items() if k != "_delete_"}
    if isinstance(value, list):
        return [_strip_delete(v) for v in value]
    return value


def _merge(base: dict, child: dict) -> dict:
    """MMEngine's ``_merge_a_into_b``: dicts merge recursively unless ``_delete_``; the rest replaces."""
    if child.get("_delete_", False):
        return _strip_delete(child)
    out = dict(base)
    for key, value in child.items():
        if key == "_delete_":
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = _strip_delete(value)
    return out


def _merge_bases(a: PyDocument, b: PyDocument, source: str, node: ast.AST) -> PyDocument:
    duplicate = sorted(set(a.data) & set(b.data))
    if duplicate:
        raise ConfigError([Issue(source, node.lineno, node.col_offset + 1, "_base_",
                                 f"Duplicate key is not allowed among bases: {', '.join(duplicate)}")])
    return PyDocument(a.source, {**a.data, **b.data}, {**a.where, **b.where}, {**a.origin, **b.origin})
