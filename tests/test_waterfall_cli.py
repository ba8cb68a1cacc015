"""``charter waterfall`` end to end through typer's runner: tables, JSON, breakpoints, sweeps,
charts, and exit codes for bad input."""

import csv
import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from charter.cli import app
from charter.report.waterfall_render import demo_section, markdown_table
from charter.waterfall import evaluate, load_waterfall

ROOT = Path(__file__).resolve().parent.parent / "examples"
OPENAI = str(ROOT / "openai-2023" / "waterfall.yaml")
PE1 = str(ROOT / "funds" / "pe1-cfa-catch-up.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["waterfall", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_parties_tiers_and_totals() -> None:
    code, out, _ = run(PE1, "--at", "100")
    assert code == 0
    lines = [line for line in out.splitlines() if "│" in line]
    lp = next(line for line in lines if "Limited partner" in line)
    assert cells(lp) == ["50.00", "4.00", "0.00", "36.00", "90.00", "90.00%"]
    gp = next(line for line in lines if "General partner" in line)
    assert cells(gp) == ["0.00", "0.00", "1.00", "9.00", "10.00", "10.00%"]
    total = next(line for line in lines if "total" in line.split("│")[1])
    assert cells(total) == ["50.00", "4.00", "1.00", "45.00", "100.00", "100.00%"]


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("│")[2:-1]]


def flat(text: str) -> str:
    """Error panels wrap and box text: compare words only."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


def test_json_schema_and_cents_that_add_up() -> None:
    code, out, _ = run(OPENAI, "--at", "100B", "--at", "1", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [r["amount"] for r in doc["results"]] == ["100000000000.00", "1.00"]
    for r in doc["results"]:
        assert set(r) == {"amount", "payouts", "tiers", "converted", "exact"}
        assert sum(Decimal(v) for v in r["payouts"].values()) == Decimal(r["amount"])
        assert sum(Decimal(t["amount"]) for t in r["tiers"]) == Decimal(r["amount"])
        for t in r["tiers"]:
            assert sum(Decimal(v) for v in t["payouts"].values()) == Decimal(t["amount"])
        exact = {p: Fraction(v) for p, v in r["exact"]["payouts"].items()}
        assert sum(exact.values()) == Fraction(r["exact"]["amount"])
        for p, v in r["payouts"].items():
            assert abs(Fraction(v) - exact[p]) < Fraction(1, 100)
    one = doc["results"][1]["payouts"]
    assert one == {"fcp": "0.00", "microsoft": "0.75", "others": "0.25", "nonprofit": "0.00"}


def test_rounding_by_largest_remainder_keeps_the_total_exact() -> None:
    code, out, _ = run(OPENAI, "--at", "0.01", "--json", "--precision", "2")
    assert code == 0
    payouts = json.loads(out)["results"][0]["payouts"]
    assert sum(Decimal(v) for v in payouts.values()) == Decimal("0.01")


def test_breakpoints_json_lists_splits_after_each() -> None:
    code, out, _ = run(OPENAI, "--breakpoints", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["initial_split"] == {
        "fcp": "0",
        "microsoft": "3/4",
        "others": "1/4",
        "nonprofit": "0",
    }
    recouped = Fraction(13 * 10**9) / Fraction(3, 4)
    microsoft_capped = recouped + Fraction(79 * 10**9) / Fraction(49, 100)
    exact = [Fraction(b["exact"]) for b in doc["breakpoints"]]
    assert exact[:2] == [recouped, microsoft_capped]
    assert len(exact) == 3
    assert doc["breakpoints"][-1]["split"] == {
        "fcp": "0",
        "microsoft": "0",
        "others": "0",
        "nonprofit": "1",
    }


def test_breakpoints_table() -> None:
    code, out, _ = run(OPENAI, "--breakpoints")
    assert code == 0
    assert "17,333,333,333.33" in out
    assert "51%" in out


def test_sweep_to_csv(tmp_path: Path) -> None:
    target = tmp_path / "sweep.csv"
    code, _, err = run(OPENAI, "--sweep", "0", "500B", "11", "--csv", str(target))
    assert code == 0
    assert f"wrote {target}" in err
    rows = list(csv.DictReader(target.open()))
    assert len(rows) == 11
    last = rows[-1]
    assert float(last["amount"]) == 5e11
    assert float(last["payout_microsoft"]) == 92e9
    assert float(last["marginal_share_nonprofit"]) == 1.0
    for row in rows:
        total = sum(float(row[f"payout_{p}"]) for p in ("fcp", "microsoft", "others", "nonprofit"))
        assert abs(total - float(row["amount"])) <= 1e-6 * max(1.0, float(row["amount"]))


def test_csv_names_the_share_of_the_next_dollar_apart_from_the_share_of_the_total(
    tmp_path: Path,
) -> None:
    """At $100B Microsoft has 53.5% of the total but 49% of the next dollar: the CSV's column
    says which one it holds (`marginal_share_`), so no one reads it as the table's `share`."""
    target = tmp_path / "sweep.csv"
    code, _, _ = run(OPENAI, "--sweep", "0", "100B", "2", "--csv", str(target))
    assert code == 0
    header = target.read_text().splitlines()[0].split(",")
    parties = ("fcp", "microsoft", "others", "nonprofit")
    assert header == [
        "amount",
        *(f"payout_{p}" for p in parties),
        *(f"marginal_share_{p}" for p in parties),
    ]
    last = list(csv.DictReader(target.open()))[-1]
    assert float(last["marginal_share_microsoft"]) == pytest.approx(0.49)
    assert float(last["payout_microsoft"]) / float(last["amount"]) == pytest.approx(0.535, abs=1e-3)


