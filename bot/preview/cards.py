"""Quote cards: one PNG per highlight, sized for X (1200×675) and Facebook (1200×630).

A card shows the finding, the event and the session title, and the logo when one is configured
(settings.cards.logo, else config/logo.png if it exists). Output is deterministic — the same input gives the
same bytes (no timestamps or metadata in the PNG) — so a card can be tested and re-rendered without churn.
Text the font cannot draw, or a finding too long to fit, is refused with an InputError naming the finding;
`make_cards` still writes the cards of the other findings and lists the refused ones.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.draft import Draft, Media
from bot.errors import BotError, ConfigError, InputError
from bot.paths import inside
from bot.preview.fonts import FONT_NAME, describe_chars, load_font, missing_glyphs
from bot.preview.layout import CARD_SIZES, DEFAULT_STYLE, CardLayout, CardStyle, layout_card

if TYPE_CHECKING:
    from PIL import Image

    from bot.content.report import Finding, Report
    from bot.settings import Settings

DEFAULT_LOGO = Path("config/logo.png")


@dataclass(frozen=True, slots=True)
class CardContent:
    """The words on one card; `label` names it in error messages ("finding 2")."""

    finding: str
    event: str
    title: str
    label: str = "finding"


def card_content(report: Report, finding: Finding, settings: Settings | None = None) -> CardContent:
    """The card's words. With `settings` the finding is its final text — the words its post shows (rewritten and
    compressed, see `bot.content.wording`) — so the card never quotes what the post no longer says."""
    text = finding.text
    if settings is not None:
        from bot.content.compose import final_texts

        text = final_texts(report, [finding], settings)[finding.rank].text
    return CardContent(
        finding=text,
        event=report.event or report.publisher or "",
        title=report.title,
        label=f"{report.slug}: finding {finding.rank}",
    )


def style_from(settings: Settings) -> CardStyle:
    return CardStyle(min_font_size=settings.cards.min_font_size, max_font_size=settings.cards.max_font_size)


def logo_path(settings: Settings) -> Path | None:
    """The configured logo (ConfigError if it is set but missing), else config/logo.png if present."""
    if settings.cards.logo:
        path = Path(settings.cards.logo)
        if not path.is_file():
            raise ConfigError(f"cards.logo: file not found: {path}", source=settings.source)
        return path
    return DEFAULT_LOGO if DEFAULT_LOGO.is_file() else None


def check_glyphs(content: CardContent) -> None:
    """Refuse text the card font would draw as empty boxes, naming each character."""
    for field, text, weight in (
        ("text", content.finding, "bold"),
        ("event", content.event, "regular"),
        ("title", content.title, "regular"),
    ):
        missing = missing_glyphs(text, weight)  # type: ignore[arg-type]
        if missing:
            raise InputError(
                f"{content.label}: the {field} has characters the card font ({FONT_NAME}) cannot draw: "
                f"{describe_chars(missing)}"
            )


def _open_logo(path: Path) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.convert("RGBA")
    except (OSError, UnidentifiedImageError) as error:
        raise ConfigError(f"logo is not a readable image: {error}", source=str(path)) from None


def layout_for(
    content: CardContent, size_name: str, style: CardStyle = DEFAULT_STYLE, logo: Image.Image | None = None
) -> CardLayout:
    check_glyphs(content)
    return layout_card(
        content.finding,
        content.event,
        content.title,
        size_name,
        style,
        logo_size=logo.size if logo else None,
        label=content.label,
    )


def render_card(
    content: CardContent, size_name: str, style: CardStyle = DEFAULT_STYLE, logo: Image.Image | None = None
) -> bytes:
    """The PNG bytes of one card. Raises InputError (too long, undrawable characters)."""
    from PIL import Image, ImageDraw

    layout = layout_for(content, size_name, style, logo)
    image = Image.new("RGB", (layout.width, layout.height), style.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle(layout.bar, fill=style.accent)
    for line in layout.lines:
        draw.text(
            (line.x, line.baseline), line.text, font=load_font(line.size, line.weight), fill=line.color, anchor="ls"
        )
    if logo is not None and layout.logo is not None:
        x0, y0, x1, y1 = layout.logo
        scaled = logo.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
        image.paste(scaled, (x0, y0), scaled)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)  # no pnginfo: no time, no metadata
    return buffer.getvalue()


def card_filename(report: Report, finding: Finding, size_name: str) -> str:
    return f"{report.slug}-finding{finding.rank}-{size_name}.png"


def _sizes(size: str) -> tuple[str, ...]:
    if size == "both":
        return tuple(CARD_SIZES)
    if size not in CARD_SIZES:
        raise InputError(f"unknown card size {size!r} (known: {', '.join(CARD_SIZES)}, both)")
    return (size,)


def _selected(findings: Sequence[Finding], rank: int | None) -> list[Finding]:
    if rank is None:
        return list(findings)
    chosen = [f for f in findings if f.rank == rank]
    if not chosen:
        raise InputError(f"--finding {rank}: the report has findings 1 to {len(findings)}")
    return chosen


@dataclass(frozen=True, slots=True)
class RefusedCard:
    """A finding that got no card, and why (`error` names the finding: "slug: finding 2 ...")."""

    rank: int
    error: InputError

    @property
    def reason(self) -> str:
        return " ".join(str(self.error).split())  # one line, whatever the message's wrapping


@dataclass(frozen=True, slots=True)
class CardRun:
    """What `make_cards` did: the files written and the findings refused."""

    written: list[Path]
    refused: list[RefusedCard]


def make_cards(
    report: Report,
    findings: Sequence[Finding],
    settings: Settings,
    out: str | Path | None = None,
    *,
    size: str = "both",
    rank: int | None = None,
) -> CardRun:
    """Render and write every card that can be made; a refused finding (too long, undrawable characters) is
    listed in `refused` and does not stop the others. `bot card` uses this: one bad emoji in one finding must
    not cost the cards of the rest. Nothing is written for a refused finding (not even one of its sizes)."""
    cards, refused = _render(report, findings, settings, out, size=size, rank=rank)
    return CardRun(_write_all(cards), refused)


def write_cards(
    report: Report,
    findings: Sequence[Finding],
    settings: Settings,
    out: str | Path | None = None,
    *,
    size: str = "both",
    rank: int | None = None,
) -> list[Path]:
    """Render the cards for `findings` (or only finding `rank`) and write them; returns the files written.

    All or nothing: the first refused finding's InputError is raised before any file is written. `out` is a
    directory (default `<var_dir>/cards/`), or a `.png` file when exactly one card is rendered.
    """
    cards, refused = _render(report, findings, settings, out, size=size, rank=rank)
    if refused:
        raise refused[0].error
    return _write_all(cards)


def _render(
    report: Report,
    findings: Sequence[Finding],
    settings: Settings,
    out: str | Path | None,
    *,
    size: str,
    rank: int | None,
) -> tuple[list[tuple[Path, bytes]], list[RefusedCard]]:
    """The requested cards rendered in memory with their target files, and the findings refused."""
    if not findings:
        content_file = Path(settings.bot.content_dir) / f"{report.slug}.md"
        raise InputError(
            "the report has no findings to put on a card (every sentence is excluded or procedural)",
            source=str(content_file),
        )
    chosen, sizes = _selected(findings, rank), _sizes(size)
    _check_single_file(out, len(chosen) * len(sizes))
    style, logo_file = style_from(settings), logo_path(settings)
    logo = _open_logo(logo_file) if logo_file else None
    rendered: list[tuple[str, bytes]] = []
    refused: list[RefusedCard] = []
    for finding in chosen:
        try:
            content = card_content(report, finding, settings)
            cards = [(card_filename(report, finding, s), render_card(content, s, style, logo)) for s in sizes]
        except InputError as error:
            refused.append(RefusedCard(finding.rank, error))
            continue
        rendered.extend(cards)
    targets = _targets(out, settings, [name for name, _ in rendered])
    return [(target, data) for target, (_, data) in zip(targets, rendered, strict=True)], refused


def _write_all(cards: Sequence[tuple[Path, bytes]]) -> list[Path]:
    for target, data in cards:
        _write(target, data)
    return [target for target, _ in cards]


def _check_single_file(out: str | Path | None, count: int) -> None:
    """A `.png` --out takes exactly one card: refused up front, whatever later renders or not."""
    if out is not None and Path(out).suffix.lower() == ".png" and count != 1:
        raise InputError(
            f"--out {out} is one file but {count} cards would be rendered "
            "(give a directory, or pick one with --finding N --size x|facebook)"
        )


def _targets(out: str | Path | None, settings: Settings, names: list[str]) -> list[Path]:
    destination = Path(out) if out is not None else Path(settings.bot.var_dir) / "cards"
    if destination.suffix.lower() == ".png":
        return [destination] * len(names)  # at most one: see _check_single_file
    if destination.exists() and not destination.is_dir():
        raise InputError("--out must be a directory or a .png file", source=str(destination))
    return [inside(destination, name, what="quote card") for name in names]  # all checked before any write


def attach_cards(
    drafts: Iterable[Draft], report: Report, findings: Sequence[Finding], settings: Settings, out_dir: str | Path
) -> list[Draft]:
    """Drafts with a quote card attached to each highlight (Media with the finding as alt text).

    For the scheduler (a campaign with `cards = true`): the card of a highlight draft is rendered into
    `out_dir` in the draft's platform size. A finding that cannot be carded (too long, undrawable characters)
    keeps its draft without media and gets a warning saying why, so one bad finding never blocks a campaign.
    """
    by_rank = {f.rank: f for f in findings}
    style, logo_file = style_from(settings), logo_path(settings)
    logo = _open_logo(logo_file) if logo_file else None
    attached: list[Draft] = []
    for draft in drafts:
        finding = by_rank.get(draft.finding_rank or 0)
        if draft.kind != "highlight" or finding is None or draft.platform not in CARD_SIZES:
            attached.append(draft)
            continue
        target = inside(out_dir, card_filename(report, finding, draft.platform), what="quote card")
        try:
            content = card_content(report, finding, settings)
            content = replace(content, finding=str(draft.meta.get("final") or content.finding))  # the post's words
            data = render_card(content, draft.platform, style, logo)
        except InputError as error:
            attached.append(replace(draft, warnings=(*draft.warnings, f"no quote card: {error}")))
            continue
        _write(target, data)
        media = Media(path=str(target), alt_text=content.finding)
        attached.append(draft if media in draft.media else replace(draft, media=(*draft.media, media)))
    return attached


def _write(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
    except OSError as error:
        raise BotError(f"cannot write quote card: {error.strerror}: {target}") from None
