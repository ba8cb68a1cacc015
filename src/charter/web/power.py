"""The Power page: who can pass what on the board (minimal winning coalitions per act kind, from
``power.board``), how much each director's vote weighs (Banzhaf, Shapley-Shubik), and control
set against economics: each waterfall party's share of the controlling votes beside its share of
the money at a few amounts and at the margin."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from markupsafe import Markup

from charter.model.case import Case
from charter.model.state import State
from charter.power.board import ActPower
from charter.report.control import DEFAULT_AMOUNTS, load_for_report
from charter.report.control import control_vs_economics as control_vs_economics_report
from charter.web.money import money, pct
from charter.web.source import WaterfallText
from charter.web.svg import PALETTE, Svg, wrap


@dataclass(frozen=True, slots=True, kw_only=True)
class ActRow:
    act: str
    subject: str
    forms: str
    smallest: str
    summary: str
    coalitions: tuple[str, ...]
    veto: str
    blocked: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexRow:
    person: str
    name: str
    banzhaf: str
    shapley: str
    banzhaf_value: float
    shapley_value: float


def summarise(r: ActPower, players: Sequence[str]) -> str:
    """'any 4 of the 6 directors' when the minimal winning coalitions are exactly every set of
    one size (a plain quota game); else how many there are and the smallest size."""
    if not r.minimal_winning:
        return f"none: {r.blocked_by}"
    sizes = {len(c) for c in r.minimal_winning}
    n = len(players)
    if len(sizes) == 1:
        k = sizes.pop()
        if len(r.minimal_winning) == math.comb(n, k):
            return f"any {k} of the {n} directors ({len(r.minimal_winning)} coalitions)"
    count = len(r.minimal_winning)
    smallest = min(len(c) for c in r.minimal_winning)
    return f"{count} coalition{'s' if count != 1 else ''}, smallest of {smallest}"


def act_rows(
    results: Sequence[ActPower], names: dict[str, str], players: Sequence[str]
) -> list[ActRow]:
    rows = []
    for r in results:
        subject = " as ".join(
            x for x in (names.get(r.subject.person or "", r.subject.person), r.subject.office) if x
        )
        coalitions = tuple(
            "{" + ", ".join(names.get(p, p) for p in c) + "}" for c in r.minimal_winning
        )
        rows.append(
            ActRow(
                act=r.act.value,
                subject=subject or "—",
                forms=", ".join(r.forms) or "—",
                smallest=str(min((len(c) for c in r.minimal_winning), default="—")),
                summary=summarise(r, players),
                coalitions=coalitions,
                veto=", ".join(names.get(p, p) for p in r.veto_players) or "none",
                blocked=r.blocked_by or "",
            )
        )
    return rows


def index_rows(r: ActPower, names: dict[str, str]) -> list[IndexRow]:
    total = sum(r.swings.values())
    rows = []
    for p in sorted(r.swings):
        b = Fraction(r.swings[p], total) if total else Fraction(0)
        s = r.shapley_shubik.get(p, Fraction(0))
        rows.append(
            IndexRow(
                person=p,
                name=names.get(p, p),
                banzhaf=f"{pct(b)} ({b})",
                shapley=f"{pct(s)} ({s})",
                banzhaf_value=float(b),
                shapley_value=float(s),
            )
        )
    return rows


def index_chart(rows: Sequence[IndexRow], act: str) -> Markup:
    bar_h, gap = 12.0, 10.0
    label_w, plot_w = 150.0, 420.0
    h = 40 + len(rows) * (2 * bar_h + gap) + 10
    svg = Svg(
        width=label_w + plot_w + 70,
        height=h,
        title=f"Voting power per director for {act}",
        desc="Normalised Banzhaf index (upper bar) and Shapley-Shubik index (lower bar) of each "
        "director; the table beside gives the exact values.",
    )
    svg.rect(label_w, 8, 12, 12, fill=PALETTE[0])
    svg.text(label_w + 18, 18, "Banzhaf (normalised)", font_size=11)
    svg.rect(label_w + 170, 8, 12, 12, fill=PALETTE[1])
    svg.text(label_w + 188, 18, "Shapley-Shubik", font_size=11)
    y = 34.0
    for row in rows:
        svg.text(label_w - 8, y + bar_h + 4, row.name, font_size=12, text_anchor="end")
        for k, value in enumerate((row.banzhaf_value, row.shapley_value)):
            svg.rect(label_w, y + k * bar_h, plot_w * value, bar_h - 1, fill=PALETTE[k])
            svg.text(
                label_w + plot_w * value + 4, y + k * bar_h + bar_h - 2, pct(value), font_size=10
            )
        y += 2 * bar_h + gap
    return svg.render(css_class="chart power")


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyControl:
    id: str
    name: str
    votes: Fraction
    why: str
    at: tuple[tuple[str, Fraction], ...]  # (label, share of money)
    first: Fraction
    margin: Fraction


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlTable:
    columns: tuple[str, ...]
    parties: tuple[PartyControl, ...]
    amount_label: str
    chart: Markup
    note: str


def control_vs_economics(
    case: Case, state: State, wf_text: WaterfallText | None, amount: Fraction
) -> ControlTable | None:
    """The core's control-against-economics report (``report.control``), laid out for the page:
    money at a few amounts, the first dollar, and the next dollar after the chosen amount."""
    if wf_text is None or wf_text.errors:
        return None
    loaded, _ = load_for_report(wf_text.label, {}, text=wf_text.text)
    if loaded is None:
        return None
    amounts = list(DEFAULT_AMOUNTS)
    report = control_vs_economics_report(case, state, loaded, amounts=amounts, margins=[amount])
    columns = (
        "votes",
        *(f"money at {money(a)}" for a in amounts),
        "first dollar",
        f"next dollar after {money(amount)}",
    )
    parties = [
        PartyControl(
            id=p.id,
            name=p.name,
            votes=p.votes,
            why=p.why,
            at=tuple((money(a), share) for a, share in p.money),
            first=p.first,
            margin=p.margin[0][1],
        )
        for p in report.parties
    ]
    return ControlTable(
        columns=columns,
        parties=tuple(parties),
        amount_label=money(amount),
        chart=_control_chart(parties, columns),
        note="Votes are the share of the votes that control the paying entity; money is the "
        "share of the total distributed (a party's payout divided by the amount), and the "
        "first and next dollar are the marginal split.",
    )


def _control_chart(parties: Sequence[PartyControl], columns: Sequence[str]) -> Markup:
    # measures equal for every party are one bar whose legend names them all (the report's
    # chart does the same): five bars of the same length say nothing and crowd out the rest
    table = [[p.votes, *(s for _, s in p.at), p.first, p.margin] for p in parties]
    merged: list[tuple[list[str], list[int]]] = []
    for k, col in enumerate(columns):
        same = next(
            (m for m in merged if k and m[1][0] and all(r[m[1][0]] == r[k] for r in table)),
            None,
        )
        if same is None:
            merged.append(([col], [k]))
        else:
            same[0].append(col)
            same[1].append(k)
    labels = [
        cols[0] if len(cols) == 1 else " = ".join(cols) + " (equal for every party)"
        for cols, _ in merged
    ]
    bar_h, gap = 11.0, 14.0
    label_w, plot_w = 170.0, 380.0
    n = len(merged)
    legend_rows = sum(len(wrap(label, 560, 11)) for label in labels)
    top = 10 + legend_rows * 16 + 6
    h = top + len(parties) * (n * bar_h + gap) + 6
    svg = Svg(
        width=label_w + plot_w + 60,
        height=h,
        title="Control against economics",
        desc="For each party: its share of the controlling votes (first bar) and its share "
        "of the money at several amounts and at the margin. The table gives the numbers.",
    )
    ly = 20.0
    for k, label in enumerate(labels):
        svg.rect(10, ly - 10, 12, 12, fill=PALETTE[k % len(PALETTE)])
        lines = wrap(label, 560, 11)
        svg.lines(26, ly, lines, size=11)
        ly += 16 * len(lines)
    y = float(top)
    for party, row in zip(parties, table, strict=True):
        name = wrap(party.name, label_w - 12, 12)
        svg.lines(label_w - 8, y + 12, name, size=12, text_anchor="end")
        for k, (_, indices) in enumerate(merged):
            value = row[indices[0]]
            width = plot_w * float(value)
            svg.rect(label_w, y + k * bar_h, max(width, 0.5), bar_h - 1, fill=PALETTE[k])
            svg.text(label_w + width + 4, y + k * bar_h + bar_h - 2, pct(value), font_size=9)
        y += n * bar_h + gap
    return svg.render(css_class="chart control")


def structure_routes(case: Any, state: Any, names: dict[str, str]) -> list[dict[str, str]]:
    """For each other entity a board of the case reaches (a board of its own, a right over its
    board, control from above): who decides its acts and how (charter.power.structure_power),
    in names.  The coalitions of each are `charter power --entity`'s."""
    from charter.power.structure_power import routes

    named = names | {e.id: e.name for e in state.structure.entities}
    board = case.charter.board.entity
    rows = []
    for entity in state.structure.entities:
        if entity.id == board:
            continue
        for route in routes(state.structure, entity.id, board, named):
            rows.append(
                {
                    "entity": named.get(entity.id, entity.id),
                    "body": named.get(route.body, route.body),
                    "how": " → ".join(route.path) or "its own board",
                    "act": "replaces its directors" if route.replaces else "acts itself",
                }
            )
    return rows
