"""Pipeline benchmark: `.venv/bin/python bench/bench_pipeline.py` (one process, offline).

Prints
1. findings vs sumy LexRank on the same reports (both from body text to top 3; sumy gets a tokenizer built on
   our splitter, because its default English tokenizer downloads nltk data at run time) and the time ratio;
2. the whole ingest → findings → drafts time per report (drafts via bot.content.compose.compose_drafts);
3. `bot --help` wall time in a fresh subprocess;
4. the sample report's top 3 by our method, lead-3, and sumy LexRank / TextRank / Luhn, side by side.
Targets: findings ≥ 2× faster than LexRank; pipeline < 20 ms per report; `bot --help` < 0.3 s.
"""

from __future__ import annotations

import importlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.findings import rank_findings, report_sentences  # noqa: E402
from bot.content.ingest import ingest  # noqa: E402
from bot.content.report import Report  # noqa: E402
from bot.content.sentences import split_sentences  # noqa: E402

SAMPLE_TXT = ROOT.parent / "shared" / "reports" / "tgd5-part3-2-future-of-international-security.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
SAMPLE_URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
# (label, source, ingest kwargs)
REPORTS: list[tuple[str, Path, dict[str, Any]]] = [
    ("sample .txt", SAMPLE_TXT, {"url": SAMPLE_URL, "meta": {"date": "2024-02-29"}}),
    ("sample .html", FIXTURES / "tgd5-part3-2-future-of-international-security.html", {}),
    ("news .html", FIXTURES / "news-article.html", {}),
    ("japanese .txt", FIXTURES / "tgd5-part1-1-ja.txt", {"url": "https://www.jiia.or.jp/TGD/tgd5_final.php?1"}),
]
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")


class OfflineTokenizer:
    """sumy's tokenizer interface (language, to_sentences, to_words) on our splitter: no nltk data needed."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, "en"))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def best_time(function: Callable[[], object], repeat: int) -> float:
    """Median seconds per call after one warm-up (the median resists scheduler noise)."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sumy_summarizers() -> dict[str, Any]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    summarizers: dict[str, Any] = {}
    for name, cls in (("LexRank", LexRankSummarizer), ("TextRank", TextRankSummarizer), ("Luhn", LuhnSummarizer)):
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        summarizers[name] = summarizer
    return summarizers


def sumy_top(summarizer: Any, report: Report, count: int = 3) -> list[str]:
    from sumy.parsers.plaintext import PlaintextParser

    parser = PlaintextParser.from_string(report.body, OfflineTokenizer())
    return [str(sentence) for sentence in summarizer(parser.document, count)]


def load_compose() -> tuple[Callable[..., Any] | None, str]:
    try:
        module = importlib.import_module("bot.content.compose")
    except ImportError as error:
        return None, f"bot.content.compose not importable ({error})"
    compose = getattr(module, "compose_drafts", None)
    return (compose, "compose_drafts") if compose else (None, "bot.content.compose has no compose_drafts")


def main() -> int:
    from bot.settings import load_settings

    settings = load_settings(ROOT / "config" / "bot.toml")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        reports = {
            label: ingest(str(src), content_dir=workdir / str(i), **kw).report
            for i, (label, src, kw) in enumerate(REPORTS)
        }
        bench_findings(reports)
        bench_pipeline(settings, workdir / "pipeline")
        bench_help()
        compare_methods(reports["sample .txt"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def bench_findings(reports: dict[str, Report]) -> None:
    lexrank = sumy_summarizers()["LexRank"]
    print("1. Findings vs sumy LexRank (body text → top 3, median of 300 runs)\n")
    print(f"{'report':<15} {'sentences':>9} {'findings ms':>12} {'LexRank ms':>11} {'LexRank/findings':>17}")
    ratios = []
    for label, report in reports.items():
        if report.language != "en":
            continue  # sumy is set up for English here (stemmer, stop words)
        ours = best_time(partial(rank_findings, report), 300)
        theirs = best_time(partial(sumy_top, lexrank, report), 300)
        ratios.append(theirs / ours)
        count = len(report_sentences(report))
        print(f"{label:<15} {count:>9} {ours * 1e3:>12.3f} {theirs * 1e3:>11.3f} {theirs / ours:>16.1f}×")
    print(f"\n   findings are {min(ratios):.1f}–{max(ratios):.1f}× faster than LexRank (target ≥ 2×)\n")


def bench_pipeline(settings: Any, out: Path) -> None:
    compose, compose_note = load_compose()
    print(f"2. Whole pipeline per report: ingest (read, parse, write .md) → findings → drafts [{compose_note}]\n")
    print(f"{'report':<15} {'ingest ms':>10} {'findings ms':>12} {'drafts ms':>10} {'total ms':>9}")
    for label, src, kwargs in REPORTS:
        run_ingest = partial(ingest, str(src), content_dir=out / label.replace(" ", "-"), force=True, **kwargs)
        report = run_ingest().report
        findings = rank_findings(report)
        t_ingest = best_time(run_ingest, 100)
        t_findings = best_time(partial(rank_findings, report), 100)
        t_drafts = best_time(partial(compose, report, findings, settings), 100) if compose else 0.0
        total = t_ingest + t_findings + t_drafts
        drafts = f"{t_drafts * 1e3:>10.2f}" if compose else f"{'n/a':>10}"
        print(f"{label:<15} {t_ingest * 1e3:>10.2f} {t_findings * 1e3:>12.2f} {drafts} {total * 1e3:>9.2f}")
    print("   target: < 20 ms per typical report\n")


def bench_help() -> None:
    bot_exe = Path(sys.executable).parent / "bot"
    command = [str(bot_exe), "--help"] if bot_exe.exists() else [sys.executable, "-m", "bot", "--help"]
    subprocess.run(command, capture_output=True, check=True, cwd=ROOT)  # warm the disk cache
    times = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    shown = " ".join(Path(part).name for part in command)
    print(
        f"3. `{shown}`: median {statistics.median(times):.3f} s, min {min(times):.3f} s over 7 runs (target < 0.3 s)\n"
    )


def compare_methods(report: Report) -> None:
    """Our top 3, lead-3 and sumy's LexRank/TextRank/Luhn top 3 on the sample, so a reader can judge."""
    sentences = [s.text for s in report_sentences(report)]
    methods = {"this bot (rank order)": [f.text for f in rank_findings(report)], "lead-3": sentences[:3]}
    for name, summarizer in sumy_summarizers().items():
        methods[f"sumy {name}"] = sumy_top(summarizer, report)
    print("4. Sample report, top 3 by method (sentence number: text)\n")
    for name, chosen in methods.items():
        print(f"   {name}")
        for text in chosen:
            number = sentences.index(text) if text in sentences else -1
            line = textwrap.shorten(text, 150, placeholder=" …")
            print(f"     [{number}] {line}")
        print()


if __name__ == "__main__":
    raise SystemExit(main())
