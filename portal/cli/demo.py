"""`flask demo load`: sample accounts and cases for trying the portal. Never in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import demo

group = AppGroup("demo", help="Demonstration data.")


@group.command("load")
def load() -> None:
    """Load the demo data once; running it again changes nothing."""
    if current_app.config.get("ENV") == "production" or not current_app.config.get("DEMO_ALLOWED"):
        raise click.ClickException("Demo data is never loaded under production settings.")
    if demo.load(unit_of_work()):
        click.echo("Demo data loaded. The README lists the demo sign-ins.")
    else:
        click.echo("Demo data is already there.")
