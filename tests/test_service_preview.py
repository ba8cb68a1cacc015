"""Prevention before the act: every form can be checked first, under the bylaws in force and
under every shipped profile, and the acts that would make a meeting defective (noticing only
some directors, opening without a quorum or before the time noticed) are recorded only when
confirmed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from charter.load.profiles import shipped_profiles
from service_support import DIRECTORS, Portal, form_login, make_portal

ORG = "/api/orgs/acme"


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def size(portal: Portal) -> int:
    return portal.store.tree_head("acme").size


def by_profile(answer: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {j["profile"]: j for j in answer["profiles"]}


def call(portal: Portal, hours: float | None = None) -> None:
    body: dict[str, object] = {"meeting": "m1", "purpose": "ceo"}
    if hours is not None:
        body["at"] = (portal.clock() + dt.timedelta(hours=hours)).isoformat()
    assert portal.post("ana", f"{ORG}/meetings", body).status_code == 201


def test_every_profile_is_judged_and_nothing_is_recorded(portal: Portal) -> None:
    call(portal, hours=48)
    before = size(portal)
    answer = portal.post("sec", f"{ORG}/preview/meetings/m1/notices", {"channel": "personal"})
    assert answer.status_code == 200, answer.json()
    judged = answer.json()
    assert judged["recorded"] == []
    assert judged["in_force"] == "delaware-nonstock"
    assert judged["profiles"][0]["profile"] == "delaware-nonstock"
    assert judged["profiles"][0]["in_force"] is True
    assert set(by_profile(judged)) == set(shipped_profiles())
    assert by_profile(judged)["delaware-nonstock"]["status"] == "valid"
    assert judged["left_out"] == []
    assert size(portal) == before


def test_noticing_all_but_one_names_them_and_needs_confirmation(portal: Portal) -> None:
    call(portal, hours=48)
    some = {"channel": "personal", "to": list(DIRECTORS[:-1])}
    judged = portal.post("sec", f"{ORG}/preview/meetings/m1/notices", some).json()
    assert judged["left_out"] == ["eve"]
    here = by_profile(judged)["delaware-nonstock"]
    assert here["status"] == "void"
    assert any("eve" in p["detail"] for p in here["problems"])
    before = size(portal)
    refused = portal.post("sec", f"{ORG}/meetings/m1/notices", some)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "confirm"
    assert refused.json()["warnings"][0]["rule"].startswith("notice.")
    assert size(portal) == before  # nothing given, nothing recorded
    given = portal.post("sec", f"{ORG}/meetings/m1/notices", some | {"confirm": True})
    assert given.status_code == 201
    assert [d["person"] for d in given.json()["deliveries"]] == list(DIRECTORS[:-1])


def test_a_call_too_close_to_its_time_for_notice_shows_before_it_is_made(portal: Portal) -> None:
    soon = {"meeting": "m1", "at": (portal.clock() + dt.timedelta(hours=2)).isoformat()}
    judged = portal.post("ana", f"{ORG}/preview/meetings", soon).json()
    here = by_profile(judged)["delaware-nonstock"]
    assert here["status"] != "valid"
    assert any(p["rule"].startswith("notice") and "24 h" in p["detail"] for p in here["problems"])
    later = dict(soon, at=(portal.clock() + dt.timedelta(days=3)).isoformat())
    assert (
        by_profile(portal.post("ana", f"{ORG}/preview/meetings", later).json())[
            "delaware-nonstock"
        ]["status"]
        == "valid"
    )
    assert size(portal) == size(portal)  # and the preview called nothing
    assert portal.as_("obs").get(f"{ORG}/pending").json()["meetings"] == []


def test_opening_without_a_quorum_or_early_needs_confirmation(portal: Portal) -> None:
    call(portal, hours=48)
    assert portal.post("sec", f"{ORG}/meetings/m1/notices", {"channel": "personal"}).is_success
    portal.clock.advance(hours=25)  # 23 hours before the time noticed
    few = {"present": ["ana", "ben"]}
    judged = portal.post("sec", f"{ORG}/preview/meetings/m1/open", few).json()
    rules = {p["rule"] for p in by_profile(judged)["delaware-nonstock"]["problems"]}
    assert {"quorum", "notice.time"} <= rules
    early = next(
        p for p in by_profile(judged)["delaware-nonstock"]["problems"] if p["rule"] == "notice.time"
    )
    assert "absent: Cleo, Dan, Eve, who were told that time" in early["detail"]
    refused = portal.post("sec", f"{ORG}/meetings/m1/open", few)
    assert refused.status_code == 409
    # everyone present: attendance waives the time, and there is a quorum
    everyone = {"present": list(DIRECTORS)}
    judged = portal.post("sec", f"{ORG}/preview/meetings/m1/open", everyone).json()
    assert by_profile(judged)["delaware-nonstock"]["problems"] == []
    assert portal.post("sec", f"{ORG}/meetings/m1/open", everyone).status_code == 201


def test_a_motion_and_its_close_are_previewed(portal: Portal) -> None:
    portal.meeting()
    body = {"act": "remove-officer", "subject": {"person": "frank", "office": "ceo"}}
    judged = portal.post("ana", f"{ORG}/preview/meetings/m1/motions", body).json()
    assert by_profile(judged)["delaware-nonstock"]["status"] == "valid"
    assert portal.as_("obs").get(f"{ORG}/pending").json()["motions"] == []
    portal.motion()
    portal.post("ana", f"{ORG}/motions/mo1/votes", {"vote": "for"})
    closing = portal.post("sec", f"{ORG}/preview/motions/mo1/close").json()
    assert by_profile(closing)["delaware-nonstock"]["status"] == "failed"  # 1 of 5 for
    assert portal.as_("obs").get(f"{ORG}/pending").json()["motions"][0]["status"] == "open"


def test_observers_cannot_preview(portal: Portal) -> None:
    call(portal)
    assert portal.post("obs", f"{ORG}/preview/meetings/m1/notices", {}).status_code == 403


def test_portal_forms_check_first_with_and_without_script(portal: Portal) -> None:
    call(portal, hours=48)
    client = portal.as_("sec")
    client.headers.pop("Authorization")
    assert form_login(client, "sec", portal.passwords["sec"]).status_code == 303
    page = client.get("/orgs/acme/portal")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert 'hx-post="/orgs/acme/portal/preview/meetings/m1/notices"' in page.text
    assert 'name="to" value="eve" checked' in page.text
    form = {"csrf": csrf, "channel": "personal", "recipients": "chosen", "to": list(DIRECTORS[:-1])}
    fragment = client.post(
        "/orgs/acme/portal/preview/meetings/m1/notices", data=form, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Left out of the notice:</strong> Eve." in fragment.text
    assert "delaware-nonstock" in fragment.text
    full = client.post("/orgs/acme/portal/preview/meetings/m1/notices", data=form)
    assert full.status_code == 200
    assert 'id="preview"' in full.text
    assert "checked, not recorded" in full.text
    sent = client.post("/orgs/acme/portal/meetings/m1/notices", data=form)
    assert sent.status_code == 200  # a question: record it anyway?
    assert "Legally defective" in sent.text
    nobody = client.post(
        "/orgs/acme/portal/meetings/m1/notices",
        data={"csrf": csrf, "channel": "personal", "recipients": "chosen"},
    )
    assert "tick the directors the notice goes to" in nobody.text
