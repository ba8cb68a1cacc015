"""What every journal event is made of, shared by the board's events (charter.model.journal)
and the structural ones (charter.model.structure_events), which the journal's union imports:
a module of its own, so that neither imports the other."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EventBase(Frozen):
    id: str | None = None
    at: dt.datetime | dt.date
    source: str | None = None
    note: str = ""
