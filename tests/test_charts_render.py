"""Every chart Charter writes, rendered from the bundled files and judged as a reader would:

- the file is a real, non-empty PNG or SVG;
- matplotlib lays it out without a warning (a layout that cannot fit warns, and warnings are
  errors here);
- every piece of text lies inside the picture and no two pieces of text overlap;
- every series can be seen: no line runs on top of another over a stretch of the axis, no two
  bar series are the same bars, and every party of the file is named.

The charts are caught as they are saved (``Figure.savefig`` is wrapped), so the test judges
the very figure the command wrote, through the command itself.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from typer.testing import CliRunner

from charter.cli import app
from charter.cli.demo_cmd import run_demo
from charter.report.waterfall_render import party_names, write_chart
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "openai-2023"
WATERFALL = CASE / "waterfall.yaml"
EXAMPLE_WATERFALLS = [
    p
    for p in sorted((ROOT / "examples").glob("*/*.yaml"))
    if re.search(r"^waterfall:", p.read_text(encoding="utf-8"), re.M)
    and not re.search(r"^charter:", p.read_text(encoding="utf-8"), re.M)
]
runner = CliRunner()


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Figure, Path]]]:
    """The figures saved while the test runs, with the file each went to; warnings are errors."""
    figures: list[tuple[Figure, Path]] = []
    original = Figure.savefig

    def savefig(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> Any:
        figures.append((self, Path(fname)))
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)
        yield figures


# --- what a reader can see -------------------------------------------------------------------


def _drawn_texts(fig: Figure) -> list[Text]:
    """Every piece of text that is drawn: visible, not empty, and (tick labels) at a tick inside
    the axis's view - matplotlib keeps labels for ticks it does not draw."""
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not (lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo)):
                    hidden.update({id(tick.label1), id(tick.label2)})
    out = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        parent = getattr(text, "axes", None)
        if parent is not None and not parent.get_visible():
            continue
        out.append(text)
    return out


def text_problems(fig: Figure) -> list[str]:
    """Text outside the picture, and pairs of overlapping text."""
    canvas = FigureCanvasAgg(fig)  # the figure was closed after saving: draw it again
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    frame = fig.bbox
    problems = []
    boxes = [(t, t.get_window_extent(renderer)) for t in _drawn_texts(fig)]
    for text, box in boxes:
        if (
            box.x0 < frame.x0 - 1
            or box.y0 < frame.y0 - 1
            or box.x1 > frame.x1 + 1
            or box.y1 > frame.y1 + 1
        ):
            problems.append(f"outside the picture: {text.get_text()!r} at {box.extents}")
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_w > 1 and overlap_h > 1:
            problems.append(f"overlapping: {a.get_text()!r} and {b.get_text()!r}")
    return problems


def _line_xy(line: Line2D) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    style = line.get_drawstyle()
    if style.startswith("steps"):
        x, y = np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]  # post steps: hold each value
    return x, y


def hidden_series(ax: Axes) -> list[str]:
    """Lines that run on top of one another over a stretch of the axis (the later one hides the
    earlier), and bar series that repeat another's bars exactly, drawn alike (votes, hatched,
    may equal a share of the money: that is a finding, not a repeat)."""
    problems = []
    lines = [
        line
        for line in ax.get_lines()
        if line.get_visible()
        and len(np.asarray(line.get_xdata())) >= 2
        and np.ptp(np.asarray(line.get_xdata(), dtype=float)) > 0
    ]
    lo, hi = ax.get_xlim()
    grid = np.linspace(min(lo, hi), max(lo, hi), 4001)
    span = max(abs(v) for v in ax.get_ylim()) or 1.0
    for a, b in itertools.combinations(lines, 2):
        xa, ya = _line_xy(a)
        xb, yb = _line_xy(b)
        inside = (grid >= max(xa.min(), xb.min())) & (grid <= min(xa.max(), xb.max()))
        same = np.abs(np.interp(grid, xa, ya) - np.interp(grid, xb, yb)) <= 1e-6 * span
        if (same & inside).mean() > 0.01:
            problems.append(f"{a.get_label()!r} and {b.get_label()!r} coincide")
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for ca, cb in itertools.combinations(bars, 2):
        size_a = [(r.get_width(), r.get_height(), r.get_hatch()) for r in ca.patches]
        size_b = [(r.get_width(), r.get_height(), r.get_hatch()) for r in cb.patches]
        if size_a == size_b:  # the same bars, drawn the same way: one says nothing more
            problems.append(f"bar series {ca.get_label()!r} and {cb.get_label()!r} are identical")
    return problems


