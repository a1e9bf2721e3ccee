"""Review fixes of the ledger's operator transitions and the schedule sync: retry never bypasses approval,
campaigns removed then restored are scheduled again, no reposts in the past, one log line per state change,
a refused `bot schedule` creates no database, `--ics` needs an existing folder, "now" campaigns are stable."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.ledger.store import Ledger, open_store
from bot.schedule.campaign import load_campaigns
from bot.schedule.plan import plan_posts
from bot.schedule.sync import SyncResult, floating_keys, sync_ledger
from bot.settings import Settings, load_settings
from tests.cli_support import run_cli as run
from tests.plan_support import ANNOUNCE_AND_3, campaign_file, use_fake_drafts, use_fixed_sample_dates
from tests.test_store import add

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=UTC)
NOW_TEXT = "2026-11-28T12:00+00:00"
NOW_CAMPAIGN = '[announcement]\nat = "now"\n[highlights]\ncount = 2\nstart = "now"\nevery_minutes = 30\n'


@pytest.fixture
def settings(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    use_fake_drafts(monkeypatch)
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    return load_settings()


@pytest.fixture
def bot_logs(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    """caplog seeing the `bot` loggers (configure_logging stops them at `bot` when a CLI test ran before)."""
    monkeypatch.setattr(logging.getLogger("bot"), "propagate", True)
    caplog.set_level(logging.INFO, logger="bot")
    return caplog


def apply(ledger: Ledger, settings: Settings, now: dt.datetime = NOW) -> SyncResult:
    """What `bot schedule` does, on the test's ledger."""
    campaigns = load_campaigns(settings)
    planned = plan_posts(campaigns, settings, now=now, posted=ledger.posted_highlights(), include_past=True)
    return sync_ledger(ledger, planned, now=now, keep_due=floating_keys(campaigns, planned))


def statuses(ledger: Ledger) -> dict[str, str]:
    return {p.key: p.status for p in ledger.list_posts()}




# ── 1. retry never makes an unapproved post pending ─────────────────────────────────────────────────
def test_retrying_an_expired_post_makes_it_a_draft_needing_approval(ledger: Ledger) -> None:
    post = add(ledger, "p", status="expired", due=NOW - dt.timedelta(minutes=5), requires_approval=True)
    retried = ledger.retry(post.id, NOW)
    assert retried.status == "draft" and retried.due_at > NOW
    assert ledger.expire_unapproved(NOW) == 0  # not expired again before the operator can approve it
    assert ledger.approve(post.id, now=NOW) == 1
    assert ledger.get(post.id).status == "pending"


