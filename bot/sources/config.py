"""`[[sources]]`, `[watch]` and `[notify]` in config/bot.toml: validated like the rest of the settings.

Kept apart from bot/settings.py (which only lists these sections) so the autopilot's rules live with it.
Notification URLs may name environment variables (`slack://${BOT_SLACK_TOKEN}/...`): they are expanded only at
the moment of sending and never written anywhere.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_NAME = r"^[a-z0-9][a-z0-9_-]*$"
_ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Strict):
    """One place new reports appear: an RSS/Atom feed, an HTML list page, or a sitemap."""

    name: str = Field(pattern=_NAME, max_length=60)
    kind: Literal["feed", "index", "sitemap"]
    url: str
    language: Literal["en", "ja"] = "en"
    accounts: tuple[str, ...] = Field(min_length=1)
    template: str = Field("session-report", pattern=_NAME)
    pattern: str | None = None  # regex over the absolute link URL: which links are reports
    selector: str | None = None  # CSS selector of the report links (index pages only)
    approval: bool = True  # drafted campaigns wait for `bot approve`

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"{value!r} is not a regular expression: {error}") from None
        return value

    @field_validator("selector")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        if value is not None:
            from cssselect import GenericTranslator, SelectorError

            try:
                GenericTranslator().css_to_xpath(value)
            except SelectorError as error:
                raise ValueError(f"{value!r} is not a CSS selector: {error}") from None
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> SourceConfig:
        if self.selector is not None and self.kind != "index":
            raise ValueError(f"source {self.name!r}: selector is only for kind = \"index\"")
        if self.kind == "index" and self.selector is None and self.pattern is None:
            raise ValueError(f"source {self.name!r}: an index page needs a pattern or a selector for its report links")
        if len(set(self.accounts)) != len(self.accounts):
            raise ValueError(f"source {self.name!r}: an account is listed twice")
        return self


class WatchSection(_Strict):
    """How the sources are swept (`bot watch`, and inside `bot run` every `every_minutes`)."""

    every_minutes: float = Field(30.0, gt=0)
    host_delay_seconds: float = Field(2.0, ge=0)  # politeness: between two requests to one host
    timeout_seconds: float = Field(20.0, gt=0)
    max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    retry_initial_minutes: float = Field(5.0, gt=0)  # a failing source: 5, 10, 20, ... minutes
    retry_max_minutes: float = Field(360.0, gt=0)
    first_sweep_limit: int = Field(3, ge=0)  # more unseen reports than this on a new source: backfill first
    recheck_days: float = Field(14.0, ge=0)  # pages first seen this recently are re-read for changes
    recheck_minutes: float = Field(360.0, gt=0)


class NotifySection(_Strict):
    """Reviewers to tell when a campaign waits for approval (Apprise URLs; `${VAR}` read from the environment)."""

    urls: tuple[str, ...] = ()
    remind_before_minutes: float = Field(120.0, ge=0)  # reminder this long before the first draft would expire
    approve_hint: str = "bot approve {campaign}"

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, url in enumerate(value):
            if not re.match(r"^[a-z][a-z0-9+.-]*://", url):
                raise ValueError(f"[{index}] {redacted(url)!r} is not an Apprise URL (scheme://...)")
        return value


def redacted(url: str) -> str:
    """What may be shown of a notification URL: its scheme only (the rest may hold a secret)."""
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://…" if sep else "…"


def env_references(url: str) -> list[str]:
    return _ENV_REFERENCE.findall(url)


def expand_env(url: str, environ: dict[str, str]) -> str:
    """`${VAR}` → its value; a missing variable is a KeyError naming it (never the URL)."""
    return _ENV_REFERENCE.sub(lambda m: environ[m.group(1)], url)


def check_sources(sources: tuple[SourceConfig, ...], accounts: set[str]) -> None:
    """Cross-checks the Settings model runs: unique names, known accounts (ValueError naming the field)."""
    names: set[str] = set()
    for index, source in enumerate(sources):
        if source.name in names:
            raise ValueError(f"sources[{index}].name: {source.name!r} is used twice")
        names.add(source.name)
        for position, account in enumerate(source.accounts):
            if account not in accounts:
                known = ", ".join(sorted(accounts)) or "none configured"
                raise ValueError(f"sources[{index}].accounts[{position}]: unknown account {account!r} (known: {known})")
