"""The README keeps up with the CLI: every command in `bot.cli.COMMANDS` is documented as `bot <name>`, and
the exit codes the CLI promises (its module docstring) are exactly the ones in the README's table."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import bot.cli
from bot.cli import COMMANDS

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next heading of level 1 or 2."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^#{{1,2}} |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def _table_codes(section: str) -> set[str]:
    """The first-column numbers of a Markdown table's rows."""
    return set(re.findall(r"^\|\s*(\d+)\s*\|\s*\S", section, re.MULTILINE))


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name):
    assert re.search(rf"\bbot {re.escape(name)}\b", _readme()), f"README.md never shows `bot {name}`"


def test_documented_exit_codes_match_the_cli():
    promised = set(re.findall(r"\b(\d)\s+(?:ok|failure|bad input)", bot.cli.__doc__ or ""))
    assert promised == {"0", "1", "2"}
    table = _table_codes(_section(_readme(), "Exit codes"))
    assert table == promised, f"README exit-code table lists {sorted(table)}, the CLI uses {sorted(promised)}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## Exit codes\n| 0 | ok |\n| 2 | bad |\n## Next\n| 1 | elsewhere |\n", {"0", "2"}),
        ("## Exit codes\n\n| code | meaning |\n|---|---|\n| 1 | fail |\n", {"1"}),
    ],
)
def test_the_exit_code_reader_stops_at_the_next_section(text, expected):
    assert _table_codes(_section(text, "Exit codes")) == expected


# ── the tour's examples run ────────────────────────────────────────────────────────────────────────
def _tour_commands(text: str) -> list[tuple[str, int]]:
    """Every `$ bot …` line in the tour's code blocks, in order, with the exit code written beside it
    (`# exit N`, default 0). A command shortened with "…" is an illustration, not a command: left out."""
    tour = _section(text, "A tour of the commands")
    commands = []
    for block in re.findall(r"^```\n(.*?)^```", tour, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            match = re.match(r"^\$ (bot .*?)\s*(?:#\s*exit (\d))?\s*$", line)
            if match and "…" not in match.group(1):
                commands.append((match.group(1), int(match.group(2) or 0)))
    return commands


def test_the_tour_shows_the_main_commands() -> None:
    names = {shlex.split(command)[1] for command, _ in _tour_commands(_readme())}
    assert {"ingest", "findings", "draft", "plan", "schedule", "run", "rehearse", "queue", "history"} <= names


def test_every_example_of_the_tour_runs_with_the_exit_code_it_shows(project_dir: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """In a fresh copy of the project, as a new user would type them (../shared is the real shared folder)."""
    from tests.cli_support import run_cli
    from tests.conftest import SHARED

    for command, expected in _tour_commands(_readme()):
        argv = [arg.replace("../shared/", f"{SHARED}/") for arg in shlex.split(command)[1:]]
        code, out, err = run_cli(capsys, *argv)
        assert code == expected, f"`{command}` exited {code}, the README shows {expected}:\n{out}{err}"
