"""The web UI: server-rendered pages (Jinja2, inline SVG charts, htmx as an enhancement) over the
governance core.  The service mounts :func:`create_router`; :func:`create_app` serves the pages
alone.  See docs/cli.md, "Web UI"."""

from charter.web.app import create_app
from charter.web.casebook_routes import Casebook
from charter.web.routes import NavLink, create_router
from charter.web.source import CaseSource, DirectoryCaseSource, WaterfallText

__all__ = [
    "CaseSource",
    "Casebook",
    "DirectoryCaseSource",
    "NavLink",
    "WaterfallText",
    "create_app",
    "create_router",
]
