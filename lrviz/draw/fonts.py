"""Glyphs the style's font lacks (a CJK title in DejaVu Sans): an installed font that has them, or one note.

matplotlib draws a character its font lacks as an empty box and warns once per character
and per draw (a three-character title gave six warnings). Before drawing, :func:`plan` looks
for the characters of the figure's text that the style's font cannot draw and picks installed
fonts that can, first by name (so the same machine always picks the same font); matplotlib's
font fallback then draws each character in the first font of the list that has it. Characters
no installed font has are named in one note on stderr, and matplotlib's warnings about them
are silenced.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import warnings
from dataclasses import dataclass

GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy")
PLACEHOLDER_FONTS = ("Last Resort",)  # fonts with a box for every code point: they "have" every glyph


@dataclass(frozen=True)
class Plan:
    """The fonts to add after the style's own, and the characters none of the installed fonts has."""

    fallbacks: tuple[str, ...] = ()
    missing: str = ""

    def rc(self) -> dict:
        """rcParams that put the fallbacks after the current fonts of every family in use."""
        import matplotlib

        if not self.fallbacks:
            return {}
        rc = matplotlib.rcParams
        changes: dict = {}
        families = list(rc["font.family"])
        for family in families:
            if family in GENERIC:
                changes[f"font.{family}"] = list(rc[f"font.{family}"]) + list(self.fallbacks)
        if any(family not in GENERIC for family in families):
            changes["font.family"] = families + list(self.fallbacks)
        return changes


@functools.lru_cache(maxsize=None)
def _charmap(path: str) -> frozenset:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _primary() -> frozenset:
    """The code points of the font the current rcParams draw text in."""
    from matplotlib.font_manager import FontProperties, findfont

    return _charmap(findfont(FontProperties()))


def plan(texts) -> Plan:
    """What to add for ``texts`` to be drawn in the current style (see the module docstring)."""
    wanted = {ch for text in texts if text for ch in text if ord(ch) > 0x7E and not ch.isspace()}
    if not wanted:
        return Plan()
    missing = {ch for ch in wanted if ord(ch) not in _primary()}
    if not missing:
        return Plan()
    from matplotlib.font_manager import fontManager

    candidates = sorted((f.name, f.fname) for f in fontManager.ttflist
                        if not any(f.name.startswith(p) for p in PLACEHOLDER_FONTS))
    chosen: list[str] = []
    for name, path in candidates:
        if not missing:
            break
        if name in chosen:
            continue
        have = {ch for ch in missing if ord(ch) in _charmap(path)}
        if have:
            chosen.append(name)
            missing -= have
    return Plan(tuple(chosen), "".join(sorted(missing)))


def note(found: Plan, where: str = "") -> None:
    """One line on stderr naming the characters no installed font can draw."""
    if found.missing:
        shown = " ".join(found.missing[:20]) + (" ..." if len(found.missing) > 20 else "")
        print(f"lrviz: note: no installed font has {len(found.missing)} character(s) of the figure's text{where} "
              f"({shown}); they are drawn as empty boxes", file=sys.stderr)


@contextlib.contextmanager
def quiet_missing_glyphs():
    """matplotlib's per-character "Glyph ... missing from font" warnings off (the note said it once)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support .* natively")
        yield
