"""Review findings: shortening must not split an amount from its unit or a title from its name, and rewritten
reporting frames must stay grammatical (else keep "Participants <verb> that ...")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import fit
from bot.content.fit import ELLIPSIS, shorten
from bot.content.rewrite import direct_statement


def _fits(limit: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= limit


def _every_shortening(text: str) -> set[str]:
    """What `shorten` gives at every limit from a single word up to the whole text."""
    return {short for limit in range(1, len(text) + 1) if (short := shorten(text, _fits(limit))) is not None}


@pytest.mark.parametrize(
    ("text", "kept_whole", "never"),
    [
        (
            "The fund will cost a total of ¥1,200 million over five years",
            "¥1,200 million",
            "¥1,200…",
        ),
        ("Growth reached 3.5 percent in the year", "3.5 percent", "3.5…"),
        ("Growth reached 3.5 per cent in 2023", "3.5 per cent", "3.5 per…"),
        ("Spending rose by 1.2 trillion yen last year", "1.2 trillion yen", "trillion…"),
        ("More than 30 people were evacuated from the area", "30 people", "30…"),
        ("This was discussed under Agenda item No. 4 of the meeting", "No. 4", "No.…"),
        ("The opening speech was said by H.E. Mr. Fumio Kishida at length", "H.E. Mr. Fumio Kishida", "H.E.…"),
        ("Remarks were made by Dr. Jane Smith of the institute", "Dr. Jane Smith", "Dr.…"),
        ("The rule is set out on pp. 12-15 of the annex", "pp. 12-15", "pp.…"),
    ],
)
def test_shortening_keeps_amounts_and_titled_names_whole(text: str, kept_whole: str, never: str) -> None:
    shortenings = _every_shortening(text)
    for short in shortenings:
        assert not short.endswith(never), short
        head = short.removesuffix(ELLIPSIS)
        at = text.index(kept_whole)
        assert len(head) <= at or len(head) >= at + len(kept_whole), short  # the whole span or none of it
    assert any(kept_whole in short for short in shortenings if short != text)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("The fund will cost a total of ¥1,200 million over five years", 44, "The fund will cost a total…"),
        (
            "The fund will cost a total of ¥1,200 million over five years",
            45,
            "The fund will cost a total of ¥1,200 million…",
        ),
        ("Growth reached 3.5 percent in the year", 26, "Growth reached…"),
        ("This was discussed under Agenda item No. 4 of the meeting", 42, "This was discussed under Agenda item…"),
        ("The opening speech was said by H.E. Mr. Fumio Kishida at length", 50, "The opening speech was said…"),
    ],
)
def test_shortening_drops_the_whole_amount_or_name(text: str, limit: int, expected: str) -> None:
    assert shorten(text, _fits(limit)) == expected


def test_a_title_left_at_the_end_is_dropped() -> None:
    text = "Mr. Tanaka met Mr. A and"  # "and", then "A" (a dangling article), then the bare title go
    assert fit._cut(text, len(text)) == "Mr. Tanaka met…"


def test_japanese_amounts_are_not_split_in_text_without_spaces() -> None:
    text = "予算総額1,200万円を計上した。" * 4
    for short in _every_shortening(text):
        assert not short.endswith(("1…", "1,…", "1,200…", "1,2…")), short


WORDS = ["¥1,200", "million", "3.5", "percent", "per", "cent", "No.", "4", "Mr.", "H.E.", "Fumio", "Kishida"]
WORDS += ["the", "of", "and", "Japan", "said", "by", "yen", "grew", ","]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.integers(min_value=3, max_value=120))
def test_no_shortening_ends_inside_an_unbreakable_span(words: list[str], limit: int) -> None:
    text = " ".join(words)
    short = shorten(text, _fits(limit))
    if short is None or short == text:
        return
    end = len(short.removesuffix(ELLIPSIS))
    assert text.startswith(short.removesuffix(ELLIPSIS))
    assert not any(start < end < stop for start, stop in fit._unbreakable(text)), short


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A relative clause between commas has verbs of its own: "should" must not land in it.
        (
            "It was recommended that Japan, which may not be ready yet, increase its defence spending.",
            "Participants recommended that Japan, which may not be ready yet, increase its defence spending.",
        ),
        # A modal in a subordinate clause does not make the main verb explicit.
        (
            "It was recommended that Japan strengthen ties so that partners must trust it.",
            "Participants recommended that Japan strengthen ties so that partners must trust it.",
        ),
        # A second that-clause cannot stand without the frame.
        (
            "It was recommended that the law be amended and that Japan join the treaty.",
            "Participants recommended that the law be amended and that Japan join the treaty.",
        ),
        (
            "It was also noted that trade grew and that prices fell.",
            "Participants also noted that trade grew and that prices fell.",
        ),
        # Brand-style capitals are kept as written.
        ("It was noted that eBay expanded in Japan.", "eBay expanded in Japan."),
        ("It was stressed that iPhone sales fell.", "iPhone sales fell."),
        ("Finally, mRNA vaccines were deemed critical.", "mRNA vaccines were deemed critical."),
        ("It was noted that the U.S. matters.", "The U.S. matters."),
        # Still rewritten: the subjunctive "be" in the main clause, insertions in brackets skipped.
        (
            "It was recommended that the budget (which may be cut) be increased.",
            "The budget (which may be cut) should be increased.",
        ),
        ("It was recommended that Japan should, if possible, lead.", "Japan should, if possible, lead."),
    ],
)
def test_rewrites_stay_grammatical_or_keep_the_speaker(sentence: str, expected: str) -> None:
    assert direct_statement(sentence) == expected
