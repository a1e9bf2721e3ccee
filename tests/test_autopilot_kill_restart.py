"""Kill test for autopilot: two real long-running `bot run` processes (dry-run, runner names a and b) with
[[sources]] watch the local test site while new session reports keep appearing; each is SIGKILLed at random
(seeded) moments and restarted. At the end every new report has exactly one discovery row, one campaign file,
one campaign in the ledger and one approval notification: none doubled, none lost."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from bot.ledger.db import open_ledger
from bot.ledger.models import Notification, Post, SourceSeen
from tests.autopilot_site import serve
from tests.autopilot_support import ROOT, index_source, write_project

pytestmark = pytest.mark.slow
NEW_REPORTS = 12
MIN_KILLS = 10
BUDGET_SECONDS = 90
WATCH = "every_minutes = 0.005\nfirst_sweep_limit = 100"
RUNNER = "[runner]\npoll_seconds = 0.2"


@pytest.fixture
def site():
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield serve(server, sessions=2)
    server.clear()
    server.stop()


def _env(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(PYTHONPATH=str(ROOT), BOT_DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'bot.sqlite3'}")
    return env


def _start(tmp_path, name):
    return subprocess.Popen([sys.executable, "-m", "bot", "run", "--runner-name", name], cwd=tmp_path,
                            env={**_env(tmp_path), "BOT_RUNNER_NAME": name,  # each its own rehearsal copy
                                 "BOT_REHEARSAL_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / f'rehearsal-{name}.sqlite3'}"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _drafted(factory) -> int:
    with factory() as session:
        return session.query(SourceSeen).filter(SourceSeen.state == "drafted").count()


def _holds_a_claim(factory, pid: int) -> bool:
    with factory() as session:
        return session.query(SourceSeen).filter(SourceSeen.state == "claimed",
                                                SourceSeen.claimed_by.like(f"%:{pid}:%")).count() > 0


def test_sigkilled_autopilots_never_double_nor_lose_a_campaign(tmp_path, site):
    write_project(tmp_path, index_source(site, "en"), watch_extra=WATCH, extra=RUNNER)
    backfill = subprocess.run([sys.executable, "-m", "bot", "watch", "--backfill"], cwd=tmp_path, env=_env(tmp_path),
                              capture_output=True, text=True)
    assert backfill.returncode == 0, backfill.stderr
    factory = open_ledger(f"sqlite:///{tmp_path / 'var' / 'bot.sqlite3'}")
    rng = random.Random(20261201)
    added: list[str] = []

    def publish_reports() -> None:
        for number in range(3, 3 + NEW_REPORTS):
            time.sleep(rng.uniform(0.3, 1.2))  # reports keep appearing while runners die
            added.append(site.add_session("en", number))

    publisher = threading.Thread(target=publish_reports, daemon=True)
    publisher.start()
    runners = {name: _start(tmp_path, name) for name in ("a", "b")}
    kills = mid_draft = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.05, 0.8))
        victim = rng.choice(sorted(runners))
        if not publisher.is_alive() and _drafted(factory) == NEW_REPORTS and kills >= MIN_KILLS:
            break
        if kills < 25:
            mid_draft += _holds_a_claim(factory, runners[victim].pid)
            runners[victim].kill()
            runners[victim].wait()
            kills += 1
            runners[victim] = _start(tmp_path, victim)
    for proc in runners.values():
        proc.terminate()
        proc.wait(timeout=30)

    assert not publisher.is_alive() and len(added) == NEW_REPORTS
    assert kills >= MIN_KILLS, f"only {kills} kills: the test proved little"
    # Whether a kill lands mid-draft depends on timing (often several do, sometimes none): the take-over of a
    # dead owner's claim is pinned deterministically in test_autopilot_claims_once.py, so it is only reported.
    with factory() as session:
        rows = session.query(SourceSeen).filter(SourceSeen.state != "backfilled").all()
        campaigns_in_ledger = {c for (c,) in session.query(Post.campaign).filter(Post.status != "cancelled").distinct()}
        notes = Counter(n.campaign for n in session.query(Notification).filter(Notification.kind == "approval"))
    assert sorted(r.url for r in rows) == sorted(added)  # one row per new report, none lost
    assert {r.state for r in rows} == {"drafted"}, [(r.url, r.state, r.last_error) for r in rows]
    names = {r.campaign for r in rows}
    assert len(names) == NEW_REPORTS
    assert sorted(p.stem for p in (tmp_path / "schedules" / "auto").glob("*.toml")) == sorted(names)
    assert campaigns_in_ledger == names
    assert set(notes) == names and set(notes.values()) == {1}
    print(f"kills={kills} mid_draft={mid_draft}")
