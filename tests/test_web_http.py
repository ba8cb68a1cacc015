"""The web pages over plain HTTP (no browser): what each page says is what the core decides."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charter.load.case import load_case
from charter.load.profiles import load_profile
from charter.model.kinds import View
from charter.power.board import board_power
from charter.replay import replay
from charter.web import DirectoryCaseSource, NavLink, create_app


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# The journal line of the 17 November removal (the event's first line, "- id: ...").
REMOVAL_LINE = _line_of(
    (Path(__file__).resolve().parent.parent / "examples/openai-2023/journal.yaml").read_text(),
    "id: remove-altman-ceo",
)


CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
ORG = "openai-2023"
needs_waterfall = pytest.mark.skipif(
    not (CASE / "waterfall.yaml").is_file(),
    reason="examples/openai-2023/waterfall.yaml is missing",
)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(DirectoryCaseSource([CASE])))


def act_block(html: str, act: str) -> str:
    start = html.index(f'id="act-{act}"')
    return html[start : html.index("</details>", start)]


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_home__redirects_to_the_only_organisation(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"].endswith(f"/orgs/{ORG}/timeline")


def test_orgs__lists_the_case_by_title(client: TestClient) -> None:
    r = client.get("/orgs")
    assert r.status_code == 200
    assert "OpenAI, Inc. board crisis, November 2023" in r.text


def test_timeline__removal_is_void_under_delaware_nonstock_for_want_of_notice(
    client: TestClient,
) -> None:
    r = client.get(f"/orgs/{ORG}/timeline", params={"profile": "delaware-nonstock"})
    assert r.status_code == 200
    block = text_of(act_block(r.text, "remove-altman-ceo"))
    assert "void" in block.split("remove-officer")[0]
    assert "✗ failed notice.special-meeting" in block
    assert "not given and not waived for 1: brockman" in block
    assert "Schroder v. Scotten" in block
    assert f"journal.yaml:{REMOVAL_LINE}" in block


def test_timeline__removal_is_conditional_under_the_reported_bylaws(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/timeline", params={"profile": "openai-2016-reported"})
    block = text_of(act_block(r.text, "remove-altman-ceo"))
    assert "conditional" in block.split("remove-officer")[0]
    assert "Missing facts" in block
    assert "form of the action (meeting, written consent or informal)" in block
    assert "✗ failed notice.special-meeting" not in block


def test_timeline__every_act_is_listed_with_its_status_label(client: TestClient) -> None:
    case, _ = load_case(CASE)
    assert case is not None
    bylaws, _ = load_profile("delaware-nonstock")
    timeline = replay(case, bylaws=bylaws)
    r = client.get(f"/orgs/{ORG}/timeline", params={"profile": "delaware-nonstock"})
    for v in timeline.verdicts:
        summary = act_block(r.text, v.id).split("</summary>")[0]
        assert f'class="badge st-{v.status.value}"' in summary


def test_timeline__every_act_under_every_profile_side_by_side(client: TestClient) -> None:
    """The headline at a glance: each act's status under each profile, as the engine gives it,
    and the acts before the state (what a phone shows first)."""
    page = client.get("/orgs/openai-2023/timeline").text
    assert page.index('id="h-acts"') < page.index('id="h-state"')
    table = re.search(r'<table class="compare">.*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(
        r"<tr( class=\"differ\")?>\s*<th scope=\"row\"><a href=\"#act-([^\"]+)\">", table.group(0)
    )
    header = re.findall(r'<th scope="col">([^<]+)</th>', table.group(0))[1:]
    cells = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">.*?</tr>", table.group(0), re.S)
    case, _ = load_case(CASE)
    assert case is not None
    expected = {}
    for name in header:
        bylaws, _ = load_profile(name)
        expected[name] = {v.id: v.status for v in replay(case, bylaws=bylaws).verdicts}
    assert len(rows) == len(cells) == len(expected[header[0]])
    for (differ, act), cell in zip(rows, cells, strict=True):
        shown = re.findall(r'class="badge st-([a-z_]+)"', cell)
        assert shown == [expected[name][act].value for name in header]
        assert bool(differ) == (len(set(shown)) > 1)
    removal = cells[[a for _, a in rows].index("remove-altman-ceo")]
    assert re.findall(r'class="badge st-([a-z_]+)"', removal)[:2] == ["conditional", "void"]


def test_timeline__act_parameter_opens_that_act_only(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/timeline", params={"act": "remove-brockman-chair"})
    assert re.search(r'id="act-remove-brockman-chair"\s+open', r.text)
    assert not re.search(r'id="act-remove-altman-ceo"\s+open', r.text)


@pytest.mark.parametrize(
    ("profile", "view"),
    [
        ("delaware-nonstock", View.DE_JURE),
        ("delaware-nonstock", View.DE_FACTO),
        ("openai-2016-reported", View.DE_JURE),
    ],
)
def test_timeline__state_at_a_moment_matches_the_engine(
    client: TestClient, profile: str, view: View
) -> None:
    case, _ = load_case(CASE)
    assert case is not None
    bylaws, _ = load_profile(profile)
    timeline = replay(case, bylaws=bylaws)
    tz = case.entries[0].at.tzinfo
    state = timeline.state_at(dt.datetime(2023, 11, 17, 12, 30, tzinfo=tz), view)
    names = {p.id: p.name for p in case.charter.people}
    r = client.get(
        f"/orgs/{ORG}/timeline",
        params={"profile": profile, "view": view.value, "at": "2023-11-17T12:30"},
    )
    panel = r.text[r.text.index('id="h-state"') :]  # after the acts (a phone shows them first)
    row = re.search(r"<th scope=\"row\">directors</th><td>(.*?)</td>", panel)
    assert row is not None
    shown = html.unescape(row.group(1))
    for person, name in names.items():
        assert (name in shown) == (person in state.directors), name
    ceo = state.holder("ceo")
    assert f'<th scope="row">ceo</th><td>{names[ceo] if ceo else ""}' in panel


def test_timeline__void_removal_keeps_altman_de_jure_but_not_de_facto(
    client: TestClient,
) -> None:
    params = {"profile": "delaware-nonstock", "at": "2023-11-17T12:30"}
    jure = client.get(f"/orgs/{ORG}/timeline", params={**params, "view": "de-jure"}).text
    facto = client.get(f"/orgs/{ORG}/timeline", params={**params, "view": "de-facto"}).text
    assert '<th scope="row">ceo</th><td>Sam Altman</td>' in jure
    assert '<th scope="row">ceo</th><td>Mira Murati</td>' in facto


def test_timeline__htmx_request_gets_only_the_fragment(client: TestClient) -> None:
    r = client.get(
        f"/orgs/{ORG}/timeline",
        params={"profile": "delaware-nonstock"},
        headers={"HX-Request": "true"},
    )
    assert r.text.lstrip().startswith('<div id="timeline-body">')
    assert "<html" not in r.text
    restore = client.get(
        f"/orgs/{ORG}/timeline",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.text


def test_timeline__unknown_profile_is_a_400_with_a_hint(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/timeline", params={"profile": "delaware-nonstok"})
    assert r.status_code == 400
    assert "unknown bylaws profile &#39;delaware-nonstok&#39;" in r.text
    assert "did you mean &#39;delaware-nonstock&#39;?" in r.text


def test_timeline__bad_date_is_a_400_that_says_what_to_type(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/timeline", params={"at": "17/11/2023"})
    assert r.status_code == 400
    assert "is not a date or time: use 2023-11-17 or 2023-11-17T12:30" in r.text


def test_structure__draws_entities_control_board_and_the_licence_scope(
    client: TestClient,
) -> None:
    r = client.get(f"/orgs/{ORG}/structure")
    assert r.status_code == 200
    svg = r.text[r.text.index("<svg") : r.text.index("</svg>")]
    for name in ("OpenAI, Inc.", "OpenAI GP LLC", "OpenAI Global, LLC", "Microsoft Corporation"):
        assert name in svg
    assert svg.count('class="edge control"') == 3  # two control links + the board's
    assert "controls: sole owner" in svg
    assert "excludes AGI" in svg
    assert "capped profit share (no equity, no vote)" in svg
    assert svg.count('class="seat filled') == 6
    assert svg.count('class="seat vacant"') == 1
    assert "(chair)" in svg


def test_structure__board_seats_follow_the_date_and_view(client: TestClient) -> None:
    r = client.get(
        f"/orgs/{ORG}/structure",
        params={"at": "2023-11-30", "view": "de-facto"},
    )
    svg = r.text[r.text.index("<svg") : r.text.index("</svg>")]
    case, _ = load_case(CASE)
    assert case is not None
    state = replay(case).state_at(
        dt.datetime(2023, 11, 30, 23, 59, tzinfo=case.entries[0].at.tzinfo), View.DE_FACTO
    )
    assert svg.count('class="seat filled') == len(state.directors)
    assert svg.count('class="seat vacant"') == state.authorized_seats - len(state.directors)


@needs_waterfall
def test_money__table_adds_up_to_the_amount_and_matches_the_engine(client: TestClient) -> None:
    from charter.waterfall import evaluate, load_waterfall

    r = client.get(f"/orgs/{ORG}/money", params={"amount": "123456789012"})
    assert r.status_code == 200
    table = r.text[r.text.index('id="h-at"') : r.text.index("</tfoot>")]
    payouts = [int(x.replace(",", "")) for x in re.findall(r"<td>\$([\d,]+)</td>", table)]
    *rows, total = payouts
    assert total == 123456789012
    assert sum(rows) == total
    wf, _ = load_waterfall(CASE / "waterfall.yaml")
    assert wf is not None
    exact = evaluate(wf, Fraction(123456789012))
    for (_, value), shown in zip(exact.payouts, rows, strict=True):
        assert abs(value - shown) < 1


@needs_waterfall
def test_money__editing_a_parameter_changes_the_split(client: TestClient) -> None:
    base = client.get(f"/orgs/{ORG}/money", params={"amount": "300B"}).text
    pro = client.get(
        f"/orgs/{ORG}/money", params={"amount": "300B", "capped_share_to": "pro_rata"}
    ).text
    assert "Other investors and employees 49.0%, OpenAI, Inc. (nonprofit) 51.0%" in base
    # pro rata: the capped party's 49% is re-split 49:2 between the two still sharing
    assert "Other investors and employees 96.1%, OpenAI, Inc. (nonprofit) 3.9%" in pro
    assert '<option value="pro_rata" selected>' in pro
    assert base != pro


@needs_waterfall
def test_money__a_bad_parameter_shows_the_located_error(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/money", params={"microsoft_cap": "lots"})
    assert r.status_code == 400
    assert "waterfall.yaml:" in r.text
    assert "--param microsoft_cap=lots: expected an amount" in r.text


@needs_waterfall
def test_money__bad_amount_is_a_400(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/money", params={"amount": "a lot"})
    assert r.status_code == 400
    assert "&#39;a lot&#39; is not an amount" in r.text


@needs_waterfall
def test_money__htmx_fragment_updates_the_amount_label_out_of_band(client: TestClient) -> None:
    r = client.get(
        f"/orgs/{ORG}/money", params={"amount": "250000000000"}, headers={"HX-Request": "true"}
    )
    assert r.text.lstrip().startswith('<div id="money-body"')
    assert 'id="amount-label" for="amount" hx-swap-oob="true">$250B</output>' in r.text


def test_power__coalitions_and_indices_match_board_power(client: TestClient) -> None:
    case, _ = load_case(CASE)
    assert case is not None
    timeline = replay(case)
    at = case.entries[0].at - dt.timedelta(minutes=1)
    state = timeline.state_at(at)
    results = {r.act.value: r for r in board_power(state, at)}
    r = client.get(f"/orgs/{ORG}/power")
    assert r.status_code == 200
    removal = results["remove-officer"]
    k = min(len(c) for c in removal.minimal_winning)
    n = len(state.directors)
    assert f"any {k} of the {n} directors ({len(removal.minimal_winning)} coalitions)" in r.text
    total = sum(removal.swings.values())
    for person, swings in removal.swings.items():
        assert f"({Fraction(swings, total)})</td>" in r.text, person


@needs_waterfall
def test_power__microsoft_has_no_vote_but_three_quarters_of_the_first_profits(
    client: TestClient,
) -> None:
    r = client.get(f"/orgs/{ORG}/power")
    table = r.text[r.text.index('id="h-ctl"') :]
    row = table[table.index('<th scope="row">Microsoft') :]
    cells = re.findall(r"<td>([\d.]+%)</td>", row[: row.index("</tr>")])
    assert cells[0] == "0.0%"  # votes
    assert cells[-2] == "75.0%"  # the first dollar
    nonprofit = table[table.index('<th scope="row">OpenAI, Inc. (nonprofit)') :]
    assert re.findall(r"<td>([\d.]+%)</td>", nonprofit)[0] == "100.0%"


def test_power__unknown_act_is_a_400(client: TestClient) -> None:
    r = client.get(f"/orgs/{ORG}/power", params={"act": "fire-everyone"})
    assert r.status_code == 400
    assert "unknown act kind &#39;fire-everyone&#39;" in r.text


def test_unknown_org_is_404(client: TestClient) -> None:
    assert client.get("/orgs/nope/timeline").status_code == 404


def test_static__serves_htmx_and_nothing_else(client: TestClient) -> None:
    r = client.get("/static/web/htmx.min.js")
    assert r.status_code == 200
    assert "htmx 2.0.11" in r.text[:200]
    assert client.get("/static/web/..%2Froutes.py").status_code == 404
    assert client.get("/static/web/routes.py").status_code == 404


def test_extra_nav__the_service_can_add_portal_and_audit() -> None:
    app = create_app(
        DirectoryCaseSource([CASE]),
        extra_nav=[
            NavLink(label="Portal", href="/portal/{org}"),
            NavLink(label="Audit", href="/audit"),
        ],
    )
    html = TestClient(app).get(f"/orgs/{ORG}/structure").text
    assert f'<a href="/portal/{ORG}">Portal</a>' in html
    assert '<a href="/audit">Audit</a>' in html


def test_directory_source__reloads_an_edited_case_and_shows_load_errors(tmp_path: Path) -> None:
    case_dir = tmp_path / "acme"
    shutil.copytree(CASE, case_dir)
    client = TestClient(create_app(DirectoryCaseSource([case_dir])))
    assert "OpenAI, Inc. board crisis" in client.get("/orgs/acme/structure").text
    charter = case_dir / "charter.yaml"
    text = charter.read_text().replace("title: OpenAI, Inc. board crisis", "title: Acme crisis")
    charter.write_text(text)
    assert "Acme crisis" in client.get("/orgs/acme/structure").text
    charter.write_text(text.replace("authorized_seats: 7", "authorized_seats: seven"))
    r = client.get("/orgs/acme/timeline")
    assert r.status_code == 422
    assert "acme does not load" in r.text
    assert "charter.yaml:" in r.text


@pytest.mark.parametrize(
    ("typed", "value"),
    [("100B", Fraction(10**11)), ("$2.5M", Fraction(2_500_000)), ("1,000", Fraction(1000))],
)
def test_amount__suffixes_and_separators_parse(typed: str, value: Fraction) -> None:
    from charter.waterfall.money import parse_amount

    assert parse_amount(typed) == (value, None)


@pytest.mark.parametrize("typed", ["lots", "-5B", ""])
def test_amount__nonsense_is_refused(typed: str) -> None:
    from charter.waterfall.money import parse_amount

    assert parse_amount(typed)[0] is None


@pytest.mark.parametrize("page", ["money", "power"])
def test_a_page_reads_the_waterfall_file_once_per_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """The Money page used to parse the same file three times on its way (the spec, the model,
    the report's names): once is enough, with the parsed file passed down."""
    import charter.waterfall.load as wf_load

    parsed: list[str] = []
    real = wf_load.parse_yaml

    def counted(path, text=None):  # type: ignore[no-untyped-def]
        parsed.append(str(path))
        return real(path, text)

    monkeypatch.setattr(wf_load, "parse_yaml", counted)
    answer = client.get(f"/orgs/{ORG}/{page}", params={"amount": "13B"})
    assert answer.status_code == 200
    assert len(parsed) == 1, parsed


def test_money__each_claims_value_today_beside_its_payout(client: TestClient) -> None:
    """issue 14: the Money page shows what each party's claim is worth today (the closed form
    of charter.valuation, as `charter value` gives it) and says when an input is out of range."""
    from charter.valuation import Lognormal, closed_form
    from charter.waterfall import compile_curves, load_waterfall
    from charter.web.money import money

    query = {"amount": "100B", "value_today": "30B", "vol": "0.6", "rate": "0.04", "horizon": "10"}
    page = client.get(f"/orgs/{ORG}/money", params=query)
    assert page.status_code == 200
    section = page.text[page.text.index('id="h-value"') :]
    wf, _ = load_waterfall(CASE / "waterfall.yaml")
    assert wf is not None
    found = closed_form(compile_curves(wf), Lognormal(value=30e9, vol=0.6, rate=0.04, horizon=10))
    for party in found.parties:
        assert f"<td>{money(party.value)}</td><td>{party.share:.1%}</td>" in section
    bad = client.get(f"/orgs/{ORG}/money", params=query | {"vol": "-1"})
    assert bad.status_code == 400
    assert "Value today: vol: a positive volatility" in html.unescape(bad.text)
    assert 'name="vol" value="-1"' in bad.text  # kept as typed, to be corrected


def test_structure__at_a_date_shows_that_dates_structure(client: TestClient) -> None:
    """After the recapitalization: the renamed Foundation, the PBC with its former name, the
    Foundation's right to appoint the PBC's board, the committee, and the changes listed;
    before it, none of these."""
    after = client.get("/orgs/openai-2023/structure?at=2026-01-01T12:00")
    assert after.status_code == 200
    text = html.unescape(after.text)
    assert "OpenAI Group PBC" in text
    assert "formerly OpenAI Global, LLC" in text
    assert "OpenAI Foundation over OpenAI Group PBC, exclusive" in text
    assert "Safety and Security Committee of the board of OpenAI Foundation" in text
    assert "Changes of the structure up to this moment" in text
    assert "Zico Kolter at the board of OpenAI Group PBC" in text
    before = html.unescape(client.get("/orgs/openai-2023/structure?at=2023-12-01T12:00").text)
    assert "OpenAI Group PBC" not in before
    assert "Rights, observers" not in before or "appoint-directors" not in before


def test_money__shows_the_economics_in_force_at_the_date_chosen(client: TestClient) -> None:
    later = html.unescape(client.get("/orgs/openai-2023/money?at=2026-01-01T12:00").text)
    assert "OpenAI Group PBC equity" in later
    assert "Economics in force" in later
    assert '<option value="2025-10-28T12:00" selected>' in later
    assert 'name="at" value="2026-01-01T12:00"' in later  # the amount form keeps the era
    earlier = html.unescape(client.get("/orgs/openai-2023/money").text)
    assert "reported January 2023 terms" in earlier
    bad = client.get("/orgs/openai-2023/money?at=yesterday")
    assert bad.status_code == 400


def test_power__reads_the_eras_economics_and_the_routes_through_the_structure(
    client: TestClient,
) -> None:
    page = html.unescape(client.get("/orgs/openai-2023/power?at=2026-01-01T12:00").text)
    assert "appoints every director of OpenAI Group PBC" in page
    assert "Through the structure" in page
    assert "OpenAI Foundation may remove the directors of OpenAI Group PBC" in page
    # the equity era's measures are equal for every party: one bar, its legend naming them all
    assert "(equal for every party)" in page
