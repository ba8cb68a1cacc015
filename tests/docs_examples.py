"""The command examples of the docs, run and compared with what the docs say they print.

Docs drift silently: an output changes, nobody re-runs the example, and a reader is told
something the program no longer says. So every example that can run is marked, run by
``tests/test_docs_examples.py`` and compared with the text in the doc, and ``--update`` rewrites
the documented outputs from the real ones (review the diff like any other change)::

    .venv/bin/python tests/docs_examples.py --update     # or: make docs-update
    .venv/bin/python tests/docs_examples.py               # check only; exit 1 on a difference

**The convention.** A fenced block whose info string is ``console`` holds commands (lines that
start with ``$ ``; a line ending in ``\\`` continues on the next, and so does a next line that
starts with ``> ``, as bash's own prompt shows it) each followed by its output
(stdout and stderr together, as a terminal shows them). An HTML comment on the line just above
the block (invisible when rendered) may set the environment and prepare files::

    <!-- console COLUMNS=100
    cp -r examples/openai-2023 /tmp/broken
    sed -i 's/toner]/tonner]/' /tmp/broken/journal.yaml
    -->

Its first line holds ``KEY=VALUE`` settings and flags; the other lines are a bash script run
before the commands (``set -e``). Flags: ``run-only`` (for a block of any info string, e.g.
``sh``: each ``$ `` command must exit 0, its output is not compared) and ``skip: REASON`` (a block
that cannot run here; it is listed, not run). Every block that holds a ``$ charter`` line must be
``console`` or carry one of these markers (``check_marked``).

**How a block runs.** Each block gets a scratch directory that mirrors the repository root by
symlinks (so ``examples/openai-2023`` and ``src/charter/profiles/...`` resolve as from the root,
while files a command writes, such as ``--db charter.db`` or ``--chart money.png``, land in the
scratch directory and never in the repository) and a private ``/tmp``: every ``/tmp/`` in the
setup and the commands is that directory, and its path in the output is printed back as
``/tmp``. Commands run through bash (so ``; echo $?``, pipes and ``jq`` work), one after the
other, with the venv's ``charter`` first on PATH, ``COLUMNS=80`` unless the block sets it,
``TZ=UTC`` and a UTF-8 locale. Blocks run in parallel threads.

**How output is compared.** Trailing spaces and trailing blank lines are ignored. A line whose
text starts with ``...`` (``...``, ``... (12 more rows)``) stands for any number of lines; ``...``
inside a line stands for any text. Values that must vary between runs (durations, the program's
version, recording timestamps) are masked on both sides (``VARYING``). Nothing else is
normalised: a changed output fails until the doc says the same."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every Markdown file of docs/ (not docs/examples/, the files the examples read) and the README.
DOCS = (*sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")), "README.md")
TIMEOUT = 120  # seconds per command

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARKER = re.compile(r"^<!--\s*console\b(?P<rest>.*)$")
TMP = re.compile(r"(?<![\w./-])/tmp(?=/|\b)")
WILDCARD_LINE = re.compile(r"^\s*\.\.\.")

# What must vary between runs, masked on both sides before comparing (pattern, stand-in).
VARYING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b(?= |$|\)|,)"), "<duration>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z"), "<timestamp>"),
    (re.compile(r"\b(charter,? (?:version )?)\d+\.\d+(?:\.\d+)?\S*"), r"\1<version>"),
)


@dataclass
class Command:
    """One ``$ `` command of a block and the output the doc shows for it."""

    line: int  # 1-based line of the ``$ `` in the doc
    text: str  # as written, continuation lines included, without the ``$ ``
    output_start: int  # 0-based index in the doc's lines of the first output line
    expected: list[str]


@dataclass
class Block:
    doc: str  # path relative to the repository root
    line: int  # 1-based line of the opening fence
    info: str
    env: dict[str, str] = field(default_factory=dict)
    setup: str = ""
    run_only: bool = False
    skip: str | None = None
    commands: list[Command] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}"


@dataclass
class Outcome:
    command: Command
    actual: list[str]
    status: int

    @property
    def proposed(self) -> list[str]:
        """The output lines ``--update`` would write: the doc's own lines where they match."""
        return merge(self.command.expected, self.actual)

    @property
    def ok(self) -> bool:
        return self.proposed == self.command.expected


