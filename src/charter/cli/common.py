"""What every command shares: consoles, diagnostics printing, exit codes, time parsing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, NoReturn

import typer

from charter.model.source import Diagnostic
from charter.report.terminal import FittingConsole, terminal_width

EXIT_OK = 0
EXIT_INPUT = 1  # the input has errors, or a check found a problem
EXIT_USAGE = 2  # bad option or argument

AllowOutsideOpt = Annotated[
    bool,
    typer.Option(
        "--allow-outside",
        help="Read files the case names outside its directory (absolute paths, '..', "
        "symbolic links out); refused by default.",
    ),
]

console = FittingConsole(highlight=False, width=terminal_width(sys.stdout))
err_console = FittingConsole(stderr=True, highlight=False, width=terminal_width(sys.stderr))
SLOW_S = 2.0
"""Work that takes longer than this shows a progress bar (on a terminal's stderr only)."""


@contextlib.contextmanager
def working(what: str, *, after: float = SLOW_S, force: bool = False) -> Iterator[None]:
    """A progress bar for work that takes more than ``after`` seconds (loading and judging a
    large journal): on standard error, only where it is a terminal (never in piped output or a
    test's captured output, unless ``force``), and gone when the work ends."""
    if not (force or err_console.is_terminal):
        yield
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn(what),
        BarColumn(),  # pulses: the work does not know its own length
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    progress.add_task(what, total=None)
    timer = threading.Timer(after, progress.start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if progress.live.is_started:
            progress.stop()


@contextlib.contextmanager
def counted(what: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar for work that knows its length: yields ``tick(done)``.  On a terminal's
    standard error only, and gone when the work ends."""
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done)


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for d in sorted(diagnostics, key=lambda d: (d.source.path, d.source.line, d.source.column)):
        err_console.print(d.render(), markup=False, soft_wrap=True)
    n = len(diagnostics)
    err_console.print(f"{n} error{'s' if n != 1 else ''} found", style="bold red")


def error_found(message: str, hint: str | None = None) -> None:
    """One error that is not located in a file (a database, a key, a game), said as every
    failing command says it: the error, its hint, then "1 error found"."""
    err_console.print(f"error: {message}", style="red", markup=False, soft_wrap=True)
    if hint:
        err_console.print(f"    hint: {hint}", markup=False, soft_wrap=True)
    err_console.print("1 error found", style="bold red")


def fail(diagnostics: Sequence[Diagnostic]) -> NoReturn:
    print_diagnostics(diagnostics)
    raise typer.Exit(EXIT_INPUT)


def usage(message: str, hint: str | None = None) -> NoReturn:
    err_console.print(f"error: {message}", style="red", markup=False)
    if hint:
        err_console.print(f"    hint: {hint}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_time(text: str, tz: dt.tzinfo, *, end_of_day: bool = True) -> dt.datetime:
    """ISO date or datetime; naive times are in the case's timezone.  A bare date means the end
    of that day, so ``--at 2023-11-18`` shows the state after everything that happened that day."""
    try:
        if "T" in text or " " in text.strip():
            value = dt.datetime.fromisoformat(text)
        else:
            day = dt.date.fromisoformat(text)
            value = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
    except ValueError:
        usage(
            f"'{text}' is not a date or time",
            "use an ISO date (2023-11-18) or time (2023-11-17T12:00, 2023-11-17T12:00-08:00)",
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
