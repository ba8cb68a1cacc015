"""Bylaw rules: small, pure, named functions ``(ActContext) -> list[Check]``.

They are composed here in explicit, ordered lists per form of action (STYLE.md §9): no metaclass
registry, and the replay fold knows no rule by name - it asks :func:`rules_for`.
"""

from __future__ import annotations

from collections.abc import Callable

from charter.rules.amendment import amendment
from charter.rules.authority import authority, subject
from charter.rules.base import ActContext, Check, Form
from charter.rules.consent import consent
from charter.rules.meeting import called_by, deception, remote_presence
from charter.rules.notice import notice
from charter.rules.quorum import quorum
from charter.rules.recusal import recusal
from charter.rules.resignation import resignation
from charter.rules.structure import (
    advance_notice,
    committee_act,
    holder_consent,
    holder_election,
    holders_authority,
    holders_threshold,
    observer_notice,
    structure_authority,
)
from charter.rules.threshold import disregarded, threshold

Rule = Callable[[ActContext], list[Check]]

AT_A_MEETING: tuple[Rule, ...] = (
    committee_act,
    authority,
    subject,
    amendment,
    called_by,
    notice,
    remote_presence,
    quorum,
    recusal,
    threshold,
    disregarded,
    deception,
    holder_consent,
    observer_notice,
)
WITHOUT_A_MEETING: tuple[Rule, ...] = (
    committee_act,
    authority,
    subject,
    amendment,
    consent,
    recusal,
    disregarded,
    holder_consent,
)
RESIGNATION: tuple[Rule, ...] = (resignation,)
STRUCTURE: tuple[Rule, ...] = (structure_authority, advance_notice)
HOLDER_ELECTION: tuple[Rule, ...] = (holder_election,)
HOLDERS_VOTE: tuple[Rule, ...] = (holders_authority, amendment, holders_threshold)


def rules_for(form: Form) -> tuple[Rule, ...]:
    return AT_A_MEETING if form == "meeting" else WITHOUT_A_MEETING


def apply(rules: tuple[Rule, ...], ctx: ActContext) -> list[Check]:
    checks: list[Check] = []
    for rule in rules:
        checks.extend(rule(ctx))
    return checks


__all__ = ["RESIGNATION", "ActContext", "Check", "Rule", "apply", "rules_for"]
