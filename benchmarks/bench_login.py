"""A log-in flood against a real `charter serve` (issue 11, item 4).

80 failed log-ins, 40 at a time, with made-up usernames from one address, while an
authenticated client keeps reading.  Reported: the answers to the flood, the server's peak
memory (VmHWM) before and after, and the read latency during the flood as a ratio of the same
reads with no flood (measured in the same run).  Real argon2id parameters, as deployed.

    python benchmarks/run.py login
"""

from __future__ import annotations

import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHARTER = Path(sys.executable).with_name("charter")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _hwm_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else float("nan")


def _reads(client: httpx.Client, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        assert client.get("/api/orgs").status_code == 200
        times.append(time.perf_counter() - started)
    return times


def run() -> str:
    work = Path(tempfile.mkdtemp(prefix="bench-login-"))
    db = str(work / "board.db")
    subprocess.run(
        [str(CHARTER), "import", str(ROOT / "examples/openai-2023"), "--db", db],
        check=True,
        capture_output=True,
    )
    port = _port()
    server = subprocess.Popen(
        [str(CHARTER), "serve", "--db", db, "--port", str(port), "--admin", "admin"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    password = None
    for line in server.stderr:
        found = re.search(r"one-time password (\S+)", line)
        if found:
            password = found.group(1)
        if "serving on" in line:
            break
    assert password is not None
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    try:
        reader = httpx.Client(base_url=url, timeout=60)
        assert reader.post(
            "/api/login", json={"username": "admin", "password": password}
        ).is_success
        baseline = _reads(reader, 30)
        before = _hwm_mib(server.pid)
        during: list[float] = []
        done = threading.Event()

        def keep_reading() -> None:
            while not done.is_set():
                during.extend(_reads(reader, 1))

        thread = threading.Thread(target=keep_reading)
        thread.start()
        started = time.perf_counter()
        with httpx.Client(base_url=url, timeout=60) as flood, ThreadPoolExecutor(40) as pool:
            codes = list(
                pool.map(
                    lambda i: (
                        flood.post(
                            "/api/login", json={"username": f"nobody-{i}", "password": "x"}
                        ).status_code
                    ),
                    range(80),
                )
            )
        flood_s = time.perf_counter() - started
        done.set()
        thread.join()
        after = _hwm_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    counts = ", ".join(f"{n} x {code}" for code, n in sorted(Counter(codes).items()))
    base_median = statistics.median(baseline)
    median = statistics.median(during)
    medians = f"{base_median * 1000:.1f} ms / {median * 1000:.1f} ms ({median / base_median:.1f}x)"
    worst = f"{max(during) * 1000:.0f} ms ({max(during) / base_median:.0f}x the median, no flood)"
    return f"""## Log-in flood (`python benchmarks/run.py login`)

80 failed log-ins with made-up usernames, 40 at a time from one address, against `charter serve`
(real argon2id parameters) while an authenticated client keeps reading `GET /api/orgs`.

| measure | value |
|---|---|
| answers to the flood | {counts} |
| flood duration | {flood_s:.2f} s |
| server peak memory (VmHWM) before / after | {before:.0f} MiB / {after:.0f} MiB |
| reads during the flood | {len(during)} |
| read latency, median: no flood / during the flood | {medians} |
| read latency, worst during the flood | {worst} |

Before issue 11 (same flood, measured by the issue's reporter): memory from 115 to 897 MiB,
reads stalled 17-29 s, and a 500 (`QueuePool limit ... reached`). Now at most 20 failures per
address a minute are hashed, at most one hash per core runs at once, and no pooled connection is
held while hashing.
"""


if __name__ == "__main__":
    print(run())
