"""Autopilot end to end on the local test site: the archive is backfilled without posting, a new session
becomes exactly one drafted campaign awaiting approval with a recorded (dry-run) notification, and nothing is
drafted twice — not on the next sweep (304), not through a second source, not when the feed re-dates items."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest

from tests.autopilot_site import serve
from tests.autopilot_support import (
    auto_campaigns,
    index_source,
    journal,
    notifications,
    posts,
    seen_rows,
    source_block,
    write_project,
)
from tests.cli_support import TEST_NOW, run_cli


@pytest.fixture
def site(httpserver):
    return serve(httpserver)


@pytest.fixture
def project(tmp_path, monkeypatch, site):
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, index_source(site, "en") + index_source(site, "ja"))
    return tmp_path


def _watch(capsys, *args):
    code, out, err = run_cli(capsys, "watch", *args, "--json")
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_backfill_records_the_archive_and_drafts_nothing(project, site, capsys):
    code, report, _ = _watch(capsys, "--backfill")
    assert code == 0
    assert report["backfilled"] == 16
    assert {row.state for row in seen_rows(project)} == {"backfilled"}
    assert auto_campaigns(project) == [] and posts(project) == [] and journal(project) == []


def test_a_new_source_with_an_archive_is_held_until_backfilled(project, site, capsys):
    code, report, _ = _watch(capsys, "--once")
    assert code == 1
    assert [s["status"] for s in report["sources"]] == ["held", "held"]
    assert "bot watch --backfill" in report["sources"][0]["error"]
    assert seen_rows(project) == [] and auto_campaigns(project) == []


def test_a_new_session_becomes_one_campaign_awaiting_approval(project, site, capsys):
    assert _watch(capsys, "--backfill")[0] == 0
    new_url = site.add_session("en", 9)

    code, report, _ = _watch(capsys, "--once")

    assert code == 0, report
    [draft] = report["drafts"]
    assert draft["state"] == "drafted" and draft["url"] == new_url
    name = draft["campaign"]
    assert auto_campaigns(project) == [name]
    campaign = tomllib.loads((project / "schedules" / "auto" / f"{name}.toml").read_text(encoding="utf-8"))
    assert campaign["campaign"]["anchor"] == TEST_NOW.isoformat()
    assert campaign["campaign"]["approval"] is True
    assert campaign["campaign"]["accounts"] == ["hci-x", "hci-facebook"]
    assert campaign["announcement"]["at"] == "+2h"  # the template's relative times are kept
    rows = posts(project, name)
    assert rows and {r.status for r in rows} == {"draft"} and all(r.requires_approval for r in rows)
    assert min(r.due_at for r in rows) > TEST_NOW
    content = (project / "content" / f"{campaign['campaign']['report']}.md").read_text(encoding="utf-8")
    assert "disruption (9)" in content and "Session 9 of the forum" in content
    [entry] = journal(project)
    assert entry["kind"] == "approval" and entry["mode"] == "dry-run" and entry["status"] == "recorded"
    assert name in entry["title"] and f"bot approve {name}" in entry["body"]
    assert rows[0].payload["text"].split()[0] in entry["body"]  # the drafts' text is in the message
    [row] = notifications(project)
    assert (row.campaign, row.kind, row.status) == (name, "approval", "recorded")


def test_the_next_sweeps_draft_nothing_again_and_ask_conditionally(project, site, capsys, cli_clock):
    _watch(capsys, "--backfill")
    site.add_session("ja", 9)
    assert len(_watch(capsys, "--once")[1]["drafts"]) == 1
    hits = site.conditional_hits
    cli_clock.advance(600)

    code, report, _ = _watch(capsys, "--once")

    assert code == 0 and report["drafts"] == [] and report["notifications"] == []
    assert [s["status"] for s in report["sources"]] == ["not_modified", "not_modified"]
    assert site.conditional_hits == hits + 2
    assert len(auto_campaigns(project)) == 1 and len(journal(project)) == 1


def test_the_same_report_through_a_feed_a_sitemap_and_a_re_dated_feed_is_one_campaign(tmp_path, monkeypatch,
                                                                                      site, capsys, cli_clock):
    monkeypatch.chdir(tmp_path)
    feed = source_block("hci-feed", "feed", f"{site.base}/feed.xml")
    sitemap = source_block("hci-sitemap", "sitemap", f"{site.base}/sitemap.xml", extra='pattern = "/en/"')
    write_project(tmp_path, index_source(site, "en") + feed + sitemap)
    assert _watch(capsys, "--backfill")[1]["backfilled"] == 8  # the same 8 English pages, three ways
    site.add_session("en", 9)

    first = _watch(capsys, "--once")[1]
    site.redate_feed()
    cli_clock.advance(600)
    second = _watch(capsys, "--once")[1]

    assert [d["state"] for d in first["drafts"]] == ["drafted"]
    assert second["drafts"] == []
    assert len(auto_campaigns(tmp_path)) == 1
    assert len(seen_rows(tmp_path)) == 9  # feed links carry ?utm_source: canonicalised to the same URL


def test_bot_sources_lists_last_fetch_status_seen_and_campaigns(project, site, capsys):
    _watch(capsys, "--backfill")
    site.add_session("en", 9)
    _watch(capsys, "--once")

    code, out, _ = run_cli(capsys, "sources", "--json")

    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["hci-en"]["seen"] == 9 and rows["hci-en"]["campaigns"] == 1
    assert rows["hci-ja"]["seen"] == 8 and rows["hci-ja"]["campaigns"] == 0
    assert rows["hci-en"]["status"] == "ok" and rows["hci-en"]["last_fetch"].startswith("2026-11-28T21:00")
    code, text, _ = run_cli(capsys, "sources")
    assert code == 0 and "hci-en" in text and "index" in text


def test_approving_releases_the_drafted_campaign(project, site, capsys):
    _watch(capsys, "--backfill")
    site.add_session("en", 9)
    name = _watch(capsys, "--once")[1]["drafts"][0]["campaign"]

    code, out, _ = run_cli(capsys, "approve", name, "--json")

    assert code == 0 and json.loads(out)["approved"] == len(posts(project, name))
    assert {r.status for r in posts(project, name)} == {"pending"}
    assert dt.timedelta(0) < min(r.due_at for r in posts(project, name)) - TEST_NOW
