"""The Timeline page's route: every act judged under a profile, every act under every
profile side by side, and the state at a moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.model.case import Case
from charter.model.kinds import Status, View
from charter.replay import Timeline
from charter.web import structure as structure_page
from charter.web import timeline as timeline_page
from charter.web.site import Site


def add_routes(router: APIRouter, site: Site) -> None:
    render, load, fragment = site.render, site.load, site.fragment
    timeline_for, replayed = site.timeline_for, site.replayed

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
