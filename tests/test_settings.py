from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

BAD_CONFIGS = [
    ('[bot]\ntimezone = "Mars/Olympus"\n', "bot.timezone: unknown IANA time zone 'Mars/Olympus'"),
    ('[links]\nutm_medum = "social"\n', "links.utm_medum: unknown key"),
    ('[hashtags]\nx = ["no-hash"]\n', "hashtags.x"),
    ('[prices]\nx_post = -1\n', "prices.x_post"),
    ('[facebook]\ngraph_version = "24"\n', "facebook.graph_version"),
    ('[[accounts]]\nname = "fb"\nplatform = "facebook"\n', "needs page_id"),
    ('[[accounts]]\nname = "a"\nplatform = "x"\n[[accounts]]\nname = "a"\nplatform = "x"\n', "duplicate account"),
    ('[bot\n', "not valid TOML"),
    ('[[accounts]]\nname = "x1"\nplatform = "x"\ntoken = "' + "1234567890" + "-abcdefghijklmnopqrstuvwxyzABCD" + '"\n', "looks like an access token"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_CONFIGS)
def test_bad_config_names_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(str(path))
    assert expected in str(info.value)
    assert info.value.exit_code == 2


def test_shipped_config_is_valid() -> None:
    settings = load_settings(Path(__file__).parent.parent / "config" / "bot.toml")
    assert {a.platform for a in settings.accounts} == {"x", "facebook"}
    assert settings.account("jiia-x").env_prefix == "BOT_JIIA_X_"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_database_url_defaults_to_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(Path(__file__).parent.parent / "config" / "bot.toml")
    assert settings.database_url == "sqlite:///var/bot.sqlite3"
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert settings.database_url == "postgresql+psycopg://u@h/db"
