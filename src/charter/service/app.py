"""The HTTP shell: ``create_app(config)`` builds a FastAPI app over one event store.

Endpoints are thin: they authenticate, parse a strict body and call :class:`Board`, which decides
with the core.  Each error type maps to one HTTP status (STYLE.md §13): :class:`Refused` carries
its own; malformed input is 422, an oversized body 413, bad credentials 401, too many log-in
attempts 429.  Every error body is ``{"error": {"status", "code", "message"}}``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

import anyio
import pydantic_core
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI, Form, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from charter.model.kinds import ActKind, View
from charter.service import papers, schemas
from charter.service.accounts import (
    MAX_HASHING,
    TOKEN_ID_LENGTH,
    Account,
    AccountError,
    Accounts,
    HashingBusy,
    PersonTaken,
    same_secret,
    token_id,
)
from charter.service.board import Board
from charter.service.deps import COOKIE, Auth, Principal, authenticated
from charter.service.errors import LogInFirst, Refused, not_found, safe_next
from charter.service.hot_route import HotRoute, hot_handler, serve_hot
from charter.service.mail import Mailer, SmtpConfig
from charter.service.minutes import minutes_response
from charter.service.portal import MAX_FORM_BYTES
from charter.service.share_links import COOKIE as SHARE_COOKIE
from charter.service.share_links import ShareLinks
from charter.service.token_cache import TokenCache, keep_vouching
from charter.service.trail import latest, names_and_zone
from charter.store.db import EventStore
from charter.store.documents import MAX_DOCUMENT_BYTES
from charter.store.verify import verify_log
from charter.web.headers import SecurityHeaders, SelectiveGZip
from charter.web.site import TEMPLATES_DIR

TEMPLATES = Path(__file__).resolve().parent / "templates"

OrgName = Annotated[str, PathParam(min_length=1, max_length=200)]
Username = Annotated[str, PathParam(min_length=1, max_length=100)]
Ident = Annotated[
    str,
    PathParam(min_length=1, max_length=schemas.IDENT_MAX, pattern=schemas.IDENT_PATTERN),
]

TokenId = Annotated[
    str,
    PathParam(
        min_length=TOKEN_ID_LENGTH,
        max_length=TOKEN_ID_LENGTH,
        pattern=r"^[0-9a-f]+$",
        description="The token's id, from GET /api/tokens.",
    ),
]


def _not_yours(token: str) -> Refused:
    return Refused(404, "not-found", f"you have no API token '{token}' (see GET /api/tokens)")


LOGIN_COOKIE = "charter_login"
"""The log-in form's CSRF token (double submit: the cookie and the form field must agree)."""


def client_host(request: Request) -> str:
    """The client's address as uvicorn reports it: the peer's, or a trusted proxy's
    X-Forwarded-For only where ``--forwarded-allow-ips`` names that proxy."""
    return request.client.host if request.client else "?"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceConfig:
    """Everything a deployment chooses; tests pass a clock and a local SMTP sink."""

    db: str
    smtp: SmtpConfig | None = None
    clock: Callable[[], dt.datetime] = _utc_now
    secure_cookies: bool = False
    session_ttl: dt.timedelta = dt.timedelta(hours=12)
    login_attempts: int = 5
    """Failed log-ins allowed per username (existing or not) in a window."""
    login_attempts_per_address: int = 20
    """Failed log-ins allowed per client address in a window (the address uvicorn reports:
    a proxy's X-Forwarded-For counts only from ``charter serve --forwarded-allow-ips``)."""
    login_window_s: float = 60.0
    max_hashing: int | None = None
    """Password hashes computed at once (default: one per core, at least two)."""
    max_body_bytes: int = 64 * 1024
    title: str = "Charter board service"
    demo_notes: tuple[str, ...] = field(default=())
    password_hasher: PasswordHasher | None = None
    """argon2id with the library's defaults unless given (tests pass cheaper parameters)."""
    key_file: str | None = None
    """The key that signs checkpoints on the Audit page (default: ``<db>.signing.key``)."""
    token_cache_s: float = 1.0
    """The most a resolved API token's answer may be out of date (0: look it up on every
    request); see :mod:`charter.service.token_cache`."""
    hot_votes: bool = True
    """Serve votes with :mod:`charter.service.hot_route` (False: FastAPI's general handler)."""
    casebook: str | None = None
    """The casebook's directory, for the Casebook page (``charter serve --demo`` imports its
    cases as ``casebook-NAME`` and sets it); None: no such page."""
    telemetry: bool = False
    """FastAPI's native OpenTelemetry (traces, metrics, logs to the globally configured
    providers).  Off unless asked for: with no provider configured it records nothing, yet asks
    the environment on every request whether one has been since."""
    lock_linger_s: float = 0.05
    """How long an organisation's cross-process lock is kept after its last write (0: give it
    back at once); another process serving the same database waits at most this much more."""


