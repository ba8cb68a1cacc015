"""A loaded case: the charter, the bylaws in force, and the journal in its total order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charter.model.bylaws import Bylaws
from charter.model.charter import CharterFile
from charter.model.journal import Event
from charter.model.source import Source


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One journal event with where it came from and its normalised (timezone-aware) time."""

    event: Event
    at: dt.datetime
    source: Source
    file_index: int
    position: int
    hypothetical: bool = False

    @property
    def label(self) -> str:
        return self.event.id or f"{self.event.kind}@{self.source.path}:{self.source.line}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    name: str
    root: str
    charter: CharterFile
    charter_source: Source
    bylaws: Bylaws
    profiles: Mapping[str, Bylaws] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    sources: Mapping[str, Source] = field(default_factory=dict)
    """Where charter objects were written (keys like ``people.altman``, ``board``)."""

    @property
    def tz(self) -> dt.tzinfo:
        """The charter's timezone, in which a bare date or a time without an offset is read
        (the loader refuses a timezone it does not know; UTC only for a case built by hand)."""
        try:
            return ZoneInfo(self.charter.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return dt.UTC

    @property
    def start(self) -> dt.datetime | None:
        return self.entries[0].at if self.entries else None
