"""``Timeline.preview``: judging one more motion on the retained fold gives exactly the verdicts a
full replay with that motion appended gives it, and never changes the timeline it was asked of.

Checked on random journals (the generators of test_gov_properties.py) with random candidate
motions, and on the bundled OpenAI case; the cases where the shortcut must refuse (the entry sorts
before the last one, an effect is still scheduled, not a motion) are checked one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.load.case import load_case, sort_entries
from charter.model.case import Case, Entry
from charter.model.journal import Announcement, Motion
from charter.model.source import Source
from charter.replay import Timeline, replay
from charter.replay.engine import Verdict, entry_order
from govkit import DIRECTORS, PEOPLE, scenario
from test_gov_properties import ACTS, PROFILES, VOTES, journals, timeline

BUNDLED = Path(__file__).resolve().parents[1] / "examples" / "openai-2023"
CANDIDATE = Source(path="candidate", line=1)
OPENED = """
  - {at: 2023-05-01T09:00, kind: meeting-opened, meeting: m, type: regular,
     present: [ann, bob, cat]}
"""


def candidate_entry(event: Any, at: dt.datetime) -> Entry:
    """An entry as the service appends one: after every journal file, at ``at``."""
    return Entry(event=event, at=at, source=CANDIDATE, file_index=99, position=1)


def motion(act: dict[str, Any], votes: dict[str, str] | str, **extra: Any) -> Motion:
    return Motion.model_validate(
        {"kind": "motion", "id": "candidate", "at": "2030-01-01T00:00:00Z", "votes": votes}
        | act
        | extra
    )


def full_verdicts(case: Case, entry: Entry) -> tuple[Verdict, ...]:
    """What the service did before preview existed: replay everything with the entry."""
    appended = replace(case, entries=sort_entries((*case.entries, entry)))
    return tuple(v for v in replay(appended).verdicts if v.source == CANDIDATE)


def fold_contents(t: Timeline) -> dict[str, Any]:
    assert t.fold is not None
    return copy.deepcopy(vars(t.fold))


def assert_preview_is_replay(case: Case, t: Timeline, entry: Entry) -> bool:
    """True when preview applied (and agreed with the full replay), False when it declined."""
    before = fold_contents(t)
    verdicts, snapshots = t.verdicts, t.snapshots
    got = t.preview(entry)
    assert fold_contents(t) == before
    assert (t.verdicts, t.snapshots) == (verdicts, snapshots)
    if got is None:
        return False
    assert got == full_verdicts(case, entry)
    assert t.preview(entry) == got
    return True


@st.composite
def candidates(draw: st.DrawFn, meetings: list[str]) -> Motion:
    act = dict(draw(st.sampled_from(ACTS)))
    voters = draw(st.lists(st.sampled_from((*DIRECTORS, "hal")), unique=True, max_size=6))
    votes: dict[str, str] | str = {v: draw(st.sampled_from(VOTES)) for v in voters}
    if draw(st.integers(0, 5)) == 0:
        votes = "unknown"
    form = draw(st.sampled_from(("meeting", "meeting", "written-consent", "unknown")))
    meeting = draw(st.sampled_from([*meetings, "nowhere"])) if meetings else None
    interested = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=2))
    declared = draw(st.sampled_from(("adopted", "adopted", "rejected")))
    return motion(act, votes, form=form, meeting=meeting, interested=interested, declared=declared)


def load_random(tmp: Path, events: list[dict[str, Any]], profile: str) -> tuple[Case, Timeline]:
    t = timeline(tmp, [events], profile)
    case, _ = load_case(tmp)
    assert case is not None
    return case, t


@settings(max_examples=60, deadline=None)
@given(events=journals(), profile=st.sampled_from(PROFILES), data=st.data())
def test_preview_gives_the_full_replays_verdict_on_random_journals(
    events: list[dict[str, Any]], profile: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case, t = load_random(Path(tmp), events, profile)
    meetings = sorted({e["meeting"] for e in events if e["kind"] == "meeting-opened"})
    last = case.entries[-1].at
    offset = data.draw(st.sampled_from((0, 0, 1, 60, 24 * 60, -5)))
    entry = candidate_entry(data.draw(candidates(meetings)), last + dt.timedelta(minutes=offset))
    applied = assert_preview_is_replay(case, t, entry)
    if offset < 0:
        assert not applied


def test_random_journals_exercise_the_preview() -> None:
    # A property that only ever saw the fallback would prove nothing about the shortcut.
    outcomes: list[tuple[bool, str]] = []

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(events=journals(), data=st.data())
    def collect(events: list[dict[str, Any]], data: st.DataObject) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            case, t = load_random(Path(tmp), events, "delaware-stock")
        meetings = sorted({e["meeting"] for e in events if e["kind"] == "meeting-opened"})
        entry = candidate_entry(
            data.draw(candidates(meetings)), case.entries[-1].at + dt.timedelta(minutes=1)
        )
        got = t.preview(entry)
        outcomes.extend((True, v.status.value) for v in got or ())
        outcomes.append((got is not None, ""))

    collect()
    assert any(applied for applied, _ in outcomes)
    assert any(not applied for applied, _ in outcomes)  # a resignation effective later
    assert len({status for _, status in outcomes if status}) >= 3


def test_preview_gives_the_full_replays_verdict_on_the_bundled_case() -> None:
    case, diagnostics = load_case(BUNDLED)
    assert case is not None, diagnostics
    t = replay(case)
    meetings = sorted(t.fold.meetings) if t.fold is not None else []
    assert meetings
    last = case.entries[-1].at
    directors = sorted(t.state_at(last).directors)
    applied = 0
    for i, act in enumerate(ACTS):
        for meeting in meetings:
            votes = {d: VOTES[(i + j) % len(VOTES)] for j, d in enumerate(directors)}
            event = motion(act, votes, meeting=meeting)
            entry = candidate_entry(event, last + dt.timedelta(hours=1))
            applied += assert_preview_is_replay(case, t, entry)
    assert applied == len(ACTS) * len(meetings)


def test_preview_declines_an_entry_that_sorts_before_the_last_one(tmp_path: Path) -> None:
    t = scenario(
        tmp_path,
        OPENED
        + """
  - {at: 2023-05-01T10:00, kind: meeting-closed, meeting: m}
