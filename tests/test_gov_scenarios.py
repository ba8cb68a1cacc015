"""Scenarios: small inline journals, each about one question of board procedure.

The default board (tests/govkit.py): directors ann, bob, cat, dan, eve on 5 seats, ann chairs,
fay is CEO and gus CFO (neither a director).  Times are UTC.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from charter.model.kinds import Outcome, Status, View
from govkit import check, failed_rules, scenario, verdict

ALL = "[ann, bob, cat, dan, eve]"


def special_meeting(
    *, notice_at: str = "2023-05-01T08:00:00", present: str = ALL, channel: str = "email"
) -> str:
    """A special meeting called by the chair at 10:00 on 1 May, noticed at ``notice_at``."""
    return f"""
    - {{at: {notice_at}, kind: notice, meeting: m1, to: {ALL}, channel: {channel}}}
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
  votes: {ann: for, bob: for, cat: for, dan: against, eve: against}
"""


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# -- notice and its waiver -------------------------------------------------------------------


def test_notice__twenty_four_hours_by_email_is_enough(tmp_path: Path) -> None:
    t = scenario(tmp_path, special_meeting(notice_at="2023-04-30T10:00:00") + FIRE_FAY)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "notice.special-meeting").detail == "all 5 directors notified or waived"


def test_notice__short_notice_waived_by_attendance(tmp_path: Path) -> None:
    # Two hours' notice by email where 24 are owed; everyone came, nobody objected: DGCL §229.
    # Cured, but still said: a warning naming the shortfall and the waiver.
    t = scenario(tmp_path, special_meeting() + FIRE_FAY)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID_WITH_WARNINGS
    assert failed_rules(v) == ["notice.waived"]
    c = check(v, "notice.special-meeting")
    assert c.outcome is Outcome.PASSED
    assert c.detail.startswith("all 5 directors notified or waived; ")
    assert "eve (notice waived by attendance)" in c.detail


def test_notice__short_notice_to_an_absent_director_voids_the_act(tmp_path: Path) -> None:
    t = scenario(tmp_path, special_meeting(present="[ann, bob, cat, dan]") + FIRE_FAY)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert failed_rules(v) == ["notice.special-meeting"]
    assert check(v, "notice.special-meeting").detail == (
        "remove-officer fay as ceo at special meeting m1: notice required to each of 5 "
        "directors; not given and not waived for 1: eve (email 2 h before, 24 h required, "
        "absent)"
    )
    # Void acts do not take effect de jure; the organisation acted on it de facto.
    after = at("2023-05-02T00:00:00")
    assert t.state_at(after, View.DE_JURE).holder("ceo") == "fay"
    assert t.state_at(after, View.DE_FACTO).holder("ceo") is None


def test_notice__no_notice_at_all_to_the_absent_director(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: special
      called_by: [ann]
      present: [ann, bob, cat, dan]
      not_notified: [eve]
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VOID
    assert "eve (no notice recorded, absent)" in check(v, "notice.special-meeting").detail


def test_notice__unrecorded_notice_makes_the_act_conditional(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: special
      called_by: [ann]
      present: [ann, bob, cat, dan]
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == ("notice to eve of m1",)


def test_notice__regular_meeting_needs_none(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "notice.regular-meeting").detail == (
        "no notice is required for a regular meeting"
    )


def test_notice__a_private_message_is_not_a_notice(tmp_path: Path) -> None:
    events = """
    - {at: 2023-04-30T09:00:00, kind: private-message, from: ann, to: [eve], channel: text}
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: special
      called_by: [ann]
      present: [ann, bob, cat, dan]
      not_notified: [eve]
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VOID
    assert (
        "eve (no notice recorded; only a private message from ann (text), which is not a "
        "notice, absent)"
    ) in check(v, "notice.special-meeting").detail


# -- objection at the start ------------------------------------------------------------------


OBJECTION = """
- {at: 2023-05-01T10:00:00, kind: objection, meeting: m1, person: eve, at_start: true}
"""


def test_objection__at_the_start_keeps_the_notice_defect(tmp_path: Path) -> None:
    # Eve came only to object that the meeting was not lawfully called: no waiver (DGCL §229).
    t = scenario(tmp_path, special_meeting() + OBJECTION + FIRE_FAY)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    c = check(v, "notice.special-meeting")
    assert (
        "not waived for 1: eve (email 2 h before, 24 h required; attended but objected at the "
        "start, so attendance did not waive notice)"
    ) in c.detail


def test_objection__later_in_the_meeting_does_not_undo_the_waiver(tmp_path: Path) -> None:
    late = OBJECTION.replace("at_start: true", "at_start: false")
    v = verdict(scenario(tmp_path, special_meeting() + late + FIRE_FAY), "fire-fay")
    assert v.status is Status.VALID_WITH_WARNINGS  # the short notice, waived
    assert failed_rules(v) == ["notice.waived"]


