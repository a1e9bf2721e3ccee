"""`bot ingest`: a source → content/<slug>.md, idempotently, never clobbering an editor's work by accident.

Re-ingesting the same source gives byte-identical Markdown, so the result is "unchanged" and nothing is
written. Editor-owned fields (`highlights`, `exclude`, and the post settings `event_slug`, `hashtags`,
`templates`) are carried over from the existing file, so pinning a
finding does not make the next ingest look like a conflict. Any other difference means the file was edited by
hand (or the page changed): it is only overwritten with `force=True`. Writes are atomic (temp file + rename),
and a refused source writes nothing.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.content.markdown_io import dump_report, load_report
from bot.content.report import Report
from bot.content.slugs import check_slug
from bot.content.sources import DEFAULT_USER_AGENT, read_source
from bot.errors import InputError
from bot.paths import inside

if TYPE_CHECKING:
    import requests

    from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one source: `status` is "written" (new or replaced) or "unchanged"."""

    source: str
    report: Report
    path: Path
    status: Literal["written", "unchanged"]
    warnings: tuple[str, ...] = ()

    @property
    def written(self) -> bool:
        return self.status == "written"

    def to_dict(self) -> dict[str, object]:
        report = self.report
        return {
            "source": self.source, "status": self.status, "path": str(self.path), "slug": report.slug,
            "title": report.title, "url": report.url, "event": report.event, "part": report.part,
            "session": report.session, "date": report.date.isoformat() if report.date else None,
            "language": report.language, "paragraphs": len(report.paragraphs), "warnings": list(self.warnings),
        }  # fmt: skip


def ingest(
    source: str,
    *,
    content_dir: Path,
    force: bool = False,
    url: str | None = None,
    settings: Settings | None = None,
    session: requests.Session | None = None,
    meta: dict[str, str] | None = None,
) -> IngestResult:
    """Read `source`, write content_dir/<slug>.md unless identical; InputError (nothing written) when refused."""
    user_agent = settings.bot.user_agent if settings is not None else DEFAULT_USER_AGENT
    report, warnings = read_source(source, url=url, meta=meta, user_agent=user_agent, session=session)
    path = inside(content_dir, f"{check_slug(report.slug, source=source)}.md", what="report file")
    if path.exists():
        report = _keep_editor_choices(report, path)
    text = dump_report(report)
    if path.exists():
        existing = path.read_bytes()
        if existing == text.encode("utf-8"):
            return IngestResult(source, report, path, "unchanged", tuple(warnings))
        if not force:
            raise InputError(
                f"{path} exists and differs (edited by hand, or the page changed); use --force to overwrite",
                source=source,
            )
    _write_atomically(path, text)
    return IngestResult(source, report, path, "written", tuple(warnings))


def _keep_editor_choices(report: Report, path: Path) -> Report:
    """Carry pinned highlights and exclusions over from the existing file unless the source sets its own."""
    try:
        existing = load_report(path)
    except InputError:
        return report  # a broken file has nothing to keep; --force decides whether to replace it
    return dataclasses.replace(
        report,
        highlights=report.highlights or existing.highlights,
        exclude=report.exclude or existing.exclude,
        event_slug=report.event_slug or existing.event_slug,
        hashtags=report.hashtags or existing.hashtags,
        templates=report.templates or existing.templates,
    )


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
