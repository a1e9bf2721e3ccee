"""Autopilot sweep cost: 500 sources with nothing new, answered 304 Not Modified by a local server.

    .venv/bin/python bench/autopilot.py [--sources 500] [--sweeps 5]

A throw-away project (config with N feed sources, the shipped templates, a SQLite ledger) and a local HTTP
server in a separate process (so its CPU is not counted) that serves N one-item RSS feeds with ETags and answers
If-None-Match with 304. The archive is backfilled once, then each sweep is timed: CPU seconds of this process
(time.process_time: parsing, SQL, HTTP client) and wall seconds. Target: under 1 s of CPU per sweep for 500.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _feed(number: int, port: int) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
            f"<link>http://127.0.0.1:{port}/</link><description>reports</description>"
            f"<item><title>Report {number}</title><link>http://127.0.0.1:{port}/reports/{number}.html</link>"
            f"<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>").encode()


def _serve(port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body, etag = b"User-agent: *\nAllow: /\n", None
            else:
                number = int(self.path.strip("/").split("-")[1].split(".")[0])
                body = _feed(number, self.server.server_address[1])
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def _project(root: Path, port: int, sources: int) -> None:
    (root / "config").mkdir()
    (root / "content").mkdir()
    shutil.copytree(ROOT / "schedules" / "templates", root / "schedules" / "templates")
    blocks = "".join(f'\n[[sources]]\nname = "feed-{i}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/feed-{i}.xml"\n'
                     f'accounts = ["bench-x"]\n' for i in range(sources))
    (root / "config" / "bot.toml").write_text(
        '[bot]\ntimezone = "Asia/Tokyo"\n[watch]\nhost_delay_seconds = 0\n'
        f'[[accounts]]\nname = "bench-x"\nplatform = "x"\n{blocks}', encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--sweeps", type=int, default=5)
    args = parser.parse_args(argv)
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=10)
    root = Path(tempfile.mkdtemp(prefix="bench-autopilot-"))
    try:
        _project(root, port, args.sources)
        os.chdir(root)
        import datetime as dt

        from bot.ledger.db import open_ledger
        from bot.settings import load_settings
        from bot.sources.watch import make_fetcher, sweep

        settings = load_settings()
        factory = open_ledger(settings.database_url)
        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        fetcher = make_fetcher(settings)
        backfill = sweep(settings, factory, now=now, owner="bench", backfill=True, fetcher=fetcher)
        print(f"backfill: {args.sources} sources, {backfill.backfilled} reports recorded as seen")
        cpu_times, wall_times = [], []
        for number in range(1, args.sweeps + 1):
            wall, cpu = time.perf_counter(), time.process_time()
            report = sweep(settings, factory, now=now + dt.timedelta(minutes=30 * number), owner="bench",
                           fetcher=fetcher)
            cpu_times.append(time.process_time() - cpu)
            wall_times.append(time.perf_counter() - wall)
            statuses = {s.status for s in report.sources}
            assert statuses == {"not_modified"} and not report.drafts, (statuses, report.drafts)
        best, median = min(cpu_times), sorted(cpu_times)[len(cpu_times) // 2]
        print(f"sweep of {args.sources} unchanged sources (all 304): CPU median {median:.3f} s (best {best:.3f} s), "
              f"wall median {sorted(wall_times)[len(wall_times) // 2]:.3f} s over {args.sweeps} sweeps")
        verdict = "OK" if median < 1.0 else "OVER"
        print(f"target < 1 s CPU per sweep: {verdict} ({median / 1.0:.2f}x of the budget)")
        return 0 if median < 1.0 else 1
    finally:
        os.chdir(ROOT)
        shutil.rmtree(root, ignore_errors=True)
        server.terminate()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
