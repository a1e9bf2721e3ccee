"""`make demo`: the bot's whole main job on the sample report, in dry-run, on the embedded SQLite default.

ingest → findings → drafts → a campaign due now → schedule → run until idle → history. It uses its own
ledger and journal under var/demo/ (reset on every run) and a campaign folder of its own, so it never
touches the real ledger or the campaigns in schedules/, and nothing is sent: `bot run` is not given --live.
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
    journal = DEMO_DIR / "journal.jsonl"

    _step("1. ingest the sample report (already in content/, so: unchanged)", ["ingest", f"content/{SAMPLE}.md"])
    _step("2. key findings", ["findings", SAMPLE])
    _step("3. drafts for X and Facebook", ["draft", SAMPLE])
    _step("4. plan a campaign whose posts are due now", ["plan", "--dir", str(DEMO_DIR / "schedules")])
    _step("5. apply it to the ledger", ["schedule", "--dir", str(DEMO_DIR / "schedules")])
    _step("6. publish what is due (dry-run: requests recorded, nothing sent)",
          ["run", "--until-idle", "--journal", str(journal)])
    _step("7. history", ["history"])
    requests = sum(1 for _ in journal.open(encoding="utf-8")) if journal.exists() else 0
    sys.stdout.write(f"\n{requests} HTTP requests recorded in {journal} (dry-run): nothing was sent.\n"
                     f"Look at them with: less {journal}\n")


if __name__ == "__main__":
    run_demo()
