"""config/bot.toml + environment → one validated, frozen Settings object.

The config file never holds secrets (a value that looks like a token is refused); secrets come from the
environment, see `bot.publish.credentials`. Every section rejects unknown keys so a typo is an error naming
the key, not a silently ignored setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.sources.config import NotifySection, SourceConfig, WatchSection, check_sources

DEFAULT_CONFIG = Path("config/bot.toml")

# Shapes of real X / Facebook credentials: a config file containing one of these is refused.
_TOKEN_PATTERNS = (
    re.compile(r"AAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{20,}"),  # X app bearer token
    re.compile(r"EAA[A-Za-z0-9]{40,}"),  # Facebook access token
    re.compile(r"\b[0-9]{6,}-[A-Za-z0-9]{25,}\b"),  # X OAuth 1.0a access token
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BotSection(_Section):
    timezone: str = "UTC"
    content_dir: str = "content"
    schedules_dir: str = "schedules"
    var_dir: str = "var"
    user_agent: str = "session-report-bot/0.1 (+https://github.com/; contact: comms office)"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


def plain_placeholders(value: str | None) -> str | None:
    """Templates take plain `{name}` placeholders only: a format spec or conversion (`{finding!r:>99999999}`)
    could pad a post to megabytes and stall `bot draft`. ValueError (the caller names the key) otherwise."""
    import string

    if value is None:
        return value
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)
                  if name is not None]
    except ValueError:
        return value  # a malformed template is named by the placeholder checks (bot.content.fit / links)
    for name, spec, conversion in fields:
        if spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"placeholder {shown[:60]} has a format spec or conversion: only plain {{{name}}} "
                             "placeholders are allowed")
    return value


class LinksSection(_Section):
    """UTM tagging of links back to the report; `{platform}` and `{event_slug}` are filled in."""

    utm_source: str = "{platform}"
    utm_medium: str = "social"
    utm_campaign: str = "{event_slug}"
    utm_content: str | None = None
    text_fragments: bool = True

    _plain = field_validator("utm_source", "utm_medium", "utm_campaign", "utm_content")(plain_placeholders)


def _check_hashtags(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    for tag in value or ():
        if not re.fullmatch(r"#\w+", tag):
            raise ValueError(f"{tag!r} is not a hashtag (expected '#Word')")
    return value


class LanguageHashtags(_Section):
    """Hashtags for reports in one language (`[hashtags.ja]`); a platform left out uses `[hashtags]`."""

    x: tuple[str, ...] | None = None
    facebook: tuple[str, ...] | None = None

    _tags = field_validator("x", "facebook")(_check_hashtags)


class HashtagsSection(_Section):
    """Hashtags every post of a platform carries (a report's or campaign's own hashtags come first)."""

    x: tuple[str, ...] = ()
    facebook: tuple[str, ...] = ()
    ja: LanguageHashtags = LanguageHashtags()

    _tags = field_validator("x", "facebook")(_check_hashtags)


JAPANESE_TEMPLATES = {
    "x_announcement": "新着報告：{event}「{title}」 {url} {hashtags}",
    "x_highlight": "{finding} {url} {hashtags}",
    "facebook_intro": "報告：{event}「{title}」",
    "facebook_findings_heading": "主なポイント：",
}


class LanguageTemplates(_Section):
    """Templates for reports in one language (`[templates.ja]`, chosen by the report's language or an
    account's `language`); a key left out uses `[templates]`."""

    x_announcement: str | None = None
    x_highlight: str | None = None
    facebook_intro: str | None = None
    facebook_findings_heading: str | None = None

    _plain = field_validator("x_announcement", "x_highlight", "facebook_intro",
                             "facebook_findings_heading")(plain_placeholders)


class TemplatesSection(_Section):
    """Post templates. Placeholders: {title} {event} {finding} {url} {date} {hashtags} {part} {session}."""

    x_announcement: str = "New report — {event}: {title} {url} {hashtags}"
    x_highlight: str = "{finding} {url} {hashtags}"
    facebook_intro: str = "Report from {event}: {title}"
    facebook_findings_heading: str = "Key points:"
    thread: bool = False
    ja: LanguageTemplates = Field(default_factory=lambda: LanguageTemplates(**JAPANESE_TEMPLATES))

    _plain = field_validator("x_announcement", "x_highlight", "facebook_intro",
                             "facebook_findings_heading")(plain_placeholders)


class PricesSection(_Section):
    """Estimated price per created post, in US dollars (X pay-per-use, see PLATFORMS.md)."""

    x_post: float = Field(0.015, ge=0)
    x_post_with_url: float = Field(0.20, ge=0)
    facebook_post: float = Field(0.0, ge=0)


class FacebookSection(_Section):
    graph_version: str = "v24.0"
    timeout_seconds: float = Field(20.0, gt=0)

    @field_validator("graph_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"v\d+\.\d+", value):
            raise ValueError(f"{value!r} is not a Graph API version like 'v24.0'")
        return value


class XSection(_Section):
    timeout_seconds: float = Field(20.0, gt=0)


class RetrySection(_Section):
    attempts: int = Field(4, ge=1, le=20)
    initial_seconds: float = Field(2.0, gt=0)
    max_seconds: float = Field(300.0, gt=0)


class RunnerSection(_Section):
    """How `bot run` treats time: late posts within `grace_seconds` still go out, older ones are `missed`."""

    grace_seconds: int = Field(3600, ge=0)
    max_attempts: int = Field(5, ge=1)
    poll_seconds: float = Field(30.0, gt=0)


class PacingSection(_Section):
    """Per-account budgets, from the documented platform limits (posts per window)."""

    x_posts_per_15min: int = Field(100, ge=1)
    x_posts_per_24h: int = Field(10_000, ge=1)
    facebook_posts_per_hour: int = Field(200, ge=1)
    min_gap_seconds: float = Field(0.0, ge=0)


class CardsSection(_Section):
    """Quote cards (`bot card`): an optional logo (default: config/logo.png when that file exists) and the font
    size range the finding is fitted into; a finding that does not fit at `min_font_size` is refused."""

    logo: str | None = None
    min_font_size: int = Field(30, ge=12, le=200)
    max_font_size: int = Field(60, ge=12, le=200)

    @model_validator(mode="after")
    def _range(self) -> CardsSection:
        if self.min_font_size > self.max_font_size:
            raise ValueError(f"min_font_size {self.min_font_size} is above max_font_size {self.max_font_size}")
        return self


class Account(_Section):
    """A publishing account. Secrets are never here: they come from BOT_<NAME>_* environment variables."""

    name: str
    platform: Literal["x", "facebook"]
    page_id: str | None = None
    auth: Literal["oauth1", "oauth2"] = "oauth1"
    language: Literal["en", "ja"] | None = None  # post templates/hashtags of this language, whatever the report's

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
            raise ValueError(f"account name {value!r} must be lower-case letters, digits, '-' or '_'")
        return value

    @field_validator("page_id")
    @classmethod
    def _page_id(cls, value: str | None) -> str | None:
        # A Page id is the number in the Page's "About" / Graph API id, never its name or vanity URL.
        if value is not None and not re.fullmatch(r"[0-9]{1,30}", value):
            raise ValueError(f"{value!r} is not a Facebook Page id (digits only, e.g. '100064766417470')")
        return value

    @model_validator(mode="after")
    def _page(self) -> Account:
        if self.platform == "facebook" and not self.page_id:
            raise ValueError(f"account {self.name!r}: a facebook account needs page_id")
        return self

    @property
    def env_prefix(self) -> str:
        """Prefix of this account's secret variables, e.g. BOT_JIIA_X_ for the account 'jiia-x'."""
        return "BOT_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper()) + "_"


class WebUser(_Section):
    """A named reviewer of the review desk (`bot serve`). `password_hash` is an argon2 hash (make one with
    `bot serve --hash-password`); a user without one can only sign in through the trusted proxy header."""

    name: str
    role: Literal["viewer", "editor"] = "viewer"
    password_hash: str | None = None

    @field_validator("name")
    @classmethod
    def _user_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}", value):
            raise ValueError(f"user name {value!r} must be letters, digits, '.', '_', '@' or '-'")
        return value

    @field_validator("password_hash")
    @classmethod
    def _argon2(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("$argon2"):
            raise ValueError("password_hash must be an argon2 hash ($argon2id$...), never a password")
        return value


class WebSection(_Section):
    """The review desk: its users, and optionally a reverse proxy that signs users in (the header naming the
    user is trusted only when `trusted_user_header` is set: the proxy must strip it from clients' requests)."""

    users: tuple[WebUser, ...] = ()
    trusted_user_header: str | None = None
    session_hours: float = Field(12.0, gt=0, le=24 * 30)
    allowed_hosts: tuple[str, ...] = ()  # Host headers accepted besides loopback and the --host given

    @model_validator(mode="after")
    def _unique_users(self) -> WebSection:
        names = [u.name for u in self.users]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate user name(s): {', '.join(dupes)}")
        return self

    @property
    def has_users(self) -> bool:
        return bool(self.users) or self.trusted_user_header is not None


class Settings(_Section):
    bot: BotSection = BotSection()
    links: LinksSection = LinksSection()
    hashtags: HashtagsSection = HashtagsSection()
    templates: TemplatesSection = TemplatesSection()
    prices: PricesSection = PricesSection()
    facebook: FacebookSection = FacebookSection()
    x: XSection = XSection()
    retry: RetrySection = RetrySection()
    runner: RunnerSection = RunnerSection()
    pacing: PacingSection = PacingSection()
    cards: CardsSection = CardsSection()
    web: WebSection = WebSection()  # review desk (`bot serve`)
    accounts: tuple[Account, ...] = ()
    sources: tuple[SourceConfig, ...] = ()  # autopilot (bot/sources/config.py)
    watch: WatchSection = WatchSection()
    notify: NotifySection = NotifySection()
    # Where the settings came from, for messages; not read from the file.
    source: str = Field("<defaults>", exclude=True)

    @model_validator(mode="after")
    def _unique_accounts(self) -> Settings:
        names = [a.name for a in self.accounts]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate account name(s): {', '.join(dupes)}")
        check_sources(self.sources, set(names))
        return self

    def account(self, name: str) -> Account:
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.accounts) or "none configured"
        raise ConfigError(f"unknown account {name!r} (known: {known})", source=self.source)

    @property
    def database_url(self) -> str:
        """BOT_DATABASE_URL, or the embedded SQLite file under var/. A malformed or unsupported value is refused
        here, before any path uses it (ConfigError naming BOT_DATABASE_URL, exit 2)."""
        from bot.ledger.db import parse_database_url

        url = os.environ.get("BOT_DATABASE_URL") or f"sqlite:///{Path(self.bot.var_dir) / 'bot.sqlite3'}"
        parse_database_url(url)
        return url


def _refuse_tokens(text: str, source: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if any(p.search(line) for p in _TOKEN_PATTERNS):
            raise ConfigError(
                f"line {number} looks like an access token; secrets belong in the environment "
                "(BOT_<ACCOUNT>_* variables or a private .env file), never in config files",
                source=source,
            )


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".") or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    return f"{where}: {message}"


def settings_from_dict(data: dict[str, Any], source: str = "<dict>") -> Settings:
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as error:
        raise ConfigError(_describe(error), source=source) from None


def _read_config_text(path: Path) -> str:
    """The config file's text; a directory, unreadable or non-UTF-8 file is a ConfigError, not a traceback."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"not UTF-8 text (bad byte at offset {error.start})", source=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a config file", source=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", source=str(path)) from None


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the config file (default config/bot.toml, or $BOT_CONFIG).

    A missing default file means defaults; a missing explicitly named file is an error.
    """
    explicit = path is not None or "BOT_CONFIG" in os.environ
    config_path = Path(path or os.environ.get("BOT_CONFIG") or DEFAULT_CONFIG)
    if not config_path.exists():
        if explicit:
            raise ConfigError("config file not found", source=str(config_path))
        return Settings()
    text = _read_config_text(config_path)
    _refuse_tokens(text, str(config_path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}", source=str(config_path)) from None
    return settings_from_dict(data, source=str(config_path))
