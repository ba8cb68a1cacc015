"""Nothing acknowledged is lost when another process checkpoints the WAL away (issue "Nothing
lost, nothing read, nothing frozen", item 1).

POSIX locks belong to the whole process: if anything in the server opens and closes its own
database file, SQLite's locks are dropped, and the next client of another process that closes
its connection checkpoints and deletes the WAL the server still writes to.  These tests run
that exact sequence in a child process playing the server (a store that found its files
changed ends its process without closing them, so it cannot be the test process itself)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from charter.store.db import EventStore, StoreError
from service_support import write_case

CHARTER_BIN = Path(sys.executable).with_name("charter")

# The "server": appends, then the bug (open and close of its own database file), then another
# process's clients, then more appends.  Prints one JSON line per append: acknowledged or not.
SERVER = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from charter.store.db import EventStore, StoreError
    db, charter, case, clients = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    store = EventStore.open(db)

    def append(i):
        try:
            seq = store.append("acme", {"n": i}).seq
            print(json.dumps({"n": i, "seq": seq}), flush=True)
        except StoreError as error:
            print(json.dumps({"n": i, "refused": str(error)}), flush=True)

    for i in range(5):
        append(i)
    with open(db, "rb"):  # any open and close of the file drops the process's locks
        pass
    for k, client in enumerate(clients):
        args = {
            "verify": ["verify", "--db", db, "--org", "acme"],
            "import": ["import", case, "--db", db, "--org", f"other{k}"],
            "export": ["export", "--db", db, "--org", "acme"],
        }[client]
        done = subprocess.run([charter, *args], capture_output=True, text=True)
        print(json.dumps({"client": client, "rc": done.returncode}), flush=True)
    for i in range(5, 10):
        append(i)
    print(json.dumps({"wal": os.path.exists(db + "-wal")}), flush=True)
    """
)


def _run_server(tmp_path: Path, clients: list[str]) -> tuple[Path, list[dict[str, object]], int]:
    db = tmp_path / "server.db"
    case = write_case(tmp_path / "case")
    done = subprocess.run(
        [sys.executable, "-c", SERVER, str(db), str(CHARTER_BIN), str(case), ",".join(clients)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return db, lines, done.returncode


def _after_restart(db: Path) -> dict[int, object]:
    store = EventStore.open(str(db))
    try:
        return {e.seq: e.event.get("n") for e in store.iter_events("acme")}
    finally:
        store.close()


def _verify(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHARTER_BIN), "verify", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "clients", [["import"], ["verify", "import"], ["import", "verify"], ["import", "import"]]
)
def test_wal_deleted_under_the_store__every_acknowledged_event_survives(
    tmp_path: Path, clients: list[str]
) -> None:
    db, lines, code = _run_server(tmp_path, clients)
    acked = {int(str(x["seq"])): x["n"] for x in lines if "seq" in x}
    refused = [x for x in lines if "refused" in x]
    assert [x["rc"] for x in lines if "client" in x] == [0] * len(clients), lines
    assert len(acked) >= 5, lines
    # the WAL went away under the server: it refused, and said why
    assert refused, lines
    assert all("write-ahead log" in str(x["refused"]) for x in refused)
    assert code == 70, "a store that found its files changed ends without closing them"
    stored = _after_restart(db)
    for seq, n in acked.items():
        assert stored.get(seq) == n, (seq, n, stored)
    check = _verify(db)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("clients", [["verify"], ["export"], ["verify", "export", "verify"]])
def test_readers_never_checkpoint_the_wal_away(tmp_path: Path, clients: list[str]) -> None:
    """verify and export open the database read-only: even with the server's locks gone they
    leave its WAL in place, and the server goes on acknowledging durable writes."""
    db, lines, code = _run_server(tmp_path, clients)
    assert code == 0, lines
    assert {"wal": True} in lines
    acked = {int(str(x["seq"])): x["n"] for x in lines if "seq" in x}
    assert len(acked) == 10, lines
    assert _after_restart(db) == acked
    check = _verify(db)
    assert check.returncode == 0, check.stdout + check.stderr


def test_read_only_store__writes_nothing_and_needs_the_latest_schema(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    with EventStore.open(str(db)) as store:
        store.append("acme", {"n": 1})
    with EventStore.open(str(db), read_only=True) as reader:
        assert [e.seq for e in reader.iter_events("acme")] == [1]
        with pytest.raises(Exception, match="readonly"):
            reader.append("acme", {"n": 2})
    with EventStore.open(str(db)) as store:
        assert [e.seq for e in store.iter_events("acme")] == [1]
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    with pytest.raises(StoreError, match="schema is at revision none"):
        EventStore.open(str(bare), read_only=True)
    with pytest.raises(StoreError, match="no database at"):
        EventStore.open(str(tmp_path / "absent.db"), read_only=True)
    assert not (tmp_path / "absent.db").exists()
