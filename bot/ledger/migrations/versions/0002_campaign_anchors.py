"""Campaign anchors: the instant `bot schedule` first saw a campaign, which its relative times ("+1d 10:00")
are counted from. Stored so that re-running `bot schedule` tomorrow does not move the campaign by a day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_anchors",
        sa.Column("campaign", sa.String(length=120), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign"),
    )


def downgrade() -> None:
    op.drop_table("campaign_anchors")
