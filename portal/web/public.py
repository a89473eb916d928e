"""Pages open to anyone: the health check."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.extensions import database, limiter
from portal.web.access import public

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)


def _database() -> str:
    try:
        database.session.execute(text("SELECT 1"))
        database.session.rollback()
    except Exception as error:  # any failure to reach the database means "not ready"
        log.warning("health check: database unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok"


def _rate_limit_store() -> str:
    """The shared store (Redis); without it limits go on per process, which still serves."""
    try:
        healthy = bool(limiter.storage.check())
    except Exception as error:
        log.warning("health check: rate-limit store unreachable: %s", type(error).__name__)
        healthy = False
    return "ok" if healthy else "degraded"


@bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    """Each dependency by name, so a load balancer and an operator can tell what is degraded.

    503 only when the portal cannot serve (no database); a rate-limit store that is down means
    "degraded": sign-in works, with limits kept in each process until it is back.
    """
    checks = {"database": _database(), "rate_limit_store": _rate_limit_store()}
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif any(state != "ok" for state in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return jsonify(status=status, checks=checks), code
