"""How long the interactive commands take, whole process, on the shipped sample — against `bot --help` (the
floor: Python start-up plus the lazy command group) measured in the same run.

    .venv/bin/python bench/cli_latency.py [--runs N]

Each command runs in a throw-away copy of config/, content/ and schedules/ with a scheduled ledger (so `queue`
and `history` read real rows), N times (default 7); the median wall time is reported, with its ratio to
`bot --help`, and the median CPU time (user + system) beside it: on a busy machine the wall time grows, the
CPU time does not. Target: every interactive command ≤ 0.5 s. Exit 1 when one is over the target.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = [sys.executable, "-m", "bot"]
TARGET_SECONDS = 0.5
COMMANDS = [
    ["--help"],
    ["plan"],
    ["queue"],
    ["history"],
    ["draft", "tgd5-part3-2-future-of-international-security"],
    ["findings", "tgd5-part3-2-future-of-international-security"],
]


def _median_seconds(argv: list[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of `bot ARGV` as a whole process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*BOT, *argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 7
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("config", "content", "schedules"):
            shutil.copytree(ROOT / name, work / name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env["PYTHONPATH"] = str(ROOT)
        subprocess.run([*BOT, "schedule"], cwd=work, env=env, stdout=subprocess.DEVNULL, check=True)
        floor, floor_cpu = _median_seconds(["--help"], work, env, runs)
        print(f"{'command':<28} {'wall':>8} {'× bot --help':>13} {'cpu':>8}   target ≤ {TARGET_SECONDS} s")
        over = 0
        for command in COMMANDS:
            seconds, cpu = (floor, floor_cpu) if command == ["--help"] else _median_seconds(command, work, env, runs)
            label = "bot " + " ".join(command)[:24]
            flag = "" if seconds <= TARGET_SECONDS else "  OVER"
            over += bool(flag)
            print(f"{label:<28} {seconds:>7.3f}s {seconds / floor:>12.1f}× {cpu:>7.3f}s{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
