"""The words a post uses: a finding's final text (one text for the post, the preview and the quote card), and
the title candidates an announcement falls back through.

A finding's final text is its sentence with the reporting frame turned into a statement (`rewrite`) and, when
that is too long for an X highlight, compressed (`compress`): the tightest budget of any surface, so the same
words fit everywhere. `removed_parts` says what compression took out, for the preview to mark.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from bot.content.report import Report

_SESSION_MARKER = re.compile(
    r"(?:^|\s)(?:\(\d+\)|（\d+）|Session\s+\d+\s*[:：.]|Panel\s+\d+\s*[:：.]|セッション\s*\d+\s*[:：]?)\s*"
)
_SEPARATOR = re.compile(r"\s[—–|-]\s|[:：]\s|：|――|―")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Diff units: words, spaces and punctuation; in Japanese (no spaces) each kana or kanji, so a removed 〜など
# list is marked alone and not the whole clause around it.
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\W{_CJK}]+|[^\s\w]")


@dataclass(frozen=True, slots=True)
class FinalText:
    """A finding as posted: `original` (the report's sentence), `statement` (frame rewritten), `text` (what
    every surface shows) and the compression `steps` that led from the statement to the text."""

    original: str
    statement: str
    text: str
    steps: tuple[str, ...] = field(default_factory=tuple)
    truncated: bool = False

    @property
    def compressed(self) -> bool:
        return bool(self.steps)

    def removed_parts(self) -> list[str]:
        """The pieces of the statement that the final text leaves out, in order (for the preview)."""
        return removed_parts(self.statement, self.text.removesuffix("…"))


def marked(before: str, after: str) -> list[tuple[str, bool]]:
    """`before` as runs of (text, removed): what `after` kept and what it left out, in order (for the preview's
    "what compression removed" view)."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    runs: list[tuple[str, bool]] = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if i1 == i2:
            continue
        removed = tag in ("delete", "replace")
        text = "".join(old[i1:i2])
        if runs and runs[-1][1] == removed:
            runs[-1] = (runs[-1][0] + text, removed)
        else:
            runs.append((text, removed))
    return runs


def removed_parts(before: str, after: str) -> list[str]:
    """Runs of `before` missing from `after` (word- and punctuation-level diff), stripped of edge spaces."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    parts = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            piece = "".join(old[i1:i2]).strip(" ,")
            if piece.strip():
                parts.append(piece)
    return parts


def session_title(report: Report) -> str | None:
    """The session's own title inside a long page title: after "(2)" / "Session 2:", else after the event name
    or the last separator ("Dialogue — Session title"); None when the title has no shorter part."""
    title = " ".join(report.title.split())
    markers = list(_SESSION_MARKER.finditer(title))
    if markers and len(title) - markers[-1].end() >= 8:
        return title[markers[-1].end() :].strip()
    event = (report.event or "").strip()
    if event and title.startswith(event):
        rest = _SEPARATOR.sub("", title[len(event) :], count=1).strip(" —–-:：")
        if len(rest) >= 8:
            return rest
    pieces = [p.strip() for p in _SEPARATOR.split(title) if p.strip()]
    if len(pieces) > 1 and len(pieces[-1]) >= 8:
        return pieces[-1]
    return None


def title_candidates(report: Report) -> list[str]:
    """The full title, then the session title, then the event's name: an announcement takes the first that
    fits (duplicates and empty ones left out)."""
    candidates: list[str] = []
    for candidate in (report.title, session_title(report), report.event):
        if candidate and candidate.strip() and candidate.strip() not in candidates:
            candidates.append(candidate.strip())
    return candidates
