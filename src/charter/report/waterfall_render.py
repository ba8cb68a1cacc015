"""Waterfall results for people: rich tables, JSON documents, CSV sweeps and charts.

Printed amounts are rounded by largest remainder (``charter.waterfall.largest_remainder``) so a
table always adds up to the amount distributed; JSON keeps the exact values beside the rounded
ones.  Charts use matplotlib's Agg backend (no display needed) and label axes in $K/$M/$B/$T.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
    """amount, then each party's cumulative payout (``payout_<party>``), then its share of the
    next dollar (``marginal_share_<party>``: the marginal split, not the share of the total that
    the tables print as ``share``), one row per amount.

    Written in blocks with numpy, 15 significant digits (the vectorised engine is good to
    1e-9 anyway); ``progress`` shows a transient bar on stderr for long sweeps.
    """
    out = Path(path)
    header = ",".join(
        ["amount"]
        + [f"payout_{p}" for p in curves.parties]
        + [f"marginal_share_{p}" for p in curves.parties]
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


def chart_range(
    curves: Curves,
    marks: Sequence[float] = (),
    start: float | None = None,
    stop: float | None = None,
) -> tuple[float, float]:
    """The amounts a chart spans: ``start``/``stop`` when given, else from 0 to a quarter past the
    last breakpoint, widened to show every asked amount (``--at 1T`` is drawn, not cut off)."""
    lo, hi = default_range(curves)
    if start is not None:
        lo = start
    if stop is not None:
        hi = stop
    elif marks and max(marks) > hi:
        hi = max(marks) * 1.1
    return lo, hi


def _party_colour(index: int) -> tuple[str, str | None]:
    """Matplotlib's ten-colour cycle by the party's place in the file (the same party keeps its
    colour in both panels and across charts); past ten, hatching tells the repeats apart."""
    return f"C{index % 10}", (None, "//", "..", "xx")[(index // 10) % 4]


def _thin_labels(labels: Sequence[Any], renderer: Any, gap: float = 6.0) -> list[Any]:
    """The labels to keep so that none overlaps another: greedily, in the order given (so the
    first ones - asked amounts - win), each kept only if its box, widened by ``gap`` pixels,
    meets no kept box."""
    kept: list[Any] = []
    boxes: list[Any] = []
    for label in labels:
        box = label.get_window_extent(renderer).expanded(1.0, 1.0)
        box = box.from_extents(box.x0 - gap / 2, box.y0, box.x1 + gap / 2, box.y1)
        if any(box.overlaps(b) for b in boxes):
            continue
        kept.append(label)
        boxes.append(box)
    return kept


def waterfall_figure(
    curves: Curves,
    *,
    start: float | None = None,
    stop: float | None = None,
    steps: int = 2001,
    title: str | None = None,
    names: dict[str, str] | None = None,
    marks: Sequence[float] = (),
) -> Figure:
    """Two panels over the amount distributed, every party in its own colour:

    - top, each party's cumulative payout, stacked (the top edge is the amount itself);
    - bottom, the share of the next dollar as stacked bands that fill 100%, each band labelled
      with its percentage where it fits - so two parties on the same 49% are two bands side by
      side, never one line hidden under another.

    Breakpoints are dotted and labelled along the top (labels that would overlap are dropped,
    the count says so); each asked amount in ``marks`` is a solid line, labelled in bold, and the
    legend gives each party's payout there.  A party paid nothing in the range is named in the
    legend as such instead of drawn as an invisible band.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    lo, hi = chart_range(curves, marks, start, stop)
    marks = sorted({float(m) for m in marks if lo <= float(m) <= hi})
    grid = np.linspace(lo, hi, max(steps, 2))
    inside = [float(b) for b in curves.breakpoints if lo <= float(b) <= hi]
    amounts = np.unique(np.concatenate([grid, np.array(inside + marks, dtype=np.float64)]))
    pays = curves.evaluate(amounts)
    segments = _segments(curves, lo, hi)
    index = {p: i for i, p in enumerate(curves.parties)}
    drawn = [
        p
        for p in curves.parties
        if pays[p].max() > 0 or any(split[index[p]] > 0 for _, _, split in segments)
    ]
    silent = [p for p in curves.parties if p not in drawn]
    label_of = {p: (names or {}).get(p, p) for p in curves.parties}
    money = FuncFormatter(lambda v, _pos: format_money(v) if v else "$0")

    handles = []
    for p in drawn:
        colour, hatch = _party_colour(index[p])
        text = label_of[p]
        if marks and len(marks) <= 3:
            at_marks = [
                f"{format_money(curves.evaluate(np.array([m]))[p][0])} at {format_money(m)}"
                for m in marks
            ]
            text += ": " + "; ".join(at_marks)
        handles.append(
            Patch(facecolor=colour, hatch=hatch, alpha=0.85, label=textwrap.fill(text, 100))
        )
    for p in silent:
        span = f"{format_money(lo) if lo else '$0'} to {format_money(hi)}"
        text = f"{label_of[p]}: paid nothing from {span}"
        handles.append(
            Patch(facecolor="none", edgecolor="0.5", linestyle="--", label=textwrap.fill(text, 100))
        )
    ncols = 1 if marks else 2
    legend_rows = -(-len(handles) // ncols) + sum(str(h.get_label()).count("\n") for h in handles)
    # The plots keep their height whatever the legend needs: the figure grows with it.
    height = 6.3 + 0.24 * legend_rows
    with plt.rc_context({"text.parse_math": False, "hatch.linewidth": 0.6}):
        fig = plt.figure(figsize=(9, height), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        lower = np.zeros_like(amounts)
        for p in drawn:
            colour, hatch = _party_colour(index[p])
            upper = lower + pays[p]
            top.fill_between(amounts, lower, upper, color=colour, alpha=0.85, hatch=hatch, lw=0)
            lower = upper
        top.set_ylim(bottom=0)
        top.set_ylabel("cumulative payout to each party")
        top.yaxis.set_major_formatter(money)
        top.set_title(textwrap.fill(title or "payouts by amount distributed", 90), fontsize=11)

        edges = [a for a, _, _ in segments] + [segments[-1][1]]
        base = np.zeros(len(edges))
        for p in drawn:
            colour, hatch = _party_colour(index[p])
            share = np.array([float(split[index[p]]) for _, _, split in segments], dtype=np.float64)
            share = np.append(share, share[-1])
            bottom.fill_between(
                edges, base, base + share, step="post", color=colour, alpha=0.85, hatch=hatch, lw=0
            )
            base = base + share
        bottom.set_ylim(0, 1)
        bottom.set_ylabel("share of the next dollar")
        bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
        bottom.set_xlabel("amount distributed")
        bottom.xaxis.set_major_formatter(money)
        bottom.set_xlim(lo, hi)

        for b in inside:
            for axis in (top, bottom):
                axis.axvline(b, color="0.35", linestyle=":", linewidth=0.9)
        for m in marks:
            for axis in (top, bottom):
                axis.axvline(m, color="black", linestyle="-", linewidth=1.2)
            at = curves.evaluate(np.array([m]))
            stacked = np.cumsum([at[p][0] for p in drawn])
            top.plot([m] * len(stacked), stacked, "o", color="black", markersize=3.5, zorder=3)

        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=ncols,
            fontsize=9,
            frameon=False,
        )

        axis_top = top.secondary_xaxis("top")
        ticks = [(m, True) for m in marks] + [(b, False) for b in inside if b not in marks]
        axis_top.set_xticks([x for x, _ in ticks], [format_money(x) for x, _ in ticks])
        axis_top.tick_params(labelsize=9, colors="0.3")
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        kept = {id(t) for t in _thin_labels(axis_top.get_xticklabels(), renderer)}
        chosen = [
            (x, asked)
            for (x, asked), t in zip(ticks, axis_top.get_xticklabels(), strict=True)
            if id(t) in kept
        ]
        axis_top.set_xticks([x for x, _ in chosen], [format_money(x) for x, _ in chosen])
        for (_, asked), t in zip(chosen, axis_top.get_xticklabels(), strict=True):
            if asked:
                t.set_fontweight("bold")
                t.set_color("black")
        count = f"{len(inside)} breakpoints (dotted): where the split of the next dollar changes"
        if len(chosen) - len(marks) < len(inside):
            count += f" ({len(chosen) - len(marks)} labelled where they fit)"
        if marks:
            count += "; asked amounts solid, in bold"
        axis_top.set_xlabel(textwrap.fill(count, 110), fontsize=9, color="0.3")
        _label_bands(bottom, segments, drawn, index, renderer)
    return fig


def _segments(
    curves: Curves, lo: float, hi: float
) -> list[tuple[float, float, tuple[Fraction, ...]]]:
    """(from, to, marginal split) for each piece of the curves that meets [lo, hi], clipped."""
    out = []
    starts = [float(s) for s in curves.starts]
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else float("inf")
        a, b = max(s, lo), min(end, hi)
        if b > a:
            out.append((a, b, curves.slopes[k]))
    return out


def _label_bands(
    axis: Any,
    segments: Sequence[tuple[float, float, tuple[Fraction, ...]]],
    drawn: Sequence[str],
    index: dict[str, int],
    renderer: Any,
) -> None:
    """Write each band's percentage inside it, only where the text fits with a margin (a 2%
    sliver stays unlabelled: its colour and the legend name it)."""
    for a, b, split in segments:
        base = 0.0
        for p in drawn:
            share = float(split[index[p]])
            if share > 0:
                text = axis.text(
                    (a + b) / 2,
                    base + share / 2,
                    f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="black",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
                )
                box = text.get_window_extent(renderer)
                x0, y0 = axis.transData.transform((a, base))
                x1, y1 = axis.transData.transform((b, base + share))
                if box.width + 8 > x1 - x0 or box.height + 2 > y1 - y0:
                    text.remove()
            base += share


def write_chart(
    curves: Curves,
    path: str | Path,
    *,
    start: float | None = None,
    stop: float | None = None,
    steps: int = 2001,
    title: str | None = None,
    names: dict[str, str] | None = None,
    marks: Sequence[float] = (),
) -> Path:
    """:func:`waterfall_figure` as PNG or SVG (by the suffix), its folder made if needed."""
    import matplotlib.pyplot as plt

    out = Path(path)
    fig = waterfall_figure(
        curves, start=start, stop=stop, steps=steps, title=title, names=names, marks=marks
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=out.suffix.lstrip(".").lower() or "png", dpi=150)
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
