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

from portal.domain.enums import ConsentFormat, ItemKind, ParticipantRole, ReviewDecision, Role, Side
from portal.runtime import unit_of_work
from portal.services import accounts, casework, letters
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import add_person, exchange_case
from tests.helpers import PASSWORD


def _as(app, account, case_id):
    uow = unit_of_work()
    return uow, casework.load(uow, casework.actor_for(uow.session.get(models.User, account.id)), case_id)


def _write_everything(app, marker: str) -> None:
    with app.app_context():
        uow = unit_of_work()
        accounts.create_account(
            uow, role=Role.PARTICIPANT, name=f"Name {marker}", email=f"{marker.lower()}@example.test", password=PASSWORD
        )
        uow.commit()
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
        uow, context = _as(app, world["harmed"].account, world.case_id)
        letter = letters.start(uow, context, ItemKind.LETTER, context.me.id)
        letters.save_draft(uow, context, letter, [f"My letter {marker} with a secret."])
        letters.submit(uow, context, letter)
        questions = letters.start(uow, context, ItemKind.QUESTION_SET, context.me.id)
        letters.save_draft(uow, context, questions, [f"Question one {marker}?", f"Question two {marker}?"])
        letters.submit(uow, context, questions)

        uow, context = _as(app, world.facilitator, world.case_id)
        letters.review(
            uow,
            context,
            letter,
            letters.ReviewRequest(
                ReviewDecision.APPROVE, passages="secret", passage_reason=f"reason {marker}", checked=True
            ),
        )
        letters.review(
            uow, context, questions, letters.ReviewRequest(ReviewDecision.RETURN, message=f"Please change {marker}")
        )
        note = letters.start(uow, context, ItemKind.SHUTTLE_NOTE, world["responsible"].participant_id)
        letters.save_draft(uow, context, note, [f"He said {marker} on the phone."])
        letters.release(uow, context, letter)

        uow, context = _as(app, world["responsible"].account, world.case_id)
        letters.read(uow, context, letter)


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
    for needle in (marker, marker.lower(), marker.encode().hex(), marker.lower().encode().hex()):
        assert needle.encode() not in raw, f"{needle} found in the raw database"
    assert marker not in caplog.text and marker.lower() not in caplog.text


def test_the_check_would_see_plaintext_if_it_were_there(app):
    """The search itself works: a plaintext value written on purpose is found."""
    marker = "ZQX" + uuid.uuid4().hex[:10].upper()
    with app.app_context():
        uow = unit_of_work()
        uow.session.add(models.Notification(user_id=_any_user(uow), case_id=_any_case(app, uow), kind=marker))
        uow.commit()
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    assert marker.encode() in raw


def _any_user(uow) -> uuid.UUID:
    return accounts.create_account(
        uow, role=Role.PARTICIPANT, name="x", email=f"{uuid.uuid4().hex}@example.test", password=PASSWORD
    ).id


def _any_case(app, uow) -> uuid.UUID:
    uow.commit()
    return exchange_case(app).case_id
