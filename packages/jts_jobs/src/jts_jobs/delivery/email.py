"""E-mail over SMTP with aiosmtplib: one connection per message (an SMTP session is
not shared between concurrent sends), the attempt key in the ``Message-ID`` (the
idempotency key a mail system can deduplicate on)."""

from __future__ import annotations

import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from jts_domain.delivery.model import OutgoingMessage, SendResult

_TRUE = {"1", "true", "yes", "on"}


class SmtpSender:
    """The ``ChannelSender`` of the email channel."""

    provider = "SMTP"

    def __init__(self, url: str, mail_from: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            msg = "JTS_SMTP_URL must be smtp://host[:port] or smtps://host[:port]"
            raise ValueError(msg)
        query = parse_qs(parts.query)
        self._host = parts.hostname
        self._port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self._tls = parts.scheme == "smtps"
        self._starttls = query.get("starttls", ["false"])[0].lower() in _TRUE
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._from = mail_from
        self._timeout = timeout

    def _email(self, message: OutgoingMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self._from
        email["To"] = formataddr((message.to_name or "", message.to_address or ""))
        email["Subject"] = message.subject
        domain = self._from.rsplit("@", 1)[-1].strip("> ") or "jts"
        email["Message-ID"] = make_msgid(idstring=message.attempt_key.replace(":", "."),
                                         domain=domain)  # fmt: skip
        email["X-JTS-Attempt"] = message.attempt_key
        email.set_content(message.body or message.subject)
        return email

    async def send(self, message: OutgoingMessage) -> SendResult:
        if not message.to_address or "@" not in message.to_address:
            return SendResult(ok=False, error="no e-mail address for the recipient", permanent=True)
        email = self._email(message)
        try:
            await aiosmtplib.send(
                email,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._tls,
                start_tls=self._starttls,
                timeout=self._timeout,
                tls_context=ssl.create_default_context() if self._tls or self._starttls else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            return SendResult(ok=False, error=f"recipient refused: {error}", permanent=True)
        except (aiosmtplib.SMTPException, OSError) as error:
            return SendResult(ok=False, error=f"{type(error).__name__}: {error}")
        return SendResult(ok=True, provider_message_id=str(email["Message-ID"]))
