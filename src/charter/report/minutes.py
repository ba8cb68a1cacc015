"""Minutes drafted from the record: what a secretary would write, taken from the journal.

Why drafted and not written: minutes are the board's own record once it approves them, and a
draft that only restates the journal cannot be wrong about what happened, only incomplete; so
every line comes from an event (a notice, an opening, a join, a motion and its tally) or from the
act's verdict, and what the record does not hold is said to be unknown, never guessed.  The
draft says so at its head, and it is approved at a later meeting like any motion
(``approve-minutes``, naming the meeting and the draft's SHA-256 among its papers).

Pure: the case, its replayed timeline and (for a served organisation) what the service recorded
of the call; :func:`minutes_markdown` writes the text that the HTML and the PDF are made from.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from charter.model.case import Case, Entry
from charter.model.journal import (
    Document,
    InterestDeclared,
    Joined,
    Left,
    MeetingClosed,
    MeetingOpened,
    Motion,
    Notice,
    Objection,
)
from charter.model.kinds import Status, Vote
from charter.model.unknown import is_unknown
from charter.replay import Timeline
from charter.replay.engine import Verdict

WIDTH = 78
STATUS_WORDS = {
    Status.VALID: "valid",
    Status.VALID_WITH_WARNINGS: "valid, with warnings",
    Status.CONDITIONAL: "conditional",
    Status.VOIDABLE: "voidable",
    Status.VOID: "void",
    Status.FAILED: "not adopted",
}


class NoSuchMeeting(LookupError):
    """The record holds no meeting by that id (the message lists those it holds)."""


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    title: str
    text: str = ""
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What the service recorded when the meeting was called (a journal file holds none)."""

    called_at: dt.datetime | None = None
    called_by: tuple[str, ...] = ()
    scheduled_at: dt.datetime | None = None
    purpose: str = ""
    place: str = ""
    remote: bool | None = None
    agenda: tuple[AgendaEntry, ...] = ()
    undelivered: tuple[tuple[str, str], ...] = ()
    """(person, why) of each e-mail notice that was not delivered."""


@dataclass(frozen=True, slots=True)
class ActMinute:
    motion: Motion
    entry: Entry
    verdict: Verdict | None
    interested: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Minutes:
    org_title: str
    meeting: str
    kind: str
    tz: dt.tzinfo
    opened: Entry | None
    closed: Entry | None
    call: CallRecord
    notices: tuple[Notice, ...]
    not_noticed: tuple[str, ...]
    attendance: tuple[Entry, ...]
    objections: tuple[Objection, ...]
    acts: tuple[ActMinute, ...]
    names: dict[str, str] = field(default_factory=dict)
    bylaws_ref: str = ""
    profile: str = ""

    def name(self, person: str) -> str:
        return self.names.get(person, person)

    def names_of(self, people: Sequence[str]) -> str:
        return ", ".join(self.name(p) for p in people) or "nobody"


def draft_minutes(
    case: Case, timeline: Timeline, meeting: str, call: CallRecord | None = None
) -> Minutes:
    """The minutes of ``meeting`` as the record holds them."""
    mine = [e for e in case.entries if getattr(e.event, "meeting", None) == meeting]
    opened = next((e for e in mine if isinstance(e.event, MeetingOpened)), None)
    if opened is None and call is None:
        held = sorted({e.event.meeting for e in case.entries if isinstance(e.event, MeetingOpened)})
        raise NoSuchMeeting(
            f"no meeting '{meeting}' in the record (meetings: {', '.join(held) or 'none'})"
        )
    closed = next((e for e in mine if isinstance(e.event, MeetingClosed)), None)
    verdicts = {(v.source.path, v.source.line): v for v in timeline.verdicts}
    motions = [e for e in mine if isinstance(e.event, Motion)]
    motion_ids = {e.event.id for e in motions if e.event.id}
    declared: dict[str, list[str]] = {}
    for e in case.entries:
        if isinstance(e.event, InterestDeclared) and e.event.motion in motion_ids:
            declared.setdefault(e.event.motion, []).append(e.event.person)
    acts = []
    for e in motions:
        assert isinstance(e.event, Motion)
        interested = tuple(
            dict.fromkeys([*e.event.interested, *declared.get(e.event.id or "", [])])
        )
        acts.append(
            ActMinute(
                motion=e.event,
                entry=e,
                verdict=verdicts.get((e.source.path, e.source.line)),
                interested=interested,
            )
        )
    notices = tuple(e.event for e in mine if isinstance(e.event, Notice))
    noticed = {p for n in notices for p in n.to}
    # the board as it stood when the meeting opened: before anything done at that instant
    when = opened.at - dt.timedelta(microseconds=1) if opened is not None else None
    state = timeline.state_at(when) if when is not None else None
    not_noticed = tuple(sorted(state.directors - noticed)) if state is not None else ()
    kind = "unknown"
    if opened is not None and isinstance(opened.event, MeetingOpened):
        kind = opened.event.type
    return Minutes(
        org_title=next(
            (x.name for x in case.charter.entities if x.id == case.charter.board.entity),
            case.charter.board.entity,
        ),
        meeting=meeting,
        kind=kind,
        tz=ZoneInfo(case.charter.timezone),
        opened=opened,
        closed=closed,
        call=call or CallRecord(),
        notices=notices,
        not_noticed=not_noticed,
        attendance=tuple(e for e in mine if isinstance(e.event, Joined | Left)),
        objections=tuple(e.event for e in mine if isinstance(e.event, Objection)),
        acts=tuple(acts),
        names={p.id: p.name or p.id for p in case.charter.people},
        bylaws_ref=state.bylaws_ref if state is not None else "",
        profile=timeline.profile,
    )


