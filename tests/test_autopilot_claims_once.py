"""Exactly once for discoveries, on SQLite and PostgreSQL: a URL is claimed by one owner only, a claim left by a
dead process is taken over (a live one never is), and two sweeps racing over the same new report draft one
campaign."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from bot.ledger.db import open_ledger
from bot.schedule.reconcile import HOST, runner_identity
from bot.settings import load_settings
from bot.sources import store
from bot.sources.watch import sweep
from tests.autopilot_site import serve
from tests.autopilot_support import auto_campaigns, index_source, write_project
from tests.cli_support import TEST_NOW

URL = "https://www.example.org/en/report.php?1"


@pytest.fixture
def factory(ledger_url):
    made = open_ledger(ledger_url)
    yield made
    made.kw["bind"].dispose()


def test_a_url_is_claimed_once(factory):
    first = store.claim(factory, URL, source="a", language="en", now=TEST_NOW, owner="one")
    second = store.claim(factory, URL, source="b", language="en", now=TEST_NOW, owner="two")
    assert first is not None and second is None
    assert store.known_urls(factory, [URL, URL + "0"]) == {URL}


def test_a_dead_owners_claim_is_taken_over_a_live_ones_is_not(factory):
    dead = f"{HOST}:999999:0123456789ab:autopilot"  # no such pid on this host
    alive = runner_identity("autopilot")
    store.claim(factory, URL, source="a", language="en", now=TEST_NOW, owner=dead)
    store.claim(factory, URL + "2", source="a", language="en", now=TEST_NOW, owner=alive)

    taken = store.take_over(factory, now=TEST_NOW + dt.timedelta(seconds=1), owner="me")

    assert [c.url for c in taken] == [URL]
    assert store.take_over(factory, now=TEST_NOW + dt.timedelta(seconds=2), owner="other") == []  # mine now, alive


def test_two_sweeps_racing_over_one_new_report_draft_one_campaign(tmp_path, monkeypatch, httpserver, ledger_url):
    site = serve(httpserver)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DATABASE_URL", ledger_url)
    write_project(tmp_path, index_source(site, "en") + index_source(site, "en", name="hci-en-again"))
    settings = load_settings()
    factories = [open_ledger(ledger_url), open_ledger(ledger_url)]
    sweep(settings, factories[0], now=TEST_NOW, owner="setup", backfill=True)
    site.add_session("en", 9)
    start = threading.Barrier(2)
    reports = {}

    def race(name: str, factory) -> None:
        start.wait()
        reports[name] = sweep(settings, factory, now=TEST_NOW, owner=f"{HOST}:{name}")

    threads = [threading.Thread(target=race, args=(n, f)) for n, f in zip("ab", factories, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    drafted = [d for r in reports.values() for d in r.drafts if d.state == "drafted"]
    assert len(drafted) == 1 and len(auto_campaigns(tmp_path)) == 1
    assert sum(s.new for r in reports.values() for s in r.sources) == 1  # one claim in all, across both sources
    for made in factories:
        made.kw["bind"].dispose()
