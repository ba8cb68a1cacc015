"""The web UI's pages (charter.web) mounted into the service, over the organisations of the store.

Why a source over the store: the pages are read-only views of a :class:`Case`; here the case is
the one the service rebuilt from the organisation's log (live acts included), so the Timeline page
shows the verdicts of votes taken through the service.  Pages need a log-in like the API: a
session or token with a role in the organisation (``/orgs`` lists only those).
"""

from __future__ import annotations

from fastapi import Request

from charter.model.case import Case
from charter.model.source import Diagnostic
from charter.service.board import Board
from charter.service.deps import principal
from charter.service.errors import LogInFirst, Refused
from charter.service.share_links import COOKIE as SHARE_COOKIE
from charter.service.share_links import SHARED_PAGES, ShareLinks
from charter.store.journal_io import waterfall_of
from charter.web.source import WaterfallText


class StoreCaseSource:
    """A :class:`charter.web.CaseSource` over the service's board (and so over the store)."""

    def __init__(self, board: Board) -> None:
        self.board = board

    def orgs(self) -> list[str]:
        return self.board.orgs()

    def case(self, org: str) -> tuple[Case | None, list[Diagnostic]]:
        try:
            return self.board.view(org).case, []
        except Refused as error:
            if error.status == 404:
                raise KeyError(org) from error
            raise

    def waterfall(self, org: str, name: str | None = None) -> WaterfallText | None:
        """The waterfall imported with the case travels in the log's charter record (the later
        eras' files beside it)."""
        try:
            records = self.board.view(org).records
        except Refused:
            return None
        found = waterfall_of(records, name)
        if found is None:
            return None
        name, text = found
        return WaterfallText(label=f"store:{org}/{name}", text=text)


def page_access(request: Request) -> None:
    """Pages need a log-in; a page about an organisation needs a role in it.  A browser without
    a session is sent to the log-in page and back here after (not shown a JSON error)."""
    if request.url.path.startswith("/static/web/"):
        return  # the style sheet and htmx: the log-in page needs them before anyone logs in
    try:
        who = principal(request)
    except Refused as error:
        if error.status == 401 and _shared(request):
            request.state.account = None  # a reader by a share link: no account, no form
            request.state.shared = True
            return
        if error.code == "change-password" and "text/html" in request.headers.get("accept", ""):
            raise LogInFirst("/account", change_password=True) from error
        if error.status == 401 and "text/html" in request.headers.get("accept", ""):
            query = f"?{request.url.query}" if request.url.query else ""
            raise LogInFirst(request.url.path + query) from error
        raise
    request.state.account = who.account  # the pages list only the viewer's organisations
    request.state.csrf = who.csrf  # for the log-out form every page carries
    org = request.path_params.get("org")
    if org is not None and not who.account.roles(str(org)):
        raise Refused(403, "forbidden", f"you have no role in organisation '{org}'")


def _shared(request: Request) -> bool:
    """Whether an active share link opens this page: one of the public pages of the
    organisation the link names (checked on every request, so a revoked link opens nothing)."""
    org = request.path_params.get("org")
    page = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    if org is None or page not in SHARED_PAGES:
        return False
    token = request.cookies.get(SHARE_COOKIE, "")
    links: ShareLinks = request.app.state.share_links
    return bool(token) and links.resolve(token) == str(org)