def test_objection__not_known_whether_at_the_start(tmp_path: Path) -> None:
    unknown = OBJECTION.replace("at_start: true", "at_start: unknown")
    v = verdict(scenario(tmp_path, special_meeting() + unknown + FIRE_FAY), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == ("whether eve objected at the start of m1",)


def test_objection__model_act_objector_who_votes_for_has_waived(tmp_path: Path) -> None:
    # Model-Act states: the objection holds only if the director does not vote for the action.
    # Not Delaware, whose §229 forbids this rule (a floor Charter checks): the floors Charter
    # knows are the DGCL's, so the profile says it is under none of them.
    profile = """
    profile: model-act
    extends: delaware-stock
    kind: none
    waiver: {objection: at-start-and-not-voting-for}
    """
    votes_for = FIRE_FAY.replace("eve: against", "eve: for")
    events = special_meeting() + OBJECTION
    files = {"model-act.yaml": profile}
    t = scenario(tmp_path, events + votes_for, files=files, profile="model-act.yaml")
    assert verdict(t, "fire-fay").status is Status.VALID_WITH_WARNINGS  # waived, said
    t = scenario(tmp_path / "b", events + FIRE_FAY, files=files, profile="model-act.yaml")
    assert verdict(t, "fire-fay").status is Status.VOID


def test_objection__roberts_rules_attendance_never_waives(tmp_path: Path) -> None:
    # Four of five for: two-thirds of the votes cast, so only the notice defect is left.
    votes = FIRE_FAY.replace("dan: against", "dan: for")
    v = verdict(scenario(tmp_path, special_meeting() + votes, profile="roberts-rules"), "fire-fay")
    assert v.status is Status.VOID
    assert "notice.special-meeting" in failed_rules(v)


# -- quorum ----------------------------------------------------------------------------------


def quorum_loss(votes: str) -> str:
    """Three of five present (a bare quorum), then bob leaves before the vote."""
    return f"""
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    - {{at: 2023-05-01T10:20:00, kind: left, meeting: m1, person: bob}}
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {{person: fay, office: ceo}}
      votes: {votes}
    """


def test_quorum__lost_mid_meeting_continues_with_majority_of_quorum(tmp_path: Path) -> None:
    # Template bylaws: a meeting that had a quorum may go on if each act gets a majority of the
    # required quorum (2 of 3).
    v = verdict(scenario(tmp_path, quorum_loss("{ann: for, cat: for}")), "fire-fay")
    assert v.status is Status.VALID
    c = check(v, "quorum.withdrawal")
    assert c.outcome is Outcome.PASSED
    assert c.detail == (
        "quorum not met: required 3 of 5 authorized seats, present 2 (1 short); the meeting "
        "had a quorum, so the act stands if approved by a majority of the required quorum: "
        "expected 2 for, found 2"
    )


def test_quorum__lost_mid_meeting_and_one_vote_short(tmp_path: Path) -> None:
    # Seven seats: quorum 4, so a majority of the quorum is 3.  Four come, bob leaves; 2 for
    # and 1 against is a majority of those present, but not 3 for.
    events = quorum_loss("{ann: for, cat: for, dan: against}").replace(
        "present: [ann, bob, cat]", "present: [ann, bob, cat, dan]"
    )
    v = verdict(scenario(tmp_path, events, seats=7), "fire-fay")
    assert v.status is Status.VOID
    assert failed_rules(v) == ["quorum.withdrawal"]
    assert check(v, "quorum.withdrawal").detail == (
        "quorum not met: required 4 of 7 authorized seats, present 3 (1 short); the meeting "
        "had a quorum, so the act stands if approved by a majority of the required quorum: "
        "expected 3 for, found 2"
    )


def test_quorum__lost_mid_meeting_under_roberts_rules_is_lost(tmp_path: Path) -> None:
    t = scenario(tmp_path, quorum_loss("{ann: for, cat: for}"), profile="roberts-rules")
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "quorum").detail == (
        "quorum not met: required 3 of 5 directors in office, present 2 (1 short)"
    )


def test_quorum__never_had_one_cannot_continue(tmp_path: Path) -> None:
    events = quorum_loss("{ann: for, cat: for}").replace(
        "present: [ann, bob, cat]", "present: [ann, cat]"
    )
    events = events.replace("person: bob}", "person: hal}")
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "quorum").detail == (
        "quorum not met: required 3 of 5 authorized seats, present 2 (1 short)"
    )


