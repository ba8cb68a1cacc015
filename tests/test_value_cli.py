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


@pytest.mark.parametrize("dask", [False, True], ids=["here", "local-dask"])
def test_a_sweep_writes_every_point_and_party(tmp_path: Path, dask: bool) -> None:
    pytest.importorskip("distributed")
    import pyarrow.csv as pacsv

    out = tmp_path / "sweep.csv"
    args = ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--out", str(out)]
    args += ["--sweep", "vol=0.2:1.0:3", "--sweep", "horizon=5,10", "--paths", "2000"]
    result = runner.invoke(app, args + (["--dask", "--workers", "2"] if dask else []))
    assert result.exit_code == 0, result.output
    assert "6 points, 24 rows" in result.output
    rows = pacsv.read_csv(out).to_pylist()
    assert len(rows) == 24
    assert sorted({r["vol"] for r in rows}) == [0.2, 0.6, 1.0]
    for point in {r["point"] for r in rows}:
        total = sum(r["party_value"] for r in rows if r["point"] == point)
        assert math.isclose(total, 30e9, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("sweep", "message"),
    [("vol=0.2:1.0:1", "2 to 10,000 steps"), ("speed=1,2", "NAME one of"), ("vol=-1,1", "vol")],
)
def test_a_bad_sweep_is_a_usage_error(tmp_path: Path, sweep: str, message: str) -> None:
    args = ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--out", str(tmp_path / "x.csv")]
    result = runner.invoke(app, [*args, "--sweep", sweep])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_warrant_is_valued_beside_the_claims() -> None:
    from charter.valuation.barrier import Warrant, warrant_value

    args = ["value", str(CASE), "--value", "500B", "--vol", "0.5", "--warrant", "0.05:10:15"]
    result = runner.invoke(app, [*args, "--json", "--paths", "40000"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["warrant"]
    exact = warrant_value(Warrant(fraction=0.05, multiple=10, years=15), 500e9, 0.04, 0.5)
    assert math.isclose(found["value"], exact, rel_tol=1e-12)
    assert abs(found["simulated_value"] - exact) <= 4.5 * found["stderr"]
    bad = runner.invoke(app, [*args[:-1], "0.05:1:15"])
    assert bad.exit_code == 2
    assert "multiple: the milestone" in bad.output


def test_capped_claims_against_plain_equity() -> None:
    """The 2025 split (Microsoft about 27%, the Foundation about 26%, employees and investors
    about 47%: facts/openai-2024-2026.md) beside the 2023 capped claims, same inputs."""
    stakes = ["microsoft=0.27", "nonprofit=0.26", "others=0.47"]
    args = ["value", str(CASE), "--value", "500B", "--vol", "0.6", "--json"]
    result = runner.invoke(app, args + [x for s in stakes for x in ("--equity", s)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    capped = {p["party"]: p["value"] for p in document["parties"]}
    for row in document["equity"]:
        assert math.isclose(row["value"], row["fraction"] * 500e9, rel_tol=1e-12)
        assert row["capped_claim_value"] == capped[row["party"]]
    nonprofit = next(r for r in document["equity"] if r["party"] == "nonprofit")
    assert nonprofit["capped_claim_value"] > nonprofit["value"]  # what the caps sent to it


@pytest.mark.parametrize(
    ("stake", "message"),
    [("apple=0.1", "PARTY one of"), ("microsoft=2", "between 0 and 1"), ("microsoft", "PARTY=")],
)
def test_a_bad_stake_is_a_usage_error(stake: str, message: str) -> None:
    result = runner.invoke(
        app, ["value", str(CASE), "--value", "1B", "--vol", "0.5", "--equity", stake]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_stakes_above_the_whole_are_refused() -> None:
    args = ["value", str(CASE), "--value", "1B", "--vol", "0.5"]
    result = runner.invoke(app, [*args, "--equity", "microsoft=0.6", "--equity", "others=0.6"])
    assert result.exit_code == 2
    assert "add up to 1.2, more than 1" in result.output
