"""Line breaking for quote cards: English breaks at spaces, Japanese between any two characters, with the
usual kinsoku rules (no line starts with 。、」 or a small kana, none ends with 「（).

Widths are measured with the real font (`measure`), so the result is exactly what Pillow will draw.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

Measure = Callable[[str], float]

# May not start a line: closing brackets, sentence and clause marks, small kana, prolonged sound mark.
NO_LINE_START = frozenset(
    ")]}»’”、。，．・：；？！ー）］｝〕〉》」』】〙〗〟ゝゞヽヾ々"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.;:!?%…‥"
)
# May not end a line: opening brackets.
NO_LINE_END = frozenset("([{«‘“（［｛〔〈《「『【〘〖〝")
ELLIPSIS = "…"


def _breaks_anywhere(char: str) -> bool:
    """Wide (CJK) characters may be broken between; Latin words may not."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def split_units(text: str) -> list[str]:
    """Split `text` into unbreakable units; a unit may end with the spaces that follow it.

    Latin words stay whole, each wide character is its own unit, and kinsoku characters are glued to their
    neighbour so a break never lands on the wrong side of them.
    """
    units: list[str] = []
    glue_next = False
    for char in " ".join(text.split()):
        if char == " ":
            if units:
                units[-1] += " "
            glue_next = False
            continue
        joins_previous = (
            bool(units)
            and not units[-1].endswith(" ")
            and (char in NO_LINE_START or glue_next or not (_breaks_anywhere(char) or _breaks_anywhere(units[-1][-1])))
        )
        if joins_previous:
            units[-1] += char
        else:
            units.append(char)
        glue_next = char in NO_LINE_END
    return units


def _split_long_unit(unit: str, width: float, measure: Measure) -> list[str]:
    """A single word wider than the line (a long URL): cut it between characters."""
    pieces: list[str] = []
    current = ""
    for char in unit:
        if current and measure(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Greedy line filling: the lines of `text`, none wider than `width` (trailing spaces not counted)."""
    lines: list[str] = []
    current = ""
    for unit in split_units(text):
        candidate = current + unit
        if measure(candidate.rstrip()) <= width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        if measure(unit.rstrip()) <= width:
            current = unit
        else:
            *full, current = _split_long_unit(unit.rstrip(), width, measure)
            lines += full
            current += " " if unit.endswith(" ") else ""
    if current.strip():
        lines.append(current.rstrip())
    return lines


def wrap_at_most(text: str, width: float, measure: Measure, max_lines: int) -> list[str]:
    """Like `wrap`, but at most `max_lines`: the last kept line is shortened and ends with "…".

    For secondary text (a long session title) where showing the start is better than refusing the card.
    """
    lines = wrap(text, width, measure)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and measure(last.rstrip(" ,;:—-") + ELLIPSIS) > width:
        last = last.rsplit(" ", 1)[0] if " " in last.strip() else last[:-1]
    return [*lines[: max_lines - 1], last.rstrip(" ,;:—-") + ELLIPSIS]
