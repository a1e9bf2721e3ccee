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
    for match in _GRAPHEME.finditer(text):
        if _EMOJI_START.match(match.group()):
            found[match.start()] = match.end() - match.start()
    return found


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
    while offset < len(normalized):
        if offset in url_at:
            weighted += config.transformed_url_length * config.scale
            offset = url_at[offset].end
        elif offset in emoji_at:
            weighted += config.default_weight
            offset += emoji_at[offset]
        else:
            char = normalized[offset]
            weighted += _char_weight(ord(char), config)
            invalid = invalid or char in _INVALID_CHARACTERS
            offset += 1
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
