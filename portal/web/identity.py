"""Who is signed in: Flask-Login keyed by the rotating session token, not the user id."""

from __future__ import annotations

import uuid

from flask import Flask
from flask_login import UserMixin

from portal.extensions import login_manager
from portal.runtime import unit_of_work
from portal.services import accounts
from portal.services.accounts import STAFF_ROLES, Role
from portal.storage.models import User
from portal.web.catalogue import lazy_gettext as _l


class SignedInUser(UserMixin):
    """The account behind the current request."""

    def __init__(self, record: User):
        self.record = record

    def get_id(self) -> str:
        return self.record.session_token

    @property
    def id(self) -> uuid.UUID:
        return self.record.id

    @property
    def role(self) -> Role:
        return Role(self.record.role)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_active(self) -> bool:
        return self.record.is_active


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")

    @login_manager.user_loader
    def load_user(session_token: str) -> SignedInUser | None:
        record = accounts.find_by_session_token(unit_of_work(), session_token)
        return SignedInUser(record) if record else None
