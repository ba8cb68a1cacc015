"""OpenTelemetry is off unless the deployment asks for it (``charter serve --telemetry``): then
FastAPI's native telemetry traces each request through the process's tracer provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace

from service_support import make_portal


class _Tracer(trace.Tracer):
    def __init__(self, spans: list[str]) -> None:
        self.spans = spans

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        self.spans.append(name)
        return trace.INVALID_SPAN

    def start_as_current_span(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self.spans.append(name)
        return trace.NoOpTracer().start_as_current_span(name, *args, **kwargs)


class _Provider(trace.TracerProvider):
    """A configured provider (not the API's deferred proxy) that records the spans started."""

    def __init__(self) -> None:
        self.spans: list[str] = []

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        return _Tracer(self.spans)


@pytest.mark.parametrize("telemetry", [False, True])
def test_requests_are_traced_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, telemetry: bool
) -> None:
    provider = _Provider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    portal = make_portal(tmp_path, telemetry=telemetry)
    client = TestClient(portal.app)
    headers = {"Authorization": f"Bearer {portal.tokens['ana']}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    assert client.post(
        "/api/orgs/acme/motions/none/votes", json={"vote": "for"}, headers=headers
    ).status_code in (404, 409)
    if telemetry:
        assert [s for s in provider.spans if s in ("GET", "POST")] == ["GET", "POST"]
    else:
        assert provider.spans == []
