"""The vote endpoint's hot handler answers every request exactly as FastAPI's general handler
does: the same requests, good and bad, go to two portals that differ only in the handler, and
the answers (status and JSON, errors included) must be equal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.service.app import CompactJSONResponse
from charter.service.schemas import CastVote
from service_support import Portal, make_portal

VOTES = "/api/orgs/acme/motions/mo1/votes"
JSON = {"Content-Type": "application/json"}

# (who, path, body bytes or None for no body, extra headers)
REQUESTS: list[tuple[str | None, str, bytes | None, dict[str, str]]] = [
    (None, VOTES, b'{"vote": "for"}', JSON),  # no credentials
    ("bad-token", VOTES, b'{"vote": "for"}', JSON),
    ("ana", VOTES, b'{"vote": "for"', JSON),  # not JSON
    ("ana", VOTES, b'{"vote": "for", "colour": "red"}', JSON),  # unknown field
    ("ana", VOTES, b'{"vote": "maybe"}', JSON),  # not a vote
    ("ana", VOTES, b'{"vote": "for", "confirm": "perhaps"}', JSON),
    ("ana", VOTES, b"[1, 2]", JSON),  # not an object
    ("ana", VOTES, b"\x80", JSON),  # not UTF-8: 400, as FastAPI answers it
    ("ana", VOTES, b"\x00\x00\x00\x00\x00", JSON),  # not text in any encoding JSON allows
    ("ana", VOTES, None, JSON),  # no body
    ("ana", VOTES, b'{"vote": "for"}', {}),  # no content type: not parsed as JSON
    ("ana", VOTES, b'{"vote": "for"}', {"Content-Type": "text/plain"}),
    ("ana", VOTES, b'{"vote": "for"}', {"Content-Type": "application/vnd.x+json"}),
    ("ana", "/api/orgs/acme/motions/bad%20id!/votes", b'{"vote": "for"}', JSON),
    ("ana", "/api/orgs/acme/motions/bad%20id!/votes", b'{"vote": 3}', JSON),  # both wrong
    ("ana", "/api/orgs/" + "x" * 201 + "/motions/mo1/votes", b'{"vote": "for"}', JSON),
    ("obs", VOTES, b'{"vote": "for"}', JSON),  # an observer: read-only
    ("sec", VOTES, b'{"vote": "for"}', JSON),  # a secretary is no director
    ("gil", VOTES, b'{"vote": "for"}', JSON),  # a director of another organisation
    ("ana", "/api/orgs/acme/motions/nope/votes", b'{"vote": "for"}', JSON),
    ("ana", VOTES, b'{"vote": "for"}', JSON),  # voted already (by the "+json" request)
    ("ana", VOTES, b'{"vote": "against"}', JSON),  # a second vote
    ("ben", VOTES, b'{"vote": "against", "confirm": true}', JSON),
    ("frank", VOTES, b'{"vote": "for"}', JSON),  # not a director
]


def _portal(tmp_path: Path, hot: bool) -> Portal:
    portal = make_portal(tmp_path / ("hot" if hot else "general"), hot_votes=hot)
    portal.meeting()
    portal.motion()
    return portal


def _answers(portal: Portal) -> list[tuple[int, Any]]:
    client = TestClient(portal.app)
    out = []
    for who, path, body, headers in REQUESTS:
        sent = dict(headers)
        if who is not None:
            sent["Authorization"] = f"Bearer {portal.tokens.get(who, who)}"
        response = client.post(path, content=body, headers=sent)
        out.append((response.status_code, response.json()))
    return out


def test_the_hot_handler_answers_as_fastapi_does(tmp_path: Path) -> None:
    hot, general = _answers(_portal(tmp_path, True)), _answers(_portal(tmp_path, False))
    for request, mine, theirs in zip(REQUESTS, hot, general, strict=True):
        assert mine == theirs, request
    # and the cases are what their comments say
    assert [status for status, _ in hot] == [
        *(401, 401),
        *(422,) * 5,
        *(400, 400),
        *(422,) * 3,
        201,  # a "+json" media type is JSON: ana's vote is recorded here
        *(422, 422, 422),
        *(403, 403, 403),
        404,
        *(409, 409),  # ana has voted already
        201,
        403,
    ]


@pytest.mark.parametrize("hot", [True, False])
def test_the_vote_is_documented_either_way(tmp_path: Path, hot: bool) -> None:
    portal = make_portal(tmp_path, hot_votes=hot)
    operation = (
        TestClient(portal.app)
        .get("/openapi.json")
        .json()["paths"][VOTES.replace("acme", "{org}").replace("mo1", "{motion}")]["post"]
    )
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CastVote"
    )
    assert {p["name"] for p in operation["parameters"]} == {"org", "motion"}


def test_votes_are_matched_first_and_documented_in_place(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    first = portal.app.router.routes[0]
    assert first.path == "/api/orgs/{org}/motions/{motion}/votes"
    paths = list(TestClient(portal.app).get("/openapi.json").json()["paths"])
    assert paths.index("/api/login") < paths.index(first.path)  # the schema keeps its order
    assert paths.index("/api/orgs/{org}/meetings/{meeting}/motions") < paths.index(first.path)


def test_an_oversized_vote_is_413_either_way(tmp_path: Path) -> None:
    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 4096

    for hot in (True, False):
        portal = _portal(tmp_path / str(hot), hot)
        headers = JSON | {"Authorization": f"Bearer {portal.tokens['ana']}"}
        client = TestClient(portal.app)
        streamed = client.post(VOTES, content=chunks(), headers=headers)
        declared = client.post(VOTES, content=b"x" * 70_000, headers=headers)
        assert (streamed.status_code, declared.status_code) == (413, 413), hot
        assert streamed.json()["error"]["message"] == "the request body is larger than 65536 bytes"


_VALUES = st.one_of(
    st.sampled_from(["for", "against", "abstain", "recused", "FOR", "true", "yes", "1", "off"]),
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(-2, 2, allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


def _validated(parse: Any) -> Any:
    try:
        return parse()
    except ValueError:
        return "refused"


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(st.sampled_from(["vote", "confirm", "colour"]), _VALUES))
def test_the_json_shortcut_accepts_exactly_what_the_general_path_accepts(
    body: dict[str, Any],
) -> None:
    """The hot handler validates a JSON body with pydantic's JSON parser in one step and falls
    back to FastAPI's two steps (json.loads, then the model) only to word a refusal: the two
    must accept the same bodies, as the same values."""
    raw = json.dumps(body).encode()
    fast = _validated(lambda: CastVote.model_validate_json(raw))
    general = _validated(lambda: CastVote.model_validate(json.loads(raw), from_attributes=True))
    assert fast == general


def test_a_vote_is_answered_in_the_bytes_starlette_would_send(tmp_path: Path) -> None:
    portal = _portal(tmp_path, True)
    response = TestClient(portal.app).post(
        VOTES,
        json={"vote": "for"},
        headers={"Authorization": f"Bearer {portal.tokens['ana']}"},
    )
    assert response.status_code == 201
    answer = response.json()
    assert answer["provisional_verdicts"][0]["checks"]  # the verdict is in the answer
    extra = {"text": "Zoë — naïve \u2028", "n": [1, True, None, -3]}
    for data in (answer, extra):
        assert CompactJSONResponse(data).body == JSONResponse(data).body
