"""``Timeline.extend``: stepping a journal's further entries on a fork of the retained fold gives
exactly the timeline a full replay of the longer journal gives (verdicts, snapshots,
diagnostics, and the fold itself, so later extensions and previews agree too), and never changes
the timeline it was asked of.

Checked on random journals (the generators of test_gov_properties.py, with consents,
signatures, interests and private messages mixed in) cut at every point, and on the bundled
OpenAI case; the cases where the shortcut must refuse are checked one by one.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.load.case import load_case
from charter.model.case import Case
from charter.replay import Timeline, replay
from govkit import DIRECTORS, PEOPLE, scenario
from test_gov_properties import ACTS, PROFILES, journals, timeline

BUNDLED = Path(__file__).resolve().parents[1] / "examples" / "openai-2023"


@st.composite
def richer_journals(draw: st.DrawFn) -> list[dict[str, Any]]:
    """test_gov_properties' journals with the events they lack inserted at random places:
    interests declared, private messages, and written consents circulated and signed."""
    events = draw(journals())
    extra = draw(st.integers(0, 4))
    for n in range(extra):
        i = draw(st.integers(0, len(events)))
        at = events[i - 1]["at"] if i else events[0]["at"] if events else "2023-05-01T09:00:00Z"
        kind = draw(st.sampled_from(("interest", "message", "consent")))
        if kind == "interest":
            new = [
                {
                    "at": at,
                    "kind": "interest-declared",
                    "person": draw(st.sampled_from(DIRECTORS)),
                    **({"motion": f"act-{draw(st.integers(1, 4))}"} if draw(st.booleans()) else {}),
                }
            ]
        elif kind == "message":
            new = [
                {
                    "at": at,
                    "kind": "private-message",
                    "from": draw(st.sampled_from(PEOPLE)),
                    "to": draw(st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1)),
                    "channel": "text",
                }
            ]
        else:
            act = dict(draw(st.sampled_from(ACTS))) | {"id": f"consent-act-{n}"}
            signers = draw(st.lists(st.sampled_from(DIRECTORS), unique=True, max_size=5))
            new = [{"at": at, "kind": "consent-circulated", "consent": f"c{n}", "acts": [act]}]
            new += [
                {"at": at, "kind": "consent-signed", "consent": f"c{n}", "by": s} for s in signers
            ]
            if draw(st.booleans()):
                new.append({"at": at, "kind": "consent-adopted", "consent": f"c{n}"})
        events[i:i] = new
    return events


def fold_contents(t: Timeline) -> dict[str, Any]:
    assert t.fold is not None
    contents = copy.deepcopy(vars(t.fold))
    contents.pop("_owned")  # which containers a fork copied: bookkeeping, not contents
    contents.pop("_messages_frozen")  # a cache of ``messages``
    return contents


def cut(case: Case, k: int) -> Case:
    return dataclasses.replace(case, entries=case.entries[:k])


def assert_extend_is_replay(case: Case, k: int) -> bool:
    """Replay the first ``k`` entries, extend with the rest: True when the shortcut applied (and
    agreed with the full replay in everything), False when it declined."""
    short = replay(cut(case, k))
    before = fold_contents(short)
    verdicts, snapshots, diagnostics = short.verdicts, short.snapshots, short.diagnostics
    got = short.extend(case, case.entries[k:])
    assert fold_contents(short) == before  # the timeline asked is untouched
    assert (short.verdicts, short.snapshots, short.diagnostics) == (
        verdicts,
        snapshots,
        diagnostics,
    )
    if got is None:
        return False
    full = replay(case)
    assert got.verdicts == full.verdicts
    assert got.snapshots == full.snapshots
    assert got.diagnostics == full.diagnostics
    assert (got.profile, got.initial) == (full.profile, full.initial)
    assert fold_contents(got) == fold_contents(full)
    return True


def load(tmp: Path, events: list[dict[str, Any]], profile: str) -> Case:
    timeline(tmp, [events], profile)
    case, _ = load_case(tmp)
    assert case is not None
    return case


@settings(max_examples=60, deadline=None)
@given(events=richer_journals(), profile=st.sampled_from(PROFILES), data=st.data())
def test_extend_gives_the_full_replay_on_random_journals(
    events: list[dict[str, Any]], profile: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = load(Path(tmp), events, profile)
    k = data.draw(st.integers(0, len(case.entries)))
    assert_extend_is_replay(case, k)


def test_random_journals_exercise_the_extension() -> None:
    # A property that only ever saw the fallback would prove nothing about the shortcut.
    applied: list[bool] = []

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(events=richer_journals())
    def collect(events: list[dict[str, Any]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            case = load(Path(tmp), events, "delaware-stock")
        for k in range(len(case.entries)):
            applied.append(assert_extend_is_replay(case, k))

    collect()
    assert applied.count(True) > 20
    assert False in applied  # a resignation effective later, or ties at one minute


def test_extend_gives_the_full_replay_on_the_bundled_case() -> None:
    case, diagnostics = load_case(BUNDLED)
    assert case is not None, diagnostics
    outcomes = [assert_extend_is_replay(case, k) for k in range(len(case.entries))]
    assert outcomes.count(True) >= len(outcomes) // 2


def test_extend_gives_the_full_replay_on_every_casebook_case() -> None:
    """The casebook's journals hold what the random ones lack: acquiescences and challenges
    (which judge an earlier act's verdict again), holders' acts, structural events."""
    root = BUNDLED.parent / "casebook"
    for case_dir in sorted(p for p in root.iterdir() if (p / "casebook.yaml").is_file()):
        case, diagnostics = load_case(case_dir)
        assert case is not None, diagnostics
        for k in range(len(case.entries)):
            assert_extend_is_replay(case, k)


def test_extend_declines_what_it_cannot_answer(tmp_path: Path) -> None:
    t = scenario(
        tmp_path,
        """
  - {at: 2023-05-01T09:00, kind: meeting-opened, meeting: m, type: regular,
     present: [ann, bob, cat]}
  - {at: 2023-05-01T09:10, kind: resignation, id: r, person: ann, positions: [director],
     effective: 2023-06-01T00:00}
  - {at: 2023-05-01T09:20, kind: meeting-closed, meeting: m}
""",
    )
    case, _ = load_case(tmp_path)
    assert case is not None
    entries = case.entries
    assert t.extend(case, ()) is None  # nothing to add
    assert replay(cut(case, 0)).extend(case, entries) is None  # no time yet: replayed
    two = replay(cut(case, 2))  # the resignation takes effect after the end: scheduled
    assert two.extend(case, entries[2:]) is None
    one = replay(cut(case, 1))
    assert one.extend(case, entries[1:]) is not None
    backwards = (entries[2], entries[1])
    assert one.extend(dataclasses.replace(case, entries=(entries[0], *backwards)), backwards) is (
        None
    )
    same = dataclasses.replace(entries[1], at=entries[0].at - dt.timedelta(minutes=1))
    assert one.extend(dataclasses.replace(case, entries=(entries[0], same)), (same,)) is None
