"""Verdicts that must be right in law on cases outside the bundled one (issue 16, governance).

Each test writes the few journal events it is about; the board is govkit's (ann, bob, cat, dan,
eve on five seats, ann in the chair, fay the CEO).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from charter.cli import app
from charter.load.profiles import shipped_profiles
from charter.model.kinds import Outcome, Severity, Status
from charter.replay import replay
from charter.report.governance_render import print_timeline
from govkit import DIRECTORS, check, failed_rules, load, scenario, verdict, write_case

ALL = "[" + ", ".join(DIRECTORS) + "]"


def notice_and_meeting(
    *, notice_at: str = "2023-04-29T08:00:00", to: str = ALL, present: str = ALL, extra: str = ""
) -> str:
    return f"""
    - {{at: {notice_at}, kind: notice, meeting: m1, to: {to}, channel: email{extra}}}
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: special
      called_by: [ann]
      remote: false
      present: {present}
    """


FIRE_FAY = """
- id: fire-fay
  at: 2023-05-01T10:30:00
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {person: fay, office: ceo}
  votes: {ann: for, bob: for, cat: for, dan: against, eve: for}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- 1. a vote by someone not in office is judged, never a load error ------------------------


REMOVE_BOB_THEN_VOTE = (
    notice_and_meeting()
    + """
- id: remove-bob
  at: 2023-05-01T10:10:00
  kind: motion
  meeting: m1
  act: remove-director
  subject: {person: bob}
  votes: {ann: for, cat: for, dan: for, eve: for}
"""
    + FIRE_FAY
)


@pytest.mark.parametrize("profile", shipped_profiles())
def test_vote_by_a_removed_director__replays_under_every_profile(
    tmp_path: Path, profile: str
) -> None:
    write_case(tmp_path, REMOVE_BOB_THEN_VOTE)
    code, out, err = run("replay", str(tmp_path), "--bylaws", profile, "--json")
    assert code == 0, err
    acts = {a["id"]: a for a in json.loads(out)["acts"]}
    removed = acts["remove-bob"]["status"] in ("valid", "valid_with_warnings", "conditional")
    rules = [c["rule"] for c in acts["fire-fay"]["checks"]]
    if removed:
        (c,) = [c for c in acts["fire-fay"]["checks"] if c["rule"] == "votes.not-directors"]
        assert c["passed"] is False
        assert c["severity"] == "warning"
        assert c["detail"] == (
            "vote by bob disregarded: not a director at 2023-05-01 10:30, removed by act "
            "remove-bob at 2023-05-01 10:10 (only directors in office vote; not counted)"
        )
    else:  # the removal is void here: bob is still a director and his vote counts
        assert "votes.not-directors" not in rules
    code, _, err = run("check", str(tmp_path))
    assert code == 0, err


def test_vote_by_a_removed_director__some_profile_removes_him(tmp_path: Path) -> None:
    # The parametrised test above means something only if a profile lets the board remove bob.
    statuses = {}
    for profile in shipped_profiles():
        t = scenario(tmp_path / profile, REMOVE_BOB_THEN_VOTE, bylaws=profile)
        statuses[profile] = verdict(t, "remove-bob").status
        fire = verdict(t, "fire-fay")
        if statuses[profile] is Status.VALID:
            assert fire.status is Status.VALID_WITH_WARNINGS
            assert failed_rules(fire) == ["votes.not-directors"]
            # ann, cat, eve for and dan against among the four directors present: it passes.
            assert check(fire, "threshold.remove-officer").outcome is Outcome.PASSED
    assert Status.VALID in statuses.values()
    assert statuses["delaware-stock"] is Status.VOID  # DGCL §141(k): not by the board


def test_vote_by_someone_elected_by_a_void_act__says_so(tmp_path: Path) -> None:
    # Under delaware-stock the board cannot remove bob, so electing hal to "his" seat is void:
    # hal sits de facto, and his vote is disregarded with the reason.
    events = (
        notice_and_meeting()
        + """
- id: remove-bob
  at: 2023-05-01T10:10:00
  kind: motion
  meeting: m1
  act: remove-director
  subject: {person: bob}
  votes: {ann: for, cat: for, dan: for, eve: for}
- id: elect-hal
  at: 2023-05-01T10:20:00
  kind: motion
  meeting: m1
  act: fill-vacancy
  subject: {person: hal}
  votes: {ann: for, cat: for, dan: for, eve: for}
"""
        + FIRE_FAY.replace("eve: for}", "eve: for, hal: for}")
    )
    fire = verdict(scenario(tmp_path, events), "fire-fay")
    detail = check(fire, "votes.not-directors").detail
    assert detail.startswith(
        "vote by hal disregarded: not a director at 2023-05-01 10:30, seated by act elect-hal "
        "at 2023-05-01 10:20, which is void"
    )


