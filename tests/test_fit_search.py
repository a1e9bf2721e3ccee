"""The fast paths behind drafts give the same answers as the plain ones they replace: shortening by binary
search over the cuts (vs trying every cut, longest first), X's weighted length weighed in bulk (vs character by
character) and URLs looked for only in runs of text that hold a dot (vs at every offset)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import fit, textcount, urlmatch
from bot.content.textcount import V2, V3, CountingConfig, count_text, length_for

WORDS = (
    "the and of in a as well due to such with — – , ; : ( ) U.S. Japan-US-ROK G20 2024 日本の 役割を 国際秩序 と は "
    "、 。 example.com https://x.co/a 😀 👨\u200d👩 é e\u0301 International cooperation security “quoted” ， "
    "¥1,200 million 3.5 per cent percent No. 4 H.E. Mr. Fumio Kishida 1,200万円"  # cuts barred inside amounts/names
).split()
TEMPLATES = ("{} https://www.example.org/x #Tag", "Report: {}", "{}")


def _linear_longest_fitting(text: str, cuts: list[int], fits: Callable[[str], bool],
                            accept: Callable[[str], bool] | None = None) -> str:
    """The original search: every cut, latest first."""
    for at in sorted(cuts, reverse=True):
        candidate = fit._cut(text, at)
        if candidate and fits(candidate) and (accept is None or accept(candidate)):
            return candidate
    return ""


def _reference_shorten(text: str, fits: Callable[[str], bool], monkeypatch: pytest.MonkeyPatch,
                       accept: Callable[[str], bool] | None = None) -> str | None:
    with monkeypatch.context() as patch:
        patch.setattr(fit, "_longest_fitting", _linear_longest_fitting)
        return fit.shorten(text, fits, accept)


def _fits(template: str, rule: str, limit: int) -> Callable[[str], bool]:
    return lambda candidate: 0 < length_for(template.format(candidate), rule) <= limit


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40),
    separator=st.sampled_from([" ", "", "  "]),
    template=st.sampled_from(TEMPLATES),
    rule=st.sampled_from(["twitter", "chars"]),
    limit=st.integers(min_value=5, max_value=120),
)
def test_binary_search_shortens_exactly_like_trying_every_cut(words, separator, template, rule, limit) -> None:
    text = separator.join(words)
    fits = _fits(template, rule, limit)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert fit.shorten(text, fits) == _reference_shorten(text, fits, monkeypatch)


@pytest.mark.parametrize(
    ("text", "limit", "why"),
    [
        (": due to in International to G20 example", 20, "an empty candidate among later cuts"),
        ("and国際秩序;cooperationasinexample.comandexample.com(éwell", 45, "a cut inside a URL"),
        ("The importance of the US as a global power was reaffirmed and, while concern grows, it holds", 60, "clause"),
        ("日本の役割を国際秩序と日本の役割を国際秩序と日本の役割を国際秩序と日本の役割を国際秩序", 30, "no spaces"),
    ],
)
def test_known_hard_cases_match_the_linear_search(text, limit, why, monkeypatch) -> None:
    fits = _fits("Report: {}", "twitter", limit)
    assert fit.shorten(text, fits) == _reference_shorten(text, fits, monkeypatch), why


@pytest.mark.parametrize("limit", [40, 60, 90, 130])
def test_an_acceptance_that_follows_no_length_order_still_finds_the_longest_accepted_cut(
        limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cut must keep a predicate: longer cuts may lack one while shorter ones have it (Japanese clauses), so
    the acceptance is tried cut by cut from the longest that fits — never used to steer the binary search."""
    text = ("鈴木氏は、洋上風力の導入にあたっては、地域住民との合意形成が欠かせず、地元への便益の還元などを通じて、"
            "共生する形での事業展開を図るべきであり、そうした取り組みなしには安定は確保できないと述べた。")
    fits = _fits("{} https://www.example.org/r", "twitter", limit)

    def accept(candidate: str) -> bool:
        return "べき" in candidate or candidate.startswith("鈴木氏は、洋上風力の導入にあたっては…")

    assert fit.shorten(text, fits, accept) == _reference_shorten(text, fits, monkeypatch, accept)


def test_shortening_a_long_finding_judges_few_candidates() -> None:
    text = " ".join(f"word{i} and more," for i in range(80))
    judged: list[str] = []

    def fits(candidate: str) -> bool:
        judged.append(candidate)
        return len(candidate) <= 100

    short = fit.shorten(text, fits)
    assert short is not None and len(short) <= 100 and short.endswith("…")
    cuts = len(fit._word_cuts(text)) + len(fit._clause_cuts(text))
    assert len(judged) <= 2 * (math.log2(cuts) + 2) + 1 < cuts / 4  # the linear search judged ~all of them
    assert len(judged) == len(set(judged))  # a candidate is judged once


def _reference_weight(text: str, config: CountingConfig) -> int:
    """twitter-text's loop, character by character (the code the bulk weighing replaced)."""
    import unicodedata

    normalized = unicodedata.normalize("NFC", text)
    url_at = {span.start: span for span in urlmatch.find_urls(normalized)}
    emoji_at = textcount._emoji_clusters(normalized) if config.emoji_parsing else {}
    weighted, offset = 0, 0
    while offset < len(normalized):
        if offset in url_at:
            weighted += config.transformed_url_length * config.scale
            offset = url_at[offset].end
        elif offset in emoji_at:
            weighted += config.default_weight
            offset += emoji_at[offset]
        else:
            weighted += textcount._char_weight(ord(normalized[offset]), config)
            offset += 1
    return weighted // config.scale


UNEVEN = CountingConfig(ranges=((0x0000, 0x007F, 100), (0x0080, 0x10FF, 150)))  # not one weight: the slow path
ALPHABET = st.sampled_from(
    [
        *"ab .,/:-?#&=\n\u3000…\u2014\u2033\ufffe",
        "https://",
        "t.co",
        "日本",
        "😀",
        "\u200d",
        "\ufe0f",
        "1\ufe0f\u20e3",
        "🇯🇵",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join), st.sampled_from([V3, V2, UNEVEN]))
def test_bulk_weighing_equals_the_character_loop(text, config) -> None:
    result = count_text(text, config)
    if text.strip(textcount._JAVA_TRIM):
        assert result.weighted_length == _reference_weight(text, config)
        assert result.valid == (
            not any(c in "\ufffe\ufeff\uffff" for c in _plain_chars(text, config))
            and 0 < result.weighted_length <= config.max_weighted_length
        )


def _plain_chars(text: str, config: CountingConfig) -> str:
    """The characters outside URLs and emoji: the only ones that can make a post invalid."""
    import unicodedata

    normalized = unicodedata.normalize("NFC", text)
    covered = set()
    for span in urlmatch.find_urls(normalized):
        covered |= set(range(span.start, span.end))
    if config.emoji_parsing:
        for start, length in textcount._emoji_clusters(normalized).items():
            if start not in covered:
                covered |= set(range(start, start + length))
    return "".join(c for i, c in enumerate(normalized) if i not in covered)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET | st.sampled_from(["example.com", "x.jp/a", "-", "@"]), max_size=20).map("".join))
def test_urls_found_in_dotted_runs_are_those_found_everywhere(text) -> None:
    fast = urlmatch.find_urls(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urlmatch, "_candidate_matches", lambda pattern, t: pattern.finditer(t))
        assert fast == urlmatch.find_urls(text)
