"""Loading and replaying a large YAML journal (issue 12, "Large and hostile input").

A synthetic case: the bundled OpenAI charter with a journal of N announcements (the kind of
event a 405,000-event journal is mostly made of).  Reported: events per second for `check`
(load and replay) and `replay` at N = 20,000 and 100,000, with the libyaml fast path, and as a
ratio against ruamel's pure-Python loader on the same 20,000-event journal in the same run;
and the peak memory of each run in a process of its own.

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
case, errors = load_case(sys.argv[1])
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
        small = make_case(Path(tmp), 20_000)
        big = make_case(Path(tmp), 100_000)
        base_load, base_replay, base_mib = measure(small, "ruamel")
        for label, case, n in (("20,000", small, 20_000), ("100,000", big, 100_000)):
            load_s, replay_s, mib = measure(case, "fast")
            size = (case / "journal.yaml").stat().st_size / 2**20
            rows.append(
                f"| {label} ({size:.1f} MiB) | {n / load_s:,.0f} | {n / (load_s + replay_s):,.0f} "
                f"| {mib:.0f} MiB |"
            )
        fast_load, _, _ = measure(small, "fast")
    return f"""## Loading a large journal (`python benchmarks/run.py load`)

The bundled charter with a journal of N announcements; each run in a process of its own.

| events | load, events/s | load and replay (`check`), events/s | peak memory |
|---|---|---|---|
{chr(10).join(rows)}

Against ruamel's pure-Python loader on the same 20,000 events in this run: it loads
{20_000 / base_load:,.0f} events/s ({base_load:.1f} s, peak {base_mib:.0f} MiB); the libyaml path is
{base_load / fast_load:.1f}x faster. Replay alone: {20_000 / base_replay:,.0f} events/s.
Files up to 64 KiB (every bundled case) are still read by ruamel alone; larger ones are composed
by libyaml and built into ruamel's objects (tests/test_yaml_fast_path.py proves them identical).
"""


if __name__ == "__main__":
    print(run())
