"""The second bundled case, examples/anthropic-ltbt: a Delaware PBC whose Class T stock, held by
a purpose trust, elects a growing share of the board.  It checks and replays; the Trust's seats
phase in; its elections are its own acts; the board filling a Trust seat (a what-if) is void
under DGCL §223(a)(2); and the power to remove directors answers through the Trust's trustees."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charter.cli import app

CASE = Path(__file__).resolve().parent.parent / "examples" / "anthropic-ltbt"
runner = CliRunner()


def _acts(*extra: str) -> dict[str, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["replay", str(CASE), "--json", *extra])
    assert result.exit_code in (0, 1), result.output
    return {a["id"]: a for a in json.loads(result.output)["acts"]}


def test_the_case_checks() -> None:
    result = runner.invoke(app, ["check", str(CASE)])
    assert result.exit_code == 0, result.output


def test_the_trusts_elections_are_its_own_acts_and_follow_the_phase_in() -> None:
    acts = _acts()
    assert acts["kreps-elected"]["status"] == "valid"
    assert acts["kreps-elected"]["form"] == "holders"
    # all five seats are filled in the record (Muehlhauser's departure has no date)
    hastings = acts["hastings-elected"]
    assert hastings["status"] == "conditional"
    assert any("which director left" in m for m in hastings["missing_facts"])
    state = json.loads(
        runner.invoke(app, ["state", str(CASE), "--at", "2024-12-01", "--json"]).output
    )
    assert "kreps" in state["directors"]
    trustees = state["structure"]["boards"]["ltbt"]["directors"]
    assert set(trustees) == {"matheny", "bahl", "shah", "christiano", "robinson"}
    rights = {(r["holder"], r["right"]) for r in state["structure"]["rights"]}
    assert ("ltbt", "remove-directors") in rights


def test_the_board_filling_a_trust_seat_is_void() -> None:
    what_if = CASE / "what-if-board-fills-trust-seat.yaml"
    act = _acts("--with", str(what_if))["board-fills-trust-seat"]
    assert act["status"] == "void"
    failed = {c["rule"] for c in act["checks"] if c["passed"] is False}
    assert "seats.elected-by" in failed


def test_who_can_remove_a_director_answers_through_the_trust() -> None:
    args = ["power", str(CASE), "--entity", "anthropic", "--act", "remove-director"]
    result = runner.invoke(app, [*args, "--at", "2025-06-01", "--json"])
    assert result.exit_code == 0, result.output
    routes = json.loads(result.output)["routes"]
    own, trust = routes
    assert own["body"] == "anthropic"
    assert own["board_can_act"] is False  # a stock corporation's board removes no director
    assert trust["body"] == "ltbt"
    assert trust["replaces_directors"] is True
    assert trust["smallest_coalition"] == 3
