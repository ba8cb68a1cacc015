"""Alembic environment for the event store: always run in code by ``charter.store.db``.

Why no alembic.ini: the store migrates itself on open, on the connection (and inside the
transaction) that the caller already holds, so two processes opening one database at once are
serialised by the database's own lock instead of racing to create tables.
"""

from __future__ import annotations

from alembic import context

from charter.store.db import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
