"""One pass of the worker over the outbox: claim, prepare, send outside any transaction, record."""

from __future__ import annotations

import logging

from flask import Flask

from portal.domain.notifications import CLAIM_BATCH, Channel
from portal.notifications.templates import link_for, render, render_text
from portal.notifications.transports import Email, TextMessage, TextTransport, Transport, TransportFailed
from portal.services import outbox
from portal.services.uow import UnitOfWork

log = logging.getLogger(__name__)


def send_due(app: Flask, uow: UnitOfWork, transport: Transport | None, texts: TextTransport | None = None) -> int:
    """Send every message due now; returns how many went. A failure is recorded, never raised:
    one message that cannot be sent (or even prepared) never stops the others."""
    sent = 0
    while True:
        claim = outbox.claim_due(uow)
        for message_id in claim.ids:
            try:
                outgoing = outbox.prepare(uow, message_id, claim.by, texts=texts is not None)
                if outgoing is None:
                    continue
                link = link_for(app, outgoing.kind, outgoing.token)
                if outgoing.channel is Channel.SMS:
                    if texts is None:
                        raise TransportFailed("sms-not-set-up")
                    text = render_text(outgoing.kind, outgoing.language, link, app.config)
                    texts.send_text(TextMessage(outgoing.address, text, str(outgoing.id)))
                else:
                    if transport is None:
                        raise TransportFailed("mail-not-set-up")
                    rendered = render(outgoing.kind, outgoing.language, link, app.config)
                    transport.send(Email(outgoing.address, rendered.subject, rendered.body, str(outgoing.id)))
            except TransportFailed as failure:
                log.warning("notification %s not sent: %s", message_id, failure.code)
                outbox.record_failure(uow, message_id, claim.by, failure.code)
                continue
            except Exception:  # logged by type and place only: the message's words are not in it
                log.exception("notification %s could not be prepared", message_id)
                outbox.record_failure(uow, message_id, claim.by, "internal-error")
                continue
            outbox.record_sent(uow, message_id, claim.by)
            sent += 1
        if len(claim.ids) < CLAIM_BATCH:
            return sent
