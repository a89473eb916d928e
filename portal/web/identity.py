"""Who is signed in: Flask-Login keyed by the rotating session token, not the user id."""

from __future__ import annotations

import uuid

from flask import Flask, abort
from flask_login import UserMixin

from portal.extensions import login_manager
from portal.runtime import unit_of_work
from portal.services import accounts
from portal.services.accounts import STAFF_ROLES, Role, SessionAccount
from portal.storage.models import User
from portal.web.catalogue import lazy_gettext as _l


class SignedInUser(UserMixin):
    """The account behind the current request: the few facts every page needs, found with the
    session token; the whole account row only for the pages that use it (`record`)."""

    def __init__(self, account: SessionAccount, record: User | None = None):
        self.account = account
        self._record = record

    @classmethod
    def signing_in(cls, user: User) -> SignedInUser:
        if not user.is_active:  # every way in checks this first; Flask-Login's own check is ours to keep
            raise ValueError("a switched-off account cannot sign in")
        return cls(SessionAccount.of(user), user)

    def get_id(self) -> str:
        # The row's token when this request has it: rotating it ("sign out everywhere") and
        # signing in again with the new one happen in one request.
        return self._record.session_token if self._record is not None else self.account.session_token

    @property
    def id(self) -> uuid.UUID:
        return self.account.id

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def language(self) -> str:
        return self.account.language

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def found(self) -> User | None:
        """The account row, read in this request's session the first time a page asks for it
        (switched off meanwhile or not: this request began signed in); None only if it is gone."""
        if self._record is None:
            self._record = unit_of_work().session.get(User, self.account.id)
        return self._record

    @property
    def record(self) -> User:
        found = self.found()
        if found is None:
            abort(404)
        return found


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")

    @login_manager.user_loader
    def load_user(session_token: str) -> SignedInUser | None:
        account = accounts.find_by_session_token(unit_of_work(), session_token)
        return SignedInUser(account) if account else None
