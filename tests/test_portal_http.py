"""The Portal and Audit pages over HTTP: every form, the confirm flow, refusals, CSRF, roles, and
log verification before and after tampering.  Expected verdicts and warnings are the JSON API's
own answers to the same request, never typed in by hand."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import stat
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
import segno
from fastapi.testclient import TestClient

from charter.store.verify import verify_log
from service_support import DIRECTORS, Portal, form_login, make_portal

PORTAL = "/orgs/acme/portal"
AUDIT = "/orgs/acme/audit"


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


class Person:
    """A browser session: the cookie from the log-in form and the CSRF token of the session."""

    def __init__(self, portal: Portal, username: str) -> None:
        self.client = TestClient(portal.app)
        login = form_login(self.client, username, portal.passwords[username])
        assert login.status_code == 303
        self.csrf = self.client.get("/api/me").json()["csrf_token"]

    def post(self, path: str, **data: Any) -> httpx.Response:
        return self.client.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)

    def submit(self, path: str, **data: Any) -> httpx.Response:
        """Post a form and follow its redirect, as a browser does."""
        return self.client.post(path, data={"csrf": self.csrf, **data}, follow_redirects=True)


def _read(fragment: str) -> str:
    """HTML as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([,.;:)])", r"\1", words))


def text(response: httpx.Response) -> str:
    return _read(re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S))


def section(response: httpx.Response, ident: str) -> str:
    found = re.search(
        rf'<(section|div|main|article)[^>]*id="{ident}".*?</\1>', response.text, flags=re.S
    )
    assert found, f"no #{ident} on the page"
    return _read(found.group(0))


def hidden_fields(response: httpx.Response, form_action: str) -> dict[str, str]:
    form = re.search(
        rf'<form method="post" action="{re.escape(form_action)}"[^>]*>(.*?)</form>',
        response.text,
        flags=re.S,
    )
    assert form, f"no form posting to {form_action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[1]))


def meeting(portal: Portal, present: tuple[str, ...] = DIRECTORS) -> None:
    """Through the portal: ana (the chair) calls m1, sec notices it in person and opens it."""
    ana, sec = Person(portal, "ana"), Person(portal, "sec")
    assert ana.post(f"{PORTAL}/meetings", meeting="m1", purpose="ceo").status_code == 303
    assert sec.post(f"{PORTAL}/meetings/m1/notices", channel="personal").status_code == 303
    portal.clock.advance(hours=25)
    opened = sec.client.post(
        f"{PORTAL}/meetings/m1/open",
        # anything less than everyone, noticed, is opened only when confirmed
        data={"csrf": sec.csrf, "present": list(present)}
        | ({} if set(present) == set(DIRECTORS) else {"confirm": "true"}),
        follow_redirects=False,
    )
    assert opened.status_code == 303, text(opened)


def propose(portal: Portal, ident: str = "mo1") -> None:
    proposed = Person(portal, "ana").post(
        f"{PORTAL}/meetings/m1/motions",
        motion=ident,
        act="remove-officer",
        person="frank",
        office="ceo",
    )
    assert proposed.status_code == 303, text(proposed)


def size(portal: Portal) -> int:
    return portal.store.tree_head("acme").size


# -- pages and navigation ------------------------------------------------------------------------


def test_pages__need_a_log_in_and_a_role_in_the_organisation(portal: Portal) -> None:
    anonymous = TestClient(portal.app)
    for path in (PORTAL, AUDIT):
        response = anonymous.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, f"/?next={path}")
    outsider = Person(portal, "gil")  # a director of globex only
    refused = outsider.client.get(PORTAL)
    assert refused.status_code == 403
    assert "you have no role in organisation 'acme'" in section(refused, "main")
    assert outsider.post(f"{PORTAL}/meetings", meeting="x").status_code == 403


def test_nav__every_page_links_to_portal_and_audit(portal: Portal) -> None:
    ana = Person(portal, "ana")
    timeline = ana.client.get("/orgs/acme/timeline")
    assert '<a href="/orgs/acme/portal">Portal</a>' in timeline.text
    assert '<a href="/orgs/acme/audit">Audit</a>' in timeline.text
    page = ana.client.get(PORTAL)
    assert '<a href="/orgs/acme/portal" aria-current="page">Portal</a>' in page.text
    assert 'href="http://testserver/orgs/acme/timeline">Timeline</a>' in page.text
    assert "/static/web/charter.css" in page.text
    home = ana.client.get("/")
    assert 'href="/orgs/acme/portal"' in home.text


