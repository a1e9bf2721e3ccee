"""`bot post`: publish a report's drafts (or drafts saved as JSON) now, dry-run unless live.

Live publishing checks every selected account's credentials first and stops before sending anything if
one is missing (MissingCredentials names the variables). Then every draft becomes ledger rows before anything
is sent, and the runner's own publish path sends them (`bot.schedule.adhoc`): the same claim, reconciliation
and failure policy as `bot run`, the posts in `bot history`, and the same text to the same account refused a
second time unless `again`. A dry-run publishes through the same publishers over the recording transport and
writes no ledger at all (it only reads the real one, to refuse a repeat as the live post would).

X gets one form of the findings: the single posts (announcement + highlights) or, when threads are enabled
(`templates.thread`, a file written by `bot draft --thread --json`, or `form="thread"`), the numbered thread
instead — never both, which would double the cost and repeat every text. A drafts file may be what
`bot draft --json` prints (`{"drafts": [...], "totals": ...}`), a list of drafts or one draft; a malformed
one is refused naming the file and the field (`d.json: drafts[2].parts: missing`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import InputError, MissingCredentials
from bot.publish.errors import Ambiguous, PublishError

if TYPE_CHECKING:
    from bot.content.draft import Draft
    from bot.publish.base import Publisher
    from bot.publish.journal import Journal
    from bot.schedule.adhoc import Target
    from bot.schedule.clock import Clock
    from bot.settings import Account, Settings


@dataclass
class PostOutcome:
    account: str
    platform: str
    kind: str
    status: str  # posted | failed | unknown | queued (live: left pending for `bot run --live`)
    posts: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    ledger_ids: list[int] = field(default_factory=list)  # live: the ledger rows it was recorded as

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account, "platform": self.platform, "kind": self.kind, "status": self.status,
                "posts": self.posts, "error": self.error, "ledger_ids": self.ledger_ids}  # fmt: skip


@dataclass
class PostRun:
    live: bool
    outcomes: list[PostOutcome]
    requests: list[dict[str, Any]]
    skipped: list[str]
    placeholders: list[str] = field(default_factory=list)  # dry-run accounts signed with stand-in secrets

    @property
    def failed(self) -> bool:
        return any(o.status != "posted" for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": "live" if self.live else "dry-run", "requests": self.requests,
                "results": [o.to_dict() for o in self.outcomes], "skipped": self.skipped,
                "placeholder_credentials": self.placeholders}  # fmt: skip


def load_drafts(
    source: str, settings: Settings, platforms: Sequence[str], *, thread: bool | None = None
) -> list[Draft]:
    """A report (path or slug) composed now, or a JSON file of drafts: what `bot draft --json` writes
    (`{"drafts": [...], "totals": ...}`), a list of `Draft.to_dict()`, or one draft. `thread` is passed to the
    composer (None: `templates.thread`)."""
    if source.endswith(".json"):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("draft file not found", source=source) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", source=source) from None
        except OSError as error:
            raise InputError(f"cannot read the draft file ({error.strerror})", source=source) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
                             source=source) from None  # fmt: skip
        return [d for d in parse_drafts(data, source) if d.platform in platforms]
    from bot.content.compose import draft_report

    return draft_report(source, settings, platforms=tuple(platforms), thread=thread)


def parse_drafts(data: Any, source: str) -> list[Draft]:
    """Drafts from decoded JSON, or InputError naming the file and the field at fault
    (`d.json: drafts[2].parts: missing`)."""
    if isinstance(data, dict) and "drafts" in data:
        items = data["drafts"]
        if not isinstance(items, list):
            raise InputError("drafts: should be a list of drafts", source=source)
        return [_parse_draft(item, f"drafts[{i}]", source) for i, item in enumerate(items)]
    if isinstance(data, list):
        return [_parse_draft(item, f"[{i}]", source) for i, item in enumerate(data)]
    if isinstance(data, dict):
        return [_parse_draft(data, "", source)]
    raise InputError('not a draft, a list of drafts or `bot draft --json` output ({"drafts": [...]})', source=source)


def _parse_draft(item: Any, where: str, source: str) -> Draft:
    """One Draft.to_dict(), checked field by field (pydantic validates the dataclass's own annotations)."""
    from pydantic import TypeAdapter, ValidationError

    from bot.content.draft import Draft

    def fail(field_path: str, problem: str) -> InputError:
        name = ".".join(p for p in (where, field_path) if p).replace(".[", "[")
        return InputError(f"{name or 'draft'}: {problem}", source=source)

    if not isinstance(item, dict):
        raise fail("", "should be a draft (a JSON object)")
    unknown = sorted(set(item) - set(Draft.__dataclass_fields__))
    if unknown:
        raise fail(unknown[0], "unknown field")
    try:
        draft = TypeAdapter(Draft).validate_python(item)
    except ValidationError as error:
        first = error.errors()[0]
        field_path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in first["loc"]).replace(".[", "[")
        problem = "missing" if first["type"] == "missing" else first["msg"].replace("valid tuple", "list")
        raise fail(field_path, problem.replace("Input should", "should")) from None
    if not draft.parts or not all(part.strip() for part in draft.parts):
        raise fail("parts", "should hold at least one non-empty text")
    return draft


