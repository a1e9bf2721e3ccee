"""The HTML preview: every piece of report text escaped, safe links only, counters, warnings, Japanese."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bot.content.draft import Draft, Media
from bot.content.report import Report
from bot.preview.html import drafts_page, preview_report, render_page, write_page
from bot.preview.views import add_checks, display_url, link_details, post_view, safe_href, segments
from bot.settings import Settings, settings_from_dict

SAMPLE = "content/tgd5-part3-2-future-of-international-security.md"
EVIL_URL = "javascript:alert(document.domain)"
LINK = "https://www.example.org/r.php?8&utm_source=x&utm_medium=social&utm_campaign=tgd5#:~:text=Closer%20cooperation"

HOSTILE = Report(
    slug="hostile",
    url=EVIL_URL,
    title='<script>window.__pwned = 1; document.title = "pwned"</script>Title',
    paragraphs=("<b>bold</b> text",),
    event='Event <img src=x onerror="window.__pwned=2">',
    description='"><svg onload=alert(1)> description',
    image="javascript:alert(3)",
    publisher="<iframe src=https://evil.example>",
    date=dt.date(2024, 2, 29),
)


class Tags(HTMLParser):
    """Every start tag and attribute of a page, to check what a browser would build from it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def hostile_drafts() -> list[Draft]:
    return [
        Draft(
            platform="x",
            kind="highlight",
            report_slug="hostile",
            finding_rank=1,
            weighted_length=120,
            limit=280,
            parts=(f"<script>window.__pwned=3</script> see {EVIL_URL} and https://ok.example.org/a?b=<c>",),
            link=EVIL_URL,
            cost=0.2,
        ),
        Draft(
            platform="facebook",
            kind="announcement",
            report_slug="hostile",
            weighted_length=50,
            limit=63206,
            parts=("<img src=x onerror=alert(4)> digest",),
            link="https://ok.example.org/r?utm_source=facebook",
            warnings=("<b>warning</b>",),
        ),
    ]


def test_hostile_report_text_renders_as_text() -> None:
    html = render_page(drafts_page(hostile_drafts(), HOSTILE))
    tags = parse(html)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "iframe", "svg", "object", "embed", "b"}
    assert [attrs for tag, attrs in tags if tag == "img"] == []  # no media: not one <img>
    for _, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")]
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "#")), href
    assert "&lt;script&gt;window.__pwned = 1;" in html
    assert "Event &lt;img src=x onerror=" in html
    assert "&lt;img src=x onerror=alert(4)&gt; digest" in html
    assert "&lt;b&gt;warning&lt;/b&gt;" in html


