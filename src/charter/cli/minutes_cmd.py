"""charter minutes: draft a meeting's minutes from the record, as Markdown, HTML or PDF."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from charter.cli.common import EXIT_INPUT, AllowOutsideOpt, error_found, usage
from charter.cli.governance_cmd import load_or_exit, replay_or_exit
from charter.report.minutes import Minutes, NoSuchMeeting, draft_minutes, minutes_markdown
from charter.report.minutes_render import minutes_html, minutes_pdf

Format = Literal["md", "html", "pdf"]


def _from_store(db: str, org: str, meeting: str) -> Minutes:
    from charter.cli.service_cmd import open_store_or_exit
    from charter.service.errors import Refused
    from charter.service.minutes import draft
    from charter.service.org_view import build_view

    store = open_store_or_exit(db, create=False, read_only=True)
    try:
        if not store.has_org(org):
            listed = ", ".join(store.orgs()) or "none"
            usage(f"no organisation '{org}' in the store (known: {listed})")
        view = build_view(org, store.records(org))
    finally:
        store.close()
    try:
        return draft(view, meeting)
    except Refused as error:
        error_found(error.message)
        raise typer.Exit(EXIT_INPUT) from error


def register(app: typer.Typer) -> None:
    @app.command()
    def minutes(
        case_dir: Annotated[
            Path | None,
            typer.Argument(help="A case directory; or use --db and --org for a served one."),
        ] = None,
        meeting: Annotated[str, typer.Option("--meeting", help="The meeting's id.")] = "",
        fmt: Annotated[Format, typer.Option("--format", help="md (default), html or pdf.")] = "md",
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Write to this file (a PDF needs one) instead of stdout."),
        ] = None,
        db: Annotated[
            str | None, typer.Option("--db", help="A store's URL (with --org): a served case.")
        ] = None,
        org: Annotated[str | None, typer.Option("--org", help="The organisation in --db.")] = None,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Draft the minutes of a meeting from the record: notice, attendance, quorum, each
        motion with its text and tally, objections, and each act's verdict."""
        if not meeting:
            usage("--meeting is required", "name the meeting, e.g. --meeting board-1")
        if (db is None) != (org is None):
            usage("--db and --org go together", "give both, or a case directory instead")
        if (case_dir is None) == (db is None):
            usage(
                "give a case directory, or --db and --org", "e.g. charter minutes CASE --meeting ID"
            )
        if fmt == "pdf" and out is None:
            usage("a PDF is written to a file", "add --out minutes.pdf")
        if db is not None and org is not None:
            drafted = _from_store(db, org, meeting)
        else:
            assert case_dir is not None
            case = load_or_exit(case_dir, None, None, allow_outside=allow_outside)
            try:
                drafted = draft_minutes(case, replay_or_exit(case), meeting)
            except NoSuchMeeting as error:
                error_found(str(error))
                raise typer.Exit(EXIT_INPUT) from error
        text = minutes_markdown(drafted, drafted=dt.datetime.now(dt.UTC))
        title = f"Minutes of {meeting}: {drafted.org_title}"
        data: bytes
        if fmt == "md":
            data = text.encode()
        elif fmt == "html":
            data = minutes_html(text, title).encode()
        else:
            data = minutes_pdf(minutes_html(text, title))
        if out is None:
            sys.stdout.write(data.decode())
            return
        out.write_bytes(data)
        typer.echo(f"wrote {out} ({len(data):,} bytes)")
