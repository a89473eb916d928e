"""The GOV.UK Notify transport against a stand-in for Notify's email API on a free port: the real
client signs each request with the API key, the stand-in checks the signature as Notify does,
and each refusal becomes a code the outbox keeps."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from portal.config import mail_settings
from portal.notifications.transports import Email, NotifyTransport, TransportFailed, transport_from_config
from tests.mail import free_port

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"portal_live-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())
EMAIL = Email("reader@example.test", "You have a new message", "You have a new message.\n", "0c1d")


def _errors(status: int, error: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"errors": [{"error": error, "message": message}], "status_code": status}


class StubNotify:
    """POST /v2/notifications/email as Notify answers it. `answer` (a status and a JSON body)
    replaces the answer to a request that passes the checks; `hold` leaves each one unanswered."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer: tuple[int, dict[str, Any]] | None = None
        self.hold = False
        self.released = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, body = stub.handle(self.path, self.headers.get("Authorization", ""), self._body())
                if stub.hold:  # no answer at all: the client gives up first
                    stub.released.wait(10)
                    return
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def handle(self, path: str, authorization: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if path != "/v2/notifications/email":
            return _errors(404, "NotFoundError", "Not found")
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return _errors(401, "AuthError", "Unauthorized: authentication token must be provided")
        try:
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], issuer=SERVICE_ID, options={"require": ["iss", "iat"]}
            )
        except jwt.InvalidTokenError:
            return _errors(403, "AuthError", "Invalid token")
        if abs(time.time() - int(claims["iat"])) > 30:
            return _errors(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        notification = json.loads(raw)
        if notification.get("template_id") != TEMPLATE_ID:
            return _errors(400, "BadRequestError", "Template not found")
        self.received.append(notification)
        if self.answer is not None:
            return self.answer
        notification_id = str(uuid.uuid4())
        personalisation = notification.get("personalisation", {})
        return 201, {
            "id": notification_id,
            "reference": notification.get("reference"),
            "content": {
                "subject": personalisation.get("subject"),
                "body": personalisation.get("body"),
                "from_email": "messages@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"{self.url}/v2/template/{TEMPLATE_ID}"},
        }


@pytest.fixture
def notify():
    stub = StubNotify()
    stub.thread.start()
    yield stub
    stub.released.set()
    stub.server.shutdown()
    stub.server.server_close()
    stub.thread.join(timeout=10)


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
        (_errors(400, "ValidationError", "email_address Not a valid email address"), "notify-rejected"),
        (
            _errors(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
            "notify-rate-limited",
        ),
        (_errors(500, "Exception", "Internal server error"), "notify-unavailable"),
        (_errors(503, "Exception", "Service unavailable"), "notify-unavailable"),
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
