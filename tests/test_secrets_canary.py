"""Canary secrets: every command in `bot.cli.COMMANDS` does its real work with recognisable fake secrets
configured, and everything the bot produced is searched for them.

One scenario per log format (`-vv` text, `-vv --log-json`) walks a project copy through the whole job:
ingest → findings → drafts → post (dry-run) → accounts check → plan (+ICS) → schedule (a campaign due now and
one awaiting approval) → queue → approve → run → history → repost → cancel → live failures against a hostile
fake platform (401 and 500 that quote back every credential they received) → retry → preview → card. Each
command runs in its text form and, where it has one, its `--json` form. The secrets sit in the environment
(BOT_<ACCOUNT>_*) and in a 0600 `.env` (one account each way, plus a shadowed value the environment
overrides). Searched: stdout, stderr (the bot's logs), third-party library log records at DEBUG, the full
traceback chain of any exception leaving the CLI, and the bytes of every file under the project (SQLite ledger,
journals, ICS, preview HTML, card PNGs) — for each value raw, URL-encoded and base64-encoded.

The secret registry in `bot.logs` is emptied before every command, as a fresh process would have it, so a
value masked only because an earlier command happened to register it still counts as a leak.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import click
import pytest
import responses

import bot.cli
import bot.logs
from bot.cli import COMMANDS, main

SLUG = "tgd5-part3-2-future-of-international-security"
REPORT = f"content/{SLUG}.md"
HTML = Path(__file__).parent / "fixtures" / "reports" / f"{SLUG}.html"
URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"

# Values with '+', '/', '=' and ' ' so their URL-encoded and base64 forms differ from the raw value.
X_SECRETS = {
    "BOT_JIIA_X_API_KEY": "CanaryApiKey+q7w8/e9",
    "BOT_JIIA_X_API_SECRET": "CanaryApiSecret=r4t5 y6",
    "BOT_JIIA_X_ACCESS_TOKEN": "9876543210-CanaryAccessToken/u1i2o3",
    "BOT_JIIA_X_ACCESS_TOKEN_SECRET": "CanaryTokenSecret+p0a9s8",
    "BOT_JIIA_X_OAUTH2_TOKEN": "CanaryOauth2Token=z1x2c3",  # set but unused (the account uses OAuth 1.0a)
}
FB_SECRETS = {"BOT_JIIA_FACEBOOK_PAGE_TOKEN": "EAACanaryPageToken+d7f6/g5h4"}
SHADOWED = {  # in .env but overridden by the environment: never loaded, must never show either
    "BOT_JIIA_X_API_KEY": "CanaryShadowedApiKey+k9j8",
    "BOT_JIIA_FACEBOOK_PAGE_TOKEN": "EAACanaryShadowedPage/m5n4",
}
ALL_VALUES = [*X_SECRETS.values(), *FB_SECRETS.values(), *SHADOWED.values()]

DUE_NOW = f"""\
[campaign]
name = "due"
report = "{SLUG}"
accounts = ["jiia-x", "jiia-facebook"]

[announcement]
at = "now"

[highlights]
count = 2
start = "now"
every_minutes = 0
"""
AWAITING_APPROVAL = f"""\
[campaign]
name = "later"
report = "{SLUG}"
accounts = ["jiia-x", "jiia-facebook"]
approval = true

