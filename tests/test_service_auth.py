"""Log-in, sessions with CSRF, API tokens, two-factor codes and rate-limited attempts."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from service_support import Portal, form_login, make_portal


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def _next_code(secret: str) -> str:
    """A code of the step after the one confirmed at set-up (each code logs in once)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(int(time.time() // totp.interval) + 1)


def _login(client: TestClient, username: str, password: str, **extra: str) -> object:
    return client.post("/api/login", json={"username": username, "password": password, **extra})


def test_login__sets_an_httponly_samesite_cookie_and_returns_a_csrf_token(portal: Portal) -> None:
    client = TestClient(portal.app)
    response = _login(client, "ana", portal.passwords["ana"])
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("charter_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert response.json()["account"]["memberships"] == [
        {"org": "acme", "role": "director", "person": "ana"}
    ]
    assert client.get("/api/me").json()["username"] == "ana"


def test_login__wrong_password_is_401_and_says_no_more(portal: Portal) -> None:
    client = TestClient(portal.app)
    for username in ("ana", "nobody"):
        response = _login(client, username, "wrong")
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "wrong username, password or two-factor code"


def test_session__writes_need_the_csrf_header(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = _login(client, "sec", portal.passwords["sec"]).json()["csrf_token"]
    body = {"text": "hello"}
    missing = client.post("/api/orgs/acme/announcements", json=body)
    assert missing.status_code == 403
    assert missing.json()["error"]["message"] == (
        "missing or wrong X-CSRF-Token header (from the log-in response)"
    )
    wrong = client.post("/api/orgs/acme/announcements", json=body, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    right = client.post("/api/orgs/acme/announcements", json=body, headers={"X-CSRF-Token": csrf})
    assert right.status_code == 201
    assert client.get("/api/orgs/acme/state").status_code == 200  # reads need no CSRF token


def test_logout__ends_the_session(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = _login(client, "ana", portal.passwords["ana"]).json()["csrf_token"]
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_unauthenticated__is_401(portal: Portal) -> None:
    client = TestClient(portal.app)
    response = client.get("/api/orgs/acme/state")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == ("log in first (POST /api/login) or send a token")
    bad = client.get("/api/orgs", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["message"] == "unknown or revoked API token"
    basic = client.get("/api/orgs", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_api_token__for_scripts_needs_no_csrf(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = _login(client, "sec", portal.passwords["sec"]).json()["csrf_token"]
    token = client.post("/api/tokens", json={"label": "cron"}, headers={"X-CSRF-Token": csrf})
    assert token.status_code == 201
    script = TestClient(portal.app)
    script.headers["Authorization"] = f"Bearer {token.json()['token']}"
    assert script.post("/api/orgs/acme/announcements", json={"text": "x"}).status_code == 201
    assert script.get("/api/orgs").json() == {"orgs": ["acme"]}


def test_login__rate_limited_after_five_failures_per_minute(portal: Portal) -> None:
    client = TestClient(portal.app)
    for _ in range(5):
        assert _login(client, "ben", "wrong").status_code == 401
    limited = _login(client, "ben", portal.passwords["ben"])
    assert limited.status_code == 429
    assert limited.json()["error"]["message"].startswith("too many failed log-ins: try again in")
    assert _login(client, "cleo", portal.passwords["cleo"]).status_code == 200  # per username


def test_totp__once_enabled_the_code_is_required(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = _login(client, "dan", portal.passwords["dan"]).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    started = client.post(
        "/api/me/totp", json={"password": portal.passwords["dan"]}, headers=headers
    )
    secret = started.json()["secret"]
    wrong = client.post("/api/me/totp/confirm", json={"code": "000000"}, headers=headers)
    if pyotp.TOTP(secret).now() != "000000":
        assert wrong.status_code == 422
    code = pyotp.TOTP(secret).now()
    assert (
        client.post("/api/me/totp/confirm", json={"code": code}, headers=headers).status_code == 200
    )
    fresh = TestClient(portal.app)
    without = _login(fresh, "dan", portal.passwords["dan"])
    assert without.status_code == 401
    # the same answer as any other failure: it does not tell which accounts have a second factor
    assert without.json()["error"]["message"] == "wrong username, password or two-factor code"
    with_code = _login(fresh, "dan", portal.passwords["dan"], totp=_next_code(secret))
    assert with_code.status_code == 200


def test_password_change__logs_out_every_session(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = _login(client, "eve", portal.passwords["eve"]).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    wrong = client.post(
        "/api/me/password", json={"old": "x", "new": "a-long-new-password"}, headers=headers
    )
    assert wrong.status_code == 403
    body = {"old": portal.passwords["eve"], "new": "a-long-new-password"}
    assert client.post("/api/me/password", json=body, headers=headers).status_code == 200
    assert client.get("/api/me").status_code == 401
    assert _login(client, "eve", "a-long-new-password").status_code == 200


def test_html_login_form__logs_in_and_lists_the_organisations(portal: Portal) -> None:
    client = TestClient(portal.app)
    page = client.get("/")
    assert page.status_code == 200
    assert 'method="post" action="/login">' in page.text
    bad = form_login(client, "ana", "wrong")
    assert bad.status_code == 401
    assert "wrong username, password or two-factor code" in bad.text
    ok = form_login(client, "ana", portal.passwords["ana"])
    assert ok.status_code == 303
    ok = client.get("/")
    assert "Logged in as <strong>ana</strong>" in ok.text
    assert "/api/orgs/acme/acts" in ok.text


def test_admin__creates_accounts_in_their_organisation_only(portal: Portal) -> None:
    created = portal.post("adm", "/api/orgs/acme/accounts", {"username": "zoe", "role": "observer"})
    assert created.status_code == 201
    assert len(created.json()["one_time_password"]) == 19
    assert (
        portal.post(
            "adm", "/api/orgs/acme/accounts", {"username": "zoe", "role": "observer"}
        ).status_code
        == 409
    )
    elsewhere = portal.post(
        "adm", "/api/orgs/globex/accounts", {"username": "y", "role": "observer"}
    )
    assert elsewhere.status_code == 403
    by_secretary = portal.post(
        "sec", "/api/orgs/acme/accounts", {"username": "y", "role": "observer"}
    )
    assert by_secretary.status_code == 403
    ghost = portal.post(
        "adm", "/api/orgs/acme/accounts", {"username": "y", "role": "director", "person": "zed"}
    )
    assert ghost.status_code == 422


def test_web_pages__need_a_log_in_and_a_role_in_the_organisation(portal: Portal) -> None:
    anonymous = TestClient(portal.app)
    assert anonymous.get("/orgs/acme/timeline").status_code == 401
    assert portal.as_("gil").get("/orgs/acme/timeline").status_code == 403
    page = portal.as_("obs").get("/orgs/acme/timeline")
    assert page.status_code == 200
    assert "/orgs/acme/structure" in page.text  # the navigation of the mounted pages
    assert portal.as_("obs").get("/orgs/nope/timeline").status_code == 403


def test_api_tokens__listed_and_revoked_by_their_owner(portal: Portal) -> None:
    client = TestClient(portal.app)
    csrf = {"X-CSRF-Token": _login(client, "sec", portal.passwords["sec"]).json()["csrf_token"]}
    made = [client.post("/api/tokens", json={"label": lbl}, headers=csrf) for lbl in ("a", "b")]
    assert [m.status_code for m in made] == [201, 201]
    ids = [m.json()["id"] for m in made]
    listed = client.get("/api/tokens").json()["tokens"]
    mine = [t for t in listed if t["id"] in ids]
    assert [(t["label"], t["id"]) for t in mine] == [("a", ids[0]), ("b", ids[1])]
    assert all("token" not in t for t in listed)  # never shown again
    script = TestClient(portal.app)
    script.headers["Authorization"] = f"Bearer {made[0].json()['token']}"
    assert script.get("/api/orgs").status_code == 200  # resolved, and now cached

    # another account cannot see or revoke it
    other = TestClient(portal.app)
    _login(other, "ana", portal.passwords["ana"])
    other_csrf = {"X-CSRF-Token": other.get("/api/me").json()["csrf_token"]}
    assert ids[0] not in {t["id"] for t in other.get("/api/tokens").json()["tokens"]}
    refused = other.delete(f"/api/tokens/{ids[0]}", headers=other_csrf)
    assert refused.status_code == 404, refused.json()
    assert script.get("/api/orgs").status_code == 200

    # a session must send its CSRF token to revoke; a malformed id is 422
    assert client.delete(f"/api/tokens/{ids[0]}").status_code == 403
    assert client.delete("/api/tokens/not-an-id", headers=csrf).status_code == 422

    revoked = client.delete(f"/api/tokens/{ids[0]}", headers=csrf)
    assert revoked.status_code == 200
    assert revoked.json() == {"revoked": ids[0]}
    gone = script.get("/api/orgs")
    assert gone.status_code == 401  # at once, although the token was cached
    assert gone.json()["error"]["message"] == "unknown or revoked API token"
    assert client.delete(f"/api/tokens/{ids[0]}", headers=csrf).status_code == 404  # once
    left = [t["id"] for t in client.get("/api/tokens").json()["tokens"]]
    assert ids[0] not in left
    assert ids[1] in left
    # a token revokes another of its account's tokens, without CSRF
    second = TestClient(portal.app)
    second.headers["Authorization"] = f"Bearer {made[1].json()['token']}"
    assert second.delete(f"/api/tokens/{ids[1]}").status_code == 200
    assert second.get("/api/orgs").status_code == 401
