"""Read-only share links: an admin's explicit, revocable choice to show an organisation's
public pages (Structure, Timeline, Money, Power) to someone without an account.

Revision ID: s0006_share_links
Revises: s0005_auth
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0006_share_links"
down_revision = "s0005_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_share_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32), nullable=True),
    )
    op.create_index("service_share_links_org", "service_share_links", ["org"])


def downgrade() -> None:
    op.drop_index("service_share_links_org", "service_share_links")
    op.drop_table("service_share_links")
