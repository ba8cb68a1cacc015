"""Invalid bylaws amendments: refused by ``charter check`` where a file names them, judged in
replay (the act is void, says why, and changes nothing) wherever they come from, and refused
at proposal by the service (422 with the reason).  One core judgement for all three:
``charter.model.floors.judge_amendment``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from charter.load.profiles import load_profile
from charter.model.case import Case
from charter.model.journal import Amendment
from charter.model.kinds import Outcome, Status, View
from charter.replay import Timeline, replay
from govkit import check, load, rendered, verdict
from service_support import CHARTER, Portal, make_portal

AMEND = """
- id: amend
  at: 2023-04-01T10:00:00
  kind: motion
  form: written-consent
  act: amend-bylaws
  amendment: {set: {quorum.fraction: 2/3}}
  votes: {ann: for, bob: for, cat: for, dan: for, eve: for}
"""

BAD_VALUES = [
    ("0", "quorum.fraction: '0' is outside (0, 1]"),
    ("1/0", "quorum.fraction: '1/0' is not a fraction"),
    ("-1/2", "quorum.fraction: '-1/2' is outside (0, 1]"),
    ("3/2", "quorum.fraction: '3/2' is outside (0, 1]"),
    ("banana", "quorum.fraction: 'banana' is not a fraction"),
]
BAD_KEYS = [
    ({"quorum.bogus": "1"}, "no bylaws parameter 'quorum.bogus'"),
    ({"bogus": "1"}, "no bylaws parameter 'bogus'"),
    ({"thresholds.remove-oficer.fraction": "majority"}, "no bylaws parameter"),
    ({"kind": "none"}, "'kind' cannot be changed by amending the bylaws"),
    ({"quorum.source": "certificate"}, "'quorum.source' cannot be changed by amending"),
]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def case_with(tmp_path: Path, profile: str = "delaware-stock") -> Case:
    case, diagnostics = load(tmp_path, AMEND, profile=profile)
    assert case is not None, diagnostics
    return case


def amended(case: Case, settings: dict[str, Any]) -> Case:
    """The case with the amendment's settings replaced, as the service's store or a profile
    other than the loader's could bring them to replay (past ``charter check``)."""
    entries = tuple(
        replace(e, event=e.event.model_copy(update={"amendment": Amendment(set=settings)}))
        if e.event.id == "amend"
        else e
        for e in case.entries
    )
    return replace(case, entries=entries)


def assert_changes_nothing(t: Timeline) -> None:
    after = t.state_at(at("2023-05-01T00:00:00"), View.DE_JURE)
    assert after.bylaws.quorum.fraction == "majority"
    assert after.bylaws_ref == "delaware-stock"


# -- in replay --------------------------------------------------------------------------------


def test_replay__a_valid_amendment_takes_effect(tmp_path: Path) -> None:
    t = replay(case_with(tmp_path))
    v = verdict(t, "amend")
    assert v.status is Status.VALID
    assert check(v, "amendment.valid").outcome is Outcome.PASSED
    after = t.state_at(at("2023-05-01T00:00:00"))
    assert after.bylaws.quorum.fraction == "2/3"


@pytest.mark.parametrize(("value", "why"), BAD_VALUES)
def test_replay__an_invalid_value_is_void_says_why_and_changes_nothing(
    tmp_path: Path, value: str, why: str
) -> None:
    t = replay(amended(case_with(tmp_path), {"quorum.fraction": value}))
    v = verdict(t, "amend")
    assert v.status is Status.VOID
    c = check(v, "amendment.valid")
    assert c.outcome is Outcome.FAILED
    assert c.detail.startswith(f"amend-bylaws: {why}; the amendment changes nothing")
    assert_changes_nothing(t)


@pytest.mark.parametrize(("settings", "why"), BAD_KEYS)
def test_replay__an_unknown_or_forbidden_key_is_void(
    tmp_path: Path, settings: dict[str, Any], why: str
) -> None:
    t = replay(amended(case_with(tmp_path), settings))
    v = verdict(t, "amend")
    assert v.status is Status.VOID
    assert why in check(v, "amendment.valid").detail
    assert_changes_nothing(t)


def test_replay__judged_against_the_bylaws_in_force_not_those_of_the_loader(
    tmp_path: Path,
) -> None:
    # Loaded under Robert's Rules (no statute: a quorum of a quarter is allowed), replayed under
    # delaware-stock: there the amendment is below DGCL §141(b), and is void.
    case = amended(case_with(tmp_path, "roberts-rules"), {"quorum.fraction": "1/4"})
    assert verdict(replay(case), "amend").status is Status.VALID
    stock, _ = load_profile("delaware-stock")
    assert stock is not None
    t = replay(case, bylaws=stock)
    v = verdict(t, "amend")
    assert v.status is Status.VOID
    c = check(v, "amendment.floor")
    assert c.citation == "DGCL §141(b)"
    assert c.detail.startswith(
        "amend-bylaws: amendment: quorum.fraction: a quorum of 1/4 of the authorized seats is "
        "below the statutory floor"
    )
    assert_changes_nothing(t)


# -- in charter check ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "why"), BAD_VALUES)
def test_check__an_invalid_value_is_a_located_error(tmp_path: Path, value: str, why: str) -> None:
    case, diagnostics = load(tmp_path, AMEND.replace("2/3", f"'{value}'"))
    assert case is None
    (found,) = rendered(diagnostics, tmp_path)
    assert found.startswith(f"journal.yaml:7:40: error: {why}")


# -- at proposal, in the service --------------------------------------------------------------


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path, charter=CHARTER.replace("delaware-nonstock", "delaware-stock"))


def propose(portal: Portal, settings: dict[str, Any]) -> Any:
    body = {"id": "amend", "act": "amend-bylaws", "amendment": {"set": settings}}
    return portal.post("ana", "/api/orgs/acme/meetings/m1/motions", body)


@pytest.mark.parametrize(
    ("settings", "why"),
    [({"quorum.fraction": v}, w) for v, w in BAD_VALUES]
    + BAD_KEYS
    + [
        (
            {"quorum.fraction": "1/4"},
            "amendment: quorum.fraction: a quorum of 1/4 of the authorized seats is below the "
            "statutory floor [DGCL §141(b)",
        ),
    ],
)
def test_service__an_invalid_amendment_is_refused_at_proposal(
    portal: Portal, settings: dict[str, Any], why: str
) -> None:
    portal.meeting()
    refused = propose(portal, settings)
    assert refused.status_code == 422, refused.json()
    error = refused.json()["error"]
    assert error["code"] == "invalid-amendment"
    assert why in error["message"]
    pending = portal.as_("obs").get("/api/orgs/acme/pending").json()
    assert pending["motions"] == []  # nothing was recorded


def test_service__a_valid_amendment_is_proposed(portal: Portal) -> None:
    portal.meeting()
    proposed = propose(portal, {"quorum.fraction": "1/3"})
    assert proposed.status_code == 201, proposed.json()


def test_service__an_invalid_amendment_in_a_consent_is_refused(portal: Portal) -> None:
    act = {"id": "amend", "act": "amend-bylaws", "amendment": {"set": {"quorum.fraction": "0"}}}
    refused = portal.post("sec", "/api/orgs/acme/consents", {"consent": "c1", "acts": [act]})
    assert refused.status_code == 422
    assert "'0' is outside (0, 1]" in refused.json()["error"]["message"]
