from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from bot.cli import COMMANDS, main


def test_top_level_help_lists_every_command_without_heavy_imports() -> None:
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('tweepy', 'facebook', 'apscheduler', 'sqlalchemy', 'pydantic', 'rich') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for name in COMMANDS:
        assert f"  {name} " in out
    assert "HEAVY []" in out


def test_unknown_command_is_a_usage_error() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "frobnicate" in result.stderr



@click.command("exit-one")
@click.pass_context
def exit_one_command(ctx: click.Context) -> None:
    ctx.exit(1)


def test_main_returns_the_exit_code_a_command_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "exit-one", ("tests.test_cli_basics", "a command that fails"))
    assert main(["exit-one"]) == 1
    assert main(["--help"]) == 0


def test_python_dash_m_bot_exits_with_the_commands_exit_code() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    for argv in ([sys.executable, "-m", "bot"], [str(Path(sys.executable).parent / "bot")]):
        result = subprocess.run([*argv, "accounts", "check", "--live"], capture_output=True, text=True, env=env,
                                cwd=Path(__file__).parent.parent)
        assert result.returncode == 2, result.stderr
        assert "BOT_JIIA_X_API_KEY = missing" in result.stdout
