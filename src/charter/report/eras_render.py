"""Control against economics across eras, for a terminal (a row per era and party) and as a
chart (each party's share of the votes and of the money as steps over time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from rich.table import Table

from charter.report.eras import Era
from charter.waterfall.money import format_money


def _pct(x: Fraction) -> str:
    return f"{float(x):.1%}"


def eras_table(eras: Sequence[Era], amounts: Sequence[Fraction]) -> Table:
    table = Table(title="Control against economics, era by era", header_style="bold")
    table.add_column("from")
    table.add_column("party")
    table.add_column("votes", justify="right")
    table.add_column("first dollar", justify="right")
    for a in amounts:
        table.add_column(f"money at {format_money(a)}", justify="right")
    for era in eras:
        for i, p in enumerate(era.report.parties):
            table.add_row(
                f"{era.start:%Y-%m-%d}" if i == 0 else "",
                p.name,
                _pct(p.votes),
                _pct(p.first),
                *(_pct(share) for _, share in p.money),
                end_section=i == len(era.report.parties) - 1,
            )
    return table


def write_eras_chart(eras: Sequence[Era], path: Path, end: dt.datetime) -> Path:
    """Per party, its share of the votes (dashed) and of the money at the middle amount
    (solid) as steps from era to era, one colour per party; PNG or SVG by the suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots(figsize=(10, 5.2))
    parties: dict[str, str] = {}
    for era in eras:
        for p in era.report.parties:
            parties.setdefault(p.id, p.name)
    money = eras[0].report.parties[0].money if eras and eras[0].report.parties else ()
    middle = len(money) // 2
    label = f"money at {format_money(money[middle][0])}" if money else "first dollar"
    times = [e.start for e in eras] + [end]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (pid, name) in enumerate(parties.items()):
        votes, shares = [], []
        for era in eras:
            row = next((p for p in era.report.parties if p.id == pid), None)
            votes.append(float(row.votes) if row else 0.0)
            shares.append(
                float(row.money[middle][1] if row and row.money else row.first if row else 0.0)
            )
        colour = colours[k % len(colours)]
        ax.step(times, [*shares, shares[-1]], where="post", color=colour, lw=2.2,
                label=f"{name}: {label}")  # fmt: skip
        ax.step(times, [*votes, votes[-1]], where="post", color=colour, lw=1.4, ls="--",
                label=f"{name}: votes")  # fmt: skip
    for e in eras[1:]:
        ax.axvline(e.start, color="0.6", lw=0.8)
        ax.annotate(f"{e.start:%Y-%m-%d}", (e.start, 1.02), xycoords=("data", "axes fraction"),
                    ha="center", fontsize=9)  # fmt: skip
    ax.set_ylim(-0.02, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("share")
    ax.grid(alpha=0.3)
    ax.set_title("Control against economics over time (dashed: votes)", pad=22, fontsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lstrip(".").lower() or "png", dpi=150)
    plt.close(fig)
    return path
