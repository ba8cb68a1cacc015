"""Control against economics for people: a rich table, Markdown and a chart (matplotlib)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from rich.table import Table

from charter.report.control import ControlReport
from charter.waterfall.money import format_money


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
        title=f"Control against economics (votes: the board of {report.entity})",
        header_style="bold",
    )
    for i, header in enumerate(_headers(report)):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in _cells(report):
        table.add_row(*row)
    return table


def control_markdown(report: ControlReport) -> list[str]:
    headers = _headers(report)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in _cells(report)]
    lines.append("")
    lines += [f"- {p.name}: {p.why}" for p in report.parties]
    return lines


def write_control_chart(report: ControlReport, path: Path) -> Path:
    """Grouped bars: per party, its share of the votes beside its share of the money."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    headers = _headers(report)[1:]
    series: list[list[float]] = []
    for p in report.parties:
        values = [
            float(p.votes),
            *(float(s) for _, s in p.money),
            float(p.first),
            *(float(s) for _, s in p.margin),
        ]
        series.append(values)
    n_groups, n_bars = len(report.parties), len(headers)
    fig, ax = plt.subplots(figsize=(12, 1.4 + 0.9 * n_groups))
    height = 0.8 / max(n_bars, 1)
    for j, header in enumerate(headers):
        ys = [i + j * height for i in range(n_groups)]
        ax.barh(
            ys,
            [s[j] for s in series],
            height=height * 0.95,
            label=header,
            hatch="//" if j == 0 else None,
            edgecolor="black" if j == 0 else None,
        )
    ax.set_yticks([i + 0.4 - height / 2 for i in range(n_groups)])
    ax.set_yticklabels([p.name for p in report.parties])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_title("Control against economics: share of the votes vs share of the money")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
