"""No notification says what the service is about to someone who sees a lock screen: every kind,
in both languages, and every message actually sent in a case's life, carries no name, no case
reference, no word of any letter, and nothing that names restorative justice or an offence."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cli.worker import run_jobs_once
from portal.domain.cases import Referral
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    Language,
    ReferralSource,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
)
from portal.domain.notifications import LINK_KINDS, NotificationKind
from portal.notifications.templates import link_for, render, render_text
from portal.runtime import unit_of_work
from portal.services import accounts, casework, demo, digests, invitations, letters, recovery, reviewing
from portal.storage import models
from tests.factories import ROUTE_TO, CaseWorld, actor_of, add_person, move_to
from tests.helpers import make_account
from tests.mail import body

# Words that would tell an onlooker what this is, in English and Welsh.
GIVEAWAYS = re.compile(
    r"restorative|justice|offen[cs]e|offender|victim|crime|criminal|prison|probation|police|harm|burglary"
    r"|adferol|cyfiawnder|trosedd|troseddwr|dioddefwr|carchar|prawf|heddlu|niwed",
    re.IGNORECASE,
)
NAMES = ("Marigold Featherstone", "Barnaby Quillfeather", "Ottoline Wrenfield")
REFERENCE = "CR/7731/26"
OFFENCE = "Theft of a bicycle"
LETTER = "The blue bicycle meant everything to my daughter Juniper."


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_template_is_neutral_in_both_languages(mail_app, kind, language):
    with mail_app.app_context():
        token = "T0KEN" if kind in (NotificationKind.INVITATION, NotificationKind.PASSWORD_RESET) else None
        link = link_for(mail_app, kind, token)
        rendered = render(kind, language, link, mail_app.config)
    assert link in rendered.body
    for text in (rendered.subject, rendered.body.replace(link, ""), mail_app.config["MAIL_SENDER_NAME"]):
        assert not GIVEAWAYS.search(text), (kind, language, text)
    assert len(rendered.body.splitlines()) <= 6  # a sentence, a link, a closing line: nothing else
    if kind not in LINK_KINDS:  # invitations and reset links only ever go by email
        with mail_app.app_context():
            text = render_text(kind, language, link, mail_app.config)
        assert link in text and len(text) <= 160 + len(link)  # one text message
        assert not GIVEAWAYS.search(text.replace(link, "")), (kind, language, text)


def test_every_message_sent_in_a_case_s_life_carries_nothing_from_the_case(mail_app, smtp_server):
    facilitator = make_account(mail_app, Role.FACILITATOR, name=NAMES[2])
    with mail_app.app_context():
        uow = unit_of_work()
        referral = Referral(REFERENCE, OFFENCE, ReferralSource.POLICE, date(2026, 9, 1), date(2026, 3, 14))
        case_id = casework.open_case(uow, actor_of(facilitator), referral, RiskLevel.LOW)
        world = CaseWorld(case_id, uow.session.get(models.Case, case_id).code, facilitator)
    harmed = add_person(mail_app, world, NAMES[0], Side.HARMED, consents=(ConsentFormat.LETTERS,))
    responsible = add_person(mail_app, world, NAMES[1], Side.RESPONSIBLE, consents=(ConsentFormat.LETTERS,))
    with mail_app.app_context():
        demo.assess_ready(unit_of_work(), actor_of(facilitator), case_id, RiskLevel.LOW, date(2026, 9, 20))
    move_to(mail_app, world, *ROUTE_TO[Stage.EXCHANGE])
    admin = make_account(mail_app, Role.ADMIN)
    with mail_app.app_context():
        uow = unit_of_work()
        writer, staff = actor_of(harmed.account), actor_of(facilitator)
        # released to the reader, and one returned to its writer
        for decision in (ReviewDecision.APPROVE, ReviewDecision.RETURN):
            item_id = letters.start(uow, writer, case_id, ItemKind.LETTER, None)
            letters.send(uow, writer, case_id, item_id, [LETTER])
            seen = letters.read(uow, staff, case_id, item_id).version
            message = f"Please leave out {NAMES[1]}." if decision is ReviewDecision.RETURN else ""
            reviewing.review(
                uow, staff, case_id, item_id, reviewing.ReviewRequest(decision, seen, message=message, checked=True)
            )
            if decision is ReviewDecision.APPROVE:
                seen = letters.read(uow, staff, case_id, item_id).version
                reviewing.release(uow, staff, case_id, item_id, seen=seen)
        # an invitation, a password reset, an account change, a digest, and someone stopping
        invitations.invite(
            uow, actor_of(admin), Role.FACILITATOR, NAMES[2] + " Two", "two@example.test", send_in=Language.CY
        )
        recovery.request_reset(uow, responsible.account.email, Language.EN)
        accounts.reset_totp(uow, actor_of(admin), facilitator.id)
        item_id = letters.start(uow, writer, case_id, ItemKind.LETTER, None)
        letters.send(uow, writer, case_id, item_id, [LETTER])  # waiting for review: the digest has news
        morning = datetime.now(UTC).replace(hour=9) + timedelta(days=1)
        assert digests.queue_due(uow, morning) == 1
    with mail_app.app_context():
        run_jobs_once()
        casework.withdraw(unit_of_work(), actor_of(responsible.account), case_id, responsible.participant_id)
        run_jobs_once()
        kinds = set(unit_of_work().session.scalars(select(models.OutboxMessage.kind)))
    assert kinds == {kind.value for kind in NotificationKind}  # every kind, from real events
    messages = smtp_server.messages()
    assert len(messages) >= len(NotificationKind)
    forbidden = [*NAMES, *(name.split()[0] for name in NAMES), world.code, REFERENCE, OFFENCE, "Juniper", "bicycle"]
    for message in messages:
        for text in (message["Subject"], message["From"], body(message)):
            for word in forbidden:
                assert word.lower() not in text.lower(), (word, text)
            assert not GIVEAWAYS.search(re.sub(r"https?://\S+", "", text)), text
