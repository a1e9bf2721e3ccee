"""Running the CLI in-process, as the console script does: the exit code is what `bot` would exit with,
whether the command raised SystemExit or returned a code (click's `ctx.exit(n)` in non-standalone mode)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli import main

# "Now" for every command run in-process (tests/conftest.py pins the CLI clock to it): the suite never
# depends on the day it runs.
TEST_NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `bot ARGV...`."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err
