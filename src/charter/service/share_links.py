"""Read-only share links: an admin may show an organisation's public pages (Structure,
Timeline, Money, Power) to someone without an account, by a link that can be revoked.

Why a link and not an account: a journalist, an auditor or a regulator reads; a link names what
they may read (one organisation's four public pages, never the Portal, the Audit page or the
API) and stops working the moment the admin revokes it.  Only the token's SHA-256 is stored, as
for API tokens; a visit checks the link again on every page, so a revoked link shows nothing
more, even to a browser that opened it before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SHARED_PAGES = ("structure", "timeline", "money", "power")
"""The pages a share link opens (read-only views of the record; no page that acts)."""
COOKIE = "charter_share"

metadata = sa.MetaData()
share_links = sa.Table(
    "service_share_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("org", sa.String(200), nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32), nullable=True),
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ShareLink:
    id: str
    org: str
    label: str
    created_by: str
    created_at: str
    revoked_at: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org": self.org,
            "label": self.label,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "active": self.revoked_at is None,
        }


class ShareLinks:
    """The share links of every organisation, in the accounts' database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, org: str, label: str, by: str) -> tuple[ShareLink, str]:
        """A new link and its token (shown once: only its hash is kept)."""
        token = secrets.token_urlsafe(24)
        row = {
            "token_hash": _digest(token),
            "org": org,
            "label": label,
            "created_by": by,
            "created_at": _now(),
            "revoked_at": None,
        }
        with self.engine.begin() as connection:
            connection.execute(share_links.insert().values(row))
        return _link(row), token

    def resolve(self, token: str) -> str | None:
        """The organisation an active link opens, or None (unknown or revoked)."""
        if not token or len(token) > 100:
            return None
        query = sa.select(share_links.c.org).where(
            share_links.c.token_hash == _digest(token), share_links.c.revoked_at.is_(None)
        )
        with self.engine.connect() as connection:
            found = connection.scalar(query)
        return str(found) if found is not None else None

    def listed(self, org: str) -> list[ShareLink]:
        query = (
            sa.select(share_links)
            .where(share_links.c.org == org)
            .order_by(share_links.c.created_at, share_links.c.token_hash)
        )
        with self.engine.connect() as connection:
            return [_link(row._mapping) for row in connection.execute(query)]

    def revoke(self, org: str, link_id: str) -> bool:
        """Revoke the link of ``org`` whose id is ``link_id``; False if there is none active."""
        if len(link_id) != 16 or any(c not in "0123456789abcdef" for c in link_id):
            return False
        with self.engine.begin() as connection:
            done = connection.execute(
                share_links.update()
                .where(
                    share_links.c.org == org,
                    share_links.c.token_hash.startswith(link_id, autoescape=True),
                    share_links.c.revoked_at.is_(None),
                )
                .values(revoked_at=_now())
            )
        return bool(done.rowcount)


def _link(row: Any) -> ShareLink:
    return ShareLink(
        id=row["token_hash"][:16],
        org=row["org"],
        label=row["label"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
