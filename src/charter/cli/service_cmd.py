"""import, export, serve: a case into the event store and back, and the board service.

docs/cli.md ("charter import / export", "charter serve") documents options and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_INPUT, err_console, fail, usage
from charter.load.case import CHARTER_FILE, load_case
from charter.store.db import EventStore, StoreError
from charter.store.journal_io import export_journal, import_case

DbOption = Annotated[
    str,
    typer.Option(
        "--db", help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a SQLite path."
    ),
]


def _open(db: str, *, create: bool) -> EventStore:
    try:
        return EventStore.open(db, create=create)
    except StoreError as error:
        err_console.print(f"error: {error}", markup=False)
        raise typer.Exit(EXIT_INPUT) from error


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_cmd(
        case_dir: Annotated[Path, typer.Argument(help="A case directory (charter.yaml, ...).")],
        db: DbOption,
        org: Annotated[
            str | None,
            typer.Option(
                "--org", help="The organisation's name in the store; default: the case's."
            ),
        ] = None,
    ) -> None:
        """Load a case (charter, bylaws, journal) into the store as a new organisation's log."""
        if not case_dir.exists():
            usage(f"no such case directory: {case_dir}", f"give a directory holding {CHARTER_FILE}")
        case, diagnostics = load_case(case_dir)
        if case is None:
            fail(diagnostics)
        store = _open(db, create=True)
        try:
            name, count = import_case(store, case, org)
        except ValueError as error:
            err_console.print(f"error: {error}", markup=False)
            err_console.print("    hint: choose another name with --org", markup=False)
            raise typer.Exit(EXIT_INPUT) from error
        finally:
            store.close()
        typer.echo(f"{name}: imported {count - 1} events (and the charter) into the store")

    @app.command("export")
    def export_cmd(
        db: DbOption,
        org: Annotated[str, typer.Option("--org", help="The organisation whose journal to write.")],
        out: Annotated[
            Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
        ] = None,
    ) -> None:
        """Write an organisation's journal in canonical form (the form `charter fmt` prints)."""
        store = _open(db, create=False)
        try:
            if not store.has_org(org):
                listed = ", ".join(store.orgs()) or "none"
                err_console.print(
                    f"error: no organisation {org!r} in the store (known: {listed})", markup=False
                )
                raise typer.Exit(EXIT_INPUT)
            text, diagnostics = export_journal(store, org)
        finally:
            store.close()
        if text is None:
            fail(diagnostics)
        if out is not None:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