def test_quorum__counts_authorized_seats_vacancies_included(tmp_path: Path) -> None:
    # Four directors on seven seats: a majority quorum is 4 of 7 (Bruch), not 3 of 4.
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    """
    t = scenario(
        tmp_path,
        events + FIRE_FAY.replace(", dan: against, eve: against", ""),
        directors=("ann", "bob", "cat", "dan"),
        seats=7,
    )
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "quorum").detail == (
        "quorum not met: required 4 of 7 authorized seats, present 3 (1 short)"
    )


def test_quorum__joining_restores_it(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob]
    - {at: 2023-05-01T10:10:00, kind: joined, meeting: m1, person: cat}
    """
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "quorum").detail == "required 3 of 5 authorized seats, present 3"


# -- written consent -------------------------------------------------------------------------


def consent(signers: list[str], *, adopted: bool) -> str:
    text = textwrap.dedent("""
    - at: 2023-05-01T09:00:00
      kind: consent-circulated
      consent: c1
      to: [ann, bob, cat, dan, eve]
      acts:
        - {id: fire-fay, act: remove-officer, subject: {person: fay, office: ceo}}
    """)
    for i, person in enumerate(signers):
        text += (
            f"- {{at: 2023-05-01T1{i}:00:00, kind: consent-signed, consent: c1, by: {person}}}\n"
        )
    if adopted:
        text += "- {at: 2023-05-02T09:00:00, kind: consent-adopted, consent: c1}\n"
    return text


def test_consent__unanimous_takes_effect_on_the_last_signature(tmp_path: Path) -> None:
    t = scenario(tmp_path, consent(["ann", "bob", "cat", "dan", "eve"], adopted=False))
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert v.at == at("2023-05-01T14:00:00")
    assert t.state_at(at("2023-05-01T13:59:00")).holder("ceo") == "fay"
    assert t.state_at(at("2023-05-01T14:00:00")).holder("ceo") is None


def test_consent__not_unanimous_is_void_even_if_treated_as_adopted(tmp_path: Path) -> None:
    t = scenario(tmp_path, consent(["ann", "bob", "cat", "dan"], adopted=True))
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert v.form == "written-consent"
    assert failed_rules(v) == ["consent.threshold"]
    assert check(v, "consent.threshold").detail == (
        "remove-officer fay as ceo by written consent: needs unanimous of directors in office "
        "(5 of 5); signed: 4; not signed by eve"
    )
    after = at("2023-05-03T00:00:00")
    assert t.state_at(after, View.DE_JURE).holder("ceo") == "fay"
    assert t.state_at(after, View.DE_FACTO).holder("ceo") is None


def test_consent__never_completed_nor_adopted_fails(tmp_path: Path) -> None:
    t = scenario(tmp_path, consent(["ann", "bob"], adopted=False))
    v = verdict(t, "fire-fay")
    assert v.status is Status.FAILED
    assert v.declared == "not adopted"
    assert t.state_at(at("2023-06-01T00:00:00"), View.DE_FACTO).holder("ceo") == "fay"


