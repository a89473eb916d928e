"""`flask audit verify`: check that nobody has edited or removed an audit event."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import audit

group = AppGroup("audit", help="The audit trail.")


@group.command("verify")
def verify() -> None:
    report = audit.verify(unit_of_work())
    if report.intact:
        click.echo(f"Audit trail intact: {report.events} events, every link holds.")
        return
    raise click.ClickException(f"Audit trail broken at event {report.first_broken_id}: {report.reason}.")
