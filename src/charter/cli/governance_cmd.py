"""check, replay, state: the governance core on the command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from charter.cli.checkers import check_path
from charter.cli.common import (
    EXIT_INPUT,
    AllowOutsideOpt,
    console,
    error_found,
    fail,
    print_diagnostics,
    print_json,
    usage,
    working,
)
from charter.cli.common import parse_time as _parse_time
from charter.load.canonical import format_entries
from charter.load.case import CHARTER_FILE, load_case, load_charter, load_journal_file, sort_entries
from charter.load.profiles import shipped_profiles
from charter.located import did_you_mean
from charter.model.case import Case
from charter.model.kinds import View
from charter.replay import Timeline, replay
from charter.report.governance_render import (
    print_details,
    state_table,
    summary,
    what_if_changes,
)

BylawsOpt = Annotated[
    str | None,
    typer.Option(
        "--bylaws",
        help="Profile name (delaware-stock, delaware-nonstock, "
        "openai-2016-reported, roberts-rules) or a profile file; default: the charter's.",
    ),
]
WithOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--with",
        help="A journal file of hypothetical events added before replay (what-if). Repeatable.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (schema in docs/cli.md).")]


def load_or_exit(
    case_dir: Path, bylaws: str | None, extra: list[Path] | None, *, allow_outside: bool = False
) -> Case:
    if not case_dir.exists():
        usage(f"no such case directory: {case_dir}", f"give a directory holding {CHARTER_FILE}")
    for path in extra or []:
        if not path.exists():
            usage(f"no such file: {path}", "--with takes a journal file")
    if bylaws is not None:
        bylaws = _profile_ref(bylaws, case_dir)
    with working(f"Reading {case_dir}"):
        case, diagnostics = load_case(
            case_dir,
            bylaws=bylaws,
            extra=extra or [],
            outside="read" if allow_outside else "refuse",
        )
    if case is None:
        fail(diagnostics)
    return case


def _profile_ref(ref: str, case_dir: Path) -> str:
    """--bylaws names a shipped profile or a file; a file path is taken relative to the working
    directory (like every other path on the command line), then to the case directory."""
    if ref in shipped_profiles():
        return ref
    for candidate in (Path(ref), case_dir / ref):
        if candidate.is_file():
            return str(candidate.resolve())
    guess = did_you_mean(ref, shipped_profiles())
    usage(
        f"unknown bylaws profile '{ref}'",
        f"did you mean '{guess}'?"
        if guess
        else "use a shipped profile (" + ", ".join(shipped_profiles()) + ") or a profile file",
    )


def replay_or_exit(case: Case) -> Timeline:
    with working(f"Judging {len(case.entries):,} events"):
        timeline = replay(case)
    if timeline.diagnostics:
        fail(list(timeline.diagnostics))
    return timeline


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        paths: Annotated[list[Path], typer.Argument(help="Case directories or files.")],
        json_out: JsonOpt = False,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Validate case directories and charter, journal, bylaws or waterfall files.

        Exit 0 when clean, 1 when errors were found, 2 on a usage error.
        """
        diagnostics = []
        for path in paths:
            if not path.exists():
                usage(f"no such file or directory: {path}")
            diagnostics.extend(check_path(path, allow_outside=allow_outside))
        if json_out:
            print_json({"ok": not diagnostics, "diagnostics": [d.to_json() for d in diagnostics]})
            raise typer.Exit(EXIT_INPUT if diagnostics else 0)
        if diagnostics:
            print_diagnostics(diagnostics)
            raise typer.Exit(EXIT_INPUT)
        console.print(f"ok: {len(paths)} path{'s' if len(paths) != 1 else ''} checked, no errors")

    @app.command("replay")
    def replay_cmd(
        case_dir: Annotated[Path, typer.Argument(help="A case directory (charter.yaml, ...).")],
        bylaws: BylawsOpt = None,
        with_: WithOpt = None,
        json_out: JsonOpt = False,
        detail: Annotated[
            bool,
            typer.Option("--detail", help="After the summary, every act's checks and citations."),
        ] = False,
        act: Annotated[
            list[str] | None,
            typer.Option("--act", help="Only this act's details (its id). Repeatable."),
        ] = None,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="In details, show passed checks too.")
        ] = False,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Replay the journal and judge every act against the bylaws: a line per act first,
        the checks and citations with --detail or --act ID."""
        case = load_or_exit(case_dir, bylaws, with_, allow_outside=allow_outside)
        timeline = replay_or_exit(case)
        if json_out:
            print_json(timeline.to_json())
            return
        known = {v.id for v in timeline.verdicts}
        for ident in act or []:
            if ident not in known:
                guess = did_you_mean(ident, sorted(known))
                usage(
                    f"no act '{ident}' in the journal",
                    f"did you mean '{guess}'?" if guess else "the ids are in the summary",
                )
        names = {p.id: p.name or p.id for p in case.charter.people}
        tz = ZoneInfo(case.charter.timezone)
        if with_:
            base = load_or_exit(case_dir, bylaws, None, allow_outside=allow_outside)
            console.print(what_if_changes(replay_or_exit(base), timeline, names, tz))
            console.print()
        if act:
            print_details(console, timeline, verbose=verbose, only=act)
            return
        console.print(summary(timeline, names, tz))
        if detail:
            print_details(console, timeline, verbose=verbose)
        else:
            console.print(
                "details: --detail (every act), --act ID (one act)", style="dim", markup=False
            )

    @app.command()
    def state(
        case_dir: Annotated[Path, typer.Argument(help="A case directory.")],
        at: Annotated[
            str,
            typer.Option(
                "--at",
                help="ISO date or time; a date means the end "
                "of that day; naive times are in the case timezone.",
            ),
        ],
        view: Annotated[
            View,
            typer.Option(
                "--view", help="de-jure: void acts do not take effect; de-facto: as recorded."
            ),
        ] = View.DE_JURE,
        bylaws: BylawsOpt = None,
        with_: WithOpt = None,
        json_out: JsonOpt = False,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """The board, chair, officers and agreements at a moment."""
        case = load_or_exit(case_dir, bylaws, with_, allow_outside=allow_outside)
        when = parse_time(at, case)
        timeline = replay_or_exit(case)
        st = timeline.state_at(when, view)
        if json_out:
            data = st.to_json()
            data["view"] = view.value
            data["profile"] = timeline.profile
            print_json(data)
            return
        console.print(state_table(st, view))

    register_fmt(app)


def _fmt(path: Path) -> str:
    """Canonical text of a case's merged journal, or of one journal file."""
    if path.is_dir():
        case = load_or_exit(path, None, None)
        return format_entries(case.name, case.entries)
    tz: dt.tzinfo = dt.UTC
    if (path.parent / CHARTER_FILE).is_file():
        charter, _, _ = load_charter(path.parent / CHARTER_FILE)
        if charter is not None:
            tz = ZoneInfo(charter.timezone)
    entries, data, diagnostics = load_journal_file(path, 0, tz)
    if diagnostics:
        fail(diagnostics)
    name = data.get("journal") if isinstance(data, dict) else None
    return format_entries(name, sort_entries(entries))


def register_fmt(app: typer.Typer) -> None:
    @app.command()
    def fmt(
        path: Annotated[Path, typer.Argument(help="A journal file or a case directory.")],
        check: Annotated[
            bool,
            typer.Option(
                "--check",
                help="Exit 1, naming the file, if it is not in canonical form; change nothing.",
            ),
        ] = False,
        write: Annotated[
            bool, typer.Option("--write", help="Rewrite the journal file in place.")
        ] = False,
    ) -> None:
        """Print a journal in canonical form (the form the event store exports)."""
        if not path.exists():
            usage(f"no such file or directory: {path}")
        text = _fmt(path)
        if check:
            if path.is_dir():
                usage("--check takes a journal file, not a case directory")
            if path.read_text(encoding="utf-8") == text:
                return
            error_found(
                f"{path} would change: it is not in canonical form",
                f"charter fmt --write {path} rewrites it (charter fmt {path} shows the result)",
            )
            raise typer.Exit(EXIT_INPUT)
        if write:
            if path.is_dir():
                usage("--write takes a journal file, not a case directory")
            path.write_text(text, encoding="utf-8")
            return
        sys.stdout.write(text)


def parse_time(text: str, case: Case) -> dt.datetime:
    return _parse_time(text, case.tz)
