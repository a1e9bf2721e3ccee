"""Bad input: one line naming the source and the cause, InputError (exit 2), and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.ingest import ingest
from bot.content.markdown_io import load_report
from bot.errors import InputError
from tests.conftest import SAMPLE_REPORT_TXT

URL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
GOOD_MD = "---\ntitle: A session\nurl: https://example.org/r\n---\n\nIt was recommended that talks continue.\n"
ONLY_CHROME = "Event Report\n\nThe 5th Tokyo Global Dialogue\n\n• twitter\n• Facebook\n\nFebruary 29\n\nPart 1\n\nback to session list\n"

# name, file name, content, ingest kwargs, expected message fragment
BAD_FILES: list[tuple[str, str, bytes | None, dict[str, object], str]] = [
    ("empty", "r.txt", b"", {"url": URL}, "is empty"),
    ("blank", "r.txt", b"  \n\n \t\n", {"url": URL}, "is empty"),
    ("binary", "r.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "binary"),
    ("latin-1 text", "r.txt", "Caf\xe9 report. It was agreed.".encode("latin-1"), {"url": URL}, "not UTF-8"),
    (
        "bad utf-8 html",
        "r.html",
        b"<html><head><meta charset='utf-8'></head><body><p>\xff\xfe</p>",
        {},
        "cannot decode as utf-8",
    ),
    ("unknown charset", "r.html", b"<meta charset='klingon'><p>Hello there.</p>", {}, "unknown character set"),
    (
        "html without body text",
        "r.html",
        b"<html><head><title>T</title><script>x()</script></head><body><nav><a href='/'>Home</a></nav></body></html>",
        {},
        "no body text",
    ),
    ("txt with only chrome", "r.txt", ONLY_CHROME.encode(), {"url": URL}, "no body text"),
    ("unsupported type", "r.pdf", b"%PDF-1.7 text", {}, "unsupported source"),
    ("txt without url", "r.txt", b"A title\n\nIt was agreed to meet again.\n", {}, "--url"),
    ("non-http url", "r.txt", b"A title\n\nIt was agreed.\n", {"url": "ftp://example.org/r"}, "--url must be"),
    ("unknown meta key", "r.md", GOOD_MD.encode(), {"meta": {"colour": "red"}}, "unknown --meta key"),
    ("bad meta date", "r.md", GOOD_MD.encode(), {"meta": {"date": "29/02/2024"}}, "YYYY-MM-DD"),
    ("bad meta part", "r.md", GOOD_MD.encode(), {"meta": {"part": "three"}}, "whole number"),
    ("md bad yaml", "r.md", b"---\ntitle: [unclosed\n---\n\nBody text here.\n", {"url": URL}, "not valid YAML"),
    ("md unknown key", "r.md", b"---\ntitel: Typo\n---\n\nBody text here.\n", {"url": URL}, "unknown front matter"),
    ("md unclosed front matter", "r.md", b"---\ntitle: T\n\nBody text.\n", {"url": URL}, "not closed"),
    ("md without body", "r.md", b"---\ntitle: T\nurl: https://example.org/r\n---\n\n", {}, "no body text"),
    ("no title", "r.txt", b"It was agreed to meet again. Everyone nodded.\n", {"url": URL}, "no title"),
]


@pytest.mark.parametrize(("name", "filename", "content", "kwargs", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str, filename: str, content: bytes, kwargs: dict[str, object], message: str
) -> None:
    source = tmp_path / filename
    source.write_bytes(content)
    out = tmp_path / "content"
    with pytest.raises(InputError) as error:
        ingest(str(source), content_dir=out, **kwargs)  # type: ignore[arg-type]
    assert str(error.value).startswith(f"{source}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert error.value.exit_code == 2
    assert not out.exists()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        ingest(str(tmp_path / "nope.txt"), content_dir=tmp_path / "c", url=URL)
    with pytest.raises(InputError, match="not a file"):
        ingest(str(tmp_path), content_dir=tmp_path / "c", url=URL)


def test_file_over_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.content.sources.MAX_BYTES", 1000)
    with pytest.raises(InputError, match="larger than the 1000 bytes cap"):
        ingest(str(SAMPLE_REPORT_TXT), content_dir=tmp_path / "c", url=URL)
    assert not (tmp_path / "c").exists()


def test_year_that_has_no_february_29(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a calendar date"):
        ingest(str(SAMPLE_REPORT_TXT), content_dir=tmp_path, url=URL, meta={"year": "2023"})


BROKEN_REPORTS = [
    ("not utf-8", b"---\ntitle: Caf\xe9\n---\n", "not UTF-8"),
    ("no front matter", b"Just text.\n", "no front matter"),
    ("front matter a list", b"---\n- a\n- b\n---\nBody.\n", "must be a mapping"),
    ("missing url", b"---\ntitle: T\n---\n\nBody.\n", "needs 'url'"),
    ("bad date", b"---\ntitle: T\nurl: https://e.org\ndate: someday\n---\n\nBody.\n", "YYYY-MM-DD"),
    ("highlights not a list", b"---\ntitle: T\nurl: https://e.org\nhighlights: {a: 1}\n---\n\nBody.\n", "list"),
    ("boolean part", b"---\ntitle: T\nurl: https://e.org\npart: true\n---\n\nBody.\n", "whole number"),
]


@pytest.mark.parametrize(("name", "content", "message"), BROKEN_REPORTS, ids=[b[0] for b in BROKEN_REPORTS])
def test_load_report_names_the_file(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_report(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_load_report_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="report file not found"):
        load_report(tmp_path / "absent.md")
