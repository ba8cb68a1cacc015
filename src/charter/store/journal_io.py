"""A case in the event store: import it as records, rebuild it from records, export its journal.

An organisation's log holds *records*, each a JSON object with a ``type``:

- record 1, ``{"type": "charter", "charter": {...}, "bylaws": NAME, "profiles": {NAME: {...}}}``:
  the charter file as JSON, the name of the profile in force, and every bylaws profile the case
  refers to (resolved and embedded, so that replaying a stored log never depends on which
  profile files the deployment has on disk);
- ``{"type": "event", "event": {...}}``: one journal event in the canonical dict form of
  :func:`charter.load.canonical.event_dict` (schema key order, defaults dropped, ``at`` with its
  UTC offset);
- ``{"type": "service", "op": ..., ...}``: what the board service records besides journal events
  (a meeting called, a motion proposed, a vote cast as it happened).  The journal ignores them.

Why a pure :func:`case_from_records`: the replayed state is derived, never stored, so the CLI
(``charter export``), the service and the benchmarks all rebuild the same :class:`Case` from the
same records and call the same :func:`charter.replay.replay`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from charter.load.canonical import event_dict, event_from_json, format_entries
from charter.load.case import _persons_of, sort_entries
from charter.load.confine import OutsideCase, outside_reason
from charter.located import read_text
from charter.model.bylaws import Bylaws
from charter.model.case import Case, Entry
from charter.model.charter import CharterFile
from charter.model.journal import ConsentCirculated, Event, Motion
from charter.model.source import Diagnostic, Source
from charter.store.db import EventStore

CHARTER = "charter"
EVENT = "event"
SERVICE = "service"
NEEDS_MEETING = ("joined", "left", "objection", "meeting-closed")


def charter_record(case: Case) -> dict[str, Any]:
    """Record 1 of a log: the charter, the profile in force and every profile it may need."""
    charter = case.charter.model_dump(mode="json", exclude_defaults=True)
    profiles = {ref: b.model_dump(mode="json") for ref, b in case.profiles.items()}
    ref = next((r for r, b in case.profiles.items() if b == case.bylaws), case.bylaws.profile)
    profiles.setdefault(ref, case.bylaws.model_dump(mode="json"))
    return {"type": CHARTER, "charter": charter, "bylaws": ref, "profiles": profiles}


FREE_FORM = ("votes", "set")
"""Mappings whose key order is the author's (a tally, amendment settings), not the schema's: the
store writes JSON with sorted keys, so their order is kept beside the event (``key_order``)."""


def _key_orders(value: Any, path: str, out: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in FREE_FORM and isinstance(item, dict) and list(item) != sorted(item):
                out[where] = list(item)
            _key_orders(item, where, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _key_orders(item, f"{path}.{i}", out)


def _restore_orders(event: dict[str, Any], orders: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    for dotted, keys in orders.items():
        *parents, last = dotted.split(".")
        node: Any = event
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        if isinstance(node, dict) and isinstance(node.get(last), dict):
            old = node[last]
            node[last] = {k: old[k] for k in keys if k in old} | old
    return event


def event_record(event: Event, at: dt.datetime) -> dict[str, Any]:
    data = event_dict(event, at)
    record: dict[str, Any] = {"type": EVENT, "event": data}
    orders: dict[str, list[str]] = {}
    _key_orders(data, "", orders)
    if orders:
        record["key_order"] = orders
    return record


def records_from_case(case: Case) -> list[dict[str, Any]]:
    """Every record of a new log for ``case``: the charter, then its events in replay order."""
    return [charter_record(case)] + [event_record(e.event, e.at) for e in case.entries]


def _err(origin: str, seq: int, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(source=Source(path=origin, line=seq), message=message, hint=hint)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _charter_of(
    record: Mapping[str, Any], origin: str
) -> tuple[CharterFile | None, Bylaws | None, dict[str, Bylaws], list[Diagnostic]]:
    try:
        charter = CharterFile.model_validate(record.get("charter"))
    except ValidationError as error:
        return None, None, {}, [_err(origin, 1, f"bad charter record: {_first_error(error)}")]
    profiles: dict[str, Bylaws] = {}
    raw = record.get("profiles")
    if not isinstance(raw, dict):
        return charter, None, {}, [_err(origin, 1, "the charter record has no profiles")]
    for ref, data in raw.items():
        try:
            profiles[str(ref)] = Bylaws.model_validate(data)
        except ValidationError as error:
            return (
                charter,
                None,
                {},
                [_err(origin, 1, f"bad profile {ref!r}: {_first_error(error)}")],
            )
    ref = record.get("bylaws")
    if not isinstance(ref, str) or ref not in profiles:
        return charter, None, profiles, [_err(origin, 1, f"profile {ref!r} is not embedded")]
    return charter, profiles[ref], profiles, []


def _check_refs(entries: Sequence[Entry], charter: CharterFile, origin: str) -> list[Diagnostic]:
    """The reference checks replay relies on (persons, meetings, consents, unique ids)."""
    out: list[Diagnostic] = []
    people = {p.id for p in charter.people}
    meetings: set[str] = set()
    consents: set[str] = set()
    ids: set[str] = set()
    for entry in entries:
        ev, seq = entry.event, entry.source.line
        for _, person in _persons_of(ev):
            if person not in people:
                out.append(_err(origin, seq, f"unknown person '{person}'"))
        if ev.kind == "meeting-opened":
            meetings.add(ev.meeting)
        if isinstance(ev, ConsentCirculated):
            consents.add(ev.consent)
        ref = getattr(ev, "meeting", None)
        needs = ev.kind in NEEDS_MEETING or (
            isinstance(ev, Motion) and ev.form in ("meeting", "unknown") and ev.meeting
        )
        if needs and ref not in meetings:
            out.append(_err(origin, seq, f"unknown meeting '{ref}'"))
        if ev.kind == "consent-signed" and ev.consent not in consents:
            out.append(_err(origin, seq, f"unknown consent '{ev.consent}'"))
        if ev.id is not None:
            if ev.id in ids:
                out.append(_err(origin, seq, f"duplicate id '{ev.id}'"))
            ids.add(ev.id)
    return out


def case_from_records(
    records: Iterable[Mapping[str, Any]], *, origin: str = "store", root: str = ""
) -> tuple[Case | None, list[Diagnostic]]:
    """Rebuild the case a log holds.  Record ``n`` (1-based, the store's seq) becomes the
    :class:`Source` ``origin:n``, so a verdict points at the stored record that caused it.
    Never raises on bad records: they come back as diagnostics."""
    charter: CharterFile | None = None
    bylaws: Bylaws | None = None
    profiles: dict[str, Bylaws] = {}
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    for seq, record in enumerate(records, start=1):
        kind = record.get("type") if isinstance(record, Mapping) else None
        if seq == 1:
            if kind != CHARTER:
                return None, [_err(origin, 1, "the first record of a log must be the charter")]
            charter, bylaws, profiles, errors = _charter_of(record, origin)
            if errors:
                return None, errors
            continue
        if kind == SERVICE:
            continue
        if kind != EVENT:
            diagnostics.append(_err(origin, seq, f"unknown record type {kind!r}"))
            continue
        try:
            data = dict(record.get("event") or {})
            orders = record.get("key_order")
            if isinstance(orders, dict):
                data = _restore_orders(data, orders)
            event, at = event_from_json(data)
        except (ValidationError, ValueError, TypeError, KeyError, IndexError) as error:
            detail = _first_error(error) if isinstance(error, ValidationError) else str(error)
            diagnostics.append(_err(origin, seq, f"bad event: {detail}"))
            continue
        source = Source(path=origin, line=seq)
        entries.append(Entry(event=event, at=at, source=source, file_index=0, position=seq))
    if charter is None or bylaws is None:
        return None, [_err(origin, 1, "the log is empty: no charter record")]
    diagnostics.extend(_check_refs(entries, charter, origin))
    if diagnostics:
        return None, diagnostics
    case = Case(
        name=charter.charter,
        root=root,
        charter=charter,
        charter_source=Source(path=origin, line=1),
        bylaws=bylaws,
        profiles=profiles,
        entries=sort_entries(entries),
    )
    return case, []


class UnreadableFile(ValueError):
    """A file the case names cannot be read (e.g. it is the store's own database)."""


ORG_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
"""An organisation's name is a segment of every URL the service serves it under (and a file
name in exports): 1-80 letters, digits, ``.``, ``_``, ``-``, the rule of the API's ids."""


def org_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an organisation, or None."""
    if ORG_NAME.fullmatch(name):
        return None
    shown = name if len(name) <= 40 else name[:37] + "..."
    return (
        f"organisation name {shown!r} is not 1-80 letters, digits, '.', '_', '-' starting with "
        "a letter or digit (it is part of every URL the service serves it under)"
    )


def import_case(
    store: EventStore, case: Case, org: str | None = None, *, allow_outside: bool = False
) -> tuple[str, int]:
    """Append ``case`` as a new organisation's log in one transaction; (org, records written).

    The case's waterfall file, if it names one, travels in the charter record as text (key
    ``waterfall``: ``{"name", "text"}``) so that the service can show the money without the
    case directory.  Raises ``ValueError`` if the organisation already has a log: an import
    never merges into (or silently duplicates) an existing record.  Raises
    :class:`OutsideCase` (before anything is written) if the waterfall lies outside the case
    directory and ``allow_outside`` is false: the log is permanent, so whatever file a case
    names would stay in it for good (charter.load.confine)."""
    name = org or case.name
    if (problem := org_name_problem(name)) is not None:
        raise ValueError(problem)
    eras = era_waterfalls(case)
    for file in ([case.charter.waterfall] if case.charter.waterfall else []) + eras:
        reason = None if allow_outside else outside_reason(case.root, file)
        if reason is not None:
            raise OutsideCase(f"{case.charter_source.path}: waterfall: {reason}")
    if store.has_org(name):
        raise ValueError(f"organisation {name!r} already has a log in this store")
    records = records_from_case(case)
    if case.charter.waterfall is not None:
        path = Path(case.root) / case.charter.waterfall
        if path.is_file():
            text, errors = read_text(path)  # never the store's own files (charter.located)
            if text is None:
                raise UnreadableFile("; ".join(f"{d.source}: {d.message}" for d in errors))
            records[0]["waterfall"] = {"name": case.charter.waterfall, "text": text}
    embedded = []
    for file in eras:  # the waterfalls of later eras (interests-issued events) travel too
        text, errors = read_text(Path(case.root) / file)
        if text is None:
            raise UnreadableFile("; ".join(f"{d.source}: {d.message}" for d in errors))
        embedded.append({"name": file, "text": text})
    if embedded:
        records[0]["waterfalls"] = embedded
    written = store.append_many(name, records)
    return name, len(written)


def era_waterfalls(case: Case) -> list[str]:
    """The waterfall files the journal's ``interests-issued`` events name, in order, once each
    (the charter's own excluded)."""
    named = [getattr(e.event, "waterfall", None) for e in case.entries]
    files = [f for f in named if isinstance(f, str) and f != case.charter.waterfall]
    return list(dict.fromkeys(files))


def waterfall_of(
    records: Sequence[Mapping[str, Any]], name: str | None = None
) -> tuple[str, str] | None:
    """(file name, text) of the waterfall embedded in a log's charter record (``name``: one of
    the later eras' files), if any."""
    if not records:
        return None
    if name is not None:
        for era in records[0].get("waterfalls") or ():
            if (
                isinstance(era, dict)
                and era.get("name") == name
                and isinstance(era.get("text"), str)
            ):
                return name, era["text"]
        embedded = records[0].get("waterfall")
        if isinstance(embedded, dict) and embedded.get("name") == name:
            return waterfall_of(records)
        return None
    embedded = records[0].get("waterfall")
    if isinstance(embedded, dict) and isinstance(embedded.get("text"), str):
        return str(embedded.get("name") or "waterfall.yaml"), embedded["text"]
    return None


def load_org(store: EventStore, org: str) -> tuple[Case | None, list[Diagnostic]]:
    """The case an organisation's stored log holds (see :func:`case_from_records`)."""
    return case_from_records(store.records(org), origin=f"store:{org}")


def export_journal(store: EventStore, org: str) -> tuple[str | None, list[Diagnostic]]:
    """The organisation's journal in canonical form: the same text ``charter fmt`` prints."""
    case, diagnostics = load_org(store, org)
    if case is None:
        return None, diagnostics
    return format_entries(case.name, case.entries), []


__all__ = [
    "case_from_records",
    "charter_record",
    "event_record",
    "export_journal",
    "import_case",
    "load_org",
    "records_from_case",
    "waterfall_of",
]
