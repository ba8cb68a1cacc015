"""``charter serve --demo``: the bundled OpenAI case in an embedded store, with an account for
every person of the case (username = person id), its observer, a secretary and an admin; and
the casebook's court decisions beside it (``casebook-NAME``), which every demo account may read
(observer), so the Timeline page opens any of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter.load.case import load_case
from charter.model.kinds import View
from charter.model.source import LoadFailed
from charter.replay import replay
from charter.service.accounts import Accounts, Role
from charter.store.db import EventStore
from charter.store.journal_io import import_case

DEMO_ORG = "openai-2023"
OBSERVERS = ("microsoft",)
"""Microsoft took a non-voting observer seat on 29 November 2023 (the case's journal)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoAccount:
    username: str
    role: Role
    person: str | None
    seated: bool
    """A director of the board now, per the replayed record (a person's role is derived)."""
    password: str | None
    """None when the account already existed (its password was printed when it was made)."""


CASEBOOK_PREFIX = "casebook-"


def setup_demo(
    store: EventStore, accounts: Accounts, case_dir: Path, casebook: Sequence[Path] = ()
) -> list[DemoAccount]:
    """Import the case and the casebook's cases (once) and create the demo accounts that do
    not exist yet."""
    case, diagnostics = load_case(case_dir)
    if case is None:
        raise LoadFailed(diagnostics)
    if not store.has_org(DEMO_ORG):
        import_case(store, case, DEMO_ORG)
    readable: list[str] = []
    for book_dir in casebook:
        org = CASEBOOK_PREFIX + book_dir.name
        readable.append(org)
        if store.has_org(org):
            continue
        decided, problems = load_case(book_dir)
        if decided is None:
            raise LoadFailed(problems)
        import_case(store, decided, org)
    wanted: list[tuple[str, Role, str | None]] = [
        (p.id, "director", p.id) for p in case.charter.people
    ]
    wanted += [(o, "observer", None) for o in OBSERVERS]
    wanted += [("secretary", "secretary", None), ("admin", "admin", None)]
    now = replay(case).state_at(dt.datetime.now(dt.UTC), View.DE_FACTO)
    made = []
    for username, role, person in wanted:
        password = None
        if accounts.by_username(username) is None:
            _, password = accounts.create(username, email=f"{username}@demo.invalid")
            accounts.grant(username, DEMO_ORG, role, person)
            for org in readable:
                accounts.grant(username, org, "observer", None)
        seated = person is not None and person in now.directors
        made.append(
            DemoAccount(
                username=username, role=role, person=person, seated=seated, password=password
            )
        )
    return made
