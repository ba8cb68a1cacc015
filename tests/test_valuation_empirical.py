"""Claims valued on a user's own scenarios (charter.valuation.empirical and charter value
--scenarios): one scenario is its payout discounted, weights act as repetition, lognormal draws
give back the closed form within the standard error, and a bad CSV names its line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from charter.cli import app
from charter.valuation import Lognormal, closed_form
from charter.valuation.empirical import empirical
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "openai-2023"
runner = CliRunner()


@pytest.fixture(scope="module")
def curves():  # type: ignore[no-untyped-def]
    wf, _ = load_waterfall(CASE / "waterfall.yaml")
    assert wf is not None
    return compile_curves(wf)


@pytest.mark.parametrize("amount", [0.0, 1e9, 13e9, 150e9, 2e12])
def test_one_scenario_is_its_payout_discounted(curves, amount: float) -> None:  # type: ignore[no-untyped-def]
    from fractions import Fraction

    found = empirical(curves, [amount], None, rate=0.05, horizon=4)
    exact = curves.exact(Fraction(amount))
    for p in found.parties:
        assert math.isclose(
            p.value, math.exp(-0.2) * float(exact[p.party]), rel_tol=1e-9, abs_tol=1e-3
        )


def test_a_weight_is_a_repetition(curves) -> None:  # type: ignore[no-untyped-def]
    weighted = empirical(curves, [1e9, 50e9], [1, 3], rate=0.03, horizon=5)
    repeated = empirical(curves, [1e9, 50e9, 50e9, 50e9], None, rate=0.03, horizon=5)
    for a, b in zip(weighted.parties, repeated.parties, strict=True):
        assert math.isclose(a.value, b.value, rel_tol=1e-12)


def test_lognormal_draws_give_back_the_closed_form(curves) -> None:  # type: ignore[no-untyped-def]
    model = Lognormal(value=30e9, vol=0.6, rate=0.04, horizon=10)
    rng = np.random.default_rng(3)
    root = model.vol * math.sqrt(model.horizon)
    draws = model.forward * np.exp(root * rng.standard_normal(400_000) - 0.5 * root * root)
    found = empirical(curves, draws.tolist(), None, rate=model.rate, horizon=model.horizon)
    exact = {p.party: p.value for p in closed_form(curves, model).parties}
    for p in found.parties:
        assert abs(p.value - exact[p.party]) <= 4.5 * p.stderr + 1.0, p.party


def test_the_cli_reads_a_csv_with_weights(tmp_path: Path) -> None:
    csv = tmp_path / "forecast.csv"
    csv.write_text("amount,weight\n5B,1\n50B,2\n500B,1\n")
    result = runner.invoke(app, ["value", str(CASE), "--scenarios", str(csv), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["scenarios"] == 3
    assert math.isclose(sum(p["share"] for p in document["parties"]), 1.0, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("value\n5B\n", "no 'amount' column"),
        ("amount\n5B\nlots\n", ":3: amount 'lots'"),
        ("amount,weight\n5B,1\n6B,x\n", ":3: weight 'x' is not a number"),
        ("amount\n", "no scenarios"),
        ("amount,weight\n5B,0\n", "weights: one per scenario, not negative, not all zero"),
    ],
)
def test_a_bad_csv_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(text)
    result = runner.invoke(app, ["value", str(CASE), "--scenarios", str(csv)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_without_scenarios_value_and_vol_are_needed() -> None:
    result = runner.invoke(app, ["value", str(CASE), "--value", "30B"])
    assert result.exit_code == 2
    assert "--value and --vol are needed" in result.output
