"""`bot rehearse`: the sample campaign's whole plan played on a virtual clock through the real runner and the
recording transport — every post with its exact request, approvals, faults — and the real ledger untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.ledger.models import Post
from tests.cli_support import run_cli as run
from tests.ledger_fixtures import ledger_rows

ANNOUNCE_ONLY = """\
[campaign]
name = "gated"
report = "tgd5-part3-2-future-of-international-security"
accounts = ["jiia-x"]
approval = {approval}

[announcement]
at = "2026-11-29T10:00"
"""


@pytest.fixture
def real_ledger(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{project_dir / 'var' / 'bot.sqlite3'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    return url


def only_campaign(project_dir: Path, text: str) -> None:
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    (project_dir / "schedules" / "only.toml").write_text(text, encoding="utf-8")


def test_the_sample_plays_through_with_exact_requests_and_the_real_ledger_untouched(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    planned = json.loads(run(capsys, "plan", "--json")[1])["posts"]
    assert run(capsys, "schedule")[0] == 0
    before = ledger_rows(real_ledger)
    code, out, _ = run(capsys, "rehearse", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "rehearsal"
    assert data["summary"]["would post"] == len(planned) and data["summary"]["would fail"] == 0
    kinds = {e["kind"] for e in data["events"]}
    assert kinds == {p["kind"] for p in planned} >= {"announcement", "highlight", "repost"}
    tweets = [r for e in data["events"] for r in e["requests"] if r["url"] == "https://api.twitter.com/2/tweets"]
    texts = {p["payload"].get("text") for p in planned}
    assert tweets and all(r["method"] == "POST" and r["body"]["text"] in texts for r in tweets)
    retweets = [e for e in data["events"] if any(r["url"].endswith("/retweets") for r in e["requests"])]
    assert retweets and all(e["kind"] == "repost" for e in retweets)  # the repost cycles, on the virtual clock
    times = [e["at"] for e in data["events"]]
    assert times == sorted(times) and times[-1] > times[0]
    assert ledger_rows(real_ledger) == before  # byte-identical rows: the rehearsal never wrote the real ledger
    assert {r[Post.__table__.columns.keys().index("status")] for r in before} == {"pending"}


def test_the_text_timeline_shows_local_time_account_request_and_a_summary(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rehearse", "--days", "6")
    assert code == 0
    assert "on a virtual clock: nothing sent, the real ledger unchanged" in out
    assert " JST  jiia-x  announcement" in out and "    POST https://api.twitter.com/2/tweets" in out
    assert "        text: " in out and "⇒ would be posted  https://x.com/i/status/" in out
    assert "summary: would post " in out and "(not played; --until/--days to go further)" in out
    assert not Path(real_ledger.removeprefix("sqlite:///")).exists()  # the real ledger was not even created


def test_an_unapproved_post_expires_and_is_reported_as_a_miss(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    only_campaign(project_dir, ANNOUNCE_ONLY.format(approval="true"))
    data = json.loads(run(capsys, "rehearse", "--json")[1])
    assert [e["outcome"] for e in data["events"]] == ["expired"]
    assert data["events"][0]["requests"] == []  # nothing would be sent
    assert data["summary"]["would miss"] == 1
    assert data["summary"]["why"] == {"would miss": {"never approved before its time": 1}}


def test_injected_faults_are_played_and_reported_as_failures(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    only_campaign(project_dir, ANNOUNCE_ONLY.format(approval="false"))
    monkeypatch.setenv("BOT_DRYRUN_FAULTS", "transient=1.0,seed=1")
    data = json.loads(run(capsys, "rehearse", "--json")[1])
    outcomes = [e["outcome"] for e in data["events"]]
    assert outcomes[-1] == "failed" and outcomes.count("pending") >= 1  # retried with backoff, then gave up
    assert data["summary"]["would fail"] == 1 and "gave up" in data["events"][-1]["detail"]


def test_until_and_days_bound_the_rehearsal_and_are_checked(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run(capsys, "rehearse", "--until", "2026-11-29", "--json")[1])
    assert data["until"].startswith("2026-11-29T14:59:59")  # the end of that day in Asia/Tokyo
    assert all(e["at"] <= data["until"] for e in data["events"]) and data["summary"]["later"] > 0
    assert run(capsys, "rehearse", "--until", "2026-11-01")[0] == 2
    assert run(capsys, "rehearse", "--until", "someday")[0] == 2
    assert run(capsys, "rehearse", "--until", "2026-12-24", "--days", "3")[0] == 2
    code, _, err = run(capsys, "rehearse", "--until", "9999-12-31")  # the end of the calendar: one line
    assert code == 2 and "--until 9999-12-31 is more than 3660 days ahead" in err and "Traceback" not in err


def test_history_rehearsal_shows_what_the_rehearsal_published(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    only_campaign(project_dir, ANNOUNCE_ONLY.format(approval="false"))
    run(capsys, "rehearse")
    rows = json.loads(run(capsys, "history", "--rehearsal", "--json")[1])
    assert [(r["kind"], r["status"], r["mode"]) for r in rows] == [("announcement", "posted", "rehearsal")]
    assert json.loads(run(capsys, "history", "--json")[1]) == []


def test_preview_plan_can_show_the_rehearsal_outcome_on_the_calendar(
        project_dir: Path, real_ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", "--plan", "--rehearse", "--json")
    assert code == 0
    page = Path(json.loads(out)["path"]).read_text(encoding="utf-8")
    assert "status-would-post" in page and ">would-post<" in page
    assert "↻ retweet of highlight #1" in page  # reposts show the post they repeat, not its key
    assert "tgd5-part3-2:jiia-x:highlight:1:0" not in page
