"""Seats a class of stock or a holder elects (issue 13): the board cannot fill a vacancy in
one (DGCL §223(a)(2): the directors that class elected can, or the class itself); the elector
fills it by its own act; a phase-in changes how many seats it elects.  Edges: a vacancy at
large beside a held one, the class's own directors filling it, unknown votes, no vacancy."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.load.case import load_case
from charter.model.kinds import Status, View
from charter.replay import replay
from govkit import rendered, verdict, write_case

TRUST = """  - {id: trust, name: The Trust, kind: trust}
"""


def _case(root: Path, events: str, *, elected: str = "{trust: 2}", seats: int = 5) -> Path:
    """ann (chair), bob, cat, dan, eve on the board; dan and eve in the trust's seats."""
    write_case(root, events, seats=seats)
    path = root / "charter.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - {id: org, name: Test Org, kind: nonprofit}\n",
                        "  - {id: org, name: Test Org, kind: corporation}\n" + TRUST)  # fmt: skip
    text = text.replace("    - {person: dan}", "    - {person: dan, elected_by: trust}")
    text = text.replace("    - {person: eve}", "    - {person: eve, elected_by: trust}")
    text = text.replace("  chair: ann", f"  chair: ann\n  elected_seats: {elected}")
    path.write_text(text, encoding="utf-8")
    return root


def _timeline(root: Path, events: str, **kw: object):  # type: ignore[no-untyped-def]
    _case(root, events, **kw)  # type: ignore[arg-type]
    case, diagnostics = load_case(root)
    assert case is not None, rendered(diagnostics, root)
    return replay(case)


DAN_LEAVES = """
- {id: dan-leaves, at: 2024-01-01, kind: resignation, person: dan, positions: [director]}
"""


def test_the_board_cannot_fill_a_vacancy_in_a_seat_the_trust_elects(tmp_path: Path) -> None:
    """The board at large votes to fill dan's seat: void under §223(a)(2) (eve, the trust's
    remaining director, did not vote for it)."""
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- id: board-fills
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: fill-vacancy
  subject: {person: fay}
  votes: {ann: for, bob: for, cat: for, eve: against}
""",
    )
    v = verdict(timeline, "board-fills")
    assert v.status is Status.VOID
    failed = {c.rule for c in v.checks if c.passed is False}
    assert "seats.elected-by" in failed
    assert any("§223(a)(2)" in c.citation for c in v.checks)
    assert "fay" not in timeline.state_at(_end(), View.DE_JURE).directors


def test_the_trusts_own_remaining_director_may_fill_it(tmp_path: Path) -> None:
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- id: eve-fills
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: fill-vacancy
  subject: {person: fay, seat: trust}
  votes: {eve: for, ann: for, bob: for, cat: for}
""",
    )
    v = verdict(timeline, "eve-fills")
    assert "seats.elected-by" not in {c.rule for c in v.checks if c.passed is not True}
    state = timeline.state_at(_end(), View.DE_JURE)
    assert "fay" in state.directors
    assert state.elector_of("fay") == "trust"
    assert state.vacancies_of("trust") == 0


def test_unknown_votes_of_the_trusts_directors_make_it_conditional(tmp_path: Path) -> None:
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- id: unknown-fill
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: fill-vacancy
  subject: {person: fay, seat: trust}
  votes: unknown
""",
    )
    v = verdict(timeline, "unknown-fill")
    assert v.status is Status.CONDITIONAL
    assert any("eve" in m for m in v.missing_facts)


def test_the_elector_fills_its_seat_by_its_own_act(tmp_path: Path) -> None:
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- {id: trust-elects, at: 2024-02-01, kind: holder-election, elector: trust, person: fay}
- {id: trust-again, at: 2024-03-01, kind: holder-election, elector: trust, person: hal}
""",
    )
    assert verdict(timeline, "trust-elects").status is Status.VALID
    again = verdict(timeline, "trust-again")
    assert again.status is Status.VOID  # both its seats are filled
    state = timeline.state_at(_end(), View.DE_JURE)
    assert "fay" in state.directors
    assert "hal" not in state.directors


def test_a_vacancy_at_large_is_still_the_boards(tmp_path: Path) -> None:
    """Six seats: one at large is vacant beside the trust's; the board fills the one at
    large (no seat named) by its ordinary vote."""
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- id: board-fills-at-large
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: fill-vacancy
  subject: {person: fay}
  votes: {ann: for, bob: for, cat: for, eve: for}
""",
        seats=6,
    )
    v = verdict(timeline, "board-fills-at-large")
    assert v.status is Status.VALID
    state = timeline.state_at(_end(), View.DE_JURE)
    assert state.elector_of("fay") is None
    assert state.vacancies_of("trust") == 1


def test_a_phase_in_gives_the_trust_more_seats_from_its_date(tmp_path: Path) -> None:
    timeline = _timeline(
        tmp_path,
        """
- {id: more-seats, at: 2024-01-01, kind: seats-allotted, elector: trust, seats: 3}
- {id: board-grows, at: 2024-01-01, kind: motion, form: written-consent, act: change-board-size,
   seats: 6, votes: {ann: for, bob: for, cat: for, dan: for, eve: for}}
