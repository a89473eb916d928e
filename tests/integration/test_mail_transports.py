"""The SMTP transport against real servers: STARTTLS and implicit TLS, each with a login,
a certificate checked against the CA it was given, and each failure as a code the outbox keeps."""

from __future__ import annotations

import datetime
import ipaddress
import mailbox
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal.notifications.transports import Email, FolderTransport, Sender, SmtpTransport, TransportFailed
from tests.mail import free_port

SERVER = Path(__file__).resolve().parents[1] / "smtp_secure_server.py"
SENDER = Sender("no-reply@service.example", "Messages")
EMAIL = Email("reader@example.test", "You have a new message", "You have a new message.\n", "0c1d")


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, which is also the CA the client is told to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture(params=["starttls", "tls"])
def secure_server(request, tmp_path):
    cert, key = _certificate(tmp_path)
    port = free_port()
    maildir = tmp_path / "maildir"
    process = subprocess.Popen(
        [sys.executable, str(SERVER), request.param, str(port), str(cert), str(key), str(maildir), "portal", "s3cret"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield request.param, port, cert, maildir
    process.terminate()
    process.wait(timeout=10)


def _transport(mode, port, cert, password="s3cret", ca_file=None) -> SmtpTransport:
    return SmtpTransport(SENDER, "localhost", port, mode, "portal", password, 5.0, ca_file or str(cert))


def test_a_message_goes_over_tls_with_a_login(secure_server):
    mode, port, cert, maildir = secure_server
    _transport(mode, port, cert).send(EMAIL)
    (message,) = [m for _k, m in mailbox.Maildir(maildir, create=False).items()]
    assert (message["To"], message["Subject"]) == ("reader@example.test", "You have a new message")
    assert message["From"] == "Messages <no-reply@service.example>"
    assert message["Message-ID"] == "<0c1d@service.example>"  # the outbox id: the same on every try


def test_a_wrong_password_is_a_code_not_a_crash(secure_server):
    mode, port, cert, _maildir = secure_server
    with pytest.raises(TransportFailed) as failure:
        _transport(mode, port, cert, password="wrong").send(EMAIL)
    assert failure.value.code == "smtp-authentication"


def test_a_certificate_nobody_vouches_for_is_refused(secure_server, tmp_path):
    mode, port, _cert, _maildir = secure_server
    (tmp_path / "other").mkdir()
    other_ca, _key = _certificate(tmp_path / "other")
    with pytest.raises(TransportFailed) as failure:
        _transport(mode, port, other_ca).send(EMAIL)
    assert failure.value.code in ("smtp-tls", "smtp-unreachable")


def test_no_server_listening_is_unreachable():
    with pytest.raises(TransportFailed) as failure:
        SmtpTransport(SENDER, "127.0.0.1", free_port(), "starttls", timeout=2.0).send(EMAIL)
    assert failure.value.code == "smtp-unreachable"


def test_under_make_run_mail_is_a_file_a_newcomer_can_read(tmp_path):
    FolderTransport(SENDER, tmp_path / "mail").send(EMAIL)
    (written,) = (tmp_path / "mail").glob("*.eml")
    text = written.read_text()
    assert "Subject: You have a new message" in text and "To: reader@example.test" in text
