"""A source's document → the report URLs it lists, in canonical form, deduplicated, in document order.

- feed: RSS or Atom via feedparser (every dialect, broken dates); a document that is not a feed (an HTML
  error page served with 200, truncated XML with no entries) is an error, not "nothing new".
- index: an HTML list page; report links are the `<a href>` chosen by a CSS selector and/or whose absolute
  URL matches the source's pattern.
- sitemap: `<urlset>` of `<loc>`; a `<sitemapindex>` is refused (name the child sitemaps as sources).
The source's `pattern`, when given, filters the URLs of every kind (e.g. only `/en/` pages of a sitemap).
"""

from __future__ import annotations

import re

from bot.sources.canonical import canonical_url
from bot.sources.config import SourceConfig
from bot.sources.http import Document, SourceError

_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html)", re.I)


def report_urls(source: SourceConfig, document: Document) -> list[str]:
    """The canonical report URLs `document` lists (SourceError when it cannot be read as its kind)."""
    body = document.body or b""
    if source.kind == "feed":
        links = _feed_links(body, document.url)
    elif source.kind == "sitemap":
        links = _sitemap_links(body, document.url)
    else:
        links = _index_links(body, document.url, source.selector)
    pattern = re.compile(source.pattern) if source.pattern else None
    seen: dict[str, None] = {}
    for link in links:
        try:
            url = canonical_url(link, document.url)
        except ValueError:
            continue  # mailto:, javascript:, ... on an index page
        if pattern is None or pattern.search(url):
            seen.setdefault(url, None)
    return list(seen)


def _feed_links(body: bytes, url: str) -> list[str]:
    import feedparser

    if _HTML_START.match(body):
        raise SourceError(f"{url}: an HTML page, not an RSS/Atom feed")
    parsed = feedparser.parse(body)
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception")
    # Encoding quirks (CharacterEncodingOverride, NonXMLContentType) are harmless; broken XML is not: a
    # truncated feed's last link may be cut in half, so nothing of it is trusted.
    if parsed.get("bozo") and (not entries or "SAX" in type(problem).__name__):
        raise SourceError(f"{url}: not a readable RSS/Atom feed ({type(problem).__name__}: {problem})")
    if not parsed.get("version") and not entries:
        raise SourceError(f"{url}: not an RSS/Atom feed")
    links: list[str] = []
    for entry in entries:
        link = entry.get("link") or next((x.get("href") for x in entry.get("links", []) if x.get("href")), None)
        if link:
            links.append(link)
    return links


def _sitemap_links(body: bytes, url: str) -> list[str]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise SourceError(f"{url}: not a readable sitemap ({error.msg})") from None
    name = etree.QName(root).localname
    if name == "sitemapindex":
        raise SourceError(f"{url}: a sitemap index; configure its child sitemaps as sources")
    if name != "urlset":
        raise SourceError(f"{url}: not a sitemap (root element <{name}>)")
    return [text.strip() for text in root.xpath("//*[local-name()='url']/*[local-name()='loc']/text()")]


def _index_links(body: bytes, url: str, selector: str | None) -> list[str]:
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(body)
    except (ValueError, lxml.etree.ParserError) as error:
        raise SourceError(f"{url}: not a readable HTML page ({error})") from None
    anchors = tree.cssselect(selector) if selector else tree.iter("a")
    hrefs: list[str] = []
    for element in anchors:
        href = element.get("href") if element.tag == "a" else next((a.get("href") for a in element.iter("a")), None)
        if href:
            hrefs.append(href)
    return hrefs
