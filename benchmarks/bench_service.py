"""The board service under load, and replay from the store.

1. Votes: a real ``charter serve`` process on loopback, a board of 50 directors at one open
   meeting, 50 concurrent clients (one thread and one keep-alive connection each) voting on one
   motion after another; votes per second and p50 / p99 latency, on SQLite and on PostgreSQL.
2. Replay: logs of 100k and 1M events (a repeating meeting: opened, joined, notice, motion with a
   tally, left, closed, announcements) bulk-inserted with ``append_many``; the time to read the
   records, rebuild the case and replay it, in events per second, and the 1M / 100k time ratio
   (10.0 means the cost grows linearly).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa

from charter.load.case import load_case
from charter.replay import Timeline, replay
from charter.service.accounts import Accounts
from charter.service.board import Board
from charter.service.mail import Mailer
from charter.service.schemas import (
    CallMeeting,
    CastVote,
    Confirm,
    OpenMeeting,
    ProposeMotion,
    SendNotices,
)
from charter.store.bulk import collector_paused
from charter.store.db import EventStore
from charter.store.journal_io import case_from_records, charter_record, import_case

CLIENTS = 50
T = TypeVar("T")
NOTE = (
    "How a vote is served: the vote route's hot handler (`charter.service.hot_route`: FastAPI's "
    "validation for the vote's one signature, tested answer for answer against FastAPI's "
    "general handler, called straight from the route's ASGI app; the body parsed and validated "
    "in one step by pydantic, the answer rendered by pydantic-core; FastAPI's native telemetry "
    "off, as `charter serve` runs by default) authenticates from the token cache, which the "
    "database's auth version "
    "stamp vouches for (one query every half second, not a look-up per token); the decision is "
    "made on the event loop under the organisation's lock, the motion judged on the replayed "
    "timeline's retained fold (`Timeline.preview`) with the notice judgement remembered per "
    "meeting; the record joins the next group commit (one durable transaction per batch, made "
    "by a worker thread; the cross-process lock is kept for 50 ms after the last write). "
    "httptools and uvloop under uvicorn. The load generator is 50 asyncio keep-alive "
    "connections: the earlier one (httpx on 50 threads) spent 1.2-1.4 ms of CPU per request "
    "itself on this machine, more than the server it measured."
)
HISTORY = (
    "Earlier runs of this benchmark, for comparison: on 2026-11-28 at 19:58 (a full replay and a "
    "commit per vote): SQLite p99 334 ms, PostgreSQL 802 ms; at 20:41 (group commit, preview): "
    "SQLite 107 ms, PostgreSQL 123 ms on a faster machine; at 21:10 the same code on a machine "
    "about twice as slow: SQLite 207 ms, PostgreSQL 279 ms (httpx load generator); at 22:44 "
    "(hot route, token cache, lock linger, asyncio load generator): SQLite 68 ms, PostgreSQL "
    "61 ms, with 0.92-1.37 ms of server CPU per vote; on 2026-11-29 at 00:37 (the per-vote "
    "work cut, journal events still replayed): SQLite 37.8 ms, PostgreSQL 47.6 ms (2 of 10 runs "
    "at or above 50 ms), 0.67-0.73 ms of server CPU per vote; at 01:19: SQLite 35.4 ms, "
    "PostgreSQL 42.8 ms (none), 0.50-0.68 ms."
)
REPEATS = 5
"""Vote runs per database (a fresh server each): the machine's speed drifts by a factor of up to
two within minutes, so each run is reported and the row shows the median run."""
ROUNDS = 8
SOLO = 20
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHARTER_BIN = Path(sys.executable).with_name("charter")


def _charter(n: int) -> str:
    people = [f"d{i:02d}" for i in range(n)]
    return "\n".join(
        [
            "charter: bench",
            "timezone: UTC",
            "bylaws: delaware-nonstock",
            "entities:",
            "  - {id: bench, name: Bench Foundation, kind: nonprofit}",
            "people:",
            *[f"  - {{id: {p}, name: {p}}}" for p in [*people, "ceo"]],
            "board:",
            "  entity: bench",
            f"  authorized_seats: {n}",
            "  directors: [" + ", ".join(f"{{person: {p}}}" for p in people) + "]",
            "  chair: d00",
            "offices:",
            "  - {office: ceo, holder: ceo}",
            "journal: [journal.yaml]",
            "",
        ]
    )


JOURNAL = """journal: bench
events:
  - at: 2026-01-05T10:00:00Z
    kind: announcement
    by: bench
    text: the benchmark opens
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(db: str, root: Path) -> dict[str, str]:
    """Import the 50-director case and create an account (with an API token) per director."""
    (root / "case").mkdir(parents=True, exist_ok=True)
    (root / "case" / "charter.yaml").write_text(_charter(CLIENTS), encoding="utf-8")
    (root / "case" / "journal.yaml").write_text(JOURNAL, encoding="utf-8")
    case, diagnostics = load_case(root / "case")
    assert case is not None, diagnostics
    store = EventStore.open(db)
    import_case(store, case, "bench")
    accounts = Accounts(store.engine)
    accounts.migrate()
    tokens = {}
    for i in range(CLIENTS):
        person = f"d{i:02d}"
        account, _ = accounts.create(person, f"bench-password-{person}")
        accounts.grant(person, "bench", "director", person)
        tokens[person] = accounts.issue_token(account.id, "bench")
    account, _ = accounts.create("sec", "bench-password-sec")
    accounts.grant("sec", "bench", "secretary")
    tokens["sec"] = accounts.issue_token(account.id, "bench")
    store.close()
    return tokens


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Connection:
    """One client: a keep-alive HTTP/1.1 connection that sends ready-made requests and reads the
    answer's status line, headers and body (by Content-Length).  Written on asyncio streams
    rather than with an HTTP client library: httpx on 50 threads spent 1.2-1.4 ms of CPU per
    request on this 2-core machine, more than the server it measured, so the figures were the
    load generator's (see the note under the table)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> _Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def _request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _burst(
    connections: dict[str, _Connection], requests: dict[str, bytes], expect: int
) -> list[float]:
    """Send every client's request at once; each one's latency, from its send to its answer."""
    go = asyncio.Event()

    async def one(person: str) -> float:
        await go.wait()
        start = time.perf_counter()
        status, body = await connections[person].send(requests[person])
        elapsed = time.perf_counter() - start
        assert status == expect, (status, body[:300])
        return elapsed

    tasks = [asyncio.ensure_future(one(p)) for p in requests]
    await asyncio.sleep(0)  # every task is waiting on the event
    go.set()
    return list(await asyncio.gather(*tasks))


async def _vote_rounds(port: int, tokens: dict[str, str], server_pid: int) -> dict[str, Any]:
    base = "/api/orgs/bench"
    people = [f"d{i:02d}" for i in range(CLIENTS)]
    connections = {p: await _Connection.open(port) for p in [*people, "sec"]}

    async def call(person: str, path: str, body: dict[str, Any]) -> None:
        status, answer = await connections[person].send(
            _request("POST", path, tokens[person], json.dumps(body).encode())
        )
        assert status == 201, answer[:300]

    await call("d00", f"{base}/meetings", {"meeting": "m"})
    await call("sec", f"{base}/meetings/m/notices", {"channel": "phone"})
    await call("sec", f"{base}/meetings/m/open", {"present": people})
    # The baseline, in the same run and the same server: the cheapest authenticated request
    # (GET /api/me: resolve the token, answer from memory), in the same bursts.
    me = {p: _request("GET", "/api/me", tokens[p]) for p in people}
    # Every director has signed in before the meeting: the first request of each client has its
    # token looked up in the database (reported on its own); later ones find it resolved.
    first = await _burst(connections, me, 200)
    baseline: list[float] = []
    base_cpu = 0.0
    for _ in range(ROUNDS):
        cpu = _cpu_s(server_pid)
        baseline += await _burst(connections, me, 200)
        base_cpu += _cpu_s(server_pid) - cpu
    latencies: list[float] = []
    voting = server_cpu = client_cpu = 0.0
    ballot = json.dumps({"vote": "for"}).encode()
    for round_ in range(ROUNDS):
        motion = f"mo{round_}"
        body = {"id": motion, "act": "approve-transaction", "description": "a grant"}
        await call("d00", f"{base}/meetings/m/motions", body)
        path = f"{base}/motions/{motion}/votes"
        votes = {p: _request("POST", path, tokens[p], ballot) for p in people}
        start, cpu, own = time.perf_counter(), _cpu_s(server_pid), time.process_time()
        latencies += await _burst(connections, votes, 201)
        voting += time.perf_counter() - start
        server_cpu += _cpu_s(server_pid) - cpu
        client_cpu += time.process_time() - own
        await call("sec", f"{base}/motions/{motion}/close", {})
    # One vote at a time, nobody else waiting (the same server, warm).
    await call("d00", f"{base}/meetings/m/motions", {"id": "solo", "act": "approve-transaction"})
    alone = []
    for person in people[:SOLO]:
        alone += await _burst(
            connections,
            {person: _request("POST", f"{base}/motions/solo/votes", tokens[person], ballot)},
            201,
        )
    for connection in connections.values():
        connection.close()
    return {
        "first": first,
        "latencies": latencies,
        "baseline": baseline,
        "baseline_cpu": base_cpu,
        "alone": alone,
        "voting": voting,
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def _votes(db: str, root: Path) -> dict[str, float]:
    tokens = _prepare(db, root)
    port = _free_port()
    server = subprocess.Popen(
        [str(CHARTER_BIN), "serve", "--db", db, "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        run = _loop_runner()
        m = run(_vote_rounds(port, tokens, server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latencies = m["latencies"]
    n = len(latencies)
    return {
        "alone_ms": statistics.median(m["alone"]) * 1000,
        "warm_p99_ms": _quantile(latencies[CLIENTS:], 0.99) * 1000,
        "votes": n,
        "per_s": n / m["voting"],
        "server_cpu_ms": m["server_cpu"] / n * 1000,
        "client_cpu_ms": m["client_cpu"] / n * 1000,
        "wall_ms": m["voting"] / n * 1000,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": _quantile(latencies, 0.99) * 1000,
        "base_p50_ms": statistics.median(m["baseline"]) * 1000,
        "base_p99_ms": _quantile(m["baseline"], 0.99) * 1000,
        "base_cpu_ms": m["baseline_cpu"] / len(m["baseline"]) * 1000,
        "first_p99_ms": _quantile(m["first"], 0.99) * 1000,
    }


def _loop_runner() -> Callable[[Coroutine[Any, Any, T]], T]:
    """``asyncio.run`` on uvloop where it is installed (the server uses it too)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        return asyncio.run
    return uvloop.run


