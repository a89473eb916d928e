"""Demo data for a newcomer to try every screen. Loaded only by `flask demo load`."""

from __future__ import annotations

from sqlalchemy import select

from portal.services import accounts, keys
from portal.services.accounts import Role
from portal.services.uow import UnitOfWork
from portal.storage.models import User

# Published in the README so anyone trying the demo can sign in; never used outside it.
PASSWORD = "demo password for trying"  # noqa: S105 - published for the demo only
FACILITATOR_TOTP_SECRET = "OJSXG5DPOJQXI2LWMUWWIZLNN4WWWZLZ"  # noqa: S105 - published for the demo only
STAFF = {
    "facilitator@demo.example": (Role.FACILITATOR, "Sam Facilitator"),
    "manager@demo.example": (Role.MANAGER, "Morgan Manager"),
    "admin@demo.example": (Role.ADMIN, "Alex Admin"),
}
PARTICIPANTS = {
    "harmed@demo.example": "Hannah Harmed",
    "responsible@demo.example": "Robin Responsible",
}


def load(uow: UnitOfWork) -> bool:
    """Create the demo accounts; False if they are already there."""
    vault = keys.directory_vault(uow)
    marker = vault.email_index("facilitator@demo.example")
    if uow.session.scalars(select(User.id).where(User.email_index == marker)).first():
        return False
    for email, (role, name) in STAFF.items():
        user = accounts.create_account(uow, role=role, name=name, email=email, password=PASSWORD)
        # Every staff account shares the published key, so the demo needs one phone app entry.
        user.totp_secret_sealed = vault.seal_account_detail(user.id, "totp_secret", FACILITATOR_TOTP_SECRET)
        user.totp_enabled = True
    for email, name in PARTICIPANTS.items():
        accounts.create_account(uow, role=Role.PARTICIPANT, name=name, email=email, password=PASSWORD)
    uow.commit()
    return True
