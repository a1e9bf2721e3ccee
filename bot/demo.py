"""`make demo`: the bot's whole main job on the sample report, in dry-run, on the embedded SQLite default.

ingest → findings → drafts → a campaign due now → schedule → run until idle (dry-run) → what the rehearsal
would have published → the ledger, still holding every post → a rehearsal of the sample campaign on a
virtual clock. It uses its own ledger, rehearsal ledger and journal under var/demo/ (reset on every run) and
a campaign folder of its own, so it never touches the real ledger or the campaigns in schedules/, and nothing
is sent: no command is given --live. A dry-run `bot run` works on a rehearsal (a copy of the ledger), so
after it the demo's ledger still holds every post as pending — the promise the last steps show.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bot.cli import main as bot

SAMPLE = "tgd5-part3-2-future-of-international-security"
DEMO_DIR = Path("var/demo")
DEMO_CAMPAIGN = f"""\
# Written by `make demo`: every post of the sample report due now.
[campaign]
name = "demo"
report = "{SAMPLE}"
accounts = ["jiia-x", "jiia-facebook"]

[announcement]
at = "now"

[highlights]
count = 3
start = "now"
every_minutes = 0
"""


def _step(title: str, argv: list[str]) -> None:
    sys.stdout.write(f"\n── {title}\n   $ bot {' '.join(argv)}\n")
    sys.stdout.flush()
    code = bot(argv)
    if code:
        sys.exit(code)


def run_demo() -> None:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    (DEMO_DIR / "schedules").mkdir(parents=True)
    (DEMO_DIR / "schedules" / "demo.toml").write_text(DEMO_CAMPAIGN, encoding="utf-8")
    os.environ["BOT_DATABASE_URL"] = f"sqlite:///{DEMO_DIR / 'ledger.sqlite3'}"
    os.environ["BOT_REHEARSAL_DATABASE_URL"] = f"sqlite:///{DEMO_DIR / 'rehearsal.sqlite3'}"
    journal = DEMO_DIR / "journal.jsonl"

    _step("1. ingest the sample report (already in content/, so: unchanged)", ["ingest", f"content/{SAMPLE}.md"])
    _step("2. key findings", ["findings", SAMPLE])
    _step("3. drafts for X and Facebook", ["draft", SAMPLE])
    _step("4. plan a campaign whose posts are due now", ["plan", "--dir", str(DEMO_DIR / "schedules")])
    _step("5. apply it to the ledger", ["schedule", "--dir", str(DEMO_DIR / "schedules")])
    _step("6. publish what is due (dry-run: requests recorded, nothing sent, the ledger untouched)",
          ["run", "--until-idle", "--journal", str(journal)])
    _step("7. what the dry-run would have published (its rehearsal ledger)", ["history", "--rehearsal"])
    _step("8. the ledger itself: nothing was published, every post still waits for a live run", ["queue"])
    # The sample campaign rehearsed as on a fresh clone: over a ledger that has never seen a campaign.
    os.environ["BOT_DATABASE_URL"] = f"sqlite:///{DEMO_DIR / 'fresh-ledger.sqlite3'}"
    _step("9. rehearse the sample campaign in schedules/ on a virtual clock (its first week)",
          ["rehearse", "--days", "7"])
    requests = sum(1 for _ in journal.open(encoding="utf-8")) if journal.exists() else 0
    sys.stdout.write(f"\n{requests} HTTP requests recorded in {journal} (dry-run): nothing was sent.\n"
                     f"Look at them with: less {journal}\n")
    _autopilot()


def _autopilot() -> None:
    """Autopilot on a local copy of the sample's session list: a new session is found, its campaign drafted
    and a (dry-run) notification recorded; a person approves it, and the rehearsal plays it."""
    from bot.sources.demo import run_autopilot_demo

    result = run_autopilot_demo(DEMO_DIR / "autopilot")
    if result.campaign is None:
        sys.exit("autopilot drafted no campaign")
    os.environ["BOT_DATABASE_URL"] = result.database_url
    os.environ["BOT_REHEARSAL_DATABASE_URL"] = f"sqlite:///{DEMO_DIR / 'autopilot' / 'rehearsal.sqlite3'}"
    config = ["--config", str(result.config)]
    _step("A7. a reviewer approves the drafted campaign", [*config, "approve", result.campaign])
    _step("A8. rehearse it on a virtual clock: what would go out, when, with the exact requests",
          [*config, "rehearse", "--days", "3"])
    desk = (f"BOT_DATABASE_URL=sqlite:///{DEMO_DIR / 'ledger.sqlite3'} "
            f"BOT_REHEARSAL_DATABASE_URL=sqlite:///{DEMO_DIR / 'rehearsal.sqlite3'} "
            f"BOT_DRYRUN_JOURNAL={DEMO_DIR / 'journal.jsonl'} .venv/bin/bot serve")
    sys.stdout.write(f"\nOpen the review desk on the demo ledger (then http://127.0.0.1:8080/):\n    {desk}\n"
                     f"or on the autopilot's:\n    BOT_DATABASE_URL={result.database_url} .venv/bin/bot "
                     f"{' '.join(config)} serve\n")


if __name__ == "__main__":
    run_demo()
