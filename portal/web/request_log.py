"""One log event and one metric observation per request, joined up by a request id.

The id comes from the proxy's `X-Request-ID` (nginx sets it; see deploy/nginx) when it looks
like one, else a new one is made; either way the response carries it back, so a person's
"it went wrong at 10:02" can be found in nginx's log and the app's. The event names the route
template (`/cases/<uuid:case_id>`), never the URL: URLs carry ids, invitation and reset
tokens. The account is its internal id only; Flask-Login's own id is the session token and
must never be written down.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from portal.observability.logs import EVENT
from portal.observability.metrics import observe_request

log = logging.getLogger("portal.request")

HEADER = "X-Request-ID"
# What nginx's $request_id (32 hex digits) or a UUID looks like; anything else is replaced.
VALID_ID = re.compile(r"[0-9A-Za-z-]{8,64}")
UNMATCHED = "<unmatched>"


def init_app(app: Flask) -> None:
    # First of every before_request hook, so the clock covers the guard and the session checks too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    # Registered first, so it runs last: it sees the status and headers the others settled.
    app.after_request(finish_request)


def start_request() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(HEADER, "")
    g.request_id = given if VALID_ID.fullmatch(given) else uuid.uuid4().hex


def route_template() -> str | None:
    """The rule the request matched (`/cases/<uuid:case_id>`), not the path it asked for."""
    rule = request.url_rule
    return rule.rule if rule is not None else None


def signed_in_id() -> str | None:
    """The internal id of the account, only if this request already loaded it (no extra query)."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.id)


def finish_request(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = request_id
    route = route_template()
    status = response.status_code
    try:
        observe_request(route or UNMATCHED, request.method, status, seconds)
    except Exception as error:  # a page already drawn never becomes an error for want of a metric
        log.warning("request not counted in the metrics: %s", type(error).__name__)
    log.log(
        logging.WARNING if status >= 500 else logging.INFO,
        "request",
        extra={
            EVENT: {
                "event": "request",
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "endpoint": request.endpoint,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": signed_in_id(),
            }
        },
    )
    return response