def test_consent__majority_without_meeting_where_the_bylaws_allow_it(tmp_path: Path) -> None:
    events = """
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      form: without-meeting
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for, cat: for}
    """
    # The rule is reported as a bylaw; only a nonstock corporation's certificate may let a
    # majority act without a meeting (DGCL §141(f), (j)): conditional on that, not valid.
    v = verdict(scenario(tmp_path, events, profile="openai-2016-reported"), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == (
        "whether the certificate of incorporation authorises action without a meeting by "
        "majority of directors in office, not in writing (DGCL §141(j))",
    )
    v = verdict(scenario(tmp_path / "b", events, profile="delaware-stock"), "fire-fay")
    assert v.status is Status.VOID
    assert failed_rules(v) == ["without-meeting.allowed"]


# -- recusal ---------------------------------------------------------------------------------


def deal(votes: str, *, declared: bool = True) -> str:
    text = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat, dan, eve]
    """
    if declared:
        text += "- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, motion: deal}\n"
    text += f"""
    - id: deal
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: approve-transaction
      votes: {votes}
    """
    return text


def test_recusal__interested_director_who_votes_makes_it_voidable(tmp_path: Path) -> None:
    votes = "{ann: for, bob: for, cat: for, dan: against, eve: against}"
    v = verdict(scenario(tmp_path, deal(votes), profile="roberts-rules"), "deal")
    assert v.status is Status.VOIDABLE
    assert check(v, "recusal.interested").detail == (
        "interested directors must recuse; expected no vote from bob, found votes from bob"
    )


def test_recusal__interested_director_who_recuses(tmp_path: Path) -> None:
    votes = "{ann: for, bob: recused, cat: for, dan: against, eve: abstain}"
    v = verdict(scenario(tmp_path, deal(votes), profile="roberts-rules"), "deal")
    # RONR: 2 for, 1 against among votes cast; the recused and the abstaining are not counted.
    assert v.status is Status.VALID
    assert check(v, "recusal.interested").outcome is Outcome.PASSED


def test_recusal__delaware_safe_harbour_needs_disinterested_majority(tmp_path: Path) -> None:
    # DGCL §144: 3 of the 4 disinterested directors approve; bob's own vote is not needed.
    votes = "{ann: for, bob: for, cat: for, dan: for, eve: against}"
    v = verdict(scenario(tmp_path, deal(votes)), "deal")
    assert v.status is Status.VALID
    assert check(v, "recusal.safe-harbour").detail == (
        "safe harbour needs a majority of the 4 disinterested directors (3); found 3 for"
    )
    votes = "{ann: for, bob: for, cat: for, dan: against, eve: against}"
    v = verdict(scenario(tmp_path / "b", deal(votes)), "deal")
    # The act passes (3 of 5 present) but has no safe harbour: a warning, not a defect.
    assert v.status is Status.VALID_WITH_WARNINGS
    assert failed_rules(v) == ["recusal.safe-harbour"]


def test_recusal__interest_declared_on_the_motion_itself(tmp_path: Path) -> None:
    votes = "{ann: for, bob: for, cat: for, dan: against, eve: against}"
    events = deal(votes, declared=False).replace(
        "act: approve-transaction", "act: approve-transaction\n      interested: [bob]"
    )
    v = verdict(scenario(tmp_path, events, profile="roberts-rules"), "deal")
    assert v.status is Status.VOIDABLE


# -- resignation -----------------------------------------------------------------------------


def test_resignation__effective_later_keeps_the_seat_until_then(tmp_path: Path) -> None:
    events = """
    - id: bob-resigns
      at: 2023-05-01T09:00:00
      kind: resignation
      person: bob
      positions: [director]
      effective: 2023-06-01T00:00:00
      in_writing: true
    """
    t = scenario(tmp_path, events)
    v = verdict(t, "bob-resigns")
    assert v.status is Status.VALID
    assert check(v, "resignation.timing").detail == (
        "effective later, at 2023-06-01T00:00:00+00:00 (named in the resignation)"
    )
    assert "bob" in t.state_at(at("2023-05-31T23:59:59")).directors
    assert "bob" not in t.state_at(at("2023-06-01T00:00:00")).directors
    assert "bob" not in t.state_at(at("2023-06-01T00:00:00"), View.DE_FACTO).directors


def test_resignation__effective_later_still_counts_for_quorum_meanwhile(tmp_path: Path) -> None:
    events = """
    - {id: bob-resigns, at: 2023-05-01T09:00:00, kind: resignation, person: bob,
       positions: [director], effective: 2023-06-01}
    - at: 2023-05-15T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    - id: fire-fay
      at: 2023-05-15T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for, cat: against}
    """
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VALID


def test_resignation__on_delivery_takes_effect_at_once(tmp_path: Path) -> None:
    events = """
    - {id: bob-resigns, at: 2023-05-01T09:00:00, kind: resignation, person: bob,
       positions: [director]}
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [bob, cat, dan]
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {cat: for, dan: for}
    """
    t = scenario(tmp_path, events)
    v = verdict(t, "fire-fay")
    # Bob is no longer a director: two directors present, quorum 3 of 5 seats.
    assert v.status is Status.VOID
    assert check(v, "quorum").detail == (
        "quorum not met: required 3 of 5 authorized seats, present 2 (1 short)"
    )


def test_resignation__backdated_is_effective_on_delivery_with_a_warning(tmp_path: Path) -> None:
    events = """
    - {id: bob-resigns, at: 2023-05-01T09:00:00, kind: resignation, person: bob,
       positions: [director], effective: 2023-04-01}
    """
    t = scenario(tmp_path, events)
    v = verdict(t, "bob-resigns")
    assert v.status is Status.VALID_WITH_WARNINGS
    assert "bob" in t.state_at(at("2023-05-01T08:59:00")).directors
    assert "bob" not in t.state_at(at("2023-05-01T09:00:00")).directors


def test_resignation__of_a_position_not_held_is_a_warning(tmp_path: Path) -> None:
    events = """
    - {id: hal-resigns, at: 2023-05-01T09:00:00, kind: resignation, person: hal,
       positions: [ceo]}
    """
    t = scenario(tmp_path, events)
    v = verdict(t, "hal-resigns")
    assert v.status is Status.VALID_WITH_WARNINGS
    assert check(v, "resignation.holds-position").detail == (
        "hal resigns as ceo; does not hold ceo"
    )
    assert t.state_at(at("2023-05-02T00:00:00")).holder("ceo") == "fay"


def test_resignation__of_the_chair_as_director_vacates_the_chair(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T09:00:00, kind: resignation, person: ann, positions: [director]}
    """
    t = scenario(tmp_path, events)
    s = t.state_at(at("2023-05-02T00:00:00"))
    assert s.chair is None
    assert s.directors == frozenset({"bob", "cat", "dan", "eve"})


