"""Make text fit a length limit without cutting words, and fill post templates.

Shortening cuts only at a clause boundary (after `,` `;` `:` or a dash, or `、` in Japanese) or a word boundary
(whitespace; in text without spaces, between characters but never inside a run of Latin letters or digits such
as "G20" or "2024"), drops dangling words like "and"/"the", and ends with "…". Names such as "Japan-US-ROK" or
"U.S." contain no whitespace, so they are never split. Nor is an amount split from its unit ("¥1,200 million",
"3.5 percent") or a title from what it introduces ("No. 4", "H.E. Mr. Fumio Kishida"): those go whole or not at
all. Everything is deterministic.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.settings import Settings

ELLIPSIS = "…"
TEMPLATE_PLACEHOLDERS = ("title", "event", "finding", "url", "date", "hashtags", "part", "session")
TEMPLATE_KEYS = ("x_announcement", "x_highlight", "facebook_intro", "facebook_findings_heading")
_TEMPLATE_KEYS = TEMPLATE_KEYS
_DANGLING = frozenset(
    "a an and as at but by for from in including into its of on or such than that the their to which while with".split()
)
_DANGLING_PHRASE = re.compile(r"\s(?:in addition|as well as|due to|in order|such as|as a|with due)$", re.IGNORECASE)
_ORPHAN_SEPARATOR = re.compile(r"([—–:])\s*[:,]")  # "New report — : Title" when {event} is empty
_CLAUSE_END = re.compile(r"(?:[,;:](?=\s)|\s[—–]\s|[、，；：。！？])")
_HIRAGANA = re.compile(r"[\u3041-\u309f、，。]")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")
_TRIM = " \t\n,;:—–-、，；：。([{\"'“‘「『（"
_URL_LIKE = re.compile(r"\.[^\W\d_]{2}")  # a dot before two letters: no URL (whose length X fixes) without one
_CLAUSE_PREFERENCE = 0.8  # a clause cut wins if it keeps at least this share of the best word cut

# Words that must stay with the number before them: cutting "¥1,200 million" to "¥1,200…" changes the amount.
# Magnitudes, percentages, currencies and a few common counted nouns; chains such as "1.2 trillion yen" or
# "3.5 per cent" stay whole. Japanese counters follow the digits with no space ("1,200万円", "30％").
_UNITS = (
    "hundred|thousand|million|billion|trillion|mn|bn|tn|percent|per cent|percentage points?|%|yen|dollars?|"
    "euros?|pounds?|yuan|won|rupees?|people|persons?|troops|soldiers|refugees|casualties|deaths|years?|months?|"
    "weeks?|days?|hours?|km|kilometers?|kilometres?|miles?|kg|tons?|tonnes?|points?|times"
)
_NUMBER = r"(?<![0-9A-Za-z_.,])(?:[A-Z]{1,2}\$|[¥$€£₩])?\d(?:[\d,.]*\d)?"
_CJK_COUNTER = "[万億兆千百]+(?:円|ドル|人)?|円|ドル|人|％|%"
_AMOUNT = re.compile(rf"{_NUMBER}(?:(?:\s+(?i:{_UNITS})(?![\w%]))+|{_CJK_COUNTER})")
# Titles and abbreviations that need the name or number after them ("No. 4", "H.E. Mr. Fumio Kishida"): the
# title, any further titles and the capitalised name words (or the number) that follow stay whole.
_TITLES = r"No|Nos|Mr|Mrs|Ms|Dr|Prof|H\.E|St|Art|Arts|p|pp|Vol|Gen|Amb|Sen|Rep|Gov|Pres|Sec|Lt|Col|Capt|Rev|Hon"
_TITLE = rf"(?<![\w.])(?:{_TITLES})\."
_NAME_WORD = rf"(?!(?:{_TITLES})\.)(?:[A-Z]\.|[A-Z][\w'’-]*)"
_TITLED = re.compile(rf"{_TITLE}(?:\s+{_TITLE})*\s+(?:{_NUMBER}(?:[-–]\d+)?|{_NAME_WORD}(?:\s+{_NAME_WORD})*)")
_DANGLING_TITLE = re.compile(rf"\s(?:{_TITLE}\s*)+$")


def check_templates(settings: Settings) -> None:
    """Raise ConfigError naming `templates.<key>` when a template uses an unknown or malformed placeholder."""
    for key in _TEMPLATE_KEYS:
        check_template_text(key, getattr(settings.templates, key), settings.source)
        localized = getattr(settings.templates.ja, key)
        if localized is not None:
            check_template_text(f"ja.{key}", localized, settings.source)


def check_template_text(key: str, template: str, source: str) -> None:
    """Raise ConfigError naming `templates.<key>` for an unknown or malformed placeholder in `template`."""
    from bot.settings import plain_placeholders

    known = ", ".join("{" + p + "}" for p in TEMPLATE_PLACEHOLDERS)
    try:
        plain_placeholders(template)  # no format spec or conversion (a report's or campaign's own templates)
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        raise ConfigError(f"templates.{key}: {error}", source=source) from None
    for name in fields:
        if name not in TEMPLATE_PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{} (positional)"
            raise ConfigError(f"templates.{key}: unknown placeholder {shown} (known: {known})", source=source)


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a (checked) template; empty values leave no double spaces, blank edges or dangling words behind
    ("Report from {event}: {title}" without an event reads "Report: Title", not "Report from : Title")."""
    for name in TEMPLATE_PLACEHOLDERS:
        if values.get(name) in (None, ""):
            template = re.sub(rf"\s+(?:from|of|at|on|by)\s+\{{{name}\}}(?=\s*[:：])", "", template)
            template = re.sub(rf"(?m)^\s*\{{{name}\}}\s*[:：—–]\s*", "", template)
    filled = template.format_map(
        {name: "" if values.get(name) is None else values[name] for name in TEMPLATE_PLACEHOLDERS}
    )
    lines = [_ORPHAN_SEPARATOR.sub(r"\1", re.sub(r"[ \t]{2,}", " ", line)).strip() for line in filled.split("\n")]
    return "\n".join(lines).strip()


