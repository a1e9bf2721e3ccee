"""Findings size curve: `.venv/bin/python bench/findings_size.py [--sizes 100,500,1000,5000] [--timeout 150]`.

Ranks synthetic English reports of growing size (100 KB, 500 KB, 1 MB, 5 MB of body text, the last being
ingest's cap) and prints, per size, the wall time of `rank_findings` and the peak memory (max RSS) of the
process that ranked it. Each size runs in its own subprocess so one size's memory does not hide the next's,
and a size that exceeds `--timeout` seconds is killed and reported as such. Target (issue 12): a 5 MB report
ranked in < 2 s and < 200 MB.

The text is generated deterministically (seeded) from report-like sentence templates with varied words, so
sentences differ from each other as in a real report instead of repeating one paragraph.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SUBJECTS = (
    "Japan", "the United States", "the European Union", "ASEAN", "India", "Australia", "the G7", "NATO",
    "regional partners", "middle powers", "the United Nations", "coastal states", "investors", "small islands",
)  # fmt: skip
_TOPICS = (
    "supply-chain resilience", "maritime security", "energy transition", "export controls", "cyber defence",
    "food security", "critical minerals", "digital trade", "climate finance", "nuclear deterrence",
    "semiconductor policy", "development aid", "public health", "space governance", "fisheries management",
)  # fmt: skip
_TEMPLATES = (
    "It was recommended that {s} strengthen cooperation on {t} through {n} new frameworks.",
    "Participants agreed that {t} remains the main obstacle to progress on {u} in {y}.",
    "Concern was expressed that {s} may lose ground on {t} unless {n} measures are adopted.",
    "The speaker noted that {s} spent {n} billion dollars on {t} between {y} and {z}.",
    "High expectations were voiced regarding the role of {s} in {t} and {u}.",
    "{S} should treat {t} as a priority alongside {u}, several participants argued.",
    "The panel discussed {t} and its links with {u} for about {n} minutes.",
    "A representative of {s} warned that {t} could become a source of friction by {y}.",
)
_FILLERS = ("further", "closer", "sustained", "practical", "shared", "long-term", "regional", "joint")


def synthetic_body(size_bytes: int, seed: int = 7) -> list[str]:
    """Paragraphs of 4–8 sentences until the body reaches `size_bytes` of UTF-8 text."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size_bytes:
        sentences = []
        for _ in range(rng.randint(4, 8)):
            subject = rng.choice(_SUBJECTS)
            sentence = rng.choice(_TEMPLATES).format(
                s=subject, S=subject[:1].upper() + subject[1:], t=f"{rng.choice(_FILLERS)} {rng.choice(_TOPICS)}",
                u=rng.choice(_TOPICS), n=rng.randint(2, 90), y=rng.randint(2000, 2030), z=rng.randint(2031, 2050),
            )  # fmt: skip
            sentences.append(sentence)
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 2
    return paragraphs


def measure(size_kb: int) -> dict[str, float]:
    """Rank one report of `size_kb` KB in this process; seconds and peak RSS in MB."""
    import resource

    from bot.content.findings import rank_findings
    from bot.content.report import Report

    paragraphs = synthetic_body(size_kb * 1000)
    report = Report(
        slug="size", url="https://www.example.org/report", title="Dialogue on supply-chain resilience",
        paragraphs=tuple(paragraphs), event="Synthetic Dialogue",
    )  # fmt: skip
    start = time.perf_counter()
    findings = rank_findings(report, top=3)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sentences = sum(p.count(". ") + 1 for p in paragraphs)
    return {"kb": size_kb, "seconds": seconds, "peak_mb": peak_mb, "sentences": sentences, "found": len(findings)}


def _memory_cap(megabytes: int) -> Callable[[], None]:
    """A pre-exec hook capping the child's address space, so a runaway size fails instead of swapping."""

    def cap() -> None:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,5000", help="sizes in KB, comma-separated")
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds before a size is killed")
    parser.add_argument("--max-memory-mb", type=int, default=3000, help="address-space cap per size (MB)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return 0
    print(f"{'size':>8} {'sentences':>10} {'rank time':>12} {'peak RSS':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        label = f"{size / 1000:g} MB" if size >= 1000 else f"{size} KB"
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True,
                timeout=args.timeout, check=True, preexec_fn=_memory_cap(args.max_memory_mb),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"{label:>8} {'':>10} {'> ' + format(args.timeout, 'g') + ' s':>12} {'(killed)':>10}", flush=True)
            continue
        except subprocess.CalledProcessError:
            print(f"{label:>8} {'':>10} {'':>12} {'> ' + str(args.max_memory_mb) + ' MB':>10} (out of memory)")
            continue
        row = json.loads(done.stdout)
        print(
            f"{label:>8} {row['sentences']:>10} {row['seconds']:>10.2f} s {row['peak_mb']:>7.0f} MB", flush=True
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
