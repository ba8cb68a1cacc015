"""The board service's decisions: every operation becomes a candidate journal event, the
organisation's case is replayed with it, and the same rules that judge journals decide.

- What *cannot* happen is refused (:class:`Refused`, mapped to 403 / 404 / 409 / 422 at the HTTP
  edge): a vote by someone the replayed (de facto) state does not hold to be a director, a
  second vote, a vote on a closed motion, a meeting that is not open.
- What is *legally defective* (a check of the act's verdict fails: notice, quorum, who called
  the meeting...) is recorded only when the request says ``confirm: true``; without it the
  caller gets the verdict and the failed rules (:class:`NeedsConfirmation`, HTTP 409).  The record
  shows what happened and what it is worth.

Live voting: a motion is *proposed* (a ``service`` record), votes are *cast* (one ``service``
record each, timestamped as they happen) and when the motion is *closed* the votes are folded into
one journal ``motion`` event with its tally, so the journal format needs no new event kinds.

Concurrency: an operation reads, decides and appends under one lock per organisation (a thread
lock, plus a PostgreSQL advisory lock or a lock file for SQLite, so that two processes serving one
database also take turns); a duplicate vote is therefore refused, never recorded.  The locks, the
cached views and the group commit are :mod:`charter.service.commit_pipeline`'s job; this module
decides what each request records and imports the pipeline, never the other way round.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from charter.load.case import sort_entries
from charter.model.case import Case, Entry
from charter.model.floors import judge_amendment
from charter.model.journal import (
    ActSpec,
    Amendment,
    Announcement,
    ConsentCirculated,
    ConsentSigned,
    Event,
    InterestDeclared,
    Joined,
    Left,
    MeetingClosed,
    MeetingOpened,
    Motion,
    Notice,
    Objection,
    Resignation,
    Subject,
)
from charter.model.kinds import (
    NEEDS_OFFICE,
    NEEDS_PERSON,
    ActKind,
    Channel,
    Status,
    View,
    Vote,
)
from charter.model.source import Source
from charter.model.state import State
from charter.replay import Timeline, replay
from charter.replay.engine import Verdict
from charter.report.terminal import human_time
from charter.service import papers, preview, schemas
from charter.service.accounts import Account
from charter.service.board_previews import UNSET, BoardPreviews
from charter.service.board_reads import BoardReads
from charter.service.calendar import meeting_invitation
from charter.service.commit_pipeline import CommitPipeline
from charter.service.errors import Refused, confirmation, not_found
from charter.service.mail import Delivery, Mailer
from charter.service.org_view import MeetingInfo, MotionInfo, OrgView
from charter.service.verdicts import defects, verdict_json
from charter.store.db import EventStore
from charter.store.journal_io import SERVICE, event_record

T = TypeVar("T")

Clock = Callable[[], dt.datetime]
_VOTE = {v.value: v for v in Vote}
"""A vote by its text: a dict look-up, where ``Vote(text)`` (the enum's call) costs as much as
the rest of building a motion's tally for a board voting in full."""
WRITERS = {"secretary", "admin"}


def _check_ident(value: str, what: str) -> None:
    """The id rule of the API's paths and bodies (:func:`schemas.ident_problem`), for an id
    that reached the board another way (the portal's form routes): one rule for both edges."""
    problem = schemas.ident_problem(value)
    if problem is not None:
        raise Refused(422, "invalid", f"{what} id: {problem}")


class Board(BoardReads, BoardPreviews):
    """The operations on every organisation of one store.  Thread-safe: each decides under its
    organisation's lock (:class:`CommitPipeline`), which also makes what it records durable."""

    def __init__(
        self, store: EventStore, *, clock: Clock, mailer: Mailer, linger_s: float = 0.05
    ) -> None:
        self.store = store
        self.clock = clock
        self.mailer = mailer
        self.pipeline = CommitPipeline(store, linger_s=linger_s)

    def locked(self, org: str) -> contextlib.AbstractContextManager[OrgView]:
        """Decide under the organisation's lock (:meth:`CommitPipeline.locked`)."""
        return self.pipeline.locked(org)

    async def operate(self, org: str, decide: Callable[[OrgView], T]) -> T:
        """Decide on the event loop (:meth:`CommitPipeline.operate`)."""
        return await self.pipeline.operate(org, decide)

    def view(self, org: str) -> OrgView:
        """A consistent snapshot for reads, once everything decided before it is durable."""
        return self.pipeline.view(org)

    def orgs(self) -> list[str]:
        return self.store.orgs()

    # -- helpers ---------------------------------------------------------------------------------

    def now(self, view: OrgView) -> dt.datetime:
        return self.clock().astimezone(view.tz)

    @staticmethod
    def state(view: OrgView, at: dt.datetime) -> State:
        return view.timeline.state_at(at, View.DE_FACTO)

    def _person(self, view: OrgView, account: Account, asked: str | None) -> str:
        """Whom the caller acts as: themself, or (secretary, admin) the person they name."""
        own = account.person(view.org)
        roles = account.roles(view.org)
        if asked is not None and asked != own:
            if not roles & WRITERS:
                raise Refused(
                    403, "forbidden", f"only a secretary or admin may record an act of '{asked}'"
                )
            self._known_person(view, asked)
            return asked
        if own is None:
            raise Refused(
                403,
                "forbidden",
                f"your account is not linked to a person of '{view.org}'"
                + ("; name the person" if roles & WRITERS else ""),
            )
        return own

    @staticmethod
    def _known_person(view: OrgView, person: str) -> None:
        if person not in {p.id for p in view.case.charter.people}:
            raise Refused(422, "unknown-person", f"no person '{person}' in '{view.org}'")

    def _director(self, view: OrgView, person: str, now: dt.datetime, what: str) -> None:
        directors = view.timeline.directors_at(now, View.DE_FACTO)
        if person not in directors:
            raise Refused(
                403,
                "not-a-director",
                f"{person} may not {what}: not a director of {view.org} at {now.isoformat()} "
                f"(per the replayed record; directors: {', '.join(sorted(directors)) or 'none'})",
            )

    @staticmethod
    def _writer(view: OrgView, account: Account, what: str) -> None:
        if not account.roles(view.org) & WRITERS:
            raise Refused(403, "forbidden", f"only a secretary or admin may {what}")

    @staticmethod
    def _fresh_id(view: OrgView, wanted: str | None, prefix: str, taken: set[str]) -> str:
        if wanted is not None:
            _check_ident(wanted, prefix)
            if wanted in taken:
                raise Refused(409, "duplicate-id", f"'{wanted}' is already used in {view.org}")
            return wanted
        n = len(view.records)
        while f"{prefix}-{n}" in taken:
            n += 1
        return f"{prefix}-{n}"

    def _meeting(self, view: OrgView, meeting: str, *, open_: bool = False) -> MeetingInfo:
        info = view.meetings.get(meeting)
        if info is None:
            raise not_found("meeting", meeting)
        if open_ and not info.opened:
            raise Refused(409, "meeting-not-open", f"meeting '{meeting}' has not been opened")
        if open_ and info.closed:
            raise Refused(409, "meeting-closed", f"meeting '{meeting}' is closed")
        return info

    def _spec(self, view: OrgView, body: schemas.ActIn, ident: str) -> ActSpec:
        subject = Subject(person=body.subject.person, office=body.subject.office)
        act = ActKind(body.act)
        if act in NEEDS_PERSON and subject.person is None:
            raise Refused(422, "invalid", f"act '{act}' needs subject.person")
        if act in NEEDS_OFFICE and subject.office is None:
            raise Refused(422, "invalid", f"act '{act}' needs subject.office")
        if act is ActKind.CHANGE_BOARD_SIZE and body.seats is None:
            raise Refused(422, "invalid", "act 'change-board-size' needs 'seats'")
        if act is ActKind.APPROVE_MINUTES and body.minutes_of is None:
            raise Refused(422, "invalid", "act 'approve-minutes' needs 'minutes_of' (a meeting)")
        if body.minutes_of is not None and body.minutes_of not in view.meetings:
            raise not_found("meeting", body.minutes_of)
        if subject.person is not None:
            self._known_person(view, subject.person)
        amendment = None
        if body.amendment is not None:
            amendment = Amendment(profile=body.amendment.profile, set=dict(body.amendment.set))
            if amendment.profile is not None and amendment.profile not in view.case.profiles:
                known = ", ".join(sorted(view.case.profiles))
                raise Refused(
                    422, "invalid", f"profile '{amendment.profile}' is not embedded (have: {known})"
                )
        if act is ActKind.AMEND_BYLAWS and (
            amendment is None or (amendment.profile is None and not amendment.set)
        ):
            raise Refused(422, "invalid", "act 'amend-bylaws' needs an 'amendment'")
        if act is ActKind.AMEND_BYLAWS and amendment is not None:
            # The judgement the replay makes of the act (rules/amendment.py), made before the
            # proposal is recorded: an amendment that could never take effect is refused here.
            before = self.state(view, self.now(view)).bylaws
            replacement = view.case.profiles.get(amendment.profile or "")
            _, problems = judge_amendment(before, replacement, amendment.set)
            wrong = [p for p in problems if not p.conditional]
            if wrong:
                raise Refused(
                    422,
                    "invalid-amendment",
                    "; ".join(p.message for p in wrong),
                    hints=[p.hint for p in wrong],
                )
        return ActSpec(
            id=ident,
            act=act,
            subject=subject,
            seats=body.seats,
            technology=body.technology,
            description=body.description,
            amendment=amendment,
            minutes_of=body.minutes_of,
            text=body.text,
            documents=papers.documents(self.store, view.org, body.documents),
        )

    # -- deciding and recording ------------------------------------------------------------------

    def _candidate(
        self, view: OrgView, items: Sequence[tuple[Event, dt.datetime] | dict[str, Any]]
    ) -> tuple[Case, Timeline, list[Verdict], list[dict[str, Any]]]:
        """The case with ``items`` appended (journal events, or service records kept in their
        place), its timeline (the retained fold stepped on where the events come after every
        recorded one, :meth:`Timeline.extend`; else replayed), the verdicts the events produce,
        and every record to append."""
        origin = f"store:{view.org}"
        entries = []
        records = []
        for i, item in enumerate(items):
            seq = view.size + 1 + i
            if isinstance(item, dict):
                records.append(item)
                continue
            event, at = item
            entries.append(
                Entry(
                    event=event,
                    at=at,
                    source=Source(path=origin, line=seq),
                    file_index=0,
                    position=seq,
                )
            )
            records.append(event_record(event, at))
        ordered = sort_entries(entries)
        extended = view.case.entries + ordered
        timeline = None
        if ordered:  # usually the new entries come after every recorded one: step them on
            case = replace(view.case, entries=extended)
            timeline = view.timeline.extend(case, ordered)
        if timeline is None:  # else, or nothing to step: the whole journal is replayed
            case = replace(view.case, entries=sort_entries(extended))
            timeline = replay(case)
        lines = {e.source.line for e in entries}
        verdicts = [v for v in timeline.verdicts if v.source.line in lines]
        return case, timeline, verdicts, records

    def _judge(self, view: OrgView, event: Motion, at: dt.datetime) -> list[Verdict]:
        """The verdicts ``event`` would get appended to the case: on the replayed timeline's
        retained fold when that gives the full replay's answer (a vote does not change the case,
        so this is every vote), else by replaying the case with it."""
        seq = view.size + 1
        entry = Entry(
            event=event,
            at=at,
            source=Source(path=f"store:{view.org}", line=seq),
            file_index=0,
            position=seq,
        )
        verdicts = view.timeline.preview(entry)
        if verdicts is not None:
            return list(verdicts)
        return self._candidate(view, [(event, at)])[2]

    def _record(
        self,
        view: OrgView,
        records: list[dict[str, Any]],
        *,
        account: Account,
        case: Case | None = None,
        timeline: Timeline | None = None,
    ) -> list[int]:
        """Queue ``records`` for commit (:meth:`CommitPipeline.record`), each stamped with the
        account that made it: a person may act through a secretary, and a person's account may
        be transferred, so the log keeps both the person and the account."""
        stamped = [r | {"account": account.username, "account_id": account.id} for r in records]
        return self.pipeline.record(view, stamped, case=case, timeline=timeline)

    def _decide(
        self,
        view: OrgView,
        account: Account,
        events: Sequence[tuple[Event, dt.datetime] | dict[str, Any]],
        *,
        confirm: bool,
        what: str,
    ) -> dict[str, Any]:
        case, timeline, verdicts, records = self._candidate(view, events)
        if timeline.diagnostics:
            raise Refused(403, "refused", timeline.diagnostics[0].message)
        # a consent still short of signatures is judged "not adopted" at the end of a replay:
        # that is where it stands, not a defect of this signature
        final = [v for v in verdicts if v.declared != "not adopted"]
        found = [d for v in final for d in defects(v)]
        body = {"verdicts": [verdict_json(v) for v in final]}
        if found and not confirm:
            raise confirmation(f"{what} would be recorded as legally defective", found, **body)
        seqs = self._record(view, records, account=account, case=case, timeline=timeline)
        return {"recorded": seqs, "warnings": found} | body

    def _service_record(self, view: OrgView, op: str, **data: Any) -> dict[str, Any]:
        return {"type": SERVICE, "op": op} | data

    # -- operations ------------------------------------------------------------------------------

    def call_meeting(self, org: str, account: Account, body: schemas.CallMeeting) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            roles = account.roles(org)
            if body.called_by is not None:
                self._writer(view, account, "record a call made by others")
                callers = tuple(body.called_by)
                for person in callers:
                    self._known_person(view, person)
            else:
                callers = (self._person(view, account, None),)
            state = self.state(view, now)
            rule = state.bylaws.special_meetings
            if body.type == "special":
                entitled = []
                for person in callers:
                    held = set(state.offices_of(person))
                    if state.chair == person:
                        held.add("chair")
                    if person in state.directors:
                        held.add("any-director")
                    if held & set(rule.callers):
                        entitled.append(person)
                directors = [p for p in callers if p in state.directors]
                together = rule.directors_together > 0 and len(directors) >= rule.directors_together
                if not entitled and not together:
                    allowed = ", ".join(rule.callers) or "nobody alone"
                    extra = (
                        f", or {rule.directors_together} directors together"
                        if rule.directors_together
                        else ""
                    )
                    raise Refused(
                        403,
                        "not-allowed-caller",
                        f"{', '.join(callers)} may not call a special meeting of {org}: "
                        f"the bylaws ({state.bylaws_ref}) allow {allowed}{extra}",
                    )
            elif not roles & WRITERS:
                raise Refused(
                    403, "forbidden", "only a secretary or admin schedules a regular meeting"
                )
            taken = set(view.meetings) | view.ids
            meeting = self._fresh_id(view, body.meeting, "meeting", taken)
            record = self._service_record(
                view,
                "meeting-called",
                meeting=meeting,
                meeting_type=body.type,
                called_by=list(callers),
                by=account.username,
                at=now.isoformat(),
                scheduled_at=body.at.isoformat() if body.at else None,
                purpose=body.purpose,
                remote=body.remote,
                place=body.place,
                agenda=[
                    {
                        "title": item.title,
                        "text": item.text,
                        "documents": [
                            d.model_dump(mode="json", exclude_none=True)
                            for d in papers.documents(self.store, org, item.documents)
                        ],
                    }
                    for item in body.agenda
                ],
            )
            seqs = self._record(view, [record], account=account)
            return {"recorded": seqs, "meeting": view.meetings[meeting].to_json()}

    def _notice_plan(
        self, view: OrgView, account: Account, meeting: str, body: schemas.SendNotices
    ) -> tuple[MeetingInfo, list[str]]:
        """The meeting and whom its notices go to (the named people, else the directors now),
        after checking the meeting may still be noticed and the caller may notice it."""
        info = self._meeting(view, meeting)
        if info.called_by is None:
            raise Refused(409, "not-called", f"meeting '{meeting}' was not called here")
        if info.opened:
            raise Refused(409, "meeting-opened", f"meeting '{meeting}' is already open")
        own = account.person(view.org)
        if not account.roles(view.org) & WRITERS and own not in info.called_by:
            raise Refused(403, "forbidden", "only a caller of the meeting, a secretary or an admin")
        now = self.now(view)
        directors = sorted(self.state(view, now).directors)
        to = list(body.to) if body.to is not None else directors
        for person in to:
            self._known_person(view, person)
        return info, to

    def _notice(
        self, view: OrgView, account: Account, meeting: str, person: str, body: schemas.SendNotices
    ) -> Notice:
        # A journal names people only: "secretary" (an account with no person) made the stored
        # log unloadable once the view was rebuilt from it (after a restart or a failed commit)
        return Notice(
            kind="notice",
            at=self.now(view),
            meeting=meeting,
            to=(person,),
            channel=Channel(body.channel),
            by=account.person(view.org) or "unknown",
            purpose_stated=body.purpose_stated,
            note=f"recorded by {account.username}",
        )

    def send_notices(
        self, org: str, account: Account, meeting: str, body: schemas.SendNotices
    ) -> dict[str, Any]:
        """Give the meeting's notices.  A notice by a channel the service does not carry is
        recorded as given, all in one decision.  By email each notice is sent and then recorded
        *and committed* before the next is sent: when the SMTP server fails part-way the caller
        learns which were sent (they are in the log), and sending again sends only the rest (a
        director with an email notice of this meeting on record is not written to twice)."""
        if not body.confirm:
            with self.locked(org) as view:
                judged = self._notices_judged(view, account, meeting, body, every_profile=True)
                info, to = self._notice_plan(view, account, meeting, body)
                left_out = self._left_out(view, info, to)
            _confirm_or_refuse(
                judged,
                False,
                f"the notices of '{meeting}'",
                also=_left_out_warning(view, left_out, judged),
            )
        if body.channel != "email":
            with self.locked(org) as view:
                _, to = self._notice_plan(view, account, meeting, body)
                now = self.now(view)
                events: list[tuple[Event, dt.datetime] | dict[str, Any]] = [
                    (self._notice(view, account, meeting, p, body), now) for p in to
                ]
                result = self._decide(view, account, events, confirm=True, what="the notices")
                # not "sent": the service sent nothing; a person gave it and the record says so
                deliveries = [
                    {
                        "person": p,
                        "status": "given",
                        "detail": f"given by {body.channel}, recorded by {account.username}",
                    }
                    for p in to
                ]
                return result | {"deliveries": deliveries}
        with self.locked(org) as view:
            _, to = self._notice_plan(view, account, meeting, body)
        done: dict[str, Any] = {"recorded": [], "warnings": [], "verdicts": [], "deliveries": []}
        for person in to:
            try:
                delivery = self._deliver(org, account, meeting, person, body, done)
            except Refused as error:
                sent = [d["person"] for d in done["deliveries"] if d["status"] == "sent"]
                error.message += (
                    f" (notices sent and recorded before this: {', '.join(sent) or 'none'})"
                )
                error.extra.setdefault("deliveries", done["deliveries"])
                raise
            if delivery is not None and delivery.transport:
                sent = [d["person"] for d in done["deliveries"] if d["status"] == "sent"]
                rest = to[to.index(person) :]
                raise Refused(
                    502,
                    "smtp-failed",
                    f"the SMTP server failed ({delivery.detail}); notices sent and recorded: "
                    f"{', '.join(sent) or 'none'}; not sent: {', '.join(rest)}. Send the "
                    "notices again to send only those not sent",
                    deliveries=done["deliveries"],
                    recorded=done["recorded"],
                )
        return done

    def _deliver(
        self,
        org: str,
        account: Account,
        meeting: str,
        person: str,
        body: schemas.SendNotices,
        done: dict[str, Any],
    ) -> Delivery | None:
        """One email notice: sent, then recorded and committed (leaving :meth:`locked` waits for
        the commit) before the caller sends the next.  None if it was given already."""
        with self.locked(org) as view:
            info, _ = self._notice_plan(view, account, meeting, body)
            if person in _noticed(info, "email"):
                done["deliveries"].append(
                    {"person": person, "status": "already-sent", "detail": "on record already"}
                )
                return None
            now = self.now(view)
            address = self.mailer.address_of(org, person)
            invitation = (
                (self._invitation(view, meeting), f"{meeting}.ics")
                if info.scheduled_at is not None
                else None
            )
            delivery = self.mailer.deliver(
                address,
                f"[{org}] notice of a {info.type} meeting: {meeting}",
                _notice_text(view, info, person),
                attachment=invitation,
            )
            records: list[tuple[Event, dt.datetime] | dict[str, Any]] = [
                self._service_record(
                    view,
                    "notice-delivery",
                    meeting=meeting,
                    person=person,
                    address=address,
                    status=delivery.status,
                    detail=delivery.detail,
                    at=now.isoformat(),
                )
            ]
            if delivery.status == "sent":
                notice = self._notice(view, account, meeting, person, body)
                records.append((notice.model_copy(update={"note": delivery.detail}), now))
            result = self._decide(view, account, records, confirm=True, what="the notice")
        done["recorded"] += result["recorded"]
        done["warnings"] += result["warnings"]
        done["verdicts"] += result["verdicts"]
        done["deliveries"].append(
            {"person": person, "status": delivery.status, "detail": delivery.detail}
        )
        return delivery

    def _opening(
        self, view: OrgView, account: Account, meeting: str, body: schemas.OpenMeeting
    ) -> tuple[MeetingOpened, MeetingInfo | None]:
        now = self.now(view)
        info = view.meetings.get(meeting)
        own = account.person(view.org)
        if not account.roles(view.org) & WRITERS:
            self._director(view, self._person(view, account, None), now, "open a meeting")
        if info is not None and info.opened:
            raise Refused(409, "meeting-opened", f"meeting '{meeting}' was already opened")
        if info is None:
            self._fresh_id(view, meeting, "meeting", view.ids)
        present = list(body.present) if body.present is not None else ([own] if own else [])
        for person in present:
            self._known_person(view, person)
        called = info is not None and info.called_by is not None
        event = MeetingOpened(
            kind="meeting-opened",
            at=now,
            meeting=meeting,
            type=info.type if called and info else (body.type or "regular"),
            called_by=info.called_by if called and info and info.called_by else "unknown",
            remote=body.remote
            if body.remote is not None
            else (info.remote if info and info.remote is not None else "unknown"),
            present=tuple(present),
            notices="complete" if called else "unknown",
        )
        return event, info

    def _opening_judged(
        self,
        view: OrgView,
        event: MeetingOpened,
        info: MeetingInfo | None,
        *,
        every_profile: bool,
    ) -> list[preview.Judged]:
        present = tuple(event.present) if isinstance(event.present, tuple) else ()
        probe_at = event.at + dt.timedelta(microseconds=1)
        judged = preview.judge_everywhere(
            view.case,
            view.size,
            [(event, event.at)],
            preview.ordinary_act(event.meeting, probe_at, present),
            in_force=view.timeline.profile,
            every_profile=every_profile,
        )
        early = _opened_early(view, event, info, present)
        if early is None:
            return judged
        return [
            replace(
                j,
                problems=(*j.problems, early),
                status=preview.worst(j.status, Status.VOID),
            )
            for j in judged
        ]

    def open_meeting(
        self, org: str, account: Account, meeting: str, body: schemas.OpenMeeting
    ) -> dict[str, Any]:
        """Open the meeting; opening before the time noticed, without a quorum or with a
        defect of notice is recorded only when confirmed."""
        with self.locked(org) as view:
            event, info = self._opening(view, account, meeting, body)
            judged = self._opening_judged(view, event, info, every_profile=False)
            _confirm_or_refuse(judged, body.confirm, f"opening '{meeting}'")
            return self._decide(
                view, account, [(event, event.at)], confirm=True, what="opening the meeting"
            )

    def _notices_judged(
        self,
        view: OrgView,
        account: Account,
        meeting: str,
        body: schemas.SendNotices,
        *,
        every_profile: bool,
    ) -> list[preview.Judged]:
        """An act at the meeting, held at its time with the directors noticed present (those
        left out are the ones a notice exists for: they are not there), after these notices
        and those already given."""
        info, to = self._notice_plan(view, account, meeting, body)
        now = self.now(view)
        # a meeting called without a time is judged as if held once any notice period ran
        held = dt.datetime.fromisoformat(info.scheduled_at) if info.scheduled_at else now + UNSET
        held = max(held, now + dt.timedelta(microseconds=1))
        noticed = set(to) | {n["person"] for n in info.notices if not n.get("status")}
        directors = sorted(self.state(view, now).directors & noticed)
        events: list[tuple[Event, dt.datetime]] = [
            (self._notice(view, account, meeting, p, body), now) for p in to
        ]
        opened = preview.opened_for_probe(
            meeting,
            held,
            directors,
            type=info.type,
            called_by=info.called_by or "unknown",
            notices="complete",
        )
        events.append((opened, held))
        return preview.judge_everywhere(
            view.case,
            view.size,
            events,
            preview.ordinary_act(meeting, held + dt.timedelta(microseconds=1), directors),
            in_force=view.timeline.profile,
            every_profile=every_profile,
        )

    def _left_out(self, view: OrgView, info: MeetingInfo, to: Sequence[str]) -> list[str]:
        """Directors now who would have no notice of the meeting: not in ``to``, and none given
        before."""
        given = {n["person"] for n in info.notices if not n.get("status")}
        return sorted(set(self.state(view, self.now(view)).directors) - set(to) - given)

    def close_meeting(self, org: str, account: Account, meeting: str) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            if not account.roles(org) & WRITERS:
                self._director(view, self._person(view, account, None), now, "close a meeting")
            info = self._meeting(view, meeting, open_=True)
            still = [m.id for m in view.motions.values() if m.meeting == meeting and not m.closed]
            if still:
                raise Refused(
                    409, "motions-open", f"close the open motions first: {', '.join(still)}"
                )
            event = MeetingClosed(kind="meeting-closed", at=now, meeting=info.id)
            return self._decide(
                view, account, [(event, now)], confirm=True, what="closing the meeting"
            )

    def attend(
        self, org: str, account: Account, meeting: str, body: schemas.PersonRef, *, join: bool
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, body.person)
            info = self._meeting(view, meeting, open_=True)
            if join and person in info.present:
                raise Refused(409, "already-present", f"{person} is already at '{meeting}'")
            if not join and person not in info.present:
                raise Refused(409, "not-present", f"{person} is not at '{meeting}'")
            event: Event = (
                Joined(kind="joined", at=now, meeting=meeting, person=person)
                if join
                else Left(kind="left", at=now, meeting=meeting, person=person)
            )
            result = self._decide(view, account, [(event, now)], confirm=True, what="attendance")
            if not join:  # say so: the tally counts only the votes of directors present
                cast = [
                    m.id
                    for m in view.motions.values()
                    if m.meeting == meeting and not m.closed and person in m.votes
                ]
                if cast:
                    result["votes_not_counted"] = cast
                    result["note"] = (
                        f"{person}'s votes on {', '.join(cast)} will not be counted unless "
                        f"{person} joins '{meeting}' again before the vote closes"
                    )
            return result

    def object(
        self, org: str, account: Account, meeting: str, body: schemas.ObjectionIn
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, body.person)
            self._director(view, person, now, "object to the meeting")
            info = self._meeting(view, meeting, open_=True)
            event = Objection(
                kind="objection",
                at=now,
                meeting=meeting,
                person=person,
                at_start=info.motions_proposed == 0,
                reason=body.reason,
            )
            result = self._decide(view, account, [(event, now)], confirm=True, what="the objection")
            result["at_start"] = event.at_start
            return result

    def propose(
        self, org: str, account: Account, meeting: str, body: schemas.ProposeMotion
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, None)
            self._director(view, person, now, "propose a motion")
            self._meeting(view, meeting, open_=True)
            ident = self._fresh_id(view, body.id, "motion", view.ids | set(view.meetings))
            spec = self._spec(view, body, ident)
            act = spec.model_dump(mode="json", exclude_defaults=True)
            record = self._service_record(
                view,
                "motion-proposed",
                motion=ident,
                meeting=meeting,
                act=act,
                by=person,
                at=now.isoformat(),
            )
            seqs = self._record(view, [record], account=account)
            return {"recorded": seqs, "motion": view.motions[ident].to_json()}

    def _motion_event(
        self,
        view: OrgView,
        motion: MotionInfo,
        votes: dict[str, str],
        at: dt.datetime,
        declared: str,
    ) -> Motion:
        if motion.template is None:
            spec = ActSpec.model_validate(motion.spec)
            motion.template = Motion(
                kind="motion",
                at=at,
                form="meeting",
                meeting=motion.meeting,
                votes={},
                declared="adopted",
                **spec.model_dump(exclude={"id"}),
                id=motion.id,
                proposed_by=motion.proposed_by,
            )
        if declared not in ("adopted", "rejected"):
            raise ValueError(f"a motion is declared adopted or rejected, not {declared!r}")
        # Copied without validating again: the spec was validated above, and every vote when
        # it was cast (schemas.CastVote) or filled in here ("abstain", "absent").
        tally = {p: _VOTE[v] for p, v in votes.items()}
        return motion.template.model_copy(update={"at": at, "votes": tally, "declared": declared})

    def _open_motion(self, view: OrgView, motion: str) -> MotionInfo:
        info = view.motions.get(motion)
        if info is None:
            raise not_found("motion", motion)
        if info.closed:
            raise Refused(409, "motion-closed", f"motion '{motion}' is closed")
        return info

    def vote(
        self, org: str, account: Account, motion: str, body: schemas.CastVote
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            return self._vote(view, account, motion, body)

    async def vote_async(
        self, org: str, account: Account, motion: str, body: schemas.CastVote
    ) -> dict[str, Any]:
        """:meth:`vote` for the event loop (see :meth:`operate`): the same decision."""
        return await self.operate(org, lambda view: self._vote(view, account, motion, body))

    def _vote(
        self, view: OrgView, account: Account, motion: str, body: schemas.CastVote
    ) -> dict[str, Any]:
        now = self.now(view)
        person = self._person(view, account, None)
        self._director(view, person, now, "vote")
        info = self._open_motion(view, motion)
        if person in info.votes:
            raise Refused(
                409,
                "already-voted",
                f"{person} already voted '{info.votes[person]}' on motion '{motion}'",
            )
        meeting = self._meeting(view, info.meeting, open_=True)
        if person not in meeting.present:
            # the threshold rule counts only the votes of directors present at the meeting: a
            # vote from anyone else would be acknowledged and then dropped from the tally
            raise Refused(
                409,
                "not-present",
                f"{person} is not present at meeting '{meeting.id}': join the meeting first "
                f"(POST .../meetings/{meeting.id}/join), then vote; a vote from a director "
                "who is not present is not counted",
            )
        votes = dict(info.votes) | {person: body.vote}
        event = self._motion_event(view, info, votes, now, "adopted")
        verdicts = self._judge(view, event, now)
        found = [d for v in verdicts for d in defects(v, final=False)]
        provisional = [verdict_json(v) for v in verdicts]
        if found and not body.confirm:
            raise confirmation(
                "the vote would be recorded on a motion that is legally defective",
                found,
                "vote anyway",
                verdicts=provisional,
            )
        record = self._service_record(
            view,
            "vote-cast",
            motion=motion,
            person=person,
            vote=body.vote,
            at=now.isoformat(),
            confirmed=bool(found),
        )
        seqs = self._record(view, [record], account=account)
        return {"recorded": seqs, "warnings": found, "provisional_verdicts": provisional}

    def close_motion(
        self, org: str, account: Account, motion: str, body: schemas.Confirm
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            state = self.state(view, now)
            writer = bool(account.roles(org) & WRITERS)
            person = None
            if not writer:
                person = self._person(view, account, None)
                self._director(view, person, now, "close a motion")
                if state.chair is not None and not presides(state, person, ()):
                    raise self._not_presiding(view, state.chair, motion)  # before any 409
            info = self._open_motion(view, motion)
            meeting = self._meeting(view, info.meeting, open_=True)
            if not writer and not presides(state, person, meeting.present):
                raise self._not_presiding(view, state.chair, motion)
            votes = dict(info.votes)
            for person in sorted(state.directors):
                if person not in votes:
                    votes[person] = "abstain" if person in meeting.present else "absent"
            event = self._motion_event(view, info, votes, now, "adopted")
            verdicts = self._judge(view, event, now)
            if any(v.status is Status.FAILED for v in verdicts):
                event = self._motion_event(view, info, votes, now, "rejected")
            result = self._decide(
                view, account, [(event, now)], confirm=body.confirm, what=f"motion '{motion}'"
            )
            result["declared"] = event.declared
            return result

    def calendar(self, org: str, meeting: str) -> bytes:
        """The meeting as an iCalendar invitation (service.calendar), for download and notices."""
        view = self.view(org)
        return self._invitation(view, meeting)

    def _invitation(self, view: OrgView, meeting: str) -> bytes:
        info = view.meetings.get(meeting)
        if info is None:
            raise not_found("meeting", meeting)
        if info.scheduled_at is None:
            raise Refused(409, "no-time", f"meeting '{meeting}' was called without a time ('at')")
        return meeting_invitation(
            org=view.org,
            org_title=view.case.charter.title or view.org,
            meeting=meeting,
            kind=info.type,
            start=dt.datetime.fromisoformat(info.scheduled_at),
            timezone=view.case.charter.timezone,
            purpose=info.purpose,
            called_by=[view.name(p) for p in info.called_by or ()],
            remote=info.remote,
            stamp=self.now(view),
        )

    @staticmethod
    def _not_presiding(view: OrgView, chair: str | None, motion: str) -> Refused:
        who = f"the chair ({view.name(chair)})" if chair else "a director present"
        return Refused(
            403,
            "not-presiding",
            f"only {who} or the secretary closes the vote on '{motion}': the one presiding "
            "declares the result",
        )

    def circulate(
        self, org: str, account: Account, body: schemas.CirculateConsent
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            by = account.person(org)
            if not account.roles(org) & WRITERS:
                by = self._person(view, account, None)
                self._director(view, by, now, "circulate a consent")
            consent = self._fresh_id(view, body.consent, "consent", set(view.consents) | view.ids)
            taken = view.ids | set(view.consents) | {consent}
            specs = []
            for i, act in enumerate(body.acts):
                ident = (
                    self._fresh_id(view, act.id, f"{consent}-act", taken)
                    if act.id
                    else (f"{consent}-{i + 1}")
                )
                if ident in taken:
                    raise Refused(409, "duplicate-id", f"'{ident}' is already used in {org}")
                taken.add(ident)
                specs.append(self._spec(view, act, ident))
            event = ConsentCirculated(
                kind="consent-circulated",
                at=now,
                consent=consent,
                acts=tuple(specs),
                to=tuple(sorted(self.state(view, now).directors)),
                effective_at=body.effective_at,
                by=by,
            )
            result = self._decide(view, account, [(event, now)], confirm=True, what="the consent")
            result["consent"] = consent
            return result

    def sign(
        self, org: str, account: Account, consent: str, body: schemas.Confirm
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, None)
            self._director(view, person, now, "sign a written consent")
            if consent not in view.consents:
                raise not_found("consent", consent)
            if person in view.consents[consent]:
                raise Refused(409, "already-signed", f"{person} already signed '{consent}'")
            event = ConsentSigned(kind="consent-signed", at=now, consent=consent, by=person)
            return self._decide(
                view, account, [(event, now)], confirm=body.confirm, what=f"signing '{consent}'"
            )

    def resign(self, org: str, account: Account, body: schemas.Resign) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, None)
            state = self.state(view, now)
            held = {"director"} if person in state.directors else set()
            held |= {"chair"} if state.chair == person else set()
            held |= set(state.offices_of(person))
            missing = [p for p in body.positions if p not in held]
            if missing:
                raise Refused(
                    409,
                    "not-held",
                    f"{person} does not hold {', '.join(missing)} "
                    f"(holds: {', '.join(sorted(held)) or 'nothing'})",
                )
            event = Resignation(
                kind="resignation",
                at=now,
                person=person,
                positions=tuple(body.positions),
                effective=body.effective if body.effective else "on-delivery",
                channel=Channel.UNKNOWN,
                in_writing=True,
                id=self._fresh_id(view, None, f"resign-{person}", view.ids),
            )
            return self._decide(
                view, account, [(event, now)], confirm=body.confirm, what="the resignation"
            )

    def declare_interest(
        self, org: str, account: Account, body: schemas.DeclareInterest
    ) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            person = self._person(view, account, None)
            if body.motion is not None and body.motion not in view.motions:
                raise not_found("motion", body.motion)
            event = InterestDeclared(
                kind="interest-declared",
                at=now,
                person=person,
                motion=body.motion,
                matter=body.matter,
            )
            return self._decide(view, account, [(event, now)], confirm=True, what="the declaration")

    def announce(self, org: str, account: Account, body: schemas.Announce) -> dict[str, Any]:
        with self.locked(org) as view:
            now = self.now(view)
            self._writer(view, account, "record an announcement")
            by = body.by or view.case.charter.board.entity
            event = Announcement(kind="announcement", at=now, by=by, text=body.text)
            return self._decide(
                view, account, [(event, now)], confirm=True, what="the announcement"
            )

    def transfer(
        self,
        org: str,
        account: Account,
        person: str,
        to: str,
        *,
        move: Callable[[], str],
        undo: Callable[[str], None],
    ) -> dict[str, Any]:
        """An admin moves ``person`` to the account ``to`` (``move`` changes the accounts and
        returns the account moved from; ``undo`` moves it back).  One person has one account per
        organisation, so this is the only way a person's acts come from a new account, and it
        is in the log: who moved whom, from which account to which, when.  Moved under the
        organisation's lock and put back if the log does not record it."""
        moved_from: str | None = None
        try:
            with self.locked(org) as view:
                self._writer(view, account, "transfer a person's account")
                self._known_person(view, person)
                moved_from = move()
                record = self._service_record(
                    view,
                    "account-transferred",
                    person=person,
                    from_account=moved_from,
                    to_account=to,
                    by=account.username,
                    at=self.now(view).isoformat(),
                )
                seqs = self._record(view, [record], account=account)
        except Refused:
            if moved_from is not None:
                undo(moved_from)
            raise
        return {"recorded": seqs, "person": person, "from": moved_from, "to": to}


def _confirm_or_refuse(
    judged: Sequence[preview.Judged],
    confirm: bool,
    what: str,
    also: Sequence[dict[str, Any]] = (),
) -> None:
    """Refuse (409 confirm) what would make every act at the meeting defective under the
    bylaws in force (or what ``also`` says must be confirmed whatever the bylaws say), unless
    the request confirms it."""
    found = [
        dict(p)
        for j in judged
        if j.in_force
        for p in j.problems
        if p["severity"] in ("void", "voidable", "failed")
    ] + list(also)
    if found and not confirm:
        raise confirmation(
            f"{what}: every act at the meeting would be legally defective",
            found,
            profiles=[j.to_json() for j in judged],
        )


def _left_out_warning(
    view: OrgView, left_out: Sequence[str], judged: Sequence[preview.Judged]
) -> list[dict[str, Any]]:
    """Leaving a director out of a notice is confirmed, whatever the bylaws in force say: the
    notice is what lets a director come and object (the November 2023 chair was not told),
    and under other bylaws every act at the meeting would be void."""
    if not left_out:
        return []
    elsewhere = [j.profile for j in judged if not j.in_force and j.status is Status.VOID]
    worse = f"; void under {', '.join(elsewhere)}" if elsewhere else ""
    return [
        {
            "rule": "notice.left-out",
            "severity": "warning",
            "detail": "no notice to "
            + ", ".join(view.name(p) for p in left_out)
            + f": a director not told of the meeting cannot come or object{worse}",
            "citation": "DGCL §141(b), §229; Schroder v. Scotten, Dillon (Del. Ch. 1972)",
        }
    ]


def _opened_early(
    view: OrgView, event: MeetingOpened, info: MeetingInfo | None, present: Sequence[str]
) -> dict[str, Any] | None:
    """Opening before the time the notices gave, with directors absent who were told that
    time: their absence waives nothing (DGCL §229: attendance waives notice, absence does not)."""
    if info is None or not info.scheduled_at:
        return None
    noticed = dt.datetime.fromisoformat(info.scheduled_at)
    if event.at >= noticed - preview.EARLY_TOLERANCE:
        return None
    directors = view.timeline.directors_at(event.at, View.DE_FACTO)
    absent = sorted(directors - set(present))
    if not absent:
        return None
    local = noticed.astimezone(view.tz)
    return {
        "rule": "notice.time",
        "severity": "void",
        "detail": f"opened at {event.at.astimezone(view.tz):%Y-%m-%d %H:%M}, before the time "
        f"noticed ({local:%Y-%m-%d %H:%M %Z}); absent: "
        + ", ".join(view.name(p) for p in absent)
        + ", who were told that time",
        "citation": "DGCL §229 (attendance waives notice; absence does not)",
    }


def presides(state: State, person: str | None, present: Collection[str]) -> bool:
    """Whether ``person`` presides over a meeting whose present are ``present``, and so
    declares a vote's result: the chair (Robert's Rules §4; the default of every shipped
    profile) or, with no chair in office, a director present.  The secretary and admins close
    votes whatever this says."""
    if person is None or person not in state.directors:
        return False
    return state.chair == person if state.chair is not None else person in present


def _noticed(info: MeetingInfo, channel: str) -> set[str]:
    """Who has a notice of the meeting by ``channel`` on record (a journal notice: a failed
    delivery is listed among the notices too, with its status)."""
    return {n["person"] for n in info.notices if n.get("channel") == channel and "status" not in n}


def _notice_text(view: OrgView, info: MeetingInfo, person: str) -> str:
    """The notice a director reads: names, the time in the organisation's zone as people write
    it, the place or call link, the purpose, and the agenda with its papers (each named with
    its SHA-256, which the log records: what the board pack was is never in doubt)."""
    when = (
        human_time(dt.datetime.fromisoformat(info.scheduled_at), view.tz)
        if info.scheduled_at
        else "a time to be announced"
    )
    callers = ", ".join(view.name(p) for p in info.called_by or ()) or "the board"
    title = view.case.charter.title or view.org
    lines = [
        f"Dear {view.name(person)},",
        "",
        f"A {info.type} meeting of the board of {title} ({info.id}) has been called by "
        f"{callers} for {when}.",
    ]
    if info.place:
        lines.append(f"Place or call link: {info.place}")
    if info.purpose:
        lines.append(f"Purpose: {info.purpose}")
    if info.agenda:
        lines += ["", "Agenda:"]
        for i, item in enumerate(info.agenda, 1):
            lines.append(f"{i}. {item.get('title', '')}")
            for doc in item.get("documents", []):
                lines.append(
                    f"   paper: {doc.get('name')} (SHA-256 {doc.get('sha256')}), on the Portal at "
                    f"/api/orgs/{view.org}/documents/{doc.get('sha256')}"
                )
    lines += ["", "This notice was sent and recorded by Charter."]
    return "\n".join(lines) + "\n"
