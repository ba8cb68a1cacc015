"""The papers of a board: documents kept by content, and the references acts make to them.

Why the store is asked at the moment an act names a paper: the hash is logged with the act, so
an act may name only a paper that is kept (else ``charter verify`` would report the log as
referring to a paper nobody can read); its name, type and size are copied from what is kept,
never from the request, so a motion cannot describe a paper as something it is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from charter.model.journal import Document
from charter.service import schemas
from charter.service.errors import Refused
from charter.store.db import EventStore
from charter.store.documents import DocumentRefused, Kept, check_document, digest

MAX_PER_ACT = 20


def keep(store: EventStore, org: str, chunks: Iterable[bytes], name: str) -> Kept:
    """Keep an uploaded paper (read chunk by chunk, refused past the size limit)."""
    try:
        _, data = digest(chunks)
        check_document(data, name)  # refused before a write transaction is opened
        return store.put_document(org, data, name)
    except DocumentRefused as error:
        status = 413 if "larger than" in str(error) else 422
        raise Refused(status, "document-refused", str(error)) from error


def documents(
    store: EventStore, org: str, refs: Sequence[schemas.DocumentIn]
) -> tuple[Document, ...]:
    """The logged form of ``refs``: each must name a paper kept for ``org``."""
    if not refs:
        return ()
    kept = store.documents_info(org, [r.sha256 for r in refs])
    missing = [r.sha256 for r in refs if r.sha256 not in kept]
    if missing:
        raise Refused(
            422,
            "unknown-document",
            f"no paper {missing[0][:16]}… is kept for {org}: upload it first "
            f"(POST /api/orgs/{org}/documents?name=FILE)",
        )
    out = []
    for ref in refs:
        k = kept[ref.sha256]
        out.append(
            Document(sha256=k.sha256, name=ref.name or k.name, media_type=k.media_type, size=k.size)
        )
    return tuple(out)


def document_json(doc: Document, org: str) -> dict[str, object]:
    return doc.model_dump(mode="json") | {"href": f"/api/orgs/{org}/documents/{doc.sha256}"}


def content_headers(kept: Kept) -> dict[str, str]:
    """How a paper is served back: its own type, shown in the browser where that is safe, and
    a policy under which nothing in it runs as a page of the portal (text is sandboxed)."""
    inline = kept.media_type in ("application/pdf", "image/png", "image/jpeg")
    disposition = "inline" if inline else "attachment"
    policy = "sandbox; default-src 'none'" if not inline else "default-src 'none'; img-src 'self'"
    return {
        "Content-Disposition": f'{disposition}; filename="{kept.name}"',
        "Content-Security-Policy": policy + "; frame-ancestors 'self'",
        "Cache-Control": "private, max-age=31536000, immutable",
        "X-Frame-Options": "SAMEORIGIN",
    }
