"""Initial ledger schema: posts (one row per post or thread part) and attempts (the audit trail).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("campaign", sa.String(length=120), nullable=True),
        sa.Column("report", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("finding_rank", sa.Integer(), nullable=True),
        sa.Column("thread_head_id", sa.Integer(), nullable=True),
        sa.Column("part_index", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        _when("due_at", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String(length=100), nullable=True),
        sa.Column("remote_url", sa.String(length=500), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        _when("claimed_at", nullable=True),
        _when("posted_at", nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.ForeignKeyConstraint(["thread_head_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_posts_key"),
    )
    op.create_index("ix_posts_campaign", "posts", ["campaign"], unique=False)
    op.create_index("ix_posts_status_due", "posts", ["status", "due_at"], unique=False)
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        _when("started_at", nullable=False),
        _when("finished_at", nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("runner", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attempts_post_id", "attempts", ["post_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attempts_post_id", table_name="attempts")
    op.drop_table("attempts")
    op.drop_index("ix_posts_status_due", table_name="posts")
    op.drop_index("ix_posts_campaign", table_name="posts")
    op.drop_table("posts")
