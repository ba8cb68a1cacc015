"""``charter demo``: the bundled OpenAI 2023 case end to end - a job that prints and writes its
report, then ends."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.rule import Rule
from rich.table import Table

from charter.cli.board_power import power_blocks
from charter.cli.common import console, fail, usage
from charter.cli.governance_cmd import parse_time
from charter.load.case import load_case
from charter.load.profiles import load_profile
from charter.model.case import Case
from charter.model.kinds import ActKind, View
from charter.model.state import State
from charter.power.board import board_power
from charter.replay import Timeline, replay
from charter.report.control import case_names, control_vs_economics, load_for_report
from charter.report.control_render import control_markdown, control_table, write_control_chart
from charter.report.governance_render import state_table, status_text, verdict_panel
from charter.report.waterfall_render import demo_section

DEMO_PROFILES = ("openai-2016-reported", "delaware-nonstock", "delaware-stock", "roberts-rules")
KEY_ACT = "remove-altman-ceo"


def bundled_case_dir() -> Path:
    """examples/openai-2023 of the checkout this package runs from (``make demo`` installs it
    in editable mode), shown relative to the working directory so journal lines read well."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples" / "openai-2023"
        if (candidate / "charter.yaml").is_file():
            try:
                return candidate.relative_to(Path.cwd())
            except ValueError:
                return candidate
    usage(
        "the bundled case examples/openai-2023 was not found",
        "run charter demo from a checkout of the Charter repository (make demo)",
    )


def _replays(case: Case) -> dict[str, Timeline]:
    out: dict[str, Timeline] = {}
    for name in DEMO_PROFILES:
        bylaws, diagnostics = load_profile(name)
        if bylaws is None:
            fail(diagnostics)
        out[name] = replay(case, bylaws=bylaws)
    return out


def _comparison(timelines: dict[str, Timeline]) -> Table:
    table = Table(title="Every act of the journal under four bylaws profiles", header_style="bold")
    table.add_column("when")
    table.add_column("act")
    for name in timelines:
        table.add_column(name)
    # Each profile lists its acts in time order, and a consent's time can differ between
    # profiles (completed at one signature under one, never under another): match acts by id.
    by_id = [{v.id: v for v in t.verdicts} for t in timelines.values()]
    first = next(iter(timelines.values()))
    for v in first.verdicts:
        row: list[Any] = [v.at.strftime("%Y-%m-%d %H:%M"), v.id]
        for verdicts in by_id:
            other = verdicts.get(v.id)
            row.append(status_text(other.status, other.declared) if other else "—")
        table.add_row(*row)
    return table


