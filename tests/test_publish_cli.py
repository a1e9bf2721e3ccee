"""`bot post` and `bot accounts check`, run as a user would (in a copy of the project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from bot.content.draft import Draft
from tests.cli_support import run_cli as run

REPORT = "content/tgd5-part3-2-future-of-international-security.md"




def _drafts_file(path: Path) -> Path:
    drafts = [
        Draft("x", "highlight", "r", ("Finding one https://e.test/a", "Part two")).to_dict(),
        Draft("facebook", "announcement", "r", ("Report text",), link="https://e.test/a").to_dict(),
    ]
    path.write_text(json.dumps(drafts))
    return path


def test_post_dry_run_json_prints_the_exact_requests(project_dir, capsys):
    code, out, _ = run(capsys, "post", str(_drafts_file(project_dir / "d.json")), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "dry-run"
    urls = [(r["method"], r["url"]) for r in data["requests"]]
    assert urls == [("POST", "https://api.twitter.com/2/tweets"), ("POST", "https://api.twitter.com/2/tweets"),
                    ("POST", "https://graph.facebook.com/v24.0/100064766417470/feed")]  # fmt: skip
    first, second, fb = data["requests"]
    assert second["body"]["reply"]["in_reply_to_tweet_id"] == first["synthetic_id"]
    assert fb["body"] == {"message": "Report text", "link": "https://e.test/a", "access_token": "****"}
    assert [r["status"] for r in data["results"]] == ["posted", "posted"]


def test_post_sample_report_default_output_shows_method_url_and_text(project_dir, capsys):
    if not (project_dir / REPORT).exists():
        pytest.skip("sample report not in content/ yet")
    code, out, _ = run(capsys, "post", REPORT, "--platform", "x", "--kind", "announcement")
    assert code == 0
    assert "POST https://api.twitter.com/2/tweets" in out and "text: New report" in out
    assert "graph.facebook.com" not in out and "would post" in out


def test_post_filters_by_account_and_writes_the_journal(project_dir, capsys):
    journal = project_dir / "var" / "journal.jsonl"
    code, _, _ = run(capsys, "post", str(_drafts_file(project_dir / "d.json")), "--account", "jiia-facebook",
                     "--journal", str(journal))  # fmt: skip
    assert code == 0
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [e["platform"] for e in lines] == ["facebook"]


def test_post_live_without_credentials_names_the_variables_and_sends_nothing(project_dir, capsys):
    with responses.RequestsMock() as mock:  # any request would fail the test: no URL is registered
        code, _out, err = run(capsys, "post", str(_drafts_file(project_dir / "d.json")), "--live")
        assert len(mock.calls) == 0
    assert code == 2
    for name in ("BOT_JIIA_X_API_KEY", "BOT_JIIA_X_ACCESS_TOKEN_SECRET", "BOT_JIIA_FACEBOOK_PAGE_TOKEN"):
        assert name in err
    assert "nothing was sent" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["post", "missing.json"], "draft file not found"),
        (["post", "bad.json"], "bad.json: kind: missing"),
        (["post", "d.json", "--account", "nobody"], "unknown account 'nobody'"),
        (["post", "d.json", "--account", "jiia-x", "--platform", "facebook"], "is a x account"),
    ],
)
def test_post_bad_input_exits_2_naming_the_problem(project_dir, capsys, argv, message):
    _drafts_file(project_dir / "d.json")
    (project_dir / "bad.json").write_text('{"platform": "x"}')
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_post_live_failure_exits_1_and_reports_it(project_dir, capsys, monkeypatch):
    for name in ("API_KEY", "API_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(f"BOT_JIIA_X_{name}", "1234-TESTVALUE" if name == "ACCESS_TOKEN" else "TESTVALUE")
    with responses.RequestsMock() as mock:
        mock.add(
            "POST",
            "https://api.twitter.com/2/tweets",
            status=403,
            json={
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            },
        )
        code, out, _ = run(capsys, "post", str(_drafts_file(project_dir / "d.json")), "--live", "--platform", "x",
                           "--json")  # fmt: skip
    assert code == 1
    result = json.loads(out)["results"][0]
    assert result["status"] == "failed" and result["error"].startswith("Duplicate")


def test_accounts_check_dry_run_shows_variables_and_requests(project_dir, capsys, monkeypatch):
    monkeypatch.setenv("BOT_JIIA_FACEBOOK_PAGE_TOKEN", "fbpage-TESTPAGETOKEN7777")
    code, out, _ = run(capsys, "accounts", "check", "--json")
    assert code == 0
    checks = {c["account"]: c for c in json.loads(out)}
    assert checks["jiia-facebook"]["variables"] == {"BOT_JIIA_FACEBOOK_PAGE_TOKEN": "set"}
    assert checks["jiia-x"]["variables"]["BOT_JIIA_X_API_KEY"] == "missing"
    assert [r["url"].split("?")[0] for r in checks["jiia-x"]["requests"]] == ["https://api.twitter.com/2/users/me"]
    assert "fbpage-TESTPAGETOKEN7777" not in out
    code, out, _ = run(capsys, "accounts", "check")
    assert "BOT_JIIA_FACEBOOK_PAGE_TOKEN = ****" in out and "GET https://api.twitter.com/2/users/me" in out


def test_accounts_check_live(project_dir, capsys, monkeypatch):
    monkeypatch.setenv("BOT_JIIA_FACEBOOK_PAGE_TOKEN", "fbpage-TESTPAGETOKEN7777")
    graph = "https://graph.facebook.com/v24.0"
    with responses.RequestsMock() as mock:
        mock.add("GET", f"{graph}/100064766417470", json={"id": "100064766417470", "name": "JIIA"})
        mock.add("GET", f"{graph}/me", json={"id": "100064766417470", "name": "JIIA"})
        mock.add("GET", f"{graph}/debug_token", json={"data": {"is_valid": True, "expires_at": 0}})
        code, out, _ = run(capsys, "accounts", "check", "--live", "--json")
    checks = {c["account"]: c for c in json.loads(out)}
    assert checks["jiia-facebook"]["status"] == "ok" and checks["jiia-x"]["status"] == "missing"
    assert code == 2
