"""`flask worker run`: the timed jobs, out of page requests: scheduled deliveries, the
notifications in the outbox, and the facilitators' daily digest.

One process is enough and several are safe: each delivery is its own unit of work under the
lock of its case, an item already delivered by another worker is left alone, and each
notification is claimed by one worker before it is sent.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from portal.notifications.sending import send_due
from portal.notifications.transports import text_transport_from_config, transport_from_config
from portal.runtime import unit_of_work
from portal.services import digests, reviewing

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
            return delivered, sent
        finally:
            uow.rollback()


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
