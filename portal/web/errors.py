"""Generic error pages: a plain message, never a traceback or anything the person wrote."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from portal.crypto import TamperedCiphertext
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.errors import DomainError, NotAllowed
from portal.runtime import unit_of_work
from portal.services import audit
from portal.services.casework import CaseNotFound
from portal.web.catalogue import gettext as _
from portal.web.messages import refusal

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    """Looked up per request, in the person's language."""
    return {
        400: (_("Something was wrong with what was sent"), _("Please go back, check what you entered and try again.")),
        403: (_("You cannot open this page"), _("Your account does not have access to this page.")),
        404: (_("Page not found"), _("The page may have moved, or the link may be wrong.")),
        405: (_("This action is not available"), _("Please go back and use the buttons on the page.")),
        409: (_("This cannot be done just now"), _("Please go back and look again.")),
        413: (
            _("That was too much to send at once"),
            _("Please make it shorter and try again. Your text is still on the page you came from."),
        ),
        429: (_("Too many tries"), _("Please wait a minute before trying again.")),
        500: (
            _("Sorry, something went wrong"),
            _("Nothing you wrote has been shared. Please try again in a few minutes."),
        ),
    }


def _unreadable() -> tuple[str, str]:
    return (
        _("Some of what you sent could not be read"),
        _("It contained characters this site cannot store. Please go back, check the text and try again."),
    )


def _csrf_expired() -> tuple[str, str]:
    return (
        _("This form has expired"),
        _(
            "For your safety, forms stop working after a while or after you sign out. "
            "Please go back, reload the page and send it again."
        ),
    )


# When even the error page cannot be drawn (the database is gone, say): plain words, no template.
BARE_DEFAULT = ("Sorry, something went wrong", "Please try again in a few minutes.")
BARE_PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{heading}</title></head>'
    "<body><h1>{heading}</h1><p>{message}</p></body></html>"
)


def render_error(status: int, heading: str | None = None, message: str | None = None) -> tuple[str, int]:
    try:
        messages = _messages()
        default_heading, default_message = messages.get(status, messages[500])
    except Exception:  # no language to be had (no request context left): plain English
        default_heading, default_message = BARE_DEFAULT
    heading, message = heading or default_heading, message or default_message
    try:
        return render_template("error.html", status=status, heading=heading, message=message), status
    except Exception as error:  # the page itself failed: never let that become the server's own error page
        log.error("error page could not be drawn: %s", type(error).__name__)
        return BARE_PAGE.format(heading=escape(heading), message=escape(message)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        return render_error(400, *_csrf_expired())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 400 and error.description == "unreadable":
            return render_error(400, *_unreadable())
        return render_error(error.code or 500)

    @app.errorhandler(CaseNotFound)
    def not_found(_error: CaseNotFound):
        """Another case's id, or one that does not exist: the two look the same."""
        return render_error(404)

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A rule stopped a use case that no view expected to be refused: its own words, calmly."""
        return render_error(
            403 if isinstance(error, NotAllowed) else 409, _("This cannot be done just now"), refusal(error)
        )

    @app.errorhandler(TamperedCiphertext)
    def tampered(error: TamperedCiphertext):
        """Record that a sealed value failed to open (never its content), then a generic page."""
        log.error("sealed value failed to open: %s", error)
        try:
            uow = unit_of_work()
            uow.rollback()
            actor = current_user.id if current_user.is_authenticated else None
            with uow:
                audit.record(
                    uow,
                    AuditAction.CRYPTO_OPEN,
                    outcome=AuditOutcome.TAMPERED,
                    actor_id=actor,
                    object_type="sealed-value",
                    object_id=str(error)[:64],
                )
        except Exception as failure:  # the page must still be the generic one
            log.error("tampering could not be recorded: %s", type(failure).__name__)
        return render_error(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", type(error).__name__)
        try:
            unit_of_work().rollback()
        except Exception as failure:  # a dead connection: the pool replaces it
            log.warning("rollback after an error failed: %s", type(failure).__name__)
        return render_error(500)
