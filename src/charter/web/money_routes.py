"""The Money page's route: the waterfall explored at an amount."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.web import money as money_page
from charter.web.site import Site, chosen_amount


def add_routes(router: APIRouter, site: Site) -> None:
    render, load, fragment, source = site.render, site.load, site.fragment, site.source

    @router.get("/orgs/{org}/money", name="web_money", response_class=HTMLResponse)
    def money(request: Request, org: str, amount: str | None = None) -> HTMLResponse:
        case = load(request, org, "money")
        if isinstance(case, HTMLResponse):
            return case
        wf_text = source.waterfall(org)
        errors: list[str] = []
        value = chosen_amount(amount, errors, "250000, 13B, 2.5e9 or 750M")
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
        bad = errors or (
            explorer is not None
            and (explorer.diagnostics or (explorer.valued and explorer.valued.error))
        )
        name = "_money.html" if fragment(request) else "money.html"
        return render(
            request, name, context, org=org, page="money", status_code=400 if bad else 200
        )
