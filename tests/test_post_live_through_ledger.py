"""`bot post --live` records its posts in the ledger before sending them and publishes them through the
runner's own path: they show in `bot history`, the same text to the same account is refused a second time
(unless --again), and a dry-run `bot post` writes no ledger at all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import responses
from sqlalchemy import select

from bot.content.draft import Draft
from bot.ledger.db import open_ledger
from bot.ledger.models import Attempt, Post
from tests.cli_support import run_cli as run

TWEETS = "https://api.twitter.com/2/tweets"


@pytest.fixture
def x_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("API_KEY", "API_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(f"BOT_JIIA_X_{name}", "1234-TESTVALUE" if name == "ACCESS_TOKEN" else "TESTVALUE")


def drafts_file(path: Path, *parts: str) -> Path:
    path.write_text(json.dumps([Draft("x", "highlight", "a-report", parts or ("A finding https://e.test/a",),
                                      finding_rank=2).to_dict()]))
    return path


def created(counter: list[int]) -> object:
    """X's answer to a create: a new id each time."""
    def answer(request: object) -> tuple[int, dict[str, str], str]:
        counter.append(1)
        return 201, {"content-type": "application/json"}, json.dumps({"data": {"id": f"19{len(counter):017d}",
                                                                               "text": "ok"}})
    return answer


def ledger_rows(project_dir: Path) -> list[Post]:
    factory = open_ledger(f"sqlite:///{project_dir / 'var' / 'bot.sqlite3'}")
    with factory() as session:
        rows = list(session.scalars(select(Post).order_by(Post.id)))
    factory.kw["bind"].dispose()
    return rows


def test_a_live_post_is_a_ledger_row_shown_in_history_and_not_posted_twice(
        project_dir: Path, capsys: pytest.CaptureFixture[str], x_credentials: None) -> None:
    source = str(drafts_file(project_dir / "d.json"))
    calls: list[int] = []
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", TWEETS, callback=created(calls))
        code, out, _ = run(capsys, "post", source, "--live", "--platform", "x", "--json")
        assert code == 0 and len(calls) == 1
        result = json.loads(out)["results"][0]
        assert result["status"] == "posted" and result["ledger_ids"]
        (row,) = ledger_rows(project_dir)
        assert (row.id, row.status, row.campaign, row.kind, row.finding_rank) == (
            result["ledger_ids"][0], "posted", None, "highlight", 2)
        assert row.remote_id == result["posts"][0]["remote_id"]
        history = json.loads(run(capsys, "history", "--json")[1])
        assert [(h["id"], h["mode"], h["status"]) for h in history] == [(row.id, "live", "posted")]

        code, _, err = run(capsys, "post", source, "--live", "--platform", "x")
        assert code == 2 and "already posted" in err and f"post {row.id}" in err and "--again" in err
        assert len(calls) == 1 and len(ledger_rows(project_dir)) == 1  # refused before anything was written

        # --again is a deliberate repeat: it passes this check and the runner's one-text-per-account guard
        # (bot/ledger/sent_texts.py), and goes through the ledger like any other post.
        code, _, _ = run(capsys, "post", source, "--live", "--platform", "x", "--again", "--json")
    _, second = ledger_rows(project_dir)
    assert second.payload.get("again") is True and second.status == "posted"
    assert (code, len(calls)) == (0, 2)


def test_a_thread_is_one_row_per_part_chained_by_the_runner(
        project_dir: Path, capsys: pytest.CaptureFixture[str], x_credentials: None) -> None:
    source = str(drafts_file(project_dir / "t.json", "1/2 first https://e.test/a", "2/2 second"))
    calls: list[int] = []
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", TWEETS, callback=created(calls))
        code, _, _ = run(capsys, "post", source, "--live", "--platform", "x", "--form", "single")
        bodies = [json.loads(c.request.body) for c in mock.calls]
    assert code == 0 and len(calls) == 2
    head, part = ledger_rows(project_dir)
    assert part.thread_head_id == head.id and part.part_index == 1
    assert bodies[1]["reply"]["in_reply_to_tweet_id"] == head.remote_id


def test_a_live_failure_is_recorded_with_the_runners_policy(
        project_dir: Path, capsys: pytest.CaptureFixture[str], x_credentials: None) -> None:
    with responses.RequestsMock() as mock:
        mock.add("POST", TWEETS, status=403, json={"detail": "You are not allowed to create a Tweet with "
                                                   "duplicate content.", "title": "Forbidden", "status": 403})
        code, out, _ = run(capsys, "post", str(drafts_file(project_dir / "d.json")), "--live", "--platform", "x", "--json")
    assert code == 1
    result = json.loads(out)["results"][0]
    assert result["status"] == "failed" and "duplicate" in result["error"].lower()
    (row,) = ledger_rows(project_dir)
    assert row.status == "duplicate"  # the runner's policy: recorded, never retried
    factory = open_ledger(f"sqlite:///{project_dir / 'var' / 'bot.sqlite3'}")
    with factory() as session:
        assert [a.outcome for a in session.scalars(select(Attempt))] == ["duplicate"]
    factory.kw["bind"].dispose()


def test_a_live_post_never_sends_a_campaign_post_that_is_due(
        project_dir: Path, capsys: pytest.CaptureFixture[str], x_credentials: None) -> None:
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    (project_dir / "schedules" / "now.toml").write_text(
        '[campaign]\nreport = "tgd5-part3-2-future-of-international-security"\naccounts = ["jiia-x"]\n'
        '[announcement]\nat = "now"\n')
    assert run(capsys, "schedule")[0] == 0
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", TWEETS, callback=created([]))
        assert run(capsys, "post", str(drafts_file(project_dir / "d.json")), "--live", "--platform", "x")[0] == 0
        assert len(mock.calls) == 1
    statuses = {r.key.split(":")[0]: r.status for r in ledger_rows(project_dir)}
    assert statuses == {"now": "pending", "post": "posted"}


def test_a_dry_run_post_writes_no_ledger_but_reports_the_refusal_live_would_meet(
        project_dir: Path, capsys: pytest.CaptureFixture[str], x_credentials: None) -> None:
    source = str(drafts_file(project_dir / "d.json"))
    assert run(capsys, "post", source)[0] == 0
    assert not (project_dir / "var" / "bot.sqlite3").exists()
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", TWEETS, callback=created([]))
        assert run(capsys, "post", source, "--live", "--platform", "x")[0] == 0
    before = [(r.id, r.status, r.updated_at) for r in ledger_rows(project_dir)]
    code, _, err = run(capsys, "post", source)
    assert code == 2 and re.search(r"already posted \(post \d+", err)
    code, out, _ = run(capsys, "post", source, "--again")
    assert code == 0 and "would post" in out
    assert [(r.id, r.status, r.updated_at) for r in ledger_rows(project_dir)] == before


def test_again_repeats_every_part_of_a_thread(project_dir: Path, capsys: pytest.CaptureFixture[str],
                                              x_credentials: None) -> None:
    source = str(drafts_file(project_dir / "t.json", "1/2 A first part https://e.test/a", "2/2 and its second"))
    calls: list[int] = []
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", TWEETS, callback=created(calls))
        assert run(capsys, "post", source, "--live", "--platform", "x", "--form", "single")[0] == 0
        code, _, err = run(capsys, "post", source, "--live", "--platform", "x", "--form", "single", "--again")
    assert code == 0, err
    assert [r.status for r in ledger_rows(project_dir)] == ["posted"] * 4 and len(calls) == 4
