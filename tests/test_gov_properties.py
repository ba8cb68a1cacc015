"""Invariants of replay, over random small journals of valid events.

- replay is deterministic;
- events after a time never change the state (or the verdicts) before it;
- splitting a journal across files changes nothing.

The journals are built from meetings (with notices, joins, leaves, objections and motions with
random votes), resignations effective now or later, and motions taken without a meeting, on the
default board of tests/govkit.py.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.load.case import load_case
from charter.model.kinds import View
from charter.replay import Timeline, replay
from govkit import DIRECTORS, PEOPLE, write_case

START = dt.datetime(2023, 5, 1, 9, 0)
VOTES = ("for", "against", "abstain", "recused")
ACTS: tuple[dict[str, Any], ...] = (
    {"act": "appoint-officer", "subject": {"person": "hal", "office": "coo"}},
    {"act": "remove-officer", "subject": {"person": "fay", "office": "ceo"}},
    {"act": "appoint-officer", "subject": {"person": "gus", "office": "ceo"}},
    {"act": "elect-director", "subject": {"person": "hal"}},
    {"act": "fill-vacancy", "subject": {"person": "hal"}},
    {"act": "remove-director", "subject": {"person": "eve"}},
    {"act": "remove-chair", "subject": {}},
    {"act": "elect-chair", "subject": {"person": "bob"}},
    {"act": "approve-transaction", "subject": {}},
    {"act": "change-board-size", "subject": {}, "seats": 6},
)
PROFILES = ("delaware-stock", "delaware-nonstock", "openai-2016-reported", "roberts-rules")

settings.register_profile(
    "gov",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def journals(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A time-ordered list of events; many share a minute, so ties (ordered by kind rank, then
    file order) are common, and gaps of a day make notice lead times matter."""
    events: list[dict[str, Any]] = []
    minute = 0
    motions = 0

    def at() -> str:
        nonlocal minute
        minute += draw(st.sampled_from((0, 0, 5, 60, 1440)))
        return (START + dt.timedelta(minutes=minute)).isoformat()

    def motion(**extra: Any) -> dict[str, Any]:
        nonlocal motions
        motions += 1
        act = dict(draw(st.sampled_from(ACTS)))
        voters = draw(st.lists(st.sampled_from(DIRECTORS), unique=True, max_size=5))
        votes = {v: draw(st.sampled_from(VOTES)) for v in voters}
        return {
            "id": f"act-{motions}",
            "at": at(),
            "kind": "motion",
            **act,
            "votes": votes if draw(st.booleans()) or votes else "unknown",
            **extra,
        }

    for n in range(draw(st.integers(1, 5))):
        choice = draw(st.sampled_from(("meeting", "resignation", "consent", "informal")))
        if choice == "meeting":
            mid = f"m{n}"
            kind = draw(st.sampled_from(("special", "regular", "unknown")))
            if draw(st.booleans()):
                to = draw(st.lists(st.sampled_from(DIRECTORS), unique=True, min_size=1))
                channel = draw(st.sampled_from(("email", "mail", "text", "unknown")))
                events.append(
                    {"at": at(), "kind": "notice", "meeting": mid, "to": to, "channel": channel}
                )
            present = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=6))
            events.append(
                {
                    "at": at(),
                    "kind": "meeting-opened",
                    "meeting": mid,
                    "type": kind,
                    "called_by": draw(st.sampled_from((["ann"], ["bob"], ["bob", "cat"]))),
                    "remote": draw(st.sampled_from((True, False, "unknown"))),
                    "present": present,
                }
            )
            for _ in range(draw(st.integers(0, 4))):
                step = draw(st.sampled_from(("joined", "left", "objection", "motion")))
                if step == "motion":
                    events.append(motion(meeting=mid))
                else:
                    person = draw(st.sampled_from(PEOPLE))
                    event = {"at": at(), "kind": step, "meeting": mid, "person": person}
                    if step == "objection":
                        event["at_start"] = draw(st.sampled_from((True, False, "unknown")))
                    events.append(event)
            if draw(st.booleans()):
                events.append({"at": at(), "kind": "meeting-closed", "meeting": mid})
        elif choice == "resignation":
            person = draw(st.sampled_from(PEOPLE[:7]))
            positions = draw(
                st.lists(
                    st.sampled_from(("director", "chair", "ceo", "cfo")), unique=True, min_size=1
                )
            )
            when = at()
            later = draw(st.sampled_from((None, 0, 30, 600)))
            effective: Any = "on-delivery"
            if later is not None:
                effective = (
                    dt.datetime.fromisoformat(when) + dt.timedelta(minutes=later)
                ).isoformat()
            events.append(
                {
                    "id": f"resign-{n}",
                    "at": when,
                    "kind": "resignation",
                    "person": person,
                    "positions": positions,
                    "effective": effective,
                }
            )
        else:
            form = "written-consent" if choice == "consent" else "without-meeting"
            events.append(motion(form=form))
    return events


