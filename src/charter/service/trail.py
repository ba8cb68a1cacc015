"""The log as people read it: who did what, when, at which position of the Merkle tree.

Why a summary per record: the Audit page proves the log is intact; a secretary or auditor also
needs to read it ("seq 41, 3 Dec 20:11 PST, summers (Larry Summers): voted for on cfo") without
decoding canonical JSON.  Each line names the account that made the record and the person it
acted as, as the log keeps both.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from charter.store.db import StoredEvent

PAGE = 50


@dataclass(frozen=True, slots=True)
class TrailLine:
    seq: int
    recorded_at: str
    when: str
    who: str
    what: str
    leaf: str


def _person(data: dict[str, Any], names: dict[str, str]) -> str:
    for key in ("person", "by", "from"):
        value = data.get(key)
        if isinstance(value, str) and value in names:
            return names[value]
    return ""


def _subject(act: dict[str, Any], names: dict[str, str]) -> str:
    person = (act.get("subject") or {}).get("person")
    office = (act.get("subject") or {}).get("office")
    words = str(act.get("act", "an act"))
    if person:
        words += f" {names.get(person, person)}"
    if office:
        words += f" ({office})"
    return words


def describe(record: dict[str, Any], names: dict[str, str]) -> str:
    """One record in words."""
    kind = record.get("type")
    if kind == "charter":
        return "the organisation's charter, bylaws and starting state (imported)"
    if kind == "service":
        op = str(record.get("op", "?"))
        if op == "meeting-called":
            return f"called meeting {record.get('meeting')} ({record.get('meeting_type')})"
        if op == "motion-proposed":
            return (
                f"proposed motion {record.get('motion')}: {_subject(record.get('act', {}), names)}"
            )
        if op == "vote-cast":
            return f"voted {record.get('vote')} on {record.get('motion')}"
        if op == "notice-delivery":
            who = names.get(str(record.get("person")), record.get("person"))
            return f"e-mail notice of {record.get('meeting')} to {who}: {record.get('status')}"
        if op == "account-transferred":
            return f"person {record.get('person')} moved to account {record.get('to')}"
        return op.replace("-", " ")
    event = record.get("event") or {}
    what = str(event.get("kind", "event"))
    if what == "motion":
        declared = event.get("declared")
        return f"motion {event.get('id')} closed: {_subject(event, names)}, declared {declared}"
    if what == "notice":
        to = ", ".join(names.get(p, p) for p in event.get("to", []))
        return f"notice of {event.get('meeting')} to {to} ({event.get('channel')})"
    if what in ("meeting-opened", "meeting-closed"):
        return f"{what.replace('-', ' ')}: {event.get('meeting')}"
    if what in ("joined", "left", "objection"):
        return f"{what} {event.get('meeting')}"
    if what == "consent-circulated":
        acts = "; ".join(_subject(a, names) for a in event.get("acts", []))
        return f"consent {event.get('consent')} circulated: {acts}"
    if what == "consent-signed":
        return f"signed consent {event.get('consent')}"
    return what.replace("-", " ")


def trail(rows: list[StoredEvent], names: dict[str, str], tz: dt.tzinfo) -> list[TrailLine]:
    out = []
    for row in rows:
        try:
            record = json.loads(row.payload)
        except ValueError:
            record = {}
        if not isinstance(record, dict):
            record = {}
        data = record.get("event") if isinstance(record.get("event"), dict) else record
        account = record.get("account")
        person = _person(data, names)
        who = ", ".join(x for x in (str(account) if account else "", person) if x) or "—"
        stamp = dt.datetime.fromisoformat(row.recorded_at).astimezone(tz)
        out.append(
            TrailLine(
                seq=row.seq,
                recorded_at=row.recorded_at,
                when=f"{stamp:%d %b %Y %H:%M:%S} {stamp.strftime('%Z')}",
                who=who,
                what=describe(record, names),
                leaf=row.leaf_hash.hex()[:16],
            )
        )
    return out


def latest(
    store: Any, org: str, size: int, names: dict[str, str], tz: dt.tzinfo
) -> list[TrailLine]:
    """The last :data:`PAGE` records of ``org``'s log of ``size`` records, newest first."""
    first = max(1, size - PAGE + 1)
    rows = [r for r in store.iter_events(org) if r.seq >= first] if size else []
    return list(reversed(trail(rows, names, tz)))


def names_and_zone(board: Any, org: str) -> tuple[dict[str, str], dt.tzinfo]:
    """The people's names and the organisation's zone for reading its log; a log that no
    longer replays (tampered) is still read, by ids and in UTC."""
    from charter.service.errors import Refused

    try:
        view = board.view(org)
    except Refused:
        return {}, dt.UTC
    return {p.id: p.name or p.id for p in view.case.charter.people}, view.tz
