"""X's weighted post length (twitter-text v3), so a draft that fits here fits on X.

X does not count code points: it NFC-normalises the text, counts every URL as 23 (even a bare `example.com`),
every emoji sequence as 2, code points in a few Latin/punctuation ranges as 1 and everything else (CJK, most
symbols) as 2. The ranges and weights below are twitter-text's `v3.json`, embedded so the runtime never reads
the shared conformance folder. Emoji sequences are found as grapheme clusters (`regex`'s `\\X` follows the
current Unicode data), which also counts recent ZWJ sequences such as 🐦‍🔥 or 🧑‍🧑‍🧒 as one emoji — the one
place we deliberately differ from twitter-text's frozen emoji list, in line with what X shows today.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from bot.content.urlmatch import UrlSpan, find_urls


@dataclass(frozen=True, slots=True)
class CountingConfig:
    """One twitter-text configuration (v3 by default; v2 is v3 without emoji parsing)."""

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    emoji_parsing: bool = True
    # (first code point, last code point, weight), from twitter-text v3.json
    ranges: tuple[tuple[int, int, int], ...] = (
        (0x0000, 0x10FF, 100),
        (0x2000, 0x200D, 100),
        (0x2010, 0x201F, 100),
        (0x2032, 0x2037, 100),
    )


V3 = CountingConfig()
V2 = CountingConfig(emoji_parsing=False)

# Characters X refuses outright (twitter-text Validator.hasInvalidCharacters).
_INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")
_JAVA_TRIM = "".join(chr(c) for c in range(0x21))  # String.trim() strips U+0000..U+0020 only
_GRAPHEME = regex.compile(r"\X")
_EMOJI_START = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]|[0-9#*]\uFE0F?\u20E3")


@dataclass(frozen=True, slots=True)
class TextCount:
    """The result of counting one post: its weighted length, whether X accepts it, and the URLs X sees."""

    weighted_length: int
    valid: bool
    urls: tuple[UrlSpan, ...]
    limit: int


def _emoji_clusters(text: str) -> dict[int, int]:
    """Start offset → length of each grapheme cluster that X draws as one emoji."""
    found: dict[int, int] = {}
    if not _EMOJI_START.search(text):  # no cluster can start with an emoji: skip the slow grapheme walk
        return found
    for match in _GRAPHEME.finditer(text):
        if _EMOJI_START.match(match.group()):
            found[match.start()] = match.end() - match.start()
    return found


@lru_cache(maxsize=8)
def _uniform_ranges(config: CountingConfig) -> tuple[int, regex.Pattern[str]] | None:
    """(weight, pattern of the characters outside the ranges) when every range has the same weight, so a run
    of text weighs `weight × length + (default − weight) × characters outside`: no loop per character."""
    weights = {weight for _, _, weight in config.ranges}
    if len(weights) != 1:
        return None
    inside = "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last, _ in config.ranges)
    return weights.pop(), regex.compile(f"[^{inside}]")


def _plain_weight(run: str, config: CountingConfig) -> int:
    """Weight of text that holds no URL or emoji, the same as the sum of `_char_weight` over its characters."""
    if not run:
        return 0
    uniform = _uniform_ranges(config)
    if uniform is None:
        return sum(_char_weight(ord(char), config) for char in run)
    weight, outside = uniform
    heavy = len(outside.findall(run))
    return weight * len(run) + (config.default_weight - weight) * heavy


def _char_weight(code_point: int, config: CountingConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= code_point <= last:
            return weight
    return config.default_weight


def count_text(text: str, config: CountingConfig = V3) -> TextCount:
    """Count `text` exactly as twitter-text's `parseTweet` does (weights scaled by `config.scale`)."""
    if not text.strip(_JAVA_TRIM):
        return TextCount(0, False, (), config.max_weighted_length)
    normalized = unicodedata.normalize("NFC", text)
    urls = find_urls(normalized)
    url_at = {span.start: span for span in urls}
    emoji_at = _emoji_clusters(normalized) if config.emoji_parsing else {}
    weighted = 0
    invalid = False
    offset = 0
    for start in sorted(url_at.keys() | emoji_at.keys()):  # URLs and emoji; the text between is weighed in bulk
        if start < offset:
            continue  # inside a URL or emoji already counted
        weighted += _plain_weight(normalized[offset:start], config)
        invalid = invalid or not _INVALID_CHARACTERS.isdisjoint(normalized[offset:start])
        if start in url_at:
            weighted += config.transformed_url_length * config.scale
            offset = url_at[start].end
        else:
            weighted += config.default_weight
            offset = start + emoji_at[start]
    weighted += _plain_weight(normalized[offset:], config)
    invalid = invalid or not _INVALID_CHARACTERS.isdisjoint(normalized[offset:])
    length = weighted // config.scale
    return TextCount(length, not invalid and 0 < length <= config.max_weighted_length, urls, config.max_weighted_length)


def weighted_length(text: str) -> int:
    """X's weighted length of `text` (twitter-text v3): what must stay ≤ 280."""
    return count_text(text).weighted_length


def is_valid_post(text: str) -> bool:
    """True when X would accept `text` as a post: not empty, ≤ 280 weighted, no forbidden characters."""
    return count_text(text).valid


def char_length(text: str) -> int:
    """Plain code-point length (NFC), the rule for platforms that count characters (Facebook)."""
    return len(unicodedata.normalize("NFC", text))


def length_for(text: str, counting: str) -> int:
    """Length of `text` under a `Capabilities.counting` rule ("twitter" or "chars")."""
    if counting == "twitter":
        return weighted_length(text)
    if counting == "chars":
        return char_length(text)
    raise ValueError(f"unknown counting rule {counting!r} (expected 'twitter' or 'chars')")
