"""End to end in headless Chromium (Debian's /usr/bin/chromium through Playwright, as the preview test does):
the desk served by uvicorn on a free 127.0.0.1 port; a reviewer signs in, finds the sample campaign on the
calendar, types a draft past 280 (the live counter turns red and the save is refused), puts it back, approves
the campaign, the runner publishes it in dry-run on a virtual clock, and the posts show in the history.
axe-core (the copy shipped in the axe-playwright-python package) checks the main pages for serious or
critical accessibility violations. Screenshots land in test-artifacts/desk-*.png."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import ARTIFACTS
from tests.desk_support import CAMPAIGN, PASSWORDS, build_world

pytestmark = pytest.mark.browser
MAIN_PAGES = ("/calendar", "/queue", "/history", "/reports", "/runs", "/audit")


@pytest.fixture
def served(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """The desk over a fresh ledger, served by uvicorn from a thread. The listening socket is bound before the
    server starts, so the browser's first connection simply waits in the backlog: no polling, no sleeping."""
    import uvicorn

    world = build_world(project_dir, monkeypatch)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(world.client.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    yield world, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    listener.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"), full_page=True)


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/calendar")
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    shot(page, "sign-in")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/calendar")


def run_dry_run(world: Any) -> None:
    """`bot run --until-idle` in-process, on a virtual clock moved to each approved post's time in turn (a post
    is sent at its time, never early). Dry-run: it works on the rehearsal ledger (a copy of the real one, the
    later runs resuming it) and the recording transport keeps the requests in the journal."""
    from bot.schedule.clock import FakeClock
    from bot.schedule.run import run_bot

    journal = Path(world.settings.bot.var_dir) / "dryrun-journal.jsonl"
    times = sorted({p.due_at for p in world.ledger.list_posts() if p.status == "pending"})
    for number, due in enumerate(times):
        run_bot(world.settings, until_idle=True, journal=journal, clock=FakeClock(due), resume=number > 0)


def test_a_reviewer_edits_approves_and_sees_the_campaign_go_out(tab: Any, served: tuple[Any, str]) -> None:
    world, base = served
    sign_in(tab, base, "erin")
    tab.select_option("#campaign", CAMPAIGN)
    tab.click("form.filters button[type=submit]")
    entries = tab.locator("#calendar a.entry")
    assert entries.count() == 5
    assert tab.locator("td[data-date='2026-12-03'] a.entry").count() == 2  # the announcement on X and Facebook
    shot(tab, "calendar")

    tab.locator("td[data-date='2026-12-04'] a.entry").first.click()
    original = tab.input_value("#text")
    tab.fill("#text", original + " " + "more words " * 20)
    tab.wait_for_selector("#live-counter[data-valid=no]")
    assert int(tab.inner_text("#live-counter .length")) > 280
    assert tab.get_attribute("#save-text", "aria-disabled") == "true"
    shot(tab, "over-limit")
    tab.click("#save-text", force=True)  # the button only says it is disabled: the server is what refuses
    assert "over the limit" in tab.inner_text("#error")
    assert world.x_highlight().payload["text"] == original  # refused: nothing saved

    tab.fill("#text", original.replace("The importance", "The weight"))
    tab.wait_for_selector("#live-counter[data-valid=yes]")
    tab.click("#save-text")
    assert "text saved" in tab.inner_text(".flash")
    assert world.x_highlight().payload["text"].startswith("The weight")
    shot(tab, "post")

    tab.goto(f"{base}/calendar?campaign={CAMPAIGN}")
    tab.click("#approve-campaign")
    assert "approved 5 post(s) of campaign desk-review" in tab.inner_text(".flash")

    run_dry_run(world)
    tab.goto(f"{base}/history")
    assert "0 published posts" in tab.inner_text("h1")  # a dry-run never writes the real ledger
    tab.click("text=Last rehearsal (dry-run)")
    assert "5 published posts (rehearsal)" in tab.inner_text("h1")
    assert "nothing here was sent" in tab.inner_text("#rehearsal-banner")
    assert tab.locator("table.rows tbody tr").count() == 5
    assert "x.com/i/status/" in tab.inner_text("table.rows")
    shot(tab, "history")
    tab.goto(f"{base}/runs")
    assert tab.locator("#requests tbody tr").count() == 5
    assert "The weight" in tab.inner_text("#requests")  # the edited text is what was sent
    shot(tab, "runs")
    tab.goto(f"{base}/audit")
    assert tab.locator("#audit tbody tr").count() == 3  # refused edit, saved edit, approval
    assert tab.dialogs == []


def test_the_main_pages_have_no_serious_accessibility_violations(tab: Any, served: tuple[Any, str]) -> None:
    world, base = served
    axe = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    post_id = world.x_highlight().id
    tab.goto(f"{base}/login")
    pages = ["/login"]
    sign_in(tab, base, "erin")
    pages += [*MAIN_PAGES, f"/posts/{post_id}", "/reports/tgd5-part3-2-future-of-international-security",
              f"/calendar?campaign={CAMPAIGN}&view=week"]
    found: dict[str, list[str]] = {}
    for path in pages:
        tab.goto(base + path)
        tab.add_script_tag(content=axe)
        result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert found == {}
