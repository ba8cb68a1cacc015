"""Load a case directory (charter.yaml + journal files + the bylaws profile) into a :class:`Case`.

Like beancount's loader this never raises on bad user data: every stage returns
``(objects, diagnostics)`` and the CLI, the service and the web UI all call :func:`load_case`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from charter.load.confine import OutsideMode, outside_error
from charter.load.fast_journal import PlainData, fast_journal
from charter.load.profiles import load_profile
from charter.load.structure_checks import check_structure
from charter.located import (
    FAST_PARSE_CHARS,
    MAX_FILE_BYTES,
    locate,
    parse_mapping,
    read_text,
    unknown_ref,
    validate,
)
from charter.model.bylaws import Bylaws
from charter.model.case import Case, Entry
from charter.model.charter import CharterFile
from charter.model.floors import judge_amendment
from charter.model.journal import (
    KIND_RANK,
    ActSpec,
    ConsentAdopted,
    ConsentCirculated,
    ConsentSigned,
    Event,
    JournalFile,
    MeetingClosed,
    MeetingOpened,
    Motion,
)
from charter.model.kinds import NEEDS_OFFICE, NEEDS_PERSON, ActKind
from charter.model.source import Diagnostic, Source
from charter.model.structure_events import HoldersVote
from charter.model.unknown import is_unknown

CHARTER_FILE = "charter.yaml"
_WITH_MEETING = frozenset(
    {"notice", "meeting-opened", "meeting-closed", "joined", "left", "objection", "motion"}
)


def _err(source: Source, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(source=source, message=message, hint=hint)


def _unknown_ref(
    source: Source, what: str, ref: str, known: Iterable[str], extra_hint: str = ""
) -> Diagnostic:
    return unknown_ref(source, what, ref, known, f"define {what} '{ref}' first{extra_hint}")


def load_charter(path: Path) -> tuple[CharterFile | None, Any, list[Diagnostic]]:
    label = str(path)
    parsed = parse_mapping(path, "a charter", "charter: NAME")
    if parsed.errors:
        return None, parsed.data, parsed.all_errors(CharterFile, label)
    data = parsed.data
    model, errors = validate(CharterFile, data, label)
    if model is None:
        return None, data, errors
    return model, data, _check_charter(model, data, label)


def _check_charter(c: CharterFile, data: Any, path: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    people = {p.id for p in c.people}
    entities = {e.id for e in c.entities}

    def dup(items: Sequence[str], section: str) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(items):
            if ident in seen:
                out.append(
                    _err(
                        locate(data, (section, i, "id"), path),
                        f"duplicate id '{ident}'",
                        "every id must be unique within the case",
                    )
                )
            seen.add(ident)

    dup([p.id for p in c.people], "people")
    dup([e.id for e in c.entities], "entities")
    dup([a.id for a in c.agreements], "agreements")
    all_ids = people | entities
    for i, ctl in enumerate(c.controls):
        for key in ("controller", "controlled"):
            ref = getattr(ctl, key)
            if ref not in entities:
                out.append(
                    _unknown_ref(locate(data, ("controls", i, key), path), "entity", ref, entities)
                )
    if c.board.entity not in entities:
        out.append(
            _unknown_ref(
                locate(data, ("board", "entity"), path), "entity", c.board.entity, entities
            )
        )
    seen_directors: set[str] = set()
    for i, seat in enumerate(c.board.directors):
        where = locate(data, ("board", "directors", i, "person"), path)
        if seat.person not in people:
            out.append(_unknown_ref(where, "person", seat.person, people))
        if seat.person in seen_directors:
            out.append(_err(where, f"'{seat.person}' holds two seats", "a director holds one seat"))
        seen_directors.add(seat.person)
    for elector, n in c.board.elected_seats.items():
        if elector not in all_ids:
            out.append(
                _unknown_ref(
                    locate(data, ("board", "elected_seats", elector), path, key=True),
                    "entity or person",
                    elector,
                    all_ids,
                )
            )
        if n < 0:
            out.append(
                _err(
                    locate(data, ("board", "elected_seats", elector), path),
                    f"{elector} elects {n} seats",
                    "a number of seats, 0 or more",
                )
            )
    if sum(c.board.elected_seats.values()) > c.board.authorized_seats:
        out.append(
            _err(
                locate(data, ("board", "elected_seats"), path),
                f"elected_seats add up to {sum(c.board.elected_seats.values())}, more than the "
                f"{c.board.authorized_seats} authorized seats",
                "the seats a class or holder elects are among the authorized seats",
            )
        )
    for i, seat in enumerate(c.board.directors):
        if seat.elected_by is not None and seat.elected_by not in c.board.elected_seats:
            out.append(
                _err(
                    locate(data, ("board", "directors", i, "elected_by"), path),
                    f"'{seat.elected_by}' elects no seat",
                    f"add it under board.elected_seats, e.g. elected_seats: "
                    f"{{{seat.elected_by}: 1}}",
                )
            )
    for elector, n in c.board.elected_seats.items():
        sitting = [d.person for d in c.board.directors if d.elected_by == elector]
        if len(sitting) > n:
            out.append(
                _err(
                    locate(data, ("board", "elected_seats", elector), path),
                    f"{elector} elects {n} seats but {len(sitting)} directors sit in them "
                    f"({', '.join(sitting)})",
                    "raise elected_seats or correct elected_by",
                )
            )
    if len(c.board.directors) > c.board.authorized_seats:
        out.append(
            _err(
                locate(data, ("board", "authorized_seats"), path),
                f"{len(c.board.directors)} directors but only "
                f"{c.board.authorized_seats} authorized seats",
                "raise authorized_seats or list fewer directors",
            )
        )
    if c.board.chair is not None and c.board.chair not in seen_directors:
        out.append(
            _err(
                locate(data, ("board", "chair"), path),
                f"chair '{c.board.chair}' is not a director",
                "the chair must be one of board.directors",
            )
        )
    offices: set[str] = set()
    for i, holding in enumerate(c.offices):
        if holding.holder not in people:
            out.append(
                _unknown_ref(
                    locate(data, ("offices", i, "holder"), path), "person", holding.holder, people
                )
            )
        if holding.entity is not None and holding.entity not in entities:
            out.append(
                _unknown_ref(
                    locate(data, ("offices", i, "entity"), path), "entity", holding.entity, entities
                )
            )
        if holding.office in offices:
            out.append(
                _err(
                    locate(data, ("offices", i, "office"), path),
                    f"office '{holding.office}' listed twice",
                    "one holder per office",
                )
            )
        offices.add(holding.office)
    for i, ag in enumerate(c.agreements):
        for j, party in enumerate(ag.parties):
            if party not in all_ids:
                out.append(
                    _unknown_ref(
                        locate(data, ("agreements", i, "parties", j), path),
                        "entity",
                        party,
                        entities,
                    )
                )
        for key in ("licensor", "licensee"):
            ref = getattr(ag, key)
            if ref is not None and ref not in ag.parties:
                out.append(
                    _err(
                        locate(data, ("agreements", i, key), path),
                        f"{key} '{ref}' is not a party to '{ag.id}'",
                        "list it under parties",
                    )
                )
    for i, interest in enumerate(c.interests):
        if interest.holder not in all_ids:
            out.append(
                _unknown_ref(
                    locate(data, ("interests", i, "holder"), path),
                    "entity or person",
                    interest.holder,
                    all_ids,
                )
            )
        if interest.entity not in entities:
            out.append(
                _unknown_ref(
                    locate(data, ("interests", i, "entity"), path),
                    "entity",
                    interest.entity,
                    entities,
                )
            )
    try:
        ZoneInfo(c.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        out.append(
            _err(
                locate(data, ("timezone",), path),
                f"unknown timezone '{c.timezone}'",
                "use an IANA name such as 'America/Los_Angeles' or 'UTC'",
            )
        )
    return out


def _aware(value: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Naive times are in the case's timezone; a bare date means the start of that day."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


def _fast_entries(
    path: Path, file_index: int, tz: dt.tzinfo, hypothetical: bool
) -> tuple[list[Entry], Any, list[Diagnostic]] | None:
    """A large journal that is valid, read by :mod:`charter.load.fast_journal`; None for any
    other file, which the exact path reads (and locates every error of)."""
    label = str(path)
    text, _ = read_text(path)
    if text is None or not FAST_PARSE_CHARS < len(text) <= MAX_FILE_BYTES:
        return None
    fast = fast_journal(text)
    del text
    if fast is None:
        return None
    try:
        model = JournalFile.model_validate(fast.data)
    except ValidationError:
        return None
    entries: list[Entry] = []
    previous: dt.datetime | None = None
    for i, (event, (line, column)) in enumerate(zip(model.events, fast.starts, strict=True)):
        at = _aware(event.at, tz)
        if previous is not None and at < previous:
            return None  # an error: the exact path reports it, located
        previous = at
        entries.append(
            Entry(
                event=event,
                at=at,
                source=Source(path=label, line=line, column=column),
                file_index=file_index,
                position=i,
                hypothetical=hypothetical,
            )
        )
    return entries, fast.data, []


def load_journal_file(
    path: Path, file_index: int, tz: dt.tzinfo, *, hypothetical: bool = False, fast: bool = True
) -> tuple[list[Entry], Any, list[Diagnostic]]:
    """A journal file's entries (with where each event was written) and its data.  ``fast``:
    a large valid file is read by the compiled parser (see :mod:`charter.load.fast_journal`)."""
    if fast:
        loaded = _fast_entries(path, file_index, tz, hypothetical)
        if loaded is not None:
            return loaded
    label = str(path)
    parsed = parse_mapping(path, "a journal", "events:")
    if parsed.errors:
        return [], parsed.data, parsed.all_errors(JournalFile, label)
    data = parsed.data
    model, errors = validate(JournalFile, data, label)
    if model is None:
        return [], data, errors
    entries: list[Entry] = []
    out: list[Diagnostic] = []
    previous: dt.datetime | None = None
    for i, event in enumerate(model.events):
        source = locate(data, ("events", i), label)
        at = _aware(event.at, tz)
        if previous is not None and at < previous:
            out.append(
                _err(
                    locate(data, ("events", i, "at"), label),
                    f"event out of time order: {at.isoformat()} is before the previous "
                    f"event's {previous.isoformat()}",
                    "write events in time order (or fix the date)",
                )
            )
        previous = at if previous is None or at > previous else previous
        entries.append(
            Entry(
                event=event,
                at=at,
                source=source,
                file_index=file_index,
                position=i,
                hypothetical=hypothetical,
            )
        )
    return entries, data, out


def sort_entries(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The total order of STYLE.md §7: time, then a per-kind rank, then file order."""
    return tuple(
        sorted(entries, key=lambda e: (e.at, KIND_RANK[e.event.kind], e.file_index, e.position))
    )


