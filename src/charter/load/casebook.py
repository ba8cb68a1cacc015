"""Load a casebook entry: its ``casebook.yaml`` (the court's holdings) and the case beside it,
with located errors for a holding naming an act the journal lacks or a source the file does not
list."""

from __future__ import annotations

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
    for i, holding in enumerate(book.holdings):
        if holding.act not in acts:
            errors.append(
                unknown_ref(
                    locate(parsed.data, ("holdings", i, "act"), label),
                    "act",
                    holding.act,
                    acts,
                    "name the id of an act the replay judges (a motion, a consent's act, a "
                    "resignation, a holders' vote, a structural change)",
                )
            )
        for j, ref in enumerate(holding.sources):
            if ref not in sources:
                errors.append(
                    unknown_ref(
                        locate(parsed.data, ("holdings", i, "sources", j), label),
                        "source",
                        ref,
                        sources,
                        "list it under sources: with its url",
                    )
                )
    people = {p.id for p in case.charter.people}
    for i, office in enumerate(book.in_office):
        for j, person in enumerate(office.holds):
            if person not in people:
                errors.append(
                    unknown_ref(
                        locate(parsed.data, ("in_office", i, "holds", j), label),
                        "person",
                        person,
                        people,
                        "name a person of the case's charter",
                    )
                )
        for j, ref in enumerate(office.sources):
            if ref not in sources:
                errors.append(
                    unknown_ref(
                        locate(parsed.data, ("in_office", i, "sources", j), label),
                        "source",
                        ref,
                        sources,
                        "list it under sources: with its url",
                    )
                )
    return book, (case if not errors else None), errors
