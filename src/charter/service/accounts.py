"""Accounts, roles per organisation, sessions and API tokens, in the store's database.

Why roles are per organisation and ``director`` is not a flag: an account is *linked* to a
person of an organisation (role ``director``), and whether that person may vote is asked of the
replayed state at the moment of each act - a removed director keeps his account and loses his
vote.  ``secretary`` keeps the record, ``observer`` reads, ``admin`` manages accounts.

Passwords are hashed with argon2id; session and API tokens are random (``secrets``) and only
their SHA-256 is stored, so a copy of the database does not log anyone in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyotp
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from charter.service.mail import address_problem

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
Role = Literal["director", "secretary", "observer", "admin"]
ROLES: tuple[Role, ...] = ("director", "secretary", "observer", "admin")

metadata = sa.MetaData()
accounts = sa.Table(
    "service_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("email", sa.String(320)),
    sa.Column("totp_secret", sa.String(64)),
    sa.Column("totp_pending", sa.String(64)),
    sa.Column("created_at", sa.String(32), nullable=False),
)
memberships = sa.Table(
    "service_memberships",
    metadata,
    sa.Column("account_id", sa.Integer, primary_key=True),
    sa.Column("org", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),
    sa.Column("person", sa.String(200)),
)
sessions = sa.Table(
    "service_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
)
tokens = sa.Table(
    "service_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

_VERSION = "SELECT n FROM service_auth_version WHERE id = 1"
_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters


TOKEN_ID_LENGTH = 16
"""A token is named by the first 16 hex digits of its SHA-256 (64 bits): enough to tell an
account's tokens apart, useless to recover the token."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(token: str) -> str:
    """The id a token is listed and revoked by (see :data:`TOKEN_ID_LENGTH`)."""
    return _digest(token)[:TOKEN_ID_LENGTH]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_password() -> str:
    """A one-time password people can type: 4 groups of 4 from an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    org: str
    role: Role
    person: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "role": self.role, "person": self.person}


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    id: int
    username: str
    email: str | None
    totp_enabled: bool
    memberships: tuple[Membership, ...]

    def roles(self, org: str) -> set[str]:
        return {m.role for m in self.memberships if m.org == org}

    def person(self, org: str) -> str | None:
        """The person of ``org`` this account acts as (its ``director`` link), if any."""
        return next(
            (m.person for m in self.memberships if m.org == org and m.role == "director"), None
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "email": self.email,
            "totp_enabled": self.totp_enabled,
            "memberships": [m.to_json() for m in self.memberships],
        }


class AccountError(ValueError):
    """A request about accounts that cannot be honoured (duplicate username, bad role...)."""


class PersonTaken(AccountError):
    """The person already has an account in the organisation: one person, one account (a
    second one would be a second voice in every vote); an admin transfers the person instead."""


class Accounts:
    """The service's account tables; thread-safe (a connection per call)."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or _HASHER
        self._dummy = self.hasher.hash("charter: equalise the time of unknown usernames")

    def _read(self) -> sa.Connection:
        # The store's SQLite engine takes the write lock at BEGIN unless told a read is a read.
        return self.engine.connect().execution_options(charter_read=True)

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(6963)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # -- accounts --------------------------------------------------------------------------------

    def create(
        self, username: str, password: str | None = None, *, email: str | None = None
    ) -> tuple[Account, str]:
        """A new account; returns it and its password (generated when not given)."""
        if not username or len(username) > 100 or not username.isprintable():
            raise AccountError("a username is 1 to 100 printable characters")
        if email is not None and (problem := address_problem(email)) is not None:
            raise AccountError(f"email {email!r}: {problem}")
        password = password or new_password()
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    accounts.insert().values(
                        username=username,
                        password_hash=self.hasher.hash(password),
                        email=email,
                        created_at=_now().isoformat(),
                    )
                )
        except IntegrityError as error:
            raise AccountError(f"username {username!r} is taken") from error
        account = self.by_username(username)
        assert account is not None
        return account, password

    def grant(self, username: str, org: str, role: Role, person: str | None = None) -> Account:
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        if role == "director" and not person:
            raise AccountError("a director role links the account to a person of the org")
        account = self.by_username(username)
        if account is None:
            raise AccountError(f"no account {username!r}")
        try:
            with self.engine.begin() as connection:
                if role == "director" and person:
                    self._person_free(connection, org, person)
                connection.execute(
                    memberships.insert().values(
                        account_id=account.id,
                        org=org,
                        role=role,
                        person=person if role == "director" else None,
                    )
                )
        except IntegrityError as error:
            # the unique index (migration s0004_board) when another process linked the person
            # between the check and the insert, or the primary key: the role is held already
            with self._read() as connection:
                if role == "director" and person:
                    self._person_free(connection, org, person)
            raise AccountError(f"{username!r} already has role {role} in {org!r}") from error
        granted = self.by_username(username)
        assert granted is not None
        return granted

    @staticmethod
    def _holder(connection: sa.Connection, org: str, person: str) -> str | None:
        """The username of the account linked to ``person`` in ``org``, if any."""
        value = connection.scalar(
            sa.select(accounts.c.username)
            .join(memberships, memberships.c.account_id == accounts.c.id)
            .where(memberships.c.org == org, memberships.c.person == person)
        )
        return None if value is None else str(value)

    def _person_free(self, connection: sa.Connection, org: str, person: str) -> None:
        holder = self._holder(connection, org, person)
        if holder is not None:
            raise PersonTaken(
                f"{person} already has an account in {org!r} ({holder!r}): one account per "
                f"person; an admin may transfer {person} to another account instead"
            )

    def holder(self, org: str, person: str) -> str | None:
        with self._read() as connection:
            return self._holder(connection, org, person)

    def transfer(self, org: str, person: str, to_username: str) -> str:
        """Move ``person``'s link in ``org`` from the account that holds it to ``to_username``
        (in one transaction); returns the username it was moved from.  The account moved to
        must not act as another person there already."""
        target = self.by_username(to_username)
        if target is None:
            raise AccountError(f"no account {to_username!r}")
        with self.engine.begin() as connection:
            holder = self._holder(connection, org, person)
            if holder is None:
                raise AccountError(
                    f"{person} has no account in {org!r} to transfer: create one with role "
                    "director instead"
                )
            if holder == to_username:
                raise AccountError(f"{to_username!r} already acts as {person} in {org!r}")
            other = target.person(org)
            if other is not None:
                raise AccountError(f"{to_username!r} already acts as {other} in {org!r}")
            source = connection.scalar(
                sa.select(accounts.c.id).where(accounts.c.username == holder)
            )
            connection.execute(
                memberships.delete().where(
                    memberships.c.account_id == source,
                    memberships.c.org == org,
                    memberships.c.role == "director",
                )
            )
            connection.execute(
                memberships.insert().values(
                    account_id=target.id, org=org, role="director", person=person
                )
            )
        return holder

    def _load(self, connection: sa.Connection, row: Any) -> Account:
        rows = connection.execute(
            sa.select(memberships)
            .where(memberships.c.account_id == row.id)
            .order_by(memberships.c.org, memberships.c.role)
        )
        return Account(
            id=int(row.id),
            username=row.username,
            email=row.email,
            totp_enabled=row.totp_secret is not None,
            memberships=tuple(Membership(org=m.org, role=m.role, person=m.person) for m in rows),
        )

    def by_username(self, username: str) -> Account | None:
        with self._read() as connection:
            row = connection.execute(
                sa.select(accounts).where(accounts.c.username == username)
            ).one_or_none()
            return None if row is None else self._load(connection, row)

    def by_id(self, account_id: int) -> Account | None:
        with self._read() as connection:
            row = connection.execute(
                sa.select(accounts).where(accounts.c.id == account_id)
            ).one_or_none()
            return None if row is None else self._load(connection, row)

    def email_of(self, org: str, person: str) -> str | None:
        """The address of the account linked to ``person`` in ``org``, if it has one."""
        with self._read() as connection:
            value = connection.scalar(
                sa.select(accounts.c.email)
                .join(memberships, memberships.c.account_id == accounts.c.id)
                .where(
                    memberships.c.org == org,
                    memberships.c.role == "director",
                    memberships.c.person == person,
                )
            )
            return str(value) if value else None

    def authenticate(self, username: str, password: str, code: str | None) -> Account | None:
        """The account if the password (and, when enabled, the TOTP code) are right."""
        with self._read() as connection:
            row = connection.execute(
                sa.select(accounts).where(accounts.c.username == username)
            ).one_or_none()
            if row is None:
                with contextlib.suppress(VerificationError):  # take as long as for a real one
                    self.hasher.verify(self._dummy, password)
                return None
            try:
                self.hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            if row.totp_secret is not None and not (
                code and pyotp.TOTP(row.totp_secret).verify(code, valid_window=1)
            ):
                return None
            return self._load(connection, row)

    def needs_totp(self, username: str) -> bool:
        with self._read() as connection:
            secret = connection.scalar(
                sa.select(accounts.c.totp_secret).where(accounts.c.username == username)
            )
            return secret is not None

    def set_password(self, account_id: int, old: str, new: str) -> bool:
        with self.engine.begin() as connection:
            current = connection.scalar(
                sa.select(accounts.c.password_hash).where(accounts.c.id == account_id)
            )
            try:
                self.hasher.verify(current or "", old)
            except (VerificationError, InvalidHashError):
                return False
            connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(password_hash=self.hasher.hash(new))
            )
            connection.execute(sessions.delete().where(sessions.c.account_id == account_id))
        return True

    def start_totp(self, account_id: int) -> str:
        secret = pyotp.random_base32()
        with self.engine.begin() as connection:
            connection.execute(
                accounts.update().where(accounts.c.id == account_id).values(totp_pending=secret)
            )
        return secret

    @staticmethod
    def totp_uri(username: str, secret: str) -> str:
        """The ``otpauth://`` link an authenticator app reads the secret from."""
        return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Charter")

    def confirm_totp(self, account_id: int, code: str) -> bool:
        with self.engine.begin() as connection:
            pending = connection.scalar(
                sa.select(accounts.c.totp_pending).where(accounts.c.id == account_id)
            )
            if pending is None or not pyotp.TOTP(pending).verify(code, valid_window=1):
                return False
            connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(totp_secret=pending, totp_pending=None)
            )
        return True

    # -- sessions and tokens ---------------------------------------------------------------------

    def open_session(self, account_id: int, ttl: dt.timedelta) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            connection.execute(
                sessions.insert().values(
                    token_hash=_digest(token),
                    account_id=account_id,
                    csrf=csrf,
                    expires_at=(_now() + ttl).isoformat(),
                )
            )
        return token, csrf

    def session(self, token: str) -> tuple[Account, str] | None:
        """(account, CSRF token) of a live session."""
        with self._read() as connection:
            row = connection.execute(
                sa.select(sessions).where(sessions.c.token_hash == _digest(token))
            ).one_or_none()
        if row is None or dt.datetime.fromisoformat(row.expires_at) < _now():
            return None
        account = self.by_id(int(row.account_id))
        return None if account is None else (account, row.csrf)

    def close_session(self, token: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sessions.delete().where(sessions.c.token_hash == _digest(token)))

    def issue_token(self, account_id: int, label: str) -> str:
        token = "chr_" + secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            connection.execute(
                tokens.insert().values(
                    token_hash=_digest(token),
                    account_id=account_id,
                    label=label,
                    created_at=_now().isoformat(),
                )
            )
        return token

    def tokens_of(self, account_id: int) -> list[dict[str, str]]:
        """The account's API tokens, oldest first, each named by :func:`token_id` (the token
        itself is never stored, so it cannot be shown again)."""
        with self._read() as connection:
            rows = connection.execute(
                sa.select(tokens.c.token_hash, tokens.c.label, tokens.c.created_at)
                .where(tokens.c.account_id == account_id)
                .order_by(tokens.c.created_at, tokens.c.token_hash)
            ).all()
        return [
            {"id": r.token_hash[:TOKEN_ID_LENGTH], "label": r.label, "created_at": r.created_at}
            for r in rows
        ]

    def revoke_token(self, account_id: int, ident: str) -> bool:
        """Delete the account's token named ``ident``; False if it has none by that name.  The
        delete bumps the auth version, so every server forgets the token within its cache bound
        (:mod:`charter.service.token_cache`)."""
        if len(ident) != TOKEN_ID_LENGTH:
            return False
        with self.engine.begin() as connection:
            deleted = connection.execute(
                tokens.delete().where(
                    tokens.c.account_id == account_id,
                    sa.func.substr(tokens.c.token_hash, 1, TOKEN_ID_LENGTH) == ident,
                )
            )
            return bool(deleted.rowcount)

    def auth_version(self) -> int:
        """The stamp the database bumps on any change to accounts, roles or tokens (triggers,
        migration s0002): while it is unchanged, a token resolved earlier still resolves the
        same way."""
        with self._read() as connection:
            return int(connection.execute(sa.text(_VERSION)).scalar_one())

    def by_token(self, token: str) -> Account | None:
        """One connection, two queries: the account the token belongs to, then its roles."""
        with self._read() as connection:
            row = connection.execute(
                sa.select(accounts)
                .join(tokens, tokens.c.account_id == accounts.c.id)
                .where(tokens.c.token_hash == _digest(token))
            ).one_or_none()
            return None if row is None else self._load(connection, row)
