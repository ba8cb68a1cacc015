"""``charter casebook``: replay every court decision of the casebook and set Charter's verdict
beside the court's holding (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_INPUT, console, fail, print_json, usage
from charter.load.casebook import casebook_cases, load_casebook_case
from charter.replay import replay
from charter.report.casebook import Row, casebook_rows, tally
from charter.report.casebook_render import (
    casebook_details,
    casebook_markdown,
    casebook_table,
    tally_line,
)


def bundled_casebook() -> Path:
    """examples/casebook of the checkout this package runs from, relative to the working
    directory where it can be (journal lines then read as paths to open)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples" / "casebook"
        if candidate.is_dir():
            try:
                return candidate.relative_to(Path.cwd())
            except ValueError:
                return candidate
    usage(
        "the bundled casebook examples/casebook was not found",
        "name a casebook directory, or run from a checkout of the Charter repository",
    )


def judge_casebook(root: Path) -> list[Row]:
    """Every holding of every case under ``root``; exits with located errors on bad input."""
    dirs = casebook_cases(root)
    if not dirs:
        usage(
            f"no casebook case in {root}",
            "a casebook case is a case directory with a casebook.yaml beside charter.yaml",
        )
    rows: list[Row] = []
    for case_dir in dirs:
        book, case, diagnostics = load_casebook_case(case_dir)
        if book is None or case is None:
            fail(diagnostics)
        rows.extend(casebook_rows(str(case_dir), book, replay(case), case.tz))
    return rows


def register(app: typer.Typer) -> None:
    @app.command()
    def casebook(
        root: Annotated[
            Path | None,
            typer.Argument(help="A casebook directory, or one case of it (default: the bundled)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        markdown: Annotated[
            bool, typer.Option("--markdown", help="Print the table as Markdown (the docs').")
        ] = False,
        detail: Annotated[
            bool,
            typer.Option(
                "--detail",
                help="After the table, each holding in full: the court's ground, the check "
                "that decided Charter's verdict, its citation and the journal line.",
            ),
        ] = False,
    ) -> None:
        """Replay court decisions and compare Charter's verdicts with the courts' holdings.

        Each case is a case directory whose journal records the facts as the court found them,
        with a casebook.yaml giving the holding on each act.  Exit 1 if any verdict differs
        from the court's without a documented limit."""
        rows = judge_casebook(root if root is not None else bundled_casebook())
        if as_json:
            print_json({"tally": tally(rows), "holdings": [r.to_json() for r in rows]})
        elif markdown:
            console.print("\n".join(casebook_markdown(rows)), markup=False, soft_wrap=True)
        else:
            console.print(casebook_table(rows, console.width))
            console.print(tally_line(rows), markup=False)
            if detail:
                console.print("\n".join(casebook_details(rows, console.width)), markup=False)
        t = tally(rows)
        if t["differs"] or t["stale limit"]:
            raise typer.Exit(EXIT_INPUT)
