"""The Portal and Audit pages in a real browser, through the service (`charter serve --demo`'s
app over a demo database): Debian's /usr/bin/chromium driven headless by Playwright.

Each test asserts what a person would see, keeps a screenshot in artifacts/screenshots/ and fails
on any console or page error (the fixtures of tests/test_web_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import CHROMIUM
from test_web_browser import CASE, _has_waterfall

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
ORG = "openai-2023"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The service over a fresh demo database: its URL and the demo's one-time passwords."""
    from charter.load.casebook import casebook_cases
    from charter.service.app import ServiceConfig, create_app
    from charter.service.demo import setup_demo
    from charter.store.db import EventStore
    from service_support import FAST_ARGON2, ThreadedServer

    root = tmp_path_factory.mktemp("portal-demo")
    url = f"sqlite:///{root / 'demo.db'}"
    store = EventStore.open(url)
    casebook = CASE.parent / "casebook"
    config = ServiceConfig(db=url, password_hasher=FAST_ARGON2, casebook=str(casebook))
    app = create_app(config, store=store)
    made = setup_demo(store, app.state.accounts, CASE, casebook_cases(casebook))
    passwords = {m.username: m.password for m in made if m.password}
    server = ThreadedServer(app)
    yield server.url, passwords
    server.close()
    store.close()


def log_in(page: Any, service: tuple[str, dict[str, str]], username: str = "taylor") -> None:
    """What a new user does: open the service, type the printed one-time password, and, the
    first time, choose a password of their own (the one-time password opens nothing else)."""
    base, passwords = service
    _log_in_form(page, base, username, passwords[username])
    if page.url.endswith("/account"):
        expect(page.get_by_role("alert")).to_contain_text("one-time password")
        page.goto(base + f"/orgs/{ORG}/timeline")  # every page leads back to the Account page
        expect(page).to_have_url(re.compile(r"/account$"))
        own = f"{username} chooses a passphrase"
        page.get_by_label("Current password").fill(passwords[username])
        page.get_by_label("New password").fill(own)
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_text("Every session was logged out")).to_be_visible()
        passwords[username] = own
        _log_in_form(page, base, username, own)
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()


