"""The compiled parser's path for large journals (charter.load.fast_journal) gives exactly the
case the exact path gives: the same events, times and sources (file, line, column) for every
bundled journal and for generated ones written in every style a journal may use, and the same
located errors for any file that has one (it is read again by the exact path)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.load import case as case_module
from charter.load.case import load_case
from charter.load.fast_journal import PlainData, fast_journal

ROOT = Path(__file__).resolve().parent.parent
CASES = [ROOT / "examples" / "openai-2023", ROOT / "docs" / "examples" / "acme"]
PEOPLE = ("altman", "brockman", "sutskever", "dangelo", "mccauley", "toner")


@pytest.fixture
def every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path for files of any size (it is used above 64 KiB otherwise)."""
    monkeypatch.setattr(case_module, "FAST_PARSE_CHARS", 0)


def both(case_dir: Path, **kw: object) -> tuple[object, object]:
    return load_case(case_dir, fast=True, **kw), load_case(case_dir, fast=False, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: p.name)
def test_every_bundled_case_loads_the_same_both_ways(every_size: None, case_dir: Path) -> None:
    extra = sorted(p for p in case_dir.glob("*.yaml") if "what" in p.name)
    (fast, fast_errors), (exact, exact_errors) = both(case_dir, extra=extra)  # type: ignore[misc]
    assert fast_errors == exact_errors == []
    assert fast.entries == exact.entries  # type: ignore[attr-defined]
    assert fast == exact


def test_a_large_journal_is_read_by_the_fast_path(tmp_path: Path) -> None:
    case_dir = write_case(tmp_path, [announcement(i) for i in range(3000)])
    assert (case_dir / "journal.yaml").stat().st_size > case_module.FAST_PARSE_CHARS
    text = (case_dir / "journal.yaml").read_text()
    found = fast_journal(text)
    assert found is not None
    assert isinstance(found.data, PlainData)
    (fast, _), (exact, _) = both(case_dir)  # type: ignore[misc]
    assert fast.entries == exact.entries  # type: ignore[attr-defined]


def announcement(i: int, *, text: str | None = None) -> str:
    minute = i % 1440
    return (
        f"  - at: 2024-01-{1 + i // 1440 % 28:02d}T{minute // 60:02d}:{minute % 60:02d}:00\n"
        f"    kind: announcement\n    by: openai-inc\n    text: {text or f'number {i}'}\n"
    )