# -- vacancies -------------------------------------------------------------------------------


def vacancy(act: str) -> str:
    """Three of five resign; the two left meet and put hal on the board."""
    return f"""
    - {{at: 2023-05-01T09:00:00, kind: resignation, person: cat, positions: [director]}}
    - {{at: 2023-05-01T09:00:00, kind: resignation, person: dan, positions: [director]}}
    - {{at: 2023-05-01T09:00:00, kind: resignation, person: eve, positions: [director]}}
    - at: 2023-05-02T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob]
    - id: add-hal
      at: 2023-05-02T10:30:00
      kind: motion
      meeting: m1
      act: {act}
      subject: {{person: hal}}
      votes: {{ann: for, bob: for}}
    """


def test_vacancy__filled_below_quorum_by_the_directors_in_office(tmp_path: Path) -> None:
    # DGCL §223: a majority of the directors then in office, though less than a quorum.
    t = scenario(tmp_path, vacancy("fill-vacancy"))
    v = verdict(t, "add-hal")
    assert v.status is Status.VALID
    assert check(v, "quorum").detail == (
        "a vacancy may be filled with less than a quorum (required 3 of 5 authorized seats "
        "does not apply)"
    )
    assert check(v, "threshold.fill-vacancy").detail == (
        "fill-vacancy hal: needs majority of directors in office (2 of 2); "
        "found for 2, against 0, abstain 0"
    )
    assert t.state_at(at("2023-05-03T00:00:00")).directors == frozenset({"ann", "bob", "hal"})


def test_vacancy__one_of_two_in_office_is_not_a_majority(tmp_path: Path) -> None:
    t = scenario(tmp_path, vacancy("fill-vacancy").replace("bob: for", "bob: against"))
    assert verdict(t, "add-hal").status is Status.FAILED


def test_vacancy__not_below_quorum_under_roberts_rules(tmp_path: Path) -> None:
    # RONR quorum is a majority of those in office (2 of 2 here), so cut attendance to one.
    events = vacancy("fill-vacancy").replace("present: [ann, bob]", "present: [ann]")
    v = verdict(scenario(tmp_path, events, profile="roberts-rules"), "add-hal")
    assert v.status is Status.VOID
    assert check(v, "quorum").detail == (
        "quorum not met: required 2 of 2 directors in office, present 1 (1 short)"
    )


def test_vacancy__an_election_is_not_a_vacancy_filling(tmp_path: Path) -> None:
    # Same two directors, but an ordinary election needs a quorum.
    v = verdict(scenario(tmp_path, vacancy("elect-director")), "add-hal")
    assert v.status is Status.VOID
    assert "quorum" in failed_rules(v)


