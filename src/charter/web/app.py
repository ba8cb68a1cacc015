"""A standalone app with just the pages: for tests and for viewing case directories without the
service.  ``charter serve`` mounts :func:`create_router` into the service's app instead."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from charter.web.casebook_routes import Casebook
from charter.web.headers import SecurityHeaders
from charter.web.routes import NavLink, create_router
from charter.web.source import CaseSource


def create_app(
    source: CaseSource, *, extra_nav: Sequence[NavLink] = (), casebook: Casebook | None = None
) -> FastAPI:
    app = FastAPI(title="Charter", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(create_router(source, extra_nav=extra_nav, casebook=casebook))
    app.add_middleware(SecurityHeaders)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> RedirectResponse:
        orgs = source.orgs()
        if len(orgs) == 1:
            return RedirectResponse(str(request.url_for("web_timeline", org=orgs[0])), 307)
        return RedirectResponse(str(request.url_for("web_orgs")), 307)

    @app.exception_handler(404)
    def not_found(request: Request, exc: Exception) -> HTMLResponse:
        detail = getattr(exc, "detail", "not found")
        return HTMLResponse(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Not found</title>"
            "<link rel='icon' href='data:,'></head><body><main><h1>Not found</h1>"
            f"<p>{_escape(str(detail))}</p><p><a href='/orgs'>Organisations</a></p></main>"
            "</body></html>",
            status_code=404,
        )

    return app


def _escape(text: str) -> str:
    from html import escape

    return escape(text)
