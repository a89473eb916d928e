"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command (`flask --app wsgi`)."""

import logging

import click

from portal import create_app
from portal.config import load_config

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

config = load_config()
# A server refuses to start without readable keys; the flask command must not, since
# `flask keys init` is what creates the key file in the first place.
config["CHECK_KEYS_AT_START"] = click.get_current_context(silent=True) is None
app = create_app(config)
