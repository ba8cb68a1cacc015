"""Replay: a deterministic fold over the totally ordered journal.

For every act it yields a verdict (the checks the profile's rules return, combined into a status)
and it carries two states side by side: *de jure* (acts that are void or failed do not take
effect) and *de facto* (what the organisation recorded and acted on).  Acts are judged against the
de jure state - a void removal leaves the director in office, so the next meeting still owes him
notice (Fogel: void acts cannot be ratified by acting on them).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from charter.model.bylaws import Bylaws
from charter.model.case import Case, Entry
from charter.model.journal import (
    KIND_RANK,
    Acquiescence,
    ActSpec,
    Challenge,
    ConsentAdopted,
    ConsentCirculated,
    ConsentSigned,
    InterestDeclared,
    Joined,
    Left,
    MeetingClosed,
    MeetingOpened,
    Motion,
    Notice,
    Objection,
    PrivateMessage,
    Resignation,
    Subject,
)
from charter.model.kinds import CAST_VOTES, ActKind, Outcome, Severity, Status, View, Vote
from charter.model.source import Diagnostic, Source
from charter.model.state import AgreementState, State
from charter.model.structure import CommitteeView
from charter.model.structure_events import (
    STRUCTURAL_KINDS,
    HolderElection,
    HoldersVote,
    StructuralEvent,
    changed_entity,
)
from charter.model.unknown import is_unknown
from charter.replay.effects import apply_act, resign
from charter.replay.structure_effects import (
    apply_structural,
    describe_structural,
    initial_structure,
)
from charter.rules import (
    HOLDER_ELECTION,
    HOLDERS_VOTE,
    RESIGNATION,
    STRUCTURE,
    Rule,
    apply,
    rules_for,
)
from charter.rules.base import ActContext, Check, Form, MeetingFacts
from charter.rules.equity import EquityFact, equitable_checks
from charter.rules.status import missing_of, status_of

_SIGNATURES = ("consent.threshold", "consent.signers-quorum")
"""The checks that say whether a written consent has enough signatures to be adopted."""
APPLIES_DE_JURE = {Status.VALID, Status.VALID_WITH_WARNINGS, Status.VOIDABLE, Status.CONDITIONAL}
FORM_LABEL = {
    "meeting": "at a meeting",
    "written-consent": "by written consent",
    "without-meeting": "without a meeting",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    id: str
    at: dt.datetime
    kind: ActKind
    subject: Subject
    status: Status
    checks: tuple[Check, ...]
    missing_facts: tuple[str, ...]
    source: Source
    evidence: str | None
    form: str
    declared: str
    hypothetical: bool = False
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        subject: dict[str, Any] = {"person": self.subject.person}
        if self.subject.office is not None:
            subject["office"] = self.subject.office
        if self.subject.seat is not None:
            subject["seat"] = self.subject.seat
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind.value,
            "subject": subject,
            "status": self.status.value,
            "form": self.form,
            "declared": self.declared,
            "hypothetical": self.hypothetical,
            "journal": str(self.source),
            "evidence": self.evidence,
            "checks": [c.to_json() for c in self.checks],
            "missing_facts": list(self.missing_facts),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    at: dt.datetime
    jure: State
    facto: State


def entry_order(entry: Entry) -> tuple[dt.datetime, int, int, int]:
    """The position of an entry in the journal's total order (STYLE.md §7: time, then a
    per-kind rank, then file order) - the key ``charter.load.case.sort_entries`` sorts by."""
    return (entry.at, KIND_RANK[entry.event.kind], entry.file_index, entry.position)


def _snapshot_time(snapshot: Snapshot) -> dt.datetime:
    return snapshot.at


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    profile: str
    initial: State
    verdicts: tuple[Verdict, ...]
    """Every act's verdict, in time order."""
    snapshots: tuple[Snapshot, ...]
    """The states after each moment at which one of them changed, in time order."""
    diagnostics: tuple[Diagnostic, ...] = ()
    fold: _Fold | None = field(default=None, repr=False, compare=False)
    """The replay's finished accumulator, kept (never mutated again) so that :meth:`preview`
    can judge one more act without replaying the whole journal."""

    def preview(self, entry: Entry) -> tuple[Verdict, ...] | None:
        """The verdicts a full replay of the journal with ``entry`` appended would give that
        entry, judged on the retained fold in time independent of the journal's length; None when
        that shortcut does not apply and the caller must replay (:func:`replay`) instead.

        It applies to a ``motion`` that sorts after every journal entry, when no effect is
        scheduled after the last event (a resignation effective later, a consent effective at a
        later date: those would take effect before the entry).  A motion only reads the fold's
        meetings, notices and interests and replaces its states, so it is judged on a shallow
        copy whose lists are its own: the retained fold is left exactly as it was."""
        fold = self.fold
        if fold is None or not isinstance(entry.event, Motion) or fold.pending_at_end:
            return None
        if fold.last is not None and entry_order(entry) <= entry_order(fold.last):
            return None
        return fold.preview(entry)

    def extend(self, case: Case, entries: Sequence[Entry]) -> Timeline | None:
        """The timeline of ``case``, whose journal is this one's with ``entries`` appended, as
        :func:`replay` would give it, in time independent of the journal's length; None when
        that shortcut does not apply and the caller must replay instead.

        It applies when every entry sorts after the last one replayed, in the order given, and
        no effect is scheduled after the end (as for :meth:`preview`); not to an empty journal,
        whose initial state has no time yet (the first entry's).  The entries are stepped
        on a fork of the retained fold that copies, before each step, only what that step
        changes in place: this timeline, and its fold, stay exactly as they were."""
        fold = self.fold
        if fold is None or fold.pending_at_end or not entries or fold.last is None:
            return None
        previous = fold.last
        for entry in entries:
            if entry_order(entry) <= entry_order(previous):
                return None
            previous = entry
        other = fold.fork(case)
        for entry in entries:
            other.claim(entry.event)
            other.step(entry)
        return _finish(other, case)

    def state_at(self, at: dt.datetime, view: View = View.DE_JURE) -> State:
        """The state after every event at or before ``at`` (events after it never matter)."""
        return replace(self._last_state(at, view), at=at)

    def directors_at(self, at: dt.datetime, view: View = View.DE_JURE) -> frozenset[str]:
        """``state_at(at, view).directors``, without copying the state to restamp it (asked on
        every vote)."""
        return self._last_state(at, view).directors

    def _last_state(self, at: dt.datetime, view: View) -> State:
        i = bisect.bisect_right(self.snapshots, at, key=_snapshot_time)
        if i == 0:
            return self.initial
        snap = self.snapshots[i - 1]
        return snap.jure if view is View.DE_JURE else snap.facto

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "acts": [v.to_json() for v in self.verdicts]}


