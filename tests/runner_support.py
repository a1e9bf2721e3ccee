"""Helpers for the runner's tests: ledger rows made directly (not via campaigns), a scripted fake publisher,
and a fresh database per test (SQLite file, or a throw-away PostgreSQL schema when BOT_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import pytest

from bot.content.draft import Media
from bot.ledger.claims import SessionFactory
from bot.ledger.db import open_ledger
from bot.ledger.models import Post
from bot.publish.base import AccountStatus, Capabilities, PublishedPost, Publisher, RemotePost
from bot.settings import Settings, settings_from_dict

T0 = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)
PG_URL = os.environ.get("BOT_TEST_POSTGRES_URL")


def make_settings(**sections: Any) -> Settings:
    data: dict[str, Any] = {
        "accounts": [{"name": "acct-x", "platform": "x"},
                     {"name": "acct-fb", "platform": "facebook", "page_id": "123"}],
        "retry": {"initial_seconds": 2, "max_seconds": 300},
        "runner": {"grace_seconds": 3600, "max_attempts": 5},
    }
    data.update(sections)
    return settings_from_dict(data)


def add_post(factory: SessionFactory, text_: str, *, due: dt.datetime = T0, account: str = "acct-x",
             status: str = "pending", head: int | None = None, part: int = 0, **payload: Any) -> int:
    """Insert one ledger row directly and return its id."""
    now = dt.datetime.now(dt.UTC)
    with factory() as session:
        post = Post(
            key=f"test:{uuid.uuid4().hex}", campaign="test", report="report", account=account,
            platform="facebook" if "fb" in account else "x", kind="highlight", payload={"text": text_, **payload},
            content_hash=hashlib.sha256(text_.encode()).hexdigest(), due_at=due, status=status,
            thread_head_id=head, part_index=part, created_at=now, updated_at=now,
        )
        session.add(post)
        session.commit()
        return post.id


def add_thread(factory: SessionFactory, texts: Sequence[str], *, due: dt.datetime = T0, account: str = "acct-x") -> list[int]:
    head = add_post(factory, texts[0], due=due, account=account)
    return [head] + [add_post(factory, t, due=due, account=account, head=head, part=i) for i, t in enumerate(texts[1:], 1)]


def get(factory: SessionFactory, post_id: int) -> Post:
    with factory() as session:
        post = session.get(Post, post_id)
        assert post is not None
        return post


class FakePublisher(Publisher):
    """Records what it publishes; `script[text]` lists exceptions to raise on successive tries of that text.
    An exception flagged `.reached = True` is raised after the post was recorded (an ambiguous timeout)."""

    platform: ClassVar[str] = "x"
    capabilities: ClassVar[Capabilities] = Capabilities(280, "twitter", 4, True, False, False)

    def __init__(self, script: dict[str, list[BaseException]] | None = None, *, on_publish: Callable[[str], None] | None = None) -> None:
        self.script = script or {}
        self.sent: list[PublishedPost] = []
        self.calls: list[dict[str, Any]] = []
        self.lookup_error: BaseException | None = None
        self.on_publish = on_publish
        self.links: dict[str, str] = {}  # remote id → the link it was sent with (a platform's link field)

    def publish_post(self, text: str, *, link: str | None = None, reply_to: str | None = None,
                     media: Sequence[Media] = (), scheduled_at: dt.datetime | None = None) -> PublishedPost:
        self.calls.append({"text": text, "reply_to": reply_to, "link": link, "media": list(media)})
        if self.on_publish:
            self.on_publish(text)
        errors = self.script.get(text) or []
        error = errors.pop(0) if errors else None
        if error is not None and not getattr(error, "reached", False):
            raise error
        post = PublishedPost(str(1000 + len(self.sent)), f"https://x.test/{1000 + len(self.sent)}", "x", text=text)
        self.sent.append(post)
        if link:
            self.links[post.remote_id] = link
        if error is not None:
            raise error
        return post

    def repost(self, original: PublishedPost, *, text: str | None = None) -> PublishedPost:
        self.calls.append({"repost": original.remote_id, "text": text})
        post = PublishedPost(f"rt-{original.remote_id}", original.url, "x", text=text or "")
        self.sent.append(post)
        return post

    def delete(self, remote_id: str) -> None:
        self.sent = [p for p in self.sent if p.remote_id != remote_id]

    def recent_posts(self, limit: int = 20) -> list[RemotePost]:
        if self.lookup_error is not None:
            raise self.lookup_error
        return [RemotePost(p.remote_id, p.text, None, p.url, tuple(filter(None, [self.links.get(p.remote_id)])))
                for p in reversed(self.sent)][:limit]

    def check_credentials(self) -> AccountStatus:
        return AccountStatus(True, "acct-x", "x")


def sent_texts(publisher: FakePublisher) -> list[str]:
    return [p.text for p in publisher.sent]


def _fresh_url(kind: str, tmp_path: Any) -> Iterator[str]:
    """A fresh database: SQLite file, or a throw-away PostgreSQL schema (skipped without the server)."""
    from tests.ledger_fixtures import postgres_schema_url

    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("BOT_TEST_POSTGRES_URL is not set")
    yield from postgres_schema_url(PG_URL)


@pytest.fixture
def factory(ledger_url: str) -> Iterator[SessionFactory]:
    """A migrated, empty ledger's session factory, on SQLite and on PostgreSQL (D1's `ledger_url`)."""
    made = open_ledger(ledger_url)
    yield made
    made.kw["bind"].dispose()


# ── subprocess tests (kill test, two runners) ─────────────────────────────────────────────────────────
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

FAST_CONFIG = """
[bot]
var_dir = "{var}"
[pacing]
x_posts_per_15min = 1000000
x_posts_per_24h = 1000000
facebook_posts_per_hour = 1000000
[retry]
initial_seconds = 0.01
max_seconds = 0.05
[runner]
grace_seconds = 86400
max_attempts = 1000
poll_seconds = 0.5
[[accounts]]
name = "kill-x"
platform = "x"
[[accounts]]
name = "kill-fb"
platform = "facebook"
page_id = "1"
"""


RUN = ["run", "--resume"]  # a dry-run continuing the seeded (rehearsal) ledger


def bot_command() -> list[str]:
    """The real CLI, with the real dry-run transport (journal + injected faults from the environment)."""
    import sys

    return [sys.executable, "-m", "bot"]


def subprocess_env(tmp_path: Any, url: str, **extra: str) -> dict[str, str]:
    config = tmp_path / "bot.toml"
    config.write_text(FAST_CONFIG.format(var=tmp_path / "var"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    # A dry-run `bot run` works on the rehearsal ledger: the seeded ledger is made the rehearsal, and every run
    # passes `--resume` (RUN) so it continues it instead of copying the (empty) real ledger over it.
    real = f"sqlite:///{tmp_path / 'real-ledger.sqlite3'}"
    env.update(BOT_CONFIG=str(config), BOT_DATABASE_URL=real, BOT_REHEARSAL_DATABASE_URL=url,
               BOT_DRYRUN_JOURNAL=str(tmp_path / "journal.jsonl"), PYTHONPATH=str(ROOT), **extra)
    return env


def sent_key(account: str, text_: str, link: str | None) -> str:
    """What identifies a create in the journal: X's text (the link is appended to it), Facebook's message and
    link field."""
    if "fb" in account:
        return f"{text_}\n{link}" if link else text_
    return f"{text_} {link}" if link and link not in text_ else text_


def seed_posts(factory: SessionFactory, *, singles: int, threads: int, parts: int = 3,
               near_identical: bool = False) -> dict[int, str]:
    """Due posts on both accounts, inserted in one transaction: {id: sent_key}. `near_identical`: the singles
    come in groups of three with one text (with `&`, `<`, `>`, which X answers HTML-escaped) and different
    links, as 60 copies of a report with the same findings would."""
    from itertools import cycle

    accounts = cycle(["kill-x", "kill-fb"])
    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    now = dt.datetime.now(dt.UTC)
    made: dict[int, str] = {}

    def row(text_: str, account: str, head: int | None = None, part: int = 0, link: str | None = None) -> Post:
        payload = {"text": text_, **({"link": link} if link else {})}
        return Post(key=f"k:{uuid.uuid4().hex}", campaign="t", report="r", account=account,
                    platform="facebook" if "fb" in account else "x", kind="highlight", payload=payload,
                    content_hash="h", due_at=due, status="pending", thread_head_id=head, part_index=part,
                    created_at=now, updated_at=now)

    with factory() as session:
        batch = uuid.uuid4().hex[:6]
        for i in range(singles):
            account = next(accounts)
            if near_identical:  # same text per account and group of three, links differ
                text_ = f"R&D <finding {i // 6}> & more {batch}"
                post = row(text_, account, link=f"https://example.org/report-{i}?a=1&utm_source=t")
            else:
                post = row(f"single post {i} {uuid.uuid4().hex[:6]}", account)
            session.add(post)
            session.flush()
            made[post.id] = sent_key(account, post.payload["text"], post.payload.get("link"))
        for t in range(threads):
            account = "kill-x"  # threads are an X feature
            head = row(f"thread {t} part 0", account)
            session.add(head)
            session.flush()
            made[head.id] = head.payload["text"]
            for p in range(1, parts):
                part = row(f"thread {t} part {p}", account, head.id, p)
                session.add(part)
                session.flush()
                made[part.id] = part.payload["text"]
        session.commit()
    return made


def journal_creates(path: Any) -> list[dict[str, Any]]:
    """The create requests in a dry-run journal: [{"text", "reply_to", "id"}] (complete lines only)."""
    import json

    if not path.exists():
        return []
    creates = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by SIGKILL
        if entry.get("method") == "POST" and re.search(r"/2/tweets$|/feed$|/photos$", entry.get("url", "")):
            body = entry.get("body") or {}
            reply = (body.get("reply") or {}).get("in_reply_to_tweet_id") if isinstance(body, dict) else None
            text_ = body.get("text") or body.get("message")
            key = sent_key(str(entry.get("account")), text_, None if body.get("text") else body.get("link"))
            creates.append({"text": key, "reply_to": reply,
                            "id": entry.get("synthetic_id"), "account": entry.get("account")})
    return creates


def assert_published_exactly_once(factory: SessionFactory, made: dict[int, str], journal: Any) -> None:
    from collections import Counter

    creates = journal_creates(journal)
    counts = Counter(c["text"] for c in creates)
    doubles = {t: n for t, n in counts.items() if n > 1}
    assert not doubles, f"published more than once: {list(doubles.items())[:5]}"
    assert set(counts) == set(made.values()), "journal and ledger disagree on what was published"
    by_text = {c["text"]: c for c in creates}
    with factory() as session:
        rows = {p.id: p for p in session.query(Post).filter(Post.id.in_(list(made)))}
    assert {p.status for p in rows.values()} == {"posted"}
    for post in rows.values():
        assert post.remote_id == by_text[made[post.id]]["id"]
        if post.part_index:
            previous = next(p for p in rows.values() if p.part_index == post.part_index - 1
                            and (p.id == post.thread_head_id or p.thread_head_id == post.thread_head_id))
            assert by_text[made[post.id]]["reply_to"] == previous.remote_id, "thread part does not chain"


def status_counts_of(factory: SessionFactory) -> dict[str, int]:
    from bot.ledger.claims import status_counts

    return status_counts(factory)
