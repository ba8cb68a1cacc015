"""Structural events (issue 13): each changes the state from its date, is judged by the act it
cites, and bad references are located errors; and on the bundled case, the structure at a date,
control against economics across the recapitalization, and values era by era."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli import app
from charter.model.kinds import Status, View
from govkit import load, rendered, scenario, verdict

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "openai-2023"
runner = CliRunner()

SUB = """
- id: make-sub
  at: 2024-01-01
  kind: entity-created
  entity: {id: sub, name: Sub LLC, kind: llc}
"""


def test_an_entity_is_created_converted_renamed_and_controlled_from_its_date(
    tmp_path: Path,
) -> None:
    timeline = scenario(
        tmp_path,
        SUB
        + """
- id: convert
  at: 2024-06-01
  kind: entity-converted
  entity: sub
  to: pbc
  name: Sub PBC
- id: rename
  at: 2024-07-01
  kind: entity-renamed
  entity: org
  name: Org Foundation
- id: control
  at: 2024-07-01
  kind: control-changed
  controller: org
  controlled: sub
  how: appoints its directors
""",
    )
    before = timeline.state_at(_at("2024-05-31"), View.DE_JURE).structure
    after = timeline.state_at(_at("2024-12-31"), View.DE_JURE).structure
    assert before.entity("sub").kind == "llc"  # type: ignore[union-attr]
    sub = after.entity("sub")
    assert sub is not None
    assert (sub.kind, sub.name) == ("pbc", "Sub PBC")
    assert sub.formerly == ("Sub LLC (llc, until 2024-06-01)",)
    assert after.entity("org").name == "Org Foundation"  # type: ignore[union-attr]
    assert ("org", "sub", "appoints its directors") in after.controls
    assert timeline.state_at(_at("2023-12-31"), View.DE_JURE).structure.entity("sub") is None


def _at(day: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromisoformat(day + "T23:59:59+00:00")


def test_a_change_stands_or_falls_with_the_act_it_cites(tmp_path: Path) -> None:
    """Cited valid: valid and in force; cited void: void, and not in force de jure (but
    carried out, so de facto); nothing cited: conditional on the act the record lacks."""
    timeline = scenario(
        tmp_path,
        SUB
        + """
- id: approve-good
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: approve-transaction
  description: the conversion
  votes: {ann: for, bob: for, cat: for, dan: for, eve: for}
- id: approve-bad
  at: 2024-02-01
  kind: motion
  form: written-consent
  act: approve-transaction
  description: the rename
  votes: {ann: for, bob: for}
- id: convert
  at: 2024-03-01
  kind: entity-converted
  entity: sub
  to: corporation
  by: approve-good
- id: rename
  at: 2024-03-01
  kind: entity-renamed
  entity: sub
  name: Renamed
  by: approve-bad
""",
    )
    assert verdict(timeline, "approve-bad").status is Status.VOID
    assert verdict(timeline, "convert").status is Status.VALID
    assert verdict(timeline, "rename").status is Status.VOID
    assert verdict(timeline, "make-sub").status is Status.CONDITIONAL
    assert "the act that authorised it" in verdict(timeline, "make-sub").missing_facts
    jure = timeline.state_at(_at("2024-12-31"), View.DE_JURE).structure.entity("sub")
    facto = timeline.state_at(_at("2024-12-31"), View.DE_FACTO).structure.entity("sub")
    assert jure is not None
    assert facto is not None
    assert (jure.kind, jure.name) == ("corporation", "Sub LLC")
    assert facto.name == "Renamed"


def test_rights_observers_committees_and_other_boards(tmp_path: Path) -> None:
    timeline = scenario(
        tmp_path,
        SUB
        + """
- {at: 2024-02-01, kind: right-granted, holder: org, right: appoint-directors, over: sub,
   exclusive: true, via: Class N}
- {at: 2024-02-01, kind: observer-seat, person: eve, board: sub, for: org}
- {at: 2024-02-01, kind: board-seated, entity: sub, directors: [ann, bob], chair: ann}
- {at: 2024-02-01, kind: committee-formed, committee: safety, name: Safety, board: org,
   members: [bob, cat], powers: [delay a release]}
