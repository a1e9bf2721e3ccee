"""A local imitation of an institute's web site for the autopilot tests, served by pytest-httpserver on
127.0.0.1: an English and a Japanese session-list page (`/en/forum/hcpf9.php`, `/jp/forum/hcpf9.php`) linking
eight session pages each (`?1` … `?8`), an RSS feed, a sitemap and robots.txt. Every text here is invented.

The server honours ETag/If-None-Match like a real one (304 when unchanged). Tests change it: add a session,
edit a page, re-date feed items, make a path answer 500, hang (until released), serve a broken feed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape

from werkzeug.wrappers import Request, Response

EVENT = {"en": "The 9th Harbour City Policy Forum", "ja": "第9回ハーバーシティ政策フォーラム"}
TOPICS_EN = [
    ("Part 1 (1) Ports, shipping lanes and the cost of disruption", "shipping insurance"),
    ("Part 1 (2) Coastal cities facing a warmer sea", "sea walls"),
    ("Part 2 (1) Fishing rights after the new boundary talks", "fishing quotas"),
    ("Part 2 (2) Undersea cables as shared infrastructure", "cable repair ships"),
    ("Part 3 (1) Energy imports and the storage question", "fuel reserves"),
    ("Part 3 (2) Disaster relief across borders", "relief logistics"),
    ("Part 4 (1) Young researchers on maritime law", "legal training"),
    ("Part 4 (2) Closing session: what the forum agreed", "regional dialogue"),
]
TOPICS_JA = [
    ("第1部（1）港湾と航路：混乱のコスト", "海上保険"),
    ("第1部（2）温暖化する海と沿岸都市", "防潮堤"),
    ("第2部（1）境界交渉後の漁業権", "漁獲枠"),
    ("第2部（2）共有インフラとしての海底ケーブル", "修理船"),
    ("第3部（1）エネルギー輸入と備蓄", "燃料備蓄"),
    ("第3部（2）国境を越える災害救援", "救援物資の輸送"),
    ("第4部（1）若手研究者が語る海洋法", "法律家の育成"),
    ("第4部（2）総括セッション：フォーラムの合意", "地域対話"),
]


def session_paragraphs(language: str, number: int, topic: str, revision: int = 0) -> list[str]:
    """A short invented report: a procedural opening, then findings with the cues editors look for."""
    if language == "ja":
        return [
            f"本セッションでは、{topic}をめぐる課題について、三名の登壇者が報告を行った。",
            f"まず、{topic}の不足が地域の港湾都市にとって最大の弱点になっているとの指摘があった。"
            f"関係国が情報を共有する常設の枠組みを設けるべきであると提言された。",
            f"また、{topic}に関する費用負担の在り方について、公平な分担の仕組みが不可欠であるとの意見が示された。"
            + ("さらに、民間企業の参加を促す新たな基金の創設が提案された。" if revision else ""),
            f"最後に、第{number}回会合の成果を次回の議論につなげることの重要性が強調された。",
        ]
    return [
        f"Session {number} of the forum brought together three speakers to discuss {topic} and the "
        f"questions it raises for port cities.",
        f"The panel warned that a {'lasting ' if revision else ''}shortage of {topic} has become the weakest link "
        f"for the region's coastal "
        f"economies. It was recommended that the governments concerned set up a standing mechanism to share "
        f"data on {topic} before the next crisis.",
        f"Participants agreed that the cost of {topic} should be shared fairly between large and small ports, "
        f"and concern was expressed that the current arrangements leave the smallest ports exposed."
        + (" A new fund open to private insurers was also proposed." if revision else ""),
        f"Finally, the importance of carrying the conclusions of session {number} into next year's "
        f"programme was stressed.",
    ]


def session_page(language: str, number: int, title: str, paragraphs: list[str]) -> str:
    category = "イベント実施報告" if language == "ja" else "Event Report"
    date = "2026年11月30日" if language == "ja" else "November 30, 2026"
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="UTF-8"><title>{escape(EVENT[language])} | {category}</title>
<meta property="og:title" content="{escape(title)}"></head>
<body><header><nav><a href="/{language}/">Home</a></nav></header>
<main><article class="report-detail">
<p class="category">{category}</p>
<h1 class="event-name">{escape(EVENT[language])}</h1>
<p class="date">{date}</p>
<h2 class="session-title">{escape(title)}</h2>
<div class="report-body">
{body}
</div>
<p class="back"><a href="hcpf9.php">back to session list</a></p>
</article></main>
<footer><p class="copyright">Harbour City Institute (an invented institute for tests)</p></footer>
</body></html>"""


