"""A campaign with `cards = true`: each highlight carries its quote card through plan → ledger → run, and the
dry-run shows the v2 media upload, its alt text and the post that attaches it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import run_cli

CAMPAIGN = """
[campaign]
name = "carded"
report = "tgd5-part3-2-future-of-international-security"
accounts = ["jiia-x", "jiia-facebook"]
cards = {cards}

[highlights]
count = 2
start = "now"
every_minutes = 0
"""


def _bot(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    return out


def _campaign(project_dir: Path, cards: bool) -> Path:
    folder = project_dir / "campaigns"
    folder.mkdir(exist_ok=True)
    (folder / "carded.toml").write_text(CAMPAIGN.format(cards=str(cards).lower()), encoding="utf-8")
    return folder


def test_cards_are_attached_to_highlights_and_uploaded_with_alt_text(
    project_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{project_dir / 'var' / 'ledger.sqlite3'}")
    folder = _campaign(project_dir, cards=True)
    plan = json.loads(_bot(capsys, "plan", "--dir", str(folder), "--json"))
    highlights = [p for p in plan["posts"] if p["kind"] == "highlight"]
    assert len(highlights) == 2
    for post in highlights:
        (media,) = post["payload"]["media"]
        assert Path(media["path"]).is_file() and media["path"].endswith("-x.png")
        assert media["alt_text"] and media["alt_text"].rstrip(".")[:30] in json.dumps(plan)

    _bot(capsys, "schedule", "--dir", str(folder))
    journal = project_dir / "var" / "journal.jsonl"
    _bot(capsys, "run", "--until-idle", "--journal", str(journal))
    requests = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    urls = [r["url"] for r in requests]
    assert urls.count("https://api.x.com/2/media/upload") == 2
    assert urls.count("https://api.x.com/2/media/metadata") == 2
    alt_texts = [r["body"]["metadata"]["alt_text"]["text"] for r in requests if r["url"].endswith("/metadata")]
    assert alt_texts == [h["payload"]["media"][0]["alt_text"] for h in highlights]
    tweets = [r for r in requests if r["url"] == "https://api.twitter.com/2/tweets"]
    uploaded = [r["synthetic_id"] for r in requests if r["url"].endswith("/media/upload")]
    assert [t["body"]["media"]["media_ids"] for t in tweets] == [[i] for i in uploaded]


def test_without_cards_highlights_carry_no_media(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _campaign(project_dir, cards=False)
    plan = json.loads(_bot(capsys, "plan", "--dir", str(folder), "--json"))
    assert all(not p["payload"].get("media") for p in plan["posts"])
    assert not (project_dir / "var" / "cards").exists()
