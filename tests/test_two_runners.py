"""Two `bot run` processes on one PostgreSQL database, 500 due posts: each post is published exactly once
(journal check) and every row ends `posted`. The claims (`FOR UPDATE SKIP LOCKED`) are what make it safe;
each runner has its own APScheduler job table and runner name."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot.ledger.db import open_ledger
from tests.runner_support import (
    RUN,
    _fresh_url,
    assert_published_exactly_once,
    bot_command,
    journal_creates,
    seed_posts,
    subprocess_env,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_url(tmp_path):
    yield from _fresh_url("postgres", tmp_path)


def test_two_runners_on_one_postgres_database_publish_each_post_once(tmp_path, pg_url):
    factory = open_ledger(pg_url)
    made = seed_posts(factory, singles=470, threads=10)
    assert len(made) == 500
    env = subprocess_env(tmp_path, pg_url)
    journals = [tmp_path / "journal-a.jsonl", tmp_path / "journal-b.jsonl"]
    procs = [
        subprocess.Popen([*bot_command(), *RUN, "--until-idle", "--json", "--runner-name", name,
                          "--journal", str(journal)], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
        for name, journal in zip(("alpha", "beta"), journals, strict=True)
    ]
    reports = [json.loads(proc.communicate(timeout=120)[0]) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    posted = [report["this_run"]["posted"] for report in reports]
    assert sum(posted) == 500 and min(posted) > 0, f"work was not shared: {posted}"
    merged = tmp_path / "journal.jsonl"
    merged.write_text("".join(j.read_text(encoding="utf-8") for j in journals), encoding="utf-8")
    assert len(journal_creates(merged)) == 500
    assert_published_exactly_once(factory, made, merged)
    factory.kw["bind"].dispose()