def initial_state(case: Case) -> State:
    c = case.charter
    return State(
        at=case.start,
        directors=frozenset(seat.person for seat in c.board.directors),
        authorized_seats=c.board.authorized_seats,
        chair=c.board.chair,
        officers=tuple(sorted((o.office, o.holder) for o in c.offices)),
        bylaws=case.bylaws,
        bylaws_ref=case.bylaws.profile,
        agreements=tuple(
            AgreementState(
                id=a.id,
                kind=a.kind,
                parties=a.parties,
                covers=a.scope.covers,
                excludes_after_agi=a.scope.excludes_after_agi,
            )
            for a in c.agreements
        ),
        structure=initial_structure(c),
        electors=tuple((d.person, d.elected_by) for d in c.board.directors if d.elected_by),
        elected_seats=tuple(sorted(c.board.elected_seats.items())),
    )


@dataclass
class _Meeting:
    id: str
    type: Literal["special", "regular", "unknown"]
    opened_at: dt.datetime
    called_by: tuple[str, ...] | None
    remote: bool | None
    present: set[str] | None
    present_at_open: frozenset[str] | None
    max_present: int | None
    notices_complete: bool
    not_notified: frozenset[str]
    withheld: frozenset[str]
    source: Source
    objections_complete: bool = True
    messages_before: tuple[tuple[str, str, str], ...] = ()
    state_at_opening: State | None = None
    """Private messages sent before it opened (kept to say they were not notices)."""
    attended: set[str] = field(default_factory=set)
    objected: set[str] = field(default_factory=set)
    objection_unknown: set[str] = field(default_factory=set)
    closed: bool = False
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Answers the rules remembered about this meeting (lent to them as ``ActContext.memo``):
    kept here, with the fold that a live board retains, and gone with it.  Each is keyed by
    exactly the facts it was computed from, so a copy may share it."""

    def copy(self) -> _Meeting:
        """A copy whose sets are its own (a fork changes them; see :meth:`_Fold.claim`)."""
        return replace(
            self,
            present=set(self.present) if self.present is not None else None,
            attended=set(self.attended),
            objected=set(self.objected),
            objection_unknown=set(self.objection_unknown),
        )


@dataclass
class _Consent:
    entry: Entry
    event: ConsentCirculated
    signers: list[str] = field(default_factory=list)
    last: Entry | None = None
    done: bool = False


class _Fold:
    """The mutable accumulator of one replay; private, created and consumed by :func:`replay`."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.profiles: dict[str, Bylaws] = dict(case.profiles)
        self.jure = initial_state(case)
        self.facto = self.jure
        self.initial = self.jure
        self.committee: tuple[CommitteeView, str | None] | None = None
        """While a committee's act is judged: the committee and the power it relies on."""
        self.meetings: dict[str, _Meeting] = {}
        self.notices: dict[str, list[tuple[str, dt.datetime, str, bool | None]]] = {}
        self.messages: list[tuple[str, str, str]] = []
        self._messages_frozen: tuple[tuple[str, str, str], ...] = ()
        self.interests: dict[str, set[str]] = {}
        self.consents: dict[str, _Consent] = {}
        self.pending: list[tuple[dt.datetime, int, str, Callable[[State], State], str]] = []
        self.why_not: dict[str, str] = {}
        """Why someone who was, or was recorded as, a director is not one de jure now (removed
        by which act, resigned, elected by a void act): said when a vote of theirs is
        disregarded."""
        self.equity: dict[str, tuple[tuple[Check, ...], tuple[EquityFact, ...]]] = {}
        """Per act id: its checks as judged when taken, and the acquiescences and challenges
        since (the verdict is judged again from both at each)."""
        self.counter = 0
        self.verdicts: list[Verdict] = []
        self.snapshots: list[Snapshot] = []
        self.diagnostics: list[Diagnostic] = []
        self.judged = 0
        """How many verdicts the steps gave; those after it are the end of the journal's
        (consents never completed), which a longer journal judges again at its own end."""
        self._owned: set[str] = set()
        """The containers a fork has copied already (see :meth:`claim`)."""
        self.last: Entry | None = None
        self.pending_at_end = False
        self.judging_only = False
        """Set on a preview's copy: judge the entry, skip what only later entries would read
        (the act's effect on the states, the snapshot)."""
        self._snapped: tuple[State, State] = (self.jure, self.facto)
        """The states the last snapshot was taken of (the initial ones before any)."""

    def preview(self, entry: Entry) -> tuple[Verdict, ...]:
        """Step ``entry`` on a copy that shares this fold's read-only parts (see
        :meth:`Timeline.preview` for when that is the full replay's answer)."""
        other = _Fold.__new__(_Fold)  # copy.copy, without its generic reduce protocol
        other.__dict__.update(self.__dict__)
        other.pending = []
        other.verdicts, other.snapshots, other.diagnostics = [], [], []
        other.judging_only = True
        other.step(entry)
        return tuple(other.verdicts)

    def fork(self, case: Case) -> _Fold:
        """A fold to step ``case``'s further entries on, sharing this one's contents until
        :meth:`claim` copies what a step would change: the lists a step appends to are its own
        from the start (a copy of pointers), the rest is copied entry by entry."""
        other = _Fold.__new__(_Fold)
        other.__dict__.update(self.__dict__)
        other.case = case
        other.verdicts = self.verdicts[: self.judged]
        other.snapshots = list(self.snapshots)
        other.diagnostics = list(self.diagnostics)
        other.pending = list(self.pending)
        other.why_not = dict(self.why_not)
        other.equity = dict(self.equity)
        other._owned = set()
        return other

    def _own(self, name: str) -> Any:
        """This fork's own copy of the container ``name`` (a dict or list), copied once."""
        if name not in self._owned:
            self._owned.add(name)
            value = getattr(self, name)
            setattr(self, name, dict(value) if isinstance(value, dict) else list(value))
        return getattr(self, name)

    def claim(self, ev: object) -> None:
        """Before a fork steps ``ev``: copy what stepping it changes in place (every place
        :meth:`step` mutates, by kind of event), so the fold forked from is never touched."""
        match ev:
            case Notice():
                notices = self._own("notices")
                notices[ev.meeting] = list(notices.get(ev.meeting, ()))
            case PrivateMessage():
                self._own("messages")
            case MeetingOpened():
                self._own("meetings")
            case Joined() | Left() | Objection() | MeetingClosed():
                meetings = self._own("meetings")
                if ev.meeting in meetings:
                    meetings[ev.meeting] = meetings[ev.meeting].copy()
            case InterestDeclared():
                interests = self._own("interests")
                key = ev.motion or "*"
                interests[key] = set(interests.get(key, ()))
            case ConsentCirculated():
                self._own("consents")
            case ConsentSigned() | ConsentAdopted():
                consents = self._own("consents")
                if ev.consent in consents:
                    c = consents[ev.consent]
                    consents[ev.consent] = replace(c, signers=list(c.signers))
            case _:
                pass

    # -- time ---------------------------------------------------------------------------------
    def advance(self, to: dt.datetime | None) -> None:
        while self.pending and (to is None or self.pending[0][0] <= to):
            when, _, view, effect, why = heapq.heappop(self.pending)
            if view == "jure":
                self.set_jure(effect(self.jure), why)
            else:
                self.set_facto(effect(self.facto), why)
            self.snap(when)

    def schedule(
        self, when: dt.datetime, view: str, effect: Callable[[State], State], why: str
    ) -> None:
        self.counter += 1
        heapq.heappush(self.pending, (when, self.counter, view, effect, why))

    def set_jure(self, state: State, why: str) -> None:
        """Move the de jure state on, remembering why anyone left the board."""
        before = self.jure.directors
        self.jure = state
        if state.directors is not before and state.directors != before:
            for person in before - state.directors:
                self.why_not[person] = why
            for person in state.directors - before:
                self.why_not.pop(person, None)

    def set_facto(self, state: State, why: str, status: Status | None = None) -> None:
        """Move the de facto state on; someone it seats who is not a director de jure is
        remembered with the act that seated them and its verdict."""
        before = self.facto.directors
        self.facto = state
        if status is not None and state.directors is not before:
            for person in state.directors - before - self.jure.directors:
                self.why_not[person] = f"{why}, which is {status.value}"

    def snap(self, at: dt.datetime) -> None:
        """Record the states after the events at ``at`` - only when one of them changed: most
        events (notices, attendance, announcements) leave both states as they were, and
        :meth:`Timeline.state_at` finds the last change before a time just as well."""
        if self.jure is self._snapped[0] and self.facto is self._snapped[1]:
            return
        self._snapped = (self.jure, self.facto)
        snap = Snapshot(at=at, jure=replace(self.jure, at=at), facto=replace(self.facto, at=at))
        if self.snapshots and self.snapshots[-1].at == at:
            self.snapshots[-1] = snap
        else:
            self.snapshots.append(snap)

    # -- events -------------------------------------------------------------------------------
    def step(self, entry: Entry) -> None:
        self.advance(entry.at)
        self.last = entry
        ev = entry.event
        match ev:
            case Notice():
                for person in ev.to:
                    purpose = None if is_unknown(ev.purpose_stated) else bool(ev.purpose_stated)
                    self.notices.setdefault(ev.meeting, []).append(
                        (person, entry.at, ev.channel.value, purpose)
                    )
            case PrivateMessage():
                for person in ev.to:
                    self.messages.append((ev.from_, person, ev.channel.value))
            case MeetingOpened():
                present = None if is_unknown(ev.present) else set(ev.present)
                self.meetings[ev.meeting] = _Meeting(
                    id=ev.meeting,
                    type=ev.type,
                    opened_at=entry.at,
                    called_by=None if is_unknown(ev.called_by) else tuple(ev.called_by),
                    remote=None if is_unknown(ev.remote) else bool(ev.remote),
                    present=present,
                    present_at_open=frozenset(present) if present is not None else None,
                    max_present=len(present & self.jure.directors) if present is not None else None,
                    notices_complete=ev.notices == "complete",
                    not_notified=frozenset(ev.not_notified),
                    withheld=frozenset(ev.purpose_withheld_from),
                    objections_complete=ev.objections == "complete",
                    messages_before=self.frozen_messages(),
                    state_at_opening=self.jure,
                    source=entry.source,
                    attended=set(present or ()),
                )
            case Joined():
                m = self.meetings[ev.meeting]
                m.attended.add(ev.person)
                if m.present is not None:
                    m.present.add(ev.person)
                    m.max_present = max(m.max_present or 0, len(m.present & self.jure.directors))
            case Left():
                m = self.meetings[ev.meeting]
                if m.present is not None:
                    m.present.discard(ev.person)
            case Objection():
                m = self.meetings[ev.meeting]
                if ev.at_start is True:
                    m.objected.add(ev.person)
                elif is_unknown(ev.at_start):
                    m.objection_unknown.add(ev.person)
            case MeetingClosed():
                self.meetings[ev.meeting].closed = True
            case InterestDeclared():
                self.interests.setdefault(ev.motion or "*", set()).add(ev.person)
            case Motion():
                self.motion(entry, ev)
            case ConsentCirculated():
                self.consents[ev.consent] = _Consent(entry=entry, event=ev)
            case ConsentSigned():
                self.signed(entry, ev)
            case ConsentAdopted():
                self.adopted(entry, ev)
            case Resignation():
                self.resignation(entry, ev)
            case HolderElection():
                self.holder_election(entry, ev)
            case HoldersVote():
                self.holders_vote(entry, ev)
            case Acquiescence():
                self.in_equity(entry, ev.act, "acquiescence", ev.person, ev.conduct)
            case Challenge():
                for act in ev.acts:
                    self.in_equity(entry, act, "challenge", ev.by, ev.forum)
            case _ if ev.kind in STRUCTURAL_KINDS:
                self.restructure(entry, ev)  # type: ignore[arg-type]
            case _:
                pass
        if not self.judging_only:
            self.snap(entry.at)

    # -- acts ---------------------------------------------------------------------------------
    def meeting_facts(self, meeting_id: str | None, at: dt.datetime) -> MeetingFacts | None:
        if meeting_id is None or meeting_id not in self.meetings:
            return None
        m = self.meetings[meeting_id]
        return MeetingFacts(
            id=m.id,
            type=m.type,
            opened_at=m.opened_at,
            called_by=m.called_by,
            remote=m.remote,
            present=frozenset(m.present) if m.present is not None else None,
            present_at_open=m.present_at_open,
            max_present=m.max_present,
            attended=frozenset(m.attended),
            objected_at_start=frozenset(m.objected),
            objection_unknown=frozenset(
                m.objection_unknown
                | ((m.attended - m.objected) if not m.objections_complete else set())
            ),
            notices=tuple(self.notices.get(m.id, ())),
            notices_complete=m.notices_complete,
            not_notified=m.not_notified,
            purpose_withheld_from=m.withheld,
            private_messages=m.messages_before,
            state_at_opening=m.state_at_opening,
            source=m.source,
        )

    def frozen_messages(self) -> tuple[tuple[str, str, str], ...]:
        """The messages so far as a tuple, rebuilt only when one was added: in a long journal
        every meeting shares it instead of copying the list."""
        if len(self._messages_frozen) != len(self.messages):
            self._messages_frozen = tuple(self.messages)
        return self._messages_frozen

    def unrecorded_meeting(self, entry: Entry) -> MeetingFacts:
        """An act recorded without its meeting may still have been taken at one: every fact
        about that meeting is unknown."""
        return MeetingFacts(
            id="(an unrecorded meeting)",
            type="unknown",
            opened_at=entry.at,
            called_by=None,
            remote=None,
            present=None,
            present_at_open=None,
            max_present=None,
            attended=frozenset(),
            objected_at_start=frozenset(),
            objection_unknown=frozenset(),
            notices=(),
            notices_complete=False,
            not_notified=frozenset(),
            purpose_withheld_from=frozenset(),
            source=entry.source,
        )

    def disregarded(self, entry: Entry, voters: Iterable[str], what: str) -> dict[str, str]:
        """The votes (or signatures) of people who are not directors de jure at the act, each
        with why.  Who is a director is a consequence of the replay (under another profile an
        earlier removal may be void), so this is never an error of the journal: the vote is
        not counted and the verdict says whose, and why."""
        voters = list(voters)
        directors = self.jure.directors
        if directors.issuperset(voters):
            return {}  # the usual case, without a look-up per voter
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        out: dict[str, str] = {}
        for person in voters:
            if person not in directors:
                if self.committee is not None:
                    body = self.committee[0].name
                    out[person] = f"{what} by {person} disregarded: not a member of {body}"
                    continue
                why = self.why_not.get(person)
                out[person] = f"{what} by {person} disregarded: not a director at {when}" + (
                    f", {why}" if why else ""
                )
        return out

    def judge(
        self,
        entry: Entry,
        spec: ActSpec,
        form: Form,
        votes: dict[str, Vote] | None,
        *,
        meeting: str | None = None,
        effective_at: dt.datetime | None = None,
        extra: dict[str, Any] | None = None,
        disregarded: dict[str, str] | None = None,
    ) -> list[Check]:
        interested = set(self.interests.get(spec.id or "", set())) | set(
            getattr(spec, "interested", ())
        )
        ctx = ActContext(
            spec=spec,
            form=form,
            at=entry.at,
            state=self.jure,
            bylaws=self.jure.bylaws,
            source=entry.source,
            votes=votes,
            meeting=(self.meeting_facts(meeting, entry.at) or self.unrecorded_meeting(entry))
            if form == "meeting"
            else None,
            interested=frozenset(interested),
            effective_at=effective_at,
            extra=(extra or {})
            | {"board_entity": self.case.charter.board.entity}
            | (
                {"committee": self.committee[0], "under": self.committee[1]}
                if self.committee is not None
                else {}
            ),
            profiles=self.profiles,
            disregarded=disregarded or {},
            memo=self.meetings[meeting].memo
            if form == "meeting" and meeting in self.meetings
            else None,
        )
        rules = rules_for(form)
        checks = apply(rules, ctx)
        # An interest declared without naming a motion: DGCL §144 concerns the transactions
        # in which a director is interested, and the record does not say whether this is one
        # of them.  Judge the act both ways; where the answer matters, it is a missing fact.
        unscoped = (
            self.interests.get("*", set()) - interested
            if spec.act is ActKind.APPROVE_TRANSACTION
            else set()
        )
        if not unscoped:
            return checks
        both = apply(rules, replace(ctx, interested=frozenset(interested | unscoped)))
        return _either_interest(checks, both, sorted(unscoped), spec.id or "this act", ctx)

    def record(
        self,
        entry: Entry,
        spec: ActSpec,
        status: Status,
        checks: list[Check],
        missing: tuple[str, ...],
        form: str,
        declared: str,
    ) -> None:
        evidence = entry.event.source
        self.verdicts.append(
            Verdict(
                id=spec.id or entry.event.id or entry.label,
                at=entry.at,
                kind=spec.act,
                subject=spec.subject,
                status=status,
                checks=tuple(checks),
                missing_facts=missing,
                source=entry.source,
                evidence=evidence,
                form=form,
                declared=declared,
                hypothetical=entry.hypothetical,
                description=spec.description,
            )
        )

    def take_effect(self, spec: ActSpec, status: Status, at: dt.datetime, de_facto: bool) -> None:
        declared = getattr(spec, "declared", "adopted")
        why = _why(spec, at)
        if status in APPLIES_DE_JURE and declared != "rejected":
            self.set_jure(apply_act(self.jure, spec, at, self.profiles), why)
        if de_facto:
            self.set_facto(apply_act(self.facto, spec, at, self.profiles), why, status)

    def take_effect_later(
        self, spec: ActSpec, status: Status, at: dt.datetime, when: dt.datetime | None
    ) -> None:
        """An act whose effect is deferred (a consent made effective later, DGCL §141(f))
        changes the state at ``when``, not when it was adopted."""
        if when is None or when <= at:
            self.take_effect(spec, status, at if when is None else when, True)
            return

        def effect(state: State) -> State:
            return apply_act(state, spec, when, self.profiles)

        why = _why(spec, when)
        if status in APPLIES_DE_JURE:
            self.schedule(when, "jure", effect, why)
        self.schedule(when, "facto", effect, why)

    def motion(self, entry: Entry, ev: Motion) -> None:
        if ev.body is not None:
            self.committee_motion(entry, ev)
            return
        self.board_motion(entry, ev)

    def committee_motion(self, entry: Entry, ev: Motion) -> None:
        """A committee's act: judged by the same rules as the board's, with the committee's
        members (those in office as directors) as the body that votes and its quorum; what it
        does takes effect on the board's state (it exercises the board's powers)."""
        committee = next(c for c in self.jure.structure.committees if c.id == ev.body)
        board = self.jure
        members = frozenset(committee.members) & board.directors
        self.jure = replace(
            board,
            directors=members,
            authorized_seats=max(len(committee.members), 1),
            chair=committee.chair if committee.chair in members else None,
        )
        self.committee = (committee, ev.under)
        try:
            self.board_motion(entry, ev, effects=False)
        finally:
            self.jure = board
            self.committee = None
        status = self.verdicts[-1].status
        if not self.judging_only:
            self.take_effect(ev, status, entry.at, ev.declared == "adopted")

    def board_motion(self, entry: Entry, ev: Motion, *, effects: bool = True) -> None:
        votes = None if is_unknown(ev.votes) else dict(ev.votes)  # type: ignore[arg-type]
        disregarded = (
            self.disregarded(entry, [p for p, v in votes.items() if v in CAST_VOTES], "vote")
            if votes
            else {}
        )
        forms: list[Form] = (
            ["meeting", "written-consent", "without-meeting"] if ev.form == "unknown" else [ev.form]
        )
        results = []
        for form in forms:
            checks = self.judge(
                entry,
                ev,
                form,
                votes,
                meeting=ev.meeting,
                extra={"in_writing": None if is_unknown(ev.in_writing) else ev.in_writing},
                disregarded=disregarded,
            )
            results.append((form, checks, status_of(checks)))
        if len(results) == 1:
            _, checks, status = results[0]
            missing = missing_of(checks) if status is Status.CONDITIONAL else ()
        else:
            status, checks, missing = _combine_alternatives(results)
        self.record(entry, ev, status, checks, missing, ev.form, ev.declared)
        if effects and not self.judging_only:
            self.take_effect(ev, status, entry.at, ev.declared == "adopted")

    def signed(self, entry: Entry, ev: ConsentSigned) -> None:
        c = self.consents[ev.consent]
        if ev.by not in c.signers:
            c.signers.append(ev.by)
        c.last = entry
        if c.done:
            return
        form, results, complete = self.consent_judgement(entry, c)
        if complete:
            c.done = True
            for spec, checks in results:
                status = status_of(checks)
                missing = missing_of(checks) if status is Status.CONDITIONAL else ()
                self.record(entry, spec, status, checks, missing, form, "adopted")
                self.take_effect_later(spec, status, entry.at, self._effective(c))

    def consent_judgement(
        self, entry: Entry, c: _Consent
    ) -> tuple[Form, list[tuple[ActSpec, list[Check]]], bool]:
        """The consent's acts judged with the signatures gathered so far, and whether those
        suffice.  Under the written-consent rule first (DGCL §141(f): everyone in office); where
        the profile lets the board act without a meeting by fewer (a majority, as OpenAI's
        bylaws were reported to), the same signed writing is judged under that rule too, and is
        adopted at the signature that makes the number it needs (the consent rule then says
        whether that rule needs the certificate's authority).  Once the signatures suffice the
        act is judged on every rule: a delay beyond the limit, or no authority, still make it
        void."""
        forms: list[Form] = ["written-consent"]
        if self.jure.bylaws.action_without_meeting.allowed:
            forms.append("without-meeting")
        first: list[tuple[ActSpec, list[Check]]] = []
        for form in forms:
            results = [(spec, self.judge_consent(entry, c, spec, form)) for spec in c.event.acts]
            first = first or results
            prefix = "consent" if form == "written-consent" else "without-meeting"
            signatures = (f"{prefix}.threshold", f"{prefix}.signers-quorum")
            if all(
                check.outcome is Outcome.PASSED
                for _, checks in results
                for check in checks
                if check.rule in signatures
            ):
                return form, results, True
        return "written-consent", first, False

    def judge_consent(
        self, entry: Entry, c: _Consent, spec: ActSpec, form: Form = "written-consent"
    ) -> list[Check]:
        """One act of a written consent, judged with the signatures gathered so far."""
        return self.judge(
            entry,
            spec,
            form,
            dict.fromkeys(c.signers, Vote.FOR),
            effective_at=self._effective(c),
            extra=self._consent_extra(c),
            disregarded=self.disregarded(entry, c.signers, "signature"),
        )

    @staticmethod
    def _consent_extra(c: _Consent) -> dict[str, Any]:
        return {"in_writing": None if is_unknown(c.event.in_writing) else c.event.in_writing}

    def _effective(self, c: _Consent) -> dt.datetime | None:
        value = c.event.effective_at
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time(0, 0))
        if value.tzinfo is None:
            value = value.replace(tzinfo=c.entry.at.tzinfo)
        return value

    def adopted(self, entry: Entry, ev: ConsentAdopted) -> None:
        c = self.consents.get(ev.consent)
        if c is None or c.done:
            return
        c.done = True
        form, results, _ = self.consent_judgement(entry, c)
        for spec, checks in results:
            status = status_of(checks)
            missing = missing_of(checks) if status is Status.CONDITIONAL else ()
            self.record(entry, spec, status, checks, missing, form, "adopted")
            self.take_effect_later(spec, status, entry.at, self._effective(c))

    def unfinished_consents(self) -> None:
        """A consent still short of signatures at the end of the journal was never adopted:
        its signature checks say so, with severity failed, so status, check and words agree."""
        for c in self.consents.values():
            if c.done:
                continue
            entry = c.last or c.entry
            for spec in c.event.acts:
                checks = [
                    replace(check, severity=Severity.FAILED, detail=f"not adopted: {check.detail}")
                    if check.outcome is Outcome.FAILED and check.rule in _SIGNATURES
                    else check
                    for check in self.judge_consent(entry, c, spec)
                ]
                status = status_of(checks)
                self.record(entry, spec, status, checks, (), "written-consent", "not adopted")

    def restructure(self, entry: Entry, ev: StructuralEvent) -> None:
        """A change of the structure, judged by the act that authorised it (``by``): it takes
        effect de jure where that act does, and de facto in any case (it was carried out)."""
        what = describe_structural(ev)
        spec = ActSpec(id=ev.id, act=ActKind.RESTRUCTURE, description=what)
        by = None if is_unknown(ev.by) else str(ev.by)
        by_status = next((v.status for v in reversed(self.verdicts) if v.id == by), None)
        extra = {"by": by, "by_status": by_status, "entity": changed_entity(ev)}
        status = self.judge_own(
            entry, spec, STRUCTURE, "structure", extra | {"notified": ev.notified}
        )
        if status in APPLIES_DE_JURE:
            self.set_jure(apply_structural(self.jure, ev, entry.at), what)
        self.set_facto(apply_structural(self.facto, ev, entry.at), what)

    def holder_election(self, entry: Entry, ev: HolderElection) -> None:
        """A seat filled, or its director removed, by its elector (a class's holder, a trust):
        the elector's own act."""
        removal = ev.kind == "holder-removal"
        spec = ActSpec(
            id=ev.id,
            act=ActKind.REMOVE_DIRECTOR if removal else ActKind.ELECT_DIRECTOR,
            subject=Subject(person=ev.person, seat=None if removal else ev.elector),
            description=f"{'removed' if removal else 'elected'} by {ev.elector}",
        )
        status = self.judge_own(entry, spec, HOLDER_ELECTION, "holders", {"elector": ev.elector})
        self.take_effect(spec, status, entry.at, de_facto=True)

    def holders_vote(self, entry: Entry, ev: HoldersVote) -> None:
        """A vote of an entity's holders, weighed by the voting power of their interests (the
        era's, where a recapitalization set them)."""
        era = self.jure.structure.economics_of(ev.entity)
        held = (
            era.interests
            if era is not None
            else tuple(i for i in self.case.charter.interests if i.entity == ev.entity)
        )
        spec = ActSpec(
            id=ev.id,
            act=ev.act,
            subject=ev.subject,
            amendment=ev.amendment,
            description=ev.matter,
        )
        extra = {
            "interests": held,
            "excluding": ev.excluding,
            "holder_votes": None if is_unknown(ev.votes) else dict(ev.votes),  # type: ignore[arg-type]
            "fraction": ev.fraction,
            "form": ev.form,
        }
        status = self.judge_own(entry, spec, HOLDERS_VOTE, "holders", extra)
        if ev.act is not ActKind.APPROVE_TRANSACTION:
            self.take_effect(spec, status, entry.at, de_facto=True)

    def in_equity(
        self,
        entry: Entry,
        act: str,
        kind: Literal["acquiescence", "challenge"],
        person: str,
        text: str,
    ) -> None:
        """A later fact about an act's equity: judge the act's verdict again from the checks it
        had when taken and every such fact so far (the act's effect on the states is as it was:
        a voidable act took effect de jure, and a void one never did)."""
        index = next(
            (i for i in range(len(self.verdicts) - 1, -1, -1) if self.verdicts[i].id == act), None
        )
        if index is None:
            return  # the loader refuses an act that is not earlier in the journal
        verdict = self.verdicts[index]
        fact = EquityFact(kind=kind, person=person, at=entry.at, source=entry.source, text=text)
        base, facts = self.equity.get(act, (verdict.checks, ()))
        facts = (*facts, fact)
        self.equity[act] = (base, facts)
        checks = equitable_checks(base, verdict.at, facts, self.jure.bylaws.equity)
        status = status_of(checks)
        missing = missing_of(checks) if status is Status.CONDITIONAL else ()
        self.verdicts[index] = replace(
            verdict, checks=tuple(checks), status=status, missing_facts=missing
        )

    def judge_own(
        self,
        entry: Entry,
        spec: ActSpec,
        rules: tuple[Rule, ...],
        form: str,
        extra: dict[str, Any],
        effective_at: dt.datetime | None = None,
    ) -> Status:
        """Judge an act that is not a vote of the board (a resignation, a structural change, an
        elector's act) by its own rules against the de jure state, and record the verdict."""
        ctx = ActContext(
            spec=spec,
            form="meeting",
            at=entry.at,
            state=self.jure,
            bylaws=self.jure.bylaws,
            source=entry.source,
            votes={},
            effective_at=effective_at,
            extra=extra,
            profiles=self.profiles,
        )
        checks = apply(rules, ctx)
        status = status_of(checks)
        missing = missing_of(checks) if status is Status.CONDITIONAL else ()
        self.record(entry, spec, status, checks, missing, form, "adopted")
        return status

    def resignation(self, entry: Entry, ev: Resignation) -> None:
        spec = ActSpec(
            id=ev.id, act=ActKind.RESIGN, subject=Subject(person=ev.person), description=ev.note
        )
        effective: dt.datetime | None = None
        unknown_when = is_unknown(ev.effective)
        if isinstance(ev.effective, dt.datetime | dt.date):
            value = ev.effective
            if not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time(0, 0))
            effective = value if value.tzinfo else value.replace(tzinfo=entry.at.tzinfo)
        extra = {
            "positions": ev.positions,
            "effective_unknown": unknown_when,
            "in_writing": None if is_unknown(ev.in_writing) else ev.in_writing,
        }
        status = self.judge_own(entry, spec, RESIGNATION, "resignation", extra, effective)
        when = effective if effective is not None and effective > entry.at else entry.at

        def effect(state: State) -> State:
            return resign(state, ev.person, ev.positions, when)

        named = f" ({spec.id})" if spec.id else ""
        why = f"resigned{named}, effective {when:%Y-%m-%d %H:%M}"
        if when > entry.at:
            if status in APPLIES_DE_JURE:
                self.schedule(when, "jure", effect, why)
            self.schedule(when, "facto", effect, why)
        else:
            if status in APPLIES_DE_JURE:
                self.set_jure(effect(self.jure), why)
            self.set_facto(effect(self.facto), why)


