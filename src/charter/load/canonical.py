"""The canonical form of a journal: one text for one set of facts.

``charter fmt`` prints it, the event store keeps each event as canonical JSON of the same dict,
and ``charter export`` writes it back - so import then export is byte-identical to ``fmt``.
The store hashes each event as canonical JSON (charter.store.canonical). Canonical means:
events in the replay's total order, every time with its UTC offset, keys in the
schema's order, defaults omitted, lists of names in flow style.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from charter.model.case import Entry
from charter.model.journal import Event

_EVENT = TypeAdapter(Event)


def event_dict(event: Event, at: dt.datetime) -> dict[str, Any]:
    """The event as plain JSON-able data: schema key order, defaults dropped, ``at`` resolved."""
    data = event.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    ordered: dict[str, Any] = {}
    if "id" in data:
        ordered["id"] = data.pop("id")
    ordered["at"] = at.isoformat()
    data.pop("at", None)
    ordered["kind"] = data.pop("kind", event.kind)
    tail: dict[str, Any] = {k: data.pop(k) for k in ("source", "note") if k in data}
    ordered.update(data)
    ordered.update(tail)
    return ordered


def event_from_json(text: str | Mapping[str, Any]) -> tuple[Event, dt.datetime]:
    data = json.loads(text) if isinstance(text, str) else dict(text)
    event = _EVENT.validate_python(data)
    at = event.at
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(0, 0), tzinfo=dt.UTC)
    return event, at


def _yaml_value(value: Any, depth: int) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _yaml_value(v, depth + 1)
        if depth > 0 and all(not isinstance(v, dict | list) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_yaml_value(v, depth + 1) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _dumper() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.default_flow_style = False
    return yaml


def format_events(name: str | None, events: Iterable[tuple[Event, dt.datetime]]) -> str:
    out = io.StringIO()
    yaml = _dumper()
    header = CommentedMap()
    if name:
        header["journal"] = name
    header_text = io.StringIO()
    if name:
        yaml.dump(header, header_text)
    out.write(header_text.getvalue())
    out.write("events:\n")
    for event, at in events:
        item = _yaml_value(event_dict(event, at), 0)
        buf = io.StringIO()
        yaml.dump(CommentedSeq([item]), buf)
        text = buf.getvalue()
        out.write("\n" + text)
    return _unquote_times(out.getvalue())


def _unquote_times(text: str) -> str:
    """ruamel quotes an ISO time string (it would resolve to a timestamp); unquoted reads the
    same to our loader and to people."""
    lines = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip(" -")
        if stripped.startswith(("at: '", "effective: '", "effective_at: '")):
            key, _, rest = line.partition(": '")
            line = f"{key}: {rest.rstrip().rstrip(chr(39))}\n"
        lines.append(line)
    return "".join(lines)


def format_entries(name: str | None, entries: Iterable[Entry]) -> str:
    return format_events(name, ((e.event, e.at) for e in entries))
