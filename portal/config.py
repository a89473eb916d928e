"""Settings: embedded defaults for development, environment variables for production.

The app never reads the environment itself; `load_config` turns an environment
mapping into a plain dict that `create_app` receives, so tests can pass their own.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Variables a production deployment must set; the app refuses to start without them.
REQUIRED_IN_PRODUCTION = (
    "PORTAL_DATABASE_URL",
    "PORTAL_SECRET_KEY",
    "PORTAL_RATELIMIT_STORAGE_URI",
    "PORTAL_BASE_URL",
)
# The keyring comes from a file (PORTAL_KEYS_FILE) or the variable itself (PORTAL_KEYS).
KEY_SOURCES = ("PORTAL_KEYS_FILE", "PORTAL_KEYS")


class ConfigError(RuntimeError):
    """A setting is missing or unusable; the message is one line naming it."""


def defaults(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings shared by every mode; each may be tuned by its PORTAL_ variable."""
    return {
        "SESSION_IDLE_MINUTES": int(env.get("PORTAL_SESSION_IDLE_MINUTES", "20")),
        "SESSION_MAX_HOURS": int(env.get("PORTAL_SESSION_MAX_HOURS", "8")),
        "MAX_CONTENT_LENGTH": int(env.get("PORTAL_MAX_REQUEST_BYTES", str(512 * 1024))),
        "INVITATION_DAYS": 7,
        "LEAVE_SITE_URL": env.get("PORTAL_LEAVE_SITE_URL", "https://www.bbc.co.uk/weather"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "rx_session",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which has its own limits
        # Flask-WTF's HTTPS check needs a Referer, which Referrer-Policy: no-referrer never sends;
        # the session-bound token, SameSite cookies and a Sec-Fetch-Site check guard instead.
        "WTF_CSRF_SSL_STRICT": False,
        "RATELIMIT_HEADERS_ENABLED": False,
        # If the shared store (Redis) is unreachable, limits go on in each process (and the
        # switch is logged): sign-in keeps working. A store that hangs is given up on quickly.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_IN_MEMORY_FALLBACK": "60 per minute; 600 per hour",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        # How many reverse proxies stand in front (0: none). Behind one, set 1 so that the
        # client's address (rate limits) and https (HSTS, links) come from its X-Forwarded headers.
        "TRUSTED_PROXIES": int(env.get("PORTAL_TRUSTED_PROXIES", "0")),
        **mail_settings(env),
        **observability_settings(env),
        **media_settings(env),
    }


MEDIA_STORES = ("database", "directory", "object")


def media_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Where the sealed chunks of recordings, pictures and scans are kept (portal.storage.media_store).
    The object store's credentials are boto3's own AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
    an instance role): they never pass through this config, so no setting here is a secret."""
    store = env.get("PORTAL_MEDIA_STORE") or "database"
    if store not in MEDIA_STORES:
        raise ConfigError(f"PORTAL_MEDIA_STORE must be one of {', '.join(MEDIA_STORES)}, not {store!r}")
    endpoint = env.get("PORTAL_MEDIA_S3_ENDPOINT") or None
    if endpoint is not None:
        # The address is never repeated: someone may have put a key in it.
        try:
            parts = urlsplit(endpoint)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("PORTAL_MEDIA_S3_ENDPOINT must be an http:// or https:// address")
        if parts.username is not None or parts.password is not None:
            raise ConfigError(
                "PORTAL_MEDIA_S3_ENDPOINT must not hold credentials (use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            )
    return {
        "MEDIA_STORE": store,
        "MEDIA_DIR": env.get("PORTAL_MEDIA_DIR") or None,
        "MEDIA_BUCKET": env.get("PORTAL_MEDIA_BUCKET") or None,
        "MEDIA_S3_ENDPOINT": endpoint,
        "MEDIA_S3_REGION": env.get("PORTAL_MEDIA_S3_REGION") or None,
    }


def _check_media_in_production(config: Mapping[str, Any]) -> None:
    """A directory store needs its folder there already (a missing one is a mount that failed,
    and files written beside it would land on the wrong disk); an object store needs its bucket."""
    store = config["MEDIA_STORE"]
    if store == "directory":
        folder = config["MEDIA_DIR"]
        if not folder:
            raise ConfigError("PORTAL_MEDIA_DIR is not set (required when PORTAL_MEDIA_STORE=directory)")
        path = Path(folder)
        if not path.is_absolute():
            raise ConfigError("PORTAL_MEDIA_DIR must be an absolute path (PORTAL_MEDIA_STORE=directory)")
        if not path.is_dir():
            raise ConfigError("PORTAL_MEDIA_DIR is not an existing folder (PORTAL_MEDIA_STORE=directory)")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ConfigError("PORTAL_MEDIA_DIR is a folder the portal cannot write to (PORTAL_MEDIA_STORE=directory)")
    if store == "object" and not config["MEDIA_BUCKET"]:
        raise ConfigError("PORTAL_MEDIA_BUCKET is not set (required when PORTAL_MEDIA_STORE=object)")


def observability_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Metrics: the app servers' multiprocess folders, the exporter's address and who may scrape it;
    and the file where `flask audit verify` notes its last run for the exporter."""
    allow = env.get("PORTAL_METRICS_ALLOW", "127.0.0.1/32,::1/128")
    try:
        for part in filter(None, (piece.strip() for piece in allow.split(","))):
            ipaddress.ip_network(part, strict=False)
    except ValueError:
        raise ConfigError("PORTAL_METRICS_ALLOW must be addresses or networks, comma-separated") from None
    return {
        "METRICS_DIR": env.get("PORTAL_METRICS_DIR") or None,
        "METRICS_BIND": env.get("PORTAL_METRICS_BIND", "127.0.0.1:9108"),
        "METRICS_ALLOW": allow,
        "AUDIT_VERIFY_STATE": env.get("PORTAL_AUDIT_VERIFY_STATE") or None,
        # The signed heads of the audit chain, appended on every verify and hourly by the worker:
        # keep it where the database's own user cannot write (see README, "The audit trail").
        "AUDIT_ANCHOR_FILE": env.get("PORTAL_AUDIT_ANCHOR_FILE") or None,
    }


