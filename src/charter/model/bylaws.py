"""A bylaws profile: every rule the engine applies is a parameter here, with its citation.

Nothing about quorum, notice or thresholds is hard-coded in the rules; a rule reads the profile
in force at the act's time (parameters have history: only a valid ``amend-bylaws`` act changes
them).  Profiles are composed of small strategy objects, one per concern, as in STYLE.md §10.
"""

from __future__ import annotations

import difflib
import functools
import math
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from charter.model.kinds import ActKind, Channel

Base = Literal["cast", "present", "in-office", "authorized"]
Body = Literal["board", "members", "stockholders"]
Kind = Literal["stock", "nonstock", "none"]
"""What the profile governs: a Delaware stock or nonstock corporation (the DGCL's floors apply,
``charter.model.floors``), or a body under no statute (Robert's Rules): no floors."""
Origin = Literal["certificate", "bylaws"]
"""Where a provision that departs from the statute's default is written.  Some departures only
a nonstock corporation's certificate may make (DGCL §141(j)); stated in the bylaws, they stand
only if the certificate authorises them, which the record must show."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@functools.lru_cache(maxsize=256)
def checked_fraction(text: str) -> str:
    """``text`` if it is a fraction in (0, 1] a vote can be asked (for a field validator)."""
    try:
        value, _ = parse_fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            "a fraction: majority, two-thirds, unanimous, N/D or more-than N/D"
        ) from None
    if not 0 < value <= 1:
        raise ValueError("a fraction in (0, 1]")
    return text


def parse_fraction(text: str) -> tuple[Fraction, bool]:
    """'majority' -> (1/2, strict); 'two-thirds' -> (2/3, at least); 'unanimous' -> (1, at least);
    'N/D' -> at least N/D; 'more-than N/D' -> strictly more than N/D.

    Remembered: a threshold is read on every vote, and a profile names few fractions."""
    words = {"majority": (Fraction(1, 2), True), "two-thirds": (Fraction(2, 3), False)}
    words["unanimous"] = (Fraction(1), False)
    if text in words:
        return words[text]
    strict = text.startswith("more-than ")
    body = text.removeprefix("more-than ").strip()
    value = Fraction(body)
    return value, strict


def _check_fraction(value: str) -> str:
    try:
        frac, _ = parse_fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            f"'{value}' is not a fraction | use majority, two-thirds, unanimous, "
            "'N/D' (at least) or 'more-than N/D'"
        ) from None
    if not 0 < frac <= 1:
        raise ValueError(f"'{value}' is outside (0, 1] | a fraction of a body is between 0 and 1")
    return value


@functools.lru_cache(maxsize=1024)
def required_count(fraction: str, total: int) -> int:
    """The smallest count that satisfies ``fraction`` of ``total`` (majority of 6 -> 4).
    Remembered, as :func:`parse_fraction` is: asked on every vote with the same board."""
    frac, strict = parse_fraction(fraction)
    exact = frac * total
    if strict:
        return math.floor(exact) + 1
    return math.ceil(exact)


class Threshold(_Frozen):
    """A voting threshold is a pair: a fraction and the base it is a fraction of."""

    fraction: str = "majority"
    base: Base = "present"
    source: Origin = "bylaws"
    citation: str = ""
    among: Literal["all", "non-officers"] = "all"
    """The part of the board the base counts, and whose votes count: ``non-officers`` for a
    threshold over the non-employee directors, read as the directors who hold no office (an
    employee who is not an officer is not in the record)."""

    _v = field_validator("fraction")(lambda cls, v: _check_fraction(v))

    def describe(self) -> str:
        base = {
            "cast": "votes cast",
            "present": "directors present",
            "in-office": "directors in office",
            "authorized": "authorized seats",
        }[self.base]
        if self.among == "non-officers":
            base = base.replace("directors", "directors holding no office")
            if self.base in ("cast", "authorized"):
                base += " of the directors holding no office"
        return f"{self.fraction} of {base}"


class Quorum(_Frozen):
    base: Literal["authorized", "in-office"] = "authorized"
    fraction: str = "majority"
    floor: int = Field(default=1, ge=0, description="never fewer than this many directors")
    withdrawal: Literal["lost", "continue-if-majority-of-quorum", "continue"] = "lost"
    remote_counts: bool = True
    source: Origin = "bylaws"
    citation: str = ""

    _v = field_validator("fraction")(lambda cls, v: _check_fraction(v))


class Removal(_Frozen):
    by: tuple[Body, ...] = ("board",)
    threshold: Threshold | None = None
    holders_fraction: str = "majority"
    """The share of the voting power entitled to vote that stockholders (or members) need to
    act: removal of a stock corporation's directors is by a majority (DGCL §141(k)), which no
    bylaw raises (Frechter v. Zier)."""

    @field_validator("holders_fraction")
    @classmethod
    def _holders_fraction(cls, text: str) -> str:
        return checked_fraction(text)

    subject_may_vote: bool = True
    citation: str = ""


class SpecialMeetings(_Frozen):
    callers: tuple[str, ...] = ()
    """Offices or roles that may call one alone: chair, ceo, president, secretary, any-director."""
    directors_together: int = Field(default=0, ge=0)
    """That many directors together may call one (0: not allowed)."""
    citation: str = ""


class NoticeRule(_Frozen):
    required: bool = True
    to: Literal["all-directors"] = "all-directors"
    lead_time_hours: dict[Channel, float] = Field(default_factory=dict)
    purpose_required: bool = False
    citation: str = ""


class Notice(_Frozen):
    special: NoticeRule = NoticeRule()
    regular: NoticeRule = NoticeRule(required=False)


class Waiver(_Frozen):
    by_attendance: bool = True
    objection: Literal["at-start", "at-start-and-not-voting-for", "none"] = "at-start"
    in_writing: bool = True
    citation: str = ""


class RemotePresence(_Frozen):
    allowed: bool = True
    citation: str = ""


class WrittenConsent(_Frozen):
    allowed: bool = True
    threshold: Threshold = Threshold(fraction="unanimous", base="in-office")
    signers_at_least_quorum: bool = True
    in_writing: bool = True
    max_delay_days: int | None = Field(default=60, ge=0)
    source: Origin = "bylaws"
    citation: str = ""


class Recusal(_Frozen):
    interested_must_recuse: bool = False
    interested_count_for_quorum: bool = True
    disinterested_majority_safe_harbour: bool = True
    citation: str = ""


class Resignation(_Frozen):
    effective: Literal["on-delivery-unless-later"] = "on-delivery-unless-later"
    oral_at_meeting: bool = True
    citation: str = ""


class Vacancies(_Frozen):
    filled_by: Body = "board"
    below_quorum: bool = True
    threshold: Threshold = Threshold(fraction="majority", base="in-office")
    citation: str = ""


class Deception(_Frozen):
    severity: Literal["void", "voidable"] = "voidable"
    citation: str = ""


class Equity(_Frozen):
    """How an equitable claim against a voidable act is lost: by the claimant's acquiescence,
    or by a challenge brought later than ``laches_days`` after the act (None: no such limit).
    A void act is beyond both."""

    acquiescence: bool = True
    laches_days: int | None = Field(default=None, ge=0)
    citation: str = ""


class Bylaws(_Frozen):
    """One bylaws profile.  ``thresholds`` maps act kinds to thresholds; ``default`` applies to
    the rest."""

    profile: str
    title: str = ""
    description: str = ""
    extends: str | None = None
    kind: Kind = "stock"
    """Not given: a stock corporation, whose floors are the strictest."""
    quorum: Quorum = Quorum()
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    director_removal: Removal = Removal(by=("stockholders",))
    officer_removal: Removal = Removal()
    director_election: Removal = Removal(by=("stockholders",))
    special_meetings: SpecialMeetings = SpecialMeetings()
    notice: Notice = Notice()
    waiver: Waiver = Waiver()
    remote_presence: RemotePresence = RemotePresence()
    written_consent: WrittenConsent = WrittenConsent()
    action_without_meeting: WrittenConsent = WrittenConsent(allowed=False)
    recusal: Recusal = Recusal()
    resignation: Resignation = Resignation()
    vacancies: Vacancies = Vacancies()
    deception: Deception = Deception()
    equity: Equity = Equity()

    @field_validator("thresholds")
    @classmethod
    def _known_acts(cls, value: dict[str, Threshold]) -> dict[str, Threshold]:
        allowed = {k.value for k in ActKind} | {"default"}
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                guess = close[0] if close else None
                hint = f"did you mean '{guess}'?" if guess else "use an act kind or 'default'"
                raise ValueError(f"unknown act kind '{key}' | {hint}")
        return value

    def threshold_for(self, act: ActKind) -> Threshold:
        if act.value in self.thresholds:
            return self.thresholds[act.value]
        if act is ActKind.REMOVE_DIRECTOR and self.director_removal.threshold is not None:
            return self.director_removal.threshold
        if act is ActKind.REMOVE_OFFICER and self.officer_removal.threshold is not None:
            return self.officer_removal.threshold
        if act is ActKind.ELECT_DIRECTOR and self.director_election.threshold is not None:
            return self.director_election.threshold
        default = self.thresholds.get("default")
        return default if default is not None else Threshold()  # built only when needed


def apply_amendment(bylaws: Bylaws, settings: dict[str, Any]) -> tuple[Bylaws | None, str | None]:
    """Set dotted parameters (``quorum.fraction``) on a profile; (None, why) if invalid."""
    data = bylaws.model_dump(mode="json")
    for dotted, value in settings.items():
        parts = dotted.split(".")
        if parts[0] == "kind" or parts[-1] == "source":
            # What the corporation is, and what its certificate provides, are not the bylaws'
            # to change: a board that amends its bylaws amends neither.
            return None, (
                f"'{dotted}' cannot be changed by amending the bylaws: it says what the "
                "corporation is or what its certificate of incorporation provides"
            )
        node: Any = data
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node:
                return None, f"no bylaws parameter '{dotted}'"
            node = node[part]
        if not isinstance(node, dict) or (parts[-1] not in node and parts[0] != "thresholds"):
            return None, f"no bylaws parameter '{dotted}'"
        node[parts[-1]] = value
    try:
        return Bylaws.model_validate(data), None
    except ValidationError as exc:
        # The first line of str(exc) is only "1 validation error for Bylaws": say which
        # parameter and why, without the " | hint" suffix of our own validators.
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ").split(" | ")[0]
        return None, f"{where}: {msg}"
