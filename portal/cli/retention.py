"""`flask retention run`: delete, by crypto-shredding, what the service's retention says is due."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import retention

group = AppGroup("retention", help="Retention: deleting closed cases and requests whose time is up.")


@group.command("run")
def run() -> None:
    """One pass (the worker runs one every 30 seconds too)."""
    swept = retention.run(unit_of_work())
    click.echo(f"Deleted {swept.cases} closed cases and {swept.requests} requests for contact whose time was up.")