def _cycle(i: int, at: dt.datetime, people: list[str]) -> list[dict[str, Any]]:
    """One meeting's worth of journal events (10 records).  No private messages: the replay
    scans every earlier private message for each act at a meeting (they are kept as facts about
    the meeting), so a log full of them replays in quadratic time - reported separately."""
    meeting = f"m{i}"
    stamp = at.isoformat()

    def ev(**data: Any) -> dict[str, Any]:
        return {"type": "event", "event": {"at": stamp} | data}

    present = people[:4]
    return [
        ev(kind="notice", meeting=meeting, to=people, channel="email", by="d00"),
        ev(kind="meeting-opened", meeting=meeting, type="regular", present=present),
        ev(kind="joined", meeting=meeting, person=people[4]),
        ev(kind="interest-declared", person=people[1], matter="x"),
        ev(
            id=f"mo{i}",
            kind="motion",
            act="approve-transaction",
            meeting=meeting,
            votes=dict.fromkeys(people[:5], "for"),
        ),
        ev(kind="announcement", by="bench", text=f"agenda {i}"),
        ev(kind="left", meeting=meeting, person=people[4]),
        ev(kind="meeting-closed", meeting=meeting),
        ev(kind="announcement", by="bench", text=f"meeting {i} held"),
        ev(kind="announcement", by="bench", text=f"minutes {i} approved"),
    ]


