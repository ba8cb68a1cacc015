"""`charter report`: control against economics on the bundled case."""

from __future__ import annotations

import json
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
