"""Render verdicts and states: rich text for people, JSON with a documented schema for programs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from charter.model.kinds import Outcome, Status, View
from charter.model.state import State
from charter.model.structure import Structure
from charter.replay import Timeline, Verdict
from charter.report.terminal import human_time

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


def print_details(
    console: Console,
    timeline: Timeline,
    *,
    verbose: bool = False,
    only: Iterable[str] | None = None,
) -> None:
    """The panels: every act that is not plainly valid (or every act with ``verbose``), or the
    acts named in ``only`` whatever their status."""
    wanted = set(only) if only is not None else None
    for v in timeline.verdicts:
        if wanted is not None and v.id not in wanted:
            continue
        if wanted is not None or verbose or v.status not in (Status.VALID,):
            console.print(verdict_panel(v, verbose=verbose))


def print_timeline(
    console: Console,
    timeline: Timeline,
    *,
    verbose: bool = False,
    only: Iterable[str] | None = None,
) -> None:
    console.print(timeline_table(timeline))
    print_details(console, timeline, verbose=verbose, only=only)


def state_table(state: State, view: View) -> Table:
    table = Table(
        title=f"State at {human_time(state.at) if state.at else '?'} ({view.value})",
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
        terms = "".join(f"; {k}: {v}" for k, v in agreement.terms)
        table.add_row(agreement.id, agreement.to_json()["scope"] + terms)
    table.add_row("bylaws", state.bylaws_ref)
    for label, text in structure_rows(state.structure):
        table.add_row(label, text)
    return table


def structure_rows(
    s: Structure, names: Mapping[str, str] | None = None, *, entities: bool = True
) -> list[tuple[str, str]]:
    """The structure beside the board, a row for each thing a reader asks about: the entities
    (with what they were), who controls whom, each paying entity's economics, the rights over
    boards, observers, committees and other boards.  ``names``: ids to names (the web page's
    readers see names; the terminal keeps the ids the journal uses)."""

    def n(ident: str) -> str:
        return names.get(ident, ident) if names else ident

    rows: list[tuple[str, str]] = []
    if entities:
        for e in s.entities:
            was = f"; formerly {', '.join(e.formerly)}" if e.formerly else ""
            rows.append((f"entity {e.id}", f"{e.name} ({e.kind}, {e.jurisdiction}){was}"))
        for controller, controlled, how in s.controls:
            text = f"{n(controller)} controls {n(controlled)}" + (f": {how}" if how else "")
            rows.append(("control", text))
    for era in s.economics:
        since = f"since {era.since}" if era.since else "as the charter sets it"
        holders = "; ".join(f"{n(i.holder)}: {i.kind}" for i in era.interests) or "none recorded"
        rows.append((f"economics of {n(era.entity)}", f"{since}: {holders}"))
        if era.waterfall:
            rows.append(("  waterfall", era.waterfall))
        for w in era.warrants:
            fraction = "an unknown fraction" if isinstance(w.fraction, str) else f"{w.fraction:.1%}"
            rows.append(
                (
                    "  warrant",
                    f"{n(w.holder)}: {fraction} more once the value is "
                    f"{w.vests_when.multiple:g}x within {w.vests_when.within_years:g} years",
                )
            )
    exclusive = {True: "exclusive", False: "not exclusive", None: "exclusivity unknown"}
    for r in s.rights:
        matters = f" ({r.matters})" if r.matters else ""
        via = f", via {r.via}" if r.via else ""
        rows.append(
            (
                f"right: {r.right}",
                f"{n(r.holder)} over {n(r.over)}{matters}, {exclusive[r.exclusive]}{via}",
            )
        )
    for person, board, for_ in s.observers:
        text = f"{n(person)} at the board of {n(board)}" + (f" for {n(for_)}" if for_ else "")
        rows.append(("observer", text))
    for c in s.committees:
        chair = f", chair {n(c.chair)}" if c.chair else ""
        independent = ", independent" if c.independent else ""
        powers = f"; powers: {'; '.join(c.powers)}" if c.powers else ""
        members = ", ".join(n(m) for m in c.members)
        rows.append(
            (
                f"committee {c.id}",
                f"{c.name} of the board of {n(c.board)}{independent}: {members}{chair}{powers}",
            )
        )
    for b in s.boards:
        directors = ", ".join(f"{n(d)} (chair)" if d == b.chair else n(d) for d in b.directors)
        rows.append((f"board of {n(b.entity)}", f"{directors}  [{len(b.directors)}]"))
    return rows


def one_line_reason(v: Verdict) -> str:
    """Why the act stands as it does, in a line: the rules that failed, or the facts the
    record does not give; the panel (``--detail``) says the rest."""
    failed = [c.rule for c in v.checks if c.outcome is Outcome.FAILED]
    if v.status in (Status.VOID, Status.VOIDABLE, Status.FAILED) and failed:
        return "failed: " + ", ".join(dict.fromkeys(failed))
    if v.status is Status.CONDITIONAL and v.missing_facts:
        more = len(v.missing_facts) - 2
        shown = "; ".join(v.missing_facts[:2])
        return "unknown: " + shown + (f" (and {more} more)" if more > 0 else "")
    if v.status is Status.VALID_WITH_WARNINGS:
        warned = [c.rule for c in v.checks if c.outcome is not Outcome.PASSED]
        return "warnings: " + ", ".join(dict.fromkeys(warned))
    return ""


def named_subject(v: Verdict, names: Mapping[str, str]) -> str:
    """The act's subject in names (``Sam Altman as ceo``), ids where the case gives no name."""
    s = v.subject
    person = names.get(s.person, s.person) if s.person else None
    if person and s.office:
        return f"{person} as {s.office}"
    return person or v.description or ""


