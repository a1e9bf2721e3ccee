"""Kill test: a real `bot run --until-idle` subprocess is SIGKILLed at random (seeded) moments (after a random number of requests plus a random few ms) over 200 posts
(threads included) and restarted until everything is final. The dry-run journal must then show every post
created exactly once, thread parts replying to the right part. Also with injected transient failures,
ambiguous timeouts and 502s after a create (BOT_DRYRUN_FAULTS), over near-identical posts (one text with `&`,
different links)."""

from __future__ import annotations

import random
import subprocess
import threading
import time

import pytest

from bot.ledger.db import open_ledger
from bot.ledger.models import Attempt
from tests.runner_support import (
    RUN,
    assert_published_exactly_once,
    bot_command,
    seed_posts,
    status_counts_of,
    subprocess_env,
)

pytestmark = pytest.mark.slow
MAX_KILLS = 15
BUDGET_SECONDS = 50


def _lines(journal) -> int:
    return journal.read_bytes().count(b"\n") if journal.exists() else 0


def _kill_mid_work(proc: subprocess.Popen[bytes], journal, after: int, delay: float, killed: list[bool]) -> None:
    """SIGKILL the run `delay` seconds after it has made `after` more requests: a random moment inside the
    claim → publish → record cycle, wherever the process happens to be."""
    target = _lines(journal) + after
    while proc.poll() is None and _lines(journal) < target:
        time.sleep(0.002)
    time.sleep(delay)
    if proc.poll() is None:
        proc.kill()
        killed.append(True)


def run_with_kills(tmp_path, faults: str | None, seed: int, *, near_identical: bool = False) -> tuple[int, int]:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    factory = open_ledger(url)
    made = seed_posts(factory, singles=170, threads=10, near_identical=near_identical)
    extra = {"BOT_DRYRUN_FAULTS": faults} if faults else {}
    env = subprocess_env(tmp_path, url, **extra)
    journal = tmp_path / "journal.jsonl"
    rng = random.Random(seed)
    kills = runs = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline:
        runs += 1
        proc = subprocess.Popen([*bot_command(), *RUN, "--until-idle", "--json"], env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed: list[bool] = []
        if kills < MAX_KILLS:
            moment = (proc, journal, rng.randint(1, 25), rng.uniform(0.0, 0.004), killed)
            threading.Thread(target=_kill_mid_work, args=moment, daemon=True).start()
        returncode = proc.wait(timeout=60)
        kills += len(killed)
        if not killed:
            assert returncode == 0
            if set(status_counts_of(factory)) <= {"posted", "failed", "duplicate", "unconfirmed"}:
                break
    assert_published_exactly_once(factory, made, journal)
    with factory() as session:
        reconciled = session.query(Attempt).filter_by(outcome="reconciled").count()
    print(f"kills={kills} runs={runs} reconciled={reconciled}")
    assert reconciled >= 1, "no kill left a post in flight: crash recovery was not exercised"
    return kills, runs


def test_sigkill_at_random_moments_never_loses_or_doubles_a_post(tmp_path):
    kills, runs = run_with_kills(tmp_path, None, seed=20261128)
    assert kills >= 8, f"only {kills} kills landed in {runs} runs: the test proved little"


def test_sigkill_with_faults_over_near_identical_posts(tmp_path):
    """Transient failures, ambiguous timeouts and 502s after the post was created, over posts that share one
    text (with `&`, `<`, `>`, escaped by X's timeline) and differ only by their link: reconciliation must
    tell them apart by link and by which ledger row owns which remote post."""
    faults = "transient=0.08,ambiguous=0.05,created_then_5xx=0.05,seed=7"
    kills, runs = run_with_kills(tmp_path, faults, seed=7, near_identical=True)
    assert kills >= 8, f"only {kills} kills landed in {runs} runs"


@pytest.mark.parametrize("mode", [["--until-idle"], []], ids=["until-idle", "long-running"])
def test_sigterm_finishes_the_post_in_flight_records_it_and_exits_0(tmp_path, mode):
    import signal

    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    factory = open_ledger(url)
    made = seed_posts(factory, singles=150, threads=0)
    env = subprocess_env(tmp_path, url)
    journal = tmp_path / "journal.jsonl"
    proc = subprocess.Popen([*bot_command(), *RUN, *mode], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and _lines(journal) < 20:
        time.sleep(0.002)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    counts = status_counts_of(factory)
    assert "sending" not in counts, counts  # the post in flight was recorded, none left half-done
    assert counts.get("posted", 0) == _lines(journal)  # every request made was recorded as posted
    assert subprocess.run([*bot_command(), *RUN, "--until-idle"], env=env, cwd=tmp_path,
                          capture_output=True).returncode == 0
    assert_published_exactly_once(factory, made, journal)
