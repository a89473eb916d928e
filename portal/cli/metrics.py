"""`flask metrics serve`: the Prometheus exporter, on its own port, for the allow-listed scrapers."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.observability import metrics

group = AppGroup("metrics", help="Prometheus metrics.")
log = logging.getLogger(__name__)


@group.command("serve")
@click.option("--bind", default=None, help="HOST:PORT (default PORTAL_METRICS_BIND, 127.0.0.1:9108).")
def serve(bind: str | None) -> None:
    """Serve /metrics: request counts and durations from every app server, and the service's state."""
    host, _, port = (bind or current_app.config["METRICS_BIND"]).rpartition(":")
    if not host or not port.isdigit():
        raise click.ClickException("--bind must be HOST:PORT, for example 127.0.0.1:9108")
    if not current_app.config.get("METRICS_DIR"):
        log.warning("PORTAL_METRICS_DIR is not set: request metrics are this process's only (none)")
    log.info("metrics exporter on %s:%s", host, port)
    metrics.serve_forever(current_app._get_current_object(), host.strip("[]"), int(port))  # type: ignore[attr-defined]