def choose_form(drafts: Sequence[Draft], form: str | None, source: str) -> list[Draft]:
    """Per platform, the thread or the single posts, not both (a platform's other forms, such as the Facebook
    digest, always pass). A platform without a thread keeps its single posts; InputError when `form` is
    "thread" and there is no thread at all."""
    threaded = {d.platform for d in drafts if d.meta.get("form") == "thread"}
    if form == "thread" and drafts and not threaded:
        raise InputError("no thread to post (form thread): draft one with `bot draft --thread`", source=source)
    use_thread = threaded if form != "single" else set()
    return [
        d for d in drafts
        if d.meta.get("form", "single") not in ("single", "thread")
        or (d.meta.get("form") == "thread") == (d.platform in use_thread)
    ]  # fmt: skip


def select_accounts(settings: Settings, platforms: Sequence[str], account: str | None) -> list[Account]:
    if account:
        chosen = settings.account(account)
        if chosen.platform not in platforms:
            raise InputError(f"account {account!r} is a {chosen.platform} account, not {'/'.join(platforms)}")
        return [chosen]
    accounts = [a for a in settings.accounts if a.platform in platforms]
    if not accounts:
        raise InputError(f"no {'/'.join(platforms)} account configured", source=settings.source)
    return accounts


def check_live_credentials(accounts: Sequence[Account]) -> None:
    """Before anything is sent: every account has its secrets, or MissingCredentials lists them all."""
    from bot.publish.credentials import load_credentials

    problems = []
    for account in accounts:
        try:
            load_credentials(account)
        except MissingCredentials as error:
            problems.append(str(error))
    if problems:
        raise MissingCredentials("; ".join(problems) + " — nothing was sent")


def _targets(drafts: Sequence[Draft], accounts: Sequence[Account]) -> tuple[list[Target], list[str]]:
    from bot.schedule.adhoc import Target

    targets, skipped = [], []
    for draft in drafts:
        chosen = [a for a in accounts if a.platform == draft.platform]
        if not chosen:
            skipped.append(f"{draft.platform} {draft.kind}: no selected {draft.platform} account")
        targets += [Target(draft, account) for account in chosen]
    return targets, skipped


def _post_live(settings: Settings, targets: list[Target], skipped: list[str], *, again: bool,
               make_publisher: Callable[[Account], Publisher], clock: Clock | None) -> PostRun:
    """Live: rows in the real ledger first, then the runner's publish path (see bot.schedule.adhoc)."""
    from bot.ledger.store import open_store
    from bot.logs import quiet_changes
    from bot.schedule import adhoc
    from bot.schedule.clock import SystemClock

    clock = clock or SystemClock()
    factory = open_store(settings).session_factory
    try:
        if not again:
            adhoc.refuse_repeats(factory, targets)
        groups = adhoc.add_rows(factory, targets, clock.now(), again=again)
        with quiet_changes():  # the outcome lines below say it once
            adhoc.send_rows(settings, factory, [i for ids in groups for i in ids], make_publisher, clock)
        outcomes = [_ledger_outcome(t, adhoc.results(factory, ids)) for t, ids in zip(targets, groups, strict=True)]
    finally:
        factory.kw["bind"].dispose()
    return PostRun(True, outcomes, [], skipped, [])


