"""Sent texts: one row per (account, text + link) naming the post that carries it, so one text is never sent
twice to one account (two campaigns for one report, `bot repost` twice). Filled for posts already posted.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from bot.ledger.sent_texts import text_hash

    table = op.create_table(
        "sent_texts",
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("account", "text_hash"),
    )
    posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("account", sa.String),
                     sa.column("payload", sa.JSON), sa.column("status", sa.String))
    rows: dict[tuple[str, str], int] = {}
    for post_id, account, payload in op.get_bind().execute(
        sa.select(posts.c.id, posts.c.account, posts.c.payload).where(posts.c.status == "posted").order_by(posts.c.id)
    ):
        digest = text_hash(payload if isinstance(payload, dict) else {})
        if digest is not None:
            rows.setdefault((account, digest), post_id)
    if rows:
        op.bulk_insert(table, [{"account": a, "text_hash": h, "post_id": i} for (a, h), i in rows.items()])


def downgrade() -> None:
    op.drop_table("sent_texts")
