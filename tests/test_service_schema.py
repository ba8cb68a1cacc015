"""Schemathesis over the OpenAPI schema, in-process against the ASGI app: no input the schema
admits (or nearly admits) makes the server fail; bad JSON, oversized bodies and unknown fields
get a 4xx with a message."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from service_support import Portal, make_portal


def _portal() -> Portal:
    # schemathesis parametrizes at collection time, so the app exists before any fixture
    portal = make_portal(Path(tempfile.mkdtemp(prefix="charter-schema-")))
    portal.meeting()
    portal.motion()
    return portal


PORTAL = _portal()
schema = schemathesis.openapi.from_asgi("/openapi.json", PORTAL.app)


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    yield PORTAL
    PORTAL.store.close()
    shutil.rmtree(PORTAL.store.engine.url.database.rsplit("/", 1)[0], ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_schemathesis__no_server_error(case: Any, portal: Portal) -> None:
    for user in ("ana", "sec"):
        response = case.call(headers={"Authorization": f"Bearer {portal.tokens[user]}"})
        assert response.status_code < 500, (case.method, case.path, response.text)
        if response.status_code >= 400:
            assert response.json()["error"]["message"]


def test_bad_json__is_422_with_a_message(portal: Portal) -> None:
    client = portal.as_("sec")
    response = client.post(
        "/api/orgs/acme/announcements",
        content=b'{"text": "unterminated',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("body.")
    assert "JSON decode error" in response.json()["error"]["message"]


def test_oversized_body__is_413(portal: Portal) -> None:
    client = portal.as_("sec")
    response = client.post("/api/orgs/acme/announcements", json={"text": "x" * 70_000})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == ("the request body is larger than 65536 bytes")

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 4096

    streamed = client.post(
        "/api/orgs/acme/announcements",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413


def test_unknown_fields__are_422_naming_the_field(portal: Portal) -> None:
    response = portal.post("sec", "/api/orgs/acme/announcements", {"text": "x", "colour": "red"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "body.colour: Extra inputs are not permitted"


def test_openapi_schema__lists_the_operations(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    paths = TestClient(portal.app).get("/openapi.json").json()["paths"]
    assert "/api/orgs/{org}/motions/{motion}/votes" in paths
    assert "/api/login" in paths