def test_signature_by_a_non_director__disregarded_in_a_consent(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T09:00:00
      kind: consent-circulated
      consent: c1
      acts:
        - {id: fire-fay, act: remove-officer, subject: {person: fay, office: ceo}}
    - {at: 2023-05-01T09:10:00, kind: consent-signed, consent: c1, by: hal}
    - {at: 2023-05-01T09:20:00, kind: consent-signed, consent: c1, by: ann}
    """
    case, diagnostics = load(tmp_path, events)
    assert case is not None, diagnostics
    t = replay(case)
    assert t.diagnostics == ()
    v = verdict(t, "fire-fay")
    assert check(v, "votes.not-directors").detail.startswith(
        "signature by hal disregarded: not a director at 2023-05-01 09:20"
    )


# -- 2. notice is owed to the directors in office when the meeting opened ---------------------


def test_notice__a_director_elected_at_the_meeting_is_not_owed_notice_of_it(
    tmp_path: Path,
) -> None:
    four = "[ann, bob, cat, dan]"
    events = (
        notice_and_meeting(to=four, present=four)
        + """
- id: seat-eve
  at: 2023-05-01T10:10:00
  kind: motion
  meeting: m1
  act: fill-vacancy
  subject: {person: eve}
  votes: {ann: for, bob: for, cat: for, dan: for}
- {at: 2023-05-01T10:11:00, kind: joined, meeting: m1, person: eve}
"""
        + FIRE_FAY
    )
    t = scenario(tmp_path, events, directors=("ann", "bob", "cat", "dan"), seats=5)
    v = verdict(t, "fire-fay")
    assert check(v, "notice.special-meeting").detail == "all 4 directors notified or waived"
    assert v.status is Status.VALID


def test_notice__a_director_removed_during_the_meeting_was_still_owed_notice(
    tmp_path: Path,
) -> None:
    # Notice is judged over the board at the opening: bob, never noticed and absent, voids the
    # meeting's acts even after it removed him.
    rest = "[ann, cat, dan, eve]"
    events = (
        notice_and_meeting(to=rest, present=rest).replace(
            "present:", "not_notified: [bob]\n      present:"
        )
        + """
- id: remove-bob
  at: 2023-05-01T10:10:00
  kind: motion
  meeting: m1
  act: remove-director
  subject: {person: bob}
  votes: {ann: for, cat: for, dan: for, eve: for}
"""
        + FIRE_FAY.replace("bob: for, ", "")
    )
    t = scenario(tmp_path, events, profile="delaware-nonstock")
    v = verdict(t, "fire-fay")
    assert "bob (no notice recorded, absent)" in check(v, "notice.special-meeting").detail
    assert v.status is Status.VOID


# -- 3. a notice given without saying whether it stated the purpose ---------------------------


def test_notice__purpose_not_recorded_says_notice_was_given(tmp_path: Path) -> None:
    # Roberts Rules want the purpose stated; eve's notice does not say whether it did.
    events = """
    - at: 2023-04-29T08:00:00
      kind: notice
      meeting: m1
      to: [ann, bob, cat, dan]
      channel: email
      purpose_stated: true
    - {at: 2023-04-29T08:00:00, kind: notice, meeting: m1, to: [eve], channel: email}
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: special
      called_by: [ann]
      remote: false
      present: [ann, bob, cat, dan, eve]
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY, profile="roberts-rules"), "fire-fay")
    c = check(v, "notice.special-meeting")
    assert c.outcome is Outcome.UNKNOWN
    assert "no notice recorded" not in c.detail
    assert "not known whether given)" not in c.detail
    assert c.detail == (
        "notice required to each of 5 directors; not known whether given as required to eve: "
        "eve (notice given (email 50 h before); whether it stated the purpose is not recorded)"
    )
    assert v.missing_facts == ("whether the notice to eve of m1 stated the purpose",)


# -- 4. the safe harbour: absent directors are not unknown votes ------------------------------


def test_safe_harbour__absent_directors_did_not_vote(tmp_path: Path) -> None:
    events = (
        notice_and_meeting(present="[ann, bob, cat]")
        + """
- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, motion: deal}
- id: deal
  at: 2023-05-01T10:30:00
  kind: motion
  meeting: m1
  act: approve-transaction
  votes: {ann: for, bob: recused, cat: for}
"""
    )
    v = verdict(scenario(tmp_path, events), "deal")
    c = check(v, "recusal.safe-harbour")
    # dan and eve were absent: 2 of the 4 disinterested directors, known, not "2 unknown".
    assert c.outcome is Outcome.FAILED
    assert c.detail == (
        "safe harbour needs a majority of the 4 disinterested directors (3); found 2 for"
    )
    assert v.status is Status.VALID_WITH_WARNINGS


