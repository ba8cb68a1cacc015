"""The board portal and the audit page: the service's own pages, in the web UI's look.

Why plain forms: a person calls a meeting, sends notices, votes and signs through HTML forms that
post to routes calling the *same* :class:`Board` methods as the JSON API, so an act taken here is
decided by the same rules and recorded the same way.  Each form carries the session's CSRF token
as a hidden field (a form cannot send a header) and answers POST-redirect-GET, so a reload never
records an act twice; the page works without JavaScript (htmx only boosts the forms).

What the rules say is shown, not hidden: a legally defective act (``NeedsConfirmation``) comes
back with its warnings - rule id, finding, citation - and a "Record it anyway" button that posts
the same form with ``confirm=true``; an act that cannot happen (``Refused``) comes back as a
message with ``role="alert"`` and the status the API would give.

The audit page verifies the organisation's log (every leaf, position and tree head, and every
stored checkpoint) on each visit and lets a secretary or admin sign a new checkpoint with the
deployment key, as ``charter checkpoint`` does (refused while the log fails verification).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from charter.model.bylaws import Threshold, required_count
from charter.model.journal import ConsentCirculated
from charter.model.kinds import BOARD_ACTS, ActKind
from charter.model.state import State
from charter.report.markdown_html import markdown_html
from charter.report.terminal import human_time
from charter.service import papers, schemas
from charter.service.accounts import Account, Accounts, HashingBusy, same_secret
from charter.service.board import WRITERS, Board, presides
from charter.service.errors import NeedsConfirmation, Refused
from charter.service.share_links import ShareLinks
from charter.service.trail import PAGE, latest, names_and_zone
from charter.store.checkpoint import KeyFileError, load_or_create_key, load_public_key
from charter.store.db import EventStore
from charter.store.verify import verify_log
from charter.web.site import PAGES, TEMPLATES_DIR, NavLink
from charter.web.timeline import STATUS_HELP, STATUS_LABEL

PORTAL_NAV: tuple[NavLink, ...] = (
    NavLink(label="Portal", href="/orgs/{org}/portal"),
    NavLink(label="Audit", href="/orgs/{org}/audit"),
)
"""The links the service adds to every organisation's navigation (``create_router(extra_nav=)``)."""

CHANNELS = ("email", "personal", "phone", "text", "video", "mail", "courier")
VOTES = ("for", "against", "abstain", "recused")
PORTAL_ACTS = (
    *(a.value for a in BOARD_ACTS if a is not ActKind.AMEND_BYLAWS),
    ActKind.APPROVE_MINUTES.value,
)
"""Acts proposed from the portal (a bylaws amendment needs its settings: use the API)."""
FLASH_SIZE = 512
SECRETS = ("password", "totp")
"""Form fields never written back into a page (a confirmation form asks for them again)."""
MAX_FORM_BYTES = 64 * 1024 * 1024
"""The largest form post (papers included): refused before it is read, by its length."""


def default_key_file(store: EventStore) -> Path:
    """The deployment's signing key: next to a SQLite database (``<db>.signing.key``), else
    ``.charter/signing.key`` as ``charter checkpoint`` uses by default."""
    url = store.engine.url
    if store.dialect == "sqlite" and url.database and url.database != ":memory:":
        return Path(f"{url.database}.signing.key")
    return Path(".charter/signing.key")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Who:
    account: Account
    csrf: str


class _Flash:
    """What an act returned, kept for the GET that follows its redirect (POST-redirect-GET).

    In memory and bounded: a result is shown to the account that made it and is forgotten after
    ``FLASH_SIZE`` newer ones (the act itself is in the log; only this summary is transient)."""

    def __init__(self, size: int = FLASH_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, account_id: int, item: dict[str, Any]) -> str:
        key = secrets.token_urlsafe(9)
        with self._lock:
            self._items[key] = (account_id, item)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, account_id: int, key: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._items.get(key)
        return found[1] if found is not None and found[0] == account_id else None


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))


def _secret(form: FormData, name: str) -> str:
    """A password field as typed (not stripped: spaces are part of a password)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def motion_threshold(state: State, act: str) -> Threshold:
    kind = ActKind(act)
    if kind is ActKind.FILL_VACANCY:
        return state.bylaws.vacancies.threshold
    return state.bylaws.threshold_for(kind)


def needs(threshold: Threshold, state: State, present: int) -> str:
    """What an act needs to pass, in words and (where the base is known) in votes: shown on
    the motion and the consent before anyone votes or signs."""
    base = {
        "present": present,
        "in-office": len(state.directors),
        "authorized": state.authorized_seats,
    }.get(threshold.base)
    cite = f" ({threshold.citation})" if threshold.citation else ""
    if base is None:
        return f"{threshold.describe()}{cite}"
    count = required_count(threshold.fraction, base)
    return f"{count} of {base}: {threshold.describe()}{cite}"


def totp_qr(uri: str) -> Markup:
    """The ``otpauth://`` link as a QR code (SVG, drawn by segno) for an authenticator app's
    camera: typing a 32-letter secret on a phone is where set-up fails."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=5, border=4, xmldecl=False, title="Two-factor set-up code", nl=False
    )
    svg = out.getvalue().decode()
    return Markup(
        svg.replace("<svg ", '<svg role="img" aria-label="QR code of the set-up link" ', 1)
    )


