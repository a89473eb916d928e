"""Build cases through the real services, so tests start from states the portal can reach."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import Flask

from portal.domain.actors import Actor
from portal.domain.casenotes import Contact
from portal.domain.cases import Referral
from portal.domain.enums import (
    ConsentFormat,
    ContactMethod,
    ContactPurpose,
    Feeling,
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
from portal.runtime import unit_of_work
from portal.services import casenotes, casework, demo, letters, reviewing
from portal.services.casework import ParticipantDetails
from portal.storage import models
from tests.helpers import Account, make_account

ROUTE_TO = {
    Stage.REFERRAL: (),
    Stage.ASSESSMENT: (Stage.ASSESSMENT,),
    Stage.PREPARATION: (Stage.ASSESSMENT, Stage.PREPARATION),
    Stage.EXCHANGE: (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE),
    Stage.AGREEMENT: (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE, Stage.AGREEMENT),
}


@dataclass
class Person:
    participant_id: uuid.UUID
    account: Account | None  # None for someone taking part offline


@dataclass
class CaseWorld:
    case_id: uuid.UUID
    code: str
    facilitator: Account
    people: dict[str, Person] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Person:
        return self.people[name]


def actor_of(account: Account) -> Actor:
    return Actor(account.id, account.role)


def add_person(
    app: Flask,
    world: CaseWorld,
    name: str,
    side: Side,
    role: ParticipantRole = ParticipantRole.PRINCIPAL,
    *,
    offline: bool = False,
    relationship: str = "",
    terms: tuple[str, ...] = (),
    consents: tuple[ConsentFormat, ...] = (),
    may_write: bool = False,
) -> Person:
    """Add a participant; a portal one gets an account linked as an accepted invitation would."""
    account = None if offline else make_account(app, Role.PARTICIPANT, name=name)
    with app.app_context():
        uow = unit_of_work()
        details = ParticipantDetails(
            side=side,
            role=role,
            name=name,
            taking_part=TakingPart.OFFLINE if offline else TakingPart.PORTAL,
            relationship=relationship,
            sensitive_terms=terms,
            may_write=may_write,
        )
        with uow:  # added and linked to their account in one step, as an accepted invitation would
            participant_id = casework.add_participant(uow, actor_of(world.facilitator), world.case_id, details)
            if account is not None:
                uow.session.get(models.Participant, participant_id).user_id = account.id
        person = Person(participant_id, account)
    for consent_format in consents:
        give_consent(app, world, person, consent_format)
    world.people[name] = person
    return person


def give_consent(
    app: Flask, world: CaseWorld, person: Person, consent_format: ConsentFormat, given: bool = True
) -> None:
    """In the portal by the person themself; by the facilitator for someone offline."""
    with app.app_context():
        casework.record_consent(
            unit_of_work(),
            actor_of(person.account or world.facilitator),
            world.case_id,
            person.participant_id,
            consent_format,
            given,
        )


def move_to(app: Flask, world: CaseWorld, *stages: Stage) -> None:
    with app.app_context():
        for stage in stages:
            casework.move(unit_of_work(), actor_of(world.facilitator), world.case_id, stage)


def new_case(app: Flask, *, risk: RiskLevel = RiskLevel.LOW, facilitator: Account | None = None) -> CaseWorld:
    facilitator = facilitator or make_account(app, Role.FACILITATOR)
    with app.app_context():
        uow = unit_of_work()
        referral = Referral("CR/0001/26", "Burglary", ReferralSource.POLICE, date(2026, 9, 1), date(2026, 3, 14))
        case_id = casework.open_case(uow, actor_of(facilitator), referral, risk)
        return CaseWorld(case_id, uow.session.get(models.Case, case_id).code, facilitator)


def exchange_case(
    app: Flask,
    *,
    risk: RiskLevel = RiskLevel.LOW,
    stage: Stage = Stage.EXCHANGE,
    harmed_offline: bool = False,
    responsible_offline: bool = False,
    formats: tuple[ConsentFormat, ...] = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE),
    harmed_terms: tuple[str, ...] = ("Hannah", "Elm Street"),
) -> CaseWorld:
    """A case with both principals consenting and the risk assessed, moved to `stage`."""
    world = new_case(app, risk=risk)
    add_person(app, world, "harmed", Side.HARMED, offline=harmed_offline, terms=harmed_terms, consents=formats)
    add_person(app, world, "responsible", Side.RESPONSIBLE, offline=responsible_offline, consents=formats)
    with app.app_context():
        demo.assess_ready(unit_of_work(), actor_of(world.facilitator), world.case_id, risk, date(2026, 9, 20))
    move_to(app, world, *ROUTE_TO[stage])
    return world


def approved_letter(app: Flask, world: CaseWorld, text: str = "I think about that night often.") -> uuid.UUID:
    """A letter from the person harmed, sent and approved by the facilitator, ready to pass on."""
    with app.app_context():
        uow = unit_of_work()
        harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.LETTER, None)
        letters.send(uow, harmed, world.case_id, item_id, [text])
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        request = reviewing.ReviewRequest(ReviewDecision.APPROVE, seen, checked=True)
        reviewing.review(uow, facilitator, world.case_id, item_id, request)
        return item_id


def follow_up(app: Flask, world: CaseWorld, *names: str) -> None:
    """A follow-up phone call with each of these people (default: everyone), so the case may close."""
    with app.app_context():
        uow = unit_of_work()
        for name in names or tuple(world.people):
            contact = Contact(
                ContactMethod.PHONE,
                ContactPurpose.FOLLOW_UP,
                date.today(),
                "Talked about how things are now.",
                participant_id=world[name].participant_id,
                feeling=Feeling.BETTER,
            )
            casenotes.record_contact(uow, actor_of(world.facilitator), world.case_id, contact)
