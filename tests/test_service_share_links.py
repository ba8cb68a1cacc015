"""Read-only share links: an admin's explicit choice shows one organisation's public pages
(Structure, Timeline, Money, Power) without an account, and revoking it ends that at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service_support import Portal, make_portal

PUBLIC = ("structure", "timeline", "money", "power")


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def anonymous(portal: Portal) -> TestClient:
    return TestClient(portal.app, follow_redirects=False, headers={"Accept": "text/html"})


def test_a_link_opens_the_public_pages_of_one_organisation_only(portal: Portal) -> None:
    made = portal.post("adm", "/api/orgs/acme/share-links", {"label": "auditor"})
    assert made.status_code == 201, made.json()
    link = made.json()
    assert link["active"] is True
    assert link["url"].startswith("/share/")
    reader = anonymous(portal)
    opened = reader.get(link["url"])
    assert opened.status_code == 303
    assert opened.headers["location"] == "/orgs/acme/structure"
    for page in PUBLIC:
        shown = reader.get(f"/orgs/acme/{page}")
        assert shown.status_code == 200, (page, shown.text[:200])
        assert "Log out" not in shown.text  # no account, no form that acts
    # nothing else: not the portal, the audit page, another organisation, or the API
    for path in ("/orgs/acme/portal", "/orgs/acme/audit", "/orgs/globex/structure", "/orgs"):
        refused = reader.get(path)
        assert refused.status_code in (303, 401, 403), path
        assert "Acme Foundation" not in refused.text or refused.status_code == 303
    assert reader.get("/api/orgs/acme/state").status_code == 401
    # the token is shown once: the list names links by id, never by token
    listed = portal.as_("adm").get("/api/orgs/acme/share-links").json()["share_links"]
    assert [x["id"] for x in listed] == [link["id"]]
    assert link["url"].removeprefix("/share/") not in str(listed)


def test_revoking_a_link_ends_it_at_the_next_request(portal: Portal) -> None:
    link = portal.post("adm", "/api/orgs/acme/share-links", {"label": "press"}).json()
    reader = anonymous(portal)
    reader.get(link["url"])
    assert reader.get("/orgs/acme/timeline").status_code == 200
    revoked = portal.as_("adm").delete(f"/api/orgs/acme/share-links/{link['id']}")
    assert revoked.status_code == 200
    after = reader.get("/orgs/acme/timeline")
    assert after.status_code == 303  # to the log-in page
    assert after.headers["location"].startswith("/?next=")
    assert reader.get(link["url"]).status_code == 404
    again = portal.as_("adm").delete(f"/api/orgs/acme/share-links/{link['id']}")
    assert again.status_code == 404


@pytest.mark.parametrize("who", ["ana", "sec", "obs", "gsec"])
def test_only_an_admin_of_the_organisation_shares_it(portal: Portal, who: str) -> None:
    assert portal.post(who, "/api/orgs/acme/share-links", {"label": "x"}).status_code == 403
    assert portal.as_(who).get("/api/orgs/acme/share-links").status_code == 403


@pytest.mark.parametrize("token", ["nope-nope-nope", "A" * 100, "%00%00%00%00x"])
def test_an_unknown_link_opens_nothing(portal: Portal, token: str) -> None:
    reader = anonymous(portal)
    answer = reader.get(f"/share/{token}")
    assert answer.status_code in (404, 422)
    assert "set-cookie" not in answer.headers
    reader.cookies.set("charter_share", token, path="/orgs/acme")
    assert reader.get("/orgs/acme/structure").status_code == 303


def test_an_admin_shares_and_revokes_from_the_portal(portal: Portal) -> None:
    from service_support import form_login

    admin = TestClient(portal.app)
    assert form_login(admin, "adm", portal.passwords["adm"]).status_code == 303
    page = admin.get("/orgs/acme/portal")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    made = admin.post("/orgs/acme/portal/share-links", data={"csrf": csrf, "label": "auditor"})
    assert made.status_code == 200
    url = made.text.split("<code>", 2)[1].split("</code>", 1)[0]
    assert "/share/" in url
    assert "Copy it now: it is not shown again." in made.text
    reader = anonymous(portal)
    assert reader.get(url.split("testserver", 1)[1]).status_code == 303
    assert reader.get("/orgs/acme/money").status_code == 200
    link = portal.as_("adm").get("/api/orgs/acme/share-links").json()["share_links"][0]
    revoked = admin.post(f"/orgs/acme/portal/share-links/{link['id']}/revoke", data={"csrf": csrf})
    assert "revoked: it opens nothing from now on" in revoked.text
    assert reader.get("/orgs/acme/money").status_code == 303
    director = TestClient(portal.app)
    form_login(director, "ana", portal.passwords["ana"])
    assert "Read-only share links" not in director.get("/orgs/acme/portal").text


def test_the_api_reads_the_audit_trail_and_each_checkpoint(portal: Portal, tmp_path: Path) -> None:
    """What the Audit page shows, for scripts: the verification, the trail, the checkpoints."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from charter.store.checkpoint import read_checkpoint

    portal.meeting()
    audit = portal.as_("obs").get("/api/orgs/acme/audit").json()
    size = portal.store.tree_head("acme").size
    assert audit["ok"] is True
    assert audit["size"] == size
    assert [t["seq"] for t in audit["trail"]][:2] == [size, size - 1]
    assert audit["trail"][-1]["what"].startswith("the organisation's charter")
    opened = next(t for t in audit["trail"] if t["what"] == "meeting opened: m1")
    assert opened["who"].startswith("sec")
    assert portal.as_("obs").get("/api/orgs/acme/checkpoints/1").status_code == 404
    signed = portal.store.checkpoint("acme", Ed25519PrivateKey.generate())
    got = portal.as_("obs").get("/api/orgs/acme/checkpoints/1")
    assert got.status_code == 200
    kept = tmp_path / "cp.json"
    kept.write_bytes(got.content)
    assert read_checkpoint(kept)[0] == signed
    assert portal.as_("gil").get("/api/orgs/acme/audit").status_code == 403
