"""How a message leaves: SMTP (STARTTLS or implicit TLS, with authentication) or GOV.UK Notify
in production, or a folder of .eml files a newcomer can open under `make run`.

A transport either sends or raises `TransportFailed` with a short code: the outbox keeps the
code (never the server's words, which may echo the address) and tries again later.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Any, Protocol

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str  # the outbox row's id: a receiving server can drop a repeat


@dataclass(frozen=True)
class TextMessage:
    to: str  # a UK mobile number, in E.164 form
    body: str
    message_id: str


class TransportFailed(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Transport(Protocol):
    def send(self, email: Email) -> None: ...


class TextTransport(Protocol):
    def send_text(self, text: TextMessage) -> None: ...


@dataclass(frozen=True)
class Sender:
    address: str
    name: str

    def message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((self.name, self.address))
        message["To"] = email.to
        message["Subject"] = email.subject
        domain = self.address.rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<{email.message_id}@{domain}>"  # the same on every try
        message.set_content(email.body)
        return message


@dataclass(frozen=True)
class SmtpTransport:
    sender: Sender
    host: str
    port: int
    security: str  # "starttls", "tls" (implicit, usually port 465) or "none" (a relay on localhost)
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0
    ca_file: str | None = None  # a service's own relay may use a private certificate authority

    def send(self, email: Email) -> None:
        context = ssl.create_default_context(cafile=self.ca_file)
        try:
            if self.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=context)
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(self.sender.message(email))
        except smtplib.SMTPAuthenticationError as error:
            raise TransportFailed("smtp-authentication") from error
        except smtplib.SMTPRecipientsRefused as error:
            raise TransportFailed("smtp-recipient-refused") from error
        except smtplib.SMTPNotSupportedError as error:
            raise TransportFailed("smtp-starttls-unsupported") from error
        except ssl.SSLError as error:
            raise TransportFailed("smtp-tls") from error
        except smtplib.SMTPException as error:
            raise TransportFailed("smtp-refused") from error
        except (TimeoutError, OSError) as error:
            raise TransportFailed("smtp-unreachable") from error


@dataclass(frozen=True)
class FolderTransport:
    """Development: each message is a file in `folder`, named by the outbox id, readable as text."""

    sender: Sender
    folder: Path

    def send(self, email: Email) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{email.message_id}.eml"
            path.write_bytes(bytes(self.sender.message(email)))
        except OSError as error:
            raise TransportFailed("folder-unwritable") from error

    def send_text(self, text: TextMessage) -> None:
        """A text message as a small file beside the emails: who to, and what it says."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{text.message_id}.sms.txt").write_text(f"To: {text.to}\n\n{text.body}\n")
        except OSError as error:
            raise TransportFailed("folder-unwritable") from error


@dataclass(frozen=True)
class NotifyTransport:
    """GOV.UK Notify's email API. The service's Notify account needs one email template whose
    subject is ((subject)) and whose body is ((body)): the portal fills both in, in the reader's
    language, and `template_id` is that template's id. The sender's name and address are set in
    Notify, not here. The outbox id goes as the reference, so a message can be found in Notify.

    A failure is one of: notify-rejected (400, or another 4xx), notify-authentication (403: the
    API key), notify-rate-limited (429), notify-unavailable (5xx, or an answer that is not
    Notify's) and notify-unreachable (no connection, or no answer in time).
    """

    api_key: str = field(repr=False)  # "{key name}-{service id}-{secret}", as Notify shows it
    template_id: str | None  # the email template; None when Notify sends only text messages
    base_url: str = "https://api.notifications.service.gov.uk"
    timeout: float = 20.0
    sms_template_id: str | None = None  # a text message template whose whole text is ((body))

    def send_text(self, text: TextMessage) -> None:
        if self.sms_template_id is None:
            raise TransportFailed("sms-not-set-up")
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
        try:
            client.send_sms_notification(
                phone_number=text.to,
                template_id=self.sms_template_id,
                personalisation={"body": text.body},
                reference=text.message_id,
            )
        except APIError as error:
            raise TransportFailed(_notify_failure(error)) from error

    def send(self, email: Email) -> None:
        if self.template_id is None:
            raise TransportFailed("notify-rejected")
        # A client per message: it holds a requests session and is not thread-safe.
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
        try:
            client.send_email_notification(
                email_address=email.to,
                template_id=self.template_id,
                personalisation={"subject": email.subject, "body": email.body},
                reference=email.message_id,
            )
        except APIError as error:
            raise TransportFailed(_notify_failure(error)) from error


def _notify_failure(error: APIError) -> str:
    if error.response is None:  # the request never had an answer (the client then reports 503)
        return "notify-unreachable"
    status = error.status_code
    if status == 403:
        return "notify-authentication"
    if status == 429:
        return "notify-rate-limited"
    if 400 <= status < 500:
        return "notify-rejected"
    return "notify-unavailable"


def transport_from_config(config: Mapping[str, Any]) -> Transport | None:
    """The configured transport, or None when mail is not set up (messages then wait)."""
    sender = Sender(config["MAIL_FROM"], config["MAIL_SENDER_NAME"])
    kind = config["MAIL_TRANSPORT"]
    if kind == "smtp":
        return SmtpTransport(
            sender,
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["SMTP_SECURITY"],
            config.get("SMTP_USERNAME"),
            config.get("SMTP_PASSWORD"),
            config["SMTP_TIMEOUT"],
            config.get("SMTP_CA_FILE"),
        )
    if kind == "folder":
        return FolderTransport(sender, Path(config["MAIL_FOLDER"]))
    if kind == "notify":
        return NotifyTransport(config["NOTIFY_API_KEY"], config["NOTIFY_EMAIL_TEMPLATE_ID"], config["NOTIFY_BASE_URL"])
    return None


def text_transport_from_config(config: Mapping[str, Any]) -> TextTransport | None:
    """How text messages leave, or None when the service sends none."""
    kind = config.get("SMS_TRANSPORT", "none")
    if kind == "notify":
        return NotifyTransport(
            config["NOTIFY_API_KEY"],
            config.get("NOTIFY_EMAIL_TEMPLATE_ID"),
            config["NOTIFY_BASE_URL"],
            sms_template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
        )
    if kind == "folder":
        return FolderTransport(Sender(config["MAIL_FROM"], config["MAIL_SENDER_NAME"]), Path(config["MAIL_FOLDER"]))
    return None
