"""Hostile YAML (issue 12, "Large and hostile input"): a "billion laughs" document and a file
over the size limit are refused with a located error, at once, by every command that reads
YAML, and by ``charter import``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from charter import located
from charter.located import MAX_ALIAS_NODES, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
CHARTER = Path(sys.executable).with_name("charter")
CASE = ROOT / "examples" / "openai-2023"


def laughs(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """The classic alias bomb: each level an anchor that lists the previous one ``width`` times;
    ``levels`` = 9 expands to 9^9 = 387,420,489 leaves."""
    lines = [f"{indent}l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def bombed_case(tmp_path: Path, where: str) -> Path:
    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    target = case / where
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "bomb:\n" + laughs(indent="  "), encoding="utf-8")
    return case


def run(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(CHARTER), *args],
        cwd=ROOT,
        env=os.environ | {"COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done, time.perf_counter() - started


COMMANDS = {
    "check": ["check", "{case}"],
    "replay": ["replay", "{case}"],
    "state": ["state", "{case}", "--at", "2023-11-18"],
    "power": ["power", "{case}", "--at", "2023-11-16"],
    "report": ["report", "{case}"],
    "fmt": ["fmt", "{case}/journal.yaml"],
    "import": ["import", "{case}", "--db", "{tmp}/x.db"],
    "demo-like replay --with": ["replay", str(CASE), "--with", "{case}/journal.yaml"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_alias_bomb__refused_at_once_by_every_command(tmp_path: Path, command: str) -> None:
    case = bombed_case(tmp_path, "journal.yaml")
    args = [a.format(case=case, tmp=tmp_path) for a in COMMANDS[command]]
    done, elapsed = run(*args)
    assert done.returncode == 1, done.stderr
    assert "refused: its aliases expand to" in done.stderr
    assert f"{case}/journal.yaml:" in done.stderr  # located: the file and line
    assert elapsed < 20


@pytest.mark.parametrize("where", ["charter.yaml", "waterfall.yaml"])
def test_alias_bomb__in_any_file_of_the_case(tmp_path: Path, where: str) -> None:
    case = bombed_case(tmp_path, where)
    done, _ = run("check", str(case))
    assert done.returncode == 1
    assert f"{where}:" in done.stderr
    assert "refused: its aliases expand to" in done.stderr


def test_alias_bomb__in_a_waterfall_given_to_the_waterfall_command(tmp_path: Path) -> None:
    case = bombed_case(tmp_path, "waterfall.yaml")
    done, _ = run("waterfall", str(case / "waterfall.yaml"), "--at", "13B")
    assert done.returncode == 1
    assert "refused: its aliases expand to" in done.stderr


def test_aliases_within_the_bound_still_load() -> None:
    text = "base: &b {a: 1, b: 2}\n" + "".join(f"k{i}: *b\n" for i in range(1000))
    parsed = parse_yaml("x.yaml", text)
    assert parsed.errors == []
    assert parsed.data["k999"]["b"] == 2


def test_the_bound_is_on_what_aliases_add() -> None:
    small = laughs(levels=6, width=9)  # 9^6 = 531,441 added: under the bound
    assert parse_yaml("x.yaml", small).errors == []
    big = laughs(levels=7, width=9)  # 9^7 = 4,782,969: over
    (error,) = parse_yaml("x.yaml", big).errors
    assert error.source.line == 2  # the first alias
    assert f"{MAX_ALIAS_NODES:,}" in error.message


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(located, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "journal.yaml"
    path.write_text("events:\n" + "  - {at: 2023-11-17, kind: announcement, text: x}\n" * 100)
    text, errors = located.read_text(path)
    assert text is None
    assert "over the limit of 1,000 bytes" in errors[0].message
    assert errors[0].source.path == str(path)