def test_chart_goes_into_a_folder_it_makes(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "money.png"
    code, _, err = run(OPENAI, "--at", "13B", "--chart", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\x89PNG")


def test_at_outside_the_sweep_is_noted(tmp_path: Path) -> None:
    target = tmp_path / "money.png"
    code, _, err = run(OPENAI, "--at", "1T", "--sweep", "0", "500B", "50", "--chart", str(target))
    assert code == 0
    assert "--at 1T lies outside --sweep 0 500B: not marked on the chart" in " ".join(err.split())


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_chart_is_written(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"chart{suffix}"
    code, _, _ = run(OPENAI, "--chart", str(target))
    assert code == 0
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "13Q"], "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T"),
        (["--at", "-5"], "an amount cannot be negative"),
        (["--param", "fcp_capital"], "expected name=value (e.g. fcp_capital=5B)"),
        (["--param", "fcp_captal=1"], "did you mean 'fcp_capital'?"),
        (["--sweep", "10", "5", "3"], "expected FROM < TO and at least 2 steps"),
        (["--chart", "out.pdf"], "expected a .png or .svg file name"),
    ],
)
def test_bad_command_line_values_exit_2_and_say_what_was_expected(
    args: list[str], message: str
) -> None:
    code, out, err = run(OPENAI, *args)
    assert code == 2
    assert message in flat(out + err)


def test_bad_parameter_value_exits_2_with_the_location_of_its_use() -> None:
    code, _, err = run(OPENAI, "--at", "1", "--param", "fcp_capital=lots")
    assert code == 2
    assert err.startswith(f"{OPENAI}:39:14: error: --param fcp_capital=lots: expected an amount")


def test_invalid_file_exits_1_with_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "waterfall: bad\nparties:\n  - id: a\n  - id: b\n"
        "tiers:\n  - name: one\n    split: {a: 50, b: 40}\n"
    )
    code, _, err = run(str(bad), "--at", "1")
    assert code == 1
    assert err.splitlines()[0] == (
        f"{bad}:7:12: error: tier 'one': split adds up to 90%, expected 100%"
    )


def test_markdown_table_rows_add_up() -> None:
    wf, _ = load_waterfall(PE1)
    assert wf is not None
    lines = markdown_table(wf, evaluate(wf, 100))
    assert lines[0] == (
        "| party | return of capital | preferred return | GP catch-up | carried interest | total |"
    )
    assert lines[2] == "| Limited partner | 50.00 | 4.00 | 0.00 | 36.00 | 90.00 |"
    assert lines[3] == "| General partner | 0.00 | 0.00 | 1.00 | 9.00 | 10.00 |"


def test_demo_section_prints_tables_writes_the_chart_and_returns_markdown(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    lines = demo_section(OPENAI, tmp_path, console, amounts=["500B"])
    assert (tmp_path / "waterfall.png").read_bytes().startswith(b"\x89PNG")
    assert "![payouts and marginal shares](waterfall.png)" in lines
    assert (
        "| Microsoft | 13,000,000,000.00 | 79,000,000,000.00 | 0.00 | 92,000,000,000.00 |" in lines
    )
    assert "258,000,000,000.00" in console.export_text()


def test_demo_section_reports_file_errors_as_markdown(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("waterfall: x\nparties: []\ntiers: []\n")
    lines = demo_section(bad, tmp_path, Console(record=True))
    assert f"{bad}:3:8: error: a waterfall needs at least one tier" in lines


def test_charter_check_validates_waterfall_files(tmp_path: Path) -> None:
    ok = CliRunner().invoke(app, ["check", OPENAI, PE1])
    assert ok.exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "waterfall: bad\nparties:\n  - id: a\ntiers:\n  - name: one\n    split: {b: 100}\n"
    )
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:6:13: error: tier 'one' split: unknown party 'b'" in result.stderr
