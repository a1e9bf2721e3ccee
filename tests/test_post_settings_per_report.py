"""Hashtags, templates and the UTM campaign come from the report's front matter, then the campaign's
[content], then config/bot.toml (per language for Japanese); utm_campaign is never longer than 40 characters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.content.compose import compose_drafts, repost_text
from bot.content.markdown_io import dump_report, load_report
from bot.content.postsettings import ContentSettings, resolve, utm_campaign
from bot.content.report import Finding, Report
from bot.errors import InputError
from bot.settings import settings_from_dict

LONG_TITLE = "Seminar on water utilities, leakage and the financing of pipe renewal in small towns " * 3
SETTINGS = settings_from_dict({"hashtags": {"x": [], "facebook": ["#Institute"]}})


def _report(**overrides: Any) -> Report:
    values: dict[str, Any] = {
        "slug": "water-seminar", "url": "https://www.example.org/events/water.html", "title": "Water seminar",
        "paragraphs": ("Utilities lose a fifth of their water.",), "event": LONG_TITLE.strip(),
        "date": dt.date(2026, 5, 28),
    }  # fmt: skip
    return Report(**{**values, **overrides})


def _campaign(draft_link: str) -> str:
    return parse_qs(urlsplit(draft_link.split("#")[0]).query)["utm_campaign"][0]


def test_an_unrelated_report_gets_only_the_configured_platform_tags() -> None:
    chosen = resolve(_report(), SETTINGS)
    assert chosen.hashtags == {"x": (), "facebook": ("#Institute",)}


def test_report_hashtags_beat_the_campaign_and_come_before_the_config() -> None:
    campaign = ContentSettings(hashtags=("#CampaignTag",))
    assert resolve(_report(), SETTINGS, campaign).hashtags["facebook"] == ("#CampaignTag", "#Institute")
    own = resolve(_report(hashtags=("#WaterWeek", "#institute")), SETTINGS, campaign)
    assert own.hashtags["facebook"] == ("#WaterWeek", "#institute")  # no repeat, whatever the case


def test_templates_layer_front_matter_over_campaign_over_config() -> None:
    campaign = ContentSettings(templates={"x_highlight": "From the seminar: {finding} {url}"})
    report = _report(templates={"x_announcement": "Just out: {title} {url}"})
    chosen = resolve(report, SETTINGS, campaign).templates
    assert chosen["x_announcement"] == "Just out: {title} {url}"
    assert chosen["x_highlight"] == "From the seminar: {finding} {url}"
    assert chosen["facebook_intro"] == SETTINGS.templates.facebook_intro


def test_utm_campaign_prefers_the_event_slug_then_the_campaign_and_stays_short() -> None:
    assert utm_campaign(_report(event_slug="ws26")) == "ws26"
    assert utm_campaign(_report(), ContentSettings(campaign="water-2026")) == "water-2026"
    fallback = utm_campaign(_report())
    assert len(fallback) <= 40 and fallback.startswith("seminar-on-water-utilities") and not fallback.endswith("-")
    [announcement] = compose_drafts(_report(), [], SETTINGS, platforms=("x",))
    assert _campaign(announcement.link or "") == fallback


def test_a_japanese_report_gets_japanese_templates_hashtags_and_punctuation() -> None:
    settings = settings_from_dict({"hashtags": {"x": ["#Institute"], "ja": {"x": ["#研究所"]}}})
    report = _report(language="ja", title="海洋安全保障と海底ケーブル", event="第4回海洋対話", event_slug="mdx4")
    finding = Finding(text="修理船の不足が最大の弱点だとの指摘があった。", score=1, position=0, paragraph=0, rank=1)
    drafts = compose_drafts(report, [finding], settings)
    announcement, highlight, digest = drafts
    assert announcement.text.startswith("新着報告：第4回海洋対話「海洋安全保障と海底ケーブル」 https://")
    assert announcement.text.endswith("#研究所") and "#Institute" not in announcement.text
    assert digest.text.startswith("報告：第4回海洋対話「海洋安全保障と海底ケーブル」\n\n主なポイント：\n• 修理船の不足")
    for english in ("New report", "Report from", "Key points", "From our report"):
        assert all(english not in d.text for d in drafts)
    assert repost_text(highlight).startswith("報告より：")


def test_an_account_language_overrides_the_reports() -> None:
    assert resolve(_report(), SETTINGS, language="ja").templates["x_announcement"].startswith("新着報告")


def test_front_matter_post_settings_round_trip_and_are_checked(tmp_path: Path) -> None:
    report = _report(event_slug="ws26", hashtags=("#WaterWeek",), templates={"x_highlight": "{finding} {url}"})
    path = tmp_path / "water-seminar.md"
    path.write_text(dump_report(report), encoding="utf-8")
    assert load_report(path) == report
    plain = tmp_path / "plain.md"
    plain.write_text(dump_report(_report()), encoding="utf-8")
    assert "hashtags" not in plain.read_text(encoding="utf-8")  # empty settings are left out
    path.write_text(path.read_text(encoding="utf-8").replace("'#WaterWeek'", "Water Week"), encoding="utf-8")
    with pytest.raises(InputError, match="'hashtags': 'Water Week' is not a hashtag"):
        load_report(path)


def test_a_utm_campaign_template_cannot_make_the_value_long() -> None:
    settings = settings_from_dict({"links": {"utm_campaign": "{event_slug}-{platform}-autumn-programme-2026"}})
    [announcement] = compose_drafts(_report(event_slug="water-seminar-2026"), [], settings, platforms=("facebook",))
    campaign = _campaign(announcement.link or "")
    assert len(campaign) <= 40 and campaign.startswith("water-seminar-2026-facebook")
