"""What an act would be worth, before it is taken: under the bylaws in force and under every
profile the organisation could be judged by.

Why a probe: calling a meeting, noticing it and opening it are not acts of the board, but they
decide what every act at that meeting is worth.  So the preview appends what the form would
record, then *one act at the meeting* (the motion being proposed or closed, or else an ordinary
act every director present votes for) and replays the case under each profile; the probe's
verdict, with the checks that failed, is what the director sees ("valid here, void under
delaware-nonstock: notice.all-directors ..."): the November 2023 removal, previewed, would have
said so before the call.

Nothing is recorded: the events are judged on a copy of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from charter.load.case import sort_entries
from charter.load.profiles import load_profile, shipped_profiles
from charter.model.bylaws import Bylaws
from charter.model.case import Case, Entry
from charter.model.journal import ActSpec, Event, MeetingOpened, Motion
from charter.model.kinds import ActKind, Status, Vote
from charter.model.source import Source
from charter.replay import replay
from charter.replay.engine import Verdict

MEETING_RULES = ("notice", "meeting", "quorum")
"""The families of checks a meeting's call, notice and opening decide."""
EARLY_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Judged:
    profile: str
    in_force: bool
    status: Status
    problems: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "in_force": self.in_force,
            "status": self.status.value,
            "problems": list(self.problems),
        }


def ordinary_act(meeting: str, at: dt.datetime, present: Sequence[str]) -> Motion:
    """An act every director present votes for: what is left of its verdict is the meeting's."""
    return Motion(
        kind="motion",
        id="preview-probe",
        at=at,
        form="meeting",
        meeting=meeting,
        act=ActKind.APPROVE_TRANSACTION,
        description="an ordinary act at this meeting",
        votes=dict.fromkeys(present, Vote.FOR),
    )


def proposed_act(spec: ActSpec, meeting: str, at: dt.datetime, present: Sequence[str]) -> Motion:
    """The act being proposed, as if every director present voted for it."""
    return Motion(
        kind="motion",
        at=at,
        form="meeting",
        meeting=meeting,
        votes=dict.fromkeys(present, Vote.FOR),
        **spec.model_dump(exclude={"id"}),
        id=spec.id or "preview-probe",
    )


def opened_for_probe(meeting: str, at: dt.datetime, present: Sequence[str], **kw: Any) -> Event:
    """The meeting opened at its time with ``present``, for a probe on a meeting not yet open."""
    return MeetingOpened(
        kind="meeting-opened", at=at, meeting=meeting, present=tuple(present), **kw
    )


def _profiles(case: Case) -> dict[str, Bylaws | None]:
    """The profile in force (None: the case's own) and every other one it could be judged by."""
    out: dict[str, Bylaws | None] = {}
    for name in sorted(set(shipped_profiles()) | set(case.profiles)):
        profile = case.profiles.get(name)
        if profile is None:
            profile, _ = load_profile(name)
        if profile is not None:
            out[name] = profile
    return out


def _problems(verdict: Verdict, families: Sequence[str] | None) -> tuple[dict[str, Any], ...]:
    found = []
    for check in verdict.checks:
        if check.passed is not False:
            continue
        if families is not None and check.rule.split(".")[0] not in families:
            continue
        found.append(
            {
                "rule": check.rule,
                "severity": check.severity.value,
                "detail": check.detail,
                "citation": check.citation,
            }
        )
    return tuple(found)


_ORDER = (
    Status.VALID,
    Status.VALID_WITH_WARNINGS,
    Status.CONDITIONAL,
    Status.VOIDABLE,
    Status.FAILED,
    Status.VOID,
)


def worst(a: Status, b: Status) -> Status:
    return max(a, b, key=_ORDER.index)


def _status(problems: Sequence[dict[str, Any]]) -> Status:
    severities = {p["severity"] for p in problems}
    for severity, status in (
        ("void", Status.VOID),
        ("failed", Status.FAILED),
        ("voidable", Status.VOIDABLE),
        ("warning", Status.VALID_WITH_WARNINGS),
    ):
        if severity in severities:
            return status
    return Status.VALID


def judge_everywhere(
    case: Case,
    size: int,
    events: Sequence[tuple[Event, dt.datetime]],
    probe: Motion,
    *,
    in_force: str,
    families: Sequence[str] | None = MEETING_RULES,
    every_profile: bool = True,
) -> list[Judged]:
    """``probe``'s verdict with ``events`` (and it) appended to ``case``, under the profile in
    force and (``every_profile``) under every other; ``families`` keeps the checks of a
    meeting's call, notice and quorum (None: every check, for a proposed act)."""
    origin = f"preview:{size}"
    items = [*events, (probe, probe.at)]
    entries = [
        Entry(
            event=event,
            at=at,
            source=Source(path=origin, line=size + 1 + i),
            file_index=0,
            position=size + 1 + i,
        )
        for i, (event, at) in enumerate(items)
    ]
    probe_line = size + len(items)
    trial = replace(case, entries=sort_entries([*case.entries, *entries]))
    out = []
    choices: dict[str, Bylaws | None] = {in_force: None}
    if every_profile:
        choices |= {k: v for k, v in _profiles(case).items() if k != in_force}
    for name, profile in choices.items():
        timeline = replay(trial, bylaws=profile) if profile is not None else replay(trial)
        verdict = next(
            (
                v
                for v in timeline.verdicts
                if v.source.path == origin and v.source.line == probe_line
            ),
            None,
        )
        if verdict is None:
            continue
        problems = _problems(verdict, families)
        status = _status(problems) if families is not None else verdict.status
        out.append(
            Judged(profile=name, in_force=name == in_force, status=status, problems=problems)
        )
    return out
