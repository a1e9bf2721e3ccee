"""Autopilot in `make demo`: a local copy of the sample institute's session list on 127.0.0.1, a new session
appearing on it, `bot watch --once` drafting its campaign, the recorded dry-run notification.

`run_autopilot_demo()` is called by bot/demo.py. It works in a folder of its own (var/demo/autopilot: config,
content, schedules with the shipped templates, ledger), so it never touches the real ones, and nothing is sent:
notifications are recorded (dry-run). It returns what the caller needs to go on (`bot approve`, `bot rehearse`).
The session list mirrors the sample's (`tgd5_final.php?1` … `?8`); the new session's text is invented.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LIST_PATH = "/en/TGD/tgd5_final.php"
NEW_SESSION = (
    "Special Session: Keeping sea lanes open in an age of overlapping crises",
    [
        "The special session, held after the main programme, brought together four speakers from Japan, "
        "Southeast Asia and Europe to discuss how trade routes at sea can be protected when several crises "
        "unfold at once.",
        "Participants warned that the simultaneous pressure on the Red Sea and the waters around Taiwan has "
        "exposed how few alternative routes global shipping really has. It was recommended that like-minded "
        "countries pool their maritime surveillance data through a standing regional mechanism.",
        "Concern was expressed that insurance costs for merchant ships are rising faster than governments "
        "can respond, and the importance of public guarantees for shipping in high-risk waters was stressed.",
        "Finally, the speakers agreed that Japan should lead a dialogue on the rules of the sea with coastal "
        "states whose voices are rarely heard in such debates.",
    ],
)


def _page(title: str, paragraphs: list[str], number: int) -> str:
    """A session page as the institute serves it, with its public address as the canonical URL: the posts
    link there, not to the local copy (X would also count a bare IP address in full instead of as 23)."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    canonical = f"https://www.jiia.or.jp{LIST_PATH}?{number}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>The 5th Tokyo Global Dialogue '
            f'| Event Report</title><link rel="canonical" href="{canonical}"></head><body><main>'
            f'<article class="report-detail"><p class="category">Event Report</p>'
            f'<h1 class="event-name">The 5th Tokyo Global Dialogue</h1><p class="date">February 29</p>'
            f'<h2 class="session-title">{title}</h2><div class="report-body">{body}</div>'
            f'<p class="back"><a href="tgd5_final.php">back to session list</a></p></article></main></body></html>')


def _session_list(count: int) -> str:
    items = "".join(f'<li><a href="tgd5_final.php?{n}">Session report {n}</a></li>' for n in range(1, count + 1))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>The 5th Tokyo Global Dialogue'
            f'</title></head><body><h1>The 5th Tokyo Global Dialogue: Event Report</h1><ul class="sessions">'
            f'{items}</ul></body></html>')


class DemoSite:
    """The institute's pages, served with ETags (304 when unchanged) from a thread."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {LIST_PATH: _session_list(8).encode(), "/robots.txt": b"User-agent: *\n"}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add_session(self, number: int) -> str:
        title, paragraphs = NEW_SESSION
        self.pages[f"{LIST_PATH}?{number}"] = _page(title, paragraphs, number).encode()
        self.pages[LIST_PATH] = _session_list(number).encode()
        return f"{self.base}{LIST_PATH}?{number}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class AutopilotDemo:
    config: Path  # pass as `bot --config …` to go on (approve, queue, rehearse)
    database_url: str  # BOT_DATABASE_URL of the demo's own ledger
    campaign: str | None


def _config(base: Path, site: DemoSite) -> Path:
    text = Path("config/bot.toml").read_text(encoding="utf-8")
    text = text.replace('content_dir = "content"', f'content_dir = "{base / "content"}"')
    text = text.replace('schedules_dir = "schedules"', f'schedules_dir = "{base / "schedules"}"')
    text = text.replace('var_dir = "var"', f'var_dir = "{base / "var"}"')
    text += f"""
[watch]
host_delay_seconds = 0

[[sources]]
name = "tgd5-en"
kind = "index"
url = "{site.base}{LIST_PATH}"
language = "en"
accounts = ["jiia-x", "jiia-facebook"]
template = "session-report"
selector = "ul.sessions a"
pattern = "tgd5_final\\\\.php\\\\?\\\\d+$"
"""
    path = base / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_autopilot_demo(base: Path = Path("var/demo/autopilot"), write: Callable[[str], None] | None = None
                       ) -> AutopilotDemo:
    """Backfill the archive, add a session, `bot watch --once`, show the campaign and the notification."""
    from bot.cli import main as bot

    say = write or (lambda text: (sys.stdout.write(text), sys.stdout.flush()))
    shutil.rmtree(base, ignore_errors=True)
    (base / "content").mkdir(parents=True)
    shutil.copytree("schedules/templates", base / "schedules" / "templates")
    site = DemoSite()
    database_url = f"sqlite:///{base / 'ledger.sqlite3'}"
    previous = os.environ.get("BOT_DATABASE_URL")
    os.environ["BOT_DATABASE_URL"] = database_url
    try:
        config = _config(base, site)

        def step(title: str, argv: list[str]) -> None:
            say(f"\n── {title}\n   $ bot {' '.join(argv)}\n")
            code = bot(["--config", str(config), *argv])
            if code not in (0, None):
                raise SystemExit(code)

        step("A1. autopilot: record the session list's archive (8 reports) as seen, posting nothing",
             ["watch", "--backfill"])
        url = site.add_session(9)
        say(f"\n   (a new session appears on the list: {url})\n")
        step("A2. autopilot: one sweep finds it, ingests it, drafts its campaign for approval",
             ["watch", "--once"])
        campaigns = sorted((base / "schedules" / "auto").glob("*.toml"))
        if campaigns:
            say(f"\n── A3. the drafted campaign: {campaigns[0]}\n{campaigns[0].read_text(encoding='utf-8')}")
        step("A4. its posts wait for approval", ["queue"])
        journal = base / "var" / "notifications.jsonl"
        if journal.exists():
            entry = json.loads(journal.read_text(encoding="utf-8").splitlines()[-1])
            say(f"\n── A5. the reviewers' notification (dry-run: recorded in {journal}, not sent)\n"
                f"   {entry['title']}\n" + "".join(f"   {line}\n" for line in entry["body"].splitlines()))
        step("A6. the sources", ["sources"])
        return AutopilotDemo(config, database_url, campaigns[0].stem if campaigns else None)
    finally:
        site.close()
        if previous is None:
            os.environ.pop("BOT_DATABASE_URL", None)
        else:
            os.environ["BOT_DATABASE_URL"] = previous


if __name__ == "__main__":
    result = run_autopilot_demo()
    sys.stdout.write(f"\nnext: BOT_DATABASE_URL={result.database_url} bot --config {result.config} "
                     f"approve {result.campaign}\n")
