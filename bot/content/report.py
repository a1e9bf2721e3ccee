"""The Report and Finding models: what the pipeline knows about one session report.

A Report is what `bot ingest` writes to `content/<slug>.md` (front matter + body) and what every later stage
reads back. It is immutable; editors change the Markdown file, not the object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Report:
    """One session report, normalised.

    `paragraphs` is the body only: no "Event Report" header, share buttons, date line or footer.
    `highlights` (editor-pinned findings, used instead of ranking) and `exclude` (sentences the ranking must
    skip) come from the front matter and are empty unless an editor set them.
    """

    slug: str
    url: str
    title: str
    paragraphs: tuple[str, ...]
    language: str = "en"
    event: str | None = None
    part: int | None = None
    session: int | None = None
    date: dt.date | None = None
    description: str | None = None
    image: str | None = None
    publisher: str | None = None
    source: str | None = None
    highlights: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Per-report post settings (front matter), over the campaign's and config/bot.toml's: the event's short
    # slug for `utm_campaign`, the event's own hashtags, and templates by key (e.g. "x_highlight").
    event_slug: str | None = None
    hashtags: tuple[str, ...] = ()
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Finding:
    """A key finding: one sentence of the report, with why it was chosen.

    `position` is the sentence's index in the report (0-based, across paragraphs); `signals` maps each signal
    that contributed to the score (e.g. "cue:recommend", "centrality") to its contribution, so `--json` can
    explain the choice. `rank` is 1 for the best finding.
    """

    text: str
    score: float
    position: int
    paragraph: int
    rank: int
    signals: dict[str, float] = field(default_factory=dict)
    pinned: bool = False