def test_page_forbids_scripts_and_remote_resources() -> None:
    html = render_page(drafts_page(hostile_drafts(), HOSTILE))
    assert "default-src 'none'" in html and "script-src" not in html
    assert "<script" not in html.lower()
    assert "http://" not in html.split("<body>")[0]  # nothing external in the head (no CDN, no web font)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.jiia.or.jp/en/TGD/tgd5_final.php?8", True),
        ("http://example.org/", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("/relative/path", False),
        ("https:///no-host", False),
        ("https://example.org/a b", False),
        ("https://[::1", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_href_allows_only_absolute_http_urls(url: str | None, safe: bool) -> None:
    assert (safe_href(url) is not None) is safe


def test_segments_link_urls_and_leave_the_rest_as_text() -> None:
    parts = segments("Read example.org/x now or https://www.jiia.or.jp/en/TGD/tgd5_final.php?8 javascript:x")
    linked = [(s.text, s.href, s.display) for s in parts if s.href]
    assert linked == [
        ("example.org/x", "https://example.org/x", "example.org/x"),
        (
            "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8",
            "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8",
            "jiia.or.jp/en/TGD/tgd5_fi…",
        ),
    ]
    assert "".join(s.text for s in parts).endswith("javascript:x")
    assert display_url("https://a.org/") == "a.org/"


def test_link_details_show_utm_tags_and_the_deep_link_target() -> None:
    details = link_details(LINK)
    assert details is not None
    assert details.utm == (("utm_source", "x"), ("utm_medium", "social"), ("utm_campaign", "tgd5"))
    assert details.fragment_text == "Closer cooperation"
    assert details.display == "https://www.example.org/r.php?8&utm_source=x&utm_medium=social&utm_campaign=tgd5"
    japanese = link_details("https://example.org/r?a=%E6%97%A5#:~:text=%E6%97%A5%E6%9C%AC")
    assert japanese is not None and (japanese.display, japanese.fragment_text) == ("https://example.org/r?a=日", "日本")


def x_draft(text: str, length: int, **extra: Any) -> Draft:
    return Draft(
        platform="x", kind="highlight", report_slug="r", parts=(text,), weighted_length=length, limit=280, **extra
    )


def test_preview_adds_missing_checks_once() -> None:
    report = Report(slug="r", url="https://example.org/r", title="T", paragraphs=("p",))
    drafts = [
        x_draft("Same words https://example.org/r?a", 300),
        x_draft("Same   WORDS https://example.org/r?b", 40),
        x_draft("No link at all", 14),
        x_draft("Already flagged", 290, warnings=("over the limit: 290/280",)),
    ]
    views = [post_view(n, d, report) for n, d in enumerate(drafts, 1)]
    add_checks(views)
    assert views[0].warnings == ["over the limit: 300/280"]
    assert views[1].warnings == ["duplicate text: same as post 1"]
    assert views[2].warnings == ["missing link back to the report"]
    assert views[3].warnings == ["over the limit: 290/280", "missing link back to the report"]


def test_counter_shows_length_against_the_limit_and_flags_over() -> None:
    report = Report(slug="r", url="https://example.org/r", title="T", paragraphs=("p",))
    html = render_page(
        drafts_page([x_draft("ok https://example.org/r", 31), x_draft("long https://e.org", 281)], report)
    )
    assert 'class="counter" data-length="31" data-limit="280"' in html
    assert 'class="counter over" data-length="281" data-limit="280"' in html
    assert "over the limit: 281/280" in html


def test_japanese_report_gets_lang_and_an_embedded_font_subset() -> None:
    report = Report(
        slug="ja",
        url="https://www.jiia.or.jp/TGD/",
        title="国際安全保障と協力の将来",
        paragraphs=("本文",),
        language="ja",
        event="第5回東京グローバル・ダイアログ",
        description="「混迷する世界」",
    )
    draft = Draft(
        platform="x",
        kind="announcement",
        report_slug="ja",
        parts=("新しい報告：国際安全保障 https://www.jiia.or.jp/TGD/",),
        link="https://www.jiia.or.jp/TGD/",
        weighted_length=49,
        limit=280,
    )
    html = render_page(drafts_page([draft], report))
    assert '<html lang="ja">' in html
    assert "新しい報告：国際安全保障" in html and "第5回東京グローバル・ダイアログ" in html
    assert '@font-face { font-family: "Preview CJK"; font-weight: 400; src: url("data:font/otf;base64,' in html
    assert "unicode-range: U+300C-300D, U+3044, U+3057, " in html  # 「」い し …, only what the page uses
    assert '@font-face { font-family: "Preview CJK"; font-weight: 700; src: url("data:font/otf;base64,' in html
    assert render_page(drafts_page([draft], report)) == html  # deterministic, font subset included


def test_english_page_embeds_no_font() -> None:
    report = Report(slug="r", url="https://example.org/r", title="English – only “quotes”", paragraphs=("p",))
    assert "@font-face" not in render_page(drafts_page([x_draft("hi https://example.org", 26)], report))


def test_local_card_images_are_embedded_with_their_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    card = tmp_path / "card.png"
    Image.new("RGB", (12, 8), "#123456").save(card)
    report = Report(slug="r", url="https://example.org/r", title="T", paragraphs=("p",))
    draft = x_draft("hi https://example.org", 26, media=(Media(str(card), 'Alt "text" <b>'),))
    tags = parse(render_page(drafts_page([draft], report)))
    [img] = [attrs for tag, attrs in tags if tag == "img"]
    assert str(img["src"]).startswith("data:image/png;base64,")
    assert img["alt"] == 'Alt "text" <b>'


def test_sample_report_preview_shows_every_draft(project_dir: Path) -> None:
    settings: Settings = settings_from_dict({"accounts": [{"name": "jiia-x", "platform": "x"}]})
    path, drafts = preview_report(SAMPLE, settings, project_dir / "out")
    html = path.read_text(encoding="utf-8")
    assert path == project_dir / "out" / "index.html"
    articles = [attrs for tag, attrs in parse(html) if tag == "article"]
    assert [a["data-platform"] for a in articles] == [d.platform for d in drafts]
    for draft in drafts:
        assert f'data-length="{draft.weighted_length}" data-limit="{draft.limit}"' in html
    assert "@jiia-x" in html and "utm_campaign" in html and "deep link to" in html
    assert "The 5th Tokyo Global Dialogue" in html


def test_write_page_accepts_a_file_name(tmp_path: Path) -> None:
    settings = settings_from_dict({})
    assert write_page("<p>x</p>", tmp_path / "p.html", settings) == tmp_path / "p.html"
    assert write_page("<p>x</p>", tmp_path / "dir", settings) == tmp_path / "dir" / "index.html"


def test_thread_parts_get_their_own_counters() -> None:
    report = Report(slug="r", url="https://example.org/r", title="T", paragraphs=("p",))
    thread = Draft(
        platform="x",
        kind="announcement",
        report_slug="r",
        parts=("1/2 Intro https://example.org/r", "2/2 " + "a" * 290),
        weighted_length=294,
        limit=280,
        meta={"form": "thread", "counting": "twitter"},
    )
    html = render_page(drafts_page([thread], report))
    assert '<p class="part-counter">part 1: 33 / 280</p>' in html
    assert '<p class="part-counter over">part 2: 294 / 280</p>' in html
    assert "X · announcement · thread (2 parts)" in html
