"""``charter check``: recognise what a path is and run the loader that fits it.

The dispatch by file kind lives in the CLI, the one layer that may import every other: the
loaders it picks from sit in ``load`` (charter, journal, profile), ``waterfall`` and ``power``,
and a case is judged by ``replay``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from charter.cli.common import working
from charter.load.case import CHARTER_FILE, load_case, load_charter, load_journal_file
from charter.load.confine import OutsideMode, outside_reason
from charter.load.profiles import load_profile
from charter.located import parse_yaml
from charter.model.source import Diagnostic, Source
from charter.power.game_file import load_game_file
from charter.replay import replay
from charter.waterfall.load import load_waterfall

Checker = Callable[[Path], list[Diagnostic]]


def _case(path: Path, outside: OutsideMode = "refuse") -> list[Diagnostic]:
    """The case's charter, journals and profile, the replay, and the waterfall file it names:
    every file of the case, so that ``check`` passing means each of them loads."""
    with working(f"Checking {path}"):
        case, diagnostics = load_case(path, outside=outside)
        if case is None:
            return diagnostics
        found = list(replay(case).diagnostics)
    if case.charter.waterfall is not None:
        waterfall = Path(case.root) / case.charter.waterfall
        if outside == "read" or outside_reason(case.root, case.charter.waterfall) is None:
            found += load_waterfall(waterfall)[1]
    return found


def _journal(path: Path, outside: OutsideMode = "refuse") -> list[Diagnostic]:
    # A journal beside a charter is checked with its case, so references resolve.
    if (path.parent / CHARTER_FILE).is_file():
        case, diagnostics = load_case(path.parent, extra=[], outside=outside)
        return (
            [
                d
                for d in diagnostics
                if d.source.path == str(path) or Path(d.source.path).resolve() == path.resolve()
            ]
            if case is None
            else []
        )
    _, _, diagnostics = load_journal_file(path, 0, dt.UTC)
    return diagnostics


def _charter(path: Path) -> list[Diagnostic]:
    return load_charter(path)[2]


def _profile(path: Path) -> list[Diagnostic]:
    return load_profile(str(path))[1]


def _waterfall(path: Path) -> list[Diagnostic]:
    return load_waterfall(path)[1]


def _weighted_game(path: Path) -> list[Diagnostic]:
    return load_game_file(str(path))[1]


# Top-level key -> checker, in order; the first key present decides.
FILE_KINDS: list[tuple[str, Checker]] = [
    ("charter", _charter),
    ("events", _journal),
    ("profile", _profile),
    ("waterfall", _waterfall),
    ("players", _weighted_game),
]


def check_path(path: Path, *, allow_outside: bool = False) -> list[Diagnostic]:
    """Check one path; a case (or a journal checked with its case) may read files outside its
    directory only with ``allow_outside`` (charter.load.confine)."""
    outside: OutsideMode = "read" if allow_outside else "refuse"
    if path.is_dir():
        return _case(path, outside)
    parsed = parse_yaml(path)
    if isinstance(parsed.data, dict):
        # A syntax error in one block does not hide the others: the kind's checker reports all.
        keys = set(parsed.data) | {str(loc[0]) for loc in parsed.broken}
        for key, checker in FILE_KINDS:
            if key in keys:
                return _journal(path, outside) if checker is _journal else checker(path)
    if parsed.errors:
        return parsed.errors
    kinds = ", ".join(k for k, _ in FILE_KINDS)
    return [
        Diagnostic(
            source=Source(path=str(path), line=1),
            message="not a Charter file: no top-level key tells what it is",
            hint=f"a Charter file starts with one of: {kinds}",
        )
    ]
