"""Loading and replaying a large YAML journal (issue 12, "Large and hostile input").

A synthetic case: the bundled OpenAI charter with a journal of N announcements (the kind of
event a 405,000-event journal is mostly made of).  Reported: events per second for loading and
for `check` (load and replay) at N = 20,000, 100,000 and 400,000 on the compiled parser's path
(charter.load.fast_journal), against the two exact paths measured in the same run on the same
files (ruamel's pure-Python loader; libyaml's composer building ruamel's objects), and the peak
memory of each run, in a process of its own.

    python benchmarks/run.py load
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = """
import resource, sys, time
from charter import located
from charter.load.case import load_case
from charter.replay import replay
if sys.argv[2] == "ruamel":
    located.FAST_PARSE_CHARS = 10**12
started = time.perf_counter()
case, errors = load_case(sys.argv[1], fast=sys.argv[2] == "fast")
loaded = time.perf_counter()
timeline = replay(case)
done = time.perf_counter()
assert not errors and not timeline.diagnostics
print(loaded - started, done - loaded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_case(root: Path, n: int) -> Path:
    case = root / f"case-{n}"
    case.mkdir()
    charter = (ROOT / "examples/openai-2023/charter.yaml").read_text(encoding="utf-8")
    charter = re.sub(r"(?m)^journal:.*$", "journal: [journal.yaml]", charter)
    charter = re.sub(r"(?m)^waterfall:.*\n", "", charter)
    (case / "charter.yaml").write_text(charter, encoding="utf-8")
    lines = ["journal: openai-2023", "events:"]
    for i in range(n):
        minute = i % (60 * 24 * 28)
        lines += [
            f"  - at: 2024-{1 + i // (60 * 24 * 28) % 12:02d}-{1 + minute // 1440:02d}T"
            f"{minute // 60 % 24:02d}:{minute % 60:02d}:00",
            "    kind: announcement",
            "    by: openai-inc",
            f"    text: routine announcement number {i}",
        ]
    (case / "journal.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return case


def measure(case: Path, parser: str) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(case), parser],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) / 1024


def run() -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = {n: make_case(Path(tmp), n) for n in (20_000, 100_000, 400_000)}
        ruamel_load, ruamel_replay, ruamel_mib = measure(cases[20_000], "ruamel")
        libyaml_load, _, libyaml_mib = measure(cases[100_000], "libyaml")
        fast = {}
        for n, case in cases.items():
            load_s, replay_s, mib = fast[n] = measure(case, "fast")
            size = (case / "journal.yaml").stat().st_size / 2**20
            rows.append(
                f"| {n:,} ({size:.1f} MiB) | {n / load_s:,.0f} | {n / (load_s + replay_s):,.0f} "
                f"| {mib:.0f} MiB ({mib * 2**20 / n / 1024:.1f} KiB an event) |"
            )
    return f"""## Loading a large journal (`python benchmarks/run.py load`)

The bundled charter with a journal of N announcements; each run in a process of its own, on the
compiled parser's path (yaml-rs; each event located by a scan of the text's lines).

| events | load, events/s | load and replay (`check`), events/s | peak memory |
|---|---|---|---|
{chr(10).join(rows)}

The exact paths on the same files in this run: ruamel's pure-Python loader, 20,000 events:
{20_000 / ruamel_load:,.0f} events/s (peak {ruamel_mib:.0f} MiB), so the fast path loads
{ruamel_load / fast[20_000][0]:.0f}x faster; libyaml's composer building ruamel's objects (the
path before this one), 100,000 events: {100_000 / libyaml_load:,.0f} events/s (peak
{libyaml_mib:.0f} MiB), {libyaml_load / fast[100_000][0]:.1f}x slower than the fast path.
Replay alone: {20_000 / ruamel_replay:,.0f} events/s. A file with any error is read again by
the exact path, so every error is located to the column (tests/test_fast_journal.py proves
the two paths give the same case and the same errors).
"""


if __name__ == "__main__":
    print(run())
