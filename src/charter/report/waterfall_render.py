"""Waterfall results for people: rich tables, JSON documents, CSV sweeps and charts.

Printed amounts are rounded by largest remainder (``charter.waterfall.largest_remainder``) so a
table always adds up to the amount distributed; JSON keeps the exact values beside the rounded
ones.  Charts use matplotlib's Agg backend (no display needed) and label axes in $K/$M/$B/$T.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from charter.waterfall import (
    Curves,
    Result,
    TierWaterfall,
    Waterfall,
    compile_curves,
    evaluate,
    largest_remainder,
    load_waterfall,
)
from charter.waterfall.money import format_money


def _names(wf: Waterfall) -> dict[str, str]:
    if isinstance(wf, TierWaterfall):
        return {p.id: p.name for p in wf.parties}
    return {c.id: c.name for c in wf.classes}


def party_names(wf: Waterfall) -> dict[str, str]:
    """Party (or class) id -> display name."""
    return _names(wf)


def markdown_table(wf: Waterfall, result: Result, precision: int = 2) -> list[str]:
    """The same table as :func:`result_table`, as Markdown lines (for reports)."""
    names = _names(wf)
    totals = rounded(result, precision)
    tiers = [t for t in result.tiers if t.amount > 0]
    lines = [
        "| party | " + " | ".join(t.name for t in tiers) + " | total |",
        "|---|" + "---:|" * (len(tiers) + 1),
    ]
    for party, exact in result.payouts:
        cells = largest_remainder(
            {str(i): dict(t.payouts)[party] for i, t in enumerate(tiers)}, exact, precision
        )
        row = [names.get(party, party), *(_money(cells[str(i)]) for i in range(len(tiers)))]
        lines.append("| " + " | ".join([*row, _money(totals[party])]) + " |")
    return lines


def _exact_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _money(value: Decimal) -> str:
    return f"{value:,}"


def rounded(result: Result, precision: int = 2) -> dict[str, Decimal]:
    """Payouts rounded to ``precision`` decimals, adding up exactly to the rounded amount."""
    return largest_remainder(dict(result.payouts), result.amount, precision)


def result_table(wf: Waterfall, result: Result, precision: int = 2) -> Table:
    """One row per party, one column per tier that paid something, then the total and share.

    Row totals and the total row add up exactly (largest remainder); each row's tier cells add
    up to its total.  Column totals are rounded on their own, so a column may differ from the sum
    of its cells by a unit of the last digit.
    """
    names = _names(wf)
    totals = rounded(result, precision)
    tiers = [t for t in result.tiers if t.amount > 0]
    tier_totals = largest_remainder(
        {str(i): t.amount for i, t in enumerate(tiers)}, result.amount, precision
    )
    amount_text = _money(sum(totals.values(), Decimal(0)))
    table = Table(title=f"{wf.name}: {amount_text} distributed", title_justify="left")
    table.add_column("party")
    for t in tiers:
        table.add_column(t.name, justify="right")
    table.add_column("total", justify="right", style="bold")
    table.add_column("share", justify="right")
    for party, exact in result.payouts:
        cells = largest_remainder(
            {str(i): dict(t.payouts)[party] for i, t in enumerate(tiers)}, exact, precision
        )
        share = exact / result.amount * 100 if result.amount else Fraction(0)
        label = names.get(party, party)
        if party in result.converted:
            label += " (converted)"
        table.add_row(
            label,
            *(_money(cells[str(i)]) for i in range(len(tiers))),
            _money(totals[party]),
            f"{float(share):.2f}%",
        )
    table.add_row(
        "total",
        *(_money(tier_totals[str(i)]) for i in range(len(tiers))),
        amount_text,
        "100.00%" if result.amount else "",
        style="dim",
    )
    return table


def result_json(result: Result, precision: int = 2) -> dict[str, Any]:
    """``{"amount", "payouts", "tiers", "converted", "exact"}``; amounts as decimal strings."""
    totals = rounded(result, precision)
    tier_totals = largest_remainder(
        {str(i): t.amount for i, t in enumerate(result.tiers)}, result.amount, precision
    )
    tiers = []
    for i, t in enumerate(result.tiers):
        cells = largest_remainder(dict(t.payouts), t.amount, precision)
        tiers.append(
            {
                "name": t.name,
                "amount": str(tier_totals[str(i)]),
                "payouts": {p: str(v) for p, v in cells.items()},
            }
        )
    return {
        "amount": str(sum(totals.values(), Decimal(0))),
        "payouts": {p: str(v) for p, v in totals.items()},
        "tiers": tiers,
        "converted": list(result.converted),
        "exact": {
            "amount": _exact_text(result.amount),
            "payouts": {p: _exact_text(v) for p, v in result.payouts},
        },
    }


def results_json(results: Sequence[Result], precision: int = 2) -> dict[str, Any]:
    return {"results": [result_json(r, precision) for r in results]}


def _pct(value: Fraction) -> str:
    text = f"{float(value * 100):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def breakpoints_table(wf: Waterfall, curves: Curves, precision: int = 2) -> Table:
    """Each breakpoint and the marginal split after it (row 'from 0' is the first segment)."""
    names = _names(wf)
    table = Table(title=f"{wf.name}: breakpoints and marginal split", title_justify="left")
    table.add_column("from amount", justify="right")
    for party in curves.parties:
        table.add_column(names.get(party, party), justify="right")
    for k, start in enumerate(curves.starts):
        value = largest_remainder({"x": start}, start, precision)["x"]
        table.add_row(_money(value), *(_pct(s) for s in curves.slopes[k]))
    return table


def breakpoints_json(curves: Curves, precision: int = 2) -> dict[str, Any]:
    rows = []
    for k, start in enumerate(curves.starts):
        rows.append(
            {
                "amount": str(largest_remainder({"x": start}, start, precision)["x"]),
                "exact": _exact_text(start),
                "payouts": {
                    p: _exact_text(v) for p, v in zip(curves.parties, curves.values[k], strict=True)
                },
                "split": {
                    p: _exact_text(s) for p, s in zip(curves.parties, curves.slopes[k], strict=True)
                },
            }
        )
    return {"breakpoints": rows[1:], "initial_split": rows[0]["split"]}


def default_range(curves: Curves) -> tuple[float, float]:
    """0 to a quarter past the last breakpoint, so every kink shows (1 if there is none)."""
    last = float(curves.starts[-1])
    return 0.0, last * 1.25 if last > 0 else 1.0


def write_csv(
    curves: Curves, path: str | Path, amounts: np.ndarray[Any, Any], *, progress: bool = False
) -> Path:
    """amount, then each party's payout, then each party's marginal share, one row per amount.

    Written in blocks with numpy, 15 significant digits (the vectorised engine is good to
    1e-9 anyway); ``progress`` shows a transient bar on stderr for long sweeps.
    """
    out = Path(path)
    header = ",".join(
        ["amount"]
        + [f"payout_{p}" for p in curves.parties]
        + [f"share_{p}" for p in curves.parties]
    )
    block = 200_000
    with (
        out.open("w", newline="", encoding="utf-8") as handle,
        Progress(console=Console(stderr=True), transient=True, disable=not progress) as bar,
    ):
        handle.write(header + "\n")
        task = bar.add_task(f"writing {out.name}", total=len(amounts))
        for lo in range(0, len(amounts), block):
            chunk = np.asarray(amounts[lo : lo + block], dtype=np.float64)
            pays = curves.evaluate(chunk)
            shares = curves.shares(chunk)
            columns = [chunk, *(pays[p] for p in curves.parties)]
            columns += [shares[p] for p in curves.parties]
            np.savetxt(handle, np.column_stack(columns), delimiter=",", fmt="%.15g")
            bar.advance(task, len(chunk))
    return out


def write_chart(
    curves: Curves,
    path: str | Path,
    *,
    start: float | None = None,
    stop: float | None = None,
    steps: int = 2001,
    title: str | None = None,
    names: dict[str, str] | None = None,
) -> Path:
    """Stacked payouts and marginal shares against the amount, breakpoints marked (PNG or SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    out = Path(path)
    lo, hi = default_range(curves)
    lo = lo if start is None else start
    hi = hi if stop is None else stop
    grid = np.linspace(lo, hi, max(steps, 2))
    inside = [float(b) for b in curves.breakpoints if lo <= float(b) <= hi]
    amounts = np.unique(np.concatenate([grid, np.array(inside, dtype=np.float64)]))
    pays = curves.evaluate(amounts)
    shares = curves.shares(amounts)
    labels = [(names or {}).get(p, p) for p in curves.parties]
    money = FuncFormatter(lambda v, _pos: format_money(v) if v else "$0")

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 8), sharex=True, height_ratios=(3, 2))
    top.stackplot(amounts, *[pays[p] for p in curves.parties], labels=labels, alpha=0.85)
    top.set_ylabel("cumulative payout")
    top.yaxis.set_major_formatter(money)
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    top.set_title(title or "payouts by amount distributed")
    for p, label in zip(curves.parties, labels, strict=True):
        bottom.step(amounts, shares[p], where="post", label=label)
    bottom.set_ylabel("share of the next dollar")
    bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
    bottom.set_ylim(-0.03, 1.05)
    bottom.set_xlabel("amount distributed")
    bottom.xaxis.set_major_formatter(money)
    for b in inside:
        for axis in (top, bottom):
            axis.axvline(b, color="grey", linestyle=":", linewidth=0.8)
        top.annotate(
            format_money(b),
            xy=(b, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize="x-small",
            color="grey",
        )
    fig.tight_layout()
    fig.savefig(out, format=out.suffix.lstrip(".").lower() or "png")
    plt.close(fig)
    return out


DEMO_AMOUNTS = ("10B", "100B", "250B", "500B")


def demo_section(
    path: str | Path,
    out: str | Path,
    console: Console,
    amounts: Sequence[str] = DEMO_AMOUNTS,
    params: dict[str, str] | None = None,
) -> list[str]:
    """For ``charter demo``: print the tables at a few amounts, write ``waterfall.png`` into
    ``out``, and return the report's Markdown lines.  Errors in the file come back as lines too
    (the demo goes on), so a broken waterfall never hides the governance report."""
    wf, errors = load_waterfall(path, params)
    lines = ["", "## Who gets what: the profit waterfall", ""]
    if wf is None:
        return (
            [*lines, "The waterfall file has errors:", "", "```"]
            + [e.render() for e in errors]
            + ["```"]
        )
    curves = compile_curves(wf)
    chart = write_chart(curves, Path(out) / "waterfall.png", title=wf.name, names=_names(wf))
    lines += [f"`{path}`: {wf.name}.", ""]
    for text in amounts:
        result = evaluate(wf, text)
        console.print(result_table(wf, result))
        lines += [f"At {format_money(result.amount)}:", "", *markdown_table(wf, result), ""]
    console.print(breakpoints_table(wf, curves))
    lines += [
        "Breakpoints (the marginal split changes): "
        + ", ".join(format_money(b) for b in curves.breakpoints)
        + ".",
        "",
        f"![payouts and marginal shares]({chart.name})",
        "",
    ]
    return lines
