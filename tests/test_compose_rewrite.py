"""Reporting frames → direct statements, and shortening at clause/word boundaries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.fit import ELLIPSIS, render, shorten
from bot.content.rewrite import direct_statement
from bot.content.textcount import weighted_length


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "It was emphasized that the US plays a significant role as a global power.",
            "The US plays a significant role as a global power.",
        ),
        ("It was also stressed that G20 matters in 2024.", "G20 matters in 2024."),
        (
            "It was recommended that continuation of the US commitment be solidified through the Japan-US-ROK "
            "framework.",
            "Continuation of the US commitment should be solidified through the Japan-US-ROK framework.",
        ),
        (
            "It was advised that the checks and balances in U.S. politics not be underestimated.",
            "The checks and balances in U.S. politics should not be underestimated.",
        ),
        ("It was suggested that Japan should lead.", "Japan should lead."),
        ("It was recommended that measures to be taken be reviewed.", "Measures to be taken should be reviewed."),
        # The subjunctive verb cannot be told apart: keep who said it, still grammatical.
        (
            "It was recommended that Japan strengthen its ties with the U.S.",
            "Participants recommended that Japan strengthen its ties with the U.S.",
        ),
        ("It was agreed that the G7 matters.", "Participants agreed that the G7 matters."),
        (
            "High expectations were voiced regarding Japan’s efforts to promote mini-lateral frameworks.",
            "Participants voiced high expectations for Japan’s efforts to promote mini-lateral frameworks.",
        ),
        (
            "Concern was also expressed about the growing protectionist trend.",
            "Participants also expressed concern about the growing protectionist trend.",
        ),
        (
            "While the dysfunction of the UN was pointed out, it was emphasized that the US plays a role.",
            "While the dysfunction of the UN was pointed out, participants emphasized that the US plays a role.",
        ),
        ("Finally, humanitarian issues were also deemed critical.", "Humanitarian issues were also deemed critical."),
        (
            "Closer cooperation between Japan and NATO was also anticipated.",
            "Closer cooperation between Japan and NATO was also anticipated.",
        ),  # unmatched: unchanged
    ],
)
def test_direct_statement(sentence: str, expected: str) -> None:
    assert direct_statement(sentence) == expected


def test_other_languages_pass_through() -> None:
    text = "最後に、人間の尊厳に関する問題も重要だとされた。"
    assert direct_statement(text, "ja") == text


def _fits(limit: int) -> Callable[[str], bool]:
    return lambda text: weighted_length(text) <= limit


def test_shorten_keeps_text_that_fits() -> None:
    assert shorten("Short enough.", _fits(280)) == "Short enough."


def test_shorten_cuts_at_a_word_and_drops_dangling_words() -> None:
    text = "The Japan-US-ROK framework and the G20 in 2024 matter for the U.S. and its allies"
    short = shorten(text, _fits(40))
    assert short is not None and short.endswith(ELLIPSIS)
    assert weighted_length(short) <= 40
    assert text.startswith(short[:-1])
    assert short == "The Japan-US-ROK framework and the G20…"


def test_shorten_prefers_a_clause_boundary_when_it_keeps_most_of_the_text() -> None:
    text = "Participants stressed multilateral and minilateral cooperation, exemplified by the G7 Summit"
    assert shorten(text, _fits(78)) == "Participants stressed multilateral and minilateral cooperation…"
    # ... but not when a word cut keeps much more of it
    assert (
        shorten(text, _fits(88))
        == "Participants stressed multilateral and minilateral cooperation, exemplified by the G7…"
    )


def test_shorten_gives_up_when_not_even_a_word_fits() -> None:
    assert shorten("Supercalifragilistic words", _fits(5)) is None


def test_shorten_japanese_never_splits_latin_runs() -> None:
    text = (
        "2024年のG20大阪サミットと日米韓の枠組みを通じて、インド太平洋地域への関与を強化すべきだとの提言があった。" * 3
    )
    short = shorten(text, _fits(100))
    assert short is not None and weighted_length(short) <= 100 and short.endswith(ELLIPSIS)
    assert "G2…" not in short and "202…" not in short


words = st.lists(st.from_regex(r"[A-Za-z0-9.\-]{1,12}", fullmatch=True), min_size=1, max_size=60)


@given(words, st.integers(min_value=10, max_value=280))
def test_shortened_text_is_whole_words_and_fits(parts: list[str], limit: int) -> None:
    text = " ".join(parts)
    short = shorten(text, _fits(limit))
    if short is None:
        return
    assert weighted_length(short) <= limit
    if short != text:
        kept = short.removesuffix(ELLIPSIS).split(" ")
        assert all(word in parts for word in kept[:-1])
        assert text.split(" ")[: len(kept) - 1] == kept[:-1]
        assert any(p.rstrip("-").startswith(kept[-1]) for p in parts)


def test_render_leaves_no_double_spaces_for_empty_values() -> None:
    assert render("{finding} {url} {hashtags}", {"finding": "A.", "url": "", "hashtags": ""}) == "A."


@pytest.mark.parametrize(("template", "expected"), [
    ("Report from {event}: {title}", "Report: Session 3"),
    ("{event}: {title}", "Session 3"),
    ("New report — {event}: {title}", "New report — Session 3"),
])
def test_a_missing_event_leaves_no_dangling_words(template: str, expected: str) -> None:
    assert render(template, {"event": "", "title": "Session 3"}) == expected
    assert render(template, {"event": "Forum", "title": "Session 3"}).count("Forum") == 1
