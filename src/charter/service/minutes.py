"""Minutes of a served organisation's meeting: the record's journal with what the service kept
of the call (who called it and when, the place or link, the agenda and its papers, e-mail
notices that were not delivered), drafted by :mod:`charter.report.minutes`."""

from __future__ import annotations

import datetime as dt

from fastapi import Response

from charter.model.journal import Document
from charter.report.minutes import AgendaEntry, CallRecord, Minutes, NoSuchMeeting, draft_minutes
from charter.report.minutes_render import minutes_html, minutes_pdf
from charter.service.errors import Refused
from charter.service.org_view import MeetingInfo, OrgView


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def call_record(info: MeetingInfo) -> CallRecord:
    return CallRecord(
        called_at=_time(info.called_at),
        called_by=tuple(info.called_by or ()),
        scheduled_at=_time(info.scheduled_at),
        purpose=info.purpose,
        place=info.place,
        remote=info.remote,
        agenda=tuple(
            AgendaEntry(
                title=item.get("title", ""),
                text=item.get("text", ""),
                documents=tuple(Document.model_validate(d) for d in item.get("documents", [])),
            )
            for item in info.agenda
        ),
        undelivered=tuple(
            (n["person"], n.get("detail") or n["status"]) for n in info.notices if n.get("status")
        ),
    )


def draft(view: OrgView, meeting: str) -> Minutes:
    info = view.meetings.get(meeting)
    try:
        return draft_minutes(
            view.case, view.timeline, meeting, call_record(info) if info is not None else None
        )
    except NoSuchMeeting as error:
        raise Refused(404, "not-found", str(error)) from error


def minutes_response(drafted: tuple[str, str], fmt: str) -> Response:
    """The draft (its Markdown and title) as the HTTP answer in ``fmt``."""
    text, title = drafted
    if fmt == "md":
        return Response(text, media_type="text/markdown; charset=utf-8")
    page = minutes_html(text, title)
    if fmt == "html":
        return Response(
            page,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
        )
    return Response(
        minutes_pdf(page),
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="minutes.pdf"'},
    )
