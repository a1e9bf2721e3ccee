"""Review desk: server time of the calendar and queue pages with 10,000 posts in the ledger (target < 200 ms).

    .venv/bin/python bench/desk.py [--posts 10000] [--days 90] [--runs 30]

Builds a throw-away SQLite ledger with `--posts` posts of one campaign spread over `--days` days (about 110 a
day with the defaults: a month view reads some 3,300 of them), every status represented, then requests each
page in-process through Starlette's TestClient, signed in, and reports the app's own time (the Server-Timing
header: from the request reaching the app to the response being ready, i.e. query + render) and the wall time
of the whole request, median and 95th percentile. No network, no browser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 200.0
STATUSES = ("draft", "pending", "pending", "pending", "posted", "failed", "missed", "unconfirmed", "cancelled")
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def seed(url: str, posts: int, days: int) -> None:
    from bot.ledger.db import open_ledger
    from bot.ledger.models import Post

    factory = open_ledger(url)
    step = dt.timedelta(days=days) / posts
    rows = []
    for n in range(posts):
        status = STATUSES[n % len(STATUSES)]
        due = NOW + step * n
        text = f"Finding number {n} of the bench campaign, long enough to look like a real post. https://example.org/r?{n}"
        rows.append(dict(key=f"bench:acct-{n % 2}:highlight:{n}:0", campaign="bench", report="bench-report",
                         account=("jiia-x", "jiia-facebook")[n % 2], platform=("x", "facebook")[n % 2],
                         kind="highlight", finding_rank=n % 8 + 1, part_index=0,
                         payload={"text": text, "link": "https://example.org/r", "media": []},
                         content_hash=f"{n:064d}", due_at=due, status=status, requires_approval=status == "draft",
                         attempts=0, created_at=NOW, updated_at=NOW, posted_at=due if status == "posted" else None,
                         remote_id=str(n) if status == "posted" else None))
    with factory() as session:
        session.bulk_insert_mappings(Post.__mapper__, rows)
        session.commit()
    factory.kw["bind"].dispose()


def measure(client: object, path: str, runs: int) -> tuple[list[float], list[float]]:
    app_ms, wall_ms = [], []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(path)  # type: ignore[attr-defined]
        wall_ms.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
        app_ms.append(float(re.search(r"dur=([0-9.]+)", answer.headers["server-timing"]).group(1)))
    return app_ms, wall_ms


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from starlette.testclient import TestClient

    from bot.ledger.db import open_ledger
    from bot.ledger.store import Ledger
    from bot.settings import WebSection, WebUser, settings_from_dict
    from bot.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        seed(url, args.posts, args.days)
        hashed = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("bench-pass")
        settings = settings_from_dict({"bot": {"timezone": "Asia/Tokyo", "content_dir": tmp, "schedules_dir": tmp,
                                               "var_dir": tmp}})
        settings = settings.model_copy(update={"web": WebSection(users=(WebUser(name="bench", role="viewer",
                                                                                  password_hash=hashed),))})
        app = create_app(settings, Ledger(open_ledger(url)), clock=lambda: NOW, secret_key="bench")
        client = TestClient(app, base_url="http://127.0.0.1")
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"csrf": csrf, "username": "bench", "password": "bench-pass"})
        pages = {
            "calendar, month": "/calendar?view=month&date=2026-12-15",
            "calendar, week": "/calendar?view=week&date=2026-12-15",
            "calendar, month, one campaign": "/calendar?view=month&date=2027-01-15&campaign=bench",
            "queue, all": "/queue",
            "queue, failed": "/queue?status=failed",
            "queue, last page": "/queue?page=99",
            "history": "/history",
        }
        print(f"review desk, {args.posts:,} posts over {args.days} days, {args.runs} requests per page "
              f"(server time = Server-Timing 'app', query + render; wall = whole in-process request)")
        print(f"{'page':32} {'server median':>14} {'server p95':>11} {'wall median':>12}  target < {TARGET_MS:.0f} ms")
        worst = 0.0
        for name, path in pages.items():
            measure(client, path, 2)  # warm: templates compiled, SQLite pages cached
            app_ms, wall_ms = measure(client, path, args.runs)
            worst = max(worst, p95(app_ms))
            print(f"{name:32} {statistics.median(app_ms):11.1f} ms {p95(app_ms):8.1f} ms "
                  f"{statistics.median(wall_ms):9.1f} ms  {'ok' if p95(app_ms) < TARGET_MS else 'SLOW'}")
        print(f"worst p95 server time {worst:.1f} ms: {'within' if worst < TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target")
        return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
