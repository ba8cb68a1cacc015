"""A vote of the holders (issue 13): weighed by the voting power of their interests, with the
holders a provision excludes left out of the base; an unknown share or tally leaves it
conditional; an unknown holder is a located error."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.load.case import load_case
from charter.model.kinds import Status
from charter.replay import replay
from govkit import rendered, verdict, write_case

HOLDERS = """interests:
  - {holder: trust, entity: org, kind: Class T, voting: true, votes: 10%}
  - {holder: gus, entity: org, kind: founders' common, voting: true, votes: 50%}
  - {holder: hal, entity: org, kind: Series A, voting: true, votes: 30%}
  - {holder: fay, entity: org, kind: other preferred, voting: true, votes: VOTES_FAY}
"""


def _write(root: Path, vote: str, holders: str) -> None:
    """The default board's case, its organisation a corporation with a trust beside it, and
    ``holders`` (an ``interests:`` block) appended to the charter."""
    write_case(root, vote)
    path = root / "charter.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  - {id: org, name: Test Org, kind: nonprofit}\n",
        "  - {id: org, name: Test Org, kind: corporation}\n"
        "  - {id: trust, name: The Trust, kind: trust}\n",
    )
    path.write_text(text + holders, encoding="utf-8")


def _timeline(root: Path, vote: str, fay: str = "10%"):  # type: ignore[no-untyped-def]
    _write(root, vote, HOLDERS.replace("VOTES_FAY", fay))
    case, diagnostics = load_case(root)
    assert case is not None, rendered(diagnostics, root)
    return replay(case)


@pytest.mark.parametrize(
    ("votes", "fay", "status"),
    [
        # 85% of the voting power excluding Class T: 50+30 of 90 = 88.9%
        ("{gus: for, hal: for, fay: against}", "10%", Status.VALID),
        # 50+10 of 90 = 66.7%: short of 85%
        ("{gus: for, fay: for, hal: against}", "10%", Status.FAILED),
        ("unknown", "10%", Status.CONDITIONAL),
        ("{gus: for, hal: for, fay: against}", "unknown", Status.CONDITIONAL),
    ],
)
def test_a_supermajority_of_the_voting_power_excluding_a_class(
    tmp_path: Path, votes: str, fay: str, status: Status
) -> None:
    vote = f"""
- id: amend-trust
  at: 2025-12-01
  kind: holders-vote
  entity: org
  matter: amend the certificate to change the Trust
  fraction: 85/100
  excluding: [trust]
  votes: {votes}
"""
    v = verdict(_timeline(tmp_path, vote, fay), "amend-trust")
    assert v.status is status
    assert v.form == "holders"


def test_a_holders_vote_naming_nobody_known_is_a_located_error(tmp_path: Path) -> None:
    write_case(
        tmp_path,
        "- {id: v, at: 2025-01-01, kind: holders-vote, entity: org, matter: x,"
        " votes: {ghost: for}}",
    )
    case, diagnostics = load_case(tmp_path)
    assert case is None
    assert "unknown entity or person 'ghost'" in "\n".join(rendered(diagnostics, tmp_path))


# -- acts of the holders (issue 17): remove a director, amend the bylaws, never an officer ----


REMOVE_BOB = """
- id: remove-bob
  at: 2025-12-01
  kind: holders-vote
  entity: org
  form: written-consent
  act: remove-director
  subject: {person: bob}
  matter: remove bob as a director
  fraction: unanimous
  votes: {gus: for, hal: VOTE_HAL}
"""


@pytest.mark.parametrize(
    ("hal", "status", "director"),
    [
        # 50 + 30 of 100 = 80%: a majority of the voting power entitled (§141(k))
        ("for", Status.VALID, False),
        # 50 of 100 is not more than half
        ("against", Status.FAILED, True),
    ],
)
def test_stockholders_remove_a_director_by_a_majority_of_the_voting_power(
    tmp_path: Path, hal: str, status: Status, director: bool
) -> None:
    t = _timeline(tmp_path, REMOVE_BOB.replace("VOTE_HAL", hal))
    v = verdict(t, "remove-bob")
    assert v.status is status
    assert ("bob" in t.state_at(v.at).directors) is director
    threshold = next(c for c in v.checks if c.rule == "holders.threshold")
    assert "§141(k)" in threshold.citation
    assert "§228" in threshold.citation  # by written consent
    assert "majority needed" in threshold.detail  # the statute's, not the event's 'unanimous'


def test_stockholders_cannot_remove_an_officer_even_under_their_own_bylaw(tmp_path: Path) -> None:
    events = """
- id: bylaw
  at: 2025-12-01
  kind: holders-vote
  entity: org
  form: written-consent
  act: amend-bylaws
  amendment: {set: {officer_removal.by: [board, stockholders]}}
  matter: let the stockholders remove officers
  votes: {gus: for, hal: for, trust: for, fay: for}
- id: remove-fay
  at: 2025-12-01T01:00
  kind: holders-vote
  entity: org
  form: written-consent
  act: remove-officer
  subject: {person: fay, office: ceo}
  matter: remove fay as CEO
  votes: {gus: for, hal: for, trust: for, fay: for}
"""
    t = _timeline(tmp_path, events)
    bylaw, removal = verdict(t, "bylaw"), verdict(t, "remove-fay")
    assert bylaw.status is Status.VOID
    assert "Gorman" in next(c for c in bylaw.checks if c.rule == "amendment.floor").citation
    assert removal.status is Status.VOID
    authority = next(c for c in removal.checks if c.rule == "holders.authority")
    assert authority.passed is False
    assert "Gorman" in authority.citation
    assert t.state_at(removal.at).holder("ceo") == "fay"


def test_a_holders_act_naming_no_person_is_a_located_error(tmp_path: Path) -> None:
    events = REMOVE_BOB.replace("  subject: {person: bob}\n", "").replace("VOTE_HAL", "for")
    _write(tmp_path, events, HOLDERS.replace("VOTES_FAY", "10%"))
    case, diagnostics = load_case(tmp_path)
    assert case is None
    assert any(
        "act 'remove-director' needs subject.person" in m for m in rendered(diagnostics, tmp_path)
    )


# -- the arithmetic over the class of votes (not one example) ---------------------------------

HOLDER_IDS = ("gus", "hal", "fay", "trust")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shares=st.lists(st.integers(0, 1000), min_size=4, max_size=4),
    votes=st.lists(st.sampled_from(["for", "against", "abstain", None]), min_size=4, max_size=4),
    fraction=st.sampled_from(
        [
            ("majority", Fraction(1, 2), True),
            ("two-thirds", Fraction(2, 3), False),
            ("3/4", Fraction(3, 4), False),
            ("unanimous", Fraction(1), False),
        ]
    ),
    excluded=st.sets(st.sampled_from(HOLDER_IDS), max_size=2),
)
def test_a_holders_vote_passes_exactly_when_the_ayes_hold_the_fraction(
    tmp_path_factory: pytest.TempPathFactory,
    shares: list[int],
    votes: list[str | None],
    fraction: tuple[str, Fraction, bool],
    excluded: set[str],
) -> None:
    """Over random shares, tallies, fractions and exclusions: passed iff the ayes' share of the
    voting power of the holders entitled (less those excluded) meets the fraction (strictly
    more for a majority); a holder not voting counts in the base and not for it."""
    root = tmp_path_factory.mktemp("hv")
    expected_base, ayes = Fraction(0), Fraction(0)
    word, frac, strict = fraction
    cast = {h: v for h, v in zip(HOLDER_IDS, votes, strict=True) if v is not None}
    for holder, share in zip(HOLDER_IDS, shares, strict=True):
        if holder not in excluded:
            expected_base += share
            if cast.get(holder) == "for":
                ayes += share
    tally = "{" + ", ".join(f"{h}: {v}" for h, v in cast.items()) + "}"
    vote = f"""
- id: v
  at: 2025-12-01
  kind: holders-vote
  entity: org
  matter: a matter
  fraction: {word}
  excluding: [{", ".join(sorted(excluded))}]
  votes: {tally}
"""
    holders = "interests:\n" + "".join(
        f"  - {{holder: {h}, entity: org, kind: stock, voting: true, votes: {n}/1000}}\n"
        for h, n in zip(HOLDER_IDS, shares, strict=True)
    )
    _write(root, vote, holders)
    case, diagnostics = load_case(root)
    assert case is not None, rendered(diagnostics, root)
    v = verdict(replay(case), "v")
    if expected_base == 0:
        assert v.status is Status.FAILED
        return
    share = ayes / expected_base
    passes = share > frac if strict else share >= frac
    assert v.status is (Status.VALID if passes else Status.FAILED), (share, word)
