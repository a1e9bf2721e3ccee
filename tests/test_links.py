"""Links back to the report: UTM tags that keep the report's own query, and text-fragment deep links."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from bot.content.links import check_link_templates, slugify, tag_url, text_fragment_link
from bot.content.urlmatch import find_urls
from bot.errors import ConfigError
from bot.settings import Settings, settings_from_dict

SAMPLE_URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"


def _tag(url: str = SAMPLE_URL, settings: Settings | None = None, **kwargs: str) -> str:
    return tag_url(
        url,
        platform=kwargs.pop("platform", "x"),
        settings=settings or Settings(),
        event_slug=kwargs.pop("event_slug", "tgd5"),
        **kwargs,
    )


def test_bare_query_key_of_the_sample_report_survives() -> None:
    assert _tag() == ("https://www.jiia.or.jp/en/TGD/tgd5_final.php?8&utm_source=x&utm_medium=social&utm_campaign=tgd5")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/r", "https://example.com/r?utm_source=facebook&utm_medium=social&utm_campaign=tgd5"),
        (
            "https://example.com/r?a=1&b",
            "https://example.com/r?a=1&b&utm_source=facebook&utm_medium=social&utm_campaign=tgd5",
        ),
        (
            "https://example.com/r?utm_source=old&id=7#top",
            "https://example.com/r?id=7&utm_source=facebook&utm_medium=social&utm_campaign=tgd5#top",
        ),
    ],
)
def test_tagging_keeps_query_and_fragment_and_replaces_old_utm(url: str, expected: str) -> None:
    assert _tag(url, platform="facebook") == expected


def test_tagging_twice_is_stable_and_content_is_added() -> None:
    once = _tag(content="highlight-2")
    assert once.endswith("&utm_content=highlight-2")
    assert _tag(once, content="highlight-2") == once


def test_utm_values_come_from_settings_with_placeholders() -> None:
    settings = settings_from_dict(
        {
            "links": {
                "utm_source": "bot-{platform}",
                "utm_medium": "sns",
                "utm_campaign": "c {event_slug}",
                "utm_content": "{platform}-post",
            }
        }
    )
    assert _tag(settings=settings, platform="x").endswith(
        "?8&utm_source=bot-x&utm_medium=sns&utm_campaign=c%20tgd5&utm_content=x-post"
    )


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ({"utm_campaign": "{event}"}, "links.utm_campaign: unknown placeholder {event}"),
        ({"utm_source": "{platform} {slug}"}, "links.utm_source: unknown placeholder {slug}"),
        ({"utm_content": "{0}"}, "links.utm_content: unknown placeholder {0}"),
        ({"utm_medium": "{platform"}, "links.utm_medium: bad template"),
    ],
)
def test_unknown_link_placeholder_is_an_error_naming_the_key(links: dict, message: str) -> None:
    settings = settings_from_dict({"links": links})
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        check_link_templates(settings)
    with pytest.raises(ConfigError):
        _tag(settings=settings)


def test_short_sentence_fragment_percent_encodes_syntax_characters() -> None:
    link = text_fragment_link("https://example.com/r?8", "Japan-US-ROK & G20, in 2024.")
    assert link == "https://example.com/r?8#:~:text=Japan%2DUS%2DROK%20%26%20G20%2C%20in%202024"


def test_long_sentence_uses_text_start_and_text_end() -> None:
    sentence = (
        "It was recommended that continuation and strengthening of the US commitment to the Indo-Pacific "
        "region be solidified through the Japan-US-ROK, Japan-US-Australia-India and other frameworks."
    )
    link = text_fragment_link(SAMPLE_URL, sentence)
    directive = link.split("#:~:text=", 1)[1]
    start, end = directive.split(",")
    assert unquote(start) == "It was recommended that"
    assert unquote(end) == "Japan-US-Australia-India and other frameworks"
    assert "-" not in directive and "&" not in directive


def test_fragment_keeps_an_existing_anchor_and_replaces_an_old_directive() -> None:
    assert text_fragment_link("https://e.com/r#sec", "Short one.") == "https://e.com/r#sec:~:text=Short%20one"
    assert text_fragment_link("https://e.com/r#:~:text=old", "New") == "https://e.com/r#:~:text=New"
    assert text_fragment_link("https://e.com/r", "   ") == "https://e.com/r"


def test_japanese_fragment_uses_whole_clauses_at_both_ends_when_long() -> None:
    sentence = (
        "2024年の会合では、日米韓、日米豪印などの枠組みを通じて、インド太平洋地域への関与を強化すべきだとされ、"
        "保護主義への懸念も示された。"
    )
    directive = text_fragment_link("https://e.com/r", sentence).split("=", 1)[1]
    start, end = directive.split(",")
    assert unquote(start) == "2024年の会合では"
    assert unquote(end) == "保護主義への懸念も示された"


def test_japanese_fragment_with_a_short_opener_or_few_clauses_matches_the_whole_sentence() -> None:
    sentence = "さらに、経済安全保障の観点から、サプライチェーンの強靭化と先端技術の管理に関する国際的なルール作りの重要性が強調された。"
    directive = text_fragment_link("https://e.com/r", sentence).split("=", 1)[1]
    assert unquote(directive) == sentence.rstrip("。")


def test_deep_link_of_tagged_url_is_recognised_whole_by_x() -> None:
    link = text_fragment_link(_tag(content="highlight-1"), "Concern was expressed about the U.S. (and G20).")
    assert [s.url for s in find_urls(f"Text {link} #Tag")] == [link]


def test_slugify() -> None:
    assert slugify("The 5th Tokyo Global Dialogue") == "the-5th-tokyo-global-dialogue"
    assert slugify("  Hello, World!  ") == "hello-world"
