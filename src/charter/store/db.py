"""The event store: one append-only log per organisation, in SQLite (default) or PostgreSQL.

Why each row carries its leaf hash and the tree head after it: the leaf hash (of the entry's
canonical bytes, :func:`charter.store.canonical.entry_bytes`) tells an edited payload; the running
tree head tells a row whose leaf hash was rewritten too; seq contiguity tells a deleted or
inserted row; signed checkpoints (kept here and in files elsewhere) tell a truncated or wholly
rewritten log.  ``charter.store.verify`` reads that evidence.

Appends are serialised per database on SQLite (``BEGIN IMMEDIATE``: the write lock is taken before
the head is read) and per organisation on PostgreSQL (``SELECT … FOR UPDATE`` on the
organisation's row, which holds the head), so seq numbers have no gaps and no duplicates; an
append returns only after its transaction committed (SQLite with ``synchronous=FULL`` in WAL
mode, PostgreSQL with ``synchronous_commit=on``), so an acknowledged event is durable.

Why the store checks its own SQLite files on every commit: POSIX locks belong to the whole
process, so if anything else in the process opens and closes the database file, SQLite's locks
are silently dropped ("How To Corrupt An SQLite Database File", §2.2).  The next SQLite client
of another process then believes it is alone, checkpoints and *deletes the WAL* this process
still writes to: every later commit lands in an unlinked file and is gone at the next start.
Only the store opens the file, so that must not happen; if it happens anyway, each connection
remembers the (device, inode) of the database and of its WAL when it connects, and a commit
whose files are no longer those is refused (:class:`StoreError`, logged as critical) rather
than acknowledged: from then on this store refuses every write until the process restarts
(SQLite recovers from the files on disk on the next open), and the process ends with status 70
without closing its connections (closing the last one would checkpoint the deleted WAL over the
live database).  Read-only opens
(``EventStore.open(..., read_only=True)``: ``charter verify``, ``charter export``) can never
checkpoint or delete a WAL.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from charter.located import disown_files, own_files
from charter.store.canonical import canonical_event, entry_bytes
from charter.store.checkpoint import Checkpoint, sign_checkpoint, utc_now
from charter.store.documents import Kept, check_document
from charter.store.merkle import EMPTY_ROOT, Frontier, MerkleTree, leaf_hash

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
EXIT_BROKEN = 70
"""The exit status (EX_SOFTWARE) of a process whose store found its files changed under it."""
VERSION_TABLE = "charter_store_version"
"""Where alembic keeps the schema's revision (migrations/env.py)."""
log = logging.getLogger(__name__)
MAX_ORG_LENGTH = 200

