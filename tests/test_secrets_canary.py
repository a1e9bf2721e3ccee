"""Canary secrets: run every command in bot.cli.COMMANDS with recognisable fake secrets configured, and
search everything the bot produced — stdout, stderr (logs at -vv, text and JSON), the dry-run journal, and
every file written under the project directory — for those values.

The command list is the CLI's own table, so a command added later is picked up automatically: one whose
module is not written yet is skipped with a marker naming it; one without an entry in ARGV still runs with
--help. Live invocations run against a fake platform (`responses`) that answers 401 and echoes the
credentials it received, so a message copied from a platform error would leak if it were not masked.
"""

from __future__ import annotations

import importlib
import json
import re
import traceback
from pathlib import Path

import pytest
import responses

from bot.cli import COMMANDS, main

REPORT = "content/tgd5-part3-2-future-of-international-security.md"
CANARIES = {
    "BOT_JIIA_X_API_KEY": "CANARYapiKEYq7w8e9",
    "BOT_JIIA_X_API_SECRET": "CANARYapiSECRETr4t5y6",
    "BOT_JIIA_X_ACCESS_TOKEN": "9876543210-CANARYaccessTOKENu1i2o3",
    "BOT_JIIA_X_ACCESS_TOKEN_SECRET": "CANARYtokenSECRETp0a9s8",
}
DOTENV_CANARIES = {"BOT_JIIA_FACEBOOK_PAGE_TOKEN": "CANARYpageTOKENd7f6g5h4"}
# The distinctive parts: the user-id prefix of an X access token is public (it is in URLs), the rest is not.
NEEDLES = sorted({v.partition("-")[2] or v for v in {**CANARIES, **DOTENV_CANARIES}.values()}
                 | set({**CANARIES, **DOTENV_CANARIES}.values()))  # fmt: skip

# Plausible invocations per command; the global -vv/--log-json variants are added below.
ARGV: dict[str, list[list[str]]] = {
    "ingest": [["ingest", REPORT, "--force", "--json"]],
    "findings": [["findings", REPORT, "--json"]],
    "draft": [["draft", REPORT, "--json"], ["draft", REPORT]],
    "post": [
        ["post", REPORT, "--json", "--journal", "var/post-journal.jsonl"],
        ["post", REPORT],
        ["post", REPORT, "--live", "--json"],
        ["post", REPORT, "--live"],
    ],
    "accounts": [
        ["accounts", "check"],
        ["accounts", "check", "--json"],
        ["accounts", "check", "--live"],
        ["accounts", "check", "--live", "--json"],
    ],
    "plan": [["plan"], ["plan", "--json"]],
    "schedule": [["schedule"], ["schedule", "--json"]],
    "run": [["run", "--until-idle", "--json"], ["run", "--until-idle", "--live", "--json"]],
    "queue": [["queue"], ["queue", "--json"]],
    "history": [["history"], ["history", "--json"]],
    "approve": [["approve", "--help"]],
    "cancel": [["cancel", "--help"]],
    "retry": [["retry", "--help"]],
    "repost": [["repost", "--help"]],
    "preview": [["preview", REPORT, "--json"]],
    "card": [["card", REPORT, "--finding", "1", "--json"]],
}


def _command_exists(name: str) -> bool:
    module_name = COMMANDS[name][0]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return hasattr(module, name.replace("-", "_") + "_command")


def _params() -> list[object]:
    params: list[object] = []
    for name in COMMANDS:
        exists = _command_exists(name)
        for number, argv in enumerate(ARGV.get(name, [[name, "--help"]])):
            for prefix in (["-vv"], ["-vv", "--log-json"]):
                marks = [] if exists else [pytest.mark.skip(reason=f"command {name!r} is not implemented yet")]
                params.append(pytest.param(prefix + argv, marks=marks, id=f"{name}-{number}-{'+'.join(prefix)}"))
    return params


def _echo_401(request: object) -> tuple[int, dict[str, str], str]:
    """A hostile platform: refuses, and quotes back everything it was sent."""
    headers = getattr(request, "headers", {})
    body = getattr(request, "body", "") or ""
    body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    url = str(getattr(request, "url", ""))
    tokens = " ".join(re.findall(r"(?:access|input)_token=[^&\s]*", body + " " + url))
    seen = f"{headers.get('Authorization', '')} {tokens} {body[:200]} {url}"  # secrets first
    answer = {
        "title": "Unauthorized",
        "detail": f"Unauthorized: {seen}",
        "status": 401,
        "type": "about:blank",
        "error": {"message": f"Invalid OAuth access token {seen}", "type": "OAuthException", "code": 190},
    }
    return 401, {"content-type": "application/json"}, json.dumps(answer)


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.name != ".env"]


@pytest.mark.parametrize("argv", _params())
def test_no_secret_reaches_any_output(project_dir, monkeypatch, capsys, argv):
    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)
    dotenv = project_dir / ".env"
    dotenv.write_text("".join(f"{k}={v}\n" for k, v in DOTENV_CANARIES.items()))
    dotenv.chmod(0o600)
    monkeypatch.setenv("BOT_DRYRUN_JOURNAL", str(project_dir / "var" / "dryrun.jsonl"))
    (project_dir / "var").mkdir(exist_ok=True)

    produced = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "DELETE"):
            mock.add_callback(method, re.compile(r"https://.*"), callback=_echo_401)
        try:
            main(list(argv))
        except SystemExit:
            pass
        except Exception:  # a crash is another test's business; its traceback must not leak either
            produced.append(traceback.format_exc())
    out, err = capsys.readouterr()
    produced += [out, err]
    for path in _files_under(project_dir):
        produced.append(path.read_bytes().decode("utf-8", "replace"))
    leaks = [needle for needle in NEEDLES if any(needle in text for text in produced)]
    assert not leaks, f"secret values leaked by {' '.join(argv)}"


def test_the_canary_would_be_caught(project_dir):
    """The search itself works: a file containing a canary is found."""
    (project_dir / "var").mkdir(exist_ok=True)
    (project_dir / "var" / "oops.log").write_text(f"token={CANARIES['BOT_JIIA_X_API_SECRET']}")
    texts = [p.read_text() for p in _files_under(project_dir)]
    assert any(CANARIES["BOT_JIIA_X_API_SECRET"] in t for t in texts)
