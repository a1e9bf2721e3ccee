"""A report page that changed after it was drafted is re-ingested and its unpublished drafts updated, never its
published posts; reviewers are told once (dry-run: recorded), reminded once before the first draft would
expire, and a live notification goes out through Apprise with its secret taken from the environment and never
written anywhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.ledger.models import Post
from tests.autopilot_site import serve
from tests.autopilot_support import (
    auto_campaigns,
    index_source,
    journal,
    ledger,
    notifications,
    posts,
    write_project,
)
from tests.cli_support import TEST_NOW, run_cli

TOKEN = "CanaryNotifyToken+x9/y8=z7"


@pytest.fixture
def site(httpserver):
    return serve(httpserver)


def _drafted(tmp_path, monkeypatch, site, capsys, notify=None):
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, index_source(site, "en"), notify=notify)
    assert run_cli(capsys, "watch", "--backfill")[0] == 0
    site.add_session("en", 9)
    code, out, _ = run_cli(capsys, "watch", "--once", "--json")
    assert code == 0, out
    return json.loads(out)["drafts"][0]["campaign"]


def _watch(capsys, *args):
    code, out, err = run_cli(capsys, "watch", "--once", "--json", *args)
    return code, json.loads(out), err


def test_a_changed_page_updates_the_unpublished_drafts_never_a_published_post(tmp_path, monkeypatch, site, capsys,
                                                                              cli_clock):
    name = _drafted(tmp_path, monkeypatch, site, capsys)
    before = posts(tmp_path, name)
    published = before[0]
    with ledger(tmp_path)() as session:  # one post went out already
        row = session.get(Post, published.id)
        row.status, row.remote_id, row.posted_at = "posted", "1001", TEST_NOW
        session.commit()
    site.add_session("en", 9, revision=1)
    cli_clock.advance(30 * 60)
    code, report, _ = _watch(capsys)
    assert code == 0 and report["drafts"] == []  # not re-read before [watch] recheck_minutes (60)

    cli_clock.advance(31 * 60)
    code, report, _ = _watch(capsys)

    assert code == 0 and [d["state"] for d in report["drafts"]] == ["updated"]
    report_file = next((tmp_path / "content").glob("*.md")).read_text(encoding="utf-8")
    assert "lasting shortage" in report_file
    after = {p.id: p for p in posts(tmp_path, name)}
    assert after[published.id].payload == published.payload and after[published.id].status == "posted"
    changed = [p for p in after.values() if p.id != published.id and "lasting shortage" in p.payload.get("text", "")]
    assert changed and {p.status for p in changed} == {"draft"}
    assert len(after) == len(before) and auto_campaigns(tmp_path) == [name]
    cli_clock.advance(61 * 60)
    assert _watch(capsys)[1]["drafts"] == []  # re-read again, unchanged: nothing to do


def test_reviewers_are_reminded_once_before_the_first_draft_would_expire(tmp_path, monkeypatch, site, capsys,
                                                                         cli_clock):
    name = _drafted(tmp_path, monkeypatch, site, capsys)
    first_due = min(p.due_at for p in posts(tmp_path, name))
    cli_clock.set(first_due - dt.timedelta(minutes=121))
    assert _watch(capsys)[1]["notifications"] == []
    cli_clock.set(first_due - dt.timedelta(minutes=119))

    sent = _watch(capsys)[1]["notifications"]
    again = _watch(capsys)[1]["notifications"]

    assert [(n["kind"], n["status"]) for n in sent] == [("reminder", "recorded")]
    assert again == []
    assert [(n.kind, n.campaign) for n in notifications(tmp_path)] == [("approval", name), ("reminder", name)]
    assert "expires at" in journal(tmp_path)[-1]["title"]
    run_cli(capsys, "approve", name)
    cli_clock.advance(60)
    assert _watch(capsys)[1]["notifications"] == []


def test_a_live_notification_goes_through_apprise_and_its_secret_is_never_written(tmp_path, monkeypatch, site,
                                                                                   capsys, httpserver):
    monkeypatch.setenv("BOT_NOTIFY_TOKEN", TOKEN)
    hook = httpserver.url_for("/hook").replace("http://", "json://") + "/${BOT_NOTIFY_TOKEN}"
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, index_source(site, "en"), notify=[hook])
    run_cli(capsys, "watch", "--backfill")
    site.add_session("en", 9)

    code, out, err = run_cli(capsys, "-vv", "watch", "--once", "--live", "--json")

    assert code == 0, err
    [(path, body)] = site.received
    message = json.loads(body)
    assert "awaits approval" in message["title"] and "bot approve" in message["message"]
    assert path.startswith("/hook/")  # the token was expanded into the request, and only there
    [entry] = journal(tmp_path)
    assert entry["mode"] == "live" and entry["status"] == "sent" and entry["targets"] == ["json://…"]
    [row] = notifications(tmp_path)
    assert row.status == "sent"
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for text in (out, err):
        assert TOKEN not in text
    assert TOKEN.encode() not in written


def test_a_dry_run_notification_does_not_use_up_the_live_one(tmp_path, monkeypatch, site, capsys, httpserver):
    """`bot watch` (dry-run) records the approval message; the next live sweep still sends it, once."""
    hook = httpserver.url_for("/hook").replace("http://", "json://")
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, index_source(site, "en"), notify=[hook])
    run_cli(capsys, "watch", "--backfill")
    site.add_session("en", 9)
    assert run_cli(capsys, "watch", "--once")[0] == 0  # dry-run: recorded only
    assert site.received == [] and [r.mode for r in notifications(tmp_path)] == ["dry-run"]

    assert run_cli(capsys, "watch", "--once", "--live")[0] == 0
    assert run_cli(capsys, "watch", "--once", "--live")[0] == 0
    assert len(site.received) == 1  # sent for real, and only once
    [row] = notifications(tmp_path)
    assert (row.mode, row.status) == ("live", "sent")


def test_a_missing_notification_secret_fails_the_message_names_the_variable_and_retries(tmp_path, monkeypatch,
                                                                                      site, capsys, cli_clock):
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, index_source(site, "en"), notify=["json://127.0.0.1:9/${BOT_NOTIFY_UNSET}"])
    run_cli(capsys, "watch", "--backfill")
    site.add_session("en", 9)

    code, out, _ = _watch_live(capsys)

    assert code == 1
    [row] = notifications(tmp_path)
    assert row.status == "failed" and "BOT_NOTIFY_UNSET" in row.last_error and row.attempts == 1
    monkeypatch.setenv("BOT_NOTIFY_UNSET", "now-set")
    monkeypatch.setattr("bot.sources.notify._send_apprise", lambda urls, title, body: ("sent", None))
    cli_clock.advance(60)
    code, out, _ = _watch_live(capsys)
    assert code == 0 and [(n["kind"], n["status"]) for n in json.loads(out)["notifications"]] == [("approval", "sent")]
    assert [r.status for r in notifications(tmp_path)] == ["sent"]


def _watch_live(capsys):
    return run_cli(capsys, "watch", "--once", "--live", "--json")
