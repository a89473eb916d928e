"""`flask audit verify`: check that nobody has edited or removed an audit event."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.observability.metrics import record_verification
from portal.runtime import unit_of_work
from portal.services import audit

group = AppGroup("audit", help="The audit trail.")
REASONS = {
    audit.BREAK_LINK: "does not follow the event before it (one was removed or altered)",
    audit.BREAK_CONTENT: "its contents were changed after it was written",
}


@group.command("verify")
def verify() -> None:
    report = audit.verify(unit_of_work())
    state = current_app.config.get("AUDIT_VERIFY_STATE")
    if state:  # for the metrics exporter: an operator is alerted when this is a day old, or broken
        record_verification(state, intact=report.intact, events=report.events)
    if report.intact:
        click.echo(f"Audit trail intact: {report.events} events, every link holds.")
        return
    why = REASONS.get(report.reason or "", report.reason)
    raise click.ClickException(f"Audit trail broken at event {report.first_broken_id}: {why}.")
