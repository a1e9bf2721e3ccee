"""Benchmark `bot run` against bare APScheduler with the same number of jobs.

    .venv/bin/python bench/bench_runner.py [--posts 10000] [--window-posts 1000] [--window 10] [--plan-campaigns 200]

Measures, each beside the same figure for bare APScheduler 3.x (BlockingScheduler + SQLAlchemyJobStore on
SQLite, a no-op `module:function` job per post) as a ratio:
  * start-up: process start → first claim of a due post, and → scheduler ready with all wake-up jobs
    (10,000 pending rows); the peer's figure is process start → its first job running;
  * lateness of firing (real clock): `--window-posts` posts due a few seconds ahead, spread over `--window`
    seconds, among the 10,000 pending; lateness = posted_at − due_at (bot) / run time − scheduled (peer);
  * peak memory: VmHWM (peak RSS) of the process.
Targets: start-up < 2 s, p99 lateness < 1 s, memory < 150 MB. Not a test: it uses the real clock.
Then, without a peer figure (bare APScheduler has nothing alike):
  * the dry-run journal holding `--posts` entries: ms per post, ms per recent-posts lookup;
  * `bot plan` wall time on the shipped schedules/ and on `--plan-campaigns` copies of them, beside `bot --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = """
[bot]
var_dir = "{var}"
[pacing]
x_posts_per_15min = 1000000
x_posts_per_24h = 1000000
facebook_posts_per_hour = 1000000
[runner]
grace_seconds = 3600
poll_seconds = 30
[[accounts]]
name = "bench-x"
platform = "x"
[[accounts]]
name = "bench-fb"
platform = "facebook"
page_id = "1"
"""

PEER = textwrap.dedent("""
    import datetime as dt, sys, time, os, json, threading
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.events import EVENT_JOB_EXECUTED
    T0 = time.time()
    url, plan_file, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plan = json.load(open(plan_file))
    lateness, first = [], []
    from bot.ledger.db import make_engine  # the same SQLite settings as the bot (WAL, synchronous=NORMAL)
    scheduler = BlockingScheduler(jobstores={{"default": SQLAlchemyJobStore(engine=make_engine(url))}},
        job_defaults={{"misfire_grace_time": 3600, "coalesce": True}}, timezone=dt.UTC)
    def done(event):
        lateness.append((dt.datetime.now(dt.UTC) - event.scheduled_run_time).total_seconds())
        if not first:
            first.append(time.time() - T0)
            print("FIRST", first[0], flush=True)
        if len(lateness) >= expected:
            print("LATENESS", json.dumps(lateness), flush=True)
            print("HWM", open("/proc/self/status").read().split("VmHWM:")[1].split()[0], flush=True)
            threading.Thread(target=scheduler.shutdown, kwargs={{"wait": False}}).start()
    scheduler.add_listener(done, EVENT_JOB_EXECUTED)
    for i, due in enumerate(plan):
        scheduler.add_job("{noop}", "date", run_date=dt.datetime.fromisoformat(due), id=f"post-{{i}}", args=[i],
                          replace_existing=True)
    scheduler.start()
""")


def noop(post_id: int) -> None:
    """The peer's job: does nothing."""


def make_ledger(tmp: Path, dues: list[dt.datetime]) -> str:
    from sqlalchemy import insert

    from bot.ledger.db import open_ledger
    from bot.ledger.models import Post

    url = f"sqlite:///{tmp / 'ledger.sqlite3'}"
    factory = open_ledger(url)
    now = dt.datetime.now(dt.UTC)
    rows = [dict(key=f"bench:{i}", campaign="bench", report="r", account="bench-x" if i % 2 else "bench-fb",
                 platform="x" if i % 2 else "facebook", kind="highlight", payload={"text": f"bench post {i}"},
                 content_hash="h", due_at=due, status="pending", part_index=0, attempts=0,
                 requires_approval=False, created_at=now, updated_at=now) for i, due in enumerate(dues)]
    with factory() as session:
        session.execute(insert(Post), rows)
        session.commit()
    return url


def bot_cmd() -> list[str]:
    return [sys.executable, "-m", "bot"]


