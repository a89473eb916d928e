"""`flask items deliver-due`: pass on scheduled items whose time has come (run it from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import reviewing

group = AppGroup("items", help="Letters, questions and notes.")


@group.command("deliver-due")
def deliver_due() -> None:
    """Every check runs again at delivery: a case paused since scheduling delivers nothing."""
    click.echo(f"Passed on {reviewing.deliver_due(unit_of_work())} scheduled items.")
