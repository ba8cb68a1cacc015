"""Charts of a valuation sweep: each party's value as one input varies, a panel for each value
of a second input (a value surface read as slices: a reader compares lines, not colours)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from charter.waterfall.money import format_money

LABELS = {
    "value": "today's value of the whole claim",
    "vol": "volatility a year",
    "rate": "rate a year",
    "horizon": "horizon, years",
}
MAX_PANELS = 4


def swept_axes(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The inputs the rows vary, in the order of :data:`LABELS`."""
    return [a for a in LABELS if len({r[a] for r in rows}) > 1]


def write_sweep_chart(
    rows: Sequence[dict[str, Any]], path: str | Path, names: dict[str, str] | None = None
) -> Path:
    """Each party's value against the first swept input; one panel per value of the second
    (at most :data:`MAX_PANELS`: the first, last and evenly spaced between); every other input
    at its first value.  PNG or SVG by the suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    axes = swept_axes(rows)
    if not axes:
        raise ValueError("the sweep varies no input: nothing to chart")
    x_axis = axes[0]
    panel_axis = axes[1] if len(axes) > 1 else None
    fixed = {a: rows[0][a] for a in LABELS if a not in (x_axis, panel_axis)}
    chosen = [r for r in rows if all(r[a] == v for a, v in fixed.items())]
    panels = sorted({r[panel_axis] for r in chosen}) if panel_axis else [None]
    if len(panels) > MAX_PANELS:
        picks = [round(i * (len(panels) - 1) / (MAX_PANELS - 1)) for i in range(MAX_PANELS)]
        panels = [panels[i] for i in picks]
    parties = list(dict.fromkeys(r["party"] for r in rows))
    names = names or {}
    fig, grid = plt.subplots(
        1, len(panels), figsize=(4.2 * len(panels) + 1.5, 4.6), sharey=True, squeeze=False
    )
    money = FuncFormatter(lambda v, _pos: format_money(v))
    for ax, panel in zip(grid[0], panels, strict=True):
        for party in parties:
            line = sorted(
                (r[x_axis], r["party_value"])
                for r in chosen
                if r["party"] == party and (panel_axis is None or r[panel_axis] == panel)
            )
            ax.plot([x for x, _ in line], [y for _, y in line], marker="o", ms=3)
        ax.set_xlabel(LABELS[x_axis])
        if x_axis == "value":
            ax.xaxis.set_major_formatter(money)
        ax.yaxis.set_major_formatter(money)
        ax.grid(alpha=0.3)
        if panel_axis is not None:
            shown = format_money(panel) if panel_axis == "value" else f"{panel:g}"
            ax.set_title(f"{LABELS[panel_axis]}: {shown}", fontsize=10)
    grid[0][0].set_ylabel("value today")
    fig.legend(
        [names.get(p, p) for p in parties],
        loc="lower center",
        ncol=min(len(parties), 3),
        frameon=False,
    )
    others = ", ".join(_short(a, v) for a, v in fixed.items())
    fig.suptitle(f"Value of each claim (other inputs: {others})", fontsize=11)
    rows_of_legend = (len(parties) + 2) // 3
    fig.tight_layout(rect=(0, 0.06 * rows_of_legend + 0.02, 1, 0.95))
    return _save(fig, path)


def _short(axis: str, value: float) -> str:
    """An input as a title names it: ``vol 60%``, ``rate 4%``, ``horizon 10 years``."""
    if axis == "value":
        return f"value {format_money(value)}"
    if axis in ("vol", "rate"):
        return f"{axis} {value:.3g}" if abs(value) >= 10 else f"{axis} {value * 100:.3g}%"
    return f"horizon {value:g} years"


VALUE_POINTS = 25
VOL_POINTS = 12


def write_value_chart(
    valuate: Callable[[float, float], dict[str, float]],
    model: Any,
    path: str | Path,
    names: dict[str, str] | None = None,
    *,
    schedule: Any = None,
) -> Path:
    """Each party's value against today's value (a tenth to ten times the one given), and its
    share of the total against the volatility, with the inputs given marked: how far a claim's
    worth rests on the inputs a reader is least sure of.  ``valuate(value, vol)`` prices one
    point with every other input as given.  PNG or SVG by the suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    names = names or {}
    values = [float(v) for v in np.geomspace(model.value / 10, model.value * 10, VALUE_POINTS)]
    vols = sorted({*(float(v) for v in np.linspace(0.1, 1.2, VOL_POINTS)), model.vol})
    by_value = [valuate(v, model.vol) for v in values]
    by_vol = [valuate(model.value, v) for v in vols]
    parties = list(by_value[0])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.8))
    money = FuncFormatter(lambda v, _pos: format_money(v))
    for party in parties:
        # a log scale, on which a claim worth nothing has no point (the legend says so)
        worth = [row[party] if row[party] > 0 else float("nan") for row in by_value]
        left.plot(values, worth, marker="o", ms=2.5)
        right.plot(
            vols, [row[party] / (sum(row.values()) or 1.0) for row in by_vol], marker="o", ms=2.5
        )
    left.set_xscale("log")
    left.set_yscale("log")
    left.axvline(model.value, color="0.4", ls="--", lw=1)
    left.set_xlabel(LABELS["value"])
    left.set_ylabel("value today")
    left.xaxis.set_major_formatter(money)
    left.yaxis.set_major_formatter(money)
    right.axvline(model.vol, color="0.4", ls="--", lw=1)
    right.set_xlabel(LABELS["vol"])
    right.set_ylabel("share of the total value")
    right.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    left.set_title(f"at vol {model.vol:.0%} (dashed: {format_money(model.value)})", fontsize=10)
    right.set_title(f"at {format_money(model.value)} (dashed: {model.vol:.0%})", fontsize=10)
    nothing = {p for p in parties if all(row[p] <= 0 for row in by_value + by_vol)}
    fig.legend(
        [names.get(p, p) + (" ($0 throughout)" if p in nothing else "") for p in parties],
        loc="lower center",
        ncol=min(len(parties), 3),
        frameon=False,
    )
    how = (
        "all paid at the horizon"
        if schedule is None
        else f"{schedule.payout * 100:.3g}% of the value paid out a year on {schedule.steps} dates"
    )
    fig.suptitle(
        f"Value of each claim ({how}; rate {model.rate:.1%}, horizon {model.horizon:g} years)"
        " — a model, not advice",
        fontsize=11,
    )
    rows_of_legend = (len(parties) + 2) // 3
    fig.tight_layout(rect=(0, 0.06 * rows_of_legend + 0.02, 1, 0.95))
    return _save(fig, path)


def _save(fig: Any, path: str | Path) -> Path:
    """PNG or SVG by the suffix, the folder made if needed, the figure closed."""
    import matplotlib.pyplot as plt

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=out.suffix.lstrip(".").lower() or "png", dpi=150)
    plt.close(fig)
    return out
