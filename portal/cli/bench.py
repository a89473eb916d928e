"""`flask bench seed`: a database the size of a real service, for the benchmarks in bench/."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.cli import seeding
from portal.runtime import unit_of_work

group = AppGroup("bench", help="Benchmark data (never in production).")


@group.command("seed")
@click.option("--cases", default=10_000, show_default=True)
@click.option("--items", default=200_000, show_default=True, help="In all, the big case's included.")
@click.option("--audit-events", default=1_000_000, show_default=True)
@click.option("--big-case-items", default=2_000, show_default=True, help="Items in the one big case.")
def seed(cases: int, items: int, audit_events: int, big_case_items: int) -> None:
    """Add cases, items and audit events of real ciphertext to the database."""
    if current_app.config.get("ENV") == "production" or not current_app.config.get("DEMO_ALLOWED"):
        raise click.ClickException("Benchmark data is never loaded under production settings.")
    started = time.monotonic()
    plan = seeding.Plan(cases=cases, items=items, audit_events=audit_events, big_case_items=big_case_items)
    seeded = seeding.seed(unit_of_work(), plan)
    click.echo(
        f"Seeded {seeded.cases} cases, {seeded.items} items and {seeded.audit_events} audit events"
        f" in {time.monotonic() - started:.0f} s."
    )
    click.echo(f"Each of these signs in with {seeding.PASSWORD!r}: {', '.join(seeded.sign_ins)}")
    click.echo(f"Staff use the authenticator key {seeding.TOTP_SECRET}.")
