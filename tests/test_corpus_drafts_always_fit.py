"""Every draft of every labelled corpus report (bench/quality/corpus, both splits, rendered as its publisher's
page and ingested for real) fits its platform, with a short utm_campaign and no chrome as the title."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.content.compose import draft_report
from bot.content.ingest import ingest
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "bench" / "quality" / "corpus").glob("*/*.json"))


@pytest.mark.skipif(not CORPUS, reason="no corpus")
def test_no_draft_of_any_corpus_report_is_over_its_limit(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from quality.render import render_page

    settings = load_settings(ROOT / "config" / "bot.toml")
    for path in CORPUS:
        item = json.loads(path.read_text(encoding="utf-8"))
        page = tmp_path / f"{item['id']}.html"
        page.write_text(render_page(item), encoding="utf-8")
        report = ingest(str(page), content_dir=tmp_path / item["id"]).report
        assert report.title != item["page"].get("page_heading"), item["id"]
        for draft in draft_report(report, settings):
            assert 0 < draft.weighted_length <= draft.limit, (item["id"], draft.kind, draft.text)
            campaign = parse_qs(urlsplit((draft.link or "").split("#")[0]).query).get("utm_campaign", [""])[0]
            assert 0 < len(campaign) <= 40, (item["id"], campaign)
