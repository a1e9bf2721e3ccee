"""Line breaking for cards: Latin at spaces, Japanese anywhere but never against kinsoku rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.preview.wrap import NO_LINE_END, NO_LINE_START, split_units, wrap, wrap_at_most


def count(text: str) -> float:
    return float(len(text))


def test_latin_breaks_only_at_spaces() -> None:
    lines = wrap("The quick brown fox jumps over the lazy dog again and again", 20, count)
    assert lines == ["The quick brown fox", "jumps over the lazy", "dog again and again"]


def test_japanese_breaks_between_characters_but_keeps_kinsoku() -> None:
    lines = wrap("日本は「国際協力」を進めるべきであると強調された。次に", 8, count)
    assert lines == ["日本は「国際協", "力」を進めるべき", "であると強調され", "た。次に"]
    for line in lines:
        assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END


def test_mixed_text_keeps_latin_words_whole() -> None:
    units = split_units("2024年のG7 Hiroshima Summit、成功。")
    assert "Hiroshima " in units and "Summit、" in units and "功。" in units


def test_a_word_longer_than_the_line_is_cut() -> None:
    assert wrap("see https://example.com/a/very/long/path", 12, count) == [
        "see",
        "https://exam",
        "ple.com/a/ve",
        "ry/long/path",
    ]


@pytest.mark.parametrize(("max_lines", "expected"), [(1, ["The quick brown…"]), (3, ["The quick brown", "fox jumps"])])
def test_wrap_at_most_ends_with_an_ellipsis_at_a_word(max_lines: int, expected: list[str]) -> None:
    assert wrap_at_most("The quick brown fox jumps", 16, count, max_lines) == expected


@given(st.text(alphabet="ab 日本。「」、", min_size=1, max_size=80), st.integers(min_value=3, max_value=30))
def test_no_line_is_wider_than_the_width_and_no_text_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width, count)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
