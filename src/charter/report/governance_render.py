"""Render verdicts and states: rich text for people, JSON with a documented schema for programs."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from charter.model.kinds import Outcome, Status, View
from charter.model.state import State
from charter.replay import Timeline, Verdict

STATUS_STYLE = {
    Status.VALID: "bold green",
    Status.VALID_WITH_WARNINGS: "green",
    Status.CONDITIONAL: "bold yellow",
    Status.VOIDABLE: "bold dark_orange",
    Status.VOID: "bold red",
    Status.FAILED: "bold magenta",
}
OUTCOME_MARK = {
    Outcome.PASSED: ("✓", "green"),
    Outcome.FAILED: ("✗", "red"),
    Outcome.UNKNOWN: ("?", "yellow"),
}


def status_text(status: Status, declared: str = "adopted") -> Text:
    """The status, and what the organisation declared where that is not "adopted" (a consent
    never completed says "not adopted", as the JSON's ``declared`` does)."""
    text = Text(status.value, style=STATUS_STYLE[status])
    if declared == "not adopted":
        text.append(" (not adopted)")
    elif declared != "adopted":
        text.append(f" (declared {declared})")
    return text


def subject_label(v: Verdict) -> str:
    s = v.subject
    if s.person and s.office:
        return f"{s.person} as {s.office}"
    return s.person or v.description or ""


def timeline_table(timeline: Timeline, *, title: str | None = None) -> Table:
    table = Table(
        title=title or f"Acts under {timeline.profile}", show_lines=False, header_style="bold"
    )
    table.add_column("when")
    table.add_column("act")
    table.add_column("kind")
    table.add_column("subject")
    table.add_column("form")
    table.add_column("status")
    table.add_column("journal", style="dim")
    for v in timeline.verdicts:
        table.add_row(
            v.at.strftime("%Y-%m-%d %H:%M"),
            v.id + (" (what-if)" if v.hypothetical else ""),
            v.kind.value,
            subject_label(v),
            v.form,
            status_text(v.status, v.declared),
            f"{v.source.path.rsplit('/', 1)[-1]}:{v.source.line}",
        )
    return table


def verdict_panel(v: Verdict, *, verbose: bool = False) -> Panel:
    lines: list[Text] = []
    for c in v.checks:
        if not verbose and c.outcome is Outcome.PASSED:
            continue
        mark, style = OUTCOME_MARK[c.outcome]
        line = Text(f" {mark} ", style=style)
        line.append(f"{c.rule}", style="bold")
        line.append(f" [{c.severity.value}] ", style="dim")
        line.append(c.detail)
        if c.citation:
            line.append(f"  [{c.citation}]", style="italic dim")
        lines.append(line)
    if v.missing_facts:
        lines.append(Text(" missing facts: " + "; ".join(v.missing_facts), style="yellow"))
    lines.append(
        Text(f" journal {v.source}" + (f" · {v.evidence}" if v.evidence else ""), style="dim")
    )
    title = Text.assemble(
        f"{v.id}: {v.kind.value} {subject_label(v)} — ", status_text(v.status, v.declared)
    )
    return Panel(
        Group(*lines),
        title=title,
        title_align="left",
        border_style=STATUS_STYLE[v.status].replace("bold ", ""),
    )


def print_timeline(
    console: Console,
    timeline: Timeline,
    *,
    verbose: bool = False,
    only: Iterable[str] | None = None,
) -> None:
    console.print(timeline_table(timeline))
    wanted = set(only) if only is not None else None
    for v in timeline.verdicts:
        if wanted is not None and v.id not in wanted:
            continue
        if verbose or v.status not in (Status.VALID,):
            console.print(verdict_panel(v, verbose=verbose))


def state_table(state: State, view: View) -> Table:
    table = Table(
        title=f"State at {state.at.isoformat() if state.at else '?'} ({view.value})",
        show_header=False,
    )
    table.add_column("", style="bold")
    table.add_column("")
    directors = ", ".join(
        f"{d} (chair)" if d == state.chair else d for d in sorted(state.directors)
    )
    table.add_row(
        "directors", f"{directors}  [{len(state.directors)} of {state.authorized_seats} seats]"
    )
    table.add_row("chair", state.chair or "—")
    for office, holder in state.officers:
        table.add_row(office, holder)
    for agreement in state.agreements:
        table.add_row(agreement.id, agreement.to_json()["scope"])
    table.add_row("bylaws", state.bylaws_ref)
    return table
