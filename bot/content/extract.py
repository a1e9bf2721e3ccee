"""HTML page → the raw parts of a report: metadata from <meta>/OpenGraph tags, main text from trafilatura.

No hand-written scraping of the body: trafilatura (maintained, benchmarked main-text extraction) returns the
page's main text one block per line, navigation, share widgets and footers removed; `pagetext` then recognises
the institute's report layout in that text (header, event, date line, title) and drops any remaining chrome.
Metadata is read from the tags publishers maintain for link previews, which are more reliable than the layout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.content.pagetext import DateParts, PageText, parse_page_blocks, trim_page_chrome, year_for_month
from bot.errors import InputError

_DATE_META = (
    "article:published_time", "og:article:published_time", "date", "dc.date", "dcterms.date",
    "citation_date", "pubdate", "publish-date", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(slots=True)
class PageMeta:
    """What a page says about itself in <head>."""

    title: str | None = None
    url: str | None = None
    image: str | None = None
    description: str | None = None
    site_name: str | None = None
    published: dt.date | None = None
    lang: str | None = None
    text: str = ""  # the whole page's text, for finding the event's year


@dataclass(slots=True)
class HtmlParts:
    meta: PageMeta
    page: PageText


def extract_html(html: str, source: str) -> HtmlParts:
    """Read metadata and main text; InputError when the page is not parseable HTML or has no main text."""
    import trafilatura

    meta = read_page_meta(html, source)
    text = trafilatura.extract(html, favor_recall=True, include_comments=False, include_tables=False)
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    page = parse_page_blocks(lines)
    if page.paragraphs and meta.title and page.paragraphs[0].strip() == meta.title.strip():
        page.paragraphs.pop(0)  # some pages repeat the headline as the first block
    if page.paragraphs:
        page.paragraphs, date = trim_page_chrome(page.paragraphs)
        page.date = page.date or date
    if not page.paragraphs:
        raise InputError("no body text found on the page", source=source)
    return HtmlParts(meta=meta, page=page)


def read_page_meta(html: str, source: str) -> PageMeta:
    """OpenGraph first (what share previews use), then Twitter cards and plain <meta>/<title>/<link>; except
    the address, where `<link rel="canonical">` wins over og:url (the page's own clean, untracked URL)."""
    import lxml.etree
    import lxml.html

    try:
        document = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        raise InputError("not a parseable HTML page", source=source) from None
    tags: dict[str, str] = {}
    for element in document.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in tags:
            tags[key] = content
    canonical = next(
        (link.get("href") for link in document.iter("link") if (link.get("rel") or "").lower() == "canonical"),
        None,
    )
    title_element = document.find(".//title")
    page_title = title_element.text_content().strip() if title_element is not None else None
    body = document.find("body")
    return PageMeta(
        title=tags.get("og:title") or tags.get("twitter:title") or page_title or None,
        url=canonical or tags.get("og:url") or None,  # og:url often carries tracking parameters
        image=tags.get("og:image") or tags.get("twitter:image") or None,
        description=tags.get("og:description") or tags.get("description") or tags.get("twitter:description"),
        site_name=tags.get("og:site_name") or tags.get("application-name") or None,
        published=_published(tags),
        lang=document.get("lang") or document.get("xml:lang") or tags.get("og:locale"),
        text=body.text_content() if body is not None else "",
    )


def _published(tags: dict[str, str]) -> dt.date | None:
    for key in _DATE_META:
        match = _ISO_DAY.match(tags.get(key, ""))
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
    return None


def resolve_date(printed: DateParts | None, context: str, published: dt.date | None) -> dt.date | None:
    """The session date: the printed year, else the year printed next to that month in the event/page text
    ("held February 28–29, 2024"), else the publication year (minus one if that would put it in the future)."""
    if printed is None:
        return published
    if printed.year is not None:
        return printed.resolve(None)
    year = year_for_month(context, printed.month)
    if year is None and published is not None:
        year = published.year - 1 if (printed.month, printed.day) > (published.month, published.day) else published.year
    return printed.resolve(year)