SMTP_SECURITY = ("starttls", "tls", "none")


def mail_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """How notifications leave. The sender name and subject are each service's own and must say
    nothing of what the service is: whoever sees a phone's lock screen reads them."""
    security = env.get("PORTAL_SMTP_SECURITY", "starttls")
    if security not in SMTP_SECURITY:
        raise ConfigError(f"PORTAL_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
    transport = env.get("PORTAL_MAIL_TRANSPORT") or ("smtp" if env.get("PORTAL_SMTP_HOST") else "none")
    if transport not in ("smtp", "notify", "folder", "none"):
        raise ConfigError(f"PORTAL_MAIL_TRANSPORT must be smtp, notify, folder or none, not {transport!r}")
    if transport == "smtp" and not env.get("PORTAL_SMTP_HOST"):
        raise ConfigError("PORTAL_SMTP_HOST is not set (required when PORTAL_MAIL_TRANSPORT=smtp)")
    if transport == "notify":
        _check_notify(env, "PORTAL_NOTIFY_EMAIL_TEMPLATE_ID", "PORTAL_MAIL_TRANSPORT=notify")
    # Text messages go only through GOV.UK Notify (or a folder in development).
    texts = env.get("PORTAL_SMS_TRANSPORT") or ("notify" if env.get("PORTAL_NOTIFY_SMS_TEMPLATE_ID") else "none")
    if texts not in ("notify", "folder", "none"):
        raise ConfigError(f"PORTAL_SMS_TRANSPORT must be notify, folder or none, not {texts!r}")
    if texts == "notify":
        _check_notify(env, "PORTAL_NOTIFY_SMS_TEMPLATE_ID", "PORTAL_SMS_TRANSPORT=notify")
    return {
        "SMS_TRANSPORT": texts,
        "NOTIFY_SMS_TEMPLATE_ID": env.get("PORTAL_NOTIFY_SMS_TEMPLATE_ID") or None,
        "MAIL_TRANSPORT": transport,
        "MAIL_FROM": env.get("PORTAL_MAIL_FROM", "no-reply@localhost"),
        "MAIL_SENDER_NAME": env.get("PORTAL_MAIL_SENDER_NAME", "Messages"),
        # None: the translated "You have a new message", in the reader's language.
        "MAIL_SUBJECT": env.get("PORTAL_MAIL_SUBJECT") or None,
        "MAIL_FOLDER": env.get("PORTAL_MAIL_FOLDER", str(PROJECT_ROOT / "instance" / "mail")),
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("PORTAL_SMTP_PORT", "465" if security == "tls" else "587")),
        "SMTP_SECURITY": security,
        "SMTP_USERNAME": env.get("PORTAL_SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("PORTAL_SMTP_PASSWORD") or None,
        "SMTP_TIMEOUT": float(env.get("PORTAL_SMTP_TIMEOUT", "20")),
        "SMTP_CA_FILE": env.get("PORTAL_SMTP_CA_FILE") or None,
        # GOV.UK Notify: an API key and an email template whose subject is ((subject)) and body ((body)).
        "NOTIFY_API_KEY": env.get("PORTAL_NOTIFY_API_KEY") or None,
        "NOTIFY_BASE_URL": env.get("PORTAL_NOTIFY_BASE_URL") or "https://api.notifications.service.gov.uk",
        "NOTIFY_EMAIL_TEMPLATE_ID": env.get("PORTAL_NOTIFY_EMAIL_TEMPLATE_ID") or None,
    }


UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _check_notify(env: Mapping[str, str], template: str, needed_for: str) -> None:
    """Notify's API key and template id must be set and look like Notify's. No message repeats
    the value: the key would end up in a log."""
    for name in ("PORTAL_NOTIFY_API_KEY", template):
        if not env.get(name):
            raise ConfigError(f"{name} is not set (required when {needed_for})")
    if not re.fullmatch(f".+-{UUID}-{UUID}", env["PORTAL_NOTIFY_API_KEY"]):
        raise ConfigError("PORTAL_NOTIFY_API_KEY is not a GOV.UK Notify API key (its name, service id and secret)")
    if not re.fullmatch(UUID, env[template]):
        raise ConfigError(f"{template} is not a GOV.UK Notify template id")


def production_config(env: Mapping[str, str]) -> dict[str, Any]:
    """Every secret and address comes from the environment; nothing is guessed."""
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env.get(name)]
    if not any(env.get(name) for name in KEY_SOURCES):
        missing.append("PORTAL_KEYS_FILE (or PORTAL_KEYS)")
    if missing:
        raise ConfigError(f"{missing[0]} is not set (required when PORTAL_ENV=production)")
    if len(env["PORTAL_SECRET_KEY"]) < 32:
        raise ConfigError("PORTAL_SECRET_KEY is too short (use at least 32 random characters)")
    base_url = env["PORTAL_BASE_URL"].rstrip("/")
    if not base_url.startswith("https://"):
        raise ConfigError(
            "PORTAL_BASE_URL must be the portal's https:// address, for example https://portal.example.org"
        )
    config = defaults(env)
    for setting in ("MAIL_TRANSPORT", "SMS_TRANSPORT"):
        if config[setting] == "folder":  # addresses, numbers and links in plain files on the server
            raise ConfigError(f"PORTAL_{setting}=folder is for development only")
    _check_media_in_production(config)
    config.update(
        ENV="production",
        BASE_URL=base_url,
        # __Host-: the browser sends it only over HTTPS, to this exact host, for every path.
        SESSION_COOKIE_NAME="__Host-rx_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        DATABASE_URL=env["PORTAL_DATABASE_URL"],
        SECRET_KEY=env["PORTAL_SECRET_KEY"],
        KEYS_FILE=env.get("PORTAL_KEYS_FILE"),
        KEYS_JSON=env.get("PORTAL_KEYS"),
        RATELIMIT_STORAGE_URI=env["PORTAL_RATELIMIT_STORAGE_URI"],
        SESSION_COOKIE_SECURE=True,
        PREFERRED_URL_SCHEME="https",
        DEMO_ALLOWED=False,
    )
    return config