def test_cli_retry_of_an_unapproved_post_says_it_needs_approval(project_dir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (project_dir / "schedules" / "tgd5-part3-2.toml").unlink()
    (project_dir / "schedules" / "demo.toml").write_text(
        '[campaign]\nreport = "tgd5-part3-2-future-of-international-security"\naccounts = ["jiia-x"]\n'
        'approval = true\n[announcement]\nat = "now"\n')
    assert run(capsys, "schedule")[0] == 0
    store = open_store(load_settings())
    assert store.expire_unapproved(dt.datetime.now(UTC) + dt.timedelta(seconds=1)) == 1
    post = store.list_posts()[0]
    code, out, _ = run(capsys, "retry", str(post.id))
    assert code == 0 and "never approved" in out and f"bot approve {post.id}" in out
    assert run(capsys, "run", "--until-idle")[0] == 0
    assert store.get(post.id).status == "draft"  # not published without approval
    assert run(capsys, "history", "--json")[1].strip() == "[]"


# ── 2. a campaign removed (or shortened) and restored is scheduled again ────────────────────────────
def test_a_removed_then_restored_campaign_posts_again(ledger: Ledger, settings: Settings, project_dir: Path) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    text = path.read_text()
    assert apply(ledger, settings) == SyncResult(created=4)
    path.unlink()
    assert apply(ledger, settings) == SyncResult(cancelled=4)
    path.write_text(text)
    assert apply(ledger, settings) == SyncResult(created=4)
    assert set(statuses(ledger).values()) == {"pending"}
    assert apply(ledger, settings) == SyncResult(unchanged=4)


def test_count_down_then_up_revives_the_cancelled_slot(ledger: Ledger, settings: Settings, project_dir: Path) -> None:
    path = campaign_file(project_dir / "schedules", "c1", extra="approval = true", body=ANNOUNCE_AND_3)
    apply(ledger, settings)
    ledger.approve("c1", now=NOW)
    path.write_text(path.read_text().replace("count = 3", "count = 2"))
    assert apply(ledger, settings) == SyncResult(cancelled=1, unchanged=3)
    path.write_text(path.read_text().replace("count = 2", "count = 3"))
    assert apply(ledger, settings) == SyncResult(created=1, unchanged=3)
    revived = ledger.get("c1:jiia-x:highlight:3:0")
    assert (revived.status, revived.last_error) == ("draft", None)  # approval is asked for again


def test_operator_cancels_and_past_posts_stay_cancelled(ledger: Ledger, settings: Settings,
                                                        project_dir: Path) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    text = path.read_text()
    apply(ledger, settings)
    assert ledger.cancel("c1:jiia-x:highlight:3:0", now=NOW) == 1
    path.unlink()
    assert apply(ledger, settings) == SyncResult(cancelled=3)
    path.write_text(text)
    later = dt.datetime(2026, 12, 2, 0, tzinfo=UTC)  # the announcement (Dec 1) is past by now
    assert apply(ledger, settings, now=later) == SyncResult(created=2, unchanged=2)
    assert statuses(ledger) == {"c1:jiia-x:announcement:0:0": "cancelled", "c1:jiia-x:highlight:1:0": "pending",
                                "c1:jiia-x:highlight:2:0": "pending", "c1:jiia-x:highlight:3:0": "cancelled"}


# ── 3. no repost in the past ────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("offset", "accepted"), [(dt.timedelta(minutes=-2), False),
                                                  (dt.timedelta(days=-3000), False),
                                                  (dt.timedelta(seconds=-30), True),
                                                  (dt.timedelta(hours=1), True)])
def test_a_repost_time_in_the_past_is_refused(ledger: Ledger, offset: dt.timedelta, accepted: bool) -> None:
    original = add(ledger, "o", status="posted", remote_id="1")
    if accepted:
        assert ledger.add_repost(original.id, NOW + offset, now=NOW).status == "pending"
        return
    with pytest.raises(InputError, match="--at"):
        ledger.add_repost(original.id, NOW + offset, now=NOW)
    assert [p.key for p in ledger.list_posts()] == ["o"]


