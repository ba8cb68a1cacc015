"""A large journal read at the speed of a compiled parser, and the slow exact path kept for
everything else.

Why: ruamel's round-trip loader (pure Python) read about 1,300 events a second, and even
libyaml's composer, with ruamel's node objects built from it, about 6,000: a 50 MB journal
(405,000 events) took minutes and gigabytes.  yaml-rs (a Rust parser) turns the whole text into
plain Python data at hundreds of thousands of events a second.  What it does not give is where
each node was written; a valid journal needs only where each *event* begins (the line every
verdict cites), which a scan of the text's lines finds.  So:

- a file that is valid is loaded from the plain data, each event located by the scan;
- a file with anything the scan or the plain data cannot vouch for (a tag, an anchor, events not
  written one item a line at one indentation) is left to the exact path;
- and a file with any error at all, of YAML, of schema or of meaning, is loaded again by the
  exact path (:func:`charter.load.case.load_case` does it), so that every error is located by
  the same code, to the column, whichever path read the file first.

tests/test_fast_journal.py proves the two paths give the same case for generated journals and
every bundled one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_EVENTS_KEY_B = re.compile(rb"^events:[ \t]*(?:#.*)?$", re.M)
_ITEM_B = re.compile(rb"^( *)-[ \t]+(?=\S)", re.M)
_TOP_LEVEL_B = re.compile(rb"^[^\s#-]", re.M)
_TAG_OR_ANCHOR = re.compile(r"(?:^|[\s\[\{,:-])[!&*]")
"""A tag (ruamel keeps it), an anchor or an alias (an alias bomb must meet the exact path's
bound): the exact path reads those files."""


class PlainData(dict[str, Any]):
    """A journal file's data as plain dicts and lists (no positions): what says a file was read
    by the fast path."""


@dataclass(frozen=True, slots=True)
class FastJournal:
    data: PlainData
    starts: tuple[tuple[int, int], ...]
    """(line, column), 1-based, of each event's first key: where ruamel places the item."""


def _starts(text: str, count: int) -> tuple[tuple[int, int], ...] | None:
    """Where each item of the top-level ``events:`` block sequence begins, if the text writes
    exactly ``count`` items at one indentation (else None: the exact path decides).

    Found on the UTF-8 bytes (an item's indentation and dash are ASCII, so its column counts
    the same in bytes and characters), each match's line by a binary search among the
    newlines' offsets: a few C passes over the text, not a Python step per line."""
    import numpy as np

    data = text.encode("utf-8")
    head = _EVENTS_KEY_B.search(data)
    if head is None:
        return None
    end_match = _TOP_LEVEL_B.search(data, head.end() + 1)
    end = end_match.start() if end_match is not None else len(data)
    offsets: list[int] = []
    columns: list[int] = []
    indent: int | None = None
    for match in _ITEM_B.finditer(data, head.end(), end):
        width = match.end(1) - match.start(1)
        if indent is None:
            indent = width
        if width == indent:  # else a nested sequence's item
            offsets.append(match.start())
            columns.append(match.end() - match.start() + 1)
    if len(offsets) != count:
        return None
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    lines = np.searchsorted(newlines, np.asarray(offsets, dtype=np.int64)) + 1
    return tuple(zip(lines.tolist(), columns, strict=True))


def fast_journal(text: str) -> FastJournal | None:
    """The journal's plain data and its events' starts, or None where only the exact path can
    vouch for the result."""
    if ("!" in text or "&" in text or "*" in text) and _TAG_OR_ANCHOR.search(text):
        return None
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - a dependency; without it, the exact path
        return None
    try:
        data = yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # a syntax error: the exact path reports it, located
        return None
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        return None
    events = data.get("events")
    if not isinstance(events, list):
        return None
    starts = _starts(text, len(events))
    if starts is None:
        return None
    return FastJournal(data=PlainData(data), starts=starts)
