"""Concurrency and durability, on SQLite and on the local PostgreSQL server: concurrent voters
leave no lost and no double vote; a server killed with SIGKILL under a write load keeps every
acknowledged event and its log still verifies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from charter.store.db import EventStore
from service_support import ThreadedServer, board_of, make_portal

CHARTER_BIN = Path(sys.executable).with_name("charter")


@pytest.mark.slow
def test_concurrent_voters__no_lost_and_no_double_vote(tmp_path: Path, db_url: str) -> None:
    charter, directors = board_of(50)
    portal = make_portal(tmp_path, db=db_url, charter=charter, extra_directors=tuple(directors[1:]))
    portal.meeting(present=tuple(directors))
    portal.motion()
    server = ThreadedServer(portal.app)
    barrier = threading.Barrier(100)

    def vote(person: str) -> int:
        headers = {"Authorization": f"Bearer {portal.tokens[person]}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
            barrier.wait()
            return client.post("/api/orgs/acme/motions/mo1/votes", json={"vote": "for"}).status_code

    try:
        with ThreadPoolExecutor(100) as pool:
            statuses = list(pool.map(vote, [p for p in directors for _ in range(2)]))
    finally:
        server.close()
    per_director = {p: sorted(statuses[2 * i : 2 * i + 2]) for i, p in enumerate(directors)}
    assert all(s == [201, 409] for s in per_director.values()), per_director
    votes = [
        e.event
        for e in portal.store.iter_events("acme")
        if e.event.get("op") == "vote-cast" and e.event.get("motion") == "mo1"
    ]
    assert sorted(v["person"] for v in votes) == sorted(directors)  # none lost, none twice
    pending = portal.as_("obs").get("/api/orgs/acme/pending").json()
    assert len(pending["motions"][0]["votes"]) == 50
    closed = portal.post("sec", "/api/orgs/acme/motions/mo1/close")
    assert closed.json()["verdicts"][0]["status"] == "valid"
    portal.store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(db: str, port: int, cwd: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(CHARTER_BIN), "serve", "--db", db, "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(
        f"the server did not start: {process.stderr.read() if process.stderr else ''!r}"
    )


@pytest.mark.slow
def test_sigkill_under_write_load__keeps_every_acknowledged_event(
    tmp_path: Path, db_url: str
) -> None:
    portal = make_portal(tmp_path, db=db_url)
    token = portal.tokens["sec"]
    portal.store.close()
    port = _free_port()
    server = _start(db_url, port, tmp_path)
    acknowledged: list[tuple[int, str]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=5) as c:
            i = 0
            while not stop.is_set():
                text = f"writer {n} announcement {i}"
                try:
                    r = c.post("/api/orgs/acme/announcements", json={"text": text})
                except httpx.TransportError:
                    return
                if r.status_code == 201:
                    with lock:
                        acknowledged.append((r.json()["recorded"][0], text))
                i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 10, "the load never got going"
    store = EventStore.open(db_url, create=False)
    stored = {e.seq: e.event for e in store.iter_events("acme")}
    store.close()
    for seq, text in acknowledged:
        assert stored[seq]["event"]["text"] == text
    verify = subprocess.run(
        [str(CHARTER_BIN), "verify", "--db", db_url, "--org", "acme"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # and the service carries on from where the log ends
    again = _start(db_url, port, tmp_path)
    try:
        after = httpx.post(
            f"http://127.0.0.1:{port}/api/orgs/acme/announcements",
            json={"text": "after the crash"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert after.status_code == 201
        assert after.json()["recorded"][0] == max(stored) + 1
    finally:
        again.terminate()
        again.wait(timeout=10)


@pytest.mark.slow
def test_voters_while_another_process_verifies_and_imports__then_sigkill(
    tmp_path: Path, db_url: str
) -> None:
    """Issue 11's sequence: 50 directors vote over HTTP while another process runs `charter
    verify` and `charter import` against the same database; the server is killed with SIGKILL;
    after a restart every acknowledged vote is in the log and the log verifies."""
    charter, directors = board_of(50)
    portal = make_portal(tmp_path, db=db_url, charter=charter, extra_directors=tuple(directors[1:]))
    portal.meeting(present=tuple(directors))
    motions = [portal.motion(ident=f"mo{i}") for i in range(1, 7)]
    tokens = {p: portal.tokens[p] for p in directors}
    portal.store.close()
    port = _free_port()
    server = _start(db_url, port, tmp_path)
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    side_runs: list[int] = []

    def voter(person: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[person]}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=10) as c:
            for motion in motions:
                try:
                    r = c.post(f"/api/orgs/acme/motions/{motion}/votes", json={"vote": "for"})
                except httpx.TransportError:
                    return
                if r.status_code == 201:
                    with lock:
                        acknowledged.append((person, motion))

    def other_process() -> None:
        k = 0
        while not stop.is_set():
            for args in (
                ["verify", "--db", db_url, "--org", "acme"],
                ["import", str(tmp_path / "acme"), "--db", db_url, "--org", f"other{k}"],
            ):
                done = subprocess.run(
                    [str(CHARTER_BIN), *args], cwd=tmp_path, capture_output=True, check=False
                )
                side_runs.append(done.returncode)
            k += 1

    side = threading.Thread(target=other_process)
    side.start()
    voters = [threading.Thread(target=voter, args=(p,)) for p in directors]
    for t in voters:
        t.start()
    time.sleep(3.0)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    for t in voters:
        t.join()
    stop.set()
    side.join()
    assert len(acknowledged) > 20, "the votes never got going"
    assert side_runs, "the other process never ran"
    again = _start(db_url, port, tmp_path)  # a restart: what it serves is what survived
    try:
        pending = httpx.get(
            f"http://127.0.0.1:{port}/api/orgs/acme/pending",
            headers={"Authorization": f"Bearer {portal.tokens['obs']}"},
            timeout=30,
        ).json()
    finally:
        again.terminate()
        again.wait(timeout=10)
    recorded = {(person, m["id"]) for m in pending["motions"] for person in m["votes"]}
    missing = [a for a in acknowledged if a not in recorded]
    assert not missing, f"{len(missing)} acknowledged votes lost, e.g. {missing[:3]}"
    verify = subprocess.run(
        [str(CHARTER_BIN), "verify", "--db", db_url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