def _persons_of(event: Event) -> list[tuple[tuple[str | int, ...], str]]:
    """Every (loc within the event, person id) the event refers to."""
    refs: list[tuple[tuple[str | int, ...], str]] = []

    def many(key: str, values: object) -> None:
        if isinstance(values, tuple):
            refs.extend(((key, j), v) for j, v in enumerate(values))

    def one(key: str, value: object) -> None:
        if isinstance(value, str) and not is_unknown(value):
            refs.append(((key,), value))

    match event.kind:
        case "notice":
            many("to", event.to)
            one("by", event.by)
        case "meeting-opened":
            many("called_by", event.called_by)
            many("present", event.present)
            many("not_notified", event.not_notified)
            many("purpose_withheld_from", event.purpose_withheld_from)
        case "joined" | "left" | "objection" | "interest-declared" | "resignation":
            one("person", event.person)
        case "motion":
            if event.subject.person is not None:
                refs.append((("subject", "person"), event.subject.person))
            many("interested", event.interested)
            if isinstance(event.votes, dict):
                refs.extend((("votes", p), p) for p in event.votes)
            one("proposed_by", event.proposed_by)
        case "consent-circulated":
            many("to", event.to)
            one("by", event.by)
            for j, act in enumerate(event.acts):
                if act.subject.person is not None:
                    refs.append((("acts", j, "subject", "person"), act.subject.person))
        case "consent-signed" | "challenge":
            one("by", event.by)
        case "acquiescence":
            one("person", event.person)
        case "holders-vote":
            if event.subject.person is not None:
                refs.append((("subject", "person"), event.subject.person))
        case "private-message":
            refs.append((("from",), event.from_))
            many("to", event.to)
        case "observer-seat" | "holder-election" | "holder-removal":
            one("person", event.person)
        case "committee-formed" | "committee-changed":
            many("members", event.members)
            one("chair", event.chair)
        case "board-seated":
            many("directors", event.directors)
            one("chair", event.chair)
    return refs