def _unbreakable(text: str) -> list[tuple[int, int]]:
    """Spans no cut may fall inside: an amount with its unit ("¥1,200 million", "3.5 per cent") and a title
    with the name or number it introduces ("No. 4", "H.E. Mr. Fumio Kishida")."""
    return [m.span() for pattern in (_AMOUNT, _TITLED) for m in pattern.finditer(text)]


def _allowed(text: str, cuts: set[int] | list[int]) -> list[int]:
    """`cuts` without those inside an unbreakable span, in order: the candidate list both searches share."""
    spans = _unbreakable(text)
    return sorted(at for at in cuts if not any(start < at < end for start, end in spans))


def _word_cuts(text: str) -> list[int]:
    """Offsets where the text may be cut: before whitespace; in Japanese text also where a run of hiragana
    (particles, verb endings) meets kanji, katakana or Latin — roughly a phrase (bunsetsu) boundary. Never
    inside an amount or a titled name (see `_unbreakable`)."""
    cuts = {m.start() for m in _SPACE.finditer(text)}
    if _CJK.search(text):
        cuts |= {
            i
            for i in range(1, len(text))
            if _HIRAGANA.match(text[i - 1])
            and not _HIRAGANA.match(text[i])
            and not text[i].isspace()
            and not _is_mark(text[i])
        }
    return _allowed(text, cuts)


def _char_cuts(text: str) -> list[int]:
    """Last resort for text without spaces: between any two characters, but never inside a run of Latin
    letters or digits ("G20", "2024"), inside an amount ("1,200万円") nor before a combining mark."""
    cuts = [
        i
        for i in range(1, len(text))
        if not (text[i - 1].isascii() and text[i - 1].isalnum() and text[i].isascii() and text[i].isalnum())
        and not text[i].isspace()
        and not _is_mark(text[i])
    ]
    return _allowed(text, cuts)


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char).startswith("M") or char in "\u200d\ufe0f"


