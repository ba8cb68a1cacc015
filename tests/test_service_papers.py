"""Papers through the service: a resolution's text and its documents are logged with the act
(the hash in the event, the bytes in the store), a meeting's agenda carries the board pack,
minutes are drafted from the record and approved like any motion, and ``charter verify``
proves that what a director voted on is what is on file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from charter.cli import app
from charter.store.journal_io import case_from_records
from service_support import DIRECTORS, Portal, make_portal

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
RESOLUTION = "RESOLVED, that **Frank** is removed as CEO.\n\n<script>alert(1)</script>"


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def upload(portal: Portal, who: str, data: bytes, name: str) -> dict[str, object]:
    answer = portal.as_(who).post(f"/api/orgs/acme/documents?name={name}", content=data)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_motion_carries_its_text_and_papers_into_the_log(portal: Portal) -> None:
    kept = upload(portal, "sec", PDF, "pack.pdf")
    assert kept["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (kept["media_type"], kept["size"]) == ("application/pdf", len(PDF))
    portal.meeting()
    ref = {"sha256": kept["sha256"], "name": "Board pack, November"}
    portal.motion(text=RESOLUTION, documents=[ref])
    motion = portal.as_("obs").get("/api/orgs/acme/pending").json()["motions"][0]
    assert motion["act"]["text"] == RESOLUTION
    doc = motion["act"]["documents"][0]
    # name from the request; type and size from what is kept, never from the request
    assert doc == {
        "sha256": kept["sha256"],
        "name": "Board pack, November",
        "media_type": "application/pdf",
        "size": len(PDF),
    }
    for who in ("ana", "ben", "cleo"):
        assert portal.post(who, "/api/orgs/acme/motions/mo1/votes", {"vote": "for"}).is_success
    assert portal.post("sec", "/api/orgs/acme/motions/mo1/close").status_code == 201
    case, _ = case_from_records(portal.store.records("acme"), origin="store:acme")
    assert case is not None
    event = next(e.event for e in case.entries if e.event.kind == "motion")
    assert event.text == RESOLUTION
    assert event.documents[0].sha256 == kept["sha256"]
    assert event.proposed_by == "ana"
    # every director reads the bytes whose hash is logged
    got = portal.as_("dan").get(f"/api/orgs/acme/documents/{kept['sha256']}")
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert "default-src 'none'" in got.headers["content-security-policy"]


def test_an_act_may_name_only_a_kept_paper(portal: Portal) -> None:
    portal.meeting()
    body = {"id": "mo1", "act": "remove-officer", "subject": {"person": "frank", "office": "ceo"}}
    body["documents"] = [{"sha256": "ab" * 32}]  # type: ignore[assignment]
    answer = portal.post("ana", "/api/orgs/acme/meetings/m1/motions", body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unknown-document"
    # another organisation's paper is not this one's
    other = portal.as_("gsec").post("/api/orgs/globex/documents?name=x.pdf", content=PDF)
    assert other.status_code == 201
    body["documents"] = [{"sha256": other.json()["sha256"]}]  # type: ignore[assignment]
    assert portal.post("ana", "/api/orgs/acme/meetings/m1/motions", body).status_code == 422
    assert (
        portal.as_("ana").get(f"/api/orgs/acme/documents/{other.json()['sha256']}").status_code
        == 404
    )
    assert (
        portal.as_("gil").get(f"/api/orgs/acme/documents/{other.json()['sha256']}").status_code
        == 403
    )


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", 422),
        (b"MZ\x90\x00" + b"\x00" * 64, 422),
        (b"%PDF-" + b"0" * (20 * 1024 * 1024), 413),
    ],
)
def test_uploads_refused_with_a_reason(portal: Portal, data: bytes, status: int) -> None:
    answer = portal.as_("sec").post("/api/orgs/acme/documents?name=x.bin", content=data)
    assert answer.status_code == status, answer.text
    # a body declared too large is refused before it is read (too-large), else when it is read
    assert answer.json()["error"]["code"] in {"document-refused", "too-large"}
    assert portal.store.documents_info("acme", [hashlib.sha256(data).hexdigest()]) == {}


def test_observers_read_but_do_not_upload(portal: Portal) -> None:
    kept = upload(portal, "ana", b"# Agenda\n", "agenda.md")
    assert kept["media_type"] == "text/markdown"
    assert (
        portal.as_("obs").post("/api/orgs/acme/documents?name=a.md", content=b"x").status_code
        == 403
    )
    read = portal.as_("obs").get(f"/api/orgs/acme/documents/{kept['sha256']}")
    assert read.status_code == 200
    assert read.text == "# Agenda\n"
    # text is served as an attachment in a sandbox: it never runs as a page of the portal
    assert read.headers["content-disposition"].startswith("attachment;")
    assert read.headers["content-security-policy"].startswith("sandbox")


def test_the_agenda_and_its_board_pack_go_with_the_call(portal: Portal) -> None:
    kept = upload(portal, "sec", PDF, "pack.pdf")
    body = {
        "meeting": "m1",
        "at": "2026-01-10T10:00:00-05:00",
        "place": "https://video.example/board",
        "agenda": [
            {"title": "Minutes of the last meeting"},
            {
                "title": "CEO",
                "text": "Frank's *removal*",
                "documents": [{"sha256": kept["sha256"]}],
            },
        ],
    }
    called = portal.post("ana", "/api/orgs/acme/meetings", body)
    assert called.status_code == 201, called.json()
    meeting = called.json()["meeting"]
    assert meeting["place"] == "https://video.example/board"
    assert [i["title"] for i in meeting["agenda"]] == ["Minutes of the last meeting", "CEO"]
    assert meeting["agenda"][1]["documents"][0]["name"] == "pack.pdf"


def test_minutes_drafted_kept_and_approved_at_a_later_meeting(
    portal: Portal, tmp_path: Path
) -> None:
    portal.meeting()
    portal.motion(text=RESOLUTION)
    for who in ("ana", "ben", "cleo"):
        portal.post(who, "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    portal.post("sec", "/api/orgs/acme/motions/mo1/close")
    assert portal.post("sec", "/api/orgs/acme/meetings/m1/close").status_code == 201
    md = portal.as_("dan").get("/api/orgs/acme/meetings/m1/minutes")
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    text = md.text
    assert "# Minutes of the special meeting of the board of" in text
    assert "- Called by: Ana" in text
    assert "given by personal" in text or "given by" in text
    assert "- For (3): Ana, Ben, Cleo." in text
    assert "- Abstained (2): Dan, Eve." in text
    assert "> RESOLVED, that **Frank** is removed as CEO." in text
    assert "## Annex: each act as judged" in text
    assert "mo1 (store:acme:" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    html = portal.as_("dan").get("/api/orgs/acme/meetings/m1/minutes?format=html").text
    assert "<strong>Frank</strong>" in html
    assert "<script>" not in html
    pdf = portal.as_("dan").get("/api/orgs/acme/meetings/m1/minutes?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    pages = pdfium.PdfDocument(pdf.content)
    assert len(pages) >= 1
    image = pages[0].render(scale=0.5).to_pil()
    assert image.convert("L").getextrema()[0] < 100  # ink on the page, not a blank sheet
    assert "For (3)" in pages[0].get_textpage().get_text_range()
    kept = portal.post("sec", "/api/orgs/acme/meetings/m1/minutes")
    assert kept.status_code == 201
    draft = kept.json()
    # a later meeting approves exactly that draft
    portal.clock.advance(days=7)
    portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m2"})
    portal.post("sec", "/api/orgs/acme/meetings/m2/notices", {"channel": "personal"})
    portal.clock.advance(hours=25)
    portal.post("sec", "/api/orgs/acme/meetings/m2/open", {"present": list(DIRECTORS)})
    approve = {
        "id": "approve-m1",
        "act": "approve-minutes",
        "minutes_of": "m1",
        "documents": [{"sha256": draft["sha256"]}],
    }
    assert portal.post("ana", "/api/orgs/acme/meetings/m2/motions", approve).status_code == 201
    for who in ("ana", "ben", "cleo"):
        portal.post(who, "/api/orgs/acme/motions/approve-m1/votes", {"vote": "for"})
    closed = portal.post("sec", "/api/orgs/acme/motions/approve-m1/close")
    assert closed.status_code == 201, closed.json()
    assert closed.json()["verdicts"][0]["status"] == "valid"
    no_meeting = dict(approve, id="a2", minutes_of="nope")
    assert portal.post("ana", "/api/orgs/acme/meetings/m2/motions", no_meeting).status_code == 404
    without = {"id": "a3", "act": "approve-minutes"}
    assert portal.post("ana", "/api/orgs/acme/meetings/m2/motions", without).status_code == 422


def test_verify_proves_what_was_signed_is_on_file(portal: Portal, tmp_path: Path) -> None:
    kept = upload(portal, "sec", PDF, "pack.pdf")
    portal.meeting()
    portal.motion(documents=[{"sha256": kept["sha256"]}])
    url = portal.store.engine.url.render_as_string(hide_password=False)
    verify = ["verify", "--db", url, "--org", "acme"]
    ok = CliRunner().invoke(app, verify)
    assert ok.exit_code == 0, ok.output
    with portal.store.engine.begin() as connection:  # the attacker owns the database file
        for verb in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS documents_no_{verb}")
        connection.execute(
            sa.text("UPDATE documents SET content = :c WHERE sha256 = :s"),
            {"c": PDF.replace(b"<< >>", b"<< /F >>"), "s": kept["sha256"]},
        )
    bad = CliRunner().invoke(app, verify)
    assert bad.exit_code == 1
    assert f"document: the paper kept as {kept['sha256'][:16]}… has changed" in bad.output
