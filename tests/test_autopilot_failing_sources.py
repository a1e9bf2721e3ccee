"""A failing source (500, timeout, malformed feed, HTML instead of XML, robots.txt) is recorded with one clear
error, retried later with backoff, and never stops the other sources; a report page that cannot be drafted is
retried, then refused."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from bot.ledger.db import open_ledger
from bot.settings import load_settings
from bot.sources import store
from bot.sources.watch import sweep
from tests.autopilot_site import serve
from tests.autopilot_support import auto_campaigns, index_source, seen_rows, source_block, write_project
from tests.cli_support import TEST_NOW, run_cli


@pytest.fixture
def site(httpserver):
    return serve(httpserver)


def _project(tmp_path, monkeypatch, sources, **kwargs):
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, sources, **kwargs)
    return tmp_path


def _watch(capsys, *args):
    code, out, _ = run_cli(capsys, "watch", *args, "--json")
    return code, json.loads(out)


def _statuses(report):
    return {s["name"]: (s["status"], s["error"]) for s in report["sources"]}


def test_a_500_is_reported_retried_with_backoff_and_the_other_source_still_drafts(tmp_path, monkeypatch, site,
                                                                                    capsys):
    _project(tmp_path, monkeypatch, index_source(site, "en") + index_source(site, "ja"))
    _watch(capsys, "--backfill")
    site.add_session("ja", 9)
    site.broken["/en/forum/hcpf9.php"] = 500

    code, report = _watch(capsys, "--once")

    assert code == 1
    status, error = _statuses(report)["hci-en"]
    assert status == "failed" and "HTTP 500" in error
    assert [d["state"] for d in report["drafts"]] == ["drafted"]  # the Japanese source went on
    settings, factory = load_settings(), open_ledger(load_settings().database_url)
    state = store.states(factory)["hci-en"]
    assert state.failures == 1 and state.next_fetch_at == TEST_NOW + dt.timedelta(minutes=5)
    # The runner's sweep leaves it alone until then, and backs off further when it fails again.
    later = sweep(settings, factory, now=TEST_NOW + dt.timedelta(minutes=1), owner="t")
    assert {s.name: s.status for s in later.sources}["hci-en"] == "waiting"
    sweep(settings, factory, now=TEST_NOW + dt.timedelta(minutes=6), owner="t")
    assert store.states(factory)["hci-en"].next_fetch_at == TEST_NOW + dt.timedelta(minutes=16)
    del site.broken["/en/forum/hcpf9.php"]
    sweep(settings, factory, now=TEST_NOW + dt.timedelta(minutes=17), owner="t")
    recovered = store.states(factory)["hci-en"]
    assert (recovered.status, recovered.failures, recovered.next_fetch_at) == ("not_modified", 0, None)
    code, out, _ = run_cli(capsys, "sources")
    assert code == 0 and "hci-en" in out


@pytest.fixture
def threaded_site():
    """A server that answers other requests while one of them hangs."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield serve(server)
    server.clear()
    server.stop()


def test_a_source_that_hangs_times_out_without_holding_up_the_others(tmp_path, monkeypatch, threaded_site,
                                                                       capsys):
    site = threaded_site
    _project(tmp_path, monkeypatch, index_source(site, "en") + index_source(site, "ja"), timeout=0.3)
    _watch(capsys, "--backfill")
    site.add_session("ja", 9)
    gate = site.hanging["/en/forum/hcpf9.php"] = threading.Event()
    try:
        code, report = _watch(capsys, "--once")
    finally:
        gate.set()
    status, error = _statuses(report)["hci-en"]
    assert code == 1 and status == "failed" and "timed out" in error
    assert [d["state"] for d in report["drafts"]] == ["drafted"]


@pytest.mark.parametrize(("path", "body", "content_type", "expected"), [
    ("/feed.xml", b"<?xml version='1.0'?><rss version='2.0'><channel><item><link>http://loc", "application/rss+xml",
     "not a readable RSS/Atom feed"),
    ("/feed.xml", b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html", "an HTML page, not an RSS/Atom feed"),
    ("/sitemap.xml", b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html", "not a sitemap (root element <html>)"),
], ids=["truncated-feed", "html-as-feed", "html-as-sitemap"])
def test_a_malformed_document_is_a_failure_not_an_empty_source(tmp_path, monkeypatch, site, capsys, path, body,
                                                               content_type, expected):
    from tests.autopilot_site import Page

    kind = "feed" if "feed" in path else "sitemap"
    _project(tmp_path, monkeypatch, source_block("broken", kind, f"{site.base}{path}") + index_source(site, "ja"))
    _watch(capsys, "--backfill")
    site.pages[path] = Page(body, content_type)
    site.add_session("ja", 9)  # rebuilds the documents: break it again after
    site.pages[path] = Page(body, content_type)

    code, report = _watch(capsys, "--once")

    status, error = _statuses(report)["broken"]
    assert code == 1 and status == "failed" and expected in error
    assert _statuses(report)["hci-ja"][0] == "ok" and len(report["drafts"]) == 1


def test_robots_txt_blocks_a_source_and_a_report_path(tmp_path, monkeypatch, site, capsys):
    site.robots = "User-agent: *\nDisallow: /private/\nDisallow: /en/forum/hcpf9.php?9\n"
    private = source_block("private", "feed", f"{site.base}/private/feed.xml")
    _project(tmp_path, monkeypatch, private + index_source(site, "en"))
    _watch(capsys, "--backfill")
    site.add_session("en", 9)
    site.add_session("en", 10)

    code, report = _watch(capsys, "--once")

    status, error = _statuses(report)["private"]
    assert code == 1 and status == "blocked" and "robots.txt" in error
    assert "/private/feed.xml" not in site.requests  # never asked for
    assert [d["url"].rsplit("?", 1)[1] for d in report["drafts"]] == ["10"]  # ?9 is disallowed: not claimed
    assert not any(p.endswith("?9") for p in site.requests)


def test_a_report_page_that_fails_is_retried_then_refused(tmp_path, monkeypatch, site, capsys):
    _project(tmp_path, monkeypatch, index_source(site, "en"))
    _watch(capsys, "--backfill")
    url = site.add_session("en", 9)
    site.pages["/en/forum/hcpf9.php?9"].body = b"<html><body></body></html>"  # not a report: nothing to ingest
    settings, factory = load_settings(), open_ledger(load_settings().database_url)

    states = []
    for minutes in (0, 1, 11, 31, 80):
        report = sweep(settings, factory, now=TEST_NOW + dt.timedelta(minutes=minutes), owner="t")
        states += [d.state for d in report.drafts]

    assert states == ["failed", "failed", "refused"]  # retried after 10 and 20 minutes, not before
    [row] = [r for r in seen_rows(tmp_path) if r.url.endswith("?9")]
    assert row.state == "refused" and row.attempts == 3 and row.last_error
    assert auto_campaigns(tmp_path) == []
    assert url.endswith("?9")
