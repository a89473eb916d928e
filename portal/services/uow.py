"""The unit of work a use case runs in: one transaction, the keyring, and unwrapped keys.

    with uow:
        ...  # load (and lock) what the use case changes, ask the domain, store, audit

commits at the end of the block and rolls back on any exception. Blocks nest: an inner
block joins the outer one, and only the outermost commits. Entering ends any read-only
transaction the request had open (finding the signed-in user, say) and starts a fresh one,
so a use case decides on the database as it is now, never on rows read before. Writing
outside a unit of work is refused (see `storage.db.PortalSession`), so no change can slip into the
database without the commit, rollback and audit event of a use case.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVarTuple, cast, overload
from uuid import UUID

from sqlalchemy import CursorResult, Executable, Result, Update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TypedReturnsRows

from portal.crypto import CaseVault, DirectoryVault, Keyring
from portal.storage.db import UNIT_DEPTH as DEPTH
from portal.storage.db import WRITE_TRANSACTION, WriteOutsideUnitOfWork
from portal.storage.media_store import MediaStores

log = logging.getLogger(__name__)

_Ts = TypeVarTuple("_Ts")
Params = Mapping[str, Any] | None

# SQLite: BEGIN IMMEDIATE already waits for the write lock (busy_timeout); past that, a few more tries.
BEGIN_ATTEMPTS = 4
BEGIN_BACKOFF_SECONDS = 0.05


@dataclass
class UnitOfWork:
    session: Session
    keyring: Keyring
    # Unwrapped keys live only as long as this unit of work's owner (one request or command).
    directory_vault: DirectoryVault | None = None
    case_vaults: dict[UUID, CaseVault] = field(default_factory=dict)
    # Where files' sealed chunks live (the database unless the config names another store).
    media_stores: MediaStores = field(default_factory=lambda: MediaStores({}))
    # Work outside the database that must happen only once the commit has: deleting a file
    # kept in a folder or a bucket (deleted before, a rollback would leave its row pointing at nothing).
    _after_commit: list[Callable[[], None]] = field(default_factory=list)
    # ... and the undoing of such work if it rolls back (a file already written to a bucket).
    _after_rollback: list[Callable[[], None]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.session.info.get(DEPTH))

    @overload
    def read(self, statement: TypedReturnsRows[*_Ts], params: Params = None) -> Result[*_Ts]: ...

    @overload
    def read(self, statement: Executable, params: Params = None) -> Result[*tuple[Any, ...]]: ...

    def read(self, statement: Executable, params: Params = None) -> Result[*tuple[Any, ...]]:
        """Plain columns (never ORM objects) read on this unit of work's connection, for the
        queries a page runs on every view: half what `session.execute` costs, which prepares
        for ORM results. Pending changes are flushed first, as `session.execute` would."""
        self.session.flush()  # returns at once when nothing is pending
        return self.session.connection().execute(statement, params)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def __enter__(self) -> UnitOfWork:
        depth = self.session.info.get(DEPTH, 0)
        if depth == 0:
            self._begin()
        self.session.info[DEPTH] = depth + 1
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        depth = self.session.info[DEPTH]
        try:
            if depth == 1:
                pending, self._after_commit = self._after_commit, []
                undo, self._after_rollback = self._after_rollback, []
                if kind is None:
                    try:
                        self.session.commit()  # still inside the unit: its final flush is allowed
                    except BaseException:
                        self.session.rollback()
                        self._run(undo)
                        raise
                    self._run(pending)
                else:
                    self.session.rollback()
                    self._run(undo)
        finally:
            self.session.info[DEPTH] = depth - 1

    def after_commit(self, work: Callable[[], None]) -> None:
        """Run `work` once this unit of work has committed; never if it rolls back."""
        self._after_commit.append(work)

    def after_rollback(self, work: Callable[[], None]) -> None:
        """Run `work` if this unit of work rolls back; never if it commits."""
        self._after_rollback.append(work)

    @staticmethod
    def _run(pending: list[Callable[[], None]]) -> None:
        for work in pending:
            try:
                work()
            except Exception as error:  # the commit stands; what is left is ciphertext to sweep
                log.warning("after-commit work failed", extra={"error": type(error).__name__})

    def rows_changed(self, statement: Update, params: Params = None) -> int:
        """Run an UPDATE and count the rows it changed: a claim that lost a race changes none."""
        result = cast("CursorResult[Any]", self.session.execute(statement, params))
        return result.rowcount

    def rollback(self) -> None:
        """Abandon whatever is open (for error pages and tests); inside a unit, use an exception."""
        if self.active:
            raise WriteOutsideUnitOfWork("a unit of work ends by leaving its block, not by rollback()")
        self.session.rollback()

    def _begin(self) -> None:
        session = self.session
        if session.new or session.dirty or session.deleted:
            raise WriteOutsideUnitOfWork("changes were made before the unit of work began")
        if session.in_transaction():
            session.commit()  # a read-only transaction: nothing to keep, and its snapshot is old
        session.expire_all()
        for attempt in range(BEGIN_ATTEMPTS):
            try:
                session.connection(execution_options={WRITE_TRANSACTION: True})
                return
            except OperationalError as error:
                session.rollback()
                if "locked" not in str(error.orig) or attempt == BEGIN_ATTEMPTS - 1:
                    raise
                time.sleep(BEGIN_BACKOFF_SECONDS * (attempt + 1))
