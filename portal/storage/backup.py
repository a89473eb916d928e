"""Backing up the database, and restoring it into an empty one.

A backup holds the database only: sealed values and data keys wrapped by the key-encryption
keys (KEKs). The KEKs live in the key file (PORTAL_KEYS_FILE or PORTAL_KEYS_JSON), kept apart
from every backup; without it no letter, name or note in a backup can ever be opened.
PostgreSQL is dumped with pg_dump's custom format and restored with pg_restore; SQLite (for
small services and trying the portal) with its online backup API.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # pg_dump and pg_restore, with fixed arguments and no shell
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup or restore could not be made; the message says why, never with a password."""


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database address for pg_dump and pg_restore, and the password in the environment
    (never on a command line, where other users of the machine could read it)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(database)


def create(engine: Engine, to: Path) -> None:
    if engine.dialect.name == "postgresql":
        address, env = _libpq(engine)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={to}", address]
        _run(command, env)
        return
    source = sqlite3.connect(_sqlite_path(engine))
    target = sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore(engine: Engine, backup: Path) -> None:
    """Into an empty database only: a restore never mixes with (or overwrites) live data."""
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    if inspect(engine).get_table_names():
        raise BackupError("the database to restore into is not empty: create a new one")
    if engine.dialect.name == "postgresql":
        address, env = _libpq(engine)
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={address}", str(backup)], env
        )
        return
    engine.dispose()
    source = sqlite3.connect(backup)
    target = sqlite3.connect(_sqlite_path(engine))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[-500:]}") from error
