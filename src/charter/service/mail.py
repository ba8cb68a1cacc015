"""Notices by email over SMTP (stdlib ``smtplib``); every attempt's outcome is recorded.

Why the outcome is a value and not an exception: a notice that did not reach a director is a
fact the record must keep (the meeting may be void for it), not an error that aborts the call.
The one outcome that does stop a round of notices is a server that cannot be reached or drops
the connection (:attr:`Delivery.transport`): the next message would fail the same way, so the
board records what was sent and says so, and a retry sends only the rest.

Why one address per field, checked here: an address becomes an SMTP envelope recipient and a
``To:`` header.  ``a@x, b@y`` in one field sends one director's notice to a stranger too, and a
CR or LF in it writes headers of its own; an address is a bare ``local@domain`` or it is refused.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

ADDRESS_MAX = 320
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def address_problem(text: str) -> str | None:
    """Why ``text`` is not exactly one bare e-mail address (``local@domain``), or None."""
    if not text:
        return "an e-mail address is not empty"
    if len(text) > ADDRESS_MAX:
        return f"an e-mail address is at most {ADDRESS_MAX} characters"
    if any(c in text for c in ",;") or text.count("@") > 1:
        return "one e-mail address per field, not a list"
    if any(not c.isprintable() or c.isspace() for c in text):
        return "an e-mail address has no spaces, line breaks or control characters"
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return "an e-mail address is local@domain"
    if len(local) > 64 or _LOCAL.fullmatch(local) is None:
        return "the part before '@' has characters an address may not have, or is over 64"
    if len(domain) > 255 or _DOMAIN.fullmatch(domain) is None:
        return "the part after '@' is not a domain name"
    return None


def one_address(text: str) -> str:
    """``text`` if it is one address (a pydantic validator: raises ValueError with the reason)."""
    problem = address_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "charter@localhost"
    timeout: float = 10.0

    def __post_init__(self) -> None:
        problem = address_problem(self.sender)
        if problem is not None:
            raise ValueError(f"SMTP sender {self.sender!r}: {problem}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One attempt: ``status`` is ``sent`` (with the server's reply), ``failed`` or
    ``not-sent``; ``transport`` is true when the server itself failed (unreachable, dropped the
    connection), not this recipient."""

    status: str
    detail: str
    transport: bool = False


class Mailer:
    """Sends notices through one SMTP server, or records that none is configured."""

    def __init__(
        self, config: SmtpConfig | None, address_of: Callable[[str, str], str | None]
    ) -> None:
        self.config = config
        self._address_of = address_of

    def address_of(self, org: str, person: str) -> str | None:
        return self._address_of(org, person)

    def deliver(
        self,
        to: str | None,
        subject: str,
        text: str,
        *,
        attachment: tuple[bytes, str] | None = None,
    ) -> Delivery:
        """Send one notice (with its calendar invitation, where the meeting has a time); never
        raises (what went wrong is the delivery's detail)."""
        if self.config is None:
            return Delivery(
                status="not-sent", detail="not sent: no SMTP server configured (--smtp-host)"
            )
        if not to:
            return Delivery(status="not-sent", detail="not sent: no email address on file")
        problem = address_problem(to)
        if problem is not None:
            return Delivery(status="not-sent", detail=f"not sent: address on file: {problem}")
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = to
        message["Subject"] = " ".join(subject.split())  # one header line, whatever it says
        message.set_content(text)
        if attachment is not None:
            data, filename = attachment
            message.add_attachment(data, maintype="text", subtype="calendar", filename=filename)
        try:
            with smtplib.SMTP(self.config.host, self.config.port, timeout=self.config.timeout) as s:
                refused = s.send_message(message, to_addrs=[to])
                code, _ = s.noop()
        except smtplib.SMTPRecipientsRefused as error:
            return Delivery(status="failed", detail=f"SMTP delivery to {to} failed: {error}")
        except (smtplib.SMTPDataError, ValueError) as error:  # this message, not the server
            detail = f"SMTP delivery to {to} failed: {type(error).__name__}: {error}"
            return Delivery(status="failed", detail=detail.splitlines()[0])
        except Exception as error:  # the server (unreachable, gone, refusing the sender...)
            detail = f"SMTP delivery to {to} failed: {type(error).__name__}: {error}"
            return Delivery(status="failed", detail=detail.splitlines()[0], transport=True)
        if refused:
            return Delivery(status="failed", detail=f"SMTP server refused {to}: {refused}")
        return Delivery(
            status="sent",
            detail=f"accepted by SMTP {self.config.host}:{self.config.port} for {to} ({code})",
        )

    def send(self, to: str | None, subject: str, text: str) -> tuple[str, str]:
        """(status, detail) of :meth:`deliver`."""
        delivery = self.deliver(to, subject, text)
        return delivery.status, delivery.detail
