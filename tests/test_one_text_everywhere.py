"""The X highlight, the Facebook digest, the quote card and the preview all show a finding's same final words;
the preview also shows the report's sentence and marks what compression removed."""

from __future__ import annotations

import dataclasses

from bot.content.compose import compose_drafts, final_texts
from bot.content.report import Finding, Report
from bot.preview.cards import card_content
from bot.preview.views import post_view
from bot.settings import settings_from_dict

SENTENCE = (
    "While several delegations welcomed the plan, it was emphasized that coastal states must fund a shared fleet "
    "of repair ships (at least four vessels, based in Guam, Fiji, Palau and Samoa), including crews trained for "
    "deep-water work, before the next typhoon season begins."
)
REPORT = Report(slug="cables", url="https://www.example.org/cables.html", title="Undersea cables", paragraphs=(SENTENCE,),
                event="Pacific Dialogue")  # fmt: skip
FINDING = Finding(text=SENTENCE, score=2.0, position=0, paragraph=0, rank=1)
SETTINGS = settings_from_dict({"hashtags": {"x": ["#PacificDialogue"]}})


def test_post_digest_and_card_show_the_same_final_text() -> None:
    final = final_texts(REPORT, [FINDING], SETTINGS)[1]
    x_highlight, digest = compose_drafts(REPORT, [FINDING], SETTINGS)[1], compose_drafts(REPORT, [FINDING], SETTINGS)[-1]
    assert final.text != SENTENCE and final.steps and "…" not in final.text
    assert x_highlight.text.startswith(final.text + " https://")
    assert f"• {final.text}" in digest.text
    assert card_content(REPORT, FINDING, SETTINGS).finding == final.text
    assert "It was emphasized" not in final.text and "must fund a shared fleet" in final.text


def test_the_preview_shows_the_original_and_marks_the_removed_parts() -> None:
    highlight = compose_drafts(REPORT, [FINDING], SETTINGS, platforms=("x",))[1]
    view = post_view(2, highlight, REPORT)
    assert view.original == SENTENCE
    removed = "".join(text for text, cut in view.compression if cut)
    kept = "".join(text for text, cut in view.compression if not cut)
    assert "(at least four vessels" in removed and "must fund a shared fleet" in kept
    assert highlight.meta["removed"] and highlight.meta["final"] in highlight.text


def test_a_finding_that_fits_is_shown_unchanged_everywhere() -> None:
    short = dataclasses.replace(FINDING, text="Coastal states must fund a shared fleet of repair ships.")
    final = final_texts(REPORT, [short], SETTINGS)[1]
    assert final.text == short.text and not final.steps and not final.removed_parts()


def test_in_japanese_only_what_compression_removed_is_marked_removed() -> None:
    from bot.content.wording import marked, removed_parts

    statement = "原子力発電所の再稼働や次世代革新炉の開発なども含めた現実的な電源構成を議論すべきだとの意見が相次いだ。"
    final = "原子力発電所の再稼働なども含めた現実的な電源構成を議論すべきだとの意見が相次いだ。"
    assert removed_parts(statement, final) == ["や次世代革新炉の開発"]
    assert "".join(text for text, removed in marked(statement, final) if not removed) == final