def test_vacancy__no_seat_to_fill(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-02T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    - id: add-hal
      at: 2023-05-02T10:30:00
      kind: motion
      meeting: m1
      act: fill-vacancy
      subject: {person: hal}
      votes: {ann: for, bob: for, cat: for}
    """
    v = verdict(scenario(tmp_path, events), "add-hal")
    assert v.status is Status.VOID
    assert check(v, "subject.seat-available").detail == (
        "fill-vacancy hal: expected a vacant seat, found all 5 authorized seats filled"
    )


# -- ties and thresholds ---------------------------------------------------------------------


def vote(votes: str, *, act: str = "appoint-officer", present: str = ALL) -> str:
    return f"""
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: {present}
    - id: act
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: {act}
      subject: {{person: hal, office: coo}}
      votes: {votes}
    """


def test_tie__fails_under_roberts_rules(tmp_path: Path) -> None:
    events = vote("{ann: for, bob: for, cat: against, dan: against, eve: abstain}")
    t = scenario(tmp_path, events, profile="roberts-rules")
    v = verdict(t, "act")
    assert v.status is Status.FAILED
    assert check(v, "threshold.appoint-officer").detail == (
        "appoint-officer hal as coo: needs majority of votes cast; "
        "found for 2, against 2, abstain 1 (a tie or less fails)"
    )
    # A failed motion changes nothing, in either view.
    after = at("2023-05-02T00:00:00")
    assert t.state_at(after, View.DE_JURE).holder("coo") is None


def test_tie__fails_under_delaware(tmp_path: Path) -> None:
    events = vote(
        "{ann: for, bob: for, cat: against, dan: against}", present="[ann, bob, cat, dan]"
    )
    v = verdict(scenario(tmp_path, events), "act")
    assert v.status is Status.FAILED
    assert check(v, "threshold.appoint-officer").detail == (
        "appoint-officer hal as coo: needs majority of directors present (3 of 4); "
        "found for 2, against 2, abstain 0 (1 short)"
    )


def test_threshold__ronr_majority_of_votes_cast_ignores_abstentions(tmp_path: Path) -> None:
    # 2 for, 1 against, 2 abstain: a majority of the votes cast (RONR) ...
    events = vote("{ann: for, bob: for, cat: against, dan: abstain, eve: abstain}")
    assert verdict(scenario(tmp_path, events, profile="roberts-rules"), "act").status is (
        Status.VALID
    )
    # ... but not of the directors present (DGCL §141(b): an abstention counts against).
    v = verdict(scenario(tmp_path / "b", events, profile="delaware-stock"), "act")
    assert v.status is Status.FAILED
    assert "(1 short)" in check(v, "threshold.appoint-officer").detail


def test_threshold__ronr_two_thirds_of_votes_cast(tmp_path: Path) -> None:
    # Removal from office needs two-thirds of the votes cast: 2 for, 1 against is exactly 2/3.
    removal = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat, dan, eve]
    - id: act
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {person: fay, office: ceo}
    """
    passing = removal + "  votes: {ann: for, bob: for, cat: against, dan: abstain, eve: abstain}\n"
    failing = removal + "  votes: {ann: for, bob: for, cat: against, dan: against, eve: abstain}\n"
    v = verdict(scenario(tmp_path, passing, profile="roberts-rules"), "act")
    assert v.status is Status.VALID
    assert check(v, "threshold.remove-officer").detail.startswith(
        "remove-officer fay as ceo: needs two-thirds of votes cast"
    )
    v = verdict(scenario(tmp_path / "b", failing, profile="roberts-rules"), "act")
    assert v.status is Status.FAILED


def test_threshold__only_abstentions_cast_no_vote(tmp_path: Path) -> None:
    events = vote("{ann: abstain, bob: abstain, cat: abstain, dan: abstain, eve: abstain}")
    assert verdict(scenario(tmp_path, events, profile="roberts-rules"), "act").status is (
        Status.FAILED
    )


def test_threshold__unknown_votes_that_cannot_change_the_result(tmp_path: Path) -> None:
    # Three of five present already voted for: whatever the other two did, it passed.
    events = vote("{ann: for, bob: for, cat: for}")
    v = verdict(scenario(tmp_path, events), "act")
    assert v.status is Status.VALID
    events = vote("{ann: for, bob: for}")
    v = verdict(scenario(tmp_path / "b", events), "act")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == ("the tally (votes of cat, dan, eve)",)


# -- authority -------------------------------------------------------------------------------


def test_authority__delaware_stock_board_cannot_remove_a_director(tmp_path: Path) -> None:
    events = vote("{ann: for, bob: for, cat: for, dan: for}", act="remove-director")
    events = events.replace("{person: hal, office: coo}", "{person: eve}")
    v = verdict(scenario(tmp_path, events), "act")
    assert v.status is Status.VOID
    assert check(v, "authority.remove-director").detail == (
        "remove-director eve: the board has no power to remove a director; expected removal "
        "by the stockholders, found an act of the board"
    )
    # A self-perpetuating nonstock board can (DGCL §141(j)).
    v = verdict(scenario(tmp_path / "b", events, profile="delaware-nonstock"), "act")
    assert v.status is Status.VALID


def test_authority__a_void_removal_leaves_the_director_owed_notice(tmp_path: Path) -> None:
    # Fogel: void acts cannot be ratified by acting on them; eve is still owed notice.
    events = (
        vote("{ann: for, bob: for, cat: for, dan: for}", act="remove-director").replace(
            "{person: hal, office: coo}", "{person: eve}"
        )
        + """
    - {at: 2023-05-01T11:00:00, kind: meeting-closed, meeting: m1}
    - at: 2023-05-03T10:00:00
      kind: meeting-opened
      meeting: m2
      type: special
      called_by: [ann]
      present: [ann, bob, cat, dan]
      not_notified: [eve]
    - id: fire-fay
      at: 2023-05-03T10:30:00
      kind: motion
      meeting: m2
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for, cat: for, dan: for}
    """
    )
    t = scenario(tmp_path, events)
    assert verdict(t, "act").status is Status.VOID
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert failed_rules(v) == ["notice.special-meeting"]
    assert "eve" in t.state_at(at("2023-05-04T00:00:00")).directors
    assert "eve" not in t.state_at(at("2023-05-04T00:00:00"), View.DE_FACTO).directors


def test_meeting__called_by_someone_not_entitled(tmp_path: Path) -> None:
    events = special_meeting(
        notice_at="2023-04-29T10:00:00", present="[ann, bob, cat, dan]"
    ).replace("called_by: [ann]", "called_by: [bob]")
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "meeting.called-by").detail == (
        "called by bob: expected one of chair, ceo, president, secretary or 2 directors "
        "together, found 1 director(s) and no such office"
    )


