"""The fonts cards and the HTML preview use, shipped as Python packages (no system font is assumed).

Noto Sans CJK JP (SIL OFL 1.1, packages `noto-cjk-sans-jp-regular` / `-bold`) covers Latin and Japanese, so
an English and a Japanese report render with the same face. A character the font has no glyph for would be
drawn as an empty box; `missing_glyphs` finds those first so the caller can refuse with a clear message.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.errors import BotError

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

Weight = Literal["regular", "bold"]
_PACKAGES: dict[str, str] = {"regular": "noto_cjk_sans_jp_regular", "bold": "noto_cjk_sans_jp_bold"}
FONT_NAME = "Noto Sans CJK JP"
LICENSE = "SIL Open Font License 1.1"
# Characters that never need a glyph: line breaks and spaces are layout, not ink.
_LAYOUT_CHARS = frozenset("\n\r\t ")


def font_path(weight: Weight = "regular") -> Path:
    """Path of the packaged font file; BotError if the font package is not installed."""
    import importlib

    try:
        module = importlib.import_module(_PACKAGES[weight])
    except ImportError:
        package = _PACKAGES[weight].replace("_", "-")
        raise BotError(f"font package {package!r} is not installed (pip install {package})") from None
    return Path(str(module.FONT_PATH))


@lru_cache(maxsize=2)
def covered_code_points(weight: Weight = "regular") -> frozenset[int]:
    """Every code point the font maps to a glyph (read lazily from its cmap: ~0.1 s, cached)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path(weight)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, weight: Weight = "regular") -> list[str]:
    """The distinct characters of `text` the font cannot draw, in order of first appearance.

    Variation selectors and zero-width joiners are ignored: they modify a neighbour rather than being drawn.
    """
    covered = covered_code_points(weight)
    missing: list[str] = []
    for char in text:
        if char in _LAYOUT_CHARS or char in missing or unicodedata.category(char) in ("Mn", "Cf"):
            continue
        if ord(char) not in covered:
            missing.append(char)
    return missing


def describe_chars(chars: list[str]) -> str:
    """'🦜 (U+1F99C PARROT), …' for error messages."""
    return ", ".join(f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars)


@lru_cache(maxsize=64)
def load_font(size: int, weight: Weight = "regular") -> FreeTypeFont:
    """A Pillow font object at `size` pixels (cached: cards try several sizes while fitting text)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(weight)), size)


def needs_embedded_font(text: str) -> str:
    """The characters of `text` that common Latin system fonts lack (CJK, kana, full-width forms …), sorted.

    The HTML preview embeds a subset of the packaged font for just these, so Japanese renders the same on any
    machine, offline, while an English page pays nothing.
    """
    return "".join(sorted({c for c in text if ord(c) > 0x2BFF}))


def unicode_range(chars: str) -> str:
    """A CSS `unicode-range` value for `chars`, consecutive code points merged: "U+3001-3002, U+56FD"."""
    points = sorted({ord(c) for c in chars})
    spans: list[list[int]] = []
    for point in points:
        if spans and point == spans[-1][1] + 1:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


@lru_cache(maxsize=8)
def subset_font_data_uri(chars: str, weight: Weight = "regular") -> str | None:
    """A `data:font/otf;base64,…` URI of the font cut down to `chars` (about 0.5 s), or None if none covered."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    covered = covered_code_points(weight)
    wanted = "".join(c for c in chars if ord(c) in covered)
    if not wanted:
        return None
    options = subset.Options()
    options.layout_features = ["*"]
    with TTFont(str(font_path(weight)), recalcTimestamp=False) as font:  # same input → same bytes
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=wanted)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    return "data:font/otf;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
