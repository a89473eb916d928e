"""Demo data for a newcomer to try every screen. Loaded only by `flask demo load`.

Case one is mid-exchange: a letter waiting for review (with a phone number for screening to
find), a letter already passed on with a passage removed, and a shuttle note waiting for the
person harmed to confirm it. Case two shows someone who stopped taking part, with what was
waiting now on hold. Case three has just been referred.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.domain.cases import Referral
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ParticipantRole,
    ReferralSource,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.services import accounts, casework, keys, letters
from portal.services.casework import ParticipantDetails
from portal.services.uow import UnitOfWork
from portal.storage.models import Participant, User

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
FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE)


def load(uow: UnitOfWork) -> bool:
    """Create the demo accounts and cases; False if they are already there."""
    vault = keys.directory_vault(uow)
    marker = vault.email_index("facilitator@demo.example")
    if uow.session.scalars(select(User.id).where(User.email_index == marker)).first():
        return False
    users = {}
    for email, (role, name) in STAFF.items():
        user = accounts.create_account(uow, role=role, name=name, email=email, password=PASSWORD)
        # Every staff account shares the published key, so the demo needs one phone app entry.
        user.totp_secret_sealed = vault.seal_account_detail(user.id, "totp_secret", FACILITATOR_TOTP_SECRET)
        user.totp_enabled = True
        users[email] = user
    for email, name in PARTICIPANTS.items():
        users[email] = accounts.create_account(uow, role=Role.PARTICIPANT, name=name, email=email, password=PASSWORD)
    uow.commit()
    facilitator = casework.actor_for(users["facilitator@demo.example"])
    _case_mid_exchange(uow, facilitator, users["harmed@demo.example"], users["responsible@demo.example"])
    _case_with_a_withdrawal(uow, facilitator)
    casework.open_case(
        uow,
        facilitator,
        Referral("VS-2026-311", "Criminal damage", ReferralSource.VICTIM_SERVICE, date(2026, 11, 2)),
        RiskLevel.LOW,
    )
    return True


def _open(uow: UnitOfWork, facilitator, reference: str, offence: str, risk: RiskLevel) -> casework.CaseContext:
    row = casework.open_case(
        uow, facilitator, Referral(reference, offence, ReferralSource.POLICE, date(2026, 9, 1), date(2026, 3, 14)), risk
    )
    return casework.load(uow, facilitator, row.id)


def _person(uow, context, name, side, taking_part, user=None, terms=()) -> Participant:
    row = casework.add_participant(
        uow, context, ParticipantDetails(side, ParticipantRole.PRINCIPAL, name, taking_part, sensitive_terms=terms)
    )
    if user is not None:
        row.user_id = user.id
        uow.commit()
    return row


def _as(uow: UnitOfWork, user: User, case_id) -> casework.CaseContext:
    return casework.load(uow, casework.actor_for(user), case_id)


def _to_exchange(uow: UnitOfWork, facilitator, case_id) -> None:
    casework.record_risk_assessment(uow, casework.load(uow, facilitator, case_id), RiskLevel.LOW)
    for stage in (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE):
        casework.move(uow, casework.load(uow, facilitator, case_id), stage)


def _write(uow, context, kind, author_id, text) -> object:
    item_id = letters.start(uow, context, kind, author_id)
    letters.save_draft(uow, context, item_id, [text])
    return item_id


def _case_mid_exchange(uow: UnitOfWork, facilitator, harmed_user: User, responsible_user: User) -> None:
    context = _open(uow, facilitator, "CR/2026/04417", "Burglary (dwelling)", RiskLevel.LOW)
    case_id = context.row.id
    harmed = _person(
        uow, context, "Hannah Harmed", Side.HARMED, TakingPart.PORTAL, harmed_user, ("Hannah", "Larch Close")
    )
    responsible = _person(
        uow,
        casework.load(uow, facilitator, case_id),
        "Robin Responsible",
        Side.RESPONSIBLE,
        TakingPart.PORTAL,
        responsible_user,
    )
    for user, participant in ((harmed_user, harmed), (responsible_user, responsible)):
        for consent_format in FORMATS:
            casework.record_consent(uow, _as(uow, user, case_id), participant.id, consent_format, True)
    _to_exchange(uow, facilitator, case_id)

    released = _write(
        uow,
        _as(uow, harmed_user, case_id),
        ItemKind.LETTER,
        harmed.id,
        "I came home from my shift to find the back door open. For weeks I could not sleep.\n\n"
        "My name is Hannah and I still check the locks three times every night.\n\n"
        "I want you to know how it felt, and I want to know why you chose our house.",
    )
    letters.submit(uow, _as(uow, harmed_user, case_id), released)
    letters.review(
        uow,
        casework.load(uow, facilitator, case_id),
        released,
        letters.ReviewRequest(
            ReviewDecision.APPROVE, ticked=frozenset(s.key for s in _suggestions(uow, facilitator, case_id, released))
        ),
    )
    letters.release(uow, casework.load(uow, facilitator, case_id), released)

    waiting = _write(
        uow,
        _as(uow, harmed_user, case_id),
        ItemKind.LETTER,
        harmed.id,
        "Thank you for reading my first letter. If you want to talk, ring me on 07700 900461.\n\n"
        "I am not angry any more, but I need to know it will not happen to anyone else.",
    )
    letters.submit(uow, _as(uow, harmed_user, case_id), waiting)

    _write(
        uow,
        casework.load(uow, facilitator, case_id),
        ItemKind.SHUTTLE_NOTE,
        harmed.id,
        "Hannah said on the phone that her children are sleeping better now, and that she would like "
        "an answer to her question about why you chose the house.",
    )


def _suggestions(uow, facilitator, case_id, item_id):
    context = casework.load(uow, facilitator, case_id)
    return letters.suggestions(context, letters.read(uow, context, item_id).item)


def _case_with_a_withdrawal(uow: UnitOfWork, facilitator) -> None:
    context = _open(uow, facilitator, "CR/2026/05120", "Assault (ABH)", RiskLevel.MEDIUM)
    case_id = context.row.id
    harmed = _person(uow, context, "Dee Offline", Side.HARMED, TakingPart.OFFLINE)
    responsible = _person(
        uow, casework.load(uow, facilitator, case_id), "Jay Offline", Side.RESPONSIBLE, TakingPart.OFFLINE
    )
    for participant in (harmed, responsible):
        for consent_format in FORMATS:
            casework.record_consent(uow, casework.load(uow, facilitator, case_id), participant.id, consent_format, True)
    _to_exchange(uow, facilitator, case_id)
    letter = _write(
        uow,
        casework.load(uow, facilitator, case_id),
        ItemKind.LETTER,
        harmed.id,
        "I have thought about what happened every day. I would like you to understand what it did to me.",
    )
    letters.submit(uow, casework.load(uow, facilitator, case_id), letter)
    casework.withdraw(uow, casework.load(uow, facilitator, case_id), responsible.id)