def development_config(env: Mapping[str, str], instance: Path | None = None) -> dict[str, Any]:
    """Embedded defaults: SQLite and a key file under instance/, served on loopback."""
    instance = instance or PROJECT_ROOT / "instance"
    config = defaults(env)
    config.update(
        ENV="development",
        DATABASE_URL=env.get("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        SECRET_KEY=env.get("PORTAL_SECRET_KEY") or _instance_secret(instance),
        KEYS_FILE=env.get("PORTAL_KEYS_FILE", str(instance / "keys.json")),
        RATELIMIT_STORAGE_URI=env.get("PORTAL_RATELIMIT_STORAGE_URI", "memory://"),
        # Links in notifications need the portal's address (`make run` sets it); mail goes to
        # instance/mail/ as .eml files.
        BASE_URL=(env.get("PORTAL_BASE_URL") or "").rstrip("/") or None,
        MAIL_TRANSPORT=env.get("PORTAL_MAIL_TRANSPORT", "folder"),
        SMS_TRANSPORT=env.get("PORTAL_SMS_TRANSPORT", "folder"),
        MAIL_FOLDER=env.get("PORTAL_MAIL_FOLDER", str(instance / "mail")),
        AUDIT_VERIFY_STATE=env.get("PORTAL_AUDIT_VERIFY_STATE", str(instance / "audit-verified.json")),
        AUDIT_ANCHOR_FILE=env.get("PORTAL_AUDIT_ANCHOR_FILE", str(instance / "audit-anchor.jsonl")),
        # The directory store (PORTAL_MEDIA_STORE=directory) keeps its files here unless told otherwise.
        MEDIA_DIR=env.get("PORTAL_MEDIA_DIR") or str(instance / "media"),
        # Plain http on 127.0.0.1 in development; production always sets Secure.
        SESSION_COOKIE_SECURE=False,
        DEMO_ALLOWED=True,
    )
    return config


def load_config(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Choose settings by PORTAL_ENV; a half-configured production deployment fails loudly."""
    env = os.environ if env is None else env
    mode = env.get("PORTAL_ENV")
    if mode is None and any(env.get(name) for name in REQUIRED_IN_PRODUCTION + KEY_SOURCES):
        mode = "production"
    if mode in (None, "development"):
        return development_config(env)
    if mode == "production":
        return production_config(env)
    raise ConfigError(f"PORTAL_ENV must be 'production' or 'development', not {mode!r}")


def _instance_secret(instance: Path) -> str:
    """A per-machine session-signing secret for development, created once with mode 0600."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
