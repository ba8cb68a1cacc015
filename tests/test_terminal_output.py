"""What a person reads in a terminal (issue 12): output fits the terminal it is printed in, 80
columns included, without cutting a value; replay gives a summary first; power answers the
question asked; times, errors and help read as people write them."""

from __future__ import annotations

import fcntl
import math
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from charter.report.terminal import FittingConsole, human_time, readable_int

ROOT = Path(__file__).resolve().parent.parent
CHARTER = Path(sys.executable).with_name("charter")
CASE = "examples/openai-2023"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def in_terminal(args: list[str], columns: int = 80, timeout: float = 120) -> list[str]:
    """The lines ``charter ARGS`` shows in a real (pseudo-)terminal ``columns`` wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [str(CHARTER), *args], cwd=ROOT, stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            process.kill()
            raise AssertionError(f"charter {' '.join(args)} produced nothing for {timeout} s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the program ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=timeout)
    os.close(leader)
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")
    return text.split("\n")


def _assert_fits(lines: list[str], columns: int) -> None:
    wide = [line for line in lines if len(line.rstrip()) > columns]
    assert not wide, f"{len(wide)} lines wider than {columns}: {wide[:3]}"
    cut = [line for line in lines if "…" in line and "--json lists all" not in line]
    assert not cut, f"values cut with an ellipsis: {cut[:3]}"


@pytest.fixture(scope="module")
def demo_80(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("demo")
    return in_terminal(["demo", "--out", str(out)])


def test_demo__fits_an_80_column_terminal_whole(demo_80: list[str]) -> None:
    _assert_fits(demo_80, 80)
    text = "\n".join(demo_80)
    for whole in ("conditional", "void", "valid", "openai-2016-reported", "delaware-nonstock"):
        assert re.search(rf"(?<![\w-]){re.escape(whole)}(?![\w-])", text), whole
    assert "$13B" in text or "13,000,000,000" in text


@pytest.mark.parametrize(
    "args",
    [
        ["replay", CASE, "--bylaws", "delaware-nonstock"],
        ["replay", CASE, "--with", f"{CASE}/what-if-agi.yaml"],
        ["replay", CASE, "--act", "remove-altman-ceo"],
        ["state", CASE, "--at", "2023-11-18", "--view", "de-facto"],
        [
            "power", CASE, "--at", "2023-11-16", "--act", "remove-officer",
            "--without", "altman", "--without", "brockman",
        ],
        ["check", CASE],
        ["waterfall", f"{CASE}/waterfall.yaml", "--at", "13B", "--at", "500B"],
        ["power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--names", "FR,DE,IT,BE,NL,LU"],
        ["report", CASE],
    ],
    ids=lambda a: " ".join(a[:2]),
)  # fmt: skip
def test_readme_examples__fit_an_80_column_terminal(args: list[str]) -> None:
    _assert_fits(in_terminal(args), 80)


def test_piped_output__honours_columns() -> None:
    env = os.environ | {"COLUMNS": "100"}
    done = subprocess.run(
        [str(CHARTER), "replay", CASE, "--detail"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert max(len(line) for line in lines) > 80  # it used the room it was given


def test_fitting_console__folds_rather_than_cuts() -> None:
    table = Table("profile", "verdict", "amount", "note")
    table.add_row("openai-2016-reported", "conditional", "13,000,000,000", "x " * 40)
    console = FittingConsole(width=40, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    text = console.export_text()
    assert "…" not in text
    assert all(len(line) <= 40 for line in text.splitlines())
    for word in ("conditional", "13,000,000,000"):
        assert word in text


def test_readable_int__scientific_beyond_a_million_million_exact_below() -> None:
    assert readable_int(123_456_789) == "123,456,789"
    assert readable_int(math.factorial(500)) == "1.220e+1134"  # a float would overflow
    assert readable_int(-(10**13)) == "-1.000e+13"


def test_human_time__reads_as_people_write_it() -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    pst = ZoneInfo("America/Los_Angeles")
    end_of_day = dt.datetime(2023, 11, 18, 23, 59, 59, 999999, tzinfo=pst)
    assert human_time(end_of_day) == "2023-11-18 23:59 PST"
    assert human_time(dt.datetime(2023, 11, 17, 20, 0, tzinfo=dt.UTC), pst) == (
        "2023-11-17 12:00 PST"
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHARTER), *args],
        cwd=ROOT,
        env=os.environ | {"COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_replay__a_summary_first_details_on_request() -> None:
    summary = _run("replay", CASE).stdout
    detail = _run("replay", CASE, "--detail").stdout
    one = _run("replay", CASE, "--act", "remove-altman-ceo").stdout
    assert len(summary.splitlines()) < len(detail.splitlines()) / 3
    assert "2023-11-17 12:00 PST  remove-altman-ceo: conditional" in summary
    assert "remove-officer Sam Altman as ceo" in summary  # the subject in names
    assert "╭─ remove-altman-ceo" not in summary
    assert "╭─ remove-altman-ceo" in detail
    assert one.count("╭─") == 1
    assert "╭─ remove-altman-ceo" in one
    unknown = _run("replay", CASE, "--act", "remove-altman-ce")
    assert unknown.returncode == 2
    assert "did you mean 'remove-altman-ceo'?" in unknown.stderr


def test_replay_with__says_what_changes_before_anything_else() -> None:
    out = _run("replay", CASE, "--with", f"{CASE}/what-if-agi.yaml").stdout
    first = out.split("Acts under")[0]
    assert first.startswith("What the what-if changes")
    assert "added:" in first
    assert "determine-agi-2024" in first
    assert "scope" in first
    assert "hypothetical-model-x" in first


def test_power_without__lists_the_coalitions_that_leave_them_out() -> None:
    out = _run(
        "power", CASE, "--at", "2023-11-16", "--act", "remove-officer",
        "--without", "altman", "--without", "brockman",
    ).stdout  # fmt: skip
    listed = re.findall(r"\{([^}]*)\}", out)
    assert listed, out
    assert all("altman" not in c and "brockman" not in c for c in listed), listed
    assert "1 of 15 minimal winning coalitions leaves them out" in " ".join(out.split())


def test_a_bad_date__one_error_saying_the_form(tmp_path: Path) -> None:
    import shutil

    case = tmp_path / "case"
    shutil.copytree(ROOT / CASE, case)
    journal = case / "journal.yaml"
    text = journal.read_text(encoding="utf-8")
    journal.write_text(text.replace("at: 2023-11-17T12:00:00", "at: '17/11/2023'", 1))
    done = _run("check", str(case))
    assert done.returncode == 1
    assert done.stderr.count("error:") == 1
    assert "'17/11/2023' is not a date or time" in done.stderr
    assert "2023-11-17T12:00" in done.stderr
    assert "2023-11-17" in done.stderr
    assert done.stderr.rstrip().endswith("1 error found")


def test_a_directory_without_charter_yaml__is_not_a_case(tmp_path: Path) -> None:
    done = _run("replay", str(tmp_path))
    assert done.returncode == 1
    assert f"{tmp_path} is not a case: it has no charter.yaml" in done.stderr
    assert "docs/formats.md" in done.stderr


def test_fmt_check__names_the_file_that_would_change(tmp_path: Path) -> None:
    journal = tmp_path / "journal.yaml"
    journal.write_text((ROOT / CASE / "journal.yaml").read_text(encoding="utf-8") + "\n\n")
    done = _run("fmt", "--check", str(journal))
    assert done.returncode == 1
    assert f"{journal} would change" in done.stderr
    assert journal.read_text(encoding="utf-8").endswith("\n\n")  # --check changes nothing


@pytest.mark.parametrize("command", ["replay", "check", "power", "waterfall", "serve", "verify"])
def test_help__flags_show_no_value_type(command: str) -> None:
    assert "<bool>" not in _run(command, "--help").stdout


def test_every_failing_command__ends_with_the_count(tmp_path: Path) -> None:
    for args in (
        ("verify", "--db", str(tmp_path / "none.db")),
        ("check", str(tmp_path)),
        ("import", str(ROOT / CASE), "--db", str(tmp_path / "x.db"), "--org", "a/b"),
    ):
        done = _run(*args)
        assert done.returncode == 1, args
        assert re.search(r"\d+ errors? found$", done.stderr.rstrip()), (args, done.stderr)


def test_console__plain_console_would_cut_what_fitting_console_keeps() -> None:
    """The failure this module guards against, shown once: rich's default cuts."""
    table = Table("profile")
    table.add_row("openai-2016-reported")
    plain = Console(width=12, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    plain.print(table)
    assert "…" in plain.export_text()


words = st.text(alphabet="abcdefghij-0123456789,.$%", min_size=1, max_size=24)
cells = st.lists(words, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.tuples(
            st.lists(words, min_size=n, max_size=n),
            st.lists(
                st.lists(
                    st.lists(words, min_size=1, max_size=4).map(" ".join), min_size=n, max_size=n
                ),
                min_size=1,
                max_size=6,
            ),
        )
    ),
    st.integers(min_value=20, max_value=200),
)
def test_fit__any_table_at_any_width_fits_and_keeps_every_word(
    table_data: tuple[list[str], list[list[str]]], width: int
) -> None:
    """The class, not the example: whatever the columns and the width, no line is wider than the
    terminal, nothing is cut to an ellipsis, and every character of every cell is still there."""
    headers, rows = table_data
    table = Table(*headers)
    for row in rows:
        table.add_row(*row)
    console = FittingConsole(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    text = console.export_text()
    assert all(len(line) <= width for line in text.splitlines())
    assert "…" not in text
    # folding moves characters to the next line; it never drops one
    shown = Counter("".join(text.split()))
    given = Counter("".join("".join(c.split()) for c in (*headers, *(x for r in rows for x in r))))
    assert not given - shown
