"""The board's previews: what an act at a meeting would be worth if a form were sent now, under
the bylaws in force and every shipped profile (:mod:`charter.service.preview` judges; this says
what each form would record).  Nothing is recorded.

Why a mixin of :class:`charter.service.board.Board`: a preview builds exactly the events the
operation would record, with the operation's own helpers (``_opening``, ``_notices_judged``,
``_spec`` ...), so the two cannot drift apart; kept in a module of its own so that each reads
alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from charter.model.journal import Event, Notice
from charter.model.kinds import Channel
from charter.service import preview, schemas
from charter.service.accounts import Account
from charter.service.org_view import OrgView

UNSET = dt.timedelta(days=30)
"""When a meeting's time is not set, a preview holds it this much later: after any notice
period a profile asks for (the longest shipped is days, not weeks)."""


class BoardPreviews:
    """Previews of the call, notices, opening, proposal and close (mixed into ``Board``)."""

    def preview_open(
        self, org: str, account: Account, meeting: str, body: schemas.OpenMeeting
    ) -> dict[str, Any]:
        view = self.view(org)
        event, info = self._opening(view, account, meeting, body)
        judged = self._opening_judged(view, event, info, every_profile=True)
        return _preview_json(view, judged, "an ordinary act at the meeting once opened so")

    def preview_notices(
        self, org: str, account: Account, meeting: str, body: schemas.SendNotices
    ) -> dict[str, Any]:
        view = self.view(org)
        judged = self._notices_judged(view, account, meeting, body, every_profile=True)
        info, to = self._notice_plan(view, account, meeting, body)
        left_out = self._left_out(view, info, to)
        return _preview_json(
            view,
            judged,
            "an act at the meeting at its time, after these notices, with the directors noticed "
            "present",
        ) | {"to": to, "left_out": left_out}

    def preview_call(self, org: str, account: Account, body: schemas.CallMeeting) -> dict[str, Any]:
        """The meeting as called, noticed now to every director by e-mail and held at its
        time with all of them present: what the call itself decides (who may call it, the
        time left for notice)."""
        view = self.view(org)
        now = self.now(view)
        callers = tuple(body.called_by) if body.called_by else (account.person(org) or "unknown",)
        held = body.at.astimezone(view.tz) if body.at else now + UNSET
        held = max(held, now + dt.timedelta(microseconds=1))
        directors = sorted(self.state(view, now).directors)
        meeting = body.meeting or "preview-meeting"
        notices: list[tuple[Event, dt.datetime]] = [
            (
                Notice(
                    kind="notice",
                    at=now,
                    meeting=meeting,
                    to=(p,),
                    channel=Channel.EMAIL,
                    by=account.person(org) or "unknown",
                    purpose_stated=bool(body.purpose),
                ),
                now,
            )
            for p in directors
        ]
        opened = preview.opened_for_probe(
            meeting,
            held,
            directors,
            type=body.type,
            called_by=tuple(c for c in callers if c != "unknown") or "unknown",
            notices="complete",
            remote=body.remote,
        )
        judged = preview.judge_everywhere(
            view.case,
            view.size,
            [*notices, (opened, held)],
            preview.ordinary_act(meeting, held + dt.timedelta(microseconds=1), directors),
            in_force=view.timeline.profile,
        )
        return _preview_json(
            view,
            judged,
            "an act at the meeting at its time, noticed now to every director, all present",
        )

    def preview_propose(
        self, org: str, account: Account, meeting: str, body: schemas.ProposeMotion
    ) -> dict[str, Any]:
        view = self.view(org)
        now = self.now(view)
        info = self._meeting(view, meeting, open_=True)
        spec = self._spec(view, body, body.id or "preview-probe")
        probe = preview.proposed_act(spec, meeting, now, info.present)
        judged = preview.judge_everywhere(
            view.case, view.size, [], probe, in_force=view.timeline.profile, families=None
        )
        return _preview_json(view, judged, "the motion, if every director present votes for it")

    def preview_close(self, org: str, account: Account, motion: str) -> dict[str, Any]:
        view = self.view(org)
        now = self.now(view)
        state = self.state(view, now)
        info = self._open_motion(view, motion)
        meeting = self._meeting(view, info.meeting, open_=True)
        votes = dict(info.votes)
        for person in sorted(state.directors):
            if person not in votes:
                votes[person] = "abstain" if person in meeting.present else "absent"
        event = self._motion_event(view, info, votes, now, "adopted")
        judged = preview.judge_everywhere(
            view.case, view.size, [], event, in_force=view.timeline.profile, families=None
        )
        return _preview_json(view, judged, "the motion, closed now with the votes cast so far")


def _preview_json(view: OrgView, judged: Sequence[preview.Judged], probe: str) -> dict[str, Any]:
    return {
        "recorded": [],
        "probe": probe,
        "in_force": view.timeline.profile,
        "profiles": [j.to_json() for j in judged],
    }
