"""Per-invocation state shared by the commands: settings (loaded on first use), logging, output helpers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from bot.schedule.clock import Clock
    from bot.settings import Settings


def _system_clock() -> Clock:
    from bot.schedule.clock import SystemClock

    return SystemClock()


# Where every command gets "now" from. The only place the CLI reads the wall clock: tests replace it with a
# FakeClock (tests/conftest.py), so no test depends on today's date.
clock_factory: Callable[[], Clock] = _system_clock


@dataclass
class AppContext:
    config_path: str | None = None
    log_json: bool = False
    verbosity: int = 0
    _logging_ready: bool = field(default=False, repr=False)
    clock: Clock = field(default_factory=lambda: clock_factory(), repr=False)

    def now(self) -> dt.datetime:
        """The current instant (aware, UTC) from the injected clock."""
        return self.clock.now()

    @cached_property
    def settings(self) -> Settings:
        from bot.settings import load_settings

        settings = load_settings(self.config_path)
        self.setup_logging()
        return settings

    def setup_logging(self) -> None:
        if self._logging_ready:
            return
        from bot.logs import configure_logging

        configure_logging(json_lines=self.log_json, verbosity=self.verbosity)
        self._logging_ready = True

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    """Print machine-readable output: one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def pass_app(f: Any) -> Any:
    return click.pass_obj(f)
