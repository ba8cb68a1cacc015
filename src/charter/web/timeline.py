"""The Timeline page's data: every act with its verdict under a chosen profile, and the state at a
chosen moment in the chosen view (de jure or de facto).  Thin: the replay engine decides, this
module only shapes its answer for the template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from charter.load.profiles import shipped_profiles
from charter.model.case import Case
from charter.model.kinds import Outcome, Status, View
from charter.model.source import Source
from charter.model.state import State
from charter.replay import Timeline, Verdict

STATUS_LABEL = {
    Status.VALID: "valid",
    Status.VALID_WITH_WARNINGS: "valid with warnings",
    Status.CONDITIONAL: "conditional",
    Status.VOIDABLE: "voidable",
    Status.VOID: "void",
    Status.FAILED: "failed",
}
STATUS_HELP = {
    Status.VALID: "every rule is met",
    Status.VALID_WITH_WARNINGS: "valid; some rule only warns",
    Status.CONDITIONAL: "depends on facts the record does not give",
    Status.VOIDABLE: "stands until a court or the board undoes it",
    Status.VOID: "of no effect: a rule that voids the act failed",
    Status.FAILED: "did not pass: the votes were not there",
}
OUTCOME = {
    Outcome.PASSED: ("✓", "passed"),
    Outcome.FAILED: ("✗", "failed"),
    Outcome.UNKNOWN: ("?", "unknown"),
}
VIEW_LABEL = {View.DE_JURE: "de jure (what the law says)", View.DE_FACTO: "de facto (as acted on)"}


def profiles_for(case: Case) -> list[str]:
    """The profiles a request may choose: the charter's own first, then the others stored with
    the organisation (those its amendments name), then every shipped one."""
    own = case.charter.bylaws
    stored = [p for p in case.profiles if p != own]
    return [own] + stored + [p for p in shipped_profiles() if p != own and p not in stored]


def parse_at(text: str | None, tz: dt.tzinfo) -> tuple[dt.datetime | None, str | None]:
    """A moment typed in the date control (``2023-11-17T12:30`` or ``2023-11-17``); a bare date
    is the end of that day, as at the command line.  (None, why) if it does not parse."""
    if not text:
        return None, None
    raw = text.strip()
    try:
        if "T" in raw or " " in raw:
            value = dt.datetime.fromisoformat(raw)
        else:
            value = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(23, 59))
    except ValueError:
        return None, f"'{raw[:40]}' is not a date or time: use 2023-11-17 or 2023-11-17T12:30"
    if not YEARS[0] <= value.year <= YEARS[1]:
        # a week before year 1 or after 9999 does not exist, and the power page looks a week back
        return None, f"'{raw[:40]}' is out of range: a time between {YEARS[0]} and {YEARS[1]}"
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value, None


YEARS = (1900, 2999)
"""The times a page may be asked about (the API's bound too)."""


def local_input(value: dt.datetime, tz: dt.tzinfo) -> str:
    """The value a ``datetime-local`` input shows, in the case's timezone."""
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def short_source(source: Source, case: Case) -> str:
    path = Path(source.path)
    try:
        path = path.resolve().relative_to(Path(case.root).resolve())
    except ValueError:
        path = Path(path.name)
    return f"{path}:{source.line}"


def subject_text(v: Verdict, names: dict[str, str]) -> str:
    person = names.get(v.subject.person or "", v.subject.person or "")
    if person and v.subject.office:
        return f"{person} as {v.subject.office}"
    return person or v.description


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment:
    """A point the date control offers as a shortcut: before the journal, or after an act."""

    label: str
    value: str


def moments(timeline: Timeline, case: Case, tz: dt.tzinfo) -> list[Moment]:
    out = []
    if case.start is not None:
        before = case.start - dt.timedelta(minutes=1)
        out.append(Moment(label="before the journal", value=local_input(before, tz)))
    seen: set[str] = set()
    for v in timeline.verdicts:
        value = local_input(v.at, tz)
        if value not in seen:
            seen.add(value)
            out.append(Moment(label=v.at.astimezone(tz).strftime("%d %b %Y %H:%M"), value=value))
    return out


def state_rows(state: State, names: dict[str, str]) -> list[tuple[str, str]]:
    """The state as (label, value) rows, for the panel beside the acts."""
    directors = ", ".join(
        names.get(d, d) + (" (chair)" if d == state.chair else "") for d in sorted(state.directors)
    )
    rows = [
        (
            "directors",
            f"{directors or 'none'} — {len(state.directors)} of {state.authorized_seats} seats",
        ),
        ("chair", names.get(state.chair, state.chair) if state.chair else "none"),
    ]
    rows += [(office, names.get(holder, holder)) for office, holder in state.officers]
    for a in state.agreements:
        rows.append((a.id, str(a.to_json()["scope"])))
    rows.append(("bylaws", state.bylaws_ref))
    return rows
