"""`flask cases index-references`: the blind index of referral references, for older cases."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import caseload

group = AppGroup("cases", help="Cases: the caseload's search index.")


@group.command("index-references")
@click.option(
    "--batch-size",
    default=caseload.INDEX_BATCH,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Cases indexed per transaction.",
)
def index_references(batch_size: int) -> None:
    """Index the referral reference of every case opened before the search could find it."""
    done = caseload.index_references(unit_of_work(), batch_size)
    click.echo(f"Indexed the referral reference of {done} cases.")
