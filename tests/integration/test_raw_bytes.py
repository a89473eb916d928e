"""Nothing a person wrote or is called reaches the database in the clear.

Letters, questions, notes, names, emails, referral details and review messages carrying a
unique marker go in through the services; then the raw database is searched: the SQLite
file and its write-ahead log byte by byte, or on PostgreSQL every row of every table as
text (bytea shows as hex, so the hex of the marker is searched for too).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy import make_url, text

from portal.domain.enums import ConsentFormat, ItemKind, Language, ParticipantRole, ReviewDecision, Role, Side
from portal.domain.notifications import Channel
from portal.runtime import unit_of_work
from portal.services import accounts, letters, recovery, reviewing
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import actor_of, add_person, exchange_case
from tests.helpers import PASSWORD


def _write_everything(app, marker: str) -> None:
    with app.app_context():
        uow = unit_of_work()
        accounts.create_account(
            uow, role=Role.PARTICIPANT, name=f"Name {marker}", email=f"{marker.lower()}@example.test", password=PASSWORD
        )
    world = exchange_case(app, harmed_terms=(f"Street{marker}",))
    add_person(
        app,
        world,
        f"Proxy {marker}",
        Side.HARMED,
        ParticipantRole.PROXY,
        relationship=f"aunt {marker}",
        consents=(ConsentFormat.LETTERS,),
    )
    with app.app_context():
        uow = unit_of_work()
        harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
        case_id = world.case_id
        letter = letters.start(uow, harmed, case_id, ItemKind.LETTER, None)
        letters.send(uow, harmed, case_id, letter, [f"My letter {marker} with a secret."])
        questions = letters.start(uow, harmed, case_id, ItemKind.QUESTION_SET, None)
        letters.send(uow, harmed, case_id, questions, [f"Question one {marker}?", f"Question two {marker}?"])

        seen = letters.read(uow, facilitator, case_id, letter).version
        reviewing.review(
            uow,
            facilitator,
            case_id,
            letter,
            reviewing.ReviewRequest(
                ReviewDecision.APPROVE,
                seen,
                passages=(reviewing.Passage("secret", f"reason {marker}"),),
                note=f"Note for the second reviewer {marker}",
                checked=True,
            ),
        )
        seen = letters.read(uow, facilitator, case_id, questions).version
        reviewing.review(
            uow,
            facilitator,
            case_id,
            questions,
            reviewing.ReviewRequest(ReviewDecision.RETURN, seen, message=f"Please change {marker}"),
        )
        note = letters.start(uow, facilitator, case_id, ItemKind.SHUTTLE_NOTE, world["responsible"].participant_id)
        letters.save_draft(uow, facilitator, case_id, note, [f"He said {marker} on the phone."])
        reviewing.release(
            uow, facilitator, case_id, letter, seen=letters.read(uow, facilitator, case_id, letter).version
        )

        letters.read(uow, actor_of(world["responsible"].account), case_id, letter)

        # A notification address, and a reset link queued to it: the outbox holds both sealed.
        responsible = uow.session.get(models.User, world["responsible"].account.id)
        address = f"notify.{marker.lower()}@example.test"
        choices = accounts.NotificationChoices(True, True, address, Channel.SMS, phone_for(marker))
        accounts.set_notification_choices(uow, responsible, choices, password=PASSWORD)
        recovery.request_reset(uow, world["responsible"].account.email, Language.EN)


def phone_for(marker: str) -> str:
    """A mobile number as unique as the marker, in E.164 form."""
    return f"+447{int(marker[3:], 16) % 10**9:09d}"


def _raw_sqlite(url: str) -> bytes:
    path = Path(make_url(url).database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _raw_postgres(app) -> bytes:
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    dump = []
    with engine.connect() as connection:
        for table in models.Base.metadata.sorted_tables:
            rows = connection.execute(text(f'SELECT t::text FROM "{table.name}" AS t')).scalars()
            dump.extend(rows)
    assert dump, "the dump is empty: the test wrote nothing"
    return "\n".join(dump).encode()


def test_no_marker_reaches_the_database_or_the_logs(app, caplog):
    marker = "ZQX" + uuid.uuid4().hex[:10].upper()
    with caplog.at_level(logging.DEBUG):
        _write_everything(app, marker)
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    assert len(raw) > 10_000
    phone = phone_for(marker)
    for needle in (marker, marker.lower(), marker.encode().hex(), marker.lower().encode().hex(), phone[1:]):
        assert needle.encode() not in raw, f"{needle} found in the raw database"
    assert marker not in caplog.text and marker.lower() not in caplog.text and phone[1:] not in caplog.text


def test_the_check_would_see_plaintext_if_it_were_there(app):
    """The search itself works: a plaintext value written on purpose is found."""
    marker = "ZQX" + uuid.uuid4().hex[:10].upper()
    case_id = exchange_case(app).case_id
    with app.app_context(), unit_of_work() as uow:
        uow.session.add(models.Notification(user_id=_any_user(uow), case_id=case_id, kind=marker))
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    assert marker.encode() in raw


def _any_user(uow) -> uuid.UUID:
    return accounts.create_account(
        uow, role=Role.PARTICIPANT, name="x", email=f"{uuid.uuid4().hex}@example.test", password=PASSWORD
    ).id