def test_safe_harbour__a_present_director_without_a_vote_is_unknown(tmp_path: Path) -> None:
    events = (
        notice_and_meeting(present="[ann, bob, cat, dan]")
        + """
- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, motion: deal}
- id: deal
  at: 2023-05-01T10:30:00
  kind: motion
  meeting: m1
  act: approve-transaction
  votes: {ann: for, bob: recused, cat: for}
"""
    )
    v = verdict(scenario(tmp_path, events), "deal")
    c = check(v, "recusal.safe-harbour")
    assert c.outcome is Outcome.UNKNOWN
    assert c.detail.endswith("found 2 for, 1 unknown (dan)")
    assert "vote of dan" in v.missing_facts
    assert "vote of eve" not in v.missing_facts


# -- 7. a defect cured by waiver is a warning -------------------------------------------------


def test_waiver__short_notice_waived_is_valid_with_warnings(tmp_path: Path) -> None:
    events = notice_and_meeting(notice_at="2023-04-30T11:00:00") + FIRE_FAY
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VALID_WITH_WARNINGS
    c = check(v, "notice.waived")
    assert (c.outcome, c.severity, c.citation) == (Outcome.FAILED, Severity.WARNING, "DGCL §229")
    assert c.detail == (
        "notice of special meeting m1 fell short for ann, bob, cat, dan, eve "
        "(email 23 h before, 24 h required), cured by attendance without objection at the start "
        "(waiver of notice)"
    )
    console = Console(record=True, width=300)
    print_timeline(console, scenario(tmp_path / "again", events))
    text = console.export_text()
    assert "notice.waived [warning]" in text
    assert "[DGCL §229]" in text


def test_waiver__an_objection_at_the_start_is_named(tmp_path: Path) -> None:
    events = (
        notice_and_meeting(notice_at="2023-04-30T11:00:00")
        + "- {at: 2023-05-01T10:00:00, kind: objection, meeting: m1, person: eve, at_start: true}\n"
        + FIRE_FAY
    )
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VOID
    detail = check(v, "notice.special-meeting").detail
    assert (
        "eve (email 23 h before, 24 h required; attended but objected at the start, so "
        "attendance did not waive notice)"
    ) in detail
    # the others' shortfall was waived, and is still said
    assert "notice.waived" not in failed_rules(v)  # the act is void: the notice decides


def test_waiver__adequate_notice_gives_no_warning(tmp_path: Path) -> None:
    v = verdict(scenario(tmp_path, notice_and_meeting() + FIRE_FAY), "fire-fay")
    assert v.status is Status.VALID
    assert "notice.waived" not in [c.rule for c in v.checks]


# -- 8. a consent never adopted: status, check and words agree --------------------------------


NEVER_ADOPTED = """
- at: 2023-05-01T09:00:00
  kind: consent-circulated
  consent: c1
  acts:
    - {id: fire-fay, act: remove-officer, subject: {person: fay, office: ceo}}
- {at: 2023-05-01T09:10:00, kind: consent-signed, consent: c1, by: ann}
- {at: 2023-05-01T09:20:00, kind: consent-signed, consent: c1, by: bob}
"""


FIRE_GUS_LATER = """
- id: fire-gus
  at: 2023-05-01T10:21:00
  kind: motion
  form: without-meeting
  act: remove-officer
  subject: {person: gus, office: cfo}
  votes: {ann: for, bob: for, cat: for, dan: for, eve: for}
"""


def test_consent_never_adopted__fails_and_says_not_adopted(tmp_path: Path) -> None:
    t = scenario(tmp_path, NEVER_ADOPTED)
    v = verdict(t, "fire-fay")
    assert (v.status, v.declared) == (Status.FAILED, "not adopted")
    failed = [c for c in v.checks if c.outcome is Outcome.FAILED]
    assert failed
    assert all(c.severity is Severity.FAILED for c in failed)
    assert check(v, "consent.threshold").detail.startswith("not adopted: ")
    console = Console(record=True, width=300)
    print_timeline(console, t)
    text = console.export_text()
    assert "[void]" not in text
    assert "consent.threshold [failed] not adopted: " in text
    assert "failed (not adopted)" in text
    code, out, _ = run("replay", str(tmp_path), "--json")
    assert code == 0
    (act,) = json.loads(out)["acts"]
    assert (act["status"], act["declared"]) == ("failed", "not adopted")
    assert {c["severity"] for c in act["checks"] if c["passed"] is False} == {"failed"}


