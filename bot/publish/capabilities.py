"""The one place X's and Facebook's capabilities are built.

The composer reads limits, the counting rule, link handling and prices from here, and the publishers use the
same objects as their `capabilities` class attributes, so both always agree. Importing this module pulls in
neither tweepy nor facebook-sdk. Prices come from settings because they change (PLATFORMS.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.publish.base import Capabilities

if TYPE_CHECKING:
    from bot.settings import Settings

PLATFORMS = ("x", "facebook")


def x_capabilities(settings: Settings | None = None) -> Capabilities:
    """X: 280 weighted characters (twitter-text v3), links inside the text, pay-per-use prices."""
    from bot.settings import PricesSection

    prices = settings.prices if settings is not None else PricesSection()
    return Capabilities(
        max_length=280,
        counting="twitter",
        max_images=4,
        supports_threads=True,
        supports_native_scheduling=False,
        link_field=False,
        price_per_post=prices.x_post,
        price_per_post_with_url=prices.x_post_with_url,
    )


def facebook_capabilities(settings: Settings | None = None) -> Capabilities:
    """Facebook Pages: 63,206 characters, the link in its own field (preview card), native scheduling."""
    from bot.settings import PricesSection

    prices = settings.prices if settings is not None else PricesSection()
    return Capabilities(
        max_length=63206,
        counting="chars",
        max_images=10,
        supports_threads=False,
        supports_native_scheduling=True,
        link_field=True,
        price_per_post=prices.facebook_post,
        price_per_post_with_url=prices.facebook_post,
    )


_BUILDERS = {"x": x_capabilities, "facebook": facebook_capabilities}


def capabilities_for(platform: str, settings: Settings | None = None) -> Capabilities:
    """Capabilities of `platform` ("x" or "facebook"), priced from `settings.prices` (defaults if None).

    Raises LookupError naming the unknown platform.
    """
    try:
        builder = _BUILDERS[platform]
    except KeyError:
        raise LookupError(f"unknown platform {platform!r} (known: {', '.join(PLATFORMS)})") from None
    return builder(settings)