REPLAY_REPEATS = 2
"""Fresh processes reading each log back; the faster one is reported."""
CALIBRATION = 10_000
"""Events in the log replayed just before and just after each measured one, in the same process:
the machine's speed drifts by up to 2x over minutes, so each size's cost per event is also given
relative to it (linear growth keeps that relative cost the same at every size)."""


def _insert(store: EventStore, org: str, n: int, case: Any, people: list[str]) -> float:
    start = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    store.append_many(org, [charter_record(case)])
    batch: list[dict[str, Any]] = []
    for i in range(n // 10):
        batch += _cycle(i, start + dt.timedelta(hours=i), people)
        if len(batch) >= 20_000:
            store.append_many(org, batch)
            batch = []
    if batch:
        store.append_many(org, batch)
    return time.perf_counter() - t0


def _replay(db: str, root: Path, sizes: tuple[int, ...]) -> list[dict[str, float]]:
    (root / "rcase").mkdir(parents=True, exist_ok=True)
    (root / "rcase" / "charter.yaml").write_text(_charter(5), encoding="utf-8")
    (root / "rcase" / "journal.yaml").write_text(JOURNAL, encoding="utf-8")
    case, _ = load_case(root / "rcase")
    assert case is not None
    people = [f"d{i:02d}" for i in range(5)]
    store = EventStore.open(db)
    _insert(store, "calibration", CALIBRATION, case, people)
    out = []
    for n in sizes:
        org = f"replay-{n}"
        insert = _insert(store, org, n, case, people)
        # Read back in a fresh process, as a server starting up rebuilds the organisation's view
        # (the heap this process grew while inserting would otherwise weigh on the figures);
        # the faster of two such processes (a slow phase of the machine lasts tens of seconds).
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--replay-one", db, org, str(n // 10)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(REPLAY_REPEATS)
        ]
        fastest = min(runs, key=lambda r: r["total_s"])
        out.append({"events": n, "insert_s": insert, "runs": len(runs)} | fastest)
    store.close()
    return out


