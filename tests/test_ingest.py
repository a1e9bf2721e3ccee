"""Ingest: the sample report and fixtures become content/<slug>.md with the right metadata and a clean body."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main as bot
from bot.content.ingest import ingest
from bot.content.markdown_io import dump_report, load_report
from tests.conftest import SAMPLE_REPORT_TXT

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
SAMPLE_URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
SLUG = "tgd5-part3-2-future-of-international-security"
CHROME = ("Event Report", "twitter", "Facebook", "back to session list", "February 29\n")


def _ingest_sample(content_dir: Path, **kwargs: object) -> object:
    return ingest(str(SAMPLE_REPORT_TXT), content_dir=content_dir, url=SAMPLE_URL, **kwargs)  # type: ignore[arg-type]


def test_sample_txt_gives_the_demo_slug_and_metadata(tmp_path: Path) -> None:
    result = ingest(str(SAMPLE_REPORT_TXT), content_dir=tmp_path, url=SAMPLE_URL, meta={"year": "2024"})
    report = result.report
    assert result.path == tmp_path / f"{SLUG}.md" and result.written
    assert report.url == SAMPLE_URL
    assert report.event == "The 5th Tokyo Global Dialogue"
    assert report.title.startswith("Part 3: Ukraine and the Middle East")
    assert (report.part, report.session, report.language) == (3, 2, "en")
    assert report.date == dt.date(2024, 2, 29)
    assert len(report.paragraphs) == 6
    assert report.paragraphs[0].startswith("In the concluding session")
    assert report.paragraphs[-1].startswith("Finally, humanitarian issues")
    assert result.warnings == ()


def test_sample_body_has_no_page_chrome(tmp_path: Path) -> None:
    body = _ingest_sample(tmp_path).report.body  # type: ignore[attr-defined]
    for chrome in CHROME:
        assert chrome not in body


def test_missing_year_is_a_warning_not_a_guess(tmp_path: Path) -> None:
    result = _ingest_sample(tmp_path)
    assert result.report.date is None  # type: ignore[attr-defined]
    assert any("no year" in w for w in result.warnings)  # type: ignore[attr-defined]


def test_committed_sample_content_matches_a_fresh_ingest(tmp_path: Path) -> None:
    committed = Path(__file__).parent.parent / "content" / f"{SLUG}.md"
    report = load_report(committed)
    assert (report.part, report.session, report.date, report.language) == (3, 2, dt.date(2024, 2, 29), "en")
    assert report.publisher and "JIIA" in report.publisher and report.description
    fresh = _ingest_sample(tmp_path, meta={"date": "2024-02-29"}).report  # type: ignore[attr-defined]
    assert fresh.paragraphs == report.paragraphs


def test_jiia_html_page_uses_og_tags_and_event_year(tmp_path: Path) -> None:
    report = ingest(str(FIXTURES / f"{SLUG}.html"), content_dir=tmp_path).report
    assert report.slug == SLUG
    assert report.url == SAMPLE_URL  # og:url, not the file
    assert report.image == "https://www.jiia.or.jp/en/TGD/img/tgd5_ogp.png"
    assert report.publisher == "The Japan Institute of International Affairs"
    assert report.description and report.description.startswith("Concluding session")
    assert report.date == dt.date(2024, 2, 29)  # "February 29" + "February 28–29, 2024" on the page
    assert (report.part, report.session, report.event) == (3, 2, "The 5th Tokyo Global Dialogue")
    txt_report = _ingest_sample(tmp_path / "txt").report  # type: ignore[attr-defined]
    assert report.paragraphs == txt_report.paragraphs
    for chrome in (*CHROME, "About JIIA", "All Rights Reserved", "Site Map"):
        assert chrome not in report.body


def test_generic_news_page_goes_through_trafilatura(tmp_path: Path) -> None:
    report = ingest(str(FIXTURES / "news-article.html"), content_dir=tmp_path).report
    assert report.title == "Asia-Pacific ministers back new supply-chain pact"
    assert report.url == "https://www.harbourtimes.example/business/2025/03/14/supply-chain-pact"
    assert report.date == dt.date(2025, 3, 14)
    assert report.language == "en" and report.publisher == "The Harbour Times"
    assert len(report.paragraphs) == 4 and report.paragraphs[0].startswith("Trade ministers")
    for noise in ("cookies", "Subscribe", "newsletter", "Related stories", "Great article", "Terms"):
        assert noise not in report.body


def test_japanese_report(tmp_path: Path) -> None:
    url = "https://www.jiia.or.jp/TGD/tgd5_final.php?1"
    report = ingest(str(FIXTURES / "tgd5-part1-1-ja.txt"), content_dir=tmp_path, url=url).report
    assert report.language == "ja"
    assert report.event == "第5回東京グローバル・ダイアログ"
    assert (report.part, report.session, report.date) == (1, 1, dt.date(2024, 2, 28))
    assert report.title.startswith("第1部")
    assert "セッション一覧へ戻る" not in report.body and "Facebook" not in report.body
    assert len(report.paragraphs) == 5


def test_markdown_round_trip_and_md_source(tmp_path: Path) -> None:
    report = _ingest_sample(tmp_path, meta={"date": "2024-02-29"}).report  # type: ignore[attr-defined]
    assert load_report(tmp_path / f"{SLUG}.md") == report
    source = tmp_path / "edited.md"
    source.write_text(dump_report(report).replace(f"slug: {SLUG}\n", ""), encoding="utf-8")
    again = ingest(str(source), content_dir=tmp_path / "out").report
    assert again.slug == "edited" and again.paragraphs == report.paragraphs and again.url == SAMPLE_URL


def test_reingest_is_idempotent_and_keeps_editor_choices(tmp_path: Path) -> None:
    first = _ingest_sample(tmp_path)
    path = first.path  # type: ignore[attr-defined]
    assert _ingest_sample(tmp_path).status == "unchanged"  # type: ignore[attr-defined]
    pinned = path.read_text(encoding="utf-8").replace(
        "highlights: []", "highlights:\n- Closer cooperation between Japan and NATO was also anticipated."
    )
    path.write_text(pinned, encoding="utf-8")
    again = _ingest_sample(tmp_path)
    assert again.status == "unchanged"  # type: ignore[attr-defined]
    assert again.report.highlights == ("Closer cooperation between Japan and NATO was also anticipated.",)  # type: ignore[attr-defined]


def test_overwriting_a_hand_edited_file_needs_force(tmp_path: Path) -> None:
    path = _ingest_sample(tmp_path).path  # type: ignore[attr-defined]
    edited = path.read_text(encoding="utf-8").replace("title: 'Part 3", "title: 'Edited Part 3")
    path.write_text(edited, encoding="utf-8")
    from bot.errors import InputError

    with pytest.raises(InputError, match="--force"):
        _ingest_sample(tmp_path)
    assert path.read_text(encoding="utf-8") == edited
    assert _ingest_sample(tmp_path, force=True).status == "written"  # type: ignore[attr-defined]
    assert "Edited" not in path.read_text(encoding="utf-8")


def test_cli_ingest_writes_and_reports_each_source(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "ingest",
        str(SAMPLE_REPORT_TXT),
        "--url",
        SAMPLE_URL,
        "--meta",
        "year=2024",
        "--json",
        "--content-dir",
        "out",
    ]
    assert not bot(args)
    first = json.loads(capsys.readouterr().out)
    assert first[0]["status"] == "written" and first[0]["date"] == "2024-02-29"
    assert (project_dir / "out" / f"{SLUG}.md").exists()
    bot(args)
    assert json.loads(capsys.readouterr().out)[0]["status"] == "unchanged"


def test_cli_ingest_mixed_sources_exit_2_and_bad_one_writes_nothing(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_dir / "empty.txt").write_text("", encoding="utf-8")
    exit_code = bot(["ingest", str(FIXTURES / "news-article.html"), "empty.txt", "--content-dir", "out"])
    assert exit_code == 2
    captured = capsys.readouterr()
    assert "written" in captured.out and "news-article.md" in captured.out
    assert "refused" in captured.err and "empty.txt: is empty" in captured.err
    assert sorted(p.name for p in (project_dir / "out").iterdir()) == ["news-article.md"]


def test_reingesting_the_content_file_itself_is_unchanged(tmp_path: Path) -> None:
    path = _ingest_sample(tmp_path, meta={"date": "2024-02-29"}).path  # type: ignore[attr-defined]
    result = ingest(str(path), content_dir=tmp_path)
    assert result.status == "unchanged" and result.report.source == SAMPLE_REPORT_TXT.name
