"""What a newcomer reads: state changes printed once as output (no timestamps, never inside JSON), a dry-run
account check that does not pass a stand-in identity off as real, reposts named by the post they repeat,
and approvals counted in words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli.schedule import approved_message
from bot.preview.calendar import describe_repost
from tests.cli_support import run_cli as run

NOW_CAMPAIGN = """\
[campaign]
name = "now"
report = "tgd5-part3-2-future-of-international-security"
accounts = ["jiia-x"]
approval = true

[announcement]
at = "now"

[highlights]
count = 2
start = "2026-12-05"
daily_at = "12:00"
"""
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d,?\d* (INFO|WARNING)")


@pytest.fixture
def campaign(project_dir: Path) -> Path:
    for old in (project_dir / "schedules").glob("*.toml"):
        old.unlink()
    (project_dir / "schedules" / "now.toml").write_text(NOW_CAMPAIGN, encoding="utf-8")
    return project_dir


def test_state_changes_are_output_lines_without_timestamps_and_stay_out_of_json(
        campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schedule")
    assert code == 0 and err == ""
    changes = [line for line in out.splitlines() if line.startswith("post ")]
    assert len(changes) == 3 and all("→ draft" in line for line in changes)  # once each, as output
    assert not TIMESTAMP.search(out + err)
    code, out, err = run(capsys, "approve", "now", "--json")
    assert json.loads(out) == {"approved": 2}  # stdout is the JSON document alone (the announcement is due now)
    assert "→ pending" in err


def test_verbose_and_json_logs_keep_the_structured_log_on_stderr(
        campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "-v", "schedule")
    assert code == 0 and TIMESTAMP.search(err) and "bot.sync" in err and "post 1 →" not in out
    run(capsys, "cancel", "1")
    code, out, err = run(capsys, "--log-json", "cancel", "2")
    assert [json.loads(line)["status"] for line in err.splitlines()] == ["cancelled"]


def test_a_log_file_receives_the_structured_log(campaign: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    log = campaign / "bot.log"
    monkeypatch.setenv("BOT_LOG_FILE", str(log))
    assert run(capsys, "schedule")[0] == 0
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(x["logger"], x["status"]) for x in lines] == [("bot.sync", "draft")] * 3


def test_approve_says_how_many_in_words(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "schedule")
    assert run(capsys, "approve", "2")[1].strip().endswith("approved 1 post")
    out = run(capsys, "approve", "now")[1].strip().splitlines()[-1]
    assert out == "approved 1 of 3 posts (1 past their time, 1 already approved or needing none)"
    assert run(capsys, "approve", "now")[1].strip().splitlines()[-1].startswith("nothing to approve")
    assert approved_message(3, 2, ["posted", "posted", "pending", "pending", "pending"]) == \
        "approved 3 of 5 posts (2 already sent)"


def test_a_dry_run_account_check_does_not_show_a_made_up_identity(
        project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "accounts", "check")
    assert code == 0 and "@dry_run" not in out and "Dry-run Page" not in out and "does not expire" not in out
    assert out.count("dry-run: identity not checked (no request sent") == 2
    checks = json.loads(run(capsys, "accounts", "check", "--json")[1])
    assert {c["identity"] for c in checks} == {"dry-run: identity not checked (no request sent: the requests "
                                               "below were only recorded)"}
    assert all(c["expires_at"] is None and c["requests"] for c in checks)


def test_the_plan_names_the_post_a_repost_repeats(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan")
    assert code == 0
    assert re.search(r"↻ retweet of highlight #1 \(\d\d-\d\d 12:00\): The importance of the US", out)
    assert ":jiia-x:highlight:1:0" not in out


def test_a_repost_of_an_unknown_original_still_says_what_it_was() -> None:
    from zoneinfo import ZoneInfo

    assert describe_repost({"repost_of": "k:1", "mode": "retweet"}, {}, ZoneInfo("UTC")) == "↻ retweet of k:1"