def _replay_one(db: str, org: str, motions: int) -> dict[str, float]:
    """Read, rebuild and replay ``org`` as the service does (the collector paused throughout),
    between two replays of the calibration log (the best of three each)."""
    store = EventStore.open(db)

    def once(name: str) -> tuple[float, float, float, int]:
        with collector_paused():
            t1 = time.perf_counter()
            records = store.records(name)
            t2 = time.perf_counter()
            rebuilt, diagnostics = case_from_records(records, origin=name)
            assert rebuilt is not None, diagnostics[:3]
            t3 = time.perf_counter()
            timeline = replay(rebuilt)
            t4 = time.perf_counter()
        return t2 - t1, t3 - t2, t4 - t3, len(timeline.verdicts)

    before = min(sum(once("calibration")[:3]) for _ in range(3))
    read, rebuild, replayed, verdicts = once(org)
    after = min(sum(once("calibration")[:3]) for _ in range(3))
    assert verdicts == motions
    store.close()
    return {
        "read_s": read,
        "rebuild_s": rebuild,
        "replay_s": replayed,
        "total_s": read + rebuild + replayed,
        "calibration_s": (before + after) / 2,
    }


def _verdict(measured: list[dict[str, float]], runs: list[dict[str, float]]) -> str:
    """Whether the target is met, and if not, where the time goes (from the figures above)."""
    worst = max(r["p99_ms"] for r in measured)
    over = sum(r["p99_ms"] >= 50 for r in runs)
    if worst < 50:
        return (
            f"Target met: p99 under 50 ms on every database (worst median run {worst:.1f} ms; "
            f"{over} of {len(runs)} runs at or above 50 ms). p99 is about {CLIENTS} times the "
            "server's CPU time per vote (the clients start each round together, so the last of "
            f"{CLIENTS} answers waits for all {CLIENTS} votes), and the machine's speed drifts."
        )
    cpu = max(r["server_cpu_ms"] for r in measured)
    base = max(r["base_cpu_ms"] for r in measured)
    return (
        f"Not met on every run (worst median run {worst:.1f} ms). The clients start each "
        f"round together, so the last of {CLIENTS} answers waits for all {CLIENTS} votes: p99 "
        f"is about {CLIENTS} times the server's CPU time per vote (up to {cpu:.2f} ms here, of "
        f"which up to {base:.2f} ms is what any authenticated request costs: HTTP parsing, the "
        "ASGI middleware, the token, the JSON answer). The rest is the decision (the motion's "
        "rules judged with the candidate vote; its verdict is part of the answer) and the "
        "batched commit; one process holds the GIL for all of it."
    )


def _pg_url() -> str | None:
    schema = f"charter_bench_{os.getpid()}"
    try:
        engine = sa.create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
    except Exception:  # the server is not reachable: report it, measure SQLite only
        return None
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def _drop(url: str) -> None:
    engine = sa.create_engine(url.split("?")[0])
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {url.rsplit('%3D', 1)[1]} CASCADE")
    engine.dispose()


VOTES_ONLY = "CHARTER_BENCH_VOTES_ONLY"
"""Set this environment variable to 1 to measure only the votes (the replay part takes minutes)."""


