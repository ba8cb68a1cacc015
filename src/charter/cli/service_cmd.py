"""import, export, serve: a case into the event store and back, and the board service.

docs/cli.md ("charter import / export", "charter serve") documents options and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_INPUT, AllowOutsideOpt, err_console, error_found, fail, usage
from charter.load.case import CHARTER_FILE, load_case
from charter.load.confine import OutsideCase
from charter.store.db import EventStore, StoreError
from charter.store.journal_io import UnreadableFile, export_journal, import_case

DbOption = Annotated[
    str,
    typer.Option(
        "--db", help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a SQLite path."
    ),
]


def open_store_or_exit(db: str, *, create: bool, read_only: bool = False) -> EventStore:
    try:
        return EventStore.open(db, create=create, read_only=read_only)
    except StoreError as error:
        error_found(str(error))
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
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Load a case (charter, bylaws, journal) into the store as a new organisation's log."""
        if not case_dir.exists():
            usage(f"no such case directory: {case_dir}", f"give a directory holding {CHARTER_FILE}")
        case, diagnostics = load_case(case_dir, outside="read" if allow_outside else "refuse")
        if case is None:
            fail(diagnostics)
        store = open_store_or_exit(db, create=True)
        try:
            name, count = import_case(store, case, org, allow_outside=allow_outside)
        except OutsideCase as error:
            error_found(str(error))
            raise typer.Exit(EXIT_INPUT) from error
        except ValueError as error:
            hint = None if isinstance(error, UnreadableFile) else "choose another name with --org"
            error_found(str(error), hint)
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
        store = open_store_or_exit(db, create=False, read_only=True)
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

    register_serve(app)


def proxy_options(forwarded_allow_ips: str | None) -> dict[str, object]:
    """uvicorn's proxy settings: its default trusts X-Forwarded-For from 127.0.0.1, so that a
    client on the same machine (or anything behind a local proxy that passes the header on)
    could choose the address the log-in rate limit counts.  Trust only what is configured."""
    if not forwarded_allow_ips:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}


def register_serve(app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help="Database URL or SQLite path. Default: charter.db here; with --demo a "
                "fresh SQLite file in a temporary directory.",
            ),
        ] = None,
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
        demo: Annotated[
            bool,
            typer.Option("--demo", help="Serve the bundled OpenAI case; print one-time passwords."),
        ] = False,
        admin: Annotated[
            str | None,
            typer.Option(
                "--admin",
                help="Create this admin account in every organisation (prints its "
                "one-time password) if it does not exist.",
            ),
        ] = None,
        smtp_host: Annotated[
            str | None, typer.Option("--smtp-host", help="SMTP server for notices.")
        ] = None,
        smtp_port: Annotated[int, typer.Option("--smtp-port", help="SMTP port.")] = 25,
        smtp_from: Annotated[
            str, typer.Option("--smtp-from", help="Sender address of notices.")
        ] = "charter@localhost",
        secure_cookies: Annotated[
            bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
        ] = False,
        key: Annotated[
            Path | None,
            typer.Option(
                "--key",
                help="The deployment's ed25519 signing key for checkpoints "
                "(created 0600 if absent; default: beside the SQLite database).",
            ),
        ] = None,
        forwarded_allow_ips: Annotated[
            str | None,
            typer.Option(
                "--forwarded-allow-ips",
                help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
                "X-Forwarded-Proto are trusted (the client's address for log-in rate limits). "
                "Default: none; no header is trusted.",
            ),
        ] = None,
        telemetry: Annotated[
            bool,
            typer.Option(
                "--telemetry",
                help="Send OpenTelemetry traces, metrics and logs to the providers configured "
                "for this process (FastAPI's native telemetry; off by default).",
            ),
        ] = False,
    ) -> None:
        """Run the board service (HTTP API, log-in page, OpenAPI schema at /docs)."""
        import tempfile

        import uvicorn

        from charter.cli.demo_cmd import bundled_case_dir
        from charter.service.accounts import Accounts
        from charter.service.app import ServiceConfig, create_app
        from charter.service.demo import DEMO_ORG, setup_demo
        from charter.service.mail import SmtpConfig, address_problem

        if smtp_host and (problem := address_problem(smtp_from)) is not None:
            usage(f"--smtp-from {smtp_from!r}: {problem}", "one address, e.g. charter@example.org")
        if db is None:
            db = (
                str(Path(tempfile.mkdtemp(prefix="charter-demo-")) / "demo.db")
                if demo
                else ("charter.db")
            )
        store = open_store_or_exit(db, create=True)
        accounts = Accounts(store.engine)
        accounts.migrate()
        out = err_console
        casebook_root: Path | None = None
        if demo:
            from rich.table import Table

            from charter.cli.casebook_cmd import bundled_casebook
            from charter.load.casebook import casebook_cases

            casebook_root = bundled_casebook()
            made = setup_demo(store, accounts, bundled_case_dir(), casebook_cases(casebook_root))
            table = Table(title=f"Demo accounts for {DEMO_ORG} (one-time passwords)")
            for column in ("username", "role", "on the board now", "password"):
                table.add_column(column)
            for account in made:
                seated = "yes" if account.seated else ""
                password = account.password or "(already set)"
                table.add_row(account.username, account.role, seated, password)
            out.print(table)
        if admin is not None:
            if accounts.by_username(admin) is None:
                _, password = accounts.create(admin)
                out.print(f"admin account '{admin}': one-time password {password}", markup=False)
            existing = accounts.by_username(admin)
            for org in store.orgs():
                if existing is not None and "admin" not in existing.roles(org):
                    accounts.grant(admin, org, "admin")
        if not store.orgs():
            out.print(
                f"note: the store holds no organisation yet: charter import CASE_DIR --db {db}",
                markup=False,
            )
        smtp = SmtpConfig(host=smtp_host, port=smtp_port, sender=smtp_from) if smtp_host else None
        config = ServiceConfig(
            db=db,
            smtp=smtp,
            secure_cookies=secure_cookies,
            key_file=str(key) if key is not None else None,
            telemetry=telemetry,
            casebook=str(casebook_root) if casebook_root is not None else None,
        )
        application = create_app(config, store=store)
        out.print(f"database: {db}", markup=False)
        out.print(f"serving on http://{host}:{port}/ (API docs at /docs)", markup=False)
        # httptools parses HTTP in C (h11 is pure Python) and uvloop runs the event loop in C
        # (dependencies); "auto" falls back to the pure-Python ones where they are absent.
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            http="auto",
            loop="auto",
            **proxy_options(forwarded_allow_ips),
        )
