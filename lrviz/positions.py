"""Where each key of a config was written: key paths (``schedules[1].params.gamma``) with line and
column, and the problems found at them. Read from YAML by :mod:`lrviz.yamltext`; nothing here imports yaml."""

from __future__ import annotations

from typing import Any

from .errors import Issue


class Located:
    """Plain Python data from YAML, with the position of every key path."""

    def __init__(self, source: str):
        self.source = source
        self.where: dict[str, tuple[int, int]] = {}
        self.issues: list[Issue] = []
        self.nodes = 0
        self.first_given: dict[str, tuple[int, int]] = {}  # a duplicate key's path -> where the key was first given

    def issue(self, path: str, message: str) -> None:
        line, col = self.position(path)
        self.issues.append(Issue(self.source, line, col, path, message))

    def position(self, path: str) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest written ancestor."""
        return position_in(self.where, path)


def position_in(where: dict[str, tuple[int, int]], path: str) -> tuple[int | None, int | None]:
    """Line and column of the key ``path`` (``a.b[2].c``) in ``where``, or of its nearest written ancestor."""
    while True:
        if path in where:
            return where[path]
        if not path:
            return (None, None)
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


def child(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)