def _either_interest(
    without: list[Check], with_: list[Check], people: list[str], act: str, ctx: ActContext
) -> list[Check]:
    """The checks of an act judged without and with interests declared without naming a
    motion.  Where the status is the same either way, the checks without them, and a note that
    it does not matter; otherwise each check that differs is unknown, saying both answers, with
    the missing fact (whether those interests concern this act; taken together)."""
    who = ", ".join(people)
    whose = f"{who}'s interest" if len(people) == 1 else f"the interests of {who}"
    verb, pronoun = ("concerns", "it") if len(people) == 1 else ("concern", "they")
    fact = f"whether {whose} (declared without naming a motion) {verb} {act}"
    if status_of(without) is status_of(with_) and _findings(without) == _findings(with_):
        note = ctx.check(
            "recusal.interest-scope",
            ctx.bylaws.recusal.citation,
            Outcome.PASSED,
            f"{whose} (declared without naming a motion): whether {pronoun} {verb} {act} "
            "does not change the verdict",
            Severity.WARNING,
        )
        return [*without, note]
    pending = list(with_)
    merged: list[Check] = []
    for c in without:
        w = next((x for x in pending if x.rule == c.rule), None)
        if w is not None:
            pending.remove(w)
        if w is None or w.outcome is c.outcome:
            merged.append(c)
            continue
        worse = w if w.outcome is not Outcome.PASSED else c
        merged.append(
            replace(
                c,
                outcome=Outcome.UNKNOWN,
                severity=worse.severity,
                detail=f"if {whose} {verb} {act}: {w.detail}; if not: {c.detail}",
                missing=(fact, *c.missing, *w.missing),
            )
        )
    for w in pending:  # checks only an interest brings (recusal of the interested)
        if w.outcome is not Outcome.PASSED:
            merged.append(
                replace(
                    w,
                    outcome=Outcome.UNKNOWN,
                    detail=f"if {whose} {verb} {act}: {w.detail}",
                    missing=(fact, *w.missing),
                )
            )
    return merged


