"""Sentence segmentation: English abbreviations/initialisms/decimals/quotes, Japanese brackets."""

from __future__ import annotations

import pytest

from bot.content.sentences import split_sentences
from tests.conftest import SAMPLE_REPORT_TXT

ENGLISH = [
    ("The U.S. Congress met. It agreed.", ["The U.S. Congress met.", "It agreed."]),
    ("Ties with the U.S. The rest followed.", ["Ties with the U.S.", "The rest followed."]),
    ("H.E. Mr. Kamikawa spoke first. Then Dr. Lee.", ["H.E. Mr. Kamikawa spoke first.", "Then Dr. Lee."]),
    ("Allies, e.g. Australia, agreed. Others did not.", ["Allies, e.g. Australia, agreed.", "Others did not."]),
    ("See Resolution No. 2 of 2024. It passed.", ["See Resolution No. 2 of 2024.", "It passed."]),
    ("Growth was 3.5 percent. Inflation was 2.1.", ["Growth was 3.5 percent.", "Inflation was 2.1."]),
    ('He said, "We must act." Then he left.', ['He said, "We must act."', "Then he left."]),
    ('"Why now?" she asked. Nobody knew.', ['"Why now?" she asked.', "Nobody knew."]),
    ("It was held in Tokyo (Japan.) Next came Osaka.", ["It was held in Tokyo (Japan.)", "Next came Osaka."]),
    ("John F. Kennedy said so. Really!", ["John F. Kennedy said so.", "Really!"]),
    ("Is it over? Yes. Truly...", ["Is it over?", "Yes.", "Truly..."]),
    ("First paragraph\n\nSecond paragraph", ["First paragraph", "Second paragraph"]),
    ("Soft\nwrapped line. Next.", ["Soft wrapped line.", "Next."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english_segmentation(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


JAPANESE = [
    ("会議が開かれた。協力が重要だ。", ["会議が開かれた。", "協力が重要だ。"]),
    ("「協力が重要だ。」と述べた。以上。", ["「協力が重要だ。」と述べた。", "以上。"]),
    ("『東京宣言。』が採択された！次は？", ["『東京宣言。』が採択された！", "次は？"]),
    ("経験（インフラ整備など。）を活かす。終わり。", ["経験（インフラ整備など。）を活かす。", "終わり。"]),
    ("本当か？！はい。", ["本当か？！", "はい。"]),
    ("改行を\n含む文。次。", ["改行を含む文。", "次。"]),
]


@pytest.mark.parametrize(("text", "expected"), JAPANESE)
def test_japanese_segmentation(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "ja") == expected


def test_sample_report_sentences_are_whole() -> None:
    sentences = split_sentences(SAMPLE_REPORT_TXT.read_text(encoding="utf-8"), "en")
    assert "Closer cooperation between Japan and NATO was also anticipated." in sentences
    assert any(s.startswith("It was recommended that continuation") and s.endswith("bilateral alliances.")
               for s in sentences)  # fmt: skip
