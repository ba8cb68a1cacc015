"""Event store: append throughput and full-log verification at 100k events, SQLite and PostgreSQL.

Each figure is given against a baseline measured in the same run on the same database, because
the machine is shared and noisy: appends against a plain multi-row INSERT of the same rows (no
hashing, no head update), verification against merely reading the rows back.  Single appends
(one durable commit each: the service's path) are timed on a sample, batched appends
(``append_many`` of 1000, the import path) on all 100k.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

from charter.store.db import EventStore, events
from charter.store.verify import verify_log

N = 100_000
BATCH = 1_000
SINGLE = 500
PG_URL = os.environ.get("CHARTER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _event(i: int) -> dict[str, object]:
    return {
        "kind": "vote",
        "meeting": f"board-{i // 50}",
        "director": f"director-{i % 9}",
        "choice": "for" if i % 3 else "against",
        "n": i,
    }


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


@contextmanager
def _sqlite() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="charter-bench-"))
    try:
        yield f"sqlite:///{folder / 'bench.db'}"
    finally:
        shutil.rmtree(folder)


@contextmanager
def _postgres() -> Iterator[str | None]:
    try:
        admin = psycopg.connect(
            PG_URL.replace("postgresql+psycopg://", "postgresql://"),
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError:
        yield None
        return
    schema = f"charter_bench_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{PG_URL}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _measure(url: str) -> dict[str, float]:
    with EventStore.open(url) as store:
        rows = [
            {
                "org": "plain",
                "seq": i + 1,
                "recorded_at": "2026-01-01T00:00:00.000000Z",
                "payload": str(_event(i)),
                "leaf_hash": bytes(32),
                "tree_root": bytes(32),
            }
            for i in range(N)
        ]
        store.append_many("plain", [])  # the organisation row the plain rows point at

        def plain() -> None:
            for start in range(0, N, BATCH):
                with store.engine.begin() as connection:
                    connection.execute(events.insert(), rows[start : start + BATCH])

        def batched() -> None:
            for start in range(0, N, BATCH):
                store.append_many("acme", [_event(i) for i in range(start, start + BATCH)])

        def single() -> None:
            for i in range(SINGLE):
                store.append("single", _event(i))

        def read() -> None:
            with store.engine.connect() as connection:
                query = sa.select(events).where(events.c.org == "acme").order_by(events.c.seq)
                for _row in connection.execution_options(yield_per=5000).execute(query):
                    pass

        figures = {
            "plain": _timed(plain),
            "batched": _timed(batched),
            "single": _timed(single),
            "read": _timed(read),
        }
        report = None

        def verify() -> None:
            nonlocal report
            report = verify_log(store, "acme")

        figures["verify"] = _timed(verify)
        if report is None or not report.ok or report.size != N:
            raise RuntimeError(f"the benchmark log did not verify: {report}")
        return figures


def _rows(name: str, f: dict[str, float]) -> list[str]:
    return [
        f"| {name} | plain INSERT of {N:,} rows, batches of {BATCH} (baseline) "
        f"| {f['plain']:.2f} s | {N / f['plain']:,.0f} | 1.00 |",
        f"| {name} | `append_many` of {N:,} events, batches of {BATCH} | {f['batched']:.2f} s "
        f"| {N / f['batched']:,.0f} | {f['batched'] / f['plain']:.2f} |",
        f"| {name} | `append`, one durable commit each ({SINGLE} events) | {f['single']:.2f} s "
        f"| {SINGLE / f['single']:,.0f} | – |",
        f"| {name} | read {N:,} rows back (baseline) | {f['read']:.2f} s "
        f"| {N / f['read']:,.0f} | 1.00 |",
        f"| {name} | `verify_log` of {N:,} events | {f['verify']:.2f} s "
        f"| {N / f['verify']:,.0f} | {f['verify'] / f['read']:.2f} |",
    ]


def run() -> str:
    lines = [
        "## Store",
        "",
        f"Append throughput and full-log verification at {N:,} events. The ratio column is the "
        "time against the baseline row above it (same database, same run).",
        "",
        "| backend | operation | time | events/s | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    with _sqlite() as url:
        lines += _rows("SQLite (WAL, synchronous=FULL)", _measure(url))
    with _postgres() as pg:
        if pg is None:
            lines.append(f"| PostgreSQL | skipped: no server at {PG_URL} | | | |")
        else:
            lines += _rows("PostgreSQL", _measure(pg))
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
