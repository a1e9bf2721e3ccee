"""The review desk's safety rules: sign-in, roles, CSRF on every change, the login throttle, cookie flags,
escaping of hostile report text, no secret on any page, trusted hosts, and `bot serve` refusing to listen
beyond loopback without reviewers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from bot.ledger.edits import audit_entries
from tests.desk_support import CAMPAIGN, build_world, csrf_of, reviewers, sign_in

SECRET = "CanaryDeskSecret+k1/z9"


@pytest.fixture
def world(project_dir: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    return build_world(project_dir, monkeypatch)


@pytest.fixture(autouse=True)
def _restore_bot_logging() -> Any:
    """`main()` points the bot's log handler at this test's captured stdout, which is closed afterwards; put
    the logger back so later tests do not write to a closed file."""
    import logging

    logger = logging.getLogger("bot")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def _changes(post_id: int) -> list[tuple[str, dict[str, str]]]:
    """Every change the desk offers, with a form that would be accepted but for the CSRF token or role."""
    return [
        ("/approve", {"target": CAMPAIGN}),
        ("/approve", {"target": str(post_id)}),
        (f"/posts/{post_id}/cancel", {}),
        (f"/posts/{post_id}/retry", {}),
        (f"/posts/{post_id}/repost", {}),
        (f"/posts/{post_id}/edit", {"text": "changed", "version": "x"}),
        (f"/posts/{post_id}/reschedule", {"date": "2026-12-20", "time": "10:00", "version": "x"}),
        (f"/posts/{post_id}/swap", {"rank": "5", "version": "x"}),
    ]


def _snapshot(world: Any) -> list[tuple[Any, ...]]:
    return [(p.id, p.status, p.content_hash, p.due_at, p.finding_rank) for p in world.ledger.list_posts()]


def test_pages_need_a_signed_in_reviewer(world: Any) -> None:
    for path in ("/calendar", "/queue", "/history", "/reports", "/runs", "/audit", "/posts/1", "/posts/3/card.png"):
        answer = world.client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), path
    assert world.client.post("/count", data={"text": "x"}).status_code == 401


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_every_change_without_the_csrf_token_is_refused(world: Any, token: str | None) -> None:
    sign_in(world.client, "erin")
    before = _snapshot(world)
    post_id = world.x_highlight().id
    for path, form in _changes(post_id):
        data = form if token is None else {**form, "csrf": token}
        answer = world.client.post(path, data=data)
        assert answer.status_code == 403 and "CSRF check failed" in answer.text, path
    assert world.client.post("/count", data={"text": "x"}, headers={"X-CSRF-Token": token or ""}).status_code == 403
    assert _snapshot(world) == before
    assert audit_entries(world.ledger) == []


def test_a_viewer_can_look_but_not_approve_or_change(world: Any) -> None:
    csrf = sign_in(world.client, "vic")
    post_id = world.x_highlight().id
    page = world.client.get(f"/posts/{post_id}")
    assert page.status_code == 200 and "You are a viewer" in page.text and 'id="edit-form"' not in page.text
    assert "Approve campaign" not in world.client.get(f"/calendar?campaign={CAMPAIGN}").text
    before = _snapshot(world)
    for path, form in _changes(post_id):
        answer = world.client.post(path, data={**form, "csrf": csrf})
        assert answer.status_code == 403 and "vic is a viewer" in answer.text, path
    assert _snapshot(world) == before


def test_five_wrong_passwords_throttle_sign_in_even_with_the_right_one(world: Any) -> None:
    def attempt(password: str) -> Any:
        csrf = csrf_of(world.client.get("/login").text)
        return world.client.post("/login", data={"csrf": csrf, "username": "erin", "password": password})

    assert [attempt(f"guess-{n}").status_code for n in range(5)] == [401] * 5
    throttled = attempt("editor-pass-1")
    assert throttled.status_code == 429 and "sign-in is paused for 15 more minute(s)" in throttled.text
    world.clock.now += dt.timedelta(minutes=10)
    assert attempt("editor-pass-1").status_code == 429
    world.clock.now += dt.timedelta(minutes=6)  # the window has passed
    assert attempt("editor-pass-1").status_code == 303


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(world: Any) -> None:
    csrf = csrf_of(world.client.get("/login").text)
    answer = world.client.post("/login", data={"csrf": csrf, "username": "mallory", "password": "x"})
    assert answer.status_code == 401 and "Wrong user name or password." in answer.text


def test_the_session_cookie_is_httponly_lax_and_secure_over_tls(project_dir: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    world = build_world(project_dir, monkeypatch)
    cookie = world.client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    over_tls = TestClient(world.client.app, base_url="https://127.0.0.1")
    cookie = over_tls.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "; secure" in cookie


def test_signing_in_rotates_the_csrf_token_and_signing_out_ends_the_session(world: Any) -> None:
    before = csrf_of(world.client.get("/login").text)
    after = sign_in(world.client, "erin")
    assert after != before
    world.client.post("/logout", data={"csrf": after})
    assert world.client.get("/calendar").status_code == 303


def test_a_tampered_session_cookie_is_a_new_anonymous_session(world: Any) -> None:
    sign_in(world.client, "erin")
    value = world.client.cookies.get("desk_session")
    world.client.cookies.set("desk_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert world.client.get("/calendar").status_code == 303


def test_hostile_report_and_post_text_is_escaped(world: Any, project_dir: Any) -> None:
    hostile = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'
    report = (project_dir / "content" / "tgd5-part3-2-future-of-international-security.md")
    text = report.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", f"title: '{hostile} Title'", text, count=1, flags=re.M)
    report.write_text(text.replace("In the concluding session", f"{hostile} In the concluding session", 1))
    csrf = sign_in(world.client, "erin")
    post = world.x_highlight()
    page = world.client.get(f"/posts/{post.id}")
    world.client.post(f"/posts/{post.id}/edit", data={"csrf": csrf, "version": re.search(
        r'name="version" value="([^"]+)"', page.text).group(1), "text": hostile})
    pages = [world.client.get(p).text for p in (f"/posts/{post.id}", "/reports",
                                                "/reports/tgd5-part3-2-future-of-international-security",
                                                "/audit", f"/calendar?campaign={CAMPAIGN}&date=2026-12-04")]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/desk.js" defer>']
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in pages[0]
    assert "&lt;script&gt;" in pages[2]


def test_no_secret_or_password_hash_is_ever_rendered(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_JIIA_X_API_KEY", "BOT_JIIA_X_API_SECRET", "BOT_JIIA_FACEBOOK_PAGE_TOKEN", "BOT_WEB_SECRET_KEY"):
        monkeypatch.setenv(name, SECRET)
    sign_in(world.client, "erin")
    hashes = [u.password_hash for u in world.settings.web.users if u.password_hash]
    for path in ("/calendar", "/queue", "/history", "/reports", "/runs", "/audit", f"/posts/{world.x_highlight().id}",
                 "/reports/tgd5-part3-2-future-of-international-security"):
        answer = world.client.get(path)
        assert answer.status_code == 200
        body = answer.text + str(answer.headers)
        assert SECRET not in body and "CanaryDeskSecret" not in body, path
        assert not any(h in body or h.split("$")[-1] in body for h in hashes), path
        assert "test-signing-key" not in body


def test_security_headers_and_trusted_hosts(world: Any) -> None:
    answer = world.client.get("/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert world.client.get("/login", headers={"host": "attacker.example"}).status_code == 400


def test_sign_in_never_redirects_off_site(world: Any) -> None:
    csrf = csrf_of(world.client.get("/login").text)
    answer = world.client.post("/login", data={"csrf": csrf, "username": "erin", "password": "editor-pass-1",
                                               "next": "//attacker.example/"})
    assert answer.headers["location"] == "/"


def test_a_trusted_proxy_header_signs_in_a_configured_reviewer(project_dir: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(project_dir, monkeypatch, web=reviewers(trusted_user_header="X-Remote-User"))
    page = world.client.get("/queue", headers={"X-Remote-User": "vic"})
    assert page.status_code == 200 and "vic · viewer" in page.text
    assert world.client.get("/queue", headers={"X-Remote-User": "mallory"}).status_code == 303


def test_a_desk_without_reviewers_is_an_open_loopback_desk(project_dir: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import WebSection

    world = build_world(project_dir, monkeypatch, web=WebSection())
    page = world.client.get("/queue")
    assert page.status_code == 200 and "No reviewers are configured" in page.text and "local · editor" in page.text


def test_serve_refuses_another_interface_without_reviewers(project_dir: Any, capsys: Any) -> None:
    from bot.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to serve beyond this machine without reviewers" in err
    assert not (project_dir / "var" / "bot.sqlite3").exists()  # refused before opening anything


def test_serve_check_with_reviewers_on_any_interface(project_dir: Any, capsys: Any) -> None:
    from bot.cli import main

    config = project_dir / "config" / "bot.toml"
    config.write_text(config.read_text() + '\n[web]\n[[web.users]]\nname = "erin"\nrole = "editor"\n'
                      'password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"\n')
    assert main(["serve", "--host", "0.0.0.0", "--check"]) == 0
    assert "would serve the review desk at http://0.0.0.0:8080/ · 1 reviewer(s)" in capsys.readouterr().out


def test_hash_password_prints_an_argon2_hash_that_verifies(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    import io

    from argon2 import PasswordHasher

    from bot.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase\n"))
    assert main(["serve", "--hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("$argon2id$") and PasswordHasher().verify(printed, "a long passphrase")


@pytest.mark.parametrize(("users", "message"), [
    ([{"name": "ana", "password_hash": "hunter2"}], "web.users[0].password_hash: password_hash must be an argon2 hash"),
    ([{"name": "ana"}, {"name": "ana"}], "web: duplicate user name(s): ana"),
    ([{"name": "ana", "role": "admin"}], "web.users[0].role"),
])
def test_a_bad_reviewer_entry_is_refused_naming_the_field(users: list[dict[str, str]], message: str) -> None:
    from bot.errors import ConfigError
    from bot.settings import settings_from_dict

    with pytest.raises(ConfigError) as refused:
        settings_from_dict({"web": {"users": users}}, source="config/bot.toml")
    assert message in str(refused.value)
