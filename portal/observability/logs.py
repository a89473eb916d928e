"""Structured logs: every record becomes one JSON object on one line.

Used by the app servers (wsgi.py, and gunicorn's own loggers through deploy/gunicorn.conf.py)
and by the worker, so an operator's log shipper reads one format everywhere. Within a request
each line carries that request's id, so a refusal, a warning and the request's own event can be
joined up. An exception is logged as its type and the frames it passed through, never its
message: messages can quote what was being handled (a SQL parameter, a line of a letter).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import IO, Any

# Structured fields for one event: log.info("request", extra={EVENT: {...}}).
EVENT = "portal_event"

# Loggers whose INFO lines would repeat what the request event says, with the raw URL.
QUIET = {"werkzeug": logging.WARNING, "gunicorn.access": logging.WARNING, "alembic.runtime.plugins": logging.WARNING}


def current_request_id() -> str | None:
    """The id of the request being served, if a record is written inside one."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - Flask is always installed with the portal
        return None
    if not has_request_context():
        return None
    value = g.get("request_id")
    return value if isinstance(value, str) else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, EVENT, None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            entry["exc_type"] = f"{kind.__module__}.{kind.__qualname__}"
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(trace)
            ]
        if record.stack_info:
            entry["stack_info"] = record.stack_info.splitlines()[-6:]
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


def configure_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger's records through one JSON handler (replacing any handlers the root had)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
    return handler


# For gunicorn's logconfig_dict (deploy/gunicorn.conf.py): its own loggers in the same format.
GUNICORN_LOGCONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.observability.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # The access log would write each raw URL (/join/<token>); the app's request event replaces it.
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        "alembic.runtime.plugins": {"level": "WARNING"},
    },
}
