"""How long `bot rehearse` takes to play the shipped sample campaign's whole plan (announcement, highlights,
every repost cycle, over about two months of virtual time), whole process — against `bot --help` in the
same run, and with injected faults (retries with backoff on the virtual clock).

    .venv/bin/python bench/rehearsal.py [--runs N]

Each run works in a throw-away copy of config/, content/ and schedules/ (fresh real ledger: none, so the
rehearsal starts from the campaigns alone). The median of N runs (default 5) is reported. Target: < 5 s
("in seconds"). Exit 1 when over the target or when the rehearsal did not play every planned post.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = [sys.executable, "-m", "bot"]
TARGET_SECONDS = 5.0
CASES = {"bot --help": (["--help"], None), "bot rehearse": (["rehearse", "--json"], None),
         "bot rehearse, faults": (["rehearse", "--json"], "transient=0.3,ambiguous=0.1,seed=7")}


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([*BOT, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("config", "content", "schedules"):
            shutil.copytree(ROOT / name, work / name)
        base = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        results = {}
        for label, (argv, faults) in CASES.items():
            env = {**base, **({"BOT_DRYRUN_FAULTS": faults} if faults else {}), "PYTHONPATH": str(ROOT)}
            times, last = [], ""
            for _ in range(runs):
                seconds, last = _run(argv, work, env)
                times.append(seconds)
            results[label] = statistics.median(times)
            if argv[0] == "rehearse":
                summary = json.loads(last)["summary"]
                played = summary["would post"] + summary["would miss"] + summary["would fail"]
                print(f"{label:<22} {results[label]:6.2f} s   {summary}")
                failed |= results[label] > TARGET_SECONDS or played == 0 or summary["later"] > 0
            else:
                print(f"{label:<22} {results[label]:6.2f} s")
    print(f"target: < {TARGET_SECONDS:.0f} s for the whole plan ({'over' if failed else 'met'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
