"""The casebook's table: in the terminal (fits 80 columns: the citations follow as notes), as
Markdown for the docs, and the tally line both end with."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.table import Table

from charter.report.casebook import Row, tally

_MARK = {"agrees": "yes", "differs": "NO", "limit": "limit", "stale limit": "stale"}
"""An agreement in a table's narrow column."""
AGREEMENT_WORD = {
    "agrees": "agrees",
    "differs": "DIFFERS",
    "limit": "a limit",
    "stale limit": "stale limit",
}
"""An agreement in running text (the terminal's two-line rows, --detail, the Casebook page)."""


def short_case(name: str) -> str:
    """``Fogel v. U.S. Energy Systems, Inc.`` -> ``Fogel``: the first party's first word."""
    return name.split(" v. ")[0].split(",")[0].split(" ")[0]


def _people_cells(row: Row) -> tuple[str, str]:
    """The court's and Charter's answers for the terminal: a board of eleven is a count, and
    Charter's answer the same or what differs (the JSON and Markdown name everyone)."""
    held = [p for p in row.held.split(", ") if p != "vacant"]
    found = [p for p in row.charter.split(", ") if p != "vacant"]
    if row.kind != "office" or (len(held) <= 3 and len(found) <= 3):
        return row.held, row.charter.replace("_", " ")
    if set(held) == set(found):
        return f"{len(held)} people", "the same"
    extra = sorted(set(found) - set(held))
    missing = sorted(set(held) - set(found))
    parts = ([f"also {', '.join(extra)}"] if extra else []) + (
        [f"not {', '.join(missing)}"] if missing else []
    )
    return f"{len(held)} people", "; ".join(parts)


WIDE = 110
"""From this many columns the table has a column per field; below, two lines per holding."""


def casebook_table(rows: Sequence[Row], width: int = WIDE) -> Table:
    """The table for a terminal ``width`` wide: a column per field where they fit, else the
    act on one line and the court's holding, Charter's verdict, the agreement and the rule on
    the next (an 80-column terminal must not fold the rule's name in two)."""
    if width < WIDE:
        narrow = Table(show_header=False, box=None, pad_edge=False)
        narrow.add_column("case", no_wrap=True)
        narrow.add_column("holding", overflow="fold")
        for row in rows:
            court, charter = _people_cells(row)
            narrow.add_row(
                short_case(row.case),
                f"{row.act}\n  court {court} · Charter {charter} · "
                f"{AGREEMENT_WORD[row.agreement]} · {row.rule}",
            )
        return narrow
    table = Table(title=None, show_lines=False)
    table.add_column("case", no_wrap=True)
    table.add_column("act", overflow="fold")
    table.add_column("court", overflow="fold")
    table.add_column("Charter", overflow="fold")
    table.add_column("agree", no_wrap=True)
    table.add_column("decided by", overflow="fold")
    for row in rows:
        court, charter = _people_cells(row)
        table.add_row(short_case(row.case), row.act, court, charter, _MARK[row.agreement], row.rule)
    return table


def tally_line(rows: Sequence[Row]) -> str:
    t = tally(rows)
    cases = len({r.directory for r in rows})
    line = (
        f"{t['agrees']} of {t['holdings']} holdings agree with the courts "
        f"({cases} case{'s' if cases != 1 else ''})"
    )
    if t["limit"]:
        line += f"; {t['limit']} differ for a documented limit"
    if t["differs"]:
        line += f"; {t['differs']} DIFFER"
    if t["stale limit"]:
        line += f"; {t['stale limit']} agree but still list a limit (remove it)"
    return line


def casebook_markdown(rows: Sequence[Row]) -> list[str]:
    out = [
        "| case | act | court | Charter | agree | decided by | citation |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        citation = row.citation.replace("|", "\\|") or "-"
        act = f"`{row.act}` ({row.journal.split('/')[-1]})" if row.kind == "act" else row.act
        out.append(
            f"| {row.case} | {act} | {row.held} | "
            f"{row.charter.replace('_', ' ')} | {_MARK[row.agreement]} | `{row.rule}` | "
            f"{citation} |"
        )
    limits = [r for r in rows if r.limit]
    if limits:
        out += ["", "Limits (a verdict that differs from the court's, and why):", ""]
        out += [f"- {short_case(r.case)}, `{r.act}`: {r.limit}" for r in limits]
    out += ["", tally_line(rows) + "."]
    return out


def casebook_details(rows: Sequence[Row], width: int = 80) -> list[str]:
    """Each holding in full, wrapped to ``width`` with hanging indents: the court's ground,
    Charter's deciding check with what it found and what it cites, the journal line, and the
    limit where one is written."""

    def para(label: str, text: str) -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width=max(width, 40),
            initial_indent=f"  {label}: ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )

    out: list[str] = []
    for row in rows:
        decided = f", by {row.rule}: {row.detail}" if row.detail else f" ({row.rule})"
        out += [
            "",
            textwrap.fill(
                f"{short_case(row.case)} · {row.act} · {row.journal}",
                width=max(width, 40),
                subsequent_indent="  ",
                break_on_hyphens=False,
            ),
            para("court", f"{row.held}. {row.ground}"),
            para("Charter", row.charter.replace("_", " ") + decided),
        ]
        if row.citation:
            out.append(para("cites", row.citation))
        if row.limit:
            out.append(para("limit", row.limit))
        out.append(f"  {AGREEMENT_WORD[row.agreement]}")
    return out
