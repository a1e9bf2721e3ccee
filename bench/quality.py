"""Quality benchmark: `.venv/bin/python bench/quality.py [--split dev|test|all] [--json] [--check]` (`make quality`).

Each labelled report of bench/quality/corpus/<split>/ is rendered as an HTML page shaped like its publisher's
(bench/quality/render.py), ingested through the bot's real ingest path into a temporary content directory,
ranked and drafted with config/bot.toml. lead-3 and sumy LexRank/TextRank/Luhn pick from the same ingested
reports in the same run. Measures (over the split's reports):

- precision@3: share of the top-3 picks that are labelled `key` (picks matched to labelled sentences by
  normalised text overlap, see bench/quality/labels.py);
- never-post: share of the picks that are labelled `never`;
- X cut "…": share of the bot's X posts that were shortened with "…" (announcements and highlights);
- over limit: drafts longer than their platform's limit (must be 0);
- chrome leaks: a chrome line or the page heading inside a pick, or as the report title;
- long utm: drafts whose utm_campaign is longer than 40 characters.

`--check` compares the bot's figures with bench/quality/floors.toml and exits 1 when one is broken. Tune on
the dev split only; the test split is for reporting.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality.labels import Labelled  # noqa: E402
from quality.peers import PEERS  # noqa: E402
from quality.render import render_page  # noqa: E402

from bot.content.compose import compose_drafts  # noqa: E402
from bot.content.findings import rank_findings  # noqa: E402
from bot.content.ingest import ingest  # noqa: E402
from bot.content.report import Report  # noqa: E402
from bot.settings import load_settings  # noqa: E402

CORPUS = ROOT / "bench" / "quality" / "corpus"
FLOORS = ROOT / "bench" / "quality" / "floors.toml"
BOT = "this bot"
TOP = 3
UTM_MAX = 40


def load_corpus(split: str) -> list[dict[str, Any]]:
    splits = ("dev", "test") if split == "all" else (split,)
    files = sorted(path for name in splits for path in (CORPUS / name).glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def ingest_page(item: dict[str, Any], workdir: Path) -> Report:
    workdir.mkdir(parents=True, exist_ok=True)
    page = workdir / f"{item['id']}.html"
    page.write_text(render_page(item), encoding="utf-8")
    return ingest(str(page), content_dir=workdir / "content").report


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def chrome_leaks(item: dict[str, Any], report: Report, picks: list[str]) -> list[str]:
    """Chrome lines or the page heading found in a pick, or standing as the report's title."""
    chrome = [*item["chrome"]["before"], *item["chrome"]["after"]]
    heading = item["page"].get("page_heading")
    body = _norm(" ".join(entry["text"] for paragraph in item["paragraphs"] for entry in paragraph))
    # A chrome line that the report's own text also contains (a committee's name) is no leak when quoted.
    lines = [_norm(line) for line in [*chrome, *([heading] if heading else [])] if line.strip()]
    lines = [line for line in lines if line not in body]
    leaks = [f"in pick: {line}" for line in lines for pick in picks if line in _norm(pick)]
    title = _norm(report.title)
    leaks += [f"as title: {line}" for line in lines if title == line or (len(line) > 12 and line in title)]
    return leaks


class Tally:
    """Running totals for one method."""

    def __init__(self) -> None:
        self.picks = self.key = self.never = self.leaks = 0
        self.x_posts = self.x_cut = self.over = self.long_utm = 0
        self.drafts = 0
        self.details: list[str] = []
        self.examples: list[tuple[str, str, str, list[str]]] = []  # (report, sentence, post text, notes)

    def add_picks(self, labelled: Labelled, picks: list[str], leaks: list[str], report_id: str) -> None:
        labels = [labelled.label(p) for p in picks]
        self.picks += len(picks)
        self.key += labels.count("key")
        self.never += labels.count("never")
        self.leaks += len(leaks)
        self.details += [f"{report_id}: never-post pick: {p[:100]}" for p, lab in zip(picks, labels, strict=True) if lab == "never"]
        self.details += [f"{report_id}: chrome leak {leak}" for leak in leaks]

    def add_drafts(self, drafts: list[Any], report_id: str) -> None:
        for draft in drafts:
            if draft.kind == "highlight" and draft.platform == "x" and draft.meta.get("removed"):
                self.examples.append((report_id, str(draft.meta["finding"]), str(draft.meta["final"]), draft.meta["notes"]))
            self.drafts += 1
            if draft.weighted_length > draft.limit:
                self.over += 1
                self.details.append(f"{report_id}: over the limit {draft.weighted_length}/{draft.limit}: {draft.kind}")
            if draft.platform == "x" and draft.meta.get("form") != "thread":
                self.x_posts += 1
                if any("shortened" in note for note in draft.meta.get("notes", [])):
                    self.x_cut += 1
            campaign = _utm_campaign(draft)
            if campaign is not None and len(campaign) > UTM_MAX:
                self.long_utm += 1

    def figures(self, with_drafts: bool) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "picks": self.picks,
            "precision_at_3": round(self.key / self.picks, 3) if self.picks else 0.0,
            "never_rate": round(self.never / self.picks, 3) if self.picks else 0.0,
            "chrome_leaks": self.leaks,
        }
        if with_drafts:
            figures |= {
                "x_posts": self.x_posts,
                "x_cut": self.x_cut,
                "x_cut_share": round(self.x_cut / self.x_posts, 3) if self.x_posts else 0.0,
                "drafts": self.drafts,
                "over_limit": self.over,
                "long_utm_campaign": self.long_utm,
            }
        return figures


