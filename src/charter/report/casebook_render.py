"""The casebook's table: in the terminal (fits 80 columns: the citations follow as notes), as
Markdown for the docs, and the tally line both end with."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from charter.report.casebook import Row, tally

_MARK = {"agrees": "yes", "differs": "NO", "limit": "limit", "stale limit": "stale"}


def short_case(name: str) -> str:
    """``Fogel v. U.S. Energy Systems, Inc.`` -> ``Fogel``: the first party's first word."""
    return name.split(" v. ")[0].split(",")[0].split(" ")[0]


def casebook_table(rows: Sequence[Row]) -> Table:
    table = Table(title=None, show_lines=False)
    table.add_column("case", no_wrap=True)
    table.add_column("act", overflow="fold")
    table.add_column("court", overflow="fold")
    table.add_column("Charter", overflow="fold")
    table.add_column("agree", no_wrap=True)
    table.add_column("decided by", overflow="fold")
    for row in rows:
        table.add_row(
            short_case(row.case),
            row.act,
            row.held,
            row.charter.replace("_", " "),
            _MARK[row.agreement],
            row.rule,
        )
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
