"""A labelled corpus report (JSON, see /tmp/team/CORPUS.md) → an HTML page shaped like its publisher's pages.

The bot must read each page through its real ingest path, so the page carries what real pages carry around the
report: navigation and share lines, a chrome heading ("Event Report", イベント実施報告), a date line, the title
in <h1> and <title>, og:url / canonical from the labelled URL, footers. Some chrome sits inside the article
(as on many institutes' pages), so the extractor cannot drop it by position alone.
"""

from __future__ import annotations

from html import escape
from typing import Any

# Publisher kinds laid out like JIIA's event reports: heading, event, share line, date, session title, body.
_INSTITUTE_KINDS = {"think-tank dialogue", "closed-door roundtable", "研究所の会合報告"}
_NEWS_KINDS = {"news article about an event", "ニュース記事"}


def sentences_of(report: dict[str, Any]) -> list[list[str]]:
    return [[item["text"] for item in paragraph] for paragraph in report["paragraphs"]]


def _paragraphs_html(report: dict[str, Any]) -> str:
    joiner = "" if report["language"] == "ja" else " "
    return "\n".join(f"<p>{escape(joiner.join(texts))}</p>" for texts in sentences_of(report))


def page_url(report: dict[str, Any]) -> str:
    """The labelled URL on a host X recognises as a link: `.example` is no top-level domain, so X (and the
    bot's X length count) would count the whole address as text; `.example.org` is an IANA example domain."""
    url: str = report["page"]["url"]
    return url.replace(".example/", ".example.org/", 1)


def _head(report: dict[str, Any]) -> str:
    page = report["page"]
    title = escape(page["title"])
    site = escape(page["site_name"])
    url = escape(page_url(report))
    return (
        f'<head><meta charset="utf-8"><title>{title} | {site}</title>\n'
        f'<meta property="og:title" content="{title}">\n<meta property="og:site_name" content="{site}">\n'
        f'<meta property="og:url" content="{url}?utm_source=newsletter">\n<link rel="canonical" href="{url}">\n'
        f'<meta property="og:type" content="article"></head>'
    )


def _lines(lines: list[str], tag: str = "p", cls: str = "chrome") -> str:
    return "\n".join(f'<{tag} class="{cls}">{escape(line)}</{tag}>' for line in lines)


def render_page(report: dict[str, Any]) -> str:
    """The HTML page for one corpus report."""
    page = report["page"]
    kind = report["publisher_kind"]
    before, after = report["chrome"]["before"], report["chrome"]["after"]
    heading = page.get("page_heading")
    heading_html = f'<p class="page-heading">{escape(heading)}</p>' if heading else ""
    date = f'<p class="date">{escape(page["date_text"])}</p>'
    body = _paragraphs_html(report)
    nav = _lines(before[:1], "div", "breadcrumb")
    top_chrome = _lines(before[1:])
    inner_after, footer = _lines(after[:1]), _lines(after[1:])
    if kind in _INSTITUTE_KINDS:
        # JIIA's layout: heading, event name, share buttons, date line, session title as <h1>, body, back link.
        shown = page.get("session") or page["title"]
        event = f'<p class="event">{escape(page["event"])}</p>' if page.get("event") else ""
        article = f"{heading_html}\n{event}\n{top_chrome}\n{date}\n<h1>{escape(shown)}</h1>\n{body}\n{inner_after}"
    elif kind in _NEWS_KINDS:
        byline = f'<p class="byline">{escape(page["site_name"])}</p>'
        article = f"{heading_html}\n<h1>{escape(page['title'])}</h1>\n{byline}\n{date}\n{top_chrome}\n{body}\n{inner_after}"
    else:
        article = f"{heading_html}\n<h1>{escape(page['title'])}</h1>\n{date}\n{top_chrome}\n{body}\n{inner_after}"
    lang = "ja" if report["language"] == "ja" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n{_head(report)}\n<body>\n<header><nav>{nav}</nav></header>\n'
        f"<main><article>\n{article}\n</article></main>\n<footer>{footer}</footer>\n</body></html>\n"
    )
