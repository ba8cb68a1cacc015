"""The Money page's route: the waterfall explored at an amount."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.model.kinds import View
from charter.replay import Timeline
from charter.report.eras import era_starts
from charter.web import money as money_page
from charter.web import timeline as timeline_page
from charter.web.site import Site, chosen_amount


def add_routes(router: APIRouter, site: Site) -> None:
    render, load, fragment, source = site.render, site.load, site.fragment, site.source

    @router.get("/orgs/{org}/money", name="web_money", response_class=HTMLResponse)
    def money(
        request: Request, org: str, amount: str | None = None, at: str | None = None
    ) -> HTMLResponse:
        case = load(request, org, "money")
        if isinstance(case, HTMLResponse):
            return case
        errors: list[str] = []
        tz = case.tz
        when, problem = timeline_page.parse_at(at, tz)
        if problem:
            errors.append(problem)
        tl = site.timeline_for(org, case, case.charter.bylaws)
        eras: list[tuple[str, str, bool]] = []
        era_file = None
        if isinstance(tl, Timeline):
            first = tl.initial.at or dt.datetime.min.replace(tzinfo=tz)
            last = dt.datetime.max.replace(tzinfo=tz)
            starts = era_starts(tl, first, last, case.charter.waterfall)
            chosen = tl.state_at(when, View.DE_JURE).structure.economics_of() if when else None
            era_file = chosen.waterfall if chosen is not None else None
            for i, (start, state) in enumerate(starts):
                era = state.structure.economics_of()
                file = state.structure.waterfall(case.charter.waterfall) or ""
                since = era.since if era is not None and era.since else None
                label = f"from {since} ({file})" if since else f"as the charter sets it ({file})"
                value_at = timeline_page.local_input(start, tz) if i else ""
                eras.append((value_at, label, file == (era_file or case.charter.waterfall)))
        wf_text = source.waterfall(org, era_file)
        value = chosen_amount(amount, errors, "250000, 13B, 2.5e9 or 750M")
        explorer = None
        if wf_text is not None:
            query = {k: v for k, v in request.query_params.items() if k not in ("amount", "at")}
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
            "eras": eras if len(eras) > 1 else [],
            "at_value": timeline_page.local_input(when, tz) if when else "",
            "errors": errors,
        }
        bad = errors or (
            explorer is not None
            and (explorer.diagnostics or (explorer.valued and explorer.valued.error))
        )
        name = "_money.html" if fragment(request) else "money.html"
        return render(
            request, name, context, org=org, page="money", status_code=400 if bad else 200
        )