def test_meeting__a_bad_call_is_waived_when_everyone_attends_without_objecting(
    tmp_path: Path,
) -> None:
    events = special_meeting(notice_at="2023-04-29T10:00:00").replace(
        "called_by: [ann]", "called_by: [bob]"
    )
    v = verdict(scenario(tmp_path / "all", events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VALID
    assert "DGCL §229" in check(v, "meeting.called-by").citation
    objecting = (
        events
        + """
    - {at: 2023-05-01T10:00:00, kind: objection, meeting: m1, person: eve, at_start: true}
    """
    )
    v = verdict(scenario(tmp_path / "objection", objecting + FIRE_FAY), "fire-fay")
    assert v.status is Status.VOID


def test_meeting__purpose_withheld_is_voidable(tmp_path: Path) -> None:
    events = special_meeting(notice_at="2023-04-29T10:00:00").replace(
        "remote: false", "remote: false\n      purpose_withheld_from: [dan]"
    )
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.VOIDABLE
    assert check(v, "meeting.deception").detail == "the purpose of m1 was withheld from dan"


def test_bylaws__amendment_applies_to_later_acts_only(tmp_path: Path) -> None:
    # The quorum is lowered to a third; an act before the amendment is judged by the old rule.
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat]
    - id: amend
      at: 2023-05-01T10:10:00
      kind: motion
      meeting: m1
      act: amend-bylaws
      amendment: {set: {quorum.fraction: 1/3}}
      votes: {ann: for, bob: for, cat: for}
    - {at: 2023-05-01T10:20:00, kind: meeting-closed, meeting: m1}
    - at: 2023-05-02T10:00:00
      kind: meeting-opened
      meeting: m2
      type: regular
      remote: false
      present: [ann, bob]
    - id: fire-fay
      at: 2023-05-02T10:30:00
      kind: motion
      meeting: m2
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for}
    """
    t = scenario(tmp_path, events)
    assert verdict(t, "amend").status is Status.VALID
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "quorum").detail == "required 2 of 5 authorized seats, present 2"
    s = t.state_at(at("2023-05-03T00:00:00"))
    assert s.bylaws.quorum.fraction == "1/3"
    assert s.bylaws_ref == "delaware-stock (amended 2023-05-01)"
    assert t.state_at(at("2023-05-01T10:00:00")).bylaws.quorum.fraction == "majority"


def test_consent__made_effective_later_changes_nothing_until_then(tmp_path: Path) -> None:
    # DGCL §141(f): a consent may provide that it takes effect at a later time.
    events = consent(["ann", "bob", "cat", "dan", "eve"], adopted=False).replace(
        "consent: c1\n  to:", "consent: c1\n  effective_at: 2023-05-20T00:00:00\n  to:"
    )
    t = scenario(tmp_path, events)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "consent.delayed-effect").detail == "effective 18 days after signature"
    for view in View:
        assert t.state_at(at("2023-05-19T23:59:59"), view).holder("ceo") == "fay"
        assert t.state_at(at("2023-05-20T00:00:00"), view).holder("ceo") is None


def test_consent__effective_beyond_sixty_days_is_void(tmp_path: Path) -> None:
    events = consent(["ann", "bob", "cat", "dan", "eve"], adopted=True).replace(
        "consent: c1\n  to:", "consent: c1\n  effective_at: 2023-09-01T00:00:00\n  to:"
    )
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "consent.delayed-effect").detail == (
        "effective 122 days after signature, more than the 60 allowed"
    )


# -- fixes found while documenting -------------------------------------------------------------


def test_consent__too_long_a_delay_is_void_once_the_signatures_suffice(tmp_path: Path) -> None:
    # Never adopted by announcement: the last signature completes it, and the delay voids it.
    events = consent(["ann", "bob", "cat", "dan", "eve"], adopted=False).replace(
        "consent: c1\n  to:", "consent: c1\n  effective_at: 2023-09-01T00:00:00\n  to:"
    )
    t = scenario(tmp_path, events)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VOID
    assert failed_rules(v) == ["consent.delayed-effect"]
    assert t.state_at(at("2023-10-01T00:00:00"), View.DE_JURE).holder("ceo") == "fay"


def test_consent__not_in_writing_is_void(tmp_path: Path) -> None:
    events = consent(["ann", "bob", "cat", "dan", "eve"], adopted=False).replace(
        "consent: c1\n  to:", "consent: c1\n  in_writing: false\n  to:"
    )
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.VOID
    assert check(v, "consent.in-writing").detail == (
        "expected consent in writing or by electronic transmission, found an informal agreement"
    )


def test_motion__declared_rejected_never_takes_effect(tmp_path: Path) -> None:
    # The votes are not recorded, so the act is conditional; the board declared it rejected.
    events = special_meeting() + FIRE_FAY.replace(
        "votes: {ann: for, bob: for, cat: for, dan: against, eve: against}",
        "votes: unknown\n  declared: rejected",
    )
    t = scenario(tmp_path, events)
    assert verdict(t, "fire-fay").status is Status.CONDITIONAL
    for view in View:
        assert t.state_at(at("2023-05-02T00:00:00"), view).holder("ceo") == "fay"


def test_recusal__interest_declared_without_a_motion_is_a_question_for_each_transaction(
    tmp_path: Path,
) -> None:
    # DGCL §144 concerns the transactions a director is interested in; a declaration naming no
    # motion does not say whether "deal" is one, so the act is judged both ways.
    events = (
        special_meeting(notice_at="2023-04-29T08:00:00")
        + "- {at: 2023-05-01T10:05:00, kind: interest-declared, person: bob, matter: supplier}\n"
        + """
    - id: deal
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: approve-transaction
      votes: {ann: for, bob: for, cat: for, dan: against, eve: against}
    """
    )
    v = verdict(scenario(tmp_path, events), "deal")
    # With bob interested, 2 of the 4 disinterested directors approved: no safe harbour.
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == (
        "whether bob's interest (declared without naming a motion) concerns deal",
    )
    assert check(v, "recusal.safe-harbour").detail == (
        "if bob's interest concerns deal: safe harbour needs a majority of the 4 "
        "disinterested directors (3); found 2 for"
    )


def test_objection__objections_not_recorded_leave_the_waiver_unknown(tmp_path: Path) -> None:
    # Two hours' notice; everyone attended, but the journal says objections were not recorded.
    events = special_meeting().replace("remote: false", "remote: false\n      objections: unknown")
    v = verdict(scenario(tmp_path, events + FIRE_FAY), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert check(v, "notice.special-meeting").outcome is Outcome.UNKNOWN


def test_notice__by_a_channel_the_bylaws_do_not_provide_for(tmp_path: Path) -> None:
    # Eleven days' notice by text message; dan and eve stay away.
    events = special_meeting(
        notice_at="2023-04-20T08:00:00", channel="text", present="[ann, bob, cat]"
    ) + FIRE_FAY.replace("dan: against, eve: against", "dan: absent, eve: absent")
    assert verdict(scenario(tmp_path, events), "fire-fay").status is Status.VALID
    # Bylaws that provide for notice by email only: the same notice is no notice.
    email_only = "profile: email-only\nnotice: {special: {lead_time_hours: {email: 24}}}\n"
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "email-only.yaml").write_text(email_only, encoding="utf-8")
    v = verdict(scenario(tmp_path / "b", events, profile="email-only.yaml"), "fire-fay")
    assert v.status is Status.VOID
    assert "by text, a channel the bylaws do not provide for notice (allowed: email)" in (
        check(v, "notice.special-meeting").detail
    )


def test_form_unknown__without_a_recorded_meeting_a_meeting_is_still_possible(
    tmp_path: Path,
) -> None:
    events = """
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      form: unknown
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: unknown
    """
    v = verdict(scenario(tmp_path, events), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert any(c.detail.startswith("if at a meeting:") for c in v.checks)
    assert v.missing_facts[0] == "form of the action (meeting, written consent or informal)"


def test_quorum__cannot_be_met_when_too_few_are_in_office(tmp_path: Path) -> None:
    events = """
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      form: unknown
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: unknown
    """
    v = verdict(scenario(tmp_path, events, directors=["ann", "bob"], seats=5), "fire-fay")
    # At a meeting quorum (3 of 5 seats) is impossible with 2 in office; a consent of both is
    # below a quorum too: void whichever form it took.
    assert v.status is Status.VOID
    assert (
        "quorum cannot be met: required 3 of 5 authorized seats, but only 2 directors are in "
        "office (1 short)" in check_detail(v, "quorum")
    )


def check_detail(v: object, rule: str) -> str:
    return " ".join(c.detail for c in v.checks if c.rule == rule)  # type: ignore[attr-defined]


def test_meeting__caller_entitled_when_it_opened_stays_entitled(tmp_path: Path) -> None:
    # ann (the chair) calls the meeting; its first act removes her as chair; the next act at the
    # same meeting is still at a duly called meeting.
    events = (
        special_meeting(notice_at="2023-04-20T08:00:00")
        + """
    - id: unchair-ann
      at: 2023-05-01T10:15:00
      kind: motion
      meeting: m1
      act: remove-chair
      subject: {person: ann}
      votes: {ann: against, bob: for, cat: for, dan: for, eve: against}
    """
        + FIRE_FAY
    )
    t = scenario(tmp_path, events)
    assert verdict(t, "unchair-ann").status is Status.VALID
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "meeting.called-by").outcome is Outcome.PASSED
