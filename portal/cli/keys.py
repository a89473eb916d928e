"""`flask keys`: create, rotate and inspect the key-encryption keys."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.crypto.keyring import KeyringError, add_key, remove_key
from portal.domain.audit import AuditAction
from portal.runtime import unit_of_work
from portal.services import audit, keys

group = AppGroup("keys", help="Key-encryption keys.")


def _key_file() -> Path:
    if current_app.config.get("KEYS_JSON"):
        raise click.ClickException(
            "Keys come from PORTAL_KEYS: add a new key to it, restart, then run `flask keys rewrap`."
        )
    return Path(current_app.config["KEYS_FILE"])


@group.command("init")
def init() -> None:
    """Create the key file (mode 0600) with a first key, unless it exists."""
    path = _key_file()
    if path.exists():
        click.echo(f"Key file {path} already exists.")
        return
    click.echo(f"Created {path} with key {add_key(path)}.")


@group.command("rotate")
def rotate() -> None:
    """Add a new KEK to the key file and re-wrap every data key under it."""
    path = _key_file()
    key_id = add_key(path)
    uow = unit_of_work()
    with uow:
        audit.record(uow, AuditAction.KEYS_ROTATE, object_type="kek", object_id=key_id)
        count = keys.rewrap_all(uow)
    click.echo(f"New key {key_id}; re-wrapped {count} data keys.")


@group.command("rewrap")
def rewrap() -> None:
    """Re-wrap every data key under the newest KEK."""
    click.echo(f"Re-wrapped {keys.rewrap_all(unit_of_work())} data keys.")


@group.command("status")
def status() -> None:
    """Which KEK wraps how many data keys: a KEK wrapping none can be retired."""
    report = keys.status(unit_of_work())
    for kek_id, count in report.wrapped_by.items():
        marker = "  (newest: wraps new keys)" if kek_id == report.current_kek else ""
        click.echo(f"{kek_id}: {count} data keys{marker}")
    for kek_id in report.unknown:
        click.echo(f"{kek_id}: MISSING from the keyring; its data keys cannot be opened")


@group.command("retire")
@click.argument("kek_id")
def retire(kek_id: str) -> None:
    """Remove a KEK that wraps no data key any more (rotate first). Backups taken while it
    wrapped keys can then never be opened: this is what finishes the deletion of a case."""
    path = _key_file()
    report = keys.status(unit_of_work())
    if kek_id == report.current_kek:
        raise click.ClickException(f"{kek_id} is the newest key: rotate first (flask keys rotate).")
    if report.wrapped_by.get(kek_id):
        raise click.ClickException(f"{kek_id} still wraps {report.wrapped_by[kek_id]} data keys: rotate first.")
    try:
        remove_key(path, kek_id)
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    uow = unit_of_work()
    with uow:
        audit.record(uow, AuditAction.KEYS_RETIRE, object_type="kek", object_id=kek_id)
    click.echo(f"Retired {kek_id}: backups whose data keys only it wrapped can no longer be opened.")
