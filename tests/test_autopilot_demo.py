"""The autopilot part of `make demo` (bot/sources/demo.py) runs on its own folder and ledger: a new session on
the local copy of the session list becomes a drafted campaign with a recorded notification, and the real
content/, schedules/ and ledger are left alone."""

from __future__ import annotations

import json
import os

from bot.sources.demo import run_autopilot_demo


def test_the_demo_drafts_the_new_session_and_records_the_notification(project_dir, capsys):
    before = sorted(p.name for p in (project_dir / "schedules").iterdir())
    base = project_dir / "var" / "demo" / "autopilot"

    result = run_autopilot_demo(base)

    out = capsys.readouterr().out
    assert result.campaign and result.campaign.startswith("tgd5-special-session")
    assert (base / "schedules" / "auto" / f"{result.campaign}.toml").exists()
    [entry] = [json.loads(line) for line in (base / "var" / "notifications.jsonl").read_text().splitlines()]
    assert entry["status"] == "recorded" and result.campaign in entry["title"]
    assert "awaits approval" in out and "draft" in out
    assert sorted(p.name for p in (project_dir / "schedules").iterdir()) == before  # no auto/ in the real folder
    assert not (project_dir / "var" / "bot.sqlite3").exists()
    assert "BOT_DATABASE_URL" not in os.environ
