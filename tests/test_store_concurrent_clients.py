"""50 directors vote over HTTP while another process verifies and imports into the same SQLite
database and an observer asks the Timeline and Power pages for ``profile=portal.db`` (the path
by which the server once opened its own database file, dropping SQLite's locks); then the server
is killed with SIGKILL.  Every acknowledged vote must be in the log after the restart, and the
log must verify (issue "Nothing lost, nothing read, nothing frozen", item 1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from charter.store.db import EventStore
from service_support import board_of, make_portal, write_case
from test_service_durability import _free_port, _start

CHARTER_BIN = Path(sys.executable).with_name("charter")
MOTIONS = ("mo1", "mo2", "mo3", "mo4", "mo5", "mo6")


@pytest.mark.slow
def test_50_voters_with_verify_and_import_beside_them__every_acknowledged_vote_survives_sigkill(
    tmp_path: Path,
) -> None:
    charter, directors = board_of(50)
    portal = make_portal(tmp_path, charter=charter, extra_directors=tuple(directors[1:]))
    portal.meeting(present=tuple(directors))
    for motion in MOTIONS:
        portal.motion(ident=motion)
    tokens = dict(portal.tokens)
    portal.store.close()
    db = tmp_path / "portal.db"
    case = write_case(tmp_path / "other-case")
    port = _free_port()
    server = _start(str(db), port, tmp_path)  # cwd: "portal.db" names the server's database
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    started = threading.Event()
    clients: list[tuple[str, int]] = []

    def other_process() -> None:
        """verify and import, again and again, in other processes, as an operator might."""
        k = 0
        while not stop.is_set():
            for args in (
                ["verify", "--db", str(db), "--org", "acme"],
                ["import", str(case), "--db", str(db), "--org", f"imported{k}"],
            ):
                done = subprocess.run(
                    [str(CHARTER_BIN), *args], capture_output=True, text=True, check=False
                )
                clients.append((args[0], done.returncode))
                started.set()
            k += 1

    def observer() -> None:
        headers = {"Authorization": f"Bearer {tokens['obs']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while not stop.is_set():
                for page in ("timeline", "power"):
                    for ref in ("portal.db", str(db), "portal.db-wal", "../portal.db"):
                        try:
                            client.get(f"/orgs/acme/{page}", params={"profile": ref})
                        except httpx.TransportError:
                            return  # the server was killed

    acknowledged: list[tuple[str, str]] = []
    refused: list[tuple[str, str, int]] = []
    lock = threading.Lock()

    def voter(person: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[person]}"}
        started.wait(60)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for motion in MOTIONS:
                r = client.post(f"/api/orgs/acme/motions/{motion}/votes", json={"vote": "for"})
                with lock:
                    if r.status_code == 201:
                        acknowledged.append((person, motion))
                    else:
                        refused.append((person, motion, r.status_code))
                time.sleep(0.05)

    helpers = [threading.Thread(target=other_process), threading.Thread(target=observer)]
    began = time.monotonic()
    try:
        for t in helpers:
            t.start()
        with ThreadPoolExecutor(50) as pool:
            list(pool.map(voter, directors))
        voting = time.monotonic() - began
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        stop.set()
        for t in helpers:
            t.join()
    assert clients
    assert all(code == 0 for _, code in clients), clients
    assert sum(1 for name, _ in clients if name == "import") >= 1
    store = EventStore.open(str(db), create=False)
    try:
        votes = {
            (e.event["person"], e.event["motion"])
            for e in store.iter_events("acme")
            if e.event.get("op") == "vote-cast"
        }
    finally:
        store.close()
    missing = sorted(set(acknowledged) - votes)
    assert not missing, f"{len(missing)} acknowledged votes lost: {missing[:5]}"
    assert not refused, refused[:5]
    assert len(acknowledged) == 50 * len(MOTIONS)
    verify = subprocess.run(
        [str(CHARTER_BIN), "verify", "--db", str(db)], capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    print(
        f"\n{len(acknowledged)} votes by 50 clients in {voting:.1f} s beside "
        f"{len(clients)} verify/import runs; all {len(votes)} acknowledged votes kept"
    )