@dataclass
class BlockResult:
    block: Block
    outcomes: list[Outcome]
    error: str | None = None  # the setup failed, or a run-only command exited non-zero

    def failures(self) -> list[str]:
        """Messages for people: the doc's file:line, the command, a unified diff."""
        if self.error is not None:
            return [self.error]
        messages = []
        for o in self.outcomes:
            if self.block.run_only or o.ok:
                continue
            where = f"{self.block.doc}:{o.command.line}"
            diff = difflib.unified_diff(
                o.command.expected,
                o.proposed,
                fromfile=f"{where} (documented)",
                tofile="actual output",
                lineterm="",
            )
            messages.append(
                f"{where}: the output of `$ {o.command.text}` differs from the doc\n"
                + "\n".join(diff)
                + "\n(run `make docs-update` to rewrite the doc, then review the diff)"
            )
        return messages


# -- reading the docs ---------------------------------------------------------------------------


def parse_marker(lines: Sequence[str], fence_index: int) -> tuple[str, list[str]] | None:
    """The ``<!-- console ... -->`` comment ending on the line just above the fence, as (first
    line's settings, setup lines), or None."""
    end = fence_index - 1
    if end < 0 or not lines[end].rstrip().endswith("-->"):
        return None
    start = end
    while start >= 0 and "<!--" not in lines[start]:
        start -= 1
    if start < 0:
        return None
    m = MARKER.match(lines[start].strip())
    if m is None:
        return None
    body = [*lines[start + 1 : end + 1]] if start != end else []
    rest = m.group("rest")
    if start == end:
        rest = rest.rsplit("-->", 1)[0]
    elif body:
        body[-1] = body[-1].rstrip()[: -len("-->")]
    return rest.strip(), [b for b in body if b.strip()]


def parse_settings(block: Block, settings: str) -> None:
    if "skip:" in settings:
        head, reason = settings.split("skip:", 1)
        block.skip = reason.strip() or "no reason given"
        settings = head
    for token in settings.split():
        if token == "run-only":
            block.run_only = True
        elif "=" in token:
            key, value = token.split("=", 1)
            block.env[key] = value
        else:
            raise ValueError(f"{block.name}: unknown console setting {token!r}")


def parse_commands(block: Block, lines: Sequence[str], start: int, stop: int) -> None:
    """Commands and their outputs from the block's lines [start, stop)."""
    i = start
    while i < stop:
        if not lines[i].startswith("$ "):
            if block.commands:
                raise AssertionError("unreachable: output lines are consumed with their command")
            if lines[i].strip():
                raise ValueError(f"{block.doc}:{i + 1}: a console block must start with '$ '")
            i += 1
            continue
        text = [lines[i][2:]]
        line = i + 1
        while i + 1 < stop and (text[-1].endswith("\\") or lines[i + 1].startswith("> ")):
            i += 1
            text.append(lines[i][2:] if lines[i].startswith("> ") else lines[i])
        i += 1
        output_start = i
        while i < stop and not lines[i].startswith("$ "):
            i += 1
        block.commands.append(
            Command(line, "\n".join(text), output_start, list(lines[output_start:i]))
        )


def read_blocks(doc: str, root: Path = ROOT) -> list[Block]:
    """Every fenced block of ``doc`` that holds commands: ``console`` blocks, and blocks of any
    info string that carry a console marker or a ``$ charter`` line."""
    lines = (root / doc).read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info").strip()
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence) and not lines[j].strip()[len(fence) :].strip()
        ):
            j += 1
        marker = parse_marker(lines, i)
        has_command = any(re.match(r"^\$ \S*charter\b", line) for line in lines[i + 1 : j])
        if info == "console" or marker is not None or has_command:
            block = Block(doc=doc, line=i + 1, info=info)
            if marker is not None:
                parse_settings(block, marker[0])
                block.setup = "\n".join(marker[1])
            parse_commands(block, lines, i + 1, j)
            blocks.append(block)
        i = j + 1
    return blocks


def all_blocks(root: Path = ROOT, docs: Iterable[str] = DOCS) -> list[Block]:
    return [b for doc in docs for b in read_blocks(doc, root)]