def _check_act(
    spec: ActSpec,
    loc: tuple[str | int, ...],
    data: Any,
    path: str,
    bylaws: Bylaws,
    profiles: dict[str, Bylaws],
    case_dir: Path,
    confine: Path | None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    where = locate(data, loc, path)
    if spec.act in (ActKind.RESTRUCTURE, ActKind.RESIGN):
        out.append(
            _err(
                where,
                f"'{spec.act}' is not an act a board votes on",
                "record a resignation with a 'resignation' event, and a change of the "
                "structure with its own event (entity-converted, interests-issued ...) whose "
                "by: names the act that authorised it",
            )
        )
    if spec.act in NEEDS_PERSON and spec.subject.person is None:
        out.append(
            _err(where, f"act '{spec.act}' needs subject.person", "add 'subject: {person: ID}'")
        )
    if spec.act in NEEDS_OFFICE and spec.subject.office is None:
        out.append(
            _err(
                where,
                f"act '{spec.act}' needs subject.office",
                "add the office, e.g. 'subject: {person: ID, office: ceo}'",
            )
        )
    if spec.act is ActKind.CHANGE_BOARD_SIZE and spec.seats is None:
        out.append(
            _err(
                where,
                "act 'change-board-size' needs 'seats'",
                "add 'seats: N' (the new authorized number)",
            )
        )
    if spec.act is ActKind.APPROVE_MINUTES and spec.minutes_of is None:
        out.append(
            _err(
                where,
                "act 'approve-minutes' needs 'minutes_of'",
                "add 'minutes_of: MEETING' (the meeting whose minutes are approved)",
            )
        )
    if spec.act is ActKind.AMEND_BYLAWS:
        amend = spec.amendment
        if amend is None or (amend.profile is None and not amend.set):
            out.append(
                _err(
                    where,
                    "act 'amend-bylaws' needs an 'amendment'",
                    "add 'amendment: {profile: NAME}' or 'amendment: {set: {...}}'",
                )
            )
        elif amend.profile is not None and amend.profile not in profiles:
            prof, errs = load_profile(
                amend.profile,
                relative_to=case_dir,
                where=locate(data, (*loc, "amendment", "profile"), path),
                confine=confine,
            )
            out.extend(errs)
            if prof is not None:
                profiles[amend.profile] = prof
        if amend is not None and (amend.profile in profiles or amend.set):
            replacement = profiles.get(amend.profile) if amend.profile is not None else None
            _, problems = judge_amendment(bylaws, replacement, amend.set)
            for problem in problems:
                if problem.conditional or (problem.citation and problem.key != "profile"):
                    # judged in replay: a bylaw below a statutory floor is a fact the record
                    # may hold (boards adopt them: Frechter v. Zier), void there; conditional
                    # where the certificate may authorise it
                    continue
                if problem.key == "profile":
                    at: tuple[str | int, ...] = (*loc, "amendment", "profile")
                elif problem.key is not None:
                    at = (*loc, "amendment", "set", problem.key)
                else:
                    at = (*loc, "amendment", "set")
                out.append(_err(locate(data, at, path), problem.message, problem.hint))
    return out


def _check_journal(
    entries: Sequence[Entry],
    datas: dict[str, Any],
    c: CharterFile,
    bylaws: Bylaws,
    profiles: dict[str, Bylaws],
    case_dir: Path,
    confine: Path | None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    people = {p.id for p in c.people}
    ids: dict[str, Source] = {}
    meetings = {e.event.meeting for e in entries if e.event.kind == "meeting-opened"}
    opened: dict[str, Source] = {}
    for e in entries:
        if isinstance(e.event, MeetingOpened):
            if e.event.meeting in opened:
                out.append(
                    _err(
                        locate(
                            datas[e.source.path], ("events", e.position, "meeting"), e.source.path
                        ),
                        f"meeting '{e.event.meeting}' is opened twice",
                        f"first opened at {opened[e.event.meeting]}; give each meeting its own id",
                    )
                )
            else:
                opened[e.event.meeting] = e.source
    consents = {e.event.consent for e in entries if isinstance(e.event, ConsentCirculated)}
    for entry in entries:
        ev, path = entry.event, entry.source.path
        data = datas[path]
        base: tuple[str | int, ...] = ("events", entry.position)
        for loc, person in _persons_of(ev):
            if person not in people:
                out.append(
                    _unknown_ref(
                        locate(data, (*base, *loc), path, key=loc[0] == "votes"),
                        "person",
                        person,
                        people,
                        " under people: in charter",
                    )
                )
        act_ids: list[tuple[str, tuple[str | int, ...]]] = []
        if ev.id is not None:
            act_ids.append((ev.id, (*base, "id")))
        if isinstance(ev, ConsentCirculated):
            act_ids.extend(
                (a.id, (*base, "acts", j, "id")) for j, a in enumerate(ev.acts) if a.id is not None
            )
        for ident, loc in act_ids:
            where = locate(data, loc, path)
            if ident in ids:
                out.append(
                    _err(
                        where,
                        f"duplicate id '{ident}'",
                        f"first used at {ids[ident]}; ids must be unique in a case",
                    )
                )
            else:
                ids[ident] = where
        # asked of the kinds that have it: pydantic answers a missing attribute slowly
        meeting_ref = ev.meeting if ev.kind in _WITH_MEETING else None  # type: ignore[union-attr]
        needs_meeting = ev.kind in ("joined", "left", "objection", "meeting-closed") or (
            isinstance(ev, Motion) and ev.form in ("meeting", "unknown") and ev.meeting
        )
        if needs_meeting and meeting_ref is not None and meeting_ref not in meetings:
            out.append(
                _unknown_ref(
                    locate(data, (*base, "meeting"), path),
                    "meeting",
                    meeting_ref,
                    meetings,
                    " with a 'meeting-opened' event",
                )
            )
        if isinstance(ev, Motion):
            if ev.form == "meeting" and ev.meeting is None:
                out.append(
                    _err(
                        entry.source,
                        "a motion at a meeting needs 'meeting'",
                        "name the meeting, or set 'form: written-consent'",
                    )
                )
            out.extend(_check_act(ev, base, data, path, bylaws, profiles, case_dir, confine))
        if isinstance(ev, HoldersVote) and ev.act is not ActKind.APPROVE_TRANSACTION:
            spec = ActSpec(act=ev.act, subject=ev.subject, amendment=ev.amendment)
            out.extend(_check_act(spec, base, data, path, bylaws, profiles, case_dir, confine))
        specs: list[tuple[ActSpec, tuple[str | int, ...]]] = []
        if isinstance(ev, Motion):
            specs.append((ev, base))
        if isinstance(ev, ConsentCirculated):
            for j, act in enumerate(ev.acts):
                out.extend(
                    _check_act(
                        act, (*base, "acts", j), data, path, bylaws, profiles, case_dir, confine
                    )
                )
                specs.append((act, (*base, "acts", j)))
        for spec, at in specs:
            if spec.minutes_of is not None and spec.minutes_of not in meetings:
                out.append(
                    _unknown_ref(
                        locate(data, (*at, "minutes_of"), path),
                        "meeting",
                        spec.minutes_of,
                        meetings,
                        " with a 'meeting-opened' event",
                    )
                )
        if isinstance(ev, ConsentSigned | ConsentAdopted) and ev.consent not in consents:
            out.append(
                _unknown_ref(
                    locate(data, (*base, "consent"), path),
                    "consent",
                    ev.consent,
                    consents,
                    " with a 'consent-circulated' event",
                )
            )
    out.extend(_check_sequence(entries, datas))
    out.extend(check_structure(entries, datas, c, case_dir, confine))
    return out


def _meeting_ref(ev: Event) -> str | None:
    """The meeting an event happens at, if it must already be open."""
    if ev.kind in ("joined", "left", "objection", "meeting-closed"):
        return getattr(ev, "meeting", None)
    if isinstance(ev, Motion) and ev.form in ("meeting", "unknown"):
        return ev.meeting
    return None


def _check_sequence(entries: Sequence[Entry], datas: dict[str, Any]) -> list[Diagnostic]:
    """References must point back in time: nobody joins, votes at or closes a meeting before it
    opens or after it closed, and nobody signs or adopts a consent before it is circulated.
    Checked in replay's total order, so the fold can rely on it."""
    out: list[Diagnostic] = []
    opened: dict[str, Entry] = {}
    closed: dict[str, Entry] = {}
    circulated: set[str] = set()
    later_meetings = {e.event.meeting for e in entries if isinstance(e.event, MeetingOpened)}
    later_consents = {e.event.consent for e in entries if isinstance(e.event, ConsentCirculated)}
    for entry in sort_entries(entries):
        ev, path = entry.event, entry.source.path
        data = datas[path]
        base: tuple[str | int, ...] = ("events", entry.position)
        if isinstance(ev, MeetingOpened):
            opened[ev.meeting] = entry
            closed.pop(ev.meeting, None)
        elif isinstance(ev, ConsentCirculated):
            circulated.add(ev.consent)
        meeting = _meeting_ref(ev)
        if meeting is not None and meeting in later_meetings:
            where = locate(data, (*base, "meeting"), path)
            if meeting not in opened:
                out.append(
                    _err(
                        where,
                        f"meeting '{meeting}' has not opened yet at {entry.at.isoformat()}",
                        "a 'meeting-opened' event must come first (check the times)",
                    )
                )
            elif meeting in closed:
                out.append(
                    _err(
                        where,
                        f"meeting '{meeting}' already closed at "
                        f"{closed[meeting].at.isoformat()} ({closed[meeting].source})",
                        "move the event before the meeting closes, or open a new meeting",
                    )
                )
        if isinstance(ev, MeetingClosed):
            closed[ev.meeting] = entry
        if (
            isinstance(ev, ConsentSigned | ConsentAdopted)
            and ev.consent in later_consents
            and ev.consent not in circulated
        ):
            out.append(
                _err(
                    locate(data, (*base, "consent"), path),
                    f"consent '{ev.consent}' has not been circulated yet at {entry.at.isoformat()}",
                    "a 'consent-circulated' event must come first (check the times)",
                )
            )
    return out


def _zone(name: object) -> dt.tzinfo:
    """The named time zone; UTC when there is none (an unknown one is the charter's error)."""
    try:
        return ZoneInfo(name) if isinstance(name, str) else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _journal_errors_alone(
    root: Path, cdata: Any, extra: Sequence[str | Path], charter_path: Path, confine: Path | None
) -> list[Diagnostic]:
    """The errors of the journal files a charter names, when the charter itself is invalid: each
    file is still read and validated on its own (only the checks against the charter need it),
    so that one run reports every error of the case."""
    named = cdata.get("journal") if isinstance(cdata, dict) else None
    journals = [j for j in named if isinstance(j, str)] if isinstance(named, list) else []
    tz = _zone(cdata.get("timezone") if isinstance(cdata, dict) else None)
    out: list[Diagnostic] = []
    files: list[tuple[Path, bool]] = []
    for i, name in enumerate(journals):
        refused = _outside(confine, name, cdata, ("journal", i), charter_path)
        if refused is not None:
            out.append(refused)
        else:
            files.append((root / name, False))
    files += [(Path(x), True) for x in extra]
    for index, (path, hypothetical) in enumerate(files):
        out.extend(load_journal_file(path, index, tz, hypothetical=hypothetical)[2])
    return out


def _outside(
    confine: Path | None, name: str, cdata: Any, loc: tuple[str | int, ...], charter_path: Path
) -> Diagnostic | None:
    """The error for a file the charter names at ``loc`` outside the case directory, if any."""
    if confine is None:
        return None
    where = locate(cdata, loc, str(charter_path)) if isinstance(cdata, dict) else None
    return outside_error(confine, name, where or Source(path=str(charter_path), line=1))


def _charter_outside(root: Path, charter_path: Path) -> Diagnostic | None:
    """charter.yaml itself must not be a symbolic link out of its directory."""
    reason = (
        None
        if charter_path.resolve().is_relative_to(root.resolve())
        else f"{CHARTER_FILE} lies outside the case directory {root} (through a symbolic link); "
        "pass --allow-outside to read it"
    )
    if reason is None:
        return None
    return _err(Source(path=str(charter_path), line=1), reason, "copy the file into the case")


def load_case(
    case_dir: str | Path,
    *,
    bylaws: str | None = None,
    extra: Sequence[str | Path] = (),
    outside: OutsideMode = "refuse",
    fast: bool = True,
) -> tuple[Case | None, list[Diagnostic]]:
    """Load ``case_dir/charter.yaml``, its journal files, then ``extra`` (what-if) files.

    Every file the case names (journals, profiles and what they extend, the waterfall) must lie
    inside the case directory unless ``outside="read"`` (charter.load.confine says why); a file
    outside is a located error and is never opened.  ``bylaws`` and ``extra`` are the caller's
    own choices (the command line's ``--bylaws`` and ``--with``), not the case's, so they may
    lie anywhere."""
    root = Path(case_dir)
    charter_path = root / CHARTER_FILE if root.is_dir() else root
    if root.is_dir() is False and root.name != CHARTER_FILE and not root.is_file():
        return None, [
            _err(
                Source(path=str(root), line=1),
                "no such case directory",
                f"give a directory holding {CHARTER_FILE}",
            )
        ]
    if root.is_dir() and not charter_path.is_file():
        return None, [
            _err(
                Source(path=str(root), line=1),
                f"{root} is not a case: it has no {CHARTER_FILE}",
                f"a case is a directory holding {CHARTER_FILE} (entities, people, the board, "
                "its bylaws profile and the journal files it lists) and those journals; see "
                "docs/formats.md, or start from examples/openai-2023",
            )
        ]
    if root.is_file():
        root = root.parent
    confine = root if outside == "refuse" else None
    if confine is not None:
        refused = _charter_outside(root, charter_path)
        if refused is not None:
            return None, [refused]
    charter, cdata, errors = load_charter(charter_path)
    if charter is None:
        return None, errors + _journal_errors_alone(root, cdata, extra, charter_path, confine)
    diagnostics = list(errors)
    ref = bylaws or charter.bylaws
    where = None if bylaws else locate(cdata, ("bylaws",), str(charter_path))
    profile, errs = load_profile(
        ref, relative_to=root, where=where, confine=None if bylaws else confine
    )
    diagnostics.extend(errs)
    if charter.waterfall is not None:
        refused = _outside(confine, charter.waterfall, cdata, ("waterfall",), charter_path)
        if refused is not None:
            diagnostics.append(refused)
    tz = _zone(charter.timezone)
    entries: list[Entry] = []
    datas: dict[str, Any] = {}
    files: list[tuple[Path, bool]] = []
    for i, name in enumerate(charter.journal):
        refused = _outside(confine, name, cdata, ("journal", i), charter_path)
        if refused is not None:
            diagnostics.append(refused)
        else:
            files.append((root / name, False))
    files += [(Path(x), True) for x in extra]
    for index, (path, hypothetical) in enumerate(files):
        loaded, data, errs = load_journal_file(
            path, index, tz, hypothetical=hypothetical, fast=fast
        )
        diagnostics.extend(errs)
        entries.extend(loaded)
        datas[str(path)] = data
    if profile is None:
        return None, diagnostics
    profiles: dict[str, Bylaws] = {ref: profile}
    diagnostics.extend(_check_journal(entries, datas, charter, profile, profiles, root, confine))
    if diagnostics and any(isinstance(d, PlainData) for d in datas.values()):
        # a fast-read file knows where its events begin, not where each key was written: the
        # exact path reads the case again, so every error is located to the column
        return load_case(case_dir, bylaws=bylaws, extra=extra, outside=outside, fast=False)
    if diagnostics:
        return None, diagnostics
    case = Case(
        name=charter.charter,
        root=str(root),
        charter=charter,
        charter_source=Source(path=str(charter_path), line=1),
        bylaws=profile,
        profiles=profiles,
        entries=sort_entries(entries),
        sources={
            f"people.{p.id}": locate(cdata, ("people", i), str(charter_path))
            for i, p in enumerate(charter.people)
        },
    )
    return case, []
