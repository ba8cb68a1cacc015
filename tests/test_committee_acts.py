"""Acts of a committee (issue 13): judged by the same rules with the committee's members as
the body that votes, only under a power the board delegated to it, never on what DGCL
§141(c)(2) keeps for the board; what it does takes effect on the board's state."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.model.kinds import Status, View
from govkit import load, rendered, scenario, verdict

SAFETY = """
- {id: safety-formed, at: 2024-01-01, kind: committee-formed, committee: safety, name: Safety,
   board: org, members: [bob, cat], powers: [delay a model release, remove officers]}
"""


def _act(root: Path, act: str) -> object:
    return verdict(scenario(root, SAFETY + act), "c-act")


def test_a_committee_acts_under_a_delegated_power(tmp_path: Path) -> None:
    v = _act(
        tmp_path,
        """
- {id: c-act, at: 2024-02-01, kind: motion, form: written-consent, body: safety,
   under: delay a model release, act: approve-transaction, description: delay the release,
   votes: {bob: for, cat: for}}
""",
    )
    assert v.status is Status.VALID  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("extra", "status", "rule"),
    [
        ("", Status.CONDITIONAL, "committee.delegation"),
        ("under: fire the CEO,", Status.VOID, "committee.delegation"),
    ],
)
def test_without_a_delegated_power_it_is_conditional_or_void(
    tmp_path: Path, extra: str, status: Status, rule: str
) -> None:
    v = _act(
        tmp_path,
        f"""
- {{id: c-act, at: 2024-02-01, kind: motion, form: written-consent, body: safety, {extra}
   act: approve-transaction, votes: {{bob: for, cat: for}}}}
""",
    )
    assert v.status is status  # type: ignore[attr-defined]
    assert rule in {c.rule for c in v.checks if c.passed is not True}  # type: ignore[attr-defined]


def test_no_committee_may_amend_the_bylaws(tmp_path: Path) -> None:
    v = _act(
        tmp_path,
        """
- {id: c-act, at: 2024-02-01, kind: motion, form: written-consent, body: safety,
   under: delay a model release, act: amend-bylaws, amendment: {set: {quorum.floor: 2}},
   votes: {bob: for, cat: for}}
""",
    )
    assert v.status is Status.VOID  # type: ignore[attr-defined]
    assert "committee.authority" in {c.rule for c in v.checks if c.passed is False}  # type: ignore[attr-defined]


def test_only_members_vote_and_what_it_does_binds_the_board(tmp_path: Path) -> None:
    """A unanimous written consent of the committee's members removes the CFO; the chair's
    'vote' is not a member's and is disregarded, and the removal is in the board's state."""
    timeline = scenario(
        tmp_path,
        SAFETY
        + """
- {id: c-act, at: 2024-02-01, kind: motion, form: written-consent, body: safety,
   under: remove officers, act: remove-officer, subject: {person: gus, office: cfo},
   votes: {bob: for, cat: for, ann: for}}
""",
    )
    v = verdict(timeline, "c-act")
    assert v.status is Status.VALID_WITH_WARNINGS  # the chair's vote is disregarded, said so
    assert any("not a member of Safety" in c.detail for c in v.checks)
    import datetime as dt

    state = timeline.state_at(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), View.DE_JURE)
    assert state.holder("cfo") is None
    assert {"ann", "bob", "cat", "dan", "eve"} <= state.directors  # the board is untouched


def test_a_motion_of_a_committee_never_formed_is_a_located_error(tmp_path: Path) -> None:
    case, diagnostics = load(
        tmp_path,
        "- {id: x, at: 2024-02-01, kind: motion, form: written-consent, body: audit,"
        " act: approve-transaction, votes: unknown}",
    )
    assert case is None
    found = "\n".join(rendered(diagnostics, tmp_path))
    assert "unknown committee 'audit'" in found
    assert "journal.yaml:2:" in found


FUND = """
- {id: fund-approves, at: 2024-01-01, kind: right-granted, holder: fay, right: approve,
   over: org, acts: [approve-transaction], matters: transactions over $10M}
"""


@pytest.mark.parametrize(
    ("consent", "act", "status"),
    [
        ("", "approve-transaction", Status.CONDITIONAL),
        ("consented_by: [fay],", "approve-transaction", Status.VALID),
        ("", "change-board-size, seats: 6", Status.VALID),  # not an act the right covers
    ],
)
def test_an_act_an_approve_right_covers_needs_the_holders_consent(
    tmp_path: Path, consent: str, act: str, status: Status
) -> None:
    timeline = scenario(
        tmp_path,
        FUND
        + f"""
- {{id: deal, at: 2024-02-01, kind: motion, form: written-consent, act: {act}, {consent}
   votes: {{ann: for, bob: for, cat: for, dan: for, eve: for}}}}
""",
    )
    v = verdict(timeline, "deal")
    assert v.status is status
    if status is Status.CONDITIONAL:
        assert any("fay's consent" in m for m in v.missing_facts)


@pytest.mark.parametrize(("to", "passed"), [("[ann, bob, cat, dan, eve, hal]", True),
                                              ("[ann, bob, cat, dan, eve]", False)])  # fmt: skip
def test_an_observer_is_owed_notice_of_a_special_meeting(
    tmp_path: Path, to: str, passed: bool
) -> None:
    """hal observes the board: a special meeting's acts warn when no notice reached him (his
    right is by agreement: the act stands)."""
    timeline = scenario(
        tmp_path,
        f"""
- {{id: hal-observes, at: 2024-01-01, kind: observer-seat, person: hal, board: org}}
- {{at: 2024-02-01T09:00:00, kind: notice, meeting: m1, to: {to}, channel: email, by: ann}}
- {{at: 2024-02-03T10:00:00, kind: meeting-opened, meeting: m1, type: special, called_by: [ann],
   present: [ann, bob, cat, dan, eve], notices: complete}}
- {{id: deal, at: 2024-02-03T10:30:00, kind: motion, meeting: m1, act: approve-transaction,
   votes: {{ann: for, bob: for, cat: for, dan: for, eve: for}}}}
- {{at: 2024-02-03T11:00:00, kind: meeting-closed, meeting: m1}}
""",
    )
    v = verdict(timeline, "deal")
    check = next(c for c in v.checks if c.rule == "notice.observer")
    assert check.passed is passed
    assert v.status is (Status.VALID if passed else Status.VALID_WITH_WARNINGS)
