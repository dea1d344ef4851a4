"""Command-line flags out of a shell script (Megatron-LM, fairseq launch scripts), never executed.

The script is split into words with :mod:`shlex` (comments dropped,
quotes removed, backslash-continued lines joined). ``NAME=value`` and
``NAME=( ... )`` assignments are remembered and ``$NAME`` / ``${NAME}`` /
``${NAME[@]}`` / ``${NAME:-default}`` are substituted in later words.
Every ``--flag value`` (or ``--flag=value``; a flag followed by another flag
is a switch, ``True``) becomes a key with ``-`` spelled ``_``
(``lr_decay_style``), keeping the line and column where it was written; a
flag given several values keeps the list (fairseq's ``--lr 0.1 0.05``).
A value that still holds an unresolved ``$VAR`` is kept as text and named
where it is used.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from ..errors import ConfigError, Issue
from ._doc import Document

_VAR = re.compile(r"\$\{([A-Za-z_]\w*)(\[@\]|\[\*\])?(?::-([^}]*))?\}|\$([A-Za-z_]\w*)")
_ASSIGN = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.S)
SEPARATORS = {"|", "||", "&&", ";", "&"}


def _words(text: str, source: str) -> list[tuple[str, int]]:
    lexer = shlex.shlex(text.replace("\\\n", "  \n"), posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out = []
    try:
        while True:
            word = lexer.get_token()
            if word is None or word == lexer.eof:
                break
            out.append((word, lexer.lineno))
    except ValueError as err:
        raise ConfigError([Issue(source, lexer.lineno, None, "", f"shell syntax: {err}")]) from None
    return out


def load(path: str, text: str) -> Document:
    variables: dict[str, list[tuple[str, int]]] = {}
    words = _words(text, path)
    flags: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    lines = text.splitlines()
    expanded: list[tuple[str, int]] = []
    i = 0
    while i < len(words):
        word, line = words[i]
        m = _ASSIGN.match(word)
        if m and (not expanded or expanded[-1][0] in SEPARATORS or expanded[-1][0] in ("export", "local", "declare")):
            name, value = m.group(1), m.group(2)
            if value.startswith("("):
                items = [(value[1:], line)] if value[1:] else []
                while not (items and items[-1][0].endswith(")")) and i + 1 < len(words):
                    i += 1
                    items.append(words[i])
                if items and items[-1][0].endswith(")"):
                    items[-1] = (items[-1][0][:-1], items[-1][1])
                variables[name] = [w for item, at in items if item for w in _substitute(item, at, variables)]
            else:
                variables[name] = [(" ".join(w for w, _ in _substitute(value, line, variables)), line)]
            i += 1
            continue
        expanded.extend(_substitute(word, line, variables))
        i += 1
    j = 0
    while j < len(expanded):
        word, line = expanded[j]
        if word.startswith("--") and len(word) > 2:
            body = word[2:]
            if "=" in body:
                name, first = body.split("=", 1)
                values = [first]
            else:
                name, values = body, []
                while j + 1 < len(expanded) and not expanded[j + 1][0].startswith("--") \
                        and expanded[j + 1][0] not in SEPARATORS and not _is_program(expanded[j + 1][0]):
                    j += 1
                    values.append(expanded[j][0])
            key = name.replace("-", "_")
            flags[key] = True if not values else (values[0] if len(values) == 1 else values)
            col = _column(lines, line, "--" + name)
            where[key] = (line, col)
        j += 1
    return Document(path, flags, where)


def _is_program(word: str) -> bool:
    return word.endswith(".py") or word.endswith(".sh")


def _column(lines: list[str], line: int, text: str) -> int:
    for number in (line, line - 1, line + 1):
        if 1 <= number <= len(lines):
            col = lines[number - 1].find(text)
            if col >= 0:
                return col + 1
    return 1


def _substitute(word: str, line: int, variables: dict[str, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """``word`` with known variables replaced, as (word, line) pairs; a word that is exactly one variable
    expands to its words, each with the line it was written on."""
    whole = _VAR.fullmatch(word)
    if whole:
        name = whole.group(1) or whole.group(4)
        if name in variables:
            items = variables[name]
            if len(items) == 1:
                return [(w, items[0][1]) for w in items[0][0].split()] or [("", line)]
            return list(items)
        if whole.group(3) is not None:
            return [(whole.group(3), line)]
        return [(word, line)]

    def one(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        if name in variables:
            return " ".join(w for w, _ in variables[name])
        if m.group(3) is not None:
            return m.group(3)
        return m.group(0)

    return [(_VAR.sub(one, word), line)]


def unresolved(value: Any) -> bool:
    return isinstance(value, str) and "$" in value
