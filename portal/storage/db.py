"""The database extension: one engine per app, one session per app context."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "portal.database"
# How deep the session is in units of work (portal.services.uow); 0 or absent: outside any.
UNIT_DEPTH = "portal.unit_of_work_depth"
# Execution option a unit of work sets on its connection: on SQLite its transaction begins with
# BEGIN IMMEDIATE, so writers queue for the write lock up front instead of failing halfway.
WRITE_TRANSACTION = "portal_write_transaction"

log = logging.getLogger(__name__)


class WriteOutsideUnitOfWork(RuntimeError):
    """Something tried to change the database outside a use case's unit of work: a bug."""


class PortalSession(Session):
    """A session that refuses to flush changes made outside a unit of work, so nothing can reach
    the database without the commit, rollback and audit event of a use case."""


@event.listens_for(PortalSession, "before_flush")
def _refuse_stray_writes(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(UNIT_DEPTH) and (session.new or session.dirty or session.deleted):
        raise WriteOutsideUnitOfWork("a change was flushed outside a unit of work")


class Database:
    """Unbound until `init_app`; state lives in `app.extensions`, so several apps can coexist."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions[EXTENSION_KEY] = sessionmaker(bind=engine, class_=PortalSession, expire_on_commit=False)
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions[EXTENSION_KEY].kw["bind"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions[EXTENSION_KEY]()
        return g.db_session

    @staticmethod
    def _close_session(_error: BaseException | None) -> None:
        """Closing must never turn a page already rendered into an error, even if the connection died."""
        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.close()
        except Exception as error:  # the connection is gone; the pool replaces it
            log.warning("closing the database session failed: %s", type(error).__name__)


def make_engine(url: str | URL, **options: Any) -> Engine:
    # hide_parameters: an error message must never carry what was being stored. A server's
    # connection can die under the pool (a restart, a failover), so it is pinged when taken; a
    # SQLite file cannot, and the ping would be one more statement on every request.
    server = make_url(url).get_backend_name() != "sqlite"
    engine = create_engine(url, pool_pre_ping=server, hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_connect)
    return engine


def _postgres_connect(dbapi_connection: Any, _record: Any) -> None:
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, as the
    # caseload's due dates are: compiling took 30-370 ms, the query itself 20 ms. Pages run short
    # queries; none gains from JIT.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own BEGIN is switched off; `_sqlite_begin` says how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A unit of work takes the write lock at BEGIN; a plain read starts a deferred transaction."""
    immediate = connection.get_execution_options().get(WRITE_TRANSACTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