def test_portal__shows_the_board_now_and_who_you_are(portal: Portal) -> None:
    page = Person(portal, "ana").client.get(PORTAL)
    assert page.status_code == 200
    shown = text(page)
    assert "Logged in as ana (director), acting as Ana: on the board now." in shown
    board = section(page, "main")
    for person in ("Ana chair", "Ben", "Cleo", "Dan", "Eve"):
        assert person in board
    assert "ceo Frank" in board
    assert "5 of 5 seats filled" in board
    frank = text(Person(portal, "frank").client.get(PORTAL))
    assert "acting as Frank: not a director now (per the replayed record)" in frank


# -- the forms -----------------------------------------------------------------------------------


def test_forms__call_notice_open_propose_vote_close_as_the_api_decides(portal: Portal) -> None:
    ana, sec = Person(portal, "ana"), Person(portal, "sec")
    called = ana.submit(f"{PORTAL}/meetings", meeting="m1", purpose="ceo", at="2026-02-03T10:00")
    assert called.status_code == 200
    assert str(called.url).startswith("http://testserver/orgs/acme/portal?done=")
    assert section(called, "result").startswith("Recorded: Call a meeting")
    assert "Meeting m1 (special) is called." in section(called, "result")
    assert "Called by Ana, for 2026-02-03 10:00 UTC; purpose: ceo." in text(called)

    noticed = sec.submit(f"{PORTAL}/meetings/m1/notices", channel="personal")
    result = section(noticed, "result")
    assert result.startswith("Recorded: Send the notices of m1")
    for person in ("Ana", "Ben", "Cleo", "Dan", "Eve"):
        assert f"{person} given given by personal, recorded by sec" in result
    assert "Notices: 5 given." in text(noticed)

    portal.clock.advance(hours=25)
    opened = sec.client.post(
        f"{PORTAL}/meetings/m1/open",
        data={"csrf": sec.csrf, "present": list(DIRECTORS)},
        follow_redirects=True,
    )
    assert section(opened, "result").startswith("Recorded: Open m1")
    assert "m1 special meeting, open" in text(opened)

    proposed = ana.submit(
        f"{PORTAL}/meetings/m1/motions",
        motion="mo1",
        act="remove-officer",
        person="frank",
        office="ceo",
    )
    assert "Motion mo1 is open for votes." in section(proposed, "result")
    assert "remove-officer Frank (ceo) motion mo1, open" in text(proposed)

    voted = ana.submit(f"{PORTAL}/motions/mo1/votes", vote="for")
    assert section(voted, "result").startswith("Recorded: Vote on mo1")
    assert "Verdict so far (the vote is still open)" in section(voted, "result")
    for who in ("ben", "cleo"):
        assert (
            Person(portal, who).post(f"{PORTAL}/motions/mo1/votes", vote="for").status_code == 303
        )
    votes = section(Person(portal, "dan").client.get(PORTAL), "motion-mo1")
    assert "(the vote is open: nothing is declared yet) Director Vote Ana for Ben for Cleo" in votes

    closed = sec.submit(f"{PORTAL}/motions/mo1/close", closing="yes")
    verdict = next(
        v for v in portal.as_("obs").get("/api/orgs/acme/acts").json()["acts"] if v["id"] == "mo1"
    )
    assert verdict["status"] == "valid"
    result = section(closed, "result")
    assert "The chair declares the motion adopted." in result
    assert "remove-officer frank (ceo) mo1 valid adopted none" in result
    assert "ceo Frank" not in section(closed, "main").split("The board now")[1]

    ended = sec.submit(f"{PORTAL}/meetings/m1/close")
    assert section(ended, "result").startswith("Recorded: Close m1")
    assert "m1 special meeting, closed" in text(ended)