def _log_in_form(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def prepare_motion(page: Any, meeting_id: str, motion_id: str) -> None:
    """On the portal: call a special meeting, notice it by phone, open it with only the
    logged-in chair present, propose a motion at it."""
    page.get_by_label("Meeting id").fill(meeting_id)
    page.get_by_label("Purpose", exact=True).fill("appoint a CFO")
    page.get_by_role("button", name="Call the meeting").click()
    result = page.locator("#result")
    expect(result).to_contain_text("Recorded: Call a meeting")
    meeting = page.locator(f"#meeting-{meeting_id}")
    expect(meeting).to_contain_text("special meeting, called")
    meeting.get_by_label("Notice channel").select_option("phone")
    meeting.get_by_role("button", name="Send notices").click()
    expect(result).to_contain_text(f"Recorded: Send the notices of {meeting_id}")
    expect(result.get_by_role("row", name=re.compile("^Bret Taylor"))).to_contain_text("given")
    present = meeting.get_by_role("group", name="Present")
    expect(present.get_by_label("Bret Taylor")).to_be_checked()
    expect(present.get_by_label("Paul M. Nakasone")).not_to_be_checked()
    meeting.get_by_role("button", name="Open the meeting").click()
    # the chair alone is no quorum: the opening is recorded only when confirmed
    confirm = page.locator("#confirm")
    expect(confirm.get_by_role("heading")).to_have_text(f"Legally defective: Open {meeting_id}")
    expect(confirm.locator("table.profiles")).to_contain_text("quorum not met")
    confirm.get_by_role("button", name="Record it anyway").click()
    expect(result).to_contain_text(f"Recorded: Open {meeting_id}")
    expect(meeting).to_contain_text("Present: Bret Taylor.")
    meeting.get_by_label("Motion id (optional)").fill(motion_id)
    meeting.get_by_label("Kind of act").select_option("appoint-officer")
    meeting.get_by_label("Person (subject)").select_option(label="Mira Murati")
    meeting.get_by_label("Office (for officer acts)").fill("cfo")
    meeting.get_by_role("button", name="Propose the motion").click()
    expect(result).to_contain_text(f"Motion {motion_id} is open for votes.")


def vote_with_the_quorum_warning(page: Any, motion_id: str) -> None:
    motion = page.locator(f"#motion-{motion_id}")
    expect(motion).to_contain_text("no votes yet")
    motion.get_by_label("for", exact=True).check()
    motion.get_by_role("button", name="Cast vote").click()
    confirm = page.locator("#confirm")
    expect(confirm.get_by_role("heading")).to_have_text(f"Legally defective: Vote on {motion_id}")
    expect(confirm).to_contain_text("Nothing has been recorded.")
    warning = confirm.locator("li.out-failed", has_text="quorum")
    expect(warning).to_contain_text(
        "quorum not met: required 6 of 10 authorized seats, present 1 (5 short)"
    )
    expect(warning.locator(".cite")).to_contain_text("DGCL §141(b)")
    confirm.get_by_role("button", name="Record it anyway").click()
    result = page.locator("#result")
    expect(result).to_contain_text(f"Recorded: Vote on {motion_id}")
    expect(result).to_contain_text("Recorded with warnings (confirmed as legally defective)")
    expect(result.locator(".badge")).to_have_text("void")
    voter = page.locator(f"#motion-{motion_id}").get_by_role("row", name=re.compile("^Bret Taylor"))
    expect(voter.locator("td")).to_have_text("for")


def test_story__a_new_director_calls_votes_confirms_signs_and_audits(
    page: Any, service: tuple[str, dict[str, str]]
) -> None:
    log_in(page, service)
    page.get_by_role("link", name="portal").click()
    expect(page.get_by_role("heading", name="Portal", exact=True)).to_be_visible()
    expect(page.locator("nav a[aria-current=page]")).to_have_text("Portal")
    expect(page.locator("main")).to_contain_text("acting as Bret Taylor: on the board now")
    prepare_motion(page, "board-1", "appoint-cfo")
    vote_with_the_quorum_warning(page, "appoint-cfo")

    consent = page.locator("form", has=page.get_by_role("button", name="Circulate"))
    consent.get_by_label("Consent id").fill("consent-1")
    consent.get_by_label("Kind of act").select_option("appoint-officer")
    consent.get_by_label("Person (subject)").select_option(label="Mira Murati")
    consent.get_by_label("Office (for officer acts)").fill("cfo")
    consent.get_by_role("button", name="Circulate").click()
    result = page.locator("#result")
    expect(result).to_contain_text("Consent consent-1 is circulating to the directors.")
    card = page.locator("#consent-consent-1")
    card.get_by_label("Your password").fill(service[1]["taylor"])
    card.get_by_role("button", name="Sign consent-1").click()
    expect(result).to_contain_text("Recorded: Sign consent-1")
    expect(page.locator("#consent-consent-1")).to_contain_text("Signed by Bret Taylor.")

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("✓ Log verified")


def test_keyboard__tab_to_the_portal_and_fill_a_form_without_a_mouse(
    page: Any, service: tuple[str, dict[str, str]]
) -> None:
    log_in(page, service)
    page.goto(f"{service[0]}/orgs/{ORG}/structure")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Portal":
            break
    else:
        pytest.fail("Tab never reached the Portal link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal$"))
    page.get_by_label("Meeting id").focus()
    page.keyboard.type("kb-1")
    page.keyboard.press("Tab")  # the kind of meeting
    page.keyboard.press("Tab")  # the purpose
    page.keyboard.type("called from the keyboard")
    for _ in range(20):  # past the date control's fields, place, agenda and papers
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Call the meeting":
            break
    else:
        pytest.fail("Tab never reached the Call the meeting button")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_contain_text("Recorded: Call a meeting")
    expect(page.locator("#meeting-kb-1")).to_contain_text("purpose: called from the keyboard")


def test_account__a_director_makes_a_token_and_revokes_it(
    page: Any, service: tuple[str, dict[str, str]]
) -> None:
    log_in(page, service, "nakasone")
    page.goto(f"{service[0]}/orgs/{ORG}/portal")
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_label("Label").fill("minutes-bot")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("status").first).to_contain_text("Copy it now: it is not shown again.")
    row = page.get_by_role("row", name=re.compile("minutes-bot"))
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile("^Revoke token")).click()
    expect(page.get_by_role("status").first).to_contain_text("revoked")
    expect(page.get_by_role("row", name=re.compile("minutes-bot"))).to_have_count(0)
    expect(page.get_by_role("button", name="Set up two-factor log-in")).to_be_visible()


