"""The board's record holds what its users did, and only that (issue 11, items 6-9 and the
portal's meeting ids of 14): each account sees only its organisations; a person has one account
per organisation and every record names the account that made it; a vote that would not count
is refused; a record the log cannot hold is refused before it is queued, and one record the
database refuses does not take the honest records committed beside it down with it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from charter.service import schemas
from charter.service.accounts import memberships
from charter.service.board import Board
from charter.service.errors import Refused
from service_support import (
    DIRECTORS,
    Portal,
    ThreadedServer,
    board_of,
    form_login,
    make_portal,
)

API = "/api/orgs/acme"
PORTAL = "/orgs/acme/portal"


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return make_portal(tmp_path)


def records(portal: Portal, org: str = "acme") -> list[dict[str, Any]]:
    return [e.event for e in portal.store.iter_events(org)]


def size(portal: Portal) -> int:
    return portal.store.tree_head("acme").size


class Browser:
    """A session from the log-in form, with its CSRF token (as tests/test_portal_http.py)."""

    def __init__(self, portal: Portal, username: str) -> None:
        self.client = TestClient(portal.app)
        login = form_login(self.client, username, portal.passwords[username])
        assert login.status_code == 303
        self.csrf = self.client.get("/api/me").json()["csrf_token"]

    def post(self, path: str, **data: Any) -> httpx.Response:
        return self.client.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)


# -- item 6: /orgs lists one's own organisations -------------------------------------------------


def test_orgs__the_api_and_the_page_list_only_the_accounts_organisations(portal: Portal) -> None:
    portal.add("both", "acme", "observer")
    portal.add("both", "globex", "observer")
    for username, mine in (("gil", ["globex"]), ("ana", ["acme"]), ("both", ["acme", "globex"])):
        assert portal.as_(username).get("/api/orgs").json() == {"orgs": mine}
        page = portal.as_(username).get("/orgs")
        assert page.status_code == 200
        for org in ("acme", "globex"):
            listed = f"/orgs/{org}/" in page.text
            assert listed == (org in mine), (username, org)


# -- item 7: one person, one account; every record names its account ------------------------------


def test_accounts__a_second_account_for_a_person_is_refused(portal: Portal) -> None:
    for username, person in (("ana2", "ana"), ("frank-again", "frank")):
        made = portal.post(
            "adm", f"{API}/accounts", {"username": username, "role": "director", "person": person}
        )
        assert made.status_code == 409, made.json()
        assert made.json()["error"]["code"] == "one-account-per-person"
        assert f"{person} already has an account in 'acme'" in made.json()["error"]["message"]
        assert portal.app.state.accounts.by_username(username) is None  # no orphan account
    # an existing account given the same person's director role: refused too
    portal.add("helper", "acme", "observer")
    granted = portal.post(
        "adm", f"{API}/accounts", {"username": "helper", "role": "director", "person": "ben"}
    )
    assert granted.status_code == 409
    # the same person may have an account in another organisation (gil is ana in globex)
    other = portal.post(
        "adm", f"{API}/accounts", {"username": "nobody", "role": "director", "person": "nope"}
    )
    assert other.status_code == 422  # an unknown person, not a conflict


def test_accounts__the_database_refuses_a_second_link_whoever_writes_it(portal: Portal) -> None:
    accounts = portal.app.state.accounts
    extra, _ = accounts.create("sneaky", "pw-sneaky-0123456789")
    with pytest.raises(sa.exc.IntegrityError), accounts.engine.begin() as connection:
        connection.execute(
            memberships.insert().values(
                account_id=extra.id, org="acme", role="director", person="ana"
            )
        )
    # roles without a person are not limited (several secretaries, observers...)
    with accounts.engine.begin() as connection:
        connection.execute(
            memberships.insert().values(account_id=extra.id, org="acme", role="observer")
        )


def test_accounts__an_admin_transfers_a_person_and_the_log_says_so(portal: Portal) -> None:
    portal.add("ana-new", "acme", "observer")
    path = f"{API}/people/ana/transfer"
    assert portal.post("sec", path, {"to": "ana-new"}).status_code == 403  # admins only
    assert portal.post("adm", path, {"to": "ben"}).json()["error"]["code"] == "conflict"
    assert portal.post("adm", path, {"to": "ghost"}).status_code == 409
    before = size(portal)
    moved = portal.post("adm", path, {"to": "ana-new"})
    assert moved.status_code == 201, moved.json()
    assert moved.json() | {"recorded": []} == {
        "recorded": [],
        "person": "ana",
        "from": "ana",
        "to": "ana-new",
    }
    logged = records(portal)[before:]
    assert len(logged) == 1
    assert logged[0]["op"] == "account-transferred"
    assert logged[0] | {"at": "", "account_id": 0} == {
        "type": "service",
        "op": "account-transferred",
        "person": "ana",
        "from_account": "ana",
        "to_account": "ana-new",
        "by": "adm",
        "at": "",
        "account": "adm",
        "account_id": 0,
    }
    # the old account no longer acts as ana; the new one does
    assert portal.post("ana", f"{API}/meetings", {"meeting": "m1"}).status_code == 403
    called = portal.post("ana-new", f"{API}/meetings", {"meeting": "m1"})
    assert called.status_code == 201, called.json()
    assert records(portal)[-1]["called_by"] == ["ana"]
    assert records(portal)[-1]["account"] == "ana-new"


def test_log__every_record_names_the_account_that_made_it(portal: Portal) -> None:
    imported = size(portal)
    portal.meeting(present=("ana", "ben", "cleo"))  # ana calls, sec notices and opens
    portal.motion()  # ana proposes
    assert portal.post("sec", f"{API}/meetings/m1/join", {"person": "dan"}).status_code == 201
    assert portal.post("ben", f"{API}/motions/mo1/votes", {"vote": "for"}).status_code == 201
    assert portal.post("sec", f"{API}/announcements", {"text": "hello"}).status_code == 201
    accounts = portal.app.state.accounts
    made = records(portal)[imported:]
    who = [(r.get("op") or r["event"]["kind"], r["account"]) for r in made]
    assert who == [
        ("meeting-called", "ana"),
        *[("notice", "sec")] * len(DIRECTORS),
        ("meeting-opened", "sec"),
        ("motion-proposed", "ana"),
        ("joined", "sec"),  # the secretary recorded dan's arrival: both are in the record
        ("vote-cast", "ben"),
        ("announcement", "sec"),
    ]
    assert made[len(DIRECTORS) + 3]["event"]["person"] == "dan"
    for record in made:
        account = accounts.by_username(record["account"])
        assert account is not None
        assert record["account_id"] == account.id


# -- item 8: a vote that would not count is refused ------------------------------------------------


@pytest.mark.parametrize("hot", [True, False], ids=["hot-route", "fastapi-route"])
def test_vote__from_a_director_not_present_is_refused_until_they_join(
    tmp_path: Path, hot: bool
) -> None:
    portal = make_portal(tmp_path, hot_votes=hot)
    portal.meeting(present=("ana", "ben", "cleo"))
    portal.motion()
    before = size(portal)
    refused = portal.post("dan", f"{API}/motions/mo1/votes", {"vote": "against"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not-present"
    assert "join the meeting first" in refused.json()["error"]["message"]
    assert size(portal) == before  # nothing acknowledged, nothing recorded
    assert portal.post("dan", f"{API}/meetings/m1/join").status_code == 201
    voted = portal.post("dan", f"{API}/motions/mo1/votes", {"vote": "against"})
    assert voted.status_code == 201, voted.json()
    # leaving after voting: said plainly, the vote will not count unless dan comes back
    left = portal.post("dan", f"{API}/meetings/m1/leave")
    assert left.status_code == 201
    assert left.json()["votes_not_counted"] == ["mo1"]
    assert "will not be counted unless dan joins 'm1' again" in left.json()["note"]
    # and a director who left cannot vote on another motion either
    portal.motion(ident="mo2")
    assert portal.post("dan", f"{API}/motions/mo2/votes", {"vote": "for"}).status_code == 409


def test_vote__the_portal_offers_join_and_leave_and_refuses_an_absent_vote(
    portal: Portal,
) -> None:
    portal.meeting(present=("ana", "ben", "cleo"))
    portal.motion()
    dan = Browser(portal, "dan")
    page = dan.client.get(PORTAL).text
    assert 'action="/orgs/acme/portal/meetings/m1/join"' in page
    assert 'action="/orgs/acme/portal/motions/mo1/votes"' not in page  # no vote form yet
    before = size(portal)
    refused = dan.post(f"{PORTAL}/motions/mo1/votes", vote="for")  # posted anyway
    assert refused.status_code == 409
    assert "join the meeting first" in refused.text
    assert size(portal) == before
    assert dan.post(f"{PORTAL}/meetings/m1/join").status_code == 303
    page = dan.client.get(PORTAL).text
    assert 'action="/orgs/acme/portal/motions/mo1/votes"' in page
    assert 'action="/orgs/acme/portal/meetings/m1/leave"' in page
    assert dan.post(f"{PORTAL}/motions/mo1/votes", vote="for").status_code == 303
    assert records(portal)[-1] | {"at": ""} == {
        "type": "service",
        "op": "vote-cast",
        "motion": "mo1",
        "person": "dan",
        "vote": "for",
        "at": "",
        "confirmed": False,
        "account": "dan",
        "account_id": portal.app.state.accounts.by_username("dan").id,
    }
    assert dan.post(f"{PORTAL}/meetings/m1/leave").status_code == 303
    pending = portal.as_("obs").get(f"{API}/pending").json()
    assert "dan" not in pending["meetings"][0]["present"]


# -- item 9: validated before queueing; a failing record is isolated -------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_propose__a_number_the_log_cannot_hold_is_422_before_anything_is_queued(
    portal: Portal, value: str
) -> None:
    portal.meeting()
    before = size(portal)
    body = (
        '{"id": "mo9", "act": "amend-bylaws", '
        f'"amendment": {{"set": {{"quorum.fraction": {value}}}}}}}'
    )
    proposed = portal.as_("ana").post(
        f"{API}/meetings/m1/motions", content=body, headers={"Content-Type": "application/json"}
    )
    assert proposed.status_code == 422, proposed.text
    assert "body.amendment.set.quorum.fraction" in proposed.json()["error"]["message"]
    assert size(portal) == before
    assert portal.as_("obs").get(f"{API}/pending").json()["motions"] == []


def test_propose__text_the_log_cannot_hold_is_422_not_a_failed_commit(portal: Portal) -> None:
    """The JSON edge refuses a lone surrogate itself; the board checks every record as the
    store will encode it, whatever edge built it (here: a body made in Python)."""
    portal.meeting()
    before = size(portal)
    board: Board = portal.app.state.board
    account = portal.app.state.accounts.by_username("ana")
    body = schemas.ProposeMotion.model_construct(  # as an edge that does not validate would
        id="mo9",
        act="remove-officer",
        subject=schemas.SubjectIn(person="frank", office="ceo"),
        seats=None,
        technology=None,
        description="\ud800",
        amendment=None,
    )
    with pytest.raises(Refused) as refused:
        board.propose("acme", account, "m1", body)
    assert (refused.value.status, refused.value.code) == (422, "not-recordable")
    assert "not UTF-8 text" in refused.value.message
    sent = portal.as_("ana").post(
        f"{API}/meetings/m1/motions",
        content=b'{"id": "mo9", "act": "remove-officer", "description": "\\ud800"}',
        headers={"Content-Type": "application/json"},
    )
    assert sent.status_code == 422
    assert size(portal) == before
    # the view was not touched: the same id is free, and the board works on
    portal.motion(ident="mo9")


def test_commit__one_poisoned_record_does_not_fail_the_honest_ones_in_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    charter, directors = board_of(30)
    portal = make_portal(tmp_path, charter=charter, extra_directors=tuple(directors[1:]))
    portal.meeting(present=tuple(directors))
    portal.motion()
    board: Board = portal.app.state.board
    store = portal.store
    real = store.append_many
    release = threading.Event()
    batches: list[int] = []

    def faulty(org: str, batch: Any) -> Any:
        """Hold the first commit (the gate) so that everything after it queues into one batch;
        refuse any transaction holding the poisoned proposal, as a database would."""
        batch = list(batch)
        batches.append(len(batch))
        if any(r.get("event", {}).get("text") == "gate" for r in batch):
            assert release.wait(30)
        if any(r.get("act", {}).get("description") == "poison" for r in batch):
            raise ValueError("the database refused this record")
        return real(org, batch)

    monkeypatch.setattr(store, "append_many", faulty)
    server = ThreadedServer(portal.app)
    slot = board.pipeline.slot("acme")

    def post(username: str, path: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {portal.tokens[username]}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            return client.post(path, json=body)

    def queued(n: int) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with slot.mutex:
                if len(slot.pending) >= n:
                    return
            time.sleep(0.01)
        raise AssertionError(f"{n} requests never queued")

    poison = {
        "id": "mo-p",
        "act": "remove-officer",
        "subject": {"person": "frank", "office": "ceo"},
        "description": "poison",
    }
    voters = directors[2:]
    try:
        with ThreadPoolExecutor(len(voters) + 4) as pool:
            gate = pool.submit(post, "sec", f"{API}/announcements", {"text": "gate"})
            while not batches:
                time.sleep(0.01)
            honest_first = pool.submit(
                post, directors[1], f"{API}/motions/mo1/votes", {"vote": "for"}
            )
            queued(1)
            proposed = pool.submit(post, "ana", f"{API}/meetings/m1/motions", poison)
            queued(2)
            on_poison = pool.submit(
                post, directors[1], f"{API}/motions/mo-p/votes", {"vote": "for"}
            )
            queued(3)
            honest = [
                pool.submit(post, p, f"{API}/motions/mo1/votes", {"vote": "for"}) for p in voters
            ]
            queued(3 + len(voters))
            release.set()
            assert gate.result().status_code == 201
            answers = [honest_first.result(), *(f.result() for f in honest)]
            poisoned, dependent = proposed.result(), on_poison.result()
    finally:
        server.close()
    assert batches[1] == 3 + len(voters)  # the whole queue went as one batch, and failed
    assert [a.status_code for a in answers] == [201] * (1 + len(voters))
    assert poisoned.status_code == 503
    assert "the database refused this record" in poisoned.json()["error"]["message"]
    assert dependent.status_code == 503  # a vote on the motion that was never recorded
    assert "decided on a record that failed to commit" in dependent.json()["error"]["message"]
    stored = {r["person"]: r for r in records(portal) if r.get("op") == "vote-cast"}
    assert set(stored) == {directors[1], *voters}
    assert all(r["motion"] == "mo1" for r in stored.values())
    by_seq = {e.seq: e.event for e in store.iter_events("acme")}
    for answer in answers:  # each acknowledged vote is at the seq it was told
        (seq,) = answer.json()["recorded"]
        assert by_seq[seq]["op"] == "vote-cast"
    pending = portal.as_("obs").get(f"{API}/pending").json()
    assert [m["id"] for m in pending["motions"]] == ["mo1"]
    assert len(pending["motions"][0]["votes"]) == 1 + len(voters)


# -- item 14 (part): the portal's meeting ids obey the API's rule ----------------------------------


@pytest.mark.parametrize(
    "meeting",
    [
        "<img src=x onerror=alert(1)>",
        "m1\r\nkind: forged",
        "m1\n",
        "x" * 81,
        "x" * 3000,
        "-m1",
        "m 1",
    ],
    ids=["html", "crlf", "trailing-newline", "81-chars", "3000-chars", "leading-dash", "space"],
)
def test_open_meeting__the_portal_and_the_api_refuse_the_same_ids(
    portal: Portal, meeting: str
) -> None:
    sec = Browser(portal, "sec")
    before = size(portal)
    path = f"meetings/{quote(meeting, safe='')}/open"
    by_form = sec.client.post(f"{PORTAL}/{path}", data={"csrf": sec.csrf, "present": ["ana"]})
    assert by_form.status_code == 422, by_form.text
    assert "an id is" in by_form.text
    assert portal.post("sec", f"{API}/{path}", {}).status_code == 422
    assert size(portal) == before
    # the board itself refuses it, whichever edge calls it
    account = portal.app.state.accounts.by_username("sec")
    with pytest.raises(Refused) as refused:
        portal.app.state.board.open_meeting("acme", account, meeting, schemas.OpenMeeting())
    assert refused.value.status == 422
    assert size(portal) == before


def test_open_meeting__a_valid_id_opens_through_the_portal(portal: Portal) -> None:
    sec = Browser(portal, "sec")
    opened = sec.post(f"{PORTAL}/meetings/board-1.a_b/open", present="ana", confirm="true")
    assert opened.status_code == 303
    assert records(portal)[-1]["event"]["meeting"] == "board-1.a_b"
