"""What every page of the web UI shares: the templates, the navigation, rendering, loading a
case, and the replays a request may ask for (cached per case version).

Why one object passed to each page's routes: the pages are read on their own (one module each:
``structure_routes``, ``timeline_routes``, ``money_routes``, ``power_routes``), and this is
the one place they meet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from charter.load.profiles import load_profile, shipped_profiles
from charter.located import did_you_mean
from charter.model.case import Case
from charter.replay import Timeline, replay
from charter.waterfall.money import parse_amount
from charter.web import money as money_page
from charter.web import timeline as timeline_page
from charter.web.source import CaseSource

PACKAGE_DIR = Path(str(resources.files("charter.web")))
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
STATIC_NAMES = frozenset(p.name for p in STATIC_DIR.iterdir() if p.is_file())

SHOWN_NAME = 60
"""How much of an unknown profile name an error repeats (a request may send anything)."""

PAGES = (
    ("structure", "Structure"),
    ("timeline", "Timeline"),
    ("money", "Money"),
    ("power", "Power"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NavLink:
    """An extra entry in every organisation's navigation (the service adds Portal and Audit).

    ``href`` may contain ``{org}``, replaced by the organisation id."""

    label: str
    href: str


@dataclass
class _Replays:
    """Replays are pure and cheap, but a page may ask for several; keep the latest case's."""

    case: Case | None = None
    timelines: dict[str, Timeline] = field(default_factory=dict)


class Site:
    """The pages' shared helpers over ``source`` (see :func:`charter.web.create_router`)."""

    def __init__(
        self,
        source: CaseSource,
        *,
        extra_nav: Sequence[NavLink] = (),
        visible_orgs: Callable[[Request], Sequence[str]] | None = None,
    ) -> None:
        self.source = source
        self.extra_nav = tuple(extra_nav)
        self.visible_orgs = visible_orgs
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        self.templates.env.globals["status_label"] = timeline_page.STATUS_LABEL
        self.templates.env.globals["status_help"] = timeline_page.STATUS_HELP
        self.templates.env.globals["outcome"] = timeline_page.OUTCOME
        self.replays: dict[str, _Replays] = {}

    def listed(self, request: Request) -> list[str]:
        """The organisations a request may see listed."""
        if self.visible_orgs is not None:
            return list(self.visible_orgs(request))
        return self.source.orgs()

    def nav(self, request: Request, org: str | None, current: str) -> list[dict[str, Any]]:
        if org is None:
            return []
        links = [
            {
                "label": label,
                "href": str(request.url_for(f"web_{name}", org=org)),
                "current": name == current,
            }
            for name, label in PAGES
        ]
        links += [
            {"label": x.label, "href": x.href.replace("{org}", org), "current": False}
            for x in self.extra_nav
        ]
        return links

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        *,
        org: str | None = None,
        page: str = "",
        status_code: int = 200,
    ) -> HTMLResponse:
        base = {
            "org": org,
            "orgs": self.listed(request),
            "page": page,
            "nav": self.nav(request, org, page),
            "static": lambda f: str(request.url_for("web_static", name=f)),
        }
        return self.templates.TemplateResponse(
            request, name, {**base, **context}, status_code=status_code
        )

    def load(self, request: Request, org: str, page: str) -> Case | HTMLResponse:
        try:
            case, diagnostics = self.source.case(org)
        except KeyError:
            raise HTTPException(404, f"no organisation '{org}'") from None
        if case is None:
            return self.render(
                request,
                "error.html",
                {"title": f"{org} does not load", "diagnostics": diagnostics},
                org=org,
                page=page,
                status_code=422,
            )
        return case

    def timeline_for(self, org: str, case: Case, profile: str) -> Timeline | str:
        """The case replayed under ``profile``, one of those the server offers for it (the
        profiles stored with the organisation, then the shipped ones); anything else is a
        sentence saying so.  A request names a choice, never a path: no file is read here."""
        cached = self.replays.setdefault(org, _Replays())
        if cached.case is not case:
            cached.case, cached.timelines = case, {}
        if profile not in cached.timelines:
            if profile == case.bylaws.profile or profile == case.charter.bylaws:
                bylaws = case.bylaws
            elif profile in case.profiles:
                bylaws = case.profiles[profile]
            elif profile in shipped_profiles():
                loaded, errors = load_profile(profile)
                if loaded is None:
                    return "; ".join(d.message for d in errors)
                bylaws = loaded
            else:
                return unknown_profile(profile, timeline_page.profiles_for(case))
            cached.timelines[profile] = replay(case, bylaws=bylaws)
        return cached.timelines[profile]

    def replayed(
        self, org: str, case: Case, profile: str | None
    ) -> tuple[dt.tzinfo, list[str], str, Timeline, list[str]]:
        """The case replayed under the profile asked for; an unusable profile falls back to the
        charter's, with the reason as an error to show."""
        tz = case.tz
        profiles = timeline_page.profiles_for(case)
        chosen = profile or case.charter.bylaws
        errors: list[str] = []
        tl = self.timeline_for(org, case, chosen)
        if not isinstance(tl, Timeline):
            errors.append(tl)
            chosen = case.charter.bylaws
            tl = self.timeline_for(org, case, chosen)
            assert isinstance(tl, Timeline)
        return tz, profiles, chosen, tl, errors

    @staticmethod
    def fragment(request: Request) -> bool:
        return (
            request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true"
        )


def unknown_profile(name: str, offered: Sequence[str]) -> str:
    shown = name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"
    guess = did_you_mean(name, offered) if len(name) <= SHOWN_NAME else None
    hint = f"did you mean '{guess}'? " if guess else ""
    return f"unknown bylaws profile '{shown}': {hint}choose one of {', '.join(offered)}"


def chosen_amount(typed: str | None, errors: list[str], examples: str) -> Fraction:
    """The amount asked for, or the default with the reason added to ``errors`` (the waterfall's
    own parser, which bounds digits and size before expanding; the typed text is shown cut)."""
    if not typed:
        return money_page.DEFAULT_AMOUNT
    parsed, reason = parse_amount(typed)
    if parsed is None:
        shown = typed if len(typed) <= 24 else typed[:21] + "..."
        errors.append(f"'{shown}' is not an amount ({reason}): use e.g. {examples}")
        return money_page.DEFAULT_AMOUNT
    return parsed
