"""Alembic environment for the service's own tables (accounts, sessions, API tokens).

Why a separate version table: the event store migrates itself with ``charter_store_version``;
the service's migrations live beside it in the same database, and two alembic histories sharing
one version table would each see the other's revision as unknown.
"""

from __future__ import annotations

from alembic import context

VERSION_TABLE = "charter_service_alembic_version"

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
