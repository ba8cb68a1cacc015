"""Three columns on accounts: the last TOTP time step accepted (a code is good once); when an
admin disabled the account (a disabled account cannot log in, and its sessions and tokens stop
resolving; the triggers of s0002 bump the auth version, so every server notices); and whether
its password is a one-time password that must be changed before anything else.

Revision ID: s0005_auth
Revises: s0004_board
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0005_auth"
down_revision = "s0004_board"
branch_labels = None
depends_on = None


# Plain ADD COLUMN, not a batch (copy-and-rename) on SQLite: a copied table would lose the
# auth-version triggers of s0002.
def upgrade() -> None:
    op.add_column("service_accounts", sa.Column("totp_last_step", sa.BigInteger, nullable=True))
    op.add_column("service_accounts", sa.Column("disabled_at", sa.String(32), nullable=True))
    op.add_column(
        "service_accounts",
        sa.Column("password_expired", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("service_accounts", "password_expired")
    op.drop_column("service_accounts", "disabled_at")
    op.drop_column("service_accounts", "totp_last_step")
