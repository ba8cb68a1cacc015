"""Papers kept by content: what a document may be, and how its bytes are named.

Why content-addressed: an act's logged event carries the SHA-256 of each paper, so the Merkle
log proves which bytes were before the board; the bytes themselves live beside the log, once
however many acts refer to them, and ``charter verify`` hashes them again.

Why a short list of types, checked on the bytes and not on the name or the declared type: a
portal serves these papers back to every director, and a file that claims to be a PDF but is
HTML would run as a page of the portal.  PDF, PNG, JPEG and UTF-8 text are what a board pack
holds; anything else is refused with the list.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""The largest paper kept (20 MiB): a long board pack as a PDF; larger ones are refused."""
MAX_NAME = 200
ALLOWED = {
    "application/pdf": "a PDF",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "text/plain": "UTF-8 text",
    "text/markdown": "Markdown (UTF-8 text)",
}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\\"<>|:*?]")


class DocumentRefused(ValueError):
    """A paper that is not kept: too large, of a type the portal does not serve, or badly named."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A paper as the store holds it."""

    sha256: str
    size: int
    media_type: str
    name: str


def media_type_of(head: bytes, name: str) -> str:
    """The type the bytes are (their first bytes decide; the name only tells Markdown from
    plain text), or :class:`DocumentRefused`."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # a multi-byte character cut at the end of the sample is still text
            if error.start < len(head) - 3:
                raise _refused() from None
        return "text/markdown" if name.lower().endswith((".md", ".markdown")) else "text/plain"
    raise _refused()


def _refused() -> DocumentRefused:
    kinds = ", ".join(ALLOWED.values())
    return DocumentRefused(f"not a paper the portal keeps: send {kinds}")


def clean_name(name: str) -> str:
    """The file name shown to directors and offered on download: no path, no control or quote
    characters (it goes into a Content-Disposition header), at most :data:`MAX_NAME` long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = _UNSAFE_NAME.sub("_", base)[:MAX_NAME]
    if not base or base in (".", ".."):
        raise DocumentRefused("a document needs a file name, e.g. 'board-pack.pdf'")
    return base


def digest(chunks: Iterable[bytes], *, limit: int = MAX_DOCUMENT_BYTES) -> tuple[str, bytes]:
    """The SHA-256 (hex) and the bytes of ``chunks``, refused as soon as they pass ``limit``:
    an upload is read chunk by chunk and never held past the limit."""
    h = hashlib.sha256()
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise DocumentRefused(
                f"the document is larger than {limit // (1024 * 1024)} MiB; split it or compress it"
            )
        h.update(chunk)
        parts.append(chunk)
    data = b"".join(parts)
    if not data:
        raise DocumentRefused("the document is empty")
    return h.hexdigest(), data


def check_document(data: bytes, name: str) -> Kept:
    """Everything the store checks before keeping ``data`` under ``name``."""
    sha, _ = digest([data])
    media_type = media_type_of(data[:4096], name)
    if media_type.startswith("text/"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise _refused() from None
    return Kept(sha256=sha, size=len(data), media_type=media_type, name=clean_name(name))
