"""The Structure page's route: the structure at a moment, as a diagram and tables."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.model.kinds import View
from charter.replay import Timeline
from charter.report.governance_render import structure_rows
from charter.web import structure as structure_page
from charter.web import timeline as timeline_page
from charter.web.site import Site


def add_routes(router: APIRouter, site: Site) -> None:
    render, load, timeline_for = site.render, site.load, site.timeline_for

    @router.get("/orgs/{org}/structure", name="web_structure", response_class=HTMLResponse)
    def structure(
        request: Request, org: str, at: str | None = None, view: str = "de-jure"
    ) -> HTMLResponse:
        case = load(request, org, "structure")
        if isinstance(case, HTMLResponse):
            return case
        tz = case.tz
        when, error = timeline_page.parse_at(at, tz)
        chosen_view = View.DE_FACTO if view == "de-facto" else View.DE_JURE
        tl = timeline_for(org, case, case.charter.bylaws)
        assert isinstance(tl, Timeline)  # the charter's own profile loaded with the case
        state = tl.initial if when is None else tl.state_at(when, chosen_view)
        case = structure_page.case_at(case, state)
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
            "more": structure_rows(state.structure, names | entities, entities=False),
            "changes": [
                v for v in tl.verdicts if v.kind == "restructure" and (when is None or v.at <= when)
            ][-8:],
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
