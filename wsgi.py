"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command (`flask --app wsgi`)."""

import click

from portal import create_app
from portal.config import load_config
from portal.observability.logs import configure_logging

configure_logging()  # one JSON event per line, for the app servers and the worker alike

config = load_config()
# A server refuses to start without readable keys; the flask command must not, since
# `flask keys init` is what creates the key file in the first place.
config["CHECK_KEYS_AT_START"] = click.get_current_context(silent=True) is None
app = create_app(config)