def test_consent_declared_adopted_short_of_signatures__is_void(tmp_path: Path) -> None:
    # The organisation acted on it: a defective consent, not one that was never adopted.
    events = NEVER_ADOPTED + "- {at: 2023-05-01T09:30:00, kind: consent-adopted, consent: c1}\n"
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert (v.status, v.declared) == (Status.VOID, "adopted")
    assert check(v, "consent.threshold").severity is Severity.VOID


def test_a_vote_that_fell_short__fails_with_a_check_that_says_failed(tmp_path: Path) -> None:
    events = notice_and_meeting() + FIRE_FAY.replace("cat: for", "cat: against").replace(
        "eve: for", "eve: against"
    )
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.FAILED
    assert check(v, "threshold.remove-officer").severity is Severity.FAILED


# -- 9. acts in time order in every output ----------------------------------------------------


def test_order__a_consent_never_completed_is_listed_at_its_time(tmp_path: Path) -> None:
    events = (
        notice_and_meeting()
        + """
- at: 2023-05-01T10:20:00
  kind: consent-circulated
  consent: c1
  acts:
    - {id: hire-hal, act: appoint-officer, subject: {person: hal, office: coo}}
- {at: 2023-05-01T10:20:00, kind: consent-signed, consent: c1, by: ann}
- id: fire-fay
  at: 2023-05-01T10:21:00
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {person: fay, office: ceo}
  votes: {ann: for, bob: for, cat: for, dan: against, eve: for}
- id: fire-gus
  at: 2023-05-01T10:21:00
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {person: gus, office: cfo}
  votes: {ann: for, bob: for, cat: for, dan: against, eve: for}
"""
    )
    write_case(tmp_path, events)
    for profile in shipped_profiles():
        case, _ = load(tmp_path, events, profile=profile)
        assert case is not None
        t = replay(case)
        assert [v.id for v in t.verdicts] == ["hire-hal", "fire-fay", "fire-gus"], profile
        times = [v.at for v in t.verdicts]
        assert times == sorted(times)
        code, out, _ = run("replay", str(tmp_path), "--bylaws", profile, "--json")
        assert code == 0
        assert [a["id"] for a in json.loads(out)["acts"]] == ["hire-hal", "fire-fay", "fire-gus"]


def test_order__the_web_timeline_lists_acts_in_time_order_and_opens_at_the_last(
    tmp_path: Path,
) -> None:
    from fastapi.testclient import TestClient

    from charter.web import DirectoryCaseSource, create_app

    case_dir = tmp_path / "acme"
    write_case(case_dir, NEVER_ADOPTED + FIRE_GUS_LATER, profile="delaware-nonstock")
    client = TestClient(create_app(DirectoryCaseSource([case_dir])))
    page = client.get("/orgs/acme/timeline?profile=delaware-nonstock").text
    assert page.index('id="act-fire-fay"') < page.index('id="act-fire-gus"')
    # the default moment is the last act's (10:21), not the unfinished consent's (09:20)
    assert "State at 01 May 2023 10:21" in page


# -- 10. an interest declared without a motion --------------------------------------------------


def test_interest_without_a_motion__irrelevant_where_it_changes_nothing(tmp_path: Path) -> None:
    events = (
        notice_and_meeting()
        + """
- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, matter: supplier}
- id: deal
  at: 2023-05-01T10:30:00
  kind: motion
  meeting: m1
  act: approve-transaction
  votes: {ann: for, bob: for, cat: for, dan: for, eve: against}
"""
    )
    v = verdict(scenario(tmp_path, events), "deal")
    # 3 of the 4 disinterested approved: the safe harbour holds whether or not bob is interested
    assert v.status is Status.VALID
    assert check(v, "recusal.interest-scope").detail == (
        "bob's interest (declared without naming a motion): whether it concerns deal does not "
        "change the verdict"
    )


def test_interest_without_a_motion__no_effect_on_other_kinds_of_act(tmp_path: Path) -> None:
    events = (
        notice_and_meeting()
        + "- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, matter: x}\n"
        + FIRE_FAY
    )
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VALID
    assert not [c for c in v.checks if c.rule.startswith("recusal.")]


# -- the notice memo is the replay's, not a module's ------------------------------------------


def test_memo__rules_hold_no_module_state() -> None:
    # (``charter.rules.notice`` as an attribute is the rule function the package re-exports)
    notice_module = importlib.import_module("charter.rules.notice")
    mutable = {
        name
        for name, value in vars(notice_module).items()
        if isinstance(value, dict | list | set) and not name.startswith("__")
    }
    assert mutable == set()


def test_memo__kept_on_the_replays_meeting(tmp_path: Path) -> None:
    t = scenario(tmp_path, notice_and_meeting() + FIRE_FAY)
    assert t.fold is not None
    assert t.fold.meetings["m1"].memo  # the notice judgement, remembered with the meeting
