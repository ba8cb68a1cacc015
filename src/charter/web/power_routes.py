"""The Power page's route: who can pass each act, and control against economics."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.model.kinds import BOARD_ACTS, ActKind, View
from charter.power.board import board_power
from charter.web import money as money_page
from charter.web import power as power_page
from charter.web import structure as structure_page
from charter.web import timeline as timeline_page
from charter.web.site import Site, chosen_amount


def add_routes(router: APIRouter, site: Site) -> None:
    render, load, fragment, source = site.render, site.load, site.fragment, site.source
    replayed = site.replayed

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
        value = chosen_amount(amount, errors, "13B")
        era = state.structure.economics_of()
        era_file = era.waterfall if era is not None and era.since is not None else None
        control = power_page.control_vs_economics(
            case, state, source.waterfall(org, era_file), value
        )
        reached = power_page.structure_routes(case, state, names)
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
            "reached": reached,
        }
        name = "_power.html" if fragment(request) else "power.html"
        return render(
            request, name, context, org=org, page="power", status_code=400 if errors else 200
        )
