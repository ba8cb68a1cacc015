"""The authorization matrix: role x operation x organisation.  ``director`` is not a flag: frank
has a director-role account (linked to his person) but is not on the board, so he may do what any
person of the organisation may (join, resign as CEO, declare an interest) and nothing a director
does.  gil and gsec hold roles only in globex, a twin of acme: they may do nothing in acme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service_support import Portal, make_portal

ACCOUNTS = ("ana", "ben", "frank", "sec", "obs", "adm", "gil", "gsec")


def _ready(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    portal.post(
        "sec",
        "/api/orgs/acme/consents",
        {
            "consent": "c1",
            "acts": [
                {"act": "appoint-officer", "subject": {"person": "frank", "office": "president"}}
            ],
        },
    )


OPS: list[tuple[str, str, Any, set[str]]] = [
    ("call-meeting", "/api/orgs/acme/meetings", lambda u: {"meeting": f"x-{u}"}, {"ana", "frank"}),
    (
        "notices",
        "/api/orgs/acme/meetings/m2/notices",
        lambda u: {"channel": "phone"},
        {"ana", "sec", "adm"},
    ),
    (
        "open-meeting",
        "/api/orgs/acme/meetings/o-{u}/open",
        lambda u: {"type": "regular"},
        {"ana", "ben", "sec", "adm"},
    ),
    ("join", "/api/orgs/acme/meetings/m1/join", lambda u: {}, {"ana", "ben", "frank"}),
    ("objection", "/api/orgs/acme/meetings/m1/objections", lambda u: {}, {"ana", "ben"}),
    (
        "propose",
        "/api/orgs/acme/meetings/m1/motions",
        lambda u: {"id": f"p-{u}", "act": "remove-chair"},
        {"ana", "ben"},
    ),
    ("vote", "/api/orgs/acme/motions/mo1/votes", lambda u: {"vote": "for"}, {"ana", "ben"}),
    (
        "close-motion",
        "/api/orgs/acme/motions/mo1/close",
        lambda u: {"confirm": True},
        {"ana", "sec", "adm"},  # the chair (ana) presides and declares; ben does not
    ),
    (
        "circulate",
        "/api/orgs/acme/consents",
        lambda u: {"consent": f"c-{u}", "acts": [{"act": "remove-chair"}]},
        {"ana", "ben", "sec", "adm"},
    ),
    (
        "sign",
        "/api/orgs/acme/consents/c1/signatures",
        lambda u: {"confirm": True, "password": f"pw-{u}-0123456789"},
        {"ana", "ben"},
    ),
    (
        "resign",
        "/api/orgs/acme/resignations",
        lambda u: {"positions": ["ceo"] if u == "frank" else ["director"], "confirm": True},
        {"ana", "ben", "frank"},
    ),
    ("interest", "/api/orgs/acme/interests", lambda u: {"matter": "x"}, {"ana", "ben", "frank"}),
    ("announce", "/api/orgs/acme/announcements", lambda u: {"text": "x"}, {"sec", "adm"}),
    (
        "add-account",
        "/api/orgs/acme/accounts",
        lambda u: {"username": f"new-{u}", "role": "observer"},
        {"adm"},
    ),
]


@pytest.mark.parametrize(("name", "path", "body", "allowed"), OPS, ids=[op[0] for op in OPS])
def test_authorization_matrix__writes(
    tmp_path: Path, name: str, path: str, body: Any, allowed: set[str]
) -> None:
    portal = make_portal(tmp_path)
    _ready(portal)
    if name == "notices":
        portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m2"})
    outcome = {}
    for user in ACCOUNTS:
        response = portal.post(user, path.format(u=user), body(user))
        outcome[user] = response.status_code
        assert response.status_code < 500, response.text
        if response.status_code == 403:
            assert response.json()["error"]["message"], response.text
    denied = {u for u, status in outcome.items() if status == 403}
    assert denied == set(ACCOUNTS) - allowed, outcome
    # what was allowed was done (or refused for a reason that is not authorization)
    assert all(outcome[u] in (200, 201, 409) for u in allowed), outcome


@pytest.mark.parametrize("path", ["state", "acts", "journal", "pending", "power"])
def test_authorization_matrix__reads(tmp_path: Path, path: str) -> None:
    portal = make_portal(tmp_path)
    for user in ACCOUNTS:
        status = portal.as_(user).get(f"/api/orgs/acme/{path}").status_code
        assert status == (403 if user in ("gil", "gsec") else 200), (user, status)


def test_a_director_of_one_organisation_cannot_act_in_another(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    _ready(portal)
    # gil is linked to the person 'ana' in globex; the person id is the same, the role is not
    refused = portal.post("gil", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "you have no role in organisation 'acme'"
    reverse = portal.post("ana", "/api/orgs/globex/meetings", {"meeting": "g1"})
    assert reverse.status_code == 403
    assert reverse.json()["error"]["message"] == "you have no role in organisation 'globex'"
    assert portal.post("gil", "/api/orgs/globex/meetings", {"meeting": "g1"}).status_code == 201


def test_observer__is_read_only(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    refused = portal.post("obs", "/api/orgs/acme/announcements", {"text": "x"})
    assert refused.json()["error"] == {
        "status": 403,
        "code": "read-only",
        "message": "observers of 'acme' have read-only access",
    }


def test_secretary__records_an_act_of_a_named_person_but_directors_cannot(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    portal.meeting(present=("ana",))
    by_secretary = portal.post("sec", "/api/orgs/acme/meetings/m1/join", {"person": "ben"})
    assert by_secretary.status_code == 201
    by_director = portal.post("ana", "/api/orgs/acme/meetings/m1/join", {"person": "cleo"})
    assert by_director.status_code == 403
    assert by_director.json()["error"]["message"] == (
        "only a secretary or admin may record an act of 'cleo'"
    )


@pytest.mark.parametrize(
    ("chair", "person", "present", "expected"),
    [
        ("ana", "ana", {"ana", "ben"}, True),  # the chair presides
        ("ana", "ben", {"ana", "ben"}, False),  # another director does not
        (None, "ben", {"ben"}, True),  # no chair in office: a director present presides
        (None, "ben", {"cleo"}, False),  # ... not one absent
        (None, "zed", {"zed"}, False),  # not a director now: never
        ("ana", None, {"ana"}, False),  # an account acting as no person
    ],
)
def test_presides__the_one_rule_the_board_and_the_portal_share(
    chair: str | None, person: str | None, present: set[str], expected: bool
) -> None:
    import tempfile
    from dataclasses import replace

    from charter.load.case import load_case
    from charter.replay.engine import initial_state
    from charter.service.board import presides
    from service_support import write_case

    case, _ = load_case(write_case(Path(tempfile.mkdtemp()) / "acme"))
    assert case is not None
    state = replace(initial_state(case), chair=chair)
    assert presides(state, person, present) is expected