def _findings(checks: list[Check]) -> set[tuple[str, Outcome]]:
    """What a list of checks found, beyond the passes: the same findings, the same verdict."""
    return {(c.rule, c.outcome) for c in checks if c.outcome is not Outcome.PASSED}


def _why(spec: ActSpec, at: dt.datetime) -> str:
    """How an act changed who is on the board, as a vote disregarded later explains it."""
    name = spec.id or spec.act.value
    when = f"{at:%Y-%m-%d %H:%M}"
    if spec.act is ActKind.REMOVE_DIRECTOR:
        return f"removed by act {name} at {when}"
    if spec.act in (ActKind.ELECT_DIRECTOR, ActKind.FILL_VACANCY):
        return f"seated by act {name} at {when}"
    return f"by act {name} at {when}"


def _combine_alternatives(
    results: list[tuple[Form, list[Check], Status]],
) -> tuple[Status, list[Check], tuple[str, ...]]:
    """The form of the act is unknown: judge every possible form.  If every form fails, the act
    fails whichever it was; if any could stand, it is conditional on the form (and on what that
    form still lacks)."""
    statuses = [s for _, _, s in results]
    checks: list[Check] = []
    for form, group, _ in results:
        for c in group:
            checks.append(replace(c, detail=f"if {FORM_LABEL[form]}: {c.detail}"))
    if len(set(statuses)) == 1 and statuses[0] is not Status.CONDITIONAL:
        status = statuses[0]
        missing: tuple[str, ...] = ()
        if status is Status.VALID or status is Status.VALID_WITH_WARNINGS:
            return status, checks, missing
        return status, checks, missing
    if all(s in (Status.VOID, Status.FAILED) for s in statuses):
        return Status.VOID, checks, ()
    facts: dict[str, None] = {"form of the action (meeting, written consent or informal)": None}
    for _, group, s in results:
        if s not in (Status.VOID, Status.FAILED):
            for fact in missing_of(group):
                facts.setdefault(fact, None)
    return Status.CONDITIONAL, checks, tuple(facts)


def replay(case: Case, *, bylaws: Bylaws | None = None) -> Timeline:
    """Fold the journal into verdicts and states.  Pure and deterministic."""
    if bylaws is not None:
        case = replace(case, bylaws=bylaws)
    fold = _Fold(case)
    for entry in case.entries:
        fold.step(entry)
    return _finish(fold, case)


def _verdict_time(v: Verdict) -> dt.datetime:
    return v.at


def _finish(fold: _Fold, case: Case) -> Timeline:
    """The end of the journal: consents never completed, effects scheduled after it.

    The verdicts are listed in time order (a stable sort: acts of one instant keep the
    journal's order).  The fold records a consent never completed only at the end, though it
    stands at its last signature, before any later act: every output lists acts as this does."""
    fold.judged = len(fold.verdicts)
    fold.unfinished_consents()
    fold.pending_at_end = bool(fold.pending)
    fold.advance(None)
    return Timeline(
        profile=case.bylaws.profile,
        initial=fold.initial,
        verdicts=tuple(sorted(fold.verdicts, key=_verdict_time)),
        snapshots=tuple(fold.snapshots),
        diagnostics=tuple(fold.diagnostics),
        fold=fold,
    )
