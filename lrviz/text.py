"""Text a user writes (titles, labels, captions): checked once, before anything is drawn or written.

Three problems, each reported as one message naming the text (the option or the config key):

- length: more than :data:`MAX_TEXT` characters (a 900k-character title took minutes to lay out), or
  :data:`MAX_CAPTION` for a caption;
- encoding: a lone surrogate, which is what Python makes of bytes that are not UTF-8 in a command-line
  argument (``--title $'\\xff'`` arrives as ``'\\udcff'``) or of a ``"\\udcff"`` escape in YAML; no file,
  terminal or font can take it;
- mathtext: matplotlib reads text between two unescaped ``$`` as math (``$\\eta_t$``). Such text is
  parsed here, as matplotlib will, and a parse error is reported with its column; ``\\$`` is a dollar sign.

:func:`plain_problem` needs nothing (configs call it while reading); :func:`math_problem` imports
matplotlib's mathtext parser, only for text that holds math, and only when a figure will be drawn.
"""

from __future__ import annotations

import re

MAX_TEXT = 1000  # characters in one title or label
MAX_CAPTION = 10_000  # characters in a caption (not drawn: the gallery's index prints it)


class Typed(str):
    """Text typed as a command-line option (``--title``): its problems are reported as that option's."""

    option = "--title"


def plain_problem(text: str, *, argument: bool = False, limit: int = MAX_TEXT) -> str | None:
    """What is wrong with ``text`` as text (too long, not encodable), or None. ``argument``: the text is a
    command-line argument, where a lone surrogate U+DC80..U+DCFF stands for a byte that is not UTF-8."""
    if len(text) > limit:
        return f"is {len(text):,} characters long; at most {limit:,} are {'drawn' if limit == MAX_TEXT else 'kept'}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        char = text[err.start]
        code = ord(char)
        if argument and 0xDC80 <= code <= 0xDCFF:  # surrogateescape: a byte of an argument that is not UTF-8
            return f"not UTF-8 text (byte 0x{code - 0xDC00:02x} at character {err.start + 1})"
        return f"not valid text (a lone surrogate U+{code:04X} at character {err.start + 1})"
    return None


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold replaced: the bytes of a file name that is not UTF-8 (Python's
    surrogateescape) as U+FFFD, as a terminal shows them; for metadata and messages, never for lookups."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # another lone surrogate: a '?'
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def is_math(text: str) -> bool:
    """Whether matplotlib reads ``text`` as mathtext: an even, non-zero number of unescaped ``$``."""
    dollars = len(re.findall(r"(?<!\\)\$", text))
    return dollars > 0 and dollars % 2 == 0


def math_problem(text: str) -> str | None:
    """The mathtext parse error of ``text`` (with its column), or None when it is plain text or valid math."""
    if not is_math(text):
        return None
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(text, 72, FontProperties(size=10))
    except (ValueError, RuntimeError) as err:
        return "bad mathtext between $ signs: " + _reason(str(err)) + "; write \\$ for a dollar sign"
    return None


def _reason(message: str) -> str:
    """matplotlib's multi-line parse error as one short phrase: what was expected, at which character."""
    lines = message.strip().splitlines() or [message]
    last, math = lines[-1], lines[0]
    last = last.split("Exception: ", 1)[-1]
    col = re.search(r"col:(\d+)\)", last)
    what = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", last).strip()
    if len(what) > 80 or not what:  # pyparsing lists every alternative: say only where
        found = re.search(r"found (.+)$", what)
        what = f"unexpected {found.group(1)}" if found else "cannot be read"
    where = f" at character {col.group(1)} of {math!r}" if col and len(lines) > 1 else ""
    return what + where


def glue_math(text: str, keep: str) -> str:
    """``text`` with the spaces inside each ``$...$`` (as matplotlib reads math) replaced by ``keep``, so that
    wrapping at spaces never breaks a formula: a line break inside math makes matplotlib draw the whole text
    as plain text, dollars and backslashes."""
    if not is_math(text):
        return text
    return re.sub(r"(?<!\\)\$.*?(?<!\\)\$", lambda m: m.group(0).replace(" ", keep), text)


def problem(text: str, *, math: bool = True, limit: int = MAX_TEXT) -> str | None:
    """The first problem of ``text``: length, encoding, then (``math``) mathtext; None when it can be drawn."""
    return plain_problem(text, limit=limit) or (math_problem(text) if math else None)
