"""A board run on Charter, in a real browser (issue 15's walk): a secretary calls a meeting with
an agenda and a board pack, notices all but one director and sees the warning before recording
it anyway; directors log in (choosing their own password), find their inbox, read the motion's
text and paper and vote with no choice made for them; the chair closes the vote after
confirming; the minutes are drafted and their PDF renders; a written consent is read, signed
with the password again and adopted; another director's page follows without a reload; and a
link opened while logged out comes back after log-in.

Every page is Debian's Chromium driven by Playwright; each fails the test on a console error
and keeps screenshots at 1440 and 375 px (conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import test_portal_browser
from browser_support import CHROMIUM
from conftest import keep_screenshots, watched_page

service = test_portal_browser.service  # the demo service (a module-scoped fixture)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
ORG = "openai-2023"
PORTAL = f"/orgs/{ORG}/portal"
PACK = b"%PDF-1.4\n% board pack: the CFO candidate\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
RESOLUTION = "RESOLVED, that **Mira Murati** is appointed Chief Financial Officer."


class People:
    """One browser context per person, each watched for console errors."""

    def __init__(self, browser: Any, service: tuple[str, dict[str, str]], tmp: Path) -> None:
        self.browser, self.base, self.passwords = browser, service[0], service[1]
        self.pages: dict[str, tuple[Any, Any, list[str]]] = {}
        self.tmp = tmp

    def page(self, who: str) -> Any:
        if who not in self.pages:
            self.pages[who] = watched_page(
                self.browser, who, viewport={"width": 1440, "height": 900}
            )
        return self.pages[who][1]

    def log_in(self, who: str, then: str | None = None) -> Any:
        """Log in (from ``then``, a page asked for while logged out, if given); the first time,
        the one-time password opens only the Account page, where the person chooses their own."""
        page = self.page(who)
        page.goto(self.base + (then or "/"))
        expect(page.get_by_label("Username")).to_be_visible()
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password", exact=True).fill(self.passwords[who])
        page.get_by_role("button", name="Log in").click()
        if page.url.endswith("/account"):
            own = f"{who} chooses a long passphrase"
            page.get_by_label("Current password").fill(self.passwords[who])
            page.get_by_label("New password").fill(own)
            page.get_by_role("button", name="Change password").click()
            expect(page.get_by_text("Every session was logged out")).to_be_visible()
            self.passwords[who] = own
            page.goto(self.base + (then or "/"))
            page.get_by_label("Username").fill(who)
            page.get_by_label("Password", exact=True).fill(own)
            page.get_by_role("button", name="Log in").click()
        return page

    def expected(self, who: str, status: str) -> None:
        """A console error the test provoked on purpose (a refused form answers with its
        status, which the browser logs); any other still fails the test."""
        found = self.pages[who][2]
        found[:] = [e for e in found if f"status of {status}" not in e]

    def close(self, name: str) -> list[str]:
        errors = []
        for who, (ctx, page, found) in self.pages.items():
            keep_screenshots(page, f"{name}-{who}")
            ctx.close()
            errors += found
        return errors


@pytest.fixture
def people(
    browser: Any, service: tuple[str, dict[str, str]], tmp_path: Path, request: Any
) -> Iterator[People]:
    found = People(browser, service, tmp_path)
    yield found
    errors = found.close(request.node.name)
    assert not errors, f"console errors: {errors}"


def confirm_anyway(page: Any, what: str) -> None:
    confirm = page.locator("#confirm")
    expect(confirm.get_by_role("heading")).to_have_text(f"Legally defective: {what}")
    expect(confirm).to_contain_text("Nothing has been recorded.")
    confirm.get_by_role("button", name="Record it anyway").click()
    expect(page.locator("#result")).to_contain_text(f"Recorded: {what}")


def test_a_board_meeting_from_call_to_minutes(people: People, tmp_path: Path) -> None:
    # -- the secretary calls the meeting with an agenda and the board pack --------------------
    sec = people.log_in("secretary")
    sec.goto(people.base + PORTAL)
    call = sec.locator("form", has=sec.get_by_role("button", name="Call the meeting"))
    call.get_by_label("Meeting id").fill("board-9")
    call.get_by_label("Purpose", exact=True).fill("appoint a CFO")
    call.get_by_label("Place or call link").fill("https://video.example/board-9")
    call.get_by_label("Agenda (one item a line)").fill("Welcome\nAppointment of a CFO")
    pack = tmp_path / "board-pack.pdf"
    pack.write_bytes(PACK)
    call.get_by_label("Board pack (PDF, images, text)").set_input_files(str(pack))
    call.get_by_role("button", name="Call the meeting").click()
    expect(sec.locator("#result")).to_contain_text("Recorded: Call a meeting")
    meeting = sec.locator("#meeting-board-9")
    expect(meeting.get_by_role("list", name="Agenda of board-9")).to_contain_text(
        "Appointment of a CFO"
    )
    expect(meeting.get_by_role("link", name="board-pack.pdf")).to_be_visible()
    expect(meeting).to_contain_text("Place or call: https://video.example/board-9")

    # -- notices to all but one: the preview names who is left out, in red ---------------------
    notices = meeting.locator("form", has=sec.get_by_role("button", name="Send notices"))
    notices.get_by_label("Notice channel").select_option("phone")
    recipients = notices.get_by_role("group", name=re.compile("^To "))
    recipients.get_by_label("Adam D'Angelo").uncheck()
    preview = notices.locator(".preview-slot")
    expect(preview).to_contain_text("Left out of the notice: Adam D'Angelo")
    expect(preview.locator("table.profiles")).to_contain_text("delaware-nonstock")
    left_out = recipients.locator("label", has_text="Adam D'Angelo").locator("span")
    assert left_out.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    notices.get_by_role("button", name="Send notices").click()
    confirm_anyway(sec, "Send the notices of board-9")
    expect(sec.locator("#result")).to_contain_text("given")

    # -- the chair opens it, everyone present (no quorum in this board: confirmed) -------------
    taylor = people.log_in("taylor")
    taylor.goto(people.base + PORTAL)
    opening = taylor.locator("#meeting-board-9")
    present = opening.get_by_role("group", name="Present")
    for name in ("Paul M. Nakasone", "Adam D'Angelo"):
        present.get_by_label(name).check()
    opening.get_by_role("button", name="Open the meeting").click()
    confirm_anyway(taylor, "Open board-9")

    # -- the chair proposes the motion with its text and paper --------------------------------
    propose = taylor.locator("#meeting-board-9").locator(
        "form", has=taylor.get_by_role("button", name="Propose the motion")
    )
    propose.get_by_label("Motion id (optional)").fill("cfo")
    propose.get_by_label("Kind of act").select_option("appoint-officer")
    propose.get_by_label("Person (subject)").select_option(label="Mira Murati")
    propose.get_by_label("Office (for officer acts)").fill("cfo")
    propose.get_by_label("Resolution text (Markdown), word for word").fill(RESOLUTION)
    propose.get_by_label("Papers (PDF, images, text)").set_input_files(str(pack))
    propose.get_by_role("button", name="Propose the motion").click()
    expect(taylor.locator("#result")).to_contain_text("Motion cfo is open for votes.")

    # -- a director logs in, sees the inbox, reads the text and the paper, votes -------------
    nakasone = people.log_in("nakasone")
    expect(nakasone.get_by_role("link", name=re.compile("cfo"))).to_be_visible()  # the inbox
    nakasone.goto(people.base + PORTAL)
    card = nakasone.locator("#motion-cfo")
    expect(card.get_by_label("Resolution of cfo")).to_contain_text(
        "RESOLVED, that Mira Murati is appointed Chief Financial Officer."
    )
    expect(card.get_by_label("Resolution of cfo").locator("strong")).to_have_text("Mira Murati")
    paper = card.get_by_role("link", name="board-pack.pdf")
    fetched = nakasone.request.get(people.base + paper.get_attribute("href"))
    assert fetched.status == 200
    assert fetched.body() == PACK
    expect(card).to_contain_text("It needs")
    for choice in ("for", "against", "abstain", "recused"):
        expect(card.get_by_label(choice, exact=True)).not_to_be_checked()  # nothing preselected
    taylor_votes = taylor.locator("#votes-cfo")
    expect(taylor_votes).to_contain_text("no votes yet")
    card.get_by_label("for", exact=True).check()
    card.get_by_role("button", name="Cast vote").click()
    confirm_anyway(nakasone, "Vote on cfo")
    # the chair's page follows, without a reload
    expect(taylor_votes).to_contain_text("Paul M. Nakasone", timeout=10_000)

    # -- the chair closes the vote after confirming -------------------------------------------
    closing = taylor.locator("#motion-cfo form.close-vote")
    tick = closing.get_by_label("I close this vote")
    closing.get_by_role("button", name="Close the vote on cfo").click()  # not ticked: not sent
    assert tick.evaluate("e => !e.validity.valid")
    expect(taylor.locator("#motion-cfo h4")).to_contain_text("open")
    tick.check()
    closing.get_by_role("button", name="Close the vote on cfo").click()
    confirm_anyway(taylor, "Close the vote on cfo")
    taylor.locator("#meeting-board-9").get_by_role("button", name="Close board-9").click()
    expect(taylor.locator("#result")).to_contain_text("Recorded: Close board-9")

    # -- the minutes: drafted from the record, read as a page and as a PDF -------------------
    minutes = taylor.locator("#meeting-board-9")
    pdf_link = minutes.get_by_role("link", name="draft minutes of board-9 (PDF)")
    answer = taylor.request.get(people.base + pdf_link.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(answer.body())
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    text = " ".join(" ".join(pages).split())
    assert "Minutes of the special meeting of the board of OpenAI, Inc." in text
    assert "Appointment of a CFO" in text
    assert "No notice to Adam D'Angelo is recorded" in text
    assert "Resolution, as put:" in text
    assert "For (1): Paul M. Nakasone." in text
    from conftest import SHOTS

    for i in range(len(document)):  # kept with the screenshots, to be looked at
        document[i].render(scale=1.5).to_pil().save(SHOTS / f"minutes-board-9-page-{i + 1}.png")
    minutes.get_by_role("button", name="Keep the draft minutes of board-9 for approval").click()
    expect(taylor.locator("#result")).to_contain_text("Kept the draft as minutes-board-9.md")


def test_a_written_consent_read_signed_with_the_password_and_adopted(people: People) -> None:
    taylor = people.log_in("taylor")
    taylor.goto(people.base + PORTAL)
    form = taylor.locator("form", has=taylor.get_by_role("button", name="Circulate"))
    form.get_by_label("Consent id").fill("consent-cfo")
    form.get_by_label("Kind of act").select_option("appoint-officer")
    form.get_by_label("Person (subject)").select_option(label="Mira Murati")
    form.get_by_label("Office (for officer acts)").fill("cfo")
    form.get_by_label("Resolution text (Markdown), word for word").fill(RESOLUTION)
    form.get_by_role("button", name="Circulate").click()
    expect(taylor.locator("#result")).to_contain_text("Consent consent-cfo is circulating")
    board = (
        "taylor",
        "nakasone",
        "dangelo",
        "altman",
        "desmond-hellmann",
        "seligman",
        "simo",
        "kolter",
        "ogunlesi",
    )
    for who in board:
        page = taylor if who == "taylor" else people.log_in(who)
        page.goto(people.base + PORTAL)
        card = page.locator("#consent-consent-cfo")
        expect(card).to_contain_text("Circulated by Bret Taylor")
        expect(card).to_contain_text("It needs the signatures of")
        expect(card.get_by_label("Resolution consent-cfo-1")).to_contain_text(
            "is appointed Chief Financial Officer"
        )
        if who == "nakasone":  # a wrong password signs nothing
            card.get_by_label("Your password").fill("not my password at all")
            card.get_by_role("button", name="Sign consent-cfo").click()
            expect(page.locator("#error")).to_contain_text("wrong password or two-factor code")
            people.expected(who, "403")  # the refusal's status, as the API gives it
            card = page.locator("#consent-consent-cfo")
        card.get_by_label("Your password").fill(people.passwords[who])
        card.get_by_role("button", name="Sign consent-cfo").click()
        expect(page.locator("#result")).to_contain_text("Recorded: Sign consent-cfo")
    last = people.page("ogunlesi")
    expect(last.locator("#consent-consent-cfo")).to_contain_text("signed by every director")
    expect(last.get_by_role("row", name="cfo Mira Murati")).to_be_visible()  # adopted


def test_a_link_opened_logged_out_comes_back_after_log_in(people: People) -> None:
    target = f"/orgs/{ORG}/timeline?bylaws=delaware-nonstock"
    page = people.page("nakasone")
    page.goto(people.base + target)
    expect(page).to_have_url(re.compile(r"/\?next="))
    page = people.log_in("nakasone", then=target)  # the log-in form it was sent to
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
