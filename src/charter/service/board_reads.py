"""The board's reads: acts and verdicts under any profile, the state at a time, what is
pending, a person's inbox, draft minutes, the journal and voting power.

Why a mixin of :class:`charter.service.board.Board`: reads share the board's views (the
commit pipeline's snapshots) but decide nothing; kept apart from the operations so that each
reads alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from charter.load.profiles import load_profile, shipped_profiles
from charter.model.kinds import ActKind, View
from charter.power.board import board_power
from charter.replay import replay
from charter.report.minutes import minutes_markdown
from charter.report.terminal import human_time
from charter.service.accounts import Account
from charter.service.errors import Refused
from charter.service.minutes import draft
from charter.service.verdicts import verdict_json


class BoardReads:
    """What the API and the pages read (mixed into ``Board``)."""

    def acts(self, org: str, bylaws: str | None) -> dict[str, Any]:
        view = self.view(org)
        timeline = view.timeline
        if bylaws is not None:
            profile = view.case.profiles.get(bylaws)
            if profile is None and bylaws in shipped_profiles():
                profile, _ = load_profile(bylaws)
            if profile is None:
                known = sorted(set(shipped_profiles()) | set(view.case.profiles))
                raise Refused(
                    422,
                    "unknown-profile",
                    f"unknown bylaws profile '{bylaws}' (known: {', '.join(known)})",
                )
            timeline = replay(view.case, bylaws=profile)
        return {
            "org": org,
            "profile": timeline.profile,
            "acts": [verdict_json(v) for v in timeline.verdicts],
        }

    def state_json(self, org: str, at: dt.datetime | None, view_kind: View) -> dict[str, Any]:
        view = self.view(org)
        when = (
            self.now(view)
            if at is None
            else (at if at.tzinfo is not None else at.replace(tzinfo=view.tz))
        )
        data = view.timeline.state_at(when, view_kind).to_json()
        data["view"] = view_kind.value
        data["profile"] = view.timeline.profile
        return data

    def pending(self, org: str) -> dict[str, Any]:
        view = self.view(org)
        return {
            "org": org,
            "meetings": [m.to_json() for m in view.meetings.values()],
            "motions": [m.to_json() for m in view.motions.values()],
            "consents": {c: list(s) for c, s in view.consents.items()},
        }

    def inbox(self, org: str, account: Account) -> dict[str, Any]:
        """What waits for this account's person in ``org``, and what was decided lately: the
        meetings called or open that they have not joined, the open motions they have not voted
        on, the consents circulating they have not signed; then the last acts with their
        verdicts.  A deadline is shown where the record has one (a meeting's time); consents
        and votes have none in the record."""
        view = self.view(org)
        now = self.now(view)
        person = account.person(org)
        state = self.state(view, now)
        todo: list[dict[str, Any]] = []
        if person is not None and person in state.directors:
            for m in view.meetings.values():
                if not m.closed and person not in m.present:
                    todo.append(
                        {
                            "kind": "attend",
                            "id": m.id,
                            "what": f"{m.type} meeting {m.id}",
                            "purpose": m.purpose,
                            "when": m.scheduled_at,
                            "when_label": human_time(
                                dt.datetime.fromisoformat(m.scheduled_at), view.tz
                            )
                            if m.scheduled_at
                            else None,
                        }
                    )
            for motion in view.motions.values():
                if not motion.closed and person not in motion.votes:
                    spec = motion.spec
                    subject = spec.get("subject") or {}
                    who = view.name(subject["person"]) if subject.get("person") else None
                    office = subject.get("office")
                    about = " ".join(
                        str(x)
                        for x in (spec.get("act"), who, f"as {office}" if office else "")
                        if x
                    )
                    todo.append(
                        {
                            "kind": "vote",
                            "id": motion.id,
                            "what": about,
                            "meeting": motion.meeting,
                            "when": None,
                        }
                    )
            for consent, signers in view.consents.items():
                complete = bool(state.directors) and state.directors <= set(signers)
                if not complete and person not in signers:
                    what = f"written consent {consent}"
                    todo.append({"kind": "sign", "id": consent, "what": what, "when": None})
        decided = [
            {
                "id": v.id,
                "kind": v.kind.value,
                "status": v.status.value,
                "declared": v.declared,
                "at": v.at.isoformat(),
            }
            for v in reversed(view.timeline.verdicts[-5:])
        ]
        return {"org": org, "person": person, "todo": todo, "decided": decided}

    def minutes(self, org: str, meeting: str) -> tuple[str, str]:
        """The draft minutes of ``meeting`` (Markdown) and their title."""
        view = self.view(org)
        drafted = draft(view, meeting)
        text = minutes_markdown(drafted, drafted=self.now(view))
        return text, f"Minutes of {meeting}: {drafted.org_title}"

    def journal(self, org: str) -> str:
        from charter.load.canonical import format_entries

        view = self.view(org)
        return format_entries(view.case.name, view.case.entries)

    def power(self, org: str, at: dt.datetime | None, acts: Sequence[ActKind]) -> dict[str, Any]:
        view = self.view(org)
        when = (
            self.now(view)
            if at is None
            else (at if at.tzinfo is not None else at.replace(tzinfo=view.tz))
        )
        state = view.timeline.state_at(when, View.DE_JURE)
        chosen = list(acts) or [ActKind.REMOVE_OFFICER, ActKind.REMOVE_DIRECTOR]
        return {
            "org": org,
            "at": when.isoformat(),
            "directors": sorted(state.directors),
            "acts": [p.to_json() for p in board_power(state, when, chosen)],
        }