def summary(timeline: Timeline, names: Mapping[str, str], tz: dt.tzinfo | None = None) -> Group:
    """One entry per act: time, act, subject in names, status, and the one-line reason."""
    lines: list[RenderableType] = [Text(f"Acts under {timeline.profile}", style="bold")]
    for v in timeline.verdicts:
        line = Text(f"{human_time(v.at, tz)}  ")
        line.append(v.id + (" (what-if)" if v.hypothetical else ""), style="bold")
        line.append(": ")
        line.append_text(status_text(v.status, v.declared))
        lines.append(line)
        about = Text(f"{v.kind.value} {named_subject(v, names)}".strip())
        reason = one_line_reason(v)
        if reason:
            about.append(f" · {reason}", style="dim")
        lines.append(Padding(about, (0, 0, 0, 4), expand=False))
    return Group(*lines)


def what_if_changes(
    before: Timeline,
    after: Timeline,
    names: Mapping[str, str],
    tz: dt.tzinfo | None = None,
) -> Group:
    """What a ``--with`` journal changes, before anything else: the acts it adds, the acts
    whose verdict it changes, and what differs in the state at the end (the board, officers,
    an agreement's scope)."""
    lines: list[Text] = [Text("What the what-if changes", style="bold")]
    old = {v.id: v for v in before.verdicts}
    for v in after.verdicts:
        if v.id not in old:
            what = f"{v.kind.value} {named_subject(v, names)}".strip()
            line = Text(f"  added: {human_time(v.at, tz)} {v.id} ({what}): ")
            line.append_text(status_text(v.status, v.declared))
            lines.append(line)
        elif old[v.id].status is not v.status:
            line = Text(f"  changed: {v.id}: ")
            line.append_text(status_text(old[v.id].status, old[v.id].declared))
            line.append(" -> ")
            line.append_text(status_text(v.status, v.declared))
            lines.append(line)
    end = max((v.at for v in after.verdicts), default=None)
    if end is not None:
        was, now = before.state_at(end).to_json(), after.state_at(end).to_json()
        for key in now:
            if key != "at" and was.get(key) != now.get(key):
                lines.extend(_state_change(key, was.get(key), now.get(key)))
    if len(lines) == 1:
        lines.append(Text("  nothing: every verdict and the state at the end are the same"))
    return Group(*lines)


def _state_change(key: str, was: object, now: object) -> list[Text]:
    if isinstance(was, dict) and isinstance(now, dict):
        out: list[Text] = []
        for sub in sorted(set(was) | set(now)):
            if was.get(sub) != now.get(sub):
                out.extend(_state_change(f"{key} {sub}", was.get(sub), now.get(sub)))
        return out
    return [Text(f"  {key}: {_short(was)} -> {_short(now)}")]


def _short(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_short(x) for x in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_short(v)}" for k, v in value.items())
    return "none" if value is None else str(value)