metadata = sa.MetaData()
orgs = sa.Table(
    "orgs",
    metadata,
    sa.Column("name", sa.String(MAX_ORG_LENGTH), primary_key=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("frontier", sa.LargeBinary, nullable=False),
)
events = sa.Table(
    "events",
    metadata,
    sa.Column("org", sa.String(MAX_ORG_LENGTH), sa.ForeignKey("orgs.name"), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("tree_root", sa.LargeBinary(32), nullable=False),
)
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("org", sa.String(MAX_ORG_LENGTH), sa.ForeignKey("orgs.name"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("stored_at", sa.String(32), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("org", sa.String(MAX_ORG_LENGTH), sa.ForeignKey("orgs.name"), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("timestamp", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(64), nullable=False),
    sa.Column("public_key", sa.LargeBinary(32), nullable=False),
    sa.Column("signature", sa.LargeBinary(64), nullable=False),
)


class StoreError(Exception):
    """The store cannot be opened or used (bad URL, no database, unreachable server)."""


class StoreBroken(StoreError):
    """The store's database files changed under this process: it refuses to write (and so to
    acknowledge anything) until the process restarts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredEvent:
    """One row of a log, exactly as stored (a tampered row is reported, never repaired)."""

    org: str
    seq: int
    recorded_at: str
    payload: str
    leaf_hash: bytes
    tree_root: bytes

    @property
    def event(self) -> dict[str, Any]:
        """The event as the journal serializer produced it (parsed from the canonical text)."""
        value = json.loads(self.payload)
        if not isinstance(value, dict):
            raise ValueError(f"{self.org} seq {self.seq}: the payload is not a JSON object")
        return value

    def entry_bytes(self) -> bytes:
        return entry_bytes(self.org, self.seq, self.recorded_at, self.payload)


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeHead:
    """The size and Merkle root of a log as its organisation row records them."""

    org: str
    size: int
    root: bytes


def normalize_url(url: str) -> str:
    """A SQLAlchemy URL from what a person types: a bare path means a SQLite file."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


FileId = tuple[int, int] | None
"""(st_dev, st_ino) of a file, or None when there is no file at the path."""


def file_id(path: str | Path) -> FileId:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


@dataclass(slots=True)
class SqliteFiles:
    """The files a SQLite connection writes to, as they were when it connected."""

    path: str
    database: FileId
    wal: FileId

    def problem(self) -> str | None:
        """Why these are no longer the files on disk, or None if they still are."""
        database, wal = file_id(self.path), file_id(self.path + "-wal")
        if database != self.database:
            return f"the database file {self.path} was removed or replaced"
        if self.wal is None:  # a fresh database: its WAL appears with the first write
            self.wal = wal
            return None
        if wal != self.wal:
            state = "deleted" if wal is None else "replaced"
            return (
                f"the write-ahead log {self.path}-wal was {state} while this process had it "
                "open (another program checkpointed it away: something in this process "
                "opened and closed the database file, dropping SQLite's locks)"
            )
        return None


def sqlite_files(database: str) -> dict[str, str]:
    """The files SQLite keeps for ``database`` (path -> what it is), none of them ever to be
    opened by anything but the store (see the module's docstring)."""
    path = str(Path(database).expanduser().resolve())
    own = "the event store's own database"
    return {
        path: own,
        path + "-wal": own + " (its write-ahead log)",
        path + "-shm": own + " (its shared-memory index)",
        path + "-journal": own + " (its rollback journal)",
    }


_SQLITE_PRAGMAS = (
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=60000",
)


def _sqlite_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # Take transactions out of the driver's hands so that "begin" below can say IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("PRAGMA journal_mode=WAL", *_SQLITE_PRAGMAS):
        cursor.execute(pragma)
    path = next(row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main")
    cursor.close()
    record.info["charter_files"] = SqliteFiles(
        path=path, database=file_id(path), wal=file_id(path + "-wal")
    )


def _sqlite_connect_read_only(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # A read-only connection leaves the journal mode as it is (changing it is a write).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock before it reads the head: no two appends see the same size.
    # Readers take a plain (deferred) snapshot and never block writers in WAL mode.
    read_only = connection.get_execution_options().get("charter_read", False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _postgres_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    dbapi_connection.autocommit = autocommit


def _postgres_connect_read_only(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    _postgres_connect(dbapi_connection, record)
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_connection.autocommit = autocommit


def _check_org(org: str) -> None:
    if not isinstance(org, str) or not org or len(org) > MAX_ORG_LENGTH:
        raise ValueError(f"an organisation is a non-empty string of at most {MAX_ORG_LENGTH}")


def _row_event(row: Any) -> StoredEvent:
    return StoredEvent(
        org=row.org,
        seq=int(row.seq),
        recorded_at=row.recorded_at,
        payload=row.payload,
        leaf_hash=bytes(row.leaf_hash),
        tree_root=bytes(row.tree_root),
    )


def _row_checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(
        org=row.org,
        size=int(row.size),
        root=bytes(row.root),
        timestamp=row.timestamp,
        key_id=row.key_id,
        public_key=bytes(row.public_key),
        signature=bytes(row.signature),
    )


# The statements of an append, built once: constructing and cache-keying them anew on every
# commit cost more CPU than the commit itself (SQLite, one record).
_HEAD = (
    sa.select(orgs.c.size, orgs.c.frontier)
    .where(orgs.c.name == sa.bindparam("org_name"))
    .with_for_update()
)
_INSERT_EVENTS = events.insert()
_ADVANCE = (
    orgs.update()
    .where(orgs.c.name == sa.bindparam("org_name"))
    .values(size=sa.bindparam("size"), root=sa.bindparam("root"), frontier=sa.bindparam("frontier"))
)


class EventStore:
    """Append-only event logs per organisation.  Thread-safe: one engine, a session per call."""

    def __init__(self, engine: Engine, *, sqlite_path: str | None = None) -> None:
        self.engine = engine
        self._owned: int | None = None
        """The registration of this store's SQLite files (:func:`charter.located.own_files`):
        every input reader of the process refuses them, so nothing but the store opens them."""
        if sqlite_path is not None:
            self._owned = own_files(sqlite_files(sqlite_path))
        self._known: set[str] = set()
        """Organisations whose row this process has seen committed (rows are never deleted)."""
        self.broken: str | None = None
        """Why this store refuses to write (its SQLite files changed under it), or None."""

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @classmethod
    def open(cls, url: str, *, create: bool = True, read_only: bool = False) -> EventStore:
        """Open (and migrate to the latest schema) the store at ``url``.

        ``url`` is a SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://…``; a plain
        ``postgresql://`` gets psycopg 3) or a bare file path for SQLite.  With ``create=False`` a
        SQLite file must already exist (``verify`` must not conjure an empty, clean-looking log).
        With ``read_only=True`` nothing is migrated or written, and a SQLite file is opened
        read-only (``mode=ro``): such a connection never checkpoints or deletes the WAL of a
        database that a server is writing (``charter verify``, ``charter export``).  Raises
        :class:`StoreError` with a sentence a person can act on.
        """
        full = normalize_url(url)
        try:
            parsed = sa.make_url(full)
        except ArgumentError as error:
            raise StoreError(f"not a database URL: {url!r}") from error
        backend = parsed.get_backend_name()
        options: dict[str, Any] = {"pool_pre_ping": backend == "postgresql"}
        if backend == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                raise StoreError("an in-memory SQLite store would vanish: give a file path")
            if (read_only or not create) and not Path(database).exists():
                raise StoreError(f"no database at {database}")
            if create and not read_only:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            if read_only:
                uri = Path(database).resolve().as_uri() + "?mode=ro"
                options["creator"] = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        elif backend != "postgresql":
            raise StoreError(f"unsupported database {backend!r}: use sqlite or postgresql")
        try:
            engine = sa.create_engine(parsed, **options)
        except (ArgumentError, NoSuchModuleError) as error:
            raise StoreError(f"cannot use {url!r}: {error}") from error
        if backend == "sqlite":
            connect = _sqlite_connect_read_only if read_only else _sqlite_connect
            sa_event.listen(engine, "connect", connect)
            sa_event.listen(engine, "begin", _sqlite_begin)
        else:
            sa_event.listen(
                engine, "connect", _postgres_connect_read_only if read_only else _postgres_connect
            )
        store = cls(engine, sqlite_path=parsed.database if backend == "sqlite" else None)
        try:
            if read_only:
                store._check_schema()
            else:
                store._migrate()
        except OperationalError as error:
            store._disown()
            engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"cannot open {parsed.render_as_string()}: {reason}") from error
        return store

    def _migrate(self) -> None:
        config = self._alembic_config()
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # Two processes opening a fresh database must not both create the tables.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(6962)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _check_schema(self) -> None:
        """A read-only open migrates nothing: the schema must already be the latest."""
        script = ScriptDirectory.from_config(self._alembic_config())
        with self._read() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            current = context.get_current_revision()
        if current != script.get_current_head():
            raise StoreError(
                f"the database's schema is at revision {current or 'none'}, not the latest "
                f"({script.get_current_head()}): open it once for writing (charter import, "
                "charter serve) to upgrade it"
            )

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def _read(self) -> Connection:
        return self.engine.connect().execution_options(charter_read=True)

    def close(self) -> None:
        if self.broken is None:  # a broken store's connections stay open until the process ends
            self.engine.dispose()
            self._disown()

    def _disown(self) -> None:
        if self._owned is not None:
            disown_files(self._owned)
            self._owned = None

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    def _refuse(self, problem: str) -> StoreBroken:
        if self.broken is None:
            self.broken = problem
            log.critical(
                "charter store: %s; refusing every write until this process restarts", problem
            )
            # Closing the last connection would checkpoint the deleted WAL's frames over pages
            # another process has written since: this process must end without closing them.
            atexit.register(os._exit, EXIT_BROKEN)
        return StoreBroken(f"{problem}; the store refuses to write until the service restarts")

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, committed only if the SQLite files are still the ones the
        connection opened, and reported failed if they changed during the commit: a write that
        may have gone to a deleted WAL is never acknowledged (see the module's docstring)."""
        if self.broken is not None:
            raise StoreBroken(
                f"{self.broken}; the store refuses to write until the service restarts"
            )
        with self.engine.connect() as connection:
            files: SqliteFiles | None = connection.info.get("charter_files")
            problem = files.problem() if files is not None else None
            if problem is not None:
                raise self._refuse(problem)
            with connection.begin():
                yield connection
                problem = files.problem() if files is not None else None
                if problem is not None:
                    raise self._refuse(problem)  # rolls the transaction back
        problem = files.problem() if files is not None else None
        if problem is not None:
            raise self._refuse(problem)

    def _insert_org(self, connection: Connection, org: str) -> None:
        values = {
            "name": org,
            "created_at": utc_now(),
            "size": 0,
            "root": EMPTY_ROOT,
            "frontier": b"",
        }
        if self.dialect == "postgresql":
            connection.execute(postgresql.insert(orgs).values(values).on_conflict_do_nothing())
        else:
            connection.execute(sqlite.insert(orgs).values(values).on_conflict_do_nothing())

    def append(self, org: str, event: dict[str, Any]) -> StoredEvent:
        """Append one event to ``org``'s log (created on first use); returns after commit."""
        return self.append_many(org, [event])[0]

    def append_many(self, org: str, batch: Iterable[dict[str, Any]]) -> list[StoredEvent]:
        """Append events in order in one transaction: all are durable or none is."""
        _check_org(org)
        payloads = [canonical_event(e) for e in batch]
        stored: list[StoredEvent] = []
        with self._write() as connection:
            if org not in self._known:
                self._insert_org(connection, org)
            head = connection.execute(_HEAD, {"org_name": org}).one()
            frontier = Frontier.from_bytes(int(head.size), bytes(head.frontier))
            rows = []
            for payload in payloads:
                seq = frontier.size + 1
                recorded_at = utc_now()
                leaf = leaf_hash(entry_bytes(org, seq, recorded_at, payload))
                frontier = frontier.append(leaf)
                item = StoredEvent(
                    org=org,
                    seq=seq,
                    recorded_at=recorded_at,
                    payload=payload,
                    leaf_hash=leaf,
                    tree_root=frontier.root(),
                )
                stored.append(item)
                rows.append(
                    {
                        "org": org,
                        "seq": seq,
                        "recorded_at": recorded_at,
                        "payload": payload,
                        "leaf_hash": leaf,
                        "tree_root": item.tree_root,
                    }
                )
            if rows:
                connection.execute(_INSERT_EVENTS, rows)
                connection.execute(
                    _ADVANCE,
                    {
                        "org_name": org,
                        "size": frontier.size,
                        "root": frontier.root(),
                        "frontier": frontier.to_bytes(),
                    },
                )
        self._known.add(org)
        return stored

    # -- reading ---------------------------------------------------------------------------------

    def orgs(self) -> list[str]:
        """Every organisation with a log, by name."""
        with self._read() as connection:
            return list(connection.scalars(sa.select(orgs.c.name).order_by(orgs.c.name)))

    def has_org(self, org: str) -> bool:
        with self._read() as connection:
            found = connection.scalar(sa.select(orgs.c.name).where(orgs.c.name == org))
            return found is not None

    def tree_head(self, org: str) -> TreeHead:
        """The head recorded on the organisation's row (``charter verify`` recomputes it)."""
        with self._read() as connection:
            row = connection.execute(
                sa.select(orgs.c.size, orgs.c.root).where(orgs.c.name == org)
            ).one_or_none()
        if row is None:
            return TreeHead(org=org, size=0, root=EMPTY_ROOT)
        return TreeHead(org=org, size=int(row.size), root=bytes(row.root))

    def iter_events(self, org: str, upto: int | None = None) -> Iterator[StoredEvent]:
        """Stream ``org``'s rows in seq order (as stored, tampered or not), up to seq ``upto``."""
        query = sa.select(events).where(events.c.org == org)
        if upto is not None:
            query = query.where(events.c.seq <= upto)
        query = query.order_by(events.c.seq)
        with self._read() as connection:
            result = connection.execution_options(yield_per=5000).execute(query)
            for row in result:
                yield _row_event(row)

    def records(self, org: str, after: int = 0) -> list[dict[str, Any]]:
        """The events of ``org`` after seq ``after``, parsed, in seq order: what a replay reads
        (only the payload column; ``charter verify`` is what checks the hashes)."""
        query = (
            sa.select(events.c.seq, events.c.payload)
            .where(events.c.org == org, events.c.seq > after)
            .order_by(events.c.seq)
        )
        out: list[dict[str, Any]] = []
        loads = json.loads
        with self._read() as connection:
            for seq, payload in connection.execution_options(yield_per=5000).execute(query):
                value = loads(payload)
                if not isinstance(value, dict):
                    raise ValueError(f"{org} seq {seq}: the payload is not a JSON object")
                out.append(value)
        return out

    def events(self, org: str, upto: int | None = None) -> list[StoredEvent]:
        """``org``'s events in seq order, up to and including seq ``upto``."""
        return list(self.iter_events(org, upto))

    def merkle_tree(self, org: str, upto: int | None = None) -> MerkleTree:
        """The tree over the stored leaf hashes (for proofs served to others)."""
        return MerkleTree(e.leaf_hash for e in self.iter_events(org, upto))

    def inclusion_proof(self, org: str, seq: int, size: int | None = None) -> tuple[bytes, ...]:
        """Audit path of event ``seq`` (1-based) in the tree of the first ``size`` events."""
        return self.merkle_tree(org, size).inclusion_proof(seq - 1, size)

    def consistency_proof(
        self, org: str, old_size: int, new_size: int | None = None
    ) -> tuple[bytes, ...]:
        return self.merkle_tree(org, new_size).consistency_proof(old_size, new_size)

    # -- documents -------------------------------------------------------------------------------

    def put_document(self, org: str, data: bytes, name: str) -> Kept:
        """Keep ``data`` for ``org`` (checked by :func:`check_document`) and say how it is kept.
        The same bytes sent twice are kept once, under the name they were first sent with."""
        _check_org(org)
        kept = check_document(data, name)
        with self._write() as connection:
            self._insert_org(connection, org)
            row = {
                "org": org,
                "sha256": kept.sha256,
                "size": kept.size,
                "media_type": kept.media_type,
                "name": kept.name,
                "stored_at": utc_now(),
                "content": data,
            }
            insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
            connection.execute(insert(documents).values(row).on_conflict_do_nothing())
        found = self.documents_info(org, [kept.sha256]).get(kept.sha256)
        return found or kept

    def documents_info(self, org: str, shas: Iterable[str]) -> dict[str, Kept]:
        """What is kept of each of ``shas`` for ``org`` (those not kept are absent)."""
        wanted = sorted(set(shas))
        if not wanted:
            return {}
        query = sa.select(
            documents.c.sha256, documents.c.size, documents.c.media_type, documents.c.name
        ).where(documents.c.org == org, documents.c.sha256.in_(wanted))
        with self._read() as connection:
            return {
                row.sha256: Kept(
                    sha256=row.sha256,
                    size=int(row.size),
                    media_type=row.media_type,
                    name=row.name,
                )
                for row in connection.execute(query)
            }

    def document(self, org: str, sha256: str) -> tuple[Kept, bytes] | None:
        """A kept paper and its bytes, exactly as stored (``charter verify`` hashes them)."""
        query = sa.select(documents).where(documents.c.org == org, documents.c.sha256 == sha256)
        with self._read() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        kept = Kept(sha256=row.sha256, size=int(row.size), media_type=row.media_type, name=row.name)
        return kept, bytes(row.content)

    def document_hashes(self, org: str) -> Iterator[tuple[str, str]]:
        """``(recorded sha256, sha256 of the stored bytes)`` of every paper kept for ``org``:
        one row in memory at a time."""
        query = (
            sa.select(documents.c.sha256, documents.c.content)
            .where(documents.c.org == org)
            .order_by(documents.c.sha256)
        )
        with self._read() as connection:
            for sha, content in connection.execution_options(yield_per=1).execute(query):
                yield sha, hashlib.sha256(bytes(content)).hexdigest()

    # -- checkpoints -----------------------------------------------------------------------------

    def checkpoint(self, org: str, key: Ed25519PrivateKey) -> Checkpoint:
        """Sign the organisation's current head with ``key`` (ed25519) and keep the checkpoint.

        The head is recomputed from the stored leaf hashes, not read from the organisation row,
        so that a checkpoint commits to the rows themselves.  Callers that must not bless a
        tampered log run :func:`charter.store.verify.verify_log` first (``charter checkpoint``
        does).
        """
        tree = self.merkle_tree(org)
        signed = sign_checkpoint(key, org, len(tree), tree.root())
        self.add_checkpoint(signed)
        return signed

    def add_checkpoint(self, signed: Checkpoint) -> None:
        with self._write() as connection:
            self._insert_org(connection, signed.org)
            connection.execute(
                checkpoints.insert().values(
                    org=signed.org,
                    size=signed.size,
                    root=signed.root,
                    timestamp=signed.timestamp,
                    key_id=signed.key_id,
                    public_key=signed.public_key,
                    signature=signed.signature,
                )
            )

    def checkpoints(self, org: str) -> list[Checkpoint]:
        """The checkpoints kept for ``org``, oldest first."""
        with self._read() as connection:
            rows = connection.execute(
                sa.select(checkpoints).where(checkpoints.c.org == org).order_by(checkpoints.c.id)
            )
            return [_row_checkpoint(row) for row in rows]


def open_store(url: str, *, create: bool = True, read_only: bool = False) -> EventStore:
    """Same as :meth:`EventStore.open`."""
    return EventStore.open(url, create=create, read_only=read_only)


__all__: Sequence[str] = (
    "EventStore",
    "StoreBroken",
    "StoreError",
    "StoredEvent",
    "TreeHead",
    "normalize_url",
    "open_store",
)
