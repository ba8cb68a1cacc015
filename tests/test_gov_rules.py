"""Each rule on its own: ``(ActContext) -> list[Check]``, fed a hand-built context.

The contexts are built from the shipped profiles, so a rule is tested against the parameter
that drives it (a quorum base, a threshold fraction, a waiver clause), not against a default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from charter.load.profiles import load_profile
from charter.model.bylaws import Bylaws, apply_amendment, parse_fraction, required_count
from charter.model.journal import ActSpec, Subject
from charter.model.kinds import ActKind, Outcome, Severity, Status, Vote
from charter.model.source import Source
from charter.model.state import State
from charter.replay import status_of
from charter.rules.authority import authority, subject
from charter.rules.base import ActContext, Check, MeetingFacts, tally_outcome
from charter.rules.consent import consent
from charter.rules.meeting import called_by, deception, remote_presence
from charter.rules.notice import notice
from charter.rules.quorum import quorum, quorum_required
from charter.rules.recusal import recusal
from charter.rules.resignation import resignation
from charter.rules.threshold import threshold

T0 = dt.datetime(2023, 5, 1, 10, 0, tzinfo=dt.UTC)
HERE = Source(path="journal.yaml", line=7, column=5)
FIVE = ("ann", "bob", "cat", "dan", "eve")


def profile(name: str, **settings: Any) -> Bylaws:
    bylaws, errors = load_profile(name)
    assert bylaws is not None, errors
    if settings:
        bylaws, why = apply_amendment(bylaws, settings)
        assert bylaws is not None, why
    return bylaws


def meeting(
    present: tuple[str, ...] | None = FIVE,
    *,
    type: str = "regular",
    remote: bool | None = False,
    called: tuple[str, ...] | None = ("ann",),
    notices: tuple[tuple[str, dt.datetime, str, bool | None], ...] = (),
    objected: frozenset[str] = frozenset(),
    max_present: int | None = None,
    withheld: frozenset[str] = frozenset(),
    not_notified: frozenset[str] = frozenset(),
    complete: bool = False,
) -> MeetingFacts:
    directors_present = len(frozenset(present or ()) & frozenset(FIVE))
    return MeetingFacts(
        id="m1",
        type=type,  # type: ignore[arg-type]
        opened_at=T0,
        called_by=called,
        remote=remote,
        present=frozenset(present) if present is not None else None,
        present_at_open=frozenset(present) if present is not None else None,
        max_present=max_present if max_present is not None else directors_present,
        attended=frozenset(present or ()),
        objected_at_start=objected,
        objection_unknown=frozenset(),
        notices=notices,
        notices_complete=complete,
        not_notified=not_notified,
        purpose_withheld_from=withheld,
        source=HERE,
    )


def ctx(
    act: ActKind = ActKind.APPOINT_OFFICER,
    *,
    bylaws: Bylaws | None = None,
    votes: Mapping[str, Vote] | None = None,
    m: MeetingFacts | None = None,
    form: str = "meeting",
    directors: tuple[str, ...] = FIVE,
    seats: int = 5,
    who: Subject = Subject(person="hal", office="coo"),
    interested: frozenset[str] = frozenset(),
    chair: str | None = "ann",
    officers: tuple[tuple[str, str], ...] = (("ceo", "fay"),),
    effective_at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    spec: ActSpec | None = None,
) -> ActContext:
    bylaws = bylaws or profile("delaware-stock")
    state = State(
        at=T0,
        directors=frozenset(directors),
        authorized_seats=seats,
        chair=chair,
        officers=officers,
        bylaws=bylaws,
        bylaws_ref=bylaws.profile,
    )
    return ActContext(
        spec=spec or ActSpec(act=act, subject=who),
        form=form,  # type: ignore[arg-type]
        at=T0,
        state=state,
        bylaws=bylaws,
        source=HERE,
        votes=votes,
        meeting=m if m is not None or form != "meeting" else meeting(),
        interested=interested,
        effective_at=effective_at,
        extra=extra or {},
    )


def votes(**kw: str) -> dict[str, Vote]:
    return {k: Vote(v) for k, v in kw.items()}


def one(checks: list[Check]) -> Check:
    assert len(checks) == 1, checks
    return checks[0]


# -- fractions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fraction", "total", "needed"),
    [
        ("majority", 6, 4),
        ("majority", 5, 3),
        ("majority", 7, 4),
        ("two-thirds", 6, 4),
        ("two-thirds", 5, 4),
        ("two-thirds", 3, 2),
        ("unanimous", 6, 6),
        ("1/3", 7, 3),
        ("1/3", 6, 2),
        ("more-than 1/3", 6, 3),
        ("3/4", 4, 3),
    ],
)
def test_fraction__required_count(fraction: str, total: int, needed: int) -> None:
    assert required_count(fraction, total) == needed


def test_fraction__ronr_example_fifty_members() -> None:
    # RONR: 50 members, 30 present, 24 votes cast: majority vote 13, of those present 16, of the
    # membership 26.
    assert required_count("majority", 24) == 13
    assert required_count("majority", 30) == 16
    assert required_count("majority", 50) == 26


def test_fraction__parse() -> None:
    assert parse_fraction("majority") == (parse_fraction("1/2")[0], True)
    assert parse_fraction("more-than 2/3")[1] is True
    assert parse_fraction("2/3")[1] is False


def test_amendment__unknown_parameter_and_bad_value() -> None:
    base = profile("delaware-stock")
    assert apply_amendment(base, {"quorum.fractoin": "1/3"}) == (
        None,
        "no bylaws parameter 'quorum.fractoin'",
    )
    amended, why = apply_amendment(base, {"quorum.fraction": "7/5"})
    assert amended is None
    assert why is not None
    assert "'7/5' is outside (0, 1]" in why
    amended, why = apply_amendment(base, {"quorum.fraction": "1/3"})
    assert why is None
    assert amended is not None
    assert amended.quorum.fraction == "1/3"
    assert base.quorum.fraction == "majority"  # profiles are values: the original is unchanged


# -- vote arithmetic -------------------------------------------------------------------------


def test_tally__unknown_votes_that_could_go_either_way() -> None:
    c = ctx(votes=votes(ann="for", bob="for"))
    outcome, counts, unknown = tally_outcome(list(FIVE), c, lambda f, a, b: f >= 3)
    assert outcome is Outcome.UNKNOWN
    assert counts["for"] == 2
    assert unknown == ["cat", "dan", "eve"]


def test_tally__unknown_votes_that_cannot_change_it() -> None:
    c = ctx(votes=votes(ann="against", bob="against", cat="against"))
    outcome, _, _ = tally_outcome(list(FIVE), c, lambda f, a, b: f >= 3)
    assert outcome is Outcome.FAILED


def test_tally__unknown_tally_at_a_meeting_but_absent_signer_by_consent() -> None:
    at_meeting = ctx(votes={})
    assert at_meeting.vote_of("ann") is Vote.UNKNOWN
    by_consent = ctx(votes={}, form="written-consent")
    assert by_consent.vote_of("ann") is Vote.ABSENT


# -- status ----------------------------------------------------------------------------------


def _check(outcome: Outcome, severity: Severity = Severity.VOID, rule: str = "x") -> Check:
    return Check(rule=rule, citation="", outcome=outcome, severity=severity, detail="", source=HERE)


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        ([_check(Outcome.PASSED)], Status.VALID),
        ([_check(Outcome.FAILED, Severity.WARNING)], Status.VALID_WITH_WARNINGS),
        ([_check(Outcome.UNKNOWN), _check(Outcome.FAILED, Severity.WARNING)], Status.CONDITIONAL),
        # An open question that could make the act void outranks a known voidable defect.
        (
            [_check(Outcome.UNKNOWN), _check(Outcome.FAILED, Severity.VOIDABLE)],
            Status.CONDITIONAL,
        ),
        (
            [
                _check(Outcome.UNKNOWN, Severity.WARNING),
                _check(Outcome.FAILED, Severity.VOIDABLE),
            ],
            Status.VOIDABLE,
        ),
        ([_check(Outcome.FAILED, Severity.VOIDABLE), _check(Outcome.FAILED)], Status.VOID),
        ([_check(Outcome.FAILED), _check(Outcome.FAILED, Severity.FAILED)], Status.FAILED),
        # A vote that may have fallen short outranks a known voidable defect, as void does.
        (
            [_check(Outcome.UNKNOWN, Severity.FAILED), _check(Outcome.FAILED, Severity.VOIDABLE)],
            Status.CONDITIONAL,
        ),
        ([], Status.VALID),
    ],
)
def test_status__worst_finding_wins(checks: list[Check], status: Status) -> None:
    assert status_of(checks) is status


# -- quorum ----------------------------------------------------------------------------------


def test_quorum__authorized_seats_vs_directors_in_office() -> None:
    four_of_seven = ctx(directors=("ann", "bob", "cat", "dan"), seats=7)
    assert quorum_required(four_of_seven) == (4, "7 authorized seats")
    ronr = ctx(directors=("ann", "bob", "cat", "dan"), seats=7, bylaws=profile("roberts-rules"))
    assert quorum_required(ronr) == (3, "4 directors in office")


def test_quorum__floor() -> None:
    c = ctx(bylaws=profile("delaware-stock", **{"quorum.floor": 4}))
    assert quorum_required(c) == (4, "5 authorized seats")


def test_quorum__attendance_unknown() -> None:
    c = one(quorum(ctx(m=meeting(present=None))))
    assert c.outcome is Outcome.UNKNOWN
    assert c.missing == ("attendance at m1",)


def test_quorum__remote_presence_that_does_not_count() -> None:
    ronr = profile("roberts-rules")
    c = one(quorum(ctx(bylaws=ronr, m=meeting(remote=True))))
    assert c.outcome is Outcome.FAILED
    assert c.detail == (
        "quorum not met: required 3 of 5 directors in office, present 0 (3 short) "
        "(remote participants do not count under this profile)"
    )
    c = one(quorum(ctx(bylaws=ronr, m=meeting(remote=None))))
    assert c.outcome is Outcome.UNKNOWN
    assert c.missing == ("whether m1 was remote",)


def test_quorum__non_directors_present_do_not_count() -> None:
    c = one(quorum(ctx(m=meeting(present=("ann", "bob", "fay", "gus")))))
    assert c.outcome is Outcome.FAILED
    assert c.detail == "quorum not met: required 3 of 5 authorized seats, present 2 (1 short)"


def test_quorum__interested_directors_not_counted_where_the_profile_says_so() -> None:
    b = profile(
        "delaware-stock",
        **{"recusal.interested_count_for_quorum": False, "quorum.withdrawal": "lost"},
    )
    m = meeting(present=("ann", "bob", "cat"))
    assert one(quorum(ctx(m=m))).outcome is Outcome.PASSED
    assert one(quorum(ctx(bylaws=b, m=m, interested=frozenset({"bob"})))).outcome is (
        Outcome.FAILED
    )


def test_quorum__withdrawal_needs_a_quorum_counted_as_quorum_is_counted() -> None:
    """The withdrawal clause saves an act only if the meeting *had* a quorum, counted the way
    quorum is counted: a meeting whose remote participants never counted never had one, and an
    interested director who does not count did not make one."""
    remote = profile(
        "delaware-stock", **{"quorum.withdrawal": "continue", "quorum.remote_counts": False}
    )
    gone = meeting(present=("ann",), max_present=5, remote=True)
    assert one(quorum(ctx(bylaws=remote, m=gone))).outcome is Outcome.FAILED

    b = profile(
        "delaware-stock",
        **{"quorum.withdrawal": "continue", "recusal.interested_count_for_quorum": False},
    )
    cat = frozenset({"cat"})
    opened = replace(meeting(present=("ann",), max_present=3), present_at_open=frozenset(FIVE[:3]))
    opened = replace(opened, attended=frozenset(FIVE[:3]))
    # the largest attendance was the opening (ann, bob, cat): 2 counted of the 3 required
    assert one(quorum(ctx(bylaws=b, m=opened, interested=cat))).outcome is Outcome.FAILED
    assert one(quorum(ctx(bylaws=b, m=opened))).outcome is Outcome.PASSED  # nobody interested
    # the largest attendance came later, after cat and dan joined: who was there is not known
    later = replace(opened, present_at_open=frozenset(FIVE[:2]), attended=frozenset(FIVE[:4]))
    unknown = one(quorum(ctx(bylaws=b, m=later, interested=cat)))
    assert unknown.outcome is Outcome.UNKNOWN
    assert unknown.missing == ("who was present at m1 when its attendance was largest",)
    assert "interested directors (cat), who do not count" in unknown.detail
    # four at the peak, one of them interested: three counted whoever it was
    four = replace(later, max_present=4)
    assert one(quorum(ctx(bylaws=b, m=four, interested=cat))).outcome is Outcome.PASSED


def test_quorum__withdrawal_continue() -> None:
    b = profile("delaware-stock", **{"quorum.withdrawal": "continue"})
    c = one(quorum(ctx(bylaws=b, m=meeting(present=("ann",), max_present=3))))
    assert c.outcome is Outcome.PASSED
    assert c.detail.endswith("the meeting had a quorum and may continue after withdrawals")


# -- threshold -------------------------------------------------------------------------------


def test_threshold__present_counts_abstentions_against() -> None:
    c = one(threshold(ctx(votes=votes(ann="for", bob="for", cat="against", dan="abstain"))))
    # eve's vote is unknown, and could make 3 for: not decided.
    assert c.outcome is Outcome.UNKNOWN
    assert c.missing == ("the tally (votes of eve)",)
    c = one(
        threshold(
            ctx(votes=votes(ann="for", bob="for", cat="against", dan="abstain", eve="abstain"))
        )
    )
    assert c.outcome is Outcome.FAILED


def test_threshold__recused_directors_are_not_counted_in_the_tally() -> None:
    ronr = profile("roberts-rules")
    v = votes(ann="for", bob="recused", cat="recused", dan="recused", eve="against")
    assert one(threshold(ctx(bylaws=ronr, votes=v))).outcome is Outcome.FAILED  # tie
    v = votes(ann="for", bob="recused", cat="recused", dan="recused", eve="abstain")
    passed = one(threshold(ctx(bylaws=ronr, votes=v)))
    assert passed.outcome is Outcome.PASSED
    assert "found for 1, against 0, abstain 1, recused 3" in passed.detail  # said, not counted


def test_threshold__votes_of_absent_directors_are_said_not_counted() -> None:
    m = meeting(present=("ann", "bob", "cat"))
    v = votes(ann="for", bob="for", cat="against", dan="for", eve="against")
    c = one(threshold(ctx(m=m, votes=v)))
    assert c.outcome is Outcome.PASSED  # 2 of 3 present: dan's and eve's votes do not count
    assert c.detail.endswith(
        "found for 2, against 1, abstain 0; votes of dan, eve not counted: not present"
    )
    # an absent director recorded as absent, or not recorded, is not mentioned
    quiet = one(threshold(ctx(m=m, votes=votes(ann="for", bob="for", cat="for", dan="absent"))))
    assert "not counted" not in quiet.detail


def test_threshold__in_office_base_ignores_who_is_present() -> None:
    # Director elections under the reported OpenAI bylaws: a majority of those in office (3 of 5),
    # so three present voting for passes but two do not, however few are present.
    b = profile("openai-2016-reported")
    m = meeting(present=("ann", "bob", "cat"))
    elect = ActKind.ELECT_DIRECTOR
    who = Subject(person="hal")
    passing = ctx(elect, bylaws=b, m=m, who=who, votes=votes(ann="for", bob="for", cat="for"))
    assert one(threshold(passing)).outcome is Outcome.PASSED
    failing = ctx(elect, bylaws=b, m=m, who=who, votes=votes(ann="for", bob="for", cat="against"))
    c = one(threshold(failing))
    assert c.outcome is Outcome.FAILED
    assert c.detail == (
        "elect-director hal: needs majority of directors in office (3 of 5); "
        "found for 2, against 1, abstain 0 (1 short)"
    )


def test_threshold__fill_vacancy_uses_the_vacancies_threshold() -> None:
    c = one(
        threshold(
            ctx(
                ActKind.FILL_VACANCY,
                who=Subject(person="hal"),
                directors=("ann", "bob"),
                m=meeting(present=("ann", "bob")),
                votes=votes(ann="for", bob="for"),
            )
        )
    )
    assert c.rule == "threshold.fill-vacancy"
    assert c.citation.startswith("DGCL §223")
    assert c.outcome is Outcome.PASSED


# -- notice ----------------------------------------------------------------------------------


def sent(person: str, hours: float, channel: str = "email", purpose: bool | None = True) -> Any:
    return (person, T0 - dt.timedelta(hours=hours), channel, purpose)


def test_notice__lead_time_by_channel() -> None:
    # 24 hours by email, but 96 by mail: a letter sent two days before is late.
    ns = (*(sent(p, 48) for p in ("ann", "bob", "cat", "dan")), sent("eve", 48, "mail"))
    m = meeting(present=("ann", "bob", "cat", "dan"), type="special", notices=ns)
    c = one(notice(ctx(m=m)))
    assert c.outcome is Outcome.FAILED
    assert c.detail.endswith("eve (mail 48 h before, 96 h required, absent)")


def test_notice__channel_unknown_is_not_decided() -> None:
    ns = (*(sent(p, 48) for p in ("ann", "bob", "cat", "dan")), sent("eve", 48, "unknown"))
    m = meeting(present=("ann", "bob", "cat", "dan"), type="special", notices=ns)
    c = one(notice(ctx(m=m)))
    assert c.outcome is Outcome.UNKNOWN
    assert c.missing == ("the channel of the notice to eve of m1",)
    assert "eve (notice given 48 h before by a channel not recorded)" in c.detail


def test_notice__purpose_required_by_roberts_rules() -> None:
    ronr = profile("roberts-rules")
    ns = (*(sent(p, 48) for p in ("ann", "bob", "cat", "dan")), sent("eve", 48, purpose=False))
    m = meeting(type="special", notices=ns)
    c = one(notice(ctx(bylaws=ronr, m=m)))
    assert c.outcome is Outcome.FAILED
    assert "eve (the notice did not state the purpose)" in c.detail


def test_notice__sent_after_the_meeting_opened_is_no_notice() -> None:
    late = ("eve", T0 + dt.timedelta(minutes=5), "email", True)
    ns = (*(sent(p, 48) for p in ("ann", "bob", "cat", "dan")), late)
    present = ("ann", "bob", "cat", "dan")
    # With every notice recorded, eve had none in time; otherwise an earlier one may be missing.
    m = meeting(present=present, type="special", notices=ns, complete=True)
    assert one(notice(ctx(m=m))).outcome is Outcome.FAILED
    m = meeting(present=present, type="special", notices=ns, complete=False)
    assert one(notice(ctx(m=m))).outcome is Outcome.UNKNOWN


def test_notice__remembered_answer_follows_the_objectors_vote() -> None:
    # The notice judgement is remembered in the memo the caller lends (the replay keeps one
    # per meeting); under "at start and not voting for" the objector's vote changes it, so the
    # same meeting judged with two votes gives two answers.
    b = profile("delaware-stock", **{"waiver.objection": "at-start-and-not-voting-for"})
    ns = tuple(sent(p, 48) for p in ("ann", "bob", "cat", "dan"))
    m = meeting(type="special", notices=ns, objected=frozenset({"eve"}), complete=True)
    memo: dict[Any, Any] = {}
    against = replace(ctx(bylaws=b, m=m, votes=votes(eve="against")), memo=memo)
    in_favour = replace(ctx(bylaws=b, m=m, votes=votes(eve="for")), memo=memo)
    for _ in range(2):  # the second round is answered from memory
        assert one(notice(against)).outcome is Outcome.FAILED
        assert [c.outcome for c in notice(in_favour)] == [Outcome.PASSED, Outcome.FAILED]
    assert len(memo) == 2
    # Without a memo the same answers, remembered nowhere.
    assert one(notice(replace(against, memo=None))).outcome is Outcome.FAILED


def test_notice__meeting_type_unknown() -> None:
    m = meeting(
        present=("ann", "bob", "cat", "dan"), type="unknown", not_notified=frozenset({"eve"})
    )
    c = one(notice(ctx(m=m)))
    assert c.rule == "notice.meeting"
    assert c.outcome is Outcome.UNKNOWN
    assert c.missing[0] == "whether m1 was special or regular"


# -- meetings --------------------------------------------------------------------------------


def test_called_by__two_directors_together() -> None:
    m = meeting(type="special", called=("bob", "cat"), present=FIVE[:4])
    assert one(called_by(ctx(m=m))).outcome is Outcome.PASSED
    m = meeting(type="special", called=("bob",), present=FIVE[:4])
    assert one(called_by(ctx(m=m))).outcome is Outcome.FAILED


def test_called_by__every_director_attending_without_objection_waives_the_call() -> None:
    """DGCL §229: attendance waives the objection that the meeting was not lawfully called,
    unless made at the start; only a director absent, or one who objected, keeps it."""
    bad_call = {"type": "special", "called": ("bob",)}
    waived = one(called_by(ctx(m=meeting(**bad_call))))  # type: ignore[arg-type]
    assert waived.outcome is Outcome.PASSED
    assert "DGCL §229" in waived.citation
    objected = meeting(**bad_call, objected=frozenset({"eve"}))  # type: ignore[arg-type]
    assert one(called_by(ctx(m=objected))).outcome is Outcome.FAILED
    absent = meeting(**bad_call, present=FIVE[:4])  # type: ignore[arg-type]
    assert one(called_by(ctx(m=absent))).outcome is Outcome.FAILED
    unknown_caller = one(called_by(ctx(m=meeting(type="special", called=None))))
    assert unknown_caller.outcome is Outcome.PASSED  # whoever called it, nobody can object
    no_attendance = one(called_by(ctx(m=meeting(type="special", called=None, present=None))))
    assert no_attendance.outcome is Outcome.UNKNOWN


def test_called_by__the_ceo_may_call_one_even_if_not_a_director() -> None:
    m = meeting(type="special", called=("fay",))
    assert one(called_by(ctx(m=m))).outcome is Outcome.PASSED


def test_called_by__not_asked_of_a_regular_meeting() -> None:
    assert called_by(ctx(m=meeting(type="regular", called=None))) == []


def test_remote_presence__not_allowed_by_roberts_rules() -> None:
    c = one(remote_presence(ctx(bylaws=profile("roberts-rules"), m=meeting(remote=True))))
    assert c.outcome is Outcome.FAILED
    assert remote_presence(ctx(m=meeting(remote=False))) == []


def test_deception__severity_is_a_profile_parameter() -> None:
    m = meeting(withheld=frozenset({"dan"}))
    assert one(deception(ctx(m=m))).severity is Severity.VOIDABLE
    strict = profile("delaware-stock", **{"deception.severity": "void"})
    assert one(deception(ctx(bylaws=strict, m=m))).severity is Severity.VOID


# -- authority and subject -------------------------------------------------------------------


def test_authority__stockholder_board_may_fill_a_vacancy_by_election() -> None:
    who = Subject(person="hal")
    c = one(authority(ctx(ActKind.ELECT_DIRECTOR, who=who, directors=FIVE[:4])))
    assert c.outcome is Outcome.PASSED
    c = one(authority(ctx(ActKind.ELECT_DIRECTOR, who=who)))
    assert c.outcome is Outcome.FAILED
    assert c.detail == (
        "elect-director hal: expected election by the stockholders, found an act of the board "
        "with no vacancy to fill"
    )


def test_subject__removing_an_officer_who_does_not_hold_the_office() -> None:
    c = one(subject(ctx(ActKind.REMOVE_OFFICER, who=Subject(person="gus", office="ceo"))))
    assert c.outcome is Outcome.FAILED
    assert c.detail == "remove-officer gus as ceo: expected gus to hold ceo, found fay"


def test_subject__board_smaller_than_the_directors_in_office() -> None:
    found = one(subject(ctx(spec=ActSpec(act=ActKind.CHANGE_BOARD_SIZE, seats=3))))
    assert found.outcome is Outcome.FAILED
    assert found.detail == (
        "board size 3 is below the 5 directors in office (2 too many); remove directors first"
    )


def test_subject__the_chair_must_be_a_director() -> None:
    c = one(subject(ctx(ActKind.ELECT_CHAIR, who=Subject(person="fay"))))
    assert c.outcome is Outcome.FAILED


# -- consent ---------------------------------------------------------------------------------


def test_consent__signers_must_amount_to_a_quorum() -> None:
    # Two directors in office on five seats sign unanimously, but 2 is below the quorum of 3
    # (Applied Energetics v. Farley).
    c = ctx(
        form="written-consent",
        directors=("ann", "bob"),
        votes=votes(ann="for", bob="for"),
    )
    found = {x.rule: x for x in consent(c)}
    assert found["consent.threshold"].outcome is Outcome.PASSED
    assert found["consent.signers-quorum"].outcome is Outcome.FAILED
    assert found["consent.signers-quorum"].detail == (
        "signers must amount to a quorum: required 3 of 5 authorized seats, found 2"
    )


def test_consent__not_allowed_by_the_profile() -> None:
    b = profile("delaware-stock", **{"written_consent.allowed": False})
    found = one(consent(ctx(bylaws=b, form="written-consent", votes={})))
    assert found.rule == "consent.allowed"
    assert found.outcome is Outcome.FAILED


def test_consent__informal_agreement_where_writing_is_required() -> None:
    c = ctx(
        form="written-consent",
        votes=votes(**dict.fromkeys(FIVE, "for")),
        extra={"in_writing": False},
    )
    found = {x.rule: x.outcome for x in consent(c)}
    assert found["consent.in-writing"] is Outcome.FAILED


# -- recusal ---------------------------------------------------------------------------------


def test_recusal__subject_may_not_vote_on_own_removal_where_the_profile_says_so() -> None:
    b = profile("delaware-stock", **{"officer_removal.subject_may_vote": False})
    act = ActKind.REMOVE_OFFICER
    who = Subject(person="ann", office="ceo")
    c = one(recusal(ctx(act, bylaws=b, who=who, votes=votes(ann="against"))))
    assert c.outcome is Outcome.FAILED
    assert c.severity is Severity.VOIDABLE
    assert c.detail == "the subject ann may not vote on the removal; found 'against'"
    assert one(recusal(ctx(act, bylaws=b, who=who, votes=votes(ann="recused")))).outcome is (
        Outcome.PASSED
    )


# -- resignation -----------------------------------------------------------------------------


def test_resignation__oral_where_the_profile_requires_writing() -> None:
    b = profile("delaware-stock", **{"resignation.oral_at_meeting": False})
    c = ctx(
        ActKind.RESIGN,
        bylaws=b,
        who=Subject(person="bob"),
        extra={"positions": ("director",), "in_writing": False},
    )
    found = {x.rule: x.outcome for x in resignation(c)}
    assert found == {
        "resignation.holds-position": Outcome.PASSED,
        "resignation.timing": Outcome.PASSED,
        "resignation.form": Outcome.FAILED,
    }


def test_resignation__effective_time_unknown() -> None:
    c = ctx(
        ActKind.RESIGN,
        who=Subject(person="bob"),
        extra={"positions": ("director",), "effective_unknown": True},
    )
    timing = [x for x in resignation(c) if x.rule == "resignation.timing"]
    assert one(timing).outcome is Outcome.UNKNOWN
    assert one(timing).missing == ("effective time of bob's resignation",)
