"""Where everything goes on a quote card, computed before anything is drawn.

The layout is plain data (boxes in pixels), so tests can check that text stays inside the margins without
reading pixels, and the renderer only draws what the layout decided. The finding is set as large as
`max_font_size` allows and shrinks in 2 px steps; if it does not fit even at `min_font_size` the card is refused
(`CardTextTooLong`) rather than overflowing or being cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InputError
from bot.preview.fonts import Weight, load_font
from bot.preview.wrap import wrap, wrap_at_most

CARD_SIZES: dict[str, tuple[int, int]] = {"x": (1200, 675), "facebook": (1200, 630)}
LINE_PITCH = 1.32  # line spacing as a multiple of the font size
_STEP = 2


class CardTextTooLong(InputError):
    """The finding needs more room than the card has, even at the minimum font size."""


@dataclass(frozen=True, slots=True)
class CardStyle:
    """Sizes and colours of a card; `min_font_size`/`max_font_size` come from settings.cards."""

    min_font_size: int = 30
    max_font_size: int = 60
    margin_x: int = 80
    margin_top: int = 64
    margin_bottom: int = 56
    event_size: int = 26
    title_size: int = 24
    title_lines: int = 2
    bar_width: int = 8
    bar_gap: int = 32
    logo_box: tuple[int, int] = (220, 72)
    background: str = "#0b2545"
    text: str = "#ffffff"
    accent: str = "#e8a838"
    secondary: str = "#b7cbe3"


DEFAULT_STYLE = CardStyle()


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text: `(x, top)` is the top-left of its line box, `baseline` where Pillow draws it."""

    text: str
    x: int
    top: int
    baseline: int
    width: int
    height: int
    size: int
    weight: Weight
    color: str

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.top, self.x + self.width, self.top + self.height)


@dataclass(frozen=True, slots=True)
class CardLayout:
    width: int
    height: int
    font_size: int
    lines: tuple[TextLine, ...]  # every text line: event, finding, session title
    bar: tuple[int, int, int, int]  # the accent bar beside the finding
    logo: tuple[int, int, int, int] | None  # where the logo is pasted (already scaled to this box)
    content_box: tuple[int, int, int, int]  # the area inside the margins


def _line_height(size: int, weight: Weight) -> tuple[int, int]:
    """(ascent, descent) in pixels: the font's own extents, an upper bound for the ink of normal text."""
    ascent, descent = load_font(size, weight).getmetrics()
    return ascent, descent


def _lines(texts: list[str], x: int, top: int, size: int, weight: Weight, color: str) -> list[TextLine]:
    font = load_font(size, weight)
    ascent, descent = _line_height(size, weight)
    pitch = round(size * LINE_PITCH)
    return [
        TextLine(
            text,
            x,
            top + i * pitch,
            top + i * pitch + ascent,
            round(font.getlength(text)),
            ascent + descent,
            size,
            weight,
            color,
        )
        for i, text in enumerate(texts)
    ]


def _block_height(count: int, size: int, weight: Weight) -> int:
    ascent, descent = _line_height(size, weight)
    return (count - 1) * round(size * LINE_PITCH) + ascent + descent if count else 0


def fit_text(text: str, width: int, height: int, style: CardStyle, *, label: str = "finding") -> tuple[int, list[str]]:
    """The largest font size (and its lines) at which `text` fits `width` × `height`; CardTextTooLong if none."""
    size = style.max_font_size
    while size >= style.min_font_size:
        font = load_font(size, "bold")
        lines = wrap(text, width, font.getlength)
        if _block_height(len(lines), size, "bold") <= height:
            return size, lines
        size -= _STEP
    font = load_font(style.min_font_size, "bold")
    needed = len(wrap(text, width, font.getlength))
    pitch = style.min_font_size * LINE_PITCH
    room = max(1, int((height - _block_height(1, style.min_font_size, "bold")) // pitch) + 1)
    raise CardTextTooLong(
        f"{label} is too long for a quote card: it needs {needed} lines at the minimum font size "
        f"{style.min_font_size}px and the card has room for {room} (shorten it, e.g. pin a shorter highlight "
        "in the report's front matter, or lower cards.min_font_size)"
    )


def layout_card(
    finding: str,
    event: str,
    title: str,
    size_name: str,
    style: CardStyle = DEFAULT_STYLE,
    *,
    logo_size: tuple[int, int] | None = None,
    label: str = "finding",
) -> CardLayout:
    """Lay out a card of `size_name` ("x" or "facebook"); `logo_size` is the logo's pixel size, if any."""
    width, height = CARD_SIZES[size_name]
    left, right = style.margin_x, width - style.margin_x
    top, bottom = style.margin_top, height - style.margin_bottom
    lines: list[TextLine] = []
    y = top
    if event:
        event_line = wrap_at_most(event, right - left, load_font(style.event_size, "regular").getlength, 1)
        lines += _lines(event_line, left, y, style.event_size, "regular", style.accent)
        y += _block_height(1, style.event_size, "regular") + 28
    logo = _logo_box(logo_size, style, right, bottom)
    title_right = logo[0] - 32 if logo else right
    title_lines = wrap_at_most(title, title_right - left, load_font(style.title_size).getlength, style.title_lines)
    footer_height = max(_block_height(len(title_lines), style.title_size, "regular"), logo[3] - logo[1] if logo else 0)
    footer_top = bottom - footer_height
    text_left = left + style.bar_width + style.bar_gap
    room = footer_top - 36 - y
    size, quote = fit_text(finding, right - text_left, room, style, label=label)
    block = _block_height(len(quote), size, "bold")
    quote_top = y + (room - block) // 2
    lines += _lines(quote, text_left, quote_top, size, "bold", style.text)
    title_top = footer_top + (footer_height - _block_height(len(title_lines), style.title_size, "regular")) // 2
    lines += _lines(title_lines, left, title_top, style.title_size, "regular", style.secondary)
    bar = (left, quote_top, left + style.bar_width, quote_top + block)
    return CardLayout(width, height, size, tuple(lines), bar, logo, (left, top, right, bottom))


def _logo_box(
    logo_size: tuple[int, int] | None, style: CardStyle, right: int, bottom: int
) -> tuple[int, int, int, int] | None:
    """The logo scaled (never enlarged) into `style.logo_box`, in the bottom-right corner."""
    if not logo_size:
        return None
    max_w, max_h = style.logo_box
    scale = min(max_w / logo_size[0], max_h / logo_size[1], 1.0)
    w, h = max(1, round(logo_size[0] * scale)), max(1, round(logo_size[1] * scale))
    return (right - w, bottom - h, right, bottom)
