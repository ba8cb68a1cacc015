"""Event log: organisations, append-only events and signed checkpoints.

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

APPEND_ONLY = ("events", "checkpoints")

SQLITE_TRIGGER = """
CREATE TRIGGER {table}_no_{verb} BEFORE {op} ON {table}
BEGIN
    SELECT RAISE(ABORT, 'charter: {table} is append-only: {op} is forbidden');
END
"""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION charter_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'charter: % is append-only: % is forbidden', TG_TABLE_NAME, TG_OP;
END
$$
"""

PG_TRIGGERS = """
CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION charter_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION charter_append_only()
"""


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("frontier", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("org", sa.String(200), sa.ForeignKey("orgs.name"), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("tree_root", sa.LargeBinary(32), nullable=False),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(200), sa.ForeignKey("orgs.name"), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("timestamp", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
    )
    op.create_index("checkpoints_org_size", "checkpoints", ["org", "size"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            for statement in PG_TRIGGERS.format(table=table).split(";"):
                op.execute(statement)
    else:
        for table in APPEND_ONLY:
            for verb, sql_op in (("update", "UPDATE"), ("delete", "DELETE")):
                op.execute(SQLITE_TRIGGER.format(table=table, verb=verb, op=sql_op))


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("events")
    op.drop_table("orgs")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS charter_append_only()")
