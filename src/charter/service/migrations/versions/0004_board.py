"""One person, one account per organisation: a unique index on the person an account's
``director`` role links it to, so that a second account for the same person (and a second voice
in every vote) cannot exist, whichever process or hand-written SQL tries to make it.  The
service moves a person to another account only by an admin's logged transfer.

Revision ID: s0004_board
Revises: s0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0004_board"
down_revision = "s0002"
branch_labels = None
depends_on = None

INDEX = "service_memberships_one_account_per_person"


def upgrade() -> None:
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT org, person, COUNT(*) AS n FROM service_memberships "
                "WHERE person IS NOT NULL GROUP BY org, person HAVING COUNT(*) > 1"
            )
        )
        .all()
    )
    if twice:
        listed = "; ".join(f"{r.person} in {r.org} ({r.n} accounts)" for r in twice)
        raise RuntimeError(
            f"cannot enforce one account per person: {listed}. Remove the extra director "
            "roles from service_memberships (keep the account the person uses), then start again"
        )
    op.create_index(
        INDEX,
        "service_memberships",
        ["org", "person"],
        unique=True,
        sqlite_where=sa.text("person IS NOT NULL"),
        postgresql_where=sa.text("person IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="service_memberships")
