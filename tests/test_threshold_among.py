"""A threshold over a part of the board (issue 13): "two thirds of the non-employee directors",
read as the directors who hold no office.  The base counts only them, an officer-director's
vote does not count, and who holds an office is read at the act's time."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.model.kinds import Status
from govkit import scenario, verdict

PROFILE = """profile: among-test
extends: delaware-stock
officer_removal:
  by: [board]
  threshold: {fraction: 2/3, base: in-office, among: non-officers,
              citation: "test: two-thirds of the non-employee directors"}
  subject_may_vote: true
  citation: test
"""


def _remove_cfo(root: Path, votes: str, extra: str = ""):  # type: ignore[no-untyped-def]
    """ann (a director) is CEO; gus (not a director) is CFO; bob, cat, dan, eve hold no office."""
    events = (
        extra
        + f"""
- {{at: 2024-03-01T10:00:00, kind: meeting-opened, meeting: m1, type: regular,
   present: [ann, bob, cat, dan, eve], notices: complete}}
- id: remove-cfo
  at: 2024-03-01T10:30:00
  kind: motion
  meeting: m1
  act: remove-officer
  subject: {{person: gus, office: cfo}}
  votes: {votes}
- {{at: 2024-03-01T11:00:00, kind: meeting-closed, meeting: m1}}
"""
    )
    return scenario(
        root,
        events,
        profile="profile.yaml",
        offices=(("ceo", "ann"), ("cfo", "gus")),
        files={"profile.yaml": PROFILE},
    )


@pytest.mark.parametrize(
    ("votes", "status"),
    [
        ("{ann: for, bob: for, cat: for, dan: for, eve: for}", Status.VALID),
        # three of the four non-officers: 3/4 >= 2/3, whatever the CEO does
        ("{ann: against, bob: for, cat: for, dan: for, eve: against}", Status.VALID),
        # the CEO's vote is not counted: two of four non-officers fall short
        ("{ann: for, bob: for, cat: for, dan: against, eve: against}", Status.FAILED),
    ],
)
def test_only_directors_holding_no_office_count(tmp_path: Path, votes: str, status: Status) -> None:
    v = verdict(_remove_cfo(tmp_path, votes), "remove-cfo")
    threshold = next(c for c in v.checks if c.rule == "threshold.remove-officer")
    assert "directors holding no office" in threshold.detail
    assert "of 4" in threshold.detail
    assert (threshold.passed is True) == (status is Status.VALID)
    assert v.status is status


def test_who_holds_an_office_is_read_at_the_acts_time(tmp_path: Path) -> None:
    """bob becomes CFO's deputy... an officer (treasurer) before the vote: he no longer counts,
    and the base is three."""
    appoint = """
- {id: bob-treasurer, at: 2024-02-01, kind: motion, form: written-consent, act: appoint-officer,
   subject: {person: bob, office: treasurer},
   votes: {ann: for, bob: for, cat: for, dan: for, eve: for}}
"""
    v = verdict(
        _remove_cfo(tmp_path, "{ann: for, bob: for, cat: for, dan: for, eve: against}", appoint),
        "remove-cfo",
    )
    threshold = next(c for c in v.checks if c.rule == "threshold.remove-officer")
    assert "of 3" in threshold.detail
    assert threshold.passed is True  # cat and dan: 2 of 3
