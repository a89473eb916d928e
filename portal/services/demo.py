"""Demo data for a newcomer to try every screen. Loaded only by `flask demo load`.

Case one is mid-exchange: a letter waiting for review (with a phone number for screening to
find), a letter already passed on with a passage removed, and a shuttle note waiting for the
person harmed to confirm it. Its record has assessments, case notes, contacts, a preparation
meeting held two weeks ago, and a conference planned with two facilitators and both sides'
supporters. Case two shows someone who stopped taking part, with
what was waiting now on hold. Case three has just been referred. Case four had its conference
ten days ago and nobody has followed it up: overdue. Pat Senior is a senior facilitator and
Sam's named supervisor.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from portal.domain import assessments as rules
from portal.domain.actors import Actor
from portal.domain.casenotes import Contact
from portal.domain.cases import Referral
from portal.domain.enums import (
    AssessmentKind,
    AssessmentOutcome,
    ConsentFormat,
    ContactMethod,
    ContactPurpose,
    ItemKind,
    MediaRole,
    MeetingKind,
    MeetingMode,
    ParticipantRole,
    Proceedings,
    ReferralSource,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.meetings import MeetingPlan
from portal.media.spool import SealedSpool
from portal.services import accounts, assessments, casenotes, casework, clock, keys, letters, media, meetings, reviewing
from portal.services.casework import ParticipantDetails
from portal.services.uow import UnitOfWork
from portal.storage.models import Meeting, Participant, User
from portal.storage.types import utcnow

# Published in the README so anyone trying the demo can sign in; never used outside it.
PASSWORD = "demo password for trying"  # noqa: S105 - published for the demo only
FACILITATOR_TOTP_SECRET = "OJSXG5DPOJQXI2LWMUWWIZLNN4WWWZLZ"  # noqa: S105 - published for the demo only
STAFF = {
    "facilitator@demo.example": (Role.FACILITATOR, "Sam Facilitator"),
    "senior@demo.example": (Role.FACILITATOR, "Pat Senior"),
    "manager@demo.example": (Role.MANAGER, "Morgan Manager"),
    "admin@demo.example": (Role.ADMIN, "Alex Admin"),
}
PARTICIPANTS = {
    "harmed@demo.example": "Hannah Harmed",
    "responsible@demo.example": "Robin Responsible",
}
FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE)
SENIOR_EMAIL = "senior@demo.example"


def load(uow: UnitOfWork) -> bool:
    """Create the demo accounts and cases, all in one unit of work; False if they are already there."""
    with uow:
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
            users[email] = accounts.create_account(
                uow, role=Role.PARTICIPANT, name=name, email=email, password=PASSWORD
            )
        senior = users[SENIOR_EMAIL]
        senior.senior = True
        users["facilitator@demo.example"].supervisor_id = senior.id
        facilitator = casework.actor_for(users["facilitator@demo.example"])
        harmed = casework.actor_for(users["harmed@demo.example"])
        responsible = casework.actor_for(users["responsible@demo.example"])
        _case_mid_exchange(uow, facilitator, harmed, responsible)
        _case_with_a_withdrawal(uow, facilitator)
        _case_after_a_conference(uow, facilitator)
        casework.open_case(
            uow,
            facilitator,
            Referral("VS-2026-311", "Criminal damage", ReferralSource.VICTIM_SERVICE, date(2026, 11, 2)),
            RiskLevel.LOW,
        )
        return True


def _open(uow: UnitOfWork, facilitator: Actor, reference: str, offence: str, risk: RiskLevel) -> uuid.UUID:
    referral = Referral(reference, offence, ReferralSource.POLICE, date(2026, 9, 1), date(2026, 3, 14))
    return casework.open_case(uow, facilitator, referral, risk)


def _person(
    uow: UnitOfWork,
    facilitator: Actor,
    case_id: uuid.UUID,
    name: str,
    side: Side,
    taking_part: TakingPart,
    user: Actor | None = None,
    terms: tuple[str, ...] = (),
) -> uuid.UUID:
    details = ParticipantDetails(side, ParticipantRole.PRINCIPAL, name, taking_part, sensitive_terms=terms)
    participant_id = casework.add_participant(uow, facilitator, case_id, details)
    assert participant_id is not None
    if user is not None:
        # As if they had accepted an invitation.
        row = uow.session.get(Participant, participant_id)
        assert row is not None
        row.user_id = user.user_id
    return participant_id


def assess_ready(uow: UnitOfWork, facilitator: Actor, case_id: uuid.UUID, risk: RiskLevel, on: date) -> None:
    """Eligible, everyone suitable, the risks manageable at `risk` with no flags: what a case
    needs from its assessments before the exchange (the demo's, and tests' starting point)."""
    reasons = "Assessed at the first meetings."

    def record(details: rules.Details, kind: AssessmentKind, person: uuid.UUID | None = None) -> None:
        entry = assessments.Entry(kind, AssessmentOutcome.SUITABLE, on, reasons, details, person)
        assessments.record(uow, facilitator, case_id, entry)

    with uow:
        record(rules.Eligibility(True, True, True, Proceedings.CONCLUDED), AssessmentKind.ELIGIBILITY)
        people = casework.load(uow, facilitator, case_id).case.participants
        for person in people:
            record(
                rules.Suitability("Wants to take part.", "Understands what it means."),
                AssessmentKind.SUITABILITY,
                person.id,
            )
        to_people = (*(rules.PersonRisk(p.id, risk) for p in people if not p.withdrawn), rules.PersonRisk(None, risk))
        record(rules.Risk(to_people, risk), AssessmentKind.RISK)


def _to_exchange(uow: UnitOfWork, facilitator: Actor, case_id: uuid.UUID) -> None:
    assess_ready(uow, facilitator, case_id, RiskLevel.LOW, date(2026, 9, 20))
    for stage in (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE):
        casework.move(uow, facilitator, case_id, stage)


def _write(uow: UnitOfWork, writer: Actor, case_id: uuid.UUID, kind: ItemKind, author_id: uuid.UUID, text: str):
    item_id = letters.start(uow, writer, case_id, kind, author_id)
    letters.save_draft(uow, writer, case_id, item_id, [text])
    return item_id


def _demo_photo() -> SealedSpool:
    """A drawn stand-in for a phone photo of a mended fence, as an upload would arrive."""
    picture = Image.new("RGB", (640, 420), (170, 205, 235))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 300, 640, 420), fill=(110, 160, 90))
    for x in range(20, 640, 48):
        draw.rectangle((x, 170, x + 28, 330), fill=(150, 105, 60))
    draw.rectangle((0, 200, 640, 214), fill=(130, 90, 50))
    draw.rectangle((0, 270, 640, 284), fill=(130, 90, 50))
    raw = io.BytesIO()
    picture.save(raw, "JPEG", quality=85)
    spool = SealedSpool()
    spool.write(raw.getvalue())
    spool.finish()
    return spool


def _case_mid_exchange(uow: UnitOfWork, facilitator: Actor, harmed_user: Actor, responsible_user: Actor) -> None:
    case_id = _open(uow, facilitator, "CR/2026/04417", "Burglary (dwelling)", RiskLevel.LOW)
    harmed = _person(
        uow,
        facilitator,
        case_id,
        "Hannah Harmed",
        Side.HARMED,
        TakingPart.PORTAL,
        harmed_user,
        ("Hannah", "Larch Close"),
    )
    responsible = _person(
        uow, facilitator, case_id, "Robin Responsible", Side.RESPONSIBLE, TakingPart.PORTAL, responsible_user
    )
    for user, participant in ((harmed_user, harmed), (responsible_user, responsible)):
        for consent_format in FORMATS:
            casework.record_consent(uow, user, case_id, participant, consent_format, True)
    _to_exchange(uow, facilitator, case_id)

    released = _write(
        uow,
        harmed_user,
        case_id,
        ItemKind.LETTER,
        harmed,
        "I came home from my shift to find the back door open. For weeks I could not sleep.\n\n"
        "My name is Hannah and I still check the locks three times every night.\n\n"
        "I want you to know how it felt, and I want to know why you chose our house.",
    )
    letters.submit(uow, harmed_user, case_id, released)
    page = reviewing.review_page(uow, facilitator, case_id, released)
    reviewing.review(
        uow,
        facilitator,
        case_id,
        released,
        reviewing.ReviewRequest(
            ReviewDecision.APPROVE, seen=page.reading.version, ticked=frozenset(s.key for s in page.suggestions)
        ),
    )
    reviewing.release(
        uow, facilitator, case_id, released, seen=letters.read(uow, facilitator, case_id, released).version
    )

    waiting = _write(
        uow,
        harmed_user,
        case_id,
        ItemKind.LETTER,
        harmed,
        "Thank you for reading my first letter. If you want to talk, ring me on 07700 900461.\n\n"
        "I am not angry any more, but I need to know it will not happen to anyone else.",
    )
    letters.submit(uow, harmed_user, case_id, waiting)

    _write(
        uow,
        facilitator,
        case_id,
        ItemKind.SHUTTLE_NOTE,
        harmed,
        "Hannah said on the phone that her children are sleeping better now, and that she would like "
        "an answer to her question about why you chose the house.",
    )
    # The person responsible shows what they put right: a letter with a photo, waiting for review
    # (the reviewer opens the photo before approving).
    mended = _write(
        uow,
        responsible_user,
        case_id,
        ItemKind.LETTER,
        responsible,
        "I helped mend the fence and the gate at the community garden on Saturdays. "
        "I took a photo of it so you can see it is finished.",
    )
    media.add_file(uow, responsible_user, case_id, mended, MediaRole.ATTACHMENT, _demo_photo())
    letters.submit(uow, responsible_user, case_id, mended)
    _record_of(uow, facilitator, case_id, {harmed: harmed_user, responsible: responsible_user})


def _record_of(uow: UnitOfWork, facilitator: Actor, case_id: uuid.UUID, people: dict[uuid.UUID, Actor]) -> None:
    """Case one's record: notes, contacts, a preparation meeting two weeks ago, and a conference
    planned in three weeks with supporters of both sides."""
    today = clock.today_in_uk()
    harmed, responsible = people
    casenotes.add_note(
        uow,
        facilitator,
        case_id,
        "Hannah would rather the letters came by the portal than by post: her son opens the post.",
    )
    casenotes.add_note(uow, facilitator, case_id, "Robin's offender manager supports a meeting if Hannah wants one.")
    for participant, method, how, next_step in (
        (
            harmed,
            ContactMethod.PHONE,
            "Talked through what a letter could say. She felt ready.",
            "Send the letter form",
        ),
        (responsible, ContactMethod.PRISON_VISIT, "Explained shuttle notes; he asked good questions.", ""),
    ):
        contact = Contact(
            method, ContactPurpose.PREPARATION, today - timedelta(days=30), how, participant, "", next_step
        )
        casenotes.record_contact(uow, facilitator, case_id, contact)
    with uow:
        casework.assign_facilitator(uow, facilitator, case_id, SENIOR_EMAIL)
        senior = uow.session.scalars(select(User).where(User.senior.is_(True))).one()
        supporters = [
            casework.add_participant(
                uow, facilitator, case_id, ParticipantDetails(side, ParticipantRole.SUPPORTER, name, TakingPart.OFFLINE)
            )
            for side, name in ((Side.HARMED, "Heather Harmed"), (Side.RESPONSIBLE, "Rowan Responsible"))
        ]
        for participant, user in people.items():  # in the portal, each gives their own consent
            casework.record_consent(uow, user, case_id, participant, ConsentFormat.MEETING, True)
        preparation = meetings.plan(
            uow,
            facilitator,
            case_id,
            MeetingPlan(
                MeetingKind.PREPARATION,
                MeetingMode.IN_PERSON,
                utcnow() + timedelta(hours=1),
                (facilitator.user_id,),
                (responsible,),
                participant_id=responsible,
                venue="HMP visits hall, room 2",
            ),
        )
        held_on = today - timedelta(days=14)
        meetings.hold(uow, facilitator, case_id, preparation, held_on, "Robin is ready to meet if Hannah wants to.")
        # Demo data tells of the past: the meeting was planned for the day it was held.
        held = uow.session.get(Meeting, preparation)
        assert held is not None
        held.starts_at = datetime.combine(held_on, time(10), UTC)
        conference = utcnow().replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(days=21)
        meetings.plan(
            uow,
            facilitator,
            case_id,
            MeetingPlan(
                MeetingKind.CONFERENCE,
                MeetingMode.IN_PERSON,
                conference,
                (facilitator.user_id, senior.id),
                (harmed, responsible, *(s for s in supporters if s)),
                venue="Community centre, small meeting room",
                safety_plan="Separate waiting rooms; Hannah arrives first and leaves first; a break room.",
            ),
        )


def _case_after_a_conference(uow: UnitOfWork, facilitator: Actor) -> None:
    """Both took part offline (he from prison); the conference was ten days ago, and nobody has
    followed it up yet: the case list shows the follow-up overdue."""
    case_id = _open(uow, facilitator, "CR/2026/03981", "Theft from a vehicle", RiskLevel.LOW)
    harmed = _person(uow, facilitator, case_id, "Ceri Offline", Side.HARMED, TakingPart.OFFLINE)
    responsible = _person(uow, facilitator, case_id, "Lee Offline", Side.RESPONSIBLE, TakingPart.OFFLINE)
    for participant in (harmed, responsible):
        for consent_format in (*FORMATS, ConsentFormat.MEETING):
            casework.record_consent(uow, facilitator, case_id, participant, consent_format, True)
    _to_exchange(uow, facilitator, case_id)
    casework.assign_facilitator(uow, facilitator, case_id, SENIOR_EMAIL)
    senior = uow.session.scalars(select(User).where(User.senior.is_(True))).one()
    conference = meetings.plan(
        uow,
        facilitator,
        case_id,
        MeetingPlan(
            MeetingKind.CONFERENCE,
            MeetingMode.IN_PERSON,
            utcnow() + timedelta(hours=1),
            (facilitator.user_id, senior.id),
            (harmed, responsible),
            venue="HMP visits hall, the family room",
            ground_rules_agreed=True,
            safety_plan="Prison officers nearby; Ceri may stop at any time and leave by the side door.",
        ),
    )
    held_on = clock.today_in_uk() - timedelta(days=10)
    meetings.hold(uow, facilitator, case_id, conference, held_on, "Both spoke; Lee apologised and offered to repair.")
    with uow:
        held = uow.session.get(Meeting, conference)
        assert held is not None
        held.starts_at = datetime.combine(held_on, time(10), UTC)  # demo data tells of the past


def _case_with_a_withdrawal(uow: UnitOfWork, facilitator: Actor) -> None:
    case_id = _open(uow, facilitator, "CR/2026/05120", "Assault (ABH)", RiskLevel.MEDIUM)
    harmed = _person(uow, facilitator, case_id, "Dee Offline", Side.HARMED, TakingPart.OFFLINE)
    responsible = _person(uow, facilitator, case_id, "Jay Offline", Side.RESPONSIBLE, TakingPart.OFFLINE)
    for participant in (harmed, responsible):
        for consent_format in FORMATS:
            casework.record_consent(uow, facilitator, case_id, participant, consent_format, True)
    _to_exchange(uow, facilitator, case_id)
    letter = _write(
        uow,
        facilitator,
        case_id,
        ItemKind.LETTER,
        harmed,
        "I have thought about what happened every day. I would like you to understand what it did to me.",
    )
    letters.submit(uow, facilitator, case_id, letter)
    casework.withdraw(uow, facilitator, case_id, responsible)
