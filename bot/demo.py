"""`make demo`: the bot's main job on the sample report, in dry-run, on the embedded SQLite default."""

from __future__ import annotations

from bot.cli import main as bot


def run_demo() -> None:
    bot(["draft", "content/tgd5-part3-2-future-of-international-security.md"])


if __name__ == "__main__":
    run_demo()