def _time(m: Minutes, value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "unknown"
    if not isinstance(value, dt.datetime):
        return f"{value:%d %B %Y}"
    local = value.astimezone(m.tz)
    return f"{local:%d %B %Y, %H:%M} {local.strftime('%Z') or local.strftime('%z')}"


def _para(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _item(text: str) -> list[str]:
    return _para(text, "- ")


def _paper(doc: Document) -> str:
    size = f", {doc.size:,} bytes" if doc.size is not None else ""
    return f"{doc.name} ({doc.media_type}{size}; SHA-256 {doc.sha256})"


def _act_title(m: Minutes, motion: Motion) -> str:
    words = motion.act.value.replace("-", " ")
    subject = motion.subject
    if subject.person is not None:
        words += f" {m.name(subject.person)}"
    if subject.office is not None:
        words += f" ({subject.office})"
    if motion.minutes_of is not None:
        words += f" of {motion.minutes_of}"
    if motion.seats is not None:
        words += f" to {motion.seats} seats"
    return words[0].upper() + words[1:]


def _tally(m: Minutes, motion: Motion) -> list[str]:
    if not isinstance(motion.votes, dict) or is_unknown(motion.votes):
        return _item("Votes: not recorded.")
    groups: dict[Vote, list[str]] = {}
    for person, vote in motion.votes.items():
        groups.setdefault(vote, []).append(person)
    order = (Vote.FOR, Vote.AGAINST, Vote.ABSTAIN, Vote.RECUSED, Vote.ABSENT, Vote.UNKNOWN)
    label = {
        Vote.FOR: "For",
        Vote.AGAINST: "Against",
        Vote.ABSTAIN: "Abstained",
        Vote.RECUSED: "Recused",
        Vote.ABSENT: "Absent",
        Vote.UNKNOWN: "Vote not known",
    }
    out = []
    for vote in order:
        if vote in groups:
            people = groups[vote]
            out += _item(f"{label[vote]} ({len(people)}): {m.names_of(people)}.")
    return out


def _quorum(verdict: Verdict | None) -> str:
    if verdict is None:
        return "not judged"
    found = [c for c in verdict.checks if c.rule.startswith("quorum")]
    if not found:
        return "not judged"
    return "; ".join(c.detail for c in found)


def minutes_markdown(m: Minutes, *, drafted: dt.datetime | None = None) -> str:
    """The draft as Markdown, wrapped to fit an 80-column terminal."""
    out: list[str] = []
    kind = f"{m.kind} meeting" if m.kind != "unknown" else "meeting"
    out += [f"# Minutes of the {kind} of the board of {m.org_title}", ""]
    if drafted is not None:
        out += [f"Drafted on {_time(m, drafted)}.", ""]
    out += _para(
        "**Draft** drawn up by Charter from the record: every line below comes from the "
        "journal; it becomes the minutes when the board approves it (act approve-minutes "
        f"of {m.meeting})."
    )
    out.append("")
    call = m.call
    opened = m.opened.event if m.opened is not None else None
    held = _time(m, m.opened.at) if m.opened is not None else "not held (not opened)"
    remote = opened.remote if isinstance(opened, MeetingOpened) else call.remote
    how = {True: "by video or telephone conference", False: "in person"}.get(remote, "")  # type: ignore[call-overload]
    facts = [f"Meeting: {m.meeting}.", f"Held: {held}{', ' + how if how else ''}."]
    if call.place:
        facts.append(f"Place or call link: {call.place}.")
    if call.scheduled_at is not None:
        facts.append(f"Called for: {_time(m, call.scheduled_at)}.")
    callers: Sequence[str] = call.called_by
    if not callers and isinstance(opened, MeetingOpened) and not is_unknown(opened.called_by):
        callers = tuple(opened.called_by)  # type: ignore[arg-type]
    called = f"Called by: {m.names_of(callers)}" if callers else "Called by: not recorded"
    if call.called_at is not None:
        called += f", on {_time(m, call.called_at)}"
    facts.append(called + ".")
    if call.purpose:
        facts.append(f"Purpose stated: {call.purpose}.")
    if m.bylaws_ref:
        facts.append(f"Bylaws in force: {m.bylaws_ref} (judged under profile {m.profile}).")
    for fact in facts:
        out += _item(fact)
    out.append("")

    if call.agenda:
        out += ["## Agenda", ""]
        for i, item in enumerate(call.agenda, 1):
            out += _para(f"{i}. {item.title}")
            if item.text:
                out += _para(item.text, "   ")
            for doc in item.documents:
                out += _para(f"Paper: {_paper(doc)}", "   - ")
        out.append("")

    out += ["## Notice", ""]
    if not m.notices:
        out += _item("The record holds no notice of this meeting.")
    for notice in m.notices:
        channel = (
            notice.channel.value if notice.channel.value != "unknown" else "a means not recorded"
        )
        by = (
            f" by {m.name(notice.by)}"
            if isinstance(notice.by, str) and not is_unknown(notice.by)
            else ""
        )
        out += _item(
            f"{m.names_of(notice.to)}: given{by} by {channel} on {_time(m, notice.at)}"
            + (", stating the purpose." if notice.purpose_stated is True else ".")
        )
    for person, why in call.undelivered:
        out += _item(f"{m.name(person)}: an e-mail notice was not delivered ({why}).")
    if m.not_noticed:
        out += _item(
            f"No notice to {m.names_of(m.not_noticed)} is recorded (directors when the "
            "meeting opened)."
        )
    out.append("")

    out += ["## Attendance", ""]
    if isinstance(opened, MeetingOpened):
        present = opened.present
        out += _item(
            "Present at the opening: "
            + (m.names_of(present) if not is_unknown(present) else "not recorded")  # type: ignore[arg-type]
            + "."
        )
    for e in m.attendance:
        verb = "joined" if isinstance(e.event, Joined) else "left"
        out += _item(f"{m.name(e.event.person)} {verb} at {_time(m, e.at)}.")  # type: ignore[union-attr]
    if m.closed is not None:
        out += _item(f"The meeting closed at {_time(m, m.closed.at)}.")
    out.append("")

    if m.objections:
        out += ["## Objections", ""]
        for o in m.objections:
            start = {True: " at the start", False: " after business began"}.get(o.at_start, "")  # type: ignore[call-overload]
            out += _item(f"{m.name(o.person)} objected{start}: {o.reason}.")
        out.append("")

    out += ["## Proceedings", ""]
    if not m.acts:
        out += _para("No motion is recorded.")
        out.append("")
    for i, act in enumerate(m.acts, 1):
        motion = act.motion
        out += [f"### {i}. {_act_title(m, motion)}, motion {motion.id or 'without an id'}", ""]
        if motion.proposed_by:
            out += _item(f"Proposed by {m.name(motion.proposed_by)}.")
        out += _item(f"Quorum when it was put: {_quorum(act.verdict)}.")
        if act.interested:
            out += _item(f"Interested directors: {m.names_of(act.interested)}.")
        out += _tally(m, motion)
        out += _item(f"Declared {motion.declared} at {_time(m, act.entry.at)}.")
        for doc in motion.documents:
            out += _item(f"Paper: {_paper(doc)}.")
        if motion.description:
            out += _item(f"Description: {motion.description}")
        if motion.text:
            out += ["", "Resolution, as put:", ""]
            out += ["> " + line if line else ">" for line in motion.text.splitlines()]
        out.append("")

    out += ["## Annex: each act as judged", ""]
    if not m.acts:
        out += _para("No act to judge.")
    for act in m.acts:
        v = act.verdict
        if v is None:
            out += _item(f"{act.motion.id}: not judged.")
            continue
        out += _item(f"{act.motion.id} ({v.source}): {STATUS_WORDS[v.status]} under {m.profile}.")
        for check in v.checks:
            if check.passed is True:
                continue
            state = "failed" if check.passed is False else "unknown"
            cite = f" ({check.citation})" if check.citation else ""
            out += _para(f"{check.rule}, {state}{cite}: {check.detail}", "  - ")
    out.append("")
    return "\n".join(out)