- {id: trust-elects, at: 2024-02-01, kind: holder-election, elector: trust, person: fay}
""",
    )
    assert verdict(timeline, "trust-elects").status is Status.VALID
    assert timeline.state_at(_end(), View.DE_JURE).vacancies_of("trust") == 0


@pytest.mark.parametrize(
    ("events", "elected", "message"),
    [
        ("", "{trust: 1}", "trust elects 1 seats but 2 directors sit in them"),
        ("", "{ghost: 2}", "'trust' elects no seat"),
        ("", "{trust: 9}", "elected_seats add up to 9, more than the 5 authorized seats"),
        (
            "- {at: 2024-01-01, kind: holder-election, elector: nobody, person: fay}",
            "{trust: 2}",
            "unknown elector 'nobody'",
        ),
        (
            "- {id: m, at: 2024-01-01, kind: motion, form: written-consent, act: fill-vacancy,"
            " subject: {person: fay, seat: trst}, votes: unknown}",
            "{trust: 2}",
            "did you mean 'trust'",
        ),
    ],
    ids=["more-directors-than-seats", "elector-without-seats", "more-than-authorized",
         "election-by-no-elector", "seat-misspelt"],
)  # fmt: skip
def test_bad_elected_seats_are_located_errors(
    tmp_path: Path, events: str, elected: str, message: str
) -> None:
    _case(tmp_path, events, elected=elected)
    case, diagnostics = load_case(tmp_path)
    assert case is None
    found = "\n".join(rendered(diagnostics, tmp_path))
    assert message in found, found
    assert ".yaml:" in found


def _end():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


WATERFALL = """
waterfall: test equity
parties:
  - {id: investors}
  - {id: founders}
  - {id: trust, entity: trust}
tiers:
  - name: pro rata
    split: {investors: 60, founders: 40}
residual: founders
"""

INTERESTS = """interests:
  - {holder: trust, entity: org, kind: Class T stock, cap: none, voting: true,
     waterfall_party: trust}
  - {holder: gus, entity: org, kind: preferred stock, cap: none, voting: true,
     waterfall_party: investors}
  - {holder: hal, entity: org, kind: common stock, cap: none, voting: true,
     waterfall_party: founders}
waterfall: waterfall.yaml
"""


def test_report_derives_votes_from_the_seats_each_party_elects(tmp_path: Path) -> None:
    """The trust elects 3 of 5 seats: 60% of the votes, though it is owed nothing; the two
    other voting parties share the 2 seats at large (20% each), not a third each."""
    import json

    from typer.testing import CliRunner

    from charter.cli import app

    _case(tmp_path, "", elected="{trust: 3}")
    (tmp_path / "waterfall.yaml").write_text(WATERFALL, encoding="utf-8")
    path = tmp_path / "charter.yaml"
    path.write_text(path.read_text(encoding="utf-8") + INTERESTS, encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    parties = {p["party"]: p for p in json.loads(result.output)["parties"]}
    assert parties["trust"]["votes_exact"] == "3/5"
    assert parties["trust"]["first_dollar"] == 0
    assert parties["investors"]["votes_exact"] == "1/5"
    assert parties["founders"]["votes_exact"] == "1/5"
    assert "elects 3 of the 5 seats" in parties["trust"]["why"]
    assert "seats at large" in parties["investors"]["why"]
    assert sum(p["votes"] for p in parties.values()) == pytest.approx(1)


def test_an_elector_removes_only_the_directors_it_elected(tmp_path: Path) -> None:
    """DGCL §141(k): the trust removes dan (its director); its removing ann (at large) is void
    and leaves her in office."""
    timeline = _timeline(
        tmp_path,
        """
- {id: trust-removes-dan, at: 2024-01-01, kind: holder-removal, elector: trust, person: dan}
- {id: trust-removes-ann, at: 2024-01-02, kind: holder-removal, elector: trust, person: ann}
""",
    )
    assert verdict(timeline, "trust-removes-dan").status is Status.VALID
    void = verdict(timeline, "trust-removes-ann")
    assert void.status is Status.VOID
    assert any("a seat at large" in c.detail for c in void.checks)
    state = timeline.state_at(_end(), View.DE_JURE)
    assert "dan" not in state.directors
    assert "ann" in state.directors
    assert state.vacancies_of("trust") == 1


def test_the_trusts_directors_decide_alone_at_a_meeting(tmp_path: Path) -> None:
    """At a meeting, eve (the trust's remaining director) fills dan's seat against the rest of
    the board: the board's ordinary majority has no say in that seat."""
    timeline = _timeline(
        tmp_path,
        DAN_LEAVES
        + """
- {at: 2024-02-01T10:00:00, kind: meeting-opened, meeting: m1, type: regular,
   present: [ann, bob, cat, eve], notices: complete}
- id: eve-alone
  at: 2024-02-01T10:30:00
  kind: motion
  meeting: m1
  act: fill-vacancy
  subject: {person: fay, seat: trust}
  votes: {eve: for, ann: against, bob: against, cat: against}
- {at: 2024-02-01T11:00:00, kind: meeting-closed, meeting: m1}
""",
    )
    v = verdict(timeline, "eve-alone")
    assert v.status is Status.VALID, [c.detail for c in v.checks if c.passed is not True]
    assert "threshold.fill-vacancy" not in {c.rule for c in v.checks}
