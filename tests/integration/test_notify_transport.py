"""The GOV.UK Notify transport against a stand-in for Notify's email API on a free port: the real
client signs each request with the API key, the stand-in checks the signature as Notify does,
and each refusal becomes a code the outbox keeps."""

from __future__ import annotations

import uuid

import pytest

from portal.config import mail_settings
from portal.notifications.transports import Email, NotifyTransport, TransportFailed, transport_from_config
from tests.mail import free_port
from tests.notify_stub import API_KEY, SECRET, SERVICE_ID, TEMPLATE_ID, StubNotify, errors

EMAIL = Email("reader@example.test", "You have a new message", "You have a new message.\n", "0c1d")


def _transport(notify: StubNotify, api_key: str = API_KEY, template_id: str = TEMPLATE_ID) -> NotifyTransport:
    return NotifyTransport(api_key, template_id, notify.url, timeout=5.0)


def _failure(transport: NotifyTransport) -> TransportFailed:
    with pytest.raises(TransportFailed) as failure:
        transport.send(EMAIL)
    return failure.value


def test_a_message_goes_to_notify_signed_with_the_key(notify):
    _transport(notify).send(EMAIL)
    assert notify.received == [
        {
            "email_address": "reader@example.test",
            "template_id": TEMPLATE_ID,
            "personalisation": {"subject": "You have a new message", "body": "You have a new message.\n"},
            "reference": "0c1d",  # the outbox id: the message can be found in Notify
        }
    ]


def test_the_configured_transport_is_notify(notify):
    env = {
        "PORTAL_MAIL_TRANSPORT": "notify",
        "PORTAL_NOTIFY_API_KEY": API_KEY,
        "PORTAL_NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATE_ID,
        "PORTAL_NOTIFY_BASE_URL": notify.url,
    }
    transport = transport_from_config(mail_settings(env))
    assert isinstance(transport, NotifyTransport)
    transport.send(EMAIL)
    assert [sent["reference"] for sent in notify.received] == ["0c1d"]


def test_a_wrong_key_is_a_code_and_the_key_is_never_shown(notify):
    wrong = f"portal_live-{SERVICE_ID}-{uuid.uuid4()}"
    failure = _failure(_transport(notify, api_key=wrong))
    assert failure.code == "notify-authentication"
    assert notify.received == []
    assert str(failure) == "notify-authentication"  # neither the key nor the address
    assert SECRET not in repr(_transport(notify)) and wrong[-36:] not in repr(_transport(notify, api_key=wrong))


def test_a_template_notify_does_not_know_is_rejected(notify):
    assert _failure(_transport(notify, template_id=str(uuid.uuid4()))).code == "notify-rejected"


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (errors(400, "ValidationError", "email_address Not a valid email address"), "notify-rejected"),
        (
            errors(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
            "notify-rate-limited",
        ),
        (errors(500, "Exception", "Internal server error"), "notify-unavailable"),
        (errors(503, "Exception", "Service unavailable"), "notify-unavailable"),
    ],
)
def test_each_refusal_is_a_code(notify, answer, code):
    notify.answer = answer
    failure = _failure(_transport(notify))
    assert failure.code == code
    assert len(notify.received) == 1  # the request was signed and well formed; Notify said no


def test_no_notify_listening_is_unreachable():
    transport = NotifyTransport(API_KEY, TEMPLATE_ID, f"http://127.0.0.1:{free_port()}", timeout=2.0)
    assert _failure(transport).code == "notify-unreachable"


def test_notify_not_answering_in_time_is_unreachable(notify):
    notify.hold = True
    transport = NotifyTransport(API_KEY, TEMPLATE_ID, notify.url, timeout=0.5)
    assert _failure(transport).code == "notify-unreachable"
