"""The small parts of ingest: language detection, page chrome, date lines, title numbers, slugs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.language import detect_language
from bot.content.pagetext import DateParts, is_chrome, parse_date_line, parse_page_blocks, title_numbers
from bot.content.sentences import split_sentences
from bot.content.slugs import event_code, slug_for_report, slugify

LANGUAGE_CASES = [
    ("It was recommended that cooperation be strengthened.", None, "en"),
    ("同盟国との連携を一層強化すべきであると提言された。", None, "ja"),
    ("同盟国との連携を一層強化すべきであると提言された。", "en", "ja"),  # the text wins over a wrong template
    ("It was recommended that cooperation be strengthened.", "ja", "en"),
    ("Il a été recommandé de renforcer la coopération.", "fr-FR", "fr"),
    ("第5回 Tokyo Global Dialogue: keynote by the Minister for Foreign Affairs of Japan", "ja", "ja"),
    ("", None, "en"),
]


@pytest.mark.parametrize(("text", "declared", "expected"), LANGUAGE_CASES)
def test_detect_language(text: str, declared: str | None, expected: str) -> None:
    assert detect_language(text, declared) == expected


DATE_LINES = [
    ("February 29", DateParts(2, 29)),
    ("Feb. 29, 2024", DateParts(2, 29, 2024)),
    ("Thursday, February 29", DateParts(2, 29)),
    ("29 February 2024", DateParts(2, 29, 2024)),
    ("February 28–29, 2024", DateParts(2, 28, 2024)),
    ("2024-02-29", DateParts(2, 29, 2024)),
    ("2024年2月29日", DateParts(2, 29, 2024)),
    ("２月２９日（木）", DateParts(2, 29)),
    ("Tokyo", None),
    ("February 30th of nothing", None),
]


@pytest.mark.parametrize(("line", "expected"), DATE_LINES)
def test_parse_date_line(line: str, expected: DateParts | None) -> None:
    assert parse_date_line(line) == expected


def test_date_resolution_refuses_impossible_days() -> None:
    assert DateParts(2, 29).resolve(2024) == dt.date(2024, 2, 29)
    assert DateParts(2, 29).resolve(2023) is None
    assert DateParts(2, 29).resolve(None) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Part 3: Ukraine and the Middle East (2) The future of international security", (3, 2)),
        ("Session 4: Economic security", (None, 4)),
        ("第1部：激動の世界（1）日本の役割", (1, 1)),
        ("第三部 セッション2", (3, 2)),
        ("Keynote speech", (None, None)),
    ],
)
def test_title_numbers(title: str, expected: tuple[int | None, int | None]) -> None:
    assert title_numbers(title) == expected


@pytest.mark.parametrize(
    "line", ["twitter", "• Facebook", "Share on X", "back to session list", "セッション一覧へ戻る", "ツイート", "Print"]
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


def test_report_words_are_not_chrome() -> None:
    assert not is_chrome("X-ray imaging was discussed.")
    assert not is_chrome("Facebook's role in elections was debated.")


def test_page_blocks_without_report_header_keep_body_until_footer() -> None:
    page = parse_page_blocks(["twitter", "Body one.", "Body two.", "back to top", "Footer links"])
    assert page.paragraphs == ["Body one.", "Body two."] and not page.event_report


def test_slugs() -> None:
    title = "Part 3: Ukraine and the Middle East (2) The future of international security and cooperation"
    assert event_code("The 5th Tokyo Global Dialogue") == "tgd5"
    assert slug_for_report(title, event="The 5th Tokyo Global Dialogue", part=3, session=2, url=None) == (
        "tgd5-part3-2-future-of-international-security"
    )
    assert slugify("Ça va? Énergie & Sécurité!") == "ca-va-energie-securite"
    assert slug_for_report(
        "第1部（1）日本", event=None, part=1, session=1, url="https://e.org/TGD/tgd5_final.php?1"
    ) == ("tgd5-final-1")
    assert slug_for_report("日本", event=None, part=None, session=None, url="https://e.org/").startswith("report-")


@given(st.text(alphabet=st.sampled_from(list("ab .?!\"'()U.S.Mr 3.5\n「」。！？日本")), max_size=200))
def test_segmentation_never_loses_text(text: str) -> None:
    for language in ("en", "ja"):
        joined = "".join("".join(split_sentences(text, language)).split())
        assert joined == "".join(text.split())
