"""Accounts, roles per organisation, sessions and API tokens, in the store's database.

Why roles are per organisation and ``director`` is not a flag: an account is *linked* to a
person of an organisation (role ``director``), and whether that person may vote is asked of the
replayed state at the moment of each act - a removed director keeps his account and loses his
vote.  ``secretary`` keeps the record, ``observer`` reads, ``admin`` manages accounts.

Passwords are hashed with argon2id; session and API tokens are random (``secrets``) and only
their SHA-256 is stored, so a copy of the database does not log anyone in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
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
    sa.Column("totp_last_step", sa.BigInteger),
    sa.Column("disabled_at", sa.String(32)),
    sa.Column("password_expired", sa.Boolean, nullable=False, server_default=sa.false()),
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
    disabled: bool = False
    password_expired: bool = False
    """A one-time password (generated for the account): it must be changed before anything else."""

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
            "disabled": self.disabled,
            "must_change_password": self.password_expired,
            "memberships": [m.to_json() for m in self.memberships],
        }


class AccountError(ValueError):
    """A request about accounts that cannot be honoured (duplicate username, bad role...)."""


class HashingBusy(RuntimeError):
    """Every password-hashing slot stayed taken for :data:`HASH_WAIT_S`: the request is answered
    503 (try again) instead of queueing without bound."""


MAX_HASHING = max(2, os.cpu_count() or 2)
"""Password hashes computed at once.  argon2id takes 64 MiB and tens of milliseconds each: 80
log-ins at once took the server from 115 to 897 MiB; beyond the cores, more at once only queue."""
HASH_WAIT_S = 5.0


def same_secret(given: str, expected: str) -> bool:
    """A constant-time comparison of tokens as typed: ``hmac.compare_digest`` on two ``str``
    raises on any non-ASCII character (a 500 from one hostile form field), so compare bytes."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def totp_step(secret: str, code: str | None, now: float | None = None) -> int | None:
    """The time step (30 s) whose code ``code`` is, within one step of ``now``; None if none.
    The step, not just "valid", so that a code accepted once is refused after (RFC 6238 §5.2)."""
    if not code or not (code.isascii() and code.isdigit()):  # '١٢٣' is a str.isdigit too
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            return step
    return None


class PersonTaken(AccountError):
    """The person already has an account in the organisation: one person, one account (a
    second one would be a second voice in every vote); an admin transfers the person instead."""


class Accounts:
    """The service's account tables; thread-safe (a connection per call)."""

    def __init__(
        self,
        engine: Engine,
        hasher: PasswordHasher | None = None,
        *,
        max_hashing: int = MAX_HASHING,
    ) -> None:
        self.engine = engine
        self.hasher = hasher or _HASHER
        self._hashing = threading.BoundedSemaphore(max_hashing)
        self._dummy = self.hasher.hash("charter: equalise the time of unknown usernames")

    # -- hashing: bounded, and never while a pooled connection is held ---------------------------

    def _slot(self) -> threading.BoundedSemaphore:
        if not self._hashing.acquire(timeout=HASH_WAIT_S):
            raise HashingBusy("the server is busy checking passwords: try again in a few seconds")
        return self._hashing

    def _verify(self, hashed: str, password: str) -> bool:
        slot = self._slot()
        try:
            self.hasher.verify(hashed, password)
            return True
        except (VerificationError, InvalidHashError):
            return False
        finally:
            slot.release()

    def _hash(self, password: str) -> str:
        slot = self._slot()
        try:
            return self.hasher.hash(password)
        finally:
            slot.release()

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
        one_time = password is None
        password = password or new_password()
        hashed = self._hash(password)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    accounts.insert().values(
                        username=username,
                        password_hash=hashed,
                        password_expired=one_time,
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
            disabled=row.disabled_at is not None,
            password_expired=bool(row.password_expired),
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

    def _secrets(self, **where: Any) -> Any:
        """The row's credentials, read on a connection that is closed before any hashing."""
        column = getattr(accounts.c, next(iter(where)))
        with self._read() as connection:
            return connection.execute(
                sa.select(
                    accounts.c.id,
                    accounts.c.password_hash,
                    accounts.c.totp_secret,
                    accounts.c.totp_last_step,
                    accounts.c.disabled_at,
                ).where(column == next(iter(where.values())))
            ).one_or_none()

    def _second_factor(self, row: Any, code: str | None) -> bool:
        """True if the account has no second factor, or ``code`` is a code it has not used yet
        (the step is recorded in the same statement that checks it: two log-ins racing with one
        code cannot both win)."""
        if row.totp_secret is None:
            return True
        step = totp_step(row.totp_secret, code)
        if step is None or (row.totp_last_step is not None and step <= row.totp_last_step):
            return False
        with self.engine.begin() as connection:
            used = connection.execute(
                accounts.update()
                .where(
                    accounts.c.id == row.id,
                    sa.or_(accounts.c.totp_last_step.is_(None), accounts.c.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            return bool(used.rowcount)

    def authenticate(self, username: str, password: str, code: str | None) -> Account | None:
        """The account if the password (and, when enabled, an unused TOTP code) are right and
        the account is not disabled; None for every failure alike."""
        row = self._secrets(username=username)
        if row is None:
            self._verify(self._dummy, password)  # take as long as for a real one
            return None
        if not self._verify(row.password_hash, password) or row.disabled_at is not None:
            return None
        if not self._second_factor(row, code):
            return None
        return self.by_id(int(row.id))

    def reauthenticate(self, account_id: int, password: str, code: str | None) -> bool:
        """The password again, and the current code where two-factor log-in is on: asked before
        the second factor is changed, so a stolen session alone cannot replace it."""
        row = self._secrets(id=account_id)
        if row is None or not self._verify(row.password_hash, password):
            return False
        return self._second_factor(row, code)

    def set_password(self, account_id: int, old: str, new: str) -> bool:
        row = self._secrets(id=account_id)
        if row is None or not self._verify(row.password_hash, old):
            return False
        hashed = self._hash(new)
        with self.engine.begin() as connection:
            changed = connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id, accounts.c.password_hash == row.password_hash)
                .values(password_hash=hashed, password_expired=False)
            )
            if not changed.rowcount:  # changed meanwhile by another request: that one won
                return False
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
            step = None if pending is None else totp_step(pending, code)
            if pending is None or step is None:
                return False
            connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(totp_secret=pending, totp_pending=None, totp_last_step=step)
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
        return None if account is None or account.disabled else (account, row.csrf)

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

    # -- what admins do to accounts ---------------------------------------------------------------

    def set_disabled(self, account_id: int, disabled: bool) -> None:
        """Disable (or enable again) an account: it cannot log in, its sessions end, its API
        tokens stop resolving (the update bumps the auth version: every server's cache too)."""
        with self.engine.begin() as connection:
            connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(disabled_at=_now().isoformat() if disabled else None)
            )
            if disabled:
                connection.execute(sessions.delete().where(sessions.c.account_id == account_id))

    def remove_membership(self, account_id: int, org: str, role: str | None = None) -> int:
        """Remove the account's roles in ``org`` (one role, or all); the number removed."""
        with self.engine.begin() as connection:
            where = [memberships.c.account_id == account_id, memberships.c.org == org]
            if role is not None:
                where.append(memberships.c.role == role)
            return int(connection.execute(memberships.delete().where(*where)).rowcount)

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
                .where(tokens.c.token_hash == _digest(token), accounts.c.disabled_at.is_(None))
            ).one_or_none()
            return None if row is None else self._load(connection, row)
