"""The words of each notification: one neutral sentence, a link, nothing else.

Anyone may see a message on a lock screen or a shared computer, so no message names a person,
a case, a letter or what the service is: the subject and sender are each service's own
(`PORTAL_MAIL_SUBJECT`, `PORTAL_MAIL_SENDER_NAME`), and the body says only that there is
something to look at, in the reader's language. `tests/integration/test_notification_words.py`
renders every kind and fails on anything from a case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.domain.notifications import RESET_LINK_LIFETIME, NotificationKind

RESET_MINUTES = int(RESET_LINK_LIFETIME.total_seconds() // 60)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


# Where each kind's link leads: the sign-in page, or the one-time page its token opens.
LINK_ENDPOINTS = {
    NotificationKind.INVITATION: "auth.join",
    NotificationKind.PASSWORD_RESET: "auth.reset_password",
}


def link_for(app: Flask, kind: NotificationKind, token: str | None) -> str:
    """An absolute link built from the configured address, never from a request."""
    base = app.config.get("BASE_URL")
    if not base:
        raise RuntimeError("PORTAL_BASE_URL is not set: notifications need the portal's address for their link")
    adapter = app.url_map.bind("localhost", script_name="/")
    endpoint = LINK_ENDPOINTS.get(kind)
    path = adapter.build(endpoint, {"token": token}) if endpoint else adapter.build("auth.sign_in", {})
    return base.rstrip("/") + path


def _lines(kind: NotificationKind, config: Mapping[str, Any]) -> list[str]:
    if kind is NotificationKind.INVITATION:
        return [
            _("You have been invited to make an account."),
            _("This link works once, for %(days)d days:", days=config["INVITATION_DAYS"]),
        ]
    if kind is NotificationKind.PASSWORD_RESET:
        return [
            _("Someone asked to choose a new password for the account with this email address."),
            _(
                "If it was you, this link works once, for %(minutes)d minutes:",
                minutes=RESET_MINUTES,
            ),
        ]
    if kind is NotificationKind.ACCOUNT_CHANGED:
        return [
            _("Your account's security details were changed."),
            _("If this was not you, tell your administrator today. To sign in:"),
        ]
    if kind is NotificationKind.DIGEST:
        return [_("Things are waiting for you."), _("To see them, sign in:")]
    if kind is NotificationKind.PARTICIPANT_STOPPED:
        return [_("Something needs your attention today."), _("To see it, sign in:")]
    return [_("You have a new message."), _("To read it, sign in:")]


def render(kind: NotificationKind, language: str, link: str, config: Mapping[str, Any]) -> Rendered:
    """The subject and plain-text body, in `language`."""
    with force_locale(language):
        subject = config.get("MAIL_SUBJECT") or _("You have a new message")
        lines = _lines(kind, config)
        closing = (
            _("If you did not ask for this, you can ignore this message.")
            if kind in (NotificationKind.INVITATION, NotificationKind.PASSWORD_RESET)
            else _("Please do not reply to this email.")
        )
    return Rendered(subject, "\n\n".join([*lines[:-1], f"{lines[-1]}\n{link}", closing]) + "\n")


def render_text(kind: NotificationKind, language: str, link: str, config: Mapping[str, Any]) -> str:
    """A text message: the same neutral sentence and the link, on one short screen."""
    with force_locale(language):
        lines = _lines(kind, config)
    return f"{lines[0]} {lines[-1]} {link}"