def check_marked(blocks: Iterable[Block]) -> list[str]:
    """Blocks with ``$ charter`` commands that would not run: neither ``console`` nor marked."""
    return [
        f"{b.name}: a ```{b.info} block with `$ charter` commands is not run: make it ```console "
        "(with its outputs) or mark it <!-- console run-only --> or <!-- console skip: REASON -->"
        for b in blocks
        if b.info != "console" and not b.run_only and b.skip is None and b.commands
    ]


# -- running ------------------------------------------------------------------------------------


def mirror(root: Path, into: Path) -> None:
    """Symlink every top-level entry of the repository into ``into`` (but not .git)."""
    for entry in root.iterdir():
        if entry.name != ".git":
            (into / entry.name).symlink_to(entry)


def environment(block: Block, root: Path) -> dict[str, str]:
    venv_bin = root / ".venv" / "bin"
    bin_dir = venv_bin if venv_bin.exists() else Path(sys.executable).parent
    keep = ("HOME", "USER", "LOGNAME", "MPLCONFIGDIR", "XDG_CACHE_HOME", "PGHOST")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        COLUMNS="80",
        TZ="UTC",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(block.env)
    return env


def to_scratch(text: str, tmp: Path) -> str:
    return TMP.sub(str(tmp), text)


def from_scratch(text: str, scratch: Path, tmp: Path) -> str:
    return text.replace(str(tmp), "/tmp").replace(f"{scratch}/", "")