def test_cli_repost_in_the_past_exits_2(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schedule")[0] == 0
    store = open_store(load_settings())
    post = store.list_posts()[0]
    with store.transaction() as session:
        session.get(type(post), post.id).status = "posted"  # type: ignore[union-attr]
    code, _, err = run(capsys, "repost", str(post.id), "--at", "2020-01-01T00:00")
    assert code == 2 and "--at" in err and "in the past" in err
    assert len(store.list_posts()) == 13


# ── 4. one log line per state change outside the runner ────────────────────────────────────────────
def _changes(logs: pytest.LogCaptureFixture, logger: str) -> list[dict[str, object]]:
    return [r.fields for r in logs.records if r.name == logger]  # type: ignore[attr-defined]


def test_operator_transitions_log_one_line_per_changed_post(ledger: Ledger,
                                                            bot_logs: pytest.LogCaptureFixture) -> None:
    later = NOW + dt.timedelta(hours=1)
    head = add(ledger, "t:0", status="draft", due=later)
    add(ledger, "t:1", status="draft", due=later, part_index=1, thread_head_id=head.id)
    failed = add(ledger, "f", status="failed", last_error="Rejected: secret-free reason")
    posted = add(ledger, "p", status="posted", remote_id="9")
    ledger.approve(head.id, now=NOW)
    ledger.cancel(head.id, now=NOW)
    ledger.retry(failed.id, NOW)
    repost = ledger.add_repost(posted.id, later, now=NOW)
    seen = [(f["key"], f["previous"], f["status"]) for f in _changes(bot_logs, "bot.ledger")]
    assert seen == [("t:0", "draft", "pending"), ("t:1", "draft", "pending"), ("t:0", "pending", "cancelled"),
                    ("t:1", "pending", "cancelled"), ("f", "failed", "pending"), (repost.key, None, "pending")]
    assert all("text" not in f for f in _changes(bot_logs, "bot.ledger"))


def test_sync_logs_created_updated_and_cancelled_posts(ledger: Ledger, settings: Settings, project_dir: Path,
                                                      bot_logs: pytest.LogCaptureFixture) -> None:
    path = campaign_file(project_dir / "schedules", "c1", body=ANNOUNCE_AND_3)
    apply(ledger, settings)
    path.write_text(path.read_text().replace("count = 3", "count = 2").replace('"12:00"', '"13:00"'))
    apply(ledger, settings)
    apply(ledger, settings)  # nothing changes, nothing logged
    seen = [(f["key"], f["status"], f["reason"]) for f in _changes(bot_logs, "bot.sync")]
    assert len(seen) == 4 + 3 and all(isinstance(f["post_id"], int) for f in _changes(bot_logs, "bot.sync"))
    assert seen[4:] == [("c1:jiia-x:highlight:1:0", "pending", "campaign edited"),
                        ("c1:jiia-x:highlight:2:0", "pending", "campaign edited"),
                        ("c1:jiia-x:highlight:3:0", "cancelled", "no longer in the campaign files")]


def test_cli_cancel_prints_a_json_log_line(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "schedule", "--now", NOW_TEXT)
    post = open_store(load_settings()).list_posts()[0]
    code, _, err = run(capsys, "-vv", "--log-json", "cancel", str(post.id))
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert code == 0
    assert [(x["logger"], x["post_id"], x["status"]) for x in lines] == [("bot.ledger", post.id, "cancelled")]


# ── 5. a refused `bot schedule` creates no database ─────────────────────────────────────────────────
def test_a_refused_schedule_creates_no_database(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    use_fixed_sample_dates(project_dir)  # every post before --now
    code, _, err = run(capsys, "schedule", "--now", "2027-06-01T00:00+00:00")
    assert code == 2 and "in the past" in err
    assert not (project_dir / "var" / "bot.sqlite3").exists()


# ── 6. --ics needs an existing folder ───────────────────────────────────────────────────────────────
@pytest.mark.parametrize("target", ["missing/plan.ics", "missing/deeper/plan.ics"])
def test_plan_ics_into_a_missing_folder_is_refused(project_dir: Path, capsys: pytest.CaptureFixture[str],
                                                   target: str) -> None:
    code, _, err = run(capsys, "plan", "--now", NOW_TEXT, "--ics", target)
    assert code == 2 and "--ics" in err and str(Path(target).parent) in err
    assert not (project_dir / "missing").exists()


# ── 7. "now" campaigns are not re-dated by every `bot schedule` ─────────────────────────────────────
def test_a_now_campaign_keeps_its_times_on_a_second_sync(ledger: Ledger, settings: Settings,
                                                         project_dir: Path) -> None:
    campaign_file(project_dir / "schedules", "demo", body=NOW_CAMPAIGN)
    assert apply(ledger, settings) == SyncResult(created=3)
    before = {p.key: p.due_at for p in ledger.list_posts()}
    assert apply(ledger, settings, now=NOW + dt.timedelta(minutes=2)) == SyncResult(unchanged=3)
    assert {p.key: p.due_at for p in ledger.list_posts()} == before


def test_cli_schedule_of_a_now_campaign_twice_changes_nothing(project_dir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (project_dir / "schedules" / "demo.toml").write_text(
        '[campaign]\nreport = "tgd5-part3-2-future-of-international-security"\naccounts = ["jiia-x"]\n'
        + NOW_CAMPAIGN)
    code, out, _ = run(capsys, "schedule", "--now", NOW_TEXT, "--json")
    created = json.loads(out)["created"]
    code, out, _ = run(capsys, "schedule", "--now", "2026-11-28T12:05+00:00", "--json")
    assert code == 0 and json.loads(out) | {"warnings": []} == {
        "created": 0, "updated": 0, "cancelled": 0, "unchanged": created, "skipped_past": 0, "warnings": []}
