"""`flask backup create FILE` and `flask backup restore FILE`: the database, without its keys."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.domain.audit import AuditAction
from portal.runtime import unit_of_work
from portal.services import audit
from portal.storage import backup

group = AppGroup("backup", help="Back up the database, or restore a backup into an empty one.")
KEYS_WARNING = (
    "The backup holds no keys. Keep the key file (PORTAL_KEYS_FILE) safe and apart from it: "
    "without it nothing sealed in the backup can be opened, by anyone, ever."
)


@group.command("create")
@click.argument("to", type=click.Path(dir_okay=False, path_type=Path))
def create(to: Path) -> None:
    """Write a backup to TO; the audit trail records that it was taken."""
    uow = unit_of_work()
    with uow:
        audit.record(uow, AuditAction.BACKUP_CREATE)
    try:
        backup.create(uow.session.get_bind().engine, to)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {to}.")
    click.echo(KEYS_WARNING)


@group.command("restore")
@click.argument("backup_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(backup_file: Path) -> None:
    """Restore FILE into the (empty) configured database, then check its audit trail."""
    uow = unit_of_work()
    engine = uow.session.get_bind().engine
    uow.session.close()
    try:
        backup.restore(engine, backup_file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    report = audit.verify(uow)
    if not report.intact:
        raise click.ClickException(f"Restored, but the audit trail is broken at event {report.first_broken_id}.")
    with uow:
        audit.record(uow, AuditAction.BACKUP_RESTORE)
    click.echo(f"Restored {backup_file}: audit trail intact ({report.events} events).")