def hwm_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def run_bot(tmp: Path, url: str, expected_posted: int, timeout: float = 120) -> dict[str, float]:
    """Start `bot run` (long-running), time its start-up from its JSON log, wait for `expected_posted`."""
    from bot.ledger.claims import status_counts
    from bot.ledger.db import open_ledger

    (tmp / "bot.toml").write_text(CONFIG.format(var=tmp / "var"))
    # A dry-run works on the rehearsal ledger: the seeded ledger is the rehearsal, resumed as it is (the real
    # ledger is a separate, empty file), so the runner works on exactly these rows, as the kill test does.
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BOT_")}, "BOT_CONFIG": str(tmp / "bot.toml"),
           "BOT_DATABASE_URL": f"sqlite:///{tmp / 'real-ledger.sqlite3'}", "BOT_REHEARSAL_DATABASE_URL": url,
           "BOT_DRYRUN_JOURNAL": str(tmp / "journal.jsonl"), "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([*bot_cmd(), "--log-json", "run", "--resume", "--runner-name", "bench"], env=env, cwd=tmp,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    figures: dict[str, float] = {}
    assert proc.stderr is not None
    for line in proc.stderr:
        if "first_claim" not in figures and '"status": "sending"' in line:
            figures["first_claim"] = time.perf_counter() - start
        if "scheduler ready" in line:
            figures["ready"] = time.perf_counter() - start
            break
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep draining: a full pipe blocks the bot
    factory = open_ledger(url)
    deadline = time.monotonic() + timeout
    while status_counts(factory).get("posted", 0) < expected_posted and time.monotonic() < deadline:
        time.sleep(0.2)
    figures["memory_mb"] = hwm_mb(proc.pid)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    figures["exit_code"] = proc.returncode
    return figures


def run_peer(tmp: Path, dues: list[dt.datetime]) -> dict[str, object]:
    plan = tmp / "plan.json"
    plan.write_text(json.dumps([d.isoformat() for d in dues]))
    script = tmp / "peer.py"
    script.write_text(PEER.format(noop="bench.bench_runner:noop"))
    expected = sum(1 for d in dues if d <= dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    out = subprocess.run([sys.executable, str(script), f"sqlite:///{tmp / 'peer.sqlite3'}", str(plan), str(expected)],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    figures: dict[str, object] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        figures[key] = json.loads(value)
    return figures


def _bot_env(db: Path) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("BOT_")}, "BOT_DATABASE_URL": f"sqlite:///{db}",
            "PYTHONPATH": str(ROOT)}


def _median_run(command: list[str], cwd: Path, env: dict[str, str], runs: int = 3) -> tuple[float, str]:
    """Median wall time of `command` (a fresh process each time) and the last run's standard output."""
    times, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def time_plan(generated_campaigns: int) -> list[tuple[str, int, int, float]]:
    """`bot plan --json` wall time (whole process, median of 3) on the shipped schedules/ and on a folder with
    the shipped campaign copied `generated_campaigns` times under new names (same report and accounts), plus
    `bot --help` as the process start-up floor. Rows: (what, campaigns, planned posts, seconds)."""
    import shutil

    rows: list[tuple[str, int, int, float]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name in ("config", "content", "schedules"):
            shutil.copytree(ROOT / name, tmp / name)
        env = _bot_env(tmp / "plan.sqlite3")
        floor, _ = _median_run([*bot_cmd(), "--help"], tmp, env)
        rows.append(("`bot --help` (start-up floor)", 0, 0, floor))
        shipped = sorted((tmp / "schedules").glob("*.toml"))
        seconds, out = _median_run([*bot_cmd(), "plan", "--json"], tmp, env)
        rows.append(("`bot plan` on schedules/", len(shipped), len(json.loads(out)["posts"]), seconds))
        many = tmp / "many"
        many.mkdir()
        for i in range(generated_campaigns):
            for source in shipped:
                text = re.sub(r'(?m)^name = "[^"]*"', f'name = "gen-{i:04d}-{source.stem}"', source.read_text())
                (many / f"gen-{i:04d}-{source.name}").write_text(text)
        campaigns = generated_campaigns * len(shipped)
        seconds, out = _median_run([*bot_cmd(), "plan", "--json", "--dir", str(many)], tmp, env)
        rows.append((f"`bot plan --dir` {campaigns} campaigns", campaigns, len(json.loads(out)["posts"]), seconds))
    return rows


def time_journal(entries: int, posts: int = 200) -> dict[str, float]:
    """The dry-run transport over a shared journal already holding `entries` requests: ms per post, and ms per
    recent-posts lookup in a new process's first look (parses the whole file) and its next one (reads only
    what was appended). In process, real publisher code, real fsync per request."""
    from bot.publish.journal import Journal
    from bot.publish.registry import create_publisher
    from bot.settings import load_settings

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "bot.toml").write_text(CONFIG.format(var=tmp / "var"))
        settings = load_settings(tmp / "bot.toml")
        path = tmp / "journal.jsonl"
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        with path.open("w", encoding="utf-8") as file:  # what the transport writes for an X post
            for i in range(entries):
                tweet_id = str(1_800_000_000_000_000_000 + i)
                data = {"id": tweet_id, "text": f"bench post {i}", "edit_history_tweet_ids": [tweet_id]}
                file.write(json.dumps({"ts": now, "account": "bench-x", "platform": "x", "method": "POST",
                                       "url": "https://api.twitter.com/2/tweets", "headers": {},
                                       "body": {"text": f"bench post {i}"}, "response_status": 201,
                                       "response_body": {"data": data}, "synthetic_id": tweet_id}) + "\n")

        def publisher() -> object:
            return create_publisher(settings.account("bench-x"), settings, journal=Journal(path), environ={},
                                    dotenv_path=None)

        writer = publisher()
        start = time.perf_counter()
        for i in range(posts):
            writer.publish_post(f"timed post {i}")  # type: ignore[attr-defined]
        per_post = (time.perf_counter() - start) / posts
        reader = publisher()
        start = time.perf_counter()
        reader.recent_posts()  # type: ignore[attr-defined]
        first = time.perf_counter() - start
        writer.publish_post("one more")  # type: ignore[attr-defined]
        start = time.perf_counter()
        found = reader.recent_posts()  # type: ignore[attr-defined]
        again = time.perf_counter() - start
        assert found and found[0].text == "one more", "the lookup must see the other publisher's post"
    return {"post_ms": per_post * 1e3, "first_lookup_ms": first * 1e3, "next_lookup_ms": again * 1e3}


def quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--window-posts", type=int, default=200)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--lead", type=float, default=6.0, help="seconds before the window opens")
    parser.add_argument("--plan-campaigns", type=int, default=200,
                        help="copies of the shipped campaigns in the generated folder timed with `bot plan`")
    args = parser.parse_args()
    from bot.ledger.db import open_ledger
    from bot.ledger.models import Post

    # 1. start-up, with one post already due among `posts` pending ones.
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        now = dt.datetime.now(dt.UTC)
        dues = [now - dt.timedelta(seconds=1)] + [now + dt.timedelta(hours=1, seconds=i) for i in range(args.posts - 1)]
        bot_start = run_bot(tmp, make_ledger(tmp, dues), expected_posted=1)
        peer_start = run_peer(tmp, dues[:1] + dues[1:])
    # 2. lateness and memory: `window_posts` due soon, spread over `window` seconds, among `posts` pending.
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        opens = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=args.lead)
        step = args.window / args.window_posts
        soon = [opens + dt.timedelta(seconds=i * step) for i in range(args.window_posts)]
        later = [opens + dt.timedelta(hours=1, seconds=i) for i in range(args.posts - args.window_posts)]
        url = make_ledger(tmp, soon + later)
        bot_late = run_bot(tmp, url, expected_posted=args.window_posts)
        with open_ledger(url)() as session:
            lateness = [(p.posted_at - p.due_at).total_seconds() for p in session.query(Post).filter(Post.status == "posted")]
        opens = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=args.lead)
        soon = [opens + dt.timedelta(seconds=i * step) for i in range(args.window_posts)]
        later = [opens + dt.timedelta(hours=1, seconds=i) for i in range(args.posts - args.window_posts)]
        peer_late = run_peer(tmp, soon + later)
    bot_med, bot_p99 = quantiles(lateness)
    peer_med, peer_p99 = quantiles(peer_late["LATENESS"])  # type: ignore[arg-type]
    peer_mem = max(int(peer_start["HWM"]), int(peer_late["HWM"])) / 1024  # type: ignore[call-overload]
    bot_mem = max(bot_start["memory_mb"], bot_late["memory_mb"])
    rows = [
        ("start-up to first claim (s)", bot_start.get("first_claim", float("nan")), peer_start["FIRST"], 2.0),
        ("start-up to all jobs ready (s)", bot_start.get("ready", float("nan")), peer_start["FIRST"], 2.0),
        ("lateness median (s)", bot_med, peer_med, None),
        ("lateness p99 (s)", bot_p99, peer_p99, 1.0),
        ("peak memory (MB)", bot_mem, peer_mem, 150.0),
    ]
    print(f"bench_runner: {args.posts} pending posts, {args.window_posts} due within {args.window:g} s; "
          "publisher: dry-run transport")
    print(f"{'figure':34} {'bot run':>10} {'bare APScheduler':>17} {'ratio':>7} {'target':>8}")
    for name, ours, peer, target in rows:
        ratio = ours / peer if peer else float("nan")  # type: ignore[operator]
        verdict = "" if target is None else ("ok" if ours < target else "MISSED")
        print(f"{name:34} {ours:10.3f} {peer:17.3f} {ratio:7.2f} {verdict:>8}")
    journal = time_journal(args.posts)
    print(f"\ndry-run journal holding {args.posts} entries (in process, fsync per request): "
          f"{journal['post_ms']:.2f} ms per post; recent-posts lookup {journal['first_lookup_ms']:.1f} ms "
          f"(new reader, whole file), {journal['next_lookup_ms']:.1f} ms (next, appended bytes only)")
    print("\nbot plan (whole process, median of 3; computes the posts and writes nothing):")
    print(f"{'what':42} {'campaigns':>9} {'posts':>6} {'seconds':>8} {'ms/post':>8}")
    for what, campaigns, posts, seconds in time_plan(args.plan_campaigns):
        per_post = f"{seconds / posts * 1e3:8.2f}" if posts else f"{'':8}"
        print(f"{what:42} {campaigns:9} {posts:6} {seconds:8.3f} {per_post}")
    print("   no peer figure: bare APScheduler has no step that reads campaign files and composes the posts; "
          "its add_job cost is inside its start-up row above")


if __name__ == "__main__":
    main()
