"""Fetching report URLs: timeouts, size cap, content type, redirects, User-Agent — mocked with `responses`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import requests
import responses

from bot.content.fetch import fetch_html
from bot.content.ingest import ingest
from bot.errors import InputError
from bot.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
URL = "http://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
CANONICAL = "https://www.jiia.or.jp/en/TGD/tgd5_final.php?8"
PAGE = (FIXTURES / "tgd5-part3-2-future-of-international-security.html").read_bytes()
HTML = "text/html; charset=UTF-8"


@responses.activate
def test_200_ok_page_is_ingested_with_canonical_url_and_user_agent(tmp_path: Path) -> None:
    responses.get(URL, body=PAGE, content_type=HTML)
    settings = Settings()
    result = ingest(URL, content_dir=tmp_path, settings=settings)
    report = result.report
    assert result.path == tmp_path / "tgd5-part3-2-future-of-international-security.md"
    assert report.url == CANONICAL and report.source == URL
    assert report.date == dt.date(2024, 2, 29) and (report.part, report.session) == (3, 2)
    request = responses.calls[0].request
    assert request.headers["User-Agent"] == settings.bot.user_agent
    assert "back to session list" not in report.body
    assert ingest(URL, content_dir=tmp_path, settings=settings).status == "unchanged"


@responses.activate
def test_redirect_is_followed_and_final_url_used_without_og_url(tmp_path: Path) -> None:
    page = PAGE.replace(b'<meta property="og:url"', b'<meta property="og:nourl"').replace(
        b'<link rel="canonical"', b'<link rel="alternate"'
    )
    responses.get(URL, status=301, headers={"Location": CANONICAL})
    responses.get(CANONICAL, body=page, content_type=HTML)
    assert ingest(URL, content_dir=tmp_path).report.url == CANONICAL


@responses.activate
def test_timeouts_are_passed_to_requests() -> None:
    responses.get(URL, body=PAGE, content_type=HTML)
    fetch_html(URL, user_agent="t", timeout=(3.0, 7.0))
    assert responses.calls[0].request.req_kwargs["timeout"] == (3.0, 7.0)
    assert responses.calls[0].request.req_kwargs["stream"] is True


BIG = b"<html><body>" + b"<p>It was agreed that the text goes on.</p>" * 200_000 + b"</body></html>"

# name, registered responses, expected message fragment
BAD_URLS: list[tuple[str, list[dict[str, object]], str]] = [
    ("404", [{"url": URL, "status": 404, "body": "Not Found"}], "HTTP 404 Not Found"),
    ("500", [{"url": URL, "status": 500}], "HTTP 500"),
    ("connect timeout", [{"url": URL, "body": requests.exceptions.ConnectTimeout()}], "connection timed out"),
    ("read timeout", [{"url": URL, "body": requests.exceptions.ReadTimeout()}], "read timed out"),
    ("connection refused", [{"url": URL, "body": requests.exceptions.ConnectionError("refused")}], "cannot connect"),
    ("not html", [{"url": URL, "body": b"%PDF-1.7", "content_type": "application/pdf"}], "not an HTML page"),
    ("json", [{"url": URL, "body": b"{}", "content_type": "application/json"}], "Content-Type application/json"),
    (
        "oversize streamed",
        [{"url": URL, "body": BIG, "content_type": HTML, "auto_calculate_content_length": False}],
        "larger than the 5 MB cap",
    ),
    (
        "oversize declared",
        [{"url": URL, "body": b"<p>x</p>", "content_type": HTML, "headers": {"Content-Length": str(50 * 1024 * 1024)}}],
        "larger than the 5 MB cap",
    ),
    ("redirect loop", [{"url": URL, "status": 302, "headers": {"Location": URL}}], "redirect loop"),
    (
        "two-hop loop",
        [
            {"url": URL, "status": 302, "headers": {"Location": CANONICAL}},
            {"url": CANONICAL, "status": 302, "headers": {"Location": URL}},
        ],
        "redirect loop",
    ),
    ("redirect to ftp", [{"url": URL, "status": 302, "headers": {"Location": "ftp://example.org/x"}}], "non-HTTP"),
    ("redirect to a malformed address", [{"url": URL, "status": 302, "headers": {"Location": "https://[::1"}}], "malformed address"),
    ("empty body", [{"url": URL, "body": b"", "content_type": HTML}], "is empty"),
    (
        "page without text",
        [{"url": URL, "body": b"<html><body><nav>Home</nav></body></html>", "content_type": HTML}],
        "no body text",
    ),
]


@pytest.mark.parametrize(("name", "mocks", "message"), BAD_URLS, ids=[b[0] for b in BAD_URLS])
@responses.activate
def test_bad_url_is_refused_with_one_line_and_nothing_written(
    tmp_path: Path, name: str, mocks: list[dict[str, object]], message: str
) -> None:
    for mock in mocks:
        responses.add(responses.GET, **mock)  # type: ignore[arg-type]
    with pytest.raises(InputError) as error:
        ingest(URL, content_dir=tmp_path / "content")
    assert str(error.value).startswith(f"{URL}: ")
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not (tmp_path / "content").exists()


@responses.activate
def test_too_many_redirects(tmp_path: Path) -> None:
    for hop in range(7):
        responses.get(f"{URL}&hop={hop}", status=302, headers={"Location": f"{URL}&hop={hop + 1}"})
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_html(f"{URL}&hop=0", user_agent="t")
