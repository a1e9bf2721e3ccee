"""Quote cards: size, text inside the margins, shrinking and refusal, determinism, glyph coverage, logo."""

from __future__ import annotations

import datetime as dt
import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from bot.content.draft import Draft
from bot.content.report import Finding, Report
from bot.errors import ConfigError, InputError
from bot.preview.cards import CardContent, attach_cards, layout_for, render_card, write_cards
from bot.preview.fonts import missing_glyphs
from bot.preview.layout import CARD_SIZES, CardStyle, CardTextTooLong
from bot.settings import settings_from_dict

EVENT = "The 5th Tokyo Global Dialogue"
TITLE = (
    "Part 3: Ukraine and the Middle East: The advent of an era of perennial conflict and the future of "
    "international security and cooperation (2) The future of international security and cooperation"
)
SHORT = "Closer cooperation between Japan and NATO was also anticipated."
LONG = (
    "It was recommended that continuation and strengthening of the US commitment to the Indo-Pacific region be "
    "solidified through the Japan-US-ROK, Japan-US-Australia-India and other mini-lateral frameworks formed in "
    "recent years in addition to bilateral alliances."
)
JAPANESE = (
    "日本は、分断が深まる世界において、多国間協力とミニラテラルな枠組みを推進する役割を果たすべきだとの期待が高まった。"
)


def content(text: str = SHORT, event: str = EVENT, title: str = TITLE) -> CardContent:
    return CardContent(text, event, title, label="finding 1")


