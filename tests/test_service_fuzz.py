"""Every route, as every role, with hostile values (issue 11, "Done when"): no answer is a 500
and none takes more than a second.

The routes are read from the app itself (API routes, the pages' and the portal's routers), so a
route added later is fuzzed without touching this file.  Values mix the plausible (the ids of
the small case, so that requests reach the decisions behind validation) with the hostile: huge
and non-finite numbers, lone surrogates, path traversal, markup, CR/LF, very long strings,
wrong types.  Hypothesis runs derandomized, so a failure reproduces."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service_support import Portal, form_login, make_portal

ROLES = ("anonymous", "obs", "ana", "sec", "adm")
FORM_FIELDS = (
    "act", "at", "channel", "code", "confirm", "consent", "description", "label", "meeting",
    "motion", "new", "office", "old", "password", "person", "present", "purpose",
    "purpose_stated", "seats", "totp", "type", "username", "vote", "text", "to", "reason",
)  # fmt: skip
HOSTILE = (
    "1e999999", "-1e999999", "1e30000000", "NaN", "Infinity", "-0", "0" * 500, "9" * 5000,
    "../../etc/passwd", "/etc/shadow", "..%2F..%2Fcharter.db", "charter.db", "<script>x</script>",
    "a\r\nSet-Cookie: x=1", "x" * 3000, "", " ", "\x00", "\u202e", "ana\x00", "%ED%A0%80",
    "0001-01-01T00:00:00", "9999-12-31T23:59:59", "2026-13-45", "ana,ben", "a@b.c, d@e.f",
)  # fmt: skip
PLAUSIBLE = (
    "acme", "globex", "m1", "mo1", "c1", "ana", "ben", "frank", "ceo", "for", "against",
    "special", "regular", "email", "phone", "remove-officer", "elect-director", "true",
    "2026-02-02T10:00:00Z", "2026-02-02", "delaware-nonstock", "de-facto", "observer",
)  # fmt: skip
clean_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
word = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(HOSTILE), clean_text)
scalar = st.one_of(
    word,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(FORM_FIELDS), inner, max_size=3),
    ),
    max_leaves=6,
)


def routes(app: Any) -> Iterator[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(method, path, query parameters, body fields) of every route the app serves."""
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            for sub in inner.routes:
                yield from _described(sub)
        else:
            yield from _described(route)


def _described(route: Any) -> Iterator[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    if not hasattr(route, "methods") or route.path.startswith(("/docs", "/redoc", "/static")):
        return
    query = (
        tuple(p.name for p in route.dependant.query_params) if hasattr(route, "dependant") else ()
    )
    fields: tuple[str, ...] = ()
    body = getattr(route, "body_field", None)
    if isinstance(route, APIRoute) and body is not None:
        model = body.field_info.annotation
        fields = tuple(getattr(model, "model_fields", {}) or ())
    for method in sorted(route.methods - {"HEAD"}):
        yield method, route.path, query, fields


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    portal = make_portal(tmp_path_factory.mktemp("fuzz"))
    portal.meeting()
    portal.motion()
    return portal


@pytest.fixture(scope="module")
def sessions(portal: Portal) -> dict[str, tuple[TestClient, str]]:
    """A browser-like session per role (cookie and CSRF token); anonymous has none."""
    found: dict[str, tuple[TestClient, str]] = {}
    for role in ROLES:
        client = TestClient(portal.app, raise_server_exceptions=False)
        csrf = ""
        if role != "anonymous":
            assert form_login(client, role, portal.passwords[role]).status_code == 303
            csrf = client.get("/api/me").json()["csrf_token"]
        found[role] = (client, csrf)
    return found


def _all_routes() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    import tempfile

    return sorted(set(routes(make_portal(Path(tempfile.mkdtemp(prefix="fuzz-routes-"))).app)))


ROUTES = _all_routes()


def test_fuzz__the_app_serves_the_routes_we_expect_to_fuzz() -> None:
    paths = {path for _, path, _, _ in ROUTES}
    assert len(ROUTES) >= 60
    assert {"/api/login", "/orgs/{org}/money", "/orgs/{org}/portal/consents", "/login"} <= paths


@pytest.mark.parametrize(("method", "path", "query", "fields"), ROUTES, ids=lambda v: str(v))
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz__no_500_and_no_stall(
    sessions: dict[str, tuple[TestClient, str]],
    method: str,
    path: str,
    query: tuple[str, ...],
    fields: tuple[str, ...],
    data: st.DataObject,
) -> None:
    role = data.draw(st.sampled_from(ROLES), label="role")
    client, csrf = sessions[role]
    url = path
    for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
        value = data.draw(word, label=name)
        url = url.replace("{" + name + "}", quote(value, safe="%") or "x")
    params = {q: data.draw(word, label=q) for q in query if data.draw(st.booleans())}
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    if method in ("POST", "DELETE") and url.startswith("/api/"):
        body = {f: data.draw(json_value, label=f) for f in fields if data.draw(st.booleans())}
        raw = json.dumps(body, allow_nan=True)
        if data.draw(st.booleans(), label="lone surrogate"):
            raw = raw.replace("}", ', "text": "\\ud800"}', 1) if body else '{"text": "\\udfff"}'
        kwargs["content"] = raw.encode()
        kwargs["headers"] = headers | {"content-type": "application/json"}
    elif method == "POST":
        form = {f: data.draw(word, label=f) for f in FORM_FIELDS if data.draw(st.booleans())}
        form["csrf"] = csrf if data.draw(st.booleans()) else data.draw(word)
        kwargs["data"] = form
    started = time.perf_counter()
    answer = client.request(method, url, follow_redirects=False, **kwargs)
    elapsed = time.perf_counter() - started
    assert answer.status_code < 500 or answer.status_code in (502, 503), (
        f"{method} {url} as {role}: {answer.status_code} {answer.text[:300]}"
    )
    assert elapsed < 1.0, f"{method} {url} as {role} took {elapsed:.2f} s"
