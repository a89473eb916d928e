"""A secure SMTP server process for the transport tests: STARTTLS or implicit TLS, with a login
required. Run as `python tests/smtp_secure_server.py MODE PORT CERT KEY MAILDIR USER PASSWORD`."""

from __future__ import annotations

import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main() -> None:
    mode, port, cert, key, maildir, user, password = sys.argv[1:]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(_server, _session, _envelope, _mechanism, data) -> AuthResult:
        right = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), password.encode())
        return AuthResult(success=right, handled=False)  # handled=False: the server answers 535

    # Implicit TLS is TLS from the first byte; aiosmtpd only counts STARTTLS as "TLS" for AUTH.
    settings = {
        "authenticator": authenticator,
        "auth_required": True,
        "auth_exclude_mechanism": ["LOGIN"],
        "auth_require_tls": mode == "starttls",
    }
    if mode == "starttls":
        controller = Controller(
            Mailbox(maildir),
            hostname="127.0.0.1",
            port=int(port),
            tls_context=context,
            require_starttls=True,
            **settings,
        )
    else:
        controller = Controller(
            Mailbox(maildir),
            hostname="127.0.0.1",
            port=int(port),
            ssl_context=context,
            server_hostname="localhost",
            **settings,
        )
    controller.start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
