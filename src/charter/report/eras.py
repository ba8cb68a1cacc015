"""Control against economics across the structure's changes (issue 13): the report of
:mod:`charter.report.control` at the start of a range and at each change of the economics or of
who appoints the paying entity's board within it, so that a reader sees Microsoft with no vote
and 75% of the first profits in 2023, then about 27% of the equity and still no director.

Pure: the CLI reads the waterfall files and hands each era its loaded waterfall."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from charter.model.case import Case
from charter.model.kinds import View
from charter.model.state import State
from charter.replay.engine import Timeline
from charter.report.control import ControlReport, LoadedWaterfall, control_vs_economics


@dataclass(frozen=True, slots=True, kw_only=True)
class Era:
    start: dt.datetime
    waterfall: str
    report: ControlReport

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "waterfall": self.waterfall,
            **self.report.to_json(),
        }


def _key(state: State, fallback: str | None) -> tuple[object, ...]:
    era = state.structure.economics_of()
    appointer = state.structure.appointer_of(era.entity) if era is not None else None
    return (
        era.waterfall if era is not None and era.waterfall else fallback,
        era.since if era is not None else None,
        appointer.holder if appointer is not None else None,
    )


def era_starts(
    timeline: Timeline, start: dt.datetime, end: dt.datetime, fallback: str | None
) -> list[tuple[dt.datetime, State]]:
    """The start, and each moment in (start, end] at which the economics or the holder of the
    right to appoint the paying entity's board changed (de jure), with the state then."""
    first = timeline.state_at(start, View.DE_JURE)
    out = [(start, first)]
    last = _key(first, fallback)
    for snap in timeline.snapshots:
        if start < snap.at <= end:
            key = _key(snap.jure, fallback)
            if key != last:
                out.append((snap.at, snap.jure))
                last = key
    return out


def control_over(
    case: Case,
    timeline: Timeline,
    start: dt.datetime,
    end: dt.datetime,
    load: Callable[[str], LoadedWaterfall],
    **options: Any,
) -> list[Era]:
    """Each era's control against economics; ``load(file)`` gives a waterfall file's loaded
    model (relative to the case), so the caller decides how errors are reported."""
    fallback = case.charter.waterfall
    eras = []
    for at, state in era_starts(timeline, start, end, fallback):
        file = state.structure.waterfall(fallback)
        if file is None:
            continue
        report = control_vs_economics(case, state, load(file), **options)
        eras.append(Era(start=at, waterfall=file, report=report))
    return eras
