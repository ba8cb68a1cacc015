"""Names that appear in files and JSON: act kinds, votes, channels, verdicts."""

from __future__ import annotations

from enum import StrEnum


class ActKind(StrEnum):
    REMOVE_OFFICER = "remove-officer"
    APPOINT_OFFICER = "appoint-officer"
    REMOVE_DIRECTOR = "remove-director"
    ELECT_DIRECTOR = "elect-director"
    FILL_VACANCY = "fill-vacancy"
    REMOVE_CHAIR = "remove-chair"
    ELECT_CHAIR = "elect-chair"
    CHANGE_BOARD_SIZE = "change-board-size"
    AMEND_BYLAWS = "amend-bylaws"
    DETERMINE_AGI = "determine-agi"
    APPROVE_TRANSACTION = "approve-transaction"
    APPROVE_MINUTES = "approve-minutes"
    RESIGN = "resign"
    RESTRUCTURE = "restructure"
    """A structural change (a conversion, a recapitalization, a right over a board ...): judged
    by the act that authorised it, not by a vote of its own."""


BOARD_ACTS: tuple[ActKind, ...] = tuple(
    k for k in ActKind if k not in (ActKind.RESIGN, ActKind.APPROVE_MINUTES, ActKind.RESTRUCTURE)
)
"""The acts whose power is analysed by default: approving minutes passes as any ordinary act
does, and a row for it would only repeat the ordinary majority's."""
NEEDS_PERSON: frozenset[ActKind] = frozenset(
    {
        ActKind.REMOVE_OFFICER,
        ActKind.APPOINT_OFFICER,
        ActKind.REMOVE_DIRECTOR,
        ActKind.ELECT_DIRECTOR,
        ActKind.FILL_VACANCY,
        ActKind.ELECT_CHAIR,
    }
)
"""Acts whose subject names a person (the loader and the service both refuse one without)."""
NEEDS_OFFICE: frozenset[ActKind] = frozenset({ActKind.REMOVE_OFFICER, ActKind.APPOINT_OFFICER})
"""Acts whose subject names an office."""


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    RECUSED = "recused"
    ABSENT = "absent"  # known not to have taken part (did not vote, did not sign)
    UNKNOWN = "unknown"


CAST_VOTES = frozenset({Vote.FOR, Vote.AGAINST, Vote.ABSTAIN})
"""The votes that were cast (a set: naming enum members inside a per-voter loop costs a look-up
each, in Python 3.11 as much as the rest of the loop's work)."""


class Channel(StrEnum):
    PERSONAL = "personal"
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"
    VIDEO = "video"
    MAIL = "mail"
    COURIER = "courier"
    UNKNOWN = "unknown"


class Status(StrEnum):
    VALID = "valid"
    VALID_WITH_WARNINGS = "valid_with_warnings"
    CONDITIONAL = "conditional"
    VOIDABLE = "voidable"
    VOID = "void"
    FAILED = "failed"


class Severity(StrEnum):
    """What a failure of a check means for the act."""

    FAILED = "failed"  # the act was not adopted: a vote that fell short, a consent never completed
    VOID = "void"
    VOIDABLE = "voidable"
    WARNING = "warning"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"


class View(StrEnum):
    DE_JURE = "de-jure"
    DE_FACTO = "de-facto"
