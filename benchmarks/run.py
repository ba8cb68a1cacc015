"""Run the benchmarks with one command and record them in benchmarks/RESULTS.md.

    python benchmarks/run.py            # every benchmarks/bench_*.py
    python benchmarks/run.py waterfall  # only bench_waterfall.py

Each ``bench_<name>.py`` defines ``run() -> str`` returning a Markdown section (figures as ratios
against a baseline measured in the same run, because the machines are shared and noisy).  The
section replaces the one between ``<!-- bench:<name> -->`` markers in RESULTS.md, so running one
benchmark never erases another's figures.
"""

from __future__ import annotations

import importlib.util
import platform
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
HEADER = "# Benchmark results\n\nRecorded by `make bench` (`python benchmarks/run.py [name]`).\n"


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _replace_section(text: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    files = sorted(HERE.glob("bench_*.py"))
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    for path in files:
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        module = _load(path)
        began = time.perf_counter()
        body = module.run()  # type: ignore[attr-defined]
        took = time.perf_counter() - began
        stamp = (
            f"\n_Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
            f"{platform.machine()}, Python {platform.python_version()}, "
            f"{took:.1f} s; command: `python benchmarks/run.py {name}`._\n"
        )
        print(body)
        text = _replace_section(text, name, body + stamp)
    RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