def _clause_cuts(text: str) -> list[int]:
    return _allowed(text, [m.end() for m in _CLAUSE_END.finditer(text)])


def _cut(text: str, at: int) -> str:
    """`text[:at]`, without trailing punctuation, dangling words ("and", "in addition") or titles left without
    their name ("Mr."), plus the ellipsis."""
    head = text[:at].rstrip(_TRIM)
    while True:
        words = head.rsplit(None, 1)
        phrase = _DANGLING_PHRASE.search(head) or _DANGLING_TITLE.search(head)
        if phrase:
            head = head[: phrase.start()].rstrip(_TRIM)
        elif len(words) == 2 and words[1].lower() in _DANGLING:
            head = words[0].rstrip(_TRIM)
        else:
            return head + ELLIPSIS if head else ""


def _longest_fitting(text: str, cuts: list[int], fits: Callable[[str], bool],
                     accept: Callable[[str], bool] | None = None) -> str:
    """The candidate of the latest cut that fits (empty candidates never count) and that `accept` takes, or "".

    Found by binary search rather than trying the cuts latest first: a later cut keeps a longer prefix, and a
    post's length grows with its text, so along the cuts the candidates go from "too long" to "fits" once. Two
    things can break that order, and then the cuts are tried one by one as before: a URL (X counts any URL as
    23, so a cut inside one can shorten the count), impossible without a dot before two letters (the least
    a top-level domain needs); and an empty candidate (nothing left once dangling words are dropped).
    `accept` (e.g. "still has its predicate") follows no such order, so it is never part of the search: from
    the longest fitting cut the candidates are tried one by one, latest first."""
    ordered = sorted(cuts, reverse=True)
    if _URL_LIKE.search(text):
        return _first_fitting(text, ordered, fits, accept)
    low, high = 0, len(ordered)  # the first fitting candidate's index lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        candidate = _cut(text, ordered[middle])
        if not candidate:
            return _first_fitting(text, ordered[low:], fits, accept)
        if fits(candidate):
            high = middle
        else:
            low = middle + 1
    if accept is not None:
        return _first_fitting(text, ordered[low:], fits, accept)
    return _cut(text, ordered[low]) if low < len(ordered) else ""


def _first_fitting(text: str, ordered: list[int], fits: Callable[[str], bool],
                   accept: Callable[[str], bool] | None = None) -> str:
    for at in ordered:
        candidate = _cut(text, at)
        if candidate and fits(candidate) and (accept is None or accept(candidate)):
            return candidate
    return ""


def _remembered(fits: Callable[[str], bool]) -> Callable[[str], bool]:
    """`fits` that judges each distinct candidate once: clause and word cuts often yield the same text."""
    judged: dict[str, bool] = {}

    def remembered(candidate: str) -> bool:
        if candidate not in judged:
            judged[candidate] = fits(candidate)
        return judged[candidate]

    return remembered


def shorten(text: str, fits: Callable[[str], bool], accept: Callable[[str], bool] | None = None) -> str | None:
    """`text` itself if it fits, else the longest clause- or word-boundary cut ending in "…" that fits (and that
    `accept` takes, when given), or None when none does. `fits` judges the candidate (e.g. rendered into its
    post); it must accept every shorter candidate when it accepts a longer one (true of any length limit).
    `accept` need not: it is tried on the fitting cuts, latest first."""
    text = text.strip()
    if fits(text):
        return text
    fits = _remembered(fits)
    by_word = _longest_fitting(text, _word_cuts(text), fits, accept)
    if not by_word and _CJK.search(text):
        by_word = _longest_fitting(text, _char_cuts(text), fits, accept)
    by_clause = _longest_fitting(text, _clause_cuts(text), fits, accept)
    if by_clause and len(by_clause) >= _CLAUSE_PREFERENCE * len(by_word):
        return by_clause
    return by_word or None
