"""Papers kept by content (store.documents): what is kept, what is refused, and what
``verify`` says when a paper the log names is missing or its bytes changed; on SQLite and on
PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import store_helpers
from charter.store.db import EventStore
from charter.store.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentRefused,
    check_document,
    clean_name,
    digest,
    media_type_of,
)
from charter.store.verify import verify_log

pg_url = store_helpers.pg_url
sqlite_url = store_helpers.sqlite_url
store_url = store_helpers.store_url

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def store(store_url: str) -> Iterator[EventStore]:
    with EventStore.open(store_url) as opened:
        yield opened


def test_kept_once_by_content_and_read_back(store: EventStore) -> None:
    kept = store.put_document("acme", PDF, "board pack.pdf")
    assert kept.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (kept.media_type, kept.size, kept.name) == (
        "application/pdf",
        len(PDF),
        "board pack.pdf",
    )
    again = store.put_document("acme", PDF, "other-name.pdf")
    assert again == kept  # the same bytes: kept once, under the first name
    found = store.document("acme", kept.sha256)
    assert found is not None
    assert found[1] == PDF
    assert store.document("beta", kept.sha256) is None  # another organisation's papers
    assert store.documents_info("acme", [kept.sha256, "0" * 64]) == {kept.sha256: kept}


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "x.pdf", "application/pdf"),
        (PNG, "x.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"1" * 100, "x.jpg", "image/jpeg"),
        ("Résolution: the board approves …".encode(), "notes.txt", "text/plain"),
        (b"# Resolution\n\nRESOLVED, that ...", "resolution.md", "text/markdown"),
        # a file that says it is a PDF but is a page: kept as text, never served as HTML
        (b"<html><script>alert(1)</script></html>", "evil.pdf", "text/plain"),
    ],
)
def test_the_bytes_decide_the_type(data: bytes, name: str, expected: str) -> None:
    assert check_document(data, name).media_type == expected


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03" + b"\x00" * 50,
        b"PK\x03\x04" + b"\x00\x01" * 40,
        b"\xc3\x28 bad utf-8 " * 9,
    ],
)
def test_other_types_are_refused_with_the_list(data: bytes) -> None:
    with pytest.raises(DocumentRefused, match="a PDF, a PNG image"):
        check_document(data, "x.bin")


def test_size_limit_is_enforced_while_reading() -> None:
    read = []

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            read.append(1)
            yield b"a" * (1024 * 1024)

    with pytest.raises(DocumentRefused, match="larger than 20 MiB"):
        digest(chunks())
    assert len(read) == MAX_DOCUMENT_BYTES // (1024 * 1024) + 1  # stopped at the limit
    with pytest.raises(DocumentRefused, match="empty"):
        digest([b""])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\pack.pdf", "pack.pdf"),
        ('a"b\r\nSet-Cookie: x.pdf', "a_b__Set-Cookie_ x.pdf"),
        ("x" * 500 + ".pdf", "x" * 200),
    ],
)
def test_names_cannot_escape_a_header_or_a_path(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "/", "..", "dir/"])
def test_a_name_is_needed(raw: str) -> None:
    with pytest.raises(DocumentRefused, match="needs a file name"):
        clean_name(raw)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=5000), st.text(min_size=1, max_size=300))
def test_any_bytes_are_kept_or_refused_never_crash(data: bytes, name: str) -> None:
    try:
        kept = check_document(data, name)
    except DocumentRefused:
        return
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    assert kept.media_type == media_type_of(data[:4096], name)
    assert "/" not in kept.name
    assert "\n" not in kept.name
    assert 0 < len(kept.name) <= 200


def _attack(store: EventStore, statement: str, params: dict[str, object]) -> None:
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS documents_no_change ON documents")
        else:
            for verb in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS documents_no_{verb}")
        connection.execute(sa.text(statement), params)


def test_papers_are_append_only(store: EventStore) -> None:
    kept = store.put_document("acme", PDF, "pack.pdf")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
        c.execute(sa.text("UPDATE documents SET content = :c"), {"c": b"%PDF-forged"})
    assert store.document("acme", kept.sha256) == (kept, PDF)


def test_verify_names_a_changed_or_missing_paper(store: EventStore) -> None:
    kept = store.put_document("acme", PDF, "pack.pdf")
    other = "ab" * 32
    store.append("acme", {"kind": "motion", "documents": [{"sha256": kept.sha256, "name": "p"}]})
    assert verify_log(store, "acme").ok
    store.append("acme", {"type": "service", "agenda": [{"documents": [{"sha256": other}]}]})
    report = verify_log(store, "acme")
    assert [(f.kind, f.seq) for f in report.findings] == [("document", 2)]
    assert "is not kept" in report.findings[0].message
    _attack(
        store,
        "UPDATE documents SET content = :c WHERE sha256 = :s",
        {"c": PDF + b"x", "s": kept.sha256},
    )
    report = verify_log(store, "acme")
    kinds = sorted((f.seq or 0, f.message.split(":")[0]) for f in report.findings)
    assert kinds[0] == (1, f"the paper kept as {kept.sha256[:16]}… has changed")
    assert len(report.findings) == 2