def _row(label: str, runs: list[dict[str, float]]) -> str:
    r = sorted(runs, key=lambda x: x["p99_ms"])[len(runs) // 2]
    each = " / ".join(f"{x['p99_ms']:.0f}" for x in runs)
    return (
        f"| {label} | {r['votes']:.0f} | {r['per_s']:.0f} | {r['p50_ms']:.1f} | "
        f"{r['p99_ms']:.1f} | {each} | {r['base_p50_ms']:.1f} / {r['base_p99_ms']:.1f} | "
        f"{r['p99_ms'] / r['base_p99_ms']:.1f}x | {r['first_p99_ms']:.0f} | {r['alone_ms']:.1f} | "
        f"{r['server_cpu_ms']:.2f} | {r['base_cpu_ms']:.2f} | {r['client_cpu_ms']:.2f} |"
    )


def run(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> str:
    if os.environ.get(VOTES_ONLY, "") not in ("", "0"):
        sizes = ()
    root = Path(tempfile.mkdtemp(prefix="charter-bench-service-"))
    lines = [
        "## Board service",
        "",
        f"`python benchmarks/run.py service`: a real `charter serve` process on loopback, "
        f"{CLIENTS} concurrent clients (one keep-alive connection each), a board of {CLIENTS} "
        f"directors at one open meeting, {ROUNDS} motions, every director voting on each (each "
        "vote: authenticate, judge the motion with the candidate vote, append one record with a "
        "durable commit before answering). The clients are released together for each motion "
        "and each latency runs from a client's send to its answer. The baseline, in the same "
        f"run, server and bursts: GET /api/me, the cheapest authenticated request. Each client "
        "has signed in once before (its first request, which looks its token up, is reported on "
        f"its own). 'One vote alone': the median of {SOLO} votes sent one at a time. CPU ms are "
        "the server process's (all threads) and the load generator's over the bursts, per "
        f"request. {REPEATS} runs per database, each on a fresh server; the row is the median "
        "run by p99. The machine has 2 shared cores. Target: p99 under 50 ms.",
        "",
        "| database | votes | votes/s | p50 ms | p99 ms | p99 ms of each run | baseline p50 / "
        "p99 ms | p99 vote / baseline | first request per client p99 ms | one vote alone ms | "
        "server CPU ms/vote | server CPU ms/baseline request | load generator CPU ms/vote |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    measured: list[dict[str, float]] = []
    every_run: list[dict[str, float]] = []
    try:
        backends = [
            ("SQLite (WAL, synchronous=FULL)", "sqlite"),
            ("PostgreSQL (synchronous_commit=on)", "postgresql"),
        ]
        for label, kind in backends:
            runs = []
            for i in range(REPEATS):
                with _database(kind, root / f"votes-{i}.db") as url:
                    if url is None:
                        break
                    runs.append(_votes(url, root / f"{kind}-{i}"))
            if not runs:
                lines.append(
                    f"| {label} | not reachable at 127.0.0.1:5432: not measured |" + " |" * 11
                )
                continue
            lines.append(_row(label, runs))
            measured.append(sorted(runs, key=lambda x: x["p99_ms"])[len(runs) // 2])
            every_run += runs
        lines += ["", NOTE, "", _verdict(measured, every_run), "", HISTORY]
        if not sizes:
            return "\n".join(lines) + "\n"
        lines += [
            "",
            "Replay from the store (SQLite), as a server rebuilds an organisation's view: in a "
            "fresh process, read every record's payload (`EventStore.records`), rebuild the case "
            "(`case_from_records`) and replay it, with the cyclic collector paused "
            f"(`charter.store.bulk`); the faster of {REPLAY_REPEATS} such processes per size. "
            "Target: at least 20k events/s.",
            "",
            "| events | bulk insert s | read s | rebuild s | replay s | total s | events/s | "
            f"cost per event relative to the {CALIBRATION:,}-event calibration |",
            "|---|---|---|---|---|---|---|---|",
        ]
        results = _replay(f"sqlite:///{root / 'replay.db'}", root, sizes)

        def relative(r: dict[str, float]) -> float:
            return (r["total_s"] / r["events"]) / (r["calibration_s"] / CALIBRATION)

        for r in results:
            lines.append(
                f"| {r['events']:,} | {r['insert_s']:.1f} | {r['read_s']:.1f} | "
                f"{r['rebuild_s']:.1f} | {r['replay_s']:.1f} | {r['total_s']:.1f} | "
                f"{r['events'] / r['total_s']:,.0f} | {relative(r):.2f} |"
            )
        if len(results) == 2:
            ratio = results[1]["total_s"] / results[0]["total_s"]
            scale = results[1]["events"] / results[0]["events"]
            lines += [
                "",
                f"Time ratio {results[1]['events']:,} / {results[0]['events']:,} events: "
                f"{ratio:.2f} for {scale:.0f}x the events (linear growth gives {scale:.1f}); "
                f"against the calibration measured beside each, "
                f"{ratio * results[0]['calibration_s'] / results[1]['calibration_s']:.2f} "
                "(the drift of the machine's speed between the two measurements taken out).",
            ]
        lines += ["", *_live_table(f"sqlite:///{root / 'replay.db'}", f"replay-{sizes[0]}")]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return "\n".join(lines) + "\n"


LIVE_OPS = ("call", "notice", "open", "propose", "vote", "close motion", "close meeting")


def _live_meeting(db: str, org: str, meeting: str) -> dict[str, float]:
    """Run one meeting through the board on ``org``'s long log (a fresh Board, its view built
    first): each operation's wall time in ms, durable commit included (votes: the median)."""
    store = EventStore.open(db)
    accounts = Accounts(store.engine)
    accounts.migrate()
    people = [f"d{i:02d}" for i in range(5)]
    for person in [*people, "sec"]:
        if accounts.by_username(person) is None:
            accounts.create(person, f"bench-password-{person}")
            role = "secretary" if person == "sec" else "director"
            accounts.grant(person, org, role, None if person == "sec" else person)
    who = {p: accounts.by_username(p) for p in [*people, "sec"]}
    ticks: list[dt.datetime] = []

    def clock() -> dt.datetime:  # an hour after the log's end, then a second per request
        ticks[0] += dt.timedelta(seconds=1)
        return ticks[0]

    board = Board(store, clock=clock, mailer=Mailer(None, accounts.email_of))
    ticks.append(board.view(org).case.entries[-1].at + dt.timedelta(hours=1))
    motion = f"{meeting}-mo"
    by_phone, everyone = SendNotices(channel="phone"), OpenMeeting(present=people)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("call", lambda: board.call_meeting(org, who["d00"], CallMeeting(meeting=meeting))),
        ("notice", lambda: board.send_notices(org, who["sec"], meeting, by_phone)),
        ("open", lambda: board.open_meeting(org, who["sec"], meeting, everyone)),
        (
            "propose",
            lambda: board.propose(
                org, who["d00"], meeting, ProposeMotion(id=motion, act="approve-transaction")
            ),
        ),
        *[
            ("vote", lambda p=p: board.vote(org, who[p], motion, CastVote(vote="for")))
            for p in people
        ],
        ("close motion", lambda: board.close_motion(org, who["sec"], motion, Confirm())),
        ("close meeting", lambda: board.close_meeting(org, who["sec"], meeting)),
    ]
    times: dict[str, list[float]] = {}
    for name, step in steps:
        start = time.perf_counter()
        step()
        times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    store.close()
    return {name: statistics.median(ms) for name, ms in times.items()}


def _live_table(db: str, org: str) -> list[str]:
    """The same meeting run twice on one long log: as served (each journal event stepped on
    the retained fold, ``Timeline.extend``) and with that shortcut turned off (the whole
    journal replayed for each), the baseline, in the same run."""
    served = _live_meeting(db, org, "live-served")
    original = Timeline.extend
    Timeline.extend = lambda self, case, entries: None  # type: ignore[method-assign]
    try:
        replayed = _live_meeting(db, org, "live-replayed")
    finally:
        Timeline.extend = original  # type: ignore[method-assign]
    events = org.removeprefix("replay-")
    lines = [
        f"A live meeting on the {int(events):,}-event log (`Board` in-process, SQLite, 5 "
        "directors; wall ms per operation, each with its durable commit; votes: the median of "
        "5): as served, each journal event a request decides stepped on the retained fold "
        "(`Timeline.extend`), against the same operations with that shortcut turned off, the "
        "whole journal replayed for each (the baseline, same run).",
        "",
        "| operation | served ms | whole journal replayed ms | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name in LIVE_OPS:
        lines.append(
            f"| {name} | {served[name]:.1f} | {replayed[name]:.1f} | "
            f"{replayed[name] / served[name]:.0f}x |"
        )
    return lines


@contextlib.contextmanager
def _database(kind: str, sqlite_file: Path) -> Iterator[str | None]:
    """A fresh database for one run: a SQLite file, or a PostgreSQL schema dropped afterwards
    (None when the server is not reachable)."""
    if kind == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    url = _pg_url()
    try:
        yield url
    finally:
        if url is not None:
            _drop(url)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--replay-one"]:
        print(json.dumps(_replay_one(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        sys.exit(0)
    quick = "--quick" in sys.argv
    votes_only = "--votes-only" in sys.argv
    print(run(() if votes_only else (10_000, 100_000) if quick else (100_000, 1_000_000)))