class RateLimiter:
    """At most ``limit`` failed log-ins per key in a sliding window of ``window`` seconds.

    Keys are kept for one window after their last failure and at most ``max_keys`` of them (the
    oldest go first): a flood of made-up usernames costs memory in proportion to this bound,
    not to the flood."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def retry_after(self, key: str) -> float | None:
        """Seconds to wait if ``key`` is over its limit, else None."""
        now = time.monotonic()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - now)
        return None

    def reserve(self, keys: Sequence[str]) -> float | None:
        """Count an attempt against every key at once, before the password is checked, or say
        how long to wait if any key is spent.  Checking first and counting after the hash
        would let 40 attempts in flight all pass a limit of 20."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                hits = self._recent(key, now)
                if len(hits) >= self.limit:
                    waits.append(max(0.0, hits[0] + self.window - now))
            if waits:
                return max(waits)
            for key in keys:
                self._add(key, now)
        return None

    def release(self, keys: Sequence[str]) -> None:
        """Give back the attempts :meth:`reserve` counted (a log-in that succeeded)."""
        with self._lock:
            for key in keys:
                hits = self._hits.get(key)
                if hits:
                    hits.pop()

    def failed(self, key: str) -> None:
        with self._lock:
            self._add(key, time.monotonic())

    def _add(self, key: str, now: float) -> None:
        hits = self._recent(key, now)
        self._hits[key] = hits
        self._hits.move_to_end(key)
        hits.append(now)
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)


class CompactJSONResponse(JSONResponse):
    """A JSON answer rendered by pydantic-core's serializer: the same bytes as Starlette's
    (compact, UTF-8, not ASCII-escaped) for the plain data the board returns, made in Rust.
    Every director's vote answers with the motion's provisional verdict at once, and encoding
    it with the json module was a tenth of a vote's work."""

    def render(self, content: Any) -> bytes:
        return pydantic_core.to_json(content)


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}} | extra, status_code=status
    )


