"""A campaign file's [content] section sets the campaign's hashtags, templates and UTM campaign (the report's
front matter still wins; config/bot.toml is the default), and an account's `language` picks its templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import run_cli as run

NOW = "2026-11-28T12:00+00:00"
REPORT = Path("content/tgd5-part3-2-future-of-international-security.md")
CAMPAIGN = Path("schedules/tgd5-part3-2.toml")
CONTENT = """
[content]
hashtags = ["#SecurityWeek"]
templates = { x_announcement = "Out now: {title} {url} {hashtags}" }
utm_campaign = "tgd5-autumn"
"""


def _without_report_settings(project_dir: Path) -> None:
    text = (project_dir / REPORT).read_text(encoding="utf-8")
    text = text.replace("event_slug: tgd5\nhashtags:\n- '#TokyoGlobalDialogue'\n", "")
    (project_dir / REPORT).write_text(text, encoding="utf-8")


def _plan(capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run(capsys, "plan", "--now", NOW, "--json")
    assert code == 0, err
    return json.loads(out)["posts"]  # type: ignore[no-any-return]


def test_campaign_content_sets_hashtags_templates_and_utm(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _without_report_settings(project_dir)
    with (project_dir / CAMPAIGN).open("a", encoding="utf-8") as campaign:
        campaign.write(CONTENT)
    posts = _plan(capsys)
    x_announcement = next(p for p in posts if p["account"] == "jiia-x" and p["kind"] == "announcement")
    text = x_announcement["payload"]["text"]
    assert text.startswith("Out now: ") and "utm_campaign=tgd5-autumn&" in text
    digest = next(p for p in posts if p["account"] == "jiia-facebook" and p["kind"] == "announcement")
    assert digest["payload"]["text"].endswith("#SecurityWeek #JIIA")


def test_the_reports_front_matter_wins_over_the_campaign(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (project_dir / CAMPAIGN).open("a", encoding="utf-8") as campaign:
        campaign.write(CONTENT)
    posts = _plan(capsys)
    digest = next(p for p in posts if p["account"] == "jiia-facebook" and p["kind"] == "announcement")
    assert digest["payload"]["text"].endswith("#TokyoGlobalDialogue #JIIA") and "utm_campaign=tgd5&" in (
        digest["payload"]["link"]
    )


def test_a_bad_content_section_names_the_file_and_field(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (project_dir / CAMPAIGN).open("a", encoding="utf-8") as campaign:
        campaign.write('\n[content]\nhashtags = ["Security Week"]\n')
    code, _, err = run(capsys, "plan", "--now", NOW)
    assert code == 2 and "tgd5-part3-2.toml: content.hashtags" in err and "is not a hashtag" in err


def test_an_accounts_language_picks_its_templates(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project_dir / "config" / "bot.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('name = "jiia-x"\nplatform = "x"', 'name = "jiia-x"\nplatform = "x"\nlanguage = "ja"'),
                      encoding="utf-8")  # fmt: skip
    posts = _plan(capsys)
    x_announcement = next(p for p in posts if p["account"] == "jiia-x" and p["kind"] == "announcement")
    assert x_announcement["payload"]["text"].startswith("新着報告：")
    digest = next(p for p in posts if p["account"] == "jiia-facebook" and p["kind"] == "announcement")
    assert digest["payload"]["text"].startswith("Report from ")