def journal_yaml(events: list[dict[str, Any]]) -> str:
    # YAML is a superset of JSON: one flow mapping per event keeps the file trivially valid.
    if not events:
        return "events: []\n"
    return "events:\n" + "".join(f"  - {json.dumps(e)}\n" for e in events)


def timeline(root: Path, parts: list[list[dict[str, Any]]], profile: str) -> Timeline:
    journals = {f"j{i}.yaml": journal_yaml(p) for i, p in enumerate(parts)}
    write_case(root, journals=journals, profile=profile, seats=6)
    case, diagnostics = load_case(root)
    assert case is not None, "\n".join(d.render() for d in diagnostics)
    return replay(case)


def verdicts(t: Timeline, until: dt.datetime | None = None) -> list[Any]:
    """Verdicts without file positions (which differ when events move between files)."""
    return [
        (
            v.id,
            v.at,
            v.kind,
            v.status,
            v.missing_facts,
            [(c.rule, c.outcome, c.severity, c.detail) for c in v.checks],
        )
        for v in t.verdicts
        if until is None or v.at <= until
    ]


def states(t: Timeline) -> list[Any]:
    return [(s.at, s.jure.to_json(), s.facto.to_json()) for s in t.snapshots]


def aware(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@settings(settings.get_profile("gov"))
@given(events=journals(), profile=st.sampled_from(PROFILES))
def test_replay_is_deterministic(events: list[dict[str, Any]], profile: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = timeline(Path(tmp) / "a", [events], profile)
        second = timeline(Path(tmp) / "b", [events], profile)
        again = replay(load_case(Path(tmp) / "a")[0])  # type: ignore[arg-type]
    assert verdicts(first) == verdicts(second) == verdicts(again)
    assert states(first) == states(second) == states(again)
    assert first.diagnostics == again.diagnostics


@settings(settings.get_profile("gov"))
@given(events=journals(), profile=st.sampled_from(PROFILES), data=st.data())
def test_later_events_never_change_the_past(
    events: list[dict[str, Any]], profile: str, data: st.DataObject
) -> None:
    times = sorted({aware(e["at"]) for e in events})
    cut = data.draw(st.sampled_from(times)) + dt.timedelta(
        seconds=data.draw(st.sampled_from((0, 1, -1)))
    )
    prefix = [e for e in events if aware(e["at"]) <= cut]
    with tempfile.TemporaryDirectory() as tmp:
        full = timeline(Path(tmp) / "full", [events], profile)
        short = timeline(Path(tmp) / "short", [prefix], profile)
    probes = [cut, *(t for t in times if t <= cut), cut - dt.timedelta(days=1)]
    for when in probes:
        for view in View:
            assert full.state_at(when, view).to_json() == short.state_at(when, view).to_json()
    assert verdicts(full, cut) == verdicts(short, cut)


@settings(settings.get_profile("gov"))
@given(events=journals(), profile=st.sampled_from(PROFILES), data=st.data())
def test_splitting_the_journal_across_files_changes_nothing(
    events: list[dict[str, Any]], profile: str, data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, len(events)))
    with tempfile.TemporaryDirectory() as tmp:
        whole = timeline(Path(tmp) / "whole", [events], profile)
        split = timeline(Path(tmp) / "split", [events[:k], events[k:]], profile)
    assert verdicts(whole) == verdicts(split)
    assert states(whole) == states(split)
    assert [d.message for d in whole.diagnostics] == [d.message for d in split.diagnostics]


def test_the_generator_makes_journals_that_exercise_the_rules() -> None:
    # A property over journals whose acts are never judged would prove nothing.
    seen: set[str] = set()

    @settings(settings.get_profile("gov"), max_examples=60, derandomize=True)
    @given(events=journals())
    def collect(events: list[dict[str, Any]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            t = timeline(Path(tmp), [events], "delaware-stock")
        seen.update(v.status.value for v in t.verdicts)

    collect()
    assert {"valid", "void", "failed", "conditional"} <= seen
