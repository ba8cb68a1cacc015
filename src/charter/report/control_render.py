"""Control against economics for people: a rich table, Markdown and a chart (matplotlib)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from charter.report.control import ControlReport
from charter.waterfall.money import format_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def pct(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _headers(report: ControlReport) -> list[str]:
    first = report.parties[0] if report.parties else None
    headers = ["party", "votes"]
    if first is not None:
        headers += [f"money at {format_money(a)}" for a, _ in first.money]
        headers.append("first dollar")
        headers += [f"next dollar after {format_money(a)}" for a, _ in first.margin]
    return headers


def _cells(report: ControlReport) -> list[list[str]]:
    rows = []
    for p in report.parties:
        rows.append(
            [
                p.name,
                pct(p.votes),
                *(pct(s) for _, s in p.money),
                pct(p.first),
                *(pct(s) for _, s in p.margin),
            ]
        )
    return rows


def control_table(report: ControlReport) -> Table:
    table = Table(
        title=f"Control against economics (votes: {report.board_label})",
        header_style="bold",
    )
    for i, header in enumerate(_headers(report)):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in _cells(report):
        table.add_row(*row)
    return table


def board_sentence(report: ControlReport, profile: str | None = None) -> str:
    """Whose votes and as of when, in names: ``Votes: the board of OpenAI, Inc. on 2023-11-16,
    de jure under openai-2016-reported (Sam Altman, Greg Brockman, ...).``"""
    names = ", ".join(report.director_names or report.directors) or "no directors"
    under = f", de jure under {profile}" if profile else ""
    return f"Votes: {report.board_label}{under} ({names})."


def control_markdown(report: ControlReport, profile: str | None = None) -> list[str]:
    headers = _headers(report)
    lines = [board_sentence(report, profile), ""]
    lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in _cells(report)]
    lines.append("")
    lines += [f"- {p.name}: {p.why}" for p in report.parties]
    return lines


@dataclass(frozen=True, slots=True)
class Series:
    """One bar per party: a measure (or several measures with the same value for every party,
    merged so that no bar repeats another)."""

    labels: tuple[str, ...]
    kind: str
    """``votes``, ``money`` (share of the total distributed) or ``margin`` (of the next dollar)."""
    values: tuple[float, ...]

    @property
    def label(self) -> str:
        """``money at $10B, first dollar and next dollar after $10B (equal for every party)``."""
        if len(self.labels) == 1:
            return self.labels[0]
        listed = ", ".join(self.labels[:-1]) + " and " + self.labels[-1]
        return f"{listed} (equal for every party)"


def chart_series(report: ControlReport) -> list[Series]:
    """The measures of the report as chart series, identical ones merged into one series whose
    label names them all (``money at $10B = first dollar = next dollar after $10B``): bars of the
    same length side by side say nothing and crowd out the ones that differ."""
    measures: list[tuple[str, str, tuple[Fraction, ...]]] = [
        ("votes", "votes", tuple(p.votes for p in report.parties))
    ]
    first = report.parties[0] if report.parties else None
    if first is not None:
        for k, (a, _) in enumerate(first.money):
            values = tuple(p.money[k][1] for p in report.parties)
            measures.append((f"money at {format_money(a)}", "money", values))
        measures.append(("first dollar", "margin", tuple(p.first for p in report.parties)))
        for k, (a, _) in enumerate(first.margin):
            values = tuple(p.margin[k][1] for p in report.parties)
            measures.append((f"next dollar after {format_money(a)}", "margin", values))
    merged: list[tuple[list[str], str, tuple[Fraction, ...]]] = []
    for label, kind, values in measures:
        same = None
        if kind != "votes":  # the votes stay a series of their own, even if money matches them
            same = next((m for m in merged if m[1] != "votes" and m[2] == values), None)
        if same is None:
            merged.append(([label], kind, values))
        else:
            same[0].append(label)
    return [
        Series(tuple(labels), kind, tuple(float(v) for v in values))
        for labels, kind, values in merged
    ]


def _colours(series: list[Series]) -> list[tuple[float, float, float, float]]:
    """Votes dark grey; shares of the total in blues, of the next dollar in oranges, darker for
    later amounts - one family per kind of measure, so the legend reads at a glance."""
    import matplotlib

    out = []
    counts = {kind: sum(1 for s in series if s.kind == kind) for kind in ("money", "margin")}
    seen = {"money": 0, "margin": 0}
    for s in series:
        if s.kind == "votes":
            out.append((0.25, 0.25, 0.25, 1.0))
            continue
        cmap = matplotlib.colormaps["Blues" if s.kind == "money" else "Oranges"]
        n = counts[s.kind]
        out.append(cmap(0.45 + 0.5 * (seen[s.kind] / max(n - 1, 1))))
        seen[s.kind] += 1
    return out


def control_figure(report: ControlReport) -> Figure:
    """Grouped bars: per party (by name), its share of the votes beside its shares of the money;
    every bar carries its value, and a 0% bar is a stub in its colour, so it is read as 0%, not
    missed.  Text is never parsed as mathtext (two ``$`` in a label would be)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, PercentFormatter

    series = chart_series(report)
    colours = _colours(series)
    n_groups, n_bars = len(report.parties), len(series)
    height = 1.6 + n_groups * (n_bars * 0.2 + 0.3) + 0.22 * n_bars
    stub = 0.006
    with plt.rc_context({"text.parse_math": False}):
        fig, ax = plt.subplots(figsize=(9, height), layout="constrained")
        step = 1.0 / (n_bars + 1)
        for j, (s, colour) in enumerate(zip(series, colours, strict=True)):
            bars = ax.barh(
                [i + j * step for i in range(n_groups)],
                [max(v, stub) for v in s.values],
                height=step * 0.9,
                label=textwrap.fill(s.label, 90),
                color=colour,
                hatch="//" if s.kind == "votes" else None,
                edgecolor="white" if s.kind == "votes" else colour,
                linewidth=0.5,
            )
            ax.bar_label(bars, labels=[f"{v * 100:.1f}%" for v in s.values], padding=3, fontsize=9)
        ax.set_yticks([i + (n_bars - 1) * step / 2 for i in range(n_groups)])
        ax.set_yticklabels([textwrap.fill(p.name, 30) for p in report.parties], fontsize=10)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.14)  # room for the value of a 100% bar
        ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("share of the votes (hatched), of the money paid, or of the next dollar")
        ax.set_title(textwrap.fill(f"Votes ({report.board_label}) against money", 90), fontsize=11)
        ax.grid(axis="x", alpha=0.3)
        fig.legend(loc="outside lower center", ncols=1, fontsize=9, frameon=False)
    return fig


def write_control_chart(report: ControlReport, path: Path) -> Path:
    """:func:`control_figure` as PNG or SVG (by the file's suffix), its folder made if needed."""
    import matplotlib.pyplot as plt

    fig = control_figure(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