[highlights]
count = 1
times = ["2099-06-01T12:00"]
"""

# The scenario, in order: (argv template, expected exit code, fake platform for live calls or None).
# Templates name ledger posts as {draft}, {posted}, {pending}, {retryable}: looked up when the step runs.
STEPS: list[tuple[str, int, str | None]] = [
    (f"ingest {HTML} --url {URL} --content-dir var/ingested", 0, None),
    (f"ingest {HTML} --url {URL} --content-dir var/ingested --force --json", 0, None),
    (f"findings {REPORT} --all", 0, None),
    (f"findings {SLUG} --json", 0, None),
    (f"draft {REPORT} --thread", 0, None),
    (f"draft {SLUG} --json", 0, None),
    (f"post {REPORT} --dry-run --journal var/post-journal.jsonl", 0, None),
    (f"post {SLUG} --json --journal var/post-journal.jsonl", 0, None),
    ("accounts check", 0, None),
    ("accounts check --json", 0, None),
    ("plan --dir campaigns --ics var/plan.ics", 0, None),
    ("plan --dir campaigns --json --ics var/plan-json.ics", 0, None),
    ("plan --json", 0, None),
    ("schedule --dir campaigns", 0, None),
    ("schedule --dir campaigns --json", 0, None),
    ("queue", 0, None),
    ("queue --json", 0, None),
    ("approve {draft} --json", 0, None),
    ("approve later", 0, None),
    ("run --until-idle --journal var/run-journal.jsonl", 0, None),
    ("run --until-idle --json", 0, None),
    ("run --until-idle --resume", 0, None),
    ("history", 0, None),
    ("history --json", 0, None),
    ("history --rehearsal", 0, None),
    ("history --rehearsal --json", 0, None),
    ("queue --rehearsal --json", 0, None),
    ("rehearse --dir campaigns", 0, None),
    ("rehearse --days 3 --json", 0, None),
    ("repost {posted} --at 2099-07-01T09:00", 0, None),
    ("cancel {pending}", 0, None),
    ("cancel {pending} --json", 0, None),
    ("repost {posted} --json", 0, None),
    ("accounts check --live", 1, "401"),
    ("accounts check --live --json", 1, "500"),
    (f"post {SLUG} --live --again", 1, "401"),  # --again: one of its texts is already posted (see below)
    (f"post {SLUG} --live --json --kind announcement --again", 1, "500"),
    ("run --until-idle --live", 1, "401"),
    ("retry {retryable}", 0, None),
    ("run --until-idle --live --json", 0, "500"),
    ("retry {retryable} --json", 0, None),
    ("queue", 0, None),
    (f"preview {SLUG} --cards --out var/preview", 0, None),
    ("preview --plan --json --out var/preview-plan.html", 0, None),
    ("preview --plan --rehearse --out var/preview-rehearsed.html", 0, None),
    (f"card {SLUG} --size x", 0, None),
    (f"card {SLUG} --finding 1 --json --out var/cards-json", 0, None),
    ("serve --check", 0, None),
    ("watch --once", 1, None),  # autopilot: the canary source is unreachable (no network): reported, exit 1
    ("watch --backfill --json", 1, None),
    ("sources", 0, None),
    ("sources --json", 0, None),
    ("serve --host 0.0.0.0 --port 8099", 2, None),  # no reviewers configured: refused beyond loopback
]
AUTOPILOT = """
[[sources]]
name = "canary"
kind = "feed"
url = "https://www.example.org/reports/feed.xml"
accounts = ["jiia-x"]

[notify]
urls = ["json://127.0.0.1:9/hook/${BOT_JIIA_X_API_KEY}"]
"""
LOG_MODES = {"text-logs": ["-vv"], "json-logs": ["-vv", "--log-json"]}


# ── what counts as a leak ───────────────────────────────────────────────────────────────────────────
def _base64_fragments(value: bytes) -> set[bytes]:
    """Substrings every base64 encoding of `value` contains, whatever its offset in the encoded data."""
    fragments = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + value)
        whole = (offset + len(value)) // 3 * 4  # later characters also depend on the bytes that follow
        start = 4 if offset else 0  # the first group mixes in the bytes before
        fragment = encoded[start:whole]
        fragments |= {fragment, fragment.replace(b"+", b"-").replace(b"/", b"_")}
    return {f for f in fragments if len(f) >= 12}


def _needles(value: str) -> dict[bytes, str]:
    """{byte pattern: how it is encoded} for a secret. An X access token's numeric prefix is the public user
    id (it is in URLs), so only the part after the dash is secret."""
    secret = value.split("-", 1)[1] if re.match(r"^\d+-", value) else value
    found = {
        quote(secret, safe="").encode(): "URL-encoded",
        quote_plus(secret).encode(): "form-encoded",
        secret.encode(): "raw",
    }
    found.update(dict.fromkeys(_base64_fragments(secret.encode()), "base64"))
    return found


NEEDLES = {needle: f"{value!r} ({how})" for value in ALL_VALUES for needle, how in _needles(value).items()}


def _leaks(blob: bytes) -> list[str]:
    return sorted({what for needle, what in NEEDLES.items() if needle in blob})


def _project_files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".env")


# ── a hostile fake platform ─────────────────────────────────────────────────────────────────────────
def _hostile(status: int) -> Any:
    """Refuses with `status`, quoting back everything it was sent (headers, query, body), raw and decoded."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        body = request.body or ""
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        url = str(request.url)
        auth = request.headers.get("Authorization", "")
        tokens = " ".join(re.findall(r"(?:access|input)_token=[^&\s]*", f"{body} {url}"))
        seen = f"{auth} {tokens} {body[:300]} {url}"
        message = f"Invalid OAuth access token {seen}"
        data = {
            "title": "Unauthorized" if status == 401 else "Internal Error",
            "detail": message,
            "status": status,
            "type": "about:blank",
            "errors": [{"message": message, "code": 89}],
            "error": {"message": message, "type": "OAuthException", "code": 190 if status == 401 else 2},
        }
        return status, {"content-type": "application/json", "x-echo": seen[:500]}, json.dumps(data)

    return answer


