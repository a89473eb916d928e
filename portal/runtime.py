"""The bridge from a Flask app context to the service layer: keyring and unit of work."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import current_app, g

from portal.crypto import Keyring
from portal.extensions import database
from portal.services.uow import UnitOfWork
from portal.storage.media_store import MediaStores

KEYRING = "portal.keyring"
KEYRING_STAMP = "portal.keyring.stamp"
MEDIA_STORES = "portal.media-stores"


def load_keyring(config: Mapping[str, Any]) -> Keyring:
    if config.get("KEYS_JSON"):
        return Keyring.from_json(config["KEYS_JSON"])
    return Keyring.load(config["KEYS_FILE"])


def keyring() -> Keyring:
    """Loaded on first use, so `flask keys init` can run before the key file exists.

    A key file that changes (after `flask keys rotate`) is read again at the next request, so
    no running worker goes on wrapping new keys under a key-encryption key being retired.
    """
    stamp = _key_file_stamp(current_app.config)
    cached = current_app.extensions.get(KEYRING)
    if cached is None or current_app.extensions.get(KEYRING_STAMP) != stamp:
        current_app.extensions[KEYRING] = cached = load_keyring(current_app.config)
        current_app.extensions[KEYRING_STAMP] = stamp
    return cached


def _key_file_stamp(config: Mapping[str, Any]) -> tuple[int, int] | None:
    if config.get("KEYS_JSON") or not config.get("KEYS_FILE"):
        return None
    try:
        status = os.stat(config["KEYS_FILE"])
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def media_stores() -> MediaStores:
    """The app's media stores, made once per app (an object store keeps its client)."""
    stores = current_app.extensions.get(MEDIA_STORES)
    if stores is None:
        current_app.extensions[MEDIA_STORES] = stores = MediaStores(current_app.config)
    return stores


def unit_of_work() -> UnitOfWork:
    if "uow" not in g:
        g.uow = UnitOfWork(session=database.session, keyring=keyring(), media_stores=media_stores())
    return g.uow
