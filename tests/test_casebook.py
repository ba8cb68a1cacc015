"""The casebook (issue 17): every bundled court decision replays with the court's holding, a
disagreement is accepted only with its reason written down (a limit), the docs carry the table
as the command prints it, and bad casebook files get located errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli import app
from charter.load.casebook import casebook_cases, load_casebook_case
from charter.model.casebook import AGREES, agrees
from charter.model.kinds import Status
from charter.replay import replay
from charter.report.casebook import casebook_rows, tally
from charter.report.casebook_render import casebook_markdown

ROOT = Path(__file__).resolve().parents[1]
CASEBOOK = ROOT / "examples" / "casebook"
CASES = casebook_cases(CASEBOOK)
REQUIRED = {
    "fogel",
    "schroder",
    "adlerstein",
    "klaassen",
    "applied-energetics",
    "hockessin",
    "frechter",
    "gorman",
}


def _rows(case_dir: Path):  # type: ignore[no-untyped-def]
    book, case, diagnostics = load_casebook_case(case_dir)
    assert book is not None, [d.render() for d in diagnostics]
    assert case is not None, [d.render() for d in diagnostics]
    return casebook_rows(case_dir.name, book, replay(case), case.tz)


def test_the_casebook_holds_every_decision_the_issue_names() -> None:
    assert {p.name for p in CASES} >= REQUIRED


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: p.name)
def test_every_holding_agrees_or_is_a_documented_limit(case_dir: Path) -> None:
    for row in _rows(case_dir):
        assert row.agreement in ("agrees", "limit"), (
            f"{case_dir.name} {row.act}: the court held {row.held}, Charter says "
            f"{row.charter} ({row.rule}); {row.agreement}"
        )
        if row.agreement == "limit":
            assert row.limit is not None
            assert len(row.limit) > 40  # a reason, not a word


def test_most_holdings_agree_outright() -> None:
    rows = [row for case_dir in CASES for row in _rows(case_dir)]
    t = tally(rows)
    assert t["differs"] == 0
    assert t["stale limit"] == 0
    assert t["agrees"] > t["limit"]


@pytest.mark.parametrize(
    ("held", "status", "rules", "expected"),
    [
        ("void", Status.VOID, set(), True),
        ("void", Status.VOIDABLE, set(), False),
        ("invalid", Status.VOIDABLE, set(), True),
        ("invalid", Status.FAILED, set(), True),
        ("invalid", Status.CONDITIONAL, set(), False),
        ("valid", Status.VALID_WITH_WARNINGS, set(), True),
        ("stands", Status.VALID_WITH_WARNINGS, {"equity.acquiescence"}, True),
        ("stands", Status.VALID_WITH_WARNINGS, set(), False),
        ("stands", Status.VALID, set(), False),
    ],
)
def test_what_agrees_with_a_holding(
    held: str, status: Status, rules: set[str], expected: bool
) -> None:
    assert agrees(held, status, frozenset(rules)) is expected


def test_no_conditional_verdict_agrees_with_any_holding() -> None:
    assert all(Status.CONDITIONAL not in statuses for statuses in AGREES.values())


def test_the_docs_carry_the_table_the_command_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # paths as `charter casebook --markdown` prints them from the root
    rows = []
    for case_dir in casebook_cases(Path("examples/casebook")):
        book, case, _ = load_casebook_case(case_dir)
        assert book is not None
        assert case is not None
        rows.extend(casebook_rows(str(case_dir), book, replay(case), case.tz))
    text = (ROOT / "docs" / "casebook.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- casebook-table -->\n(.*?)\n<!-- /casebook-table -->", text, re.S)
    assert found is not None, "docs/casebook.md lacks the casebook-table markers"
    expected = "\n".join(casebook_markdown(rows))
    assert found.group(1).strip() == expected.strip(), (
        "docs/casebook.md's table differs from `charter casebook --markdown`: paste its output"
    )


def test_the_command_prints_json_and_exits_0_when_all_agree() -> None:
    result = CliRunner().invoke(app, ["casebook", str(CASEBOOK), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tally"]["differs"] == 0
    assert {h["agreement"] for h in data["holdings"]} <= {"agrees", "limit"}
    fogel = [h for h in data["holdings"] if h["case"].startswith("Fogel")]
    assert fogel
    assert all(h["charter"] == "void" for h in fogel if h["held"] == "void")


def test_a_changed_holding_makes_the_command_fail(tmp_path: Path) -> None:
    case = tmp_path / "frechter"
    shutil.copytree(CASEBOOK / "frechter", case)
    path = case / "casebook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("held: invalid", "held: valid"))
    result = CliRunner().invoke(app, ["casebook", str(case)])
    assert result.exit_code == 1
    assert "NO" in result.output
    assert "DIFFER" in result.output


def test_a_limit_on_a_holding_that_agrees_is_stale(tmp_path: Path) -> None:
    case = tmp_path / "frechter"
    shutil.copytree(CASEBOOK / "frechter", case)
    path = case / "casebook.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    sources: [F1, F3, F12]",
        "    sources: [F1, F3, F12]\n    limit: an old reason that no longer holds at all, kept",
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["casebook", str(case)])
    assert result.exit_code == 1
    assert "remove it" in result.output


def test_a_holding_naming_an_unknown_act_or_source_is_a_located_error(tmp_path: Path) -> None:
    case = tmp_path / "frechter"
    shutil.copytree(CASEBOOK / "frechter", case)
    path = case / "casebook.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("- act: amend-removal-bylaw", "- act: amend-removal-bylow")
    text = text.replace("sources: [F1, F3, F12]", "sources: [F1, F33]")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["casebook", str(case)])
    assert result.exit_code == 1
    assert re.search(
        r"casebook\.yaml:\d+:\d+: error: unknown act 'amend-removal-bylow'", result.output
    )
    assert "did you mean 'amend-removal-bylaw'" in result.output
    assert "unknown source 'F33'" in result.output
    assert "Traceback" not in result.output


def test_a_directory_without_a_casebook_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["casebook", str(tmp_path)])
    assert result.exit_code == 2
    assert "no casebook case" in result.output


def test_who_holds_an_office_is_compared_with_the_de_jure_state(tmp_path: Path) -> None:
    case = tmp_path / "gorman"
    shutil.copytree(CASEBOOK / "gorman", case)
    path = case / "casebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("holds: [salamone]", "holds: [gorman]"), encoding="utf-8")
    result = CliRunner().invoke(app, ["casebook", str(case), "--json"])
    assert result.exit_code == 1
    office = [h for h in json.loads(result.output)["holdings"] if h["kind"] == "office"]
    assert office == [
        {
            **office[0],
            "act": "ceo on 2014-07-31",
            "held": "gorman",
            "charter": "salamone",
            "agreement": "differs",
        }
    ]
    path.write_text(text.replace("holds: [salamone]", "holds: [salamon]"), encoding="utf-8")
    result = CliRunner().invoke(app, ["casebook", str(case)])
    assert result.exit_code == 1
    assert "unknown person 'salamon'" in result.output
    assert "did you mean 'salamone'" in result.output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("    held: invalid", "    held: maybe"), "'maybe' is not one of the allowed values"),
        (("decided: 2017-01-24", "decided: 2017-13-45"), "impossible date"),
        (("case: Frechter v. Zier", "case: [Frechter"), "invalid YAML"),
    ],
)
def test_a_bad_casebook_file_gets_a_located_error_never_a_traceback(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    case = tmp_path / "frechter"
    shutil.copytree(CASEBOOK / "frechter", case)
    path = case / "casebook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    result = CliRunner().invoke(app, ["casebook", str(case)])
    assert result.exit_code == 1
    assert re.search(r"casebook\.yaml:\d+:\d+: error: ", result.output)
    assert expected in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("columns", [80, 120])
def test_detail_prints_each_holding_in_full_within_the_terminal(columns: int) -> None:
    charter = Path(sys.executable).with_name("charter")
    env = {**os.environ, "COLUMNS": str(columns)}
    result = subprocess.run(
        [str(charter), "casebook", str(CASEBOOK / "klaassen"), "--detail"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "court: stands." in text
    assert "Charter: valid with warnings, by equity.acquiescence: the act stands" in text
    assert "cites: Klaassen v. Allegro (Del. 2014)" in text
    assert max(len(line) for line in result.stdout.splitlines()) <= columns
