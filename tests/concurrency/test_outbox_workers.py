"""Several workers at once send each notification exactly once: each claims its batch on its own
database connection (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite), and
sends only what it claimed, through a real SMTP server."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from portal.domain.notifications import NotificationKind, Status
from portal.notifications.sending import send_due
from portal.notifications.transports import transport_from_config
from portal.runtime import unit_of_work
from portal.services import outbox
from portal.storage import models

MESSAGES = 120
WORKERS = 4


def test_workers_running_at_once_send_every_message_exactly_once(mail_app, smtp_server):
    with mail_app.app_context(), unit_of_work() as uow:
        for number in range(MESSAGES):
            outbox.tell_address(
                uow, f"person{number}@example.test", NotificationKind.INVITATION, token=f"t{number}", language="en"
            )
    barrier = threading.Barrier(WORKERS)
    sent = [0] * WORKERS
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with mail_app.app_context():
                unit_of_work().session.connection()
                unit_of_work().rollback()
                barrier.wait(timeout=30)
                sent[index] = send_due(mail_app, unit_of_work(), transport_from_config(mail_app.config))
        except BaseException as failure:  # a worker that breaks must fail the test, not hang it
            failures.append(failure)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sum(sent) == MESSAGES
    received = Counter(message["To"] for message in smtp_server.messages())
    assert len(received) == MESSAGES and set(received.values()) == {1}
    assert sum(1 for count in sent if count) >= 2, sent  # the work was shared, not done by one worker alone
    with mail_app.app_context():
        statuses = dict(
            unit_of_work()
            .session.execute(select(models.OutboxMessage.status, func.count()).group_by(models.OutboxMessage.status))
            .all()
        )
    assert statuses == {Status.SENT.value: MESSAGES}
