"""Autopilot's building blocks: [[sources]]/[notify] validation naming the field, one spelling per report URL,
templates that are never campaigns, and the `bot run` hook that never lets a failing sweep stop the runner."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest

from bot.errors import ConfigError
from bot.schedule.clock import FakeClock
from bot.settings import settings_from_dict
from bot.sources.autopilot import Autopilot, autopilot_hook
from bot.sources.canonical import canonical_url
from bot.sources.config import expand_env, redacted
from tests.cli_support import TEST_NOW, run_cli

ACCOUNTS = [{"name": "hci-x", "platform": "x"}]


def _settings(**source):
    base = {"name": "hci", "kind": "index", "url": "https://www.example.org/list", "accounts": ["hci-x"],
            "pattern": r"\?\d+$"}
    return settings_from_dict({"accounts": ACCOUNTS, "sources": [{**base, **source}]}, source="config/bot.toml")


@pytest.mark.parametrize(("change", "message"), [
    ({"kind": "rss"}, "sources[0].kind: Input should be 'feed', 'index' or 'sitemap'"),
    ({"url": "ftp://www.example.org/x"}, "sources[0].url: 'ftp://www.example.org/x' is not an http(s) URL"),
    ({"accounts": ["nobody"]}, "sources[0].accounts[0]: unknown account 'nobody' (known: hci-x)"),
    ({"pattern": "(unclosed"}, "sources[0].pattern: '(unclosed' is not a regular expression"),
    ({"selector": "ul >> a"}, "sources[0].selector: 'ul >> a' is not a CSS selector"),
    ({"pattern": None}, "sources[0]: source 'hci': an index page needs a pattern or a selector"),
    ({"kind": "feed", "selector": "a"}, "selector is only for kind = \"index\""),
    ({"langauge": "en"}, "sources[0].langauge: unknown key"),
])
def test_a_bad_source_is_refused_naming_the_field(change, message):
    with pytest.raises(ConfigError) as error:
        _settings(**change)
    assert message in str(error.value) and "config/bot.toml" in str(error.value)


def test_two_sources_with_one_name_are_refused():
    source = {"name": "a", "kind": "feed", "url": "https://www.example.org/f", "accounts": ["hci-x"]}
    with pytest.raises(ConfigError, match=r"sources\[1\].name: 'a' is used twice"):
        settings_from_dict({"accounts": ACCOUNTS, "sources": [source, source]})


def test_notify_urls_must_be_apprise_urls_and_are_shown_by_scheme_only():
    with pytest.raises(ConfigError, match=r"notify.urls: \[0\] '…' is not an Apprise URL"):
        settings_from_dict({"notify": {"urls": ["hooks.example.org/secret"]}})
    assert redacted("slack://T0/B0/secretpart") == "slack://…"
    assert expand_env("json://h/${BOT_A}/x", {"BOT_A": "v"}) == "json://h/v/x"
    with pytest.raises(KeyError, match="BOT_B"):
        expand_env("json://h/${BOT_B}", {})


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://WWW.Example.ORG:443/en/TGD/tgd5_final.php?1#top", "https://www.example.org/en/TGD/tgd5_final.php?1"),
    ("https://www.example.org/r?8&utm_source=rss&utm_medium=feed", "https://www.example.org/r?8"),
    ("https://www.example.org/r?id=3&fbclid=abc", "https://www.example.org/r?id=3"),
    ("http://www.example.org:8080", "http://www.example.org:8080/"),
    ("https://www.example.org/ja/報告.php?2", "https://www.example.org/ja/%E5%A0%B1%E5%91%8A.php?2"),
])
def test_one_spelling_per_report_url(url, expected):
    assert canonical_url(url) == expected


def test_relative_links_resolve_against_the_page_and_non_http_ones_are_refused():
    assert canonical_url("?3", "https://www.example.org/en/list.php?1") == "https://www.example.org/en/list.php?3"
    with pytest.raises(ValueError):
        canonical_url("mailto:events@example.org")


def test_templates_are_not_campaigns_and_auto_campaigns_are(project_dir, capsys):
    assert (project_dir / "schedules" / "templates" / "session-report.toml").exists()
    code, out, _ = run_cli(capsys, "plan", "--json")
    assert code == 0
    import json

    assert {p["campaign"] for p in json.loads(out)["posts"]} == {"tgd5-part3-2"}
    auto = project_dir / "schedules" / "auto"
    auto.mkdir()
    text = (project_dir / "schedules" / "tgd5-part3-2.toml").read_text(encoding="utf-8")
    (auto / "found.toml").write_text(text.replace('name = "tgd5-part3-2"', 'name = "found"'), encoding="utf-8")
    code, out, _ = run_cli(capsys, "plan", "--json")
    assert code == 0 and {p["campaign"] for p in json.loads(out)["posts"]} == {"tgd5-part3-2", "found"}


def test_bot_watch_refuses_a_missing_template_naming_the_field(project_dir, capsys):
    config = project_dir / "config" / "bot.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[[sources]]\nname = "a"\nkind = "feed"\n'
                      'url = "https://www.example.org/f"\naccounts = ["jiia-x"]\ntemplate = "nope"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "watch", "--once")
    assert code == 2 and "sources[0].template: no template schedules/templates/nope.toml" in err
    assert not (project_dir / "var").exists() or not list((project_dir / "var").glob("*.sqlite3"))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_run_hook_sweeps_every_interval_and_survives_a_failing_sweep(monkeypatch):
    settings = _settings()
    clock = FakeClock(TEST_NOW)
    calls: list[dt.datetime] = []
    done = threading.Event()

    def failing_sweep(*args, **kwargs):
        calls.append(kwargs["now"])
        done.set()
        raise RuntimeError("database is locked")

    monkeypatch.setattr("bot.sources.watch.sweep", failing_sweep)
    monkeypatch.setattr("bot.sources.watch.check_templates", lambda settings: None)
    monkeypatch.setattr("bot.ledger.db.open_ledger", lambda url: object())
    autopilot = Autopilot(settings, live=False, clock=clock)
    records = _Records()
    monkeypatch.setattr(logging.getLogger("bot.autopilot"), "handlers", [records])
    monkeypatch.setattr(logging.getLogger("bot.autopilot"), "propagate", False)

    autopilot.tick()
    assert done.wait(5)
    autopilot._thread.join(5)  # type: ignore[union-attr]
    autopilot.tick()  # too soon: nothing
    clock.advance(30 * 60)
    done.clear()
    autopilot.tick()
    assert done.wait(5)
    autopilot._thread.join(5)  # type: ignore[union-attr]

    assert calls == [TEST_NOW, TEST_NOW + dt.timedelta(minutes=30)]
    assert records.messages.count("autopilot sweep failed: database is locked") == 2
    assert autopilot_hook(settings_from_dict({}), live=False, clock=clock) is None  # no sources: no hook


def test_bot_sources_lists_a_source_never_fetched_yet(tmp_path, monkeypatch, capsys):
    from tests.autopilot_support import source_block, write_project
    from tests.cli_support import run_cli

    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, source_block("site-en", "feed", "https://www.example.org/feed.xml"))
    code, out, err = run_cli(capsys, "sources")
    assert code == 0, err
    assert "site-en" in out and "never" in out
