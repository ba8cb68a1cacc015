"""The pages as a FastAPI router over a :class:`CaseSource`.

Every page is a plain GET with its controls in the query string, so a page is a link that can be
bookmarked, shared, and read without JavaScript.  htmx only enhances: a control's ``change``
re-requests the same URL with an ``HX-Request`` header, and the handler then renders just the
part of the page that changed (the fragment template) instead of the whole page.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from charter.load.profiles import load_profile, shipped_profiles
from charter.located import did_you_mean
from charter.model.case import Case
from charter.model.kinds import BOARD_ACTS, ActKind, Status, View
from charter.power.board import board_power
from charter.replay import Timeline, replay
from charter.waterfall.money import parse_amount
from charter.web import money as money_page
from charter.web import power as power_page
from charter.web import structure as structure_page
from charter.web import timeline as timeline_page
from charter.web.source import CaseSource

PACKAGE_DIR = Path(str(resources.files("charter.web")))
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
STATIC_NAMES = frozenset(p.name for p in STATIC_DIR.iterdir() if p.is_file())


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


PAGES = (
    ("structure", "Structure"),
    ("timeline", "Timeline"),
    ("money", "Money"),
    ("power", "Power"),
)


def create_router(
    source: CaseSource,
    *,
    extra_nav: Sequence[NavLink] = (),
    visible_orgs: Callable[[Request], Sequence[str]] | None = None,
) -> APIRouter:
    """The Structure, Timeline, Money and Power pages (and their static files) for every
    organisation ``source`` knows.  Routes: ``/orgs``, ``/orgs/{org}/{page}``, ``/static/web/...``.

    ``visible_orgs`` says which organisations a request may see listed (the service: those the
    logged-in account has a role in); by default every organisation of ``source``.
    """

    def listed(request: Request) -> list[str]:
        return list(visible_orgs(request)) if visible_orgs is not None else source.orgs()

    router = APIRouter()
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["status_label"] = timeline_page.STATUS_LABEL
    templates.env.globals["status_help"] = timeline_page.STATUS_HELP
    templates.env.globals["outcome"] = timeline_page.OUTCOME
    replays: dict[str, _Replays] = {}

    def nav(request: Request, org: str | None, current: str) -> list[dict[str, Any]]:
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
            for x in extra_nav
        ]
        return links

    def render(
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
            "orgs": listed(request),
            "page": page,
            "nav": nav(request, org, page),
            "static": lambda f: str(request.url_for("web_static", name=f)),
        }
        return templates.TemplateResponse(
            request, name, {**base, **context}, status_code=status_code
        )

    def load(request: Request, org: str, page: str) -> Case | HTMLResponse:
        try:
            case, diagnostics = source.case(org)
        except KeyError:
            raise HTTPException(404, f"no organisation '{org}'") from None
        if case is None:
            return render(
                request,
                "error.html",
                {"title": f"{org} does not load", "diagnostics": diagnostics},
                org=org,
                page=page,
                status_code=422,
            )
        return case

    def timeline_for(org: str, case: Case, profile: str) -> Timeline | str:
        """The case replayed under ``profile``, one of those the server offers for it (the
        profiles stored with the organisation, then the shipped ones); anything else is a
        sentence saying so.  A request names a choice, never a path: no file is read here."""
        cached = replays.setdefault(org, _Replays())
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
                return _unknown_profile(profile, timeline_page.profiles_for(case))
            cached.timelines[profile] = replay(case, bylaws=bylaws)
        return cached.timelines[profile]

    def fragment(request: Request) -> bool:
        return (
            request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true"
        )

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
        for org in listed(request):
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
        return render(request, "index.html", {"title": "Organisations", "entries": entries})

    @router.get("/orgs/{org}/structure", name="web_structure", response_class=HTMLResponse)
    def structure(
        request: Request, org: str, at: str | None = None, view: str = "de-jure"
    ) -> HTMLResponse:
        case = load(request, org, "structure")
        if isinstance(case, HTMLResponse):
            return case
        tz = timeline_page.case_tz(case)
        when, error = timeline_page.parse_at(at, tz)
        chosen_view = View.DE_FACTO if view == "de-facto" else View.DE_JURE
        tl = timeline_for(org, case, case.charter.bylaws)
        assert isinstance(tl, Timeline)  # the charter's own profile loaded with the case
        state = tl.initial if when is None else tl.state_at(when, chosen_view)
        names = structure_page.person_names(case)
        entities = structure_page.entity_names(case)
        context = {
            "title": f"Structure — {case.charter.title or org}",
            "case": case,
            "svg": structure_page.structure_svg(case, state, names),
            "seats": structure_page.seat_rows(case, state, names),
            "state": state,
            "names": names,
            "entities": entities,
            "scope": {
                a.id: structure_page.agreement_scope(
                    a, next((s for s in state.agreements if s.id == a.id), None)
                )
                for a in case.charter.agreements
            },
            "parties": lambda ps: structure_page.parties_text(ps, entities),
            "at_value": timeline_page.local_input(when, tz) if when else "",
            "at_label": (
                when.astimezone(tz).strftime("%d %b %Y %H:%M")
                if when
                else "as the charter states it, before the journal"
            ),
            "view": chosen_view.value,
            "errors": [error] if error else [],
        }
        return render(
            request,
            "structure.html",
            context,
            org=org,
            page="structure",
            status_code=400 if error else 200,
        )

    def replayed(
        org: str, case: Case, profile: str | None
    ) -> tuple[dt.tzinfo, list[str], str, Timeline, list[str]]:
        """The case replayed under the profile asked for; an unusable profile falls back to the
        charter's, with the reason as an error to show."""
        tz = timeline_page.case_tz(case)
        profiles = timeline_page.profiles_for(case)
        chosen = profile or case.charter.bylaws
        errors: list[str] = []
        tl = timeline_for(org, case, chosen)
        if not isinstance(tl, Timeline):
            errors.append(tl)
            chosen = case.charter.bylaws
            tl = timeline_for(org, case, chosen)
            assert isinstance(tl, Timeline)
        return tz, profiles, chosen, tl, errors

    def compare_profiles(
        org: str, case: Case, profiles: list[str], chosen: Timeline
    ) -> dict[str, Any]:
        """Each act's status under every profile, side by side: the headline of a case is often
        that one act is void under one set of bylaws and valid or conditional under another."""
        columns: list[tuple[str, dict[str, Status]]] = []
        for name in profiles:
            found = timeline_for(org, case, name)
            if isinstance(found, Timeline):
                columns.append((name, {v.id: v.status for v in found.verdicts}))
        rows = [
            {
                "verdict": v,
                "statuses": [column.get(v.id) for _, column in columns],
                "differ": len({column.get(v.id) for _, column in columns}) > 1,
            }
            for v in chosen.verdicts
        ]
        return {"profiles": [name for name, _ in columns], "rows": rows}

    @router.get("/orgs/{org}/timeline", name="web_timeline", response_class=HTMLResponse)
    def timeline(
        request: Request,
        org: str,
        profile: str | None = None,
        view: str = "de-jure",
        at: str | None = None,
        act: str | None = None,
    ) -> HTMLResponse:
        case = load(request, org, "timeline")
        if isinstance(case, HTMLResponse):
            return case
        tz, profiles, chosen, tl, errors = replayed(org, case, profile)
        if chosen not in profiles:
            profiles.append(chosen)
        when, error = timeline_page.parse_at(at, tz)
        if error:
            errors.append(error)
        if when is None:
            last = tl.verdicts[-1].at if tl.verdicts else case.start
            when = last or dt.datetime.now(tz)
        chosen_view = View.DE_FACTO if view == "de-facto" else View.DE_JURE
        state = tl.state_at(when, chosen_view)
        names = structure_page.person_names(case)
        counts: dict[Status, int] = {}
        for v in tl.verdicts:
            counts[v.status] = counts.get(v.status, 0) + 1
        compared = compare_profiles(org, case, profiles, tl)
        context = {
            "title": f"Timeline — {case.charter.title or org}",
            "compared": compared,
            "case": case,
            "timeline": tl,
            "profiles": profiles,
            "profile": chosen,
            "profile_title": tl.initial.bylaws.title or chosen,
            "views": timeline_page.VIEW_LABEL,
            "view": chosen_view,
            "at_value": timeline_page.local_input(when, tz),
            "at_label": when.astimezone(tz).strftime("%d %b %Y %H:%M %Z"),
            "when": when,
            "tz": tz,
            "moments": timeline_page.moments(tl, case, tz),
            "state_rows": timeline_page.state_rows(state, names),
            "subject": lambda v: timeline_page.subject_text(v, names),
            "src": lambda s: timeline_page.short_source(s, case),
            "local": lambda d: d.astimezone(tz).strftime("%d %b %Y %H:%M"),
            "open_act": act,
            "counts": counts,
            "errors": errors,
        }
        name = "_timeline.html" if fragment(request) else "timeline.html"
        return render(
            request, name, context, org=org, page="timeline", status_code=400 if errors else 200
        )

    @router.get("/orgs/{org}/money", name="web_money", response_class=HTMLResponse)
    def money(request: Request, org: str, amount: str | None = None) -> HTMLResponse:
        case = load(request, org, "money")
        if isinstance(case, HTMLResponse):
            return case
        wf_text = source.waterfall(org)
        errors: list[str] = []
        value = _chosen_amount(amount, errors, "250000, 13B, 2.5e9 or 750M")
        explorer = None
        if wf_text is not None:
            query = {k: v for k, v in request.query_params.items() if k != "amount"}
            explorer = money_page.explore(wf_text, query, value)
        context = {
            "title": f"Money — {case.charter.title or org}",
            "case": case,
            "has_waterfall": wf_text is not None,
            "x": explorer,
            "amount": value,
            "amount_int": int(value),
            "amount_label": money_page.money(value),
            "step": money_page.SLIDER_STEP,
            "oob": fragment(request),
            "errors": errors,
        }
        bad = errors or (explorer is not None and explorer.diagnostics)
        name = "_money.html" if fragment(request) else "money.html"
        return render(
            request, name, context, org=org, page="money", status_code=400 if bad else 200
        )

    @router.get("/orgs/{org}/power", name="web_power", response_class=HTMLResponse)
    def power(
        request: Request,
        org: str,
        profile: str | None = None,
        view: str = "de-jure",
        at: str | None = None,
        act: str = ActKind.REMOVE_OFFICER.value,
        amount: str | None = None,
    ) -> HTMLResponse:
        case = load(request, org, "power")
        if isinstance(case, HTMLResponse):
            return case
        tz, profiles, chosen, tl, errors = replayed(org, case, profile)
        when, error = timeline_page.parse_at(at, tz)
        if error:
            errors.append(error)
        if when is None:
            when = (case.start or dt.datetime.now(tz)) - dt.timedelta(minutes=1)
        chosen_view = View.DE_FACTO if view == "de-facto" else View.DE_JURE
        state = tl.state_at(when, chosen_view)
        names = structure_page.person_names(case)
        results = board_power(state, when)
        acts = [a.value for a in BOARD_ACTS]
        if act not in acts:
            errors.append(f"unknown act kind '{act}': use one of {', '.join(acts)}")
            act = ActKind.REMOVE_OFFICER.value
        selected = next(r for r in results if r.act.value == act)
        indices = power_page.index_rows(selected, names)
        value = _chosen_amount(amount, errors, "13B")
        control = power_page.control_vs_economics(case, state, source.waterfall(org), value)
        context = {
            "title": f"Power — {case.charter.title or org}",
            "case": case,
            "profiles": profiles,
            "profile": chosen,
            "views": timeline_page.VIEW_LABEL,
            "view": chosen_view,
            "at_value": timeline_page.local_input(when, tz),
            "at_label": when.astimezone(tz).strftime("%d %b %Y %H:%M %Z"),
            "directors": [names.get(d, d) for d in sorted(state.directors)],
            "rows": power_page.act_rows(results, names, sorted(state.directors)),
            "acts": acts,
            "act": act,
            "indices": indices,
            "index_chart": power_page.index_chart(indices, act),
            "control": control,
            "amount_label": money_page.money(value),
            "pct": money_page.pct,
            "errors": errors,
        }
        name = "_power.html" if fragment(request) else "power.html"
        return render(
            request, name, context, org=org, page="power", status_code=400 if errors else 200
        )

    return router


SHOWN_NAME = 60
"""How much of an unknown profile name an error repeats (a request may send anything)."""


def _unknown_profile(name: str, offered: Sequence[str]) -> str:
    shown = name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"
    guess = did_you_mean(name, offered) if len(name) <= SHOWN_NAME else None
    hint = f"did you mean '{guess}'? " if guess else ""
    return f"unknown bylaws profile '{shown}': {hint}choose one of {', '.join(offered)}"


def _chosen_amount(typed: str | None, errors: list[str], examples: str) -> Fraction:
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
