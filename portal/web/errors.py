"""Generic error pages: a plain message, never a traceback or anything the person wrote."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.crypto import TamperedCiphertext
from portal.runtime import unit_of_work
from portal.services import audit

log = logging.getLogger(__name__)

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Something was wrong with what was sent", "Please go back, check what you entered and try again."),
    403: ("You cannot open this page", "Your account does not have access to this page."),
    404: ("Page not found", "The page may have moved, or the link may be wrong."),
    405: ("This action is not available", "Please go back and use the buttons on the page."),
    413: (
        "That was too much to send at once",
        "Please make it shorter and try again. Your text is still on the page you came from.",
    ),
    429: ("Too many tries", "Please wait a minute before trying again."),
    500: ("Sorry, something went wrong", "Nothing you wrote has been shared. Please try again in a few minutes."),
}

UNREADABLE = (
    "Some of what you sent could not be read",
    "It contained characters this site cannot store. Please go back, check the text and try again.",
)
CSRF_EXPIRED = (
    "This form has expired",
    "For your safety, forms stop working after a while or after you sign out. "
    "Please go back, reload the page and send it again.",
)


def render_error(status: int, heading: str | None = None, message: str | None = None) -> tuple[str, int]:
    default_heading, default_message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "error.html", status=status, heading=heading or default_heading, message=message or default_message
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        return render_error(400, *CSRF_EXPIRED)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 400 and error.description == "unreadable":
            return render_error(400, *UNREADABLE)
        return render_error(error.code or 500)

    @app.errorhandler(TamperedCiphertext)
    def tampered(error: TamperedCiphertext):
        """Record that a sealed value failed to open (never its content), then a generic page."""
        log.error("sealed value failed to open: %s", error)
        uow = unit_of_work()
        uow.rollback()
        actor = current_user.id if current_user.is_authenticated else None
        audit.record(
            uow,
            "crypto.open",
            outcome="tampered",
            actor_id=actor,
            object_type="sealed-value",
            object_id=str(error)[:64],
        )
        uow.commit()
        return render_error(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", type(error).__name__)
        return render_error(500)
