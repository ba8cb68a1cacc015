"""Only the store opens its database file (STYLE.md §18; issue "Nothing lost, nothing read,
nothing frozen", item 1, at its cause).

POSIX locks belong to the whole process: one open-and-close of the SQLite file anywhere in the
server drops SQLite's locks, and the next client of another process checkpoints and deletes the
WAL the server still writes to.  The store registers its files (database, -wal, -shm, -journal)
in :mod:`charter.located`; the one function that opens input files refuses them after a ``stat``
and before any ``open``, whatever path, symlink or hard link names them.  A case naming them as
its journal, profile or waterfall is a located error, the file is never opened, and the server
goes on acknowledging durable writes while other processes verify and import."""

from __future__ import annotations

import builtins
import html
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charter.load.case import load_case
from charter.load.profiles import load_profile
from charter.located import disown_files, own_files, read_text, read_yaml
from charter.store.db import EventStore
from charter.waterfall.load import load_waterfall
from charter.web import DirectoryCaseSource, create_app
from service_support import CHARTER, write_case

CHARTER_BIN = Path(sys.executable).with_name("charter")
OWN = "is the event store's own database"
OUTSIDE = "pass --allow-outside to read it"
NEVER = "it is never read as a case file"


def _evil_cases(root: Path, db: Path) -> dict[str, Path]:
    """Case directories whose files name the store's own files, in every way a path can."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "link.yaml").symlink_to(db)
    os.link(db, root / "hard.yaml")
    variants = {
        "journal-db": CHARTER.replace("[journal.yaml]", f"[{os.path.relpath(db, root / 'x')}]"),
        "journal-absolute": CHARTER.replace("[journal.yaml]", f"['{db}']"),
        "journal-wal": CHARTER.replace("[journal.yaml]", f"['{db}-wal']"),
        "journal-symlink": CHARTER.replace("[journal.yaml]", "[../link.yaml]"),
        "journal-hardlink": CHARTER.replace("[journal.yaml]", "[../hard.yaml]"),
        "profile-db": CHARTER.replace("bylaws: delaware-nonstock", f"bylaws: '{db}'"),
        "profile-shm": CHARTER.replace("bylaws: delaware-nonstock", f"bylaws: '{db}-shm'"),
    }
    return {name: write_case(root / name, charter) for name, charter in variants.items()}


def _waterfall_case(root: Path, db: Path) -> Path:
    return write_case(root / "waterfall-wal", CHARTER + f"waterfall: '{db}-wal'\n")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened through os.open, io.open or builtins.open while the test runs."""
    seen: list[str] = []
    real_os, real_io = os.open, io.open

    def spy_os(path: object, *args: object, **kwargs: object) -> int:
        seen.append(os.fspath(path))  # type: ignore[arg-type]
        return real_os(path, *args, **kwargs)  # type: ignore[arg-type]

    def spy_io(path: object, *args: object, **kwargs: object) -> object:
        if isinstance(path, str | os.PathLike):
            seen.append(os.fspath(path))
        return real_io(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "open", spy_os)
    monkeypatch.setattr(io, "open", spy_io)
    monkeypatch.setattr(builtins, "open", spy_io)
    return seen


def _store(tmp_path: Path) -> tuple[EventStore, Path]:
    db = tmp_path / "server.db"
    store = EventStore.open(str(db))
    store.append("acme", {"n": 0})  # the WAL and its index exist from the first write
    assert Path(f"{db}-wal").exists()
    assert Path(f"{db}-shm").exists()
    return store, db


def test_every_loader_refuses_the_stores_files_without_opening_them(
    tmp_path: Path, opened: list[str]
) -> None:
    store, db = _store(tmp_path)
    cases = _evil_cases(tmp_path / "cases", db)
    opened.clear()
    for name, case_dir in cases.items():
        case, diagnostics = load_case(case_dir, outside="read")  # the guard holds even then
        assert case is None, name
        refusals = [d for d in diagnostics if OWN in d.message and NEVER in d.message]
        assert refusals, (name, [d.render() for d in diagnostics])
        assert all(d.source.line == 1 for d in refusals)
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), tmp_path / "cases" / "link.yaml"):
        for loaded, errors in (load_profile(str(path)), load_waterfall(path), read_yaml(path)):
            assert loaded is None
            assert [e.message for e in errors] == [f"{path} {_what(path)}; {NEVER}"]
    assert not [p for p in opened if "server.db" in p or p.endswith(("link.yaml", "hard.yaml"))]
    store.close()


def _what(path: Path) -> str:
    name = os.fspath(path)
    if name.endswith("-wal"):
        return OWN + " (its write-ahead log)"
    if name.endswith("-shm"):
        return OWN + " (its shared-memory index)"
    return OWN