PAPER_LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^/api/orgs/[^/]+/documents$"), MAX_DOCUMENT_BYTES + 1),
    (re.compile(r"^/orgs/[^/]+/portal/(meetings|consents)(/[^/]+/motions)?$"), MAX_FORM_BYTES),
    (re.compile(r"^/api/orgs/[^/]+/(meetings|consents|meetings/[^/]+/motions)$"), 1 << 20),
)
"""The routes that take papers or a resolution's text, and how large a body each may send
(a paper, a form with its papers, a motion's Markdown); every other body keeps the small
default limit."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not they say their size
    (``larger``: routes allowed a larger body, by path)."""

    def __init__(
        self,
        app: Callable[..., Awaitable[None]],
        limit: int,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app, self.default, self.larger = app, limit, tuple(larger)

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for pattern, n in self.larger if pattern.match(path)), self.default)
        declared = next(
            (v for k, v in scope.get("headers") or () if k.lower() == b"content-length"), None
        )
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_big(scope, receive, send, limit)
            return
        seen = 0
        exceeded = False
        started = False

        async def limited() -> MutableMapping[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True  # the app sees the client go away; we answer for it
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if exceeded:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._too_big(scope, receive, send, limit)

    async def _too_big(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
        limit: int,
    ) -> None:
        too_big = _error(413, "too-large", f"the request body is larger than {limit} bytes")
        await too_big(scope, receive, send)


def create_app(config: ServiceConfig, *, store: EventStore | None = None) -> FastAPI:
    """The service over the store at ``config.db`` (opened and migrated here unless given)."""
    store = store or EventStore.open(config.db)
    accounts = Accounts(
        store.engine, config.password_hasher, max_hashing=config.max_hashing or MAX_HASHING
    )
    accounts.migrate()
    mailer = Mailer(config.smtp, accounts.email_of)
    board = Board(store, clock=config.clock, mailer=mailer, linger_s=config.lock_linger_s)
    name_limiter = RateLimiter(config.login_attempts, config.login_window_s)
    address_limiter = RateLimiter(config.login_attempts_per_address, config.login_window_s)
    # one look for every page, the log-in page included: the service's templates extend the web
    # UI's base (reached as web/base.html)
    templates = Jinja2Templates(
        env=Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader(str(TEMPLATES)),
                    PrefixLoader({"web": FileSystemLoader(str(TEMPLATES_DIR))}),
                ]
            ),
            autoescape=select_autoescape(default=True),
        )
    )

    tokens = TokenCache(config.token_cache_s)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with anyio.create_task_group() as group:
            if config.token_cache_s > 0:
                group.start_soon(keep_vouching, tokens, accounts.auth_version)
            yield
            group.cancel_scope.cancel()

    observed = config.telemetry
    # The Swagger page's script and styles are served from this server (fastapi-offline), not a
    # CDN: /docs works on a machine without internet, and the page policy names no other origin.
    app = FastAPIOffline(
        telemetry={"tracing": observed, "metrics": observed, "logs": observed},
        lifespan=lifespan,
        title=config.title,
        version="1",
        description="Run a board: meetings, notices, votes and written consents, every act "
        "checked by the same rules engine that judges journals.  Authenticate with the session "
        "cookie from POST /api/login (send its CSRF token as X-CSRF-Token on writes) or with "
        "'Authorization: Bearer <token>' from POST /api/tokens.",
    )
    app.state.store, app.state.accounts, app.state.board = store, accounts, board
    shares = ShareLinks(store.engine)
    app.state.share_links = shares
    app.state.tokens = tokens
    app.add_middleware(BodyLimit, limit=config.max_body_bytes, larger=PAPER_LIMITS)
    app.add_middleware(SelectiveGZip, minimum_size=1024)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(LogInFirst)
    async def log_in_first(_request: Request, exc: LogInFirst) -> RedirectResponse:
        if exc.change_password:
            return RedirectResponse("/account", status_code=303)
        return RedirectResponse(f"/?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(HashingBusy)
    async def busy(_request: Request, exc: HashingBusy) -> JSONResponse:
        answer = _error(503, "busy", str(exc))
        answer.headers["Retry-After"] = "5"
        return answer

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # The offending input is not echoed: it may be a secret (a password), or a value JSON
        # cannot carry back (NaN, an infinity, a lone surrogate), which made this answer a 500.
        errors = jsonable_encoder(
            [{k: v for k, v in e.items() if k not in ("input", "ctx")} for e in exc.errors()],
            custom_encoder={Exception: str},
        )
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        return _error(422, "invalid", message, details=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, "http", str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    # -- authentication --------------------------------------------------------------------------

    def member(who: Principal, org: str, *, write: bool = False) -> Account:
        roles = who.account.roles(org)
        if not roles:
            raise Refused(403, "forbidden", f"you have no role in organisation '{org}'")
        if write and roles == {"observer"}:
            raise Refused(403, "read-only", f"observers of '{org}' have read-only access")
        return who.account

    def do_login(request: Request, body: schemas.Login) -> tuple[Account, str, str]:
        """Rate limits first (by username, whether or not it exists, and by address), then the
        password; every failure gets the same answer, so none tells which accounts exist or
        which have a second factor."""
        name_key, address_key = f"name|{body.username}", f"address|{client_host(request)}"
        wait = name_limiter.reserve([name_key])
        if wait is None:
            wait = address_limiter.reserve([address_key])
            if wait is not None:
                name_limiter.release([name_key])
        if wait is not None:
            raise Refused(
                429, "rate-limited", f"too many failed log-ins: try again in {wait:.0f} s"
            )
        try:
            account = accounts.authenticate(body.username, body.password, body.totp)
        except HashingBusy as error:
            name_limiter.release([name_key])
            address_limiter.release([address_key])
            raise Refused(503, "busy", str(error)) from error
        if account is None:
            raise Refused(401, "bad-credentials", "wrong username, password or two-factor code")
        name_limiter.release([name_key])
        address_limiter.release([address_key])
        token, csrf = accounts.open_session(account.id, config.session_ttl)
        return account, token, csrf

    def set_cookie(response: Response, token: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(config.session_ttl.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
            path="/",
        )

    @app.post("/api/login", tags=["auth"])
    def login(request: Request, body: schemas.Login, response: Response) -> dict[str, Any]:
        """Log in: sets the HttpOnly session cookie; returns the CSRF token for writes."""
        account, token, csrf = do_login(request, body)
        set_cookie(response, token)
        return {"account": account.to_json(), "csrf_token": csrf}

    @app.post("/api/logout", tags=["auth"])
    def logout(request: Request, who: Auth, response: Response) -> dict[str, Any]:
        cookie = request.cookies.get(COOKIE)
        if cookie:
            accounts.close_session(cookie)
        response.delete_cookie(COOKIE, path="/")
        return {"logged_out": who.account.username}

    @app.get("/api/me", tags=["auth"])
    async def me(who: Auth) -> dict[str, Any]:  # in memory: no worker thread needed
        return who.account.to_json() | {"via": who.via, "csrf_token": who.csrf}

    @app.post("/api/tokens", tags=["auth"], status_code=201)
    def new_token(who: Auth, body: schemas.TokenRequest) -> dict[str, Any]:
        """An API token for scripts: send it as 'Authorization: Bearer <token>'."""
        token = accounts.issue_token(who.account.id, body.label)
        return {"token": token, "id": token_id(token), "label": body.label}

    @app.get("/api/tokens", tags=["auth"])
    def list_tokens(who: Auth) -> dict[str, Any]:
        """Your API tokens (id, label, created_at); the tokens themselves are not kept."""
        return {"tokens": accounts.tokens_of(who.account.id)}

    @app.delete("/api/tokens/{token}", tags=["auth"])
    def revoke_token(token: TokenId, who: Auth) -> dict[str, Any]:
        """Revoke one of your API tokens, by the id from GET /api/tokens: it stops working at
        once on this server, and within a second on any other serving the same database."""
        if not accounts.revoke_token(who.account.id, token):
            raise _not_yours(token)
        tokens.clear()
        return {"revoked": token}

    @app.post("/api/me/password", tags=["auth"])
    def change_password(who: Auth, body: schemas.PasswordChange) -> dict[str, Any]:
        if not accounts.set_password(who.account.id, body.old, body.new):
            raise Refused(403, "bad-credentials", "the old password is wrong")
        tokens.clear()
        return {"changed": True, "note": "every session was logged out"}

    @app.post("/api/me/totp", tags=["auth"])
    def start_totp(who: Auth, body: schemas.Reauth) -> dict[str, Any]:
        """Start two-factor set-up (or replace the second factor): the password again, and the
        current code if one is set; then add the secret to an authenticator and confirm a code."""
        try:
            again = accounts.reauthenticate(who.account.id, body.password, body.totp)
        except HashingBusy as error:
            raise Refused(503, "busy", str(error)) from error
        if not again:
            raise Refused(403, "bad-credentials", "wrong password or two-factor code")
        secret = accounts.start_totp(who.account.id)
        return {"secret": secret, "otpauth_uri": accounts.totp_uri(who.account.username, secret)}

    @app.post("/api/me/totp/confirm", tags=["auth"])
    def confirm_totp(who: Auth, body: schemas.TotpCode) -> dict[str, Any]:
        if not accounts.confirm_totp(who.account.id, body.code):
            raise Refused(422, "bad-code", "that code does not match the pending secret")
        tokens.clear()
        return {"totp_enabled": True}

    # -- organisations ---------------------------------------------------------------------------

    @app.get("/api/orgs", tags=["reads"])
    def orgs(who: Auth) -> dict[str, Any]:
        mine = sorted({m.org for m in who.account.memberships})
        return {"orgs": [o for o in board.orgs() if o in mine]}

    @app.post("/api/orgs/{org}/accounts", tags=["admin"], status_code=201)
    def add_account(org: OrgName, who: Auth, body: schemas.NewAccount) -> dict[str, Any]:
        """Admins create an account with a role in their organisation (a one-time password)."""
        if "admin" not in member(who, org, write=True).roles(org):
            raise Refused(403, "forbidden", f"only an admin of '{org}' creates accounts")
        if body.person is not None:
            people = {p.id for p in board.view(org).case.charter.people}
            if body.person not in people:
                raise Refused(422, "unknown-person", f"no person '{body.person}' in '{org}'")
        if body.role == "director" and body.person is not None:
            holder = accounts.holder(org, body.person)
            if holder is not None:
                raise Refused(
                    409,
                    "one-account-per-person",
                    f"{body.person} already has an account in '{org}' ({holder!r}): one account "
                    f"per person; to move {body.person} to another account, POST "
                    f"/api/orgs/{org}/people/{body.person}/transfer",
                )
        try:
            existing = accounts.by_username(body.username)
            password = None
            if existing is None:
                _, password = accounts.create(body.username, email=body.email)
            account = accounts.grant(body.username, org, body.role, body.person)
        except PersonTaken as error:
            raise Refused(409, "one-account-per-person", str(error)) from error
        except AccountError as error:
            raise Refused(409, "conflict", str(error)) from error
        finally:
            tokens.clear()
        return {"account": account.to_json(), "one_time_password": password}

    def managed(org: str, who: Principal, username: str, what: str) -> Account:
        """The account an admin of ``org`` acts on: it has a role there (else 404, so that an
        admin learns nothing of accounts elsewhere)."""
        if "admin" not in member(who, org, write=True).roles(org):
            raise Refused(403, "forbidden", f"only an admin of '{org}' {what}")
        target = accounts.by_username(username)
        if target is None or not target.roles(org):
            raise Refused(404, "not-found", f"no account '{username[:100]}' in '{org}'")
        return target

    @app.post("/api/orgs/{org}/accounts/{username}/disable", tags=["admin"])
    def disable_account(org: OrgName, username: Username, who: Auth) -> dict[str, Any]:
        """Admins disable an account: it cannot log in, its sessions end and its API tokens
        stop working.  Only for an account whose every role is in organisations the admin
        manages; elsewhere, remove its roles here instead."""
        target = managed(org, who, username, "disables accounts")
        if target.id == who.account.id:
            raise Refused(409, "self", "you cannot disable your own account")
        elsewhere = sorted({m.org for m in target.memberships} - {o for o in target_orgs(who) if o})
        if elsewhere:
            raise Refused(
                403,
                "other-organisations",
                f"'{username}' also has roles in organisations you do not manage: remove its "
                f"roles in '{org}' instead (DELETE /api/orgs/{org}/accounts/{username})",
            )
        accounts.set_disabled(target.id, True)
        tokens.clear()
        return {"username": target.username, "disabled": True}

    @app.post("/api/orgs/{org}/accounts/{username}/enable", tags=["admin"])
    def enable_account(org: OrgName, username: Username, who: Auth) -> dict[str, Any]:
        target = managed(org, who, username, "enables accounts")
        accounts.set_disabled(target.id, False)
        tokens.clear()
        return {"username": target.username, "disabled": False}

    @app.delete("/api/orgs/{org}/accounts/{username}", tags=["admin"])
    def remove_roles(
        org: OrgName,
        username: Username,
        who: Auth,
        role: Annotated[str | None, Query(max_length=20)] = None,
    ) -> dict[str, Any]:
        """Admins remove an account's role (``?role=``) or all its roles in the organisation;
        the account itself stays, with its roles elsewhere."""
        target = managed(org, who, username, "removes roles")
        if role is not None and role not in target.roles(org):
            raise Refused(404, "not-found", f"'{username}' has no role '{role[:20]}' in '{org}'")
        if target.id == who.account.id and (role is None or role == "admin"):
            raise Refused(409, "self", "you cannot remove your own admin role")
        removed = accounts.remove_membership(target.id, org, role)
        tokens.clear()
        return {"username": target.username, "org": org, "removed": removed}

    def target_orgs(who: Principal) -> set[str]:
        return {m.org for m in who.account.memberships if m.role == "admin"}

    @app.post("/api/orgs/{org}/people/{person}/transfer", tags=["admin"], status_code=201)
    def transfer(
        org: OrgName, person: Ident, who: Auth, body: schemas.TransferAccount
    ) -> dict[str, Any]:
        """Admins move a person to another account (the old one loses the person); the log
        records the transfer.  The only way a person gets a second account."""
        if "admin" not in member(who, org, write=True).roles(org):
            raise Refused(403, "forbidden", f"only an admin of '{org}' transfers accounts")

        def move() -> str:
            try:
                return accounts.transfer(org, person, body.to)
            except AccountError as error:
                raise Refused(409, "conflict", str(error)) from error

        def undo(moved_from: str) -> None:
            accounts.transfer(org, person, moved_from)

        try:
            return board.transfer(org, who.account, person, body.to, move=move, undo=undo)
        finally:
            tokens.clear()

    # -- operations ------------------------------------------------------------------------------

    def writer(who: Principal, org: str) -> Account:
        return member(who, org, write=True)

    # -- read-only share links (an admin's explicit, revocable choice) ---------------------------

    def admin(who: Principal, org: str) -> Account:
        account = member(who, org, write=True)
        if "admin" not in account.roles(org):
            raise Refused(403, "forbidden", f"only an admin of '{org}' manages share links")
        return account

    @app.post("/api/orgs/{org}/share-links", tags=["admin"], status_code=201)
    def create_share_link(org: OrgName, who: Auth, body: schemas.ShareLinkIn) -> dict[str, Any]:
        """A link that shows the organisation's Structure, Timeline, Money and Power pages to
        anyone who has it, read-only, until it is revoked; the token is shown this once."""
        account = admin(who, org)
        if not board.store.has_org(org):
            raise not_found("organisation", org)
        link, token = shares.create(org, body.label, account.username)
        return link.to_json() | {"url": f"/share/{token}"}

    @app.get("/api/orgs/{org}/share-links", tags=["admin"])
    def list_share_links(org: OrgName, who: Auth) -> dict[str, Any]:
        admin(who, org)
        return {"share_links": [link.to_json() for link in shares.listed(org)]}

    @app.delete("/api/orgs/{org}/share-links/{link}", tags=["admin"])
    def revoke_share_link(
        org: OrgName, who: Auth, link: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
    ) -> dict[str, Any]:
        """Revoke a link: every page it opened stops showing at the next request."""
        admin(who, org)
        if not shares.revoke(org, link):
            raise not_found("active share link", link)
        return {"revoked": link}

    @app.get("/share/{token}", include_in_schema=False)
    def open_share_link(
        token: Annotated[str, PathParam(min_length=8, max_length=100)],
    ) -> Response:
        """Open a share link: a cookie for that organisation's public pages, then its Structure."""
        org = shares.resolve(token)
        if org is None:
            return HTMLResponse(
                "<!doctype html><title>Link not valid</title><p>This link is not valid: it was "
                "revoked or never existed. Ask whoever shared it.</p>",
                status_code=404,
            )
        response = RedirectResponse(f"/orgs/{quote(org, safe='')}/structure", status_code=303)
        response.set_cookie(
            SHARE_COOKIE,
            token,
            max_age=30 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
            path=f"/orgs/{org}",
        )
        return response

    @app.post("/api/orgs/{org}/meetings", tags=["meetings"], status_code=201)
    def call_meeting(org: OrgName, who: Auth, body: schemas.CallMeeting) -> dict[str, Any]:
        """Call a special meeting (only the callers the bylaws allow) or schedule a regular one."""
        return board.call_meeting(org, writer(who, org), body)

    @app.post("/api/orgs/{org}/meetings/{meeting}/notices", tags=["meetings"], status_code=201)
    def notices(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.SendNotices
    ) -> dict[str, Any]:
        """Send the notices (by email over SMTP); delivery is recorded per director."""
        return board.send_notices(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/meetings/{meeting}/open", tags=["meetings"], status_code=201)
    def open_meeting(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.OpenMeeting
    ) -> dict[str, Any]:
        return board.open_meeting(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/meetings/{meeting}/close", tags=["meetings"], status_code=201)
    def close_meeting(org: OrgName, meeting: Ident, who: Auth) -> dict[str, Any]:
        return board.close_meeting(org, writer(who, org), meeting)

    @app.post("/api/orgs/{org}/meetings/{meeting}/join", tags=["meetings"], status_code=201)
    def join(org: OrgName, meeting: Ident, who: Auth, body: schemas.PersonRef) -> dict[str, Any]:
        return board.attend(org, writer(who, org), meeting, body, join=True)

    @app.post("/api/orgs/{org}/meetings/{meeting}/leave", tags=["meetings"], status_code=201)
    def leave(org: OrgName, meeting: Ident, who: Auth, body: schemas.PersonRef) -> dict[str, Any]:
        return board.attend(org, writer(who, org), meeting, body, join=False)

    @app.post("/api/orgs/{org}/meetings/{meeting}/objections", tags=["meetings"], status_code=201)
    def objection(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.ObjectionIn
    ) -> dict[str, Any]:
        """Object to the meeting (at the start: before any motion is proposed)."""
        return board.object(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/meetings/{meeting}/motions", tags=["votes"], status_code=201)
    def propose(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.ProposeMotion
    ) -> dict[str, Any]:
        return board.propose(org, writer(who, org), meeting, body)

    async def vote(org: OrgName, motion: Ident, who: Auth, body: schemas.CastVote) -> Response:
        """Vote: 403 if not a director now, 409 if voted already or closed; a defective
        motion needs "confirm": true (409 with the verdict otherwise)."""
        # Decided on the event loop (in memory, short) and committed in batches by one worker
        # thread: no thread-pool hand-off per vote.  The body is plain JSON already: answering
        # with it skips FastAPI's re-validation of a dict[str, Any].
        result = await board.vote_async(org, writer(who, org), motion, body)
        return CompactJSONResponse(result, status_code=201)

    if config.hot_votes:  # the same answers, less work per vote (charter.service.hot_route)
        serve_hot(
            vote,
            hot_handler(
                vote,
                auth=("who", authenticated),
                path={"org": OrgName, "motion": Ident},
                body=("body", schemas.CastVote),
            ),
        )
    app.router.add_api_route(
        "/api/orgs/{org}/motions/{motion}/votes",
        vote,
        methods=["POST"],
        tags=["votes"],
        status_code=201,
        response_model=dict[str, Any],
        route_class_override=HotRoute,
    )

    @app.post("/api/orgs/{org}/motions/{motion}/close", tags=["votes"], status_code=201)
    def close_motion(
        org: OrgName, motion: Ident, who: Auth, body: schemas.Confirm
    ) -> dict[str, Any]:
        """Close the vote: the tally becomes one journal motion event, with its verdict."""
        return board.close_motion(org, writer(who, org), motion, body)

    # -- previews: what an act would be worth, before it is taken (nothing is recorded) ---------

    @app.post("/api/orgs/{org}/preview/meetings", tags=["previews"])
    def preview_call(org: OrgName, who: Auth, body: schemas.CallMeeting) -> dict[str, Any]:
        """An act at the meeting as called (noticed now to every director, all present), under
        the bylaws in force and every profile: who may call it, the time left for notice."""
        return board.preview_call(org, writer(who, org), body)

    @app.post("/api/orgs/{org}/preview/meetings/{meeting}/notices", tags=["previews"])
    def preview_notices(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.SendNotices
    ) -> dict[str, Any]:
        """An act at the meeting after these notices (``left_out``: directors not noticed)."""
        return board.preview_notices(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/preview/meetings/{meeting}/open", tags=["previews"])
    def preview_open(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.OpenMeeting
    ) -> dict[str, Any]:
        """An act at the meeting opened now with those present: quorum, notice, the time."""
        return board.preview_open(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/preview/meetings/{meeting}/motions", tags=["previews"])
    def preview_propose(
        org: OrgName, meeting: Ident, who: Auth, body: schemas.ProposeMotion
    ) -> dict[str, Any]:
        """The motion's verdict if every director present voted for it."""
        return board.preview_propose(org, writer(who, org), meeting, body)

    @app.post("/api/orgs/{org}/preview/motions/{motion}/close", tags=["previews"])
    def preview_close(org: OrgName, motion: Ident, who: Auth) -> dict[str, Any]:
        """The motion's verdict if the vote closed now."""
        return board.preview_close(org, writer(who, org), motion)

    @app.post("/api/orgs/{org}/consents", tags=["consents"], status_code=201)
    def circulate(org: OrgName, who: Auth, body: schemas.CirculateConsent) -> dict[str, Any]:
        return board.circulate(org, writer(who, org), body)

    @app.post("/api/orgs/{org}/consents/{consent}/signatures", tags=["consents"], status_code=201)
    def sign(org: OrgName, consent: Ident, who: Auth, body: schemas.SignConsent) -> dict[str, Any]:
        """Sign a written consent: the password again (and the current two-factor code where
        it is set), as the signer's own hand."""
        account = writer(who, org)
        reauthenticate(who, body.password, body.totp)
        return board.sign(org, account, consent, schemas.Confirm(confirm=body.confirm))

    def reauthenticate(who: Principal, password: str, totp: str | None) -> None:
        try:
            again = accounts.reauthenticate(who.account.id, password, totp)
        except HashingBusy as error:
            raise Refused(503, "busy", str(error)) from error
        if not again:
            raise Refused(403, "bad-credentials", "wrong password or two-factor code")

    @app.post("/api/orgs/{org}/documents", tags=["papers"], status_code=201)
    async def upload_document(
        org: OrgName,
        who: Auth,
        request: Request,
        name: Annotated[str, Query(min_length=1, max_length=300)],
    ) -> dict[str, Any]:
        """Keep a paper (the request's body: a PDF, PNG, JPEG or UTF-8 text, at most 20 MiB),
        named by the SHA-256 of its bytes; acts and agenda items then refer to it by that."""
        writer(who, org)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
            raise Refused(413, "document-refused", "the document is larger than 20 MiB")
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_DOCUMENT_BYTES:
                raise Refused(413, "document-refused", "the document is larger than 20 MiB")
            chunks.append(chunk)
        kept = await run_in_threadpool(papers.keep, board.store, org, chunks, name)
        return {
            "sha256": kept.sha256,
            "name": kept.name,
            "media_type": kept.media_type,
            "size": kept.size,
            "href": f"/api/orgs/{org}/documents/{kept.sha256}",
        }

    @app.get("/api/orgs/{org}/documents/{sha256}", tags=["papers"])
    def download_document(
        org: OrgName,
        who: Auth,
        sha256: Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")],
    ) -> Response:
        """A kept paper, exactly the bytes whose hash the log records."""
        member(who, org)
        found = board.store.document(org, sha256)
        if found is None:
            raise not_found("document", sha256)
        kept, data = found
        media = kept.media_type + ("; charset=utf-8" if kept.media_type.startswith("text/") else "")
        return Response(data, media_type=media, headers=papers.content_headers(kept))

    @app.post("/api/orgs/{org}/resignations", tags=["acts"], status_code=201)
    def resign(org: OrgName, who: Auth, body: schemas.Resign) -> dict[str, Any]:
        return board.resign(org, writer(who, org), body)

    @app.post("/api/orgs/{org}/interests", tags=["acts"], status_code=201)
    def interest(org: OrgName, who: Auth, body: schemas.DeclareInterest) -> dict[str, Any]:
        return board.declare_interest(org, writer(who, org), body)

    @app.post("/api/orgs/{org}/announcements", tags=["acts"], status_code=201)
    def announce(org: OrgName, who: Auth, body: schemas.Announce) -> dict[str, Any]:
        return board.announce(org, writer(who, org), body)

    # -- reads -----------------------------------------------------------------------------------

    @app.get("/api/orgs/{org}/state", tags=["reads"])
    def state(
        org: OrgName,
        who: Auth,
        at: Annotated[schemas.When | None, Query()] = None,
        view: Annotated[View, Query()] = View.DE_JURE,
    ) -> dict[str, Any]:
        """The board, chair, officers and agreements at a time (default: now)."""
        member(who, org)
        return board.state_json(org, at, view)

    @app.get("/api/orgs/{org}/acts", tags=["reads"])
    def acts(
        org: OrgName,
        who: Auth,
        bylaws: Annotated[str | None, Query(max_length=100)] = None,
    ) -> dict[str, Any]:
        """Every act with its verdict, under the profile in force or any named profile."""
        member(who, org)
        return board.acts(org, bylaws)

    @app.get("/api/orgs/{org}/pending", tags=["reads"])
    def pending(org: OrgName, who: Auth) -> dict[str, Any]:
        """Meetings called or open, motions with their votes so far, consents and signers."""
        member(who, org)
        return board.pending(org)

    @app.get("/api/orgs/{org}/inbox", tags=["reads"])
    def inbox(org: OrgName, who: Auth) -> dict[str, Any]:
        """What waits for you (meetings to attend, votes, consents to sign) and what was decided
        lately."""
        member(who, org)
        return board.inbox(org, who.account)

    @app.get("/api/orgs/{org}/meetings/{meeting}.ics", tags=["reads"])
    def meeting_calendar(org: OrgName, meeting: Ident, who: Auth) -> Response:
        """The meeting as an iCalendar invitation (RFC 5545), in the organisation's time zone."""
        member(who, org)
        return Response(
            board.calendar(org, meeting),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{meeting}.ics"'},
        )

    @app.get("/api/orgs/{org}/meetings/{meeting}/minutes", tags=["papers"])
    def meeting_minutes(
        org: OrgName,
        meeting: Ident,
        who: Auth,
        format: Annotated[Literal["md", "html", "pdf"], Query()] = "md",
    ) -> Response:
        """Draft minutes from the record (Markdown, HTML or PDF): notice, attendance, quorum,
        each motion with its text and tally, objections, and an annex of verdicts."""
        member(who, org)
        drafted = board.minutes(org, meeting)
        return minutes_response(drafted, format)

    @app.post("/api/orgs/{org}/meetings/{meeting}/minutes", tags=["papers"], status_code=201)
    def keep_minutes(org: OrgName, meeting: Ident, who: Auth) -> dict[str, Any]:
        """Draft the minutes and keep the draft as a paper: an ``approve-minutes`` motion at a
        later meeting names it (``minutes_of`` and ``documents``), so what was approved is
        exactly this text."""
        writer(who, org)
        text, title = board.minutes(org, meeting)
        kept = papers.keep(board.store, org, [text.encode()], f"minutes-{meeting}.md")
        return {
            "sha256": kept.sha256,
            "name": kept.name,
            "media_type": kept.media_type,
            "size": kept.size,
            "href": f"/api/orgs/{org}/documents/{kept.sha256}",
            "title": title,
        }

    @app.get("/api/orgs/{org}/audit", tags=["reads"])
    def audit(org: OrgName, who: Auth) -> dict[str, Any]:
        """What the Audit page shows: the log verified (every leaf, position, tree head and
        stored checkpoint, as `charter verify`), and its latest records in words (who did what,
        when, at which Merkle position)."""
        member(who, org)
        if not board.store.has_org(org):
            raise not_found("organisation", org)
        report = verify_log(board.store, org)
        names, tz = names_and_zone(board, org)
        lines = latest(board.store, org, report.size, names, tz)
        return report.to_json() | {
            "trail": [
                {
                    "seq": t.seq,
                    "recorded_at": t.recorded_at,
                    "who": t.who,
                    "what": t.what,
                    "leaf": t.leaf,
                }
                for t in lines
            ]
        }

    @app.get("/api/orgs/{org}/checkpoints/{number}", tags=["reads"])
    def checkpoint_file(
        org: OrgName, who: Auth, number: Annotated[int, PathParam(ge=1, le=10**9)]
    ) -> Response:
        """A stored checkpoint (1 = the oldest) as the file `charter checkpoint --out` writes:
        keep it elsewhere; `charter verify --checkpoint FILE` checks the log against it."""
        member(who, org)
        kept = board.store.checkpoints(org)
        if number > len(kept):
            raise not_found("checkpoint", str(number))
        return Response(kept[number - 1].to_text(), media_type="application/json")

    @app.get("/api/orgs/{org}/journal", tags=["reads"], response_class=PlainTextResponse)
    def journal(org: OrgName, who: Auth) -> PlainTextResponse:
        """The journal in canonical form (what `charter export` writes)."""
        member(who, org)
        return PlainTextResponse(board.journal(org), media_type="application/yaml")

    @app.get("/api/orgs/{org}/power", tags=["reads"])
    def power(
        org: OrgName,
        who: Auth,
        at: Annotated[schemas.When | None, Query()] = None,
        act: Annotated[list[ActKind] | None, Query(max_length=12)] = None,
    ) -> dict[str, Any]:
        """Who can pass what: minimal winning coalitions, veto players, Banzhaf shares."""
        member(who, org)
        return board.power(org, at, act or [])

    # -- pages -----------------------------------------------------------------------------------

    from charter.service.demo import CASEBOOK_PREFIX
    from charter.service.pages import StoreCaseSource, page_access
    from charter.service.portal import PORTAL_NAV, create_portal_router
    from charter.web import Casebook, create_router

    def visible_orgs(request: Request) -> list[str]:
        """The organisations the page's viewer has a role in (``page_access`` found who)."""
        account: Account | None = getattr(request.state, "account", None)
        mine = {m.org for m in account.memberships} if account is not None else set()
        return [o for o in board.orgs() if o in mine]

    casebook = (
        Casebook(Path(config.casebook), org_prefix=CASEBOOK_PREFIX)
        if config.casebook is not None
        else None
    )
    web = create_router(
        StoreCaseSource(board), extra_nav=PORTAL_NAV, visible_orgs=visible_orgs, casebook=casebook
    )
    app.include_router(web, dependencies=[Depends(page_access)])
    key_file = Path(config.key_file) if config.key_file else None
    app.include_router(create_portal_router(board, accounts, templates, key_file=key_file))

    def page_frame(request: Request) -> dict[str, Any]:
        """What the web UI's base template needs of a page that belongs to no organisation."""
        return {
            "org": None,
            "nav": [],
            "static": lambda f: str(request.url_for("web_static", name=f)),
        }

    def login_page(
        request: Request, status: int = 200, error: str | None = None, next_path: str = "/"
    ) -> Response:
        """The log-in form with a fresh token, also set as a cookie: the POST must carry both
        (log-in CSRF: another site cannot log a browser into an account of its choosing)."""
        token = secrets.token_urlsafe(32)
        context: dict[str, Any] = {
            "title": config.title,
            "account": None,
            "orgs": [],
            "login_csrf": token,
            "next": safe_next(next_path),
        } | page_frame(request)
        if error is not None:
            context["error"] = error
        response = templates.TemplateResponse(request, "index.html", context, status_code=status)
        response.set_cookie(
            LOGIN_COOKIE,
            token,
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=config.secure_cookies,
            path="/login",
        )
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(
        request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
    ) -> Response:
        cookie = request.cookies.get(COOKIE)
        found = accounts.session(cookie) if cookie else None
        if found is None:
            return login_page(request, next_path=safe_next(next))
        if safe_next(next) != "/":
            return RedirectResponse(safe_next(next), status_code=303)
        account, csrf = found
        request.state.account, request.state.csrf = account, csrf  # the log-out button
        mine = {m.org for m in account.memberships}
        orgs = [o for o in board.orgs() if o in mine]
        context: dict[str, Any] = {
            "title": config.title,
            "account": account,
            "csrf": csrf,
            "orgs": orgs,
            "inboxes": [board.inbox(o, account) for o in orgs if account.person(o)],
        } | page_frame(request)
        return templates.TemplateResponse(request, "index.html", context)

    @app.post("/login", include_in_schema=False)
    def login_form(
        request: Request,
        username: Annotated[str, Form(max_length=100)],
        password: Annotated[str, Form(max_length=1000)],
        totp: Annotated[str | None, Form(max_length=10)] = None,
        login_csrf: Annotated[str, Form(max_length=100)] = "",
        next: Annotated[str, Form(max_length=2000)] = "/",
    ) -> Response:
        back = safe_next(next)
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not same_secret(login_csrf, expected):
            return login_page(
                request,
                403,
                "The log-in form expired: enter your username and password again.",
                back,
            )
        try:
            account, token, _ = do_login(
                request, schemas.Login(username=username, password=password, totp=totp or None)
            )
        except Refused as error:
            return login_page(request, error.status, error.message, back)
        except ValidationError:
            return login_page(request, 422, "wrong username, password or two-factor code", back)
        # a one-time password is changed before anything else: the Account page first
        response = RedirectResponse(
            "/account" if account.password_expired else back, status_code=303
        )
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        set_cookie(response, token)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout_form(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
        """The log-out button every page carries (a form: a link could be followed by anyone)."""
        cookie = request.cookies.get(COOKIE)
        found = accounts.session(cookie) if cookie else None
        response = RedirectResponse("/", status_code=303)
        if cookie and found is not None and same_secret(csrf, found[1]):
            accounts.close_session(cookie)
            response.delete_cookie(COOKIE, path="/")
        return response

    # The router tries its routes in order, and a vote is the request a meeting sends 50 at a
    # time: match it first.  The OpenAPI schema is built (and kept) before, in the order above.
    app.openapi()
    hot = [r for r in app.router.routes if isinstance(r, HotRoute)]
    app.router.routes[:] = hot + [r for r in app.router.routes if not isinstance(r, HotRoute)]

    # What start-up built (routes, pydantic schemas, templates, the store's metadata) lives as
    # long as the app: keep it out of the collector's full passes, which otherwise walk it all
    # and stall every request in flight for tens of milliseconds.
    gc.collect()
    gc.freeze()
    return app