- {at: 2024-03-01, kind: committee-changed, committee: safety, members: [cat], chair: cat,
   independent: true}
- {at: 2024-04-01, kind: observer-seat, person: eve, board: sub, action: given-up}
""",
    )
    mid = timeline.state_at(_at("2024-03-15"), View.DE_JURE).structure
    assert mid.appointer_of("sub") is not None
    assert mid.appointer_of("sub").holder == "org"
    assert mid.observers == (("eve", "sub", "org"),)
    (board,) = mid.boards
    assert (board.entity, board.directors, board.chair) == ("sub", ("ann", "bob"), "ann")
    (committee,) = mid.committees
    assert (committee.members, committee.chair, committee.independent) == (("cat",), "cat", True)
    assert committee.powers == ("delay a release",)
    assert timeline.state_at(_at("2024-12-31"), View.DE_JURE).structure.observers == ()


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            "- {at: 2024-01-01, kind: right-granted, holder: ghost, right: appoint-directors,"
            " over: org}",
            "journal.yaml:2:51: error: unknown entity or person 'ghost'",
        ),
        (
            SUB + "- {at: 2024-02-01, kind: entity-converted, entity: sub, to: pbc}\n"
            "- {at: 2024-03-01, kind: entity-converted, entity: sub, to: pbc}",
            "error: entity 'sub' is already a pbc (converted at",
        ),
        (
            "- {at: 2024-01-01, kind: interests-issued, entity: org, warrants: [{holder: org}]}",
            "vests_when",
        ),
        (
            "- {at: 2023-01-01, kind: control-changed, controller: org, controlled: sub}\n" + SUB,
            "unknown entity 'sub'",
        ),
        (SUB + SUB.replace("make-sub", "again"), "entity 'sub' already exists"),
        (
            "- {at: 2024-01-01, kind: committee-changed, committee: audit, members: [ann]}",
            "unknown committee 'audit'",
        ),
        (
            "- {at: 2024-01-01, kind: entity-renamed, entity: org, name: X, by: nothing}",
            "unknown act 'nothing'",
        ),
        (
            "- {at: 2024-01-01, kind: interests-issued, entity: org, waterfall: nowhere.yaml}",
            "no waterfall file 'nowhere.yaml'",
        ),
        (
            "- {at: 2024-01-01, kind: interests-issued, entity: org, waterfall: ../../etc/passwd}",
            "lies outside the case directory",
        ),
        (
            "- {at: 2024-01-01, kind: agreement-amended, agreement: licence}",
            "unknown agreement 'licence'",
        ),
        (
            "- {id: x, at: 2024-01-01, kind: motion, form: written-consent, act: restructure,"
            " votes: unknown}",
            "'restructure' is not an act a board votes on",
        ),
        (
            "- {at: 2024-01-01, kind: observer-seat, person: zed, board: org}",
            "unknown person 'zed'",
        ),
    ],
    ids=[
        "right-held-by-nobody",
        "converted-twice",
        "warrant-without-condition",
        "controlled-before-it-exists",
        "created-twice",
        "committee-never-formed",
        "authority-not-in-journal",
        "era-waterfall-missing",
        "era-waterfall-outside",
        "agreement-not-in-charter",
        "restructure-as-motion",
        "observer-not-a-person",
    ],
)
def test_bad_structural_events_are_located_errors(
    tmp_path: Path, events: str, message: str
) -> None:
    case, diagnostics = load(tmp_path, events)
    assert case is None
    found = "\n".join(rendered(diagnostics, tmp_path))
    assert message in found, found
    assert "journal.yaml:" in found


# -- the bundled case -------------------------------------------------------------------------


def test_the_case_replays_from_2019_to_2026_with_every_act_judged() -> None:
    result = runner.invoke(app, ["replay", str(CASE), "--json"])
    assert result.exit_code in (0, 1), result.output
    verdicts = json.loads(result.output)["acts"]
    kinds = {v["kind"] for v in verdicts}
    assert "restructure" in kinds
    assert max(v["at"] for v in verdicts) >= "2026-04-27"
    assert all(v["status"] for v in verdicts)


def test_the_state_in_2026_shows_both_boards_the_right_the_committee_and_the_equity() -> None:
    result = runner.invoke(app, ["state", str(CASE), "--at", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)
    s = state["structure"]
    assert s["entities"]["openai-global"]["kind"] == "pbc"
    assert s["entities"]["openai-global"]["name"] == "OpenAI Group PBC"
    assert s["entities"]["openai-inc"]["name"] == "OpenAI Foundation"
    (appoint,) = [r for r in s["rights"] if r["right"] == "appoint-directors"]
    assert (appoint["holder"], appoint["over"], appoint["exclusive"]) == (
        "openai-inc",
        "openai-global",
        True,
    )
    assert s["committees"]["ssc"]["chair"] == "kolter"
    assert s["committees"]["ssc"]["independent"] is True
    assert "kolter" not in s["boards"]["openai-global"]["directors"]
    assert {"person": "kolter", "board": "openai-global", "for": "openai-inc"} in s["observers"]
    assert "summers" not in state["directors"]
    assert {"kolter", "nakasone", "ogunlesi"} <= set(state["directors"])
    economics = s["economics"]["openai-global"]
    assert economics["waterfall"] == "waterfall-2025.yaml"
    assert economics["warrants"][0]["vests_when"] == {"multiple": 10, "within_years": 15}
    assert economics["warrants"][0]["fraction"] == "unknown"
    terms = state["agreements"]["microsoft-ip-licence"]["terms"]
    assert "independent expert panel" in terms["AGI verified by"]
    early = json.loads(
        runner.invoke(app, ["state", str(CASE), "--at", "2024-03-01", "--json"]).output
    )
    assert early["structure"]["entities"]["openai-global"]["kind"] == "llc"
    assert early["structure"]["economics"]["openai-global"]["waterfall"] == "waterfall.yaml"
    assert early["structure"]["observers"] == [
        {"person": "templeton", "board": "openai-inc", "for": "microsoft"}
    ]


def test_report_over_the_recapitalization() -> None:
    """Microsoft: no vote and 75% of the first dollar in 2023, about 27% of the equity and
    still no vote after; the Foundation's votes stay whole."""
    args = ["report", str(CASE), "--over", "2023-01-01..2026-06-30", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    eras = json.loads(result.output)["eras"]
    assert [e["from"][:10] for e in eras] == ["2023-01-01", "2025-10-28"]
    first = {p["party"]: p for p in eras[0]["parties"]}
    last = {p["party"]: p for p in eras[1]["parties"]}
    assert first["microsoft"]["votes"] == 0
    assert first["microsoft"]["first_dollar"] == 0.75
    assert last["microsoft"]["votes"] == 0
    assert last["microsoft"]["first_dollar"] == 0.27
    assert first["nonprofit"]["votes"] == 1
    assert last["nonprofit"]["votes"] == 1
    assert last["nonprofit"]["first_dollar"] == 0.26
    assert "appoints every director of OpenAI Group PBC" in last["nonprofit"]["why"]
    assert sum(p["votes"] for p in last.values()) == 1


def test_report_over_bad_ranges_are_usage_errors() -> None:
    for over in ("2023-01-01", "2026-01-01..2023-01-01", "..2024-01-01"):
        result = runner.invoke(app, ["report", str(CASE), "--over", over])
        assert result.exit_code == 2, (over, result.output)


def test_values_era_by_era_under_the_same_inputs() -> None:
    args = ["value", str(CASE), "--value", "500B", "--vol", "0.6", "--json"]
    result = runner.invoke(app, [*args, "--compare", "2023-06-01,2026-01-01"])
    assert result.exit_code == 0, result.output
    eras = json.loads(result.output)["eras"]
    assert [e["waterfall"] for e in eras] == ["waterfall.yaml", "waterfall-2025.yaml"]
    for era in eras:
        assert math.isclose(sum(era["values"].values()), 500e9, rel_tol=1e-9)
    assert math.isclose(eras[1]["values"]["microsoft"], 0.27 * 500e9, rel_tol=1e-12)
    assert eras[0]["values"]["nonprofit"] > eras[1]["values"]["nonprofit"]
    at = runner.invoke(app, [*args, "--at", "2026-01-01"])
    assert json.loads(at.output)["parties"][0]["share"] in (0.27, 0.47, 0.26)
    bad = runner.invoke(app, [*args, "--compare", "2024-01-01"])
    assert bad.exit_code == 2
    assert "two dates or more" in bad.output


def test_power_through_the_structure_who_can_remove_the_ceo() -> None:
    """2026: the PBC's own board, and the Foundation's board through its right to replace
    every PBC director; 2023: the nonprofit's board, down the chain of control."""
    args = ["power", str(CASE), "--entity", "openai-global", "--act", "remove-officer", "--json"]
    late = json.loads(runner.invoke(app, [*args, "--at", "2026-01-01"]).output)
    bodies = [(r["body"], r["replaces_directors"]) for r in late["routes"]]
    assert bodies == [("openai-global", False), ("openai-inc", True)]
    pbc, foundation = late["routes"]
    assert "kolter" not in pbc["directors"]
    # the reported 2025 bylaws: two-thirds of the directors holding no office (Altman is CEO)
    assert pbc["profile_assumed"] is False
    assert pbc["profile"] == "pbc-2025-reported.yaml"
    assert pbc["smallest_coalition"] == 4
    assert not any("altman" in c for c in pbc["minimal_winning_coalitions"])
    assert "kolter" in foundation["directors"]
    assert foundation["board_can_act"] is True
    assert "may remove the directors of OpenAI Group PBC" in foundation["path"][0]
    early = json.loads(runner.invoke(app, [*args, "--at", "2023-11-16"]).output)
    (route,) = early["routes"]
    assert route["body"] == "openai-inc"
    assert route["replaces_directors"] is False
    assert len(route["path"]) == 2  # the nonprofit controls the GP, which manages the LLC
    assert route["smallest_coalition"] == 4
    text = runner.invoke(app, [*args[:-1], "--at", "2026-01-01"]).output
    assert "OpenAI Foundation may remove the directors of OpenAI Group PBC" in " ".join(
        text.split()
    )


def test_power_through_the_structure_refuses_what_it_cannot_answer() -> None:
    base = ["power", str(CASE), "--act", "remove-officer", "--at", "2026-01-01"]
    nobody = runner.invoke(app, [*base, "--entity", "openai-globl"])
    assert nobody.exit_code == 2
    assert "did you mean 'openai-global'" in nobody.output
    no_act = runner.invoke(app, ["power", str(CASE), "--entity", "openai-global", "--at", "2026"])
    assert no_act.exit_code == 2


def test_a_change_after_an_advance_notice_right_needs_the_notice(tmp_path: Path) -> None:
    """Notice is owed for changes after the right, not for the one that granted it; an event
    that says whom it notified passes; one that does not is conditional on the fact."""
    timeline = scenario(
        tmp_path,
        SUB
        + """
- {id: ag-right, at: 2024-02-01, kind: right-granted, holder: org, right: advance-notice,
   over: sub}
- {id: same-day, at: 2024-02-01, kind: entity-renamed, entity: sub, name: A}
- {id: told, at: 2024-03-01, kind: entity-renamed, entity: sub, name: B, notified: [org]}
- {id: not-told, at: 2024-04-01, kind: entity-renamed, entity: sub, name: C}
""",
    )

    def notice(act: str) -> list[object]:
        return [
            c.passed for c in verdict(timeline, act).checks if c.rule == "structure.advance-notice"
        ]

    assert notice("same-day") == []
    assert notice("told") == [True]
    assert notice("not-told") == [None]
    assert any("told of it in advance" in m for m in verdict(timeline, "not-told").missing_facts)
