"""Equity (issue 17): a voidable act stands once its claimant acquiesces in it or challenges it
too late, stays voidable while a claim brought in time is alive, and a void act stays void
whatever anyone does afterwards (Klaassen v. Allegro; Fogel v. U.S. Energy Systems)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.model.bylaws import Equity
from charter.model.kinds import Outcome, Severity, Status
from charter.model.source import Source
from charter.rules.base import Check
from charter.rules.equity import EquityFact, equitable_checks
from charter.rules.status import status_of
from govkit import check, load, rendered, scenario, verdict

BOB_CEO = (("ceo", "bob"),)

DECEIVED = """
- at: 2024-03-01T10:00
  kind: meeting-opened
  meeting: m1
  type: regular
  present: [ann, bob, cat, dan, eve]
  purpose_withheld_from: [bob]
- id: oust
  at: 2024-03-01T10:30
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {person: bob, office: ceo}
  votes: {ann: for, cat: for, dan: for, eve: for, bob: against}
"""


def _then(*events: str) -> str:
    return DECEIVED + "".join(events)


def _acquiesce(person: str, at: str = "2024-04-01") -> str:
    return f"""
- at: {at}
  kind: acquiescence
  person: {person}
  act: oust
  conduct: attended the next meetings as a director without objecting
"""


def _challenge(by: str, at: str) -> str:
    return f"""
- at: {at}
  kind: challenge
  by: {by}
  acts: [oust]
  forum: Court of Chancery, DGCL §225
"""


def test_a_deceived_directors_claim_makes_the_act_voidable(tmp_path: Path) -> None:
    v = verdict(scenario(tmp_path, DECEIVED, offices=BOB_CEO), "oust")
    assert v.status is Status.VOIDABLE
    assert check(v, "meeting.deception").claimants == ("bob",)


def test_the_claimants_acquiescence_lets_the_act_stand(tmp_path: Path) -> None:
    v = verdict(scenario(tmp_path, _then(_acquiesce("bob")), offices=BOB_CEO), "oust")
    assert v.status is Status.VALID_WITH_WARNINGS
    c = check(v, "equity.acquiescence")
    assert "Klaassen" in c.citation
    assert "bob acquiesced on 2024-04-01" in c.detail
    assert check(v, "meeting.deception").severity is Severity.WARNING


def test_someone_elses_acquiescence_does_not_bar_the_claimant(tmp_path: Path) -> None:
    v = verdict(scenario(tmp_path, _then(_acquiesce("cat")), offices=BOB_CEO), "oust")
    assert v.status is Status.VOIDABLE


def test_a_timely_challenge_keeps_the_claim_and_later_acquiescence_does_not_undo_it(
    tmp_path: Path,
) -> None:
    events = _then(_challenge("bob", "2024-03-10"), _acquiesce("bob", "2024-05-01"))
    v = verdict(scenario(tmp_path, events, offices=BOB_CEO), "oust")
    assert v.status is Status.VOIDABLE
    assert check(v, "equity.challenge").passed is True


def test_laches_edges_at_the_profiles_number_of_days(tmp_path: Path) -> None:
    # delaware-stock: 1,095 days; 2024-03-01 + 1095 days = 2027-03-01
    on_time = verdict(
        scenario(tmp_path / "a", _then(_challenge("bob", "2027-03-01T12:00")), offices=BOB_CEO),
        "oust",
    )
    late = verdict(
        scenario(tmp_path / "b", _then(_challenge("bob", "2027-03-02T12:00")), offices=BOB_CEO),
        "oust",
    )
    assert on_time.status is Status.VOIDABLE
    assert late.status is Status.VALID_WITH_WARNINGS
    assert "1096 days after the act (laches: 1095 days)" in check(late, "equity.laches").detail


def test_a_rule_without_laches_keeps_a_late_claim() -> None:
    late = EquityFact(
        kind="challenge", person="a", at=T0 + dt.timedelta(days=5000), source=SRC, text=""
    )
    checks = equitable_checks(_base(Severity.VOIDABLE, ("a",)), T0, [late], Equity())
    assert status_of(checks) is Status.VOIDABLE


def test_acquiescence_never_cures_a_void_act(tmp_path: Path) -> None:
    events = """