def run_demo(out: Path) -> int:
    case_dir = bundled_case_dir()
    case, diagnostics = load_case(case_dir)
    if case is None:
        fail(diagnostics)
    out.mkdir(parents=True, exist_ok=True)
    report: list[str] = [
        "# Charter demo: the OpenAI board crisis of November 2023, and the structure to 2026",
        "",
        f"Case: `{case_dir}`. Every journal entry cites its public source; "
        "facts the record does not give are `unknown`.",
        "",
    ]

    console.print(Rule("[bold]1. Replay and judge[/bold]"))
    timelines = _replays(case)
    console.print(_comparison(timelines))
    report += [
        "## Verdicts under four bylaws profiles",
        "",
        "| when | act | " + " | ".join(timelines) + " |",
        "|---|---|" + "---|" * len(timelines),
    ]
    first = next(iter(timelines.values()))
    by_id = [{w.id: w for w in t.verdicts} for t in timelines.values()]
    for v in first.verdicts:
        cells = " | ".join(
            verdicts[v.id].status.value if v.id in verdicts else "—" for verdicts in by_id
        )
        report.append(f"| {v.at:%Y-%m-%d %H:%M} | {v.id} | {cells} |")
    report.append("")
    for name, timeline in timelines.items():
        (out / f"replay-{name}.json").write_text(
            json.dumps(timeline.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    console.print(Rule("[bold]2. Why: the 17 November removal of Altman as CEO[/bold]"))
    report += ["## The 17 November removal of Altman as CEO", ""]
    for name in ("openai-2016-reported", "delaware-nonstock"):
        verdict = next(v for v in timelines[name].verdicts if v.id == KEY_ACT)
        console.print(f"[bold]under {name}[/bold]")
        console.print(verdict_panel(verdict))
        report.append(f"### Under `{name}`: **{verdict.status.value}**")
        report.append("")
        for c in verdict.checks:
            if c.passed is not True:
                mark = "failed" if c.passed is False else "unknown"
                report.append(
                    f"- `{c.rule}` ({mark}, {c.severity.value}): {c.detail} [{c.citation}]"
                )
        if verdict.missing_facts:
            report.append("- missing facts: " + "; ".join(verdict.missing_facts))
        report.append("")

    console.print(Rule("[bold]3. The state over time[/bold]"))
    report += ["## The board over time", ""]
    for when, name, view in (
        ("2023-11-18", "openai-2016-reported", View.DE_FACTO),
        ("2023-11-30", "openai-2016-reported", View.DE_FACTO),
        ("2023-11-30", "delaware-nonstock", View.DE_JURE),
    ):
        st = timelines[name].state_at(parse_time(when, case), view)
        console.print(f"[bold]{when}, {view.value}, under {name}[/bold]")
        console.print(state_table(st, view))
        data = st.to_json()
        (out / f"state-{when}-{view.value}-{name}.json").write_text(
            json.dumps(data, indent=2) + "\n", encoding="utf-8"
        )
        report.append(f"- {when} ({view.value}, {name}): {board_line(st, case_names(case))}")
    report.append("")

    what_if = case_dir / "what-if-agi.yaml"
    if what_if.is_file():
        console.print(Rule("[bold]4. What if the board determines AGI?[/bold]"))
        hypo, diagnostics = load_case(case_dir, extra=[what_if])
        if hypo is None:
            fail(diagnostics)
        tl = replay(hypo)
        verdict = next(v for v in tl.verdicts if v.kind is ActKind.DETERMINE_AGI)
        st = tl.state_at(parse_time("2024-06-02", hypo), View.DE_JURE)
        scope = st.to_json()["agreements"]["microsoft-ip-licence"]["scope"]
        console.print(f"determine-agi at {verdict.at:%Y-%m-%d}: ", status_text(verdict.status))
        console.print(f"microsoft-ip-licence scope afterwards: {scope}")
        report += [
            "## What if: an AGI determination",
            "",
            f"`{what_if.name}`: determine-agi is **{verdict.status.value}**; the licence "
            f"scope becomes: {scope}.",
            "",
        ]

    console.print(Rule("[bold]5. Who could remove the CEO on 16 November?[/bold]"))
    at = parse_time("2023-11-16", case)
    timeline = timelines["openai-2016-reported"]
    state = timeline.state_at(at, View.DE_JURE)
    results = board_power(
        state, at, [ActKind.REMOVE_OFFICER, ActKind.REMOVE_DIRECTOR, ActKind.REMOVE_CHAIR]
    )
    console.print(power_blocks(results, ["altman", "brockman"]))
    ceo = results[0]
    avoiding = ceo.without(["altman", "brockman"])
    console.print(
        "[bold]able to remove the CEO without altman and brockman:[/bold] "
        + "; ".join("{" + ", ".join(c) + "}" for c in avoiding)
    )
    report += [
        "## Power on 16 November (openai-2016-reported)",
        "",
        f"Minimal winning coalitions to remove the CEO: {len(ceo.minimal_winning)}; "
        "without Altman and Brockman: " + "; ".join("{" + ", ".join(c) + "}" for c in avoiding),
        "",
    ]

    for section in EXTRA_SECTIONS:
        report += section(case, out)

    path = out / "report.md"
    path.write_text("\n".join(report) + "\n", encoding="utf-8")
    console.print(Rule())
    console.print(f"report written to {path} (and JSON beside it)")
    return 0


def board_line(state: State, names: dict[str, str]) -> str:
    """``directors Adam D'Angelo, ...; chair Bret Taylor; CEO Sam Altman`` in names, and in words
    where a seat is empty (``no chair``, ``no CEO``) - never an id, never ``None``."""
    directors = ", ".join(sorted(names.get(d, d) for d in state.directors)) or "none"
    chair = f"chair {names.get(state.chair, state.chair)}" if state.chair else "no chair"
    ceo = state.holder("ceo")
    chief = f"CEO {names.get(ceo, ceo)}" if ceo else "no CEO"
    return f"directors {directors}; {chair}; {chief}"


def _waterfall_section(case: Case, out: Path) -> list[str]:
    if case.charter.waterfall is None:
        return []
    console.print(Rule("[bold]6. The money: the reported 2023 waterfall[/bold]"))
    return demo_section(Path(case.root) / case.charter.waterfall, out, console)


def _control_section(case: Case, out: Path) -> list[str]:
    if case.charter.waterfall is None:
        return []
    console.print(Rule("[bold]7. Control against economics[/bold]"))
    loaded, diagnostics = load_for_report(Path(case.root) / case.charter.waterfall)
    if loaded is None:
        fail(diagnostics)
    timeline = replay(case)
    state = timeline.state_at(parse_time("2023-11-16", case), View.DE_JURE)
    profile = timeline.profile
    amounts = [Fraction(10**9), Fraction(13 * 10**9), Fraction(100 * 10**9), Fraction(500 * 10**9)]
    report = control_vs_economics(case, state, loaded, amounts=amounts, margins=amounts[:2])
    console.print(control_table(report))
    chart = write_control_chart(report, out / "control-vs-economics.png")
    console.print(f"chart written to {chart}")
    return [
        "## Control against economics (16 November 2023)",
        "",
        *control_markdown(report, profile),
        "",
        f"![control against economics]({chart.name})",
        "",
    ]


def _structure_section(case: Case, out: Path) -> list[str]:
    """2024-2026: the structure at the start of 2026, control against economics across the
    recapitalization, who can remove the PBC's CEO, and each era's claims valued alike."""
    from charter.power.structure_power import routes
    from charter.report.eras import control_over
    from charter.report.eras_render import eras_table, write_eras_chart
    from charter.report.governance_render import structure_rows
    from charter.valuation import Lognormal, closed_form
    from charter.waterfall import compile_curves

    if case.charter.waterfall is None:
        return []
    timeline = replay(case)
    start, end = parse_time("2023-01-01", case), parse_time("2026-06-30", case)
    later = timeline.state_at(parse_time("2026-01-01", case), View.DE_JURE)
    if not later.structure.economics or later.structure.economics[0].since is None:
        return []  # the journal records no change of the structure
    console.print(Rule("[bold]8. The structure changes: 2024-2026[/bold]"))
    names = case_names(case) | {e.id: e.name for e in later.structure.entities}
    rows = structure_rows(later.structure, names, entities=False)
    table = Table(title="Beside the board on 1 January 2026", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for label, text in rows:
        table.add_row(label, text)
    console.print(table)

    def load(file: str) -> Any:
        loaded, diagnostics = load_for_report(Path(case.root) / file)
        if loaded is None:
            fail(diagnostics)
        return loaded

    amounts = [Fraction(10**9), Fraction(100 * 10**9), Fraction(500 * 10**9)]
    eras = control_over(case, timeline, start, end, load, amounts=amounts, margins=())
    console.print(eras_table(eras, amounts))
    chart = write_eras_chart(eras, out / "control-over-time.png", end)
    console.print(f"chart written to {chart}")
    model = Lognormal(value=500e9, vol=0.6, rate=0.04, horizon=10)
    values = {}
    for era in eras:
        priced = closed_form(compile_curves(load(era.waterfall).waterfall), model)
        values[era.waterfall] = {p.party: p.value for p in priced.parties}
    report = [
        "## The structure changes, 2024-2026",
        "",
        "On 1 January 2026, beside the board:",
        "",
        *(f"- {label.strip()}: {text}" for label, text in rows),
        "",
        f"![control against economics over time]({chart.name})",
        "",
        "| from | party | votes | first dollar | money at $100B |",
        "|---|---|---|---|---|",
    ]
    for era in eras:
        for p in era.report.parties:
            report.append(
                f"| {era.start:%Y-%m-%d} | {p.name} | {float(p.votes):.1%} | "
                f"{float(p.first):.1%} | {float(p.money[1][1]):.1%} |"
            )
    report += [
        "",
        "Value today of each claim under the same lognormal inputs ($500B, vol 60%, rate 4%, "
        "10 years; a model, not advice):",
        "",
        "| party | " + " | ".join(values) + " |",
        "|---|" + "---|" * len(values),
    ]
    parties = list(dict.fromkeys(p for v in values.values() for p in v))
    shown = {p.id: p.name for era in eras for p in era.report.parties}
    for party in parties:
        cells = " | ".join(
            f"${v[party] / 1e9:,.1f}B" if party in v else "—" for v in values.values()
        )
        report.append(f"| {shown.get(party, party)} | {cells} |")
    console.print("Who can remove the CEO of OpenAI Group PBC on 1 January 2026:")
    for route in routes(later.structure, "openai-global", case.charter.board.entity, names):
        how = "its own board" if not route.path else " -> ".join(route.path)
        console.print(f"  the board of {names.get(route.body, route.body)}, via {how}",
                      markup=False)  # fmt: skip
    report += ["", "Who can remove the PBC's CEO (2026): `charter power examples/openai-2023 "
               "--entity openai-global --act remove-officer --at 2026-01-01`.", ""]  # fmt: skip
    return report


def _casebook_section(case: Case, out: Path) -> list[str]:
    """The courts' own test set: every casebook decision replayed, the court's holding beside
    Charter's verdict (docs/casebook.md)."""
    from charter.cli.casebook_cmd import judge_casebook
    from charter.load.casebook import casebook_cases
    from charter.report.casebook_render import casebook_markdown, casebook_table, tally_line

    root = Path(case.root).parent / "casebook"
    if not casebook_cases(root):
        return []
    console.print(Rule("[bold]9. The casebook: Charter against the courts[/bold]"))
    rows = judge_casebook(root)
    console.print(casebook_table(rows, console.width))
    console.print(tally_line(rows), markup=False)
    console.print("Fogel, replayed: charter replay examples/casebook/fogel --detail", markup=False)
    return [
        "## The casebook: Charter against the courts",
        "",
        "Court decisions replayed from the facts each court found (`charter casebook`; "
        "docs/casebook.md):",
        "",
        *casebook_markdown(rows),
        "",
    ]


# Sections after the governance ones, in order.
EXTRA_SECTIONS: list[Any] = [
    _waterfall_section,
    _control_section,
    _structure_section,
    _casebook_section,
]


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option("--out", help="Where to write the report.")] = Path(
            "reports/demo"
        ),
    ) -> None:
        """Run the bundled OpenAI 2023 case end to end and write its report."""
        raise typer.Exit(run_demo(out))
