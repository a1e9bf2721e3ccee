"""Shared fixtures. Real sockets are blocked for the whole suite (pytest-socket, see pyproject addopts);
only loopback is allowed, for the PostgreSQL tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.schedule.clock import FakeClock
from tests.cli_support import TEST_NOW

# Registered once here, for every test module (a module importing it as well would stop pytest rewriting its asserts).
pytest_plugins = ["tests.ledger_fixtures", "tests.browser_support"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE_REPORT_TXT = SHARED / "reports" / "tgd5-part3-2-future-of-international-security.txt"


@pytest.fixture(autouse=True)
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock every in-process `bot …` command reads (bot.cli.context.clock_factory), pinned to TEST_NOW.
    A test moves it with `cli_clock.set(...)` / `.advance(...)`."""
    clock = FakeClock(TEST_NOW)
    monkeypatch.setattr("bot.cli.context.clock_factory", lambda: clock)
    return clock


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's real credentials or database."""
    for name in list(os.environ):
        if name.startswith("BOT_") and name != "BOT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away copy of the project's config/content/schedules, as the working directory."""
    import shutil

    for name in ("config", "content", "schedules"):
        src = ROOT / name
        if src.exists():
            shutil.copytree(src, tmp_path / name)
        else:
            (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path