def test_no_javascript__the_forms_and_the_confirm_flow_still_work(
    nojs_page: Any, service: tuple[str, dict[str, str]]
) -> None:
    page = nojs_page
    log_in(page, service)
    page.goto(f"{service[0]}/orgs/{ORG}/portal")
    prepare_motion(page, "nojs-1", "nojs-motion")
    vote_with_the_quorum_warning(page, "nojs-motion")


@pytest.mark.parametrize("page_name", ["portal", "audit"])
def test_phone_width__no_horizontal_scroll(
    phone_page: Any, service: tuple[str, dict[str, str]], page_name: str
) -> None:
    log_in(phone_page, service)
    phone_page.goto(f"{service[0]}/orgs/{ORG}/{page_name}")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(page_name.title())
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page_name} is {width}px wide at 375px"


@pytest.mark.skipif(not _has_waterfall(), reason="the waterfall engine is not installed")
def test_done_means__timeline_removal_profiles_and_money_slider_through_the_service(
    page: Any, service: tuple[str, dict[str, str]]
) -> None:
    log_in(page, service, "nakasone")
    page.get_by_role("link", name="timeline").click()
    page.wait_for_load_state("load")  # htmx (deferred) drives the controls from here on
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
    act = page.locator("#act-remove-altman-ceo")
    expect(act).to_contain_text("17 Nov 2023")
    page.get_by_label("Bylaws profile").select_option("delaware-nonstock")
    expect(act.locator("summary .badge")).to_have_text("void")
    act.locator("summary").click()
    expect(act.locator("li.out-failed", has_text="notice.special-meeting")).to_be_visible()
    page.get_by_label("Bylaws profile").select_option("openai-2016-reported")
    act = page.locator("#act-remove-altman-ceo")
    expect(act.locator("summary .badge")).to_have_text("conditional")

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Money").click()
    page.wait_for_load_state("load")
    label = page.locator("#amount-label")
    expect(label).to_have_text("$100B")
    page.get_by_role("slider", name="Amount distributed").focus()
    page.keyboard.press("End")
    expect(label).to_have_text("$500B")
    expect(page.get_by_role("heading", name="At $500B")).to_be_visible()


def _api(service: tuple[str, dict[str, str]], username: str) -> Any:
    """An API session for ``username`` (choosing its own password first, as a new user must)."""
    import httpx

    base, passwords = service
    client = httpx.Client(base_url=base, timeout=30)
    login = client.post("/api/login", json={"username": username, "password": passwords[username]})
    assert login.status_code == 200, login.text
    if login.json()["account"]["must_change_password"]:
        own = f"{username} chooses a passphrase"
        change = {"old": passwords[username], "new": own}
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        assert client.post("/api/me/password", json=change, headers=headers).is_success
        passwords[username] = own
        login = client.post("/api/login", json={"username": username, "password": own})
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def test_live__another_directors_vote_appears_without_a_reload(
    page: Any, service: tuple[str, dict[str, str]]
) -> None:
    """issue 15: pages update without reloading when others vote."""
    taylor = _api(service, "taylor")
    api = f"/api/orgs/{ORG}"
    assert taylor.post(f"{api}/meetings", json={"meeting": "live-1"}).status_code == 201
    assert taylor.post(f"{api}/meetings/live-1/notices", json={"channel": "phone"}).is_success
    opened = taylor.post(
        f"{api}/meetings/live-1/open",
        json={"present": ["taylor", "nakasone", "dangelo"], "confirm": True},
    )
    assert opened.is_success, opened.text
    motion = {
        "id": "live-cfo",
        "act": "appoint-officer",
        "subject": {"person": "murati", "office": "cfo"},
    }
    assert taylor.post(f"{api}/meetings/live-1/motions", json=motion).status_code == 201

    log_in(page, service, "nakasone")
    page.goto(f"{service[0]}/orgs/{ORG}/portal")
    table = page.locator("#votes-live-cfo")
    expect(table).to_contain_text("no votes yet")
    voted = taylor.post(f"{api}/motions/live-cfo/votes", json={"vote": "for", "confirm": True})
    assert voted.status_code == 201, voted.text
    expect(page.locator("#votes-live-cfo")).to_contain_text("Bret Taylor", timeout=10_000)
    taylor.close()
