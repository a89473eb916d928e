"""The bridge from a Flask app context to the service layer: keyring and unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, g

from portal.crypto import Keyring
from portal.extensions import database
from portal.services.uow import UnitOfWork

KEYRING = "portal.keyring"


def load_keyring(config: Mapping[str, Any]) -> Keyring:
    if config.get("KEYS_JSON"):
        return Keyring.from_json(config["KEYS_JSON"])
    return Keyring.load(config["KEYS_FILE"])


def keyring() -> Keyring:
    """Loaded on first use, so `flask keys init` can run before the key file exists."""
    if KEYRING not in current_app.extensions:
        current_app.extensions[KEYRING] = load_keyring(current_app.config)
    return current_app.extensions[KEYRING]


def forget_keyring() -> None:
    """After the key file changes (rotation), load it afresh."""
    current_app.extensions.pop(KEYRING, None)


def unit_of_work() -> UnitOfWork:
    if "uow" not in g:
        g.uow = UnitOfWork(session=database.session, keyring=keyring())
    return g.uow