def judge(fig: Figure, path: Path, names: list[str]) -> None:
    data = path.read_bytes()
    assert len(data) > 2000, path
    if path.suffix == ".png":
        assert data.startswith(b"\x89PNG"), path
    else:
        assert b"<svg" in data[:2000], path
    assert text_problems(fig) == []
    assert [p for ax in fig.axes for p in hidden_series(ax)] == []
    shown = " ".join(t.get_text() for t in _drawn_texts(fig))
    for name in names:
        assert name in shown, f"{name} is not named in {path.name}"


# --- the charts -------------------------------------------------------------------------------

OPENAI_NAMES = [
    "First close partners",
    "Microsoft",
    "Other investors and employees",
    "OpenAI, Inc. (nonprofit)",
]


def _invoke(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("suffix", [".png", ".svg"])
@pytest.mark.parametrize("at", [[], ["13B"], ["13B", "500B"]])
def test_waterfall_chart_of_the_bundled_case(
    saved: list[tuple[Figure, Path]], tmp_path: Path, suffix: str, at: list[str]
) -> None:
    target = tmp_path / f"money{suffix}"
    _invoke(
        ["waterfall", str(WATERFALL), *(a for x in at for a in ("--at", x)), "--chart", str(target)]
    )
    [(fig, path)] = saved
    judge(fig, path, OPENAI_NAMES)


@pytest.mark.parametrize("file", EXAMPLE_WATERFALLS, ids=lambda p: p.stem)
def test_waterfall_chart_of_every_example(
    saved: list[tuple[Figure, Path]], tmp_path: Path, file: Path
) -> None:
    wf, errors = load_waterfall(file)
    assert wf is not None, errors
    write_chart(compile_curves(wf), tmp_path / "chart.png", title=wf.name, names=party_names(wf))
    [(fig, path)] = saved
    judge(fig, path, list(party_names(wf).values()))


def test_waterfall_chart_marks_what_at_asks(
    saved: list[tuple[Figure, Path]], tmp_path: Path
) -> None:
    """`--at` changes the picture: the asked amount is a line, labelled, and a amount beyond the
    default range widens the chart to include it."""
    _invoke(["waterfall", str(WATERFALL), "--chart", str(tmp_path / "plain.png")])
    _invoke(["waterfall", str(WATERFALL), "--at", "1T", "--chart", str(tmp_path / "at.png")])
    (plain, _), (asked, _) = saved
    assert (tmp_path / "plain.png").read_bytes() != (tmp_path / "at.png").read_bytes()
    assert max(plain.axes[0].get_xlim()) < 1e12 <= max(asked.axes[0].get_xlim())
    for ax in asked.axes[:2]:
        assert any(np.allclose(line.get_xdata(), 1e12) for line in ax.get_lines()), (
            "no line at the asked amount"
        )
    texts = [t.get_text() for t in _drawn_texts(asked)]
    assert "$1T" in texts
    assert any("Microsoft: $92B at $1T" in t for t in texts)


@pytest.mark.parametrize("suffix", [".png", ".svg"])
@pytest.mark.parametrize("amounts", [[], ["13B", "500B"], ["1B", "13B", "100B", "500B"]])
def test_control_chart_of_the_bundled_case(
    saved: list[tuple[Figure, Path]], tmp_path: Path, suffix: str, amounts: list[str]
) -> None:
    target = tmp_path / f"control{suffix}"
    args = [a for x in amounts for a in ("--amount", x)]
    _invoke(["report", str(CASE), *args, "--chart", str(target)])
    [(fig, path)] = saved
    judge(fig, path, OPENAI_NAMES)
    shown = " ".join(t.get_text() for t in _drawn_texts(fig))
    assert "the board of OpenAI, Inc." in shown  # the board by name, and when
    assert "2023-11-16" in shown
    assert "openai-inc" not in shown


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert run_demo(out) == 0
    return out


def test_demo_charts(demo: Path, saved: list[tuple[Figure, Path]]) -> None:
    """The demo's three charts, redrawn as the demo draws them, judged like the others."""
    from charter.cli.demo_cmd import EXTRA_SECTIONS
    from charter.load.case import load_case

    case, _ = load_case(CASE)
    assert case is not None
    for section in EXTRA_SECTIONS:
        section(case, demo)
    assert {p.name for _, p in saved} == {
        "waterfall.png",
        "control-vs-economics.png",
        "control-over-time.png",
    }
    for fig, path in saved:
        judge(fig, path, OPENAI_NAMES)


def test_demo_report_reads_in_names_without_none(demo: Path) -> None:
    text = (demo / "report.md").read_text(encoding="utf-8")
    assert "None" not in text
    assert "no chair" in text  # 18 November, de facto: the chair had been removed
    assert "directors Adam D'Angelo, Helen Toner, Ilya Sutskever, Tasha McCauley; no chair" in text
    assert "Votes: the board of OpenAI, Inc. at the end of 2023-11-16" in text
    assert "through the board of OpenAI, Inc." in text


# --- the README ------------------------------------------------------------------------------


def _ignored(path: str) -> bool:
    """Whether .gitignore ignores ``path`` through one of its folder patterns (``reports/``)."""
    patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    first = path.split("/")[0] + "/"
    return "/" in path and first in patterns


@pytest.mark.parametrize("doc", ["README.md", "docs/cli.md"])
def test_documented_charts_are_written_where_git_ignores_them(doc: str) -> None:
    """A reader who copies an example must not leave a picture in the checkout."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    charts = re.findall(r"^\$ .*--chart (\S+)", text, re.M)
    assert charts, f"{doc} shows no --chart example"
    for chart in charts:
        assert _ignored(chart), f"{doc}: --chart {chart} writes into the repository"


def test_readme_two_commands_are_two() -> None:
    """`Two commands`: the block under that heading lists the two that set up and test; the
    browser's `make serve` is named as the third, outside it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    first_block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "`make serve`" in section
    assert "third" in section


def _crowded_waterfall() -> str:
    """Twelve parties with long names, each recouping a little in turn (so the breakpoints are
    close together), under a long title: the chart must still fit and not overlap."""
    parties = "\n".join(
        f"  - {{id: p{i}, name: Party number {i} with a long descriptive name, capital: 0}}"
        for i in range(12)
    )
    tiers = "\n".join(
        f"  - name: p{i} first\n    split: {{p{i}: 100}}\n"
        f"    until: {{party: p{i}, receives: {1 + i % 3}M}}"
        for i in range(12)
    )
    shares = ", ".join(f"p{i}: {12 if i == 11 else 8}" for i in range(12))
    title = "A waterfall whose title goes on " * 5
    return (
        f"waterfall: {title.strip()}\nparties:\n{parties}\ntiers:\n{tiers}\n"
        f"  - name: together\n    split: {{{shares}}}\n"
    )


@pytest.mark.parametrize("marks", [[], [2.5e6], [1e6, 5e6, 2e7, 9e7]])
def test_a_crowded_waterfall_chart_still_fits(
    saved: list[tuple[Figure, Path]], tmp_path: Path, marks: list[float]
) -> None:
    file = tmp_path / "crowded.yaml"
    file.write_text(_crowded_waterfall(), encoding="utf-8")
    wf, errors = load_waterfall(file)
    assert wf is not None, errors
    curves = compile_curves(wf)
    assert len(curves.breakpoints) >= 12
    write_chart(curves, tmp_path / "c.png", title=wf.name, names=party_names(wf), marks=marks)
    [(fig, path)] = saved
    judge(fig, path, [])
    shown = [t.get_text() for t in _drawn_texts(fig)]
    assert any("labelled where they fit" in t for t in shown)


def test_a_crowded_control_chart_still_fits(
    saved: list[tuple[Figure, Path]], tmp_path: Path
) -> None:
    """Eight parties with long names, five amounts: the chart grows to hold them."""
    from fractions import Fraction

    from charter.report.control import ControlReport, PartyControl
    from charter.report.control_render import write_control_chart

    amounts = [Fraction(10**k) for k in range(6, 11)]
    parties = tuple(
        PartyControl(
            id=f"p{i}",
            name=f"Party number {i} with a rather long descriptive name indeed",
            votes=Fraction(1, 2) if i < 2 else Fraction(0),
            why="",
            money=tuple((a, Fraction(i + k, 100)) for k, a in enumerate(amounts)),
            first=Fraction(i, 50),
            margin=tuple((a, Fraction(i * k % 7, 20)) for k, a in enumerate(amounts)),
        )
        for i in range(8)
    )
    report = ControlReport(
        entity="e",
        directors=("a",),
        parties=parties,
        entity_name="An entity with a name long enough to wrap the title " * 2,
    )
    write_control_chart(report, tmp_path / "control.png")
    [(fig, path)] = saved
    judge(fig, path, [])


def test_a_valuation_sweep_chart_fits_and_draws_every_party(
    tmp_path: Path, saved: list[tuple[Figure, Path]]
) -> None:
    out = tmp_path / "sweep.png"
    args = ["value", str(CASE), "--value", "30B", "--vol", "0.6", "--out", str(tmp_path / "s.csv")]
    args += ["--sweep", "value=5B:500B:8", "--sweep", "vol=0.2:1.0:5", "--chart", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    [(fig, path)] = saved
    assert path == out
    assert text_problems(fig) == []
    panels = [ax for ax in fig.axes if ax.lines]
    assert len(panels) == 4  # five volatilities, at most four panels
    assert all(len(ax.lines) == 4 for ax in panels)  # every party, in every panel
