"""The web UI's router: the pages (one module each) over a :class:`CaseSource`, their static
files, and the list of organisations."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from charter.web import (
    casebook_routes,
    money_routes,
    power_routes,
    structure_routes,
    timeline_routes,
)
from charter.web.casebook_routes import Casebook
from charter.web.site import PAGES, STATIC_DIR, STATIC_NAMES, TEMPLATES_DIR, NavLink, Site
from charter.web.source import CaseSource

__all__ = ["PAGES", "TEMPLATES_DIR", "NavLink", "create_router"]


def create_router(
    source: CaseSource,
    *,
    extra_nav: Sequence[NavLink] = (),
    visible_orgs: Callable[[Request], Sequence[str]] | None = None,
    casebook: Casebook | None = None,
) -> APIRouter:
    """The Structure, Timeline, Money and Power pages (and their static files) for every
    organisation ``source`` knows.  Routes: ``/orgs``, ``/orgs/{org}/{page}``, ``/static/web/...``.

    ``visible_orgs`` says which organisations a request may see listed (the service: those the
    logged-in account has a role in); by default every organisation of ``source``.
    ``casebook``: where the casebook lies, for the ``/casebook`` page (None: no such page).
    """
    site = Site(source, extra_nav=extra_nav, visible_orgs=visible_orgs)
    router = APIRouter()

    @router.get("/static/web/{name}", name="web_static", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC_NAMES:
            raise HTTPException(404, "no such file")
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(
            STATIC_DIR / name, media_type=media, headers={"Cache-Control": "max-age=3600"}
        )

    @router.get("/orgs", name="web_orgs", response_class=HTMLResponse)
    def orgs(request: Request) -> HTMLResponse:
        entries = []
        for org in site.listed(request):
            case, diagnostics = source.case(org)
            entries.append(
                {
                    "id": org,
                    "title": case.charter.title if case else org,
                    "errors": len(diagnostics),
                    "href": str(request.url_for("web_timeline", org=org)),
                    "structure": str(request.url_for("web_structure", org=org)),
                }
            )
        casebook_href = str(request.url_for("web_casebook")) if casebook is not None else None
        return site.render(
            request,
            "index.html",
            {"title": "Organisations", "entries": entries, "casebook_href": casebook_href},
        )

    for page in (structure_routes, timeline_routes, money_routes, power_routes):
        page.add_routes(router, site)
    if casebook is not None:
        casebook_routes.add_routes(router, site, casebook)
    return router