@pytest.mark.parametrize("page", ["timeline", "power", "money", "structure"])
def test_served_case__naming_the_stores_files_is_shown_as_an_error_and_never_opened(
    tmp_path: Path, opened: list[str], page: str
) -> None:
    store, db = _store(tmp_path)
    cases = [*_evil_cases(tmp_path / "cases", db).values(), _waterfall_case(tmp_path, db)]
    client = TestClient(create_app(DirectoryCaseSource(cases)))
    opened.clear()
    for case_dir in cases:
        r = client.get(f"/orgs/{case_dir.name}/{page}")
        assert r.status_code < 500, (case_dir.name, r.status_code)
        if case_dir.name != "waterfall-wal" or page == "money":
            shown = html.unescape(r.text)
            # A served case is also confined to its directory (charter.load.confine), which
            # refuses these paths first; either way the page says so and opens nothing.
            assert (OWN in shown and NEVER in shown) or OUTSIDE in shown, (case_dir.name, page)
    assert not [p for p in opened if "server.db" in p or p.endswith(("link.yaml", "hard.yaml"))]
    store.append("acme", {"n": 1})  # the store's files are still the ones it opened
    assert store.broken is None
    store.close()


def test_registration__ends_when_the_store_closes_and_covers_files_made_later(
    tmp_path: Path,
) -> None:
    later = tmp_path / "later.yaml"
    token = own_files({str(later): "a file this process owns"})
    later.write_text("a: 1\n", encoding="utf-8")  # created after the registration
    text, errors = read_text(later)
    assert text is None
    assert "a file this process owns" in errors[0].message
    disown_files(token)
    assert read_text(later) == ("a: 1\n", [])
    store, db = _store(tmp_path)
    store.close()
    assert read_text(db)[1][0].message.startswith("not UTF-8 text")  # no longer the store's


def test_read_text__a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "journal.yaml"
    os.mkfifo(fifo)
    text, errors = read_text(fifo)
    assert text is None
    assert [(e.message, e.hint) for e in errors] == [("not a regular file", "name a .yaml file")]


# The "server": appends, is asked to read every case that names its files (through every
# loader, with every open spied on), then other processes verify and import, then more appends.
SERVER = textwrap.dedent(
    """
    import builtins, io, json, os, subprocess, sys
    from pathlib import Path
    from charter.load.case import load_case
    from charter.store.db import EventStore, StoreError
    from charter.store.journal_io import UnreadableFile, import_case
    from charter.web.source import DirectoryCaseSource

    db, charter, good, waterfall_case = sys.argv[1:5]
    evil = sys.argv[5].split(",")
    opened = []
    real_os, real_io = os.open, io.open

    def spy_os(path, *a, **k):
        opened.append(os.fspath(path))
        return real_os(path, *a, **k)

    def spy_io(path, *a, **k):
        if isinstance(path, (str, os.PathLike)):
            opened.append(os.fspath(path))
        return real_io(path, *a, **k)

    store = EventStore.open(db)

    def append(i):
        try:
            seq = store.append("acme", {"n": i}).seq
            print(json.dumps({"n": i, "seq": seq}), flush=True)
        except StoreError as error:
            print(json.dumps({"n": i, "refused": str(error)}), flush=True)

    for i in range(5):
        append(i)
    os.open, io.open, builtins.open = spy_os, spy_io, spy_io
    for case_dir in evil:
        case, diagnostics = load_case(case_dir, outside="read")  # the guard holds even then
        print(json.dumps({"case": case_dir, "errors": [d.message for d in diagnostics]}))
    case, _ = load_case(waterfall_case, outside="read")
    try:
        import_case(store, case, "stolen", allow_outside=True)  # the guard holds even then
        print(json.dumps({"case": "import", "errors": []}))
    except UnreadableFile as error:
        print(json.dumps({"case": "import", "errors": [str(error)]}))
    os.open, io.open, builtins.open = real_os, real_io, real_io
    print(json.dumps({"opened": [p for p in opened if os.path.basename(db) in p]}), flush=True)
    for k, client in enumerate(["verify", "import", "import", "verify"]):
        args = {
            "verify": ["verify", "--db", db],
            "import": ["import", good, "--db", db, "--org", f"other{k}"],
        }[client]
        done = subprocess.run([charter, *args], capture_output=True, text=True)
        print(json.dumps({"client": client, "rc": done.returncode}), flush=True)
    for i in range(5, 10):
        append(i)
    """
)


def test_server_asked_to_read_its_own_files__keeps_every_acknowledged_event(
    tmp_path: Path,
) -> None:
    db = tmp_path / "server.db"
    EventStore.open(str(db)).close()  # the database exists before the cases link to it
    evil = _evil_cases(tmp_path / "cases", db)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SERVER,
            str(db),
            str(CHARTER_BIN),
            str(write_case(tmp_path / "good")),
            str(_waterfall_case(tmp_path, db)),
            ",".join(str(p) for p in evil.values()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0, done.stdout + done.stderr
    reads = [x for x in lines if "case" in x]
    assert len(reads) == len(evil) + 1
    for read in reads:
        assert any(OWN in e and NEVER in e for e in read["errors"]), read
    assert {"opened": []} in lines
    assert [x["rc"] for x in lines if "client" in x] == [0, 0, 0, 0], lines
    acked = {int(x["seq"]): x["n"] for x in lines if "seq" in x}
    assert len(acked) == 10, lines
    assert not [x for x in lines if "refused" in x], lines
    with EventStore.open(str(db), read_only=True) as store:
        assert {e.seq: e.event.get("n") for e in store.iter_events("acme")} == acked
        assert "stolen" not in store.orgs()
    check = subprocess.run(
        [str(CHARTER_BIN), "verify", "--db", str(db)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
