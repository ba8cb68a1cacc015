"""Canonical bytes for events and log entries: the exact bytes that the Merkle leaves hash.

Why canonical: a hash commits to bytes, not to meaning, so two writers (or one writer before and
after a library upgrade) must turn the same event into the same bytes.  The form is JSON with
keys sorted by code point, no insignificant whitespace (``,`` and ``:`` separators), non-ASCII
characters written as themselves in UTF-8 (``ensure_ascii=False``), and NaN/Infinity refused
(they are not JSON).  docs/formats.md ("Canonical event bytes") is the reference.
"""

from __future__ import annotations

import json
from typing import Any


class NotCanonicalizable(ValueError):
    """The event cannot be written as canonical JSON (not a JSON object, NaN, bad key...)."""


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (raises :class:`NotCanonicalizable`)."""
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise NotCanonicalizable(f"not canonical JSON: {error}") from error


def canonical_event(event: Any) -> str:
    """The canonical JSON text of one event; an event must be a JSON object."""
    if not isinstance(event, dict):
        raise NotCanonicalizable(f"an event must be a JSON object, got {type(event).__name__}")
    text = canonical_json(event)
    try:  # the leaf hashes UTF-8: a lone surrogate passes json.dumps and fails there
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise NotCanonicalizable(f"not UTF-8 text: {error.reason} at {error.start}") from error
    return text


def entry_bytes(org: str, seq: int, recorded_at: str, payload: str) -> bytes:
    """The leaf data of one log entry: ``{"event":…,"org":…,"recorded_at":…,"seq":…}``.

    This is the canonical JSON of that envelope when ``payload`` is canonical, built by
    concatenation so that verification hashes the stored payload text exactly as stored (an edit
    that only changes whitespace is still an edit).  The envelope binds each event to its
    organisation, position and recording time, so moving a row to another seq or log, or changing
    its timestamp, changes its leaf.
    """
    return (
        '{"event":'
        + payload
        + ',"org":'
        + _json_string(org)
        + ',"recorded_at":'
        + _json_string(recorded_at)
        + ',"seq":'
        + str(seq)
        + "}"
    ).encode("utf-8")


def _json_string(text: str) -> str:
    """``canonical_json(text)`` for a string, without json.dumps for the common plain case."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    return canonical_json(text)
