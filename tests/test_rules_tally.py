"""``tally_outcome`` judges the unknown votes from three extreme ways they could have gone.

That is exact only because every threshold is monotone; this checks it against the full
enumeration of every way, for every base and a range of fractions, with hypothesis choosing the
known votes, the unknown ones and the fraction.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.model.bylaws import Threshold
from charter.model.kinds import Outcome, Vote
from charter.rules.base import ActContext, tally_outcome
from charter.rules.threshold import passes_fn
from test_gov_rules import ctx, meeting

VOTES = [Vote.FOR, Vote.AGAINST, Vote.ABSTAIN, Vote.UNKNOWN, Vote.RECUSED, Vote.ABSENT]
FRACTIONS = ["majority", "two-thirds", "unanimous", "1/3", "3/5", "more-than 1/2", "1/7", "1"]


def enumerated(
    voters: list[str], c: ActContext, passes: Callable[[int, int, int], bool]
) -> Outcome:
    """The definition: every split of the unknown votes into for / against / abstain."""
    counts = dict.fromkeys(("for", "against", "abstain", "recused", "absent"), 0)
    u = 0
    for person in voters:
        vote = c.vote_of(person)
        if vote is Vote.UNKNOWN:
            u += 1
        else:
            counts[vote.value] += 1
    seen = {
        passes(counts["for"] + a, counts["against"] + b, counts["abstain"] + u - a - b)
        for a in range(u + 1)
        for b in range(u - a + 1)
    }
    if seen == {True}:
        return Outcome.PASSED
    if seen == {False}:
        return Outcome.FAILED
    return Outcome.UNKNOWN


@settings(max_examples=400, deadline=None)
@given(
    votes=st.lists(st.sampled_from(VOTES), min_size=0, max_size=12),
    fraction=st.sampled_from(FRACTIONS),
    base=st.sampled_from(["cast", "present", "in-office", "authorized"]),
    seats=st.integers(min_value=0, max_value=15),
)
def test_three_extremes_give_the_full_enumeration(
    votes: list[Vote], fraction: str, base: str, seats: int
) -> None:
    people = tuple(f"p{i}" for i in range(len(votes)))
    c = ctx(
        votes=dict(zip(people, votes, strict=True)),
        directors=people,
        seats=max(seats, len(people)),
        m=meeting(present=people),
    )
    th = Threshold(fraction=fraction, base=base)  # type: ignore[arg-type]
    fn, _ = passes_fn(th, c, len(people))
    outcome, counts, unknown = tally_outcome(list(people), c, fn)
    assert outcome is enumerated(list(people), c, fn)
    assert len(unknown) == votes.count(Vote.UNKNOWN)
    assert counts["for"] == votes.count(Vote.FOR)


def test_unknown_votes_that_could_swing_it_leave_it_unknown() -> None:
    people = ("a", "b", "c")
    present = meeting(present=people)
    c = ctx(
        votes={"a": Vote.FOR, "b": Vote.UNKNOWN, "c": Vote.UNKNOWN}, directors=people, m=present
    )
    fn, _ = passes_fn(Threshold(fraction="majority", base="cast"), c, 3)
    assert tally_outcome(list(people), c, fn)[0] is Outcome.UNKNOWN
    settled = ctx(
        votes={"a": Vote.FOR, "b": Vote.FOR, "c": Vote.UNKNOWN}, directors=people, m=present
    )
    fn, _ = passes_fn(Threshold(fraction="majority", base="present"), settled, 3)
    assert tally_outcome(list(people), settled, fn)[0] is Outcome.PASSED
