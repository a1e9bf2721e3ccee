"""Review fixes: ASCII report URLs, unique text-fragment starts, Markdown bodies as plain text, canonical over
og:url, and a validated front-matter `image`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from bot.content.compose import compose_drafts
from bot.content.extract import read_page_meta
from bot.content.findings import rank_findings
from bot.content.links import ascii_url, tag_url, text_fragment_link
from bot.content.markdown_io import load_report, parse_body
from bot.content.sources import read_source
from bot.content.textcount import count_text
from bot.content.urlmatch import find_urls
from bot.errors import InputError
from bot.settings import Settings

RAW_URL = "https://www.example.org/ja/報告/セッション2.php?q=日米"
ASCII_URL = (
    "https://www.example.org/ja/%E5%A0%B1%E5%91%8A/%E3%82%BB%E3%83%83%E3%82%B7%E3%83%A7%E3%83%B32.php"
    "?q=%E6%97%A5%E7%B1%B3"
)
BODY = (
    "It was emphasized that the alliance must adapt to a changing regional order and invest in new capabilities "
    "over the coming decade.\n\n"
    "Participants agreed that economic security has become central to national strategy and that supply chains "
    "for critical minerals need diversifying urgently.\n\n"
    "It was emphasized that the alliance must also deepen cooperation with Southeast Asian partners through "
    "maritime security assistance.\n"
)


def _write_md(tmp_path: Path, front: str, body: str = BODY) -> Path:
    path = tmp_path / "r.md"
    path.write_text(f"---\ntitle: A session report\n{front}\n---\n\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (RAW_URL, ASCII_URL),
        (
            "https://日本.example/a b?x=%E6%97%A5&y=50%#frag 語",
            "https://xn--wgv71a.example/a%20b?x=%E6%97%A5&y=50%25#frag%20%E8%AA%9E",
        ),
        ("https://user@bücher.de:8080/x?8", "https://user@xn--bcher-kva.de:8080/x?8"),
        ("https://www.jiia.or.jp/en/TGD/tgd5_final.php?8", "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"),
        (ASCII_URL, ASCII_URL),  # already encoded: no double encoding
    ],
)
def test_ascii_url_punycodes_the_host_and_percent_encodes_once(url: str, expected: str) -> None:
    assert ascii_url(url) == expected
    assert ascii_url(expected) == expected


def test_front_matter_url_is_normalised_and_x_posts_fit_with_one_url(tmp_path: Path) -> None:
    report = load_report(_write_md(tmp_path, f"url: {RAW_URL}"))
    drafts = compose_drafts(report, rank_findings(report), Settings(), platforms=("x",))
    assert len(drafts) >= 3
    for draft in drafts:
        for part in draft.parts:
            counted = count_text(part)
            assert counted.weighted_length <= 280, part
            assert len(counted.urls) == 1 and counted.urls[0].url.startswith(ASCII_URL), part
            assert "報告" not in part and find_urls(part) == counted.urls
    assert report.url == ASCII_URL


def test_tag_url_normalises_a_raw_url_defensively() -> None:
    tagged = tag_url("https://例え.jp/報告?8", platform="x", settings=Settings(), event_slug="e")
    assert tagged.isascii() and tagged.startswith("https://xn--r8jz45g.jp/%E5%A0%B1%E5%91%8A?8&utm_source=x")
    assert [s.url for s in find_urls(f"Read {tagged} now")] == [tagged]


def test_ingest_normalises_the_url_option(tmp_path: Path) -> None:
    source = tmp_path / "r.txt"
    source.write_text("A session report\n\n" + BODY, encoding="utf-8")
    report, _ = read_source(str(source), url=RAW_URL)
    assert report.url == ASCII_URL


def test_repeated_sentence_opening_gets_a_start_term_unique_in_the_report() -> None:
    sentences = parse_body(BODY, "en")
    second = sentences[2]
    old = text_fragment_link("https://e.org/r", second)
    assert unquote(old.split("text=")[1]).split(",")[0] == "It was emphasized that"  # matches sentence 1 first
    link = text_fragment_link("https://e.org/r", second, context=sentences)
    start, end = (unquote(term) for term in link.split(":~:text=")[1].split(","))
    body = " ".join(sentences)
    assert body.count(start) == 1 and body.index(start) == body.index(second)
    assert start == "It was emphasized that the alliance must also"
    assert end == "through maritime security assistance"
    assert text_fragment_link("https://e.org/r", second, context=BODY) == link  # a plain string works too


def test_when_no_unique_start_leaves_room_for_an_end_the_whole_sentence_is_used() -> None:
    sentence = "The panel agreed on one thing and one thing only in the end."
    context = f"{sentence} The panel agreed on one thing and one thing only in the end, mostly."
    link = text_fragment_link("https://e.org/r", sentence, context=context)
    assert "," not in unquote(link.split("text=")[1]).replace("%2C", "")
    assert unquote(link.split("text=")[1]) == sentence.rstrip(".")


def test_japanese_start_clause_is_lengthened_when_repeated() -> None:
    first = "会合では、日米同盟の強化が重要であると強調され、インド太平洋地域の安定に向けた協力の拡大が議論された。"
    second = (
        "会合では、日米同盟の強化が重要であると強調され、東南アジア諸国との海洋安全保障協力を深めるべきだとされた。"
    )
    link = text_fragment_link("https://e.org/r", second, context=first + second)
    start = unquote(link.split("text=")[1].split(",")[0])
    assert (first + second).count(start) == 1 and start.startswith("会合では、日米同盟")


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("See [click here](javascript:alert(7)) now.", "See click here now."),
        ('Organised by [JIIA](https://www.jiia.or.jp/en/ "home").', "Organised by JIIA."),
        ("![the logo](https://x.org/logo.png) A **bold** and __strong__ claim.", "the logo A bold and strong claim."),
        ("An *emphasised* and _stressed_ `term` here.", "An emphasised and stressed term here."),
        ("Keep snake_case, 5 * 3 = 15 and 2*3*4 as they are.", "Keep snake_case, 5 * 3 = 15 and 2*3*4 as they are."),
    ],
)
def test_markdown_body_becomes_plain_text(markdown: str, plain: str) -> None:
    assert parse_body(markdown, "en") == (plain,)


def test_markdown_link_url_never_reaches_a_report_read_from_md(tmp_path: Path) -> None:
    body = "Details are [click here](javascript:alert(7)) on the **institute** site, said [JIIA](https://jiia.or.jp)."
    report = load_report(_write_md(tmp_path, "url: https://e.org/r", body + "\n"))
    assert report.paragraphs == ("Details are click here on the institute site, said JIIA.",)
    ingested, _ = read_source(str(_write_md(tmp_path, "url: https://e.org/r", body + "\n")))
    assert "javascript" not in ingested.body and "](" not in ingested.body


def test_canonical_link_wins_over_og_url() -> None:
    html = (
        '<html><head><meta property="og:url" content="https://e.org/r?utm_source=feed&fbclid=1">'
        '<link rel="canonical" href="https://e.org/r"></head><body><p>Text.</p></body></html>'
    )
    assert read_page_meta(html, "page.html").url == "https://e.org/r"
    only_og = html.replace('<link rel="canonical" href="https://e.org/r">', "")
    assert read_page_meta(only_og, "page.html").url == "https://e.org/r?utm_source=feed&fbclid=1"


@pytest.mark.parametrize(
    "image",
    ["javascript:alert(3)", "data:image/png;base64,AAAA", "ftp://e.org/a.png", "/relative/a.png", "https://"],
)
def test_front_matter_image_must_be_http(tmp_path: Path, image: str) -> None:
    path = _write_md(tmp_path, f"url: https://e.org/r\nimage: '{image}'")
    with pytest.raises(InputError) as caught:
        load_report(path)
    assert "image" in str(caught.value) and str(path) in str(caught.value)


def test_front_matter_image_is_normalised_like_url(tmp_path: Path) -> None:
    report = load_report(_write_md(tmp_path, "url: https://e.org/r\nimage: https://e.org/画像.png"))
    assert report.image == "https://e.org/%E7%94%BB%E5%83%8F.png"


def test_drafted_highlight_deep_link_starts_with_words_unique_to_its_sentence() -> None:
    from bot.content.report import Finding, Report
    from bot.settings import Settings

    sentences = parse_body(BODY, "en")
    report = Report(slug="r", url="https://e.org/r", title="T", paragraphs=(BODY,), event="E")
    finding = Finding(text=sentences[2], score=1.0, position=2, paragraph=0, rank=1)
    (highlight,) = [d for d in compose_drafts(report, [finding], Settings(), platforms=("x",))
                    if d.kind == "highlight"]
    assert highlight.deep_link
    start = unquote(highlight.deep_link.split(":~:text=")[1].split(",")[0])
    assert " ".join(sentences).count(start) == 1