def test_confirm__a_defective_vote_shows_the_warnings_and_records_only_when_confirmed(
    portal: Portal,
) -> None:
    meeting(portal, present=("ana", "ben"))  # quorum is 3 of 5
    propose(portal)
    before = size(portal)
    # what the JSON API says about the same vote (it records nothing either)
    api = portal.post("ana", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert api.status_code == 409
    warning = api.json()["warnings"][0]
    assert warning["rule"] == "quorum"

    ana = Person(portal, "ana")
    held = ana.post(f"{PORTAL}/motions/mo1/votes", vote="for")
    assert held.status_code == 200  # a page asking a question; the API says 409
    assert size(portal) == before  # nothing recorded
    panel = section(held, "confirm")
    assert panel.startswith("Legally defective: Vote on mo1")
    assert "The rules find this act defective (quorum). Nothing has been recorded." in panel
    assert f"✗ failed quorum ({warning['severity']}): {warning['detail']}" in panel
    assert warning["citation"] in panel
    assert '<section class="confirm" id="confirm" role="alert"' in held.text
    fields = hidden_fields(held, f"{PORTAL}/motions/mo1/votes")
    assert fields == {"csrf": ana.csrf, "vote": "for", "confirm": "true"}

    recorded = ana.client.post(f"{PORTAL}/motions/mo1/votes", data=fields, follow_redirects=True)
    assert size(portal) == before + 1
    result = section(recorded, "result")
    assert "Recorded with warnings (confirmed as legally defective):" in result
    assert f"✗ failed quorum: {warning['detail']}" in result
    assert "void" in result
    assert "Votes so far (the vote is open: nothing is declared yet) Director Vote Ana for" in (
        section(recorded, "motion-mo1")
    )

    # closing the motion is defective too: confirmed, it is recorded with the rules' verdict
    sec = Person(portal, "sec")
    unticked = sec.post(f"{PORTAL}/motions/mo1/close")
    assert unticked.status_code == 422  # closing is confirmed: it ends the vote for everyone
    assert "tick &#39;I close this vote&#39;" in unticked.text
    held = sec.post(f"{PORTAL}/motions/mo1/close", closing="yes")
    assert held.status_code == 200
    assert section(held, "confirm").startswith("Legally defective: Close the vote on mo1")
    fields = hidden_fields(held, f"{PORTAL}/motions/mo1/close")
    closed = sec.client.post(f"{PORTAL}/motions/mo1/close", data=fields, follow_redirects=True)
    verdict = next(
        v for v in portal.as_("obs").get("/api/orgs/acme/acts").json()["acts"] if v["id"] == "mo1"
    )
    assert "quorum" in verdict["failed_rules"]
    row = f"mo1 {verdict['status']} {verdict['declared']} {', '.join(verdict['failed_rules'])}"
    assert row in section(closed, "result")


def test_written_consent__circulated_and_signed_through_the_portal(portal: Portal) -> None:
    sec = Person(portal, "sec")
    circulated = sec.submit(
        f"{PORTAL}/consents",
        consent="c1",
        act="appoint-officer",
        person="frank",
        office="president",
    )
    assert "Consent c1 is circulating to the directors." in section(circulated, "result")
    card = section(circulated, "consent-c1")
    assert card.startswith("c1 circulating Circulated on ")
    assert "It needs the signatures of 5 of 5: unanimous of directors in office" in card
    assert "appoint-officer Frank (president)" in card
    assert "Signed by nobody yet." in card
    ana = Person(portal, "ana")
    # a signature needs the signer's password again: none, or a wrong one, signs nothing
    for password in ("", "wrong-password-0123"):
        refused = ana.submit(f"{PORTAL}/consents/c1/signatures", password=password)
        assert "Sign c1: not done." in section(refused, "error")
    assert "Signed by nobody yet." in section(ana.client.get(PORTAL), "consent-c1")
    for who in DIRECTORS[:-1]:
        signed = Person(portal, who).submit(
            f"{PORTAL}/consents/c1/signatures", password=portal.passwords[who]
        )
        assert section(signed, "result").startswith("Recorded: Sign c1")
    eve = Person(portal, "eve")
    page = eve.client.get(PORTAL)
    assert "Signed by Ana, Ben, Cleo, Dan." in section(page, "consent-c1")
    assert 'action="/orgs/acme/portal/consents/c1/signatures"' in page.text  # eve may sign
    last = eve.submit(f"{PORTAL}/consents/c1/signatures", password=portal.passwords["eve"])
    assert "appoint-officer frank (president) frank-president" not in section(last, "result")
    assert "appoint-officer frank (president) c1-1 valid" in section(last, "result")
    assert "c1 signed by every director" in text(last)
    assert "president Frank" in text(last)


# -- refusals ------------------------------------------------------------------------------------


def test_refused__messages_are_alerts_with_the_api_status(portal: Portal) -> None:
    meeting(portal)
    propose(portal)
    ben = Person(portal, "ben")
    assert ben.post(f"{PORTAL}/motions/mo1/votes", vote="for").status_code == 303
    again = ben.post(f"{PORTAL}/motions/mo1/votes", vote="against")
    assert again.status_code == 409
    assert section(again, "error") == (
        "Vote on mo1: not done. ben already voted 'for' on motion 'mo1'"
    )
    assert '<div class="errors" role="alert" id="error">' in again.text
    unknown = ben.post(f"{PORTAL}/motions/nope/votes", vote="for")
    assert unknown.status_code == 404
    assert section(unknown, "error").endswith("no motion 'nope' in this organisation")
    bad = ben.post(f"{PORTAL}/meetings/m1/motions", act="fire-everyone")
    assert bad.status_code == 422
    assert section(bad, "error").startswith(
        "Propose a motion at m1: not done. act: Input should be"
    )
    missing = ben.post(f"{PORTAL}/meetings/m1/motions", act="remove-officer", person="frank")
    assert missing.status_code == 422
    assert section(missing, "error").endswith("act 'remove-officer' needs subject.office")


def test_refused__a_non_director_cannot_vote(portal: Portal) -> None:
    meeting(portal)
    propose(portal)
    before = size(portal)
    frank = Person(portal, "frank")
    page = frank.client.get(PORTAL)
    assert 'action="/orgs/acme/portal/motions/mo1/votes"' not in page.text  # no vote form shown
    refused = frank.post(f"{PORTAL}/motions/mo1/votes", vote="for")
    assert refused.status_code == 403
    api = portal.post("frank", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert section(refused, "error") == f"Vote on mo1: not done. {api.json()['error']['message']}"
    assert size(portal) == before


def test_refused__an_observer_cannot_write(portal: Portal) -> None:
    obs = Person(portal, "obs")
    page = obs.client.get(PORTAL)
    assert page.status_code == 200
    assert "Observers read only: the forms are not shown." in text(page)
    assert "<form" not in section(page, "main")
    before = size(portal)
    refused = obs.post(f"{PORTAL}/meetings", meeting="m9")
    assert refused.status_code == 403
    assert "observers of 'acme' have read-only access" in text(refused)
    assert 'role="alert"' in refused.text
    assert obs.post(f"{AUDIT}/checkpoints").status_code == 403
    assert size(portal) == before


@pytest.mark.parametrize("token", [None, "wrong"])
def test_csrf__a_form_without_the_session_token_is_refused(
    portal: Portal, token: str | None
) -> None:
    ana = Person(portal, "ana")
    before = size(portal)
    data = {"meeting": "m1", "purpose": "ceo"} | ({"csrf": token} if token else {})
    refused = ana.client.post(f"{PORTAL}/meetings", data=data)
    assert refused.status_code == 403
    assert "missing or wrong CSRF token: reload the page and submit the form again" in text(refused)
    assert size(portal) == before
    other = Person(portal, "ben")  # another session's token is wrong too
    assert (
        ana.client.post(f"{PORTAL}/meetings", data=data | {"csrf": other.csrf}).status_code == 403
    )


def test_result__is_shown_only_to_its_author(portal: Portal) -> None:
    ana = Person(portal, "ana")
    done = ana.post(f"{PORTAL}/meetings", meeting="m1")
    location = done.headers["location"]
    assert "Recorded: Call a meeting" in text(ana.client.get(location))
    ben = Person(portal, "ben")
    assert "Recorded: Call a meeting" not in text(ben.client.get(location))


# -- the audit page ------------------------------------------------------------------------------


def test_audit__a_clean_log_verifies_and_a_secretary_signs_a_checkpoint(
    portal: Portal, tmp_path: Path
) -> None:
    ana = Person(portal, "ana")
    page = ana.client.get(AUDIT)
    head = portal.store.tree_head("acme")
    shown = text(page)
    assert f"✓ Log verified: {head.size} events" in shown
    assert f"Root hash {head.root.hex()}" in shown
    assert "No checkpoint has been signed for this organisation yet." in shown
    assert f'action="{AUDIT}/checkpoints"' not in page.text  # a director does not sign
    refused = ana.post(f"{AUDIT}/checkpoints")
    assert refused.status_code == 403
    assert "only a secretary or admin signs a checkpoint" in section(refused, "error")

    sec = Person(portal, "sec")
    assert f'action="{AUDIT}/checkpoints"' in sec.client.get(AUDIT).text
    signed = sec.submit(f"{AUDIT}/checkpoints")
    key = tmp_path / "portal.db.signing.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    saved = portal.store.checkpoints("acme")[-1]
    assert (saved.size, saved.root) == (head.size, head.root)
    result = section(signed, "result")
    assert f"Signed a checkpoint of {head.size} events, root {head.root.hex()}" in result
    shown = text(signed)
    stamp = dt.datetime.fromisoformat(saved.timestamp).strftime("%Y-%m-%d %H:%M UTC")
    assert f"Latest: {head.size} events signed {stamp}, ✓ signature valid" in shown
    assert f"Covered by a valid checkpoint {head.size} events" in shown
    assert str(key) not in shown  # the key's path on the server is not shown to a secretary
    assert str(key) in text(Person(portal, "adm").client.get(AUDIT))
    # the checkpoint can be kept elsewhere: downloaded as the file `charter checkpoint` writes
    link = f"{AUDIT}/checkpoints/1.json"
    assert f'href="{link}"' in signed.text
    downloaded = ana.client.get(link)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-disposition"].endswith('checkpoint-1.json"')
    kept = tmp_path / "kept.json"
    kept.write_bytes(downloaded.content)
    from charter.store.checkpoint import read_checkpoint

    loaded, problems = read_checkpoint(kept)
    assert problems == []
    assert loaded == saved
    assert ana.client.get(f"{AUDIT}/checkpoints/2.json").status_code == 404
    # who did what: every record, newest first, with its account, person and Merkle position
    trail = text(ana.client.get(AUDIT))
    assert f"Audit trail Position Recorded Who What Leaf hash {head.size} " in trail
    assert "the organisation's charter, bylaws and starting state (imported)" in trail


def test_audit__a_tampered_log_reports_each_finding_and_is_not_signed(portal: Portal) -> None:
    with portal.store.engine.begin() as connection:
        for verb in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS events_no_{verb}")
        connection.exec_driver_sql(
            "UPDATE events SET payload = '{\"type\":\"forged\"}' WHERE org = 'acme' AND seq = 2"
        )
    expected = verify_log(portal.store, "acme").findings
    assert [(f.seq, f.kind) for f in expected] == [(2, "edited")]
    sec = Person(portal, "sec")
    page = sec.client.get(AUDIT)
    assert page.status_code == 200
    shown = text(page)
    assert "✗ Verification failed: 1 finding." in shown
    assert f"Findings Seq Kind Finding 2 edited {expected[0].message}" in shown
    assert "Log verified" not in shown
    refused = sec.post(f"{AUDIT}/checkpoints")
    assert refused.status_code == 409
    assert section(refused, "error") == (
        "Sign a checkpoint: not done. refusing to sign acme's log: it fails verification "
        "(1 finding(s) below)"
    )
    assert portal.store.checkpoints("acme") == []


# -- the account page ------------------------------------------------------------------------


def test_account_page__needs_a_session(portal: Portal) -> None:
    page = TestClient(portal.app).get("/account", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/?next=/account"


def test_account_page__tokens_made_shown_once_and_revoked(portal: Portal) -> None:
    ana = Person(portal, "ana")
    page = ana.client.get("/account")
    assert page.status_code == 200
    assert "Logged in as ana: director of acme (as ana)" in text(page)
    assert "Your account" in text(ana.client.get(PORTAL))  # linked from the portal
    made = ana.post("/account/tokens", label="minutes-bot")
    assert made.status_code == 200
    token = re.search(r'id="new-token">([^<]+)<', made.text)
    assert token is not None
    script = TestClient(portal.app)
    script.headers["Authorization"] = f"Bearer {token.group(1)}"
    assert script.get("/api/me").json()["username"] == "ana"
    listed = ana.client.get("/account")
    assert token.group(1) not in listed.text  # shown once
    (ident,) = [
        t["id"] for t in script.get("/api/tokens").json()["tokens"] if t["label"] == "minutes-bot"
    ]
    assert ident in listed.text
    assert ana.post(f"/account/tokens/{ident}/revoke").status_code == 200
    assert script.get("/api/me").status_code == 401
    again = ana.post(f"/account/tokens/{ident}/revoke")
    assert again.status_code == 404
    assert f"you have no API token '{ident}'" in text(again)
    forged = ana.client.post("/account/tokens", data={"label": "x", "csrf": "wrong"})
    assert forged.status_code == 403


def test_account_page__two_factor_set_up_and_required(portal: Portal) -> None:
    ben = Person(portal, "ben")
    started = ben.post("/account/totp", password=portal.passwords["ben"])
    secret = re.search(r'id="totp-secret">([^<]+)<', started.text)
    assert secret is not None
    # the QR code is the set-up link, module for module (segno draws the same path for it)
    link = re.search(r"or the link <code>([^<]+)</code>", started.text)
    assert link is not None
    uri = html.unescape(link.group(1))
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret.group(1)}" in uri
    drawn = re.search(r'<div class="qr"><svg[^>]*>.*?<path[^>]* d="([^"]+)"', started.text)
    assert drawn is not None
    assert drawn.group(1) in segno.make(uri, error="m").svg_inline(scale=5, border=4)
    wrong = "000000" if pyotp.TOTP(secret.group(1)).now() != "000000" else "111111"
    refused = ben.post("/account/totp/confirm", code=wrong)
    assert refused.status_code == 422
    confirmed = ben.post("/account/totp/confirm", code=pyotp.TOTP(secret.group(1)).now())
    assert confirmed.status_code == 200
    assert "Two-factor log-in is on" in text(confirmed)
    assert ben.client.get("/api/me").json()["totp_enabled"] is True


def test_account_page__password_changed_logs_every_session_out(portal: Portal) -> None:
    cleo = Person(portal, "cleo")
    wrong = cleo.post("/account/password", old="not it", new="a-new-password-123")
    assert wrong.status_code == 403
    assert "The old password is wrong." in text(wrong)
    short = cleo.post("/account/password", old=portal.passwords["cleo"], new="short")
    assert short.status_code == 422
    changed = cleo.post("/account/password", old=portal.passwords["cleo"], new=" spaced pass 12 ")
    assert changed.status_code == 200
    assert "Every session was logged out" in text(changed)
    assert cleo.client.get("/account", follow_redirects=False).status_code == 303
    relogin = form_login(TestClient(portal.app), "cleo", " spaced pass 12 ")  # spaces kept
    assert relogin.status_code == 303
    stripped = form_login(TestClient(portal.app), "cleo", "spaced pass 12")
    assert stripped.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/orgs/acme/portal?done=x",
        "/orgs/acme/timeline?at=2026-01-05",
        "/account",
        "/orgs/acme/audit",
    ],
)
def test_a_logged_out_link__leads_to_log_in_and_back(portal: Portal, path: str) -> None:
    """issue 15: a logged-out visit to any page link leads to the log-in page and back to that
    link afterwards, never raw JSON to a browser."""
    browser = TestClient(portal.app, headers={"Accept": "text/html,application/xhtml+xml"})
    first = browser.get(path, follow_redirects=False)
    assert first.status_code == 303
    login_page = browser.get(first.headers["location"])
    assert 'name="next"' in login_page.text
    logged = form_login_back(browser, "ana", portal.passwords["ana"], login_page.text)
    assert logged.status_code == 303
    assert logged.headers["location"] == path


