"""The shipped content/ sample is exactly what a fresh `bot ingest` of ../shared/reports/ writes, given the
values the page does not carry (see ../shared/reports/README.md) and the sample's own post settings."""

from __future__ import annotations

from pathlib import Path

from bot.content.ingest import ingest
from bot.content.markdown_io import load_report
from tests.conftest import SAMPLE_REPORT_TXT

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "content" / "tgd5-part3-2-future-of-international-security.md"
URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"


def test_shipped_sample_equals_a_fresh_ingest_of_the_shared_report(tmp_path: Path) -> None:
    shipped = load_report(SHIPPED)
    meta = {
        "date": "2024-02-29",  # the page prints "February 29" without the year
        "publisher": str(shipped.publisher),  # not on the rendered text
        "description": str(shipped.description),
        "event_slug": "tgd5",  # the sample's post settings: short UTM campaign, the event's hashtag
        "hashtags": "#TokyoGlobalDialogue",
    }
    result = ingest(str(SAMPLE_REPORT_TXT), content_dir=tmp_path, url=URL, meta=meta)
    assert result.path.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


def test_the_sample_carries_its_event_hashtag_not_the_global_config() -> None:
    shipped = load_report(SHIPPED)
    assert shipped.hashtags == ("#TokyoGlobalDialogue",) and shipped.event_slug == "tgd5"
    config = (ROOT / "config" / "bot.toml").read_text(encoding="utf-8")
    assert "#TokyoGlobalDialogue" not in config.split("[hashtags]")[1].split("[templates]")[0]
