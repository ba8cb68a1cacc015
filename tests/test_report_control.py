"""`charter report`: control against economics on the bundled case."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from typer.testing import CliRunner

from charter.cli import app
from charter.load.case import load_case
from charter.replay import replay
from charter.report.control import control_vs_economics, load_for_report

CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
runner = CliRunner()


def test_microsoft_has_no_vote_but_three_quarters_of_the_first_profits() -> None:
    case, errors = load_case(CASE)
    assert case is not None, errors
    loaded, problems = load_for_report(CASE / "waterfall.yaml")
    assert loaded is not None, problems
    state = replay(case).initial
    report = control_vs_economics(
        case, state, loaded, amounts=[Fraction(10**10)], margins=[Fraction(10**10)]
    )
    by_id = {p.id: p for p in report.parties}
    assert by_id["microsoft"].votes == 0
    assert by_id["microsoft"].first == Fraction(3, 4)
    assert by_id["microsoft"].money == ((Fraction(10**10), Fraction(3, 4)),)
    assert by_id["nonprofit"].votes == 1
    assert by_id["nonprofit"].first == 0
    assert sum(p.votes for p in report.parties) == 1
    # Conservation: the shares of the money add up to the whole at every amount.
    assert sum(p.money[0][1] for p in report.parties) == 1
    assert report.directors == ("altman", "brockman", "dangelo", "mccauley", "sutskever", "toner")


def test_cli_json_and_chart(tmp_path: Path) -> None:
    chart = tmp_path / "control.svg"
    args = ["report", str(CASE), "--amount", "13B", "--amount", "500B", "--json"]
    result = runner.invoke(app, [*args, "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    microsoft = next(p for p in data["parties"] if p["party"] == "microsoft")
    assert microsoft["votes"] == 0.0
    assert microsoft["first_dollar"] == 0.75
    assert [m["amount"] for m in microsoft["money"]] == ["13000000000", "500000000000"]
    assert microsoft["money"][1]["share_exact"] == "23/125"  # 92B of 500B
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_cli_text_names_who_votes() -> None:
    result = runner.invoke(app, ["report", str(CASE)])
    assert result.exit_code == 0, result.output
    assert "Microsoft: capped profit share (no equity, no vote): no vote" in result.stdout
    assert "through the board of OpenAI, Inc. (6 directors)" in result.stdout


def test_cli_bad_amount_and_param_are_usage_errors() -> None:
    result = runner.invoke(app, ["report", str(CASE), "--amount", "lots"])
    assert result.exit_code == 2
    assert "--amount lots" in result.stderr
    result = runner.invoke(app, ["report", str(CASE), "--param", "fcp_capital"])
    assert result.exit_code == 2
    assert "expected name=value" in result.stderr


def test_cli_unknown_parameter_is_a_usage_error_as_in_waterfall() -> None:
    result = runner.invoke(app, ["report", str(CASE), "--param", "no_such=1"])
    assert result.exit_code == 2
    assert "--param no_such: no such parameter in this file" in result.stderr


def test_cli_bad_parameter_value_is_a_usage_error() -> None:
    result = runner.invoke(app, ["report", str(CASE), "--param", "fcp_capital=lots"])
    assert result.exit_code == 2
    assert "fcp_capital" in result.stderr


def _names_case() -> tuple[object, object]:
    case, errors = load_case(CASE)
    assert case is not None, errors
    return case, replay(case).initial


WATERFALL_WITHOUT_NAMES = """\
waterfall: parties known only by id
parties:
  - {id: openai-inc}
  - {id: microsoft}
  - {id: msft-stake, entity: microsoft}
  - {id: toner}
  - {id: ltbt}
  - {id: named, name: A party with its own name, entity: microsoft}
tiers:
  - name: everyone
    split: {openai-inc: 20, microsoft: 20, msft-stake: 20, toner: 20, ltbt: 10, named: 10}
"""


def test_party_names_come_from_the_file_then_the_case_then_the_id(tmp_path: Path) -> None:
    """A waterfall party without a `name` is shown by the name of what it stands for in the
    case: an entity it names, an entity or person with its id; only a party the case does not
    know keeps its id."""
    file = tmp_path / "waterfall.yaml"
    file.write_text(WATERFALL_WITHOUT_NAMES, encoding="utf-8")
    loaded, problems = load_for_report(file)
    assert loaded is not None, problems
    case, state = _names_case()
    report = control_vs_economics(case, state, loaded, amounts=[Fraction(100)])  # type: ignore[arg-type]
    assert [p.name for p in report.parties] == [
        "OpenAI, Inc.",  # an entity with the party's id
        "Microsoft Corporation",  # the same
        "Microsoft Corporation",  # through `entity:`
        "Helen Toner",  # a person with the party's id
        "ltbt",  # unknown to the case: the id, as written
        "A party with its own name",  # the file's own name wins
    ]
    assert report.parties[2].why == "no voting interest recorded"  # a name is not a vote


def test_the_report_names_the_board_and_its_time() -> None:
    case, errors = load_case(CASE)
    assert case is not None, errors
    loaded, _ = load_for_report(CASE / "waterfall.yaml")
    assert loaded is not None
    timeline = replay(case)
    for when, label in [
        ("2023-11-16T22:00", "the board of OpenAI, Inc. on 2023-11-16 22:00"),
        ("2023-11-18", "the board of OpenAI, Inc. at the end of 2023-11-18"),
        ("2023-11-18T00:00", "the board of OpenAI, Inc. on 2023-11-18"),
    ]:
        result = runner.invoke(app, ["report", str(CASE), "--at", when, "--json"])
        assert result.exit_code == 0, result.output
        board = json.loads(result.stdout)["controlling_board"]
        assert board["name"] == "OpenAI, Inc."
        assert len(board["director_names"]) == len(board["directors"])
        text = runner.invoke(app, ["report", str(CASE), "--at", when]).stdout
        assert label in " ".join(text.split()), (when, text)
    report = control_vs_economics(case, replace(timeline.initial, at=None), loaded)
    assert report.board_label == "the board of OpenAI, Inc. as the charter sets it"
    after = runner.invoke(app, ["report", str(CASE), "--at", "2023-11-18"]).stdout
    flat = " ".join(after.split())
    assert "(Adam D'Angelo, Tasha McCauley, Ilya Sutskever, Helen Toner)" in flat
    assert "None" not in after


def test_board_line_says_no_chair_and_no_ceo_in_words() -> None:
    from charter.cli.demo_cmd import board_line
    from charter.report.control import case_names

    case, errors = load_case(CASE)
    assert case is not None, errors
    state = replay(case).initial
    names = case_names(case)
    line = board_line(state, names)
    assert line.startswith("directors Adam D'Angelo, Greg Brockman, Helen Toner, ")
    assert "; chair Greg Brockman; CEO Sam Altman" in line
    empty = replace(state, chair=None, officers=(), directors=frozenset())
    assert board_line(empty, names) == "directors none; no chair; no CEO"
