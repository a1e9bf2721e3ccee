"""End to end: the preview page opened in a real headless Chromium (Debian's /usr/bin/chromium, via Playwright's
Python client — never `playwright install`). Loaded from a file:// URL; Playwright talks to Chromium over a pipe,
so pytest-socket's blocking does not get in the way. Screenshots go to test-artifacts/ (gitignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content.draft import Draft
from bot.content.report import Report
from bot.preview.html import drafts_page, preview_report, render_page, write_page
from bot.settings import settings_from_dict
from tests.browser_support import ARTIFACTS

pytestmark = pytest.mark.browser

SAMPLE = "content/tgd5-part3-2-future-of-international-security.md"
HOSTILE_TITLE = '<script>window.__pwned = 1; document.title = "pwned"; alert(1)</script>Hostile'


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    tab = context.new_page()
    tab.dialogs = []  # every alert/confirm/prompt a script might open
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def screenshot(tab: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    tab.screenshot(path=str(path), full_page=True)
    return path


def fonts_used(tab: Any, selector: str) -> list[str]:
    """The fonts Chromium actually drew a node's text with (DevTools protocol), to catch boxes/tofu."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return sorted({font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]})


def test_sample_preview_shows_each_draft_with_its_counter(page: Any, project_dir: Path) -> None:
    settings = settings_from_dict({"accounts": [{"name": "jiia-x", "platform": "x"}]})
    path, drafts = preview_report(SAMPLE, settings, project_dir / "preview", cards=True)
    page.goto(path.resolve().as_uri())
    posts = page.locator("article.post")
    assert posts.count() == len(drafts) == 5
    for index, draft in enumerate(drafts):
        post = posts.nth(index)
        assert post.is_visible()
        assert post.locator(".counter .length").inner_text() == str(draft.weighted_length)
        assert post.locator(".counter .limit").inner_text() == str(draft.limit)
        assert draft.parts[0][:40] in post.locator(".text").first.inner_text()
    highlight_images = page.locator("article[data-kind=highlight] figure.media img")
    assert highlight_images.count() == 3
    assert all(highlight_images.nth(i).evaluate("img => img.naturalWidth") == 1200 for i in range(3))
    assert page.locator("article[data-platform=facebook] .link-card .link-title").is_visible()
    assert screenshot(page, "preview-sample.png").stat().st_size > 10_000


def test_hostile_report_runs_no_script(page: Any, tmp_path: Path) -> None:
    report = Report(
        slug="hostile",
        url="javascript:alert(2)",
        title=HOSTILE_TITLE,
        paragraphs=("p",),
        event='<img src=x onerror="window.__pwned=2;alert(3)">',
        description="<svg onload=alert(4)>",
    )
    draft = Draft(
        platform="x",
        kind="highlight",
        report_slug="hostile",
        weighted_length=90,
        limit=280,
        parts=('<img src=x onerror="window.__pwned=5"> javascript:alert(6) https://example.org/x',),
        link="javascript:alert(7)",
    )
    path = write_page(render_page(drafts_page([draft], report)), tmp_path, settings_from_dict({}))
    page.goto(path.as_uri())
    assert page.evaluate("() => window.__pwned") is None
    assert page.title().startswith("Preview · <script>")
    assert page.dialogs == []
    assert page.evaluate("() => document.querySelectorAll('script, svg, [onerror], [onload]').length") == 0
    assert page.locator("#page-title").inner_text() == HOSTILE_TITLE
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert all(h.startswith(("https://", "#")) for h in hrefs)
    page.locator("article.post a").first.click(trial=True)  # even a click target leads nowhere harmful
    assert page.dialogs == []
    screenshot(page, "preview-hostile.png")


def test_japanese_text_uses_the_embedded_font(page: Any, tmp_path: Path) -> None:
    report = Report(
        slug="ja",
        url="https://www.jiia.or.jp/TGD/",
        title="国際安全保障と協力の将来",
        paragraphs=("本文",),
        language="ja",
        event="第5回東京グローバル・ダイアログ",
    )
    draft = Draft(
        platform="x",
        kind="announcement",
        report_slug="ja",
        weighted_length=49,
        limit=280,
        parts=("新しい報告：国際安全保障と協力の将来 https://www.jiia.or.jp/TGD/",),
        link="https://www.jiia.or.jp/TGD/",
    )
    path = write_page(render_page(drafts_page([draft], report)), tmp_path, settings_from_dict({}))
    page.goto(path.as_uri())
    page.evaluate("() => document.fonts.ready.then(() => true)")
    assert page.evaluate("() => document.fonts.check('16px \"Preview CJK\"', '国際安全保障')")
    loaded = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Preview CJK" in family for family in loaded)
    assert "国際安全保障と協力の将来" in page.locator(".text").inner_text()
    for selector in ("#page-title", ".link-title"):  # bold and regular Japanese text: drawn with the embedded font
        assert fonts_used(page, selector) == ["Noto Sans CJK JP"], selector
    screenshot(page, "preview-japanese.png")


def test_plan_calendar_links_to_each_post(page: Any, project_dir: Path) -> None:
    if not list((project_dir / "schedules").glob("*.toml")):
        pytest.skip("no campaign in schedules/")
    import datetime as dt

    from bot.preview.html import preview_plan
    from bot.settings import load_settings

    path, count = preview_plan(load_settings(), project_dir / "plan", now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
    page.goto(path.resolve().as_uri())
    slots = page.locator("#calendar a.slot")
    assert slots.count() == count == page.locator("article.post").count()
    # the sample starts at "+1d 10:00": the day after 2026-11-28 (09:00 in Tokyo)
    assert page.locator("#calendar tr.day").first.locator("th").inner_text().endswith("2026-11-29")
    slots.first.click()
    target = slots.first.get_attribute("href")
    assert page.evaluate("() => location.hash") == target
    assert page.locator(str(target)).is_visible()
    screenshot(page, "preview-plan.png")
