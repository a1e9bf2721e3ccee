"""A report URL is validated and normalised at ingest: a page whose canonical/og:url address carries
`"><script>` (characters no URL holds unescaped) never gives the report its `url:`; the fetched address
does, so every link built from it stays one intact link."""

from __future__ import annotations

from pathlib import Path

import responses

from bot.content.ingest import ingest
from bot.content.markdown_io import load_report
from bot.settings import Settings
from tests.test_ingest_url import FIXTURES, HTML

URL = "https://www.example.org/reports/ports.php?8"
HOSTILE = 'https://www.example.org/r"><script>alert(1)</script>'


@responses.activate
def test_a_hostile_canonical_url_is_not_kept_and_the_fetched_address_is(tmp_path: Path) -> None:
    page = (FIXTURES / "tgd5-part3-2-future-of-international-security.html").read_text(encoding="utf-8")
    hostile = page.replace("https://www.jiia.or.jp/en/TGD/tgd5_final.php?8", HOSTILE.replace('"', "&quot;"))
    assert hostile != page
    responses.get(URL, body=hostile.encode(), content_type=HTML)
    result = ingest(URL, content_dir=tmp_path, settings=Settings())
    assert result.report.url == URL
    written = result.path.read_text(encoding="utf-8")
    assert "<script>" not in written and load_report(result.path).url == URL