- at: 2024-03-01T10:00
  kind: meeting-opened
  meeting: m1
  type: special
  called_by: [ann]
  present: [ann, cat, dan, eve]
  notices: complete
- id: oust
  at: 2024-03-01T10:30
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {person: bob, office: ceo}
  votes: {ann: for, cat: for, dan: for, eve: for}
""" + _acquiesce("bob")
    v = verdict(scenario(tmp_path, events, offices=BOB_CEO), "oust")
    assert v.status is Status.VOID
    assert "cannot cure a void act" in check(v, "equity.void").detail


def test_an_equity_fact_about_an_unknown_or_later_act_is_a_located_error(
    tmp_path: Path,
) -> None:
    events = (
        """
- at: 2024-02-01
  kind: acquiescence
  person: bob
  act: oust
  conduct: early
"""
        + DECEIVED
        + _challenge("bob", "2024-03-05").replace("[oust]", "[ousted]")
    )
    case, diagnostics = load(tmp_path, events, offices=BOB_CEO)
    messages = rendered(diagnostics, tmp_path)
    assert case is None
    assert any("journal.yaml:5" in m and "unknown act 'oust'" in m for m in messages), messages
    assert any("unknown act 'ousted'" in m and "did you mean 'oust'" in m for m in messages)


def test_an_unknown_person_in_an_equity_fact_is_a_located_error(tmp_path: Path) -> None:
    _, diagnostics = load(tmp_path, _then(_acquiesce("zed")), offices=BOB_CEO)
    assert any("unknown person 'zed'" in m for m in rendered(diagnostics, tmp_path))


# -- the rule alone, over every order of facts --------------------------------------------------

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SRC = Source(path="journal.yaml", line=1)
RULE = Equity(laches_days=30, citation="Klaassen")


def _base(severity: Severity, claimants: tuple[str, ...]) -> list[Check]:
    return [
        Check(
            rule="quorum",
            citation="",
            outcome=Outcome.PASSED,
            severity=Severity.VOID,
            detail="",
            source=SRC,
        ),
        Check(
            rule="defect",
            citation="",
            outcome=Outcome.FAILED,
            severity=severity,
            detail="a defect",
            source=SRC,
            claimants=claimants,
        ),
    ]


facts_strategy = st.lists(
    st.builds(
        EquityFact,
        kind=st.sampled_from(["acquiescence", "challenge"]),
        person=st.sampled_from(["a", "b", "c"]),
        at=st.integers(0, 60).map(lambda d: T0 + dt.timedelta(days=d)),
        source=st.just(SRC),
        text=st.just("x"),
    ),
    max_size=6,
).map(lambda fs: sorted(fs, key=lambda f: f.at))


@settings(max_examples=300, deadline=None)
@given(
    facts=facts_strategy,
    claimants=st.sampled_from([(), ("a",), ("a", "b")]),
)
def test_a_voidable_act_stands_exactly_when_every_claimant_lost_the_claim(
    facts: list[EquityFact], claimants: tuple[str, ...]
) -> None:
    checks = equitable_checks(_base(Severity.VOIDABLE, claimants), T0, facts, RULE)
    status = status_of(checks)
    who = claimants or tuple(sorted({f.person for f in facts}))

    def lost(person: str) -> bool:
        own = [f for f in facts if f.person == person]
        first_challenge = next((f for f in own if f.kind == "challenge"), None)
        acquiesced = any(
            f.kind == "acquiescence" and (first_challenge is None or f.at <= first_challenge.at)
            for f in own
        )
        late = first_challenge is not None and (first_challenge.at - T0).days > 30
        return acquiesced or late

    expected = (
        Status.VALID_WITH_WARNINGS if facts and who and all(map(lost, who)) else Status.VOIDABLE
    )
    assert status is expected
    assert status_of(equitable_checks(_base(Severity.VOID, claimants), T0, facts, RULE)) is (
        Status.VOID
    )
