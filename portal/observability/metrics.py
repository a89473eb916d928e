"""Prometheus metrics: what each request cost, and what is waiting, read at scrape time.

Two kinds, kept apart on purpose:

- **Per-request counters and histograms** are written by every gunicorn worker. Under gunicorn
  they live in prometheus_client's multiprocess files (`PROMETHEUS_MULTIPROC_DIR`, one folder
  per app server under `PORTAL_METRICS_DIR`), since each worker is its own process; the exporter
  adds up every file it finds. Labels are the route template, never the URL.
- **Gauges of the service's state** (outbox depth and age, items waiting for review, the audit
  chain's head and last verification) are computed from the database when Prometheus scrapes,
  so they are right however many app servers there are and cost nothing per request.

The exporter (`flask --app wsgi metrics serve`) is a separate little server on its own port,
bound to loopback by default and answering only addresses on an allow-list: the metrics are
never reachable through nginx or the portal's own routes.
"""

from __future__ import annotations

import glob
import ipaddress
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from portal.storage.db import EXTENSION_KEY
from portal.storage.models import AuditEvent, Item, OutboxMessage

# The app servers' own metrics: registered here, not in prometheus_client's global registry.
LOCAL = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "portal_http_requests",
    "Requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=LOCAL,
)
DURATION = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=LOCAL,
)

# What waits, by state: review (one or two facilitators), then release.
WAITING_STATES = ("submitted", "awaiting_second_approval", "approved")
OUTBOX_STATES = ("pending", "sending", "failed")
# A scheduled release this far past its time means no worker is running.
RELEASE_GRACE_SECONDS = 120


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    DURATION.labels(route=route, method=method).observe(seconds)


class _Local(Collector):
    """This process's own request metrics (tests, or a single process without multiprocess files)."""

    def collect(self) -> Iterable[Metric]:
        return LOCAL.collect()


class FolderCollector(Collector):
    """Every app server's multiprocess files under one folder (`<root>/*.db`, `<root>/*/*.db`), added up.

    prometheus_client's own collector reads one folder; several app servers on one host each
    keep their own, so that each can wipe its folder when it starts without touching the others'.
    """

    def __init__(self, root: str):
        self.root = root

    def collect(self) -> Iterable[Metric]:
        files = glob.glob(os.path.join(self.root, "*.db")) + glob.glob(os.path.join(self.root, "*", "*.db"))
        merge: Callable[..., Iterable[Metric]] = MultiProcessCollector.merge  # untyped in prometheus_client
        return merge(files, accumulate=True)


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


