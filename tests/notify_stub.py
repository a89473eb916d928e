"""A stand-in for GOV.UK Notify's API on a free port, for the transport tests: it checks each
request's signature as Notify does (a JWT signed with the API key's secret), keeps what it was
sent, and answers as Notify would. Email and text messages each have their own template."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from tests.mail import free_port

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"portal_live-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())
SMS_TEMPLATE_ID = str(uuid.uuid4())
TEMPLATES = {"/v2/notifications/email": TEMPLATE_ID, "/v2/notifications/sms": SMS_TEMPLATE_ID}


def errors(status: int, error: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"errors": [{"error": error, "message": message}], "status_code": status}


class StubNotify:
    """POST /v2/notifications/email and /sms as Notify answers them. `answer` (a status and a JSON body)
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
        if path not in TEMPLATES:
            return errors(404, "NotFoundError", "Not found")
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return errors(401, "AuthError", "Unauthorized: authentication token must be provided")
        try:
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], issuer=SERVICE_ID, options={"require": ["iss", "iat"]}
            )
        except jwt.InvalidTokenError:
            return errors(403, "AuthError", "Invalid token")
        if abs(time.time() - int(claims["iat"])) > 30:
            return errors(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        notification = json.loads(raw)
        if notification.get("template_id") != TEMPLATES[path]:
            return errors(400, "BadRequestError", "Template not found")
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
