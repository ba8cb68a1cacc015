"""The service's edges (issue 11, items 14 and 15): security headers on every response, a time
out of range or a lone surrogate answered 422/400 (never 500), organisation names fit for URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charter.load.case import load_case
from charter.store.db import EventStore
from charter.store.journal_io import import_case, org_name_problem
from charter.web import DirectoryCaseSource, create_app
from service_support import Portal, make_portal, write_case

CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    return make_portal(tmp_path_factory.mktemp("edges"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/orgs",
        "/orgs/acme/timeline",
        "/orgs/acme/portal",
        "/account",
        "/api/orgs/acme/state",
        "/no-such-page",
        "/openapi.json",
    ],
)
def test_headers__every_response_carries_them(portal: Portal, path: str) -> None:
    r = portal.as_("sec").get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp  # no inline script, no other origin
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


def test_headers__the_pages_alone_carry_them_too() -> None:
    r = TestClient(create_app(DirectoryCaseSource([CASE]))).get("/orgs/openai-2023/timeline")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_headers__the_pages_hold_no_inline_script(portal: Portal) -> None:
    for path in ("/orgs/acme/timeline", "/orgs/acme/portal", "/orgs/acme/structure", "/"):
        page = portal.as_("sec").get(path).text
        for tag in page.split("<script")[1:]:
            assert tag.split(">", 1)[0].strip().startswith("src="), tag[:80]


@pytest.mark.parametrize("at", ["0001-01-01", "9999-12-31T23:59", "1899-12-31", "3000-01-01"])
@pytest.mark.parametrize("page", ["timeline", "power", "structure"])
def test_pages__a_time_out_of_range_is_a_400_saying_so(portal: Portal, page: str, at: str) -> None:
    r = portal.as_("sec").get(f"/orgs/acme/{page}", params={"at": at})
    assert r.status_code == 400
    assert "out of range: a time between 1900 and 2999" in r.text


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_api__a_time_out_of_range_is_422(portal: Portal, at: str) -> None:
    r = portal.as_("sec").get("/api/orgs/acme/state", params={"at": at})
    assert r.status_code == 422


@pytest.mark.parametrize("raw", [b'{"text": "\\ud800"}', b'{"text": "a\\udfffb"}'])
def test_api__a_lone_surrogate_is_422(portal: Portal, raw: bytes) -> None:
    r = portal.as_("sec").post(
        "/api/orgs/acme/announcements", content=raw, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422


@pytest.mark.parametrize("name", ["a/b", "../x", "a b", "<b>", "a\nb", "x" * 81, ".hidden"])
def test_org_names__unfit_for_urls_are_refused_at_import(tmp_path: Path, name: str) -> None:
    case, _ = load_case(write_case(tmp_path / "acme"))
    assert case is not None
    store = EventStore.open(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ValueError, match="is not 1-80 letters"):
        import_case(store, case, name)
    assert store.orgs() == []


@pytest.mark.parametrize("name", ["acme", "openai-2023", "a.b_c-d", "x" * 80])
def test_org_names__the_rule_of_ids(name: str) -> None:
    assert org_name_problem(name) is None
