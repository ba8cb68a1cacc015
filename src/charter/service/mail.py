"""Notices by email over SMTP (stdlib ``smtplib``); every attempt's outcome is recorded.

Why the outcome is a value and not an exception: a notice that did not reach a director is a
fact the record must keep (the meeting may be void for it), not an error that aborts the call.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "charter@localhost"
    timeout: float = 10.0


class Mailer:
    """Sends notices through one SMTP server, or records that none is configured."""

    def __init__(
        self, config: SmtpConfig | None, address_of: Callable[[str, str], str | None]
    ) -> None:
        self.config = config
        self._address_of = address_of

    def address_of(self, org: str, person: str) -> str | None:
        return self._address_of(org, person)

    def send(self, to: str | None, subject: str, text: str) -> tuple[str, str]:
        """(status, detail): ``sent`` with the server's reply, ``failed`` or ``not-sent``."""
        if self.config is None:
            return "not-sent", "not sent: no SMTP server configured (--smtp-host)"
        if not to:
            return "not-sent", "not sent: no email address on file"
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        try:
            with smtplib.SMTP(self.config.host, self.config.port, timeout=self.config.timeout) as s:
                refused = s.send_message(message)
                code, _ = s.noop()
        except (OSError, smtplib.SMTPException) as error:
            return "failed", f"SMTP delivery to {to} failed: {error}"
        if refused:
            return "failed", f"SMTP server refused {to}: {refused}"
        return "sent", f"accepted by SMTP {self.config.host}:{self.config.port} for {to} ({code})"