def list_page(language: str, sessions: dict[int, str]) -> str:
    items = "\n".join(f'<li><a href="hcpf9.php?{n}">{escape(t)}</a></li>' for n, t in sorted(sessions.items()))
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="UTF-8"><title>{escape(EVENT[language])}</title></head>
<body><nav><a href="/{language}/">Home</a> <a href="/{language}/about.php">About</a></nav>
<h1>{escape(EVENT[language])}</h1>
<ul class="sessions">
{items}
</ul>
<p><a href="mailto:events@harbour-city.example">Contact</a></p>
</body></html>"""


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Site:
    """The institute. `base` is the server's root URL (http://127.0.0.1:PORT)."""

    base: str
    pages: dict[str, Page] = field(default_factory=dict)
    sessions: dict[str, dict[int, str]] = field(default_factory=lambda: {"en": {}, "ja": {}})
    feed_dates: dict[str, dt.datetime] = field(default_factory=dict)
    broken: dict[str, int] = field(default_factory=dict)  # path → status to answer instead
    hanging: dict[str, threading.Event] = field(default_factory=dict)  # path → answered once set
    robots: str = "User-agent: *\nDisallow: /private/\n"
    requests: list[str] = field(default_factory=list)
    received: list[tuple[str, bytes]] = field(default_factory=list)  # POSTs (notification webhooks)
    conditional_hits: int = 0

    # ── building ─────────────────────────────────────────────────────────────────────────────────────
    def add_session(self, language: str, number: int, *, revision: int = 0, published: dt.datetime | None = None) -> str:
        topics = TOPICS_JA if language == "ja" else TOPICS_EN
        title, topic = topics[(number - 1) % len(topics)]
        if number > len(topics):
            title = f"{title} ({number})"
        self.sessions[language][number] = title
        html = session_page(language, number, title, session_paragraphs(language, number, topic, revision))
        path = f"/{language}/forum/hcpf9.php?{number}"
        self.pages[path] = Page(html.encode("utf-8"))
        self.feed_dates.setdefault(path, published or dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
                                   + dt.timedelta(hours=number))
        self.rebuild()
        return self.base + path

    def rebuild(self) -> None:
        for language in ("en", "ja"):
            self.pages[f"/{language}/forum/hcpf9.php"] = Page(list_page(language, self.sessions[language]).encode())
        self.pages["/feed.xml"] = Page(self.rss().encode(), "application/rss+xml")
        self.pages["/sitemap.xml"] = Page(self.sitemap().encode(), "application/xml")

    def rss(self) -> str:
        items = []
        for path, published in sorted(self.feed_dates.items(), key=lambda kv: kv[1], reverse=True):
            if path.startswith("/en/"):
                number = int(path.rsplit("?", 1)[1])
                items.append(f"<item><title>{escape(self.sessions['en'][number])}</title>"
                             f"<link>{self.base}{escape(path)}&amp;utm_source=rss</link>"
                             f"<pubDate>{format_datetime(published)}</pubDate></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Harbour City Institute reports</title><link>{self.base}/</link>"
                f"<description>Event reports</description>{''.join(items)}</channel></rss>")

    def sitemap(self) -> str:
        urls = "".join(f"<url><loc>{self.base}{escape(p)}</loc></url>" for p in sorted(self.pages)
                       if "?" in p)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')

    def build(self, sessions: int = 8) -> Site:
        for number in range(1, sessions + 1):
            self.add_session("en", number)
            self.add_session("ja", number)
        return self

    def redate_feed(self) -> None:
        """Every feed item gets a new date and the order flips: a feed that re-orders and re-dates its items."""
        paths = sorted(self.feed_dates)
        for index, path in enumerate(paths):
            self.feed_dates[path] = dt.datetime(2026, 12, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=len(paths) - index)
        self.rebuild()

    # ── serving ──────────────────────────────────────────────────────────────────────────────────────
    def handle(self, request: Request) -> Response:
        query = request.query_string.decode()
        path = request.path + (f"?{query}" if query else "")
        self.requests.append(path)
        if request.method == "POST":
            self.received.append((path, request.get_data()))
            return Response("ok")
        gate = self.hanging.get(request.path)
        if gate is not None:
            gate.wait(10)
        if request.path in self.broken:
            return Response("server error", status=self.broken[request.path])
        if request.path == "/robots.txt":
            return Response(self.robots, content_type="text/plain")
        page = self.pages.get(re.sub(r"&utm_source=rss$", "", path))
        if page is None:
            return Response("not found", status=404)
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.conditional_hits += 1
            return Response(status=304, headers={"ETag": etag})
        return Response(page.body, content_type=page.content_type, headers={"ETag": etag})


def serve(httpserver, sessions: int = 8) -> Site:  # type: ignore[no-untyped-def]
    site = Site(httpserver.url_for("").rstrip("/")).build(sessions)
    httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(site.handle)
    return site
