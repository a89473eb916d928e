"""Restorative Exchange: a secure portal for restorative justice letters and questions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any]) -> Flask:
    """Build an app from a plain settings mapping (see portal.config.load_config).

    The web stack is imported here, not at the top, so that `portal.domain` and
    `portal.screening` stay importable without Flask or SQLAlchemy.
    """
    from flask import Flask

    from portal import cli, web
    from portal.config import PROJECT_ROOT
    from portal.extensions import csrf, database, limiter, login_manager
    from portal.runtime import KEYRING, load_keyring

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(config)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if app.config.get("ENV") == "production" and app.config.get("CHECK_KEYS_AT_START", True):
        # A server fails at start, not on the first request, if the keys cannot be read.
        app.extensions[KEYRING] = load_keyring(app.config)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    database.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # The web layer first: its check for unreadable form bytes must see the raw body
    # before CSRFProtect parses the form.
    web.init_app(app)
    csrf.init_app(app)
    cli.init_app(app)
    return app