def _ledger_outcome(target: Target, rows: Sequence[Any]) -> PostOutcome:
    """A draft's rows after the runner: posted (every part), or why not, from the ledger's own record."""
    account = target.account
    outcome = PostOutcome(account.name, account.platform, target.draft.kind, "posted",
                          ledger_ids=[r.id for r in rows])
    outcome.posts = [{"remote_id": r.remote_id, "url": r.remote_url or ""} for r in rows if r.status == "posted"]
    unsent = [r for r in rows if r.status != "posted"]
    if unsent:
        first = unsent[0]
        outcome.status = {"unconfirmed": "unknown", "pending": "queued"}.get(first.status, "failed")
        reason = first.last_error or first.status
        outcome.error = (f"{reason}; left in the queue as post {first.id}: `bot run --live` sends it"
                         if first.status == "pending" else f"{reason} (ledger post {first.id}: {first.status})")
    return outcome


def _refuse_repeats_read_only(settings: Settings, targets: list[Target]) -> None:
    """Dry-run: the refusal a live post would meet, read from the real ledger without writing it."""
    from bot.ledger.store import open_existing_store
    from bot.schedule import adhoc

    store = open_existing_store(settings)
    if store is None:
        return
    try:
        adhoc.refuse_repeats(store.session_factory, targets)
    except InputError as error:
        raise InputError(f"dry-run: the live post would be refused — {error}") from None
    finally:
        store.session_factory.kw["bind"].dispose()


def _publish_one(publisher: Publisher, account: Account, draft: Draft) -> PostOutcome:
    outcome = PostOutcome(account.name, account.platform, draft.kind, "posted")
    try:
        posts = publisher.publish(draft)
    except PublishError as error:
        outcome.status = "unknown" if isinstance(error, Ambiguous) else "failed"
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome
    outcome.posts = [{"remote_id": p.remote_id, "url": p.url} for p in posts]
    return outcome


def post_now(
    source: str,
    settings: Settings,
    *,
    platforms: Sequence[str] = ("x", "facebook"),
    account: str | None = None,
    kind: str = "all",
    form: str | None = None,
    live: bool = False,
    journal: Journal | None = None,
    make_publisher: Callable[[Account], Publisher] | None = None,
    again: bool = False,
    clock: Clock | None = None,
) -> PostRun:
    """Publish the selected drafts now and return what happened (and, in dry-run, what would be sent).

    `form` picks how X gets the findings: "single" (announcement + one post per highlight) or "thread" (the
    same texts as one numbered thread), never both — that would double the cost and repeat every text.
    None: the thread when the drafts hold one (`templates.thread`, or a file drafted with `--thread`).
    """
    from bot.publish.journal import Journal
    from bot.publish.registry import create_publisher

    accounts = select_accounts(settings, platforms, account)
    if live:
        check_live_credentials(accounts)
    loaded = load_drafts(source, settings, platforms, thread={"thread": True, "single": False}.get(form or ""))
    drafts = [d for d in choose_form(loaded, form, source) if kind == "all" or d.kind == kind]
    recorder = journal or Journal.from_env()
    factory = make_publisher or (lambda acct: create_publisher(acct, settings, live=live, journal=recorder))
    targets, skipped = _targets(drafts, accounts)
    if live:
        return _post_live(settings, targets, skipped, again=again, make_publisher=factory, clock=clock)
    if not again:
        _refuse_repeats_read_only(settings, targets)
    # Dry-run: the same publishers over the recording transport; no ledger is written (not even a rehearsal).
    publishers: dict[str, Publisher] = {}
    outcomes = []
    for target in targets:
        if target.account.name not in publishers:
            publishers[target.account.name] = factory(target.account)
        outcomes.append(_publish_one(publishers[target.account.name], target.account, target.draft))
    placeholders = [
        name for name, p in publishers.items() if getattr(getattr(p, "credentials", None), "placeholder", 0)
    ]
    return PostRun(live, outcomes, list(recorder.recorded) if not live else [], skipped, placeholders)
