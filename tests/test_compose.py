"""Findings → drafts: X posts that fit, a Facebook digest with its link field, links back, costs, warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.content.compose import REPOST_PREFIXES, compose_drafts, find_report_file, repost_text
from bot.content.draft import Draft
from bot.content.fit import ELLIPSIS
from bot.content.report import Finding, Report
from bot.content.textcount import is_valid_post, weighted_length
from bot.content.urlmatch import find_urls
from bot.errors import ConfigError
from bot.publish.capabilities import capabilities_for
from bot.settings import Settings, settings_from_dict

SAMPLE_URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
TITLE = (
    "Part 3: Ukraine and the Middle East: The advent of an era of perennial conflict and the future of "
    "international security and cooperation (2) The future of international security and cooperation"
)
SENTENCES = (
    "It was recommended that continuation and strengthening of the US commitment to the Indo-Pacific region be "
    "solidified through the Japan-US-ROK, Japan-US-Australia-India and other mini-lateral frameworks formed in "
    "recent years in addition to bilateral alliances.",
    "High expectations were voiced regarding Japan’s efforts to promote multilateral cooperation and mini-lateral "
    "frameworks, exemplified by the success of last year's G7 Hiroshima Summit and the 2019 G20 Osaka Summit in "
    "addition to its maintenance of US engagement through a strong Japan-US partnership.",
    "The importance of the US as a global power was reaffirmed and, while there is growing concern about the "
    "impact on the international community of a Trump reelection in 2024, it was advised that the checks and "
    "balances in U.S. politics allowing Congress and the judiciary as well as administrative organs to play an "
    "important role not be underestimated.",
)
JA_SENTENCES = (
    "2024年のG20大阪サミットの成功に加え、日米韓、日米豪印などのミニラテラルな枠組みを通じて、インド太平洋地域への米国の"
    "関与の継続と強化を確固たるものにすべきだとの提言があった。国際社会全体で保護主義的な傾向が強まっていることへの懸念も"
    "示され、CPTPPやIPEFといった経済枠組みの重要性が強調された。",
    "人間の尊厳に関わる問題も重要だとされた。",
)


def _report(language: str = "en", **overrides: Any) -> Report:
    values: dict[str, Any] = {
        "slug": "tgd5-part3-2",
        "url": SAMPLE_URL,
        "title": TITLE,
        "paragraphs": ("Body.",),
        "language": language,
        "event": "The 5th Tokyo Global Dialogue",
        "date": dt.date(2024, 2, 29),
        "part": 3,
        "session": 2,
    }
    return Report(**{**values, **overrides})


def _findings(sentences: tuple[str, ...] = SENTENCES) -> list[Finding]:
    return [Finding(text=t, score=1 - i / 10, position=i, paragraph=i, rank=i + 1) for i, t in enumerate(sentences)]


def _settings(**sections: Any) -> Settings:
    base: dict[str, Any] = {"hashtags": {"x": ["#TokyoGlobalDialogue"], "facebook": ["#TokyoGlobalDialogue", "#JIIA"]}}
    return settings_from_dict({**base, **sections})


def _x(drafts: list[Draft]) -> list[Draft]:
    return [d for d in drafts if d.platform == "x"]


def test_x_drafts_are_an_announcement_and_one_highlight_per_finding_all_valid() -> None:
    drafts = compose_drafts(_report(), _findings(), _settings(), platforms=("x",))
    assert [(d.kind, d.finding_rank) for d in drafts] == [
        ("announcement", None),
        ("highlight", 1),
        ("highlight", 2),
        ("highlight", 3),
    ]
    for draft in drafts:
        assert is_valid_post(draft.text), draft.text
        assert draft.weighted_length == weighted_length(draft.text) and draft.limit == 280
        assert not draft.warnings
        assert len(find_urls(draft.text)) == 1


def test_highlights_read_as_statements_with_names_and_numbers_intact() -> None:
    texts = [d.text for d in compose_drafts(_report(), _findings(), _settings(), platforms=("x",))][1:]
    assert texts[0].startswith("Continuation and strengthening of the US commitment")
    assert "should be solidified through the Japan-US-ROK" in texts[0]
    assert texts[1].startswith("Participants voiced high expectations for Japan’s efforts")
    assert "Japan-US-ROK, Japan-US-Australia-India" in texts[0]
    assert "U.S." in texts[2] and "It was advised" not in texts[2]
    assert "should not be underestimated" in texts[2]  # the point, which truncation used to cut


def test_long_findings_are_compressed_not_cut() -> None:
    drafts = compose_drafts(_report(), _findings(), _settings(), platforms=("x",))[1:]
    assert not any(ELLIPSIS in d.text for d in drafts)
    examples, concession = drafts[1], drafts[2]
    assert examples.text.startswith(
        "Participants voiced high expectations for Japan’s efforts to promote multilateral cooperation and "
        "mini-lateral frameworks. https://"
    )
    assert "compressed: examples" in examples.meta["notes"]
    assert examples.meta["removed"][0].startswith("exemplified by the success of last year's G7 Hiroshima Summit")
    assert "while there is growing concern" not in concession.text and "compressed: concessive lead-in" in (
        concession.meta["notes"]
    )


LONG_PLAIN = (
    "Coastal states should fund joint patrols, shared radar coverage, common training for boarding teams, "
    "a regional fusion centre for maritime data, faster legal processes for prosecuting pirates and "
    "long-term support for fishing communities whose livelihoods have been destroyed by illegal trawling "
    "fleets operating far from their home ports with the tacit approval of their flag states.",
)


def test_a_shortened_finding_ends_at_a_word_with_an_ellipsis_and_keeps_the_url() -> None:
    drafts = compose_drafts(_report(), _findings(LONG_PLAIN), _settings(), platforms=("x",))
    shortened = [d for d in drafts if "shortened to fit" in d.meta["notes"]]
    assert shortened
    for draft in shortened:
        body, _, _ = draft.text.partition(" https://")
        assert body.endswith(ELLIPSIS) and not body.endswith(" " + ELLIPSIS)
        statement = draft.meta["finding"]
        last_word = body.removesuffix(ELLIPSIS).split()[-1]
        assert last_word in statement.split() or last_word + "," in statement.split()
        assert draft.link in draft.text and draft.text.endswith("#TokyoGlobalDialogue")


def test_highlight_links_to_its_sentence_with_utm_tags() -> None:
    draft = compose_drafts(_report(), _findings(), _settings(), platforms=("x",))[1]
    assert draft.deep_link == draft.link
    assert draft.link.startswith(
        f"{SAMPLE_URL}&utm_source=x&utm_medium=social"
        "&utm_campaign=the-5th-tokyo-global-dialogue&utm_content=highlight-1#:~:text="
    )
    assert draft.link.endswith("It%20was%20recommended%20that,addition%20to%20bilateral%20alliances")


def test_without_text_fragments_the_highlight_links_to_the_tagged_page() -> None:
    draft = compose_drafts(_report(), _findings(), _settings(links={"text_fragments": False}), platforms=("x",))[1]
    assert draft.deep_link is None
    assert (
        draft.link == f"{SAMPLE_URL}&utm_source=x&utm_medium=social&utm_campaign=the-5th-tokyo-global-dialogue"
        "&utm_content=highlight-1"
    )


def test_japanese_findings_fit_with_cjk_counting_double() -> None:
    drafts = compose_drafts(_report("ja"), _findings(JA_SENTENCES), _settings(), platforms=("x",))
    long_one, short_one = drafts[1], drafts[2]
    assert weighted_length(long_one.text) <= 280 and is_valid_post(long_one.text)
    assert "shortened to fit" in long_one.meta["notes"]
    body = long_one.text.split(" https://")[0]
    assert body.endswith(ELLIPSIS) and JA_SENTENCES[0].startswith(body[:-1])
    assert "2024年のG20大阪サミット" in body
    assert short_one.text.startswith(JA_SENTENCES[1]) and not short_one.meta["notes"]


def test_facebook_digest_has_intro_list_hashtags_and_link_field() -> None:
    [draft] = compose_drafts(_report(), _findings(), _settings(), platforms=("facebook",))
    assert draft.kind == "announcement" and draft.meta["form"] == "digest"
    intro, points, hashtags = draft.text.split("\n\n")
    assert intro == f"Report from The 5th Tokyo Global Dialogue: {TITLE}"
    lines = points.split("\n")
    assert lines[0] == "Key points:" and len(lines) == 4 and all(line.startswith("• ") for line in lines[1:])
    assert hashtags == "#TokyoGlobalDialogue #JIIA"
    assert draft.link == (
        f"{SAMPLE_URL}&utm_source=facebook&utm_medium=social"
        "&utm_campaign=the-5th-tokyo-global-dialogue&utm_content=digest"
    )
    assert "https://" not in draft.text  # the link goes in the link field: Facebook shows a preview card
    assert draft.limit == 63206 and draft.weighted_length == len(draft.text) and draft.cost == 0.0


def test_thread_is_optional_and_numbered() -> None:
    assert not [d for d in compose_drafts(_report(), _findings(), _settings()) if d.meta["form"] == "thread"]
    drafts = compose_drafts(_report(), _findings(), _settings(), platforms=("x",), thread=True)
    [thread] = [d for d in drafts if d.meta["form"] == "thread"]
    assert thread.kind == "announcement" and thread.is_thread and len(thread.parts) == 4
    assert [p.split(" ", 1)[0] for p in thread.parts] == ["1/4", "2/4", "3/4", "4/4"]
    assert all(is_valid_post(p) for p in thread.parts)
    assert find_urls(thread.parts[0]) and not any(find_urls(p) for p in thread.parts[1:])
    settings = _settings(templates={"thread": True})
    assert any(d.meta["form"] == "thread" for d in compose_drafts(_report(), _findings(), settings))
    assert not any(d.meta["form"] == "thread" for d in compose_drafts(_report(), _findings(), settings, thread=False))


def test_costs_come_from_capabilities() -> None:
    settings = _settings(prices={"x_post": 0.01, "x_post_with_url": 0.25, "facebook_post": 0.5})
    drafts = compose_drafts(_report(), _findings(), settings, thread=True)
    by_form = {(d.platform, d.kind, d.meta["form"]): d.cost for d in drafts}
    assert by_form[("x", "announcement", "single")] == 0.25
    assert by_form[("x", "announcement", "thread")] == pytest.approx(0.25 + 3 * 0.01)
    assert by_form[("facebook", "announcement", "digest")] == 0.5
    assert capabilities_for("x", settings).price_per_post_with_url == 0.25


def test_a_template_that_cannot_fit_gives_a_warned_draft_not_a_silent_one() -> None:
    settings = _settings(templates={"x_highlight": "{finding} " + "padding " * 40 + "{url}"})
    drafts = compose_drafts(_report(), _findings(), settings, platforms=("x",))
    for draft in drafts[1:]:
        assert draft.weighted_length > 280
        assert any(w.startswith("over the limit: ") and w.endswith("/280") for w in draft.warnings)


def test_missing_link_and_duplicate_text_are_warned() -> None:
    settings = _settings(templates={"x_highlight": "Read the report. {hashtags}"})
    drafts = compose_drafts(_report(), _findings(), settings, platforms=("x",))
    assert "missing link back to the report" in drafts[1].warnings
    assert any(w.startswith("duplicate text: same as draft 2") for w in drafts[2].warnings)
    assert not any(w.startswith("duplicate") for w in drafts[1].warnings)


@pytest.mark.parametrize(
    ("templates", "message"),
    [
        ({"x_highlight": "{finding} {link}"}, r"templates\.x_highlight: unknown placeholder \{link\}"),
        ({"x_announcement": "{title} {}"}, r"templates\.x_announcement: unknown placeholder \{\}"),
        ({"facebook_intro": "{event.name}"}, r"templates\.facebook_intro: unknown placeholder \{event\.name\}"),
        ({"facebook_findings_heading": "Key {points"}, r"templates\.facebook_findings_heading: (bad template|expected)"),
    ],
)
def test_unknown_template_placeholder_is_an_error_naming_the_key(templates: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compose_drafts(_report(), _findings(), _settings(templates=templates))


def test_drafts_are_deterministic_and_serialisable() -> None:
    first = compose_drafts(_report(), _findings(), _settings(), thread=True)
    second = compose_drafts(_report(), list(reversed(_findings())), _settings(), thread=True)
    assert [d.to_dict() for d in first] == [d.to_dict() for d in second]
    assert [Draft.from_dict(d.to_dict()) for d in first] == first


def test_report_without_findings_still_gets_an_announcement() -> None:
    drafts = compose_drafts(_report(event=None, publisher="JIIA"), [], _settings(), thread=True)
    assert [(d.platform, d.kind) for d in drafts] == [("x", "announcement"), ("facebook", "announcement")]
    assert drafts[0].text.startswith("New report — JIIA: Part 3")


def test_empty_event_leaves_no_orphan_separator() -> None:
    [draft] = compose_drafts(_report(event=None, title="Short title"), [], _settings(), platforms=("x",))
    assert draft.text.startswith("New report — Short title https://")


def test_repost_of_a_thread_drops_its_numbering() -> None:
    drafts = compose_drafts(_report(), _findings(), _settings(), platforms=("x",), thread=True)
    assert repost_text(drafts[-1]).startswith("From our report: New report — ")


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(Exception, match="unknown platform 'mastodon'"):
        compose_drafts(_report(), _findings(), _settings(), platforms=("mastodon",))
    with pytest.raises(LookupError, match="unknown platform 'mastodon'"):
        capabilities_for("mastodon", Settings())


def test_repost_text_differs_fits_and_keeps_the_url() -> None:
    drafts = compose_drafts(_report(), _findings(), _settings(), platforms=("x",))
    for draft in drafts[1:]:
        first, second = repost_text(draft), repost_text(draft, attempt=2)
        assert first.startswith(REPOST_PREFIXES[0]) and second.startswith(REPOST_PREFIXES[1])
        assert len({draft.text, first, second}) == 3
        assert is_valid_post(first) and is_valid_post(second)
        assert draft.link in first and draft.link in second
    again = repost_text(repost_text(drafts[1]), attempt=1)
    assert again.count(REPOST_PREFIXES[0]) == 1


def test_repost_text_of_plain_japanese_text() -> None:
    text = "あ" * 130 + " https://example.com/r"
    out = repost_text(text, attempt=3)
    # A Japanese post gets a Japanese lead-in (no English frame words in it).
    assert out.startswith("ぜひご一読を： ") and weighted_length(out) <= 280 and out.endswith(" https://example.com/r")


def test_capabilities() -> None:
    x, fb = capabilities_for("x", Settings()), capabilities_for("facebook", Settings())
    assert (x.max_length, x.counting, x.max_images, x.supports_threads, x.supports_native_scheduling, x.link_field) == (
        280,
        "twitter",
        4,
        True,
        False,
        False,
    )
    assert (x.price_per_post, x.price_per_post_with_url) == (0.015, 0.20)
    assert (
        fb.max_length,
        fb.counting,
        fb.max_images,
        fb.supports_threads,
        fb.supports_native_scheduling,
        fb.link_field,
    ) == (63206, "chars", 10, False, True, True)


def test_find_report_file_resolves_slugs_against_content_dir() -> None:
    settings = settings_from_dict({"bot": {"content_dir": "reports"}})
    assert str(find_report_file("tgd5", settings)) == "reports/tgd5.md"
    assert str(find_report_file("content/tgd5.md", settings)) == "content/tgd5.md"


def test_campaign_falls_back_to_the_report_slug_for_a_japanese_event_name() -> None:
    report = _report("ja", event="第5回東京グローバル・ダイアログ")
    [draft] = compose_drafts(report, [], _settings(), platforms=("x",))
    assert "&utm_campaign=tgd5-part3-2&" in draft.link


def test_an_overlong_title_falls_back_to_the_session_title_then_the_event() -> None:
    part = "Ukraine and the Middle East: the advent of an era of perennial conflict and what it means " * 2
    session = _report(title=f"Part 3: {part.strip()} (2) The future of international security and cooperation")
    [draft] = compose_drafts(session, [], _settings(), platforms=("x",))
    assert "(2)" not in draft.text and draft.text.startswith("New report — The 5th Tokyo Global Dialogue: The future")
    assert any(note.startswith("title replaced to fit: The future") for note in draft.meta["notes"])
    title = "The future of international security and cooperation " * 8
    [draft] = compose_drafts(_report(title=title.strip()), [], _settings(), platforms=("x",))
    assert is_valid_post(draft.text) and not draft.warnings and ELLIPSIS not in draft.text
    assert draft.text.startswith("New report — The 5th Tokyo Global Dialogue https://")


def test_an_overlong_title_is_shortened_at_a_word_in_the_announcement() -> None:
    title = "The future of international security and cooperation " * 8
    event = "The Fifth Tokyo Global Dialogue on a World in Turmoil and How to Rebuild International Security " * 3
    [draft] = compose_drafts(_report(title=title.strip(), event=event), [], _settings(), platforms=("x",))
    assert is_valid_post(draft.text) and not draft.warnings
    assert "shortened to fit" in draft.meta["notes"]
    body = draft.text.split(" https://")[0]
    assert body.endswith(ELLIPSIS) and body.removesuffix(ELLIPSIS).split()[-1] in title.split()
