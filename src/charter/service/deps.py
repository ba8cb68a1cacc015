"""Who is calling: the service's authentication, shared by the API (``app``) and the pages
(``pages``, ``portal``).

Why its own module: the pages need the same answer as the API, and took it from ``app`` while
``app`` mounted the pages, an import circle (STYLE.md §15).  Both now import it from here, and
nothing here imports either of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from charter.service.accounts import Account, Accounts, same_secret
from charter.service.board import Refused
from charter.service.token_cache import TokenCache

COOKIE = "charter_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    account: Account
    via: str  # "session" or "token"
    csrf: str | None = None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(401, "unauthenticated", "use 'Authorization: Bearer <token>'")
    return token.strip()


FIRST_CHANGE_PASSWORD = frozenset({"/api/me", "/api/me/password", "/api/logout"})
"""All a session may do while its password is a one-time password."""


def principal(request: Request) -> Principal:
    """Who is calling: a Bearer token, or a session cookie (with its CSRF token on writes)."""
    accounts: Accounts = request.app.state.accounts
    token = _bearer(request)
    if token is not None:
        cache: TokenCache | None = getattr(request.app.state, "tokens", None)
        account = cache.get(token) if cache is not None else None
        if account is None:
            looked_up_at = time.monotonic()
            account = accounts.by_token(token)
            if account is None:
                raise Refused(401, "unauthenticated", "unknown or revoked API token")
            if cache is not None:
                cache.put(token, account, looked_up_at)
        return Principal(account=account, via="token")
    cookie = request.cookies.get(COOKIE)
    found = accounts.session(cookie) if cookie else None
    if found is None:
        raise Refused(401, "unauthenticated", "log in first (POST /api/login) or send a token")
    account, csrf = found
    if (
        account.password_expired
        and request.url.path not in FIRST_CHANGE_PASSWORD
        and not request.url.path.startswith("/static/")
    ):
        raise Refused(
            403,
            "change-password",
            "this account's password is a one-time password: change it first "
            "(POST /api/me/password, or the Account page)",
        )
    if request.method not in SAFE_METHODS and not same_secret(
        request.headers.get(CSRF_HEADER, ""), csrf
    ):
        raise Refused(
            403, "csrf", f"missing or wrong {CSRF_HEADER} header (from the log-in response)"
        )
    return Principal(account=account, via="session", csrf=csrf)


async def authenticated(request: Request) -> Principal:
    """:func:`principal` as an async dependency: a cached API token is resolved on the event
    loop, anything that needs the database in the thread pool."""
    token = _bearer(request)
    cache: TokenCache | None = getattr(request.app.state, "tokens", None)
    if token is not None and cache is not None:
        account = cache.get(token)
        if account is not None:
            return Principal(account=account, via="token")
    return await run_in_threadpool(principal, request)


Auth = Annotated[Principal, Depends(authenticated)]
