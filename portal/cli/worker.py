"""`flask worker run`: the timed jobs, out of page requests: scheduled deliveries, the
notifications in the outbox, the facilitators' daily digest, deleting what retention says is
due, and every hour a check of the audit trail against its signed head and a new signed head.

One process is enough and several are safe: each delivery is its own unit of work under the
lock of its case, an item already delivered by another worker is left alone, and each
notification is claimed by one worker before it is sent.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from portal.notifications.sending import send_due
from portal.notifications.transports import text_transport_from_config, transport_from_config
from portal.runtime import unit_of_work
from portal.services import anchor, digests, retention, reviewing
from portal.services.uow import UnitOfWork

group = AppGroup("worker", help="The background worker.")
log = logging.getLogger(__name__)


def run_jobs_once() -> tuple[int, int]:
    """One pass over every job; returns how many items were passed on and messages sent."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        uow = unit_of_work()
        try:
            delivered = reviewing.deliver_due(uow)
            digests.queue_due(uow)
            transport, texts = transport_from_config(app.config), text_transport_from_config(app.config)
            ready = app.config.get("BASE_URL") and (transport is not None or texts is not None)
            sent = send_due(app, uow, transport, texts) if ready else 0
            swept = retention.run(uow)
            if swept.cases or swept.requests:
                log.info("retention: deleted %d cases and %d requests", swept.cases, swept.requests)
            anchor_file = app.config.get("AUDIT_ANCHOR_FILE")
            if anchor_file and anchor.due(uow, Path(anchor_file)):
                _anchor(uow, Path(anchor_file))
            return delivered, sent
        finally:
            uow.rollback()


def _anchor(uow: UnitOfWork, path: Path) -> None:
    """Hourly: the trail still reaches the last signed head; then sign the head now. (The whole
    chain is walked by `flask audit verify`, run daily: see README.)"""
    verdict = anchor.verify_and_anchor(uow, path, walk_chain=False)
    if not verdict.intact:  # audited by verify_and_anchor; the operator's alert reads the log too
        log.error("audit trail broken: anchor %s", verdict.anchor.state.value)


@group.command("run")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and stop.")
def run(interval: float, once: bool) -> None:
    """Run the jobs every INTERVAL seconds until stopped (SIGTERM or Ctrl-C ends it cleanly)."""
    stopping = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started: a pass every %.0f s", interval)
    if current_app.config["MAIL_TRANSPORT"] == "none":
        log.warning("mail is not set up (PORTAL_SMTP_HOST or PORTAL_MAIL_TRANSPORT): notifications wait in the outbox")
    elif not current_app.config.get("BASE_URL"):
        log.warning("PORTAL_BASE_URL is not set: notifications wait in the outbox, as their links need it")
    while True:
        try:
            delivered, sent = run_jobs_once()
            if delivered:
                log.info("passed on %d scheduled items", delivered)
            if sent:
                log.info("sent %d notifications", sent)
        except Exception:  # one failed pass must not stop the next
            log.exception("a worker pass failed")
        if once or stopping.wait(interval):
            break
    log.info("worker stopped")
