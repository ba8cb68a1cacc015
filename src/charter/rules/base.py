"""What every rule shares: the check a rule returns, the context it reads, and vote arithmetic
that stays honest about unknown votes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from charter.model.bylaws import Bylaws
from charter.model.journal import ActSpec
from charter.model.kinds import Outcome, Severity, Vote
from charter.model.source import Source
from charter.model.state import State

Form = Literal["meeting", "written-consent", "without-meeting"]


_PASSED = {Outcome.PASSED: True, Outcome.FAILED: False}
_COUNTED = tuple((v, v.value) for v in Vote if v is not Vote.UNKNOWN)


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """One rule applied to one act.  ``missing`` names the unknown fact when outcome is unknown."""

    rule: str
    citation: str
    outcome: Outcome
    severity: Severity
    detail: str
    source: Source
    missing: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    """For a voidable defect: who holds the equitable claim against the act (the director
    deceived); none named: whoever challenges it."""

    @property
    def passed(self) -> bool | None:
        return _PASSED.get(self.outcome)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "citation": self.citation,
            "passed": self.passed,
            "severity": self.severity.value,
            "detail": self.detail,
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingFacts:
    """What the journal says about one meeting up to the moment of an act."""

    id: str
    type: Literal["special", "regular", "unknown"]
    opened_at: dt.datetime
    called_by: tuple[str, ...] | None  # None: unknown
    remote: bool | None
    present: frozenset[str] | None  # None: unknown
    present_at_open: frozenset[str] | None
    max_present: int | None
    attended: frozenset[str]
    objected_at_start: frozenset[str]
    objection_unknown: frozenset[str]
    notices: tuple[tuple[str, dt.datetime, str, bool | None], ...]
    """(person, sent at, channel, purpose stated)."""
    notices_complete: bool
    not_notified: frozenset[str]
    purpose_withheld_from: frozenset[str]
    private_messages: tuple[tuple[str, str, str], ...] = ()
    """(from, to, channel) before the meeting: recorded because they are *not* notices."""
    source: Source
    state_at_opening: State | None = None
    """Who held which office when the meeting opened: a caller's entitlement is judged then,
    not after the meeting has (say) removed the chair who called it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActContext:
    spec: ActSpec
    form: Form
    at: dt.datetime
    state: State  # de jure state just before the act
    bylaws: Bylaws
    source: Source
    votes: Mapping[str, Vote] | None  # None: the tally is unknown
    meeting: MeetingFacts | None = None
    interested: frozenset[str] = frozenset()
    effective_at: dt.datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    profiles: Mapping[str, Bylaws] = field(default_factory=dict)
    """The profiles an ``amend-bylaws`` act may adopt by name (the case's)."""
    disregarded: Mapping[str, str] = field(default_factory=dict)
    """Votes recorded from people who are not directors (de jure) at the act, each with why:
    who is a director is a consequence of the replay, so such a vote is not an error of the
    journal; it is not counted, and the verdict says so."""
    memo: MutableMapping[Hashable, Any] | None = field(default=None, compare=False, repr=False)
    """Lent by the caller, who owns it and knows when it goes stale (the replay keeps one per
    meeting): a rule may remember there an answer under a key holding exactly what the answer
    was computed from, so its result stays a function of its arguments.  None: remember
    nothing."""

    def check(
        self,
        rule: str,
        citation: str,
        outcome: Outcome,
        detail: str,
        severity: Severity = Severity.VOID,
        missing: tuple[str, ...] = (),
        claimants: tuple[str, ...] = (),
    ) -> Check:
        return Check(
            rule=rule,
            citation=citation,
            outcome=outcome,
            severity=severity,
            detail=detail,
            source=self.source,
            missing=missing,
            claimants=claimants,
        )

    def vote_of(self, person: str) -> Vote:
        return self.votes_of((person,))[0]

    def votes_of(self, people: Iterable[str]) -> list[Vote]:
        """Each one's vote.  At a meeting whose attendance is recorded, a director not present
        at the act took no part in it (absent) whatever the tally says; one present with no
        recorded vote, or any director where attendance is not recorded, is unknown (as all
        are when the tally is).  Elsewhere (a consent) a director with no recorded vote did
        not sign (absent)."""
        unknown, absent = Vote.UNKNOWN, Vote.ABSENT
        present = self.meeting.present if self.meeting is not None else None
        if self.form != "meeting":
            if self.votes is None:
                return [unknown for _ in people]
            get = self.votes.get
            return [get(person, absent) for person in people]
        if present is None:
            if self.votes is None:
                return [unknown for _ in people]
            get = self.votes.get
            return [get(person, unknown) for person in people]
        if self.votes is None:
            return [unknown if person in present else absent for person in people]
        get = self.votes.get
        return [get(person, unknown) if person in present else absent for person in people]

    @property
    def subject_text(self) -> str:
        s = self.spec.subject
        what = self.spec.act.value
        if s.person and s.office:
            return f"{what} {s.person} as {s.office}"
        if s.person:
            return f"{what} {s.person}"
        return what


def combine(outcomes: list[Outcome]) -> Outcome:
    if all(o is Outcome.PASSED for o in outcomes):
        return Outcome.PASSED
    if all(o is Outcome.FAILED for o in outcomes):
        return Outcome.FAILED
    return Outcome.UNKNOWN


def tally_outcome(
    voters: list[str],
    ctx: ActContext,
    passes: Callable[[int, int, int], bool],
    votes: list[Vote] | None = None,
) -> tuple[Outcome, dict[str, int], list[str]]:
    """Evaluate ``passes(for, against, abstain)`` over every way the unknown votes could have
    gone; passed only if it passes in all, failed only if it fails in all.

    Every threshold is monotone: moving one vote from against to abstain, or from abstain to
    for, never turns a pass into a failure, except that a tally with no vote cast at all may
    fail (a share of nothing).  So the outcomes over all the ways are those of three: every
    unknown vote for, every one against, every one an abstention (the only way to cast
    nothing).  ``tests/test_rules_tally.py`` checks this against the full enumeration.
    ``votes``: the voters' votes (``ctx.votes_of(voters)``) when the caller has them already."""
    if votes is None:
        votes = ctx.votes_of(voters)
    unknown_vote = Vote.UNKNOWN  # named once, not per voter (an enum look-up each)
    unknown = [p for p, v in zip(voters, votes, strict=True) if v is unknown_vote]
    counts = {value: votes.count(v) for v, value in _COUNTED}
    f, a, b, u = counts["for"], counts["against"], counts["abstain"], len(unknown)
    outcomes = {passes(f + u, a, b), passes(f, a + u, b), passes(f, a, b + u)}
    if len(outcomes) == 2:
        return Outcome.UNKNOWN, counts, unknown
    return (Outcome.PASSED if outcomes == {True} else Outcome.FAILED), counts, unknown


def names(people: object) -> str:
    items = sorted(people)  # type: ignore[call-overload]
    return ", ".join(items) if items else "nobody"