class DatabaseCollector(Collector):
    """The service's state, read from the database at each scrape: a handful of indexed aggregates."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("portal_database_up", "1 if the exporter could read the database at this scrape.")
        try:
            families = list(self._read())
        except Exception:  # the scrape must still answer: an operator alerts on portal_database_up
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *families]

    def _read(self) -> Iterator[Metric]:
        now = datetime.now(UTC)
        with self.app.app_context():
            session = self.app.extensions[EXTENSION_KEY]()
            try:
                outbox = dict(
                    session.execute(
                        select(OutboxMessage.status, func.count())
                        .where(OutboxMessage.status.in_(OUTBOX_STATES))
                        .group_by(OutboxMessage.status)
                    ).all()
                )
                oldest_pending = session.scalar(
                    select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(("pending", "sending")))
                )
                due = session.scalar(
                    select(func.min(OutboxMessage.next_attempt_at)).where(
                        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now
                    )
                )
                waiting = dict(
                    session.execute(
                        select(Item.state, func.count()).where(Item.state.in_(WAITING_STATES)).group_by(Item.state)
                    ).all()
                )
                oldest_submitted = session.scalar(
                    select(func.min(Item.submitted_at)).where(Item.state.in_(("submitted", "awaiting_second_approval")))
                )
                overdue = session.scalar(
                    select(func.count()).where(
                        Item.state == "scheduled",
                        Item.release_at < datetime.fromtimestamp(now.timestamp() - RELEASE_GRACE_SECONDS, UTC),
                    )
                )
                head = session.scalar(select(AuditEvent.occurred_at).order_by(AuditEvent.id.desc()).limit(1))
            finally:
                session.close()

        depth = GaugeMetricFamily(
            "portal_outbox_messages", "Notifications in the outbox, by status.", labels=["status"]
        )
        for status in OUTBOX_STATES:
            depth.add_metric([status], outbox.get(status, 0))
        yield depth
        yield GaugeMetricFamily(
            "portal_outbox_oldest_pending_age_seconds",
            "Age of the oldest notification not yet sent or failed (0 when none waits).",
            value=_age(now, oldest_pending),
        )
        yield GaugeMetricFamily(
            "portal_outbox_oldest_due_age_seconds",
            "How long the most overdue notification has been due and not sent (0 when none is due).",
            value=_age(now, due),
        )
        items = GaugeMetricFamily(
            "portal_items_waiting", "Items waiting for review or release, by state.", labels=["state"]
        )
        for state in WAITING_STATES:
            items.add_metric([state], waiting.get(state, 0))
        yield items
        yield GaugeMetricFamily(
            "portal_items_oldest_waiting_for_review_age_seconds",
            "How long the longest-waiting item has waited for review (0 when none waits).",
            value=_age(now, oldest_submitted),
        )
        yield GaugeMetricFamily(
            "portal_items_release_overdue",
            f"Scheduled releases more than {RELEASE_GRACE_SECONDS} s past their time (a worker is not running).",
            value=overdue or 0,
        )
        yield GaugeMetricFamily(
            "portal_audit_head_age_seconds",
            "Time since the newest audit event was written (0 when the trail is empty).",
            value=_age(now, head),
        )


class VerificationCollector(Collector):
    """The last `flask audit verify`, from the small state file it writes."""

    def __init__(self, path: str | None):
        self.path = path

    def collect(self) -> Iterable[Metric]:
        state = read_verification(self.path)
        if state is None:  # never verified here: the alert fires on the metric being absent
            return []
        return [
            GaugeMetricFamily(
                "portal_audit_last_verified_timestamp_seconds",
                "When `flask audit verify` last ran to the end (Unix time).",
                value=state["verified_at"],
            ),
            GaugeMetricFamily(
                "portal_audit_last_verify_intact",
                "1 if the last verification found every link intact.",
                value=state["intact"],
            ),
            GaugeMetricFamily(
                "portal_audit_last_verify_events", "Events the last verification checked.", value=state["events"]
            ),
        ]


def record_verification(path: str, *, intact: bool, events: int, at: datetime | None = None) -> None:
    """Write the outcome of a verification atomically (the exporter may read it meanwhile)."""
    stamp = (at or datetime.now(UTC)).timestamp()
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".audit-verified-")
    with os.fdopen(handle, "w") as out:
        json.dump({"verified_at": stamp, "intact": bool(intact), "events": int(events)}, out)
    os.replace(temporary, path)


def read_verification(path: str | None) -> dict[str, float] | None:
    if not path:
        return None
    try:
        state = json.loads(Path(path).read_text())
        return {
            "verified_at": float(state["verified_at"]),
            "intact": float(bool(state["intact"])),
            "events": float(state["events"]),
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None


def scrape_registry(app: Flask) -> CollectorRegistry:
    """Everything one scrape reports: the app servers' request metrics and the service's state."""
    registry = CollectorRegistry(auto_describe=False)
    folder = app.config.get("METRICS_DIR")
    registry.register(FolderCollector(folder) if folder else _Local())
    registry.register(DatabaseCollector(app))
    registry.register(VerificationCollector(app.config.get("AUDIT_VERIFY_STATE")))
    return registry


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def allow_list(networks: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """`127.0.0.1/32, ::1/128` as networks; a setting that does not parse fails at start."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in networks.split(",") if part.strip()]


def exporter(app: Flask) -> WSGIApp:
    """The metrics as a WSGI app: `/metrics` only, and only to addresses on the allow-list."""
    metrics_app = make_wsgi_app(scrape_registry(app))
    allowed = allow_list(app.config.get("METRICS_ALLOW") or "127.0.0.1/32,::1/128")

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            address = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            address = None
        if address is None or not any(address in network for network in allowed):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"forbidden\n"]
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        answer: Iterable[bytes] = metrics_app(environ, start_response)
        return answer

    return serve


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every 15 seconds would drown the log; nothing here is worth a line."""


def serve_forever(app: Flask, host: str, port: int) -> None:
    server = make_server(host, port, exporter(app), server_class=_ThreadingServer, handler_class=_QuietHandler)
    try:
        server.serve_forever()
    finally:
        server.server_close()