""",
    )
    assert t.fold is not None
    assert t.fold.last is not None
    act = {"act": "approve-transaction"}
    at = t.fold.last.at
    same_time = candidate_entry(motion(act, {"ann": "for"}, meeting="m"), at)
    # a motion ranks before a meeting's close at the same minute: it would not be last
    assert entry_order(same_time) < entry_order(t.fold.last)
    assert t.preview(same_time) is None
    earlier = candidate_entry(motion(act, {"ann": "for"}, meeting="m"), at - dt.timedelta(hours=1))
    assert t.preview(earlier) is None
    later = candidate_entry(motion(act, {"ann": "for"}, meeting="m"), at + dt.timedelta(hours=1))
    assert t.preview(later) is not None


def test_preview_declines_while_an_effect_is_scheduled(tmp_path: Path) -> None:
    t = scenario(
        tmp_path,
        OPENED
        + """
  - {at: 2023-05-01T09:10, kind: resignation, id: r, person: ann, positions: [director],
     effective: 2023-06-01T00:00}
""",
    )
    entry = candidate_entry(
        motion({"act": "approve-transaction"}, {"ann": "for", "bob": "for"}, meeting="m"),
        dt.datetime(2023, 5, 1, 9, 30, tzinfo=dt.UTC),
    )
    assert t.preview(entry) is None


def test_preview_declines_what_is_not_a_motion(tmp_path: Path) -> None:
    t = scenario(
        tmp_path,
        OPENED,
    )
    event = Announcement.model_validate(
        {"kind": "announcement", "at": "2023-05-02T09:00:00Z", "by": "ann", "text": "hello"}
    )
    assert t.preview(candidate_entry(event, dt.datetime(2023, 5, 2, 9, tzinfo=dt.UTC))) is None
