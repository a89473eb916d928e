"""`flask audit verify`: check that nobody has edited or removed an audit event, the newest
included (against the signed head in the anchor file), then sign the head as it is now."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.observability.metrics import record_verification
from portal.runtime import unit_of_work
from portal.services import anchor, audit

group = AppGroup("audit", help="The audit trail.")
REASONS = {
    audit.BREAK_LINK: "does not follow the event before it (one was removed or altered)",
    audit.BREAK_CONTENT: "its contents were changed after it was written",
}


ANCHOR_PROBLEMS = {
    anchor.AnchorState.TRUNCATED: "the newest events signed in the anchor file are gone or rewritten",
    anchor.AnchorState.TAMPERED: "the anchor file fails its signature, or was removed",
}


@group.command("verify")
def verify() -> None:
    path = current_app.config.get("AUDIT_ANCHOR_FILE")
    verdict = anchor.verify_and_anchor(unit_of_work(), Path(path) if path else None)
    report = verdict.chain
    state = current_app.config.get("AUDIT_VERIFY_STATE")
    if state:  # for the metrics exporter: an operator is alerted when this is a day old, or broken
        record_verification(state, intact=verdict.intact, events=report.events)
    if not report.intact:
        why = REASONS.get(report.reason or "", report.reason)
        raise click.ClickException(f"Audit trail broken at event {report.first_broken_id}: {why}.")
    if not verdict.anchor.holds:
        raise click.ClickException(f"Audit trail broken: {ANCHOR_PROBLEMS[verdict.anchor.state]}.")
    signed = "" if path else " (no anchor file is set: PORTAL_AUDIT_ANCHOR_FILE)"
    click.echo(f"Audit trail intact: {report.events} events, every link holds{signed}.")
