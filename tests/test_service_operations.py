"""Running a board through the service: what cannot happen is refused, what is defective is
recorded only when confirmed, and the verdicts are the rules engine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.service import board as board_module
from charter.store.journal_io import case_from_records
from service_support import DIRECTORS, Portal, make_portal


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def _vote(portal: Portal, who: str, vote: str = "for", **extra: object) -> object:
    return portal.post(who, "/api/orgs/acme/motions/mo1/votes", {"vote": vote, **extra})


def test_meeting__called_noticed_voted_closed_is_valid(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    for who in ("ana", "ben", "cleo"):
        assert _vote(portal, who).status_code == 201
    closed = portal.post("sec", "/api/orgs/acme/motions/mo1/close")
    assert closed.status_code == 201, closed.json()
    verdict = closed.json()["verdicts"][0]
    assert verdict["status"] == "valid"
    assert closed.json()["declared"] == "adopted"
    state = portal.as_("obs").get("/api/orgs/acme/state").json()
    assert state["officers"] == {}  # frank is no longer ceo
    journal = portal.as_("obs").get("/api/orgs/acme/journal").text
    assert "votes: {ana: for, ben: for, cleo: for, dan: abstain, eve: abstain}" in journal


def test_vote__by_a_person_who_is_not_a_director_is_403(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    refused = _vote(portal, "frank")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "frank may not vote: not a director of acme at 2026-02-03T10:00:00+00:00 "
        "(per the replayed record; directors: ana, ben, cleo, dan, eve)"
    )


def test_vote__second_vote_by_the_same_director_is_409(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    assert _vote(portal, "ben").status_code == 201
    again = _vote(portal, "ben", "against")
    assert again.status_code == 409
    assert again.json()["error"] == {
        "status": 409,
        "code": "already-voted",
        "message": "ben already voted 'for' on motion 'mo1'",
    }


def test_vote__on_a_closed_motion_is_409(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    for who in ("ana", "ben", "cleo"):
        _vote(portal, who)
    assert portal.post("sec", "/api/orgs/acme/motions/mo1/close").status_code == 201
    late = _vote(portal, "dan")
    assert late.status_code == 409
    assert late.json()["error"]["message"] == "motion 'mo1' is closed"


def test_vote__malformed_input_is_422_with_the_field(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    bad = _vote(portal, "ben", "maybe")
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("body.vote: Input should be 'for'")
    unknown_field = portal.post(
        "ben", "/api/orgs/acme/motions/mo1/votes", {"vote": "for", "confrim": True}
    )
    assert unknown_field.status_code == 422
    assert (
        unknown_field.json()["error"]["message"] == "body.confrim: Extra inputs are not permitted"
    )


def test_vote__unknown_motion_is_404(portal: Portal) -> None:
    portal.meeting()
    missing = portal.post("ben", "/api/orgs/acme/motions/nope/votes", {"vote": "for"})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no motion 'nope' in this organisation"


def test_vote__without_notice_warns_and_needs_confirmation(portal: Portal) -> None:
    # Called but never noticed; only three directors attend: notice to dan and eve fails.
    portal.meeting(present=("ana", "ben", "cleo"), notice=False)
    portal.motion()
    warned = _vote(portal, "ben")
    assert warned.status_code == 409
    body = warned.json()
    assert body["error"]["code"] == "confirm"
    assert body["error"]["message"] == (
        "the vote would be recorded on a motion that is legally defective "
        '(notice.special-meeting): send "confirm": true to vote anyway'
    )
    assert [w["rule"] for w in body["warnings"]] == ["notice.special-meeting"]
    assert body["verdicts"][0]["status"] == "void"
    pending = portal.as_("obs").get("/api/orgs/acme/pending").json()
    assert pending["motions"][0]["votes"] == {}  # nothing was recorded
    confirmed = _vote(portal, "ben", confirm=True)
    assert confirmed.status_code == 201
    assert [w["rule"] for w in confirmed.json()["warnings"]] == ["notice.special-meeting"]


def test_close_motion__defective_act_is_recorded_with_its_verdict_when_confirmed(
    portal: Portal,
) -> None:
    portal.meeting(present=("ana", "ben", "cleo"), notice=False)
    portal.motion()
    for who in ("ana", "ben", "cleo"):
        assert _vote(portal, who, confirm=True).status_code == 201
    warned = portal.post("sec", "/api/orgs/acme/motions/mo1/close")
    assert warned.status_code == 409
    assert warned.json()["verdicts"][0]["failed_rules"] == ["notice.special-meeting"]
    closed = portal.post("sec", "/api/orgs/acme/motions/mo1/close", {"confirm": True})
    assert closed.status_code == 201
    assert closed.json()["verdicts"][0]["status"] == "void"
    acts = portal.as_("obs").get("/api/orgs/acme/acts").json()["acts"]
    assert [(a["id"], a["status"]) for a in acts] == [("mo1", "void")]
    # a void removal does not take effect de jure; the organisation acted on it de facto
    jure = portal.as_("obs").get("/api/orgs/acme/state").json()
    facto = portal.as_("obs").get("/api/orgs/acme/state", params={"view": "de-facto"}).json()
    assert jure["officers"] == {"ceo": "frank"}
    assert facto["officers"] == {}


def test_close_motion__not_enough_votes_is_declared_rejected(portal: Portal) -> None:
    portal.meeting()
    portal.motion()
    _vote(portal, "ana")
    _vote(portal, "ben", "against")
    _vote(portal, "cleo", "against")
    closed = portal.post("sec", "/api/orgs/acme/motions/mo1/close")
    assert closed.status_code == 201
    assert closed.json()["declared"] == "rejected"
    assert closed.json()["verdicts"][0]["status"] == "failed"
    state = portal.as_("obs").get("/api/orgs/acme/state", params={"view": "de-facto"}).json()
    assert state["officers"] == {"ceo": "frank"}


def test_call_meeting__only_callers_the_bylaws_allow(portal: Portal) -> None:
    refused = portal.post("ben", "/api/orgs/acme/meetings", {"meeting": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "ben may not call a special meeting of acme: the bylaws (delaware-nonstock) allow "
        "chair, ceo, president, secretary, or 2 directors together"
    )
    together = portal.post(
        "sec", "/api/orgs/acme/meetings", {"meeting": "x", "called_by": ["ben", "cleo"]}
    )
    assert together.status_code == 201
    assert together.json()["meeting"]["called_by"] == ["ben", "cleo"]
    duplicate = portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "x"})
    assert duplicate.status_code == 409


def test_meeting__operations_on_a_meeting_not_open(portal: Portal) -> None:
    portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m1"})
    motion = portal.post(
        "ana",
        "/api/orgs/acme/meetings/m1/motions",
        {"act": "remove-chair", "subject": {"person": "ana"}},
    )
    assert motion.status_code == 409
    assert motion.json()["error"]["message"] == "meeting 'm1' has not been opened"
    unknown = portal.post("ana", "/api/orgs/acme/meetings/zz/join")
    assert unknown.status_code == 404
    nobody = portal.post("sec", "/api/orgs/acme/meetings/m1/open")
    assert nobody.status_code == 409  # nobody present: opened only when confirmed
    assert nobody.json()["error"]["code"] == "confirm"
    assert (
        portal.post("sec", "/api/orgs/acme/meetings/m1/open", {"confirm": True}).status_code == 201
    )
    again = portal.post("sec", "/api/orgs/acme/meetings/m1/open", {"confirm": True})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "meeting-opened"
    assert portal.post("sec", "/api/orgs/acme/meetings/m1/close").status_code == 201
    after = portal.post("ben", "/api/orgs/acme/meetings/m1/join")
    assert after.status_code == 409
    assert after.json()["error"]["message"] == "meeting 'm1' is closed"


def test_meeting__join_leave_object_and_motions_must_close_first(portal: Portal) -> None:
    portal.meeting(present=("ana",))
    objection = portal.post("ben", "/api/orgs/acme/meetings/m1/objections")
    assert objection.status_code == 201
    assert objection.json()["at_start"] is True
    assert portal.post("ben", "/api/orgs/acme/meetings/m1/join").status_code == 201
    assert portal.post("ben", "/api/orgs/acme/meetings/m1/join").status_code == 409
    assert portal.post("ben", "/api/orgs/acme/meetings/m1/leave").status_code == 201
    assert portal.post("ben", "/api/orgs/acme/meetings/m1/leave").status_code == 409
    portal.motion()
    blocked = portal.post("sec", "/api/orgs/acme/meetings/m1/close")
    assert blocked.status_code == 409
    assert blocked.json()["error"]["message"] == "close the open motions first: mo1"
    late = portal.post("cleo", "/api/orgs/acme/meetings/m1/objections")
    assert late.json()["at_start"] is False


def test_motion__malformed_act_is_422(portal: Portal) -> None:
    portal.meeting()
    no_office = portal.post(
        "ana",
        "/api/orgs/acme/meetings/m1/motions",
        {"act": "remove-officer", "subject": {"person": "frank"}},
    )
    assert no_office.status_code == 422
    assert no_office.json()["error"]["message"] == "act 'remove-officer' needs subject.office"
    ghost = portal.post(
        "ana",
        "/api/orgs/acme/meetings/m1/motions",
        {"act": "elect-director", "subject": {"person": "zed"}},
    )
    assert ghost.status_code == 422
    assert ghost.json()["error"]["message"] == "no person 'zed' in 'acme'"
    bad_kind = portal.post("ana", "/api/orgs/acme/meetings/m1/motions", {"act": "fire-everyone"})
    assert bad_kind.status_code == 422


def test_written_consent__unanimous_signatures_adopt_the_act(portal: Portal) -> None:
    act = {"id": "frank-president", "act": "appoint-officer"}
    act["subject"] = {"person": "frank", "office": "president"}  # type: ignore[assignment]
    circulated = portal.post("sec", "/api/orgs/acme/consents", {"consent": "c1", "acts": [act]})
    assert circulated.status_code == 201, circulated.json()
    for who in DIRECTORS[:-1]:
        signed = portal.post(who, "/api/orgs/acme/consents/c1/signatures", signing(portal, who))
        assert signed.status_code == 201, signed.json()
        assert signed.json()["verdicts"] == []  # not adopted yet: no verdict, no warning
    again = portal.post("ana", "/api/orgs/acme/consents/c1/signatures", signing(portal, "ana"))
    assert again.status_code == 409
    unsigned = portal.post("eve", "/api/orgs/acme/consents/c1/signatures")
    assert unsigned.status_code == 422  # no password: not a signature
    wrong = portal.post("eve", "/api/orgs/acme/consents/c1/signatures", {"password": "x" * 12})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "bad-credentials"
    last = portal.post("eve", "/api/orgs/acme/consents/c1/signatures", signing(portal, "eve"))
    assert last.status_code == 201, last.json()
    assert [(v["id"], v["status"], v["form"]) for v in last.json()["verdicts"]] == [
        ("frank-president", "valid", "written-consent")
    ]
    state = portal.as_("obs").get("/api/orgs/acme/state").json()
    assert state["officers"] == {"ceo": "frank", "president": "frank"}
    nope = portal.post("eve", "/api/orgs/acme/consents/nope/signatures", signing(portal, "eve"))
    assert nope.status_code == 404


def test_resignation__of_a_director_changes_who_may_vote(portal: Portal) -> None:
    refused = portal.post("frank", "/api/orgs/acme/resignations", {"positions": ["director"]})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "frank does not hold director (holds: ceo)"
    resigned = portal.post("eve", "/api/orgs/acme/resignations", {"positions": ["director"]})
    assert resigned.status_code == 201, resigned.json()
    assert resigned.json()["verdicts"][0]["kind"] == "resign"
    portal.clock.advance(minutes=1)
    portal.meeting()
    portal.motion()
    refused_vote = _vote(portal, "eve")
    assert refused_vote.status_code == 403
    assert "eve may not vote: not a director of acme" in refused_vote.json()["error"]["message"]


def test_interest_and_announcement_are_recorded_in_the_journal(portal: Portal) -> None:
    declared = portal.post("ben", "/api/orgs/acme/interests", {"matter": "Ben's firm bids"})
    assert declared.status_code == 201
    not_secretary = portal.post("ben", "/api/orgs/acme/announcements", {"text": "hello"})
    assert not_secretary.status_code == 403
    announced = portal.post("sec", "/api/orgs/acme/announcements", {"text": "new CEO search"})
    assert announced.status_code == 201
    journal = portal.as_("obs").get("/api/orgs/acme/journal").text
    assert "kind: interest-declared\n    person: ben\n    matter: Ben's firm bids" in journal
    assert "text: new CEO search" in journal


def test_reads__acts_under_another_profile_power_and_pending(portal: Portal) -> None:
    portal.meeting(present=("ana", "ben", "cleo"), notice=False)
    portal.motion()
    for who in ("ana", "ben", "cleo"):
        _vote(portal, who, confirm=True)
    portal.post("sec", "/api/orgs/acme/motions/mo1/close", {"confirm": True})
    obs = portal.as_("obs")
    default = obs.get("/api/orgs/acme/acts").json()
    other = obs.get("/api/orgs/acme/acts", params={"bylaws": "openai-2016-reported"}).json()
    assert default["profile"] == "delaware-nonstock"
    assert default["acts"][0]["status"] == "void"
    assert other["profile"] == "openai-2016-reported"
    assert other["acts"][0]["status"] == "valid"  # no notice is required under that profile
    bad = obs.get("/api/orgs/acme/acts", params={"bylaws": "../../etc/passwd"})
    assert bad.status_code == 422
    power = obs.get("/api/orgs/acme/power", params={"act": "remove-officer"}).json()
    assert power["directors"] == list(DIRECTORS)
    assert power["acts"][0]["act"] == "remove-officer"
    assert power["acts"][0]["smallest_coalition"] == 3  # a quorum of 5 seats, all voting for
    pending = obs.get("/api/orgs/acme/pending").json()
    assert pending["meetings"][0]["status"] == "open"
    assert pending["motions"][0]["status"] == "closed"


def test_the_view_kept_by_stepping_on_equals_a_rebuild_from_the_store(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each journal event a request decides is stepped on the retained fold
    (``Timeline.extend``) instead of replaying the whole journal: after a meeting with
    notices, joins, a defective motion confirmed, a consent, an interest and a resignation, the
    view is the one a fresh replay of the stored log gives."""
    replays: list[int] = []
    real = board_module.replay
    monkeypatch.setattr(
        board_module, "replay", lambda case, **kw: replays.append(1) or real(case, **kw)
    )
    board = portal.app.state.board
    board.view("acme")  # built once (a full replay) before the requests
    replays.clear()
    portal.meeting(present=("ana", "ben"))
    tick = portal.clock.advance  # as a live board's requests come, one after another
    tick(seconds=1)
    assert portal.post("cleo", "/api/orgs/acme/meetings/m1/join").status_code == 201
    assert portal.post("ben", "/api/orgs/acme/interests", {"matter": "x"}).status_code == 201
    tick(seconds=1)
    portal.motion()
    tick(seconds=1)
    for who in ("ana", "cleo"):
        assert _vote(portal, who, confirm=True).status_code == 201
    assert portal.post("ben", "/api/orgs/acme/meetings/m1/leave").status_code == 201
    tick(seconds=1)
    closed = portal.post("sec", "/api/orgs/acme/motions/mo1/close", {"confirm": True})
    assert closed.status_code == 201, closed.json()
    tick(seconds=1)
    act = {"id": "frank-president", "act": "appoint-officer"}
    act["subject"] = {"person": "frank", "office": "president"}  # type: ignore[assignment]
    assert portal.post("sec", "/api/orgs/acme/consents", {"consent": "c1", "acts": [act]})
    tick(seconds=1)
    for who in ("ana", "ben"):
        signed = portal.post(who, "/api/orgs/acme/consents/c1/signatures", signing(portal, who))
        assert signed.status_code == 201
        tick(seconds=1)
    assert portal.post("eve", "/api/orgs/acme/resignations", {"positions": ["director"]})
    assert replays == []  # every decision stepped on, none replayed the journal

    kept = board.view("acme")
    rebuilt, diagnostics = case_from_records(portal.store.records("acme"), origin="store:acme")
    assert rebuilt is not None, diagnostics
    fresh = real(rebuilt)
    assert kept.timeline.verdicts == fresh.verdicts
    assert kept.timeline.snapshots == fresh.snapshots
    assert kept.case.entries == rebuilt.entries


def signing(portal: Portal, who: str) -> dict[str, str]:
    """A signature's body: the signer's password again."""
    return {"password": portal.passwords[who]}