def clean(output: str) -> list[str]:
    lines = [line.rstrip() for line in output.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def run_block(block: Block, root: Path = ROOT) -> BlockResult:
    scratch = Path(tempfile.mkdtemp(prefix="charter-docs-"))
    tmp = scratch / "tmp"
    try:
        tmp.mkdir()
        mirror(root, scratch)
        env = environment(block, root)
        if block.setup:
            done = subprocess.run(
                ["bash", "-e", "-c", to_scratch(block.setup, tmp)],
                cwd=scratch,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            if done.returncode != 0:
                output = from_scratch(done.stdout + done.stderr, scratch, tmp)
                return BlockResult(
                    block, [], f"{block.name}: setup failed ({done.returncode}):\n{output}"
                )
        outcomes = []
        for command in block.commands:
            done = subprocess.run(
                ["bash", "-c", to_scratch(command.text, tmp)],
                cwd=scratch,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=TIMEOUT,
            )
            actual = clean(from_scratch(done.stdout, scratch, tmp))
            outcomes.append(Outcome(command, actual, done.returncode))
            if block.run_only and done.returncode != 0:
                where = f"{block.doc}:{command.line}"
                tail = "\n".join(actual[-20:])
                return BlockResult(
                    block,
                    outcomes,
                    f"{where}: `$ {command.text}` exited {done.returncode}:\n{tail}",
                )
        return BlockResult(block, outcomes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_blocks(
    blocks: Sequence[Block], root: Path = ROOT, workers: int | None = None
) -> list[BlockResult]:
    runnable = [b for b in blocks if b.skip is None]
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda b: run_block(b, root), runnable))


# -- comparing ----------------------------------------------------------------------------------


def mask(line: str) -> str:
    for pattern, stand_in in VARYING:
        line = pattern.sub(stand_in, line)
    return line


def matcher(expected: str) -> re.Pattern[str]:
    """A documented line as a pattern: masked, with ``...`` standing for any text."""
    parts = [re.escape(p) for p in mask(expected.rstrip()).split("...")]
    return re.compile(".*".join(parts), flags=re.DOTALL)


def merge(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """What the doc should say: ``actual``, except that wildcard lines (``...``) are kept and
    absorb the lines they stand for, and a documented line that matches is kept as written.

    An edit distance with wildcards over lines: keeping a matching line costs 0, a wildcard
    absorbing a line 0, replacing a line 2, dropping or adding one 3 (so that a changed line is
    replaced in place rather than swallowed by a neighbouring wildcard). Equal to ``expected``
    exactly when ``expected`` matches ``actual``."""
    expected = list(expected)
    while expected and not expected[-1].strip():
        expected.pop()
    n, m = len(expected), len(actual)
    wild = [bool(WILDCARD_LINE.match(e)) for e in expected]
    patterns = [matcher(e) for e in expected]
    masked = [mask(a) for a in actual]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best, how = inf, ""
            if i < n and wild[i]:
                if cost[i + 1][j] < best:
                    best, how = cost[i + 1][j], "end-wild"
                if j < m and cost[i][j + 1] < best:
                    best, how = cost[i][j + 1], "absorb"
            else:
                if i < n and j < m:
                    if patterns[i].fullmatch(masked[j]) is not None:
                        if cost[i + 1][j + 1] < best:
                            best, how = cost[i + 1][j + 1], "keep"
                    elif cost[i + 1][j + 1] + 2 < best:
                        best, how = cost[i + 1][j + 1] + 2, "replace"
                if i < n and cost[i + 1][j] + 3 < best:
                    best, how = cost[i + 1][j] + 3, "drop"
                if j < m and cost[i][j + 1] + 3 < best:
                    best, how = cost[i][j + 1] + 3, "add"
            cost[i][j], step[i][j] = best, how
    out: list[str] = []
    i = j = 0
    while i < n or j < m:
        how = step[i][j]
        if how == "end-wild":
            out.append(expected[i])
            i += 1
        elif how == "absorb":
            j += 1
        elif how == "keep":
            out.append(expected[i].rstrip())
            i, j = i + 1, j + 1
        elif how == "replace":
            out.append(actual[j])
            i, j = i + 1, j + 1
        elif how == "drop":
            i += 1
        else:
            out.append(actual[j])
            j += 1
    return out


# -- rewriting ----------------------------------------------------------------------------------


def update(results: Iterable[BlockResult], root: Path = ROOT) -> list[str]:
    """Rewrite the outputs of the commands that differ, in place; returns the docs changed."""
    by_doc: dict[str, list[Outcome]] = {}
    for r in results:
        # Only console blocks are the program's output; an unmarked block is reported by
        # check_marked and left as written until someone decides what it is.
        if r.error is None and not r.block.run_only and r.block.info == "console":
            by_doc.setdefault(r.block.doc, []).extend(o for o in r.outcomes if not o.ok)
    changed = []
    for doc, outcomes in by_doc.items():
        if not outcomes:
            continue
        path = root / doc
        lines = path.read_text(encoding="utf-8").split("\n")
        for o in sorted(outcomes, key=lambda o: o.command.output_start, reverse=True):
            start = o.command.output_start
            lines[start : start + len(o.command.expected)] = o.proposed
        path.write_text("\n".join(lines), encoding="utf-8")
        changed.append(doc)
    return changed


CASEBOOK_DOC = "docs/casebook.md"
CASEBOOK_TABLE = re.compile(r"(<!-- casebook-table -->\n)(.*?)(\n<!-- /casebook-table -->)", re.S)


def update_casebook_table() -> bool:
    """Rewrite docs/casebook.md's table (between its markers) from ``charter casebook
    --markdown`` run at the root, as tests/test_casebook.py compares them; True if it changed."""
    charter = Path(sys.executable).with_name("charter")
    run = subprocess.run(
        [str(charter), "casebook", "--markdown"], cwd=ROOT, capture_output=True, text=True
    )
    path = ROOT / CASEBOOK_DOC
    text = path.read_text(encoding="utf-8")
    new = CASEBOOK_TABLE.sub(lambda m: m.group(1) + run.stdout.strip() + m.group(3), text)
    if new == text or not run.stdout.strip():
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--update", action="store_true", help="rewrite the documented outputs")
    parser.add_argument("docs", nargs="*", default=list(DOCS), help="docs to run (default: all)")
    args = parser.parse_args(argv)
    blocks = all_blocks(ROOT, args.docs)
    problems = check_marked(blocks)
    results = run_blocks(blocks)
    for r in results:
        problems.extend(r.failures())
    for b in blocks:
        if b.skip is not None:
            print(f"{b.name}: skipped: {b.skip}")
    if args.update:
        for doc in update(results):
            print(f"rewrote outputs in {doc}")
        if update_casebook_table():
            print(f"rewrote the casebook table in {CASEBOOK_DOC}")
        problems = [p for p in problems if "differs from the doc" not in p]
    for p in problems:
        print(p, end="\n\n")
    ran = sum(len(r.outcomes) for r in results)
    print(f"{ran} commands in {len(results)} blocks; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
