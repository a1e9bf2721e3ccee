from __future__ import annotations

import subprocess
import sys

from bot.cli import COMMANDS


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
