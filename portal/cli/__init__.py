"""Command-line tools: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask

from portal.cli import audit, db, demo, keys, users


def init_app(app: Flask) -> None:
    for group in (db.group, keys.group, users.group, audit.group, demo.group):
        app.cli.add_command(group)
    try:
        from portal.cli.screen import screen_command
    except ImportError:  # the screening module arrives with its own issue
        return
    app.cli.add_command(screen_command)
