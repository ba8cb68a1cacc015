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
    """One panel per party: its share of the votes (dashed) and of the money at the middle
    amount (solid) as steps from era to era.  A party with neither votes nor money in any era
    is named in a note, not drawn (its lines would lie on the axis, one over the other); where
    votes and money are equal throughout, one line says so.  PNG or SVG by the suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    names: dict[str, list[str]] = {}
    for era in eras:
        for p in era.report.parties:
            if p.name not in names.setdefault(p.id, []):
                names[p.id].append(p.name)
    parties = {pid: " → ".join(shown) for pid, shown in names.items()}
    money = eras[0].report.parties[0].money if eras and eras[0].report.parties else ()
    middle = len(money) // 2
    label = f"money at {format_money(money[middle][0])}" if money else "first dollar"
    times = mdates.date2num([e.start for e in eras] + [end])
    series: dict[str, tuple[list[float], list[float]]] = {}
    for pid in parties:
        votes, shares = [], []
        for era in eras:
            row = next((p for p in era.report.parties if p.id == pid), None)
            votes.append(float(row.votes) if row else 0.0)
            share = (row.money[middle][1] if row.money else row.first) if row else 0
            shares.append(float(share))
        series[pid] = (votes, shares)
    drawn = [pid for pid, (v, m) in series.items() if any(v) or any(m)]
    idle = [parties[pid] for pid in parties if pid not in drawn]
    fig, axes = plt.subplots(
        len(drawn), 1, figsize=(10, 1.9 * len(drawn) + 1.6), sharex=True, squeeze=False
    )
    for ax, pid in zip(axes[:, 0], drawn, strict=True):
        votes, shares = series[pid]
        if votes == shares:
            ax.step(times, [*shares, shares[-1]], where="post", lw=2.2, label=f"votes = {label}")
        else:
            ax.step(times, [*shares, shares[-1]], where="post", lw=2.2, label=label)
            ax.step(times, [*votes, votes[-1]], where="post", lw=1.4, ls="--", label="votes")
        for e in eras[1:]:
            ax.axvline(mdates.date2num(e.start), color="0.6", lw=0.8)
        ax.set_ylim(-0.05, 1.1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(parties[pid], loc="left", fontsize=10)
        ax.grid(alpha=0.3)
    seen: dict[str, object] = {}
    for ax in axes[:, 0]:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text, handle)
    fig.legend(list(seen.values()), list(seen), loc="upper center", ncol=len(seen),
               bbox_to_anchor=(0.5, 0.955), frameon=False, fontsize=9)  # fmt: skip
    bottom = axes[-1, 0]
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    changes = ", ".join(f"{e.start:%Y-%m-%d}" for e in eras[1:]) or "none"
    fig.suptitle(f"Control against economics over time (changes: {changes})", fontsize=11)
    if idle:
        fig.text(0.01, 0.01, "No votes and no money in any era: " + ", ".join(idle), fontsize=9)
    fig.tight_layout(rect=(0, 0.04 if idle else 0, 1, 0.93))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lstrip(".").lower() or "png", dpi=150)
    plt.close(fig)
    return path