def form_login_back(client: TestClient, username: str, password: str, page: str) -> Any:
    token = re.search(r'name="login_csrf" value="([^"]+)"', page)
    back = re.search(r'name="next" value="([^"]*)"', page)
    assert token is not None
    assert back is not None
    data = {
        "username": username,
        "password": password,
        "login_csrf": token.group(1),
        "next": html.unescape(back.group(1)),
    }
    return client.post("/login", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    "evil", ["//evil.example/x", "https://evil.example", "/\\evil.example", "/a\r\nSet-Cookie: x=1"]
)
def test_log_in__never_sends_a_browser_to_another_site(portal: Portal, evil: str) -> None:
    browser = TestClient(portal.app)
    page = browser.get("/", params={"next": evil})
    logged = form_login_back(browser, "ana", portal.passwords["ana"], page.text)
    assert logged.headers["location"] == "/"


def test_every_page__carries_a_log_out_button_that_logs_out(portal: Portal) -> None:
    ana = Person(portal, "ana")
    for path in ("/orgs/acme/timeline", PORTAL, AUDIT, "/account", "/orgs/acme/structure"):
        page = ana.client.get(path)
        assert 'action="/logout"' in page.text, path
    out = ana.client.post("/logout", data={"csrf": ana.csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert ana.client.get("/api/me").status_code == 401


def test_votes__no_choice_preselected_and_only_the_one_presiding_sees_close(
    portal: Portal,
) -> None:
    """issue 15: a vote has no preselected choice; closing is for the chair or secretary."""
    portal.meeting()
    portal.motion()
    ben = Person(portal, "ben")
    page = ben.client.get(PORTAL).text
    block = page[page.index('id="motion-mo1"') :]
    block = block[: block.index("</article>")]
    assert 'name="vote"' in block
    assert "checked" not in block
    assert "Close the vote" not in block  # ben is a director, not the chair
    refused = portal.post("ben", "/api/orgs/acme/motions/mo1/close", {"confirm": True})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not-presiding"
    chair = Person(portal, "ana").client.get(PORTAL).text
    assert "Close the vote on mo1" in chair
    assert 'class="danger"' in chair


def test_forms__objection_interest_resignation_announcement_as_the_api_records_them(
    portal: Portal,
) -> None:
    """issue 15: what was API-only has a form; each records the event the API would."""
    portal.meeting()
    portal.motion()
    ben = Person(portal, "ben")
    page = ben.client.get(PORTAL).text
    for action in ("/meetings/m1/objections", "/interests", "/resignations"):
        assert f'action="{PORTAL}{action}"' in page, action
    assert f'action="{PORTAL}/announcements"' not in page  # a director does not announce
    assert (
        "Recorded: Object to m1" in ben.submit(f"{PORTAL}/meetings/m1/objections", reason="x").text
    )
    interest = ben.submit(f"{PORTAL}/interests", motion="mo1", matter="Frank is my brother")
    assert "Recorded: Declare an interest" in interest.text
    gone = ben.submit(f"{PORTAL}/resignations", positions="director")
    assert "Recorded: Resign" in gone.text
    sec = Person(portal, "sec")
    said = sec.submit(f"{PORTAL}/announcements", text="the minutes are out")
    assert "Recorded: Announce" in said.text
    journal = portal.as_("obs").get("/api/orgs/acme/journal").text
    for kind in ("objection", "interest", "resignation", "announcement"):
        assert f"kind: {kind}" in journal, kind
    assert "Frank is my brother" in journal
    assert "the minutes are out" in journal
    empty = ben.post(f"{PORTAL}/resignations")  # no position ticked: the API's own 422
    assert empty.status_code == 422


def test_inbox__what_waits_for_a_director_on_log_in(portal: Portal) -> None:
    """issue 15: on log-in a director sees meetings to attend, motions to vote on, consents to
    sign; done items leave the list."""
    portal.meeting(present=("ana", "ben", "cleo"))
    portal.motion()
    circulated = portal.post(
        "sec",
        "/api/orgs/acme/consents",
        {"consent": "c1", "acts": [{"act": "appoint-officer",
                                    "subject": {"person": "eve", "office": "cfo"}}]},
    )  # fmt: skip
    assert circulated.status_code == 201, circulated.json()
    inbox = portal.as_("dan").get("/api/orgs/acme/inbox").json()
    assert [(t["kind"], t["id"]) for t in inbox["todo"]] == [
        ("attend", "m1"),
        ("vote", "mo1"),
        ("sign", "c1"),
    ]
    assert inbox["todo"][1]["what"] == "remove-officer Frank as ceo"
    home = Person(portal, "dan").client.get("/").text
    assert "Waiting for you in acme" in home
    assert 'href="/orgs/acme/portal#motion-mo1"' in home
    ana = portal.as_("ana").get("/api/orgs/acme/inbox").json()  # present at m1: no "attend"
    assert [t["kind"] for t in ana["todo"]] == ["vote", "sign"]
    assert portal.post("ana", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"}).is_success
    signed = portal.post(
        "ana",
        "/api/orgs/acme/consents/c1/signatures",
        {"confirm": True, "password": portal.passwords["ana"]},
    )
    assert signed.is_success, signed.json()
    assert portal.as_("ana").get("/api/orgs/acme/inbox").json()["todo"] == []
    assert portal.as_("obs").get("/api/orgs/acme/inbox").json()["todo"] == []  # no person