def _utm_campaign(draft: Any) -> str | None:
    link = draft.link or ""
    values = parse_qs(urlsplit(link.split("#", 1)[0]).query).get("utm_campaign")
    return values[0] if values else None


def by_language(corpus: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The bot's figures on each language's reports of `corpus`."""
    figures = {}
    for language in sorted({item["language"] for item in corpus}):
        tallies, _ = evaluate([item for item in corpus if item["language"] == language], peers=False)
        figures[language] = tallies[BOT].figures(with_drafts=True)
    return figures


def evaluate(corpus: list[dict[str, Any]], *, peers: bool = True) -> tuple[dict[str, Tally], int]:
    settings = load_settings(ROOT / "config" / "bot.toml")
    methods: dict[str, Callable[[Report, int], list[str]]] = {
        BOT: lambda report, count: [f.text for f in rank_findings(report, top=count)],
        **(PEERS if peers else {}),
    }
    tallies = {name: Tally() for name in methods}
    workdir = Path(tempfile.mkdtemp(prefix="quality-"))
    try:
        for item in corpus:
            report = ingest_page(item, workdir / item["id"])
            labelled = Labelled(item)
            for name, method in methods.items():
                picks = method(report, TOP)
                tallies[name].add_picks(labelled, picks, chrome_leaks(item, report, picks), item["id"])
            findings = rank_findings(report, top=TOP)
            tallies[BOT].add_drafts(compose_drafts(report, findings, settings), item["id"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return tallies, len(corpus)


def print_table(tallies: dict[str, Tally], split: str, reports: int) -> None:
    print(f"Quality on the {split} split ({reports} reports, top {TOP} picks each)\n")
    header = f"{'method':<15} {'precision@3':>11} {'never-post':>10} {'chrome leaks':>12} {'X cut …':>12} {'over limit':>10} {'utm>40':>7}"
    print(header)
    print("-" * len(header))
    for name, tally in tallies.items():
        f = tally.figures(with_drafts=name == BOT)
        cut = f"{f['x_cut']}/{f['x_posts']} {f['x_cut_share']:.0%}" if name == BOT else ""
        drafts = (
            f"{cut:>12} {f['over_limit']:>10} {f['long_utm_campaign']:>7}"
            if name == BOT
            else f"{'–':>12} {'–':>10} {'–':>7}"
        )
        print(f"{name:<15} {f['precision_at_3']:>11.2f} {f['never_rate']:>10.0%} {f['chrome_leaks']:>12} {drafts}")


def check(figures: dict[str, Any], floors_file: Path = FLOORS) -> list[str]:
    floors = tomllib.loads(floors_file.read_text(encoding="utf-8"))
    broken = []
    for key, bound in floors.items():
        name, _, kind = key.rpartition("_")
        value = figures.get(name)
        if value is None:
            broken.append(f"{key}: no figure {name!r}")
        elif (kind == "min" and value < bound) or (kind == "max" and value > bound):
            broken.append(f"{name} = {value} breaks the floor {key} = {bound}")
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description="Quality of findings and drafts on the labelled corpus.")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a floor in floors.toml is broken")
    parser.add_argument("--floors", type=Path, default=FLOORS, help=argparse.SUPPRESS)
    parser.add_argument("--details", action="store_true", help="list never-post picks, leaks, over-limit drafts")
    parser.add_argument("--by-language", action="store_true", help="also the bot's figures per language")
    parser.add_argument("--examples", type=int, default=0, metavar="N", help="show N compressed findings, before/after")
    args = parser.parse_args()
    corpus = load_corpus(args.split)
    if not corpus:
        print(f"no corpus reports in {CORPUS}/{args.split}", file=sys.stderr)
        return 2
    tallies, reports = evaluate(corpus)
    figures = {name: tally.figures(with_drafts=name == BOT) for name, tally in tallies.items()}
    if args.json:
        print(json.dumps({"split": args.split, "reports": reports, "methods": figures}, indent=2))
    else:
        print_table(tallies, args.split, reports)
    if args.by_language:
        for language, f in by_language(corpus).items():
            print(
                f"this bot ({language}): {f['picks'] // TOP} reports, precision@3 {f['precision_at_3']:.2f}, "
                f"never-post {f['never_rate']:.0%}, X cut {f['x_cut']}/{f['x_posts']}, over limit {f['over_limit']}"
            )
    if args.details:
        print("\n" + "\n".join(tallies[BOT].details))
    for report_id, sentence, final, notes in tallies[BOT].examples[: args.examples]:
        print(f"\n[{report_id}] {'; '.join(notes)}\n  before: {sentence}\n  after:  {final}")
    if args.check:
        broken = check(figures[BOT], args.floors)
        for line in broken:
            print(f"FLOOR BROKEN: {line}", file=sys.stderr)
        if broken:
            return 1
        print(f"\nall floors hold ({args.floors.relative_to(ROOT) if args.floors.is_relative_to(ROOT) else args.floors})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
