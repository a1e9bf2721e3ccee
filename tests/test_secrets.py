"""Credentials come only from the environment or a private .env; they never print, pickle or log."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from bot.errors import InputError, MissingCredentials
from bot.logs import configure_logging
from bot.publish.credentials import load_credentials, missing_credentials, required_variables
from tests.publish_support import ALL_ENV, FB_ENV, X_ENV, make_settings

SETTINGS = make_settings()
X, X2, FB = (SETTINGS.account(n) for n in ("acct-x", "acct-x2", "acct-fb"))


def test_variable_names_per_platform_and_auth():
    assert required_variables(X) == ["BOT_ACCT_X_API_KEY", "BOT_ACCT_X_API_SECRET", "BOT_ACCT_X_ACCESS_TOKEN",
                                     "BOT_ACCT_X_ACCESS_TOKEN_SECRET"]  # fmt: skip
    assert required_variables(X2) == ["BOT_ACCT_X2_OAUTH2_TOKEN"]
    assert required_variables(FB) == ["BOT_ACCT_FB_PAGE_TOKEN"]


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        (
            {},
            [
                "BOT_ACCT_X_API_KEY",
                "BOT_ACCT_X_API_SECRET",
                "BOT_ACCT_X_ACCESS_TOKEN",
                "BOT_ACCT_X_ACCESS_TOKEN_SECRET",
            ],
        ),
        ({**X_ENV, "BOT_ACCT_X_API_SECRET": ""}, ["BOT_ACCT_X_API_SECRET"]),
        ({**X_ENV, "BOT_ACCT_X_ACCESS_TOKEN": "   "}, ["BOT_ACCT_X_ACCESS_TOKEN"]),
        (X_ENV, []),
    ],
)
def test_missing_credentials_lists_names(environ, missing):
    assert missing_credentials(X, environ) == missing


def test_load_raises_naming_variables_not_values():
    with pytest.raises(MissingCredentials) as caught:
        load_credentials(X, environ={"BOT_ACCT_X_API_KEY": "ck-TESTKEY1234"}, dotenv_path=None)
    message = str(caught.value)
    assert "BOT_ACCT_X_API_SECRET" in message and "BOT_ACCT_X_API_KEY," not in message
    assert "ck-TESTKEY1234" not in message
    assert caught.value.exit_code == 2


def test_credentials_never_show_values():
    creds = load_credentials(X, environ=ALL_ENV, dotenv_path=None)
    assert creds["API_KEY"] == "ck-TESTKEY1234"
    for shown in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert not [v for v in X_ENV.values() if v in shown]
    with pytest.raises(TypeError):
        pickle.dumps(creds)


def _dotenv(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / ".env"
    path.write_text("BOT_ACCT_FB_PAGE_TOKEN=from-dotenv-TOKEN123\n")
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o666, 0o660])
def test_dotenv_readable_by_others_is_refused_naming_it(tmp_path, mode):
    path = _dotenv(tmp_path, mode)
    with pytest.raises(InputError, match=r"\.env.*readable by group/others.*chmod 600"):
        load_credentials(FB, environ={}, dotenv_path=path)


def test_private_dotenv_is_read_and_environment_wins(tmp_path):
    path = _dotenv(tmp_path, 0o600)
    assert load_credentials(FB, environ={}, dotenv_path=path)["PAGE_TOKEN"] == "from-dotenv-TOKEN123"
    assert load_credentials(FB, environ=FB_ENV, dotenv_path=path)["PAGE_TOKEN"] == "fbpage-TESTPAGETOKEN7777"


def test_loaded_secrets_are_masked_in_logs(capsys):
    load_credentials(FB, environ=FB_ENV, dotenv_path=None)
    configure_logging()
    logging.getLogger("bot.test").warning("token is %s", FB_ENV["BOT_ACCT_FB_PAGE_TOKEN"])
    err = capsys.readouterr().err
    assert "token is ****" in err and FB_ENV["BOT_ACCT_FB_PAGE_TOKEN"] not in err


def test_publisher_repr_does_not_show_secrets():
    from tests.publish_support import live_publisher

    publisher = live_publisher("acct-x")
    text = repr(publisher) + repr(publisher.credentials) + repr(vars(publisher))
    assert not [v for v in X_ENV.values() if v in text]


def test_library_debug_logs_are_masked(caplog):
    """tweepy logs request headers (the Bearer token) at DEBUG: if anyone enables it, the value is masked."""
    import bot.publish.adapter  # noqa: F401  (installs the filters)

    token = load_credentials(X2, environ=ALL_ENV, dotenv_path=None)["OAUTH2_TOKEN"]
    with caplog.at_level(logging.DEBUG, logger="tweepy.client"):
        logging.getLogger("tweepy.client").debug("Headers: %s", {"Authorization": f"Bearer {token}"})
    assert "Bearer ****" in caplog.text and token not in caplog.text
