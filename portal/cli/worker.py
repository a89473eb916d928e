"""`flask worker run`: the timed jobs, out of page requests (scheduled deliveries).

One process is enough and several are safe: each delivery is its own unit of work under the
lock of its case, and an item already delivered by another worker is left alone.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import reviewing

group = AppGroup("worker", help="The background worker.")
log = logging.getLogger(__name__)


def run_jobs_once() -> int:
    """One pass over every job; returns how many items were passed on."""
    with current_app.app_context():
        try:
            return reviewing.deliver_due(unit_of_work())
        finally:
            unit_of_work().rollback()


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
    while True:
        try:
            delivered = run_jobs_once()
            if delivered:
                log.info("passed on %d scheduled items", delivered)
        except Exception:  # one failed pass must not stop the next
            log.exception("a worker pass failed")
        if once or stopping.wait(interval):
            break
    log.info("worker stopped")
