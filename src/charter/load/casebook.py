"""Load a casebook entry: its ``casebook.yaml`` (the court's holdings) and the case beside it,
with located errors for a holding naming an act the journal lacks or a source the file does not
list."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from charter.load.case import load_case
from charter.located import locate, parse_mapping, unknown_ref, validate
from charter.model.case import Case
from charter.model.casebook import CasebookFile
from charter.model.source import Diagnostic
from charter.model.structure_events import STRUCTURAL_KINDS

CASEBOOK_FILE = "casebook.yaml"
JUDGED = frozenset(
    {"motion", "resignation", "holders-vote", "holder-election", "holder-removal"}
    | set(STRUCTURAL_KINDS)
)
"""The events the replay gives a verdict of their own (a consent's acts are judged too)."""
_PERSON_HINT = "name a person of the case's charter"
Loc = tuple[tuple[str | int, ...], str]
"""Where in the file (the key path), and the id named there."""
_ACT_HINT = (
    "name the id of an act the replay judges (a motion, a consent's act, a resignation, a "
    "holders' vote, a structural change)"
)


def is_casebook_case(path: Path) -> bool:
    return (path / CASEBOOK_FILE).is_file()


def casebook_cases(root: Path) -> list[Path]:
    """The casebook's case directories under ``root`` (itself one, or its subdirectories)."""
    if is_casebook_case(root):
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if is_casebook_case(p))


def load_casebook_case(
    case_dir: Path,
) -> tuple[CasebookFile | None, Case | None, list[Diagnostic]]:
    path = case_dir / CASEBOOK_FILE
    label = str(path)
    parsed = parse_mapping(path, "a casebook entry", "case: NAME")
    if parsed.errors:
        return None, None, parsed.all_errors(CasebookFile, label)
    book, errors = validate(CasebookFile, parsed.data, label)
    case, case_errors = load_case(case_dir)
    errors = [*errors, *case_errors]
    if book is None or case is None:
        return book, case, errors
    acts = {e.event.id for e in case.entries if e.event.id and e.event.kind in JUDGED} | {
        a.id for e in case.entries for a in getattr(e.event, "acts", ()) if getattr(a, "id", None)
    }
    sources = {s.id for s in book.sources}
    people = {p.id for p in case.charter.people}

    def refs(named: Iterable[Loc], what: str, known: set[str], hint: str) -> None:
        for loc, ref in named:
            if ref not in known:
                errors.append(unknown_ref(locate(parsed.data, loc, label), what, ref, known, hint))

    def each(loc: tuple[str | int, ...], values: tuple[str, ...]) -> list[Loc]:
        return [((*loc, j), value) for j, value in enumerate(values)]

    listed = "list it under sources: with its url"
    for i, holding in enumerate(book.holdings):
        refs([(("holdings", i, "act"), holding.act)], "act", acts, _ACT_HINT)
        refs(each(("holdings", i, "sources"), holding.sources), "source", sources, listed)
    for i, office in enumerate(book.in_office):
        refs(each(("in_office", i, "holds"), office.holds), "person", people, _PERSON_HINT)
        refs(each(("in_office", i, "sources"), office.sources), "source", sources, listed)
    return book, (case if not errors else None), errors
