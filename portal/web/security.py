"""Request and response hardening: headers, session lifetimes, unreadable input."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

from flask import Flask, Response, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.web import uploads
from portal.web.catalogue import gettext as _

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",  # blob: for the recorder's preview of what was just recorded
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Only the page that records a message may ask for the camera and microphone, and only for itself.
PERMISSIONS_RECORDING = "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()"

# How often the session's "last seen" moves: a changed session is a new signed cookie on every
# answer; idle limits are whole minutes, so a minute's step is never noticed.
LAST_SEEN_STEP = 60

# Characters no one types into a form: C0 controls other than tab, newline and return.
_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def init_app(app: Flask) -> None:
    app.before_request(reject_cross_site_posts)
    app.before_request(reject_unreadable_form)
    app.before_request(enforce_session_lifetime)
    app.after_request(set_security_headers)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_RECORDING if uploads.camera_allowed() else PERMISSIONS
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may hold letters or names: never keep them on a shared computer.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def reject_cross_site_posts() -> None:
    """Browsers say where a request came from even when they send no Referer; refuse other sites."""
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        abort(400, description="cross-site")


def reject_unreadable_form() -> None:
    """Refuse form posts with invalid UTF-8, NUL or other control bytes before anything is saved."""
    if request.method != "POST":
        return
    if request.mimetype == "multipart/form-data":
        if uploads.upload_rule(request.endpoint) is None:  # only views that take files take them
            abort(400, description="unreadable")
        return  # portal.web.uploads limits, spools and checks it
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    raw = request.get_data(cache=True)  # form parsing reuses the cached body
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, description="unreadable")
    if any(_FORBIDDEN.intersection(key + value) for key, value in pairs):
        abort(400, description="unreadable")


def start_session_clock() -> None:
    now = int(time.time())
    session["signed_in_at"] = now
    session["last_seen"] = now


def enforce_session_lifetime() -> WerkzeugResponse | None:
    """End a session idle too long or open too long; the cookie alone cannot extend it."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute_limit = current_app.config["SESSION_MAX_HOURS"] * 3600
    started = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    if now - last_seen > idle_limit or now - started > absolute_limit:
        logout_user()
        session.clear()
        flash(_("You were signed out because the page was left for a while. Please sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    if now - last_seen >= LAST_SEEN_STEP:
        session["last_seen"] = now
    return None