# ── running the scenario ────────────────────────────────────────────────────────────────────────────
class Scenario:
    """Runs bot commands in-process like separate processes would, collecting every byte they produce."""

    def __init__(self, root: Path, prefix: list[str], monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
        self.root, self.prefix, self.monkeypatch, self.capsys, self.caplog = root, prefix, monkeypatch, capsys, caplog
        self.produced: list[tuple[str, bytes]] = []
        self.exceptions: list[str] = []
        original = bot.cli.cli.main

        def recording_main(*args: Any, **kwargs: Any) -> Any:
            try:
                return original(*args, **kwargs)
            except Exception as error:  # what leaves the CLI, with its whole __cause__/__context__ chain
                self.exceptions.append("".join(traceback.format_exception(error)) + repr(error) + repr(error.args))
                raise

        monkeypatch.setattr(bot.cli.cli, "main", recording_main)

    def run(self, template: str, expected: int, platform: str | None) -> str:
        argv = self.prefix + template.format_map(_PostLookup()).split()
        self.monkeypatch.setattr(bot.logs, "_secret_values", set())  # a fresh process knows no secrets yet
        self.exceptions.clear()
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            if platform is not None:
                for method in ("GET", "POST", "DELETE"):
                    mock.add_callback(method, re.compile(r"https://.*"), callback=_hostile(int(platform)))
            code = _exit_code(argv)
        out, err = self.capsys.readouterr()
        label = " ".join(argv)
        self.produced += [(f"stdout of {label}", out.encode()), (f"stderr of {label}", err.encode()),
                          (f"library logs of {label}", self.caplog.text.encode())]  # fmt: skip
        self.produced += [(f"exception from {label}", text.encode()) for text in self.exceptions]
        self.caplog.clear()
        assert code == expected, f"{label} exited {code}, expected {expected}\n{out}\n{err}"
        return out

    def files(self) -> list[tuple[str, bytes]]:
        return [(str(p.relative_to(self.root)), p.read_bytes()) for p in _project_files(self.root)]


def _exit_code(argv: list[str]) -> int:
    try:
        result = main(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return result if isinstance(result, int) else 0


WANTED_STATUS = {"draft": ("draft",), "posted": ("posted",), "pending": ("pending",),
                 "retryable": ("failed", "unconfirmed", "missed", "expired")}  # fmt: skip


class _PostLookup(dict[str, str]):
    """Template fields → a ledger post id in the state the step needs (read straight from the ledger)."""

    def __missing__(self, key: str) -> str:
        from bot.ledger.store import open_store
        from bot.settings import load_settings

        store = open_store(load_settings())
        if key == "posted" and not store.history():
            _publish_one_as_a_live_run_would(store)
        posts = store.history() if key == "posted" else store.queue()
        ids = [p.id for p in posts if p.status in WANTED_STATUS[key]]
        assert ids, f"no {key} post in the ledger for this step: {[(p.id, p.status) for p in posts]}"
        return str(ids[0])


def _publish_one_as_a_live_run_would(store: Any) -> None:
    """A dry-run never publishes into the ledger, and the scenario's live platform is hostile: the one post the
    repost steps need is marked published directly, as a successful `bot run --live` would leave it."""
    import datetime as dt

    from sqlalchemy import update

    from bot.ledger.models import Post

    post = next(p for p in store.queue() if p.status == "pending" and p.platform == "x")
    with store.transaction() as session:
        session.execute(update(Post).where(Post.id == post.id).values(
            status="posted", remote_id="1234567890123456789", remote_url="https://x.com/i/status/1234567890123456789",
            posted_at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC)))


def _prepare(root: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    """Secrets half in the environment, half in a private .env; campaigns; no retry sleeps."""
    in_env, in_dotenv = (X_SECRETS, FB_SECRETS) if mode == "text-logs" else (FB_SECRETS, X_SECRETS)
    for name, value in in_env.items():
        monkeypatch.setenv(name, value)
    shadowed = {k: v for k, v in SHADOWED.items() if k in in_env}
    dotenv = root / ".env"
    dotenv.write_text("".join(f'{k}="{v}"\n' for k, v in {**in_dotenv, **shadowed}.items()))
    dotenv.chmod(0o600)
    (root / "campaigns").mkdir()
    (root / "campaigns" / "due.toml").write_text(DUE_NOW)
    (root / "campaigns" / "later.toml").write_text(AWAITING_APPROVAL)
    config = root / "config" / "bot.toml"  # a live 500 gives up at once instead of backing off in real time
    text = config.read_text().replace("[runner]\n", "[runner]\nmax_attempts = 1\n", 1)
    config.write_text(text + "\n[retry]\nattempts = 1\n" + AUTOPILOT)
    monkeypatch.setenv("BOT_DRYRUN_JOURNAL", str(root / "var" / "dryrun-env.jsonl"))
    monkeypatch.setenv("HOME", str(root / "home"))  # anything written under ~ is searched too


@pytest.mark.parametrize("mode", LOG_MODES)
def test_no_secret_reaches_any_output_or_file(project_dir, monkeypatch, capsys, caplog, mode):
    _prepare(project_dir, monkeypatch, mode)
    caplog.set_level(logging.DEBUG)  # third-party libraries' records too, as if someone turned them on
    scenario = Scenario(project_dir, LOG_MODES[mode], monkeypatch, capsys, caplog)
    outputs = {template: scenario.run(template, expected, platform) for template, expected, platform in STEPS}

    # The commands did their work (a scenario that silently failed early would prove nothing).
    assert json.loads(outputs["history --rehearsal --json"]), "the dry-run rehearsed nothing"
    assert not json.loads(outputs["history --json"]), "a dry-run published into the real ledger"
    assert (project_dir / "var" / "plan.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert list((project_dir / "var" / "preview").glob("*.html"))
    assert list((project_dir / "var" / "cards-json").glob("*.png"))
    journals = [p for p in _project_files(project_dir) if p.suffix == ".jsonl"]
    assert len(journals) >= 2 and all(p.stat().st_size for p in journals)
    assert any(p.name.startswith("bot.sqlite3") for p in (project_dir / "var").iterdir())
    logs = b"".join(blob for where, blob in scenario.produced if where.startswith("stderr"))
    assert b"bot.runner" in logs and b"DEBUG" in logs.upper(), "the -vv logs were not produced"
    if mode == "json-logs":
        assert b'"level": "debug"' in logs

    leaks = [(where, found) for where, blob in scenario.produced + scenario.files() if (found := _leaks(blob))]
    assert not leaks, "secret values leaked:\n" + "\n".join(f"  {where}: {found}" for where, found in leaks)


# ── guards ──────────────────────────────────────────────────────────────────────────────────────────
def _json_capable(command: click.Command) -> bool:
    if isinstance(command, click.Group):
        return any(_json_capable(sub) for sub in command.commands.values())
    return any("--json" in getattr(param, "opts", ()) for param in command.params)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_scenario_in_each_output_form(name):
    """A new command cannot escape: it needs steps here, a --json one too if it has --json."""
    runs = [template.split() for template, _, _ in STEPS if template.split()[0] == name]
    assert runs, f"command {name!r} is not exercised by the canary scenario: add it to STEPS"
    command = bot.cli.cli.get_command(click.Context(bot.cli.cli), name)
    assert command is not None
    assert any("--json" not in argv and "--help" not in argv for argv in runs), f"{name}: no text-output step"
    if _json_capable(command):
        assert any("--json" in argv for argv in runs), f"{name} has --json but no --json step"


def test_the_search_finds_each_encoding():
    """The search itself works: a raw, URL-encoded and base64-encoded value inside other text are found."""
    value = X_SECRETS["BOT_JIIA_X_API_KEY"]
    assert _leaks(f"key={value}&x=1".encode())
    assert _leaks(f'oauth_consumer_key="{quote(value, safe="")}"'.encode())
    for prefix in (b"", b"a", b"ab"):
        assert _leaks(b"Basic " + base64.b64encode(prefix + value.encode() + b":more"))
    assert not _leaks(b"9876543210")  # the public user-id part of an access token is not a secret
    assert _leaks(X_SECRETS["BOT_JIIA_X_ACCESS_TOKEN"].split("-", 1)[1].encode())


@pytest.mark.parametrize("form", ["Key+a/b c", "Key%2Ba%2Fb%20c", "Key%2Ba%2Fb+c", "Key%252Ba%252Fb%2520c"])
def test_a_registered_secret_is_masked_raw_and_url_encoded(monkeypatch, form):
    """An OAuth header or form body carries the value percent-encoded (a signature base string, twice)."""
    monkeypatch.setattr(bot.logs, "_secret_values", set())
    bot.logs.register_secrets(["Key+a/b c"])
    assert bot.logs.mask_secrets(f"oauth_consumer_key={form}&x=1") == "oauth_consumer_key=****&x=1"
