"""`bot serve`: the review desk in the browser, over the same ledger as the other commands."""

from __future__ import annotations

import ipaddress
import sys

import click

from bot.cli.context import AppContext, pass_app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback needs [[web.users]] or a trusted proxy header.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port.")
@click.option("--check", is_flag=True, help="Check the settings and the ledger, print what would be served, exit.")
@click.option("--hash-password", is_flag=True,
              help="Read a password (prompted, or one line on stdin) and print its argon2 hash for [[web.users]].")
@pass_app
def serve_command(app: AppContext, host: str, port: int, check: bool, hash_password: bool) -> None:
    """Serve the review desk: calendar, queue, posts, history, reports; approve, edit, reschedule, cancel,
    retry, repost. Binds 127.0.0.1 unless told otherwise."""
    from bot.errors import InputError

    if hash_password:
        _print_hash()
        return
    settings = app.settings
    if not is_loopback(host) and not settings.web.has_users:
        raise InputError(f"--host {host}: refusing to serve beyond this machine without reviewers; add "
                         "[[web.users]] (or [web] trusted_user_header) to the config, or use 127.0.0.1")
    from bot.ledger.store import open_store
    from bot.web.app import create_app

    ledger = open_store(settings)
    who = f"{len(settings.web.users)} reviewer(s)" if settings.web.has_users else "no sign-in (loopback only)"
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if check:
        click.echo(f"would serve the review desk at {url} · {who} · ledger ok")
        return
    application = create_app(settings, ledger, hosts=(host,))
    click.echo(f"review desk at {url} · {who} · Ctrl-C stops it", err=True)
    import uvicorn

    uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=True,
                server_header=False, date_header=False)


def _print_hash() -> None:
    from bot.web.security import hash_password

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        from bot.errors import InputError

        raise InputError("the password must have at least 8 characters")
    click.echo(hash_password(password))