def write_case(root: Path, events: list[str], header: str = "journal: openai-2023\n") -> Path:
    case_dir = root / "case"
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    charter = (ROOT / "examples/openai-2023/charter.yaml").read_text(encoding="utf-8")
    lines = [
        "journal: [journal.yaml]" if line.startswith("journal:") else line
        for line in charter.splitlines()
        if not line.startswith("waterfall:")
    ]
    (case_dir / "charter.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (case_dir / "journal.yaml").write_text(header + "events:\n" + "".join(events))
    return case_dir


# Every style an event may be written in: quoted and plain scalars, text that looks like a
# number, a date, a list item or a comment, block scalars with dashes inside, flow and block
# lists, comments between events, a date alone, times with zones.
TEXTS = st.sampled_from(
    [
        "plain words",
        "'single: quoted'",
        '"double \\"quoted\\" - text"',
        "yes",
        "'2023-11-17'",
        "123",
        "'- not an item'",
        "|\n      a block scalar\n      - with a dash line\n    ",
        ">-\n      folded\n      text\n    ",
        "text with a # hash inside",
        "\"Ünïcödé — 'text'\"",
    ]
)


@st.composite
def events(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(min_value=1, max_value=25))
    out = []
    for i in range(n):
        minute = i * 7
        stamp = f"2024-02-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:{minute % 60:02d}"
        when = draw(st.sampled_from([f"{stamp}:00", stamp, f"'{stamp}:00-08:00'"]))
        kind = draw(st.sampled_from(["announcement", "message-flow", "message-block", "comment"]))
        text = draw(TEXTS)
        if kind == "comment":
            out.append("  # a comment between events\n")
            kind = "announcement"
        if kind == "announcement":
            out.append(
                f"  - at: {when}\n    kind: announcement\n    by: openai-inc\n    text: {text}\n"
            )
        elif kind == "message-flow":
            to = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True))
            out.append(
                f"  - at: {when}\n    kind: private-message\n    from: {PEOPLE[0]}\n"
                f"    to: [{', '.join(to)}]\n    text: {text}\n"
            )
        else:
            to = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True))
            items = "".join(f"      - {p}\n" for p in to)
            out.append(
                f"  -   at: {when}\n      kind: private-message\n      from: {PEOPLE[1]}\n"
                f"      to:\n{items}"
            )
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events())
def test_generated_journals_load_the_same_both_ways(
    every_size: None, tmp_path_factory: pytest.TempPathFactory, written: list[str]
) -> None:
    case_dir = write_case(tmp_path_factory.mktemp("gen"), written)
    # the fast path reads every one of these (the comparison below is not of two exact reads)
    assert fast_journal((case_dir / "journal.yaml").read_text(encoding="utf-8")) is not None
    (fast, fast_errors), (exact, exact_errors) = both(case_dir)  # type: ignore[misc]
    assert fast_errors == exact_errors
    if exact is not None:
        assert fast.entries == exact.entries  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("    by: nobody-at-all\n", "unknown person"),  # a person who does not exist
        ("    kind: announcment\n", "kind"),  # a schema error
        ("  - at: 2023-01-01T00:00:00\n", "out of time order"),
    ],
)
def test_a_file_with_an_error_is_reported_exactly_as_the_exact_path_reports_it(
    every_size: None, tmp_path: Path, bad: str, needle: str
) -> None:
    written = [announcement(i) for i in range(40)]
    key = bad.split(":")[0].strip().lstrip("- ")
    lines = written[17].splitlines(keepends=True)
    written[17] = "".join(
        bad if line.strip().lstrip("- ").startswith(key + ":") else line for line in lines
    )
    if key == "by":
        written[17] = (
            written[17]
            .replace("kind: announcement", "kind: private-message")
            .replace("by: nobody-at-all", "from: nobody-at-all\n    to: [altman]")
        )
    case_dir = write_case(tmp_path, written)
    (fast, fast_errors), (exact, exact_errors) = both(case_dir)  # type: ignore[misc]
    assert fast is None
    assert exact is None
    assert fast_errors == exact_errors
    assert needle in " ".join(d.message for d in fast_errors)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "journal: x\nevents:\n  - &a {at: 2024-01-01, kind: announcement, by: x, text: y}\n",
        "journal: x\nevents:\n  - at: !!str 2024-01-01\n    kind: announcement\n",
        "journal: x\nevents: [{at: 2024-01-01, kind: announcement, by: x, text: y}]\n",
        "journal: x\nevents:\n  - at: 2024-01-01\n    kind: a\n    kind: b\n",
        "journal: x\nevents:\n  - at: [unclosed\n",
        "- a list\n- not a mapping\n",
    ],
    ids=["anchor", "tag", "flow-sequence", "duplicate-key", "syntax-error", "not-a-mapping"],
)
def test_what_the_scan_cannot_vouch_for_is_left_to_the_exact_path(text: str) -> None:
    assert fast_journal(text) is None


def test_the_positions_are_ruamel_positions(every_size: None) -> None:
    path = ROOT / "examples" / "openai-2023" / "journal.yaml"
    found = fast_journal(path.read_text(encoding="utf-8"))
    assert found is not None
    exact, _, _ = case_module.load_journal_file(path, 0, dt.UTC, fast=False)
    assert [(e.source.line, e.source.column) for e in exact] == list(found.starts)


def test_a_progress_bar_shows_only_for_slow_work_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import time

    from charter.cli import common
    from charter.report.terminal import FittingConsole

    def console(terminal: bool) -> io.StringIO:
        out = io.StringIO()
        monkeypatch.setattr(
            common, "err_console", FittingConsole(file=out, force_terminal=terminal, width=80)
        )
        return out

    slow = console(terminal=True)
    with common.working("Reading a large case", after=0.05):
        time.sleep(0.5)
    assert "Reading a large case" in slow.getvalue()
    quick = console(terminal=True)
    with common.working("Reading a small case", after=0.5):
        pass
    assert quick.getvalue() == ""
    piped = console(terminal=False)
    with common.working("Reading a piped case", after=0.05):
        time.sleep(0.3)
    assert piped.getvalue() == ""  # never in piped output
