"""Pages open to anyone: the health check."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.extensions import database, limiter
from portal.web.access import public

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        database.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means "not ready"
        log.warning("health check failed: %s", type(error).__name__)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
