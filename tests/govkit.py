"""Build small governance cases inline: a charter and a journal written into a directory.

Tests read like the domain (STYLE.md §12): a test writes the few journal events it is about, and
this helper supplies a plain board around them.  The default board has five directors (ann, bob,
cat, dan, eve) on five authorized seats, ann in the chair, and two officers who are not directors:
fay as CEO and gus as CFO.  hal is a person who holds nothing.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter.load.case import load_case
from charter.model.case import Case
from charter.model.source import Diagnostic
from charter.replay import Timeline, Verdict, replay

PEOPLE = ("ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal")
DIRECTORS = ("ann", "bob", "cat", "dan", "eve")
OFFICES = (("ceo", "fay"), ("cfo", "gus"))


def charter_text(
    *,
    profile: str = "delaware-stock",
    directors: Sequence[str] = DIRECTORS,
    seats: int | None = None,
    chair: str | None = "ann",
    offices: Sequence[tuple[str, str]] = OFFICES,
    journal: Sequence[str] = ("journal.yaml",),
    timezone: str = "UTC",
) -> str:
    lines = [
        "charter: test-org",
        f"timezone: {timezone}",
        f"bylaws: {profile}",
        "entities:",
        "  - {id: org, name: Test Org, kind: nonprofit}",
        "people:",
        *(f"  - {{id: {p}, name: {p.title()}}}" for p in PEOPLE),
        "board:",
        "  entity: org",
        f"  authorized_seats: {seats if seats is not None else len(directors)}",
        "  directors:",
        *(f"    - {{person: {d}}}" for d in directors),
    ]
    if chair is not None:
        lines.append(f"  chair: {chair}")
    if offices:
        lines.append("offices:")
        lines.extend(f"  - {{office: {o}, holder: {h}}}" for o, h in offices)
    lines.append("journal: [" + ", ".join(journal) + "]")
    return "\n".join(lines) + "\n"


def write_case(
    root: Path,
    events: str | None = None,
    *,
    journals: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    **charter: Any,
) -> Path:
    """Write ``charter.yaml`` and the journal(s) into ``root``; ``events`` is the indented text
    under ``events:`` of a single ``journal.yaml``."""
    root.mkdir(parents=True, exist_ok=True)
    if journals is None:
        journals = {"journal.yaml": journal_text(events or "")}
    charter.setdefault("journal", tuple(journals))
    (root / "charter.yaml").write_text(charter_text(**charter), encoding="utf-8")
    for name, text in journals.items():
        (root / name).write_text(text, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def journal_text(events: str) -> str:
    """Events text -> a journal file.  Pieces joined with ``+`` may be indented differently;
    each piece (separated by a blank line) is dedented on its own."""
    pieces = re.split(r"\n[ \t]*\n", events)
    body = "\n".join(textwrap.dedent(p).strip("\n") for p in pieces if p.strip())
    if not body:
        return "events: []\n"
    return "events:\n" + textwrap.indent(body, "  ") + "\n"


def load(root: Path, events: str | None = None, **kw: Any) -> tuple[Case | None, list[Diagnostic]]:
    write_case(root, events, **kw)
    return load_case(root)


def scenario(root: Path, events: str, *, bylaws: str | None = None, **kw: Any) -> Timeline:
    """Write the case, load it (failing the test on any loader error) and replay it."""
    write_case(root, events, **kw)
    case, diagnostics = load_case(root, bylaws=bylaws)
    assert case is not None, "\n".join(d.render() for d in diagnostics)
    return replay(case)


def verdict(timeline: Timeline, act_id: str) -> Verdict:
    found = [v for v in timeline.verdicts if v.id == act_id]
    assert len(found) == 1, f"{act_id}: {[v.id for v in timeline.verdicts]}"
    return found[0]


def check(v: Verdict, rule: str) -> Any:
    """The one check of ``rule`` in a verdict."""
    found = [c for c in v.checks if c.rule == rule]
    assert len(found) == 1, f"{rule}: {[c.rule for c in v.checks]}"
    return found[0]


def failed_rules(v: Verdict) -> list[str]:
    return [c.rule for c in v.checks if c.passed is False]


def rendered(diagnostics: Sequence[Diagnostic], root: Path) -> list[str]:
    """Diagnostics rendered with the case directory stripped, so messages can be asserted."""
    prefix = str(root) + "/"
    return sorted(d.render().replace(prefix, "") for d in diagnostics)
