"""`bot plan` (text, --json, --ics; changes nothing), `bot schedule` and the operator commands, end to end
through the CLI on the sample campaign and report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import run_cli as run
from tests.plan_support import use_fixed_sample_dates

NOW = "2026-11-28T12:00+00:00"




def test_plan_shows_times_texts_and_totals_and_creates_no_database(project_dir: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--now", NOW)  # 21:00 in Tokyo: the sample starts at "+1d 10:00"
    assert code == 0
    assert "2026-11-29 10:00 JST (2026-11-29 01:00 UTC)  jiia-x  announcement" in out
    assert "2026-11-30 12:00 JST (2026-11-30 03:00 UTC)  jiia-x  highlight #1" in out
    assert "total: 13 posts, estimated cost $" in out
    assert not (project_dir / "var").exists()


def test_plan_json_and_ics(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from icalendar import Calendar

    (project_dir / "out").mkdir()
    code, out, _ = run(capsys, "plan", "--now", NOW, "--json", "--ics", "out/plan.ics", "--campaign", "tgd5-part3-2")
    data = json.loads(out)
    assert code == 0 and len(data["posts"]) == 13
    first = data["posts"][0]
    assert set(first) >= {"key", "account", "kind", "payload", "due_at", "local_time", "weighted_length", "cost"}
    assert data["total_cost"] == pytest.approx(sum(p["cost"] for p in data["posts"]))
    events = Calendar.from_ical((project_dir / "out" / "plan.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 13
    assert str(events[0]["UID"]) == f"{first['key']}@session-report-bot"
    assert events[0].decoded("DTSTART").isoformat() == first["due_at"]
    assert str(events[0]["SUMMARY"]) == f"{first['platform']} {first['kind']} ({first['account']})"
    assert str(events[0]["DESCRIPTION"]) == first["payload"]["text"]
    assert not (project_dir / "var").exists()


def test_plan_of_an_unknown_campaign_is_a_usage_error(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--campaign", "nope")
    assert code == 2 and "no campaign named 'nope'" in err


def test_a_broken_campaign_file_exits_2_naming_file_and_field(project_dir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = project_dir / "schedules" / "tgd5-part3-2.toml"
    path.write_text(path.read_text().replace('daily_at = "12:00"', 'daily_at = "noon"'))
    code, _, err = run(capsys, "schedule")
    assert code == 2
    assert "schedules/tgd5-part3-2.toml: highlights.daily_at: 'noon' is not a time" in err


def test_schedule_twice_then_operator_commands(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "--now", NOW, "--json")
    assert code == 0 and json.loads(out)["created"] == 13
    code, out, _ = run(capsys, "schedule", "--now", NOW)
    assert "created 0, updated 0, cancelled 0, unchanged 13" in out
    code, out, _ = run(capsys, "queue", "--json")
    queue = json.loads(out)
    assert [p["status"] for p in queue] == ["pending"] * 13
    assert queue[0]["due_local"] == "2026-11-29T10:00:00+09:00"  # "+1d 10:00" from the first schedule
    code, out, _ = run(capsys, "cancel", str(queue[0]["id"]))
    assert code == 0 and "cancelled 1 post\n" in out
    code, _, err = run(capsys, "retry", str(queue[0]["id"]))
    assert code == 2 and "is cancelled" in err
    code, _, err = run(capsys, "repost", str(queue[1]["id"]))
    assert code == 2 and "only published posts" in err
    code, out, _ = run(capsys, "history", "--json")
    assert json.loads(out) == []


def test_schedule_refuses_a_new_campaign_entirely_in_the_past(project_dir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    use_fixed_sample_dates(project_dir)
    code, _, err = run(capsys, "schedule", "--now", "2027-06-01T00:00+00:00")
    assert code == 2 and "every post of campaign 'tgd5-part3-2' is in the past" in err
    # Once scheduled, a finished campaign is fine.
    assert run(capsys, "schedule", "--now", NOW)[0] == 0
    code, out, _ = run(capsys, "schedule", "--now", "2027-06-01T00:00+00:00", "--json")
    assert code == 0 and json.loads(out)["cancelled"] == 0


def test_approval_flow_through_the_cli(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project_dir / "schedules" / "tgd5-part3-2.toml"
    path.write_text(path.read_text().replace("approval = false", "approval = true"))
    run(capsys, "schedule", "--now", NOW)
    code, out, _ = run(capsys, "queue")
    assert out.count("draft") == 13
    code, out, _ = run(capsys, "approve", "tgd5-part3-2")
    assert code == 0 and "approved 13 posts" in out


def test_plan_skips_findings_another_campaign_already_posted(project_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from bot.ledger.store import open_store
    from bot.settings import load_settings

    demo = project_dir / "schedules" / "demo.toml"
    demo.write_text('[campaign]\nreport = "tgd5-part3-2-future-of-international-security"\naccounts = ["jiia-x"]\n'
                    '[highlights]\ncount = 2\nstart = "now"\nevery_minutes = 0\n')
    assert run(capsys, "schedule", "--now", NOW)[0] == 0
    store = open_store(load_settings())
    with store.transaction() as session:
        for post in store.list_posts(campaign="demo"):
            row = session.get(type(post), post.id)
            row.status = "posted"  # type: ignore[union-attr]
    _, out, _ = run(capsys, "plan", "--now", NOW, "--json", "--campaign", "tgd5-part3-2")
    ranks = [p["finding_rank"] for p in json.loads(out)["posts"] if p["kind"] == "highlight"]
    assert ranks == [3, 4, 5]
