"""``charter value`` on the command line: the exact values in JSON add up to today's value, a
simulation on request agrees with them, and bad inputs are usage errors with the reason."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli import app

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "openai-2023"
runner = CliRunner()


def test_a_case_is_valued_from_the_waterfall_it_names() -> None:
    result = runner.invoke(
        app, ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--paths", "200000", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["method"] == "closed form"
    assert math.isclose(document["total"], 30e9, rel_tol=1e-9)
    parties = {p["party"]: p for p in document["parties"]}
    assert math.isclose(sum(p["share"] for p in parties.values()), 1.0, rel_tol=1e-9)
    simulated = {p["party"]: p for p in document["simulation"]["parties"]}
    for name, exact in parties.items():
        assert abs(exact["value"] - simulated[name]["value"]) <= 4.5 * simulated[name]["stderr"] + 1
    assert document["simulation"]["paths"] == 200_000


def test_the_table_fits_80_columns() -> None:
    result = runner.invoke(
        app,
        ["value", str(CASE / "waterfall.yaml"), "--value", "30B", "--vol", "0.6"],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    assert "Microsoft" in result.output
    assert "a model, not" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--value", "lots", "--vol", "0.6"], "--value lots"),
        (["--value", "30B", "--vol", "-1"], "vol: a positive volatility"),
        (["--value", "30B", "--vol", "0.6", "--horizon", "0"], "horizon: a positive number"),
        (["--value", "30B", "--vol", "0.6", "--param", "nope=1"], "nope"),
    ],
)
def test_bad_inputs_are_usage_errors_with_the_reason(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["value", str(CASE), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
