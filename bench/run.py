"""`make bench`: every benchmark in turn, each in its own process of this interpreter, output passed through.

    .venv/bin/python bench/run.py [--quick]

Runs bench/bench_pipeline.py, bench/bench_runner.py (`--quick`: 2,000 pending posts and 20 generated
campaigns instead of 10,000 and 200, for a smoke run), then the interactive commands, the rehearsal, the
findings size curve, autopilot's sweep and the review desk. Exit code: the first failing benchmark's (all of them run), else 0.
(`make quality` is its own command: bench/quality.py.)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QUICK_RUNNER = ["--posts", "2000", "--window-posts", "200", "--plan-campaigns", "20"]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    runs = [("bench_pipeline.py", []), ("bench_runner.py", QUICK_RUNNER if quick else []),
            ("cli_latency.py", []), ("rehearsal.py", []), ("findings_size.py", []), ("autopilot.py", []),
            ("desk.py", [])]
    first_failure = 0  # every benchmark runs; a target missed by one does not hide the others' figures
    for script, args in runs:
        print(f"\n=== {script} {' '.join(args)}".rstrip(), flush=True)
        start = time.perf_counter()
        code = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT).returncode
        print(f"=== {script}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        first_failure = first_failure or code
    return first_failure


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