def ink_bbox(png: bytes, background: str = CardStyle().background) -> tuple[int, int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    bbox = ImageChops.difference(image, Image.new("RGB", image.size, background)).getbbox()
    assert bbox is not None
    return bbox


def png_chunks(png: bytes) -> list[str]:
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        chunks.append(png[offset + 4 : offset + 8].decode("ascii"))
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("size_name", ["x", "facebook"])
@pytest.mark.parametrize("text", [SHORT, LONG, JAPANESE], ids=["short", "long", "japanese"])
def test_card_has_platform_size_and_ink_stays_inside_the_margins(size_name: str, text: str) -> None:
    style = CardStyle()
    png = render_card(content(text), size_name, style)
    assert Image.open(io.BytesIO(png)).size == CARD_SIZES[size_name]
    left, top, right, bottom = ink_bbox(png)
    width, height = CARD_SIZES[size_name]
    assert left >= style.margin_x and right <= width - style.margin_x
    assert top >= style.margin_top and bottom <= height - style.margin_bottom


@pytest.mark.parametrize("size_name", ["x", "facebook"])
def test_layout_boxes_do_not_overlap_and_fit_the_content_box(size_name: str) -> None:
    layout = layout_for(content(LONG), size_name)
    x0, y0, x1, y1 = layout.content_box
    boxes = [line.box for line in layout.lines]
    for bx0, by0, bx1, by1 in boxes:
        assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
    tops = [line.top for line in layout.lines]
    assert tops == sorted(tops)
    finding_lines = [line for line in layout.lines if line.weight == "bold"]
    assert " ".join(line.text for line in finding_lines) == LONG  # every word drawn, nothing cut


def test_long_findings_shrink_within_limits() -> None:
    short = layout_for(content(SHORT), "x")
    long = layout_for(content(LONG), "x")
    style = CardStyle()
    assert short.font_size == style.max_font_size
    assert style.min_font_size <= long.font_size < short.font_size


def test_too_long_finding_is_refused_with_a_clear_message() -> None:
    with pytest.raises(CardTextTooLong) as error:
        render_card(content(LONG * 4), "facebook")
    assert error.value.exit_code == 2
    assert "finding 1 is too long for a quote card" in str(error.value)
    assert "minimum font size 30px" in str(error.value)


def test_min_font_size_setting_changes_what_fits() -> None:
    text = LONG * 2
    with pytest.raises(CardTextTooLong):
        render_card(content(text), "x", CardStyle(min_font_size=34))
    assert render_card(content(text), "x", CardStyle(min_font_size=20))


def test_same_input_gives_the_same_bytes_and_no_metadata() -> None:
    first = render_card(content(LONG), "x")
    second = render_card(content(LONG), "x")
    assert first == second
    assert set(png_chunks(first)) == {"IHDR", "IDAT", "IEND"}  # no tIME, tEXt, iTXt or pHYs
    assert render_card(content(SHORT), "x") != first


@pytest.mark.parametrize(
    ("finding", "event", "reported"),
    [
        ("Great progress 🦜 was made.", EVENT, "U+1F99C"),
        ("Participants said ᚠᚢᚦ.", EVENT, "U+16A0"),
        (SHORT, "Dialogue \U0001f600", "U+1F600"),
    ],
    ids=["emoji-in-finding", "runic", "emoji-in-event"],
)
def test_text_the_font_cannot_draw_is_reported_not_boxed(finding: str, event: str, reported: str) -> None:
    with pytest.raises(InputError) as error:
        render_card(content(finding, event=event), "x")
    assert reported in str(error.value)
    assert "cannot draw" in str(error.value)


def test_glyph_check_accepts_latin_japanese_and_typography() -> None:
    assert missing_glyphs(SHORT + JAPANESE + " – “quotes” ’ … №") == []
    assert missing_glyphs("a\u200db\ufe0f\n") == []  # joiners and selectors are not drawn on their own
    assert missing_glyphs("x🦜y🦜") == ["🦜"]


# --- files, logo and settings -------------------------------------------------------------------------------

REPORT = Report(
    slug="sample",
    url="https://example.org/r?8",
    title=TITLE,
    paragraphs=(SHORT, LONG),
    event=EVENT,
    date=dt.date(2024, 2, 29),
)
FINDINGS = [
    Finding(text=LONG, score=1.0, position=1, paragraph=1, rank=1),
    Finding(text=SHORT, score=0.5, position=0, paragraph=0, rank=2),
]


@pytest.fixture
def settings(project_dir: Path):  # type: ignore[no-untyped-def]
    return settings_from_dict({"bot": {"var_dir": str(project_dir / "var")}})


def test_write_cards_defaults_to_var_cards_with_both_sizes(settings, project_dir: Path) -> None:  # type: ignore[no-untyped-def]
    paths = write_cards(REPORT, FINDINGS, settings)
    assert [p.name for p in paths] == [
        "sample-finding1-x.png",
        "sample-finding1-facebook.png",
        "sample-finding2-x.png",
        "sample-finding2-facebook.png",
    ]
    assert all(p.parent == project_dir / "var" / "cards" for p in paths)
    assert Image.open(paths[3]).size == (1200, 630)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"out": "one.png"}, "is one file but 4 cards"),
        ({"rank": 5}, "--finding 5"),
        ({"size": "instagram"}, "unknown card size"),
    ],
)
def test_write_cards_bad_requests(settings, kwargs, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        write_cards(REPORT, FINDINGS, settings, **kwargs)


def test_one_card_to_a_file(settings, project_dir: Path) -> None:  # type: ignore[no-untyped-def]
    [path] = write_cards(REPORT, FINDINGS, settings, project_dir / "out" / "card.png", size="x", rank=2)
    assert path == project_dir / "out" / "card.png"
    assert path.read_bytes() == render_card(CardContent(SHORT, EVENT, TITLE), "x")


def test_logo_from_config_is_drawn_inside_the_margins(settings, project_dir: Path) -> None:  # type: ignore[no-untyped-def]
    Image.new("RGBA", (400, 200), "#ff0000").save(project_dir / "config" / "logo.png")
    [path] = write_cards(REPORT, FINDINGS, settings, size="x", rank=2)
    image = Image.open(path).convert("RGB")
    red = [
        xy
        for xy in [(1200 - 80 - 5, 675 - 56 - 5), (1200 - 80 - 140, 675 - 56 - 60)]
        if image.getpixel(xy) == (255, 0, 0)
    ]
    assert len(red) == 2  # scaled into the 220×72 box at the bottom right
    assert image.getpixel((1200 - 80 + 2, 675 - 56 - 5)) != (255, 0, 0)


def test_configured_logo_that_is_missing_is_a_config_error(project_dir: Path) -> None:
    settings = settings_from_dict({"cards": {"logo": "config/nope.png"}})
    with pytest.raises(ConfigError, match=r"cards\.logo"):
        write_cards(REPORT, FINDINGS, settings)


def test_min_above_max_font_size_is_refused() -> None:
    with pytest.raises(ConfigError, match="min_font_size"):
        settings_from_dict({"cards": {"min_font_size": 70, "max_font_size": 40}})


# --- attaching cards to drafts --------------------------------------------------------------------------------


def test_attach_cards_adds_media_to_highlights_only(settings, project_dir: Path) -> None:  # type: ignore[no-untyped-def]
    drafts = [
        Draft(platform="x", kind="announcement", report_slug="sample", parts=("New report",)),
        Draft(platform="x", kind="highlight", report_slug="sample", parts=("a",), finding_rank=1),
        Draft(platform="facebook", kind="highlight", report_slug="sample", parts=("b",), finding_rank=2),
    ]
    out = project_dir / "cards"
    attached = attach_cards(drafts, REPORT, FINDINGS, settings, out)
    assert attached[0] == drafts[0]
    # The card and its alt text carry the finding's final words (the post's), not the report's framing.
    [alt] = [m.alt_text for m in attached[1].media]
    assert alt.startswith("Continuation and strengthening of the US commitment") and "should be solidified" in alt
    assert Path(attached[1].media[0].path) == out / "sample-finding1-x.png"
    assert Image.open(attached[2].media[0].path).size == (1200, 630)
    again = attach_cards(attached, REPORT, FINDINGS, settings, out)
    assert again == attached  # idempotent: no second copy of the same card


def test_attach_cards_warns_instead_of_failing_for_a_card_it_cannot_make(settings, project_dir: Path) -> None:  # type: ignore[no-untyped-def]
    findings = [Finding(text="Emoji 🦜 here.", score=1, position=0, paragraph=0, rank=1)]
    draft = Draft(platform="x", kind="highlight", report_slug="sample", parts=("a",), finding_rank=1)
    [result] = attach_cards([draft], REPORT, findings, settings, project_dir / "cards")
    assert result.media == ()
    assert result.warnings and "no quote card" in result.warnings[0] and "U+1F99C" in result.warnings[0]
