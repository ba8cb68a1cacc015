"""Security headers on every response, pages and API alike.

The pages load their script and styles from ``/static`` (htmx, charter.css) and hold no inline
script, so the policy can forbid scripts from anywhere else: an injected ``<script>`` (were the
escaping ever to fail) does not run.  Inline *styles* stay allowed: colour swatches and charts
set them per value, and a style cannot run code.  ``frame-ancestors 'none'`` (and the older
X-Frame-Options) stop another site from framing a page to trick a director into clicking "sign".
FastAPI's Swagger page is the one exception: its bootstrap script is inline (its assets are
served from this server, not a CDN).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class SecurityHeaders:
    """A pure ASGI middleware (no response buffering, unlike ``BaseHTTPMiddleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope.get("path") in DOCS_PATHS else PAGE_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*COMMON, (b"content-security-policy", policy.encode())]
                headers.extend((n, v) for n, v in extra if n not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


COMPRESSIBLE = re.compile(
    r"^/(static|static-offline-docs)/|^/openapi\.json$|"
    r"^/api/orgs/[^/]+/(state|acts|journal|power|pending)$"
)
"""What may be gzip-compressed: assets and the API's reads, which carry no secret.  Not the
pages or log-in answers, which carry a CSRF token beside text a request can choose: compressing
those together lets an attacker who sees response sizes recover the token (BREACH)."""


class SelectiveGZip:
    """``GZipMiddleware`` for the responses in :data:`COMPRESSIBLE`, the others untouched."""

    def __init__(self, app: ASGIApp, minimum_size: int = 1024) -> None:
        from starlette.middleware.gzip import GZipMiddleware

        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)  # type: ignore[arg-type]

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] == "http" and COMPRESSIBLE.search(scope.get("path", "")):
            await self.gzip(scope, receive, send)  # type: ignore[arg-type]
        else:
            await self.app(scope, receive, send)
