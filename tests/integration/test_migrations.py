"""Migrations are the only way the schema is made: `upgrade head` must equal the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, make_url, text

from portal.storage import migrate
from portal.storage.db import make_engine
from portal.storage.models import Base
from tests.conftest import POSTGRES_URL


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[Engine]:
    """A brand-new empty database: a file for SQLite, a throwaway database on PostgreSQL."""
    if not POSTGRES_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def schema_differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_head_on_an_empty_database_matches_the_models(empty_engine):
    migrate.upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_downgrade_base_removes_everything_and_upgrade_works_again(empty_engine):
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_the_audit_table_refuses_updates_and_deletes(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (occurred_at, action, outcome, prev_hash, hash) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'success', 'p', 'h')"
            )
        )
    for statement in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), empty_engine.begin() as connection:
            connection.execute(text(statement))