def _multiline(form: FormData, name: str) -> str:
    """A textarea's text, its line ends made plain (browsers send CR LF)."""
    value = form.get(name)
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def create_portal_router(
    board: Board,
    accounts: Accounts,
    templates: Jinja2Templates,
    *,
    key_file: Path | None = None,
    cookie: str = "charter_session",
) -> APIRouter:
    """The Portal (``/orgs/{org}/portal``) and Audit (``/orgs/{org}/audit``) pages and their
    form routes.  ``templates`` is the service's template set; the pages extend the web UI's
    ``base.html`` (reached as ``web/base.html``).  ``key_file`` signs checkpoints (default:
    :func:`default_key_file`); ``cookie`` is the session cookie's name."""
    router = APIRouter(include_in_schema=False)
    base_loader = templates.env.loader
    assert base_loader is not None
    env = Environment(
        loader=ChoiceLoader(
            [base_loader, PrefixLoader({"web": FileSystemLoader(str(TEMPLATES_DIR))})]
        ),
        autoescape=select_autoescape(default=True),
    )
    env.globals["status_label"] = {s.value: label for s, label in STATUS_LABEL.items()}
    env.globals["status_help"] = {s.value: text for s, text in STATUS_HELP.items()}
    env.filters["names"] = lambda ids, people: ", ".join(people.get(i, i) for i in ids)
    env.filters["markdown"] = lambda text: Markup(markdown_html(text))  # raw HTML is off
    env.filters["kib"] = lambda n: f"{max(1, round((n or 0) / 1024)):,} KiB"
    # an ISO time from the record, as people write it, in the zone given (the organisation's)
    env.filters["local"] = lambda text, tz: (
        human_time(dt.datetime.fromisoformat(str(text)), tz) if text else ""
    )
    pages = Jinja2Templates(env=env)
    flash = _Flash()
    shares = ShareLinks(board.store.engine)
    signing_key = key_file or default_key_file(board.store)

    # -- who is asking ---------------------------------------------------------------------------

    def session(request: Request) -> _Who | None:
        """The page's viewer, also kept on the request for the log-out form of every page."""
        token = request.cookies.get(cookie)
        found = accounts.session(token) if token else None
        if found is None:
            return None
        request.state.account, request.state.csrf = found
        return _Who(account=found[0], csrf=found[1])

    def to_log_in(request: Request) -> RedirectResponse:
        """A page asked for without a session: the log-in page, then back here."""
        query = f"?{request.url.query}" if request.url.query else ""
        back = quote(request.url.path + query, safe="/")
        return RedirectResponse(f"/?next={back}", status_code=303)

    def member(account: Account, org: str, *, write: bool = False) -> None:
        roles = account.roles(org)
        if not roles:
            raise Refused(403, "forbidden", f"you have no role in organisation '{org}'")
        if write and roles == {"observer"}:
            raise Refused(403, "read-only", f"observers of '{org}' have read-only access")

    # -- rendering -------------------------------------------------------------------------------

    def nav(request: Request, org: str, current: str) -> list[dict[str, Any]]:
        links = [
            {"label": label, "href": str(request.url_for(f"web_{name}", org=org)), "current": False}
            for name, label in PAGES
        ]
        links += [
            {
                "label": x.label,
                "href": x.href.replace("{org}", org),
                "current": x.label.lower() == current,
            }
            for x in PORTAL_NAV
        ]
        return links

    def render(
        request: Request,
        name: str,
        context: dict[str, Any],
        *,
        org: str | None,
        page: str,
        status_code: int = 200,
    ) -> HTMLResponse:
        base = {
            "org": org,
            "page": page,
            "nav": nav(request, org, page) if org else [],
            "static": lambda f: str(request.url_for("web_static", name=f)),
        }
        return pages.TemplateResponse(request, name, base | context, status_code=status_code)

    def message_page(
        request: Request, org: str | None, status: int, title: str, text: str
    ) -> HTMLResponse:
        return render(
            request,
            "portal_message.html",
            {"title": title, "message": text},
            org=org,
            page="",
            status_code=status,
        )

    def portal_context(org: str, who: _Who) -> dict[str, Any]:
        view = board.view(org)
        now = board.now(view)
        state = board.state(view, now)
        people = {p.id: p.name for p in view.case.charter.people}
        person = who.account.person(org)
        roles = who.account.roles(org)
        pending = board.pending(org)
        directors = sorted(state.directors)
        circulated = {
            e.event.consent: e for e in view.case.entries if isinstance(e.event, ConsentCirculated)
        }
        consent_rule = state.bylaws.written_consent
        consents = []
        for consent, signers in pending["consents"].items():
            entry = circulated.get(consent)
            event = entry.event if entry is not None else None
            consents.append(
                {
                    "id": consent,
                    "signers": signers,
                    "complete": bool(directors) and set(directors) <= set(signers),
                    "acts": [a.model_dump(mode="json") for a in event.acts]
                    if isinstance(event, ConsentCirculated)
                    else [],
                    "by": event.by if isinstance(event, ConsentCirculated) else None,
                    "at": human_time(entry.at, view.tz) if entry is not None else "",
                    "needs": needs(consent_rule.threshold, state, len(directors)),
                }
            )
        present_at = {m["id"]: m["present"] for m in pending["meetings"]}
        offices = sorted(
            {o.office for o in view.case.charter.offices} | {o for o, _ in state.officers}
        )
        return {
            "title": f"Portal — {view.case.charter.title or org}",
            "case_title": view.case.charter.title or org,
            "account": who.account,
            "csrf": who.csrf,
            "person": person,
            "roles": sorted(roles),
            "is_director": person in state.directors if person else False,
            "can_write": roles != {"observer"},
            "is_writer": bool(roles & WRITERS),
            # who may close a vote: the board's own rule (board.presides), or a writer
            "presides": {
                m["id"]: bool(roles & WRITERS)
                or presides(state, person, present_at.get(m["meeting"], ()))
                for m in pending["motions"]
            },
            "now": now.strftime("%d %b %Y %H:%M %Z"),
            "tz": view.case.charter.timezone,
            "zone": view.tz,
            "state": state,
            "directors": directors,
            "people": people,
            "name": lambda p: people.get(p, p) if p else "—",
            "meetings": pending["meetings"],
            "present_at": present_at,
            "motions": pending["motions"],
            "needs": {
                m["id"]: needs(
                    motion_threshold(state, m["act"]["act"]),
                    state,
                    len(present_at.get(m["meeting"], ())),
                )
                for m in pending["motions"]
            },
            "consents": consents,
            "acts": PORTAL_ACTS,
            "offices": offices,
            "channels": CHANNELS,
            "votes": VOTES,
            "smtp": board.mailer.config is not None,
            "share_links": [
                link.to_json()
                | {
                    "created_at": human_time(dt.datetime.fromisoformat(link.created_at), view.tz),
                    "revoked_at": human_time(dt.datetime.fromisoformat(link.revoked_at), view.tz)
                    if link.revoked_at
                    else None,
                }
                for link in shares.listed(org)
            ]
            if "admin" in roles
            else None,
            "my_positions": (["director"] if person in state.directors else [])
            + (["chair"] if person is not None and state.chair == person else [])
            + sorted(o for o, holder in state.officers if holder == person),
        }

    def portal_page(
        request: Request, org: str, who: _Who, *, status: int = 200, **extra: Any
    ) -> HTMLResponse:
        context = portal_context(org, who) | extra
        return render(request, "portal.html", context, org=org, page="portal", status_code=status)

    # -- the pattern every form follows ----------------------------------------------------------

    async def posted(request: Request, org: str | None) -> tuple[_Who, FormData] | Response:
        """The session and the form of a POST, or the page refusing it: no session (401), or a
        missing or wrong CSRF token (403)."""
        who = await run_in_threadpool(session, request)
        if who is None:
            return message_page(
                request, None, 401, "Log in first", "Your session has ended: log in again."
            )
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_FORM_BYTES:
            return message_page(
                request,
                org,
                413,
                "Too large",
                "a form with its papers may be at most 64 MiB (each paper at most 20 MiB)",
            )
        form = await request.form()
        if who.account.password_expired and request.url.path != "/account/password":
            return RedirectResponse("/account", status_code=303)
        if not same_secret(str(form.get("csrf", "")), who.csrf):
            return message_page(
                request,
                org,
                403,
                "Form expired",
                "missing or wrong CSRF token: reload the page and submit the form again",
            )
        return who, form

    async def act(
        request: Request,
        org: str,
        what: str,
        call: Callable[[FormData, Account], dict[str, Any]],
        *,
        back: str = "portal",
    ) -> Response:
        got = await posted(request, org)
        if isinstance(got, Response):
            return got
        who, form = got
        try:
            member(who.account, org, write=True)
        except Refused as error:
            return message_page(request, None, error.status, "Not allowed", error.message)
        for name, value in request.path_params.items():
            # the API's rule for ids in paths (schemas.ident_problem), before anything is decided
            problem = None if name == "org" else schemas.ident_problem(str(value))
            if problem is not None:
                return await page_after_error(
                    request, org, who, back, 422, error={"what": name, "message": problem}
                )
        try:
            form = await run_in_threadpool(keep_uploads, org, form)
            result = await run_in_threadpool(call, form, who.account)
        except NeedsConfirmation as error:
            fields = [
                (k, v)
                for k, v in form.multi_items()
                if k not in ("csrf", "confirm", *SECRETS) and isinstance(v, str)
            ]
            confirm = {
                "what": what,
                "message": error.message,
                "warnings": error.extra.get("warnings", []),
                "verdicts": error.extra.get("verdicts", []),
                "profiles": error.extra.get("profiles", []),
                "action": request.url.path,
                "fields": fields,
                # a password is never echoed into a page: the confirmation asks for it again
                "reauth": any(k in SECRETS for k, _ in form.multi_items()),
            }
            # 200, not the API's 409: the form was answered, with a question (and a browser
            # logs a 4xx page as a console error)
            return await page_after_error(request, org, who, back, 200, confirm=confirm)
        except Refused as error:
            return await page_after_error(
                request,
                org,
                who,
                back,
                error.status,
                error={"what": what, "message": error.message},
            )
        except ValidationError as error:
            return await page_after_error(
                request, org, who, back, 422, error={"what": what, "message": _first_error(error)}
            )
        key = flash.put(who.account.id, {"what": what} | result)
        target = str(request.url_for(f"{back}_page", org=org))
        return RedirectResponse(f"{target}?done={key}#result", status_code=303)

    async def page_after_error(
        request: Request, org: str, who: _Who, back: str, status: int, **extra: Any
    ) -> HTMLResponse:
        if back == "audit":
            context = await run_in_threadpool(audit_context, org, who)
            return render(
                request, "audit.html", context | extra, org=org, page="audit", status_code=status
            )
        context = await run_in_threadpool(portal_context, org, who)
        return render(
            request, "portal.html", context | extra, org=org, page="portal", status_code=status
        )

    def reauthenticate(account: Account, form: FormData) -> None:
        """The signer's password again (and the current code where two-factor log-in is on)."""
        password = _secret(form, "password")
        if not password:
            raise Refused(422, "password-needed", "enter your password to sign")
        totp = _text(form, "totp")
        try:
            again = accounts.reauthenticate(account.id, password, totp)
        except HashingBusy as error:
            raise Refused(503, "busy", str(error)) from error
        if not again:
            raise Refused(403, "bad-credentials", "wrong password or two-factor code: not signed")

    def confirmed(form: FormData) -> bool:
        return form.get("confirm") == "true"

    def subject(form: FormData) -> schemas.SubjectIn:
        return schemas.SubjectIn(person=_text(form, "person"), office=_text(form, "office"))

    def act_in(form: FormData, model: type[schemas.ActIn], ident: str) -> schemas.ActIn:
        seats = _text(form, "seats")
        return model(
            id=_text(form, ident),
            act=_text(form, "act") or "",  # pydantic validates it
            subject=subject(form),
            seats=int(seats) if seats and seats.isdigit() else None,
            description=_text(form, "description") or "",
            minutes_of=_text(form, "minutes_of"),
            text=_multiline(form, "text"),
            documents=papers_of(form),
        )

    def papers_of(form: FormData) -> list[schemas.DocumentIn]:
        """The papers a form refers to: those uploaded with it (kept by :func:`keep_uploads`
        before anything is decided) and those named by hash (a confirmation re-posts them)."""
        return [
            schemas.DocumentIn(sha256=sha)
            for sha in dict.fromkeys(v for v in form.getlist("document") if isinstance(v, str))
        ]

    def keep_uploads(org: str, form: FormData) -> FormData:
        """The form with each uploaded file kept as a paper and replaced by its hash: a
        legally defective act asks for confirmation by re-posting the form's text fields, and
        its papers must come with it."""
        items: list[tuple[str, str]] = []
        for key, value in form.multi_items():
            if isinstance(value, str):
                items.append((key, value))
            elif key == "documents" and value.filename:
                chunks = iter(lambda f=value.file: f.read(1 << 16), b"")
                kept = papers.keep(board.store, org, chunks, value.filename)
                items.append(("document", kept.sha256))
        return FormData(items)

    def calling_in(org: str, form: FormData) -> schemas.CallMeeting:
        callers = [p for p in form.getlist("called_by") if isinstance(p, str) and p]
        return schemas.CallMeeting(
            meeting=_text(form, "meeting"),
            called_by=callers or None,
            type=_text(form, "type") or "special",
            at=when(org, _text(form, "at")),
            purpose=_text(form, "purpose") or "",
            place=_text(form, "place") or "",
            agenda=agenda_of(form),
        )

    def notices_in(form: FormData) -> schemas.SendNotices:
        """The notices form: the channel, and the recipients ticked (all directors are ticked
        by default; a form that names none is refused by the schema's rules below)."""
        to = [p for p in form.getlist("to") if isinstance(p, str) and p]
        if form.get("recipients") == "chosen" and not to:
            raise Refused(422, "invalid", "tick the directors the notice goes to")
        return schemas.SendNotices(
            channel=_text(form, "channel") or "email",
            purpose_stated=form.get("purpose_stated") == "true",
            to=to or None,
            confirm=confirmed(form),
        )

    def opening_in(form: FormData) -> schemas.OpenMeeting:
        present = [p for p in form.getlist("present") if isinstance(p, str)]
        return schemas.OpenMeeting(present=present or None, confirm=confirmed(form))

    def agenda_of(form: FormData) -> list[schemas.AgendaItem]:
        """One item per line of the agenda field; the papers uploaded with the call are the
        board pack, an item of their own."""
        titles = [line.strip() for line in _multiline(form, "agenda").splitlines()]
        items = [schemas.AgendaItem(title=t) for t in titles if t]
        docs = papers_of(form)
        if docs:
            items.append(schemas.AgendaItem(title="Board pack", documents=docs))
        return items

    def when(org: str, text: str | None) -> dt.datetime | None:
        if text is None:
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError as error:
            raise Refused(422, "invalid", f"at: '{text}' is not a date and time") from error
        return value if value.tzinfo is not None else value.replace(tzinfo=board.view(org).tz)

    # -- the portal ------------------------------------------------------------------------------

    async def member_page(
        request: Request,
        org: str,
        done: str | None,
        build: Callable[[str, Any], dict[str, Any]],
        page: str,
    ) -> Response:
        """A page for members of ``org``: log-in first, then the page's context (built off the
        event loop), then the result of the action just done (``done``), if still kept."""
        who = session(request)
        if who is None:
            return to_log_in(request)
        if who.account.password_expired:
            return RedirectResponse("/account", status_code=303)
        try:
            member(who.account, org)
            context = await run_in_threadpool(build, org, who)
        except Refused as error:
            return message_page(request, None, error.status, "Not available", error.message)
        result = flash.get(who.account.id, done) if done else None
        if done and result is None and page == "portal":
            result = {"what": "", "expired": True}
        return render(request, f"{page}.html", context | {"result": result}, org=org, page=page)

    @router.get("/orgs/{org}/portal", name="portal_page", response_class=HTMLResponse)
    async def portal(request: Request, org: str, done: str | None = None) -> Response:
        return await member_page(request, org, done, portal_context, "portal")

    # -- previews: what the form would make of every act at the meeting, before it is sent ----

    async def previewed(
        request: Request,
        org: str,
        what: str,
        call: Callable[[FormData, Account], dict[str, Any]],
    ) -> Response:
        """The form's preview: a fragment for htmx (the table under the form), else the portal
        page with the preview at its top (the "Check first" button works without script)."""
        got = await posted(request, org)
        if isinstance(got, Response):
            return got
        who, form = got
        try:
            member(who.account, org, write=True)
            result = await run_in_threadpool(call, form, who.account)
            found: dict[str, Any] = {"what": what} | result
        except Refused as error:
            found = {"what": what, "error": error.message}
        except ValidationError as error:
            found = {"what": what, "error": _first_error(error)}
        if request.headers.get("hx-request") == "true":
            view = await run_in_threadpool(board.view, org)
            people = {x.id: x.name for x in view.case.charter.people}
            context = {"preview": found, "people": people}
            return render(request, "_portal_preview.html", context, org=org, page="")
        context = await run_in_threadpool(portal_context, org, who)
        return render(request, "portal.html", context | {"preview": found}, org=org, page="portal")

    @router.post("/orgs/{org}/portal/preview/meetings", name="portal_preview_call")
    async def preview_call(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.preview_call(org, account, calling_in(org, form))

        return await previewed(request, org, "Calling the meeting", call)

    @router.post(
        "/orgs/{org}/portal/preview/meetings/{meeting}/notices", name="portal_preview_notices"
    )
    async def preview_notices(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.preview_notices(org, account, meeting, notices_in(form))

        return await previewed(request, org, f"The notices of {meeting}", call)

    @router.post("/orgs/{org}/portal/preview/meetings/{meeting}/open", name="portal_preview_open")
    async def preview_open(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.preview_open(org, account, meeting, opening_in(form))

        return await previewed(request, org, f"Opening {meeting}", call)

    @router.post(
        "/orgs/{org}/portal/preview/meetings/{meeting}/motions", name="portal_preview_propose"
    )
    async def preview_propose(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            body = act_in(form, schemas.ProposeMotion, "motion")
            assert isinstance(body, schemas.ProposeMotion)
            return board.preview_propose(org, account, meeting, body)

        return await previewed(request, org, f"The motion at {meeting}", call)

    @router.post("/orgs/{org}/portal/preview/motions/{motion}/close", name="portal_preview_close")
    async def preview_close(request: Request, org: str, motion: str) -> Response:
        def call(_form: FormData, account: Account) -> dict[str, Any]:
            return board.preview_close(org, account, motion)

        return await previewed(request, org, f"Closing the vote on {motion}", call)

    @router.post("/orgs/{org}/portal/meetings", name="portal_call")
    async def call_meeting(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.call_meeting(org, account, calling_in(org, form))

        return await act(request, org, "Call a meeting", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/notices", name="portal_notices")
    async def notices(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.send_notices(org, account, meeting, notices_in(form))

        return await act(request, org, f"Send the notices of {meeting}", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/open", name="portal_open")
    async def open_meeting(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.open_meeting(org, account, meeting, opening_in(form))

        return await act(request, org, f"Open {meeting}", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/join", name="portal_join")
    async def join(request: Request, org: str, meeting: str) -> Response:
        def call(_form: FormData, account: Account) -> dict[str, Any]:
            return board.attend(org, account, meeting, schemas.PersonRef(), join=True)

        return await act(request, org, f"Join {meeting}", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/objections", name="portal_object")
    async def object_to_meeting(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            reason = _text(form, "reason")
            body = schemas.ObjectionIn(reason=reason) if reason else schemas.ObjectionIn()
            return board.object(org, account, meeting, body)

        return await act(request, org, f"Object to {meeting}", call)

    @router.post("/orgs/{org}/portal/interests", name="portal_interest")
    async def declare_interest(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            body = schemas.DeclareInterest(
                motion=_text(form, "motion"), matter=_text(form, "matter") or ""
            )
            return board.declare_interest(org, account, body)

        return await act(request, org, "Declare an interest", call)

    @router.post("/orgs/{org}/portal/resignations", name="portal_resign")
    async def resign(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            positions = [p for p in form.getlist("positions") if isinstance(p, str) and p]
            body = schemas.Resign(positions=positions, confirm=confirmed(form))
            return board.resign(org, account, body)

        return await act(request, org, "Resign", call)

    @router.post("/orgs/{org}/portal/announcements", name="portal_announce")
    async def announce(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            return board.announce(org, account, schemas.Announce(text=_text(form, "text") or ""))

        return await act(request, org, "Announce", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/leave", name="portal_leave")
    async def leave(request: Request, org: str, meeting: str) -> Response:
        def call(_form: FormData, account: Account) -> dict[str, Any]:
            return board.attend(org, account, meeting, schemas.PersonRef(), join=False)

        return await act(request, org, f"Leave {meeting}", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/close", name="portal_close_meeting")
    async def close_meeting(request: Request, org: str, meeting: str) -> Response:
        return await act(
            request,
            org,
            f"Close {meeting}",
            lambda _form, account: board.close_meeting(org, account, meeting),
        )

    @router.post("/orgs/{org}/portal/meetings/{meeting}/motions", name="portal_propose")
    async def propose(request: Request, org: str, meeting: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            body = act_in(form, schemas.ProposeMotion, "motion")
            assert isinstance(body, schemas.ProposeMotion)
            return board.propose(org, account, meeting, body)

        return await act(request, org, f"Propose a motion at {meeting}", call)

    @router.post("/orgs/{org}/portal/share-links", name="portal_share")
    async def share(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            if "admin" not in account.roles(org):
                raise Refused(403, "forbidden", f"only an admin of '{org}' shares its pages")
            label = (_text(form, "label") or "shared")[:100]
            link, token = shares.create(org, label, account.username)
            base = str(request.base_url).rstrip("/")
            return {"share": link.to_json() | {"url": f"{base}/share/{token}"}}

        return await act(request, org, "Make a share link", call)

    @router.post("/orgs/{org}/portal/share-links/{link}/revoke", name="portal_unshare")
    async def unshare(request: Request, org: str, link: str) -> Response:
        def call(_form: FormData, account: Account) -> dict[str, Any]:
            if "admin" not in account.roles(org):
                raise Refused(403, "forbidden", f"only an admin of '{org}' revokes share links")
            if not shares.revoke(org, link):
                raise Refused(404, "not-found", f"no active share link '{link}'")
            return {"unshared": link}

        return await act(request, org, "Revoke a share link", call)

    @router.post("/orgs/{org}/portal/meetings/{meeting}/minutes", name="portal_keep_minutes")
    async def keep_minutes(request: Request, org: str, meeting: str) -> Response:
        def call(_form: FormData, _account: Account) -> dict[str, Any]:
            text, _ = board.minutes(org, meeting)
            kept = papers.keep(board.store, org, [text.encode()], f"minutes-{meeting}.md")
            return {"paper": {"sha256": kept.sha256, "name": kept.name, "meeting": meeting}}

        return await act(request, org, f"Keep the draft minutes of {meeting}", call)

    @router.post("/orgs/{org}/portal/motions/{motion}/votes", name="portal_vote")
    async def vote(request: Request, org: str, motion: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            body = schemas.CastVote(
                vote=_text(form, "vote") or "",
                confirm=confirmed(form),
            )
            return board.vote(org, account, motion, body)

        return await act(request, org, f"Vote on {motion}", call)

    @router.post("/orgs/{org}/portal/motions/{motion}/close", name="portal_close_motion")
    async def close_motion(request: Request, org: str, motion: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            if form.get("closing") != "yes":
                raise Refused(
                    422,
                    "confirm-close",
                    "tick 'I close this vote' to close it: closing ends the vote for everyone, "
                    "and directors who have not voted are recorded as abstaining (present) or "
                    "absent",
                )
            return board.close_motion(
                org, account, motion, schemas.Confirm(confirm=confirmed(form))
            )

        return await act(request, org, f"Close the vote on {motion}", call)

    @router.post("/orgs/{org}/portal/consents", name="portal_circulate")
    async def circulate(request: Request, org: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            spec = act_in(form, schemas.ActIn, "act_id")
            body = schemas.CirculateConsent(consent=_text(form, "consent"), acts=[spec])
            return board.circulate(org, account, body)

        return await act(request, org, "Circulate a written consent", call)

    @router.post("/orgs/{org}/portal/consents/{consent}/signatures", name="portal_sign")
    async def sign(request: Request, org: str, consent: str) -> Response:
        def call(form: FormData, account: Account) -> dict[str, Any]:
            reauthenticate(account, form)
            return board.sign(org, account, consent, schemas.Confirm(confirm=confirmed(form)))

        return await act(request, org, f"Sign {consent}", call)

    # -- the audit page --------------------------------------------------------------------------

    def trusted_key() -> Ed25519PublicKey | None:
        """The deployment's public key, if its key file exists (a GET never creates it)."""
        if not signing_key.exists():
            return None
        try:
            return load_public_key(signing_key)
        except KeyFileError:
            return None

    def audit_context(org: str, who: _Who) -> dict[str, Any]:
        if not board.store.has_org(org):
            raise Refused(404, "not-found", f"no organisation '{org}'")
        key = trusted_key()
        report = verify_log(board.store, org, trusted_key=key)
        # each stored checkpoint with its number in the store ("#3 in the store"): its download
        checks = [
            {
                "checkpoint": c.checkpoint,
                "ok": c.ok,
                "number": int(c.origin[1:].split()[0]) if c.origin.startswith("#") else None,
            }
            for c in reversed(report.checkpoints)
        ]
        roles = who.account.roles(org)
        names, tz = names_and_zone(board, org)
        return {
            "zone": tz,
            "trail": latest(board.store, org, report.size, names, tz),
            "trail_from": max(1, report.size - PAGE + 1),
            "title": f"Audit — {org}",
            "account": who.account,
            "csrf": who.csrf,
            "report": report,
            "root": report.root.hex(),
            "checks": checks,
            "latest": checks[0] if checks else None,
            # the key's place on the server is the admin's business, not every director's
            "key_file": str(signing_key) if "admin" in roles else None,
            "key_known": key is not None,
            "can_sign": bool(roles & WRITERS),
        }

    @router.get("/orgs/{org}/audit/checkpoints/{number}.json", name="audit_checkpoint")
    async def checkpoint_file(request: Request, org: str, number: int) -> Response:
        """A stored checkpoint as the file ``charter checkpoint --out`` writes: keep a copy
        elsewhere, and ``charter verify --checkpoint FILE`` checks the log against it."""
        who = session(request)
        if who is None:
            return to_log_in(request)
        try:
            member(who.account, org)
        except Refused as error:
            return message_page(request, None, error.status, "Not available", error.message)
        kept = await run_in_threadpool(board.store.checkpoints, org)
        if not 1 <= number <= len(kept):
            return message_page(request, org, 404, "No such checkpoint", f"no checkpoint #{number}")
        return Response(
            kept[number - 1].to_text(),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{org}-checkpoint-{number}.json"'
            },
        )

    @router.get("/orgs/{org}/audit", name="audit_page", response_class=HTMLResponse)
    async def audit(request: Request, org: str, done: str | None = None) -> Response:
        return await member_page(request, org, done, audit_context, "audit")

    @router.post("/orgs/{org}/audit/checkpoints", name="audit_sign")
    async def sign_checkpoint(request: Request, org: str) -> Response:
        def call(_form: FormData, account: Account) -> dict[str, Any]:
            if not account.roles(org) & WRITERS:
                raise Refused(403, "forbidden", "only a secretary or admin signs a checkpoint")
            try:
                key = load_or_create_key(signing_key)
            except KeyFileError as error:
                raise Refused(500, "key-file", str(error)) from error
            report = verify_log(board.store, org, trusted_key=key.public_key())
            if not report.ok:
                raise Refused(
                    409,
                    "log-fails-verification",
                    f"refusing to sign {org}'s log: it fails verification "
                    f"({len(report.findings)} finding(s) below)",
                )
            signed = board.store.checkpoint(org, key)
            return {
                "checkpoint": {
                    "size": signed.size,
                    "root": signed.root.hex(),
                    "timestamp": signed.timestamp,
                    "key_id": signed.key_id,
                }
            }

        return await act(request, org, "Sign a checkpoint", call, back="audit")

    # -- the account page: API tokens, two-factor log-in, password -------------------------------

    # Its forms are answered on the page itself, not redirected: a new token or a two-factor
    # secret is shown once, and kept nowhere to be shown after a redirect.

    def account_page(request: Request, who: _Who, status: int = 200, **extra: Any) -> Response:
        context = {
            "title": "Your account",
            "account": who.account,
            "csrf": who.csrf,
            "tokens": accounts.tokens_of(who.account.id),
        }
        return render(
            request, "account.html", context | extra, org=None, page="", status_code=status
        )

    def forget_tokens(request: Request) -> None:
        """Resolved API tokens kept by this server are dropped at once (the database's auth
        version tells every other server within a second)."""
        cache = getattr(request.app.state, "tokens", None)
        if cache is not None:
            cache.clear()

    @router.get("/account", name="account_page", response_class=HTMLResponse)
    async def account(request: Request) -> Response:
        who = await run_in_threadpool(session, request)
        if who is None:
            return to_log_in(request)
        return await run_in_threadpool(account_page, request, who)

    async def account_form(
        request: Request, answer: Callable[[_Who, FormData], Response]
    ) -> Response:
        """A POST to the account page: the session and CSRF token checked, then ``answer``
        (which reads and writes the accounts) in the thread pool."""
        got = await posted(request, None)
        if isinstance(got, Response):
            return got
        return await run_in_threadpool(answer, *got)

    @router.post("/account/tokens", name="account_new_token")
    async def new_token(request: Request) -> Response:
        def answer(who: _Who, form: FormData) -> Response:
            try:
                label = schemas.TokenRequest(label=_text(form, "label") or "script").label
            except ValidationError:
                return account_page(request, who, 422, error="a token's label is 1-100 characters")
            token = accounts.issue_token(who.account.id, label)
            return account_page(request, who, new_token=token)

        return await account_form(request, answer)

    @router.post("/account/tokens/{ident}/revoke", name="account_revoke_token")
    async def revoke_token(request: Request, ident: str) -> Response:
        def answer(who: _Who, _form: FormData) -> Response:
            if not accounts.revoke_token(who.account.id, ident):
                return account_page(request, who, 404, error=f"you have no API token '{ident}'")
            forget_tokens(request)
            return account_page(request, who, message=f"API token {ident} revoked.")

        return await account_form(request, answer)

    @router.post("/account/totp", name="account_totp")
    async def start_totp(request: Request) -> Response:
        def answer(who: _Who, form: FormData) -> Response:
            password, code = _secret(form, "password"), _text(form, "totp")
            if not accounts.reauthenticate(who.account.id, password, code):
                error = "Wrong password or two-factor code: the second factor is unchanged."
                return account_page(request, who, 403, error=error)
            secret = accounts.start_totp(who.account.id)
            uri = accounts.totp_uri(who.account.username, secret)
            qr = totp_qr(uri)
            return account_page(request, who, totp_secret=secret, totp_uri=uri, totp_qr=qr)

        return await account_form(request, answer)

    @router.post("/account/totp/confirm", name="account_totp_confirm")
    async def confirm_totp(request: Request) -> Response:
        def answer(who: _Who, form: FormData) -> Response:
            if not accounts.confirm_totp(who.account.id, _text(form, "code") or ""):
                error = "That code does not match the pending secret."
                return account_page(request, who, 422, error=error)
            forget_tokens(request)
            fresh = _Who(account=accounts.by_id(who.account.id) or who.account, csrf=who.csrf)
            return account_page(request, fresh, message="Two-factor log-in is on.")

        return await account_form(request, answer)

    @router.post("/account/password", name="account_password")
    async def change_password(request: Request) -> Response:
        def answer(who: _Who, form: FormData) -> Response:
            try:
                body = schemas.PasswordChange(old=_secret(form, "old"), new=_secret(form, "new"))
            except ValidationError:
                error = "The new password needs at least 12 characters."
                return account_page(request, who, 422, error=error)
            if not accounts.set_password(who.account.id, body.old, body.new):
                return account_page(request, who, 403, error="The old password is wrong.")
            forget_tokens(request)
            return message_page(
                request,
                None,
                200,
                "Password changed",
                "Every session was logged out, this one too: log in again with the new password.",
            )

        return await account_form(request, answer)

    return router


__all__: Sequence[str] = ("PORTAL_NAV", "create_portal_router", "default_key_file")
