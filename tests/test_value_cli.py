"""``charter value`` on the command line: the exact values in JSON add up to today's value, a
simulation on request agrees with them, and bad inputs are usage errors with the reason."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
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


def in_80_columns(args: list[str]) -> str:
    """What ``charter ARGS`` prints to a pipe 80 columns wide (the command's own console,
    made at import, is sized there: an in-process runner would not resize it)."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("charter")), *args],
        env=os.environ | {"COLUMNS": "80"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80, done.stdout
    return done.stdout


def test_the_table_fits_80_columns() -> None:
    output = in_80_columns(
        ["value", str(CASE / "waterfall.yaml"), "--value", "30B", "--vol", "0.6", "--paths", "2000",
         "--equity", "microsoft=0.27"]
    )  # fmt: skip
    assert "Microsoft" in output
    assert "a model, not" in output


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


def test_the_path_model_pays_out_along_the_way() -> None:
    """--model path: values add up to today's value, with standard errors, and beside them the
    terminal model's closed form; a payout of 0 gives the closed form back within the errors."""
    args = ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--model", "path", "--json"]
    result = runner.invoke(app, [*args, "--payout", "0.08", "--paths", "60000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["model"] == "path"
    assert document["inputs"]["payout"] == 0.08
    assert document["inputs"]["steps"] == 10  # one date a year by default
    assert math.isclose(document["total"], 30e9, rel_tol=1e-9)
    terminal = {p["party"]: p["value"] for p in document["at_the_horizon"]["parties"]}
    moved = {p["party"]: p["value"] for p in document["parties"]}
    assert moved["microsoft"] > terminal["microsoft"]  # paid first, paid sooner
    flat = runner.invoke(app, [*args, "--payout", "0", "--steps", "3", "--paths", "60000"])
    flat_doc = json.loads(flat.output)
    for p in flat_doc["parties"]:
        assert abs(p["value"] - terminal[p["party"]]) <= 4.5 * p["stderr"] + 1, p["party"]


def test_the_path_table_fits_80_columns() -> None:
    output = in_80_columns(
        ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--payout", "0.05",
         "--paths", "20000"]
    )  # fmt: skip
    assert "5% paid out a year on 10 dates" in " ".join(output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "path"], "--model path needs --payout"),
        (["--model", "poisson"], "one of lognormal, path, empirical"),
        (["--model", "empirical"], "add --scenarios"),
        (["--model", "lognormal", "--payout", "0.1"], "are for --model path"),
        (["--payout", "-0.1"], "payout: the share"),
        (["--payout", "0.1", "--steps", "5000"], "steps: between 1 and 1,000"),
        (["--payout", "0.1", "--sweep", "vol=0.2,0.4", "--out", "x.csv"], "lognormal model"),
        (["--chart", "x.gif"], "expected a .png or .svg"),
    ],
)
def test_bad_model_options_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["value", str(CASE), "--value", "30B", "--vol", "0.6", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.mark.parametrize("model", [[], ["--payout", "0.05"]], ids=["lognormal", "path"])
def test_a_chart_without_a_sweep_shows_value_against_the_inputs(
    tmp_path: Path, model: list[str]
) -> None:
    """The chart is drawn from the same model: an SVG with every party's name in its legend."""
    chart = tmp_path / "value.svg"
    args = ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--chart", str(chart), *model]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"chart written to {chart}" in " ".join(result.output.split())
    svg = chart.read_text(encoding="utf-8")
    for name in ("Microsoft", "OpenAI, Inc. (nonprofit)", "First close partners ($0 throughout)"):
        assert name in svg
    assert ("paid out a year" in svg) == bool(model)
