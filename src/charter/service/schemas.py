"""Request bodies of the HTTP API: strict (unknown fields are refused), bounded, typed.

Why strict: a misspelt ``confrim: true`` must not silently record a defective act unconfirmed
or confirmed; every body rejects what it does not know with a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from charter.model.kinds import ActKind
from charter.service.mail import one_address

IDENT_MAX = 80
IDENT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
"""What an id of a meeting, motion, consent or person may be, wherever it comes from (a body
field, a path of the API, a path of the portal): the one rule both edges apply."""
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def ident_problem(value: str) -> str | None:
    """Why ``value`` is not an id (:data:`IDENT_PATTERN`, at most :data:`IDENT_MAX`
    characters), or None if it is one.  ``fullmatch``: ``$`` would let a trailing newline by."""
    if not value or len(value) > IDENT_MAX:
        return f"an id is 1 to {IDENT_MAX} characters"
    if _IDENT.fullmatch(value) is None:
        return "an id is letters, digits, '.', '_' and '-', starting with a letter or digit"
    return None


Ident = Annotated[
    str,
    StringConstraints(min_length=1, max_length=IDENT_MAX, pattern=IDENT_PATTERN),
]
Text = Annotated[str, StringConstraints(max_length=5000)]


def _plausible(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError("a time between the years 1900 and 2999")
    return value


When = Annotated[dt.datetime, AfterValidator(_plausible)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
"""A number the log can hold: JSON has no NaN or infinity (``1e999`` parses as infinity), so
the canonical encoder refuses them; refused here, with the field named, before any decision."""
Channel = Literal["email", "personal", "phone", "text", "video", "mail", "courier"]
VoteValue = Literal["for", "against", "abstain", "recused"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Login(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    totp: Annotated[str, StringConstraints(max_length=10)] | None = None


class PasswordChange(Body):
    old: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    new: Annotated[str, StringConstraints(min_length=12, max_length=1000)]


class Reauth(Body):
    """The password again (and the current code, where two-factor log-in is on)."""

    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    totp: Annotated[str, StringConstraints(max_length=10)] | None = None


class TotpCode(Body):
    code: Annotated[str, StringConstraints(min_length=6, max_length=10)]


class TokenRequest(Body):
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)] = "script"


class NewAccount(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    role: Literal["director", "secretary", "observer", "admin"]
    person: Ident | None = None
    email: Annotated[str, StringConstraints(max_length=320), AfterValidator(one_address)] | None = (
        None
    )


class TransferAccount(Body):
    to: Annotated[str, StringConstraints(min_length=1, max_length=100)]


Markdown = Annotated[str, StringConstraints(max_length=100_000)]
"""A resolution's or an agenda item's text, in Markdown: rendered without raw HTML."""


class DocumentIn(Body):
    """A paper already uploaded (POST /api/orgs/{org}/documents), named by its SHA-256."""

    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


Documents = Annotated[list[DocumentIn], Field(default_factory=list, max_length=20)]


class AgendaItem(Body):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    text: Markdown = ""
    documents: Documents


class CallMeeting(Body):
    meeting: Ident | None = None
    type: Literal["special", "regular"] = "special"
    at: When | None = Field(default=None, description="When it is to be held.")
    purpose: Text = ""
    remote: bool = True
    place: Annotated[str, StringConstraints(max_length=500)] = Field(
        default="", description="Where it is held, or the call's link."
    )
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=50)
    called_by: list[Ident] | None = Field(
        default=None, max_length=100, description="Secretaries record a call made by others."
    )


class SendNotices(Body):
    channel: Channel = "email"
    to: list[Ident] | None = Field(default=None, max_length=100)
    purpose_stated: bool = True
    confirm: bool = False


class OpenMeeting(Body):
    present: list[Ident] | None = Field(default=None, max_length=100)
    type: Literal["special", "regular"] | None = None
    remote: bool | None = None
    confirm: bool = False


class PersonRef(Body):
    person: Ident | None = None


class ObjectionIn(Body):
    person: Ident | None = None
    reason: Text = "the meeting was not lawfully called or convened"


class SubjectIn(Body):
    person: Ident | None = None
    office: Ident | None = None


Setting = Annotated[str, StringConstraints(max_length=1000)] | int | Finite | bool


class AmendmentIn(Body):
    profile: Ident | None = None
    set: dict[Annotated[str, StringConstraints(max_length=100)], Setting] = Field(
        default_factory=dict, max_length=50
    )


class ActIn(Body):
    id: Ident | None = None
    act: ActKind
    subject: SubjectIn = SubjectIn()
    seats: Annotated[int, Field(ge=1, le=1000)] | None = None
    technology: Annotated[str, StringConstraints(max_length=200)] | None = None
    description: Text = ""
    amendment: AmendmentIn | None = None
    minutes_of: Ident | None = None
    text: Markdown = Field(default="", description="The resolution, word for word (Markdown).")
    documents: Documents


class ProposeMotion(ActIn):
    pass


class CastVote(Body):
    vote: VoteValue
    confirm: bool = False


class Confirm(Body):
    confirm: bool = False


class SignConsent(Body):
    """A signature: the password again (and the current code where two-factor log-in is on),
    as a wet signature would need the signer's hand."""

    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    totp: Annotated[str, StringConstraints(max_length=10)] | None = None
    confirm: bool = False


class CirculateConsent(Body):
    consent: Ident | None = None
    acts: list[ActIn] = Field(min_length=1, max_length=20)
    effective_at: When | None = None


class Resign(Body):
    positions: list[Ident] = Field(min_length=1, max_length=20)
    effective: When | None = None
    confirm: bool = False


class DeclareInterest(Body):
    motion: Ident | None = None
    matter: Text = ""


class Announce(Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    by: Ident | None = None


class ShareLinkIn(Body):
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)] = "shared"
