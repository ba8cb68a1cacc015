"""Documents: the papers acts refer to, kept by the SHA-256 of their bytes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """
CREATE TRIGGER documents_no_{verb} BEFORE {op} ON documents
BEGIN
    SELECT RAISE(ABORT, 'charter: documents is append-only: {op} is forbidden');
END
"""
PG_TRIGGERS = """
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION charter_append_only();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION charter_append_only()
"""


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("org", sa.String(200), sa.ForeignKey("orgs.name"), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_TRIGGERS.split(";"):
            op.execute(statement)
    else:
        for verb, sql_op in (("update", "UPDATE"), ("delete", "DELETE")):
            op.execute(SQLITE_TRIGGER.format(verb=verb, op=sql_op))


def downgrade() -> None:
    op.drop_table("documents")
