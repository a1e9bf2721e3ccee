"""The desk's URL table, in one place."""

from __future__ import annotations

from starlette.routing import Route

from bot.web import actions, pages, signin


def routes() -> list[Route]:
    post = ["POST"]
    return [
        Route("/", pages.home),
        Route("/login", pages.login_page),
        Route("/login", signin.login, methods=post),
        Route("/logout", signin.logout, methods=post),
        Route("/calendar", pages.calendar_page),
        Route("/queue", pages.queue_page),
        Route("/history", pages.history_page),
        Route("/reports", pages.reports_page),
        Route("/reports/{slug:str}", pages.report_page),
        Route("/runs", pages.runs_page),
        Route("/audit", pages.audit_page),
        Route("/posts/{post_id:int}", pages.post_page),
        Route("/posts/{post_id:int}/card.png", pages.card_png),
        Route("/assets/preview.css", pages.preview_css),
        Route("/count", actions.count, methods=post),
        Route("/approve", actions.change(actions.approve), methods=post),
        Route("/posts/{post_id:int}/cancel", actions.change(actions.cancel), methods=post),
        Route("/posts/{post_id:int}/retry", actions.change(actions.retry), methods=post),
        Route("/posts/{post_id:int}/repost", actions.change(actions.repost), methods=post),
        Route("/posts/{post_id:int}/edit", actions.change(actions.edit), methods=post),
        Route("/posts/{post_id:int}/reschedule", actions.change(actions.reschedule), methods=post),
        Route("/posts/{post_id:int}/swap", actions.change(actions.swap), methods=post),
    ]
