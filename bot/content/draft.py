"""The Draft model: one post (or thread) ready for a platform, exactly as it would be sent.

Drafts are produced by `bot.content.compose` and consumed by the publishers, the scheduler (which stores the
payload in the ledger) and the preview. They are plain data and serialise to JSON with `to_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Platform = Literal["x", "facebook"]
DraftKind = Literal["announcement", "highlight", "repost"]


@dataclass(frozen=True, slots=True)
class Media:
    """An image to attach: a local file path and its alt text (the finding, for quote cards)."""

    path: str
    alt_text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """One post for one platform.

    `parts` holds the text of each post: one part for a single post, several for a thread (part 2 replies to
    part 1, and so on). `link` is the URL the post points to: on X it is already inside the text; on Facebook
    it goes into the `link` field so Facebook renders a preview card. `finding_rank` ties a highlight to the
    finding it came from (1 = best). `weighted_length` is the longest part's length under the platform's
    counting rule; `cost` is the estimated price of sending the whole draft.
    """

    platform: Platform
    kind: DraftKind
    report_slug: str
    parts: tuple[str, ...]
    link: str | None = None
    media: tuple[Media, ...] = ()
    finding_rank: int | None = None
    weighted_length: int = 0
    limit: int = 0
    cost: float = 0.0
    warnings: tuple[str, ...] = ()
    deep_link: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The first (or only) post's text."""
        return self.parts[0]

    @property
    def is_thread(self) -> bool:
        return len(self.parts) > 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parts"] = list(self.parts)
        data["media"] = [asdict(m) for m in self.media]
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        values = dict(data)
        values["parts"] = tuple(values["parts"])
        values["media"] = tuple(Media(**m) for m in values.get("media", ()))
        values["warnings"] = tuple(values.get("warnings", ()))
        return cls(**values)
